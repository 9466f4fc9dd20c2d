/* The decision lifecycle commands: fsm.c says whether, this file says how. */
#include <string.h>

#include "cmd.h"
#include "date.h"
#include "docket/error.h"
#include "fsm.h"
#include "pack.h"
#include "proto.h"
#include "reminder.h"

#define REF(d) (int)(d)->ref.len, (d)->ref.ptr

static struct str now(struct cmd *c)
{
	return str_c(c->ts);
}

/* The item a decision goes on, and whether its meeting is where op needs it. */
static int load_item_meeting(struct cmd *c, int64_t id, struct item *it, struct meeting *m)
{
	int rc = store_item_get(c->store, id, c->arena, it);
	if (rc == -DOCKET_ENOTFOUND)
		return cmd_fail(c, rc, "no agenda item %lld", (long long)id);
	if (rc == 0)
		rc = store_meeting_get(c->store, it->meeting, c->arena, m);
	if (rc < 0)
		return cmd_fail(c, -DOCKET_ESTORAGE, "cannot read item %lld: %s", (long long)id,
				store_errmsg(c->store));
	return 0;
}

static void set_text_fields(struct cmd *c, struct decision *d)
{
	static const struct {
		enum field f;
		enum decision_col col;
	} map[] = {
		{F_TITLE, D_TITLE},
		{F_TEXT, D_TEXT},
		{F_JUSTIFICATION, D_JUSTIFICATION},
		{F_DECISION_MAKER, D_DECISION_MAKER},
		{F_CATEGORY, D_CATEGORY},
		{F_COST_TEXT, D_COST_TEXT},
	};
	const struct request *q = c->req;
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (q->present & BIT(map[i].f))
			d->col[map[i].col] = q->s[map[i].f];
	if (q->present & BIT(F_COST_PENCE))
		d->cost_pence = q->n[F_COST_PENCE];
}

/* A stored business date as days; -1 when the decision has none. */
static int64_t stored_date(const struct decision *d, int col)
{
	int64_t days;
	struct str v = d->col[col];
	return v.ptr && date_parse(v.ptr, v.len, &days) == 0 ? days : -1;
}

/* Set a business date column from days. */
static int set_date(struct cmd *c, struct decision *d, int col, int64_t days)
{
	d->col[col] = cmd_date(c, days);
	return d->col[col].ptr ? 0 : cmd_fail(c, -DOCKET_ENOMEM, "out of memory");
}

/* Refuse a date earlier than the one it follows (floor < 0: none to follow). */
static int not_before(struct cmd *c, const struct decision *d, const char *key, int64_t days,
		      const char *floor_key, int64_t floor)
{
	if (floor < 0 || days >= floor)
		return 0;
	char a[DATE_LEN], b[DATE_LEN];
	date_format(days, a);
	date_format(floor, b);
	return cmd_fail(c, -DOCKET_EPRECONDITION, "decision '%.*s': %s %s is before its %s, %s",
			REF(d), key, a, floor_key, b);
}

/* A business date: given or defaulted, never after today, not before the one it follows. */
static int business_date(struct cmd *c, struct decision *d, int f, int col, int64_t dflt,
			 const char *floor_key, int64_t floor)
{
	const char *key = decision_col_names[col];
	int64_t days;
	int rc = cmd_date_arg(c, f, key, dflt, 1, &days);
	if (rc == 0)
		rc = not_before(c, d, key, days, floor_key, floor);
	return rc < 0 ? rc : set_date(c, d, col, days);
}

