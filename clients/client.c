/* The command connection: a DEALER socket to docketd, requests out, replies matched by id. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zmq.h>

#include "libdocket.h"
#include "proto.h"

/* Requests sent and not yet answered are remembered up to this many. */
#define PENDING_MAX 4096

/* A request sent and not yet answered, oldest first. */
struct pending {
	uint64_t id;
	bool abandoned; /* its call timed out: its reply, if it comes, is dropped */
};

struct docket_client {
	void *ctx;
	void *sock;
	struct wire_watch watch; /* tells a refused connection from a slow docketd */
	char *endpoint;
	int timeout_ms;
	char reason[48]; /* docket_client_reason */
	uint64_t last_id;
	struct pending *pending;
	size_t npending;
	size_t cap;
};

const char *docket_version(void)
{
	return DOCKET_VERSION;
}

int docket_client_new(docket_client **out, const char *endpoint)
{
	int rc;
	docket_client *c = NULL;
	int one = 1;

	if (!out)
		return -DOCKET_EINVAL;
	*out = NULL;
	/* An empty variable counts as unset; an empty argument is a bad endpoint. */
	if (!endpoint && (!(endpoint = getenv(DOCKET_ENV_ENDPOINT)) || !*endpoint))
		endpoint = DOCKET_DEFAULT_ENDPOINT;

	if (!(c = calloc(1, sizeof *c)) || !(c->endpoint = strdup(endpoint))) {
		rc = -DOCKET_ENOMEM;
		goto out;
	}
	c->timeout_ms = DOCKET_DEFAULT_TIMEOUT_MS;
	if ((rc = wire_socket(&c->ctx, &c->sock, ZMQ_DEALER)) < 0)
		goto out;
	/*
	 * ZMQ_IMMEDIATE: queue requests only on a completed connection, so that
	 * with docketd absent a send times out (SNDTIMEO) instead of parking the
	 * request to be applied whenever docketd appears.
	 */
	rc = -DOCKET_ESYS;
	if (zmq_setsockopt(c->sock, ZMQ_IMMEDIATE, &one, sizeof one) < 0)
		goto out;
	if ((rc = wire_watch_start(&c->watch, c->ctx, c->sock)) < 0 ||
	    (rc = wire_connect(c->sock, endpoint)) < 0)
		goto out;
	*out = c;
	c = NULL;
	rc = 0;
out:
	docket_client_destroy(&c);
	return rc;
}

void docket_client_destroy(docket_client **c)
{
	if (!c || !*c)
		return;
	wire_watch_stop(&(*c)->watch, (*c)->sock);
	wire_destroy(&(*c)->ctx, &(*c)->sock);
	free((*c)->pending);
	free((*c)->endpoint);
	free(*c);
	*c = NULL;
}

void docket_client_set_timeout(docket_client *c, int timeout_ms)
{
	if (c)
		c->timeout_ms = timeout_ms < 0 ? -1 : timeout_ms;
}

const char *docket_client_endpoint(const docket_client *c)
{
	return c ? c->endpoint : NULL;
}

const char *docket_client_reason(const docket_client *c)
{
	return c ? c->reason : "";
}

static void no_reply(docket_client *c, int waited_ms)
{
	snprintf(c->reason, sizeof c->reason, "no reply within %.1f s", waited_ms / 1000.0);
}

static void pending_drop(docket_client *c, size_t n)
{
	memmove(c->pending, c->pending + n, (c->npending - n) * sizeof *c->pending);
	c->npending -= n;
}

/* Room for one more pending request; the oldest is forgotten past PENDING_MAX. */
static int pending_reserve(docket_client *c)
{
	if (c->npending >= PENDING_MAX)
		pending_drop(c, 1);
	if (c->npending < c->cap)
		return 0;
	size_t cap = c->cap ? 2 * c->cap : 16;
	struct pending *p = realloc(c->pending, cap * sizeof *p);
	if (!p)
		return -DOCKET_ENOMEM;
	c->pending = p;
	c->cap = cap;
	return 0;
}

