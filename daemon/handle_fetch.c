/*
 * An integration reading through its cursor (PROTOCOL.md 6.3): fetch
 * delivers, ack settles, nak asks again later, park sets aside. Each runs
 * in the batch's transaction, so a delivery is recorded in the same commit
 * as the reply that carries it.
 */
#include <stdio.h>

#include "docket/error.h"
#include "feed.h"
#include "pack.h"
#include "proto.h"

#define FETCH_DEFAULT 100
#define FETCH_MAX 10000
#define DELAY_MAX 86400

/* How many times each event in the reply has now been delivered, in reply order. */
struct fetch {
	struct cmd *c;
	struct cursor cur;
	int64_t *deliveries;
	struct feed f;
};

static int storage(struct cmd *c)
{
	return cmd_fail(c, -DOCKET_ESTORAGE, "cannot change the cursor: %s", store_errmsg(c->store));
}

static int park(struct cmd *c, struct str name, int64_t seq, const char *why)
{
	if (store_pending_park(c->store, name, seq, str_c(c->ts), str_c(why)) < 0)
		return storage(c);
	return 0;
}

/* Redeliver what has come due, parking what has had its deliveries. */
static int redeliver(struct fetch *x)
{
	struct cmd *c = x->c;
	struct cursor *cur = &x->cur;
	int64_t *seq = arena_alloc(c->arena, (size_t)x->f.limit * sizeof *seq);
	int64_t *had = arena_alloc(c->arena, (size_t)x->f.limit * sizeof *had);
	size_t n;
	if (!seq || !had)
		return cmd_fail(c, -DOCKET_ENOMEM, "out of memory");
	if (store_pending_due(c->store, cur->name, c->now, x->f.limit, seq, had, &n) < 0)
		return cmd_fail(c, -DOCKET_ESTORAGE, "cannot read the cursor: %s",
				store_errmsg(c->store));
	for (size_t i = 0; i < n; i++) {
		int rc;
		if (had[i] >= cur->max_deliveries) {
			char why[96];
			snprintf(why, sizeof why, "not acknowledged after %lld deliveries",
				 (long long)had[i]);
			if ((rc = park(c, cur->name, seq[i], why)) < 0)
				return rc;
			continue;
		}
		struct log_event e;
		rc = store_log_get(c->store, seq[i], c->arena, &e);
		if (rc < 0)
			return cmd_fail(c, rc == -DOCKET_ENOMEM ? rc : -DOCKET_ESTORAGE,
					"cannot read event %lld: %s", (long long)seq[i],
					store_errmsg(c->store));
		if (feed_fits(&x->f, e.len))
			break;
		pack_raw(c->out, e.body, e.len);
		x->deliveries[x->f.n - 1] = had[i] + 1;
		if (store_pending_redeliver(c->store, cur->name, seq[i], c->now + cur->ack_wait, 1) < 0)
			return storage(c);
	}
	return 0;
}

static int taken(void *ctx, const struct log_event *e)
{
	struct fetch *x = ctx;
	x->deliveries[x->f.n - 1] = 1;
	return store_pending_add(x->c->store, x->cur.name, e->seq, x->c->now + x->cur.ack_wait);
}

static int fetch(struct cmd *c)
{
	struct fetch x = {.c = c};
	int64_t looked;
	int rc = feed_bounds(c, FETCH_DEFAULT, FETCH_MAX, 0, &x.f);
	if (rc == 0)
		rc = cmd_cursor(c, &x.cur);
	if (rc == 0)
		rc = feed_topics(c, x.cur.topics, &x.f);
	if (rc < 0)
		return rc;
	if (!(x.deliveries = arena_alloc(c->arena, (size_t)x.f.limit * sizeof *x.deliveries)))
		return cmd_fail(c, -DOCKET_ENOMEM, "out of memory");
	x.f.taken = taken;
	x.f.ctx = &x;
	pack_cstr(c->out, "events");
	size_t at = pack_open_array(c->buf);
	if ((rc = redeliver(&x)) < 0 || (rc = feed_scan(c, &x.f, x.cur.delivered, &looked)) < 0)
		return rc;
	pack_close(c->buf, at, (uint32_t)x.f.n);
	if (looked != x.cur.delivered &&
	    store_cursor_set_delivered(c->store, x.cur.name, looked) < 0)
		return storage(c);
	pack_cstr(c->out, "deliveries");
	msgpack_pack_array(c->out, (size_t)x.f.n);
	for (int64_t i = 0; i < x.f.n; i++)
		msgpack_pack_int64(c->out, x.deliveries[i]);
	pack_cstr(c->out, "last_seq");
	msgpack_pack_int64(c->out, store_next_seq(c->store) - 1);
	c->pairs += 3;
	return cmd_reply_cursor(c, x.cur.name);
}

