/* The render query: an item's panel report, or an imported document's, as the public reads it. */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "date.h"
#include "docket/error.h"
#include "pack.h"
#include "proto.h"
#include "public.h"
#include "report.h"

/* The report's decisions, collected in the store's order. */
struct collect {
	struct cmd *c;
	struct report_decision *d;
	size_t n, cap;
};

static int collect(void *ctx, const struct decision *d)
{
	struct collect *k = ctx;
	struct report_decision *slot =
		arena_push(k->c->arena, (void **)&k->d, &k->n, &k->cap, sizeof *k->d);
	return slot ? public_decision(k->c->arena, d, slot) : -DOCKET_ENOMEM;
}

static const char *cstr_of(struct cmd *c, struct str s)
{
	return s.ptr ? arena_strndup(c->arena, s.ptr, s.len) : NULL;
}

/* The item's header and the meeting's date in the office's calendar. */
static int item_header(struct cmd *c, int64_t id, struct report *r)
{
	struct item it;
	struct meeting m;
	struct meeting_view v;
	int rc = store_item_get(c->store, id, c->arena, &it);
	if (rc == -DOCKET_ENOTFOUND)
		return cmd_fail(c, rc, "no agenda item %lld", (long long)id);
	if (rc == 0)
		rc = store_meeting_get(c->store, it.meeting, c->arena, &m);
	if (rc < 0)
		return cmd_fail(c, -DOCKET_ESTORAGE, "cannot read item %lld: %s", (long long)id,
				store_errmsg(c->store));
	if ((rc = cmd_meeting_view(c, &m, &v)) < 0)
		return rc;
	char *day = arena_alloc(c->arena, DATE_LEN);
	if (!day)
		return cmd_fail(c, -DOCKET_ENOMEM, "out of memory");
	date_format(tz_days(c->office->tz, v.starts), day);
	r->from = cstr_of(c, it.from);
	r->to = cstr_of(c, it.to);
	r->subject = cstr_of(c, it.subject);
	r->item_code = cstr_of(c, it.code);
	r->meeting_date = day;
	return 0;
}

static int source_header(struct cmd *c, int64_t id, struct report *r)
{
	struct source src;
	int rc = store_source_get(c->store, id, c->arena, &src);
	if (rc == -DOCKET_ENOTFOUND)
		return cmd_fail(c, rc, "no imported document %lld", (long long)id);
	if (rc < 0)
		return cmd_fail(c, rc, "cannot read imported document %lld: %s", (long long)id,
				store_errmsg(c->store));
	/* A report that named its item reads as that item's header. */
	if (src.item && (rc = item_header(c, src.item, r)) < 0)
		return rc;
	if (src.from.ptr)
		r->from = cstr_of(c, src.from);
	if (src.to.ptr)
		r->to = cstr_of(c, src.to);
	if (src.subject.ptr)
		r->subject = cstr_of(c, src.subject);
	r->title = cstr_of(c, src.title);
	return 0;
}

int handle_report(struct cmd *c)
{
	const struct request *q = c->req;
	struct report r = {0};
	struct collect k = {.c = c};
	int by_item = (q->present & BIT(F_ITEM)) != 0;
	int64_t id = by_item ? q->n[F_ITEM] : q->n[F_SOURCE];
	int rc = cmd_need_role(c, ROLE_READER);
	if (rc == 0)
		rc = by_item ? item_header(c, id, &r) : source_header(c, id, &r);
	if (rc < 0)
		return rc;
	rc = by_item ? store_item_decisions(c->store, id, collect, &k)
		     : store_source_decisions(c->store, id, collect, &k);
	if (rc == -DOCKET_ENOMEM)
		return cmd_fail(c, rc, "out of memory");
	if (rc < 0)
		return cmd_fail(c, rc, "cannot read the decisions: %s", store_errmsg(c->store));
	r.decisions = k.d;
	r.n = k.n;

	int format = REPORT_TEXT;
	if (q->present & BIT(F_FORMAT))
		format = proto_enum_lookup(proto_render_formats, q->s[F_FORMAT].ptr,
					   q->s[F_FORMAT].len);
	char *out = NULL;
	size_t len = 0;
	if ((rc = report_render(&r, (enum report_format)format, &out, &len)) < 0)
		return cmd_fail(c, rc == -DOCKET_ENOMEM ? rc : -DOCKET_ESTORAGE,
				"cannot render the report: a stored record is not one the report "
				"can hold (a date, restriction or text edited by hand?)");
	pack_cstr(c->out, "format");
	pack_cstr(c->out, proto_render_formats[format]);
	pack_cstr(c->out, "decisions");
	msgpack_pack_uint64(c->out, k.n);
	pack_cstr(c->out, "content");
	pack_str(c->out, (struct str){out, (uint32_t)len});
	c->pairs += 3;
	free(out);
	return 0;
}
