/* render: the panel report against the office's documents, restrictions, Markdown and HTML. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libxml/HTMLparser.h>

#include "docket/error.h"
#include "report.h"
#include "text.h"

/* ---- the seed documents ---- */

static char *slurp(const char *name)
{
	char path[512];
	snprintf(path, sizeof path, "%s/seeds/%s", FIXTURES, name);
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("cannot open %s", path);
	char *s = malloc(1 << 16);
	assert_non_null(s);
	size_t n = fread(s, 1, (1 << 16) - 1, f);
	assert_true(feof(f));
	fclose(f);
	s[n] = '\0';
	return s;
}

/* The decisions of a seed, cut at its "Decision:" and "Justification:" lines. */
struct seed {
	char *buf; /* the file, cut up by NULs: compare against a fresh slurp */
	struct report_decision d[8];
	size_t n;
};

/* A field's text between its label line and the next: blank lines around it dropped. */
static void seed_close(char *start, char *end, const char **field)
{
	while (start < end && (*start == '\n' || *start == '\r'))
		start++;
	while (end > start && strchr(" \t\r\n", end[-1]))
		end--;
	*end = '\0';
	*field = start;
}

static int is_label(const char *line, const char *label)
{
	size_t n = strlen(label);
	return strncmp(line, label, n) == 0 && strchr("\r\n", line[n]) != NULL;
}

static void seed_load(struct seed *s, const char *name)
{
	memset(s, 0, sizeof *s);
	s->buf = slurp(name);
	const char **field = NULL;
	char *start = NULL;
	for (char *line = s->buf; line != NULL && *line != '\0';) {
		char *nl = strchr(line, '\n');
		int dec = is_label(line, "Decision:"), just = is_label(line, "Justification:");
		if ((dec || just) && field != NULL)
			seed_close(start, line, field);
		if (dec) {
			assert_true(s->n < 8);
			field = &s->d[s->n++].text;
		} else if (just) {
			assert_true(s->n > 0);
			field = &s->d[s->n - 1].justification;
		}
		if (dec || just)
			start = nl ? nl + 1 : line + strlen(line);
		line = nl ? nl + 1 : NULL;
	}
	if (field != NULL)
		seed_close(start, s->buf + strlen(s->buf), field);
}

static const char SUBJECT_2015[] =
    "Commissioner's Key Decisions \xe2\x80\x93 July, August & September 2015";
static const char TITLE_2014[] = "Commissioner's Key Decision \xe2\x80\x93 May 2014";

static struct report report_2015(const struct seed *s)
{
	struct report r = {
	    .from = "Ann Barnes, Kent Police and Crime Commissioner",
	    .to = "Kent and Medway Police and Crime Panel",
	    .subject = SUBJECT_2015,
	    .item_code = "C1",
	    .meeting_date = "2015-09-22",
	    .decisions = s->d,
	    .n = s->n,
	};
	return r;
}

/*
 * Into the caller's variable: a pointer returned after being set through &local looks
 * dangling to gcc -O3.
 */
static void render(const struct report *r, enum report_format f, char **out)
{
	size_t len = 0;
	*out = NULL;
	int rc = report_render(r, f, out, &len);
	if (rc != 0)
		fail_msg("report_render: %d", rc);
	assert_non_null(*out);
	assert_int_equal(strlen(*out), len);
}

/* ---- the loose comparison ---- */

/* The next line of *p with trailing spaces, tabs and CRs stripped; empty lines skipped. */
static int next_line(const char **p, const char **line, size_t *len)
{
	while (**p != '\0') {
		const char *s = *p, *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);
		*p = nl ? nl + 1 : s + n;
		while (n > 0 && strchr(" \t\r", s[n - 1]))
			n--;
		if (n > 0) {
			*line = s;
			*len = n;
			return 1;
		}
	}
	return 0;
}

