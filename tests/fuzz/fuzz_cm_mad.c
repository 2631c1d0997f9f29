// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness of the IB CM MAD codec (drivers/infiniband/core/
 * cm_mad.c): the input is a MAD as it arrives from the wire.  A MAD
 * that decodes must encode again (every decoded field fits its bits) and
 * decode from those bytes to the same message.
 */
/* FUZZ-HTEST: test_cm_mad */
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/rdma/cm.h>
#include <tessera/string.h>

#include "fuzz.h"

static struct cm_msg m1, m2;
static u8 mad[IB_MAD_BYTES];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	memset(&m1, 0, sizeof(m1));
	memset(&m2, 0, sizeof(m2));
	if (cm_msg_decode(data, size, &m1))
		return 0;
	FUZZ_ASSERT(size >= IB_MAD_BYTES);
	FUZZ_ASSERT(cm_msg_encode(mad, &m1) == 0);
	FUZZ_ASSERT(cm_msg_decode(mad, sizeof(mad), &m2) == 0);
	/* The alternate path is decoded as present/absent only. */
	if (m1.hdr.attr_id == CM_REQ_ATTR_ID)
		m1.req.has_alternate = m2.req.has_alternate = false;
	FUZZ_ASSERT(!memcmp(&m1, &m2, sizeof(m1)));
	return 0;
}

/* --- seeds ------------------------------------------------------------ */

static void emit_msg(fuzz_emit_fn emit, const char *name, u16 attr)
{
	m1.hdr.attr_id = attr;
	m1.hdr.tid = 0x1122334455667788ull;
	if (cm_msg_encode(mad, &m1) == 0)
		emit(name, mad, sizeof(mad));
}

void fuzz_seeds(fuzz_emit_fn emit)
{
	struct cm_req *r = &m1.req;

	memset(&m1, 0, sizeof(m1));
	r->local_comm_id = 0x1001;
	r->service_id = 0x0106000000004791ull;
	r->local_qpn = 0x11;
	r->responder_resources = 4;
	r->initiator_depth = 4;
	r->remote_cm_response_timeout = 20;
	r->starting_psn = 0x123456;
	r->local_cm_response_timeout = 20;
	r->retry_count = 7;
	r->pkey = 0xffff;
	r->path_mtu = IB_MTU_1024;
	r->rnr_retry_count = 7;
	r->max_cm_retries = 15;
	r->primary.local_lid = r->primary.remote_lid = 0xffff;
	r->primary.local_gid.raw[10] = r->primary.local_gid.raw[11] = 0xff;
	r->primary.local_gid.raw[15] = 1;
	r->primary.remote_gid = r->primary.local_gid;
	r->primary.remote_gid.raw[15] = 2;
	r->primary.hop_limit = 64;
	r->primary.local_ack_timeout = 14;
	r->private_data[0] = 0x11;
	emit_msg(emit, "req", CM_REQ_ATTR_ID);

	memset(&m1, 0, sizeof(m1));
	m1.rep.local_comm_id = 0x2002;
	m1.rep.remote_comm_id = 0x1001;
	m1.rep.local_qpn = 0x22;
	m1.rep.starting_psn = 0x654321;
	m1.rep.responder_resources = 4;
	m1.rep.initiator_depth = 4;
	m1.rep.rnr_retry_count = 7;
	emit_msg(emit, "rep", CM_REP_ATTR_ID);

	memset(&m1, 0, sizeof(m1));
	m1.rtu.local_comm_id = 0x1001;
	m1.rtu.remote_comm_id = 0x2002;
	emit_msg(emit, "rtu", CM_RTU_ATTR_ID);

	memset(&m1, 0, sizeof(m1));
	m1.rej.local_comm_id = 0x2002;
	m1.rej.remote_comm_id = 0x1001;
	m1.rej.reason = 28;
	m1.rej.ari_length = 4;
	emit_msg(emit, "rej", CM_REJ_ATTR_ID);

	memset(&m1, 0, sizeof(m1));
	m1.dreq.local_comm_id = 0x1001;
	m1.dreq.remote_comm_id = 0x2002;
	m1.dreq.remote_qpn = 0x22;
	emit_msg(emit, "dreq", CM_DREQ_ATTR_ID);

	memset(&m1, 0, sizeof(m1));
	m1.drep.local_comm_id = 0x2002;
	emit_msg(emit, "drep", CM_DREP_ATTR_ID);

	memset(&m1, 0, sizeof(m1));
	m1.mra.local_comm_id = 0x2002;
	m1.mra.service_timeout = 20;
	emit_msg(emit, "mra", CM_MRA_ATTR_ID);
}
