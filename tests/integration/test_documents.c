/*
 * The office's documents through the real docketd (PROTOCOL.md sections 4.5
 * and 4.6): import whole or not at all, rendering in the item's order,
 * restrictions kept out of every public output, and search.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define PANEL "Kent and Medway Police and Crime Panel"
#define SHA_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define SHA_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define SECRET "SECRETWORD"

/* One decision as a client read it from a document. */
struct entry {
	int line;
	const char *ref, *title, *text, *justification, *decided_on, *restriction_reason;
};

static void set(docket_request *r, const char *key, const char *value)
{
	if (value)
		assert_int_equal(docket_request_set_str(r, key, value), 0);
}

/* An import request; header holds key/value pairs, NULL-terminated. */
static docket_request *import_req(const char *file, const char *sha, const char *document,
                                  const struct entry *e, size_t n, const char *const *header)
{
	docket_request *r = NULL;
	assert_int_equal(docket_request_new(&r, "import"), 0);
	set(r, "file", file);
	set(r, "sha256", sha);
	set(r, "document", document);
	for (size_t i = 0; header && header[i]; i += 2)
		set(r, header[i], header[i + 1]);
	for (size_t i = 0; i < n; i++) {
		docket_request *m = NULL;
		assert_int_equal(docket_request_append_map(r, "decisions", &m), 0);
		assert_int_equal(docket_request_set_int(m, "line", e[i].line), 0);
		set(m, "ref", e[i].ref);
		set(m, "title", e[i].title);
		set(m, "text", e[i].text);
		set(m, "justification", e[i].justification);
		set(m, "decided_on", e[i].decided_on);
		set(m, "restriction_reason", e[i].restriction_reason);
	}
	return r;
}

/* Send r (which this frees); returns the reply and the library's code in *rc. */
static docket_msg *send_req(struct h_daemon *d, docket_request *r, int *rc)
{
	docket_msg *m = NULL;
	*rc = docket_client_call(d->client, r, &m);
	docket_request_destroy(&r);
	assert_non_null(m);
	return m;
}

static docket_msg *must_send(struct h_daemon *d, docket_request *r)
{
	int rc;
	docket_msg *m = send_req(d, r, &rc);
	if (rc != 0)
		fail_msg("refused: %s", docket_msg_error_message(m) ? docket_msg_error_message(m)
		                                                     : docket_strerror(rc));
	return m;
}

static docket_msg *must(struct h_daemon *d, const char *op, ...)
{
	va_list ap;
	va_start(ap, op);
	docket_msg *m = h_vmust(d, op, ap);
	va_end(ap);
	return m;
}

static const char *const report_header[] = {
	"from", "Ann Barnes, Kent Police and Crime Commissioner", "to", PANEL, "subject",
	"Commissioner's Key Decisions \u2013 July, August & September 2015", "code", "C1",
	"meeting_date", "2015-09-22", "period_start", "2015-07-01", "period_end", "2015-09-30",
	NULL};

static const struct entry report_entries[] = {
	{11, NULL, "Body worn cameras", "The Commissioner has endorsed body worn cameras.",
	 "Value for money:\n\n- better evidence;\n- fewer complaints.", NULL, NULL},
	{27, NULL, "IT platform", "The Commissioner has approved a modern IT platform.",
	 "Efficiency.", NULL, NULL},
};

/* The number of events in the log: the seq of a fresh draft minus one. */
static int64_t log_length(struct h_daemon *d, const char *probe)
{
	assert_int_equal(h_draft(d, probe, NULL), 0);
	docket_msg *m = must(d, "history", "ref", probe, NULL);
	int64_t seq = h_int(m, "events.0.seq");
	docket_msg_destroy(&m);
	return seq - 1;
}

static char *render(struct h_daemon *d, const char *key, int64_t id, const char *format)
{
	char ids[24];
	snprintf(ids, sizeof ids, "%lld", (long long)id);
	char k[16];
	snprintf(k, sizeof k, "#%s", key);
	docket_msg *m = must(d, "render", k, ids, "format", format, NULL);
	char *out = strdup(h_str(m, "content"));
	docket_msg_destroy(&m);
	return out;
}

