/* SPDX-License-Identifier: GPL-2.0 */
/* struct utsname as uname(2) fills it on Linux (six 65-byte fields). */
#ifndef _UAPI_UTSNAME_H
#define _UAPI_UTSNAME_H

#define UTSNAME_LEN	65

struct new_utsname {
	char sysname[UTSNAME_LEN];
	char nodename[UTSNAME_LEN];
	char release[UTSNAME_LEN];
	char version[UTSNAME_LEN];
	char machine[UTSNAME_LEN];
	char domainname[UTSNAME_LEN];
};

_Static_assert(sizeof(struct new_utsname) == 390, "utsname layout");

#endif /* _UAPI_UTSNAME_H */
