/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The verbs core: the device registry, object lifetime (the core
 * allocates each object at the provider's size and keeps use counts so
 * a PD or CQ in use cannot go away), argument checks common to every
 * provider, and the QP state machine of IBA 10.3 (which transitions are
 * legal, which attributes each one requires or allows).  Providers
 * (rxe, later mlx4) implement struct ib_device_ops and see only checked
 * requests.  API: <tessera/rdma/verbs.h>.
 *
 * Locking: ib_devices_lock protects the device list.  Use counts are
 * updated under it too (object creation is not a fast path); posting
 * and polling go straight to the provider.
 */
#include <tessera/errno.h>
#include <tessera/printk.h>
#include <tessera/rdma/verbs.h>
#include <tessera/slab.h>
#include <tessera/spinlock.h>
#include <tessera/string.h>

static LIST_HEAD(ib_devices);
static DEFINE_SPINLOCK(ib_devices_lock);

void ib_gid_from_ipv4(union ib_gid *gid, u32 ip)
{
	memset(gid, 0, sizeof(*gid));
	gid->raw[10] = 0xff;
	gid->raw[11] = 0xff;
	gid->raw[12] = ip >> 24;
	gid->raw[13] = ip >> 16;
	gid->raw[14] = ip >> 8;
	gid->raw[15] = ip;
}

bool ib_gid_to_ipv4(const union ib_gid *gid, u32 *ip)
{
	for (int i = 0; i < 10; i++)
		if (gid->raw[i])
			return false;
	if (gid->raw[10] != 0xff || gid->raw[11] != 0xff)
		return false;
	*ip = (u32)gid->raw[12] << 24 | (u32)gid->raw[13] << 16 |
	      (u32)gid->raw[14] << 8 | gid->raw[15];
	return true;
}

const char *ib_wc_status_msg(enum ib_wc_status status)
{
	static const char *const msg[] = {
		[IB_WC_SUCCESS] = "success",
		[IB_WC_LOC_LEN_ERR] = "local length error",
		[IB_WC_LOC_QP_OP_ERR] = "local QP operation error",
		[IB_WC_LOC_EEC_OP_ERR] = "local EE context operation error",
		[IB_WC_LOC_PROT_ERR] = "local protection error",
		[IB_WC_WR_FLUSH_ERR] = "WR flushed",
		[IB_WC_MW_BIND_ERR] = "memory window bind error",
		[IB_WC_BAD_RESP_ERR] = "bad response error",
		[IB_WC_LOC_ACCESS_ERR] = "local access error",
		[IB_WC_REM_INV_REQ_ERR] = "remote invalid request error",
		[IB_WC_REM_ACCESS_ERR] = "remote access error",
		[IB_WC_REM_OP_ERR] = "remote operation error",
		[IB_WC_RETRY_EXC_ERR] = "transport retry counter exceeded",
		[IB_WC_RNR_RETRY_EXC_ERR] = "RNR retry counter exceeded",
		[IB_WC_LOC_RDD_VIOL_ERR] = "local RDD violation error",
		[IB_WC_REM_INV_RD_REQ_ERR] = "remote invalid RD request",
		[IB_WC_REM_ABORT_ERR] = "operation aborted",
		[IB_WC_INV_EECN_ERR] = "invalid EE context number",
		[IB_WC_INV_EEC_STATE_ERR] = "invalid EE context state",
		[IB_WC_FATAL_ERR] = "fatal error",
		[IB_WC_RESP_TIMEOUT_ERR] = "response timeout error",
		[IB_WC_GENERAL_ERR] = "general error",
	};

	if ((unsigned int)status < ARRAY_SIZE(msg) && msg[status])
		return msg[status];
	return "unknown";
}

/* ------------------------------------------------------------ devices */

int ib_register_device(struct ib_device *dev)
{
	struct ib_device *d;
	unsigned long flags;
	int ret = 0;

	spin_lock_irqsave(&ib_devices_lock, flags);
	list_for_each_entry(d, &ib_devices, list)
		if (!strcmp(d->name, dev->name))
			ret = -EEXIST;
	if (!ret)
		list_add_tail(&dev->list, &ib_devices);
	spin_unlock_irqrestore(&ib_devices_lock, flags);
	return ret;
}

