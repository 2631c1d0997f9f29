/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The RDMA CM (<tessera/rdma/rdma_cm.h>): IP addresses and ports on top
 * of the IB CM (cm.c).  It owns the RDMA-CM conventions on the wire (the
 * RDMA_PS_TCP service ID, the CMA header at the front of a REQ's private
 * data, IPv4-mapped GIDs), address resolution by ARP, the moves of the
 * consumer's QP through INIT/RTR/RTS/ERR, and the translation of IB CM
 * events into RDMA CM events.  Everything is checked before it is used:
 * a REQ with a bad CMA header, a GID that is not ours, an MTU or a
 * transport we do not do is rejected with the matching reason; a REP
 * whose values do not fit our QP is rejected too.
 *
 * Locking: ids are owned by their consumer; the CM thread touches an id
 * only in the IB CM handler of its ib_cm_id (a listener's also while it
 * delivers a REQ for it: the IB CM holds the listener meanwhile), and
 * rdma_destroy_id() destroys that ib_cm_id first, which waits for a
 * delivery in progress, before it frees the id.
 */
#include <tessera/arp.h>
#include <tessera/errno.h>
#include <tessera/inet.h>
#include <tessera/kernel.h>
#include <tessera/mutex.h>
#include <tessera/net.h>
#include <tessera/printk.h>
#include <tessera/random.h>
#include <tessera/rdma/cm.h>
#include <tessera/rdma/rdma_cm.h>
#include <tessera/rdma/rxe.h>
#include <tessera/rdma/rxe_hdr.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <tessera/time.h>

#define CMA_QP_TIMEOUT		14	/* 4.096 us * 2^14 = 67 ms */
#define CMA_REQ_RETRIES		3
#define CMA_DEFAULT_TIMEOUT_MS	30000
#define CMA_EPHEMERAL_BASE	49152

enum cma_state {
	CMA_IDLE,
	CMA_LISTEN,
	CMA_CONNECT,		/* REQ sent */
	CMA_REQ_RCVD,		/* passive, before accept/reject */
	CMA_ACCEPTED,		/* passive, REP sent */
	CMA_ESTABLISHED,
	CMA_DISCONNECT,
	CMA_DEAD,		/* rejected, timed out, or gone */
};

struct rdma_id_priv {
	struct rdma_cm_id id;
	rdma_cm_event_handler handler;
	struct ib_cm_id *cm_id;
	enum cma_state state;
	struct rdma_conn_param param;	/* active: what we asked for */
	struct cm_req req;	/* passive: the request */
	bool own_qp;
	u8 ack_timeout;		/* 0: CMA_QP_TIMEOUT (rdma_set_ack_timeout) */
	const struct rdma_cm_auth_ops *auth;	/* rdma_set_auth() */
	/* While our RTU is sent: the REP's private data, for auth->seal. */
	const void *rep_pdata;
};

static struct {
	struct ib_device *dev;
	u32 ip;
	u16 next_port;
	unsigned long long bad_cma_hdr, bad_gid, bad_param;
} cma;

static struct rdma_id_priv *to_id_priv(struct rdma_cm_id *id)
{
	return container_of(id, struct rdma_id_priv, id);
}

const char *rdma_event_msg(int event)
{
	static const char *const names[] = {
		[RDMA_CM_EVENT_CONNECT_REQUEST] = "CONNECT_REQUEST",
		[RDMA_CM_EVENT_ESTABLISHED] = "ESTABLISHED",
		[RDMA_CM_EVENT_REJECTED] = "REJECTED",
		[RDMA_CM_EVENT_DISCONNECTED] = "DISCONNECTED",
		[RDMA_CM_EVENT_UNREACHABLE] = "UNREACHABLE",
		[RDMA_CM_EVENT_TIMEOUT] = "TIMEOUT",
	};

	if (event >= 0 && event < (int)ARRAY_SIZE(names))
		return names[event];
	return "UNKNOWN";
}

int rdma_parse_ipv4(const char *s, u32 *ip)
{
	char cidr[24];
	unsigned int prefix;
	__be32 addr;

	if (strlen(s) > 15)
		return -EINVAL;
	snprintf(cidr, sizeof(cidr), "%s/32", s);
	if (inet_parse_cidr(cidr, &addr, &prefix))
		return -EINVAL;
	*ip = ntohl(addr);
	return 0;
}

