/* import: the panel report and register parsers against the seed reports and awkward registers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "docket/error.h"
#include "import.h"
#include "import_field.h"

/* ---- Helpers ---- */

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	size_t cap = 4096, n = 0, k;
	char *buf = malloc(cap);
	assert_non_null(buf);
	while ((k = fread(buf + n, 1, cap - n, f)) > 0) {
		n += k;
		if (n == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
	}
	fclose(f);
	*len = n;
	return buf;
}

static int parse_file(const char *path, struct import_doc *doc, struct import_error *e)
{
	size_t len;
	char *buf = slurp(path, &len);
	int rc = import_parse(buf, len, doc, e);
	free(buf);
	return rc;
}

static int parse_str(const char *s, struct import_doc *doc, struct import_error *e)
{
	return import_parse(s, strlen(s), doc, e);
}

/* Parse a document that must be read, failing with the parser's message otherwise. */
static void must_parse(const char *s, size_t len, struct import_doc *doc)
{
	struct import_error e;
	int rc = import_parse(s, len, doc, &e);
	if (rc)
		fail_msg("refused (%d) at line %u: %s", rc, e.line, e.message);
}

static void must_parse_file(const char *path, struct import_doc *doc)
{
	size_t len;
	char *buf = slurp(path, &len);
	must_parse(buf, len, doc);
	free(buf);
}

