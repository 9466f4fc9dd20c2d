/* Private declarations shared by libdocket's files; never installed. */
#ifndef DOCKET_LIBDOCKET_H
#define DOCKET_LIBDOCKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <msgpack.h>
#include <zmq.h>

#include "codec.h"
#include "docket/docket.h"

/*
 * Largest frame libdocket accepts from docketd (ZMQ_MAXMSGSIZE on its
 * sockets). Larger than the 4 MiB of a request because replies such as
 * history or meetings can legitimately be bigger; it bounds what a decoded
 * message can cost in memory.
 */
#define LIBDOCKET_MAX_FRAME (16 * 1024 * 1024)

/*
 * One decoded msgpack value. Strings, bin and ext bodies are copied and
 * NUL-terminated; a map's kids alternate key, value.
 */
struct msg_node {
	uint8_t type;    /* enum codec_type */
	int8_t ext_type; /* CODEC_EXT only */
	uint32_t len;    /* bytes of STR/BIN/EXT, elements of ARRAY, pairs of MAP */
	union {
		bool b;
		int64_t i;
		uint64_t u;
		double f;
		const char *s;         /* STR, BIN, EXT */
		struct msg_node *kids; /* ARRAY: len nodes; MAP: 2 * len nodes */
	} u;
};

struct docket_msg {
	struct msg_node *root;
	char *topic; /* events only */
	void *block; /* one allocation holding every node and string */
};

/*
 * Validate buf with codec_validate(codec_default_limits) and decode it into
 * a new message. Nothing is allocated before validation succeeds, and then
 * only in proportion to len. Returns 0, -DOCKET_EPROTO (malformed or over
 * a limit) or -DOCKET_ENOMEM; on success the caller owns *out.
 */
int msg_decode(const void *buf, size_t len, docket_msg **out);

/*
 * Set sock's CURVE keys for a tcp endpoint, found as docket(1) says.
 * Returns 0 or -DOCKET_EAUTH, with docket_credentials_error saying why.
 */
int credentials_apply(void *sock);

/* Give an event its topic (len bytes, copied). Returns 0, -DOCKET_EPROTO or -DOCKET_ENOMEM. */
int msg_set_topic(docket_msg *m, const char *topic, size_t len);

/* The node at a dotted path (NULL or "" is the root), or NULL when there is none. */
const struct msg_node *msg_find(const docket_msg *m, const char *path);

/* Append r as a request map with v = 1, op and id to sb. Returns 0 or -DOCKET_ENOMEM. */
int request_pack(const docket_request *r, uint64_t id, msgpack_sbuffer *sb);

/* An absolute deadline timeout_ms from now; -1 (none) for a negative timeout. */
int64_t wire_deadline(int timeout_ms);

/* Milliseconds left until deadline for zmq_poll: 0 when past, -1 for none. */
int wire_remaining(int64_t deadline);

/* Wait until sock can be read. Returns 0, -DOCKET_ETIMEDOUT, -DOCKET_EINTR or -DOCKET_ESYS. */
int wire_poll(void *sock, int64_t deadline);

/*
 * Receive one whole message from sock without blocking on its first frame,
 * keeping its first two frames in f (*nf of them; close with wire_close)
 * and counting all of them in *parts. Returns 0, -DOCKET_ETIMEDOUT when no
 * message was waiting, or -DOCKET_ESYS (then nothing is kept).
 */
int wire_recv(void *sock, zmq_msg_t f[2], int *nf, int *parts);
void wire_close(zmq_msg_t f[2], int nf);

/*
 * A new context and socket of type with libdocket's options (LINGER 0,
 * IPv6, MAXMSGSIZE). Returns 0 or -DOCKET_ESYS; on failure whatever was
 * made is left in *ctx and *sock for wire_destroy.
 */
int wire_socket(void **ctx, void **sock, int type);

/* Connect sock. Returns 0, -DOCKET_EINVAL (malformed endpoint) or -DOCKET_ESYS. */
int wire_connect(void *sock, const char *endpoint);

/* Close the socket and end the context; NULL-safe; clears both. */
void wire_destroy(void **ctx, void **sock);

/* What a connecting socket's monitor last said of its connection to docketd. */
enum wire_link {
	WIRE_LINK_UNKNOWN, /* no word yet, or an attempt under way */
	WIRE_LINK_UP,      /* connected to a listener, whether or not it answers */
	WIRE_LINK_DOWN,    /* the last attempt failed: refused, or no socket file */
};

/* How the last CURVE handshake ended. */
enum wire_refusal {
	WIRE_ACCEPTED,         /* let in, or no handshake failed yet */
	WIRE_KEY_REFUSED,      /* docketd's ZAP handler refused the key */
	WIRE_HANDSHAKE_FAILED, /* the handshake broke: a wrong server key, or not CURVE */
};

/* A socket's monitor, read while waiting on it (wire.c says why). */
struct wire_watch {
	void *pair; /* receives the monitor's events; NULL when not watching */
	enum wire_link link;
	bool dropped; /* a connection was lost since the caller last cleared this */
	enum wire_refusal refused; /* the last handshake's outcome, while not accepted since */
};

/*
 * Watch sock, made in ctx, before it connects so that the first attempt is
 * seen. Returns 0 or -DOCKET_ESYS (nothing is left watching).
 */
int wire_watch_start(struct wire_watch *w, void *ctx, void *sock);

/* Stop watching sock (NULL: it is already closed); safe on a watch never started. */
void wire_watch_stop(struct wire_watch *w, void *sock);

/* Take the events waiting on w's monitor. Returns 0 or -DOCKET_ESYS. */
int wire_watch_read(struct wire_watch *w);

