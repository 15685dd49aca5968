/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Control channel: 4-byte big-endian length + one protobuf Envelope, over a
 * byte transport on a libuv stream.
 *
 * Layers, bottom up:
 *   xc_transport  moves bytes: plain TCP, or TLS around it (xc_tls.h)
 *   xc_framer     pure: bytes in, complete message payloads out; rejects a
 *                 length above the cap before allocating anything
 *   xc_conn       one connection: transport + framer + Envelope decode,
 *                 callbacks per message, Error reply + close on bad input
 */
#ifndef XC_WIRE_H
#define XC_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <uv.h>

#include "xc_limits.h"
#include "xc_live.h"
#include "xceiver.pb-c.h"

#define XC_PROTOCOL_VERSION	1
#define XC_WIRE_MAX_MSG		XC_MSG_MAX	/* 16 MiB */
#define XC_WIRE_HDR_LEN		4

/* ------------------------------------------------------------ framer */

typedef int (*xc_framer_msg_fn)(void *ctx, const uint8_t *msg, size_t len);

/*
 * Bytes of messages being received, shared by several framers: a framer
 * holds the announced length of its message in progress from its header
 * to its delivery, and a header that announces more than is left is
 * refused (-ENOBUFS). Messages of at most small bytes are not counted.
 */
struct xc_budget {
	size_t max;
	size_t used;
	size_t small;
};

struct xc_framer {
	uint8_t hdr[XC_WIRE_HDR_LEN];
	size_t hdr_have;
	uint8_t *buf;		/* current message body, grown as bytes come */
	size_t cap;		/* allocated size of buf */
	size_t need;		/* its length from the header */
	size_t have;
	size_t max;		/* cap on a message length */
	struct xc_budget *budget;	/* NULL: no shared cap */
	size_t held;		/* of budget, for the message in progress */
};

void xc_framer_init(struct xc_framer *f, size_t max);
void xc_framer_reset(struct xc_framer *f);
void xc_framer_free(struct xc_framer *f);
/* Share budget with other framers (before the first byte is fed). */
void xc_framer_set_budget(struct xc_framer *f, struct xc_budget *budget);
/* A message is partly received (header or body). */
bool xc_framer_partial(const struct xc_framer *f);
/* The length the latest header announced. */
uint32_t xc_framer_announced(const struct xc_framer *f);
/*
 * Feed bytes; fn is called once per complete message (the bytes are valid
 * only during the call). Returns 0, -EMSGSIZE for a length above the cap,
 * -ENOBUFS for a length above what is left of the budget, -ENOMEM, or the
 * first negative value fn returned (feeding stops there).
 */
int xc_framer_feed(struct xc_framer *f, const uint8_t *data, size_t len,
		   xc_framer_msg_fn fn, void *ctx);

/* Pack env behind a length header into a new buffer (free()). */
int xc_wire_pack(const Xceiver__V1__Envelope *env, uint8_t **out,
		 size_t *outlen);

/*
 * Decode one message body as an Envelope (free it with
 * xceiver__v1__envelope__free_unpacked); NULL when it does not decode or
 * holds what cannot be encoded again (xc_pb_tags_valid).
 */
Xceiver__V1__Envelope *xc_env_decode(const uint8_t *msg, size_t len);

/* Set the protocol version and request id of a fresh Envelope. */
void xc_env_init(Xceiver__V1__Envelope *env, uint64_t request_id);

/*
 * A controller's Hello (this protocol and software version) in hello, and
 * env a fresh Envelope that carries it; env points into hello.
 */
void xc_env_hello(Xceiver__V1__Envelope *env, Xceiver__V1__Hello *hello,
		  uint64_t request_id);

/* Name of an Envelope's body, for messages ("prepare", "report", ...). */
const char *xc_env_body_name(const Xceiver__V1__Envelope *env);

/* ------------------------------------------------------------ transport */

struct xc_transport;

struct xc_transport_ops {
	/* start delivering bytes to xc_transport.on_data */
	int (*start)(struct xc_transport *t);
	/* queue len bytes; takes ownership of buf (malloc'd) */
	int (*write)(struct xc_transport *t, uint8_t *buf, size_t len);
	/* close; on_closed is called once everything is released */
	void (*close)(struct xc_transport *t);
	/*
	 * Who the peer proved to be (a certificate's name, a pre-shared
	 * key's identity); NULL for a transport that authenticates no one.
	 * Optional.
	 */
	const char *(*identity)(struct xc_transport *t);
	/*
	 * Why the transport failed, when it knows more than an errno (a
	 * refused handshake); NULL otherwise. Optional.
	 */
	const char *(*failure)(struct xc_transport *t);
	/*
	 * Close at once, without flushing or waiting for the peer (a peer
	 * given up as dead); on_closed follows. Optional: close otherwise.
	 */
	void (*abort)(struct xc_transport *t);
};

struct xc_transport {
	const struct xc_transport_ops *ops;
	/* set by the owner */
	void (*on_data)(struct xc_transport *t, const uint8_t *data,
			size_t len);
	/* a read or write failed; end of stream is -ECONNRESET */
	void (*on_error)(struct xc_transport *t, int err);
	void (*on_closed)(struct xc_transport *t);
	void *owner;
};

