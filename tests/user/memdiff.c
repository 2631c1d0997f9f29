// SPDX-License-Identifier: GPL-2.0
/*
 * memdiff - a differential test of the memory system calls (issue 16
 * part 7), run natively and on Tessera by tests/cluster/test_memdiff.py:
 * the two logs must be the same, byte for byte.
 *
 *	memdiff SEED [OPS [private]]
 *
 * A xorshift generator seeded with SEED makes OPS (default 300)
 * operations on an arena of ARENA_PAGES pages at a fixed address far from
 * everything else (ARENA, checked free first), and on the program break:
 *
 *   mmap      anonymous private, or a file it writes to /tmp first
 *             (200 pages and a bit), private or shared read-only
 *             ("private": every file mapping private;
 *             Tessera's tmpfs refuses MAP_SHARED, Documentation/files.md); MAP_FIXED,
 *             MAP_FIXED_NOREPLACE or a hint; PROT_* of every kind; now
 *             and then bad arguments (no type, length 0, an unaligned
 *             address or offset); file mappings sometimes past EOF;
 *   munmap, mprotect (also bad bits), madvise (DONTNEED, DONTNEED_LOCKED,
 *             WILLNEED, NORMAL, RANDOM, SEQUENTIAL, a bad advice; FREE
 *             after making the range writable, then the range is written
 *             in full: what MADV_FREE leaves is the kernel's choice),
 *   mremap    grow, shrink, MREMAP_MAYMOVE, MAYMOVE|FIXED into the arena,
 *             bad flags and lengths;
 *   brk       a few pages up or down from the current break, below the
 *             start, brk(0);
 *   touches   write a pattern over a range, or read a range with a
 *             checksum, page by page through a probe that survives
 *             SIGSEGV and SIGBUS (handlers leave with siglongjmp).
 *
 * Every call prints its result or errno.  Addresses are printed relative
 * to the arena (or to the first break, rounded up), never absolute: a
 * hint mapping or a moved mremap that lands outside the arena prints
 * "elsewhere", its contents are checksummed and it is unmapped.  Every
 * DUMP_EVERY operations and at the end the state is printed: the arena's
 * part of /proc/self/maps normalised (clipped to the arena, adjacent
 * ranges of the same kind joined, anonymous offsets dropped, files by
 * offset only), one character per page of what a read probe gives ('.'
 * SIGSEGV, 'B' SIGBUS, 'r' readable), and a checksum of the readable
 * pages of every 32.
 *
 * Placement the kernel is free to choose is never printed as a number;
 * everything else is Linux's documented behaviour.  Exit status 0
 * unless the program cannot set itself up (2).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE	0x100000
#endif
#ifndef MADV_DONTNEED_LOCKED
#define MADV_DONTNEED_LOCKED	24
#endif

#define PG		4096UL
#define ARENA		0x100000000000UL
#define ARENA_PAGES	512UL
#define ARENA_END	(ARENA + ARENA_PAGES * PG)
#define DUMP_EVERY	25
#define SUM_PAGES	32

static char outbuf[1 << 16];
static uint64_t rng;
static int file_fd = -1;
static int private_files;	/* "private": MAP_SHARED files made private */
static unsigned long file_pages;
static unsigned long brk0, brk_cur;
static sigjmp_buf probe_jmp;
static volatile int probe_sig;

static bool mprotect_partial(unsigned long off, unsigned long pages, int prot);

/*
 * Which mmap call each arena page comes from (0: none), kept by the
 * program itself: Linux does not merge anonymous vmas of different
 * origins (their anon_vmas differ), nor vmas with different
 * MADV_RANDOM/SEQUENTIAL flags, even when /proc/self/maps shows the same
 * rights; Tessera does; an mremap across such a boundary is -EFAULT on
 * Linux only.  Such calls are not made (a madvise of those kinds starts
 * a new origin).
 */
static unsigned int origin[ARENA_PAGES], next_origin;

static void set_origin(unsigned long off, unsigned long pages, unsigned int o)
{
	for (unsigned long i = off; i < off + pages && i < ARENA_PAGES; i++)
		origin[i] = o;
}