/*
 * Wait until sock has events (ZMQ_POLLIN or ZMQ_POLLOUT), reading w (may be
 * NULL) meanwhile. Returns 0, -DOCKET_EUNREACHABLE as soon as the link is
 * down or docketd refused the key (w->refused) (or, with until_drop, as soon as w->dropped is set), -DOCKET_ETIMEDOUT
 * at deadline, -DOCKET_EINTR or -DOCKET_ESYS. Events already waiting on sock
 * count first.
 */
int wire_wait(void *sock, short events, struct wire_watch *w, bool until_drop, int64_t deadline);

/*
 * Why a down link to endpoint is down: "no such socket file", "connection
 * refused", or that docketd refused the key (w, which may be NULL, says).
 */
const char *wire_down_reason(const char *endpoint, const struct wire_watch *w);

/*
 * Attempts while docketd is away (the stream's and the cursor's): the first
 * again after 100 ms, then twice as long each time up to 2 s, so that a long
 * absence costs little and a short one is over quickly.
 */
struct wire_retry {
	int64_t at; /* no attempt before then (wire_deadline time); 0: go now */
	int ms;     /* the last wait, 0 after a success */
};
void wire_retry_later(struct wire_retry *r);
void wire_retry_now(struct wire_retry *r);
/* The deadline of the wait: r->at, or deadline when that comes first. */
int64_t wire_retry_until(const struct wire_retry *r, int64_t deadline);

/* ---- the command connection, for the stream and the cursor ---- */

/* How long a query may go unanswered (docketd killed under it) before it is sent again. */
#define CLIENT_QUERY_LIMIT_MS 5000

/*
 * A request kept in flight across waits. docket_client_call gives up its
 * request when its wait ends; a query does not, so a caller can return at
 * its own deadline and take the reply at its next wait. Only the query's
 * own limit gives it up.
 */
struct client_query {
	uint64_t id;     /* 0: none in flight */
	int64_t expires; /* when it is given up as lost (wire_deadline time) */
};

/*
 * Send r as q, which must have none in flight, waiting no later than
 * deadline to queue it; it is given up limit_ms from now. Returns 0,
 * -DOCKET_EUNREACHABLE (docketd is not there, or did not take it by
 * deadline), -DOCKET_ETOOLARGE, -DOCKET_ENOMEM or -DOCKET_ESYS.
 */
int client_query_send(docket_client *c, struct client_query *q, const docket_request *r,
                      int64_t deadline, int limit_ms);

/*
 * Wait until deadline for q's reply. Returns 0 with *reply (ok), the
 * refusal's code with *reply, -DOCKET_ETIMEDOUT (the deadline came first;
 * q stays in flight), -DOCKET_EUNREACHABLE (q's limit passed, or the
 * connection it went out on was lost: q is given up), -DOCKET_EPROTO (its
 * reply was not valid protocol; q is done), -DOCKET_ENOMEM or -DOCKET_ESYS.
 * The caller frees *reply.
 */
int client_query_wait(docket_client *c, struct client_query *q, int64_t deadline,
                      docket_msg **reply);

/* Give q up: its reply, should it come, is dropped. */
void client_query_drop(docket_client *c, struct client_query *q);

/* ---- the event socket, for docket_sub_recv, the stream and the cursor ---- */

/* What a message on the event socket is. */
enum sub_kind {
	SUB_EVENT,     /* an event */
	SUB_WELCOME,   /* docket.welcome: docketd has read the subscriptions */
	SUB_HEARTBEAT, /* docket.heartbeat, with its map */
	SUB_BATCH,     /* docket.batch, with its array of events */
	SUB_CONTROL,   /* another control message, kept for a later revision */
};

/*
 * docket_sub_new's work: subscribe to prefixes (NULL or empty: everything),
 * to docket.heartbeat as well when heartbeats, and wait until deadline for
 * the welcome. Returns as docket_sub_new.
 */
int sub_open(docket_sub **out, const char *endpoint, const char *const *prefixes, bool heartbeats,
             int64_t deadline);

/*
 * Wait until deadline for the next message, control messages included.
 * Returns 0 with *kind and, for events and heartbeats, *m (the caller frees
 * it); -DOCKET_ETIMEDOUT, -DOCKET_EINTR, -DOCKET_EPROTO (a message that is
 * not valid protocol, skipped), -DOCKET_ENOMEM or -DOCKET_ESYS.
 */
int sub_next(docket_sub *s, int64_t deadline, docket_msg **m, enum sub_kind *kind);

/* ---- following the log (stream.c, cursor.c) ---- */

/*
 * How a stream or cursor starts, from since (docket_stream_new): *kind is
 * 'n' (NULL or "now"), 's' (digits: *seq is N) or 't' (a time, left to
 * docketd to read). Returns 0 or -DOCKET_EINVAL ("" or digits past int64_t).
 */
int since_parse(const char *since, char *kind, int64_t *seq);

/*
 * Copy prefixes (NULL-terminated) into *out, NULL-terminated, or make *out
 * NULL when they let every event in (none, or ""). Returns 0 or
 * -DOCKET_ENOMEM; either way the caller frees *out with prefixes_free.
 */
int prefixes_copy(const char *const *prefixes, char ***out);
void prefixes_free(char **p);

/*
 * A copy of an event map inside another message (a page of the events
 * query or of fetch) as an event of its own, its topic its type. Returns 0,
 * -DOCKET_EPROTO (not a map with a string type) or -DOCKET_ENOMEM.
 */
int msg_event(const struct msg_node *node, docket_msg **out);

/* The integer under key in map node, or -1 when there is none. */
int64_t msg_node_int(const struct msg_node *node, const char *key);

#endif