static void test_import_report(void **state)
{
	struct h_daemon *d = *state;
	docket_msg *m = must_send(d, import_req("report.txt", SHA_A, "report", report_entries, 2,
	                                        report_header));
	assert_int_equal(h_int(m, "created"), 2);
	assert_int_equal(h_int(m, "existing"), 0);
	int64_t item = h_int(m, "item"), source = h_int(m, "source");
	assert_true(item > 0 && source > 0 && h_int(m, "meeting") > 0 && h_int(m, "seq") > 0);
	H_ASSERT_STR(h_str(m, "decisions.0.result"), "created");
	H_ASSERT_STR(h_str(m, "decisions.1.state"), "reported");
	assert_int_equal(h_int(m, "decisions.1.line"), 27);
	/* References come from the template: {year}-{hash}, the meeting's year. */
	char ref[64];
	snprintf(ref, sizeof ref, "%s", h_str(m, "decisions.0.ref"));
	assert_int_equal(strlen(ref), 13);
	assert_memory_equal(ref, "2015-", 5);
	assert_int_equal(strspn(ref + 5, "0123456789abcdef"), 8);
	docket_msg_destroy(&m);

	m = must(d, "get", "ref", ref, NULL);
	H_ASSERT_STR(h_str(m, "decision.state"), "reported");
	H_ASSERT_STR(h_str(m, "decision.reported_on"), "2015-09-22");
	assert_null(h_str(m, "decision.decided_on"));
	assert_int_equal(h_int(m, "decision.item"), item);
	assert_int_equal(h_int(m, "decision.position"), 1);
	assert_int_equal(h_int(m, "decision.source"), source);
	assert_int_equal(h_int(m, "decision.source_line"), 11);
	docket_msg_destroy(&m);

	/* The event says where the decision came from. */
	m = must(d, "history", "ref", ref, NULL);
	assert_int_equal(docket_msg_count(m, "events"), 1);
	H_ASSERT_STR(h_str(m, "events.0.type"), "decision.imported");
	H_ASSERT_STR(h_str(m, "events.0.data.file"), "report.txt");
	H_ASSERT_STR(h_str(m, "events.0.data.sha256"), SHA_A);
	assert_int_equal(h_int(m, "events.0.data.line"), 11);
	assert_int_equal(h_int(m, "events.0.data.item"), item);
	docket_msg_destroy(&m);

	/* The meeting was recorded, held, with the item. */
	m = must(d, "meetings", NULL);
	assert_int_equal(docket_msg_count(m, "meetings"), 1);
	H_ASSERT_STR(h_str(m, "meetings.0.status"), "held");
	H_ASSERT_STR(h_str(m, "meetings.0.items.0.code"), "C1");
	assert_int_equal(docket_msg_count(m, "meetings.0.items.0.decisions"), 2);
	docket_msg_destroy(&m);

	/* The item renders in the office's layout. */
	char *text = render(d, "item", item, "text");
	assert_string_equal(text,
	                    "From: Ann Barnes, Kent Police and Crime Commissioner\n\n"
	                    "To: " PANEL "\n\n"
	                    "Subject: Commissioner's Key Decisions \u2013 July, August & September "
	                    "2015\n\n"
	                    "Item & Date: Item C1 22 September 2015\n\n"
	                    "Decision:\n\nThe Commissioner has endorsed body worn cameras.\n\n"
	                    "Justification:\n\nValue for money:\n\n- better evidence;\n- fewer "
	                    "complaints.\n\n"
	                    "Decision:\n\nThe Commissioner has approved a modern IT platform.\n\n"
	                    "Justification:\n\nEfficiency.\n");
	char *again = render(d, "source", source, "text");
	assert_string_equal(again, text);
	free(text);
	free(again);

	m = must(d, "imports", NULL);
	assert_int_equal(docket_msg_count(m, "imports"), 1);
	H_ASSERT_STR(h_str(m, "imports.0.document"), "report");
	assert_int_equal(h_int(m, "imports.0.decisions"), 2);
	docket_msg_destroy(&m);
	H_PASS(d);
}

