/* The stream: every event of the log in order, once, from the event socket and the events query. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "libdocket.h"

struct docket_stream {
	docket_client *client;
	docket_sub *sub;  /* docket.batch, docket.heartbeat and the welcome */
	char **prefixes;  /* NULL-terminated; NULL for every event */
	char *since;      /* a time the first page starts at, until that page is read */
	int64_t position; /* docket_stream_position */
	bool behind;      /* the log may hold events past position that the stream lacks */
	int64_t head;     /* an event that came in head form: read it whole from the log */
	docket_msg *page; /* a reply of the events query, being handed out */
	uint32_t taken;   /* events of page handed out or passed over */
	int64_t page_end; /* where page leaves position: its next */
	bool page_more;   /* the log goes on past page_end */
	bool page_head;   /* page is the one event of head */
	docket_msg *live; /* a docket.batch message, being handed out */
	uint32_t live_taken;
	struct client_query q;
	struct wire_retry retry;
};

int since_parse(const char *since, char *kind, int64_t *seq)
{
	*seq = 0;
	if (!since || strcmp(since, "now") == 0) {
		*kind = 'n';
		return 0;
	}
	size_t digits = strspn(since, "0123456789");
	if (!*since || (!since[digits] && digits > 18))
		return -DOCKET_EINVAL;
	if (since[digits]) {
		*kind = 't';
		return 0;
	}
	*kind = 's';
	*seq = strtoll(since, NULL, 10);
	return 0;
}

int prefixes_copy(const char *const *prefixes, char ***out)
{
	size_t n = 0;
	*out = NULL;
	while (prefixes && prefixes[n]) {
		/* "" is the prefix of every topic: no filter at all. */
		if (!*prefixes[n])
			return 0;
		n++;
	}
	if (n == 0)
		return 0;
	char **p = calloc(n + 1, sizeof *p);
	if (!p)
		return -DOCKET_ENOMEM;
	*out = p;
	for (size_t i = 0; i < n; i++)
		if (!(p[i] = strdup(prefixes[i])))
			return -DOCKET_ENOMEM;
	return 0;
}

void prefixes_free(char **p)
{
	for (size_t i = 0; p && p[i]; i++)
		free(p[i]);
	free(p);
}

/* Send the events query for what the stream lacks: the page after position (or since). */
static int query(docket_stream *s, int64_t limit, int64_t deadline, int limit_ms)
{
	docket_request *r = NULL;
	int rc = docket_request_new(&r, "events");

	if (rc == 0)
		rc = s->since ? docket_request_set_str(r, "since", s->since)
		              : docket_request_set_int(r, "after_seq", s->position);
	for (size_t i = 0; rc == 0 && s->prefixes && s->prefixes[i]; i++)
		rc = docket_request_append_str(r, "topics", s->prefixes[i]);
	if (rc == 0 && limit >= 0)
		rc = docket_request_set_int(r, "limit", limit);
	if (rc == 0)
		rc = client_query_send(s->client, &s->q, r, deadline, limit_ms);
	docket_request_destroy(&r);
	return rc;
}

/* Keep reply, an events page, to hand out. Returns 0 or -DOCKET_EPROTO. */
static int take_page(docket_stream *s, docket_msg *reply, bool head)
{
	const struct msg_node *events = msg_find(reply, "events");
	const struct msg_node *more = msg_find(reply, "more");
	int64_t last = msg_node_int(reply->root, "last_seq");
	int64_t next = msg_node_int(reply->root, "next");

	if (!events || events->type != CODEC_ARRAY || last < 0)
		return -DOCKET_EPROTO;
	s->page_more = more && more->type == CODEC_BOOL && more->u.b;
	/* next is where the page stopped looking; a page that looked at nothing ends the log. */
	s->page_end = next >= 0 ? next : s->page_more ? s->position : last;
	if (s->since) {
		/* From a time: the first event found is the first the stream owes. */
		int64_t first = events->len ? msg_node_int(&events->u.kids[0], "seq") : -1;
		s->position = first > 0 ? first - 1 : s->page_end;
		free(s->since);
		s->since = NULL;
	}
	s->page = reply;
	s->taken = 0;
	s->page_head = head;
	return 0;
}

/* Hand out the page's next event. Returns 0 with *event, 1 when the page is done, or < 0. */
static int hand_out(docket_stream *s, docket_msg **event)
{
	const struct msg_node *events = msg_find(s->page, "events");
	while (s->taken < events->len) {
		const struct msg_node *ev = &events->u.kids[s->taken];
		int64_t seq = msg_node_int(ev, "seq");
		int rc = seq > s->position ? msg_event(ev, event) : -DOCKET_EPROTO;
		if (rc == -DOCKET_ENOMEM)
			return rc; /* the same event again at the next call */
		s->taken++;
		if (rc == 0) {
			s->position = seq;
			return 0;
		}
	}
	if (s->page_end > s->position)
		s->position = s->page_end;
	/* A head-form event read whole: back to live events, unless the log did not have it. */
	s->behind = s->page_head ? s->position < s->head : s->page_more;
	s->head = 0;
	docket_msg_destroy(&s->page);
	return 1;
}

