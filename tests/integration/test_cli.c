/* The docket CLI against the real docketd: a lifecycle to responded with --json, and no daemon. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define MAX_ARGS 32

/*
 * Run "docket --json ARGS..." (NULL-terminated); it must exit 0 with
 * nothing on stderr and a JSON reply with ok true on stdout. Returns the
 * reply (caller json_decref) and checks seq against *next (when not NULL),
 * advancing it.
 */
static json_t *json_cli(struct h_daemon *d, int64_t *next, ...)
{
	const char *a[MAX_ARGS] = {"--json"};
	int n = 1;
	va_list ap;
	va_start(ap, next);
	while (n < MAX_ARGS - 1 && (a[n] = va_arg(ap, const char *)))
		n++;
	va_end(ap);
	a[n] = NULL;

	struct h_proc p;
	assert_int_equal(h_cli_argv(d, &p, a), 0);
	if (p.status != 0)
		fail_msg("docket --json %s %s: exit %d\nstdout: %s\nstderr: %s", a[1],
		         n > 2 ? a[2] : "", p.status, p.out, p.err);
	H_ASSERT_STR(p.err, "");
	json_t *j = h_json(p.out);
	if (!j)
		fail_msg("docket --json %s: stdout is not JSON: %s", a[1], p.out);
	h_proc_free(&p);
	assert_true(json_is_true(json_object_get(j, "ok")));
	assert_int_equal(h_jint(j, "v"), 1);
	if (next)
		assert_int_equal(h_jint(j, "seq"), (*next)++);
	return j;
}

static void assert_decision(json_t *j, const char *ref, const char *state, int64_t version)
{
	H_ASSERT_STR(h_jstr(j, "decision.ref"), ref);
	H_ASSERT_STR(h_jstr(j, "decision.state"), state);
	assert_int_equal(h_jint(j, "decision.version"), version);
}

