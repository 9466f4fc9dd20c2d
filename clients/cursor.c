/* The durable cursor: a position docketd keeps, fetched from and settled event by event. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "libdocket.h"

/*
 * Events asked for by one fetch: one at first, twice as many each time the
 * caller has taken a whole page and asks for more, up to FETCH_LIMIT. A
 * fetched event is docketd's delivery even if the caller never takes it, so
 * a caller that stops after a few events leaves few behind; one working
 * through a backlog soon fetches in pages.
 */
#define FETCH_LIMIT 64
/* How long closing a cursor may spend giving back the events it fetched and never handed out. */
#define RELEASE_MS 1000
/*
 * Unacknowledged events come due again by time, which no message announces:
 * while waiting, fetch at least this often (heartbeats usually wake it first).
 */
#define FETCH_EVERY_MS 1000

struct docket_cursor {
	docket_client *client;
	docket_sub *sub; /* wake-ups: events of the cursor's topics, heartbeats, welcomes */
	char *name;
	int timeout_ms;        /* for ack, nak and park */
	docket_msg *page;      /* a fetch reply being handed out */
	uint32_t taken;        /* its events handed out */
	struct client_query q; /* a fetch in flight */
	int limit;             /* of the next fetch */
	bool idle;             /* the last fetch found nothing: wait for a wake-up */
	int64_t fetched_at;    /* when the last fetch was answered (wire_deadline time) */
	struct wire_retry retry;
};

/* Call r and wait for its reply until deadline. Returns as docket_client_call. */
static int ask(docket_client *c, docket_request *r, int64_t deadline, docket_msg **reply)
{
	struct client_query q = {0, 0};
	int limit = deadline < 0 ? INT_MAX : wire_remaining(deadline);
	int rc = client_query_send(c, &q, r, deadline, limit);
	if (rc == 0 && (rc = client_query_wait(c, &q, deadline, reply)) == -DOCKET_ETIMEDOUT) {
		client_query_drop(c, &q);
		rc = -DOCKET_EUNREACHABLE;
	}
	return rc;
}

/* True when prefixes (NULL: every event) are the same set as topics (nil: every event). */
static bool same_topics(char **prefixes, const struct msg_node *topics)
{
	if (!topics || topics->type == CODEC_NIL)
		return !prefixes;
	if (topics->type != CODEC_ARRAY || !prefixes)
		return false;
	for (uint32_t i = 0; i < topics->len; i++) {
		const struct msg_node *t = &topics->u.kids[i];
		bool found = false;
		for (size_t k = 0; t->type == CODEC_STR && prefixes[k] && !found; k++)
			found = strcmp(prefixes[k], t->u.s) == 0;
		if (!found)
			return false;
	}
	for (size_t k = 0; prefixes[k]; k++) {
		bool found = false;
		for (uint32_t i = 0; i < topics->len && !found; i++)
			found = topics->u.kids[i].type == CODEC_STR &&
			        strcmp(prefixes[k], topics->u.kids[i].u.s) == 0;
		if (!found)
			return false;
	}
	return true;
}

/* The cursor named name in a cursors reply, which lists them by name (a map, or an array of maps).
 */
static const struct msg_node *find_cursor(const docket_msg *reply, const char *name)
{
	const struct msg_node *all = msg_find(reply, "cursors");
	size_t n = strlen(name);
	if (all && all->type == CODEC_MAP) {
		for (uint32_t i = 0; i < all->len; i++) {
			const struct msg_node *k = &all->u.kids[2 * i];
			if (k->type == CODEC_STR && k->len == n && memcmp(k->u.s, name, n) == 0)
				return &all->u.kids[2 * i + 1];
		}
	} else if (all && all->type == CODEC_ARRAY) {
		for (uint32_t i = 0; i < all->len; i++) {
			const struct msg_node *c = &all->u.kids[i];
			for (uint32_t j = 0; c->type == CODEC_MAP && j < c->len; j++) {
				const struct msg_node *k = &c->u.kids[2 * j],
				                      *v = &c->u.kids[2 * j + 1];
				if (k->type == CODEC_STR && strcmp(k->u.s, "name") == 0 &&
				    v->type == CODEC_STR && strcmp(v->u.s, name) == 0)
					return c;
			}
		}
	}
	return NULL;
}