/* Starting PSNs and the first port: not to be guessed from the clock. */
static u32 cma_random(void)
{
	return (u32)get_random_u64();
}

/* --------------------------------------------------- the CMA header */

static void cma_hdr_encode(u8 *p, u16 sport, u32 saddr, u32 daddr)
{
	memset(p, 0, RDMA_CMA_HDR_BYTES);
	p[0] = RDMA_CMA_VERSION;
	p[1] = 4 << 4;
	put_be16(p + 2, sport);
	/* ip4: pad[3] zero then the address, as Linux lays it out. */
	put_be32(p + 4 + 12, saddr);
	put_be32(p + 20 + 12, daddr);
}

/* 0, or -EINVAL for a header that is not version 0 / IPv4. */
static int cma_hdr_decode(const u8 *p, u16 *sport, u32 *saddr, u32 *daddr)
{
	if (p[0] != RDMA_CMA_VERSION || (p[1] >> 4) != 4)
		return -EINVAL;
	*sport = get_be16(p + 2);
	*saddr = get_be32(p + 16);
	*daddr = get_be32(p + 32);
	return 0;
}

/* ------------------------------------------------------------ QP moves */

/*
 * The starting PSN a side puts in its REQ or REP is the PSN it will
 * *receive* at (IBA 12.7.23/12.7.33; Linux's cm.c sets rq_psn from its
 * own message and sq_psn from the peer's).  So our receive queue starts
 * at priv->id.psn, which we advertised, and our send queue at @peer_psn.
 */
static int cma_qp_rtr_rts(struct rdma_id_priv *priv, u32 dqpn, u32 peer_psn,
			  enum ib_mtu mtu, u8 resp_res, u8 init_depth,
			  u8 retry, u8 rnr_retry, u8 timeout)
{
	struct ib_qp_attr a = { .qp_state = IB_QPS_RTR };
	int ret;

	ib_gid_from_ipv4(&a.ah_attr.dgid, priv->id.remote_ip);
	a.ah_attr.hop_limit = 64;
	a.path_mtu = mtu;
	a.dest_qp_num = dqpn;
	a.rq_psn = priv->id.psn;
	a.max_dest_rd_atomic = resp_res;
	a.min_rnr_timer = 12;
	ret = ib_modify_qp(priv->id.qp, &a, IB_QP_STATE | IB_QP_AV |
			   IB_QP_PATH_MTU | IB_QP_DEST_QPN | IB_QP_RQ_PSN |
			   IB_QP_MAX_DEST_RD_ATOMIC | IB_QP_MIN_RNR_TIMER);
	if (ret)
		return ret;
	memset(&a, 0, sizeof(a));
	a.qp_state = IB_QPS_RTS;
	a.sq_psn = peer_psn;
	a.timeout = timeout;
	a.retry_cnt = retry;
	a.rnr_retry = rnr_retry;
	a.max_rd_atomic = init_depth;
	return ib_modify_qp(priv->id.qp, &a, IB_QP_STATE | IB_QP_SQ_PSN |
			    IB_QP_TIMEOUT | IB_QP_RETRY_CNT |
			    IB_QP_RNR_RETRY | IB_QP_MAX_QP_RD_ATOMIC);
}

static void cma_qp_error(struct rdma_id_priv *priv)
{
	struct ib_qp_attr a = { .qp_state = IB_QPS_ERR };

	if (priv->id.qp)
		ib_modify_qp(priv->id.qp, &a, IB_QP_STATE);
}

static enum ib_mtu cma_mtu(void)
{
	enum ib_mtu m = cma.dev->attrs.max_mtu;

	return m > IB_MTU_1024 ? IB_MTU_1024 : m;
}

/* ------------------------------------------------- authentication */

/*
 * The IB CM's seal/verify of an id of ours: the consumer's, in RDMA CM
 * terms.  cm_id->context is the rdma_id_priv (an id cloned for a REQ
 * gets it in cma_req_handler(), before the CM handles another message).
 */
