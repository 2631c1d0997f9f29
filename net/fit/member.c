/* SPDX-License-Identifier: GPL-2.0 */
/*
 * FIT membership: who the peers are, whether they are alive, and the
 * RDMA-CM connections to them.
 *
 *  - Discovery: every node broadcasts a struct fit_member_msg on UDP
 *    FIT_UDP_PORT every fit.hb_ms (ANNOUNCE until its cluster is
 *    complete, HEARTBEAT after).  With fit.peers=ID@IP,... the list is
 *    fixed, datagrams go to those addresses only and others are ignored.
 *  - Connections: every node listens on FIT_CM_PORT; of two nodes the one
 *    with the lower id connects (one QP per pair, never two).  REQ and
 *    REP carry a struct fit_cm_private (node id, role, boot epoch, ring
 *    geometry, mailbox and region keys).  A REQ from a node replaces any
 *    connection we still hold to it.  Under a cluster key REQ and REP
 *    carry a MAC, and the RTU, DREQ and DREP a struct fit_cm_seal that
 *    the CM has FIT check before it acts on them (fit_cm_auth).
 *  - Liveness: a peer not heard for fit.dead_ms is declared dead: its
 *    pending calls fail with -EHOSTDOWN and its QP is torn down.  A peer
 *    heard again (same boot, or a new epoch after a reboot) is connected
 *    again.  A heartbeat also lists the peers its sender is connected
 *    to, so a node whose connection the other side dropped reconnects.
 *  - Completion: once the connected nodes (and this one) make the
 *    cluster of fit.expect=, one line "cluster ready: processor0
 *    memory1 storage2" is printed (once per boot).
 *  - Roles: fit_node_with_role() names the lowest node alive with a
 *    role; fit_wait_node_with_role() sleeps until there is one (woken
 *    when the set of connected peers changes).
 *
 * Every decision runs in one thread (fit_member); the UDP handler and the
 * CM event handler only record what they saw and wake it.
 * fit_member_lock (a leaf) protects fit_members[] and the accept queue.
 */
#include "conn.h"
#include "member_msg.h"

#include <fit/fit.h>
#include <tessera/errno.h>
#include <tessera/inet.h>
#include <tessera/kernel.h>
#include <tessera/kthread.h>
#include <tessera/lockdep.h>
#include <tessera/mutex.h>
#include <tessera/net.h>
#include <tessera/netdev.h>
#include <tessera/node.h>
#include <tessera/panic.h>
#include <tessera/params.h>
#include <tessera/printk.h>
#include <tessera/rdma/cm.h>
#include <tessera/rdma/rdma_cm.h>
#include <tessera/sched.h>
#include <tessera/spinlock.h>
#include <tessera/string.h>
#include <tessera/time.h>
#include <tessera/timer.h>
#include <tessera/udp.h>
#include <tessera/wait.h>
#include <asm/portio.h>

static char fit_expect_spec[32];
PARAM_STRING("fit.expect", fit_expect_spec,
	     "FIT: the complete cluster, nPnMnS (1P1M1S) or a node count; empty accepts anyone");
static char fit_peers_spec[512];
PARAM_STRING("fit.peers", fit_peers_spec,
	     "FIT: static member list ID@A.B.C.D,... instead of discovery");
static unsigned int fit_hb_ms = 200;
PARAM_UINT("fit.hb_ms", fit_hb_ms, 20, 10000,
	   "FIT: announce/heartbeat period in ms");
static unsigned int fit_dead_ms = 3000;
PARAM_UINT("fit.dead_ms", fit_dead_ms, 100, 600000,
	   "FIT: a peer silent this long (ms) is declared dead");
static char fit_key_spec[2 * FIT_KEY_MAX_BYTES + 1];
PARAM_STRING("fit.key", fit_key_spec,
	     "FIT: cluster key, 32-64 hex digits; membership datagrams and the CM handshake carry an HMAC-SHA256 under it");
static unsigned int fit_stats_ms;
PARAM_UINT("fit.stats_ms", fit_stats_ms, 0, 3600000,
	   "FIT: print the counters every N ms (0: at shutdown only)");

/*
 * QP ACK timeout (IBA encoding): 4.096 us * 2^18 = 1.07 s, times 7
 * retries.  Three VMs share two host cores here, and a VM can lose the
 * CPU for a good part of a second; dead peers are the heartbeats' job
 * (fit.dead_ms), not the transport's.
 */
#define FIT_QP_ACK_TIMEOUT	18

#define FIT_CONNECT_TIMEOUT_MS	3000
#define FIT_RETRY_MS		500
#define FIT_ACCEPT_QUEUE	16

struct fit_member {
	bool known;		/* heard from, or in fit.peers */
	bool listed;		/* in fit.peers */
	bool dead;		/* declared dead, not heard since */
	bool left;		/* said it leaves: for the member thread */
	bool was_up;		/* connection reported up (for the log) */
	u8 role;		/* enum fit_role_wire; 0 until known */
	u32 ip;			/* host order */
	u64 epoch;		/* 0 until heard */
	u64 last_heard;		/* jiffies */
	u64 up_mask;		/* from its last datagram */
	u64 mask_time;		/* jiffies of that datagram */
	unsigned int missing_us;	/* datagrams in a row without us */
	u64 next_connect;	/* jiffies */
	u64 seq;		/* with a key: highest seq accepted */
	u64 debug_reset_at;	/* fit.debug_reset_ms: jiffies, 0 unset */
	/* With a key: the MAC of the last CM REQ queued from it. */
	u8 req_mac[FIT_CM_MAC_BYTES];
};

struct fit_accept {
	struct rdma_cm_id *id;
	struct fit_cm_info info;
	u8 req_mac[FIT_CM_MAC_BYTES];	/* the REP's MAC covers it */
};

static DEFINE_SPINLOCK(fit_member_lock);
static struct fit_member fit_members[FIT_MAX_NODES];	/* under lock */
static struct fit_accept fit_acceptq[FIT_ACCEPT_QUEUE];	/* under lock */
static unsigned int fit_nr_accept;			/* under lock */
static struct fit_expect fit_expected;
static bool fit_static;
static bool fit_cluster_announced;
static struct rdma_cm_id *fit_listen_id;
static struct task *fit_member_task;
static u64 fit_member_pass;			/* jiffies: its last pass */
static unsigned long long fit_member_stalls;	/* UDP receive thread */
static unsigned long long fit_blind_passes;	/* member thread */
static DECLARE_WAIT_QUEUE_HEAD(fit_member_wq);
static bool fit_member_kicked;
static unsigned long long fit_bad_datagrams, fit_bad_cm, fit_rejoins;
static unsigned long long fit_spoofed_datagrams, fit_bad_mac;
static unsigned long long fit_replayed;
static unsigned long long fit_spoofed_cm;	/* CM thread only */
static bool fit_spoofed_cm_logged;
/*
 * CM thread only: REQs/REPs/RTUs/DREQs/DREPs without a valid MAC, REQs
 * seen before.
 */