#define assert_str(got, want)                                                                      \
	do {                                                                                       \
		const char *got_ = (got);                                                          \
		if (!got_)                                                                         \
			fail_msg("%s is NULL, expected \"%s\"", #got, (want));                     \
		assert_string_equal(got_, (want));                                                 \
	} while (0)

/* The document must be refused on line, with a message containing what. */
static void assert_refused(int rc, const struct import_doc *doc, const struct import_error *e,
                           unsigned line, const char *what)
{
	if (rc != -DOCKET_EBADREQ)
		fail_msg("expected -DOCKET_EBADREQ, got %d (%u decisions)", rc, (unsigned)doc->n);
	if (e->line != line || !strstr(e->message, what))
		fail_msg("expected line %u '%s', got line %u '%s'", line, what, e->line,
		         e->message);
	/* A refused document holds nothing. */
	assert_int_equal(doc->n, 0);
	assert_null(doc->decisions);
	assert_null(doc->title);
	assert_null(doc->from);
	assert_null(doc->period_start);
}

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

/* ---- The seed reports ---- */

static void test_seed_2015_09(void **state)
{
	(void)state;
	struct import_doc doc;
	must_parse_file(FIXTURES "/seeds/report-2015-09-c1.txt", &doc);
	assert_int_equal(doc.format, IMPORT_REPORT);
	assert_str(doc.from, "Ann Barnes, Kent Police and Crime Commissioner");
	assert_str(doc.to, "Kent and Medway Police and Crime Panel");
	assert_str(doc.subject,
	           "Commissioner's Key Decisions \xE2\x80\x93 July, August & September 2015");
	assert_str(doc.item_code, "C1");
	assert_str(doc.meeting_date, "2015-09-22");
	assert_null(doc.title);
	assert_str(doc.period_start, "2015-07-01");
	assert_str(doc.period_end, "2015-09-30");
	assert_int_equal(doc.n, 3);

	const struct import_decision *d = &doc.decisions[0];
	assert_int_equal(d->line, 11);
	assert_str(d->text, "The Commissioner has endorsed the wide scale roll out of body worn "
	                    "cameras for frontline police officers.");
	assert_str(d->justification,
	           "The Commissioner is responsible for securing value for money and the use of "
	           "technology can assist with improving police efficiency and effectiveness.\n"
	           "\n"
	           "Following a successful trial of body worn cameras, the Chief Constable "
	           "submitted a business case to justify a broader roll out which the "
	           "Commissioner has endorsed. This is at a cost of \xC2\xA3"
	           "1.8m from approved capital resources. The benefits of body worn cameras "
	           "include:\n"
	           "\n"
	           "- enhanced contemporaneous evidence capture;\n"
	           "- early guilty pleas and admissions;\n"
	           "- more appropriate sentencing;\n"
	           "- reduction in malicious complaints; and\n"
	           "- reduction in bureaucracy throughout the criminal justice process.");
	/* 104 characters without its full stop: cut at a word, under 100 with the ellipsis. */
	assert_str(d->title, "The Commissioner has endorsed the wide scale roll out of body worn "
	                     "cameras for frontline police\xE2\x80\xA6");
	assert_null(d->ref);
	assert_null(d->decision_maker);
	assert_null(d->decided_on);
	assert_null(d->restriction_reason);

	assert_int_equal(doc.decisions[1].line, 27);
	assert_str(doc.decisions[1].text,
	           "The Commissioner has approved a major invest to save programme to provide a "
	           "fit for purpose modern IT platform in collaboration with Essex. The total "
	           "investment for Kent is \xC2\xA3"
	           "4.2m as part of approved capital funds, with an anticipated pay back of "
	           "three years.");
	/* The last decision ends the file, which has no final line end. */
	d = &doc.decisions[2];
	assert_int_equal(d->line, 35);
	assert_str(d->title, "The Commissioner will be hosting a Business Crime Conference on "
	                     "Thursday 19 November 2015");
	assert_non_null(d->justification);
	const char *tail = "national fraud and organised crime gangs.";
	assert_str(d->justification + strlen(d->justification) - strlen(tail), tail);
	for (size_t i = 0; i < doc.n; i++)
		assert_true(utf8_chars(doc.decisions[i].title) <= 100);
	import_doc_free(&doc);
	assert_int_equal(doc.n, 0);
	assert_null(doc.decisions);
}

static void test_seed_2014_05(void **state)
{
	(void)state;
	struct import_doc doc;
	must_parse_file(FIXTURES "/seeds/report-2014-05.txt", &doc);
	assert_int_equal(doc.format, IMPORT_REPORT);
	assert_str(doc.title, "Commissioner's Key Decision \xE2\x80\x93 May 2014");
	assert_null(doc.from);
	assert_null(doc.to);
	assert_null(doc.subject);
	assert_null(doc.item_code);
	assert_null(doc.meeting_date);
	assert_str(doc.period_start, "2014-05-01");
	assert_str(doc.period_end, "2014-05-31");
	assert_int_equal(doc.n, 3);
	assert_int_equal(doc.decisions[0].line, 5);
	assert_int_equal(doc.decisions[1].line, 13);
	assert_int_equal(doc.decisions[2].line, 21);
	assert_str(doc.decisions[0].text,
	           "Decision to establish collaborative arrangements for regional units with the "
	           "Police and Crime Commissioners and Chief Constables in Hampshire, Kent, "
	           "Surrey, Sussex and Thames Valley.");
	/* The stray quote is what the document says: kept. */
	const char *j = doc.decisions[1].justification;
	assert_non_null(j);
	const char *tail =
	    "in conjunction with partners including the Kent Criminal Justice board\"";
	assert_true(strlen(j) > strlen(tail));
	assert_str(j + strlen(j) - strlen(tail), tail);
	assert_str(doc.decisions[2].title,
	           "Decision to establish a 'People's Board' as a subset of the Governance Board "
	           "to review and\xE2\x80\xA6");
	assert_str(doc.decisions[2].justification,
	           "As part of the broader duty on the Commissioner to hold the force to account "
	           "and to ensure that Kent Police's mission, vision and values are being truly "
	           "ingrained within the workforce.");
	import_doc_free(&doc);
}

/* ---- Reports written for the tests ---- */

static void test_report_header_variants(void **state)
{
	(void)state;
	static const struct {
		const char *header, *code, *date;
	} cases[] = {
	    {"Item & Date: Item C1 22 September 2015", "C1", "2015-09-22"},
	    {"Item and Date:  Item C1, 22nd September 2015", "C1", "2015-09-22"},
	    {"ITEM/DATE : Item C1 \xE2\x80\x93 22 September 2015", "C1", "2015-09-22"},
	    {"Item & Date: Item B4 Tuesday 2 February 2016", "B4", "2016-02-02"},
	    {"Item & Date: Item 7", "7", NULL},
	    {"Item & Date: 22/09/2015", NULL, "2015-09-22"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char buf[512];
		struct import_doc doc;
		snprintf(buf, sizeof buf,
		         "Subject: Key Decisions \xE2\x80\x93 April 2014 \xE2\x80\x93 March 2015\n"
		         "%s\n\nDecision: The Commissioner approved it.\n",
		         cases[i].header);
		must_parse(buf, strlen(buf), &doc);
		if (cases[i].code)
			assert_str(doc.item_code, cases[i].code);
		else
			assert_null(doc.item_code);
		if (cases[i].date)
			assert_str(doc.meeting_date, cases[i].date);
		else
			assert_null(doc.meeting_date);
		assert_str(doc.period_start, "2014-04-01");
		assert_str(doc.period_end, "2015-03-31");
		assert_int_equal(doc.n, 1);
		/* Text on the label's own line is the value; the full stop leaves the title. */
		assert_str(doc.decisions[0].text, "The Commissioner approved it.");
		assert_str(doc.decisions[0].title, "The Commissioner approved it");
		assert_null(doc.decisions[0].justification);
		import_doc_free(&doc);
	}
}

static void test_report_layout(void **state)
{
	(void)state;
	struct import_doc doc;
	const char *s = "Commissioner's Key Decisions \xE2\x80\x93 November, December & January "
	                "2016\n"
	                "\n"
	                "Decision:   \n"
	                "\n"
	                "\n"
	                "The Commissioner approved:   \n"
	                "- a new contact centre;\n"
	                "  - with an indented sub-point;\n"
	                "\n"
	                "\n"
	                "\n"
	                "- and a second paragraph.\n"
	                "\n"
	                "Justification:\n"
	                "\n"
	                "\n"
	                "Decision: The Commissioner agreed e.g. more patrols. And fewer forms.\n"
	                "Justification: Demand.\n"
	                "   \n";
	must_parse(s, strlen(s), &doc);
	assert_str(doc.period_start, "2015-11-01");
	assert_str(doc.period_end, "2016-01-31");
	assert_int_equal(doc.n, 2);
	assert_int_equal(doc.decisions[0].line, 3);
	assert_str(doc.decisions[0].text, "The Commissioner approved:\n"
	                                  "- a new contact centre;\n"
	                                  "  - with an indented sub-point;\n"
	                                  "\n"
	                                  "- and a second paragraph.");
	/* 103 characters on one line: cut before "paragraph". */
	assert_str(doc.decisions[0].title,
	           "The Commissioner approved: - a new contact centre; - "
	           "with an indented sub-point; - and a second\xE2\x80\xA6");
	/* An empty justification is no justification. */
	assert_null(doc.decisions[0].justification);
	assert_int_equal(doc.decisions[1].line, 17);
	assert_str(doc.decisions[1].title, "The Commissioner agreed e.g. more patrols");
	assert_str(doc.decisions[1].justification, "Demand.");
	import_doc_free(&doc);
}

static void test_report_errors(void **state)
{
	(void)state;
	static const struct {
		const char *doc;
		unsigned line;
		const char *what;
	} cases[] = {
	    {"Key Decisions \xE2\x80\x93 May 2014\nA second line\nDecision: x\n", 2,
	     "expected 'Decision:' after the title on line 1, found 'A second line'"},
	    {"\n\nDecision:\n\n\nJustification: y\n", 3,
	     "expected the decision's wording after 'Decision:'"},
	    {"Decision: x\n\nDecision:\n", 3, "expected the decision's wording"},
	    {"Decision: x\nJustification: y\nJustification: z\n", 3,
	     "expected 'Decision:' before a second 'Justification:'"},
	    {"Key Decisions\n\nNothing was decided this quarter.\n", 3, "expected 'Decision:'"},
	    {"Key Decisions\n\nFrom: Ann Barnes\n", 0, "no 'Decision:' found"},
	    {"From: A\nFrom: B\nDecision: x\n", 2, "expected one 'From:' line"},
	    {"Item & Date: Item C1 31 September 2015\nDecision: x\n", 1,
	     "expected a date that exists"},
	    {"Item & Date: Item C1 some time in September\nDecision: x\n", 1,
	     "expected a date such as"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct import_doc doc;
		struct import_error e;
		int rc = parse_str(cases[i].doc, &doc, &e);
		assert_refused(rc, &doc, &e, cases[i].line, cases[i].what);
	}
}

static void test_justification_first(void **state)
{
	(void)state;
	struct import_doc doc;
	struct import_error e;
	int rc = parse_file(FIXTURES "/import/error-justification-first.txt", &doc, &e);
	assert_refused(rc, &doc, &e, 5, "expected 'Decision:' before 'Justification:'");
}

/* ---- Registers ---- */

static void test_register_labels(void **state)
{
	(void)state;
	struct import_doc doc;
	must_parse_file(FIXTURES "/import/register-labels.txt", &doc);
	assert_int_equal(doc.format, IMPORT_REGISTER);
	assert_str(doc.title, "Office of the Police and Crime Commissioner \xE2\x80\x93 Decisions "
	                      "Register 2024/25");
	assert_int_equal(doc.n, 4);

	const struct import_decision *d = &doc.decisions[0];
	assert_int_equal(d->line, 3);
	assert_str(d->ref, "2024/22");
	assert_str(d->title, "Body worn cameras");
	/* Continuation lines lose their indent; a sentence with a colon is no label. */
	assert_str(d->text, "The PCC approved the replacement of 1,200 body worn cameras for\n"
	                    "frontline officers, at a cost of \xC2\xA3"
	                    "640,000 from the capital programme.\n"
	                    "The benefits include: better evidence and fewer complaints.");
	assert_str(d->decided_on, "2024-09-19");
	assert_str(d->decision_maker, "pcc");
	assert_null(d->restriction_reason);
	assert_null(d->justification);

	d = &doc.decisions[1];
	assert_int_equal(d->line, 12);
	assert_str(d->ref, "2024/23");
	assert_str(d->title, "Custody healthcare contract");
	assert_str(d->text,
	           "The PCC and the Chief Constable jointly awarded the custody healthcare\n"
	           "contract to Mitie Care & Custody for three years.\n"
	           "\n"
	           "The contract includes an option to extend by two years.");
	/* The justification ends at "Cost:", a label we do not read. */
	assert_str(d->justification, "The current contract ends on 31 March 2025 and the\n"
	                             "service must continue without a break.");
	assert_str(d->decided_on, "2018-07-05");
	assert_str(d->decision_maker, "pcc_and_chief_constable");
	assert_str(d->restriction_reason, "Restricted \xE2\x80\x93 commercially sensitive");

	d = &doc.decisions[2];
	assert_int_equal(d->line, 28);
	assert_str(d->decided_on, "2018-07-05");
	assert_str(d->decision_maker, "deputy_pcc");
	assert_null(d->restriction_reason);
	assert_str(d->text, "The Deputy PCC agreed to fund two further rural crime\n"
	                    "officers for 2024/25.");

	d = &doc.decisions[3];
	assert_int_equal(d->line, 36);
	assert_str(d->title, "Treasury management strategy");
	assert_str(d->text, "The Chief Finance Officer approved the treasury management\n"
	                    "strategy for 2024/25.");
	assert_str(d->decided_on, "2024-10-02");
	assert_str(d->decision_maker, "chief_finance_officer");
	assert_str(d->restriction_reason, "Part exempt: personal data");
	import_doc_free(&doc);
}

static void test_register_bare_titles(void **state)
{
	(void)state;
	struct import_doc doc;
	/* A byte order mark, CRLF line ends and quotes around values. */
	must_parse_file(FIXTURES "/import/register-bare-titles.txt", &doc);
	assert_int_equal(doc.format, IMPORT_REGISTER);
	assert_str(doc.title, "Decisions register \xE2\x80\x93 April to September 2024");
	assert_str(doc.period_start, "2024-04-01");
	assert_str(doc.period_end, "2024-09-30");
	assert_int_equal(doc.n, 3);

	const struct import_decision *d = &doc.decisions[0];
	assert_int_equal(d->line, 4);
	assert_str(d->title, "Body worn cameras");
	assert_str(d->ref, "2024/22");
	assert_str(d->text, "The PCC approved the replacement of body worn cameras.\n"
	                    "The cameras will be issued to all frontline officers.");
	assert_str(d->decided_on, "2024-09-19");
	assert_str(d->decision_maker, "pcc");
	assert_null(d->restriction_reason);

	/* No ref, no date, an empty maker; a blank line inside the decision. */
	d = &doc.decisions[1];
	assert_int_equal(d->line, 12);
	assert_null(d->ref);
	assert_str(d->title, "Custody healthcare contract");
	assert_str(d->text, "The PCC awarded the custody healthcare contract.\n"
	                    "\n"
	                    "It runs for three years from 1 April 2025.");
	assert_str(d->justification, "The current contract ends in March 2025.");
	assert_null(d->decision_maker);
	assert_null(d->decided_on);
	assert_null(d->restriction_reason);

	d = &doc.decisions[2];
	assert_int_equal(d->line, 20);
	assert_str(d->title, "Estates strategy");
	assert_str(d->ref, "2024/27");
	/* Quotes inside long text are the document's own. */
	assert_str(d->text, "The PCC adopted the estates strategy, \"subject to consultation\".");
	assert_str(d->decided_on, "2024-10-01");
	assert_str(d->decision_maker, "pcc");
	assert_str(d->restriction_reason, "Confidential");
	import_doc_free(&doc);
}

static void test_register_variants(void **state)
{
	(void)state;
	struct import_doc doc;
	must_parse_file(FIXTURES "/import/register-variants.txt", &doc);
	assert_int_equal(doc.n, 3);
	assert_str(doc.title, "ANYSHIRE OPCC");
	assert_null(doc.period_start);

	const struct import_decision *d = &doc.decisions[0];
	assert_int_equal(d->line, 4);
	assert_str(d->ref, "PCC/001/2023");
	/* A one-line field running over two lines is joined with a space. */
	assert_str(d->title, "Collaboration agreement for the regional organised crime unit");
	assert_str(d->decision_maker, "pcc");
	assert_str(d->decided_on, "2023-10-03");
	assert_str(d->justification, "Collaboration gives greater resilience.");
	assert_null(d->restriction_reason);

	d = &doc.decisions[1];
	assert_int_equal(d->line, 13);
	/* No title: made from the first sentence. */
	assert_str(d->title,
	           "The Commissioner approved the 2023/24 grant to the Anyshire Victims' Hub");
	/* "Lead Officer:" is a label we do not read: it ends the decision. */
	assert_str(d->text, "The Commissioner approved the 2023/24 grant to the Anyshire "
	                    "Victims' Hub. The grant is \xC2\xA3"
	                    "120,000.");
	assert_str(d->decided_on, "2023-10-19");
	assert_str(d->decision_maker, "chief_executive");

	d = &doc.decisions[2];
	assert_int_equal(d->line, 20);
	/* A bare line under a ref is the block's title. */
	assert_str(d->ref, "PCC/003/2023");
	assert_str(d->title, "Collaboration with the Fire and Rescue Service");
	assert_str(d->decided_on, "2023-12-05");
	assert_str(d->decision_maker, "pcc_and_chief_constable");
	assert_null(d->restriction_reason);
	import_doc_free(&doc);
}

static void test_register_inline(void **state)
{
	(void)state;
	struct import_doc doc;
	/* Blocks without refs start at a repeated label; "Decision Maker:" then its value. */
	const char *s = "Issue: First\n"
	                "Key risks: none identified\n"
	                "Decision: Alpha.\n"
	                "Decision Maker:\n"
	                "\n"
	                "PCC (Matthew Scott)\n"
	                "\n"
	                "Issue: Second\n"
	                "Decision:\n"
	                "\n"
	                "Beta.\n"
	                "Key risks: none identified\n"
	                "Date of Decision: 1st Feb 2024\n"
	                "Decision Maker: Matthew Scott, PCC\n"
	                "Notes: typed up later\n"
	                "and checked\n"
	                "Decision: Gamma follows at once.\n"
	                "Decision Maker: The PCC's Chief Finance Officer\n"
	                "Decision Papers: Published (part exempt)\n"
	                "Decision Ref:\n"
	                "  B/2\n"
	                "Decision: Delta.\n";
	must_parse(s, strlen(s), &doc);
	assert_int_equal(doc.n, 4);
	assert_int_equal(doc.decisions[0].line, 1);
	/* Outside prose a two-word label in sentence case is a label, not more title. */
	assert_str(doc.decisions[0].title, "First");
	assert_str(doc.decisions[0].text, "Alpha.");
	assert_str(doc.decisions[0].decision_maker, "pcc");
	assert_int_equal(doc.decisions[1].line, 8);
	assert_null(doc.decisions[1].ref);
	/* Inside prose it is wording, kept. */
	assert_str(doc.decisions[1].text, "Beta.\nKey risks: none identified");
	assert_str(doc.decisions[1].decided_on, "2024-02-01");
	assert_str(doc.decisions[1].decision_maker, "pcc");
	assert_int_equal(doc.decisions[2].line, 17);
	assert_null(doc.decisions[2].ref);
	assert_str(doc.decisions[2].title, "Gamma follows at once");
	assert_str(doc.decisions[2].decision_maker, "chief_finance_officer");
	assert_str(doc.decisions[2].restriction_reason, "Published (part exempt)");
	assert_int_equal(doc.decisions[3].line, 20);
	assert_str(doc.decisions[3].ref, "B/2");
	assert_str(doc.decisions[3].title, "Delta");
	import_doc_free(&doc);
}

static void test_register_errors(void **state)
{
	(void)state;
	static const struct {
		const char *file;
		unsigned line;
		const char *what;
	} files[] = {
	    {FIXTURES "/import/error-bad-date.txt", 11,
	     "expected a date such as '19 September 2024' or '05/07/2018', found 'w/c 14 October "
	     "2024'"},
	    {FIXTURES "/import/error-unknown-maker.txt", 5,
	     "expected a decision maker such as 'PCC', 'DPCC', 'PCC & CC', 'Chief Executive' or "
	     "'CFO', found 'Chief Constable'"},
	    {FIXTURES "/import/error-no-decision.txt", 6,
	     "expected 'Decision:' for '2024/51', found none"},
	    {FIXTURES "/import/error-latin1.txt", 7,
	     "expected UTF-8 text, found the byte 0xA3 at column 14"},
	};
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		struct import_doc doc;
		struct import_error e;
		int rc = parse_file(files[i].file, &doc, &e);
		assert_refused(rc, &doc, &e, files[i].line, files[i].what);
	}
	static const struct {
		const char *doc;
		unsigned line;
		const char *what;
	} cases[] = {
	    {"Decision Ref: 1\nDecision: x\nDate of Decision: 29/02/2023\n", 3,
	     "expected a date that exists, between 2000-01-01 and 2100-12-31, found '29/02/2023'"},
	    {"Decision Ref: 1\nDecision: x\nDate of Decision: 1/1/1999\n", 3,
	     "expected a date that"},
	    {"Decision Ref: 1\nDecision: x\nDate of Decision: 19 September 2024 at 10:00\n", 3,
	     "expected a date such as"},
	    {"Decision Ref: 1\nIssue: A\nDate of Decision: 1/1/2024\nIssue: B\nDecision: x\n", 4,
	     "expected 'Decision:' for '1', found a second 'Issue:'"},
	    {"Decision Ref: 1\nDecision:\nDecision Maker: PCC\n", 2,
	     "expected the decision's wording after 'Decision:'"},
	    {"Decision Ref: 1\nDecision: x\nDecision Maker: PCC\n\nstray words\n", 5,
	     "expected a label such as 'Decision Ref:' or 'Decision:', found 'stray words'"},
	    {"Issue: Only a title\n", 1, "expected 'Decision:' for 'Only a title'"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct import_doc doc;
		struct import_error e;
		int rc = parse_str(cases[i].doc, &doc, &e);
		assert_refused(rc, &doc, &e, cases[i].line, cases[i].what);
	}
}

/* ---- Bytes ---- */

static void test_bytes(void **state)
{
	(void)state;
	static const struct {
		const char *doc;
		size_t len;
		unsigned line;
		const char *what;
	} cases[] = {
#define BYTES(s) s, sizeof(s) - 1
	    {BYTES(""), 0, "no 'Decision:' found"},
	    {BYTES("\n\n  \r\n\t\n"), 0, "no 'Decision:' found"},
	    {BYTES("\xEF\xBB\xBF"), 0, "no 'Decision:' found"},
	    {BYTES("Decision: a\r\nb\0c\n"), 2, "found a NUL byte at column 2"},
	    {BYTES("\xFF\xFE"
	           "D\0e\0"),
	     1, "UTF-16 byte order mark"},
	    {BYTES("Decision:\r\r\rbad \xC0\xAF\n"), 4, "found the byte 0xC0 at column 5"},
	    {BYTES("Decision: \xED\xA0\x80\n"), 1, "found the byte 0xED"},
	    {BYTES("Decision: cut \xE2\x80"), 1, "found the byte 0xE2"},
#undef BYTES
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct import_doc doc;
		struct import_error e;
		int rc = import_parse(cases[i].doc, cases[i].len, &doc, &e);
		assert_refused(rc, &doc, &e, cases[i].line, cases[i].what);
	}
	/* CR alone ends lines too, and no final line end is needed. */
	struct import_doc doc;
	const char *s = "Decision:\r\rFirst line\rsecond line\r\rJustification: Why";
	must_parse(s, strlen(s), &doc);
	assert_int_equal(doc.n, 1);
	assert_str(doc.decisions[0].text, "First line\nsecond line");
	assert_str(doc.decisions[0].justification, "Why");
	import_doc_free(&doc);
	import_doc_free(&doc); /* twice is harmless */
	import_doc_free(NULL);
}

/* ---- The shared pieces ---- */

static void test_dates(void **state)
{
	(void)state;
	static const struct {
		const char *in, *out;
	} good[] = {
	    {"19th September 2024", "2024-09-19"},
	    {"19 Sept 2024", "2024-09-19"},
	    {"19 Sep. 2024", "2024-09-19"},
	    {"Sep 19, 2024", "2024-09-19"},
	    {"September 19th 2024", "2024-09-19"},
	    {"1st of March 2020", "2020-03-01"},
	    {"Thursday, 19 November 2015", "2015-11-19"},
	    {"05/07/2018", "2018-07-05"},
	    {"5/7/18", "2018-07-05"},
	    {"05.07.2018", "2018-07-05"},
	    {"5-7-2018", "2018-07-05"},
	    {"2018-07-05", "2018-07-05"},
	    {"\"19/09/2024\"", "2024-09-19"},
	    {"29/02/2024", "2024-02-29"},
	    {"31 December 2100", "2100-12-31"},
	    {"1/1/2000", "2000-01-01"},
	    {"22nd SEPTEMBER 2015.", "2015-09-22"},
	    {"19 Sep 24", "2024-09-19"},
	};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		char out[DATE_LEN] = "";
		int rc = field_date(good[i].in, strlen(good[i].in), out);
		if (rc != FIELD_DATE_OK || strcmp(out, good[i].out) != 0)
			fail_msg("'%s': rc %d, '%s', expected '%s'", good[i].in, rc, out,
			         good[i].out);
	}
	static const struct {
		const char *in;
		int rc;
	} bad[] = {
	    {"", FIELD_DATE_UNREADABLE},
	    {"TBC", FIELD_DATE_UNREADABLE},
	    {"September 2024", FIELD_DATE_UNREADABLE},
	    {"19/09", FIELD_DATE_UNREADABLE},
	    {"19/09-2024", FIELD_DATE_UNREADABLE},
	    {"2024-9-19 10:00", FIELD_DATE_UNREADABLE},
	    {"19 Septembre 2024", FIELD_DATE_UNREADABLE},
	    {"119/9/2024", FIELD_DATE_UNREADABLE},
	    {"19/9/202", FIELD_DATE_UNREADABLE},
	    {"19th September 2024 (tbc)", FIELD_DATE_UNREADABLE},
	    {"31/04/2024", FIELD_DATE_INVALID},
	    {"29/02/2023", FIELD_DATE_INVALID},
	    {"1 January 2101", FIELD_DATE_INVALID},
	    {"31/12/1999", FIELD_DATE_INVALID},
	    {"0/1/2020", FIELD_DATE_INVALID},
	    {"1/13/2020", FIELD_DATE_INVALID},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char out[DATE_LEN];
		int rc = field_date(bad[i].in, strlen(bad[i].in), out);
		if (rc != bad[i].rc)
			fail_msg("'%s': rc %d, expected %d", bad[i].in, rc, bad[i].rc);
	}
}

static void test_makers(void **state)
{
	(void)state;
	static const struct {
		const char *in, *wire;
	} cases[] = {
	    {"PCC", "pcc"},
	    {"pcc", "pcc"},
	    {"Police and Crime Commissioner", "pcc"},
	    {"Police & Crime  Commissioner", "pcc"},
	    {"Commissioner", "pcc"},
	    {"PCC - Matthew Scott", "pcc"},
	    {"Police and Crime Commissioner for Kent", "pcc"},
	    {"PCC \xE2\x80\x93 Matthew Scott", "pcc"},
	    {"The PCC", "pcc"},
	    {"Matthew Scott (PCC)", "pcc"},
	    {"DPCC", "deputy_pcc"},
	    {"Deputy PCC", "deputy_pcc"},
	    {"Deputy Police and Crime Commissioner", "deputy_pcc"},
	    {"Jane Doe, Deputy PCC", "deputy_pcc"},
	    {"PCC & CC", "pcc_and_chief_constable"},
	    {"PCC and CC", "pcc_and_chief_constable"},
	    {"PCC & Chief Constable", "pcc_and_chief_constable"},
	    {"PCC/CC", "pcc_and_chief_constable"},
	    {"Joint", "pcc_and_chief_constable"},
	    {"Chief Executive", "chief_executive"},
	    {"CEO", "chief_executive"},
	    {"Chief Executive Officer", "chief_executive"},
	    {"OPCC Chief Executive", "chief_executive"},
	    {"CFO", "chief_finance_officer"},
	    {"Chief Finance Officer", "chief_finance_officer"},
	    {"Treasurer", "chief_finance_officer"},
	    {"S151 Officer", "chief_finance_officer"},
	    {"PCC's CFO", "chief_finance_officer"},
	    {"\"PCC\"", "pcc"},
	    {"Chief Constable", NULL},
	    {"Acting Chief Constable", NULL},
	    {"pccx", NULL},
	    {"Commissioner's office", NULL},
	    {"the panel", NULL},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *wire = field_maker(cases[i].in, strlen(cases[i].in));
		if (!cases[i].wire != !wire || (wire && strcmp(wire, cases[i].wire) != 0))
			fail_msg("'%s': got %s, expected %s", cases[i].in, wire ? wire : "NULL",
			         cases[i].wire ? cases[i].wire : "NULL");
	}
}

static void test_restriction(void **state)
{
	(void)state;
	static const char *const open[] = {"",
	                                   "N/A",
	                                   "n/a.",
	                                   "None",
	                                   "Not restricted",
	                                   "-",
	                                   "\xE2\x80\x93",
	                                   "Published",
	                                   "Decision paper published",
	                                   "Open",
	                                   "Public",
	                                   "\"None\"",
	                                   "Published on the website",
	                                   "No"};
	static const char *const restricted[] = {"Restricted \xE2\x80\x93 commercially sensitive",
	                                         "Part exempt: personal data",
	                                         "Confidential",
	                                         "Published with redactions",
	                                         "Open except appendix B",
	                                         "Exempt under paragraph 3"};
	for (size_t i = 0; i < sizeof open / sizeof open[0]; i++)
		if (!field_unrestricted(open[i], strlen(open[i])))
			fail_msg("'%s' read as restricted", open[i]);
	for (size_t i = 0; i < sizeof restricted / sizeof restricted[0]; i++)
		if (field_unrestricted(restricted[i], strlen(restricted[i])))
			fail_msg("'%s' read as not restricted", restricted[i]);
}

static void test_titles(void **state)
{
	(void)state;
	static const struct {
		const char *text, *title;
	} cases[] = {
	    {"Short.", "Short"},
	    {"Two sentences. Only the first.", "Two sentences"},
	    {"Over\ntwo lines.\n\nAnd a paragraph.", "Over two lines"},
	    {"Mr. Smith and Dr. Jones met J. Bloggs. Then left.",
	     "Mr. Smith and Dr. Jones met J. Bloggs"},
	    {"A cost of \xC2\xA3"
	     "1.8m. Then more.",
	     "A cost of \xC2\xA3"
	     "1.8m"},
	    {"Open 9 a.m. to 5 p.m. daily. Closed Sundays.", "Open 9 a.m. to 5 p.m. daily"},
	    {"A cost of \xC2\xA3"
	     "1.8m was agreed",
	     "A cost of \xC2\xA3"
	     "1.8m was agreed"},
	    {"...", "..."},
	    {"x", "x"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *t = field_title(cases[i].text);
		assert_non_null(t);
		assert_string_equal(t, cases[i].title);
		free(t);
	}
	/* 150 characters without a space: cut at 99 and the ellipsis. */
	char word[151];
	memset(word, 'w', 150);
	word[150] = '\0';
	char *t = field_title(word);
	assert_int_equal(utf8_chars(t), 100);
	assert_int_equal(strlen(t), 99 + 3);
	assert_memory_equal(t + 99, "\xE2\x80\xA6", 3);
	free(t);
	/* Multi-byte characters: 100 characters, not 100 bytes, and cut at a word. */
	char text[1024] = "";
	for (int i = 0; i < 40; i++)
		strcat(text, "\xC2\xA3"
		             "12, ");
	t = field_title(text);
	assert_true(utf8_chars(t) <= 100);
	assert_true(utf8_chars(t) >= 90);
	/* The comma before the cut goes with it. */
	const char *end = "\xC2\xA3"
	                  "12\xE2\x80\xA6";
	assert_string_equal(t + strlen(t) - strlen(end), end);
	free(t);
}

static void test_periods(void **state)
{
	(void)state;
	static const struct {
		const char *in, *start, *end;
	} cases[] = {
	    {"Key Decisions \xE2\x80\x93 July, August & September 2015", "2015-07-01",
	     "2015-09-30"},
	    {"Key Decision \xE2\x80\x93 May 2014", "2014-05-01", "2014-05-31"},
	    {"Decisions February 2016", "2016-02-01", "2016-02-29"},
	    {"Decisions April 2014 \xE2\x80\x93 March 2015", "2014-04-01", "2015-03-31"},
	    {"Decisions October to December 2020", "2020-10-01", "2020-12-31"},
	    {"December & January 2016", "2015-12-01", "2016-01-31"},
	    {"Key Decisions 2015", NULL, NULL},
	    {"May 2014 key decisions", NULL, NULL},
	    {"Decisions May 1999", NULL, NULL},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct import_doc doc;
		memset(&doc, 0, sizeof doc);
		assert_int_equal(field_period(cases[i].in, &doc), 0);
		if (cases[i].start) {
			assert_str(doc.period_start, cases[i].start);
			assert_str(doc.period_end, cases[i].end);
		} else if (doc.period_start) {
			fail_msg("'%s': found a period %s", cases[i].in, doc.period_start);
		}
		import_doc_free(&doc);
	}
}

/* ---- Size ---- */

static void test_many_decisions(void **state)
{
	(void)state;
	enum { N = 10000 };
	size_t cap = (size_t)N * 200, len = 0;
	char *buf = malloc(cap);
	assert_non_null(buf);
	for (int i = 0; i < N; i++)
		len += (size_t)snprintf(buf + len, cap - len,
		                        "Decision Ref: %d\nIssue: Item %d\nDecision: Approved %d.\n"
		                        "Date of Decision: %d/1/2024\nDecision Maker: PCC\n\n",
		                        i, i, i, i % 28 + 1);
	struct import_doc doc;
	must_parse(buf, len, &doc);
	assert_int_equal(doc.n, N);
	assert_int_equal(doc.decisions[N - 1].line, (N - 1) * 6 + 1);
	assert_str(doc.decisions[N - 1].ref, "9999");
	assert_str(doc.decisions[N - 1].decided_on, "2024-01-04");
	import_doc_free(&doc);

	len = 0;
	for (int i = 0; i < N; i++)
		len += (size_t)snprintf(buf + len, cap - len,
		                        "Decision:\n\nNumber %d.\n\nJustification:\n\nWhy %d.\n\n",
		                        i, i);
	must_parse(buf, len, &doc);
	assert_int_equal(doc.format, IMPORT_REPORT);
	assert_int_equal(doc.n, N);
	assert_str(doc.decisions[N - 1].text, "Number 9999.");
	assert_int_equal(doc.decisions[N - 1].line, (N - 1) * 8 + 1);
	import_doc_free(&doc);
	free(buf);
}

static void test_long_line(void **state)
{
	(void)state;
	size_t n = 1 << 20;
	char *buf = malloc(n + 64);
	assert_non_null(buf);
	strcpy(buf, "Decision: ");
	size_t len = strlen(buf);
	for (size_t i = 0; i < n; i++)
		buf[len++] = i % 7 == 6 ? ' ' : 'a';
	struct import_doc doc;
	must_parse(buf, len, &doc);
	assert_int_equal(doc.n, 1);
	assert_int_equal(strlen(doc.decisions[0].text), n);
	assert_true(utf8_chars(doc.decisions[0].title) <= 100);
	import_doc_free(&doc);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_seed_2015_09),
	    cmocka_unit_test(test_seed_2014_05),
	    cmocka_unit_test(test_report_header_variants),
	    cmocka_unit_test(test_report_layout),
	    cmocka_unit_test(test_report_errors),
	    cmocka_unit_test(test_justification_first),
	    cmocka_unit_test(test_register_labels),
	    cmocka_unit_test(test_register_bare_titles),
	    cmocka_unit_test(test_register_variants),
	    cmocka_unit_test(test_register_inline),
	    cmocka_unit_test(test_register_errors),
	    cmocka_unit_test(test_bytes),
	    cmocka_unit_test(test_dates),
	    cmocka_unit_test(test_makers),
	    cmocka_unit_test(test_restriction),
	    cmocka_unit_test(test_titles),
	    cmocka_unit_test(test_periods),
	    cmocka_unit_test(test_many_decisions),
	    cmocka_unit_test(test_long_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
