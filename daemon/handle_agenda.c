/* What staff ask of the calendar: a meeting's agenda, the reminders, what is due. */
#include <string.h>

#include "brief.h"
#include "cmd.h"
#include "date.h"
#include "docket/error.h"
#include "pack.h"
#include "proto.h"

#define REMINDERS_MAX 1000
#define DUE_WITHIN_DEFAULT 28
#define DUE_WITHIN_MAX 3660

static int agenda(struct cmd *c)
{
	struct meeting m;
	int rc;
	if (c->req->present & BIT(F_MEETING)) {
		int64_t id = c->req->n[F_MEETING];
		if ((rc = store_meeting_get(c->store, id, c->arena, &m)) == -DOCKET_ENOTFOUND)
			return cmd_fail(c, rc, "no meeting %lld", (long long)id);
	} else {
		char now[DATE_TIME_LEN];
		date_format_utc(c->now, now);
		rc = store_meeting_next(c->store, (struct str){now, DATE_TIME_LEN - 1}, c->arena, &m);
		if (rc == -DOCKET_ENOTFOUND)
			return cmd_fail(c, rc, "no meeting is scheduled ahead; name one");
	}
	if (rc < 0)
		return cmd_fail(c, rc, "cannot read the meetings: %s", store_errmsg(c->store));
	struct remind_ctx x;
	cmd_remind_ctx(c, &x);
	if ((rc = brief_pack(c->out, &x, &m)) < 0)
		return cmd_fail(c, rc, "cannot read the agenda of meeting %lld: %s", (long long)m.id,
				store_errmsg(c->store));
	c->pairs += BRIEF_PAIRS;
	return 0;
}

struct listing {
	struct cmd *c;
	uint32_t n;
	int64_t limit;
	int more;
};

static int add_reminder(void *ctx, const struct reminder *r)
{
	struct listing *l = ctx;
	if (l->n == l->limit) {
		l->more = 1;
		return 0;
	}
	pack_reminder(l->c->out, r);
	l->n++;
	return 0;
}

static int reminders(struct cmd *c)
{
	const struct request *q = c->req;
	int64_t limit;
	int rc = cmd_int_arg(c, F_LIMIT, REMINDERS_MAX, 1, REMINDERS_MAX, "", &limit);
	if (rc < 0)
		return rc;
	int status = -1, kind = -1;
	if (q->present & BIT(F_STATUS))
		status = proto_enum_lookup(proto_reminder_statuses, q->s[F_STATUS].ptr,
					   q->s[F_STATUS].len);
	if (q->present & BIT(F_KIND))
		kind = proto_enum_lookup(proto_reminder_kinds, q->s[F_KIND].ptr, q->s[F_KIND].len);
	int64_t meeting = q->present & BIT(F_MEETING) ? q->n[F_MEETING] : 0;

	pack_cstr(c->out, "reminders");
	size_t at = pack_open_array(c->buf);
	struct listing l = {.c = c, .limit = limit};
	rc = store_reminder_list(c->store, status, kind, meeting, q->s[F_REF], limit + 1,
				     add_reminder, &l);
	if (rc < 0)
		return cmd_fail(c, rc, "cannot read the reminders: %s", store_errmsg(c->store));
	pack_close(c->buf, at, l.n);
	pack_cstr(c->out, "more");
	if (l.more)
		msgpack_pack_true(c->out);
	else
		msgpack_pack_false(c->out);
	c->pairs += 2;
	return 0;
}

static int due(struct cmd *c)
{
	const struct request *q = c->req;
	int64_t within = q->present & BIT(F_WITHIN) ? q->n[F_WITHIN] : DUE_WITHIN_DEFAULT;
	if (within > DUE_WITHIN_MAX)
		return cmd_fail(c, -DOCKET_EBADREQ, "'within' must be 0 to %d days", DUE_WITHIN_MAX);
	struct str today = cmd_date(c, c->today), until = cmd_date(c, c->today + within);
	if (!today.ptr || !until.ptr)
		return cmd_fail(c, -DOCKET_ENOMEM, "out of memory");
	pack_cstr(c->out, "today");
	pack_str(c->out, today);
	pack_cstr(c->out, "within");
	msgpack_pack_int64(c->out, within);
	int rc = 0;
	for (int k = 0; k < 2 && rc == 0; k++) {
		pack_cstr(c->out, k == 0 ? "responses" : "reviews");
		size_t at = pack_open_array(c->buf);
		struct pack_summaries s = {.pk = c->out};
		rc = k == 0 ? store_decision_responses(c->store, until, pack_summary, &s)
			    : store_decision_reviews(c->store, until, pack_summary, &s);
		pack_close(c->buf, at, s.n);
	}
	if (rc < 0)
		return cmd_fail(c, rc, "cannot read the decisions: %s", store_errmsg(c->store));
	c->pairs += 4;
	return 0;
}

int handle_agenda(struct cmd *c)
{
	int rc = cmd_need_role(c, ROLE_READER);
	if (rc < 0)
		return rc;
	switch (c->req->op) {
	case OP_AGENDA:
		return agenda(c);
	case OP_REMINDERS:
		return reminders(c);
	default:
		return due(c);
	}
}
