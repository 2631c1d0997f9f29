/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KTAP suite "pci": enumeration results checked against what QEMU's
 * machines are known to contain and against fresh configuration reads.
 * Cases about virtio-net skip when the boot has no such NIC (the
 * launcher adds one with --net).
 */
#include <tessera/ktest.h>
#include <tessera/pci.h>
#include <tessera/virtio.h>

#define VIRTIO_NET_TRANSITIONAL	0x1000

static struct pci_dev *find_virtio_net(void)
{
	struct pci_dev *d;

	d = pci_get_device(VIRTIO_PCI_VENDOR_ID,
			   VIRTIO_PCI_MODERN_DEVICE_BASE + VIRTIO_ID_NET, NULL);
	if (!d)
		d = pci_get_device(VIRTIO_PCI_VENDOR_ID,
				   VIRTIO_NET_TRANSITIONAL, NULL);
	return d;
}

static void pci_devices_enumerated(struct ktest *t)
{
	struct pci_dev *d = NULL;
	unsigned int n = 0;

	KT_EXPECT_GE(t, pci_nr_buses(), 1);
	while ((d = pci_get_device(PCI_ANY_ID, PCI_ANY_ID, d)))
		n++;
	KT_EXPECT_EQ(t, n, pci_nr_devices());
	KT_EXPECT_GE(t, n, 2);
}

/* i440fx has the 440FX host bridge at 00:00.0, q35 the Q35 (MCH). */
static void pci_host_bridge_present(struct ktest *t)
{
	struct pci_dev *d = pci_get_device(0x8086, 0x1237, NULL);

	if (!d)
		d = pci_get_device(0x8086, 0x29c0, NULL);
	KT_ASSERT_NOT_NULL(t, d);
	KT_EXPECT_EQ(t, d->bus, 0);
	KT_EXPECT_EQ(t, d->slot, 0);
	KT_EXPECT_EQ(t, d->class, 0x06);	/* bridge */
	KT_EXPECT_EQ(t, d->subclass, 0x00);	/* host bridge */
	KT_EXPECT_EQ(t, pci_read16(d, PCI_VENDOR_ID), 0x8086);
	KT_EXPECT_EQ(t, pci_read16(d, PCI_DEVICE_ID), d->device);
}

/* Config reads of every enumerated device agree with what was stored. */
static void pci_config_matches_devices(struct ktest *t)
{
	struct pci_dev *d = NULL;

	while ((d = pci_get_device(PCI_ANY_ID, PCI_ANY_ID, d))) {
		u32 id = pci_bus_read_config(d->segment, d->bus, d->slot,
					     d->func, 0, 4);

		KT_EXPECT_EQ(t, id & 0xffff, d->vendor);
		KT_EXPECT_EQ(t, id >> 16, d->device);
		KT_EXPECT_EQ(t, pci_read8(d, PCI_CLASS_PROG + 2), d->class);
		KT_EXPECT_TRUE(t, pci_get_slot(d->segment, d->bus, d->slot,
					       d->func) == d);
	}
}

static void pci_absent_function_reads_ones(struct ktest *t)
{
	unsigned int slot, func;

	for (slot = 0; slot < 32; slot++) {
		if (pci_get_slot(0, 0, slot, 0))
			continue;
		KT_EXPECT_EQ(t, pci_bus_read_config(0, 0, slot, 0,
						    PCI_VENDOR_ID, 2), 0xffff);
		KT_EXPECT_EQ(t, pci_bus_read_config(0, 0, slot, 0, 0, 4),
			     0xffffffffU);
		for (func = 0; func < 8; func++)
			KT_EXPECT_NULL(t, pci_get_slot(0, 0, slot, func));
		return;
	}
	KT_SKIP(t, "every slot of bus 0 is populated");
}

