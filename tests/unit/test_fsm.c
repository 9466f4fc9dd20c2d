/* fsm: every (state, command) pair against the lifecycle table of DOMAIN.md and every (status,
 * command) pair against the meeting status table of PROTOCOL.md, each written out again here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fsm.h"
#include "proto.h"

/* One row of DOMAIN.md's lifecycle table, by wire name, so this file does not reuse fsm.c's enum
 * layout. */
struct expect {
	const char *op;
	const char *from;
	const char *to; /* NULL: unchanged */
	const char *role;
	const char *event;
};

static const struct expect lifecycle[] = {
    {"draft", "none", "draft", "staff", "decision.drafted"},
    {"amend", "draft", "draft", "staff", "decision.amended"},
    {"submit", "draft", "submitted", "staff", "decision.submitted"},
    {"return", "submitted", "draft", "commissioner", "decision.returned"},
    {"endorse", "submitted", "endorsed", "commissioner", "decision.endorsed"},
    {"reject", "submitted", "rejected", "commissioner", "decision.rejected"},
    {"withdraw", "draft", "withdrawn", "staff", "decision.withdrawn"},
    {"withdraw", "submitted", "withdrawn", "staff", "decision.withdrawn"},
    {"publish", "endorsed", "published", "secretariat", "decision.published"},
    {"schedule", "published", "scheduled", "secretariat", "decision.scheduled"},
    {"unschedule", "scheduled", "published", "secretariat", "decision.unscheduled"},
    {"report", "scheduled", "reported", "secretariat", "decision.reported"},
    {"note", "reported", "noted", "secretariat", "decision.noted"},
    {"recommend", "reported", "response_due", "secretariat", "decision.recommended"},
    {"respond", "response_due", "responded", "commissioner", "decision.responded"},
    /* "published and later": rejected and withdrawn were never published. */
    {"lift_restriction", "published", NULL, "secretariat", "decision.restriction_lifted"},
    {"lift_restriction", "scheduled", NULL, "secretariat", "decision.restriction_lifted"},
    {"lift_restriction", "reported", NULL, "secretariat", "decision.restriction_lifted"},
    {"lift_restriction", "noted", NULL, "secretariat", "decision.restriction_lifted"},
    {"lift_restriction", "response_due", NULL, "secretariat", "decision.restriction_lifted"},
    {"lift_restriction", "responded", NULL, "secretariat", "decision.restriction_lifted"},
    {"set_response_due", "response_due", NULL, "secretariat", "decision.response_due_changed"},
    /* Like lift_restriction: a review date belongs to a published restriction. */
    {"set_review_date", "published", NULL, "secretariat", "decision.review_date_changed"},
    {"set_review_date", "scheduled", NULL, "secretariat", "decision.review_date_changed"},
    {"set_review_date", "reported", NULL, "secretariat", "decision.review_date_changed"},
    {"set_review_date", "noted", NULL, "secretariat", "decision.review_date_changed"},
    {"set_review_date", "response_due", NULL, "secretariat", "decision.review_date_changed"},
    {"set_review_date", "responded", NULL, "secretariat", "decision.review_date_changed"},
};
#define N_LIFECYCLE (sizeof lifecycle / sizeof lifecycle[0])

static int op_id(const char *name)
{
	int op = proto_op_lookup(name, (uint32_t)strlen(name));
	assert_true(op >= 0 && op < PROTO_FSM_OPS);
	return op;
}

static int state_id(const char *name)
{
	int st = proto_state_lookup(name, (uint32_t)strlen(name));
	assert_true(st >= 0 && st < ST_COUNT);
	return st;
}

static int role_bit(const char *name)
{
	int r = proto_role_lookup(name, (uint32_t)strlen(name));
	assert_true(r > 0);
	return r;
}

/* The row of lifecycle for (state, op), or NULL. */
static const struct expect *expected(int state, int op)
{
	for (size_t i = 0; i < N_LIFECYCLE; i++)
		if (state_id(lifecycle[i].from) == state && op_id(lifecycle[i].op) == op)
			return &lifecycle[i];
	return NULL;
}

/* The names this test speaks must mean what the table above assumes. */
static void test_vocabulary(void **state)
{
	(void)state;
	assert_int_equal(ST_COUNT, 12);
	assert_int_equal(PROTO_FSM_OPS, 17);
	assert_int_equal(state_id("none"), ST_NONE);
	for (int op = 0; op < PROTO_FSM_OPS; op++)
		assert_non_null(proto_op_name(op));
	/* Every lifecycle command is a decision command, and nothing after them is. */
	assert_int_equal(op_id("set_review_date"), PROTO_FSM_OPS - 1);
	assert_true(proto_op_lookup("meeting_add", 11) >= PROTO_FSM_OPS);
	/* The calendar's commands follow, meeting_add first and item_add last. */
	assert_int_equal(proto_op_lookup("meeting_add", 11), PROTO_FSM_OPS);
	assert_int_equal(proto_op_lookup("meeting_move", 12), OP_MEETING_MOVE);
	assert_int_equal(proto_op_lookup("item_add", 8), PROTO_CALENDAR_OPS - 1);
	assert_int_equal(OP_MEETING_MOVE, PROTO_FSM_OPS + 1);
}