static void test_import_again(void **state)
{
	struct h_daemon *d = *state;
	docket_msg *m = must_send(d, import_req("report.txt", SHA_A, "report", report_entries, 2,
	                                        report_header));
	char ref[64];
	snprintf(ref, sizeof ref, "%s", h_str(m, "decisions.0.ref"));
	docket_msg_destroy(&m);
	int64_t before = log_length(d, "PROBE-1");

	/* The same file: nothing new, and the reply says what it recorded. */
	m = must_send(d, import_req("report.txt", SHA_A, "report", report_entries, 2,
	                            report_header));
	assert_int_equal(h_int(m, "created"), 0);
	assert_int_equal(h_int(m, "existing"), 2);
	H_ASSERT_STR(h_str(m, "decisions.0.result"), "exists");
	H_ASSERT_STR(h_str(m, "decisions.0.ref"), ref);
	assert_int_equal(h_int(m, "seq"), INT64_MIN);
	docket_msg_destroy(&m);

	/* Another file with the same decisions: the same references, nothing new. */
	m = must_send(d, import_req("copy.txt", SHA_B, "report", report_entries, 2, report_header));
	assert_int_equal(h_int(m, "created"), 0);
	H_ASSERT_STR(h_str(m, "decisions.0.ref"), ref);
	assert_int_equal(h_int(m, "source"), INT64_MIN);
	docket_msg_destroy(&m);
	assert_int_equal(log_length(d, "PROBE-2"), before + 1);

	m = must(d, "meetings", NULL);
	assert_int_equal(docket_msg_count(m, "meetings"), 1);
	assert_int_equal(docket_msg_count(m, "meetings.0.items"), 1);
	docket_msg_destroy(&m);
	H_PASS(d);
}

static void test_import_whole_or_nothing(void **state)
{
	struct h_daemon *d = *state;
	const struct entry e[] = {
		{3, "2024/1", "One", "First.", NULL, "2024-09-19", NULL},
		{9, "2024/2", "Two", "Second.", NULL, "2099-01-01", NULL},
	};
	int rc;
	docket_msg *m = send_req(d, import_req("register.txt", SHA_A, "register", e, 2, NULL), &rc);
	assert_int_equal(rc, -DOCKET_EBADREQ);
	H_ASSERT_CONTAINS(docket_msg_error_message(m), "register.txt line 9");
	H_ASSERT_CONTAINS(docket_msg_error_message(m), "future");
	docket_msg_destroy(&m);
	docket_msg_destroy(&(docket_msg *){h_refuse(d, DOCKET_ENOTFOUND, "get", "ref", "2024/1",
	                                            NULL)});

	/* Two entries with one reference: both lines named. */
	const struct entry dup[] = {
		{3, "2024/1", "One", "First.", NULL, NULL, NULL},
		{9, "2024/1", "Two", "Second.", NULL, NULL, NULL},
	};
	m = send_req(d, import_req("register.txt", SHA_A, "register", dup, 2, NULL), &rc);
	assert_int_equal(rc, -DOCKET_EBADREQ);
	H_ASSERT_CONTAINS(docket_msg_error_message(m), "line 9");
	H_ASSERT_CONTAINS(docket_msg_error_message(m), "line 3");
	docket_msg_destroy(&m);

	/* A reference recorded with other wording is a conflict, naming the line. */
	assert_int_equal(h_draft(d, "2024/7", NULL), 0);
	const struct entry clash[] = {
		{3, "2024/6", "Six", "Sixth.", NULL, NULL, NULL},
		{12, "2024/7", "Seven", "Not what the draft says.", NULL, NULL, NULL},
	};
	m = send_req(d, import_req("register.txt", SHA_A, "register", clash, 2, NULL), &rc);
	assert_int_equal(rc, -DOCKET_ECONFLICT);
	H_ASSERT_CONTAINS(docket_msg_error_message(m), "register.txt line 12");
	docket_msg_destroy(&m);
	docket_msg_destroy(&(docket_msg *){h_refuse(d, DOCKET_ENOTFOUND, "get", "ref", "2024/6",
	                                            NULL)});

	/* A report to a meeting that has not happened proves nothing yet. */
	const char *const future[] = {"to", PANEL, "code", "C1", "meeting_date", "2099-09-22",
	                              NULL};
	m = send_req(d, import_req("r.txt", SHA_A, "report", report_entries, 2, future), &rc);
	assert_int_equal(rc, -DOCKET_EPRECONDITION);
	docket_msg_destroy(&m);
	/* Item without a panel. */
	const char *const half[] = {"code", "C1", "meeting_date", "2015-09-22", NULL};
	m = send_req(d, import_req("r.txt", SHA_A, "report", report_entries, 2, half), &rc);
	assert_int_equal(rc, -DOCKET_EBADREQ);
	docket_msg_destroy(&m);
	/* A bad digest. */
	m = send_req(d, import_req("r.txt", "ABC", "report", report_entries, 2, NULL), &rc);
	assert_int_equal(rc, -DOCKET_EBADREQ);
	docket_msg_destroy(&m);

	m = must(d, "imports", NULL);
	assert_int_equal(docket_msg_count(m, "imports"), 0);
	docket_msg_destroy(&m);
	m = must(d, "meetings", NULL);
	assert_int_equal(docket_msg_count(m, "meetings"), 0);
	docket_msg_destroy(&m);
	H_PASS(d);
}