void ib_unregister_device(struct ib_device *dev)
{
	unsigned long flags;

	spin_lock_irqsave(&ib_devices_lock, flags);
	list_del(&dev->list);
	spin_unlock_irqrestore(&ib_devices_lock, flags);
}

struct ib_device *ib_device_get_by_name(const char *name)
{
	struct ib_device *d, *found = NULL;
	unsigned long flags;

	spin_lock_irqsave(&ib_devices_lock, flags);
	list_for_each_entry(d, &ib_devices, list)
		if (!strcmp(d->name, name))
			found = d;
	spin_unlock_irqrestore(&ib_devices_lock, flags);
	return found;
}

struct ib_device *ib_device_get(int index)
{
	struct ib_device *d, *found = NULL;
	unsigned long flags;

	spin_lock_irqsave(&ib_devices_lock, flags);
	list_for_each_entry(d, &ib_devices, list)
		if (index-- == 0) {
			found = d;
			break;
		}
	spin_unlock_irqrestore(&ib_devices_lock, flags);
	return found;
}

static void use_get(int *count)
{
	unsigned long flags;

	spin_lock_irqsave(&ib_devices_lock, flags);
	(*count)++;
	spin_unlock_irqrestore(&ib_devices_lock, flags);
}

static void use_put(int *count)
{
	unsigned long flags;

	spin_lock_irqsave(&ib_devices_lock, flags);
	(*count)--;
	spin_unlock_irqrestore(&ib_devices_lock, flags);
}

/* ---------------------------------------------------------- PD and MR */

struct ib_pd *ib_alloc_pd(struct ib_device *dev)
{
	struct ib_pd *pd = kzalloc(dev->ops->size_pd, GFP_KERNEL);
	int ret;

	if (!pd)
		return ERR_PTR(-ENOMEM);
	pd->device = dev;
	ret = dev->ops->alloc_pd(pd);
	if (ret) {
		kfree(pd);
		return ERR_PTR(ret);
	}
	return pd;
}

int ib_dealloc_pd(struct ib_pd *pd)
{
	if (READ_ONCE(pd->usecnt))
		return -EBUSY;
	pd->device->ops->dealloc_pd(pd);
	kfree(pd);
	return 0;
}

struct ib_mr *ib_reg_mr(struct ib_pd *pd, void *addr, u64 len, int access)
{
	struct ib_device *dev = pd->device;
	struct ib_mr *mr;
	int ret;

	if (access & ~(IB_ACCESS_LOCAL_WRITE | IB_ACCESS_REMOTE_WRITE |
		       IB_ACCESS_REMOTE_READ))
		return ERR_PTR(-EINVAL);
	/* IBA 10.6.3.1: remote write requires local write. */
	if (access & IB_ACCESS_REMOTE_WRITE && !(access & IB_ACCESS_LOCAL_WRITE))
		return ERR_PTR(-EINVAL);
	if ((uintptr_t)addr + len < (uintptr_t)addr)
		return ERR_PTR(-EINVAL);
	mr = kzalloc(dev->ops->size_mr, GFP_KERNEL);
	if (!mr)
		return ERR_PTR(-ENOMEM);
	mr->device = dev;
	mr->pd = pd;
	mr->iova = (uintptr_t)addr;
	mr->length = len;
	mr->access = access;
	ret = dev->ops->reg_mr(mr);
	if (ret) {
		kfree(mr);
		return ERR_PTR(ret);
	}
	use_get(&pd->usecnt);
	return mr;
}

int ib_dereg_mr(struct ib_mr *mr)
{
	struct ib_pd *pd = mr->pd;

	mr->device->ops->dereg_mr(mr);
	use_put(&pd->usecnt);
	kfree(mr);
	return 0;
}

/* ----------------------------------------------------------------- CQ */

struct ib_cq *ib_create_cq(struct ib_device *dev, int cqe,
			   ib_comp_handler handler, void *cq_context)
{
	struct ib_cq *cq;
	int ret;

	if (cqe < 1 || cqe > (int)dev->attrs.max_cqe)
		return ERR_PTR(-EINVAL);
	cq = kzalloc(dev->ops->size_cq, GFP_KERNEL);
	if (!cq)
		return ERR_PTR(-ENOMEM);
	cq->device = dev;
	cq->comp_handler = handler;
	cq->cq_context = cq_context;
	cq->cqe = cqe;
	ret = dev->ops->create_cq(cq);
	if (ret) {
		kfree(cq);
		return ERR_PTR(ret);
	}
	return cq;
}