/* The topics of the cursor named name as docketd has them, or NULL. */
static const struct msg_node *cursor_topics(const struct msg_node *cursor)
{
	for (uint32_t j = 0; cursor && cursor->type == CODEC_MAP && j < cursor->len; j++) {
		const struct msg_node *k = &cursor->u.kids[2 * j];
		if (k->type == CODEC_STR && strcmp(k->u.s, "topics") == 0)
			return &cursor->u.kids[2 * j + 1];
	}
	return NULL;
}

/*
 * Create the cursor, or take the one of that name when its topics are
 * prefixes. Returns 0, -DOCKET_ECONFLICT (other topics) or a call's code.
 */
static int add(docket_cursor *c, char **prefixes, char kind, int64_t seq, const char *since,
               int64_t deadline)
{
	docket_request *r = NULL;
	docket_msg *reply = NULL;
	int rc = docket_request_new(&r, "cursor_add");

	if (rc == 0)
		rc = docket_request_set_str(r, "cursor", c->name);
	for (size_t i = 0; rc == 0 && prefixes && prefixes[i]; i++)
		rc = docket_request_append_str(r, "topics", prefixes[i]);
	if (rc == 0 && kind == 's')
		rc = docket_request_set_int(r, "after_seq", seq > 0 ? seq - 1 : 0);
	if (rc == 0 && kind == 't')
		rc = docket_request_set_str(r, "since", since);
	if (rc == 0)
		rc = ask(c->client, r, deadline, &reply);
	docket_request_destroy(&r);
	docket_msg_destroy(&reply);
	if (rc != -DOCKET_ECONFLICT)
		return rc;

	/* The name is taken: by this integration's cursor, if it follows the same topics. */
	if ((rc = docket_request_new(&r, "cursors")) == 0)
		rc = ask(c->client, r, deadline, &reply);
	docket_request_destroy(&r);
	if (rc == 0) {
		const struct msg_node *cursor = find_cursor(reply, c->name);
		/* Not found: deleted meanwhile, a race to report rather than hide. */
		if (!cursor || !same_topics(prefixes, cursor_topics(cursor)))
			rc = -DOCKET_ECONFLICT;
	}
	docket_msg_destroy(&reply);
	return rc;
}

int docket_cursor_open(docket_cursor **out, const char *endpoint, const char *events,
                       const char *name, const char *const *prefixes, const char *since,
                       int timeout_ms)
{
	docket_cursor *c = NULL;
	char **topics = NULL;
	int64_t seq, deadline = wire_deadline(timeout_ms);
	char kind;
	int rc;

	if (!out)
		return -DOCKET_EINVAL;
	*out = NULL;
	if (!name || !*name || (rc = since_parse(since, &kind, &seq)) < 0)
		return -DOCKET_EINVAL;
	if (!(c = calloc(1, sizeof *c)) || !(c->name = strdup(name))) {
		rc = -DOCKET_ENOMEM;
		goto out;
	}
	c->timeout_ms = timeout_ms;
	c->limit = 1;
	if ((rc = prefixes_copy(prefixes, &topics)) < 0 ||
	    (rc = docket_client_new(&c->client, endpoint)) < 0)
		goto out;
	docket_client_set_timeout(c->client, timeout_ms);
	/* Subscribed before the cursor exists, no event after it goes unnoticed. */
	if ((rc = sub_open(&c->sub, events, (const char *const *)topics, true, deadline)) < 0 ||
	    (rc = add(c, topics, kind, seq, since, deadline)) < 0)
		goto out;
	*out = c;
	c = NULL;
out:
	prefixes_free(topics);
	docket_cursor_destroy(&c);
	return rc;
}

