/* Events: a libdocket subscriber sees every change in seq order, and docket watch prints them. */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

#define MAX_EXPECTED 64

/* An event the replies announced. */
struct expected {
	const char *type;
	int64_t seq;
	char ref[32]; /* decision events; "" otherwise */
	char state[32];
	int64_t version;
};

struct script {
	struct expected e[MAX_EXPECTED];
	int n;
};

/*
 * Run op; it must succeed and announce the events of types (a
 * NULL-terminated list: report with item announces several). Returns the reply.
 */
static docket_msg *change(struct h_daemon *d, struct script *s, const char *const *types,
                          const char *op, ...)
{
	va_list ap;
	va_start(ap, op);
	docket_msg *m = h_vmust(d, op, ap);
	va_end(ap);
	int count = 0;
	while (types[count])
		count++;
	int64_t last = h_int(m, "seq");
	for (int i = 0; i < count; i++) {
		assert_true(s->n < MAX_EXPECTED);
		struct expected *x = &s->e[s->n++];
		x->type = types[i];
		x->seq = last - count + 1 + i;
		char p[64];
		const char *prefix = count > 1 ? "decisions." : "decision";
		if (count > 1)
			snprintf(p, sizeof p, "%s%d", prefix, i);
		else
			snprintf(p, sizeof p, "%s", prefix);
		char q[96];
		snprintf(q, sizeof q, "%s.ref", p);
		const char *ref = h_str(m, q);
		snprintf(x->ref, sizeof x->ref, "%s", ref ? ref : "");
		snprintf(q, sizeof q, "%s.state", p);
		const char *st = h_str(m, q);
		snprintf(x->state, sizeof x->state, "%s", st ? st : "");
		snprintf(q, sizeof q, "%s.version", p);
		x->version = h_int(m, q);
	}
	return m;
}

#define ONE(t) ((const char *const[]){(t), NULL})

