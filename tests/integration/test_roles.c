/*
 * The role each command and query needs (PROTOCOL.md 1.2): every op of the
 * protocol, sent by a key of each role, is refused with forbidden exactly
 * when none of the key's roles allows it, before anything else about the
 * request is looked at.
 */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

enum { STAFF = 1, COMMISSIONER = 2, SECRETARIAT = 4, READER = 8, ADMIN = 16 };

static const struct {
	const char *name;
	unsigned bit;
} roles[] = {
    {"staff", STAFF},
    {"commissioner", COMMISSIONER},
    {"secretariat", SECRETARIAT},
    {"reader", READER},
    {"admin", ADMIN},
};

/*
 * Every op of the protocol and the role it needs, written out from
 * PROTOCOL.md sections 1.2, 4.2 to 4.8 and 6.3 rather than taken from
 * docketd, so that the table in daemon/roles.c is checked against them.
 */
static const struct {
	const char *op;
	unsigned roles;
} ops[] = {
    {"draft", STAFF},
    {"amend", STAFF},
    {"submit", STAFF},
    {"return", COMMISSIONER},
    {"endorse", COMMISSIONER},
    {"reject", COMMISSIONER},
    {"withdraw", STAFF},
    {"publish", SECRETARIAT},
    {"schedule", SECRETARIAT},
    {"unschedule", SECRETARIAT},
    {"report", SECRETARIAT},
    {"note", SECRETARIAT},
    {"recommend", SECRETARIAT},
    {"respond", COMMISSIONER},
    {"lift_restriction", SECRETARIAT},
    {"set_response_due", SECRETARIAT},
    {"set_review_date", SECRETARIAT},
    {"meeting_add", SECRETARIAT},
    {"meeting_move", SECRETARIAT},
    {"meeting_postpone", SECRETARIAT},
    {"meeting_cancel", SECRETARIAT},
    {"meeting_held", SECRETARIAT},
    {"item_add", SECRETARIAT},
    {"item_order", SECRETARIAT},
    {"import", SECRETARIAT},
    {"get", READER},
    {"list", READER},
    {"history", READER},
    {"meetings", READER},
    {"agenda", READER},
    {"reminders", READER},
    {"due", READER},
    {"info", READER},
    {"render", READER},
    {"register", READER},
    {"search", READER},
    {"imports", READER},
    {"events", READER},
    {"cursor_add", READER},
    {"cursor_delete", ADMIN},
    {"fetch", READER},
    {"ack", READER},
    {"nak", READER},
    {"park", READER},
    {"cursor_retry", ADMIN},
    {"cursor_skip", ADMIN},
    {"cursor_rewind", ADMIN},
    {"cursors", READER},
    {"parked", READER},
    {"key_add", ADMIN},
    {"key_roles", ADMIN},
    {"key_revoke", ADMIN},
    {"keys", ADMIN},
    {"status", READER},
    {"backup", ADMIN},
};

#define NOPS (sizeof ops / sizeof ops[0])

/* The role bits named in list (comma-separated). */
static unsigned mask_of(const char *list)
{
	unsigned mask = 0;
	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++) {
		const char *at = strstr(list, roles[i].name);
		size_t n = strlen(roles[i].name);
		if (at && (at == list || at[-1] == ',') && (at[n] == ',' || at[n] == '\0'))
			mask |= roles[i].bit;
	}
	return mask;
}

/*
 * Every op from c, held by principal with mask: once with no keys but v,
 * id and op, once with a key no command takes. forbidden exactly when mask
 * shares no role with the op's; otherwise the op is known and, for the
 * stray key, bad_request (the role is checked first, the keys after).
 */
static void matrix(docket_client *c, const char *principal, unsigned mask)
{
	for (size_t i = 0; i < NOPS; i++) {
		for (int stray = 0; stray < 2; stray++) {
			docket_request *r = NULL;
			docket_msg *m = NULL;
			assert_int_equal(docket_request_new(&r, ops[i].op), 0);
			if (stray)
				assert_int_equal(docket_request_set_str(r, "no_such_key", "x"), 0);
			int rc = docket_client_call(c, r, &m);
			docket_request_destroy(&r);
			if (!m)
				fail_msg("%s by %s: no reply (%s)", ops[i].op, principal,
				         docket_strerror(rc));
			const char *code = docket_msg_ok(m) ? "ok" : docket_msg_error_code(m);
			if (!code)
				fail_msg("%s by %s: a refusal without a code", ops[i].op,
				         principal);
			const char *msg = docket_msg_error_message(m);
			bool allowed = (mask & ops[i].roles) != 0;
			if (!allowed && strcmp(code, "forbidden") != 0)
				fail_msg("%s%s by %s (roles %#x): %s, expected forbidden",
				         ops[i].op, stray ? " with a stray key" : "", principal,
				         mask, code);
			if (allowed && (!strcmp(code, "forbidden") || !strcmp(code, "unknown_op")))
				fail_msg("%s%s by %s (roles %#x): %s (%s)", ops[i].op,
				         stray ? " with a stray key" : "", principal, mask, code,
				         msg ? msg : "");
			if (allowed && stray && strcmp(code, "bad_request") != 0)
				fail_msg("%s with a stray key by %s: %s, expected bad_request",
				         ops[i].op, principal, code);
			if (!allowed) {
				/* The refusal names the command and who lacks the role for it. */
				H_ASSERT_CONTAINS(msg, ops[i].op);
				H_ASSERT_CONTAINS(msg, principal);
			}
			docket_msg_destroy(&m);
		}
	}
}