/* 0 when a and b hold the same non-empty lines, bar trailing white space; else 1 and why. */
static int loose_diff(const char *a, const char *b, char *why, size_t whylen)
{
	const char *la = NULL, *lb = NULL;
	size_t na = 0, nb = 0;
	for (int i = 1;; i++) {
		int ha = next_line(&a, &la, &na), hb = next_line(&b, &lb, &nb);
		if (!ha && !hb)
			return 0;
		if (ha != hb || na != nb || memcmp(la, lb, na) != 0) {
			snprintf(why, whylen, "line %d: [%.*s] vs [%.*s]", i, ha ? (int)na : 0,
			         ha ? la : "", hb ? (int)nb : 0, hb ? lb : "");
			return 1;
		}
	}
}

static void assert_loose_equal(const char *a, const char *b)
{
	char why[512];
	if (loose_diff(a, b, why, sizeof why) != 0)
		fail_msg("%s", why);
}

/* ---- round trips ---- */

static void test_round_trip_2015(void **state)
{
	(void)state;
	struct seed s;
	seed_load(&s, "report-2015-09-c1.txt");
	assert_int_equal(s.n, 3);
	assert_non_null(strstr(s.d[0].justification, "\n\n- enhanced contemporaneous"));
	struct report r = report_2015(&s);
	char *file = slurp("report-2015-09-c1.txt");
	char *out;
	render(&r, REPORT_TEXT, &out);
	assert_loose_equal(out, file);
	free(out);
	/* Byte for byte too, once the seed's two opening blank lines are set aside. */
	assert_int_equal(strncmp(file, "\n\nFrom: ", 8), 0);
	render(&r, REPORT_TEXT, &out);
	size_t n = strlen(out);
	assert_true(n > 1 && out[n - 1] == '\n' && out[n - 2] != '\n');
	assert_int_equal(n - 1, strlen(file + 2));
	assert_memory_equal(out, file + 2, n - 1);
	free(out);
	free(file);
	free(s.buf);
}

static void test_round_trip_2014(void **state)
{
	(void)state;
	struct seed s;
	seed_load(&s, "report-2014-05.txt");
	assert_int_equal(s.n, 3);
	struct report r = {.title = TITLE_2014, .decisions = s.d, .n = s.n};
	char *file = slurp("report-2014-05.txt");
	char *out;
	render(&r, REPORT_TEXT, &out);
	assert_loose_equal(out, file);
	free(file);
	assert_int_equal(strncmp(out, TITLE_2014, strlen(TITLE_2014)), 0);
	free(out);
	free(s.buf);
}

/* The comparison is not blind: one changed character, one missing line are caught. */
static void test_round_trip_catches_change(void **state)
{
	(void)state;
	char why[512];
	struct seed s;
	seed_load(&s, "report-2015-09-c1.txt");
	char *file = slurp("report-2015-09-c1.txt");
	struct report r = report_2015(&s);
	char *changed = strdup(s.d[1].text);
	assert_non_null(changed);
	char *m = strstr(changed, "4.2m");
	assert_non_null(m);
	m[2] = '3';
	s.d[1].text = changed;
	char *out;
	render(&r, REPORT_TEXT, &out);
	assert_int_equal(loose_diff(out, file, why, sizeof why), 1);
	assert_non_null(strstr(why, "4.3m"));
	free(out);
	/* What it forgives: trailing white space, CRs and blank lines. */
	assert_int_equal(loose_diff("a \r\n\n\nb\t", "\na\nb\n\n", why, sizeof why), 0);
	assert_int_equal(loose_diff("a\nb\n", "a\nb\nc\n", why, sizeof why), 1);
	assert_int_equal(loose_diff("a b\n", "ab\n", why, sizeof why), 1);
	free(changed);
	free(file);
	free(s.buf);
}

/* ---- plain text layout ---- */

