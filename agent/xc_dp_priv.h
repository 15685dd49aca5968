/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Data plane internals shared by xc_dp.c, xc_xsk.c, xc_tx.c and xc_rx.c.
 * One struct xc_sock per queue: its own UMEM, one or more AF_XDP sockets
 * on that UMEM (sockets_per_queue, XDP_SHARED_UMEM: they share the fill
 * and completion rings) and one Tx and one Rx worker thread that serve all
 * of the queue's sockets. A queue that sends and receives splits its UMEM:
 * Tx chunks first, then the Rx chunks.
 */
#ifndef XC_DP_PRIV_H
#define XC_DP_PRIV_H

#include <net/if.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <xdp/xsk.h>

#include "xc_dp.h"
#include "xc_frame.h"
#include "xc_gen.h"
#include "xc_rate.h"
#include "xc_validate.h"
#include "xc_xdp.h"

#define XC_POLL_MS		10	/* poll() timeout: stop flag latency */
#define XC_TX_DRAIN_NS		1000000000ull	/* wait for completions */
#define XC_BUSY_POLL_US		20	/* SO_BUSY_POLL */
#define XC_RX_BUF		16384	/* reassembled multi-buffer frame */

#define XC_LOAD(p)	__atomic_load_n((p), __ATOMIC_ACQUIRE)
#define XC_STORE(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define XC_ADD(p, v)	__atomic_add_fetch((p), (v), __ATOMIC_RELAXED)
/* Add to a counter that only the calling thread writes (no locked op). */
#define XC_BUMP(p, v)	__atomic_store_n((p), \
			 __atomic_load_n((p), __ATOMIC_RELAXED) + (v), \
			 __ATOMIC_RELAXED)

struct xc_dp;

/* How the Rx rings and UMEM were sized (xc_rxsize.c). */
struct xc_rx_sizing {
	double rate_pps;
	uint32_t budget_ms;
	double absorbs_ms;
	bool from_spec;
	bool capped;
	bool huge_pages;
};

struct xc_xsk_cfg {
	uint32_t chunk_size;
	uint32_t num_chunks;
	uint32_t headroom;
	uint32_t fill_size;
	uint32_t comp_size;
	uint32_t rx_size;
	uint32_t tx_size;
	uint32_t batch;
	uint32_t spq;		/* sockets per queue, >= 1 */
	uint32_t busy_poll_budget;
	uint32_t *cpus;		/* worker i runs on cpus[i % ncpus] */
	uint32_t ncpus;
	uint32_t rt_prio;	/* workers' SCHED_FIFO priority, 0: none */
	bool need_wakeup;
	bool use_poll;
	bool unaligned;
	bool huge_pages;	/* also implied by unaligned */
	bool multi_buffer;
	bool busy_poll;
};

/* What the Rx side does on purpose (Prepare.rx_options). */
struct xc_rx_cfg {
	int action;		/* XCEIVER__V1__XDP_ACTION__* */
	uint32_t tail_adjust;
	int pressure;		/* XCEIVER__V1__RX_PRESSURE__* */
	uint32_t fill_posted;	/* STARVE_FILL */
	uint64_t stop_after;	/* STOP_READING */
	bool latency_off;	/* frames not timed */
};

/* One Tx stream as one queue sends it. */
struct xc_txs {
	struct xc_stream_tmpl tmpl;
	struct xc_gen gen;
	bool gen_ready;
	uint32_t id;
	uint64_t count;		/* frames to send */
	struct xc_rate_cfg rate_cfg;	/* pps or bit rate; 0: full speed */
	struct xc_rate rate;
	uint64_t next_seq;
	uint64_t sent;		/* atomic: valid frames */
	uint64_t bytes;		/* atomic */
	uint64_t invalid_sent;	/* atomic: invalid descriptors, all fragments */
	uint64_t first_ns;	/* first and last frame queued (Tx worker) */
	uint64_t last_ns;
};

/*
 * A valid descriptor at a fixed UMEM address (DESC_BASE_UMEM_START/END):
 * its chunks are kept out of the free stack and only one frame at a time
 * may use the place.
 */
struct xc_fixed {
	uint64_t addr;
	uint64_t since;		/* CLOCK_MONOTONIC when it went busy */
	bool busy;
};

/* One AF_XDP socket of a queue. */
struct xc_xs {
	struct xsk_socket *xsk;
	struct xsk_ring_prod tx;
	struct xsk_ring_cons rx;
	bool tx_pending;	/* submitted since the last kick */
	/* Rx multi-buffer reassembly of the chain in progress */
	uint8_t *rx_buf;
	uint32_t rx_len;
	uint32_t rx_nfrags;
	uint64_t rx_addr0;
	const uint8_t *rx_meta;	/* metadata before the first fragment */
	bool rx_bad;		/* a fragment of this chain was wrong */
	uint64_t rx_descs;	/* atomic: descriptors read from this socket */
};

