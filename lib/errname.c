/* SPDX-License-Identifier: GPL-2.0 */
/*
 * errname(): the symbolic name of an errno, for log lines such as
 * "fit: call to node 2 failed: ETIMEDOUT".  Covers exactly the numbers
 * defined in <tessera/errno.h>; keep the two in step.
 */
#include <tessera/errno.h>

struct errname_entry {
	int err;
	const char *name;
};

#define E(x)	{ x, #x }

static const struct errname_entry errnames[] = {
	E(EPERM), E(ENOENT), E(ESRCH), E(EINTR), E(EIO), E(ENXIO), E(E2BIG),
	E(ENOEXEC), E(EBADF), E(ECHILD), E(EAGAIN), E(ENOMEM), E(EACCES),
	E(EFAULT), E(EBUSY), E(EEXIST), E(EXDEV), E(ENODEV), E(ENOTDIR),
	E(EISDIR), E(EINVAL), E(ENFILE), E(EMFILE), E(ENOTTY), E(EFBIG),
	E(ENOSPC), E(ESPIPE), E(EROFS), E(EMLINK), E(EPIPE), E(EDOM),
	E(ERANGE), E(EDEADLK), E(ENAMETOOLONG), E(ENOSYS), E(ENOTEMPTY),
	E(ELOOP), E(ENODATA), E(ETIME), E(EPROTO), E(EBADMSG), E(EOVERFLOW),
	E(EMSGSIZE), E(EPROTONOSUPPORT), E(EOPNOTSUPP), E(EADDRINUSE),
	E(ENETDOWN), E(ENETUNREACH), E(ECONNABORTED), E(ECONNRESET),
	E(ENOBUFS), E(ENOTCONN), E(ETIMEDOUT), E(ECONNREFUSED), E(EHOSTDOWN),
	E(EHOSTUNREACH), E(EALREADY), E(EINPROGRESS), E(ESTALE), E(ECANCELED),
};

/* "ENOMEM" for 12 or -12; NULL for 0 and for numbers we do not define. */
const char *errname(int err)
{
	/* -INT_MIN does not exist; no errno is that large anyway. */
	if (err < -MAX_ERRNO || err > MAX_ERRNO)
		return NULL;
	if (err < 0)
		err = -err;
	for (size_t i = 0; i < ARRAY_SIZE(errnames); i++) {
		if (errnames[i].err == err)
			return errnames[i].name;
	}
	return NULL;
}