static void test_import_dry_run(void **state)
{
	struct h_daemon *d = *state;
	docket_request *r = import_req("report.txt", SHA_A, "report", report_entries, 2,
	                               report_header);
	assert_int_equal(docket_request_set_bool(r, "dry_run", 1), 0);
	docket_msg *m = must_send(d, r);
	assert_int_equal(h_int(m, "created"), 2);
	assert_int_equal(h_int(m, "seq"), INT64_MIN);
	json_t *j = h_msg_json(m);
	assert_true(json_is_true(json_object_get(j, "dry_run")));
	json_decref(j);
	char ref[64];
	snprintf(ref, sizeof ref, "%s", h_str(m, "decisions.0.ref"));
	docket_msg_destroy(&m);

	docket_msg_destroy(&(docket_msg *){h_refuse(d, DOCKET_ENOTFOUND, "get", "ref", ref, NULL)});
	m = must(d, "meetings", NULL);
	assert_int_equal(docket_msg_count(m, "meetings"), 0);
	docket_msg_destroy(&m);
	m = must(d, "imports", NULL);
	assert_int_equal(docket_msg_count(m, "imports"), 0);
	docket_msg_destroy(&m);
	/* Nothing reached the log: the first real change is seq 1. */
	assert_int_equal(log_length(d, "PROBE"), 0);

	/* The real import then records what the dry run showed. */
	m = must_send(d, import_req("report.txt", SHA_A, "report", report_entries, 2,
	                            report_header));
	H_ASSERT_STR(h_str(m, "decisions.0.ref"), ref);
	docket_msg_destroy(&m);
	H_PASS(d);
}

static void test_import_register(void **state)
{
	struct h_daemon *d = *state;
	const struct entry e[] = {
		{1, "2024/22", "Body worn cameras", "The PCC approved cameras.", NULL, "2024-09-19",
		 NULL},
		{8, "2024/23", "Estates", "The PCC approved the estates plan.", "Reasons.",
		 "2018-07-05", "Commercially sensitive"},
	};
	docket_msg *m = must_send(d, import_req("register.txt", SHA_A, "register", e, 2, NULL));
	assert_int_equal(h_int(m, "created"), 2);
	assert_int_equal(h_int(m, "item"), INT64_MIN);
	H_ASSERT_STR(h_str(m, "decisions.0.state"), "endorsed");
	docket_msg_destroy(&m);
	m = must(d, "get", "ref", "2024/23", NULL);
	H_ASSERT_STR(h_str(m, "decision.decided_on"), "2018-07-05");
	H_ASSERT_STR(h_str(m, "decision.restriction"), "part");
	H_ASSERT_STR(h_str(m, "decision.restriction_reason"), "Commercially sensitive");
	H_ASSERT_STR(h_str(m, "decision.decision_maker"), "pcc");
	H_ASSERT_STR(h_str(m, "decision.category"), "other");
	docket_msg_destroy(&m);
	/* Endorsed, not yet published: not in the public register. */
	m = must(d, "register", NULL);
	assert_int_equal(docket_msg_count(m, "decisions"), 0);
	docket_msg_destroy(&m);
	H_PASS(d);
}

/* Draft, submit, endorse and publish ref with text and justification, then schedule it. */
static void published(struct h_daemon *d, const char *ref, const char *title, const char *text,
                      const char *just, const char *item, const char *const *publish)
{
	docket_msg *m = must(d, "draft", "ref", ref, "title", title, "text", text, "justification",
	                     just, "decision_maker", "pcc", "category", "spend", NULL);
	docket_msg_destroy(&m);
	h_change(d, "submit", "ref", ref, NULL);
	h_change(d, "endorse", "ref", ref, NULL);
	docket_request *r = NULL;
	assert_int_equal(docket_request_new(&r, "publish"), 0);
	set(r, "ref", ref);
	for (size_t i = 0; publish && publish[i]; i += 2)
		set(r, publish[i], publish[i + 1]);
	docket_msg_destroy(&(docket_msg *){must_send(d, r)});
	if (item)
		h_change(d, "schedule", "ref", ref, "#item", item, NULL);
}

static void assert_no_secret(const char *s)
{
	if (s && strstr(s, SECRET))
		fail_msg("the withheld text is in a public output:\n%s", s);
}

