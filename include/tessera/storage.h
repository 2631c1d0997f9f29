/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The storage manager (managers/storage/): on a storage node (or a
 * processor with processor.storage_node=self) it mounts the ext4 file
 * system of the first disk that holds one and serves it over FIT (the
 * P2S_* messages of <fit/storage.h>).
 * Documentation/storage.md.
 */
#ifndef _TESSERA_STORAGE_H
#define _TESSERA_STORAGE_H

/*
 * Boot hook, after fit_init().  Does nothing unless role=storage; a
 * storage node without a usable disk logs why and serves nothing.
 */
void storage_init(void);

/*
 * Mount the first disk holding ext4 and register the P2S handlers, once
 * (later calls return the first one's result): the storage node at
 * boot, and a processor that serves its own files
 * (processor.storage_node=self).  0, or -ENODEV (no such disk), -ENOMEM,
 * -EBUSY (a handler taken).  May sleep.
 */
int storage_service_start(void);

#endif /* _TESSERA_STORAGE_H */