static void test_text_layout(void **state)
{
	(void)state;
	const struct report_decision d[] = {
	    {.text = "\n\nFirst.\n\nSecond paragraph.\n\n", .justification = NULL},
	    {.text = "Only.", .justification = "  \n", .restriction = "none"},
	    {.title = "A title", .justification = "Why."},
	};
	struct report r = {.to = "Panel", .subject = "", .item_code = "C1", .decisions = d, .n = 3};
	char *out;
	render(&r, REPORT_TEXT, &out);
	assert_string_equal(
	    out, "To: Panel\n\nDecision:\n\nFirst.\n\nSecond paragraph.\n\n"
	         "Decision:\n\nOnly.\n\nDecision:\n\nA title\n\nJustification:\n\nWhy.\n");
	free(out);
	r.meeting_date = "2015-09-01";
	render(&r, REPORT_TEXT, &out);
	assert_int_equal(strncmp(out, "To: Panel\n\nItem & Date: Item C1 1 September 2015\n\n", 49),
	                 0);
	free(out);
}

/* ---- restrictions ---- */

static const struct report_decision PART = {
    .ref = "2024/22",
    .title = "Estate review",
    .text = "Published wording.",
    .justification = "Reasons.",
    .restriction = "part",
    .withheld = "The supplier's name.",
    .restriction_reason = "commercially sensitive",
    .review_date = "2027-03-22",
};

static const char PART_NOTICE[] = "The supplier's name is withheld (commercially sensitive). "
                                  "Review date: 22 March 2027.";

static void test_restricted_in_part(void **state)
{
	(void)state;
	struct report r = {.decisions = &PART, .n = 1};
	char *out;
	render(&r, REPORT_TEXT, &out);
	assert_string_equal(out,
	                    "Decision:\n\nPublished wording.\n\nJustification:\n\nReasons.\n\n"
	                    "Restricted in part: The supplier's name is withheld (commercially "
	                    "sensitive). Review date: 22 March 2027.\n");
	free(out);
	render(&r, REPORT_MARKDOWN, &out);
	assert_non_null(strstr(out, "**Decision:**\n\nPublished wording.\n"));
	assert_non_null(strstr(out, "\n> **Restricted in part:** The supplier's name is withheld"));
	free(out);
	render(&r, REPORT_HTML, &out);
	assert_non_null(strstr(out, "<p class=\"restriction\"><strong>Restricted in part:</strong> "
	                            "The supplier's name is withheld"));
	assert_non_null(strstr(out, PART_NOTICE));
	free(out);
	/* No review date: no "Review date:"; no withheld or reason: still a sentence. */
	struct report_decision d = PART;
	d.review_date = NULL;
	d.withheld = NULL;
	d.restriction_reason = "";
	r.decisions = &d;
	render(&r, REPORT_TEXT, &out);
	assert_non_null(
	    strstr(out, "\n\nRestricted in part: Some of this decision is withheld.\n"));
	free(out);
}

static void test_restricted_fully(void **state)
{
	(void)state;
	struct report_decision d = {
	    .ref = "2024/23",
	    .title = "Estate disposal",
	    .text = "SECRET wording",
	    .justification = "SECRET reasons",
	    .restriction = "full",
	    .restriction_reason = "security",
	    .review_date = "2026-01-31",
	    .decided_on = "2024-05-01",
	};
	struct report r = {.decisions = &d, .n = 1};
	char *out;
	render(&r, REPORT_TEXT, &out);
	assert_string_equal(out, "Decision:\n\nEstate disposal\n\nRestricted: this decision is not "
	                         "published (security). Review date: 31 January 2026.\n");
	free(out);
	const enum report_format fs[] = {REPORT_TEXT, REPORT_MARKDOWN, REPORT_HTML};
	for (size_t i = 0; i < 3; i++) {
		render(&r, fs[i], &out);
		if (strstr(out, "SECRET") != NULL || strstr(out, "ustification") != NULL)
			fail_msg("format %zu shows what a full restriction hides:\n%s", i, out);
		assert_non_null(strstr(out, "Restricted:"));
		assert_non_null(strstr(out, "Estate disposal"));
		assert_non_null(strstr(out, "31 January 2026"));
		free(out);
	}
}

