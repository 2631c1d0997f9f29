/* SPDX-License-Identifier: GPL-2.0 */
/* wait4(2) and waitid(2) of the Linux x86-64 ABI. */
#ifndef _UAPI_WAIT_H
#define _UAPI_WAIT_H

#define WNOHANG		0x00000001
#define WUNTRACED	0x00000002	/* wait4; waitid's WSTOPPED */
#define WSTOPPED	WUNTRACED
#define WEXITED		0x00000004
#define WCONTINUED	0x00000008
#define WNOWAIT		0x01000000	/* leave the child waitable */
#define __WNOTHREAD	0x20000000
#define __WALL		0x40000000
#define __WCLONE	0x80000000

/* waitid's idtype */
#define P_ALL		0
#define P_PID		1
#define P_PGID		2
#define P_PIDFD		3

/* si_code of SIGCHLD */
#define CLD_EXITED	1
#define CLD_KILLED	2
#define CLD_DUMPED	3
#define CLD_TRAPPED	4
#define CLD_STOPPED	5
#define CLD_CONTINUED	6

/* The status word wait4 stores. */
#define W_EXITCODE(code, sig)	(((code) & 0xff) << 8 | ((sig) & 0x7f))
#define WCOREFLAG		0x80

#endif /* _UAPI_WAIT_H */
