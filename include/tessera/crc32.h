/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CRC-32 (IEEE 802.3, reflected) and CRC-32C (Castagnoli), lib/crc32.c.
 *
 * Both are the raw register update: no inversion on entry or exit, so
 * a checksum can be computed over several buffers by feeding each call
 * the previous result.  The conventional CRC (zlib's crc32(), the
 * Ethernet FCS, "check" values in CRC catalogues) is
 *	~crc32_le(~0U, buf, len)
 * e.g. ~crc32_le(~0U, "123456789", 9) == 0xCBF43926 and
 *	~crc32c(~0U, "123456789", 9) == 0xE3069283.
 * ext4 stores the raw value: crc32c(~0U, ...) chained over the fields,
 * without the final inversion.
 */
#ifndef _TESSERA_CRC32_H
#define _TESSERA_CRC32_H

#include <tessera/types.h>

u32 crc32_le(u32 crc, const void *buf, size_t len);
u32 crc32c(u32 crc, const void *buf, size_t len);

/* crc32_le() one byte per step: the crc kbench's baseline. */
u32 crc32_le_bytewise(u32 crc, const void *buf, size_t len);

#endif /* _TESSERA_CRC32_H */
