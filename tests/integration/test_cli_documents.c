/*
 * The docket CLI's commands for the office's documents against the real
 * docketd: import (dry run, twice, bad files), render and report render
 * against the seed reports, search and its filters, what restricted
 * decisions show in render and export, item-order, and the exported files.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

#ifndef FIXTURES
#error "FIXTURES must name tests/fixtures"
#endif

#define SEED_2015 FIXTURES "/seeds/report-2015-09-c1.txt"
#define SEED_2014 FIXTURES "/seeds/report-2014-05.txt"
#define MAX_ARGS 40

/* Fail unless haystack lacks needle. */
#define ASSERT_LACKS(haystack, needle)                                                             \
	do {                                                                                       \
		const char *h_l_ = (haystack);                                                     \
		if (h_l_ && strstr(h_l_, (needle)))                                                \
			fail_msg("%s (\"%s\") contains \"%s\"", #haystack, h_l_, (needle));        \
	} while (0)

/* Collect the NULL-terminated arguments after the last named one. */
#define COLLECT(a, n, last)                                                                        \
	do {                                                                                       \
		va_list ap_;                                                                       \
		va_start(ap_, last);                                                               \
		while ((n) < MAX_ARGS - 1 && ((a)[(n)] = va_arg(ap_, const char *)))               \
			(n)++;                                                                     \
		va_end(ap_);                                                                       \
		(a)[(n)] = NULL;                                                                   \
	} while (0)

/* Run "docket ARGS..." (NULL-terminated), whatever its status. */
static void run(struct h_daemon *d, struct h_proc *p, ...)
{
	const char *a[MAX_ARGS];
	int n = 0;
	COLLECT(a, n, p);
	assert_int_equal(h_cli_argv(d, p, a), 0);
}

/* Run "docket ARGS..." (NULL-terminated): it must exit 0 with nothing on stderr. Returns stdout. */
static char *text_cli(struct h_daemon *d, ...)
{
	const char *a[MAX_ARGS];
	int n = 0;
	struct h_proc p;
	COLLECT(a, n, d);
	assert_int_equal(h_cli_argv(d, &p, a), 0);
	if (p.status != 0 || *p.err)
		fail_msg("docket %s %s: exit %d\nstdout: %s\nstderr: %s", a[0], n > 1 ? a[1] : "",
		         p.status, p.out, p.err);
	free(p.err);
	return p.out;
}

/* Run "docket --json ARGS..." (NULL-terminated): exit 0, a reply with ok true. */
static json_t *json_cli(struct h_daemon *d, ...)
{
	const char *a[MAX_ARGS] = {"--json"};
	int n = 1;
	COLLECT(a, n, d);
	struct h_proc p;
	assert_int_equal(h_cli_argv(d, &p, a), 0);
	if (p.status != 0 || *p.err)
		fail_msg("docket --json %s %s: exit %d\nstdout: %s\nstderr: %s", a[1],
		         n > 2 ? a[2] : "", p.status, p.out, p.err);
	json_t *j = h_json(p.out);
	if (!j)
		fail_msg("docket --json %s: stdout is not JSON: %s", a[1], p.out);
	h_proc_free(&p);
	assert_true(json_is_true(json_object_get(j, "ok")));
	return j;
}

/* The text as the comparison rule reads it: lines without trailing spaces or CR, no empty ones. */
static char *normalised(const char *text)
{
	size_t n = strlen(text);
	char *out = malloc(n + 2), *o = out;
	assert_non_null(out);
	for (const char *l = text; *l;) {
		size_t len = strcspn(l, "\n");
		size_t keep = len;
		while (keep && (l[keep - 1] == ' ' || l[keep - 1] == '\t' || l[keep - 1] == '\r'))
			keep--;
		if (keep) {
			memcpy(o, l, keep);
			o += keep;
			*o++ = '\n';
		}
		l += len + (l[len] == '\n');
	}
	*o = '\0';
	return out;
}

static char *read_text(const char *path)
{
	size_t len;
	char *s = h_read_file(path, &len);
	if (!s)
		fail_msg("cannot read %s", path);
	return s;
}

/* Fail unless the rendered report says what the document says, line for line. */
static void assert_same_report(const char *rendered, const char *path)
{
	char *file = read_text(path), *a = normalised(rendered), *b = normalised(file);
	if (strcmp(a, b))
		fail_msg("the report differs from %s:\n--- rendered\n%s\n--- file\n%s", path, a, b);
	free(a);
	free(b);
	free(file);
}

/* Import path with --json; returns the reply. */
static json_t *import_json(struct h_daemon *d, const char *path)
{
	return json_cli(d, "import", path, NULL);
}

static const char *id_text(int64_t id, char *buf, size_t size)
{
	snprintf(buf, size, "%lld", (long long)id);
	return buf;
}

/* Draft, submit and endorse ref with its decision date, and a cost in words when restricted. */
static void decided(struct h_daemon *d, const char *ref, const char *title, const char *text,
                    const char *justification, const char *decided_on)
{
	bool restricted = !strncmp(ref, "R-", 2);
	h_change(d, "draft", "ref", ref, "title", title, "text", text, "justification",
	         justification, "decision_maker", "pcc", "category", "spend", "cost_text",
	         restricted ? "COSTSECRET-77" : "\u00a3100 from revenue", NULL);
	h_change(d, "submit", "ref", ref, NULL);
	h_change(d, "endorse", "ref", ref, "decided_on", decided_on, NULL);
}

/* A meeting offset_s from now with item C1; returns the item id as text in buf. */
static const char *meeting_item(struct h_daemon *d, long offset_s, char *buf, size_t size)
{
	int64_t meeting, item;
	h_meeting_item(d, offset_s, &meeting, &item);
	return id_text(item, buf, size);
}

/* What the restricted decisions hold that the public must never read. */
static const char *const secrets[] = {
    "PARTSECRET-text", "PARTSECRET-justification", "FULLSECRET-text", "FULLSECRET-justification",
    "COSTSECRET-77",
};

/*
 * Two decisions on item: "R-part" published with part restricted (its
 * wording replaced), "R-full" with full. Through the CLI's publish options.
 */
static void restricted_pair(struct h_daemon *d, const char *item)
{
	decided(d, "R-part", "Contract for custody cleaning",
	        "Award the contract to PARTSECRET-text for three years.",
	        "PARTSECRET-justification gave the best tender.", "2016-02-01");
	decided(d, "R-full", "Covert capability", "Buy FULLSECRET-text.",
	        "FULLSECRET-justification.", "2016-03-01");
	char *out = text_cli(d, "publish", "R-part", "--restriction", "part",
	                     "--restriction-reason", "commercially sensitive", "--review-date",
	                     "2099-12-31", "--withheld", "the contractor's name", "--public-text",
	                     "Award the custody cleaning contract for three years.",
	                     "--public-justification", "It was the best value tender.", NULL);
	H_ASSERT_CONTAINS(out, "published");
	free(out);
	/* The options are sent under their protocol keys. */
	json_t *j = json_cli(d, "get", "R-part", NULL);
	H_ASSERT_STR(h_jstr(j, "decision.withheld"), "the contractor's name");
	H_ASSERT_STR(h_jstr(j, "decision.public_text"),
	             "Award the custody cleaning contract for three years.");
	H_ASSERT_STR(h_jstr(j, "decision.public_justification"), "It was the best value tender.");
	json_decref(j);
	free(text_cli(d, "publish", "R-full", "--restriction", "full", "--restriction-reason",
	              "national security", "--review-date", "2099-12-31", NULL));
	free(text_cli(d, "schedule", "R-part", "--item", item, NULL));
	free(text_cli(d, "schedule", "R-full", "--item", item, NULL));
}

static void assert_no_secret(const char *what, const char *text)
{
	for (size_t i = 0; i < sizeof secrets / sizeof secrets[0]; i++)
		if (strstr(text, secrets[i]))
			fail_msg("%s shows \"%s\":\n%s", what, secrets[i], text);
}

/* Every file under path, each checked for the secrets. Returns how many files. */
static size_t assert_tree_lacks_secrets(const char *path)
{
	struct stat st;
	size_t files = 0;
	if (stat(path, &st) != 0)
		fail_msg("%s is missing", path);
	if (!S_ISDIR(st.st_mode)) {
		char *text = read_text(path);
		assert_no_secret(path, text);
		free(text);
		return 1;
	}
	DIR *dir = opendir(path);
	assert_non_null(dir);
	struct dirent *e;
	while ((e = readdir(dir))) {
		char sub[1024];
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
		files += assert_tree_lacks_secrets(sub);
	}
	closedir(dir);
	return files;
}

static size_t file_size(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0)
		fail_msg("%s is missing", path);
	return (size_t)st.st_size;
}