struct xc_sock {
	struct xc_dp *dp;
	uint32_t queue;
	void *area;
	size_t area_len;	/* mapped (huge pages: rounded up) */
	uint64_t umem_len;	/* registered: num_chunks * chunk_size */
	bool area_huge;
	struct xsk_umem *umem;
	struct xsk_ring_prod fill;
	struct xsk_ring_cons comp;
	struct xc_xs *xs;
	uint32_t nxs;

	/* Tx side: chunks [0, tx_chunks), worker state */
	uint32_t tx_chunks;
	uint32_t tx_stride;	/* chunks per Tx slot: 2 if frames may spill */
	uint64_t *free_stack;
	uint32_t nfree;
	uint64_t scratch;	/* chunk for invalid descriptors (no data) */
	struct xc_fixed *fixed;
	uint32_t nfixed;
	struct xc_txs *txs;
	uint32_t ntxs;
	uint32_t rr;		/* round-robin position */
	uint32_t tx_next_xs;	/* socket of the next batch */
	uint64_t outstanding;	/* valid descriptors not completed */
	uint64_t tx_frames;	/* atomic */
	uint64_t tx_completed;	/* atomic: descriptors completed */
	uint64_t tx_end_ns;
	uint64_t tx_cpu_ns;
	bool tx_done;		/* atomic */
	pthread_t tx_thr;
	bool tx_running;

	/* Rx side: chunks [tx_chunks, tx_chunks + rx_chunks) */
	uint32_t rx_chunks;
	uint64_t rx_frames;	/* atomic */
	uint64_t rx_valid;	/* atomic */
	uint64_t rx_bytes;	/* atomic */
	uint64_t rx_first_ns;	/* CLOCK_MONOTONIC of first/last valid */
	uint64_t rx_last_ns;
	uint64_t rx_cpu_ns;
	uint64_t *rx_addrs;	/* chunks to give back, one batch */
	pid_t rx_tid;		/* atomic: the Rx worker's thread id */
	bool rx_rt_waits;	/* it waited at SCHED_FIFO (xc_sched.h) */
	pthread_t rx_thr;
	bool rx_running;
};

struct xc_dp {
	char ifname[IF_NAMESIZE];
	int ifindex;
	uint64_t run_id;
	struct xc_xsk_cfg cfg;
	struct xc_rx_cfg rxc;
	bool has_tx;
	bool has_rx;
	int mode;		/* XCEIVER__V1__XDP_MODE__* in use */
	bool zero_copy;

	uint16_t port_lo;	/* Rx: UDP destination ports to redirect */
	uint16_t port_hi;
	struct xc_xdp *skel;	/* Rx side only */
	struct bpf_program *prog;	/* the one of skel's programs loaded */
	uint32_t xdp_flags;	/* attach flags, when attached */
	/*
	 * An Rx stream is tagged; the program reads a tag the offload took
	 * out back from XDP metadata (device-bound, native mode only).
	 */
	bool rx_vlan;
	bool vlan_bound;
	/* the program's stamps (xc_stamp.c): mmapped slots, groups, why not */
	const volatile struct xc_stamp *stamps;
	size_t stamps_len;
	uint16_t stamp_group[XC_STAMP_QMAX];
	char stamp_why[128];
	bool has_gw;		/* Tx: frames go to the gateway's MAC */
	uint8_t gw_mac[6];
	/*
	 * The program is attached through a BPF link: if the agent dies
	 * without cleaning up (SIGKILL), the kernel detaches it when the
	 * link's last fd closes. -1 when not attached.
	 */
	int xdp_link;

	struct xc_sock *socks;
	uint32_t nsocks;

	struct xc_rxv rxv;	/* used by Rx workers under rxv_lock */
	bool rxv_ready;
	bool rxv_finished;
	pthread_mutex_t rxv_lock;

	int stop;		/* atomic */
	int tx_left;		/* atomic: Tx workers still running */
	bool tx_done;		/* atomic */
	bool started;		/* either side */
	bool rx_started;
	bool tx_started;
	bool joined;
	uint64_t start_ns;	/* CLOCK_MONOTONIC */
	uint64_t tx_elapsed_ns;	/* atomic */
	double tx_rate_pps;	/* requested, sum over streams (0: full) */
	/*
	 * Tx: a share of the receiver's Rx ring that one stream's catch-up
	 * burst may fill (its rx_size / 2 / our streams); 0: no bound (the
	 * receiver sizes its ring for a stall budget, XC_DEF_STALL_MS).
	 */
	uint32_t peer_burst_max;
	struct xc_rx_sizing rx_sizing;
	uint64_t tl_iv_ns;	/* timeline interval */
	struct xc_sampler *sampler;	/* from the first Start */
	void (*notify)(void *arg);
	void *arg;
};

