/* ZMQ_FD is edge-triggered: after every wake-up read ZMQ_EVENTS until it says no more. */
#include <stdlib.h>
#include <zmq.h>

#include "docket/error.h"
#include "zmq_watch.h"

struct zmq_watch {
	struct event *ev;
	void *sock;
	zmq_watch_fn fn;
	void *arg;
};

static int readable(void *sock)
{
	int events = 0;
	size_t len = sizeof events;
	if (zmq_getsockopt(sock, ZMQ_EVENTS, &events, &len) < 0)
		return 0;
	return events & ZMQ_POLLIN;
}

static void on_fd(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct zmq_watch *w = arg;
	if (!readable(w->sock))
		return;
	w->fn(w->sock, w->arg);
	/*
	 * More may be waiting, and the fd will not signal it again. Come back
	 * through the loop rather than looping here, so that signals and the
	 * other socket get their turn under sustained load.
	 */
	if (readable(w->sock))
		event_active(w->ev, EV_READ, 0);
}

int zmq_watch_new(struct zmq_watch **out, struct event_base *base, void *sock, zmq_watch_fn fn,
		  void *arg)
{
	*out = NULL;
	int fd;
	size_t len = sizeof fd;
	if (zmq_getsockopt(sock, ZMQ_FD, &fd, &len) < 0)
		return -DOCKET_ESYS;
	struct zmq_watch *w = calloc(1, sizeof *w);
	if (!w)
		return -DOCKET_ENOMEM;
	w->sock = sock;
	w->fn = fn;
	w->arg = arg;
	w->ev = event_new(base, fd, EV_READ | EV_PERSIST, on_fd, w);
	if (!w->ev || event_add(w->ev, NULL) < 0) {
		zmq_watch_destroy(&w);
		return -DOCKET_ESYS;
	}
	/* Messages may already be queued, and their edge is gone. */
	zmq_watch_check(w);
	*out = w;
	return 0;
}

void zmq_watch_destroy(struct zmq_watch **wp)
{
	struct zmq_watch *w = *wp;
	if (!w)
		return;
	if (w->ev)
		event_free(w->ev);
	free(w);
	*wp = NULL;
}

void zmq_watch_check(struct zmq_watch *w)
{
	if (readable(w->sock))
		event_active(w->ev, EV_READ, 0);
}
