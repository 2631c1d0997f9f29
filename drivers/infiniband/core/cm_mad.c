/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CM MAD codecs: the 256-byte Communication Management MADs (IBA vol. 1
 * ch. 12.6) to and from the host-order structs of <tessera/rdma/cm.h>.
 * Pure functions, no state: the CM (cm.c) and the host tests
 * (tests/host/test_cm_mad.c) share them.
 *
 * Offsets below are from the start of the MAD; the spec's tables count
 * from the end of the 24-byte MAD header (add 24).  A sub-byte field is
 * named by its byte and its position counted from the most significant
 * bit, as the tables draw them.
 */
#include <tessera/errno.h>
#include <tessera/rdma/cm.h>
#include <tessera/rdma/rxe_hdr.h>
#include <tessera/string.h>

#define H	IB_MAD_HDR_BYTES

/* Field @width bits wide starting @msb bits below bit 7 of byte @p[0]. */
static void put_bits(u8 *p, unsigned int msb, unsigned int width, u32 v)
{
	unsigned int shift = 8 - msb - width;
	u8 mask = (u8)(((1u << width) - 1) << shift);

	*p = (u8)((*p & ~mask) | ((v << shift) & mask));
}

static u8 get_bits(const u8 *p, unsigned int msb, unsigned int width)
{
	return (u8)((*p >> (8 - msb - width)) & ((1u << width) - 1));
}

static void put_be24(u8 *p, u32 v)
{
	p[0] = v >> 16;
	p[1] = v >> 8;
	p[2] = v;
}

static u32 get_be24(const u8 *p)
{
	return (u32)p[0] << 16 | (u32)p[1] << 8 | p[2];
}

static bool fits(u32 v, unsigned int bits)
{
	return v < (1u << bits);
}

/* ------------------------------------------------------------- header */

static void hdr_encode(u8 *m, const struct ib_mad_hdr_info *h)
{
	m[0] = IB_MGMT_BASE_VERSION;
	m[1] = IB_MGMT_CLASS_CM;
	m[2] = IB_CM_CLASS_VERSION;
	m[3] = IB_MGMT_METHOD_SEND;
	put_be16(m + 4, h->status);
	put_be16(m + 6, h->class_specific);
	put_be64(m + 8, h->tid);
	put_be16(m + 16, h->attr_id);
	put_be16(m + 18, 0);
	put_be32(m + 20, h->attr_mod);
}

static void hdr_decode(const u8 *m, struct ib_mad_hdr_info *h)
{
	h->base_version = m[0];
	h->mgmt_class = m[1];
	h->class_version = m[2];
	h->method = m[3];
	h->status = get_be16(m + 4);
	h->class_specific = get_be16(m + 6);
	h->tid = get_be64(m + 8);
	h->attr_id = get_be16(m + 16);
	h->attr_mod = get_be32(m + 20);
}

/* ---------------------------------------------------------------- REQ */

static int path_encode(u8 *p, const struct cm_path *path)
{
	if (!fits(path->flow_label, 20) || !fits(path->packet_rate, 6) ||
	    !fits(path->sl, 4) || !fits(path->local_ack_timeout, 5))
		return -EINVAL;
	put_be16(p + 0, path->local_lid);
	put_be16(p + 2, path->remote_lid);
	memcpy(p + 4, path->local_gid.raw, 16);
	memcpy(p + 20, path->remote_gid.raw, 16);
	put_be32(p + 36, path->flow_label << 12);
	put_bits(p + 39, 2, 6, path->packet_rate);
	p[40] = path->traffic_class;
	p[41] = path->hop_limit;
	put_bits(p + 42, 0, 4, path->sl);
	put_bits(p + 42, 4, 1, path->subnet_local);
	put_bits(p + 43, 0, 5, path->local_ack_timeout);
	return 0;
}

static void path_decode(const u8 *p, struct cm_path *path)
{
	path->local_lid = get_be16(p + 0);
	path->remote_lid = get_be16(p + 2);
	memcpy(path->local_gid.raw, p + 4, 16);
	memcpy(path->remote_gid.raw, p + 20, 16);
	path->flow_label = get_be32(p + 36) >> 12;
	path->packet_rate = get_bits(p + 39, 2, 6);
	path->traffic_class = p[40];
	path->hop_limit = p[41];
	path->sl = get_bits(p + 42, 0, 4);
	path->subnet_local = get_bits(p + 42, 4, 1);
	path->local_ack_timeout = get_bits(p + 43, 0, 5);
}