/* The seed reports rendered again: by item, by source, and through report render. */
static void test_import_then_render(void **state)
{
	struct h_daemon *d = *state;
	char item[24], source[24], path[256];

	json_t *j = import_json(d, SEED_2015);
	assert_int_equal(h_jint(j, "created"), 3);
	assert_int_equal(h_jint(j, "existing"), 0);
	assert_true(json_is_false(json_object_get(j, "dry_run")));
	H_ASSERT_STR(h_jstr(j, "decisions.0.state"), "reported");
	assert_int_equal(h_jint(j, "decisions.0.line"), 11);
	assert_true(h_jint(j, "item") > 0);
	id_text(h_jint(j, "item"), item, sizeof item);
	json_decref(j);

	/* docketd recorded the file's name without its directories, and its SHA-256. */
	j = json_cli(d, "imports", NULL);
	H_ASSERT_STR(h_jstr(j, "imports.0.file"), "report-2015-09-c1.txt");
	H_ASSERT_STR(h_jstr(j, "imports.0.document"), "report");
	assert_int_equal(strlen(h_jstr(j, "imports.0.sha256")), 64);
	assert_int_equal(h_jint(j, "imports.0.item"), atoll(item));
	json_decref(j);

	char *by_item = text_cli(d, "render", item, NULL);
	assert_same_report(by_item, SEED_2015);
	/* The content exactly: no newline added. */
	j = json_cli(d, "render", item, NULL);
	H_ASSERT_STR(h_jstr(j, "content"), by_item);
	assert_int_equal(h_jint(j, "decisions"), 3);
	json_decref(j);
	char *again = text_cli(d, "report", "render", item, NULL);
	H_ASSERT_STR(again, by_item);
	free(again);
	snprintf(path, sizeof path, "%s/report.txt", d->dir);
	again = text_cli(d, "render", item, "--output", path, NULL);
	H_ASSERT_STR(again, "");
	free(again);
	again = read_text(path);
	H_ASSERT_STR(again, by_item);
	free(again);
	free(by_item);

	/* A report with only a title line: rendered by its document. */
	j = import_json(d, SEED_2014);
	assert_int_equal(h_jint(j, "created"), 3);
	assert_true(json_is_null(json_object_get(j, "item")));
	H_ASSERT_STR(h_jstr(j, "decisions.2.state"), "endorsed");
	id_text(h_jint(j, "source"), source, sizeof source);
	json_decref(j);
	char *by_source = text_cli(d, "render", "--source", source, NULL);
	assert_same_report(by_source, SEED_2014);
	again = text_cli(d, "report", "render", "--source", source, NULL);
	H_ASSERT_STR(again, by_source);
	free(again);
	free(by_source);

	/* The other formats, the item's decisions all in them. */
	char *md = text_cli(d, "render", item, "--format", "markdown", NULL);
	H_ASSERT_CONTAINS(md, "body worn cameras");
	free(md);
	char *html = text_cli(d, "render", "--format", "html", item, NULL);
	H_ASSERT_CONTAINS(html, "<html");
	H_ASSERT_CONTAINS(html, "Business Crime Conference");
	free(html);

	/* Usage errors and refusals. */
	struct h_proc p;
	run(d, &p, "render", item, "--source", source, NULL);
	assert_int_equal(p.status, 64);
	H_ASSERT_CONTAINS(p.err, "exactly one of ITEM and --source");
	h_proc_free(&p);
	run(d, &p, "render", "9999", NULL);
	assert_int_equal(p.status, 1);
	H_ASSERT_CONTAINS(p.err, "not_found");
	h_proc_free(&p);
	snprintf(path, sizeof path, "%s/missing/report.txt", d->dir);
	run(d, &p, "render", item, "--output", path, NULL);
	assert_int_equal(p.status, 73);
	H_ASSERT_CONTAINS(p.err, path);
	h_proc_free(&p);
	H_PASS(d);
}

