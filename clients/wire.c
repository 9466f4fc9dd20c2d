/* Waiting for and reading whole ZeroMQ messages against a deadline. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "clock.h"
#include "libdocket.h"

int64_t wire_deadline(int timeout_ms)
{
	/* Counted from the next whole millisecond: a wait never ends short of its timeout. */
	return timeout_ms < 0 ? -1 : clock_ms() + 1 + timeout_ms;
}

int wire_remaining(int64_t deadline)
{
	if (deadline < 0)
		return -1;
	int64_t left = deadline - clock_ms();
	return left < 0 ? 0 : left > INT32_MAX ? INT32_MAX : (int)left;
}

int wire_poll(void *sock, int64_t deadline)
{
	return wire_wait(sock, ZMQ_POLLIN, NULL, false, deadline);
}

int wire_recv(void *sock, zmq_msg_t f[2], int *nf, int *parts)
{
	*nf = *parts = 0;
	for (;;) {
		/* Parts past the second are read only to be dropped, so the next message starts
		 * clean. */
		zmq_msg_t scratch, *part = *nf < 2 ? &f[*nf] : &scratch;
		zmq_msg_init(part);
		/* Callers poll first, yet a first part may still be spurious: do not block on it.
		 */
		if (zmq_msg_recv(part, sock, *parts == 0 ? ZMQ_DONTWAIT : 0) < 0) {
			int e = errno;
			zmq_msg_close(part);
			if (e == EINTR)
				continue;
			wire_close(f, *nf);
			*nf = 0;
			return e == EAGAIN && *parts == 0 ? -DOCKET_ETIMEDOUT : -DOCKET_ESYS;
		}
		(*parts)++;
		int more = zmq_msg_more(part);
		if (part == &scratch)
			zmq_msg_close(part);
		else
			(*nf)++;
		if (!more)
			return 0;
	}
}

void wire_close(zmq_msg_t f[2], int nf)
{
	for (int i = 0; i < nf; i++)
		zmq_msg_close(&f[i]);
}

int wire_socket(void **ctx, void **sock, int type)
{
	int zero = 0, one = 1;
	int64_t max = LIBDOCKET_MAX_FRAME;

	if (!(*ctx = zmq_ctx_new()) || !(*sock = zmq_socket(*ctx, type)))
		return -DOCKET_ESYS;
	/* LINGER 0: closing never waits for docketd. MAXMSGSIZE bounds what a peer can make us
	 * hold. */
	if (zmq_setsockopt(*sock, ZMQ_LINGER, &zero, sizeof zero) < 0 ||
	    zmq_setsockopt(*sock, ZMQ_IPV6, &one, sizeof one) < 0 ||
	    zmq_setsockopt(*sock, ZMQ_MAXMSGSIZE, &max, sizeof max) < 0)
		return -DOCKET_ESYS;
	return 0;
}

int wire_connect(void *sock, const char *endpoint)
{
	/* docketd serves tcp with CURVE only (PROTOCOL.md 2.1). */
	if (strncmp(endpoint, "tcp://", 6) == 0) {
		int rc = credentials_apply(sock);
		if (rc < 0)
			return rc;
	}
	if (zmq_connect(sock, endpoint) == 0)
		return 0;
	return errno == EINVAL || errno == EPROTONOSUPPORT || errno == ENOCOMPATPROTO
	           ? -DOCKET_EINVAL
	           : -DOCKET_ESYS;
}

void wire_destroy(void **ctx, void **sock)
{
	if (*sock)
		zmq_close(*sock);
	if (*ctx)
		zmq_ctx_term(*ctx);
	*sock = *ctx = NULL;
}

/*
 * Telling "docketd is not there" from "docketd is slow" (wire_watch). A
 * connecting socket only says whether it can send; libzmq keeps retrying a
 * refused connection in the background and never says why. Its monitor
 * does: each connection attempt that fails ends in ZMQ_EVENT_CLOSED, and
 * one that reaches a listener in ZMQ_EVENT_CONNECTED. So the monitor is
 * read only while a wait is under way, and a failed last attempt ends the
 * wait at once; a docketd that accepts and then says nothing (stopped,
 * overloaded) still gets the whole timeout. An explicit probe connection
 * would need the endpoint parsed (tcp host names, IPv6, interfaces) and
 * would reach docketd as a connection of its own; the monitor sees the
 * very attempts the socket makes.
 */
#define WATCH_ENDPOINT "inproc://docket.watch"
#define WATCH_EVENTS                                                                               \
	(ZMQ_EVENT_CONNECTED | ZMQ_EVENT_CONNECT_DELAYED | ZMQ_EVENT_CLOSED |                      \
	 ZMQ_EVENT_DISCONNECTED | ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH |  \
	 ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL)
/*
 * libzmq's monitor blocks its I/O thread when its queue is full (about
 * 2,000 events, minutes of a docketd that is away and a client that is
 * idle) and goes on when it is read. A read that finds this many or more
 * may end on news that is minutes old: then only a new event decides.
 */
#define WATCH_TRUST 500

