/* Queries: read the store, change nothing. */
#include <string.h>

#include "cmd.h"
#include "docket/error.h"
#include "pack.h"
#include "proto.h"

#define LIST_DEFAULT 100
#define LIST_MAX 1000

struct page {
	struct cmd *c;
	uint32_t n;
	int64_t limit;
	char *last; /* ref of the last decision packed */
	uint32_t last_len;
	int more;
};

static int page_add(void *ctx, const struct decision *d)
{
	struct page *p = ctx;
	if (p->n == p->limit) {
		p->more = 1;
		return 0;
	}
	pack_decision(p->c->out, d, 1);
	p->n++;
	p->last = arena_strndup(p->c->arena, d->ref.ptr, d->ref.len);
	p->last_len = d->ref.len;
	return p->last ? 0 : -DOCKET_ENOMEM;
}

static int list(struct cmd *c)
{
	const struct request *q = c->req;
	int64_t limit = q->present & BIT(F_LIMIT) ? q->n[F_LIMIT] : LIST_DEFAULT;
	if (limit < 1 || limit > LIST_MAX)
		return cmd_fail(c, -DOCKET_EBADREQ, "'limit' must be 1 to %d", LIST_MAX);
	int state = ST_NONE;
	if (q->present & BIT(F_STATE))
		state = proto_state_lookup(q->s[F_STATE].ptr, q->s[F_STATE].len);

	pack_cstr(c->out, "decisions");
	size_t at = pack_open_array(c->buf);
	/* One row past the page says whether there is another. */
	struct page p = {.c = c, .limit = limit};
	int rc = store_decision_list(c->store, state, q->s[F_AFTER], limit + 1, page_add, &p);
	if (rc < 0)
		return cmd_fail(c, rc, "cannot list decisions: %s", store_errmsg(c->store));
	pack_close(c->buf, at, p.n);
	pack_cstr(c->out, "next");
	pack_str(c->out, p.more ? (struct str){p.last, p.last_len} : (struct str){NULL, 0});
	c->pairs += 2;
	return 0;
}

struct counter {
	struct cmd *c;
	uint32_t n;
};

static int history_add(void *ctx, const void *body, size_t len)
{
	struct counter *k = ctx;
	pack_raw(k->c->out, body, len);
	k->n++;
	return 0;
}

static int item_ref(void *ctx, const struct decision *d)
{
	struct counter *k = ctx;
	pack_str(k->c->out, d->ref);
	k->n++;
	return 0;
}

static int item_add(void *ctx, const struct item *it)
{
	struct counter *k = ctx;
	pack_item_head(k->c->out, it, 1);
	pack_cstr(k->c->out, "decisions");
	size_t at = pack_open_array(k->c->buf);
	struct counter refs = {.c = k->c};
	int rc = store_item_decisions(k->c->store, it->id, item_ref, &refs);
	pack_close(k->c->buf, at, refs.n);
	k->n++;
	return rc;
}

static int meeting_add(void *ctx, const struct meeting *m)
{
	struct counter *k = ctx;
	struct cmd *c = k->c;
	pack_meeting_head(c->out, m, cmd_meeting_status(c, m), 1);
	pack_cstr(c->out, "items");
	size_t at = pack_open_array(c->buf);
	struct counter items = {.c = c};
	int rc = store_meeting_items(c->store, m->id, item_add, &items);
	pack_close(c->buf, at, items.n);
	k->n++;
	return rc;
}

static int get_decision(struct cmd *c, struct decision *d)
{
	struct str ref = c->req->s[F_REF];
	int rc = store_decision_get(c->store, ref, c->arena, d);
	if (rc == -DOCKET_ENOTFOUND)
		return cmd_fail(c, rc, "no decision '%.*s'", (int)ref.len, ref.ptr);
	if (rc < 0)
		return cmd_fail(c, rc, "cannot read decision '%.*s': %s", (int)ref.len, ref.ptr,
				store_errmsg(c->store));
	return 0;
}

int handle_query(struct cmd *c)
{
	int rc = cmd_need_role(c, ROLE_READER);
	if (rc < 0)
		return rc;
	struct decision d;
	struct counter k = {.c = c};
	size_t at;
	switch (c->req->op) {
	case OP_GET:
		if ((rc = get_decision(c, &d)) < 0)
			return rc;
		pack_cstr(c->out, "decision");
		pack_decision(c->out, &d, 0);
		c->pairs++;
		return 0;
	case OP_LIST:
		return list(c);
	case OP_HISTORY:
		if ((rc = get_decision(c, &d)) < 0)
			return rc;
		pack_cstr(c->out, "events");
		at = pack_open_array(c->buf);
		rc = store_decision_history(c->store, d.ref, history_add, &k);
		break;
	default:
		pack_cstr(c->out, "meetings");
		at = pack_open_array(c->buf);
		rc = store_meeting_list(c->store, meeting_add, &k);
		break;
	}
	if (rc < 0)
		return cmd_fail(c, rc, "cannot read the store: %s", store_errmsg(c->store));
	pack_close(c->buf, at, k.n);
	c->pairs++;
	return 0;
}