static void test_every_pair(void **state)
{
	(void)state;
	int allowed = 0;
	for (int st = 0; st < ST_COUNT; st++) {
		for (int op = 0; op < PROTO_FSM_OPS; op++) {
			const struct expect *e = expected(st, op);
			const struct fsm_rule *r = fsm_rule(st, op);
			char where[96];
			snprintf(where, sizeof where, "%s in state %s", proto_op_name(op),
			         proto_state_name(st));
			if (!e) {
				if (r)
					fail_msg("%s: allowed (event %s) but DOMAIN.md refuses it",
					         where, r->event ? r->event : "(null)");
				continue;
			}
			allowed++;
			if (!r)
				fail_msg("%s: refused but DOMAIN.md allows it", where);
			int to = e->to ? state_id(e->to) : st;
			if (fsm_target(r, st) != to)
				fail_msg("%s: leads to %s, expected %s", where,
				         proto_state_name(fsm_target(r, st)), proto_state_name(to));
			if (r->role != (unsigned)role_bit(e->role))
				fail_msg("%s: role %u, expected %s", where, r->role, e->role);
			assert_non_null(r->event);
			if (strcmp(r->event, e->event) != 0)
				fail_msg("%s: event %s, expected %s", where, r->event, e->event);
			/* Unchanged rules say so explicitly, changing ones name their state. */
			if (!e->to)
				assert_int_equal(r->to, FSM_SAME);
			else
				assert_int_equal(r->to, to);
		}
	}
	assert_int_equal(allowed, (int)N_LIFECYCLE);
}

static void test_terminal_states(void **state)
{
	(void)state;
	static const char *const closed[] = {"rejected", "withdrawn"};
	for (size_t i = 0; i < 2; i++)
		for (int op = 0; op < PROTO_FSM_OPS; op++)
			assert_null(fsm_rule(state_id(closed[i]), op));
	/* Noted and responded decisions only keep their restriction up to date. */
	static const char *const ended[] = {"noted", "responded"};
	for (size_t i = 0; i < 2; i++)
		for (int op = 0; op < PROTO_FSM_OPS; op++)
			if (op != OP_LIFT_RESTRICTION && op != OP_SET_REVIEW_DATE)
				assert_null(fsm_rule(state_id(ended[i]), op));
			else
				assert_int_equal(fsm_rule(state_id(ended[i]), op)->to, FSM_SAME);
}

static void test_draft_only_from_none(void **state)
{
	(void)state;
	for (int st = 0; st < ST_COUNT; st++) {
		const struct fsm_rule *r = fsm_rule(st, OP_DRAFT);
		if (st == ST_NONE)
			assert_non_null(r);
		else
			assert_null(r);
	}
	/* A decision that does not exist takes no other command. */
	for (int op = 0; op < PROTO_FSM_OPS; op++)
		if (op != OP_DRAFT)
			assert_null(fsm_rule(ST_NONE, op));
}

static void test_out_of_range(void **state)
{
	(void)state;
	assert_null(fsm_rule(-1, OP_DRAFT));
	assert_null(fsm_rule(ST_COUNT, OP_LIFT_RESTRICTION));
	assert_null(fsm_rule(ST_COUNT + 100, 0));
	assert_null(fsm_rule(ST_NONE, -1));
	assert_null(fsm_rule(ST_PUBLISHED, PROTO_FSM_OPS));
	assert_null(fsm_rule(ST_PUBLISHED, OP_MEETING_ADD));
	assert_null(fsm_rule(ST_DRAFT, OP_GET));
	assert_null(fsm_rule(ST_DRAFT, OP_COUNT));
	assert_null(fsm_rule(-1, -1));
	assert_null(fsm_rule(INT32_MIN, INT32_MIN));
	assert_null(fsm_rule(INT32_MAX, INT32_MAX));
	for (int op = PROTO_FSM_OPS; op <= OP_COUNT; op++)
		for (int st = 0; st < ST_COUNT; st++)
			assert_null(fsm_rule(st, op));
}

/*
 * The meeting status table of PROTOCOL.md section 4.3, cell by cell, by the
 * column headings the document uses. to NULL: refused; "unchanged": FSM_SAME.
 */
static const char *const status_cols[] = {"scheduled", "scheduled, started", "postponed",
                                          "held (recorded)", "cancelled"};
#define N_STATUS_COLS (sizeof status_cols / sizeof status_cols[0])

static const struct {
	const char *op;
	const char *to[N_STATUS_COLS];
	const char *event;
} calendar[] = {
    {"meeting_move", {"scheduled", "scheduled", "scheduled", "held", NULL}, "meeting.moved"},
    {"meeting_postpone", {"postponed", "postponed", NULL, NULL, NULL}, "meeting.postponed"},
    {"meeting_cancel", {"cancelled", "cancelled", "cancelled", NULL, NULL}, "meeting.cancelled"},
    {"meeting_held", {NULL, "held", NULL, NULL, NULL}, "meeting.held"},
    {"item_add", {"unchanged", "unchanged", "unchanged", "unchanged", NULL}, "item.created"},
};
#define N_CALENDAR (sizeof calendar / sizeof calendar[0])