int ib_destroy_cq(struct ib_cq *cq)
{
	if (READ_ONCE(cq->usecnt))
		return -EBUSY;
	cq->device->ops->destroy_cq(cq);
	kfree(cq);
	return 0;
}

int ib_poll_cq(struct ib_cq *cq, int nr, struct ib_wc *wc)
{
	return cq->device->ops->poll_cq(cq, nr, wc);
}

int ib_req_notify_cq(struct ib_cq *cq, enum ib_cq_notify_flags flags)
{
	if (!(flags & IB_CQ_SOLICITED_MASK))
		return -EINVAL;
	return cq->device->ops->req_notify_cq(cq, flags);
}

/* ----------------------------------------------------------------- QP */

struct qp_transition {
	bool valid;
	int req[3];	/* by enum ib_qp_type */
	int opt[3];
};

#define ALL3(x)	{ x, x, x }
#define UD_OPT	(IB_QP_PKEY_INDEX | IB_QP_QKEY)
#define RC_RTR_OPT (IB_QP_ACCESS_FLAGS | IB_QP_PKEY_INDEX | \
		    IB_QP_MAX_DEST_RD_ATOMIC | IB_QP_MIN_RNR_TIMER)
#define RC_RTS_OPT (IB_QP_TIMEOUT | IB_QP_RETRY_CNT | IB_QP_RNR_RETRY | \
		    IB_QP_MAX_QP_RD_ATOMIC | IB_QP_ACCESS_FLAGS | \
		    IB_QP_MIN_RNR_TIMER)

/*
 * IBA 10.3.1 with Tessera's defaults: the attributes Linux makes
 * mandatory but that have sensible defaults (port, P_Key index, access
 * flags at INIT; timeouts and retry counts at RTS) are optional here.
 */
static const struct qp_transition qp_table[IB_QPS_ERR + 1][IB_QPS_ERR + 1] = {
	[IB_QPS_RESET] = {
		[IB_QPS_RESET] = { .valid = true },
		[IB_QPS_INIT] = {
			.valid = true,
			.opt = {
				[IB_QPT_RC] = IB_QP_PKEY_INDEX | IB_QP_PORT |
					      IB_QP_ACCESS_FLAGS,
				[IB_QPT_UD] = IB_QP_PKEY_INDEX | IB_QP_PORT |
					      IB_QP_QKEY,
				[IB_QPT_GSI] = IB_QP_PKEY_INDEX | IB_QP_PORT |
					       IB_QP_QKEY,
			},
		},
	},
	[IB_QPS_INIT] = {
		[IB_QPS_INIT] = {
			.valid = true,
			.opt = {
				[IB_QPT_RC] = IB_QP_PKEY_INDEX | IB_QP_PORT |
					      IB_QP_ACCESS_FLAGS,
				[IB_QPT_UD] = UD_OPT | IB_QP_PORT,
				[IB_QPT_GSI] = UD_OPT | IB_QP_PORT,
			},
		},
		[IB_QPS_RTR] = {
			.valid = true,
			.req = {
				[IB_QPT_RC] = IB_QP_AV | IB_QP_PATH_MTU |
					      IB_QP_DEST_QPN | IB_QP_RQ_PSN,
			},
			.opt = {
				[IB_QPT_RC] = RC_RTR_OPT,
				[IB_QPT_UD] = UD_OPT,
				[IB_QPT_GSI] = UD_OPT,
			},
		},
	},
	[IB_QPS_RTR] = {
		[IB_QPS_RTS] = {
			.valid = true,
			.req = ALL3(IB_QP_SQ_PSN),
			.opt = {
				[IB_QPT_RC] = RC_RTS_OPT,
				[IB_QPT_UD] = IB_QP_QKEY,
				[IB_QPT_GSI] = IB_QP_QKEY,
			},
		},
	},
	[IB_QPS_RTS] = {
		[IB_QPS_RTS] = {
			.valid = true,
			.opt = {
				[IB_QPT_RC] = IB_QP_ACCESS_FLAGS |
					      IB_QP_MIN_RNR_TIMER,
				[IB_QPT_UD] = IB_QP_QKEY,
				[IB_QPT_GSI] = IB_QP_QKEY,
			},
		},
	},
};