static void test_subscriber_sees_every_change(void **state)
{
	struct h_daemon *d = *state;
	struct script s = {.n = 0};
	char when[32], ms[32], is[32], ms2[32];
	docket_sub *all = NULL, *meetings = NULL;
	docket_msg *m;

	assert_int_equal(docket_sub_new(&all, d->ev, NULL, H_WAIT_MS), 0);
	const char *const prefixes[] = {"meeting.", NULL};
	assert_int_equal(docket_sub_new(&meetings, d->ev, prefixes, H_WAIT_MS), 0);

	m = change(d, &s, ONE("meeting.created"), "meeting_add", "panel", "Kent Panel", "starts_at",
	           h_utc(when, sizeof when, 86400), NULL);
	snprintf(ms, sizeof ms, "%lld", (long long)h_int(m, "meeting.id"));
	docket_msg_destroy(&m);
	m = change(d, &s, ONE("item.created"), "item_add", "#meeting", ms, "code", "C1", "subject",
	           "Key decisions", NULL);
	snprintf(is, sizeof is, "%lld", (long long)h_int(m, "item.id"));
	docket_msg_destroy(&m);

	const char *refs[] = {"A/1", "A/2"};
	for (int i = 0; i < 2; i++) {
		m = change(d, &s, ONE("decision.drafted"), "draft", "ref", refs[i], "title", "T",
		           "text", "t", "justification", "j", "decision_maker", "pcc", "category",
		           "strategic", NULL);
		docket_msg_destroy(&m);
		m = change(d, &s, ONE("decision.submitted"), "submit", "ref", refs[i], NULL);
		docket_msg_destroy(&m);
		m = change(d, &s, ONE("decision.endorsed"), "endorse", "ref", refs[i], NULL);
		docket_msg_destroy(&m);
		m = change(d, &s, ONE("decision.published"), "publish", "ref", refs[i],
		           "restriction", "part", "restriction_reason", "Commercially sensitive",
		           "review_date", "2030-06-30", NULL);
		docket_msg_destroy(&m);
		m = change(d, &s, ONE("decision.scheduled"), "schedule", "ref", refs[i], "#item",
		           is, NULL);
		docket_msg_destroy(&m);
	}
	m = change(d, &s, ONE("decision.unscheduled"), "unschedule", "ref", "A/2", NULL);
	docket_msg_destroy(&m);
	m = change(d, &s, ONE("decision.scheduled"), "schedule", "ref", "A/2", "#item", is, NULL);
	docket_msg_destroy(&m);
	m = change(d, &s, ONE("meeting.moved"), "meeting_move", "#meeting", ms, "starts_at",
	           h_utc(when, sizeof when, -60), NULL);
	docket_msg_destroy(&m);
	m = change(d, &s, (const char *const[]){"decision.reported", "decision.reported", NULL},
	           "report", "#item", is, NULL);
	docket_msg_destroy(&m);
	m = change(d, &s, ONE("decision.noted"), "note", "ref", "A/1", NULL);
	docket_msg_destroy(&m);
	m = change(d, &s, ONE("decision.recommended"), "recommend", "ref", "A/2", "recommendation",
	           "Publish the evaluation.", "response_due", "2030-01-31", NULL);
	docket_msg_destroy(&m);
	m = change(d, &s, ONE("decision.responded"), "respond", "ref", "A/2", "response",
	           "The evaluation will be published.", NULL);
	docket_msg_destroy(&m);
	m = change(d, &s, ONE("decision.restriction_lifted"), "lift_restriction", "ref", "A/2",
	           "comment", "Reviewed", NULL);
	docket_msg_destroy(&m);

	/* The side paths: returned, amended, withdrawn, rejected; a cancelled meeting. */
	m = change(d, &s, ONE("decision.drafted"), "draft", "ref", "B/1", "title", "T", "text", "t",
	           "justification", "j", "decision_maker", "chief_executive", "category", "other",
	           NULL);
	docket_msg_destroy(&m);
	m = change(d, &s, ONE("decision.submitted"), "submit", "ref", "B/1", NULL);
	docket_msg_destroy(&m);
	m = change(d, &s, ONE("decision.returned"), "return", "ref", "B/1", "comment", "Costs?",
	           NULL);
	docket_msg_destroy(&m);
	m = change(d, &s, ONE("decision.amended"), "amend", "ref", "B/1", "#cost_pence", "5000",
	           NULL);
	docket_msg_destroy(&m);
	m = change(d, &s, ONE("decision.withdrawn"), "withdraw", "ref", "B/1", "reason", "Dropped",
	           NULL);
	docket_msg_destroy(&m);
	m = change(d, &s, ONE("decision.drafted"), "draft", "ref", "B/2", "title", "T", "text", "t",
	           "justification", "j", "decision_maker", "pcc", "category", "other", NULL);
	docket_msg_destroy(&m);
	m = change(d, &s, ONE("decision.submitted"), "submit", "ref", "B/2", NULL);
	docket_msg_destroy(&m);
	m = change(d, &s, ONE("decision.rejected"), "reject", "ref", "B/2", "reason", "No", NULL);
	docket_msg_destroy(&m);
	m = change(d, &s, ONE("meeting.created"), "meeting_add", "panel", "Kent Panel", "starts_at",
	           h_utc(when, sizeof when, 7 * 86400), NULL);
	snprintf(ms2, sizeof ms2, "%lld", (long long)h_int(m, "meeting.id"));
	docket_msg_destroy(&m);
	m = change(d, &s, ONE("meeting.cancelled"), "meeting_cancel", "#meeting", ms2, NULL);
	docket_msg_destroy(&m);

	/* Every event, in order, seq + 1 each time, as the replies said. */
	assert_int_equal(s.e[0].seq, 1);
	json_t *seen[MAX_EXPECTED] = {NULL};
	for (int i = 0; i < s.n; i++) {
		docket_msg *ev = NULL;
		int rc = docket_sub_recv(all, &ev, H_WAIT_MS);
		if (rc != 0)
			fail_msg("event %d (%s, seq %lld) did not arrive: %s", i, s.e[i].type,
			         (long long)s.e[i].seq, docket_strerror(rc));
		const struct expected *x = &s.e[i];
		H_ASSERT_STR(docket_msg_topic(ev), x->type);
		H_ASSERT_STR(h_str(ev, "type"), x->type);
		assert_int_equal(h_int(ev, "seq"), x->seq);
		if (i > 0)
			assert_int_equal(x->seq, s.e[i - 1].seq + 1);
		H_ASSERT_STR(h_str(ev, "actor"), "office");
		assert_non_null(h_str(ev, "ts"));
		if (!strncmp(x->type, "decision.", 9)) {
			H_ASSERT_STR(h_str(ev, "ref"), x->ref);
			H_ASSERT_STR(h_str(ev, "state"), x->state);
			assert_int_equal(h_int(ev, "version"), x->version);
		} else {
			assert_int_not_equal(h_int(ev, "meeting"), INT64_MIN);
		}
		/* data carries the command's own arguments. */
		if (!strcmp(x->type, "decision.drafted"))
			H_ASSERT_STR(h_str(ev, "data.title"), "T");
		if (!strcmp(x->type, "decision.scheduled"))
			assert_int_equal(h_int(ev, "data.item"), strtoll(is, NULL, 10));
		json_t *j = h_msg_json(ev);
		seen[i] = json_incref(json_object_get(j, "event"));
		json_decref(j);
		docket_msg_destroy(&ev);
	}

	/* history returns the events the subscriber saw, field for field. */
	for (int r = 0; r < 2; r++) {
		m = NULL;
		assert_int_equal(h_call(d, &m, "history", "ref", refs[r], NULL), 0);
		json_t *h = h_msg_json(m);
		docket_msg_destroy(&m);
		json_t *events = json_object_get(h, "events");
		size_t k = 0;
		for (int i = 0; i < s.n; i++) {
			if (strcmp(s.e[i].ref, refs[r]))
				continue;
			json_t *got = json_array_get(events, k++);
			if (!json_equal(got, seen[i])) {
				char *a = json_dumps(seen[i], JSON_SORT_KEYS);
				char *b = json_dumps(got, JSON_SORT_KEYS);
				fail_msg("history of %s differs from the event:\n event   %s\n "
				         "history %s",
				         refs[r], a, b);
			}
		}
		assert_int_equal(json_array_size(events), k);
		json_decref(h);
	}
	for (int i = 0; i < s.n; i++)
		json_decref(seen[i]);

	/* The prefix subscriber saw only meeting events, in order. */
	for (int i = 0; i < s.n; i++) {
		if (strncmp(s.e[i].type, "meeting.", 8))
			continue;
		docket_msg *ev = NULL;
		assert_int_equal(docket_sub_recv(meetings, &ev, H_WAIT_MS), 0);
		H_ASSERT_STR(docket_msg_topic(ev), s.e[i].type);
		assert_int_equal(h_int(ev, "seq"), s.e[i].seq);
		docket_msg_destroy(&ev);
	}
	/* The next change goes to all but not to meetings; a later meeting change does. */
	m = change(d, &s, ONE("decision.drafted"), "draft", "ref", "C/1", "title", "T", "text", "t",
	           "justification", "j", "decision_maker", "pcc", "category", "other", NULL);
	docket_msg_destroy(&m);
	m = change(d, &s, ONE("meeting.created"), "meeting_add", "panel", "P", "starts_at",
	           h_utc(when, sizeof when, 86400), NULL);
	docket_msg_destroy(&m);
	docket_msg *ev = NULL;
	assert_int_equal(docket_sub_recv(meetings, &ev, H_WAIT_MS), 0);
	H_ASSERT_STR(docket_msg_topic(ev), "meeting.created");
	assert_int_equal(h_int(ev, "seq"), s.e[s.n - 1].seq);
	docket_msg_destroy(&ev);
	for (int i = s.n - 2; i < s.n; i++) {
		assert_int_equal(docket_sub_recv(all, &ev, H_WAIT_MS), 0);
		assert_int_equal(h_int(ev, "seq"), s.e[i].seq);
		docket_msg_destroy(&ev);
	}
	docket_sub_destroy(&all);
	docket_sub_destroy(&meetings);
	H_PASS(d);
}

