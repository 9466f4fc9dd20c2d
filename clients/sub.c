/* The event subscription: a SUB socket on docketd's XPUB, welcome first, then events. */
#include <stdlib.h>
#include <string.h>

#include "libdocket.h"

/* Control messages (PROTOCOL.md 6.1): never events, whatever the subscriber's prefixes. */
#define CONTROL "docket."
#define WELCOME "docket.welcome"
#define HEARTBEAT "docket.heartbeat"
#define BATCH "docket.batch"

struct docket_sub {
	void *ctx;
	void *sock;
	docket_msg *batch; /* a docket.batch being handed out by docket_sub_recv */
	uint32_t taken;
};

static bool frame_is(zmq_msg_t *f, const char *s)
{
	size_t n = strlen(s);
	return zmq_msg_size(f) == n && memcmp(zmq_msg_data(f), s, n) == 0;
}

static bool frame_starts(zmq_msg_t *f, const char *s)
{
	size_t n = strlen(s);
	return zmq_msg_size(f) >= n && memcmp(zmq_msg_data(f), s, n) == 0;
}

static int subscribe(void *sock, const char *prefix)
{
	return zmq_setsockopt(sock, ZMQ_SUBSCRIBE, prefix, strlen(prefix)) < 0 ? -DOCKET_ESYS : 0;
}

/*
 * Wait for the welcome, dropping anything before it: events are promised
 * only after it. Watching the connection tells a refused one at once.
 */
static int await_welcome(docket_sub *s, struct wire_watch *w, int64_t deadline)
{
	for (;;) {
		zmq_msg_t f[2];
		int nf, parts, rc;
		if ((rc = wire_wait(s->sock, ZMQ_POLLIN, w, false, deadline)) == -DOCKET_EINTR)
			continue;
		if (rc == -DOCKET_ETIMEDOUT)
			return -DOCKET_EUNREACHABLE;
		if (rc < 0)
			return rc;
		if ((rc = wire_recv(s->sock, f, &nf, &parts)) == -DOCKET_ETIMEDOUT)
			continue;
		if (rc < 0)
			return rc;
		bool welcome = parts == 1 && frame_is(&f[0], WELCOME);
		wire_close(f, nf);
		if (welcome)
			return 0;
	}
}

int sub_open(docket_sub **out, const char *endpoint, const char *const *prefixes, bool heartbeats,
             int64_t deadline)
{
	int rc;
	docket_sub *s = NULL;
	struct wire_watch w = {NULL, WIRE_LINK_UNKNOWN, false, WIRE_ACCEPTED};

	if (!out)
		return -DOCKET_EINVAL;
	*out = NULL;
	/* An empty variable counts as unset; an empty argument is a bad endpoint. */
	if (!endpoint && (!(endpoint = getenv(DOCKET_ENV_EVENTS)) || !*endpoint))
		endpoint = DOCKET_DEFAULT_EVENTS;

	if (!(s = calloc(1, sizeof *s))) {
		rc = -DOCKET_ENOMEM;
		goto out;
	}
	if ((rc = wire_socket(&s->ctx, &s->sock, ZMQ_SUB)) < 0)
		goto out;
	/*
	 * Subscribe before connecting so that the subscriptions travel with the
	 * handshake, and to the welcome last: docketd answers that request with
	 * the welcome once it has read it, and so every subscription before it.
	 * The welcome's own subscription is its exact name, so it lets no event in.
	 */
	/*
	 * Every event: in docket.batch messages, one per commit. The empty
	 * prefix would bring each event twice, alone and in its batch.
	 */
	bool all = !prefixes || !prefixes[0];
	for (size_t i = 0; !all && prefixes[i]; i++)
		all = !*prefixes[i];
	if (all) {
		rc = subscribe(s->sock, BATCH);
	} else {
		for (size_t i = 0; prefixes[i] && rc == 0; i++)
			rc = subscribe(s->sock, prefixes[i]);
	}
	if (rc == 0 && heartbeats)
		rc = subscribe(s->sock, HEARTBEAT);
	if (rc == 0)
		rc = subscribe(s->sock, WELCOME);
	/* The watch is needed only until the welcome: afterwards the socket reconnects alone. */
	if (rc < 0 || (rc = wire_watch_start(&w, s->ctx, s->sock)) < 0 ||
	    (rc = wire_connect(s->sock, endpoint)) < 0 || (rc = await_welcome(s, &w, deadline)) < 0)
		goto out;
	wire_watch_stop(&w, s->sock);
	*out = s;
	s = NULL;
	rc = 0;
out:
	if (s)
		wire_watch_stop(&w, s->sock);
	docket_sub_destroy(&s);
	return rc;
}