static unsigned long long fit_unauth_cm, fit_replayed_cm;
/*
 * Per peer, the MAC of the REQ that opened the connection we hold to it
 * (ours on the active side, the peer's on the passive side): written by
 * the member thread while that connection is IDLE, before its CM id
 * exists (active) or is accepted (passive); read by the CM thread.
 */
static u8 fit_req_mac[FIT_MAX_NODES][FIT_CM_MAC_BYTES];
static struct hmac_sha256_key fit_key;		/* set once at init */
static bool fit_keyed;
static u64 fit_seq;				/* member thread only */
static unsigned long long fit_deaths;

static unsigned int fit_debug_reset_ms;
PARAM_UINT("fit.debug_reset_ms", fit_debug_reset_ms, 0, 600000,
	   "debug: fail each established connection after it was up this long, to test what survives a lost connection (0: off)");
static unsigned long long fit_debug_resets;	/* member thread only */
static unsigned int fit_debug_stall_ms;
PARAM_UINT("fit.debug_stall_ms", fit_debug_stall_ms, 0, 60000,
	   "debug: once the cluster is ready, stop the membership thread this long (holding a mutex), to test its stall report (0: off)");

/* fit_wait_node_with_role() sleeps here. */
static DECLARE_WAIT_QUEUE_HEAD(fit_role_wq);
static u64 fit_role_mask;			/* member thread only */

static u8 fit_wire_role(enum node_role role)
{
	switch (role) {
	case ROLE_PROCESSOR:
		return FIT_ROLE_PROCESSOR;
	case ROLE_MEMORY:
		return FIT_ROLE_MEMORY;
	case ROLE_STORAGE:
		return FIT_ROLE_STORAGE;
	default:
		return 0;
	}
}

u8 fit_role_of_node(void)
{
	return fit_wire_role(node_role);
}

void fit_member_kick(void)
{
	WRITE_ONCE(fit_member_kicked, true);
	wake_up(&fit_member_wq);
}

/*
 * Bits for the boot epoch that differ between two boots of one VM: the
 * CMOS clock (wall time), since the TSC and ktime start from zero at
 * every boot under QEMU.
 */
static u64 fit_cmos_time(void)
{
	u64 v = 0;

	for (u8 reg = 0; reg <= 9; reg++) {
		outb(reg, 0x70);
		v = v * 61 + inb(0x71);
	}
	return v;
}

static unsigned int fit_cmos_read(u8 reg, bool bcd)
{
	u8 v;

	outb(reg, 0x70);
	v = inb(0x71);
	return bcd ? (v & 0x0f) + (v >> 4) * 10 : v;
}

/*
 * Wall-clock seconds since 1970 from the CMOS clock (century 20xx),
 * for sequence numbers that keep growing across reboots.
 */
static u64 fit_cmos_seconds(void)
{
	unsigned int sec, min, hour, day, mon, year, i;
	u8 status_b;
	bool bcd, pm;
	u64 days;

	/* Wait out an update in progress (at most about 2 ms). */
	for (i = 0; i < 100000; i++) {
		outb(0x0a, 0x70);
		if (!(inb(0x71) & 0x80))
			break;
	}
	outb(0x0b, 0x70);
	status_b = inb(0x71);
	bcd = !(status_b & 0x04);
	sec = fit_cmos_read(0, bcd);
	min = fit_cmos_read(2, bcd);
	outb(4, 0x70);
	hour = inb(0x71);
	pm = !(status_b & 0x02) && (hour & 0x80);
	hour &= 0x7f;
	if (bcd)
		hour = (hour & 0x0f) + (hour >> 4) * 10;
	if (!(status_b & 0x02))
		hour = hour % 12 + (pm ? 12 : 0);
	day = fit_cmos_read(7, bcd);
	mon = fit_cmos_read(8, bcd);
	year = 2000 + fit_cmos_read(9, bcd);
	if (mon < 1 || mon > 12)
		mon = 1;
	/* Days since 1970-01-01, with years starting in March. */
	if (mon <= 2) {
		year--;
		mon += 12;
	}
	days = 365ull * year + year / 4 - year / 100 + year / 400 +
	       (153 * (mon - 3) + 2) / 5 + day - 1 - 719468;
	return ((days * 24 + hour) * 60 + min) * 60 + sec;
}

/* ------------------------------------------------------------ datagrams */

static bool fit_member_up(u16 n)
{
	struct fit_conn *c = fit_conn_lookup(n);

	return c && !c->loopback && READ_ONCE(c->state) == FIT_CONN_UP;
}

static u64 fit_up_mask(void)
{
	u64 mask = 0;

	for (u16 n = 0; n < FIT_MAX_NODES; n++)
		if (n != node_id && fit_member_up(n))
			mask |= 1ull << n;
	return mask;
}

static void fit_send_datagram(u32 dst_ip, u16 dst_node, u16 opcode)
{
	struct net_iface *ifc = net_default_iface();
	struct fit_member_info info = { 0 };
	u8 d[FIT_MEMBER_AUTH_BYTES];
	struct kvec v = { d, 0 };

	if (!ifc || !ifc->dev)
		return;
	info.opcode = opcode;
	info.src_node = node_id;
	info.dst_node = dst_node;
	info.role = fit_role_of_node();
	info.ipv4 = ntohl(ifc->addr);
	info.epoch = fit_epoch;
	info.nr_expected = fit_expected.nr_nodes;
	info.ready = fit_cluster_announced;
	/* Leaving (a panic: other CPUs stopped), we list no one. */
	info.up_mask = opcode == FIT_OP_LEAVE ? 0 : fit_up_mask();
	info.seq = ++fit_seq;
	v.len = fit_member_build(&info, fit_keyed ? &fit_key : NULL, d);
	udp_sendv(ifc->dev, htonl(dst_ip), FIT_UDP_PORT, FIT_UDP_PORT, &v, 1);
}