static void test_restrictions(void **state)
{
	struct h_daemon *d = *state;
	int64_t meeting, item;
	h_meeting_item(d, 86400 * 30, &meeting, &item);
	char items[24], review[16] = "2099-01-01";
	snprintf(items, sizeof items, "%lld", (long long)item);

	/* part, full and none need what they need. */
	assert_int_equal(h_draft(d, "R/0", NULL), 0);
	h_change(d, "submit", "ref", "R/0", NULL);
	h_change(d, "endorse", "ref", "R/0", NULL);
	docket_msg_destroy(&(docket_msg *){h_refuse(d, DOCKET_EBADREQ, "publish", "ref", "R/0",
	                                            "restriction", "part", "withheld", "x", NULL)});
	docket_msg_destroy(&(docket_msg *){h_refuse(
	    d, DOCKET_EBADREQ, "publish", "ref", "R/0", "restriction", "full", "restriction_reason",
	    "Security", "review_date", review, "public_text", "x", NULL)});
	docket_msg_destroy(&(docket_msg *){
	    h_refuse(d, DOCKET_EBADREQ, "publish", "ref", "R/0", "withheld", "x", NULL)});

	const char *const part[] = {"restriction", "part", "restriction_reason",
	                            "commercially sensitive", "review_date", review, "withheld",
	                            "the contract value", "public_text",
	                            "The Commissioner awarded the victim services contract.", NULL};
	const char *const full[] = {"restriction", "full", "restriction_reason",
	                            "national security", "review_date", review, NULL};
	published(d, "R/1", "Victim services contract",
	          "The Commissioner awarded the victim services contract for " SECRET " pounds.",
	          "Continuity of service.", items, part);
	published(d, "R/2", "Counter terrorism unit", "The " SECRET " unit moves to Maidstone.",
	          "Operational " SECRET " reasons.", items, full);
	published(d, "R/3", "Open decision", "Cameras for officers.", "Evidence.", items, NULL);
	/* part with no public wording: both texts are withheld whole. */
	const char *const bare[] = {"restriction", "part", "restriction_reason", "personal data",
	                            "review_date", review, NULL};
	published(d, "R/4", "Staffing review", "The " SECRET " team is restructured.",
	          "Because of " SECRET ".", items, bare);

	/* Every render of the item: published wording and notices, no withheld text. */
	const char *formats[] = {"text", "markdown", "html"};
	for (size_t i = 0; i < 3; i++) {
		char *out = render(d, "item", item, formats[i]);
		assert_no_secret(out);
		H_ASSERT_CONTAINS(out, "awarded the victim services contract");
		H_ASSERT_CONTAINS(out, "the contract value");
		H_ASSERT_CONTAINS(out, "Counter terrorism unit");
		H_ASSERT_CONTAINS(out, "national security");
		H_ASSERT_CONTAINS(out, "Cameras for officers.");
		H_ASSERT_CONTAINS(out, "Staffing review");
		H_ASSERT_CONTAINS(out, "part of this decision");
		free(out);
	}
	char *text = render(d, "item", item, "text");
	H_ASSERT_CONTAINS(text, "Restricted in part: the contract value is withheld "
	                        "(commercially sensitive). Review date: 1 January 2099.");
	H_ASSERT_CONTAINS(text, "Restricted: this decision is not published (national security). "
	                        "Review date: 1 January 2099.");
	free(text);

	/* The register and search are public outputs too. */
	docket_msg *m = must(d, "register", NULL);
	assert_int_equal(docket_msg_count(m, "decisions"), 4);
	json_t *j = h_msg_json(m);
	char *dump = json_dumps(j, 0);
	assert_no_secret(dump);
	free(dump);
	json_decref(j);
	assert_null(h_str(m, "decisions.1.text"));
	H_ASSERT_STR(h_str(m, "decisions.0.withheld"), "the contract value");
	docket_msg_destroy(&m);
	m = must(d, "search", "query", SECRET, NULL);
	assert_int_equal(docket_msg_count(m, "results"), 0);
	docket_msg_destroy(&m);
	m = must(d, "search", "query", "terrorism", NULL);
	assert_int_equal(docket_msg_count(m, "results"), 1);
	j = h_msg_json(m);
	dump = json_dumps(j, 0);
	assert_no_secret(dump);
	free(dump);
	json_decref(j);
	docket_msg_destroy(&m);

	/* The office's own view keeps the record whole. */
	m = must(d, "get", "ref", "R/2", NULL);
	H_ASSERT_CONTAINS(h_str(m, "decision.text"), SECRET);
	docket_msg_destroy(&m);

	/* Lifting a restriction publishes the record, and search finds it. */
	h_change(d, "lift_restriction", "ref", "R/2", NULL);
	m = must(d, "search", "query", SECRET, NULL);
	assert_int_equal(docket_msg_count(m, "results"), 1);
	H_ASSERT_STR(h_str(m, "results.0.ref"), "R/2");
	docket_msg_destroy(&m);
	text = render(d, "item", item, "text");
	H_ASSERT_CONTAINS(text, "The " SECRET " unit moves to Maidstone.");
	free(text);
	m = must(d, "get", "ref", "R/1", NULL);
	assert_null(h_str(m, "decision.public_justification"));
	H_ASSERT_STR(h_str(m, "decision.withheld"), "the contract value");
	docket_msg_destroy(&m);
	H_PASS(d);
}

