/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kbench "crc" (bench=crc): what one RoCE packet's ICRC costs here,
 * crc32_le() (sliced by 8) against crc32_le_bytewise() (one byte per
 * step, what it was), over the same buffer, the two interleaved sample
 * by sample.  Results: Documentation/benchmarks.md.
 */
#include <tessera/crc32.h>
#include <tessera/kbench.h>
#include <tessera/printk.h>
#include <tessera/slab.h>
#include <tessera/time.h>

#define CRC_BENCH_SAMPLES	400
#define CRC_BENCH_CALLS		8

static u64 crc_bench_one(u32 (*fn)(u32, const void *, size_t),
			 const u8 *buf, size_t len, u32 *sink)
{
	u64 t0 = ktime_get();

	for (unsigned int i = 0; i < CRC_BENCH_CALLS; i++)
		*sink ^= fn(~0U, buf, len);
	return (ktime_get() - t0) / CRC_BENCH_CALLS;
}

static void crc_bench_size(const u8 *buf, size_t len, u64 *fast, u64 *slow)
{
	static const char *const names[][2] = {
		{ "sliced_1k", "bytewise_1k" },
		{ "sliced_4k", "bytewise_4k" },
	};
	unsigned int which = len > 1024;
	u32 sink = 0;

	for (unsigned int i = 0; i < CRC_BENCH_SAMPLES; i++) {
		fast[i] = crc_bench_one(crc32_le, buf, len, &sink);
		slow[i] = crc_bench_one(crc32_le_bytewise, buf, len, &sink);
	}
	/* Both computed the same CRCs: the xors cancel pairwise. */
	if (sink)
		pr_err("bench: crc: sliced and bytewise CRCs differ\n");
	kbench_report("crc", names[which][0], fast, CRC_BENCH_SAMPLES, "ns");
	kbench_report("crc", names[which][1], slow, CRC_BENCH_SAMPLES, "ns");
}

static void crc_bench(void)
{
	u8 *buf = kmalloc(4096, GFP_KERNEL);
	u64 *fast = kmalloc_array(CRC_BENCH_SAMPLES, sizeof(u64), GFP_KERNEL);
	u64 *slow = kmalloc_array(CRC_BENCH_SAMPLES, sizeof(u64), GFP_KERNEL);

	if (buf && fast && slow) {
		for (unsigned int i = 0; i < 4096; i++)
			buf[i] = (u8)(i * 131 + 7);
		crc_bench_size(buf, 1024, fast, slow);
		crc_bench_size(buf, 4096, fast, slow);
	}
	kfree(slow);
	kfree(fast);
	kfree(buf);
}
KBENCH(crc, crc_bench);