/*
 * Wait until the next attempt, or deadline, reading the event socket: a
 * welcome means docketd is back, so try at once. Events read meanwhile are
 * dropped; the query that follows reads them from the log.
 */
static int pause_retry(docket_stream *s, int64_t deadline)
{
	for (;;) {
		if (wire_remaining(s->retry.at) == 0)
			return 1;
		int64_t until = wire_retry_until(&s->retry, deadline);
		docket_msg *m;
		enum sub_kind kind;
		int rc = sub_next(s->sub, until, &m, &kind);
		docket_msg_destroy(&m);
		if (rc == -DOCKET_ETIMEDOUT && until == s->retry.at)
			continue;
		if (rc == -DOCKET_EPROTO)
			continue;
		if (rc < 0)
			return rc;
		if (kind == SUB_WELCOME) {
			wire_retry_now(&s->retry);
			return 1;
		}
	}
}

/* Read the log from position. Returns 1 to go on, or < 0 for the caller. */
static int catch_up(docket_stream *s, int64_t deadline)
{
	docket_msg *reply = NULL;
	int rc;

	if (!s->q.id) {
		if (s->retry.at && (rc = pause_retry(s, deadline)) != 1)
			return rc;
		rc = query(s, s->head ? 1 : -1, deadline, CLIENT_QUERY_LIMIT_MS);
		if (rc == -DOCKET_EUNREACHABLE) {
			wire_retry_later(&s->retry);
			return 1;
		}
		if (rc < 0)
			return rc;
	}
	rc = client_query_wait(s->client, &s->q, deadline, &reply);
	if (rc == 0 && (rc = take_page(s, reply, s->head > 0)) == 0) {
		wire_retry_now(&s->retry);
		return 1;
	}
	docket_msg_destroy(&reply);
	if (rc == -DOCKET_ETIMEDOUT || rc == -DOCKET_EINTR || rc == -DOCKET_ENOMEM ||
	    rc == -DOCKET_ESYS)
		return rc;
	/* Lost to a restart, garbled, or refused: try again later; a refusal is worth telling. */
	wire_retry_later(&s->retry);
	return rc == -DOCKET_EUNREACHABLE || rc == -DOCKET_EPROTO ? 1 : rc;
}

static bool truncated(const struct msg_node *ev)
{
	for (uint32_t i = 0; ev->type == CODEC_MAP && i < ev->len; i++) {
		const struct msg_node *k = &ev->u.kids[2 * i], *v = k + 1;
		if (k->type == CODEC_STR && strcmp(k->u.s, "truncated") == 0)
			return v->type == CODEC_BOOL && v->u.b;
	}
	return false;
}

/* True when the event's type starts with one of the stream's prefixes (or it has none). */
static bool wanted(const docket_stream *s, const struct msg_node *ev)
{
	const char *type = NULL;
	for (uint32_t i = 0; ev->type == CODEC_MAP && i < ev->len; i++) {
		const struct msg_node *k = &ev->u.kids[2 * i], *v = k + 1;
		if (k->type == CODEC_STR && strcmp(k->u.s, "type") == 0 && v->type == CODEC_STR)
			type = v->u.s;
	}
	if (!s->prefixes)
		return true;
	for (size_t i = 0; type && s->prefixes[i]; i++)
		if (strncmp(type, s->prefixes[i], strlen(s->prefixes[i])) == 0)
			return true;
	return false;
}

/*
 * Hand out the next event of a docket.batch message: every event of the
 * log comes in one, so an event that does not match the prefixes moves the
 * position on without a trip to the log. Returns 0 with *event, 1 when the
 * batch is done, or < 0.
 */
static int hand_out_live(docket_stream *s, docket_msg **event)
{
	const struct msg_node *events = s->live->root;
	while (s->live_taken < events->len && !s->behind && !s->head) {
		const struct msg_node *ev = &events->u.kids[s->live_taken];
		int64_t seq = msg_node_int(ev, "seq");
		if (seq <= s->position) {
			s->live_taken++; /* read from the log already */
			continue;
		}
		if (seq > s->position + 1) {
			s->behind = true; /* a gap: the log has what is missing */
			break;
		}
		if (!wanted(s, ev)) {
			s->position = seq;
			s->live_taken++;
			continue;
		}
		if (truncated(ev)) {
			s->head = seq; /* read it whole from the log */
			break;
		}
		int rc = msg_event(ev, event);
		if (rc == -DOCKET_ENOMEM)
			return rc; /* the same event again at the next call */
		s->live_taken++;
		if (rc == 0) {
			s->position = seq;
			return 0;
		}
		s->behind = true; /* garbled: read it from the log */
	}
	docket_msg_destroy(&s->live);
	return 1;
}

