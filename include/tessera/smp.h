/* SPDX-License-Identifier: GPL-2.0 */
/* CPU identity.  Single CPU until the SMP work brings up the APs. */
#ifndef _TESSERA_SMP_H
#define _TESSERA_SMP_H

static inline unsigned int smp_processor_id(void)
{
	return 0;
}

#endif /* _TESSERA_SMP_H */