/* MS_* of a column heading; "scheduled, started" has no wire name of its own. */
static int status_id(const char *col)
{
	if (strcmp(col, "scheduled, started") == 0)
		return MS_STARTED;
	size_t n = strcspn(col, " ");
	int ms = proto_enum_lookup(proto_meeting_statuses, col, (uint32_t)n);
	assert_true(ms >= 0 && ms < MS_COUNT && ms != MS_STARTED);
	return ms;
}

static void test_meeting_vocabulary(void **state)
{
	(void)state;
	assert_int_equal(MS_COUNT, 5);
	/* A started meeting reads "held" but is stored "scheduled": it has no name of its own. */
	assert_null(proto_meeting_statuses[MS_STARTED]);
	static const char *const names[] = {"scheduled", "postponed", "held", "cancelled"};
	for (size_t i = 0; i < 4; i++)
		assert_non_null(proto_meeting_statuses[status_id(names[i])]);
	assert_int_equal(PROTO_CALENDAR_OPS - OP_MEETING_MOVE, (int)N_CALENDAR);
}

static void test_every_meeting_pair(void **state)
{
	(void)state;
	int allowed = 0, seen_ops = 0;
	for (int op = OP_MEETING_MOVE; op <= OP_ITEM_ADD; op++) {
		size_t row = N_CALENDAR;
		for (size_t i = 0; i < N_CALENDAR; i++)
			if (proto_op_lookup(calendar[i].op, (uint32_t)strlen(calendar[i].op)) == op)
				row = i;
		if (row == N_CALENDAR)
			fail_msg("%s is not in PROTOCOL.md's status table", proto_op_name(op));
		seen_ops++;
		for (size_t col = 0; col < N_STATUS_COLS; col++) {
			int st = status_id(status_cols[col]);
			const char *want = calendar[row].to[col];
			const struct fsm_meeting_rule *r = fsm_meeting_rule(st, op);
			char where[96];
			snprintf(where, sizeof where, "%s on a meeting %s", proto_op_name(op),
			         status_cols[col]);
			if (!want) {
				if (r)
					fail_msg(
					    "%s: allowed (event %s) but PROTOCOL.md refuses it",
					    where, r->event ? r->event : "(null)");
				continue;
			}
			allowed++;
			if (!r)
				fail_msg("%s: refused but PROTOCOL.md allows it", where);
			assert_non_null(r->event);
			if (strcmp(r->event, calendar[row].event) != 0)
				fail_msg("%s: event %s, expected %s", where, r->event,
				         calendar[row].event);
			if (strcmp(want, "unchanged") == 0) {
				if (r->to != FSM_SAME)
					fail_msg("%s: leads to %d, expected unchanged", where,
					         r->to);
			} else if (r->to != status_id(want)) {
				fail_msg("%s: leads to %d, expected %s", where, r->to, want);
			}
			/* No command stores "started": it is only how a scheduled meeting reads. */
			assert_int_not_equal(r->to, MS_STARTED);
		}
	}
	assert_int_equal(seen_ops, (int)N_CALENDAR);
	assert_int_equal(allowed, 14);
}

static void test_meeting_out_of_range(void **state)
{
	(void)state;
	/* meeting_add makes a meeting: there is no status to apply it to. */
	for (int st = 0; st < MS_COUNT; st++) {
		assert_null(fsm_meeting_rule(st, OP_MEETING_ADD));
		assert_null(fsm_meeting_rule(st, PROTO_CALENDAR_OPS));
		for (int op = 0; op < PROTO_FSM_OPS; op++)
			assert_null(fsm_meeting_rule(st, op));
		for (int op = PROTO_CALENDAR_OPS; op <= OP_COUNT; op++)
			assert_null(fsm_meeting_rule(st, op));
		assert_null(fsm_meeting_rule(st, -1));
	}
	for (int op = OP_MEETING_MOVE; op <= OP_ITEM_ADD; op++) {
		assert_null(fsm_meeting_rule(-1, op));
		assert_null(fsm_meeting_rule(MS_COUNT, op));
		assert_null(fsm_meeting_rule(INT32_MIN, op));
		assert_null(fsm_meeting_rule(INT32_MAX, op));
	}
	assert_null(fsm_meeting_rule(INT32_MAX, INT32_MAX));
	assert_null(fsm_meeting_rule(INT32_MIN, INT32_MIN));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_vocabulary),         cmocka_unit_test(test_every_pair),
	    cmocka_unit_test(test_terminal_states),    cmocka_unit_test(test_draft_only_from_none),
	    cmocka_unit_test(test_out_of_range),       cmocka_unit_test(test_meeting_vocabulary),
	    cmocka_unit_test(test_every_meeting_pair), cmocka_unit_test(test_meeting_out_of_range),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