static u8 *cma_sealed_pdata(struct cm_msg *msg, struct rdma_cm_sealed *m,
			    u8 *room)
{
	switch (msg->hdr.attr_id) {
	case CM_RTU_ATTR_ID:
		m->msg = RDMA_CM_MSG_RTU;
		*room = CM_RTU_PRIVATE_DATA_SIZE;
		return msg->rtu.private_data;
	case CM_DREQ_ATTR_ID:
		m->msg = RDMA_CM_MSG_DREQ;
		*room = CM_DREQ_PRIVATE_DATA_SIZE;
		return msg->dreq.private_data;
	case CM_DREP_ATTR_ID:
		m->msg = RDMA_CM_MSG_DREP;
		*room = CM_DREP_PRIVATE_DATA_SIZE;
		return msg->drep.private_data;
	}
	return NULL;
}

static void cma_ib_seal(struct ib_cm_id *cm_id, struct cm_msg *msg)
{
	struct rdma_id_priv *priv = cm_id->context;
	struct rdma_cm_sealed m = {
		.src_comm_id = cm_id->local_id,
		.dst_comm_id = cm_id->remote_id,
	};
	u8 room, *pdata = cma_sealed_pdata(msg, &m, &room);

	if (!pdata || !priv || !priv->auth || !priv->auth->seal)
		return;
	if (m.msg == RDMA_CM_MSG_RTU && priv->rep_pdata) {
		m.rep_data = priv->rep_pdata;
		m.rep_data_len = CM_REP_PRIVATE_DATA_SIZE;
	}
	memset(pdata, 0, room);
	priv->auth->seal(&priv->id, &m, pdata, room);
}

static int cma_ib_verify(struct ib_cm_id *cm_id, const struct cm_msg *msg)
{
	struct rdma_id_priv *priv = cm_id->context;
	struct rdma_cm_sealed m = { 0 };
	/* Only to find the private data; nothing is written. */
	u8 room, *pdata = cma_sealed_pdata((struct cm_msg *)msg, &m, &room);

	if (!pdata)
		return 0;
	/* RTU, DREQ and DREP all start with the two comm ids. */
	switch (m.msg) {
	case RDMA_CM_MSG_RTU:
		m.src_comm_id = msg->rtu.local_comm_id;
		m.dst_comm_id = msg->rtu.remote_comm_id;
		break;
	case RDMA_CM_MSG_DREQ:
		m.src_comm_id = msg->dreq.local_comm_id;
		m.dst_comm_id = msg->dreq.remote_comm_id;
		break;
	case RDMA_CM_MSG_DREP:
		m.src_comm_id = msg->drep.local_comm_id;
		m.dst_comm_id = msg->drep.remote_comm_id;
		break;
	}
	/* The id had ops (we are called): without a consumer, refuse. */
	if (!priv || !priv->auth || !priv->auth->verify)
		return -EBADMSG;
	return priv->auth->verify(&priv->id, &m, pdata, room);
}

static const struct ib_cm_auth_ops cma_ib_auth = {
	.seal = cma_ib_seal,
	.verify = cma_ib_verify,
};

int rdma_set_auth(struct rdma_cm_id *id, const struct rdma_cm_auth_ops *ops)
{
	struct rdma_id_priv *priv = to_id_priv(id);

	if (priv->state != CMA_IDLE || priv->cm_id)
		return -EINVAL;
	priv->auth = ops;
	return 0;
}

/* ---------------------------------------------------- IB CM events */

static int cma_deliver(struct rdma_id_priv *priv, enum rdma_cm_event_type t,
		       int status, const void *pdata, u8 len)
{
	struct rdma_cm_event ev = {
		.event = t, .status = status,
		.private_data = pdata, .private_data_len = len,
	};

	return priv->handler(&priv->id, &ev);
}