/* --dry-run records nothing; a second import records nothing new. */
static void test_import_dry_run_and_twice(void **state)
{
	struct h_daemon *d = *state;

	char *out = text_cli(d, "import", "--dry-run", SEED_2015, NULL);
	H_ASSERT_CONTAINS(out, SEED_2015 ": 3 created, 0 already recorded (dry run: nothing "
	                                 "recorded)\n");
	H_ASSERT_CONTAINS(out, "  line 11  ");
	H_ASSERT_CONTAINS(out, "  reported  created\n");
	free(out);
	json_t *j = json_cli(d, "imports", NULL);
	assert_int_equal(json_array_size(json_object_get(j, "imports")), 0);
	json_decref(j);
	j = json_cli(d, "list", NULL);
	assert_int_equal(json_array_size(json_object_get(j, "decisions")), 0);
	json_decref(j);
	j = json_cli(d, "meetings", NULL);
	assert_int_equal(json_array_size(json_object_get(j, "meetings")), 0);
	json_decref(j);
	out = text_cli(d, "list", NULL);
	H_ASSERT_STR(out, "no decisions\n");
	free(out);
	out = text_cli(d, "imports", NULL);
	H_ASSERT_STR(out, "no documents imported\n");
	free(out);

	out = text_cli(d, "import", SEED_2015, NULL);
	H_ASSERT_CONTAINS(out, SEED_2015 ": 3 created, 0 already recorded\n");
	ASSERT_LACKS(out, "dry run");
	H_ASSERT_CONTAINS(out, "meeting 1, item 1");
	free(out);
	out = text_cli(d, "import", SEED_2015, NULL);
	H_ASSERT_CONTAINS(out, SEED_2015 ": 0 created, 3 already recorded\n");
	ASSERT_LACKS(out, "created\n");
	H_ASSERT_CONTAINS(out, "  reported  exists\n");
	free(out);
	j = json_cli(d, "list", NULL);
	assert_int_equal(json_array_size(json_object_get(j, "decisions")), 3);
	json_decref(j);

	/* --json: one compact object per file, one per line. */
	struct h_proc p;
	run(d, &p, "--json", "import", SEED_2015, SEED_2014, NULL);
	assert_int_equal(p.status, 0);
	char *nl = strchr(p.out, '\n');
	assert_non_null(nl);
	*nl = '\0';
	json_t *first = h_json(p.out), *second = h_json(nl + 1);
	assert_non_null(first);
	assert_non_null(second);
	assert_int_equal(h_jint(first, "existing"), 3);
	assert_int_equal(h_jint(second, "created"), 3);
	json_decref(first);
	json_decref(second);
	h_proc_free(&p);

	/* The table of documents. */
	out = text_cli(d, "imports", NULL);
	H_ASSERT_CONTAINS(out, "ID  FILE  ");
	H_ASSERT_CONTAINS(out, "report-2015-09-c1.txt  report    3  ");
	H_ASSERT_CONTAINS(out, "Commissioner's Key Decision \u2013 May 2014\n");
	free(out);
	H_PASS(d);
}

