/* SPDX-License-Identifier: GPL-2.0 */
/* placeholder replaced below */
#include "../rdma_ulp.h"
void rping_init(void)
{
}