static int cma_req_handler(struct rdma_id_priv *listener,
			   struct ib_cm_id *cm_id, const struct cm_req *req,
			   u32 src_ip)
{
	struct rdma_id_priv *priv;
	struct rdma_cm_event ev = { .event = RDMA_CM_EVENT_CONNECT_REQUEST };
	union ib_gid ours, theirs;
	u32 saddr, daddr;
	u16 sport;
	int ret;

	/* The CMA header: ours, and consistent with the packet. */
	if (cma_hdr_decode(req->private_data, &sport, &saddr, &daddr) ||
	    daddr != cma.ip || saddr != src_ip) {
		cma.bad_cma_hdr++;
		ib_send_cm_rej(cm_id, IB_CM_REJ_CONSUMER_DEFINED, NULL, 0);
		return -EINVAL;
	}
	ib_gid_from_ipv4(&ours, cma.ip);
	ib_gid_from_ipv4(&theirs, src_ip);
	if (memcmp(req->primary.remote_gid.raw, ours.raw, 16) ||
	    memcmp(req->primary.local_gid.raw, theirs.raw, 16)) {
		cma.bad_gid++;
		ib_send_cm_rej(cm_id, IB_CM_REJ_INVALID_GID, NULL, 0);
		return -EINVAL;
	}
	if (!req->local_qpn || req->local_qpn == 1) {
		cma.bad_param++;
		ib_send_cm_rej(cm_id, IB_CM_REJ_NO_QP, NULL, 0);
		return -EINVAL;
	}
	priv = kzalloc(sizeof(*priv), GFP_KERNEL);
	if (!priv) {
		ib_send_cm_rej(cm_id, IB_CM_REJ_NO_RESOURCES, NULL, 0);
		return -ENOMEM;
	}
	priv->handler = listener->handler;
	priv->auth = listener->auth;
	priv->id.context = listener->id.context;
	priv->id.device = cma.dev;
	priv->id.local_ip = cma.ip;
	priv->id.local_port = listener->id.local_port;
	priv->id.remote_ip = src_ip;
	priv->id.remote_port = sport;
	priv->id.psn = cma_random() & RXE_PSN_MASK;
	priv->cm_id = cm_id;
	priv->req = *req;
	priv->state = CMA_REQ_RCVD;
	cm_id->context = priv;

	ev.private_data = req->private_data + RDMA_CMA_HDR_BYTES;
	ev.private_data_len = RDMA_MAX_PRIVATE_DATA;
	ev.param.responder_resources = req->responder_resources;
	ev.param.initiator_depth = req->initiator_depth;
	ev.param.retry_count = req->retry_count;
	ev.param.rnr_retry_count = req->rnr_retry_count;
	ev.qpn = req->local_qpn;
	ev.psn = req->starting_psn;
	ret = priv->handler(&priv->id, &ev);
	if (ret) {
		/* The IB CM rejects and destroys cm_id; we drop our part. */
		priv->cm_id = NULL;
		rdma_destroy_id(&priv->id);
	}
	return ret;
}

static void cma_rep_handler(struct rdma_id_priv *priv,
			    const struct cm_rep *rep)
{
	u8 resp_res = min(priv->param.responder_resources,
			  rep->initiator_depth);
	u8 depth = min(priv->param.initiator_depth, rep->responder_resources);
	struct rdma_cm_event ev = { .event = RDMA_CM_EVENT_ESTABLISHED };
	int ret;

	if (priv->state != CMA_CONNECT)
		return;
	if (!rep->local_qpn || rep->local_qpn == 1) {
		cma.bad_param++;
		ret = -EINVAL;
	} else {
		ret = cma_qp_rtr_rts(priv, rep->local_qpn, rep->starting_psn,
				     cma_mtu(), resp_res ?: 1, depth ?: 1,
				     priv->param.retry_count,
				     rep->rnr_retry_count,
				     priv->ack_timeout ?: CMA_QP_TIMEOUT);
	}
	if (ret) {
		ib_send_cm_rej(priv->cm_id, IB_CM_REJ_CONSUMER_DEFINED, NULL,
			       0);
		cma_qp_error(priv);
		priv->state = CMA_DEAD;
		cma_deliver(priv, RDMA_CM_EVENT_REJECTED,
			    IB_CM_REJ_CONSUMER_DEFINED, NULL, 0);
		return;
	}
	priv->rep_pdata = rep->private_data;
	ib_send_cm_rtu(priv->cm_id);
	priv->rep_pdata = NULL;
	priv->state = CMA_ESTABLISHED;
	ev.private_data = rep->private_data;
	ev.private_data_len = CM_REP_PRIVATE_DATA_SIZE;
	ev.qpn = rep->local_qpn;
	ev.psn = rep->starting_psn;
	priv->handler(&priv->id, &ev);
}

