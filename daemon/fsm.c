/* The decision lifecycle of DOMAIN.md, as data. */
#include <stddef.h>

#include "fsm.h"

#define R(to_, role_, event_) {.to = (to_), .role = ROLE_##role_, .event = "decision." event_}
#define LIFT R(FSM_SAME, SECRETARIAT, "restriction_lifted")

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
	},
	[ST_SCHEDULED] = {
		[OP_UNSCHEDULE] = R(ST_PUBLISHED, SECRETARIAT, "unscheduled"),
		[OP_REPORT] = R(ST_REPORTED, SECRETARIAT, "reported"),
		[OP_LIFT_RESTRICTION] = LIFT,
	},
	[ST_REPORTED] = {
		[OP_NOTE] = R(ST_NOTED, SECRETARIAT, "noted"),
		[OP_RECOMMEND] = R(ST_RESPONSE_DUE, SECRETARIAT, "recommended"),
		[OP_LIFT_RESTRICTION] = LIFT,
	},
	[ST_NOTED] = {
		[OP_LIFT_RESTRICTION] = LIFT,
	},
	[ST_RESPONSE_DUE] = {
		[OP_RESPOND] = R(ST_RESPONDED, COMMISSIONER, "responded"),
		[OP_LIFT_RESTRICTION] = LIFT,
	},
	[ST_RESPONDED] = {
		[OP_LIFT_RESTRICTION] = LIFT,
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