static void fit_announce(void)
{
	u16 op = fit_cluster_announced ? FIT_OP_HEARTBEAT : FIT_OP_ANNOUNCE;

	if (!fit_static) {
		/* Broadcast: the destination node is "anyone" (us). */
		fit_send_datagram(0xffffffffu, node_id, op);
		return;
	}
	for (u16 n = 0; n < FIT_MAX_NODES; n++) {
		unsigned long flags;
		bool listed;
		u32 ip;

		spin_lock_irqsave(&fit_member_lock, flags);
		listed = fit_members[n].listed;
		ip = fit_members[n].ip;
		spin_unlock_irqrestore(&fit_member_lock, flags);
		if (listed && n != node_id)
			fit_send_datagram(ip, n, op);
	}
}

/*
 * Count a datagram we refuse; log the first of each kind (the counters
 * in fit_member_dump() tell how many followed).
 */
static void fit_datagram_refused(unsigned long long *counter, bool *logged,
				 u32 src_ip, const char *what, const char *why)
{
	(*counter)++;
	if (*logged)
		return;
	*logged = true;
	pr_warn("fit: membership datagram from %u.%u.%u.%u refused: %s (%s); further ones only counted\n",
		src_ip >> 24, (src_ip >> 16) & 0xff, (src_ip >> 8) & 0xff,
		src_ip & 0xff, what, why ? why : "?");
}

/*
 * The member thread sends our heartbeats: when it stops making passes,
 * the peers declare this node dead while it still hears them.  The UDP
 * receive thread (a datagram arrives every fit.hb_ms from each peer)
 * notices a pass older than half of fit.dead_ms and shows, once per
 * stall, where the member thread is and which locks it holds.
 */
static void fit_member_stall_check(void)
{
	static u64 reported;		/* the pass already reported */
	struct task *t = READ_ONCE(fit_member_task);
	u64 pass = READ_ONCE(fit_member_pass);
	u64 limit = msecs_to_jiffies(fit_dead_ms / 2);

	if (IS_ERR_OR_NULL(t) || !pass || pass == reported ||
	    (s64)(jiffies - pass) <= (s64)limit)
		return;
	reported = pass;
	fit_member_stalls++;
	pr_warn("fit: membership thread made no pass for %u ms: our heartbeats have stopped; it is in state %ld:\n",
		(unsigned int)jiffies_to_msecs(jiffies - pass),
		READ_ONCE(t->state));
	show_task_stack(t);
	lockdep_print_held_locks_of(t);
	timers_show();
}

/* UDP receive thread: record what the datagram says, wake the thread. */
static void fit_udp_rx(const struct udp_rx *pkt)
{
	static bool logged_bad, logged_spoofed, logged_self, logged_mac;
	static bool logged_replay;
	struct fit_member_info in;
	u32 src_ip = ntohl(pkt->saddr);
	struct fit_member *m;
	const char *why = NULL;
	unsigned long flags;
	bool wake = false;
	int ret;

	fit_member_stall_check();
	ret = fit_member_parse(pkt->data, pkt->len, src_ip, node_id,
			       fit_keyed ? &fit_key : NULL, &in, &why);
	if (ret == -EBADMSG) {
		fit_datagram_refused(&fit_bad_mac, &logged_mac, src_ip,
				     "not authenticated", why);
		return;
	}
	if (ret == -EACCES) {
		fit_datagram_refused(&fit_spoofed_datagrams, &logged_spoofed,
				     src_ip, "address not its source", why);
		return;
	}
	if (ret) {
		fit_datagram_refused(&fit_bad_datagrams, &logged_bad, src_ip,
				     "malformed", why);
		return;
	}
	if (in.src_node == node_id) {
		/* Our own broadcast comes back; anyone else is an impostor. */
		if (in.epoch != fit_epoch)
			fit_datagram_refused(&fit_spoofed_datagrams,
					     &logged_self, src_ip,
					     "claims our node id", "node id");
		return;
	}

	spin_lock_irqsave(&fit_member_lock, flags);
	m = &fit_members[in.src_node];
	if (fit_static && !m->listed)
		goto out;
	if (fit_static && m->ip != in.ipv4) {
		spin_unlock_irqrestore(&fit_member_lock, flags);
		fit_datagram_refused(&fit_spoofed_datagrams, &logged_spoofed,
				     src_ip, "address not its source",
				     "not the address in fit.peers=");
		return;
	}
	if (fit_keyed && in.seq <= m->seq) {
		spin_unlock_irqrestore(&fit_member_lock, flags);
		fit_datagram_refused(&fit_replayed, &logged_replay, src_ip,
				     "replayed", "old sequence number");
		return;
	}
	m->seq = in.seq;
	if (in.opcode == FIT_OP_LEAVE) {
		/* Only the boot we know may say it leaves. */
		if (m->known && !m->dead && m->epoch == in.epoch) {
			m->dead = true;
			m->left = true;
			wake = true;
		}
		goto out;
	}
	if (!m->known || m->epoch != in.epoch || m->dead ||
	    m->ip != in.ipv4 || m->role != in.role)
		wake = true;
	m->known = true;
	m->dead = false;
	m->role = in.role;
	m->ip = in.ipv4;
	m->epoch = in.epoch;
	m->last_heard = jiffies;
	m->up_mask = in.up_mask;
	m->mask_time = jiffies;
	if (in.up_mask & (1ull << node_id))
		m->missing_us = 0;
	else if (m->missing_us < 100)
		m->missing_us++;
out:
	spin_unlock_irqrestore(&fit_member_lock, flags);
	if (wake)
		fit_member_kick();
}

/* ------------------------------------------------------------ the CM */

/*
 * Count a CM message we refuse; log the first of each kind (CM thread).
 */
static void fit_cm_refused(unsigned long long *counter, bool *logged,
			   const char *what, u32 ip, const char *why)
{
	(*counter)++;
	if (*logged)
		return;
	*logged = true;
	pr_warn("fit: CM %s from %u.%u.%u.%u refused: %s; further ones only counted\n",
		what, ip >> 24, (ip >> 16) & 0xff, (ip >> 8) & 0xff, ip & 0xff,
		why);
}