/* Plain TCP transport over an already created (connected/accepted) uv_tcp_t. */
struct xc_transport *xc_tcp_transport_new(uv_loop_t *loop);
uv_tcp_t *xc_tcp_transport_handle(struct xc_transport *t);
/*
 * Every TCP transport of the process started from now on: keepalive
 * probes after a third of liveness_ms of quiet, and TCP_USER_TIMEOUT of
 * liveness_ms (data unacknowledged that long fails the connection).
 * 0 (the default): the kernel's settings.
 */
void xc_tcp_set_liveness(unsigned int liveness_ms);

/* ------------------------------------------------------------ connection */

struct xc_conn;

struct xc_conn_ops {
	/*
	 * One decoded Envelope. It is freed after the call returns. Return 0,
	 * or a negative errno to send an Error and close the connection.
	 */
	int (*on_msg)(struct xc_conn *c, const Xceiver__V1__Envelope *env);
	/* Connection gone (err 0: closed by us). Called exactly once. */
	void (*on_close)(struct xc_conn *c, int err);
	/* For xc_conn_connect: connected (err 0) or failed. */
	void (*on_connect)(struct xc_conn *c, int err);
};

struct xc_tls_ctx;

/*
 * The control channel's security for the whole process: with a TLS
 * context (xc_tls.h), xc_conn_new wraps its TCP transport in TLS; NULL
 * (the default) is plain TCP. Set it before the first connection.
 */
void xc_conn_set_security(struct xc_tls_ctx *tls);
struct xc_tls_ctx *xc_conn_security(void);

/*
 * A connection's deadlines (xc_live.h; 0 turns one off) and the budget its
 * framer shares with other connections (NULL: none). With hello_ms, a
 * message before Hello may be at most XC_SMALL_MSG bytes. With liveness_ms the
 * connection sends a Heartbeat when it has sent nothing for a while and
 * closes at once with -ETIMEDOUT when the peer was silent that long; a
 * late Hello or message gets an Error and closes with -ETIMEDOUT.
 * Heartbeats are consumed here: on_msg never sees one. Hello counts as
 * completed when on_msg accepts a Hello message.
 */
struct xc_conn_limits {
	unsigned int liveness_ms;
	unsigned int hello_ms;
	unsigned int msg_ms;
	struct xc_budget *budget;
};

/* A new TCP transport, TLS-wrapped when set (xc_conn_set_security). */
struct xc_transport *xc_conn_transport_new(uv_loop_t *loop);
/* A connection that owns a new xc_conn_transport_new transport. */
struct xc_conn *xc_conn_new(uv_loop_t *loop, const struct xc_conn_ops *ops,
			    void *data);
/*
 * A connection over a transport the caller made (it sets t's owner and
 * callbacks and owns t from here on; NULL t fails). Start it with
 * xc_conn_accept/xc_conn_connect for a TCP transport, or with
 * xc_conn_open when t is connected already (the fuzz targets' in-memory
 * transport).
 */
struct xc_conn *xc_conn_new_transport(uv_loop_t *loop,
				      struct xc_transport *t,
				      const struct xc_conn_ops *ops,
				      void *data);
/* Start reading on a transport connected already; peer names it in logs. */
int xc_conn_open(struct xc_conn *c, const char *peer);
/* Set before the connection starts (accept, connect, open). */
int xc_conn_set_limits(struct xc_conn *c, const struct xc_conn_limits *l);
void *xc_conn_data(struct xc_conn *c);
/* Closing or closed: on_close has come or will come. */
bool xc_conn_closing(const struct xc_conn *c);
/* Hello completed (see xc_conn_limits). */
bool xc_conn_ready(const struct xc_conn *c);
const char *xc_conn_peer(struct xc_conn *c);	/* "ADDR:PORT" */
/*
 * The identity the peer proved (see xc_transport_ops.identity), or NULL
 * when the connection is not authenticated.
 */
const char *xc_conn_identity(struct xc_conn *c);
/*
 * Why the transport failed (a refused TLS handshake: "unknown pre-shared
 * key identity 'x'"), or NULL; valid until on_close returns.
 */
const char *xc_conn_failure(struct xc_conn *c);
/* Accept a pending connection from server and start reading. */
int xc_conn_accept(struct xc_conn *c, uv_stream_t *server);
/* Connect to "ADDR:PORT" / "[V6]:PORT"; on_connect reports the result. */
int xc_conn_connect(struct xc_conn *c, const char *addrport,
		    unsigned int timeout_ms);
/* Pack and queue one Envelope (version set here). */
int xc_conn_send(struct xc_conn *c, Xceiver__V1__Envelope *env);
/* Send an Error message with request_id. */
int xc_conn_send_error(struct xc_conn *c, uint64_t request_id, int code,
		       const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/*
 * Close: flushes queued writes, then closes; on_close(err) follows and the
 * conn is freed after it. Safe to call more than once.
 */
void xc_conn_close(struct xc_conn *c, int err);

/* Parse "1.2.3.4:7007" or "[2001:2::1]:7007". */
int xc_parse_addrport(const char *s, struct sockaddr_storage *ss);
/*
 * A wildcard address: 0.0.0.0, ::, or ::ffff:0.0.0.0 (every IPv4 address
 * through an IPv6 socket).
 */
bool xc_addr_is_any(const struct sockaddr_storage *ss);

#endif /* XC_WIRE_H */