/* A file that cannot be read is named with its line, skipped, and the rest still imported. */
static void test_import_bad_files(void **state)
{
	struct h_daemon *d = *state;
	char bad[256], missing[256];
	static const char register_text[] = "Decision Ref: 2024/01\n"
	                                    "Issue: New fleet\n"
	                                    "Decision: Buy ten cars.\n"
	                                    "Date of Decision: 31 February 2024\n"
	                                    "Decision Maker: PCC\n";
	snprintf(bad, sizeof bad, "%s/register.txt", d->dir);
	assert_int_equal(h_write_bytes(bad, register_text, sizeof register_text - 1), 0);
	snprintf(missing, sizeof missing, "%s/nonexistent.txt", d->dir);

	struct h_proc p;
	char where[300];
	run(d, &p, "import", bad, NULL);
	assert_int_equal(p.status, 65);
	snprintf(where, sizeof where, "docket: import: %s:4: ", bad);
	H_ASSERT_CONTAINS(p.err, where);
	H_ASSERT_CONTAINS(p.err, "31 February 2024");
	H_ASSERT_STR(p.out, "");
	h_proc_free(&p);
	char *out = text_cli(d, "list", NULL);
	H_ASSERT_STR(out, "no decisions\n");
	free(out);

	/* The good file between them is imported; the status is the first failure's. */
	run(d, &p, "import", bad, SEED_2015, missing, NULL);
	assert_int_equal(p.status, 65);
	H_ASSERT_CONTAINS(p.err, where);
	H_ASSERT_CONTAINS(p.err, missing);
	H_ASSERT_CONTAINS(p.out, SEED_2015 ": 3 created");
	h_proc_free(&p);
	run(d, &p, "import", missing, NULL);
	assert_int_equal(p.status, 66);
	H_ASSERT_CONTAINS(p.err, missing);
	h_proc_free(&p);
	json_t *j = json_cli(d, "imports", NULL);
	assert_int_equal(json_array_size(json_object_get(j, "imports")), 1);
	json_decref(j);

	/* A refusal by docketd: the same decision with other words, under a register's ref. */
	static const char clash[] = "Decision Ref: 2024/02\n"
	                            "Issue: New fleet\n"
	                            "Decision: Buy ten cars.\n"
	                            "Date of Decision: 1 February 2024\n";
	static const char clash2[] = "Decision Ref: 2024/02\n"
	                             "Issue: New fleet\n"
	                             "Decision: Buy twenty vans.\n"
	                             "Date of Decision: 1 February 2024\n";
	char a[256], b[256];
	snprintf(a, sizeof a, "%s/a.txt", d->dir);
	snprintf(b, sizeof b, "%s/b.txt", d->dir);
	assert_int_equal(h_write_bytes(a, clash, sizeof clash - 1), 0);
	assert_int_equal(h_write_bytes(b, clash2, sizeof clash2 - 1), 0);
	free(text_cli(d, "import", a, NULL));
	run(d, &p, "import", b, NULL);
	assert_int_equal(p.status, 1);
	snprintf(where, sizeof where, "docket: import: %s: ", b);
	H_ASSERT_CONTAINS(p.err, where);
	H_ASSERT_CONTAINS(p.err, "line 1");
	h_proc_free(&p);
	j = json_cli(d, "get", "2024/02", NULL);
	H_ASSERT_STR(h_jstr(j, "decision.text"), "Buy ten cars.");
	H_ASSERT_STR(h_jstr(j, "decision.decided_on"), "2024-02-01");
	json_decref(j);
	H_PASS(d);
}