static void test_search(void **state)
{
	struct h_daemon *d = *state;
	published(d, "S/1", "Body worn cameras", "Roll out of cameras to officers.", "Evidence.",
	          NULL, NULL);
	published(d, "S/2", "Estates strategy", "New custody suite; cameras in cells.",
	          "The estate is old.", NULL, NULL);
	published(d, "S/3", "Victim services", "A contract with Victim Support.",
	          "Continuity of the service.", NULL, NULL);
	assert_int_equal(h_draft(d, "S/4", NULL), 0); /* a draft about body worn cameras */

	/* A title match ranks first; stemming finds "camera" in "cameras"; drafts are not public. */
	docket_msg *m = must(d, "search", "query", "camera", NULL);
	assert_int_equal(docket_msg_count(m, "results"), 2);
	H_ASSERT_STR(h_str(m, "results.0.ref"), "S/1");
	H_ASSERT_STR(h_str(m, "results.1.ref"), "S/2");
	/* The snippet alternates text and matches. */
	assert_true(docket_msg_count(m, "results.1.snippet") >= 3);
	H_ASSERT_STR(h_str(m, "results.1.snippet.1"), "cameras");
	docket_msg_destroy(&m);

	/* Filters. */
	m = must(d, "search", "query", "camera", "state", "published", NULL);
	assert_int_equal(docket_msg_count(m, "results"), 2);
	docket_msg_destroy(&m);
	m = must(d, "search", "query", "camera", "state", "draft", NULL);
	assert_int_equal(docket_msg_count(m, "results"), 0);
	docket_msg_destroy(&m);
	m = must(d, "search", "query", "camera", "decided_from", "2000-01-01", "decided_to",
	         "2000-12-31", NULL);
	assert_int_equal(docket_msg_count(m, "results"), 0);
	docket_msg_destroy(&m);
	m = must(d, "search", "query", "camera", "category", "statutory", NULL);
	assert_int_equal(docket_msg_count(m, "results"), 0);
	docket_msg_destroy(&m);
	m = must(d, "search", "query", "camera", "decision_maker", "pcc", "#limit", "1", NULL);
	docket_msg_destroy(&m);

	/* Phrase and prefix queries. */
	m = must(d, "search", "query", "\"victim support\"", NULL);
	assert_int_equal(docket_msg_count(m, "results"), 1);
	H_ASSERT_STR(h_str(m, "results.0.ref"), "S/3");
	docket_msg_destroy(&m);
	m = must(d, "search", "query", "cust*", NULL);
	assert_int_equal(docket_msg_count(m, "results"), 1);
	docket_msg_destroy(&m);
	m = must(d, "search", "query", "\"custody cameras\"", NULL);
	assert_int_equal(docket_msg_count(m, "results"), 0);
	docket_msg_destroy(&m);

	/* A query FTS5 cannot read is refused, and changes nothing. */
	m = h_refuse(d, DOCKET_EBADREQ, "search", "query", "body-worn AND", NULL);
	H_ASSERT_CONTAINS(docket_msg_error_message(m), "double quotes");
	docket_msg_destroy(&m);
	/* Amending a draft changes the index with it: published, it is found by its new title. */
	h_change(d, "amend", "ref", "S/4", "title", "Drones", NULL);
	m = must(d, "search", "query", "drones", NULL);
	assert_int_equal(docket_msg_count(m, "results"), 0);
	docket_msg_destroy(&m);
	h_change(d, "submit", "ref", "S/4", NULL);
	h_change(d, "endorse", "ref", "S/4", NULL);
	h_change(d, "publish", "ref", "S/4", NULL);
	m = must(d, "search", "query", "drones", NULL);
	assert_int_equal(docket_msg_count(m, "results"), 1);
	H_ASSERT_STR(h_str(m, "results.0.ref"), "S/4");
	docket_msg_destroy(&m);
	H_PASS(d);
}

