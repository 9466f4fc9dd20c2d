/* The decision lifecycle of DOMAIN.md, as data. */
#include <stddef.h>

#include "fsm.h"

#define R(to_, role_, event_) {.to = (to_), .role = ROLE_##role_, .event = "decision." event_}
#define LIFT R(FSM_SAME, SECRETARIAT, "restriction_lifted")
#define REVIEW R(FSM_SAME, SECRETARIAT, "review_date_changed")

/* Empty cells (event == NULL) are refused transitions. */
static const struct fsm_rule table[ST_COUNT][PROTO_FSM_OPS] = {
	[ST_NONE] = {
		[OP_DRAFT] = R(ST_DRAFT, STAFF, "drafted"),
	},
	[ST_DRAFT] = {
		[OP_AMEND] = R(ST_DRAFT, STAFF, "amended"),
		[OP_SUBMIT] = R(ST_SUBMITTED, STAFF, "submitted"),
		[OP_WITHDRAW] = R(ST_WITHDRAWN, STAFF, "withdrawn"),
	},
	[ST_SUBMITTED] = {
		[OP_RETURN] = R(ST_DRAFT, COMMISSIONER, "returned"),
		[OP_ENDORSE] = R(ST_ENDORSED, COMMISSIONER, "endorsed"),
		[OP_REJECT] = R(ST_REJECTED, COMMISSIONER, "rejected"),
		[OP_WITHDRAW] = R(ST_WITHDRAWN, STAFF, "withdrawn"),
	},
	[ST_ENDORSED] = {
		[OP_PUBLISH] = R(ST_PUBLISHED, SECRETARIAT, "published"),
	},
	[ST_PUBLISHED] = {
		[OP_SCHEDULE] = R(ST_SCHEDULED, SECRETARIAT, "scheduled"),
		[OP_LIFT_RESTRICTION] = LIFT,
		[OP_SET_REVIEW_DATE] = REVIEW,
	},
	[ST_SCHEDULED] = {
		[OP_UNSCHEDULE] = R(ST_PUBLISHED, SECRETARIAT, "unscheduled"),
		[OP_REPORT] = R(ST_REPORTED, SECRETARIAT, "reported"),
		[OP_LIFT_RESTRICTION] = LIFT,
		[OP_SET_REVIEW_DATE] = REVIEW,
	},
	[ST_REPORTED] = {
		[OP_NOTE] = R(ST_NOTED, SECRETARIAT, "noted"),
		[OP_RECOMMEND] = R(ST_RESPONSE_DUE, SECRETARIAT, "recommended"),
		[OP_LIFT_RESTRICTION] = LIFT,
		[OP_SET_REVIEW_DATE] = REVIEW,
	},
	[ST_NOTED] = {
		[OP_LIFT_RESTRICTION] = LIFT,
		[OP_SET_REVIEW_DATE] = REVIEW,
	},
	[ST_RESPONSE_DUE] = {
		[OP_RESPOND] = R(ST_RESPONDED, COMMISSIONER, "responded"),
		[OP_LIFT_RESTRICTION] = LIFT,
		[OP_SET_RESPONSE_DUE] = R(FSM_SAME, SECRETARIAT, "response_due_changed"),
		[OP_SET_REVIEW_DATE] = REVIEW,
	},
	[ST_RESPONDED] = {
		[OP_LIFT_RESTRICTION] = LIFT,
		[OP_SET_REVIEW_DATE] = REVIEW,
	},
	/* rejected and withdrawn are terminal: no row. */
};

const struct fsm_rule *fsm_rule(int state, int op)
{
	if (state < 0 || state >= ST_COUNT || op < 0 || op >= PROTO_FSM_OPS)
		return NULL;
	const struct fsm_rule *r = &table[state][op];
	return r->event ? r : NULL;
}

int fsm_target(const struct fsm_rule *rule, int state)
{
	return rule->to == FSM_SAME ? state : rule->to;
}

#define M(to_, event_) {.to = (to_), .event = (event_)}
#define MOVED(to_) M(to_, "meeting.moved")
#define POSTPONED M(MS_POSTPONED, "meeting.postponed")
#define CANCELLED M(MS_CANCELLED, "meeting.cancelled")
#define ITEM M(FSM_SAME, "item.created")

/* The meeting statuses of PROTOCOL.md section 4.3, rows by MS_*, columns by op. */
static const struct fsm_meeting_rule meeting_table[MS_COUNT][PROTO_CALENDAR_OPS - OP_MEETING_MOVE] = {
#define C(op) [(op) - OP_MEETING_MOVE]
	[MS_SCHEDULED] = {
		C(OP_MEETING_MOVE) = MOVED(MS_SCHEDULED),
		C(OP_MEETING_POSTPONE) = POSTPONED,
		C(OP_MEETING_CANCEL) = CANCELLED,
		C(OP_ITEM_ADD) = ITEM,
	},
	[MS_STARTED] = {
		C(OP_MEETING_MOVE) = MOVED(MS_SCHEDULED),
		C(OP_MEETING_POSTPONE) = POSTPONED,
		C(OP_MEETING_CANCEL) = CANCELLED,
		C(OP_MEETING_HELD) = M(MS_HELD, "meeting.held"),
		C(OP_ITEM_ADD) = ITEM,
	},
	[MS_POSTPONED] = {
		C(OP_MEETING_MOVE) = MOVED(MS_SCHEDULED),
		C(OP_MEETING_CANCEL) = CANCELLED,
		C(OP_ITEM_ADD) = ITEM,
	},
	[MS_HELD] = {
		C(OP_MEETING_MOVE) = MOVED(MS_HELD),
		C(OP_ITEM_ADD) = ITEM,
	},
	/* cancelled is terminal: no row. */
#undef C
};

const struct fsm_meeting_rule *fsm_meeting_rule(int status, int op)
{
	if (status < 0 || status >= MS_COUNT || op < OP_MEETING_MOVE || op >= PROTO_CALENDAR_OPS)
		return NULL;
	const struct fsm_meeting_rule *r = &meeting_table[status][op - OP_MEETING_MOVE];
	return r->event ? r : NULL;
}
