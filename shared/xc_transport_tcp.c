// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Plain TCP transport on a libuv uv_tcp_t.
 *
 * Lifetime: the transport frees itself right after on_closed returns.
 * Closing is graceful: queued writes are flushed, a FIN is sent, and input is
 * read and dropped until the peer closes too (so the peer reads our last
 * message instead of a reset), bounded by XC_TCP_LINGER_MS. Aborting (a
 * peer given up as dead) closes at once with a reset.
 *
 * Liveness (xc_tcp_set_liveness): keepalive probes and TCP_USER_TIMEOUT
 * on every socket, so that the kernel too gives up a peer that is gone.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "xc_log.h"
#include "xc_util.h"
#include "xc_wire.h"

#define XC_TCP_RBUF_LEN		(64u << 10)
#define XC_TCP_LINGER_MS	2000
/* bytes queued for a peer that does not read */
#define XC_TCP_MAX_QUEUED	(4ull * XC_WIRE_MAX_MSG)
#define XC_TCP_KEEPCNT		3	/* probes unanswered before giving up */

static unsigned int xc_tcp_liveness_ms;

struct xc_tcp {
	struct xc_transport t;
	uv_tcp_t tcp;
	uv_timer_t linger;
	uv_shutdown_t shutdown_req;
	int handles_open;
	bool started;		/* connected or accepted: worth flushing */
	bool reading;		/* reading, no EOF or error yet */
	bool dead;		/* read or write failed: nothing to flush */
	bool closing;
	bool finishing;
	uint8_t rbuf[XC_TCP_RBUF_LEN];
};

struct xc_tcp_write {
	uv_write_t req;
	uint8_t *buf;
};

static struct xc_tcp *xc_tcp_of(struct xc_transport *t)
{
	return (struct xc_tcp *)t;
}

/* libuv errors are negative errno on Linux, except a few of its own. */
static int xc_tcp_errno(int status)
{
	if (status == UV_EOF)
		return -ECONNRESET;
	if (status <= -3000)
		return -EIO;
	return status;
}

static void xc_tcp_report(struct xc_tcp *x, int err)
{
	if (!x->closing && x->t.on_error)
		x->t.on_error(&x->t, err);
}

static void xc_tcp_handle_closed(uv_handle_t *h)
{
	struct xc_tcp *x = h->data;

	if (--x->handles_open)
		return;
	if (x->t.on_closed)
		x->t.on_closed(&x->t);
	free(x);
}

static void xc_tcp_finish(struct xc_tcp *x)
{
	if (x->finishing)
		return;
	x->finishing = true;
	uv_timer_stop(&x->linger);
	uv_close((uv_handle_t *)&x->tcp, xc_tcp_handle_closed);
	uv_close((uv_handle_t *)&x->linger, xc_tcp_handle_closed);
}

static void xc_tcp_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
	struct xc_tcp *x = h->data;

	buf->base = (char *)x->rbuf;
	buf->len = sizeof(x->rbuf);
}

static void xc_tcp_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	struct xc_tcp *x = s->data;

	if (nread == 0)
		return;
	if (nread < 0) {
		x->reading = false;
		if (nread != UV_EOF)
			x->dead = true;
		uv_read_stop(s);
		if (x->closing)
			xc_tcp_finish(x);
		else
			xc_tcp_report(x, xc_tcp_errno((int)nread));
		return;
	}
	/* while closing, input is read and dropped */
	if (!x->closing && x->t.on_data)
		x->t.on_data(&x->t, (const uint8_t *)buf->base, (size_t)nread);
}

void xc_tcp_set_liveness(unsigned int liveness_ms)
{
	xc_tcp_liveness_ms = liveness_ms;
}

static void xc_tcp_sockopt(int fd, int level, int name, int val,
			   const char *what)
{
	if (setsockopt(fd, level, name, &val, sizeof(val)))
		pr_debug("%s: %s\n", what, strerror(errno));
}

/*
 * Probes after a third of the liveness time of quiet, XC_TCP_KEEPCNT of
 * them within the next third; unacknowledged data or probes fail the
 * connection after the whole of it.
 */
static void xc_tcp_liveness(struct xc_tcp *x)
{
	unsigned int ms = xc_tcp_liveness_ms;
	int idle = (int)XC_MAX(ms / 3000, 1u);
	int intvl = (int)XC_MAX(ms / 3000 / XC_TCP_KEEPCNT, 1u);
	uv_os_fd_t fd;

	if (!ms || uv_fileno((uv_handle_t *)&x->tcp, &fd))
		return;
	xc_tcp_sockopt(fd, SOL_SOCKET, SO_KEEPALIVE, 1, "SO_KEEPALIVE");
	xc_tcp_sockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, idle, "TCP_KEEPIDLE");
	xc_tcp_sockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, intvl, "TCP_KEEPINTVL");
	xc_tcp_sockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, XC_TCP_KEEPCNT,
		       "TCP_KEEPCNT");
	xc_tcp_sockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, (int)ms,
		       "TCP_USER_TIMEOUT");
}