static int apply_publish(struct cmd *c, struct decision *d)
{
	const struct request *q = c->req;
	struct str level = q->present & BIT(F_RESTRICTION) ? q->s[F_RESTRICTION] : str_c("none");
	int none = level.len == 4 && memcmp(level.ptr, "none", 4) == 0;
	int part = level.len == 4 && memcmp(level.ptr, "part", 4) == 0;
	/* Under part, only the public wording given is published: a text without one is withheld. */
	fieldset detail = BIT(F_RESTRICTION_REASON) | BIT(F_REVIEW_DATE);
	fieldset wording = BIT(F_PUBLIC_TEXT) | BIT(F_PUBLIC_JUSTIFICATION);
	if (none && (q->present & (detail | wording | BIT(F_WITHHELD))))
		return cmd_fail(c, -DOCKET_EBADREQ,
				"an unrestricted publication takes no restriction_reason, review_date, "
				"withheld, public_text or public_justification");
	if (!none && (q->present & detail) != detail)
		return cmd_fail(c, -DOCKET_EBADREQ,
				"a '%.*s' restriction needs restriction_reason and review_date",
				(int)level.len, level.ptr);
	if (!none && !part && (q->present & (wording | BIT(F_WITHHELD))))
		return cmd_fail(c, -DOCKET_EBADREQ,
				"a 'full' restriction publishes the title only: it takes no withheld, "
				"public_text or public_justification");

	int rc = business_date(c, d, F_PUBLISHED_ON, D_PUBLISHED_ON, c->today, "decided_on",
			       stored_date(d, D_DECIDED_ON));
	if (rc < 0)
		return rc;
	d->col[D_RESTRICTION] = level;
	d->col[D_RESTRICTION_REASON] = q->s[F_RESTRICTION_REASON];
	d->col[D_REVIEW_DATE] = q->s[F_REVIEW_DATE];
	d->col[D_WITHHELD] = q->s[F_WITHHELD];
	d->col[D_PUBLIC_TEXT] = q->s[F_PUBLIC_TEXT];
	d->col[D_PUBLIC_JUSTIFICATION] = q->s[F_PUBLIC_JUSTIFICATION];
	d->col[D_PUBLISHED_AT] = now(c);
	if (none)
		return 0;
	int64_t review;
	if ((rc = cmd_date_arg(c, F_REVIEW_DATE, "review_date", 0, 0, &review)) < 0)
		return rc;
	return not_before(c, d, "review_date", review, "published_on",
			  stored_date(d, D_PUBLISHED_ON));
}

static int apply_schedule(struct cmd *c, struct decision *d)
{
	struct item it;
	struct meeting m;
	struct meeting_view v;
	int64_t id = c->req->n[F_ITEM];
	int rc = load_item_meeting(c, id, &it, &m);
	if (rc == 0)
		rc = cmd_meeting_view(c, &m, &v);
	if (rc < 0)
		return rc;
	if (v.status == MS_CANCELLED)
		return cmd_fail(c, -DOCKET_EPRECONDITION,
				"item %lld is on meeting %lld, which is cancelled", (long long)id,
				(long long)m.id);
	d->item = id;
	/* A decision joins the end of the item's order; item_order changes it. */
	if ((rc = store_item_next_position(c->store, id, &d->position)) < 0)
		return cmd_fail(c, rc, "cannot read item %lld: %s", (long long)id,
				store_errmsg(c->store));
	return 0;
}

static int apply_report(struct cmd *c, struct decision *d)
{
	struct item it;
	struct meeting m;
	struct meeting_view v;
	int rc = load_item_meeting(c, d->item, &it, &m);
	if (rc == 0)
		rc = cmd_meeting_view(c, &m, &v);
	if (rc < 0)
		return rc;
	if (v.status != MS_HELD && v.status != MS_STARTED)
		return cmd_fail(c, -DOCKET_EPRECONDITION,
				"decision '%.*s' is on meeting %lld, which is %s, not held", REF(d),
				(long long)m.id, v.reads);
	d->col[D_REPORTED_AT] = now(c);
	/* The meeting's date, whenever the office records it; not before what it reports. */
	int64_t day = tz_days(c->office->tz, v.starts);
	if ((rc = not_before(c, d, "reported_on (the meeting's date)", day, "published_on",
			     stored_date(d, D_PUBLISHED_ON))) < 0 ||
	    (rc = set_date(c, d, D_REPORTED_ON, day)) < 0)
		return rc;
	cmd_set(c, "reported_on", d->col[D_REPORTED_ON]);
	return 0;
}

static int apply_lift(struct cmd *c, struct decision *d)
{
	if (!decision_restricted(d))
		return cmd_fail(c, -DOCKET_EPRECONDITION, "decision '%.*s' is not restricted",
				REF(d));
	d->col[D_RESTRICTION] = str_c("none");
	/* The event log keeps what the restriction was; the record now publishes everything. */
	d->col[D_RESTRICTION_REASON] = (struct str){NULL, 0};
	d->col[D_REVIEW_DATE] = (struct str){NULL, 0};
	d->col[D_WITHHELD] = (struct str){NULL, 0};
	d->col[D_PUBLIC_TEXT] = (struct str){NULL, 0};
	d->col[D_PUBLIC_JUSTIFICATION] = (struct str){NULL, 0};
	return 0;
}

/*
 * The panel's outcome (noted_on, recommended_on): the meeting's date unless
 * given, not before it; today for a decision whose report has no date.
 */
static int panel_date(struct cmd *c, struct decision *d, int f, int col)
{
	int64_t reported = stored_date(d, D_REPORTED_ON);
	return business_date(c, d, f, col, reported >= 0 ? reported : c->today, "reported_on",
			     reported);
}

