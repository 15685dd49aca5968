/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Data plane internals shared by xc_dp.c, xc_xsk.c, xc_tx.c and xc_rx.c.
 * One struct xc_sock per queue: its own UMEM, socket and worker threads.
 * A socket that sends and receives splits its UMEM: Tx chunks first, then
 * the Rx chunks.
 */
#ifndef XC_DP_PRIV_H
#define XC_DP_PRIV_H

#include <net/if.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <xdp/xsk.h>

#include "xc_dp.h"
#include "xc_frame.h"
#include "xc_validate.h"

#define XC_DEF_CHUNK_SIZE	4096
#define XC_DEF_NUM_CHUNKS	4096
#define XC_DEF_BATCH		64
#define XC_POLL_MS		10	/* poll() timeout: stop flag latency */
#define XC_TX_DRAIN_NS		1000000000ull	/* wait for completions */

#define XC_LOAD(p)	__atomic_load_n((p), __ATOMIC_ACQUIRE)
#define XC_STORE(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define XC_ADD(p, v)	__atomic_add_fetch((p), (v), __ATOMIC_RELAXED)

struct xc_dp;

struct xc_xsk_cfg {
	uint32_t chunk_size;
	uint32_t num_chunks;
	uint32_t headroom;
	uint32_t fill_size;
	uint32_t comp_size;
	uint32_t rx_size;
	uint32_t tx_size;
	uint32_t batch;
	bool need_wakeup;
	bool use_poll;
};

/* One Tx stream as one socket sends it. */
struct xc_txs {
	struct xc_stream_tmpl tmpl;
	uint32_t id;
	uint64_t count;		/* frames to send */
	uint64_t rate_pps;	/* 0: full speed */
	uint64_t next_seq;
	uint64_t sent;		/* atomic */
	uint64_t bytes;		/* atomic */
	double tokens;		/* pacing (xc_tx_pace) */
	uint64_t last_ns;
};

struct xc_pick {
	struct xc_txs *t;
	uint64_t seq;
};

struct xc_sock {
	struct xc_dp *dp;
	uint32_t queue;
	void *area;
	size_t area_len;
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	struct xsk_ring_prod fill;
	struct xsk_ring_cons comp;
	struct xsk_ring_prod tx;
	struct xsk_ring_cons rx;

	/* Tx side: chunks [0, tx_chunks), worker state */
	uint32_t tx_chunks;
	uint64_t *free_stack;
	uint32_t nfree;
	struct xc_txs *txs;
	uint32_t ntxs;
	uint32_t rr;		/* round-robin position */
	struct xc_pick *picks;	/* one batch of picked frames */
	uint64_t outstanding;	/* submitted, not completed */
	uint64_t tx_frames;	/* atomic */
	uint64_t tx_end_ns;
	bool tx_done;		/* atomic */
	pthread_t tx_thr;
	bool tx_running;

	/* Rx side: chunks [tx_chunks, tx_chunks + rx_chunks) */
	uint32_t rx_chunks;
	uint64_t rx_frames;	/* atomic */
	uint64_t rx_valid;	/* atomic */
	uint64_t rx_first_ns;	/* CLOCK_REALTIME of first/last valid */
	uint64_t rx_last_ns;
	pthread_t rx_thr;
	bool rx_running;
};

struct xc_dp {
	char ifname[IF_NAMESIZE];
	int ifindex;
	uint64_t run_id;
	struct xc_xsk_cfg cfg;
	bool has_tx;
	bool has_rx;
	int mode;		/* XCEIVER__V1__XDP_MODE__* in use */
	bool zero_copy;

	uint16_t port_lo;	/* Rx: UDP destination ports to redirect */
	uint16_t port_hi;
	struct xc_xdp *skel;	/* Rx side only */
	uint32_t xdp_flags;	/* attach flags, when attached */
	bool attached;

	struct xc_sock *socks;
	uint32_t nsocks;

	struct xc_rxv rxv;	/* used by Rx workers under rxv_lock */
	bool rxv_ready;
	bool rxv_finished;
	pthread_mutex_t rxv_lock;

	int stop;		/* atomic */
	int tx_left;		/* atomic: Tx workers still running */
	bool tx_done;		/* atomic */
	bool started;
	bool joined;
	uint64_t start_ns;	/* CLOCK_MONOTONIC */
	uint64_t tx_elapsed_ns;	/* atomic */
	void (*notify)(void *arg);
	void *arg;
};

static inline bool xc_dp_stopping(struct xc_dp *dp)
{
	return XC_LOAD(&dp->stop) != 0;
}

/* xc_ifinfo.c: real rx/tx queue counts (what an XSK may bind to) */
int xc_ifinfo_queues(const char *ifname, int ifindex, uint32_t *rxq,
		     uint32_t *txq);

/* xc_xsk.c */
int xc_xsk_setup(struct xc_dp *dp, int mode, char *err, size_t errlen);
void xc_xsk_teardown(struct xc_dp *dp);
int xc_xsk_check_queues(struct xc_dp *dp, const uint32_t *queues, size_t n,
			char *err, size_t errlen);
void xc_xsk_kick_tx(struct xc_sock *s);
void xc_xsk_stats(struct xc_sock *s, Xceiver__V1__XskStats *st);
void xc_xdp_log_stats(struct xc_dp *dp);

/* xc_tx.c */
int xc_tx_init(struct xc_sock *s, char *err, size_t errlen);
void xc_tx_free(struct xc_sock *s);
void *xc_tx_worker(void *arg);

/* xc_rx.c */
int xc_rx_fill(struct xc_sock *s, char *err, size_t errlen);
void *xc_rx_worker(void *arg);

#endif /* XC_DP_PRIV_H */