static bool one_origin(unsigned long off, unsigned long pages)
{
	for (unsigned long i = off; i < off + pages; i++)
		if (i >= ARENA_PAGES || !origin[i] || origin[i] != origin[off])
			return false;
	return true;
}
static bool one_segment(unsigned long off, unsigned long pages);

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static unsigned long below(unsigned long n)
{
	return n ? rnd() % n : 0;
}

static void on_fault(int sig)
{
	probe_sig = sig;
	siglongjmp(probe_jmp, 1);
}

/* FNV-1a over a readable page: 'r', or the signal's letter. */
/* The probes' arguments live here: siglongjmp does not restore
 * registers. */
static volatile unsigned long probe_addr;
static uint64_t *volatile probe_sum;

static char probe_read(unsigned long addr, uint64_t *sum)
{
	probe_addr = addr;
	probe_sum = sum;
	if (sigsetjmp(probe_jmp, 0))
		return probe_sig == SIGBUS ? 'B' : '.';
	for (unsigned long i = 0; i < PG; i += 8) {
		uint64_t v = *(volatile uint64_t *)(probe_addr + i);

		*probe_sum = (*probe_sum ^ v) * 0x100000001b3ULL;
	}
	return 'r';
}

static char probe_write(unsigned long addr, unsigned int tag)
{
	probe_addr = addr;
	if (sigsetjmp(probe_jmp, 0))
		return probe_sig == SIGBUS ? 'B' : '.';
	for (unsigned long i = 0; i < PG; i += 8)
		*(volatile uint64_t *)(probe_addr + i) = (uint64_t)tag << 32 |
			(uint32_t)((probe_addr - ARENA + i) * 2654435761u);
	return 'w';
}

static const char *err_name(int e)
{
	switch (e) {
	case EINVAL: return "EINVAL";
	case ENOMEM: return "ENOMEM";
	case EACCES: return "EACCES";
	case EEXIST: return "EEXIST";
	case EFAULT: return "EFAULT";
	case EBADF: return "EBADF";
	case EAGAIN: return "EAGAIN";
	case EPERM: return "EPERM";
	case ENODEV: return "ENODEV";
	case EOVERFLOW: return "EOVERFLOW";
	default: return "E?";
	}
}

/* An address as the log shows it: arena-relative pages, or elsewhere. */
static void show_addr(unsigned long a)
{
	if (a >= ARENA && a < ARENA_END && !(a % PG))
		printf("@%lu", (a - ARENA) / PG);
	else
		printf("elsewhere");
}

/* An mmap's or mremap's result; true if it mapped something. */
static bool show_result(void *p)
{
	if (p == MAP_FAILED) {
		printf(" = -1 %s\n", err_name(errno));
		return false;
	}
	printf(" = ");
	show_addr((unsigned long)p);
	putchar('\n');
	return true;
}

static void result(long r, int err)
{
	if (r == -1)
		printf(" = -1 %s\n", err_name(err));
	else
		printf(" = 0\n");
}

static const int prots[] = {
	PROT_NONE, PROT_READ, PROT_READ | PROT_WRITE, PROT_WRITE,
	PROT_READ | PROT_EXEC, PROT_READ | PROT_WRITE | PROT_EXEC,
};

static int pick_prot(void)
{
	if (!below(20))
		return 0x10 << below(3);	/* bad bits */
	return prots[below(sizeof(prots) / sizeof(prots[0]))];
}

/* Checksum [a, a + pages) and unmap it: a mapping outside the arena. */
static void drop_elsewhere(unsigned long a, unsigned long pages)
{
	uint64_t sum = 0xcbf29ce484222325ULL;

	printf("  elsewhere:");
	for (unsigned long i = 0; i < pages; i++)
		putchar(probe_read(a + i * PG, &sum));
	printf(" sum %016llx\n", (unsigned long long)sum);
	munmap((void *)a, pages * PG);
}