static int fit_cm_handler(struct rdma_cm_id *id, const struct rdma_cm_event *ev)
{
	static bool logged_mac, logged_replay;
	struct fit_conn *c = id->context;
	struct fit_cm_bind bind;
	const u8 *mac;
	struct fit_cm_info info;
	unsigned long flags;
	u32 known_ip = 0;
	int ret = 0;

	switch (ev->event) {
	case RDMA_CM_EVENT_CONNECT_REQUEST:
		bind = (struct fit_cm_bind){
			.src_ip = id->remote_ip, .dst_ip = id->local_ip,
			.qpn = ev->qpn, .psn = ev->psn,
		};
		if (fit_cm_mac_check(fit_keyed ? &fit_key : NULL,
				     ev->private_data, ev->private_data_len,
				     &bind)) {
			fit_bad_cm++;
			fit_cm_refused(&fit_unauth_cm, &logged_mac, "request",
				       id->remote_ip, "no valid MAC");
			return -EACCES;
		}
		/* Only a lower id connects to us, and only to us. */
		if (fit_cm_private_unpack(ev->private_data,
					  ev->private_data_len, &info) ||
		    info.dst_node != node_id || info.node >= node_id) {
			fit_bad_cm++;
			return -EPROTO;
		}
		mac = ((const struct fit_cm_private *)ev->private_data)->mac;
		spin_lock_irqsave(&fit_member_lock, flags);
		if (fit_static && !fit_members[info.node].listed) {
			ret = -EPERM;
		} else if (fit_keyed &&
			   !memcmp(fit_members[info.node].req_mac, mac,
				   FIT_CM_MAC_BYTES)) {
			/* Its MAC covers its QPN and PSN: not a new one. */
			ret = -EALREADY;
		} else if (fit_members[info.node].ip &&
			   fit_members[info.node].ip != id->remote_ip) {
			/*
			 * A node's address is the one its datagrams came
			 * from (or fit.peers= lists): a REQ in its name from
			 * elsewhere would tear down its connection and put
			 * the sender in its place.
			 */
			ret = -EACCES;
			known_ip = fit_members[info.node].ip;
		} else if (fit_nr_accept == FIT_ACCEPT_QUEUE) {
			ret = -EBUSY;
		} else {
			fit_acceptq[fit_nr_accept].id = id;
			fit_acceptq[fit_nr_accept].info = info;
			memcpy(fit_acceptq[fit_nr_accept].req_mac, mac,
			       FIT_CM_MAC_BYTES);
			memcpy(fit_members[info.node].req_mac, mac,
			       FIT_CM_MAC_BYTES);
			fit_nr_accept++;
		}
		spin_unlock_irqrestore(&fit_member_lock, flags);
		if (ret == -EALREADY) {
			fit_bad_cm++;
			fit_cm_refused(&fit_replayed_cm, &logged_replay,
				       "request", id->remote_ip,
				       "replayed: a request already taken");
		}
		if (ret == -EACCES) {
			fit_bad_cm++;
			fit_spoofed_cm++;
			if (!fit_spoofed_cm_logged) {
				fit_spoofed_cm_logged = true;
				pr_warn("fit: CM request for node %u from %u.%u.%u.%u refused: node %u is at %u.%u.%u.%u; further ones only counted\n",
					info.node, id->remote_ip >> 24,
					(id->remote_ip >> 16) & 0xff,
					(id->remote_ip >> 8) & 0xff,
					id->remote_ip & 0xff, info.node,
					known_ip >> 24, (known_ip >> 16) & 0xff,
					(known_ip >> 8) & 0xff, known_ip & 0xff);
			}
		}
		if (!ret)
			fit_member_kick();
		return ret;
	case RDMA_CM_EVENT_ESTABLISHED:
		if (!c || READ_ONCE(c->cm_id) != id)
			return 0;
		if (c->peer.node > node_id) {
			/* Active side: the REP carries the peer's half. */
			bind = (struct fit_cm_bind){
				.rep = true,
				.src_ip = id->remote_ip, .dst_ip = id->local_ip,
				.qpn = ev->qpn, .psn = ev->psn,
			};
			memcpy(bind.req_mac, fit_req_mac[c->peer.node],
			       FIT_CM_MAC_BYTES);
			if (fit_cm_mac_check(fit_keyed ? &fit_key : NULL,
					     ev->private_data,
					     ev->private_data_len, &bind)) {
				fit_bad_cm++;
				fit_cm_refused(&fit_unauth_cm, &logged_mac,
					       "reply", id->remote_ip,
					       "no valid MAC");
				fit_conn_fail(c, -EHOSTDOWN,
					      "unauthenticated REP");
				return 0;
			}
			if (fit_cm_private_unpack(ev->private_data,
						  ev->private_data_len,
						  &info) ||
			    info.node != c->peer.node ||
			    info.dst_node != node_id ||
			    fit_conn_set_remote(c, &info)) {
				fit_bad_cm++;
				fit_conn_fail(c, -EHOSTDOWN,
					      "bad REP private data");
				return 0;
			}
		}
		fit_conn_set_up(c);
		fit_member_kick();
		return 0;
	case RDMA_CM_EVENT_REJECTED:
	case RDMA_CM_EVENT_TIMEOUT:
	case RDMA_CM_EVENT_UNREACHABLE:
	case RDMA_CM_EVENT_DISCONNECTED:
		if (c && READ_ONCE(c->cm_id) == id)
			fit_conn_fail(c, -EHOSTDOWN, rdma_event_msg(ev->event));
		return 0;
	}
	return 0;
}

/*
 * The binding of a seal on @id's RTU, DREQ or DREP (@m), sent by us
 * (@sending) or received: false if @id is not the connection FIT holds
 * to its peer (nothing can be right for it).  Under the IB CM's lock.
 */
static bool fit_cm_seal_bind_of(struct rdma_cm_id *id,
				const struct rdma_cm_sealed *m, bool sending,
				struct fit_cm_seal_bind *b)
{
	static const u8 kinds[] = {
		[RDMA_CM_MSG_RTU] = FIT_CM_SEAL_RTU,
		[RDMA_CM_MSG_DREQ] = FIT_CM_SEAL_DREQ,
		[RDMA_CM_MSG_DREP] = FIT_CM_SEAL_DREP,
	};
	struct fit_conn *c = id->context;
	unsigned long flags;
	u64 peer_epoch;
	bool ours;
	u16 n;