static int req_encode(u8 *m, const struct cm_req *r)
{
	u8 *d = m + H;

	if (!fits(r->local_qpn, 24) || !fits(r->local_eecn, 24) ||
	    !fits(r->remote_eecn, 24) || !fits(r->starting_psn, 24) ||
	    !fits(r->remote_cm_response_timeout, 5) ||
	    !fits(r->local_cm_response_timeout, 5) ||
	    !fits(r->transport_type, 2) || !fits(r->retry_count, 3) ||
	    !fits(r->path_mtu, 4) || !fits(r->rnr_retry_count, 3) ||
	    !fits(r->max_cm_retries, 4) || !fits(r->ext_transport_type, 3))
		return -EINVAL;
	put_be32(d + 0, r->local_comm_id);
	put_be64(d + 8, r->service_id);
	put_be64(d + 16, r->local_ca_guid);
	put_be32(d + 28, r->local_qkey);
	put_be24(d + 32, r->local_qpn);
	d[35] = r->responder_resources;
	put_be24(d + 36, r->local_eecn);
	d[39] = r->initiator_depth;
	put_be24(d + 40, r->remote_eecn);
	put_bits(d + 43, 0, 5, r->remote_cm_response_timeout);
	put_bits(d + 43, 5, 2, r->transport_type);
	put_bits(d + 43, 7, 1, r->end_to_end_flow_control);
	put_be24(d + 44, r->starting_psn);
	put_bits(d + 47, 0, 5, r->local_cm_response_timeout);
	put_bits(d + 47, 5, 3, r->retry_count);
	put_be16(d + 48, r->pkey);
	put_bits(d + 50, 0, 4, r->path_mtu);
	put_bits(d + 50, 4, 1, r->rdc_exists);
	put_bits(d + 50, 5, 3, r->rnr_retry_count);
	put_bits(d + 51, 0, 4, r->max_cm_retries);
	put_bits(d + 51, 4, 1, r->srq);
	put_bits(d + 51, 5, 3, r->ext_transport_type);
	if (path_encode(d + 52, &r->primary))
		return -EINVAL;
	/* Alternate path (d + 96 .. d + 139): none. */
	memcpy(d + 140, r->private_data, CM_REQ_PRIVATE_DATA_SIZE);
	return 0;
}

