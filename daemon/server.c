/* Socket I/O around the batch: receive what is waiting, run it, publish, reply. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <zmq.h>

#include "docket/error.h"
#include "proto.h"
#include "server.h"

#define WELCOME "docket.welcome"
/* How long closing waits for replies and events still queued. */
#define CLOSE_LINGER_MS 2000

static int more(void *sock)
{
	int m = 0;
	size_t len = sizeof m;
	zmq_getsockopt(sock, ZMQ_RCVMORE, &m, &len);
	return m;
}

/* Receive one request's frames into e. Returns 0, or -1 when nothing is waiting. */
static int receive(void *router, struct batch_entry *e)
{
	zmq_msg_init(&e->route);
	zmq_msg_init(&e->payload);
	if (zmq_msg_recv(&e->route, router, ZMQ_DONTWAIT) < 0) {
		zmq_msg_close(&e->route);
		zmq_msg_close(&e->payload);
		return -1;
	}
	e->delimiter = e->malformed = 0;
	int frames = 1;
	while (more(router)) {
		zmq_msg_t part;
		zmq_msg_init(&part);
		/* The rest of a multipart message is already here: this does not block. */
		if (zmq_msg_recv(&part, router, 0) < 0) {
			zmq_msg_close(&part);
			e->malformed = 1;
			break;
		}
		frames++;
		if (frames == 3 && !e->delimiter) {
			/* What came second was the delimiter; it must be empty. */
			e->delimiter = 1;
			e->malformed |= zmq_msg_size(&e->payload) != 0;
		}
		if (frames <= 3)
			zmq_msg_move(&e->payload, &part);
		else
			e->malformed = 1;
		zmq_msg_close(&part);
	}
	e->malformed |= frames < 2;
	return 0;
}

static void publish(struct server *s)
{
	const struct outbox *o = &s->batch.outbox;
	for (size_t i = 0; i < o->n; i++) {
		const struct outbox_event *ev = &o->ev[i];
		/* XPUB never blocks: a subscriber past its high-water mark loses events. */
		zmq_send(s->xpub, ev->topic, strlen(ev->topic), ZMQ_SNDMORE | ZMQ_DONTWAIT);
		zmq_send(s->xpub, o->buf.data + ev->off, ev->len, ZMQ_DONTWAIT);
	}
}