static void pci_bad_config_offsets_refused(struct ktest *t)
{
	/* Misaligned and out-of-range accesses read all ones. */
	KT_EXPECT_EQ(t, pci_bus_read_config(0, 0, 0, 0, 1, 2), 0xffffffffU);
	KT_EXPECT_EQ(t, pci_bus_read_config(0, 0, 0, 0, 2, 4), 0xffffffffU);
	KT_EXPECT_EQ(t, pci_bus_read_config(0, 0, 0, 0, 4096, 4),
		     0xffffffffU);
	KT_EXPECT_EQ(t, pci_bus_read_config(0, 0, 32, 0, 0, 4), 0xffffffffU);
	KT_EXPECT_EQ(t, pci_bus_read_config(0, 0, 0, 8, 0, 4), 0xffffffffU);
}

static void pci_virtio_net_bars(struct ktest *t)
{
	struct pci_dev *d = find_virtio_net();
	unsigned int i, nr_mem = 0;

	if (!d)
		KT_SKIP(t, "no virtio-net device (boot with --net)");
	for (i = 0; i < 6; i++) {
		struct pci_bar *b = &d->bar[i];
		u32 reg;

		if (!b->size)
			continue;
		KT_EXPECT_TRUE(t, is_power_of_2(b->size));
		KT_EXPECT_EQ(t, b->base & (b->size - 1), 0);
		KT_EXPECT_NE(t, b->base, 0);
		/* Sizing restored the programmed address. */
		reg = pci_read32(d, PCI_BASE_ADDRESS_0 + 4 * i);
		if (b->is_io) {
			KT_EXPECT_EQ(t, reg & ~3U, (u32)b->base);
		} else {
			nr_mem++;
			KT_EXPECT_EQ(t, reg & ~0xfU, (u32)b->base);
			if (b->is_64)
				KT_EXPECT_EQ(t, pci_read32(d,
						PCI_BASE_ADDRESS_0 + 4 * i + 4),
					     (u32)(b->base >> 32));
		}
		if (b->is_64)
			i++;
	}
	/* The modern interface needs a memory BAR. */
	KT_EXPECT_GE(t, nr_mem, 1);
}

static void pci_virtio_net_msix(struct ktest *t)
{
	struct pci_dev *d = find_virtio_net();
	u8 pos;

	if (!d)
		KT_SKIP(t, "no virtio-net device (boot with --net)");
	pos = pci_find_capability(d, PCI_CAP_ID_MSIX);
	KT_ASSERT_NE(t, pos, 0);
	KT_EXPECT_EQ(t, pos, d->msix_cap);
	KT_EXPECT_EQ(t, pci_read8(d, pos), PCI_CAP_ID_MSIX);
	KT_EXPECT_GE(t, d->msix_table_size, 2);
	/* Vendor capabilities: at least the four virtio structures. */
	pos = 0;
	{
		unsigned int n = 0;

		while ((pos = pci_find_next_capability(d, pos,
						       PCI_CAP_ID_VNDR)))
			n++;
		KT_EXPECT_GE(t, n, 4);
	}
}

static void pci_capability_absent_is_zero(struct ktest *t)
{
	struct pci_dev *d = NULL;

	/* 0x00 is reserved: no device has it; the walk must end. */
	while ((d = pci_get_device(PCI_ANY_ID, PCI_ANY_ID, d)))
		KT_EXPECT_EQ(t, pci_find_capability(d, 0x00), 0);
}

static struct ktest_case pci_cases[] = {
	KTEST_CASE(pci_devices_enumerated),
	KTEST_CASE(pci_host_bridge_present),
	KTEST_CASE(pci_config_matches_devices),
	KTEST_CASE(pci_absent_function_reads_ones),
	KTEST_CASE(pci_bad_config_offsets_refused),
	KTEST_CASE(pci_virtio_net_bars),
	KTEST_CASE(pci_virtio_net_msix),
	KTEST_CASE(pci_capability_absent_is_zero),
	{}
};
KTEST_SUITE(pci, pci_cases);