/* search: stemmed words, phrases, the filters, a query docketd cannot read. */
static void test_search(void **state)
{
	struct h_daemon *d = *state;
	json_t *j = import_json(d, SEED_2015);
	char cameras[64];
	snprintf(cameras, sizeof cameras, "%s  ", h_jstr(j, "decisions.0.ref"));
	json_decref(j);
	decided(d, "S-2015", "Speed cameras", "Fund speed cameras on the A2.", "Road safety.",
	        "2015-03-01");
	decided(d, "S-2016", "Custody", "Fit cameras in every custody suite.", "Safety.",
	        "2016-03-01");
	decided(d, "S-draft", "Unpublished", "Cameras for the cells.", "Not public.", "2016-04-01");
	h_change(d, "publish", "ref", "S-2015", NULL);
	h_change(d, "publish", "ref", "S-2016", NULL);

	char *out = text_cli(d, "search", "camera", NULL);
	/* The body worn cameras decision: its ref and title, its line of facts, the snippet. */
	H_ASSERT_CONTAINS(out, cameras);
	H_ASSERT_CONTAINS(out, "  reported \u00b7 pcc \u00b7 -\n");
	H_ASSERT_CONTAINS(out, "[cameras]");
	H_ASSERT_CONTAINS(out, "S-2015  Speed cameras\n  published \u00b7 pcc \u00b7 1 Mar 2015\n");
	H_ASSERT_CONTAINS(out, "S-2016");
	ASSERT_LACKS(out, "\033[");
	free(out);

	j = json_cli(d, "search", "camera", "--limit", "3", NULL);
	assert_int_equal(json_array_size(json_object_get(j, "results")), 3);
	json_decref(j);

	/* Filters. */
	out = text_cli(d, "search", "camera", "--from", "2016-01-01", NULL);
	H_ASSERT_CONTAINS(out, "S-2016");
	ASSERT_LACKS(out, "S-2015");
	ASSERT_LACKS(out, cameras);
	free(out);
	out = text_cli(d, "search", "camera", "--to", "2015-12-31", NULL);
	H_ASSERT_CONTAINS(out, "S-2015");
	ASSERT_LACKS(out, "S-2016");
	free(out);
	out = text_cli(d, "search", "camera", "--state", "reported", NULL);
	H_ASSERT_CONTAINS(out, cameras);
	ASSERT_LACKS(out, "S-2015");
	free(out);
	out = text_cli(d, "search", "camera", "--state", "noted", NULL);
	H_ASSERT_STR(out, "No decisions match.\n");
	free(out);
	out = text_cli(d, "search", "camera", "--limit", "1", "--maker", "pcc", NULL);
	assert_int_equal(strstr(out, "\n\n") == NULL, 1);
	free(out);

	/* Words joined into one query: a phrase, both orders. */
	out = text_cli(d, "search", "\"body worn\"", NULL);
	H_ASSERT_CONTAINS(out, cameras);
	free(out);
	out = text_cli(d, "search", "\"worn", "body\"", NULL);
	H_ASSERT_STR(out, "No decisions match.\n");
	free(out);
	/* A word with punctuation is searched as the phrase it reads as. */
	out = text_cli(d, "search", "body-worn", NULL);
	H_ASSERT_CONTAINS(out, cameras);
	free(out);
	out = text_cli(d, "search", "speed", "OR", "custody", NULL);
	H_ASSERT_CONTAINS(out, "S-2015");
	H_ASSERT_CONTAINS(out, "S-2016");
	ASSERT_LACKS(out, cameras);
	free(out);

	struct h_proc p;
	run(d, &p, "search", "camera", "AND", "(", NULL);
	assert_int_equal(p.status, 1);
	H_ASSERT_CONTAINS(p.err, "bad_request");
	H_ASSERT_CONTAINS(p.err, "camera AND (");
	H_ASSERT_STR(p.out, "");
	h_proc_free(&p);
	run(d, &p, "search", "camera", "--from", "2015-02-30", NULL);
	assert_int_equal(p.status, 64);
	H_ASSERT_CONTAINS(p.err, "--from");
	h_proc_free(&p);
	H_PASS(d);
}

/* Run "docket search camera" with a terminal as its stdout (util-linux script), no_color as
 * NO_COLOR. */