/*
 * A client with a new key holding roles (comma-separated), recorded for
 * principal. Subscribing over tcp is the reader role's: the key can
 * subscribe exactly when it holds it.
 */
static docket_client *client_with(struct h_daemon *d, const char *principal, const char *list)
{
	struct h_key k;
	char name[80];
	docket_client *c = NULL;
	docket_sub *s = NULL;
	snprintf(name, sizeof name, "%s.key", principal);
	h_key_make(d, name, 0600, &k);
	h_key_add(d, k.pub, principal, list);
	int rc = h_client_as(d, k.path, NULL, H_WAIT_MS, &c);
	if (rc != 0)
		fail_msg("client for %s: %s", principal, docket_credentials_error());

	rc = h_sub_as(d, k.path, H_WAIT_MS, &s);
	docket_sub_destroy(&s);
	if (rc != ((mask_of(list) & READER) ? 0 : -DOCKET_EUNREACHABLE))
		fail_msg("%s (%s) subscribing: %s", principal, list,
		         rc ? docket_strerror(rc) : "let in");
	return c;
}

/* A key of roles list (one role, or several for their union) meets the whole table. */
static void check_key(void **state, const char *principal, const char *list)
{
	struct h_daemon *d = *state;
	assert_int_equal(h_start_tcp(d), 0);
	docket_client *c = client_with(d, principal, list);
	unsigned mask = mask_of(list);
	assert_int_not_equal(mask, 0);
	matrix(c, principal, mask);
	docket_client_destroy(&c);
	H_PASS(d);
}

static void test_staff(void **state)
{
	check_key(state, "only-staff", "staff");
}

static void test_commissioner(void **state)
{
	check_key(state, "only-commissioner", "commissioner");
}

static void test_secretariat(void **state)
{
	check_key(state, "only-secretariat", "secretariat");
}

static void test_reader(void **state)
{
	check_key(state, "only-reader", "reader");
}

static void test_admin(void **state)
{
	check_key(state, "only-admin", "admin");
}

/* Several roles: the union of what each allows. */
static void test_union(void **state)
{
	struct h_daemon *d = *state;
	assert_int_equal(h_start_tcp(d), 0);
	docket_client *c = client_with(d, "drafter", "staff,reader");
	matrix(c, "drafter", STAFF | READER);
	docket_client_destroy(&c);
	c = client_with(d, "office-manager", "commissioner,secretariat,admin");
	matrix(c, "office-manager", COMMISSIONER | SECRETARIAT | ADMIN);
	docket_client_destroy(&c);
	/* admin.key is the local principal's, with every role. */
	matrix(d->client, "office", STAFF | COMMISSIONER | SECRETARIAT | READER | ADMIN);
	H_PASS(d);
}

/* An op docketd does not know is unknown_op for any principal, not forbidden. */
static void test_unknown_op(void **state)
{
	struct h_daemon *d = *state;
	assert_int_equal(h_start_tcp(d), 0);
	docket_client *c = client_with(d, "reader-only", "reader");
	docket_request *r = NULL;
	docket_msg *m = NULL;
	assert_int_equal(docket_request_new(&r, "no_such_op"), 0);
	assert_int_equal(docket_client_call(c, r, &m), -DOCKET_EUNKNOWNOP);
	docket_request_destroy(&r);
	docket_msg_destroy(&m);
	docket_client_destroy(&c);
	H_PASS(d);
}

/* The ipc endpoint's principal meets the same table, with the roles its config gives. */
static void test_ipc_principal(void **state)
{
	struct h_daemon *d = *state;
	assert_int_equal(h_write_config(d, "[principal]\nname = panel-officer\n"
	                                   "roles = secretariat reader\n"),
	                 0);
	assert_int_equal(h_start(d), 0);
	matrix(d->client, "panel-officer", SECRETARIAT | READER);
	H_PASS(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_staff, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_commissioner, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_secretariat, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_reader, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_admin, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_union, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_unknown_op, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_ipc_principal, h_setup, h_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
