/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cpio "newc" archives (<tessera/cpio.h>): a 110-byte ASCII header per
 * entry ("070701", then thirteen 8-digit hex fields), the name with its
 * NUL padded to 4 bytes, the data padded to 4 bytes; the entry named
 * "TRAILER!!!" ends the archive.  Only the name and data sizes are used.
 */
#include <tessera/cpio.h>
#include <tessera/ctype.h>
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/string.h>

#define CPIO_HDR_LEN		110
#define CPIO_MAGIC		"070701"
#define CPIO_TRAILER		"TRAILER!!!"
#define CPIO_FIELD_FILESIZE	6
#define CPIO_FIELD_NAMESIZE	11

static int cpio_hex_field(const char *hdr, unsigned int field, u32 *val)
{
	const char *p = hdr + 6 + field * 8;
	u32 v = 0;

	for (unsigned int i = 0; i < 8; i++) {
		char c = p[i];

		if (!isxdigit(c))
			return -EINVAL;
		v = (v << 4) | (isdigit(c) ? c - '0' : (tolower(c) - 'a' + 10));
	}
	*val = v;
	return 0;
}

int cpio_next(const void *base, u64 size, u64 *off, struct cpio_file *out)
{
	const char *archive = base, *hdr;
	u32 namesize, filesize;
	u64 name_off, data_off;

	if (*off > size || size - *off < CPIO_HDR_LEN)
		return -EINVAL;		/* no trailer */
	hdr = archive + *off;
	if (memcmp(hdr, CPIO_MAGIC, 6) ||
	    cpio_hex_field(hdr, CPIO_FIELD_NAMESIZE, &namesize) ||
	    cpio_hex_field(hdr, CPIO_FIELD_FILESIZE, &filesize) || !namesize)
		return -EINVAL;
	name_off = *off + CPIO_HDR_LEN;
	data_off = ALIGN(name_off + namesize, 4);
	if (data_off > size || filesize > size - data_off)
		return -EINVAL;
	/* namesize counts the NUL. */
	if (namesize - 1 == sizeof(CPIO_TRAILER) - 1 &&
	    !memcmp(archive + name_off, CPIO_TRAILER, namesize - 1))
		return -ENOENT;
	out->name = archive + name_off;
	out->name_len = namesize - 1;
	out->data = archive + data_off;
	out->size = filesize;
	*off = ALIGN(data_off + filesize, 4);
	return 0;
}

int cpio_find(const void *base, u64 size, const char *name,
	      struct cpio_file *out)
{
	size_t want = strlen(name);
	u64 off = 0;
	int ret;

	while (!(ret = cpio_next(base, size, &off, out))) {
		if (out->name_len == want && !memcmp(out->name, name, want))
			return 0;
	}
	return ret;
}