/* A range in the arena: a page offset and a length in pages. */
static void pick_range(unsigned long *off, unsigned long *pages)
{
	*pages = 1 + (below(4) ? below(16) : below(96));
	*off = below(ARENA_PAGES);
	if (*off + *pages > ARENA_PAGES)
		*pages = ARENA_PAGES - *off;
}

static void op_mmap(void)
{
	unsigned long off, pages, len, foff = 0, addr;
	int prot = pick_prot(), flags, fd = -1, kind = below(10);
	unsigned long extra = 0;
	const char *how, *notype = "";
	void *p;

	pick_range(&off, &pages);
	len = pages * PG;
	addr = ARENA + off * PG;
	if (kind < 6) {
		flags = MAP_PRIVATE | MAP_ANONYMOUS;
	} else {
		fd = file_fd;
		flags = kind < 8 || private_files ? MAP_PRIVATE : MAP_SHARED;
		if (flags == MAP_SHARED && (prot & PROT_WRITE) && below(2))
			prot &= ~PROT_WRITE;
		/* Mostly inside the file, sometimes across its end. */
		foff = below(4) ? below(file_pages / 2) :
			file_pages - 1 - below(3);
	}
	switch (below(8)) {
	case 0: case 1: case 2:
		flags |= MAP_FIXED;
		how = "fixed";
		break;
	case 3: case 4:
		flags |= MAP_FIXED_NOREPLACE;
		how = "noreplace";
		break;
	default:
		how = "hint";
		break;
	}
	switch (below(16)) {
	case 0:
		flags &= ~(MAP_PRIVATE | MAP_SHARED);
		notype = " notype";
		break;
	case 1:
		len = 0;
		break;
	case 2:
		if (flags & MAP_FIXED)
			addr += 512;
		break;
	case 3:
		if (fd >= 0)
			extra = 100;	/* an unaligned offset */
		break;
	}
	printf("mmap %s%s %s%s prot %#x @%lu+%lu", how, notype,
	       fd < 0 ? "anon" : "file",
	       fd < 0 ? "" : (flags & MAP_SHARED) ? " shared" : " private",
	       prot, off, len / PG);
	if (fd >= 0)
		printf(" off %lu%s", foff, extra ? " unaligned" : "");
	if (addr % PG)
		printf(" unaligned");
	if (!len)
		printf(" len0");
	p = mmap((void *)addr, len, prot, flags, fd, foff * PG + extra);
	if (!show_result(p))
		return;
	if ((unsigned long)p < ARENA || (unsigned long)p >= ARENA_END)
		drop_elsewhere((unsigned long)p, (len + PG - 1) / PG);
	else
		set_origin(((unsigned long)p - ARENA) / PG, (len + PG - 1) / PG,
			   ++next_origin);
}

static void op_munmap(void)
{
	unsigned long off, pages, addr, len;
	long r;

	pick_range(&off, &pages);
	addr = ARENA + off * PG;
	len = pages * PG;
	if (!below(16))
		addr += 8;
	else if (!below(16))
		len = 0;
	else if (!below(4))
		len -= below(PG);	/* rounded up by the kernel */
	printf("munmap @%lu+%lu%s%s", off, pages, addr % PG ? " unaligned" : "",
	       len ? "" : " len0");
	r = munmap((void *)addr, len);
	result(r, errno);
	if (!r)
		set_origin(off, (len + PG - 1) / PG, 0);
}

static void op_mprotect(void)
{
	unsigned long off, pages;
	int prot = pick_prot();
	long r;

	pick_range(&off, &pages);
	printf("mprotect @%lu+%lu prot %#x", off, pages, prot);
	if (!(prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)) &&
	    mprotect_partial(off, pages, prot)) {
		printf(" skipped (partial on Linux)\n");
		return;
	}
	r = mprotect((void *)(ARENA + off * PG), pages * PG, prot);
	result(r, errno);
}

static void fill(unsigned long off, unsigned long pages, unsigned int tag)
{
	printf("  write:");
	for (unsigned long i = 0; i < pages; i++)
		putchar(probe_write(ARENA + (off + i) * PG, tag));
	putchar('\n');
}