static int cma_ib_handler(struct ib_cm_id *cm_id, const struct ib_cm_event *ev)
{
	struct rdma_id_priv *priv = cm_id->context;
	const struct cm_msg *m = ev->msg;

	switch (ev->event) {
	case IB_CM_REQ_RECEIVED:
		return cma_req_handler(priv, cm_id, &m->req, ev->remote_ip);
	case IB_CM_REP_RECEIVED:
		cma_rep_handler(priv, &m->rep);
		break;
	case IB_CM_RTU_RECEIVED:
		if (priv->state == CMA_ACCEPTED) {
			priv->state = CMA_ESTABLISHED;
			cma_deliver(priv, RDMA_CM_EVENT_ESTABLISHED, 0,
				    m->rtu.private_data,
				    CM_RTU_PRIVATE_DATA_SIZE);
		}
		break;
	case IB_CM_REJ_RECEIVED:
		cma_qp_error(priv);
		priv->state = CMA_DEAD;
		cma_deliver(priv, RDMA_CM_EVENT_REJECTED, m->rej.reason,
			    m->rej.private_data, CM_REJ_PRIVATE_DATA_SIZE);
		break;
	case IB_CM_REQ_ERROR:
	case IB_CM_REP_ERROR:
		cma_qp_error(priv);
		priv->state = CMA_DEAD;
		cma_deliver(priv, RDMA_CM_EVENT_TIMEOUT, -ETIMEDOUT, NULL, 0);
		break;
	case IB_CM_DREQ_RECEIVED:
	case IB_CM_DREP_RECEIVED:
	case IB_CM_DREQ_ERROR:
		cma_qp_error(priv);
		if (priv->state == CMA_ESTABLISHED ||
		    priv->state == CMA_DISCONNECT ||
		    priv->state == CMA_ACCEPTED) {
			priv->state = CMA_DEAD;
			cma_deliver(priv, RDMA_CM_EVENT_DISCONNECTED, 0,
				    NULL, 0);
		}
		break;
	}
	return 0;
}

/* ------------------------------------------------------------- the API */

struct rdma_cm_id *rdma_create_id(rdma_cm_event_handler handler,
				  void *context)
{
	struct rdma_id_priv *priv;

	if (!cma.dev)
		return ERR_PTR(-ENODEV);
	if (!handler)
		return ERR_PTR(-EINVAL);
	priv = kzalloc(sizeof(*priv), GFP_KERNEL);
	if (!priv)
		return ERR_PTR(-ENOMEM);
	priv->handler = handler;
	priv->id.context = context;
	priv->id.device = cma.dev;
	priv->id.local_ip = cma.ip;
	priv->id.psn = cma_random() & RXE_PSN_MASK;
	return &priv->id;
}

void rdma_destroy_id(struct rdma_cm_id *id)
{
	struct rdma_id_priv *priv = to_id_priv(id);

	if (priv->cm_id)
		ib_destroy_cm_id(priv->cm_id);
	if (priv->own_qp && id->qp)
		ib_destroy_qp(id->qp);
	kfree(priv);
}

int rdma_listen(struct rdma_cm_id *id, u16 port)
{
	struct rdma_id_priv *priv = to_id_priv(id);
	int ret;

	if (priv->state != CMA_IDLE || !port)
		return -EINVAL;
	priv->cm_id = ib_create_cm_id(cma.dev, cma_ib_handler, priv);
	if (IS_ERR(priv->cm_id)) {
		ret = PTR_ERR(priv->cm_id);
		priv->cm_id = NULL;
		return ret;
	}
	if (priv->auth)
		priv->cm_id->auth = &cma_ib_auth;
	ret = ib_cm_listen(priv->cm_id, (u64)RDMA_PS_TCP << 16 | port);
	if (ret) {
		ib_destroy_cm_id(priv->cm_id);
		priv->cm_id = NULL;
		return ret;
	}
	id->local_port = port;
	priv->state = CMA_LISTEN;
	return 0;
}

int rdma_create_qp(struct rdma_cm_id *id, struct ib_pd *pd,
		   struct ib_qp_init_attr *init)
{
	struct rdma_id_priv *priv = to_id_priv(id);
	struct ib_qp_attr a = {
		.qp_state = IB_QPS_INIT, .port_num = 1,
		.qp_access_flags = IB_ACCESS_LOCAL_WRITE |
				   IB_ACCESS_REMOTE_WRITE |
				   IB_ACCESS_REMOTE_READ,
	};
	struct ib_qp *qp;
	int ret;

