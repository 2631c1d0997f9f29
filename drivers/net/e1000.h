/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Intel gigabit NICs that share drivers/net/e1000.c: the 82540EM
 * (e1000.c's own PCI driver) and the 82574L (e1000e.c).  Both use the
 * same register offsets and legacy descriptor rings, so the rings, the
 * receive and transmit loops, the interrupt handler and the setup are one
 * piece of code; a struct e1000_chip says what differs.
 */
#ifndef _DRIVERS_NET_E1000_H
#define _DRIVERS_NET_E1000_H

#include <tessera/pci.h>
#include <tessera/types.h>

struct e1000_chip {
	const char *name;		/* netdev driver name: "e1000" */
	u32 eerd_done;			/* EERD "read done" bit */
	unsigned int eerd_addr_shift;	/* EERD word address field */
	u32 ctrl_ext_set;		/* CTRL_EXT bits set at probe, or 0 */
};

/*
 * Reset the device, read its MAC, set up the rings and the interrupt and
 * register the netdev.  0, or a negative errno with the device reset and
 * everything freed.
 */
int e1000_probe_chip(struct pci_dev *pdev, const struct e1000_chip *chip);

#endif /* _DRIVERS_NET_E1000_H */