/* Hand out the page's next event. Returns 0 with *event, 1 when the page is done, or < 0. */
static int hand_out(docket_cursor *c, docket_msg **event, int *deliveries)
{
	const struct msg_node *events = msg_find(c->page, "events");
	const struct msg_node *counts = msg_find(c->page, "deliveries");
	while (events && events->type == CODEC_ARRAY && c->taken < events->len) {
		int rc = msg_event(&events->u.kids[c->taken], event);
		if (rc == -DOCKET_ENOMEM)
			return rc;
		uint32_t i = c->taken++;
		if (rc < 0)
			continue; /* not an event: docketd delivers it again, to no avail */
		if (deliveries) {
			const struct msg_node *n =
			    counts && counts->type == CODEC_ARRAY && i < counts->len
			        ? &counts->u.kids[i]
			        : NULL;
			*deliveries =
			    n && n->type == CODEC_INT && n->u.i <= INT_MAX ? (int)n->u.i : 1;
		}
		return 0;
	}
	docket_msg_destroy(&c->page);
	return 1;
}

static int send_fetch(docket_cursor *c, int64_t deadline)
{
	docket_request *r = NULL;
	int rc = docket_request_new(&r, "fetch");
	if (rc == 0)
		rc = docket_request_set_str(r, "cursor", c->name);
	if (rc == 0)
		rc = docket_request_set_int(r, "limit", c->limit);
	if (rc == 0)
		rc = client_query_send(c->client, &c->q, r, deadline, CLIENT_QUERY_LIMIT_MS);
	docket_request_destroy(&r);
	if (rc == -DOCKET_EUNREACHABLE) {
		wire_retry_later(&c->retry);
		return 1;
	}
	return rc < 0 ? rc : 1;
}

/* Wait for the fetch in flight. Returns 1 to go on, or < 0 for the caller. */
static int await_fetch(docket_cursor *c, int64_t deadline)
{
	docket_msg *reply = NULL;
	int rc = client_query_wait(c->client, &c->q, deadline, &reply);
	if (rc == 0) {
		c->page = reply;
		c->taken = 0;
		c->idle = docket_msg_count(reply, "events") == 0;
		/* Caught up: live events come a few at a time, so start small again. */
		c->limit = c->idle ? 1 : c->limit * 2 > FETCH_LIMIT ? FETCH_LIMIT : c->limit * 2;
		c->fetched_at = wire_deadline(0);
		wire_retry_now(&c->retry);
		return 1;
	}
	docket_msg_destroy(&reply);
	if (rc == -DOCKET_ETIMEDOUT || rc == -DOCKET_EINTR || rc == -DOCKET_ENOMEM ||
	    rc == -DOCKET_ESYS)
		return rc;
	wire_retry_later(&c->retry);
	return rc == -DOCKET_EUNREACHABLE || rc == -DOCKET_EPROTO ? 1 : rc;
}

/*
 * Wait for a reason to fetch: a message on the event socket (an event, a
 * heartbeat, a welcome after docketd came back), or the time for the next
 * fetch or attempt. Returns 1 to go on, or < 0 for the caller.
 */
static int doze(docket_cursor *c, int64_t deadline)
{
	int64_t wake = c->idle ? c->fetched_at + FETCH_EVERY_MS : 0;
	if (c->retry.at > wake)
		wake = c->retry.at;
	int64_t until = deadline >= 0 && deadline < wake ? deadline : wake;
	docket_msg *m = NULL;
	enum sub_kind kind;
	int rc = sub_next(c->sub, until, &m, &kind);
	docket_msg_destroy(&m);
	if (rc == -DOCKET_ETIMEDOUT)
		return until == wake ? 1 : rc;
	if (rc < 0 && rc != -DOCKET_EPROTO)
		return rc;
	/* docketd is there and something happened: fetch now, once for all that is queued. */
	while ((rc = sub_next(c->sub, 0, &m, &kind)) == 0 || rc == -DOCKET_EPROTO)
		docket_msg_destroy(&m);
	c->idle = false;
	wire_retry_now(&c->retry);
	return 1;
}

int docket_cursor_next(docket_cursor *c, docket_msg **event, int *deliveries, int timeout_ms)
{
	if (!event)
		return -DOCKET_EINVAL;
	*event = NULL;
	if (!c)
		return -DOCKET_EINVAL;
	int64_t deadline = wire_deadline(timeout_ms);
	for (;;) {
		int rc;
		bool due = wire_remaining(c->retry.at) == 0 &&
		           (!c->idle || wire_remaining(c->fetched_at + FETCH_EVERY_MS) == 0);
		if (c->page)
			rc = hand_out(c, event, deliveries);
		else if (c->q.id)
			rc = await_fetch(c, deadline);
		else if (due)
			rc = send_fetch(c, deadline);
		else
			rc = doze(c, deadline);
		if (rc != 1)
			return rc;
	}
}