int wire_watch_start(struct wire_watch *w, void *ctx, void *sock)
{
	int zero = 0;

	w->pair = NULL;
	w->link = WIRE_LINK_UNKNOWN;
	w->dropped = false;
	w->refused = WIRE_ACCEPTED;
	/* Each socket has a context of its own, so one inproc name serves every watch. */
	if (zmq_socket_monitor(sock, WATCH_ENDPOINT, WATCH_EVENTS) < 0)
		return -DOCKET_ESYS;
	if (!(w->pair = zmq_socket(ctx, ZMQ_PAIR)) ||
	    zmq_setsockopt(w->pair, ZMQ_LINGER, &zero, sizeof zero) < 0 ||
	    zmq_connect(w->pair, WATCH_ENDPOINT) < 0) {
		wire_watch_stop(w, sock);
		return -DOCKET_ESYS;
	}
	return 0;
}

/* Take every event waiting on the monitor, keeping what the last says of the link. */
int wire_watch_read(struct wire_watch *w)
{
	int count = 0;

	if (!w->pair)
		return 0;
	for (;;) {
		zmq_msg_t f[2];
		int nf, parts;
		uint16_t event;
		int rc = wire_recv(w->pair, f, &nf, &parts);
		if (rc == -DOCKET_ETIMEDOUT)
			break;
		if (rc < 0)
			return rc;
		count++;
		if (nf > 0 && zmq_msg_size(&f[0]) >= sizeof event) {
			memcpy(&event, zmq_msg_data(&f[0]), sizeof event);
			/*
			 * A refused key, or a handshake that fails (a wrong server key),
			 * fails again at each retry: no need to wait for it.
			 */
			if (event == ZMQ_EVENT_HANDSHAKE_SUCCEEDED)
				w->refused = WIRE_ACCEPTED;
			else if (event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH)
				w->refused = WIRE_KEY_REFUSED;
			else if (event & (ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
			                  ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL))
				w->refused = WIRE_HANDSHAKE_FAILED;
			if (event & (ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH |
			             ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
			             ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL)) {
				wire_close(f, nf);
				continue;
			}
			if (event == ZMQ_EVENT_CONNECTED)
				w->link = WIRE_LINK_UP;
			else if (event == ZMQ_EVENT_CLOSED)
				w->link = WIRE_LINK_DOWN;
			else /* an attempt under way, or one to come */
				w->link = WIRE_LINK_UNKNOWN;
			w->dropped |= event == ZMQ_EVENT_DISCONNECTED;
		}
		wire_close(f, nf);
	}
	if (count >= WATCH_TRUST)
		w->link = WIRE_LINK_UNKNOWN;
	return 0;
}

void wire_watch_stop(struct wire_watch *w, void *sock)
{
	if (!w->pair) {
		if (sock)
			zmq_socket_monitor(sock, NULL, 0);
		return;
	}
	/* Reading first frees an I/O thread stalled on a full monitor queue. */
	wire_watch_read(w);
	if (sock)
		zmq_socket_monitor(sock, NULL, 0);
	zmq_close(w->pair);
	w->pair = NULL;
}

int wire_wait(void *sock, short events, struct wire_watch *w, bool until_drop, int64_t deadline)
{
	if (!w || !w->pair) {
		zmq_pollitem_t item = {.socket = sock, .events = events};
		int n = zmq_poll(&item, 1, wire_remaining(deadline));
		if (n < 0)
			return errno == EINTR ? -DOCKET_EINTR : -DOCKET_ESYS;
		return n == 0 ? -DOCKET_ETIMEDOUT : 0;
	}
	for (;;) {
		int rc = wire_watch_read(w);
		if (rc < 0)
			return rc;
		bool down = w->link == WIRE_LINK_DOWN || w->refused || (until_drop && w->dropped);
		zmq_pollitem_t items[2] = {{.socket = sock, .events = events},
		                           {.socket = w->pair, .events = ZMQ_POLLIN}};
		int n = zmq_poll(items, 2, down ? 0 : wire_remaining(deadline));
		if (n < 0)
			return errno == EINTR ? -DOCKET_EINTR : -DOCKET_ESYS;
		if (items[0].revents)
			return 0;
		if (down)
			return -DOCKET_EUNREACHABLE;
		if (n == 0)
			return -DOCKET_ETIMEDOUT;
	}
}

const char *wire_down_reason(const char *endpoint, const struct wire_watch *w)
{
	struct stat st;
	if (w && w->refused == WIRE_KEY_REFUSED)
		return "docketd refused this client's key";
	if (w && w->refused == WIRE_HANDSHAKE_FAILED)
		return "CURVE handshake failed: wrong server key?";
	/* An ipc endpoint names a file; "@" names an abstract socket, which has none. */
	if (strncmp(endpoint, "ipc://", 6) == 0 && endpoint[6] != '@' &&
	    stat(endpoint + 6, &st) < 0 && errno == ENOENT)
		return "no such socket file";
	return "connection refused";
}

#define RETRY_FIRST_MS 100
#define RETRY_LAST_MS 2000

void wire_retry_later(struct wire_retry *r)
{
	r->ms = r->ms ? (r->ms * 2 > RETRY_LAST_MS ? RETRY_LAST_MS : r->ms * 2) : RETRY_FIRST_MS;
	r->at = wire_deadline(r->ms);
}

void wire_retry_now(struct wire_retry *r)
{
	r->at = 0;
	r->ms = 0;
}

int64_t wire_retry_until(const struct wire_retry *r, int64_t deadline)
{
	return deadline >= 0 && deadline < r->at ? deadline : r->at;
}