/* Read what the watcher has written so far; count its lines. */
static int read_more(int fd, char *buf, size_t cap, size_t *len, bool *eof)
{
	for (;;) {
		if (*len + 1 >= cap)
			return -1;
		ssize_t n = read(fd, buf + *len, cap - 1 - *len);
		if (n > 0) {
			*len += (size_t)n;
			buf[*len] = '\0';
			continue;
		}
		if (n == 0)
			*eof = true;
		else if (errno != EAGAIN && errno != EINTR)
			return -1;
		break;
	}
	int lines = 0;
	for (size_t i = 0; i < *len; i++)
		lines += buf[i] == '\n';
	return lines;
}

#define WATCH_COUNT 10

static void test_cli_watch_prints_json_lines(void **state)
{
	struct h_daemon *d = *state;
	char ev_env[300], cmd_env[300], count[16];
	snprintf(ev_env, sizeof ev_env, "DOCKET_EVENTS=%s", d->ev);
	/* watch reads what it lacks from the log on the command endpoint. */
	snprintf(cmd_env, sizeof cmd_env, "DOCKET_ENDPOINT=%s", d->cmd);
	snprintf(count, sizeof count, "%d", WATCH_COUNT);
	const char *argv[] = {DOCKET_CLI_PATH, "watch", "--json", "--count", count, NULL};
	const char *env[] = {ev_env, cmd_env, NULL};
	int fd = -1;
	pid_t pid = h_spawn_piped(d, argv, env, &fd);
	assert_true(pid > 0);

	static char out[65536];
	size_t len = 0;
	bool eof = false;
	int lines = 0;
	int64_t last_seq = 0;
	char ref[32];

	/*
	 * The watcher subscribes at its own pace: make changes until its first
	 * line appears, waiting on its pipe after each (bounded).
	 */
	for (int i = 0; lines == 0 && i < 200; i++) {
		docket_msg *m = NULL;
		snprintf(ref, sizeof ref, "W-%d", i);
		assert_int_equal(h_draft(d, ref, &m), 0);
		last_seq = h_int(m, "seq");
		docket_msg_destroy(&m);
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (poll(&p, 1, 100) > 0)
			lines = read_more(fd, out, sizeof out, &len, &eof);
		assert_true(lines >= 0);
		assert_false(eof && lines == 0);
	}
	if (lines == 0)
		fail_msg("docket watch printed nothing after 200 changes");
	char line1[4096];
	snprintf(line1, sizeof line1, "%.*s", (int)strcspn(out, "\n"), out);
	json_t *first = h_json(line1);
	assert_non_null(first);
	int64_t s0 = h_jint(first, "seq");
	json_decref(first);
	assert_true(s0 >= 1 && s0 <= last_seq);

	/* Enough further changes for the watcher to reach its count. */
	for (int64_t seq = last_seq; seq < s0 + WATCH_COUNT - 1; seq++) {
		snprintf(ref, sizeof ref, "X-%lld", (long long)seq);
		assert_int_equal(h_draft(d, ref, NULL), 0);
	}
	double deadline = h_now() + H_WAIT_MS / 1000.0;
	while (!eof && h_now() < deadline) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		poll(&p, 1, 500);
		lines = read_more(fd, out, sizeof out, &len, &eof);
		assert_true(lines >= 0);
	}
	assert_true(eof); /* --count reached: it exits and closes its stdout */
	close(fd);
	assert_int_equal(h_reap(d, pid, H_WAIT_MS), 0);
	assert_int_equal(lines, WATCH_COUNT);

	/* N lines, each one JSON event, seq consecutive from the first. */
	char *save = NULL, *line = strtok_r(out, "\n", &save);
	for (int i = 0; i < WATCH_COUNT; i++, line = strtok_r(NULL, "\n", &save)) {
		assert_non_null(line);
		json_t *j = h_json(line);
		if (!j)
			fail_msg("line %d is not JSON: %s", i, line);
		/* The event's map alone, as history --json gives each event. */
		assert_null(h_jpath(j, "topic"));
		H_ASSERT_STR(h_jstr(j, "type"), "decision.drafted");
		assert_int_equal(h_jint(j, "seq"), s0 + i);
		assert_non_null(h_jstr(j, "ref"));
		H_ASSERT_STR(h_jstr(j, "state"), "draft");
		json_decref(j);
	}
	H_PASS(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_subscriber_sees_every_change, h_setup_started,
	                                    h_teardown),
	    cmocka_unit_test_setup_teardown(test_cli_watch_prints_json_lines, h_setup_started,
	                                    h_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