bool ib_modify_qp_is_ok(enum ib_qp_state cur, enum ib_qp_state next,
			enum ib_qp_type type, int mask)
{
	const struct qp_transition *t;
	int extra;

	if (cur > IB_QPS_ERR || next > IB_QPS_ERR || type > IB_QPT_GSI)
		return false;
	mask &= ~IB_QP_CUR_STATE;
	/* Any state may go to RESET or ERR with nothing else. */
	if ((next == IB_QPS_RESET || next == IB_QPS_ERR) &&
	    (mask & IB_QP_STATE))
		return (mask & ~IB_QP_STATE) == 0;
	t = &qp_table[cur][next];
	if (!t->valid)
		return false;
	if ((mask & t->req[type]) != t->req[type])
		return false;
	extra = mask & ~(t->req[type] | t->opt[type] | IB_QP_STATE);
	return extra == 0;
}

struct ib_qp *ib_create_qp(struct ib_pd *pd, struct ib_qp_init_attr *init)
{
	struct ib_device *dev = pd->device;
	struct ib_qp *qp;
	int ret;

	if (!init->send_cq || !init->recv_cq || init->qp_type > IB_QPT_GSI ||
	    init->send_cq->device != dev || init->recv_cq->device != dev)
		return ERR_PTR(-EINVAL);
	qp = kzalloc(dev->ops->size_qp, GFP_KERNEL);
	if (!qp)
		return ERR_PTR(-ENOMEM);
	qp->device = dev;
	qp->pd = pd;
	qp->send_cq = init->send_cq;
	qp->recv_cq = init->recv_cq;
	qp->qp_context = init->qp_context;
	qp->qp_type = init->qp_type;
	qp->state = IB_QPS_RESET;
	ret = dev->ops->create_qp(qp, init);
	if (ret) {
		kfree(qp);
		return ERR_PTR(ret);
	}
	use_get(&pd->usecnt);
	use_get(&qp->send_cq->usecnt);
	use_get(&qp->recv_cq->usecnt);
	return qp;
}

int ib_query_qp(struct ib_qp *qp, struct ib_qp_attr *attr)
{
	return qp->device->ops->query_qp(qp, attr);
}

int ib_modify_qp(struct ib_qp *qp, struct ib_qp_attr *attr, int mask)
{
	struct ib_qp_attr cur;
	enum ib_qp_state next;
	int ret;

	ret = ib_query_qp(qp, &cur);
	if (ret)
		return ret;
	next = mask & IB_QP_STATE ? attr->qp_state : cur.qp_state;
	if (!ib_modify_qp_is_ok(cur.qp_state, next, qp->qp_type, mask))
		return -EINVAL;
	ret = qp->device->ops->modify_qp(qp, attr, mask);
	if (!ret)
		qp->state = next;
	return ret;
}

int ib_destroy_qp(struct ib_qp *qp)
{
	qp->device->ops->destroy_qp(qp);
	use_put(&qp->pd->usecnt);
	use_put(&qp->send_cq->usecnt);
	use_put(&qp->recv_cq->usecnt);
	kfree(qp);
	return 0;
}

int ib_post_send(struct ib_qp *qp, const struct ib_send_wr *wr,
		 const struct ib_send_wr **bad_wr)
{
	return qp->device->ops->post_send(qp, wr, bad_wr);
}

int ib_post_recv(struct ib_qp *qp, const struct ib_recv_wr *wr,
		 const struct ib_recv_wr **bad_wr)
{
	return qp->device->ops->post_recv(qp, wr, bad_wr);
}

/* ----------------------------------------------------------------- AH */

struct ib_ah *ib_create_ah(struct ib_pd *pd, const struct rdma_ah_attr *attr)
{
	struct ib_ah *ah;
	u32 ip;

	if (!ib_gid_to_ipv4(&attr->dgid, &ip))
		return ERR_PTR(-EINVAL);
	ah = kzalloc(sizeof(*ah), GFP_KERNEL);
	if (!ah)
		return ERR_PTR(-ENOMEM);
	ah->pd = pd;
	ah->attr = *attr;
	use_get(&pd->usecnt);
	return ah;
}

int ib_destroy_ah(struct ib_ah *ah)
{
	use_put(&ah->pd->usecnt);
	kfree(ah);
	return 0;
}
