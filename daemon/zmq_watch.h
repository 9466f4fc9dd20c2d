/* The one adapter between ZeroMQ sockets and the libevent loop. */
#ifndef DOCKET_ZMQ_WATCH_H
#define DOCKET_ZMQ_WATCH_H

#include <event2/event.h>

struct zmq_watch;

/* Called when the socket has a message; should take a bounded amount and return. */
typedef void (*zmq_watch_fn)(void *sock, void *arg);

/*
 * Watch sock in base. Returns 0, -DOCKET_ESYS or -DOCKET_ENOMEM.
 * *out is owned by the caller: free with zmq_watch_destroy (before the socket).
 */
int zmq_watch_new(struct zmq_watch **out, struct event_base *base, void *sock, zmq_watch_fn fn,
		  void *arg);
void zmq_watch_destroy(struct zmq_watch **w);

/*
 * Call after sending on the socket from outside its callback: ZMQ_FD is
 * edge-triggered and a send can consume the edge of a pending message.
 */
void zmq_watch_check(struct zmq_watch *w);

#endif