static void abandon(docket_client *c, uint64_t id)
{
	for (size_t i = 0; i < c->npending; i++)
		if (c->pending[i].id == id)
			c->pending[i].abandoned = true;
}

/*
 * Send the delimiter and the request frame, waiting no later than deadline.
 * Once connected the first try succeeds, so a request costs what zmq_send
 * costs; only a socket that cannot send (not connected: ZMQ_IMMEDIATE, or
 * its high-water mark reached) waits, watching how its connection fares.
 */
static int send_frames(docket_client *c, const void *buf, size_t len, int64_t deadline)
{
	for (;;) {
		if (zmq_send(c->sock, "", 0, ZMQ_SNDMORE | ZMQ_DONTWAIT) == 0)
			break;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			return -DOCKET_ESYS;
		int rc = wire_wait(c->sock, ZMQ_POLLOUT, &c->watch, false, deadline);
		if (rc == -DOCKET_EUNREACHABLE)
			snprintf(c->reason, sizeof c->reason, "%s", wire_down_reason(c->endpoint, &c->watch));
		if (rc < 0 && rc != -DOCKET_EINTR)
			return rc;
	}
	/* The high-water mark holds back only whole messages, so the rest of one goes at once. */
	while (zmq_send(c->sock, buf, len, 0) < 0)
		if (errno != EINTR)
			return -DOCKET_ESYS;
	return 0;
}

static int send_request(docket_client *c, const docket_request *r, int64_t deadline, uint64_t *id)
{
	int rc;
	msgpack_sbuffer sb;

	msgpack_sbuffer_init(&sb);
	*id = ++c->last_id;
	if ((rc = request_pack(r, *id, &sb)) < 0 || (rc = pending_reserve(c)) < 0)
		goto out;
	/*
	 * A frame past docketd's ZMQ_MAXMSGSIZE would cost the connection and get
	 * no reply. Smaller ones over its request limit it answers itself, with
	 * too_large and a nil id, which next_reply matches by order.
	 */
	rc = -DOCKET_ETOOLARGE;
	if (sb.size > PROTO_MAX_FRAME)
		goto out;
	if ((rc = send_frames(c, sb.data, sb.size, deadline)) < 0)
		goto out;
	c->pending[c->npending++] = (struct pending){*id, false};
out:
	msgpack_sbuffer_destroy(&sb);
	return rc;
}

/* A reply must be a map with v = 1, a bool ok, an int or nil id and, when refused, a code. */
static int check_reply(const docket_msg *m, bool *has_id, uint64_t *id)
{
	const struct msg_node *v = msg_find(m, "v"), *ok = msg_find(m, "ok");
	const struct msg_node *idn = msg_find(m, "id");
	const char *code;

	if (m->root->type != CODEC_MAP || !v || v->type != CODEC_INT || v->u.i != PROTO_VERSION ||
	    !ok || ok->type != CODEC_BOOL)
		return -DOCKET_EPROTO;
	if (!ok->u.b && (docket_msg_get_str(m, "error.code", &code) < 0 || !*code))
		return -DOCKET_EPROTO;
	*has_id = idn && idn->type != CODEC_NIL;
	if (!*has_id)
		return 0;
	if (idn->type == CODEC_UINT)
		*id = idn->u.u;
	else if (idn->type == CODEC_INT && idn->u.i >= 0)
		*id = (uint64_t)idn->u.i;
	else
		return -DOCKET_EPROTO;
	return 0;
}

/* Read one whole message: exactly an empty delimiter and a reply frame. */
static int read_reply(docket_client *c, docket_msg **out)
{
	zmq_msg_t f[2];
	int nf, parts;
	int rc = wire_recv(c->sock, f, &nf, &parts);

	if (rc < 0)
		return rc;
	rc = -DOCKET_EPROTO;
	if (parts == 2 && zmq_msg_size(&f[0]) == 0 && zmq_msg_size(&f[1]) > 0)
		rc = msg_decode(zmq_msg_data(&f[1]), zmq_msg_size(&f[1]), out);
	wire_close(f, nf);
	return rc;
}