static void op_madvise(unsigned int n)
{
	static const struct { int advice; const char *name; } advs[] = {
		{ MADV_DONTNEED, "dontneed" },
		{ MADV_DONTNEED_LOCKED, "dontneed_locked" },
		{ MADV_FREE, "free" },
		{ MADV_WILLNEED, "willneed" },
		{ MADV_NORMAL, "normal" },
		{ MADV_RANDOM, "random" },
		{ MADV_SEQUENTIAL, "sequential" },
		{ 1000, "bad" },
	};
	unsigned long off, pages, addr;
	unsigned int a = below(sizeof(advs) / sizeof(advs[0]));
	long r;

	pick_range(&off, &pages);
	addr = ARENA + off * PG;
	if (advs[a].advice == MADV_FREE) {
		/* What MADV_FREE leaves is undefined until written: make
		 * the whole range writable first, or do not free. */
		printf("mprotect @%lu+%lu prot rw (for free)", off, pages);
		if (mprotect_partial(off, pages, PROT_READ | PROT_WRITE)) {
			printf(" skipped (partial on Linux)\n");
			return;
		}
		r = mprotect((void *)addr, pages * PG, PROT_READ | PROT_WRITE);
		result(r, errno);
		if (r)
			return;
	}
	printf("madvise @%lu+%lu %s", off, pages, advs[a].name);
	r = madvise((void *)addr, pages * PG, advs[a].advice);
	result(r, errno);
	/* Linux keeps these in the vma's flags, which /proc/self/maps
	 * does not show: the vmas split there. */
	if ((!r || errno == ENOMEM) && (advs[a].advice == MADV_RANDOM ||
					advs[a].advice == MADV_SEQUENTIAL ||
					advs[a].advice == MADV_NORMAL)) {
		next_origin++;
		for (unsigned long i = off; i < off + pages; i++)
			if (origin[i])
				origin[i] = next_origin;
	}
	if (advs[a].advice == MADV_FREE)
		fill(off, pages, n);
}

static void op_mremap(void)
{
	unsigned long off, pages, npages, noff = 0, addr, nlen;
	unsigned int o;
	int flags = 0;
	const char *how;
	void *p;

	pick_range(&off, &pages);
	addr = ARENA + off * PG;
	npages = 1 + below(below(4) ? 16 : 96);
	nlen = npages * PG;
	switch (below(8)) {
	case 0: case 1:
		how = "inplace";
		break;
	case 2: case 3: case 4:
		flags = MREMAP_MAYMOVE;
		how = "maymove";
		break;
	case 5: case 6:
		flags = MREMAP_MAYMOVE | MREMAP_FIXED;
		noff = below(ARENA_PAGES - npages);
		how = "fixed";
		break;
	default:
		switch (below(4)) {
		case 0:
			flags = MREMAP_FIXED;
			how = "fixed-only";
			break;
		case 1:
			flags = 0x40;
			how = "badflags";
			break;
		case 2:
			nlen = 0;
			how = "newlen0";
			break;
		default:
			addr += 4;
			how = "unaligned";
			break;
		}
	}
	printf("mremap %s @%lu+%lu -> ", how, off, pages);
	if (flags & MREMAP_FIXED)
		printf("@%lu+", noff);
	printf("%lu", nlen / PG);
	if (flags == (MREMAP_MAYMOVE | MREMAP_FIXED) && nlen == pages * PG &&
	    !one_segment(off, pages)) {
		printf(" skipped (several vmas)\n");
		return;
	}
	if (!(addr % PG) && nlen && !one_origin(off, pages < npages ?
						 pages : npages)) {
		printf(" skipped (several mappings)\n");
		return;
	}
	p = mremap((void *)addr, pages * PG, nlen, flags,
		   (void *)(ARENA + noff * PG));
	if (!show_result(p))
		return;
	o = origin[off];
	set_origin(off, pages, 0);
	if ((unsigned long)p < ARENA || (unsigned long)p >= ARENA_END)
		drop_elsewhere((unsigned long)p, npages);
	else
		set_origin(((unsigned long)p - ARENA) / PG, npages, o);
}

