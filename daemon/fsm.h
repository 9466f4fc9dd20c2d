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

#endif