static char *search_on_tty(struct h_daemon *d, const char *no_color)
{
	char cmd[512], ep[300], nc[64];
	struct h_proc p;
	snprintf(cmd, sizeof cmd, "exec %s search camera", DOCKET_CLI_PATH);
	snprintf(ep, sizeof ep, "DOCKET_ENDPOINT=%s", d->cmd);
	snprintf(nc, sizeof nc, "NO_COLOR=%s", no_color ? no_color : "");
	const char *argv[] = {"/usr/bin/script", "-q", "-e", "-c", cmd, "/dev/null", NULL};
	const char *env[] = {ep, no_color ? nc : NULL, NULL};
	assert_int_equal(h_run(&p, argv, env, 20000), 0);
	if (p.status != 0)
		fail_msg("docket search on a terminal: exit %d\n%s%s", p.status, p.out, p.err);
	free(p.err);
	return p.out;
}

/* On a terminal matches are bold, unless NO_COLOR says otherwise. */
static void test_search_bold_on_terminal(void **state)
{
	struct h_daemon *d = *state;
	if (access("/usr/bin/script", X_OK) != 0)
		skip();
	json_decref(import_json(d, SEED_2015));
	char *out = search_on_tty(d, NULL);
	H_ASSERT_CONTAINS(out, "\033[1mcameras\033[0m");
	ASSERT_LACKS(out, "[cameras]");
	free(out);
	out = search_on_tty(d, "1");
	H_ASSERT_CONTAINS(out, "[cameras]");
	ASSERT_LACKS(out, "\033[1m");
	free(out);
	/* Set but empty is not set (no-color.org). */
	out = search_on_tty(d, "");
	H_ASSERT_CONTAINS(out, "\033[1mcameras\033[0m");
	free(out);
	H_PASS(d);
}

/* search finds only what the public register shows: nothing before publication. */
static void test_search_only_published(void **state)
{
	struct h_daemon *d = *state;
	decided(d, "S-public", "Cameras", "Speed cameras on the A2.", "Safety.", "2015-03-01");
	decided(d, "S-endorsed", "Cameras", "Cameras for the cells.", "Not public.", "2016-04-01");
	h_change(d, "draft", "ref", "S-draft", "title", "Cameras", "text", "Draft cameras.",
	         "justification", "j", "decision_maker", "pcc", "category", "other", NULL);
	h_change(d, "publish", "ref", "S-public", NULL);

	char *out = text_cli(d, "search", "camera", NULL);
	H_ASSERT_CONTAINS(out, "S-public");
	ASSERT_LACKS(out, "S-endorsed");
	ASSERT_LACKS(out, "S-draft");
	free(out);
	H_PASS(d);
}

/* What a restriction withholds appears in no render, search or export. */
static void test_restricted_never_shown(void **state)
{
	struct h_daemon *d = *state;
	char item[24], dir[256], csv[256], ics[256];

	meeting_item(d, 30 * 86400, item, sizeof item);
	restricted_pair(d, item);

	/* The office's own view keeps the whole record. */
	char *out = text_cli(d, "get", "R-part", NULL);
	H_ASSERT_CONTAINS(out, "PARTSECRET-text");
	free(out);

	static const char *const formats[] = {"text", "markdown", "html"};
	for (size_t i = 0; i < 3; i++) {
		out = text_cli(d, "render", item, "--format", formats[i], NULL);
		assert_no_secret(formats[i], out);
		H_ASSERT_CONTAINS(out, "Award the custody cleaning contract for three years.");
		H_ASSERT_CONTAINS(out, "It was the best value tender.");
		H_ASSERT_CONTAINS(out, "the contractor");
		H_ASSERT_CONTAINS(out, "Covert capability");
		free(out);
	}
	out = text_cli(d, "render", item, NULL);
	H_ASSERT_CONTAINS(out, "Restricted in part: the contractor's name is withheld "
	                       "(commercially sensitive).");
	H_ASSERT_CONTAINS(out, "Restricted: this decision is not published (national security).");
	free(out);

	out = text_cli(d, "search", "PARTSECRET", NULL);
	H_ASSERT_STR(out, "No decisions match.\n");
	free(out);
	out = text_cli(d, "search", "FULLSECRET", NULL);
	H_ASSERT_STR(out, "No decisions match.\n");
	free(out);
	out = text_cli(d, "search", "custody", NULL);
	H_ASSERT_CONTAINS(out, "R-part");
	free(out);
	out = text_cli(d, "--json", "register", NULL);
	assert_no_secret("register", out);
	H_ASSERT_CONTAINS(out, "R-full");
	free(out);
	out = text_cli(d, "register", NULL);
	H_ASSERT_CONTAINS(out, "REF     DECIDED     STATE      RESTRICTION  TITLE\n");
	H_ASSERT_CONTAINS(out, "R-full  1 Mar 2016  scheduled  full         Covert capability\n");
	free(out);

	snprintf(dir, sizeof dir, "%s/www", d->dir);
	snprintf(csv, sizeof csv, "%s/register.csv", d->dir);
	snprintf(ics, sizeof ics, "%s/meetings.ics", d->dir);
	free(text_cli(d, "export", "--html", dir, NULL));
	free(text_cli(d, "export", "--csv", csv, NULL));
	free(text_cli(d, "export", "--ics", ics, NULL));
	/* index, meetings, feed, style and a page for each decision, at least. */
	assert_true(assert_tree_lacks_secrets(dir) >= 6);
	assert_tree_lacks_secrets(csv);
	assert_tree_lacks_secrets(ics);
	char *text = read_text(csv);
	H_ASSERT_CONTAINS(text, "Award the custody cleaning contract for three years.");
	H_ASSERT_CONTAINS(text, "Covert capability");
	free(text);
	H_PASS(d);
}