/* ---- Markdown ---- */

static void test_markdown(void **state)
{
	(void)state;
	const struct report_decision d[] = {
	    {.ref = "A_1",
	     .title = "Cost *and* value_1",
	     .text = "Use [this] <b>x</b> # `code` & &amp; \\ here\n1. not a list\n"
	             "   + not a list\n==",
	     .justification = "Intro:\n- first *item*\n- 2) second\n\n-- dash",
	     .decided_on = "2015-09-01",
	     .decision_maker = "pcc"},
	    {.text = "Plain."},
	};
	struct report r = {.from = "A & B",
	                   .to = "Panel",
	                   .subject = "Key #1",
	                   .title = "T",
	                   .item_code = "C1",
	                   .meeting_date = "2015-09-22",
	                   .decisions = d,
	                   .n = 2};
	char *out;
	render(&r, REPORT_MARKDOWN, &out);
	assert_string_equal(out,
	                    "# Key \\#1\n\n"
	                    "**From:** A & B  \n**To:** Panel  \n"
	                    "**Item & Date:** Item C1 22 September 2015\n\n"
	                    "T\n\n"
	                    "## Cost \\*and\\* value\\_1 (A\\_1)\n\n"
	                    "Decided on 1 September 2015 by the Police and Crime Commissioner.\n\n"
	                    "**Decision:**\n\n"
	                    "Use \\[this\\] \\<b\\>x\\</b\\> \\# \\`code\\` & \\&amp; \\\\ here  \n"
	                    "1\\. not a list  \n\\+ not a list  \n\\==\n\n"
	                    "**Justification:**\n\n"
	                    "Intro:\n\n- first \\*item\\*\n- 2\\) second\n\n\\-- dash\n\n"
	                    "## Decision 2\n\n**Decision:**\n\nPlain.\n");
	free(out);
	struct report empty = {0};
	render(&empty, REPORT_MARKDOWN, &out);
	assert_string_equal(out, "# Key decisions\n\nNo decisions.\n");
	free(out);
}

/* ---- HTML ---- */

struct parse_errors {
	int bad;
	char first[256];
};

/* libxml2's parser is HTML 4: it names HTML 5's landmarks unknown, and that alone is allowed. */
static void on_parse_error(void *ctx, xmlErrorPtr e)
{
	struct parse_errors *pe = ctx;
	const char *m = e->message ? e->message : "";
	if (e->code == XML_HTML_UNKNOWN_TAG &&
	    (strstr(m, "Tag header ") || strstr(m, "Tag main ") || strstr(m, "Tag article ")))
		return;
	if (pe->bad++ == 0)
		snprintf(pe->first, sizeof pe->first, "line %d: %s", e->line, m);
}

static size_t count(const char *s, const char *what)
{
	size_t n = 0, at = 0;
	for (const char *p; (p = strstr(s + at, what)) != NULL; n++)
		at = (size_t)(p - s) + 1;
	return n;
}

static int in_page(void *ctx, enum text_block kind, const char *s, size_t n, int f, int l)
{
	(void)kind, (void)f, (void)l;
	char *want = strndup(s, n);
	assert_non_null(want);
	if (strstr(ctx, want) == NULL)
		fail_msg("not in the page: %s", want);
	free(want);
	return 0;
}