	if (!c || c->loopback || (unsigned int)m->msg >= ARRAY_SIZE(kinds))
		return false;
	n = c->peer.node;
	spin_lock_irqsave(&c->peer.lock, flags);
	ours = c->cm_id == id;
	peer_epoch = c->peer_epoch;
	spin_unlock_irqrestore(&c->peer.lock, flags);
	if (!ours || n >= FIT_MAX_NODES)
		return false;
	if (sending && m->msg == RDMA_CM_MSG_RTU) {
		struct fit_cm_info info;

		/* Our RTU goes before FIT sees the REP: its epoch is here. */
		if (!m->rep_data ||
		    fit_cm_private_unpack(m->rep_data, m->rep_data_len,
					  &info) || info.node != n)
			return false;
		peer_epoch = info.epoch;
	}
	memset(b, 0, sizeof(*b));
	b->kind = kinds[m->msg];
	b->src_node = sending ? node_id : n;
	b->dst_node = sending ? n : node_id;
	b->src_epoch = sending ? fit_epoch : peer_epoch;
	b->dst_epoch = sending ? peer_epoch : fit_epoch;
	b->src_comm_id = m->src_comm_id;
	b->dst_comm_id = m->dst_comm_id;
	memcpy(b->req_mac, fit_req_mac[n], FIT_CM_MAC_BYTES);
	return true;
}

/*
 * The RTU, DREQ and DREP of our connections under the cluster key (the
 * IB CM calls these with its lock held; see rdma_cm.h).  One we cannot
 * bind goes without a seal: the peer refuses it, as it should.
 */
static void fit_cm_seal_out(struct rdma_cm_id *id,
			    const struct rdma_cm_sealed *m, u8 *pdata, u8 room)
{
	struct fit_cm_seal_bind b;

	if (room < sizeof(struct fit_cm_seal) ||
	    !fit_cm_seal_bind_of(id, m, true, &b))
		return;
	fit_cm_seal(&fit_key, &b, (struct fit_cm_seal *)pdata);
}

/* CM thread: a refused one changes nothing (the CM drops it). */
static int fit_cm_seal_in(struct rdma_cm_id *id,
			  const struct rdma_cm_sealed *m, const u8 *pdata,
			  u8 len)
{
	static const char *const what[] = {
		[RDMA_CM_MSG_RTU] = "RTU",
		[RDMA_CM_MSG_DREQ] = "DREQ",
		[RDMA_CM_MSG_DREP] = "DREP",
	};
	static bool logged[ARRAY_SIZE(what)];
	struct fit_cm_seal_bind b;

	if (fit_cm_seal_bind_of(id, m, false, &b) &&
	    !fit_cm_seal_check(&fit_key, pdata, len, &b))
		return 0;
	fit_cm_refused(&fit_unauth_cm, &logged[m->msg], what[m->msg],
		       id->remote_ip, "no valid MAC for this connection");
	return -EBADMSG;
}

static const struct rdma_cm_auth_ops fit_cm_auth = {
	.seal = fit_cm_seal_out,
	.verify = fit_cm_seal_in,
};

static void fit_fill_param(struct rdma_conn_param *p,
			   const struct fit_cm_private *priv)
{
	memset(p, 0, sizeof(*p));
	p->private_data = priv;
	p->private_data_len = sizeof(*priv);
	p->responder_resources = 4;
	p->initiator_depth = 4;
	p->retry_count = 7;
	p->rnr_retry_count = 7;
}

/* Active side: connect to @n at @ip. */
static void fit_connect_peer(u16 n, u32 ip)
{
	struct fit_conn *c = fit_conn_ensure(n);
	struct rdma_conn_param param;
	struct fit_cm_private priv;
	struct fit_cm_info local;
	struct rdma_cm_id *id;
	int ret;

	if (!c || c->state != FIT_CONN_IDLE)
		return;
	id = rdma_create_id(fit_cm_handler, c);
	if (IS_ERR(id))
		return;
	if (fit_keyed)
		rdma_set_auth(id, &fit_cm_auth);	/* new: cannot fail */
	ret = fit_conn_attach(c, id, &local);
	if (ret) {
		if (READ_ONCE(c->cm_id) == id)
			fit_conn_teardown(c);
		else
			rdma_destroy_id(id);
		return;
	}
	if (fit_cm_private_pack(&priv, &local)) {
		fit_conn_fail(c, -EHOSTDOWN, "private data does not fit");
		return;
	}
	if (fit_keyed) {
		struct fit_cm_bind b = {
			.src_ip = id->local_ip, .dst_ip = ip,
			.qpn = id->qp->qp_num, .psn = id->psn,
		};

		fit_cm_mac(&fit_key, &priv, &b, priv.mac);
	}
	memcpy(fit_req_mac[n], priv.mac, FIT_CM_MAC_BYTES);
	fit_fill_param(&param, &priv);
	rdma_set_ack_timeout(id, FIT_QP_ACK_TIMEOUT);
	ret = rdma_connect(id, ip, FIT_CM_PORT, &param,
			   FIT_CONNECT_TIMEOUT_MS);
	if (ret)
		fit_conn_fail(c, -EHOSTDOWN, "rdma_connect failed");
}

/* Passive side: accept @a (member thread). */
static void fit_accept_one(struct fit_accept *a)
{
	struct fit_cm_info *r = &a->info;
	struct rdma_conn_param param;
	struct fit_cm_private priv;
	struct fit_cm_info local;
	struct fit_member *m;
	unsigned long flags;
	struct fit_conn *c;

	spin_lock_irqsave(&fit_member_lock, flags);
	m = &fit_members[r->node];
	m->known = true;
	m->dead = false;
	m->role = r->role;
	if (!m->ip)	/* else checked against it at the REQ */
		m->ip = a->id->remote_ip;
	m->epoch = r->epoch;
	m->last_heard = jiffies;
	m->missing_us = 0;
	spin_unlock_irqrestore(&fit_member_lock, flags);

	c = fit_conn_ensure(r->node);
	if (!c)
		goto reject;
	/* A new REQ from that node: whatever we held is stale. */
	if (c->state != FIT_CONN_IDLE)
		fit_conn_teardown(c);
	/* The old id is gone: the CM thread reads this for the new one. */
	memcpy(fit_req_mac[r->node], a->req_mac, FIT_CM_MAC_BYTES);
	a->id->context = c;
	if (fit_conn_attach(c, a->id, &local)) {
		if (READ_ONCE(c->cm_id) == a->id) {
			rdma_reject(a->id, NULL, 0);
			fit_conn_teardown(c);
			return;
		}
		goto reject;
	}
	if (fit_conn_set_remote(c, r)) {
		rdma_reject(a->id, NULL, 0);
		fit_conn_teardown(c);
		return;
	}
	if (fit_cm_private_pack(&priv, &local)) {
		rdma_reject(a->id, NULL, 0);
		fit_conn_teardown(c);
		return;
	}
	if (fit_keyed) {
		struct fit_cm_bind b = {
			.rep = true,
			.src_ip = a->id->local_ip, .dst_ip = a->id->remote_ip,
			.qpn = a->id->qp->qp_num, .psn = a->id->psn,
		};

		memcpy(b.req_mac, a->req_mac, FIT_CM_MAC_BYTES);
		fit_cm_mac(&fit_key, &priv, &b, priv.mac);
	}
	fit_fill_param(&param, &priv);
	rdma_set_ack_timeout(a->id, FIT_QP_ACK_TIMEOUT);
	if (rdma_accept(a->id, &param))
		fit_conn_fail(c, -EHOSTDOWN, "rdma_accept failed");
	return;
reject:
	rdma_reject(a->id, NULL, 0);
	rdma_destroy_id(a->id);
}

