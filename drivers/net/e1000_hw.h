/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Intel 8254x (82540EM) registers, bits and legacy descriptor formats
 * used by drivers/net/e1000.c, from the PCI/PCI-X Family of Gigabit
 * Ethernet Controllers Software Developer's Manual, and the few places
 * where the 82574L (drivers/net/e1000e.c, 82574 GbE Controller Family
 * datasheet) differs: the device id, the EERD field layout and CTRL_EXT.
 * The 82574L keeps the 8254x register offsets and, with RFCTL.EXTEN and
 * RCTL.DTYP clear (their reset values), the legacy descriptor formats.
 * Only what the drivers touch.
 */
#ifndef _DRIVERS_NET_E1000_HW_H
#define _DRIVERS_NET_E1000_HW_H

#include <tessera/types.h>

#define E1000_VENDOR_INTEL	0x8086
#define E1000_DEV_82540EM	0x100e
#define E1000_DEV_82574L	0x10d3

/* Registers (byte offsets into BAR0). */
#define E1000_CTRL		0x0000
#define E1000_STATUS		0x0008
#define E1000_EERD		0x0014
#define E1000_CTRL_EXT		0x0018	/* 82574L */
#define E1000_ICR		0x00c0	/* read clears */
#define E1000_ITR		0x00c4
#define E1000_IMS		0x00d0
#define E1000_IMC		0x00d8
#define E1000_RCTL		0x0100
#define E1000_TCTL		0x0400
#define E1000_TIPG		0x0410
#define E1000_RDBAL		0x2800
#define E1000_RDBAH		0x2804
#define E1000_RDLEN		0x2808
#define E1000_RDH		0x2810
#define E1000_RDT		0x2818
#define E1000_RDTR		0x2820
#define E1000_TDBAL		0x3800
#define E1000_TDBAH		0x3804
#define E1000_TDLEN		0x3808
#define E1000_TDH		0x3810
#define E1000_TDT		0x3818
#define E1000_CRCERRS		0x4000	/* statistics: read clears */
#define E1000_MPC		0x4010	/* missed packets (no descriptor) */
#define E1000_MTA		0x5200	/* 128 x 32-bit multicast table */
#define E1000_MTA_WORDS		128
#define E1000_RAL0		0x5400
#define E1000_RAH0		0x5404

/* CTRL */
#define E1000_CTRL_ASDE		(1u << 5)	/* auto speed detection */
#define E1000_CTRL_SLU		(1u << 6)	/* set link up */
#define E1000_CTRL_RST		(1u << 26)
#define E1000_CTRL_PHY_RST	(1u << 31)

/* STATUS */
#define E1000_STATUS_LU		(1u << 1)

/* EERD: EEPROM read through a register (8254x layout; 82574L below). */
#define E1000_EERD_START	(1u << 0)
#define E1000_EERD_DONE		(1u << 4)
#define E1000_EERD_ADDR_SHIFT	8
#define E1000_EERD_DATA_SHIFT	16
#define E1000E_EERD_DONE	(1u << 1)
#define E1000E_EERD_ADDR_SHIFT	2

/* CTRL_EXT (82574L): the driver has taken the device from the firmware. */
#define E1000_CTRL_EXT_DRV_LOAD	(1u << 28)

/* Interrupt causes (ICR, IMS, IMC). */
#define E1000_ICR_TXDW		(1u << 0)
#define E1000_ICR_LSC		(1u << 2)	/* link status change */
#define E1000_ICR_RXSEQ		(1u << 3)
#define E1000_ICR_RXDMT0	(1u << 4)	/* rx descriptors low */
#define E1000_ICR_RXO		(1u << 6)	/* receiver overrun */
#define E1000_ICR_RXT0		(1u << 7)	/* receiver timer */
#define E1000_IMS_RX		(E1000_ICR_RXT0 | E1000_ICR_RXO | \
				 E1000_ICR_RXDMT0 | E1000_ICR_RXSEQ)

/* RCTL */
#define E1000_RCTL_EN		(1u << 1)
#define E1000_RCTL_SBP		(1u << 2)
#define E1000_RCTL_UPE		(1u << 3)
#define E1000_RCTL_MPE		(1u << 4)
#define E1000_RCTL_LPE		(1u << 5)
#define E1000_RCTL_RDMTS_HALF	(0u << 8)
#define E1000_RCTL_BAM		(1u << 15)	/* accept broadcast */
#define E1000_RCTL_BSIZE_2048	(0u << 16)
#define E1000_RCTL_SECRC	(1u << 26)	/* strip the CRC */

/* TCTL */
#define E1000_TCTL_EN		(1u << 1)
#define E1000_TCTL_PSP		(1u << 3)	/* pad short packets */
#define E1000_TCTL_CT_SHIFT	4
#define E1000_TCTL_COLD_SHIFT	12
#define E1000_TCTL_CT		(0x0fu << E1000_TCTL_CT_SHIFT)
#define E1000_TCTL_COLD_FD	(0x40u << E1000_TCTL_COLD_SHIFT)

/* TIPG for the copper 8254x: IPGT 10, IPGR1 8, IPGR2 6. */
#define E1000_TIPG_COPPER	(10u | (8u << 10) | (6u << 20))

#define E1000_RAH_AV		(1u << 31)	/* address valid */

/* Legacy receive descriptor. */
struct e1000_rx_desc {
	__le64 addr;
	__le16 length;
	__le16 csum;
	u8 status;
	u8 errors;
	__le16 special;
} __attribute__((packed));
_Static_assert(sizeof(struct e1000_rx_desc) == 16, "rx desc is 16 bytes");

#define E1000_RXD_STAT_DD	(1u << 0)	/* descriptor done */
#define E1000_RXD_STAT_EOP	(1u << 1)	/* end of packet */
#define E1000_RXD_ERR_FRAME	0x97	/* CE | SE | SEQ | CXE | RXE */

/* Legacy transmit descriptor. */
struct e1000_tx_desc {
	__le64 addr;
	__le16 length;
	u8 cso;
	u8 cmd;
	u8 status;
	u8 css;
	__le16 special;
} __attribute__((packed));
_Static_assert(sizeof(struct e1000_tx_desc) == 16, "tx desc is 16 bytes");

#define E1000_TXD_CMD_EOP	(1u << 0)
#define E1000_TXD_CMD_IFCS	(1u << 1)	/* insert the CRC */
#define E1000_TXD_CMD_RS	(1u << 3)	/* report status (DD) */
#define E1000_TXD_STAT_DD	(1u << 0)

#endif /* _DRIVERS_NET_E1000_HW_H */