static int apply_recommend(struct cmd *c, struct decision *d)
{
	int rc = panel_date(c, d, F_RECOMMENDED_ON, D_RECOMMENDED_ON);
	if (rc < 0)
		return rc;
	d->col[D_RECOMMENDATION] = c->req->s[F_RECOMMENDATION];
	int64_t on = stored_date(d, D_RECOMMENDED_ON), due;
	if ((rc = cmd_date_arg(c, F_RESPONSE_DUE, "response_due", on + c->office->response_period,
			       0, &due)) < 0 ||
	    (rc = not_before(c, d, "response_due", due, "recommended_on", on)) < 0)
		return rc;
	return set_date(c, d, D_RESPONSE_DUE, due);
}

/* A new due date, given, not before the date it follows. */
static int apply_set_due(struct cmd *c, struct decision *d)
{
	int response = c->req->op == OP_SET_RESPONSE_DUE;
	int f = response ? F_RESPONSE_DUE : F_REVIEW_DATE;
	int col = response ? D_RESPONSE_DUE : D_REVIEW_DATE;
	int floor = response ? D_RECOMMENDED_ON : D_PUBLISHED_ON;
	if (!response && !decision_restricted(d))
		return cmd_fail(c, -DOCKET_EPRECONDITION,
				"decision '%.*s' is not restricted, so it has no review date",
				REF(d));
	int64_t days;
	int rc = cmd_date_arg(c, f, decision_col_names[col], 0, 0, &days);
	if (rc == 0)
		rc = not_before(c, d, decision_col_names[col], days, decision_col_names[floor],
				stored_date(d, floor));
	return rc < 0 ? rc : set_date(c, d, col, days);
}

/* What op changes besides state and version; checks what fsm.c cannot. */
static int apply(struct cmd *c, struct decision *d)
{
	const struct request *q = c->req;
	switch (q->op) {
	case OP_DRAFT:
		d->ref = q->s[F_REF];
		d->cost_pence = -1;
		set_text_fields(c, d);
		d->col[D_AUTHOR] = c->who->name;
		d->col[D_RESTRICTION] = str_c("none");
		d->col[D_DRAFTED_AT] = now(c);
		return 0;
	case OP_AMEND:
		set_text_fields(c, d);
		return 0;
	case OP_SUBMIT:
		d->col[D_SUBMITTED_AT] = now(c);
		return 0;
	case OP_RETURN:
		d->col[D_COMMENT] = q->s[F_COMMENT];
		return 0;
	case OP_ENDORSE:
		d->col[D_ENDORSED_AT] = now(c);
		d->col[D_ENDORSED_BY] = c->who->name;
		return business_date(c, d, F_DECIDED_ON, D_DECIDED_ON, c->today, NULL, -1);
	case OP_REJECT:
	case OP_WITHDRAW:
		d->col[D_COMMENT] = q->s[F_REASON];
		d->col[D_CLOSED_AT] = now(c);
		return 0;
	case OP_PUBLISH:
		return apply_publish(c, d);
	case OP_SCHEDULE:
		return apply_schedule(c, d);
	case OP_UNSCHEDULE:
		d->item = 0;
		d->position = 0;
		return 0;
	case OP_REPORT:
		return apply_report(c, d);
	case OP_NOTE:
		if (q->present & BIT(F_COMMENT))
			d->col[D_COMMENT] = q->s[F_COMMENT];
		d->col[D_CLOSED_AT] = now(c);
		return panel_date(c, d, F_NOTED_ON, D_NOTED_ON);
	case OP_RECOMMEND:
		return apply_recommend(c, d);
	case OP_RESPOND:
		d->col[D_RESPONSE] = q->s[F_RESPONSE];
		d->col[D_CLOSED_AT] = now(c);
		return business_date(c, d, F_RESPONDED_ON, D_RESPONDED_ON, c->today,
				     "recommended_on", stored_date(d, D_RECOMMENDED_ON));
	case OP_LIFT_RESTRICTION:
		return apply_lift(c, d);
	case OP_SET_RESPONSE_DUE:
	case OP_SET_REVIEW_DATE:
		return apply_set_due(c, d);
	}
	return cmd_fail(c, -DOCKET_EINTERNAL, "no handler for '%s'", proto_op_name(q->op));
}

/* The commands after which a decision's response or review reminders change. */
static int plans_reminders(int op)
{
	return op == OP_PUBLISH || op == OP_RECOMMEND || op == OP_RESPOND ||
	       op == OP_LIFT_RESTRICTION || op == OP_SET_RESPONSE_DUE || op == OP_SET_REVIEW_DATE;
}