static void fit_process_accepts(void)
{
	for (;;) {
		struct fit_accept a;
		unsigned long flags;
		bool any;

		spin_lock_irqsave(&fit_member_lock, flags);
		any = fit_nr_accept > 0;
		if (any) {
			a = fit_acceptq[0];
			fit_nr_accept--;
			memmove(fit_acceptq, fit_acceptq + 1,
				fit_nr_accept * sizeof(fit_acceptq[0]));
		}
		spin_unlock_irqrestore(&fit_member_lock, flags);
		if (!any)
			return;
		fit_accept_one(&a);
	}
}

/* ------------------------------------------------------------ decisions */

/* One peer: liveness, stale connections, (re)connecting. */
static void fit_member_check(u16 n, u64 now)
{
	u64 dead_j = msecs_to_jiffies(fit_dead_ms);
	/*
	 * How long a fresh connection may go unlisted by the peer: with
	 * lost frames its end of the CM handshake (REP/RTU retransmitted)
	 * can finish seconds after ours.
	 */
	u64 grace = msecs_to_jiffies(max_t(unsigned int, 4 * fit_hb_ms,
					   fit_dead_ms));
	struct fit_conn *c = fit_conn_lookup(n);
	struct fit_member m;
	bool declare_dead = false, drop = false, left;
	unsigned long flags;

	if (c && c->loopback)
		return;
	spin_lock_irqsave(&fit_member_lock, flags);
	/*
	 * Signed: a heartbeat taken after the caller read @now leaves
	 * last_heard ahead of it, and the unsigned difference would be
	 * huge (a node declared dead 8 ms after it was first heard).
	 */
	if (fit_members[n].known && !fit_members[n].dead &&
	    fit_members[n].epoch &&
	    (s64)(now - fit_members[n].last_heard) > (s64)dead_j) {
		fit_members[n].dead = true;
		declare_dead = true;
	}
	left = fit_members[n].left;
	fit_members[n].left = false;
	m = fit_members[n];
	spin_unlock_irqrestore(&fit_member_lock, flags);

	if (declare_dead) {
		fit_deaths++;
		pr_warn("fit: node %u silent for %u ms: declared dead\n", n,
			fit_dead_ms);
		if (c)
			fit_conn_fail(c, -EHOSTDOWN, "heartbeat lost");
	}
	if (left) {
		fit_deaths++;
		pr_warn("fit: node %u left the cluster (its kernel panicked)\n",
			n);
		if (c)
			fit_conn_fail(c, -EHOSTDOWN, "left the cluster");
	}
	if (c && c->state == FIT_CONN_UP) {
		if (m.epoch && c->peer_epoch != m.epoch) {
			pr_info("fit: node %u rebooted (epoch %llx -> %llx)\n",
				n, (unsigned long long)c->peer_epoch,
				(unsigned long long)m.epoch);
			drop = true;
		} else if (m.missing_us >= 2 && m.mask_time > c->up_since &&
			   m.mask_time - c->up_since > grace) {
			pr_info("fit: node %u no longer lists us: reconnecting\n",
				n);
			drop = true;
		}
		if (drop)
			fit_conn_fail(c, -EHOSTDOWN, "stale connection");
	}
	if (fit_debug_reset_ms && c && !c->loopback &&
	    c->state == FIT_CONN_UP) {
		u64 at;

		spin_lock_irqsave(&fit_member_lock, flags);
		at = fit_members[n].debug_reset_at;
		if (!at)
			fit_members[n].debug_reset_at = now +
				msecs_to_jiffies(fit_debug_reset_ms);
		else if (now >= at)
			fit_members[n].debug_reset_at = 0;
		spin_unlock_irqrestore(&fit_member_lock, flags);
		if (at && now >= at) {
			fit_debug_resets++;
			fit_conn_fail(c, -EHOSTDOWN,
				      "debug reset (fit.debug_reset_ms)");
		}
	}
	if (c && c->state == FIT_CONN_DEAD) {
		fit_conn_teardown(c);
		spin_lock_irqsave(&fit_member_lock, flags);
		fit_members[n].next_connect = jiffies +
					      msecs_to_jiffies(FIT_RETRY_MS);
		fit_members[n].missing_us = 0;
		spin_unlock_irqrestore(&fit_member_lock, flags);
		m.next_connect = ~0ull;
	}
	if (c && c->state == FIT_CONN_UP && !m.was_up) {
		spin_lock_irqsave(&fit_member_lock, flags);
		fit_members[n].was_up = true;
		spin_unlock_irqrestore(&fit_member_lock, flags);
		if (fit_cluster_announced)
			fit_rejoins++;
		pr_info("fit: connected to %s%u (%s)\n",
			fit_role_name(c->role), n,
			n > node_id ? "we connected" : "it connected");
	} else if ((!c || c->state != FIT_CONN_UP) && m.was_up) {
		spin_lock_irqsave(&fit_member_lock, flags);
		fit_members[n].was_up = false;
		spin_unlock_irqrestore(&fit_member_lock, flags);
	}
	/* The lower id connects; the higher waits for the REQ. */
	if (n > node_id && m.known && !m.dead && m.ip &&
	    (m.epoch || m.listed) && now >= m.next_connect &&
	    (!c || c->state == FIT_CONN_IDLE)) {
		spin_lock_irqsave(&fit_member_lock, flags);
		fit_members[n].next_connect = now +
					      msecs_to_jiffies(FIT_RETRY_MS);
		spin_unlock_irqrestore(&fit_member_lock, flags);
		fit_connect_peer(n, m.ip);
	}
}