static void test_item_order(void **state)
{
	struct h_daemon *d = *state;
	int64_t meeting, item;
	h_meeting_item(d, 86400 * 30, &meeting, &item);
	char items[24];
	snprintf(items, sizeof items, "%lld", (long long)item);
	published(d, "O/1", "First", "Alpha decision.", "A.", items, NULL);
	published(d, "O/2", "Second", "Beta decision.", "B.", items, NULL);
	published(d, "O/3", "Third", "Gamma decision.", "C.", items, NULL);

	char *text = render(d, "item", item, "text");
	assert_true(strstr(text, "Alpha") < strstr(text, "Beta"));
	free(text);

	docket_request *r = NULL;
	assert_int_equal(docket_request_new(&r, "item_order"), 0);
	assert_int_equal(docket_request_set_int(r, "item", item), 0);
	const char *order[] = {"O/3", "O/1", "O/2"};
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(docket_request_append_str(r, "refs", order[i]), 0);
	docket_msg *m = must_send(d, r);
	H_ASSERT_STR(h_str(m, "decisions.0"), "O/3");
	assert_true(h_int(m, "seq") > 0);
	docket_msg_destroy(&m);
	text = render(d, "item", item, "text");
	assert_true(strstr(text, "Gamma") < strstr(text, "Alpha"));
	assert_true(strstr(text, "Alpha") < strstr(text, "Beta"));
	free(text);
	m = must(d, "meetings", NULL);
	H_ASSERT_STR(h_str(m, "meetings.0.items.0.decisions.0"), "O/3");
	docket_msg_destroy(&m);

	/* A list that leaves one out, or names one twice, changes nothing. */
	const char *bad[][3] = {{"O/1", "O/2", NULL}, {"O/1", "O/1", "O/2"}, {"O/1", "O/2", "X"}};
	for (size_t k = 0; k < 3; k++) {
		r = NULL;
		assert_int_equal(docket_request_new(&r, "item_order"), 0);
		assert_int_equal(docket_request_set_int(r, "item", item), 0);
		for (size_t i = 0; i < 3 && bad[k][i]; i++)
			assert_int_equal(docket_request_append_str(r, "refs", bad[k][i]), 0);
		int rc;
		m = send_req(d, r, &rc);
		assert_int_equal(rc, -DOCKET_EBADREQ);
		docket_msg_destroy(&m);
	}
	text = render(d, "item", item, "text");
	assert_true(strstr(text, "Gamma") < strstr(text, "Alpha"));
	free(text);

	/* Unscheduling and scheduling again puts a decision at the end. */
	h_change(d, "unschedule", "ref", "O/3", NULL);
	h_change(d, "schedule", "ref", "O/3", "#item", items, NULL);
	text = render(d, "item", item, "text");
	assert_true(strstr(text, "Beta") < strstr(text, "Gamma"));
	free(text);
	H_PASS(d);
}

static void test_reference_template(void **state)
{
	struct h_daemon *d = *state;
	/* A template without {hash}, or with an unknown placeholder, is a bad configuration. */
	assert_int_equal(h_write_config(d, "[import]\nreference = KD {year}/{line}\n"), 0);
	assert_int_equal(h_start(d), -1);
	assert_int_equal(d->status, 78);
	assert_int_equal(h_write_config(d, "[import]\nreference = {hash}-{month}\n"), 0);
	assert_int_equal(h_start(d), -1);
	assert_int_equal(d->status, 78);

	assert_int_equal(h_write_config(d, "[import]\nreference = KD {year}/{hash}\n"
	                                   "meeting_time = 14:30\n"),
	                 0);
	assert_int_equal(h_start(d), 0);
	docket_msg *m = must_send(d, import_req("report.txt", SHA_A, "report", report_entries, 2,
	                                        report_header));
	const char *ref = h_str(m, "decisions.0.ref");
	assert_non_null(ref);
	assert_memory_equal(ref, "KD 2015/", 8);
	assert_int_equal(strlen(ref), 16);
	docket_msg_destroy(&m);
	/* The meeting an imported report names is recorded at the configured office time. */
	m = must(d, "meetings", NULL);
	H_ASSERT_STR(h_str(m, "meetings.0.starts_at_local"), "2015-09-22T14:30:00+01:00");
	docket_msg_destroy(&m);
	H_PASS(d);
}

