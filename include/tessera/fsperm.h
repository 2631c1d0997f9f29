/* SPDX-License-Identifier: GPL-2.0 */
/*
 * File permission rules as Linux's VFS applies them without ACLs
 * (generic_permission(), the sticky bit, setattr_prepare(), the owner
 * of a new inode): pure functions over a caller's file-system
 * credentials and an inode's mode, uid and gid.  One definition for
 * every file system that checks them: the storage node's ext4
 * (managers/storage/perm.c) and the processor's tmpfs.
 *
 * "root" is fsuid 0: Linux gives the file-system capabilities
 * (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER, CAP_FSETID,
 * CAP_CHOWN) to a process exactly when its fsuid is 0.
 */
#ifndef _TESSERA_FSPERM_H
#define _TESSERA_FSPERM_H

#include <tessera/types.h>

/* Access bits, as Linux's MAY_* and access()'s X_OK/W_OK/R_OK. */
#define FSPERM_EXEC		0x1
#define FSPERM_WRITE		0x2
#define FSPERM_READ		0x4
#define FSPERM_MASK		0x7

/* The credentials a check uses: fsuid/fsgid (access(): the real ids). */
struct fsperm_cred {
	u32 uid, gid;
	u32 nr_groups;
	const u32 *groups;	/* supplementary, ascending */
};

/* The attributes of the inode checked. */
struct fsperm_inode {
	u32 mode;		/* S_IF* | permission bits */
	u32 uid, gid;
};

/* Is @gid the caller's fsgid or one of its supplementary groups? */
bool fsperm_in_group(const struct fsperm_cred *c, u32 gid);

/*
 * May @c access @i with @mask (FSPERM_*)?  0 or -EACCES.  Root reads
 * and writes anything, searches any directory, and executes a file
 * with at least one execute bit.
 */
int fsperm_check(const struct fsperm_cred *c, const struct fsperm_inode *i,
		 u32 mask);

/*
 * Removing or renaming away an entry of directory @dir naming @victim:
 * -EPERM when the sticky bit forbids it (neither root nor the owner of
 * the directory or of the entry), else 0.
 */
int fsperm_sticky(const struct fsperm_cred *c, const struct fsperm_inode *dir,
		  const struct fsperm_inode *victim);

/*
 * The owner, group and mode of a new inode (@mode: permission bits,
 * after the umask; @is_dir) made by @c in directory @dir: fsuid, and the
 * directory's group if it has the set-gid bit (a new directory inherits
 * that bit), else fsgid.  Set-gid of a new group-executable file is
 * dropped unless @c is root or in the group.
 */
void fsperm_new_inode(const struct fsperm_cred *c,
		      const struct fsperm_inode *dir, bool is_dir,
		      struct fsperm_inode *out, u32 mode);

/* fsperm_setattr() valid bits (the P2S_ATTR_* values). */
#define FSPERM_ATTR_MODE	0x01
#define FSPERM_ATTR_UID		0x02
#define FSPERM_ATTR_GID		0x04
#define FSPERM_ATTR_ATIME	0x08
#define FSPERM_ATTR_MTIME	0x10

struct fsperm_attr {
	u32 valid;		/* FSPERM_ATTR_* */
	u32 mode;		/* permission bits */
	u32 uid, gid;
	bool times_now;		/* "now": utimensat NULL or UTIME_NOW */
};

/*
 * May @c change @i as @a says (chmod, chown, utimensat)?  0, -EPERM
 * (chmod or explicit times by a non-owner, chown by a non-root, chgrp
 * to a group the owner is not in) or -EACCES (times set to now by one
 * who neither owns nor may write the file).  On 0 @a may have changed
 * as Linux changes it: chmod drops set-gid when the caller is not root
 * nor in the file's group; chown of a non-directory clears set-uid and
 * (when group-executable) set-gid.
 */
int fsperm_setattr(const struct fsperm_cred *c, const struct fsperm_inode *i,
		   struct fsperm_attr *a);

/*
 * The set-id bits a write or truncate of @i by @c removes (Linux's
 * file_remove_privs()): none for root or anything but a regular file;
 * else S_ISUID if set, and S_ISGID if set and the file is
 * group-executable or @c is not in its group.  0 when nothing changes.
 */
u32 fsperm_kill_priv(const struct fsperm_cred *c, const struct fsperm_inode *i);

/* A thread's user and group ids, as execve changes them. */
struct fsperm_ids {
	u32 uid, euid, suid, fsuid;
	u32 gid, egid, sgid, fsgid;
};

/*
 * Change @ids as an execve of program @i does (Linux's bprm_fill_uid()
 * and the end of cap_bprm_creds_from_file()): a regular file with
 * S_ISUID makes the effective uid its owner; with S_ISGID and S_IXGRP
 * (without S_IXGRP set-gid marks mandatory locking) the effective gid
 * its group.  Then, set-id or not, the saved and file-system ids become
 * the effective ones.  The real ids never change.  Returns whether the
 * program runs "secure" (AT_SECURE): effective ids differ from the real.
 */
bool fsperm_exec_ids(struct fsperm_ids *ids, const struct fsperm_inode *i);

#endif /* _TESSERA_FSPERM_H */
