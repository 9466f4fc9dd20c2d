/* The decision lifecycle as one table: (state, command) -> (state, role, event). */
#ifndef DOCKET_FSM_H
#define DOCKET_FSM_H

#include "proto.h"

/* A rule's `to` when the command leaves the state as it is. */
#define FSM_SAME (-1)

struct fsm_rule {
	int to;            /* ST_* or FSM_SAME */
	unsigned role;     /* the ROLE_* bit the principal needs */
	const char *event; /* "decision.endorsed" */
};

/*
 * The rule for applying op (an OP_* below PROTO_FSM_OPS) to a decision in
 * state (ST_NONE when it does not exist). Returns the rule, or NULL when
 * the lifecycle does not allow it.
 */
const struct fsm_rule *fsm_rule(int state, int op);

/* The state a rule leads to from state. */
int fsm_target(const struct fsm_rule *rule, int state);

/* A meeting command's rule: the status it leads to (MS_* or FSM_SAME) and its event. */
struct fsm_meeting_rule {
	int to;
	const char *event; /* "meeting.moved" */
};

/*
 * The rule for a calendar command (OP_MEETING_MOVE to OP_ITEM_ADD) on a
 * meeting in status (MS_*, MS_STARTED for a scheduled meeting whose start
 * has passed). NULL when the status does not allow it.
 */
const struct fsm_meeting_rule *fsm_meeting_rule(int status, int op);

#endif