/* Hostile and careless requests: clear refusals, nothing recorded, docketd still serving. */
static void test_bad_requests(void **state)
{
	struct h_daemon *d = *state;
	int rc;
	/* Entries that are not maps, or hold what entries do not take. */
	docket_request *r = import_req("x.txt", SHA_A, "register", NULL, 0, NULL);
	assert_int_equal(docket_request_append_str(r, "decisions", "not a map"), 0);
	docket_msg *m = send_req(d, r, &rc);
	assert_int_equal(rc, -DOCKET_EBADREQ);
	H_ASSERT_CONTAINS(docket_msg_error_message(m), "x.txt: decision 1 of 1");
	docket_msg_destroy(&m);
	const struct entry e[] = {{1, "2024/1", "One", "First.", NULL, NULL, NULL}};
	r = import_req("x.txt", SHA_A, "register", e, 1, NULL);
	docket_request *extra = NULL;
	assert_int_equal(docket_request_append_map(r, "decisions", &extra), 0);
	assert_int_equal(docket_request_set_int(extra, "line", 5), 0);
	set(extra, "title", "Two");
	set(extra, "text", "Second.");
	set(extra, "state", "noted");
	m = send_req(d, r, &rc);
	assert_int_equal(rc, -DOCKET_EBADREQ);
	H_ASSERT_CONTAINS(docket_msg_error_message(m), "state");
	docket_msg_destroy(&m);
	/* An empty document, and an entry without its text. */
	m = send_req(d, import_req("x.txt", SHA_A, "register", NULL, 0, NULL), &rc);
	assert_int_equal(rc, -DOCKET_EBADREQ);
	docket_msg_destroy(&m);
	const struct entry notext[] = {{4, "2024/2", "Two", NULL, NULL, NULL, NULL}};
	m = send_req(d, import_req("x.txt", SHA_A, "register", notext, 1, NULL), &rc);
	assert_int_equal(rc, -DOCKET_EBADREQ);
	H_ASSERT_CONTAINS(docket_msg_error_message(m), "text");
	docket_msg_destroy(&m);
	/* More entries than an array holds: too large, whole. */
	r = import_req("x.txt", SHA_A, "register", NULL, 0, NULL);
	for (int i = 0; i < 1025; i++) {
		docket_request *one = NULL;
		assert_int_equal(docket_request_append_map(r, "decisions", &one), 0);
		assert_int_equal(docket_request_set_int(one, "line", i + 1), 0);
	}
	m = send_req(d, r, &rc);
	assert_int_equal(rc, -DOCKET_ETOOLARGE);
	docket_msg_destroy(&m);
	/* Renders of what does not exist. */
	docket_msg_destroy(&(docket_msg *){h_refuse(d, DOCKET_ENOTFOUND, "render", "#item", "99",
	                                            NULL)});
	docket_msg_destroy(&(docket_msg *){h_refuse(d, DOCKET_ENOTFOUND, "render", "#source", "7",
	                                            NULL)});
	/* item_order on an item that does not exist. */
	r = NULL;
	assert_int_equal(docket_request_new(&r, "item_order"), 0);
	assert_int_equal(docket_request_set_int(r, "item", 42), 0);
	assert_int_equal(docket_request_append_str(r, "refs", "A"), 0);
	m = send_req(d, r, &rc);
	assert_int_equal(rc, -DOCKET_ENOTFOUND);
	docket_msg_destroy(&m);

	m = must(d, "imports", NULL);
	assert_int_equal(docket_msg_count(m, "imports"), 0);
	docket_msg_destroy(&m);
	assert_int_equal(log_length(d, "PROBE"), 0);
	H_PASS(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_import_report, h_setup_started, h_teardown),
		cmocka_unit_test_setup_teardown(test_import_again, h_setup_started, h_teardown),
		cmocka_unit_test_setup_teardown(test_import_whole_or_nothing, h_setup_started,
		                                h_teardown),
		cmocka_unit_test_setup_teardown(test_import_dry_run, h_setup_started, h_teardown),
		cmocka_unit_test_setup_teardown(test_import_register, h_setup_started, h_teardown),
		cmocka_unit_test_setup_teardown(test_restrictions, h_setup_started, h_teardown),
		cmocka_unit_test_setup_teardown(test_search, h_setup_started, h_teardown),
		cmocka_unit_test_setup_teardown(test_item_order, h_setup_started, h_teardown),
		cmocka_unit_test_setup_teardown(test_reference_template, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_bad_requests, h_setup_started, h_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