/* item-order sets the order render follows; report REF still reports. */
static void test_item_order(void **state)
{
	struct h_daemon *d = *state;
	char item[24];

	/* A meeting that took place yesterday, so that its decisions can be reported. */
	meeting_item(d, -86400, item, sizeof item);
	decided(d, "O-1", "First", "ALPHA wording.", "Because.", "2016-01-04");
	decided(d, "O-2", "Second", "OMEGA wording.", "Because.", "2016-01-05");
	/* Published before the meeting, as a report at it needs. */
	h_change(d, "publish", "ref", "O-1", "published_on", "2016-01-10", NULL);
	h_change(d, "publish", "ref", "O-2", "published_on", "2016-01-10", NULL);
	h_change(d, "schedule", "ref", "O-1", "#item", item, NULL);
	h_change(d, "schedule", "ref", "O-2", "#item", item, NULL);

	char *out = text_cli(d, "render", item, NULL);
	char *a = strstr(out, "ALPHA"), *o = strstr(out, "OMEGA");
	assert_true(a && o && a < o);
	free(out);

	out = text_cli(d, "item-order", item, "O-2", "O-1", NULL);
	char head[64];
	snprintf(head, sizeof head, "Item %s  C1  ", item);
	H_ASSERT_CONTAINS(out, head);
	H_ASSERT_CONTAINS(out, "\n  1  O-2\n  2  O-1\n(event ");
	free(out);
	out = text_cli(d, "render", item, NULL);
	a = strstr(out, "ALPHA");
	o = strstr(out, "OMEGA");
	assert_true(a && o && o < a);
	free(out);
	json_t *j = json_cli(d, "meetings", NULL);
	H_ASSERT_STR(h_jstr(j, "meetings.0.items.0.decisions.0"), "O-2");
	json_decref(j);

	/* Every decision, once each, or nothing changes. */
	struct h_proc p;
	run(d, &p, "item-order", item, "O-1", NULL);
	assert_int_equal(p.status, 1);
	H_ASSERT_CONTAINS(p.err, "bad_request");
	h_proc_free(&p);
	j = json_cli(d, "item-order", item, "O-1", "O-2", NULL);
	H_ASSERT_STR(h_jstr(j, "decisions.0"), "O-1");
	H_ASSERT_STR(h_jstr(j, "decisions.1"), "O-2");
	json_decref(j);

	/* "report REF" is still the step of the lifecycle, not render. */
	j = json_cli(d, "report", "O-1", NULL);
	H_ASSERT_STR(h_jstr(j, "decision.state"), "reported");
	json_decref(j);
	H_PASS(d);
}