/* The pending event seq of the cursor, refused unless it is delivered and pending. */
static int pending(struct cmd *c, const struct cursor *cur, int64_t seq, int64_t *deliveries)
{
	int parked = 0;
	int rc = store_pending_get(c->store, cur->name, seq, deliveries, &parked);
	if (rc == -DOCKET_ESTORAGE)
		return cmd_fail(c, rc, "cannot read the cursor: %s", store_errmsg(c->store));
	if (rc < 0 || parked)
		return cmd_fail(c, -DOCKET_EPRECONDITION, "event %lld is not pending on cursor '%.*s'%s",
				(long long)seq, (int)cur->name.len, cur->name.ptr,
				parked ? ": it is parked" : "");
	return 0;
}

static int ack(struct cmd *c)
{
	const struct request *q = c->req;
	struct cursor cur;
	int through = !!(q->present & BIT(F_THROUGH));
	int64_t seq = through ? q->n[F_THROUGH] : q->n[F_SEQ], n;
	int rc = cmd_cursor(c, &cur);
	if (rc < 0)
		return rc;
	if (seq > cur.delivered)
		return cmd_fail(c, -DOCKET_EPRECONDITION,
				"cursor '%.*s' has delivered up to %lld, not %lld yet",
				(int)cur.name.len, cur.name.ptr, (long long)cur.delivered,
				(long long)seq);
	if (store_pending_ack(c->store, cur.name, seq, through, &n) < 0)
		return storage(c);
	pack_cstr(c->out, "acked");
	msgpack_pack_int64(c->out, n);
	c->pairs++;
	return cmd_reply_cursor(c, cur.name);
}

static int nak(struct cmd *c)
{
	const struct request *q = c->req;
	struct cursor cur;
	int64_t seq = q->n[F_SEQ], had, delay;
	int rc = cmd_int_arg(c, F_DELAY, 0, 0, DELAY_MAX, " seconds", &delay);
	if (rc == 0)
		rc = cmd_cursor(c, &cur);
	if (rc == 0)
		rc = pending(c, &cur, seq, &had);
	if (rc < 0)
		return rc;
	/* An event the client never handed on was not delivered: it neither counts nor parks. */
	int returned = (q->present & BIT(F_RETURNED)) && q->n[F_RETURNED];
	int parked = !returned && had >= cur.max_deliveries;
	if (parked) {
		char why[96];
		snprintf(why, sizeof why, "refused after %lld deliveries", (long long)had);
		rc = park(c, cur.name, seq, why);
	} else if (store_pending_redeliver(c->store, cur.name, seq, c->now + delay,
					   returned && had > 0 ? -1 : 0) < 0) {
		rc = storage(c);
	}
	if (rc < 0)
		return rc;
	pack_cstr(c->out, "parked");
	pack_bool(c->out, parked);
	c->pairs++;
	return cmd_reply_cursor(c, cur.name);
}

static int park_now(struct cmd *c)
{
	const struct request *q = c->req;
	struct cursor cur;
	int64_t had;
	int rc = cmd_cursor(c, &cur);
	if (rc == 0)
		rc = pending(c, &cur, q->n[F_SEQ], &had);
	if (rc < 0)
		return rc;
	struct str why = q->present & BIT(F_REASON) ? q->s[F_REASON] : str_c("parked by the client");
	if (store_pending_park(c->store, cur.name, q->n[F_SEQ], str_c(c->ts), why) < 0)
		return storage(c);
	return cmd_reply_cursor(c, cur.name);
}

int handle_fetch(struct cmd *c)
{
	int rc = cmd_need_role(c, ROLE_READER);
	if (rc < 0)
		return rc;
	switch (c->req->op) {
	case OP_FETCH:
		return fetch(c);
	case OP_ACK:
		return ack(c);
	case OP_NAK:
		return nak(c);
	default:
		return park_now(c);
	}
}
