/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Helpers of the fuzz targets: an in-memory transport under the real
 * connection code (no sockets), the link seams that put it in place, and
 * the fixed specs some targets run against.
 *
 * Link seams (ld --wrap, see Makefile): xc_conn_new makes a connection
 * over an in-memory transport instead of TCP, and xc_conn_connect
 * "connects" it on the next loop iteration. The agent target also wraps
 * the interface look-ups and xc_xsk_setup (xc_fuzz_agent_stubs.c), so a
 * Prepare runs every check of the real data plane and is then answered
 * with an error before any socket, UMEM or XDP program exists.
 */
#ifndef XC_FUZZ_H
#define XC_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "xc_wire.h"

/* The interface the agent target's stubs know (any other: ENODEV). */
#define XC_FUZZ_IFNAME		"xcfuzz0"
#define XC_FUZZ_IFINDEX		42
#define XC_FUZZ_QUEUES		4

struct xc_fuzz_transport;

/* Called with every Envelope the side under test sent (decoded). */
typedef void (*xc_fuzz_sent_fn)(struct xc_fuzz_transport *ft,
				const Xceiver__V1__Envelope *env, void *arg);

struct xc_fuzz_transport {
	struct xc_transport t;
	uv_timer_t timer;		/* deferred connect and close */
	struct xc_conn *conn;
	const struct xc_conn_ops *ops;
	char peer[64];
	bool started;
	bool closing;
	xc_fuzz_sent_fn sent;
	void *sent_arg;
	unsigned int index;		/* in creation order, from 0 */
};

/* Called when the side under test made a connection (on loop). */
typedef void (*xc_fuzz_new_fn)(struct xc_fuzz_transport *ft,
			       uv_loop_t *loop, void *arg);

/* Forget earlier transports and set the callbacks; before each input. */
void xc_fuzz_reset(xc_fuzz_new_fn created, xc_fuzz_sent_fn sent, void *arg);
/* The transport made for the i-th connection since xc_fuzz_reset. */
struct xc_fuzz_transport *xc_fuzz_transport(unsigned int i);
/* Deliver bytes as if the peer had sent them; false once it is closed. */
bool xc_fuzz_deliver(struct xc_fuzz_transport *ft, const uint8_t *data,
		     size_t len);
/* Frame and deliver an Envelope. */
bool xc_fuzz_deliver_env(struct xc_fuzz_transport *ft,
			 Xceiver__V1__Envelope *env);
/* The peer closes its end (the side under test sees ECONNRESET). */
void xc_fuzz_hangup(struct xc_fuzz_transport *ft);

/*
 * A bare in-memory transport for a layer above it (the TLS target): what
 * is written goes to fn (NULL: dropped), nothing is checked; on_closed
 * follows close on the next loop iteration. Feed it with its on_data.
 */
typedef void (*xc_fuzz_write_fn)(void *arg, const uint8_t *buf, size_t len);
struct xc_transport *xc_fuzz_mem_new(uv_loop_t *loop, xc_fuzz_write_fn fn,
				     void *arg);
/* Not closed yet. */
bool xc_fuzz_mem_open(struct xc_transport *t);

/* Logging off (every bad input would print a warning). */
void xc_fuzz_quiet(void);

/*
 * Fixed specs: YAML texts with every address given, checked and with
 * defaults filled as the controller does. Index 0 .. XC_FUZZ_NSPECS - 1.
 */
#define XC_FUZZ_NSPECS		5
Xceiver__V1__TestSpec *xc_fuzz_spec(unsigned int i);
void xc_fuzz_spec_free(Xceiver__V1__TestSpec *s);

/*
 * Throwaway keys (xc_keys_make) for the TLS target and its seeds
 * (xc_fuzz_keys.c): made in a new directory from the mkdtemp template
 * dir, and removed with it; the TLS context of the agent (server) or of
 * the controller from them, with certificates or the pre-shared key. A
 * failure aborts.
 */
struct xc_tls_ctx;
void xc_fuzz_keys_make(char *dir);
void xc_fuzz_keys_remove(const char *dir);
struct xc_tls_ctx *xc_fuzz_tls_ctx(const char *dir, bool server, bool psk);

#endif /* XC_FUZZ_H */