/* export writes its files; DOCKET_KEEP_EXPORT keeps a copy of the pages. */
static void test_export_files(void **state)
{
	struct h_daemon *d = *state;
	char item[24], dir[256], path[512], csv[256], ics[256];

	json_t *imported = import_json(d, SEED_2015);
	char seed_item[24];
	id_text(json_integer_value(json_object_get(imported, "item")), seed_item, sizeof seed_item);
	json_decref(imported);
	meeting_item(d, 30 * 86400, item, sizeof item);
	restricted_pair(d, item);
	decided(d, "E-1", "Body worn video policy", "Adopt the policy.", "Clarity.", "2016-05-01");
	h_change(d, "publish", "ref", "E-1", NULL);

	snprintf(dir, sizeof dir, "%s/site", d->dir);
	char *out = text_cli(d, "export", "--html", dir, "--base-url", "https://example.org/pcc",
	                     "--office", "Kent Police and Crime Commissioner", NULL);
	char want[300];
	snprintf(want, sizeof want, "wrote %s (6 decisions, 2 meetings)\n", dir);
	H_ASSERT_STR(out, want);
	free(out);
	static const char *const pages[] = {"index.html", "meetings.html", "feed.xml", "style.css"};
	for (size_t i = 0; i < 4; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, pages[i]);
		assert_true(file_size(path) > 0);
	}
	snprintf(path, sizeof path, "%s/decisions", dir);
	assert_int_equal(assert_tree_lacks_secrets(path), 6);
	snprintf(path, sizeof path, "%s/index.html", dir);
	char *index = read_text(path);
	H_ASSERT_CONTAINS(index, "Kent Police and Crime Commissioner");
	H_ASSERT_CONTAINS(index, "Body worn video policy");
	free(index);
	snprintf(path, sizeof path, "%s/feed.xml", dir);
	char *feed = read_text(path);
	H_ASSERT_CONTAINS(feed, "https://example.org/pcc/");
	free(feed);

	snprintf(csv, sizeof csv, "%s/register.csv", d->dir);
	snprintf(ics, sizeof ics, "%s/meetings.ics", d->dir);
	out = text_cli(d, "export", "--csv", csv, NULL);
	H_ASSERT_CONTAINS(out, "(6 decisions, 2 meetings)");
	free(out);
	free(text_cli(d, "export", "--ics", ics, NULL));
	assert_true(file_size(csv) > 0);
	assert_true(file_size(ics) > 0);
	char *text = read_text(ics);
	H_ASSERT_CONTAINS(text, "BEGIN:VCALENDAR");
	free(text);
	text = read_text(csv);
	/* A header row, then one row for each decision at least. */
	H_ASSERT_CONTAINS(text, "E-1");
	free(text);

	/* Output that cannot be written: 73, naming it. */
	struct h_proc p;
	snprintf(path, sizeof path, "%s/no/such/dir/register.csv", d->dir);
	run(d, &p, "export", "--csv", path, NULL);
	assert_int_equal(p.status, 73);
	H_ASSERT_CONTAINS(p.err, path);
	h_proc_free(&p);
	snprintf(path, sizeof path, "%s/index.html", dir);
	run(d, &p, "export", "--html", path, NULL);
	assert_int_equal(p.status, 73);
	h_proc_free(&p);
	run(d, &p, "export", "--html", dir, "--ics", ics, NULL);
	assert_int_equal(p.status, 64);
	h_proc_free(&p);

	/* The panel reports as HTML pages beside the register, for the browser check too. */
	snprintf(path, sizeof path, "%s/report-seed.html", dir);
	free(text_cli(d, "render", seed_item, "--format", "html", "--output", path, NULL));
	assert_true(file_size(path) > 0);
	snprintf(path, sizeof path, "%s/report-restricted.html", dir);
	free(text_cli(d, "render", item, "--format", "html", "--output", path, NULL));
	assert_true(assert_tree_lacks_secrets(dir) > 6);

	/* The team's browser check runs on these pages. */
	const char *keep = getenv("DOCKET_KEEP_EXPORT");
	if (keep && *keep) {
		char from[300];
		snprintf(from, sizeof from, "%s/.", dir);
		h_rmrf(keep); /* pages of an earlier run must not be checked again */
		const char *mk[] = {"/bin/mkdir", "-p", keep, NULL};
		const char *cp[] = {"/bin/cp", "-R", from, keep, NULL};
		assert_int_equal(h_run(&p, mk, NULL, 10000), 0);
		assert_int_equal(p.status, 0);
		h_proc_free(&p);
		assert_int_equal(h_run(&p, cp, NULL, 10000), 0);
		if (p.status != 0)
			fail_msg("cannot copy the export to %s: %s", keep, p.err);
		h_proc_free(&p);
		print_message("export kept in %s\n", keep);
	}
	H_PASS(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_import_then_render, h_setup_started, h_teardown),
	    cmocka_unit_test_setup_teardown(test_import_dry_run_and_twice, h_setup_started,
	                                    h_teardown),
	    cmocka_unit_test_setup_teardown(test_import_bad_files, h_setup_started, h_teardown),
	    cmocka_unit_test_setup_teardown(test_search, h_setup_started, h_teardown),
	    cmocka_unit_test_setup_teardown(test_search_bold_on_terminal, h_setup_started,
	                                    h_teardown),
	    cmocka_unit_test_setup_teardown(test_search_only_published, h_setup_started,
	                                    h_teardown),
	    cmocka_unit_test_setup_teardown(test_restricted_never_shown, h_setup_started,
	                                    h_teardown),
	    cmocka_unit_test_setup_teardown(test_item_order, h_setup_started, h_teardown),
	    cmocka_unit_test_setup_teardown(test_export_files, h_setup_started, h_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