static void test_cli_lifecycle_to_responded(void **state)
{
	struct h_daemon *d = *state;
	const char *ref = "2016-10792";
	char future[32], past[32], ms[32], is[32];
	int64_t next = 1;
	json_t *j;

	j = json_cli(d, &next, "meeting-add", "--panel", "Kent and Medway Police and Crime Panel",
	             "--starts-at", h_utc(future, sizeof future, 86400), "--venue",
	             "Sessions House, Maidstone", NULL);
	int64_t meeting = h_jint(j, "meeting.id");
	assert_true(meeting > 0);
	H_ASSERT_STR(h_jstr(j, "meeting.status"), "scheduled");
	H_ASSERT_STR(h_jstr(j, "meeting.starts_at"), future);
	H_ASSERT_STR(h_jstr(j, "meeting.venue"), "Sessions House, Maidstone");
	json_decref(j);
	snprintf(ms, sizeof ms, "%lld", (long long)meeting);

	j = json_cli(d, &next, "item-add", ms, "--code", "C1", "--subject",
	             "Commissioner's Key Decisions \u2013 July 2015", "--period-start",
	             "2015-07-01", "--period-end", "2015-09-30", "--from", "Ann Barnes, PCC",
	             "--to", "Kent and Medway Police and Crime Panel", NULL);
	int64_t item = h_jint(j, "item.id");
	assert_true(item > 0);
	assert_int_equal(h_jint(j, "item.meeting"), meeting);
	H_ASSERT_STR(h_jstr(j, "item.code"), "C1");
	H_ASSERT_STR(h_jstr(j, "item.period_end"), "2015-09-30");
	json_decref(j);
	snprintf(is, sizeof is, "%lld", (long long)item);

	j = json_cli(d, &next, "draft", ref, "--title", "Body worn cameras roll out", "--text",
	             "The Commissioner has endorsed the wide scale roll out of body worn cameras.",
	             "--justification", "Evidence.\n- fewer complaints", "--maker", "pcc",
	             "--category", "spend", "--cost-pence", "180000000", "--cost-text",
	             "\u00a31.8m from approved capital resources", NULL);
	assert_decision(j, ref, "draft", 1);
	H_ASSERT_STR(h_jstr(j, "decision.justification"), "Evidence.\n- fewer complaints");
	H_ASSERT_STR(h_jstr(j, "decision.cost_text"), "\u00a31.8m from approved capital resources");
	assert_int_equal(h_jint(j, "decision.cost_pence"), 180000000);
	H_ASSERT_STR(h_jstr(j, "decision.author"), "office");
	json_decref(j);

	j = json_cli(d, &next, "submit", ref, NULL);
	assert_decision(j, ref, "submitted", 2);
	json_decref(j);
	j = json_cli(d, &next, "endorse", ref, "--expect-version", "2", NULL);
	assert_decision(j, ref, "endorsed", 3);
	H_ASSERT_STR(h_jstr(j, "decision.endorsed_by"), "office");
	json_decref(j);
	j = json_cli(d, &next, "publish", ref, "--restriction", "part", "--restriction-reason",
	             "Commercially sensitive", "--review-date", "2030-04-01", NULL);
	assert_decision(j, ref, "published", 4);
	H_ASSERT_STR(h_jstr(j, "decision.restriction"), "part");
	H_ASSERT_STR(h_jstr(j, "decision.review_date"), "2030-04-01");
	json_decref(j);
	j = json_cli(d, &next, "schedule", ref, "--item", is, NULL);
	assert_decision(j, ref, "scheduled", 5);
	assert_int_equal(h_jint(j, "decision.item"), item);
	json_decref(j);

	j = json_cli(d, &next, "meeting-move", ms, "--starts-at", h_utc(past, sizeof past, -60),
	             NULL);
	H_ASSERT_STR(h_jstr(j, "meeting.status"), "held");
	assert_int_equal(h_jint(j, "meeting.version"), 2);
	json_decref(j);

	j = json_cli(d, &next, "report", ref, NULL);
	assert_decision(j, ref, "reported", 6);
	assert_non_null(h_jstr(j, "decision.reported_at"));
	json_decref(j);
	j = json_cli(d, &next, "recommend", ref, "--recommendation",
	             "Publish the evaluation of the pilot.", "--response-due", "2030-02-28", NULL);
	assert_decision(j, ref, "response_due", 7);
	H_ASSERT_STR(h_jstr(j, "decision.recommendation"), "Publish the evaluation of the pilot.");
	H_ASSERT_STR(h_jstr(j, "decision.response_due"), "2030-02-28");
	json_decref(j);
	j = json_cli(d, &next, "respond", ref, "--response", "The evaluation will be published.",
	             "--idem", "respond-1", NULL);
	assert_decision(j, ref, "responded", 8);
	H_ASSERT_STR(h_jstr(j, "decision.response"), "The evaluation will be published.");
	assert_non_null(h_jstr(j, "decision.closed_at"));
	json_decref(j);
	/* The same --idem again replays the reply. */
	j = json_cli(d, NULL, "respond", ref, "--response", "The evaluation will be published.",
	             "--idem", "respond-1", NULL);
	assert_decision(j, ref, "responded", 8);
	assert_int_equal(h_jint(j, "seq"), next - 1);
	json_decref(j);

	/* get and history as JSON. */
	j = json_cli(d, NULL, "get", ref, NULL);
	assert_decision(j, ref, "responded", 8);
	json_decref(j);
	j = json_cli(d, NULL, "history", ref, NULL);
	static const char *const types[] = {
	    "decision.drafted",     "decision.submitted", "decision.endorsed",
	    "decision.published",   "decision.scheduled", "decision.reported",
	    "decision.recommended", "decision.responded",
	};
	json_t *events = json_object_get(j, "events");
	assert_int_equal(json_array_size(events), 8);
	for (size_t i = 0; i < 8; i++) {
		json_t *e = json_array_get(events, i);
		H_ASSERT_STR(h_jstr(e, "type"), types[i]);
		assert_int_equal(h_jint(e, "version"), (int64_t)i + 1);
		/* meeting-add and item-add took seqs 1 and 2, meeting-move the one after schedule.
		 */
		assert_int_equal(h_jint(e, "seq"), (int64_t)i + 3 + (i >= 5));
	}
	json_decref(j);

	/* Readable output names the ref and the state. */
	struct h_proc p;
	assert_int_equal(h_cli(d, &p, "get", ref, NULL), 0);
	assert_int_equal(p.status, 0);
	H_ASSERT_CONTAINS(p.out, ref);
	H_ASSERT_CONTAINS(p.out, "responded");
	H_ASSERT_CONTAINS(p.out, "Body worn cameras roll out");
	H_ASSERT_CONTAINS(p.out, "Publish the evaluation of the pilot.");
	H_ASSERT_STR(p.err, "");
	h_proc_free(&p);

	/* A refusal: exit 1, the code and the reason on stderr, the state unchanged. */
	assert_int_equal(h_cli(d, &p, "endorse", ref, NULL), 0);
	assert_int_equal(p.status, 1);
	H_ASSERT_CONTAINS(p.err, "invalid_transition");
	H_ASSERT_CONTAINS(p.err, ref);
	h_proc_free(&p);
	assert_int_equal(h_cli(d, &p, "--json", "endorse", ref, NULL), 0);
	assert_int_equal(p.status, 1);
	j = h_json(p.out);
	assert_non_null(j);
	assert_true(json_is_false(json_object_get(j, "ok")));
	H_ASSERT_STR(h_jstr(j, "error.code"), "invalid_transition");
	json_decref(j);
	h_proc_free(&p);

	/* A usage error never reaches docketd. */
	assert_int_equal(h_cli(d, &p, "recommend", ref, "--response-due", "2030-02-30x", NULL), 0);
	assert_int_equal(p.status, 64);
	h_proc_free(&p);

	j = json_cli(d, NULL, "get", ref, NULL);
	assert_decision(j, ref, "responded", 8);
	json_decref(j);
	/* Nothing refused took a seq. */
	j = json_cli(d, &next, "draft", "next", "--title", "t", "--text", "t", "--justification",
	             "j", "--maker", "deputy_pcc", "--category", "other", NULL);
	json_decref(j);
	H_PASS(d);
}