/*
 * Wait for the next reply and settle which pending request it answers.
 * Replies come back in request order, so a reply answers the oldest
 * pending request when its id is nil (docketd could not read the id), and
 * every request older than the one it answers will never be answered.
 * With until_drop, a lost connection ends the wait: replies to what went
 * out on it never come. Returns 0 with *m, and *p when *matched (a reply to
 * nothing pending is unmatched); -DOCKET_EPROTO, with *p the request a
 * malformed reply took up when *matched; -DOCKET_ETIMEDOUT,
 * -DOCKET_EUNREACHABLE (until_drop only), -DOCKET_ENOMEM or -DOCKET_ESYS.
 */
static int next_reply(docket_client *c, int64_t deadline, bool until_drop, docket_msg **m,
                      struct pending *p, bool *matched)
{
	bool has_id = false;
	uint64_t id = 0;
	int rc;

	*m = NULL;
	*matched = false;
	do {
		/* Without until_drop, one zmq_poll of the socket alone: the pipelining path. */
		while ((rc = wire_wait(c->sock, ZMQ_POLLIN, until_drop ? &c->watch : NULL,
		                       until_drop, deadline)) == -DOCKET_EINTR)
			;
		if (rc < 0)
			return rc;
	} while ((rc = read_reply(c, m)) == -DOCKET_ETIMEDOUT);
	if (rc == 0 && (rc = check_reply(*m, &has_id, &id)) < 0)
		docket_msg_destroy(m);
	if (rc < 0 && rc != -DOCKET_EPROTO)
		return rc;

	size_t k = 0;
	if (rc == 0 && has_id)
		while (k < c->npending && c->pending[k].id != id)
			k++;
	if (k < c->npending) {
		*p = c->pending[k];
		*matched = true;
		pending_drop(c, k + 1);
	}
	return rc;
}

/*
 * Besides docket.h's returns, call and send give -DOCKET_ETOOLARGE, without
 * sending, for a request over PROTO_MAX_FRAME. call drops every reply that
 * is not its own, so replies to requests pipelined with send before it are
 * lost to recv: do not mix the two with requests in flight.
 */
int docket_client_call(docket_client *c, const docket_request *r, docket_msg **reply)
{
	int64_t deadline;
	uint64_t id;
	int rc;

	if (!reply)
		return -DOCKET_EINVAL;
	*reply = NULL;
	if (!c || !r)
		return -DOCKET_EINVAL;
	c->reason[0] = '\0';
	deadline = wire_deadline(c->timeout_ms);
	if ((rc = send_request(c, r, deadline, &id)) < 0)
		goto unreached;
	for (;;) {
		docket_msg *m;
		struct pending p;
		bool matched;
		rc = next_reply(c, deadline, false, &m, &p, &matched);
		if (rc == -DOCKET_EPROTO && matched && p.id != id)
			continue; /* garbage in place of an earlier request's reply */
		if (rc < 0) {
			abandon(c, id);
			goto unreached;
		}
		if (matched && p.id == id) {
			*reply = m;
			break;
		}
		/* A reply to a request that timed out, or to a pipelined one: not ours. */
		docket_msg_destroy(&m);
	}
	if (docket_msg_ok(*reply))
		return 0;
	const char *code = docket_msg_error_code(*reply);
	return docket_error_from_name(code, (unsigned)strlen(code));
unreached:
	if (rc != -DOCKET_ETIMEDOUT)
		return rc;
	no_reply(c, c->timeout_ms);
	return -DOCKET_EUNREACHABLE;
}