	if (id->qp || init->qp_type != IB_QPT_RC)
		return -EINVAL;
	qp = ib_create_qp(pd, init);
	if (IS_ERR(qp))
		return PTR_ERR(qp);
	ret = ib_modify_qp(qp, &a, IB_QP_STATE | IB_QP_PORT |
			   IB_QP_PKEY_INDEX | IB_QP_ACCESS_FLAGS);
	if (ret) {
		ib_destroy_qp(qp);
		return ret;
	}
	id->qp = qp;
	priv->own_qp = true;
	return 0;
}

/* 4.096 us * 2^code just above @ns. */
static u8 cma_timeout_code(u64 ns)
{
	u8 code = 0;

	while (code < 31 && (4096ull << code) < ns)
		code++;
	return code;
}

int rdma_set_ack_timeout(struct rdma_cm_id *id, u8 timeout)
{
	if (!id || timeout > 31)
		return -EINVAL;
	to_id_priv(id)->ack_timeout = timeout;
	return 0;
}

int rdma_connect(struct rdma_cm_id *id, u32 ip, u16 port,
		 const struct rdma_conn_param *param, unsigned int timeout_ms)
{
	struct rdma_id_priv *priv = to_id_priv(id);
	struct net_iface *ifc = net_default_iface();
	u64 period = (u64)(timeout_ms ?: CMA_DEFAULT_TIMEOUT_MS) *
		     NSEC_PER_MSEC / (CMA_REQ_RETRIES + 1);
	struct cm_req req = { 0 };
	u8 mac[6];
	int ret;

	if (priv->state != CMA_IDLE || !id->qp || !port || !ifc ||
	    param->private_data_len > RDMA_MAX_PRIVATE_DATA ||
	    param->retry_count > 7 || param->rnr_retry_count > 7)
		return -EINVAL;
	id->remote_ip = ip;
	id->remote_port = port;
	id->local_port = CMA_EPHEMERAL_BASE +
			 cma.next_port++ % (65536 - CMA_EPHEMERAL_BASE);
	/*
	 * The peer may still be booting: ARP for up to 5 s of the timeout.
	 * Our own address needs none (rxe loops it back).
	 */
	ret = ip == cma.ip ? 0 :
	      arp_resolve(ifc->dev, htonl(ip), mac,
			  min_t(u64, timeout_ms ?: CMA_DEFAULT_TIMEOUT_MS,
				5000) * NSEC_PER_MSEC);
	if (ret) {
		priv->state = CMA_DEAD;
		cma_deliver(priv, RDMA_CM_EVENT_UNREACHABLE, ret, NULL, 0);
		return -EHOSTUNREACH;
	}
	priv->cm_id = ib_create_cm_id(cma.dev, cma_ib_handler, priv);
	if (IS_ERR(priv->cm_id)) {
		ret = PTR_ERR(priv->cm_id);
		priv->cm_id = NULL;
		return ret;
	}
	if (priv->auth)
		priv->cm_id->auth = &cma_ib_auth;
	priv->param = *param;

	req.service_id = (u64)RDMA_PS_TCP << 16 | port;
	req.local_qpn = id->qp->qp_num;
	req.responder_resources = param->responder_resources;
	req.initiator_depth = param->initiator_depth;
	req.remote_cm_response_timeout = cma_timeout_code(period / 2);
	req.local_cm_response_timeout = req.remote_cm_response_timeout;
	req.transport_type = 0;			/* RC */
	req.starting_psn = priv->id.psn;
	req.retry_count = param->retry_count;
	req.pkey = IB_DEFAULT_PKEY;
	req.path_mtu = cma_mtu();
	req.rnr_retry_count = param->rnr_retry_count;
	req.max_cm_retries = CMA_REQ_RETRIES;
	/* RoCE: permissive LIDs, not subnet-local, IPv4-mapped GIDs. */
	req.primary.local_lid = 0xffff;
	req.primary.remote_lid = 0xffff;
	ib_gid_from_ipv4(&req.primary.local_gid, cma.ip);
	ib_gid_from_ipv4(&req.primary.remote_gid, ip);
	req.primary.hop_limit = 64;
	req.primary.local_ack_timeout = priv->ack_timeout ?: CMA_QP_TIMEOUT;
	cma_hdr_encode(req.private_data, id->local_port, cma.ip, ip);
	if (param->private_data_len)
		memcpy(req.private_data + RDMA_CMA_HDR_BYTES,
		       param->private_data, param->private_data_len);
	priv->state = CMA_CONNECT;
	ret = ib_send_cm_req(priv->cm_id, ip, &req);
	if (ret) {
		/* A later rdma_connect() makes a new one: do not leak this. */
		ib_destroy_cm_id(priv->cm_id);
		priv->cm_id = NULL;
		priv->state = CMA_IDLE;
	}
	return ret;
}