/* No docketd at the endpoint: exit 69 (EX_UNAVAILABLE) within the timeout, saying why. */
static void test_cli_unreachable(void **state)
{
	struct h_daemon *d = *state; /* a directory, no daemon */
	struct h_proc p;

	assert_false(h_alive(d));
	double start = h_now();
	assert_int_equal(h_cli(d, &p, "--timeout", "1000", "get", "X", NULL), 0);
	double took = h_now() - start;
	assert_int_equal(p.status, 69);
	H_ASSERT_CONTAINS(p.err, "not reachable");
	H_ASSERT_CONTAINS(p.err, d->cmd);
	assert_true(took < 5.0);
	H_ASSERT_STR(p.out, "");
	h_proc_free(&p);

	/* A change is not queued to be applied by a docketd that starts later. */
	assert_int_equal(h_cli(d, &p, "--timeout", "300", "draft", "late", "--title", "t", "--text",
	                       "t", "--justification", "j", "--maker", "pcc", "--category", "other",
	                       NULL),
	                 0);
	assert_int_equal(p.status, 69);
	h_proc_free(&p);
	assert_int_equal(h_start(d), 0);
	docket_msg *m = NULL;
	assert_int_equal(h_call(d, &m, "get", "ref", "late", NULL), -DOCKET_ENOTFOUND);
	docket_msg_destroy(&m);

	/* watch says the same about the event endpoint of a daemon that is gone. */
	assert_int_equal(h_stop(d, H_WAIT_MS), 0);
	start = h_now();
	assert_int_equal(h_cli(d, &p, "--timeout", "1000", "watch", NULL), 0);
	assert_int_equal(p.status, 69);
	assert_true(h_now() - start < 5.0);
	H_ASSERT_CONTAINS(p.err, "not reachable");
	h_proc_free(&p);
	H_PASS(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_cli_lifecycle_to_responded, h_setup_started,
	                                    h_teardown),
	    cmocka_unit_test_setup_teardown(test_cli_unreachable, h_setup, h_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
