/*
 * Durable cursors kept for integrations (PROTOCOL.md 6.3): making and
 * dropping them, moving them, and what is parked. Cursor commands append
 * no event: a cursor following its own changes would never be done.
 */
#include <stdio.h>

#include "docket/error.h"
#include "feed.h"
#include "pack.h"
#include "proto.h"

#define NAME_MAX_LEN 64
#define ACK_WAIT_DEFAULT 30
#define ACK_WAIT_MAX 86400
#define DELIVERIES_DEFAULT 5
#define DELIVERIES_MAX 1000
#define PARKED_DEFAULT 100
#define PARKED_MAX 1000

static int name_ok(struct str n)
{
	if (n.len < 1 || n.len > NAME_MAX_LEN)
		return 0;
	for (uint32_t i = 0; i < n.len; i++) {
		char ch = n.ptr[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-'))
			return 0;
	}
	return 1;
}

int cmd_cursor(struct cmd *c, struct cursor *cur)
{
	struct str name = c->req->s[F_CURSOR];
	int rc = store_cursor_get(c->store, name, c->arena, cur);
	if (rc == -DOCKET_ENOTFOUND)
		return cmd_fail(c, rc, "no cursor '%.*s'", (int)name.len, name.ptr);
	if (rc == -DOCKET_ENOMEM)
		return cmd_fail(c, rc, "out of memory");
	if (rc < 0)
		return cmd_fail(c, rc, "cannot read cursor '%.*s': %s", (int)name.len, name.ptr,
				store_errmsg(c->store));
	return 0;
}

int cmd_reply_cursor(struct cmd *c, struct str name)
{
	struct cursor cur;
	int rc = store_cursor_get(c->store, name, c->arena, &cur);
	if (rc < 0)
		return cmd_fail(c, rc == -DOCKET_ENOMEM ? rc : -DOCKET_ESTORAGE,
				"cannot read cursor '%.*s': %s", (int)name.len, name.ptr,
				store_errmsg(c->store));
	pack_cstr(c->out, "cursor");
	pack_cursor(c->out, &cur, store_next_seq(c->store) - 1);
	c->pairs++;
	return 0;
}

static int storage(struct cmd *c)
{
	return cmd_fail(c, -DOCKET_ESTORAGE, "cannot change the cursor: %s", store_errmsg(c->store));
}

static int add(struct cmd *c)
{
	const struct request *q = c->req;
	struct feed f = {0};
	struct cursor cur = {.name = q->s[F_CURSOR], .created_at = str_c(c->ts)};
	if (!name_ok(cur.name))
		return cmd_fail(c, -DOCKET_EBADREQ,
				"a cursor's name is 1 to %d ASCII letters, digits, '.', '_' and '-'",
				NAME_MAX_LEN);
	int rc = feed_topics(c, q->s[F_TOPICS], &f);
	if (rc < 0)
		return rc;
	cur.topics = q->s[F_TOPICS];
	if ((rc = cmd_int_arg(c, F_ACK_WAIT, ACK_WAIT_DEFAULT, 1, ACK_WAIT_MAX, " seconds",
			      &cur.ack_wait)) < 0 ||
	    (rc = cmd_int_arg(c, F_MAX_DELIVERIES, DELIVERIES_DEFAULT, 1, DELIVERIES_MAX, "",
			      &cur.max_deliveries)) < 0)
		return rc;
	/* By default a new cursor starts at the end: an integration wants what happens next. */
	if ((rc = feed_start(c, store_next_seq(c->store) - 1, &cur.delivered)) < 0)
		return rc;
	struct cursor old;
	rc = store_cursor_get(c->store, cur.name, c->arena, &old);
	if (rc == 0)
		return cmd_fail(c, -DOCKET_ECONFLICT, "cursor '%.*s' exists", (int)cur.name.len,
				cur.name.ptr);
	if (rc != -DOCKET_ENOTFOUND || store_cursor_insert(c->store, &cur) < 0)
		return storage(c);
	return cmd_reply_cursor(c, cur.name);
}

static int drop(struct cmd *c)
{
	struct cursor cur;
	int rc = cmd_cursor(c, &cur);
	if (rc < 0)
		return rc;
	if (store_cursor_delete(c->store, cur.name) < 0)
		return storage(c);
	pack_cstr(c->out, "cursor");
	pack_cursor(c->out, &cur, store_next_seq(c->store) - 1);
	c->pairs++;
	return 0;
}

/* cursor_retry and cursor_skip: one parked event, or all of them. */
static int parked_move(struct cmd *c, int retry)
{
	struct cursor cur;
	int64_t seq = c->req->present & BIT(F_SEQ) ? c->req->n[F_SEQ] : 0, n;
	int rc = cmd_cursor(c, &cur);
	if (rc < 0)
		return rc;
	rc = retry ? store_parked_retry(c->store, cur.name, seq, &n)
		   : store_parked_skip(c->store, cur.name, seq, &n);
	if (rc < 0)
		return storage(c);
	if (seq && n == 0)
		return cmd_fail(c, -DOCKET_ENOTFOUND, "event %lld is not parked on cursor '%.*s'",
				(long long)seq, (int)cur.name.len, cur.name.ptr);
	pack_cstr(c->out, retry ? "retried" : "skipped");
	msgpack_pack_int64(c->out, n);
	c->pairs++;
	return cmd_reply_cursor(c, cur.name);
}

static int rewind_to(struct cmd *c)
{
	struct cursor cur;
	int64_t after;
	int rc = cmd_cursor(c, &cur);
	if (rc == 0)
		rc = feed_start(c, 0, &after);
	if (rc < 0)
		return rc;
	if (store_cursor_forget_after(c->store, cur.name, after) < 0 ||
	    store_cursor_set_delivered(c->store, cur.name, after) < 0)
		return storage(c);
	return cmd_reply_cursor(c, cur.name);
}

struct listing {
	struct cmd *c;
	uint32_t n;
};

static int list_one(void *ctx, const struct cursor *cur)
{
	struct listing *l = ctx;
	pack_cursor(l->c->out, cur, store_next_seq(l->c->store) - 1);
	l->n++;
	return 0;
}

static int list(struct cmd *c)
{
	struct listing l = {c, 0};
	pack_cstr(c->out, "cursors");
	size_t at = pack_open_array(c->buf);
	int rc = store_cursor_list(c->store, list_one, &l);
	if (rc < 0)
		return cmd_fail(c, rc, "cannot read the cursors: %s", store_errmsg(c->store));
	pack_close(c->buf, at, l.n);
	c->pairs++;
	return 0;
}

static int parked_one(void *ctx, const struct parked_event *p)
{
	struct listing *l = ctx;
	msgpack_packer *pk = l->c->out;
	msgpack_pack_map(pk, 6);
	pack_cstr(pk, "seq");
	msgpack_pack_int64(pk, p->seq);
	pack_cstr(pk, "type");
	pack_str(pk, p->type);
	pack_cstr(pk, "ts");
	pack_str(pk, p->ts);
	pack_cstr(pk, "deliveries");
	msgpack_pack_int64(pk, p->deliveries);
	pack_cstr(pk, "parked_at");
	pack_str(pk, p->parked_at);
	pack_cstr(pk, "reason");
	pack_str(pk, p->reason);
	l->n++;
	return 0;
}

static int parked(struct cmd *c)
{
	struct cursor cur;
	struct listing l = {c, 0};
	int64_t limit;
	int rc = cmd_int_arg(c, F_LIMIT, PARKED_DEFAULT, 1, PARKED_MAX, "", &limit);
	if (rc == 0)
		rc = cmd_cursor(c, &cur);
	if (rc < 0)
		return rc;
	pack_cstr(c->out, "parked");
	size_t at = pack_open_array(c->buf);
	if (store_parked_list(c->store, cur.name, limit, parked_one, &l) < 0)
		return cmd_fail(c, -DOCKET_ESTORAGE, "cannot read the parked events: %s",
				store_errmsg(c->store));
	pack_close(c->buf, at, l.n);
	pack_cstr(c->out, "more");
	pack_bool(c->out, l.n < cur.parked);
	c->pairs += 2;
	return 0;
}

/* Who may follow a cursor (reader) and who may move one (admin): roles.c. */
int handle_cursor(struct cmd *c)
{
	switch (c->req->op) {
	case OP_CURSOR_ADD:
		return add(c);
	case OP_CURSOR_DELETE:
		return drop(c);
	case OP_CURSOR_RETRY:
		return parked_move(c, 1);
	case OP_CURSOR_SKIP:
		return parked_move(c, 0);
	case OP_CURSOR_REWIND:
		return rewind_to(c);
	case OP_CURSORS:
		return list(c);
	default:
		return parked(c);
	}
}