int docket_sub_new(docket_sub **out, const char *endpoint, const char *const *prefixes,
                   int timeout_ms)
{
	return sub_open(out, endpoint, prefixes, false, wire_deadline(timeout_ms));
}

void docket_sub_destroy(docket_sub **s)
{
	if (!s || !*s)
		return;
	wire_destroy(&(*s)->ctx, &(*s)->sock);
	docket_msg_destroy(&(*s)->batch);
	free(*s);
	*s = NULL;
}

/* Decode a message of two frames: a topic and a msgpack map (or array: a batch). */
static int decode_event(zmq_msg_t f[2], docket_msg **out, int type)
{
	docket_msg *m = NULL;
	int rc = msg_decode(zmq_msg_data(&f[1]), zmq_msg_size(&f[1]), &m);
	if (rc == 0 && m->root->type != type)
		rc = -DOCKET_EPROTO;
	if (rc == 0)
		rc = msg_set_topic(m, zmq_msg_data(&f[0]), zmq_msg_size(&f[0]));
	if (rc < 0)
		docket_msg_destroy(&m);
	*out = m;
	return rc;
}

int sub_next(docket_sub *s, int64_t deadline, docket_msg **m, enum sub_kind *kind)
{
	*m = NULL;
	*kind = SUB_EVENT;
	for (;;) {
		zmq_msg_t f[2];
		int nf, parts;
		int rc = wire_poll(s->sock, deadline);
		if (rc < 0)
			return rc;
		if ((rc = wire_recv(s->sock, f, &nf, &parts)) == -DOCKET_ETIMEDOUT)
			continue;
		if (rc < 0)
			return rc;
		if (!frame_starts(&f[0], CONTROL)) {
			*kind = SUB_EVENT;
			rc = parts == 2 ? decode_event(f, m, CODEC_MAP) : -DOCKET_EPROTO;
		} else if (parts == 1 && frame_is(&f[0], WELCOME)) {
			*kind = SUB_WELCOME;
		} else if (parts == 2 && frame_is(&f[0], HEARTBEAT)) {
			*kind = SUB_HEARTBEAT;
			rc = decode_event(f, m, CODEC_MAP);
		} else if (parts == 2 && frame_is(&f[0], BATCH)) {
			*kind = SUB_BATCH;
			rc = decode_event(f, m, CODEC_ARRAY);
		} else {
			*kind = SUB_CONTROL;
		}
		wire_close(f, nf);
		return rc;
	}
}

int docket_sub_recv(docket_sub *s, docket_msg **event, int timeout_ms)
{
	if (!event)
		return -DOCKET_EINVAL;
	*event = NULL;
	if (!s)
		return -DOCKET_EINVAL;
	int64_t deadline = wire_deadline(timeout_ms);
	for (;;) {
		if (s->batch) {
			const struct msg_node *events = s->batch->root;
			if (s->taken < events->len) {
				int rc = msg_event(&events->u.kids[s->taken], event);
				if (rc != -DOCKET_ENOMEM)
					s->taken++;
				return rc;
			}
			docket_msg_destroy(&s->batch);
		}
		enum sub_kind kind;
		int rc = sub_next(s, deadline, event, &kind);
		/* A control message is not an event, not even a malformed one. */
		if (rc == -DOCKET_EPROTO && kind != SUB_EVENT)
			continue;
		if (rc < 0 || kind == SUB_EVENT)
			return rc;
		if (kind == SUB_BATCH) {
			s->batch = *event;
			s->taken = 0;
			*event = NULL;
			continue;
		}
		docket_msg_destroy(event);
	}
}
