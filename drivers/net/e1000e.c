/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Intel 82574L (e1000e, QEMU's `-device e1000e`).  The 82574L keeps the
 * 8254x register offsets and, with RFCTL.EXTEN and RCTL.DTYP at their
 * reset value 0, the legacy receive and transmit descriptors, so the
 * rings, the receive and transmit loops and the setup are e1000.c's
 * (e1000_probe_chip()).  What differs is described here: the EERD field
 * layout (DONE is bit 1, the word address starts at bit 2), CTRL_EXT's
 * DRV_LOAD (set: the driver, not the manageability firmware, owns the
 * device), and ICR, which a read clears only while no cause is enabled;
 * e1000.c's interrupt handler writes the bits back for both chips.  The
 * function has MSI (QEMU: yes), used when present; MSI-X and the
 * extended and packet-split descriptors are not used.
 */
#include <tessera/pci.h>

#include "e1000.h"
#include "e1000_hw.h"

static const struct e1000_chip e1000e_82574l = {
	.name = "e1000e",
	.eerd_done = E1000E_EERD_DONE,
	.eerd_addr_shift = E1000E_EERD_ADDR_SHIFT,
	.ctrl_ext_set = E1000_CTRL_EXT_DRV_LOAD,
};

static int e1000e_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	return e1000_probe_chip(pdev, &e1000e_82574l);
}

static const struct pci_device_id e1000e_ids[] = {
	{ .vendor = E1000_VENDOR_INTEL, .device = E1000_DEV_82574L },
	{ 0 },
};

static struct pci_driver e1000e_driver = {
	.name = "e1000e",
	.id_table = e1000e_ids,
	.probe = e1000e_probe,
};
PCI_DRIVER(e1000e_driver);