static inline bool xc_dp_stopping(struct xc_dp *dp)
{
	return XC_LOAD(&dp->stop) != 0;
}

/*
 * xc_rxsize.c: size the fill and Rx rings and the UMEM of a receiving
 * side from its streams' rates and the stall budget (sizes the spec sets
 * are kept), and report them.
 */
void xc_rx_size(struct xc_xsk_cfg *c, struct xc_rx_sizing *z,
		const Xceiver__V1__Prepare *p, uint32_t nsocks, bool has_tx);
void xc_rx_sizing_report(const struct xc_xsk_cfg *c,
			 const struct xc_rx_sizing *z,
			 Xceiver__V1__RxSizing *r);

/*
 * xc_sched.c: start a worker thread with the side's scheduling (SCHED_FIFO
 * at c->rt_prio, or as the agent itself runs); 0 or an errno.
 */
int xc_sched_spawn(const struct xc_xsk_cfg *c, pthread_t *thr,
		   void *(*fn)(void *), void *arg);
/* Refuse SCHED_FIFO workers where the agent may not use them. */
int xc_sched_check(const struct xc_xsk_cfg *c, char *err, size_t errlen);

/*
 * xc_sample.c: the timeline (Report.timeline), sampled from the first
 * Start (xc_sample_start) until the workers stop (xc_sample_stop).
 */
int xc_sample_start(struct xc_dp *dp, char *err, size_t errlen);
void xc_sample_stop(struct xc_dp *dp);
int xc_sample_report(struct xc_dp *dp, Xceiver__V1__Report *r);
void xc_sample_report_free(Xceiver__V1__Report *r);
void xc_sample_free(struct xc_dp *dp);	/* stops it first */

/* xc_ifinfo.c: real rx/tx queue counts (what an XSK may bind to) */
int xc_ifinfo_queues(const char *ifname, int ifindex, uint32_t *rxq,
		     uint32_t *txq);

/* xc_xsk.c */
int xc_xsk_setup(struct xc_dp *dp, int mode, char *err, size_t errlen);
void xc_xsk_teardown(struct xc_dp *dp);
/* the bytes one queue's UMEM area maps (whole huge pages) */
uint64_t xc_umem_area_len(const struct xc_xsk_cfg *c);
int xc_xsk_check_queues(struct xc_dp *dp, const uint32_t *queues, size_t n,
			char *err, size_t errlen);
void xc_xsk_kick_tx(struct xc_sock *s, struct xc_xs *x);
void xc_xsk_stats(struct xc_sock *s, struct xc_xs *x,
		  Xceiver__V1__XskStats *st);
void xc_xdp_log_stats(struct xc_dp *dp);
/* The XDP program's counters that the verdict judges. */
void xc_xdp_report(struct xc_dp *dp, Xceiver__V1__Report *r);
/* One of the XDP program's counters (XC_STAT_*), summed over CPUs. */
int xc_xdp_counter(struct xc_dp *dp, uint32_t idx, uint64_t *sum);
/* The program's count of tags it could not ask about (mmapped .bss). */
const volatile uint64_t *xc_xdp_vlan_unknown(struct xc_dp *dp);

/* xc_stamp.c */
void xc_stamp_config(struct xc_dp *dp);
void xc_stamp_map(struct xc_dp *dp);
void xc_stamp_unmap(struct xc_dp *dp);
uint64_t xc_stamp_ns(void *ctx, uint32_t queue, uint32_t stream_id,
		     uint64_t seq);
const char *xc_stamp_where(const struct xc_dp *dp);

/* xc_tx.c */
int xc_tx_init(struct xc_sock *s, char *err, size_t errlen);
void xc_tx_free(struct xc_sock *s);
void *xc_tx_worker(void *arg);

/* xc_rx.c */
int xc_rx_fill(struct xc_sock *s, char *err, size_t errlen);
void xc_rx_free(struct xc_sock *s);
void *xc_rx_worker(void *arg);

/* xc_dp.c: CPU time of the calling thread, pinning */
uint64_t xc_thread_cpu_ns(void);
void xc_worker_pin(struct xc_dp *dp, uint32_t index);

#endif /* XC_DP_PRIV_H */
