/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The storage manager (managers/storage/): on a storage node it mounts
 * the ext4 file system of the first disk that holds one and serves it
 * over FIT (the P2S_* messages of <fit/storage.h>).
 * Documentation/storage.md.
 */
#ifndef _TESSERA_STORAGE_H
#define _TESSERA_STORAGE_H

/*
 * Boot hook, after fit_init().  Does nothing unless role=storage; a
 * storage node without a usable disk logs why and serves nothing.
 */
void storage_init(void);

#endif /* _TESSERA_STORAGE_H */