static void op_brk(unsigned int n)
{
	unsigned long want, got, base = (brk0 + PG - 1) & ~(PG - 1);
	long d = (long)below(17) - 6;
	const char *how = "rel";

	switch (below(12)) {
	case 0:
		want = 0;
		how = "zero";
		break;
	case 1:
		want = brk0 - (64UL << 20);	/* below the heap's start */
		how = "below";
		break;
	case 2:
		want = 1;
		how = "one";
		break;
	default:
		want = brk_cur + d * (long)PG;
		if (want < brk0)
			want = brk0;
		break;
	}
	if (!strcmp(how, "rel"))
		printf("brk %+ld pages (to +%lu)", d, (want - brk0) / PG);
	else
		printf("brk %s", how);
	got = syscall(SYS_brk, want);
	printf(" = +%lu%s\n", (got - brk0) / PG, (got - brk0) % PG ? "+part" : "");
	brk_cur = got;
	/* Write the heap's pages, then read a few past its end. */
	printf("  heap:");
	for (unsigned long a = base; a < base + 24 * PG; a += PG) {
		if (a < brk_cur && !below(3)) {
			if (sigsetjmp(probe_jmp, 0)) {
				putchar(probe_sig == SIGBUS ? 'B' : '.');
				continue;
			}
			*(volatile unsigned long *)(a + (n % 500) * 8) = n;
		}
		uint64_t s = 0;

		putchar(probe_read(a, &s));
		printf("%02x", (unsigned int)(s & 0xff));
	}
	putchar('\n');
}

static void op_touch(unsigned int n)
{
	unsigned long off, pages;
	uint64_t sum = 0xcbf29ce484222325ULL;

	pick_range(&off, &pages);
	if (below(2)) {
		printf("write @%lu+%lu\n", off, pages);
		fill(off, pages, n);
		return;
	}
	printf("read @%lu+%lu:", off, pages);
	for (unsigned long i = 0; i < pages; i++)
		putchar(probe_read(ARENA + (off + i) * PG, &sum));
	printf(" sum %016llx\n", (unsigned long long)sum);
}

/* ------------------------------------------------- the arena's state */

struct seg {
	unsigned long start, end;	/* arena pages */
	char perms[5];
	int file;
	unsigned long foff;		/* pages, files only */
};

static char maps_buf[1 << 20];

static unsigned long parse_hex(const char **s)
{
	unsigned long v = 0;

	for (;; (*s)++) {
		char c = **s;

		if (c >= '0' && c <= '9')
			v = v * 16 + c - '0';
		else if (c >= 'a' && c <= 'f')
			v = v * 16 + c - 'a' + 10;
		else
			return v;
	}
}

/* The arena's part of /proc/self/maps, normalised; -1 if unreadable. */
static int read_segs(struct seg *segs)
{
	int fd = open("/proc/self/maps", O_RDONLY), nseg = 0;
	struct seg cur;
	size_t len = 0;
	ssize_t r;

	if (fd < 0)
		return -1;
	while (len < sizeof(maps_buf) - 1 &&
	       (r = read(fd, maps_buf + len, sizeof(maps_buf) - 1 - len)) > 0)
		len += r;
	close(fd);
	maps_buf[len] = 0;
	for (const char *s = maps_buf; *s; ) {
		unsigned long start, end, foff, inode;
		const char *nl = strchr(s, '\n');

		start = parse_hex(&s);
		s++;
		end = parse_hex(&s);
		s++;
		memcpy(cur.perms, s, 4);
		cur.perms[4] = 0;
		s += 5;
		foff = parse_hex(&s);
		s++;
		while (*s && *s != ' ')		/* dev */
			s++;
		s++;
		inode = strtoul(s, NULL, 10);
		s = nl ? nl + 1 : s + strlen(s);
		if (end <= ARENA || start >= ARENA_END)
			continue;
		if (start < ARENA) {
			foff += ARENA - start;
			start = ARENA;
		}
		if (end > ARENA_END)
			end = ARENA_END;
		cur.start = (start - ARENA) / PG;
		cur.end = (end - ARENA) / PG;
		cur.file = inode != 0;
		cur.foff = cur.file ? foff / PG : 0;
		if (nseg) {
			struct seg *p = &segs[nseg - 1];

			if (p->end == cur.start && !strcmp(p->perms, cur.perms) &&
			    p->file == cur.file &&
			    (!cur.file || p->foff + (p->end - p->start) ==
			     cur.foff)) {
				p->end = cur.end;
				continue;
			}
		}
		if (nseg < (int)ARENA_PAGES)
			segs[nseg++] = cur;
	}
	return nseg;
}