static void test_html(void **state)
{
	(void)state;
	struct seed s;
	seed_load(&s, "report-2015-09-c1.txt");
	struct report_decision d[4];
	memcpy(d, s.d, sizeof d[0] * 3);
	d[0].title = "Body worn <cameras> & more";
	d[3] = PART;
	struct report r = report_2015(&s);
	r.decisions = d;
	r.n = 4;
	char *out;
	render(&r, REPORT_HTML, &out);
	assert_int_equal(strncmp(out, "<!DOCTYPE html>\n<html lang=\"en-GB\">", 35), 0);
	assert_non_null(strstr(out, "<meta charset=\"utf-8\">"));
	assert_non_null(strstr(out, "content=\"width=device-width, initial-scale=1\""));
	assert_non_null(strstr(out, "Body worn &lt;cameras&gt; &amp; more"));
	assert_int_equal(count(out, "<style"), 1);
	assert_int_equal(count(out, "<article"), 4);
	assert_int_equal(count(out, "<h2>"), 4);
	const char *css[] = {"max-width: 42em", "line-height: 1.5", "@media print {",
	                     "@page { size: A4; margin: 20mm; }", "break-after: avoid"};
	for (size_t i = 0; i < sizeof css / sizeof css[0]; i++)
		if (strstr(out, css[i]) == NULL)
			fail_msg("the style lacks %s", css[i]);
	const char *banned[] = {"<script", "<link", "src=", "http", "<img", "url(", "@import"};
	for (size_t i = 0; i < sizeof banned / sizeof banned[0]; i++)
		if (strstr(out, banned[i]) != NULL)
			fail_msg("the page holds %s", banned[i]);

	struct parse_errors pe = {0};
	xmlSetStructuredErrorFunc(&pe, on_parse_error);
	htmlDocPtr doc = htmlReadMemory(out, (int)strlen(out), NULL, "UTF-8", HTML_PARSE_NONET);
	xmlSetStructuredErrorFunc(NULL, NULL);
	assert_non_null(doc);
	if (pe.bad != 0)
		fail_msg("%d parse errors, first %s", pe.bad, pe.first);
	xmlChar *lang = xmlGetProp(xmlDocGetRootElement(doc), (const xmlChar *)"lang");
	assert_string_equal((char *)lang, "en-GB");
	xmlFree(lang);
	char *page = (char *)xmlNodeGetContent(xmlDocGetRootElement(doc));
	assert_non_null(page);
	for (size_t i = 0; i < r.n; i++) {
		text_blocks(d[i].text, in_page, page);
		text_blocks(d[i].justification, in_page, page);
	}
	assert_non_null(strstr(page, "Decision 1: Body worn <cameras> & more"));
	assert_non_null(strstr(page, "Item C1 22 September 2015"));
	assert_non_null(strstr(page, SUBJECT_2015));
	assert_non_null(strstr(page, "Restricted in part: The supplier's name is withheld"));
	xmlFree(page);
	xmlFreeDoc(doc);
	free(out);
	free(s.buf);
	/* Single newlines in a paragraph are line breaks, and a full restriction has no sections.
	 */
	struct report_decision two[] = {{.text = "One line,\nanother."}, PART};
	two[1].restriction = "full";
	struct report small = {.decisions = two, .n = 2};
	render(&small, REPORT_HTML, &out);
	assert_non_null(strstr(out, "<p>One line,<br>another.</p>"));
	assert_int_equal(count(out, "<h3>"), 1);
	assert_null(strstr(out, "Published wording"));
	free(out);
}

/* ---- refusals ---- */

static void test_refusals(void **state)
{
	(void)state;
	char *out = NULL;
	size_t len = 0;
	struct report_decision d = {.text = "x"};
	struct report r = {.meeting_date = "2015-02-30", .decisions = &d, .n = 1};
	for (int f = REPORT_TEXT; f <= REPORT_HTML; f++)
		assert_int_equal(report_render(&r, (enum report_format)f, &out, &len),
		                 -DOCKET_EINVAL);
	r.meeting_date = NULL;
	assert_int_equal(report_render(&r, REPORT_TEXT, &out, &len), 0);
	free(out);
	d.review_date = "x";
	assert_int_equal(report_render(&r, REPORT_TEXT, &out, &len), -DOCKET_EINVAL);
	d.review_date = NULL;
	d.restriction = "secret";
	assert_int_equal(report_render(&r, REPORT_HTML, &out, &len), -DOCKET_EINVAL);
	d.restriction = NULL;
	d.text = "bad \xff byte";
	assert_int_equal(report_render(&r, REPORT_TEXT, &out, &len), -DOCKET_EINVAL);
	d.text = "x";
	assert_int_equal(report_render(&r, (enum report_format)7, &out, &len), -DOCKET_EINVAL);
	assert_int_equal(report_render(&r, REPORT_TEXT, NULL, &len), -DOCKET_EINVAL);
	r.decisions = NULL;
	assert_int_equal(report_render(&r, REPORT_TEXT, &out, &len), -DOCKET_EINVAL);
}