/* Move d through the command: check, change, store, log. */
static int transition(struct cmd *c, struct decision *d)
{
	int op = c->req->op;
	const struct fsm_rule *rule = fsm_rule(d->state, op);
	if (!rule) {
		if (d->state == ST_NONE)
			return cmd_fail(c, -DOCKET_ENOTFOUND, "no decision '%.*s'", REF(d));
		return cmd_fail(c, -DOCKET_ETRANSITION,
				"decision '%.*s' is %s; '%s' is not allowed in that state", REF(d),
				proto_state_name(d->state), proto_op_name(op));
	}
	int rc;
	if ((rc = cmd_need_role(c, rule->role)) < 0)
		return rc;
	char what[96];
	snprintf(what, sizeof what, "decision '%.*s'", REF(d));
	if ((rc = cmd_check_version(c, what, d->version)) < 0)
		return rc;
	int created = d->state == ST_NONE;
	/* report by item moves several decisions: each event has only its own dates. */
	c->nset = 0;
	if ((rc = apply(c, d)) < 0)
		return rc;
	d->state = fsm_target(rule, d->state);
	d->version++;
	rc = created ? store_decision_insert(c->store, d) : store_decision_update(c->store, d);
	if (rc < 0)
		return cmd_fail(c, rc, "cannot store decision '%.*s': %s", REF(d),
				store_errmsg(c->store));
	if (plans_reminders(op)) {
		struct remind_ctx x;
		cmd_remind_ctx(c, &x);
		if ((rc = reminder_plan_decision(&x, d)) < 0)
			return cmd_fail(c, rc, "cannot plan the reminders of decision '%.*s': %s",
					REF(d), store_errmsg(c->store));
		c->replanned = 1;
	}
	struct event_head h = {
		.kind = EV_DECISION,
		.type = rule->event,
		.ref = d->ref,
		.item = d->item,
		.state = proto_state_name(d->state),
		.version = d->version,
	};
	return cmd_emit(c, &h);
}

static int collect_scheduled(void *ctx, const struct decision *d)
{
	return d->state == ST_SCHEDULED ? cmd_refs_add(ctx, d->ref) : 0;
}

/* report with item: every decision scheduled on it, one event each. */
static int report_item(struct cmd *c)
{
	int64_t id = c->req->n[F_ITEM];
	if (c->req->present & BIT(F_EXPECT_VERSION))
		return cmd_fail(c, -DOCKET_EBADREQ, "expect_version needs 'ref', not 'item'");
	struct item it;
	struct meeting m;
	int rc = load_item_meeting(c, id, &it, &m);
	if (rc < 0)
		return rc;
	struct cmd_refs refs = {.arena = c->arena};
	if ((rc = store_item_decisions(c->store, id, collect_scheduled, &refs)) < 0)
		return cmd_fail(c, rc, "cannot read item %lld: %s", (long long)id,
				store_errmsg(c->store));
	if (refs.n == 0)
		return cmd_fail(c, -DOCKET_EPRECONDITION, "item %lld has no scheduled decisions",
				(long long)id);

	pack_cstr(c->out, "decisions");
	msgpack_pack_array(c->out, refs.n);
	c->pairs++;
	for (size_t i = 0; i < refs.n; i++) {
		struct decision d;
		if ((rc = store_decision_get(c->store, refs.ref[i], c->arena, &d)) < 0)
			return cmd_fail(c, -DOCKET_ESTORAGE, "cannot read decision '%.*s'",
					(int)refs.ref[i].len, refs.ref[i].ptr);
		if ((rc = transition(c, &d)) < 0)
			return rc;
		pack_decision(c->out, &d, 0);
	}
	cmd_reply_seq(c);
	return 0;
}

int handle_decision(struct cmd *c)
{
	const struct request *q = c->req;
	if (q->op == OP_REPORT && !(q->present & BIT(F_REF)))
		return report_item(c);

	struct decision d;
	int rc = store_decision_get(c->store, q->s[F_REF], c->arena, &d);
	if (rc == -DOCKET_ENOTFOUND) {
		memset(&d, 0, sizeof d);
		d.state = ST_NONE;
		d.ref = q->s[F_REF];
	} else if (rc < 0) {
		return cmd_fail(c, rc, "cannot read decision '%.*s': %s", (int)q->s[F_REF].len,
				q->s[F_REF].ptr, store_errmsg(c->store));
	} else if (q->op == OP_DRAFT) {
		return cmd_fail(c, -DOCKET_ECONFLICT, "decision '%.*s' already exists (%s)", REF(&d),
				proto_state_name(d.state));
	}
	if ((rc = transition(c, &d)) < 0)
		return rc;
	pack_cstr(c->out, "decision");
	pack_decision(c->out, &d, 0);
	c->pairs++;
	cmd_reply_seq(c);
	return 0;
}
