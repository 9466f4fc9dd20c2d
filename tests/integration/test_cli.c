/*
 * The docket CLI against the real docketd: a lifecycle to responded with
 * --json, times in the office's zone, the calendar queries, output and input
 * failures, table alignment, help, and no daemon.
 */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

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

/*
 * Run "docket ARGS..." (NULL-terminated) for its readable output; it must
 * exit 0 with nothing on stderr. Returns stdout (caller frees).
 */
static char *text_cli(struct h_daemon *d, ...)
{
	const char *a[MAX_ARGS];
	int n = 0;
	va_list ap;
	va_start(ap, d);
	while (n < MAX_ARGS - 1 && (a[n] = va_arg(ap, const char *)))
		n++;
	va_end(ap);
	a[n] = NULL;

	struct h_proc p;
	assert_int_equal(h_cli_argv(d, &p, a), 0);
	if (p.status != 0 || *p.err)
		fail_msg("docket %s %s: exit %d\nstdout: %s\nstderr: %s", a[0], n > 1 ? a[1] : "",
		         p.status, p.out, p.err);
	free(p.err);
	return p.out;
}

/* Fail unless haystack lacks needle. */
#define ASSERT_LACKS(haystack, needle)                                                             \
	do {                                                                                       \
		if (strstr((haystack), (needle)))                                                  \
			fail_msg("%s (\"%s\") contains \"%s\"", #haystack, (haystack), (needle));    \
	} while (0)

/* Fail unless a occurs in text before b. */
static void assert_order(const char *text, const char *a, const char *b)
{
	const char *pa = strstr(text, a), *pb = strstr(text, b);
	if (!pa || !pb || pa >= pb)
		fail_msg("\"%s\" should come before \"%s\" in:\n%s", a, b, text);
}

/* True when some line of text holds both a and b. */
static bool line_has(const char *text, const char *a, const char *b)
{
	for (const char *l = text; *l;) {
		size_t len = strcspn(l, "\n");
		char line[1024];
		snprintf(line, sizeof line, "%.*s", (int)len, l);
		if (strstr(line, a) && strstr(line, b))
			return true;
		l += len + (l[len] == '\n');
	}
	return false;
}

/* The date days after a YYYY-MM-DD date, as YYYY-MM-DD. */
static const char *days_after(const char *date, int days, char *buf, size_t size)
{
	struct tm tm = {0};
	assert_int_equal(sscanf(date, "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday), 3);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	time_t t = timegm(&tm) + (time_t)days * 86400;
	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%d", &tm);
	return buf;
}

static json_t *draft_cli(struct h_daemon *d, int64_t *next, const char *ref, const char *title)
{
	return json_cli(d, next, "draft", ref, "--title", title, "--text", "t", "--justification",
	                "j", "--maker", "pcc", "--category", "other", NULL);
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
	             "Commercially sensitive", "--review-date", "2030-04-01", "--withheld",
	             "the supplier", "--public-text", "The Commissioner has endorsed a roll out.",
	             NULL);
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

/* --starts-at as the office reads it: wall-clock times, Z and offsets; refusals at clock changes. */
static void test_cli_office_times(void **state)
{
	struct h_daemon *d = *state;
	static const struct {
		const char *given, *stored, *zone;
	} times[] = {
	    {"2030-09-22 10:00", "2030-09-22T09:00:00Z", "BST"},
	    {"2030-12-22T10:00", "2030-12-22T10:00:00Z", "GMT"},
	    {"2030-09-23T10:00:30", "2030-09-23T09:00:30Z", "BST"},
	    {"2030-09-24T10:00Z", "2030-09-24T10:00:00Z", "BST"},
	    {"2030-09-25 10:00-04:00", "2030-09-25T14:00:00Z", "BST"},
	};
	int64_t next = 1, first = 0;
	char id[32];
	json_t *j;

	for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
		j = json_cli(d, &next, "meeting-add", "--panel", "P", "--starts-at", times[i].given,
		             NULL);
		H_ASSERT_STR(h_jstr(j, "meeting.starts_at"), times[i].stored);
		H_ASSERT_STR(h_jstr(j, "meeting.zone"), times[i].zone);
		if (i == 0)
			first = h_jint(j, "meeting.id");
		json_decref(j);
	}
	snprintf(id, sizeof id, "%lld", (long long)first);
	j = json_cli(d, &next, "meeting-move", id, "--starts-at", "2030-09-22 11:00", NULL);
	H_ASSERT_STR(h_jstr(j, "meeting.starts_at"), "2030-09-22T10:00:00Z");
	json_decref(j);

	/* Readable: office time with its zone, summer and winter; --utc: UTC. */
	char *out = text_cli(d, "meetings", NULL);
	H_ASSERT_CONTAINS(out, "22 Sep 2030 11:00 BST  scheduled");
	H_ASSERT_CONTAINS(out, "22 Dec 2030 10:00 GMT  scheduled");
	H_ASSERT_CONTAINS(out, "25 Sep 2030 15:00 BST");
	free(out);
	out = text_cli(d, "--utc", "meetings", NULL);
	H_ASSERT_CONTAINS(out, "22 Sep 2030 10:00 UTC");
	H_ASSERT_CONTAINS(out, "22 Dec 2030 10:00 UTC");
	ASSERT_LACKS(out, "BST");
	ASSERT_LACKS(out, "GMT");
	free(out);

	/* Clock changes: docketd refuses, the CLI says why and exits 1. */
	struct h_proc p;
	assert_int_equal(h_cli(d, &p, "meeting-add", "--panel", "P", "--starts-at",
	                       "2031-03-30 01:30", NULL),
	                 0);
	assert_int_equal(p.status, 1);
	H_ASSERT_CONTAINS(p.err, "bad_request");
	H_ASSERT_CONTAINS(p.err, "2031-03-30T01:30");
	H_ASSERT_CONTAINS(p.err, "does not exist");
	H_ASSERT_STR(p.out, "");
	h_proc_free(&p);
	assert_int_equal(h_cli(d, &p, "meeting-add", "--panel", "P", "--starts-at",
	                       "2030-10-27 01:30", NULL),
	                 0);
	assert_int_equal(p.status, 1);
	H_ASSERT_CONTAINS(p.err, "2030-10-27T01:30+01:00");
	H_ASSERT_CONTAINS(p.err, "2030-10-27T01:30+00:00");
	h_proc_free(&p);

	/* A time that is no time never reaches docketd. */
	static const char *const bad[] = {"2030-09-22 10", "22/09/2030 10:00",
	                                  "2030-09-22T10:00+15:00", "2030-02-30 10:00",
	                                  "2030-09-22T10:00:00.000Z"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(
		    h_cli(d, &p, "meeting-add", "--panel", "P", "--starts-at", bad[i], NULL), 0);
		if (p.status != 64)
			fail_msg("--starts-at '%s': exit %d, stderr %s", bad[i], p.status, p.err);
		H_ASSERT_CONTAINS(p.err, "--starts-at");
		h_proc_free(&p);
	}
	j = json_cli(d, NULL, "meetings", NULL);
	assert_int_equal(json_array_size(json_object_get(j, "meetings")), 5);
	json_decref(j);

	/* Record times: the office's zone now (info says which), or UTC. */
	j = draft_cli(d, &next, "1 - 2030", "t");
	json_decref(j);
	j = json_cli(d, NULL, "info", NULL);
	char zone[16], zone_end[16];
	snprintf(zone, sizeof zone, " %s ", h_jstr(j, "zone"));
	snprintf(zone_end, sizeof zone_end, " %s\n", h_jstr(j, "zone"));
	json_decref(j);
	out = text_cli(d, "get", "1 - 2030", NULL);
	H_ASSERT_CONTAINS(out, "Drafted:");
	H_ASSERT_CONTAINS(out, zone_end);
	free(out);
	out = text_cli(d, "history", "1 - 2030", NULL);
	H_ASSERT_CONTAINS(out, "decision.drafted");
	H_ASSERT_CONTAINS(out, zone);
	free(out);
	out = text_cli(d, "get", "1 - 2030", "--utc", NULL);
	H_ASSERT_CONTAINS(out, " UTC\n");
	ASSERT_LACKS(out, "GMT");
	ASSERT_LACKS(out, "BST");
	free(out);
	H_PASS(d);
}

/* The CLI learns the zone from docketd: nothing about London is built in. */
static void test_cli_zone_from_info(void **state)
{
	struct h_daemon *d = *state;
	assert_int_equal(h_write_config(d, "[office]\ntimezone = America/New_York\n"), 0);
	assert_int_equal(h_start(d), 0);

	json_t *j = json_cli(d, NULL, "meeting-add", "--panel", "P", "--starts-at",
	                     "2030-07-01 10:00", NULL);
	H_ASSERT_STR(h_jstr(j, "meeting.starts_at"), "2030-07-01T14:00:00Z");
	json_decref(j);
	char *out = text_cli(d, "meetings", NULL);
	H_ASSERT_CONTAINS(out, "1 Jul 2030 10:00 EDT");
	free(out);
	out = text_cli(d, "--utc", "meetings", NULL);
	H_ASSERT_CONTAINS(out, "1 Jul 2030 14:00 UTC");
	free(out);
	/* Reminders come at 09:00 office time: 21 days before, in EDT. */
	out = text_cli(d, "reminders", "--kind", "meeting", NULL);
	H_ASSERT_CONTAINS(out, "10 Jun 2030 09:00 EDT");
	free(out);

	j = json_cli(d, NULL, "info", NULL);
	H_ASSERT_STR(h_jstr(j, "timezone"), "America/New_York");
	char zone[16];
	snprintf(zone, sizeof zone, " %s", h_jstr(j, "zone"));
	json_decref(j);
	out = text_cli(d, "info", NULL);
	H_ASSERT_CONTAINS(out, "America/New_York");
	H_ASSERT_CONTAINS(out, zone);
	free(out);

	/* watch asks once at its start: its lines carry New York's zone. */
	char ev[300], cmd[300];
	snprintf(ev, sizeof ev, "DOCKET_EVENTS=%s", d->ev);
	snprintf(cmd, sizeof cmd, "DOCKET_ENDPOINT=%s", d->cmd);
	const char *argv[] = {DOCKET_CLI_PATH, "watch", "--count", "1", NULL};
	const char *env[] = {ev, cmd, NULL};
	int fd = -1;
	pid_t pid = h_spawn_piped(d, argv, env, &fd);
	assert_true(pid > 0);
	char line[1024] = "";
	size_t len = 0;
	bool eof = false;
	/* It subscribes at its own pace: change things until its line comes. */
	for (int i = 0; !eof && i < 200; i++) {
		char ref[32];
		snprintf(ref, sizeof ref, "W-%d", i);
		assert_int_equal(h_draft(d, ref, NULL), 0);
		struct pollfd pf = {.fd = fd, .events = POLLIN};
		while (!eof && poll(&pf, 1, 100) > 0) {
			ssize_t n = read(fd, line + len, sizeof line - 1 - len);
			if (n > 0)
				len += (size_t)n;
			else if (n == 0 || errno != EINTR)
				eof = true;
		}
	}
	line[len] = '\0';
	close(fd);
	assert_true(eof);
	assert_int_equal(h_reap(d, pid, H_WAIT_MS), 0);
	H_ASSERT_CONTAINS(line, "decision.drafted");
	H_ASSERT_CONTAINS(line, zone);
	H_PASS(d);
}

/* Business dates, the commands of revision 2 and the calendar queries, readable and JSON. */
static void test_cli_calendar(void **state)
{
	struct h_daemon *d = *state;
	int64_t next = 1;
	char m1[24], m2[24], m3[24], i1[24], i2[24], c2[24], buf[128], review[16];
	json_t *j;
	char *out;

	out = text_cli(d, "due", NULL);
	H_ASSERT_STR(out, "nothing due within 28 days\n");
	free(out);
	j = json_cli(d, NULL, "info", NULL);
	const char *today = h_jstr(j, "today");
	assert_non_null(today);
	days_after(today, 10, review, sizeof review);
	assert_int_equal(h_jint(j, "revision"), 6);
	json_decref(j);
	out = text_cli(d, "info", NULL);
	H_ASSERT_CONTAINS(out, "Europe/London");
	H_ASSERT_CONTAINS(out, "revision 6");
	H_ASSERT_CONTAINS(out, "28 days");
	H_ASSERT_CONTAINS(out, "21, 7 and 1 days before");
	H_ASSERT_CONTAINS(out, "09:00");
	free(out);

	/* A meeting that took place, with an item covering the summer of 2015. */
	j = json_cli(d, &next, "meeting-add", "--panel", "P", "--starts-at", "2015-09-22 10:00",
	             NULL);
	H_ASSERT_STR(h_jstr(j, "meeting.status"), "held");
	snprintf(m1, sizeof m1, "%lld", (long long)h_jint(j, "meeting.id"));
	json_decref(j);
	j = json_cli(d, &next, "item-add", m1, "--code", "C1", "--subject", "Key decisions",
	             "--period-start", "2015-07-01", "--period-end", "2015-09-30", NULL);
	snprintf(i1, sizeof i1, "%lld", (long long)h_jint(j, "item.id"));
	json_decref(j);

	/* Decided, published, scheduled and reported on given dates. */
	static const struct {
		const char *ref, *decided, *published;
	} ds[] = {
	    {"20 - 2015", "2015-07-10", "2015-07-20"},
	    {"3 - 2015", "2015-08-01", "2015-08-05"},
	    {"7 - 2015", "2015-09-01", "2015-09-02"},
	};
	for (size_t i = 0; i < 3; i++) {
		json_decref(draft_cli(d, &next, ds[i].ref, "t"));
		json_decref(json_cli(d, &next, "submit", ds[i].ref, NULL));
		j = json_cli(d, &next, "endorse", ds[i].ref, "--decided-on", ds[i].decided, NULL);
		H_ASSERT_STR(h_jstr(j, "decision.decided_on"), ds[i].decided);
		json_decref(j);
		if (i == 0)
			j = json_cli(d, &next, "publish", ds[i].ref, "--published-on",
			             ds[i].published, "--restriction", "part",
			             "--restriction-reason", "Commercially sensitive", "--review-date",
			             "2015-12-31", "--withheld", "the value", "--public-text", "t",
			             NULL);
		else
			j = json_cli(d, &next, "publish", ds[i].ref, "--published-on",
			             ds[i].published, NULL);
		H_ASSERT_STR(h_jstr(j, "decision.published_on"), ds[i].published);
		json_decref(j);
		json_decref(json_cli(d, &next, "schedule", ds[i].ref, "--item", i1, NULL));
	}
	j = json_cli(d, NULL, "report", "--item", i1, NULL);
	assert_int_equal(json_array_size(json_object_get(j, "decisions")), 3);
	H_ASSERT_STR(h_jstr(j, "decisions.0.reported_on"), "2015-09-22");
	next = h_jint(j, "seq") + 1;
	json_decref(j);

	j = json_cli(d, &next, "note", "7 - 2015", "--comment", "Noted", "--noted-on", "2015-09-25",
	             NULL);
	H_ASSERT_STR(h_jstr(j, "decision.noted_on"), "2015-09-25");
	json_decref(j);
	/* No --response-due: the response period after the recommendation (the meeting's date). */
	j = json_cli(d, &next, "recommend", "20 - 2015", "--recommendation", "R", NULL);
	H_ASSERT_STR(h_jstr(j, "decision.recommended_on"), "2015-09-22");
	H_ASSERT_STR(h_jstr(j, "decision.response_due"), "2015-10-20");
	json_decref(j);
	j = json_cli(d, &next, "set-response-due", "20 - 2015", "--response-due", "2015-11-01",
	             NULL);
	H_ASSERT_STR(h_jstr(j, "decision.response_due"), "2015-11-01");
	json_decref(j);
	j = json_cli(d, &next, "respond", "20 - 2015", "--response", "Agreed", "--responded-on",
	             "2015-10-30", NULL);
	H_ASSERT_STR(h_jstr(j, "decision.state"), "responded");
	H_ASSERT_STR(h_jstr(j, "decision.responded_on"), "2015-10-30");
	json_decref(j);
	j = json_cli(d, &next, "set-review-date", "20 - 2015", "--review-date", review, NULL);
	H_ASSERT_STR(h_jstr(j, "decision.review_date"), review);
	json_decref(j);
	j = json_cli(d, &next, "recommend", "3 - 2015", "--recommendation", "R2",
	             "--recommended-on", "2015-09-23", "--response-due", "2015-10-21", NULL);
	H_ASSERT_STR(h_jstr(j, "decision.recommended_on"), "2015-09-23");
	json_decref(j);
	json_decref(draft_cli(d, &next, "1 - 2015", "t"));

	/* The decision view: business dates beside the record times. */
	out = text_cli(d, "get", "20 - 2015", NULL);
	H_ASSERT_CONTAINS(out, "Decided:         10 Jul 2015, endorsed ");
	H_ASSERT_CONTAINS(out, "Published:       20 Jul 2015, recorded ");
	H_ASSERT_CONTAINS(out, "Reported:        22 Sep 2015, recorded ");
	H_ASSERT_CONTAINS(out, "Recommended:     22 Sep 2015\n");
	H_ASSERT_CONTAINS(out, "Response due:    1 Nov 2015\n");
	H_ASSERT_CONTAINS(out, "Responded:       30 Oct 2015, recorded ");
	H_ASSERT_CONTAINS(out, "Drafted:");
	free(out);
	out = text_cli(d, "get", "7 - 2015", NULL);
	H_ASSERT_CONTAINS(out, "Noted:           25 Sep 2015, recorded ");
	free(out);

	/* list --sort decided: oldest decision first, the undecided last. */
	j = json_cli(d, NULL, "list", "--sort", "decided", NULL);
	static const char *const by_date[] = {"20 - 2015", "3 - 2015", "7 - 2015", "1 - 2015"};
	for (size_t i = 0; i < 4; i++) {
		snprintf(buf, sizeof buf, "decisions.%zu.ref", i);
		H_ASSERT_STR(h_jstr(j, buf), by_date[i]);
	}
	json_decref(j);
	out = text_cli(d, "list", "--sort", "decided", NULL);
	assert_order(out, "20 - 2015", "3 - 2015");
	assert_order(out, "3 - 2015", "7 - 2015");
	assert_order(out, "7 - 2015", "1 - 2015");
	H_ASSERT_CONTAINS(out, "DECIDED");
	H_ASSERT_CONTAINS(out, "10 Jul 2015");
	free(out);
	out = text_cli(d, "list", "--sort", "ref", NULL);
	assert_order(out, "1 - 2015", "3 - 2015");
	assert_order(out, "7 - 2015", "20 - 2015");
	free(out);

	/* due: the overdue response, and the review ten days ahead. */
	j = json_cli(d, NULL, "due", "--within", "30", NULL);
	assert_int_equal(h_jint(j, "within"), 30);
	H_ASSERT_STR(h_jstr(j, "responses.0.ref"), "3 - 2015");
	H_ASSERT_STR(h_jstr(j, "reviews.0.ref"), "20 - 2015");
	json_decref(j);
	out = text_cli(d, "due", "--within", "30", NULL);
	H_ASSERT_CONTAINS(out, "Responses due\n  21 Oct 2015  overdue by ");
	assert_true(line_has(out, "overdue by", "3 - 2015"));
	H_ASSERT_CONTAINS(out, "Restriction reviews\n");
	/* Ten days, or nine if the office's midnight passed since info. */
	if (!line_has(out, "in 10 days", "20 - 2015") && !line_has(out, "in 9 days", "20 - 2015"))
		fail_msg("due does not show the review ten days ahead:\n%s", out);
	free(out);
	out = text_cli(d, "due", "--within", "3", NULL);
	H_ASSERT_CONTAINS(out, "overdue by");
	H_ASSERT_CONTAINS(out, "Restriction reviews\n  none\n");
	free(out);

	/* The next meeting's agenda: a decision on C1, one that belongs there, an empty C2. */
	j = json_cli(d, &next, "meeting-add", "--panel", "Kent and Medway Police and Crime Panel",
	             "--starts-at", "2030-09-22 10:00", "--venue", "Sessions House", NULL);
	snprintf(m2, sizeof m2, "%lld", (long long)h_jint(j, "meeting.id"));
	json_decref(j);
	j = json_cli(d, &next, "item-add", m2, "--code", "C1", "--subject", "Key decisions",
	             "--period-start", "2015-07-01", "--period-end", "2015-09-30", NULL);
	snprintf(i2, sizeof i2, "%lld", (long long)h_jint(j, "item.id"));
	json_decref(j);
	j = json_cli(d, &next, "item-add", m2, "--code", "C2", "--subject", "Nothing yet", NULL);
	snprintf(c2, sizeof c2, "%lld", (long long)h_jint(j, "item.id"));
	json_decref(j);
	static const char *const later[] = {"12 - 2015", "9 - 2015"};
	for (size_t i = 0; i < 2; i++) {
		json_decref(draft_cli(d, &next, later[i], "Later"));
		json_decref(json_cli(d, &next, "submit", later[i], NULL));
		json_decref(json_cli(d, &next, "endorse", later[i], "--decided-on", "2015-08-15",
		                     NULL));
		json_decref(json_cli(d, &next, "publish", later[i], NULL));
	}
	json_decref(json_cli(d, &next, "schedule", "12 - 2015", "--item", i2, NULL));

	j = json_cli(d, NULL, "agenda", NULL);
	assert_int_equal(h_jint(j, "meeting.id"), atoll(m2));
	H_ASSERT_STR(h_jstr(j, "items.0.decisions.0.ref"), "12 - 2015");
	H_ASSERT_STR(h_jstr(j, "items.0.unscheduled.0.ref"), "9 - 2015");
	assert_true(json_is_true(h_jpath(j, "items.1.empty")));
	assert_int_equal(h_jint(j, "empty_items.0"), atoll(c2));
	H_ASSERT_STR(h_jstr(j, "responses_due.0.ref"), "3 - 2015");
	json_decref(j);
	out = text_cli(d, "agenda", NULL);
	snprintf(buf, sizeof buf, "Meeting %s  22 Sep 2030 10:00 BST  scheduled", m2);
	H_ASSERT_CONTAINS(out, buf);
	H_ASSERT_CONTAINS(out, "Sessions House");
	assert_order(out, "Decisions:\n    12 - 2015  scheduled", "Not yet scheduled");
	H_ASSERT_CONTAINS(out, "Not yet scheduled");
	assert_order(out, "Not yet scheduled", "9 - 2015");
	assert_order(out, "C2  Nothing yet\n", "EMPTY");
	assert_order(out, "Responses due\n", "21 Oct 2015  overdue by ");
	free(out);
	out = text_cli(d, "agenda", m1, NULL);
	snprintf(buf, sizeof buf, "Meeting %s  22 Sep 2015 10:00 BST  held", m1);
	H_ASSERT_CONTAINS(out, buf);
	free(out);

	/* Reminders: 21, 7 and 1 days before 10:00 BST, at 09:00 BST. */
	j = json_cli(d, NULL, "reminders", "--kind", "meeting", "--meeting", m2, NULL);
	assert_int_equal(json_array_size(json_object_get(j, "reminders")), 3);
	H_ASSERT_STR(h_jstr(j, "reminders.0.due_at"), "2030-09-01T08:00:00Z");
	assert_int_equal(h_jint(j, "reminders.0.days"), 21);
	json_decref(j);
	out = text_cli(d, "reminders", "--meeting", m2, NULL);
	H_ASSERT_CONTAINS(out, "ID");
	H_ASSERT_CONTAINS(out, "KIND");
	H_ASSERT_CONTAINS(out, "1 Sep 2030 09:00 BST");
	H_ASSERT_CONTAINS(out, "21 Sep 2030 09:00 BST");
	snprintf(buf, sizeof buf, "meeting %s", m2);
	H_ASSERT_CONTAINS(out, buf);
	H_ASSERT_CONTAINS(out, "pending");
	ASSERT_LACKS(out, "more:");
	free(out);
	out = text_cli(d, "--utc", "reminders", "--meeting", m2, NULL);
	H_ASSERT_CONTAINS(out, "1 Sep 2030 08:00 UTC");
	free(out);
	j = json_cli(d, NULL, "reminders", "--ref", "20 - 2015", "--kind", "review", NULL);
	H_ASSERT_STR(h_jstr(j, "reminders.0.ref"), "20 - 2015");
	json_decref(j);
	j = json_cli(d, NULL, "reminders", "--limit", "1", NULL);
	assert_true(json_is_true(json_object_get(j, "more")));
	json_decref(j);
	out = text_cli(d, "reminders", "--limit", "1", NULL);
	H_ASSERT_CONTAINS(out, "more:");
	free(out);

	/* Postpone, move, cancel, held. */
	j = json_cli(d, &next, "meeting-add", "--panel", "P", "--starts-at", "2030-10-01 10:00",
	             NULL);
	snprintf(m3, sizeof m3, "%lld", (long long)h_jint(j, "meeting.id"));
	json_decref(j);
	j = json_cli(d, &next, "meeting-postpone", m3, "--reason", "No quorum", NULL);
	H_ASSERT_STR(h_jstr(j, "meeting.status"), "postponed");
	json_decref(j);
	j = json_cli(d, NULL, "reminders", "--meeting", m3, "--status", "cancelled", NULL);
	assert_int_equal(json_array_size(json_object_get(j, "reminders")), 3);
	json_decref(j);
	out = text_cli(d, "meetings", NULL);
	H_ASSERT_CONTAINS(out, "1 Oct 2030 10:00 BST  postponed");
	free(out);
	j = json_cli(d, &next, "meeting-move", m3, "--starts-at", "2030-11-05 18:30", NULL);
	H_ASSERT_STR(h_jstr(j, "meeting.status"), "scheduled");
	H_ASSERT_STR(h_jstr(j, "meeting.starts_at"), "2030-11-05T18:30:00Z");
	json_decref(j);
	struct h_proc p;
	assert_int_equal(h_cli(d, &p, "meeting-held", m3, NULL), 0);
	assert_int_equal(p.status, 1);
	H_ASSERT_CONTAINS(p.err, "precondition");
	h_proc_free(&p);
	j = json_cli(d, &next, "meeting-cancel", m3, "--reason", "Merged with October", NULL);
	H_ASSERT_STR(h_jstr(j, "meeting.status"), "cancelled");
	json_decref(j);
	j = json_cli(d, &next, "meeting-held", m1, NULL);
	H_ASSERT_STR(h_jstr(j, "meeting.status"), "held");
	json_decref(j);
	out = text_cli(d, "meetings", NULL);
	H_ASSERT_CONTAINS(out, "5 Nov 2030 18:30 GMT  cancelled");
	free(out);
	H_PASS(d);
}

/*
 * Run the CLI with its stdout on /dev/full, through sh: it must fail with
 * EX_IOERR and say so.
 */
static void assert_full_fails(struct h_daemon *d, const char *args)
{
	char script[256], ep[300];
	struct h_proc p;
	snprintf(script, sizeof script, "exec \"$0\" %s >/dev/full", args);
	snprintf(ep, sizeof ep, "DOCKET_ENDPOINT=%s", d->cmd);
	const char *argv[] = {"/bin/sh", "-c", script, DOCKET_CLI_PATH, NULL};
	const char *env[] = {ep, NULL};
	assert_int_equal(h_run(&p, argv, env, 20000), 0);
	if (p.status != 74)
		fail_msg("docket %s >/dev/full: exit %d, stderr %s", args, p.status, p.err);
	H_ASSERT_CONTAINS(p.err, "cannot write");
	h_proc_free(&p);
}

/* Output that cannot be written and input files that cannot be read are failures. */
static void test_cli_io_errors(void **state)
{
	struct h_daemon *d = *state;
	struct h_proc p;
	int64_t next = 1;

	json_decref(draft_cli(d, &next, "1 - 2015", "t"));
	assert_full_fails(d, "--json list");
	assert_full_fails(d, "list");
	assert_full_fails(d, "--help");

	assert_int_equal(h_cli(d, &p, "draft", "2 - 2015", "--title", "t", "--text-file",
	                       "/nonexistent", "--justification", "j", "--maker", "pcc",
	                       "--category", "other", NULL),
	                 0);
	assert_int_equal(p.status, 66);
	H_ASSERT_CONTAINS(p.err, "/nonexistent");
	H_ASSERT_CONTAINS(p.err, "--text-file");
	H_ASSERT_STR(p.out, "");
	h_proc_free(&p);
	/* A directory opens but cannot be read. */
	assert_int_equal(h_cli(d, &p, "draft", "2 - 2015", "--title", "t", "--text", "t",
	                       "--justification-file", d->dir, "--maker", "pcc", "--category",
	                       "other", NULL),
	                 0);
	assert_int_equal(p.status, 66);
	H_ASSERT_CONTAINS(p.err, d->dir);
	h_proc_free(&p);
	/* Unreadable for want of permission (root reads everything). */
	if (geteuid() != 0) {
		char path[128];
		snprintf(path, sizeof path, "%s/secret.txt", d->dir);
		assert_int_equal(h_write_bytes(path, "x", 1), 0);
		assert_int_equal(chmod(path, 0), 0);
		assert_int_equal(h_cli(d, &p, "draft", "2 - 2015", "--title", "t", "--text-file",
		                       path, "--justification", "j", "--maker", "pcc",
		                       "--category", "other", NULL),
		                 0);
		assert_int_equal(p.status, 66);
		H_ASSERT_CONTAINS(p.err, path);
		h_proc_free(&p);
	}
	/* Nothing reached docketd. */
	docket_msg *m = NULL;
	assert_int_equal(h_call(d, &m, "get", "ref", "2 - 2015", NULL), -DOCKET_ENOTFOUND);
	docket_msg_destroy(&m);
	H_PASS(d);
}

/* Wide and combining characters take their display width in the list's columns. */
static void test_cli_wide_alignment(void **state)
{
	struct h_daemon *d = *state;
	int64_t next = 1;

	/* Widths 11 (two wide ideographs), 6 (q and a combining acute: no NFC form), 10. */
	json_decref(draft_cli(d, &next, "\u6771\u4eac 1/2015", "\u9632\u72af\u30ab\u30e1\u30e9"));
	json_decref(draft_cli(d, &next, "q\u0301-2015", "Caf\u00e9"));
	json_decref(draft_cli(d, &next, "100 - 2015", "Plain"));
	char *out = text_cli(d, "list", NULL);
	H_ASSERT_CONTAINS(out, "REF          STATE  VER  DECIDED  TITLE\n");
	H_ASSERT_CONTAINS(out, "\n100 - 2015   draft  1    -        Plain\n");
	H_ASSERT_CONTAINS(out, "\nq\u0301-2015       draft  1    -        Caf\u00e9\n");
	H_ASSERT_CONTAINS(out, "\n\u6771\u4eac 1/2015  draft  1    -        "
	                       "\u9632\u72af\u30ab\u30e1\u30e9\n");
	free(out);
	H_PASS(d);
}

/* Every command has a help, listed in docket --help, and usage errors exit 64. */
static void test_cli_help(void **state)
{
	struct h_daemon *d = *state; /* no daemon needed */
	static const char *const commands[] = {
	    "draft", "amend", "submit", "return", "endorse", "reject", "withdraw", "publish",
	    "schedule", "unschedule", "report", "note", "recommend", "respond", "lift-restriction",
	    "set-response-due", "set-review-date", "meeting-add", "meeting-move",
	    "meeting-postpone", "meeting-cancel", "meeting-held", "item-add", "get", "list",
	    "history", "meetings", "agenda", "reminders", "due", "info", "watch", "item-order",
	    "import", "imports", "render", "register", "search", "export"};
	struct h_proc p;
	char *all = text_cli(d, "--help", NULL);
	H_ASSERT_CONTAINS(all, "--utc");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		char line[64], usage[64];
		snprintf(line, sizeof line, "\n  %s ", commands[i]);
		H_ASSERT_CONTAINS(all, line);
		char *one = text_cli(d, commands[i], "--help", NULL);
		snprintf(usage, sizeof usage, "usage: docket %s", commands[i]);
		H_ASSERT_CONTAINS(one, usage);
		free(one);
	}
	free(all);
	static const struct {
		const char *cmd, *needle;
	} options[] = {
	    {"endorse", "--decided-on DATE"},     {"publish", "--published-on DATE"},
	    {"note", "--noted-on DATE"},          {"recommend", "--recommended-on DATE"},
	    {"respond", "--responded-on DATE"},   {"list", "--sort ORDER"},
	    {"reminders", "--status STATUS"},     {"reminders", "--kind KIND"},
	    {"due", "--within DAYS"},             {"meeting-add", "office time"},
	    {"meeting-cancel", "--reason TEXT"},  {"meeting-postpone", "--reason TEXT"},
	    {"publish", "--withheld TEXT"},       {"publish", "--public-text-file FILE"},
	    {"publish", "--public-justification TEXT"},
	    {"import", "--dry-run  "},            {"render", "--format FORMAT"},
	    {"render", "--source N"},             {"render", "--output FILE"},
	    {"search", "--from DATE"},            {"search", "--maker MAKER"},
	    {"search", "1 to 200"},               {"register", "--after REF"},
	    {"export", "--html DIR"},             {"export", "--base-url URL"},
	    {"report", "docket report render"},   {"item-add", "--from FROM"},
	};
	for (size_t i = 0; i < sizeof options / sizeof options[0]; i++) {
		char *one = text_cli(d, options[i].cmd, "--help", NULL);
		H_ASSERT_CONTAINS(one, options[i].needle);
		free(one);
	}
	/* Usage errors, before any connection. */
	const char *const *bad[] = {
	    (const char *const[]){"list", "--sort", "title", NULL},
	    (const char *const[]){"reminders", "--kind", "birthday", NULL},
	    (const char *const[]){"endorse", "X", "--decided-on", "2015-02-29", NULL},
	    (const char *const[]){"set-response-due", "X", NULL},
	    (const char *const[]){"agenda", "1", "2", NULL},
	    (const char *const[]){"render", "1", "--source", "2", NULL},
	    (const char *const[]){"render", NULL},
	    (const char *const[]){"report", "render", "--format", "pdf", "1", NULL},
	    (const char *const[]){"search", NULL},
	    (const char *const[]){"search", "x", "--from", "2015-13-01", NULL},
	    (const char *const[]){"import", NULL},
	    (const char *const[]){"import", "--dry-run=yes", "f", NULL},
	    (const char *const[]){"item-order", "1", NULL},
	    (const char *const[]){"item-order", "x", "A", NULL},
	    (const char *const[]){"export", NULL},
	    (const char *const[]){"export", "--html", "d", "--csv", "f", NULL},
	    (const char *const[]){"export", "--csv", "f", "--base-url", "example.org", NULL},
	    (const char *const[]){"draft", "X", "--title", "t", "--text-file", "-",
	                          "--justification-file", "-", "--maker", "pcc", "--category",
	                          "other", NULL},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(h_cli_argv(d, &p, bad[i]), 0);
		if (p.status != 64)
			fail_msg("docket %s ...: exit %d, stderr %s", bad[i][0], p.status, p.err);
		h_proc_free(&p);
	}
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
	    cmocka_unit_test_setup_teardown(test_cli_office_times, h_setup_started, h_teardown),
	    cmocka_unit_test_setup_teardown(test_cli_zone_from_info, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_cli_calendar, h_setup_started, h_teardown),
	    cmocka_unit_test_setup_teardown(test_cli_io_errors, h_setup_started, h_teardown),
	    cmocka_unit_test_setup_teardown(test_cli_wide_alignment, h_setup_started, h_teardown),
	    cmocka_unit_test_setup_teardown(test_cli_help, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_cli_unreachable, h_setup, h_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