static int xc_tcp_start(struct xc_transport *t)
{
	struct xc_tcp *x = xc_tcp_of(t);
	int err;

	if (x->closing)
		return -ENOTCONN;
	err = uv_tcp_nodelay(&x->tcp, 1);
	if (err)
		pr_debug("TCP_NODELAY: %s\n", uv_strerror(err));
	xc_tcp_liveness(x);
	err = uv_read_start((uv_stream_t *)&x->tcp, xc_tcp_alloc, xc_tcp_read);
	if (err)
		return xc_tcp_errno(err);
	x->started = true;
	x->reading = true;
	return 0;
}

static void xc_tcp_written(uv_write_t *req, int status)
{
	struct xc_tcp_write *w = (struct xc_tcp_write *)req;
	struct xc_tcp *x = req->handle->data;

	free(w->buf);
	free(w);
	if (status < 0 && status != UV_ECANCELED) {
		x->dead = true;
		xc_tcp_report(x, xc_tcp_errno(status));
	}
}

static int xc_tcp_write(struct xc_transport *t, uint8_t *buf, size_t len)
{
	struct xc_tcp *x = xc_tcp_of(t);
	struct xc_tcp_write *w;
	uv_buf_t b;
	int err;

	if (x->closing || x->dead) {
		err = -ENOTCONN;
		goto err_free;
	}
	if (len > UINT32_MAX ||
	    x->tcp.write_queue_size + len > XC_TCP_MAX_QUEUED) {
		err = -ENOBUFS;
		goto err_free;
	}
	w = malloc(sizeof(*w));
	if (!w) {
		err = -ENOMEM;
		goto err_free;
	}
	w->buf = buf;
	b = uv_buf_init((char *)buf, (unsigned int)len);
	err = uv_write(&w->req, (uv_stream_t *)&x->tcp, &b, 1, xc_tcp_written);
	if (err) {
		err = xc_tcp_errno(err);
		goto err_req;
	}
	return 0;
err_req:
	free(w);
err_free:
	free(buf);
	return err;
}

static void xc_tcp_linger_expired(uv_timer_t *timer)
{
	xc_tcp_finish(timer->data);
}

static void xc_tcp_shut(uv_shutdown_t *req, int status)
{
	struct xc_tcp *x = req->handle->data;

	/* wait for the peer's EOF unless there is nothing more to read */
	if (status < 0 || !x->reading)
		xc_tcp_finish(x);
}

static void xc_tcp_close(struct xc_transport *t)
{
	struct xc_tcp *x = xc_tcp_of(t);

	if (x->closing)
		return;
	x->closing = true;
	if (!x->started || x->dead || !uv_is_writable((uv_stream_t *)&x->tcp) ||
	    uv_shutdown(&x->shutdown_req, (uv_stream_t *)&x->tcp,
			xc_tcp_shut)) {
		xc_tcp_finish(x);
		return;
	}
	uv_timer_start(&x->linger, xc_tcp_linger_expired, XC_TCP_LINGER_MS, 0);
}

/* A reset instead of a FIN, and nothing queued is sent. */
static void xc_tcp_abort(struct xc_transport *t)
{
	struct xc_tcp *x = xc_tcp_of(t);
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	uv_os_fd_t fd;

	if (x->finishing)
		return;
	x->closing = true;
	x->dead = true;
	if (x->started && !uv_fileno((uv_handle_t *)&x->tcp, &fd) &&
	    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)))
		pr_debug("SO_LINGER: %s\n", strerror(errno));
	xc_tcp_finish(x);
}

static const struct xc_transport_ops xc_tcp_ops = {
	.start = xc_tcp_start,
	.write = xc_tcp_write,
	.close = xc_tcp_close,
	.abort = xc_tcp_abort,
};

struct xc_transport *xc_tcp_transport_new(uv_loop_t *loop)
{
	struct xc_tcp *x;

	x = calloc(1, sizeof(*x));
	if (!x)
		return NULL;
	if (uv_tcp_init(loop, &x->tcp))
		goto err_free;
	uv_timer_init(loop, &x->linger);
	x->tcp.data = x;
	x->linger.data = x;
	x->handles_open = 2;
	x->t.ops = &xc_tcp_ops;
	return &x->t;
err_free:
	free(x);
	return NULL;
}

uv_tcp_t *xc_tcp_transport_handle(struct xc_transport *t)
{
	return t ? &xc_tcp_of(t)->tcp : NULL;
}