/*
 * Call r, once the fetch in flight is in: its reply comes first, and is
 * kept. A fetch still out at the deadline is given up (its events come
 * again after ack_wait), since r's wait would drop its reply anyway.
 */
static int settle(docket_cursor *c, docket_request *r)
{
	docket_msg *reply = NULL;
	int64_t deadline = wire_deadline(c->timeout_ms);
	int rc;

	if (c->q.id && !c->page && (rc = await_fetch(c, deadline)) < 0) {
		if (rc != -DOCKET_ETIMEDOUT)
			return rc;
		client_query_drop(c->client, &c->q);
	}
	rc = ask(c->client, r, deadline, &reply);
	docket_msg_destroy(&reply);
	return rc;
}

/* op {cursor, seq} with one more key (str, or else num) when key is not NULL. */
static int seq_request(const docket_cursor *c, const char *op, int64_t seq, const char *key,
                       const char *str, int64_t num, docket_request **out)
{
	int rc = docket_request_new(out, op);
	if (rc == 0)
		rc = docket_request_set_str(*out, "cursor", c->name);
	if (rc == 0)
		rc = docket_request_set_int(*out, "seq", seq);
	if (rc == 0 && key)
		rc = str ? docket_request_set_str(*out, key, str)
		         : docket_request_set_int(*out, key, num);
	if (rc < 0)
		docket_request_destroy(out);
	return rc;
}

static int settle_seq(docket_cursor *c, const char *op, int64_t seq, const char *key,
                      const char *str, int64_t num)
{
	docket_request *r = NULL;
	if (!c)
		return -DOCKET_EINVAL;
	int rc = seq_request(c, op, seq, key, str, num, &r);
	if (rc == 0)
		rc = settle(c, r);
	docket_request_destroy(&r);
	return rc;
}

int docket_cursor_ack(docket_cursor *c, int64_t seq)
{
	return settle_seq(c, "ack", seq, NULL, NULL, 0);
}

int docket_cursor_nak(docket_cursor *c, int64_t seq, int delay_s)
{
	return settle_seq(c, "nak", seq, "delay", NULL, delay_s < 0 ? 0 : delay_s);
}

int docket_cursor_park(docket_cursor *c, int64_t seq, const char *reason)
{
	return settle_seq(c, "park", seq, reason ? "reason" : NULL, reason, 0);
}

/*
 * Give back what was fetched and never handed out, so that the next reader
 * has it at once rather than after ack_wait; as returned, so that docketd
 * takes that delivery back and never parks an event no one saw.
 */
static void release(docket_cursor *c)
{
	int64_t deadline = wire_deadline(RELEASE_MS);

	if (c->q.id && !c->page)
		await_fetch(c, deadline);
	const struct msg_node *events = c->page ? msg_find(c->page, "events") : NULL;
	for (uint32_t i = c->taken; events && events->type == CODEC_ARRAY && i < events->len; i++) {
		docket_request *r = NULL;
		docket_msg *reply = NULL;
		int64_t seq = msg_node_int(&events->u.kids[i], "seq");
		int rc = seq < 0 ? 0 : seq_request(c, "nak", seq, "delay", NULL, 0, &r);
		if (rc == 0 && r)
			rc = docket_request_set_bool(r, "returned", 1);
		if (rc == 0 && r)
			rc = ask(c->client, r, deadline, &reply);
		docket_request_destroy(&r);
		docket_msg_destroy(&reply);
		if (rc == -DOCKET_EUNREACHABLE)
			break;
	}
}

void docket_cursor_destroy(docket_cursor **c)
{
	if (!c || !*c)
		return;
	release(*c);
	docket_msg_destroy(&(*c)->page);
	docket_sub_destroy(&(*c)->sub);
	docket_client_destroy(&(*c)->client);
	free((*c)->name);
	free(*c);
	*c = NULL;
}
