/* The event subscription: a SUB socket on docketd's XPUB, welcome first, then events. */
#include <stdlib.h>
#include <string.h>

#include "libdocket.h"

/* docketd's XPUB sends this single frame to each new subscriber (ZMQ_XPUB_WELCOME_MSG). */
#define WELCOME "docket.welcome"

struct docket_sub {
	void *ctx;
	void *sock;
};

static bool is_welcome(zmq_msg_t f[2], int parts)
{
	size_t n = strlen(WELCOME);
	return parts == 1 && zmq_msg_size(&f[0]) == n &&
	       memcmp(zmq_msg_data(&f[0]), WELCOME, n) == 0;
}

static int subscribe(void *sock, const char *prefix)
{
	return zmq_setsockopt(sock, ZMQ_SUBSCRIBE, prefix, strlen(prefix)) < 0 ? -DOCKET_ESYS : 0;
}

/* Wait for the welcome, dropping anything before it: events are promised only after it. */
static int await_welcome(docket_sub *s, int timeout_ms)
{
	int64_t deadline = wire_deadline(timeout_ms);
	for (;;) {
		zmq_msg_t f[2];
		int nf, parts, rc;
		if ((rc = wire_poll(s->sock, deadline)) == -DOCKET_EINTR)
			continue;
		if (rc == -DOCKET_ETIMEDOUT)
			return -DOCKET_EUNREACHABLE;
		if (rc < 0)
			return rc;
		if ((rc = wire_recv(s->sock, f, &nf, &parts)) == -DOCKET_ETIMEDOUT)
			continue;
		if (rc < 0)
			return rc;
		bool welcome = is_welcome(f, parts);
		wire_close(f, nf);
		if (welcome)
			return 0;
	}
}

int docket_sub_new(docket_sub **out, const char *endpoint, const char *const *prefixes,
                   int timeout_ms)
{
	int rc;
	docket_sub *s = NULL;

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
	if (!prefixes || !prefixes[0]) {
		rc = subscribe(s->sock, "");
	} else {
		for (size_t i = 0; prefixes[i] && rc == 0; i++)
			rc = subscribe(s->sock, prefixes[i]);
	}
	if (rc == 0)
		rc = subscribe(s->sock, WELCOME);
	if (rc < 0 || (rc = wire_connect(s->sock, endpoint)) < 0 ||
	    (rc = await_welcome(s, timeout_ms)) < 0)
		goto out;
	*out = s;
	s = NULL;
	rc = 0;
out:
	docket_sub_destroy(&s);
	return rc;
}

void docket_sub_destroy(docket_sub **s)
{
	if (!s || !*s)
		return;
	wire_destroy(&(*s)->ctx, &(*s)->sock);
	free(*s);
	*s = NULL;
}

/* Decode an event's two frames: a topic and a msgpack map. */
static int decode_event(zmq_msg_t f[2], docket_msg **out)
{
	docket_msg *m = NULL;
	int rc = msg_decode(zmq_msg_data(&f[1]), zmq_msg_size(&f[1]), &m);
	if (rc == 0 && m->root->type != CODEC_MAP)
		rc = -DOCKET_EPROTO;
	if (rc == 0)
		rc = msg_set_topic(m, zmq_msg_data(&f[0]), zmq_msg_size(&f[0]));
	if (rc < 0)
		docket_msg_destroy(&m);
	*out = m;
	return rc;
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
		zmq_msg_t f[2];
		int nf, parts;
		int rc = wire_poll(s->sock, deadline);
		if (rc < 0)
			return rc;
		if ((rc = wire_recv(s->sock, f, &nf, &parts)) == -DOCKET_ETIMEDOUT)
			continue;
		if (rc < 0)
			return rc;
		/* A reconnect brings another welcome; it is not an event. */
		if (is_welcome(f, parts)) {
			wire_close(f, nf);
			continue;
		}
		rc = parts == 2 ? decode_event(f, event) : -DOCKET_EPROTO;
		wire_close(f, nf);
		return rc;
	}
}