/* ---- text_long_date and text_blocks ---- */

static void test_long_date(void **state)
{
	(void)state;
	char s[TEXT_DATE_LEN];
	assert_int_equal(text_long_date("2015-09-22", s), 0);
	assert_string_equal(s, "22 September 2015");
	assert_int_equal(text_long_date("2015-09-01", s), 0);
	assert_string_equal(s, "1 September 2015");
	assert_int_equal(text_long_date("2016-02-29", s), 0);
	assert_string_equal(s, "29 February 2016");
	const char *bad[] = {"2015-02-30", "x", "2015-9-22", "2015-09-22x", "2015-13-01", ""};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (text_long_date(bad[i], s) != -1)
			fail_msg("took %s", bad[i]);
	assert_int_equal(text_long_date(NULL, s), -1);
}

/* Blocks written out as "P[text]" and "L<first><last>[text]", one a line. */
static int record(void *ctx, enum text_block kind, const char *s, size_t n, int first, int last)
{
	char *log = ctx;
	size_t at = strlen(log);
	if (kind == TEXT_PARAGRAPH)
		snprintf(log + at, 1024 - at, "P[%.*s]\n", (int)n, s);
	else
		snprintf(log + at, 1024 - at, "L%d%d[%.*s]\n", first, last, (int)n, s);
	return 0;
}

static int stop_after_one(void *ctx, enum text_block kind, const char *s, size_t n, int f, int l)
{
	(void)kind, (void)s, (void)n, (void)f, (void)l;
	++*(int *)ctx;
	return -DOCKET_EINVAL;
}

static void test_blocks(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
	    {"One.\n\n\nTwo\nstill two  \n \n\t\nThree.",
	     "P[One.]\nP[Two\nstill two]\nP[Three.]\n"},
	    {"Intro:\n- a\n- b;  \nAfter.", "P[Intro:]\nL10[a]\nL01[b;]\nP[After.]\n"},
	    {"- only\n", "L11[only]\n"},
	    {"- a\n\n- b\n- c", "L11[a]\nL10[b]\nL01[c]\n"},
	    {"-not an item\n- item", "P[-not an item]\nL11[item]\n"},
	    {"a\r\n\r\nb\r\n", "P[a]\nP[b]\n"},
	    {"\n  \n", ""},
	    {"", ""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char log[1024] = "";
		assert_int_equal(text_blocks(cases[i][0], record, log), 0);
		if (strcmp(log, cases[i][1]) != 0)
			fail_msg("case %zu gave\n%s", i, log);
	}
	int calls = 0;
	assert_int_equal(text_blocks("a\n\nb\n\n- c", stop_after_one, &calls), -DOCKET_EINVAL);
	assert_int_equal(calls, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip_2015),
	    cmocka_unit_test(test_round_trip_2014),
	    cmocka_unit_test(test_round_trip_catches_change),
	    cmocka_unit_test(test_text_layout),
	    cmocka_unit_test(test_restricted_in_part),
	    cmocka_unit_test(test_restricted_fully),
	    cmocka_unit_test(test_markdown),
	    cmocka_unit_test(test_html),
	    cmocka_unit_test(test_refusals),
	    cmocka_unit_test(test_long_date),
	    cmocka_unit_test(test_blocks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