static bool mem_is_zero(const u8 *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

static int req_decode(const u8 *m, struct cm_req *r)
{
	const u8 *d = m + H;

	r->local_comm_id = get_be32(d + 0);
	r->service_id = get_be64(d + 8);
	r->local_ca_guid = get_be64(d + 16);
	r->local_qkey = get_be32(d + 28);
	r->local_qpn = get_be24(d + 32);
	r->responder_resources = d[35];
	r->local_eecn = get_be24(d + 36);
	r->initiator_depth = d[39];
	r->remote_eecn = get_be24(d + 40);
	r->remote_cm_response_timeout = get_bits(d + 43, 0, 5);
	r->transport_type = get_bits(d + 43, 5, 2);
	r->end_to_end_flow_control = get_bits(d + 43, 7, 1);
	r->starting_psn = get_be24(d + 44);
	r->local_cm_response_timeout = get_bits(d + 47, 0, 5);
	r->retry_count = get_bits(d + 47, 5, 3);
	r->pkey = get_be16(d + 48);
	r->path_mtu = get_bits(d + 50, 0, 4);
	r->rdc_exists = get_bits(d + 50, 4, 1);
	r->rnr_retry_count = get_bits(d + 50, 5, 3);
	r->max_cm_retries = get_bits(d + 51, 0, 4);
	r->srq = get_bits(d + 51, 4, 1);
	r->ext_transport_type = get_bits(d + 51, 5, 3);
	path_decode(d + 52, &r->primary);
	/* An alternate path has a LID or a GID (IBA 12.6.5). */
	r->has_alternate = !mem_is_zero(d + 96, 2) ||
			   !mem_is_zero(d + 100, 16);
	memcpy(r->private_data, d + 140, CM_REQ_PRIVATE_DATA_SIZE);
	if (r->path_mtu < IB_MTU_256 || r->path_mtu > IB_MTU_4096)
		return -EINVAL;
	return 0;
}

/* ---------------------------------------------------------------- REP */

static int rep_encode(u8 *m, const struct cm_rep *r)
{
	u8 *d = m + H;

	if (!fits(r->local_qpn, 24) || !fits(r->local_eecn, 24) ||
	    !fits(r->starting_psn, 24) || !fits(r->target_ack_delay, 5) ||
	    !fits(r->failover_accepted, 2) || !fits(r->rnr_retry_count, 3))
		return -EINVAL;
	put_be32(d + 0, r->local_comm_id);
	put_be32(d + 4, r->remote_comm_id);
	put_be32(d + 8, r->local_qkey);
	put_be24(d + 12, r->local_qpn);
	put_be24(d + 16, r->local_eecn);
	put_be24(d + 20, r->starting_psn);
	d[24] = r->responder_resources;
	d[25] = r->initiator_depth;
	put_bits(d + 26, 0, 5, r->target_ack_delay);
	put_bits(d + 26, 5, 2, r->failover_accepted);
	put_bits(d + 26, 7, 1, r->end_to_end_flow_control);
	put_bits(d + 27, 0, 3, r->rnr_retry_count);
	put_bits(d + 27, 3, 1, r->srq);
	put_be64(d + 28, r->local_ca_guid);
	memcpy(d + 36, r->private_data, CM_REP_PRIVATE_DATA_SIZE);
	return 0;
}

static void rep_decode(const u8 *m, struct cm_rep *r)
{
	const u8 *d = m + H;

	r->local_comm_id = get_be32(d + 0);
	r->remote_comm_id = get_be32(d + 4);
	r->local_qkey = get_be32(d + 8);
	r->local_qpn = get_be24(d + 12);
	r->local_eecn = get_be24(d + 16);
	r->starting_psn = get_be24(d + 20);
	r->responder_resources = d[24];
	r->initiator_depth = d[25];
	r->target_ack_delay = get_bits(d + 26, 0, 5);
	r->failover_accepted = get_bits(d + 26, 5, 2);
	r->end_to_end_flow_control = get_bits(d + 26, 7, 1);
	r->rnr_retry_count = get_bits(d + 27, 0, 3);
	r->srq = get_bits(d + 27, 3, 1);
	r->local_ca_guid = get_be64(d + 28);
	memcpy(r->private_data, d + 36, CM_REP_PRIVATE_DATA_SIZE);
}

/* ------------------------------------------------ REJ, MRA, RTU, DREx */

static int rej_encode(u8 *m, const struct cm_rej *r)
{
	u8 *d = m + H;

	if (!fits(r->msg_rejected, 2) || r->ari_length > CM_REJ_ARI_SIZE)
		return -EINVAL;
	put_be32(d + 0, r->local_comm_id);
	put_be32(d + 4, r->remote_comm_id);
	put_bits(d + 8, 0, 2, r->msg_rejected);
	put_bits(d + 9, 0, 7, r->ari_length);
	put_be16(d + 10, r->reason);
	memcpy(d + 12, r->ari, CM_REJ_ARI_SIZE);
	memcpy(d + 84, r->private_data, CM_REJ_PRIVATE_DATA_SIZE);
	return 0;
}

static int rej_decode(const u8 *m, struct cm_rej *r)
{
	const u8 *d = m + H;

	r->local_comm_id = get_be32(d + 0);
	r->remote_comm_id = get_be32(d + 4);
	r->msg_rejected = get_bits(d + 8, 0, 2);
	r->ari_length = get_bits(d + 9, 0, 7);
	r->reason = get_be16(d + 10);
	memcpy(r->ari, d + 12, CM_REJ_ARI_SIZE);
	memcpy(r->private_data, d + 84, CM_REJ_PRIVATE_DATA_SIZE);
	return r->ari_length > CM_REJ_ARI_SIZE ? -EINVAL : 0;
}

static int mra_encode(u8 *m, const struct cm_mra *r)
{
	u8 *d = m + H;

	if (!fits(r->msg_mraed, 2) || !fits(r->service_timeout, 5))
		return -EINVAL;
	put_be32(d + 0, r->local_comm_id);
	put_be32(d + 4, r->remote_comm_id);
	put_bits(d + 8, 0, 2, r->msg_mraed);
	put_bits(d + 9, 0, 5, r->service_timeout);
	memcpy(d + 10, r->private_data, CM_MRA_PRIVATE_DATA_SIZE);
	return 0;
}

static int mra_decode(const u8 *m, struct cm_mra *r)
{
	const u8 *d = m + H;

	r->local_comm_id = get_be32(d + 0);
	r->remote_comm_id = get_be32(d + 4);
	r->msg_mraed = get_bits(d + 8, 0, 2);
	r->service_timeout = get_bits(d + 9, 0, 5);
	memcpy(r->private_data, d + 10, CM_MRA_PRIVATE_DATA_SIZE);
	return r->msg_mraed == 3 ? -EINVAL : 0;
}

/* RTU and DREP share a layout: two ids and 224 bytes of private data. */
static void ids_encode(u8 *d, u32 local, u32 remote)
{
	put_be32(d + 0, local);
	put_be32(d + 4, remote);
}

int cm_msg_encode(u8 *mad, const struct cm_msg *msg)
{
	u8 *d = mad + H;

	memset(mad, 0, IB_MAD_BYTES);
	hdr_encode(mad, &msg->hdr);
	switch (msg->hdr.attr_id) {
	case CM_REQ_ATTR_ID:
		return req_encode(mad, &msg->req);
	case CM_REP_ATTR_ID:
		return rep_encode(mad, &msg->rep);
	case CM_REJ_ATTR_ID:
		return rej_encode(mad, &msg->rej);
	case CM_MRA_ATTR_ID:
		return mra_encode(mad, &msg->mra);
	case CM_RTU_ATTR_ID:
		ids_encode(d, msg->rtu.local_comm_id, msg->rtu.remote_comm_id);
		memcpy(d + 8, msg->rtu.private_data, CM_RTU_PRIVATE_DATA_SIZE);
		return 0;
	case CM_DREP_ATTR_ID:
		ids_encode(d, msg->drep.local_comm_id,
			   msg->drep.remote_comm_id);
		memcpy(d + 8, msg->drep.private_data,
		       CM_DREP_PRIVATE_DATA_SIZE);
		return 0;
	case CM_DREQ_ATTR_ID:
		if (!fits(msg->dreq.remote_qpn, 24))
			return -EINVAL;
		ids_encode(d, msg->dreq.local_comm_id,
			   msg->dreq.remote_comm_id);
		put_be24(d + 8, msg->dreq.remote_qpn);
		memcpy(d + 12, msg->dreq.private_data,
		       CM_DREQ_PRIVATE_DATA_SIZE);
		return 0;
	}
	return -EINVAL;
}

int cm_msg_decode(const u8 *mad, size_t len, struct cm_msg *msg)
{
	const u8 *d = mad + H;

	if (len < IB_MAD_BYTES)
		return -EMSGSIZE;
	memset(msg, 0, sizeof(*msg));
	hdr_decode(mad, &msg->hdr);
	if (msg->hdr.base_version != IB_MGMT_BASE_VERSION ||
	    msg->hdr.mgmt_class != IB_MGMT_CLASS_CM ||
	    msg->hdr.class_version != IB_CM_CLASS_VERSION)
		return -EPROTONOSUPPORT;
	if (msg->hdr.method != IB_MGMT_METHOD_SEND)
		return -EOPNOTSUPP;
	switch (msg->hdr.attr_id) {
	case CM_REQ_ATTR_ID:
		return req_decode(mad, &msg->req);
	case CM_REP_ATTR_ID:
		rep_decode(mad, &msg->rep);
		return 0;
	case CM_REJ_ATTR_ID:
		return rej_decode(mad, &msg->rej);
	case CM_MRA_ATTR_ID:
		return mra_decode(mad, &msg->mra);
	case CM_RTU_ATTR_ID:
		msg->rtu.local_comm_id = get_be32(d);
		msg->rtu.remote_comm_id = get_be32(d + 4);
		memcpy(msg->rtu.private_data, d + 8, CM_RTU_PRIVATE_DATA_SIZE);
		return 0;
	case CM_DREP_ATTR_ID:
		msg->drep.local_comm_id = get_be32(d);
		msg->drep.remote_comm_id = get_be32(d + 4);
		memcpy(msg->drep.private_data, d + 8,
		       CM_DREP_PRIVATE_DATA_SIZE);
		return 0;
	case CM_DREQ_ATTR_ID:
		msg->dreq.local_comm_id = get_be32(d);
		msg->dreq.remote_comm_id = get_be32(d + 4);
		msg->dreq.remote_qpn = get_be24(d + 8);
		memcpy(msg->dreq.private_data, d + 12,
		       CM_DREQ_PRIVATE_DATA_SIZE);
		return 0;
	}
	return -EOPNOTSUPP;
}