/* Take one message of the event socket. Returns 1 to go on, or < 0. */
static int listen_live(docket_stream *s, int64_t deadline)
{
	docket_msg *m = NULL;
	enum sub_kind kind;
	int rc = sub_next(s->sub, deadline, &m, &kind);

	/* A garbled event is a gap that the next event or heartbeat shows. */
	if (rc == -DOCKET_EPROTO)
		return 1;
	if (rc < 0)
		return rc;
	int64_t seq = m ? msg_node_int(m->root, "seq") : -1;
	switch (kind) {
	case SUB_WELCOME:
		/* Connected again (or another subscriber joined): whatever passed is in the log. */
		s->behind = true;
		break;
	case SUB_HEARTBEAT:
		/* Every event up to seq is published: any past position were lost or filtered. */
		if (seq > s->position)
			s->behind = true;
		break;
	case SUB_BATCH:
		s->live = m;
		s->live_taken = 0;
		return 1;
	case SUB_CONTROL:
	case SUB_EVENT:
		/* The stream takes events in batches only: see docket_stream_new. */
		break;
	}
	docket_msg_destroy(&m);
	return 1;
}

int docket_stream_new(docket_stream **out, const char *endpoint, const char *events,
                      const char *const *prefixes, const char *since, int timeout_ms)
{
	docket_stream *s = NULL;
	docket_msg *reply = NULL;
	int64_t seq, deadline = wire_deadline(timeout_ms);
	char kind;
	int rc;

	if (!out)
		return -DOCKET_EINVAL;
	*out = NULL;
	if ((rc = since_parse(since, &kind, &seq)) < 0)
		return rc;
	if (!(s = calloc(1, sizeof *s))) {
		rc = -DOCKET_ENOMEM;
		goto out;
	}
	if ((rc = prefixes_copy(prefixes, &s->prefixes)) < 0 ||
	    (rc = docket_client_new(&s->client, endpoint)) < 0)
		goto out;
	if (kind == 't' && !(s->since = strdup(since))) {
		rc = -DOCKET_ENOMEM;
		goto out;
	}
	/*
	 * Subscribe first, then ask the log (the Clone pattern): every event
	 * published after the welcome reaches the socket, and the log has every
	 * one before the query. The first query also tells whether docketd takes
	 * the prefixes and the time; from a seq or now it asks only for last_seq.
	 * Live events come as docket.batch messages, every event of a commit in
	 * one: holding every seq, the stream tells a gap from an event it does
	 * not want without asking the log, as it must with prefixes.
	 */
	const char *const batches[] = {"docket.batch", NULL};
	if ((rc = sub_open(&s->sub, events, batches, true, deadline)) < 0)
		goto out;
	rc = query(s, kind == 't' ? -1 : 0, deadline, timeout_ms < 0 ? INT_MAX : timeout_ms);
	if (rc == 0 &&
	    (rc = client_query_wait(s->client, &s->q, deadline, &reply)) == -DOCKET_ETIMEDOUT)
		rc = -DOCKET_EUNREACHABLE;
	if (rc < 0)
		goto out;
	if (kind == 't') {
		if ((rc = take_page(s, reply, false)) < 0)
			goto out;
		reply = NULL;
	} else if ((s->position = msg_node_int(reply->root, "last_seq")) < 0) {
		rc = -DOCKET_EPROTO;
		goto out;
	}
	if (kind == 's') {
		s->behind = seq - 1 < s->position;
		s->position = seq > 0 ? seq - 1 : 0;
	}
	*out = s;
	s = NULL;
out:
	docket_msg_destroy(&reply);
	docket_stream_destroy(&s);
	return rc;
}

void docket_stream_destroy(docket_stream **s)
{
	if (!s || !*s)
		return;
	docket_msg_destroy(&(*s)->page);
	docket_msg_destroy(&(*s)->live);
	docket_sub_destroy(&(*s)->sub);
	docket_client_destroy(&(*s)->client);
	prefixes_free((*s)->prefixes);
	free((*s)->since);
	free(*s);
	*s = NULL;
}

int docket_stream_recv(docket_stream *s, docket_msg **event, int timeout_ms)
{
	if (!event)
		return -DOCKET_EINVAL;
	*event = NULL;
	if (!s)
		return -DOCKET_EINVAL;
	int64_t deadline = wire_deadline(timeout_ms);
	for (;;) {
		int rc;
		if (s->page)
			rc = hand_out(s, event);
		else if (s->live)
			rc = hand_out_live(s, event);
		else if (s->q.id || s->behind || s->head)
			rc = catch_up(s, deadline);
		else
			rc = listen_live(s, deadline);
		if (rc != 1)
			return rc;
	}
}

int64_t docket_stream_position(const docket_stream *s)
{
	return s ? s->position : 0;
}