int rdma_accept(struct rdma_cm_id *id, const struct rdma_conn_param *param)
{
	struct rdma_id_priv *priv = to_id_priv(id);
	const struct cm_req *req = &priv->req;
	struct cm_rep rep = { 0 };
	enum ib_mtu mtu;
	int ret;

	if (priv->state != CMA_REQ_RCVD || !id->qp ||
	    param->private_data_len > CM_REP_PRIVATE_DATA_SIZE ||
	    param->rnr_retry_count > 7)
		return -EINVAL;
	mtu = min(req->path_mtu, (u8)cma_mtu());
	/* Serve no more READs than it will issue, issue no more than it
	 * serves; its retry counts govern our QP (IBA 12.7.27, 12.7.38). */
	rep.responder_resources = min(param->responder_resources,
				      req->initiator_depth);
	rep.initiator_depth = min(param->initiator_depth,
				  req->responder_resources);
	ret = cma_qp_rtr_rts(priv, req->local_qpn, req->starting_psn, mtu,
			     rep.responder_resources ?: 1,
			     rep.initiator_depth ?: 1, req->retry_count,
			     req->rnr_retry_count,
			     priv->ack_timeout ?:
			     (req->primary.local_ack_timeout ?: CMA_QP_TIMEOUT));
	if (ret) {
		ib_send_cm_rej(priv->cm_id, IB_CM_REJ_NO_QP, NULL, 0);
		priv->state = CMA_DEAD;
		return ret;
	}
	rep.local_qpn = id->qp->qp_num;
	rep.starting_psn = priv->id.psn;
	rep.rnr_retry_count = param->rnr_retry_count;
	rep.target_ack_delay = 0;
	if (param->private_data_len)
		memcpy(rep.private_data, param->private_data,
		       param->private_data_len);
	priv->state = CMA_ACCEPTED;
	ret = ib_send_cm_rep(priv->cm_id, &rep);
	if (ret)
		priv->state = CMA_DEAD;
	return ret;
}

int rdma_reject(struct rdma_cm_id *id, const void *private_data, u8 len)
{
	struct rdma_id_priv *priv = to_id_priv(id);

	if (priv->state != CMA_REQ_RCVD)
		return -EINVAL;
	priv->state = CMA_DEAD;
	return ib_send_cm_rej(priv->cm_id, IB_CM_REJ_CONSUMER_DEFINED,
			      private_data, len);
}

int rdma_disconnect(struct rdma_cm_id *id)
{
	struct rdma_id_priv *priv = to_id_priv(id);

	if (priv->state != CMA_ESTABLISHED && priv->state != CMA_ACCEPTED)
		return -EINVAL;
	cma_qp_error(priv);
	priv->state = CMA_DISCONNECT;
	return ib_send_cm_dreq(priv->cm_id);
}

/* ------------------------------------------------------------- setup */

int rdma_cm_init(void)
{
	struct rxe_dev *rxe = rxe_net_dev();
	int ret;

	if (!rxe)
		return -ENODEV;
	ret = ib_cm_init(&rxe->ib);
	if (ret) {
		pr_err("rdma_cm: no CM on %s (%d)\n", rxe->ib.name, ret);
		return ret;
	}
	cma.ip = rxe->ip;
	cma.next_port = (u16)cma_random();
	cma.dev = &rxe->ib;
	return 0;
}

void rdma_cm_dump_counters(void)
{
	ib_cm_dump_counters();
	pr_info("rdma_cm: bad_cma_hdr %llu bad_gid %llu bad_param %llu\n",
		cma.bad_cma_hdr, cma.bad_gid, cma.bad_param);
}