/*
 * A panic: tell the peers at once that this node is gone, instead of
 * letting them wait fit.dead_ms for its silence.  Broadcast (also with
 * fit.peers=: no ARP lookup, no lock), twice against a lost frame, under
 * the cluster key with a fresh sequence number; the drivers only try
 * their transmit locks in a panic, so a stopped CPU that held one costs
 * the datagram, not a hang.  The other CPUs are stopped; nothing else
 * of FIT runs.
 */
void fit_member_leave(void)
{
	if (IS_ERR_OR_NULL(READ_ONCE(fit_member_task)))
		return;
	for (int i = 0; i < 2; i++)
		fit_send_datagram(0xffffffffu, node_id, FIT_OP_LEAVE);
	pr_emerg("fit: told the cluster that node %u leaves\n", node_id);
}

bool fit_cluster_is_ready(void)
{
	return READ_ONCE(fit_cluster_announced);
}

u32 fit_member_ip(u16 node)
{
	unsigned long flags;
	u32 ip;

	if (node >= FIT_MAX_NODES)
		return 0;
	spin_lock_irqsave(&fit_member_lock, flags);
	ip = fit_members[node].known ? fit_members[node].ip : 0;
	spin_unlock_irqrestore(&fit_member_lock, flags);
	return ip;
}

unsigned int fit_dead_bound_ms(void)
{
	/* Silence is noticed at the next pass (at most 100 ms) after it. */
	return fit_dead_ms + min_t(unsigned int, fit_hb_ms, 100) + 10;
}

/* Roles of the nodes alive now: this one and the connected peers. */
static void fit_alive_roles(u8 *roles)
{
	memset(roles, 0, FIT_MAX_NODES);
	roles[node_id] = fit_role_of_node();
	for (u16 n = 0; n < FIT_MAX_NODES; n++) {
		struct fit_conn *c = fit_conn_lookup(n);

		if (n != node_id && fit_member_up(n))
			roles[n] = c->role;
	}
}

int fit_node_with_role(enum node_role role)
{
	u8 roles[FIT_MAX_NODES];
	u8 want = fit_wire_role(role);

	if (!want)
		return -EINVAL;
	if (!fit_is_up())
		return -ENOENT;
	fit_alive_roles(roles);
	return fit_role_lowest(roles, want);
}

int fit_wait_node_with_role(enum node_role role, unsigned int timeout_ms)
{
	int ret = fit_node_with_role(role);

	if (ret != -ENOENT)
		return ret;
	wait_event_timeout(fit_role_wq,
			   (ret = fit_node_with_role(role)) != -ENOENT,
			   msecs_to_jiffies(timeout_ms));
	return ret == -ENOENT ? -ETIMEDOUT : ret;
}

bool fit_wait_peer_up(u16 node, unsigned int timeout_ms)
{
	u64 deadline = jiffies + msecs_to_jiffies(timeout_ms);

	/* Woken when the set of live peers changes; re-checked each 100 ms. */
	while (!fit_peer_up(node) && jiffies < deadline)
		wait_event_timeout(fit_role_wq, fit_peer_up(node),
				   min_t(u64, deadline - jiffies,
					 msecs_to_jiffies(100)));
	return fit_peer_up(node);
}

int fit_call_again(u16 node, u16 opcode, const void *req, u32 len,
		   void *reply, u32 max_reply, unsigned int timeout_ms,
		   unsigned int retries, unsigned int *retried)
{
	unsigned int tries = 0;
	int ret;

	for (;;) {
		/*
		 * A call that may not be repeated waits out a rebuild before
		 * it is sent; a repeatable one (a pcache miss: the hot path)
		 * skips the check and waits only if it failed.
		 */
		if (!retries && !fit_peer_up(node))
			fit_wait_peer_up(node, FIT_RECONNECT_MS);
		ret = fit_call(node, opcode, req, len, reply, max_reply,
			       timeout_ms);
		if (ret != -EHOSTDOWN || tries++ == retries)
			return ret;
		if (!fit_peer_up(node) &&
		    !fit_wait_peer_up(node, FIT_RECONNECT_MS))
			return ret;
		if (retried)
			(*retried)++;
	}
}

/* Wake the waiters above when the set of live peers changed. */
static void fit_role_watch(void)
{
	u64 mask = fit_up_mask();

	if (mask != fit_role_mask) {
		fit_role_mask = mask;
		wake_up_all(&fit_role_wq);
	}
}

static void fit_check_complete(void)
{
	u8 roles[FIT_MAX_NODES];
	char line[FIT_MAX_NODES * 14];

	if (fit_cluster_announced || fit_expect_any(&fit_expected))
		return;
	fit_alive_roles(roles);
	if (!fit_expect_met(&fit_expected, roles))
		return;
	fit_cluster_announced = true;
	if (fit_cluster_format(line, sizeof(line), roles) < 0)
		line[0] = 0;
	pr_info("cluster ready: %s\n", line);
}

/* fit.debug_stall_ms: what the stall report must show (member thread). */
static __noinline void fit_member_debug_stall(void)
{
	static DEFINE_MUTEX(fit_debug_stall_lock);

	pr_warn("fit: membership thread stops for %u ms (fit.debug_stall_ms)\n",
		fit_debug_stall_ms);
	mutex_lock(&fit_debug_stall_lock);
	msleep(fit_debug_stall_ms);
	mutex_unlock(&fit_debug_stall_lock);
}

/*
 * The member thread made no pass for @gap jiffies: this node was not
 * running (a virtual CPU QEMU did not schedule) or the thread was held
 * up.  jiffies follow real time, so the peers' heartbeats that arrived
 * meanwhile may still sit unprocessed in our receive ring: silence we
 * could not hear does not count against them (their last_heard moves
 * on by @gap), or a node starved for dead_ms would declare every peer
 * dead at its first pass.
 */
static void fit_member_blind(u64 gap)
{
	static bool logged;
	unsigned long flags;

	fit_blind_passes++;
	spin_lock_irqsave(&fit_member_lock, flags);
	for (u16 n = 0; n < FIT_MAX_NODES; n++)
		if (fit_members[n].known)
			fit_members[n].last_heard += gap;
	spin_unlock_irqrestore(&fit_member_lock, flags);
	if (!logged) {
		logged = true;
		pr_info("fit: membership thread made no pass for %u ms: that time does not count as the peers' silence (further ones only counted)\n",
			(unsigned int)jiffies_to_msecs(gap));
	}
}