static void dump_maps(void)
{
	struct seg segs[ARENA_PAGES];
	int nseg = read_segs(segs);

	if (nseg < 0) {
		printf("maps: open %s\n", err_name(errno));
		return;
	}
	printf("maps:");
	for (int i = 0; i < nseg; i++) {
		printf(" %lu-%lu %s", segs[i].start, segs[i].end, segs[i].perms);
		if (segs[i].file)
			printf(" file+%lu", segs[i].foff);
	}
	putchar('\n');
}

/*
 * Would mprotect(@off, @pages, @prot) fail after changing part of the
 * range?  Linux changes the vmas before a hole or before a vma that may
 * not get the rights (a shared file mapping and PROT_WRITE) and returns
 * -ENOMEM or -EACCES; Tessera checks the whole range first and changes
 * nothing (Documentation/memory-node.md, issue 16 part 2).  Such calls
 * are not made (the log says so): the rest of the range's state would
 * differ by design.
 */
/*
 * Is [@off, @off + @pages) inside one range of the maps?  Linux 6.17+
 * moves several vmas at once (mremap MAYMOVE|FIXED, the same length),
 * Tessera one only (-EFAULT): such calls are not made.
 */
static bool one_segment(unsigned long off, unsigned long pages)
{
	struct seg segs[ARENA_PAGES];
	int nseg = read_segs(segs);

	for (int i = 0; i < nseg; i++)
		if (segs[i].start <= off && off + pages <= segs[i].end)
			return true;
	return false;
}

static bool mprotect_partial(unsigned long off, unsigned long pages, int prot)
{
	struct seg segs[ARENA_PAGES];
	int nseg = read_segs(segs);
	unsigned long cur = off, end = off + pages;

	for (int i = 0; i < nseg && cur < end; i++) {
		if (segs[i].end <= cur)
			continue;
		if (segs[i].start > cur)
			return cur != off;	/* a hole after a change */
		if ((prot & PROT_WRITE) && segs[i].perms[3] == 's')
			return cur != off;
		cur = segs[i].end;
	}
	return cur < end && cur != off;
}

static void dump(const char *when)
{
	char pages[ARENA_PAGES + 1];
	uint64_t sums[ARENA_PAGES / SUM_PAGES];

	printf("state %s\n", when);
	dump_maps();
	for (unsigned long i = 0; i < ARENA_PAGES; i++) {
		uint64_t *s = &sums[i / SUM_PAGES];

		if (!(i % SUM_PAGES))
			*s = 0xcbf29ce484222325ULL;
		pages[i] = probe_read(ARENA + i * PG, s);
	}
	pages[ARENA_PAGES] = 0;
	for (unsigned long i = 0; i < ARENA_PAGES; i += 128)
		printf("pages %3lu: %.128s\n", i, pages + i);
	printf("sums:");
	for (unsigned long i = 0; i < ARENA_PAGES / SUM_PAGES; i++)
		printf("%s%04llx", i % 8 ? " " : "\n ",
		       (unsigned long long)(sums[i] & 0xffff) ^
		       (unsigned long long)(sums[i] >> 48));
	putchar('\n');
}

/*
 * The file to map: FILE_BYTES of a pattern in /tmp (tmpfs on Tessera),
 * opened again read-only (so a shared writable mapping is EACCES) and
 * unlinked.
 */
#define FILE_BYTES	(200 * PG + 1000)

