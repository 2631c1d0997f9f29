/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the netdev core (netdev.c) and the raw-frame echo (echo.c)
 * only; drivers use <tessera/netdev.h>.
 */
#ifndef _DRIVERS_NET_INTERNAL_H
#define _DRIVERS_NET_INTERNAL_H

struct netdev;

/*
 * Called by netdev_register() for every new device, after it is up:
 * registers the echo responder (once) and starts the boot-time echo
 * test on the first device when netecho.test= asks for it.
 */
void net_echo_device_added(struct netdev *dev);

#endif /* _DRIVERS_NET_INTERNAL_H */