int docket_client_send(docket_client *c, const docket_request *r, uint64_t *id)
{
	uint64_t ignored;
	if (!c || !r)
		return -DOCKET_EINVAL;
	c->reason[0] = '\0';
	int rc = send_request(c, r, wire_deadline(c->timeout_ms), id ? id : &ignored);
	if (rc != -DOCKET_ETIMEDOUT)
		return rc;
	no_reply(c, c->timeout_ms);
	return -DOCKET_EUNREACHABLE;
}

int docket_client_recv(docket_client *c, docket_msg **reply, uint64_t *id)
{
	if (!reply)
		return -DOCKET_EINVAL;
	*reply = NULL;
	if (!c)
		return -DOCKET_EINVAL;
	c->reason[0] = '\0';
	int64_t deadline = wire_deadline(c->timeout_ms);
	for (;;) {
		docket_msg *m;
		struct pending p;
		bool matched;
		int rc = next_reply(c, deadline, false, &m, &p, &matched);
		if (rc == -DOCKET_EPROTO && matched && p.abandoned)
			continue;
		if (rc == -DOCKET_ETIMEDOUT)
			no_reply(c, c->timeout_ms);
		if (rc < 0) {
			if (rc == -DOCKET_EPROTO && matched && id)
				*id = p.id;
			return rc;
		}
		if (matched && !p.abandoned) {
			*reply = m;
			if (id)
				*id = p.id;
			return 0;
		}
		docket_msg_destroy(&m);
	}
}

int client_query_send(docket_client *c, struct client_query *q, const docket_request *r,
                      int64_t deadline, int limit_ms)
{
	c->reason[0] = '\0';
	int rc = send_request(c, r, deadline, &q->id);
	if (rc < 0) {
		q->id = 0;
		return rc == -DOCKET_ETIMEDOUT ? -DOCKET_EUNREACHABLE : rc;
	}
	q->expires = wire_deadline(limit_ms);
	/*
	 * From now on a lost connection is q's: its reply would have come on it.
	 * (A loss that races the send is missed here, and q waits out its limit.)
	 */
	if ((rc = wire_watch_read(&c->watch)) < 0)
		return rc;
	c->watch.dropped = false;
	return 0;
}

int client_query_wait(docket_client *c, struct client_query *q, int64_t deadline,
                      docket_msg **reply)
{
	*reply = NULL;
	if (!q->id)
		return -DOCKET_EINVAL;
	bool own_limit = deadline < 0 || q->expires <= deadline;
	int64_t until = own_limit ? q->expires : deadline;
	for (;;) {
		docket_msg *m;
		struct pending p;
		bool matched;
		int rc = next_reply(c, until, true, &m, &p, &matched);
		if (rc == -DOCKET_EUNREACHABLE) {
			client_query_drop(c, q);
			snprintf(c->reason, sizeof c->reason, "connection lost");
			return rc;
		}
		if (rc == -DOCKET_ETIMEDOUT) {
			if (!own_limit)
				return rc;
			client_query_drop(c, q);
			snprintf(c->reason, sizeof c->reason, "no reply in time");
			return -DOCKET_EUNREACHABLE;
		}
		if (rc == -DOCKET_EPROTO && matched && p.id == q->id) {
			q->id = 0;
			return rc;
		}
		if (rc == -DOCKET_EPROTO)
			continue;
		if (rc < 0)
			return rc;
		if (!matched || p.id != q->id) {
			docket_msg_destroy(&m);
			/* Replies come in order: after a later request's, q's never will. */
			if (matched && p.id > q->id) {
				q->id = 0;
				return -DOCKET_EUNREACHABLE;
			}
			continue; /* an earlier query's, given up before it came */
		}
		q->id = 0;
		*reply = m;
		if (docket_msg_ok(m))
			return 0;
		const char *code = docket_msg_error_code(m);
		return docket_error_from_name(code, (unsigned)strlen(code));
	}
}

void client_query_drop(docket_client *c, struct client_query *q)
{
	if (q->id)
		abandon(c, q->id);
	q->id = 0;
}