static int make_file(void)
{
	char name[] = "/tmp/memdiff-XXXXXX";
	static unsigned char buf[FILE_BYTES];
	int fd = mkstemp(name), ro;

	if (fd < 0)
		return -1;
	for (unsigned long i = 0; i < FILE_BYTES; i++)
		buf[i] = (unsigned char)((i / PG) * 131 + i * 7 + (i >> 9));
	if (write(fd, buf, FILE_BYTES) != (ssize_t)FILE_BYTES) {
		close(fd);
		unlink(name);
		return -1;
	}
	close(fd);
	ro = open(name, O_RDONLY);
	unlink(name);
	return ro;
}

/*
 * Start from a full arena: blocks of 32 pages, anonymous (written) or
 * of the file, with different rights, so that later calls cut them.
 */
static void populate(void)
{
	for (unsigned long off = 0; off < ARENA_PAGES; off += 32) {
		int kind = below(4), prot = prots[1 + below(5)];
		unsigned long foff = below(file_pages / 2);
		void *p;

		if (kind == 3 && below(2)) {
			printf("init @%lu+32 hole\n", off);
			continue;
		}
		p = mmap((void *)(ARENA + off * PG), 32 * PG,
			 kind < 2 ? PROT_READ | PROT_WRITE : prot,
			 MAP_FIXED | (kind < 2 ? MAP_PRIVATE | MAP_ANONYMOUS :
				      kind == 2 || private_files ?
				      MAP_PRIVATE : MAP_SHARED),
			 kind < 2 ? -1 : file_fd, kind < 2 ? 0 : foff * PG);
		printf("init @%lu+32 %s off %lu prot %#x", off,
		       kind < 2 ? "anon" : kind == 2 || private_files ?
		       "file private" : "file shared", kind < 2 ? 0 : foff, prot);
		if (p != (void *)(ARENA + off * PG)) {
			printf(" = -1 %s\n", err_name(errno));
			continue;
		}
		printf(" = 0\n");
		set_origin(off, 32, ++next_origin);
		if (kind < 2) {
			fill(off, 32, 0);
			if (prot != (PROT_READ | PROT_WRITE))
				mprotect(p, 32 * PG, prot);
		}
	}
	dump("at the start");
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_fault,
				.sa_flags = SA_NODEFER };
	unsigned long seed, ops;
	struct stat st;
	void *p;

	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	if (argc < 2) {
		fprintf(stderr, "usage: memdiff SEED [OPS]\n");
		return 2;
	}
	seed = strtoul(argv[1], NULL, 0);
	ops = argc > 2 ? strtoul(argv[2], NULL, 0) : 300;
	private_files = argc > 3 && !strcmp(argv[3], "private");
	rng = seed * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL;
	if (!rng)
		rng = 1;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	file_fd = make_file();
	if (file_fd < 0 || fstat(file_fd, &st)) {
		fprintf(stderr, "memdiff: cannot make a file to map in /tmp\n");
		return 2;
	}
	file_pages = (st.st_size + PG - 1) / PG;
	p = mmap((void *)ARENA, ARENA_PAGES * PG, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (p != (void *)ARENA) {
		fprintf(stderr, "memdiff: the arena is not free\n");
		return 2;
	}
	munmap(p, ARENA_PAGES * PG);
	populate();
	brk0 = brk_cur = syscall(SYS_brk, 0);
	printf("memdiff seed %lu ops %lu\n", seed, ops);
	for (unsigned int n = 1; n <= ops; n++) {
		unsigned int what = below(100);

		printf("%u ", n);
		if (what < 22)
			op_mmap();
		else if (what < 32)
			op_munmap();
		else if (what < 44)
			op_mprotect();
		else if (what < 56)
			op_madvise(n);
		else if (what < 68)
			op_mremap();
		else if (what < 74)
			op_brk(n);
		else
			op_touch(n);
		if (!(n % DUMP_EVERY) && n != ops) {
			char when[32];

			snprintf(when, sizeof(when), "after %u", n);
			dump(when);
		}
	}
	dump("at the end");
	printf("memdiff seed %lu done\n", seed);
	return 0;
}
