/* Queries: read the store, change nothing. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "date.h"
#include "docket/error.h"
#include "pack.h"
#include "proto.h"
#include "ref.h"

#define LIST_DEFAULT 100
#define LIST_MAX 1000

static void pack_summary_of(msgpack_packer *pk, const struct decision *d)
{
	pack_decision(pk, d, 1);
}

/* Where a page starts: after the decision q names, in the page's order. */
static int page_start(struct cmd *c, struct store_page *page)
{
	struct str after = c->req->s[F_AFTER];
	if (!after.ptr)
		return 0;
	unsigned char *key = arena_alloc(c->arena, REF_KEY_MAX);
	if (!key)
		return cmd_fail(c, -DOCKET_ENOMEM, "out of memory");
	page->after_key = (struct str){(const char *)key, (uint32_t)store_ref_key(after, key)};
	if (page->sort != SORT_DECIDED)
		return 0;
	struct decision d;
	int rc = store_decision_get(c->store, after, c->arena, &d);
	if (rc == -DOCKET_ENOTFOUND)
		return cmd_fail(c, -DOCKET_EBADREQ,
				"'after' names no decision ('%.*s'); by date a page continues from one",
				(int)after.len, after.ptr);
	if (rc < 0)
		return cmd_fail(c, rc, "cannot read decision '%.*s': %s", (int)after.len, after.ptr,
				store_errmsg(c->store));
	page->after_date = d.col[D_DECIDED_ON].ptr ? d.col[D_DECIDED_ON] : (struct str){"~", 1};
	return 0;
}

static int list(struct cmd *c)
{
	const struct request *q = c->req;
	int64_t limit;
	int rc = cmd_int_arg(c, F_LIMIT, LIST_DEFAULT, 1, LIST_MAX, "", &limit);
	if (rc < 0)
		return rc;
	/* One row past the page says whether there is another. */
	struct store_page page = {.state = ST_NONE, .sort = SORT_REF, .limit = limit + 1};
	if (q->present & BIT(F_STATE))
		page.state = proto_state_lookup(q->s[F_STATE].ptr, q->s[F_STATE].len);
	if (q->present & BIT(F_SORT))
		page.sort = proto_enum_lookup(proto_list_sorts, q->s[F_SORT].ptr, q->s[F_SORT].len) == 1
				    ? SORT_DECIDED
				    : SORT_REF;
	rc = page_start(c, &page);
	if (rc < 0)
		return rc;

	pack_cstr(c->out, "decisions");
	size_t at = pack_open_array(c->buf);
	struct cmd_page p = {.c = c, .pack = pack_summary_of, .limit = limit};
	rc = store_decision_list(c->store, &page, cmd_page_add, &p);
	if (rc < 0)
		return cmd_fail(c, rc, "cannot list decisions: %s", store_errmsg(c->store));
	pack_close(c->buf, at, p.n);
	pack_cstr(c->out, "next");
	pack_str(c->out, p.more ? p.last : (struct str){NULL, 0});
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
	struct meeting_view v;
	int rc = cmd_meeting_view(c, m, &v);
	if (rc < 0)
		return rc;
	pack_meeting(c->out, m, &v, 1);
	pack_cstr(c->out, "items");
	size_t at = pack_open_array(c->buf);
	struct counter items = {.c = c};
	rc = store_meeting_items(c->store, m->id, item_add, &items);
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

static void pack_days(msgpack_packer *pk, const struct remind_days *d)
{
	msgpack_pack_array(pk, (size_t)d->n);
	for (int i = 0; i < d->n; i++)
		msgpack_pack_int(pk, d->days[i]);
}

/* What a client needs to read docketd's times and dates as the office does. */
static int info(struct cmd *c)
{
	const struct office *o = c->office;
	msgpack_packer *pk = c->out;
	struct tz_local loc;
	char today[DATE_LEN], time[24];
	tz_local(o->tz, c->now, &loc);
	date_format(c->today, today);
	pack_cstr(pk, "version");
	pack_cstr(pk, DOCKET_VERSION);
	pack_cstr(pk, "protocol");
	msgpack_pack_int(pk, PROTO_VERSION);
	pack_cstr(pk, "revision");
	msgpack_pack_int(pk, PROTO_REVISION);
	pack_cstr(pk, "timezone");
	pack_cstr(pk, tz_name(o->tz));
	pack_cstr(pk, "zone");
	pack_cstr(pk, loc.abbr);
	pack_cstr(pk, "now");
	pack_cstr(pk, c->ts);
	pack_cstr(pk, "today");
	pack_cstr(pk, today);
	pack_cstr(pk, "response_period");
	msgpack_pack_int(pk, o->response_period);
	pack_cstr(pk, "reminders");
	msgpack_pack_map(pk, REMIND_KINDS + 1);
	for (int k = 0; k < REMIND_KINDS; k++) {
		pack_cstr(pk, proto_reminder_kinds[k]);
		pack_days(pk, &o->remind[k]);
	}
	snprintf(time, sizeof time, "%02d:%02d", o->remind_minute / 60, o->remind_minute % 60);
	pack_cstr(pk, "time");
	pack_cstr(pk, time);
	c->pairs += 9;
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
	case OP_INFO:
		return info(c);
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