static void reply(struct server *s)
{
	struct batch *b = &s->batch;
	for (size_t i = 0; i < b->n; i++) {
		struct batch_entry *e = &b->e[i];
		/* ROUTER drops replies to peers that have gone: nothing to handle here. */
		if (zmq_msg_send(&e->route, s->router, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0)
			continue;
		if (e->delimiter)
			zmq_send(s->router, "", 0, ZMQ_SNDMORE | ZMQ_DONTWAIT);
		zmq_send(s->router, b->replies.data + e->reply_off, e->reply_len, ZMQ_DONTWAIT);
	}
}

static void on_commands(void *router, void *arg)
{
	struct server *s = arg;
	struct batch *b = &s->batch;
	while (b->n < b->max && receive(router, &b->e[b->n]) == 0)
		b->n++;
	if (b->n == 0)
		return;
	batch_run(b);
	/* Events first: a client that has its reply finds the event already sent. */
	publish(s);
	reply(s);
	s->commands += b->n;
	s->batches++;
	batch_clear(b);
	zmq_watch_check(s->xpub_watch);
}

static void on_subscriptions(void *xpub, void *arg)
{
	(void)arg;
	/* Drain subscription messages so they do not pile up; libzmq keeps the filter. */
	zmq_msg_t m;
	zmq_msg_init(&m);
	for (int i = 0; i < 256 && zmq_msg_recv(&m, xpub, ZMQ_DONTWAIT) >= 0; i++)
		;
	zmq_msg_close(&m);
}

static int set(void *sock, int opt, const void *val, size_t len)
{
	return zmq_setsockopt(sock, opt, val, len);
}

/*
 * libzmq binds an ipc endpoint by unlinking whatever socket file is there,
 * so a second docketd would silently take over a running one's endpoint.
 * A socket file that accepts a connection is in use.
 */
static int ipc_in_use(const char *endpoint)
{
	const char *path = endpoint + strlen("ipc://");
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (strncmp(endpoint, "ipc://", 6) != 0 || path[0] == '@' ||
	    strlen(path) >= sizeof sa.sun_path)
		return 0;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	int used = connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
	close(fd);
	return used;
}

static int bind_socket(void *sock, const char *endpoint, const char *what, char *err, size_t errlen)
{
	if (ipc_in_use(endpoint)) {
		snprintf(err, errlen, "cannot bind the %s endpoint %s: %s", what, endpoint,
			 strerror(EADDRINUSE));
		errno = EADDRINUSE;
		return -DOCKET_EUNREACHABLE;
	}
	if (zmq_bind(sock, endpoint) == 0)
		return 0;
	int e = zmq_errno();
	snprintf(err, errlen, "cannot bind the %s endpoint %s: %s", what, endpoint, zmq_strerror(e));
	errno = e;
	return -DOCKET_EUNREACHABLE;
}

int server_open(struct server *s, struct event_base *base, const struct server_options *o,
		struct store *store, const struct principal *who, char *err, size_t errlen)
{
	memset(s, 0, sizeof *s);
	int rc = -DOCKET_ESYS;
	int64_t maxmsg = PROTO_MAX_FRAME;
	int linger = 0;
	if (batch_init(&s->batch, o->batch_max, store, who) < 0) {
		snprintf(err, errlen, "out of memory");
		return -DOCKET_ENOMEM;
	}
	if (!(s->zctx = zmq_ctx_new()) || !(s->router = zmq_socket(s->zctx, ZMQ_ROUTER)) ||
	    !(s->xpub = zmq_socket(s->zctx, ZMQ_XPUB))) {
		snprintf(err, errlen, "cannot create sockets: %s", zmq_strerror(zmq_errno()));
		goto fail;
	}
	if (set(s->router, ZMQ_MAXMSGSIZE, &maxmsg, sizeof maxmsg) < 0 ||
	    set(s->router, ZMQ_LINGER, &linger, sizeof linger) < 0 ||
	    set(s->xpub, ZMQ_LINGER, &linger, sizeof linger) < 0 ||
	    set(s->xpub, ZMQ_SNDHWM, &o->event_hwm, sizeof o->event_hwm) < 0 ||
	    set(s->xpub, ZMQ_MAXMSGSIZE, &maxmsg, sizeof maxmsg) < 0 ||
	    set(s->xpub, ZMQ_XPUB_WELCOME_MSG, WELCOME, strlen(WELCOME)) < 0) {
		snprintf(err, errlen, "cannot set socket options: %s", zmq_strerror(zmq_errno()));
		goto fail;
	}
	if ((rc = bind_socket(s->router, o->listen, "command", err, errlen)) < 0 ||
	    (rc = bind_socket(s->xpub, o->publish, "event", err, errlen)) < 0)
		goto fail;
	if ((rc = zmq_watch_new(&s->router_watch, base, s->router, on_commands, s)) < 0 ||
	    (rc = zmq_watch_new(&s->xpub_watch, base, s->xpub, on_subscriptions, s)) < 0) {
		snprintf(err, errlen, "cannot watch the sockets");
		goto fail;
	}
	return 0;
fail:;
	int saved = errno;
	server_close(s);
	errno = saved;
	return rc;
}

void server_close(struct server *s)
{
	zmq_watch_destroy(&s->router_watch);
	zmq_watch_destroy(&s->xpub_watch);
	int linger = CLOSE_LINGER_MS;
	if (s->router) {
		zmq_setsockopt(s->router, ZMQ_LINGER, &linger, sizeof linger);
		zmq_close(s->router);
	}
	if (s->xpub) {
		zmq_setsockopt(s->xpub, ZMQ_LINGER, &linger, sizeof linger);
		zmq_close(s->xpub);
	}
	if (s->zctx)
		zmq_ctx_term(s->zctx);
	s->router = s->xpub = s->zctx = NULL;
	if (s->batch.e)
		batch_free(&s->batch);
}
