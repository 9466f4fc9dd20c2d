/* The decision lifecycle commands: fsm.c says whether, this file says how. */
#include <string.h>

#include "cmd.h"
#include "docket/error.h"
#include "fsm.h"
#include "pack.h"
#include "proto.h"

#define REF(d) (int)(d)->ref.len, (d)->ref.ptr

static struct str cstr(const char *s)
{
	return (struct str){s, (uint32_t)strlen(s)};
}

static struct str now(struct cmd *c)
{
	return cstr(c->ts);
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

static int apply_publish(struct cmd *c, struct decision *d)
{
	const struct request *q = c->req;
	struct str level = q->present & BIT(F_RESTRICTION) ? q->s[F_RESTRICTION] : cstr("none");
	int none = level.len == 4 && memcmp(level.ptr, "none", 4) == 0;
	uint64_t detail = BIT(F_RESTRICTION_REASON) | BIT(F_REVIEW_DATE);
	if (none && (q->present & detail))
		return cmd_fail(c, -DOCKET_EBADREQ,
				"an unrestricted publication takes no restriction_reason or review_date");
	if (!none && (q->present & detail) != detail)
		return cmd_fail(c, -DOCKET_EBADREQ,
				"a '%.*s' restriction needs restriction_reason and review_date",
				(int)level.len, level.ptr);
	d->col[D_RESTRICTION] = level;
	d->col[D_RESTRICTION_REASON] = q->s[F_RESTRICTION_REASON];
	d->col[D_REVIEW_DATE] = q->s[F_REVIEW_DATE];
	d->col[D_PUBLISHED_AT] = now(c);
	return 0;
}

static int apply_schedule(struct cmd *c, struct decision *d)
{
	struct item it;
	struct meeting m;
	int64_t id = c->req->n[F_ITEM];
	int rc = load_item_meeting(c, id, &it, &m);
	if (rc < 0)
		return rc;
	const char *status = cmd_meeting_status(c, &m);
	if (strcmp(status, "scheduled") != 0)
		return cmd_fail(c, -DOCKET_EPRECONDITION,
				"item %lld is on meeting %lld, which is %s; decisions go on items "
				"of future meetings",
				(long long)id, (long long)m.id, status);
	d->item = id;
	return 0;
}

static int apply_report(struct cmd *c, struct decision *d)
{
	struct item it;
	struct meeting m;
	int rc = load_item_meeting(c, d->item, &it, &m);
	if (rc < 0)
		return rc;
	const char *status = cmd_meeting_status(c, &m);
	if (strcmp(status, "held") != 0)
		return cmd_fail(c, -DOCKET_EPRECONDITION,
				"decision '%.*s' is on meeting %lld, which is %s, not held", REF(d),
				(long long)m.id, status);
	d->col[D_REPORTED_AT] = now(c);
	return 0;
}

static int apply_lift(struct cmd *c, struct decision *d)
{
	struct str r = d->col[D_RESTRICTION];
	if (r.len == 4 && memcmp(r.ptr, "none", 4) == 0)
		return cmd_fail(c, -DOCKET_EPRECONDITION, "decision '%.*s' is not restricted",
				REF(d));
	d->col[D_RESTRICTION] = cstr("none");
	d->col[D_RESTRICTION_REASON] = (struct str){NULL, 0};
	d->col[D_REVIEW_DATE] = (struct str){NULL, 0};
	return 0;
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
		d->col[D_RESTRICTION] = cstr("none");
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
		return 0;
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
		return 0;
	case OP_REPORT:
		return apply_report(c, d);
	case OP_NOTE:
		if (q->present & BIT(F_COMMENT))
			d->col[D_COMMENT] = q->s[F_COMMENT];
		d->col[D_CLOSED_AT] = now(c);
		return 0;
	case OP_RECOMMEND:
		d->col[D_RECOMMENDATION] = q->s[F_RECOMMENDATION];
		d->col[D_RESPONSE_DUE] = q->s[F_RESPONSE_DUE];
		return 0;
	case OP_RESPOND:
		d->col[D_RESPONSE] = q->s[F_RESPONSE];
		d->col[D_CLOSED_AT] = now(c);
		return 0;
	case OP_LIFT_RESTRICTION:
		return apply_lift(c, d);
	}
	return cmd_fail(c, -DOCKET_EINTERNAL, "no handler for '%s'", proto_op_name(q->op));
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
	if ((rc = apply(c, d)) < 0)
		return rc;
	d->state = fsm_target(rule, d->state);
	d->version++;
	rc = created ? store_decision_insert(c->store, d) : store_decision_update(c->store, d);
	if (rc < 0)
		return cmd_fail(c, rc, "cannot store decision '%.*s': %s", REF(d),
				store_errmsg(c->store));
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

struct refs {
	struct arena *arena;
	struct str *ref;
	size_t n, cap;
};

static int collect_scheduled(void *ctx, const struct decision *d)
{
	struct refs *r = ctx;
	if (d->state != ST_SCHEDULED)
		return 0;
	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 16;
		struct str *grown = arena_alloc(r->arena, cap * sizeof *grown);
		if (!grown)
			return -DOCKET_ENOMEM;
		if (r->n)
			memcpy(grown, r->ref, r->n * sizeof *grown);
		r->ref = grown;
		r->cap = cap;
	}
	char *copy = arena_strndup(r->arena, d->ref.ptr, d->ref.len);
	if (!copy)
		return -DOCKET_ENOMEM;
	r->ref[r->n++] = (struct str){copy, d->ref.len};
	return 0;
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
	struct refs refs = {.arena = c->arena};
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