static int fit_member_fn(void *arg)
{
	u64 blind_j = msecs_to_jiffies(max_t(unsigned int, fit_dead_ms / 3,
					     3 * fit_hb_ms));
	u64 prev = 0;
	bool stalled = false;

	u64 next_announce = 0, next_stats = 0;

	while (!kthread_should_stop()) {
		u64 now = jiffies;

		if (prev && now - prev > blind_j)
			fit_member_blind(now - prev);
		prev = now;
		WRITE_ONCE(fit_member_pass, now);
		fit_process_accepts();
		for (u16 n = 0; n < FIT_MAX_NODES; n++)
			if (n != node_id)
				fit_member_check(n, jiffies);
		fit_check_complete();
		fit_role_watch();
		if (fit_debug_stall_ms && fit_cluster_announced && !stalled) {
			stalled = true;
			fit_member_debug_stall();
		}
		if (now >= next_announce) {
			fit_announce();
			next_announce = now + msecs_to_jiffies(fit_hb_ms);
		}
		if (fit_stats_ms && now >= next_stats) {
			if (next_stats)
				fit_dump_stats();
			next_stats = now + msecs_to_jiffies(fit_stats_ms);
		}
		wait_event_timeout(fit_member_wq,
				   READ_ONCE(fit_member_kicked) ||
				   kthread_should_stop(),
				   msecs_to_jiffies(min_t(unsigned int,
							  fit_hb_ms, 100)));
		WRITE_ONCE(fit_member_kicked, false);
	}
	return 0;
}

int fit_member_init(void)
{
	struct fit_static_peer peers[FIT_MAX_NODES];
	int n, ret;

	fit_epoch ^= fit_cmos_time() << 20;
	if (fit_key_spec[0]) {
		unsigned int bits;

		if (fit_member_key_parse(fit_key_spec, &fit_key, &bits)) {
			pr_err("fit: bad fit.key= (want 32 to 64 hex digits, an even number): membership not started\n");
			return -EINVAL;
		}
		memset(fit_key_spec, 0, sizeof(fit_key_spec));
		fit_keyed = true;
		/* Grows across boots: seconds at boot, then one per datagram. */
		fit_seq = fit_cmos_seconds() << 24;
		pr_info("fit: cluster key of %u bits: membership datagrams and CM messages (REQ, REP, RTU, DREQ, DREP) carry an HMAC-SHA256\n",
			bits);
	} else {
		pr_warn("fit: no cluster key: membership is unauthenticated\n");
	}
	if (fit_expect_parse(fit_expect_spec, &fit_expected))
		pr_err("fit: bad fit.expect=%s (want e.g. 1P1M1S or 3); accepting anyone\n",
		       fit_expect_spec);
	n = fit_peers_parse(fit_peers_spec, peers, ARRAY_SIZE(peers));
	if (n < 0) {
		pr_err("fit: bad fit.peers=%s (want ID@A.B.C.D,...); using discovery\n",
		       fit_peers_spec);
		n = 0;
	}
	fit_static = n > 0;
	for (int i = 0; i < n; i++) {
		struct fit_member *m = &fit_members[peers[i].node];

		m->listed = true;
		m->known = true;
		m->ip = peers[i].ip;
		m->last_heard = jiffies;
	}
	if (fit_static && fit_expect_any(&fit_expected)) {
		/* The list plus us is the cluster. */
		fit_expected.nr_nodes = n + !fit_members[node_id].listed;
	}

	ret = udp_bind(FIT_UDP_PORT, fit_udp_rx, NULL);
	if (ret) {
		pr_err("fit: cannot bind UDP port %u (%d)\n", FIT_UDP_PORT,
		       ret);
		return ret;
	}
	fit_listen_id = rdma_create_id(fit_cm_handler, NULL);
	if (IS_ERR(fit_listen_id)) {
		ret = PTR_ERR(fit_listen_id);
		goto err_unbind;
	}
	/* The ids of the requests it gets inherit it. */
	if (fit_keyed)
		rdma_set_auth(fit_listen_id, &fit_cm_auth);
	ret = rdma_listen(fit_listen_id, FIT_CM_PORT);
	if (ret)
		goto err_id;
	fit_member_task = kthread_run(fit_member_fn, NULL, "fit_member");
	if (IS_ERR(fit_member_task)) {
		ret = PTR_ERR(fit_member_task);
		goto err_id;
	}
	pr_info("fit: membership: %s, heartbeat %u ms, dead after %u ms, expecting %s\n",
		fit_static ? "static list" : "discovery by broadcast",
		fit_hb_ms, fit_dead_ms,
		fit_expect_any(&fit_expected) ? "anyone" :
		(fit_expect_spec[0] ? fit_expect_spec : "the listed peers"));
	return 0;

err_id:
	rdma_destroy_id(fit_listen_id);
	fit_listen_id = NULL;
err_unbind:
	udp_unbind(FIT_UDP_PORT);
	pr_err("fit: membership not started (%d)\n", ret);
	return ret;
}

void fit_member_dump(void)
{
	pr_info("fit: membership: %llu deaths, %llu rejoins, %llu bad datagrams, %llu spoofed datagrams, %llu unauthenticated datagrams, %llu replayed datagrams, %llu bad CM requests (%llu from the wrong address), %llu unauthenticated CM messages, %llu replayed CM requests, %llu debug resets, %llu stalls of the membership thread, %llu late passes\n",
		fit_deaths, fit_rejoins, fit_bad_datagrams,
		fit_spoofed_datagrams, fit_bad_mac, fit_replayed, fit_bad_cm,
		fit_spoofed_cm, fit_unauth_cm, fit_replayed_cm,
		fit_debug_resets, fit_member_stalls, fit_blind_passes);
	for (u16 n = 0; n < FIT_MAX_NODES; n++) {
		const struct fit_member *m = &fit_members[n];
		struct fit_conn *c = fit_conn_lookup(n);

		if (!m->known || n == node_id)
			continue;
		pr_info("fit: member %u %s: %s, epoch %llx, connection %s (incarnation %u)\n",
			n, fit_role_name(m->role), m->dead ? "dead" : "alive",
			(unsigned long long)m->epoch,
			!c ? "none" : c->state == FIT_CONN_UP ? "up" :
			c->state == FIT_CONN_CONNECTING ? "connecting" :
			c->state == FIT_CONN_DEAD ? "failed" : "idle",
			c ? c->incarnation : 0);
	}
	/* The CM's side of it: unauthenticated RTU/DREQ/DREP, REQ limits. */
	ib_cm_dump_counters();
}
