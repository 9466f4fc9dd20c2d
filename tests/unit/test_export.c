/* export: the register's pages, feed, calendar and CSV, read back by libxml2, libical, a reader. */
/* nftw, to remove the temporary export directories. */
#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <libical/ical.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <setjmp.h>
#include <sodium.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "docket/error.h"
#include "export.h"

/* Words that only the withheld parts of records hold: no output file may contain them. */
#define SECRET_TEXT "FULLSECRET-TEXT-7f3a"
#define SECRET_JUST "FULLSECRET-JUST-7f3a"
#define SECRET_COST "FULLSECRET-COST-7f3a"
#define SECRET_BOGUS "BOGUSSECRET-9c1e"

static const struct export_item items1[] = {
    {11, "C1", "Commissioner’s Key Decisions – May & June 2024"},
};
static const struct export_item items2[] = {
    {21, "C1", "Commissioner’s Key Decisions – July 2024"},
    {22, "C2", "Police and Crime Plan <draft> & \"consultation\""},
};

static const struct export_meeting meetings[] = {
    {1, "Kent and Medway Police and Crime Panel", "2024-06-18T09:00:00Z",
     "Sessions House, Maidstone", "held", 3, items1, 1},
    {2, "Kent and Medway Police and Crime Panel", "2024-09-24T09:00:00Z", NULL, "scheduled", 1,
     items2, 2},
    {3, "Kent and Medway Police and Crime Panel", "2024-01-16T10:00:00Z", "Council Chamber",
     "cancelled", 2, NULL, 0},
    {4, "Kent and Medway Police and Crime Panel", NULL, NULL, "postponed", 4, NULL, 0},
};

static const struct export_decision decisions[] = {
    {.ref = "2024/22",
     .title = "Body worn cameras <roll out> & \"more\"",
     .text = "The Commissioner has endorsed the roll out of body worn cameras:\n"
             "- for frontline officers & PCSOs\n- for officers < 2 years' service",
     .justification = "Cameras improve evidence.\nThey are < £2m.\n\n- Trials in Kent\n"
                      "- \"Positive\" results",
     .state = "reported",
     .decision_maker = "pcc",
     .category = "spend",
     .cost_text = "£1.8m from approved capital",
     .restriction = "none",
     .decided_on = "2024-05-14",
     .published_on = "2024-05-20",
     .published_at = "2024-05-20T09:15:00.123Z",
     .version = 7,
     .meeting = 1,
     .item_code = "C1"},
    {.ref = "35 - 2015",
     .title = "Custody contract",
     .text = "=SUM(A1:A2) is the award.",
     .justification = "Value for money.",
     .state = "published",
     .decision_maker = "deputy_pcc",
     .category = "spend",
     .restriction = "part",
     .withheld = "the supplier's name",
     .restriction_reason = "commercially sensitive",
     .review_date = "2025-09-01",
     .decided_on = "2015-09-01",
     .published_on = "2015-09-08",
     .published_at = "2015-09-08T10:00:00Z",
     .version = 3},
    {.ref = "DEL 2012/01",
     .title = "Estates security review",
     .text = SECRET_TEXT,
     .justification = SECRET_JUST,
     .state = "noted",
     .decision_maker = "pcc_and_chief_constable",
     .category = "strategic",
     .cost_text = SECRET_COST,
     .restriction = "full",
     .restriction_reason = "security",
     .review_date = "2026-01-31",
     .decided_on = "2024-05-14",
     .published_on = "2024-05-21",
     .published_at = "2024-05-21T08:00:00Z",
     .version = 4,
     .meeting = 1,
     .item_code = "C1"},
    {.ref = "PCD 1306 – Café",
     .title = "Commissioner’s grant – “Safer Streets”",
     .text = "+44 1622 line funded.",
     .state = "scheduled",
     .decision_maker = "chief_finance_officer",
     .category = "other",
     .restriction = "none",
     .published_on = "2024-07-01",
     .published_at = "2024-07-01T07:00:00Z",
     .version = 2,
     .meeting = 2,
     .item_code = "C9"},
    {.ref = "2016-10792",
     .title = "Precept 2016/17",
     .text = "- First point\n- Second point",
     .justification = "Para one\nstill para one.\n\nPara two.",
     .state = "responded",
     .decision_maker = "chief_executive",
     .category = "statutory",
     .restriction = "none",
     .decided_on = "2016-03-01",
     .published_on = "2016-03-02",
     .version = 9,
     .meeting = 2,
     .item_code = "C2"},
    /* An unknown restriction must withhold like a full one. */
    {.ref = "X/odd",
     .title = "Odd restriction",
     .text = SECRET_BOGUS,
     .state = "published",
     .decision_maker = "pcc",
     .category = "other",
     .restriction = "bogus",
     .decided_on = "2020-02-02",
     .published_at = "2020-02-03T00:00:00Z",
     .version = 1},
};
#define NDEC (sizeof decisions / sizeof *decisions)

static const struct export_register reg = {
    "Kent Police and Crime Commissioner",
    "Europe/London",
    "2024-07-01T08:30:00Z",
    NULL,
    decisions,
    NDEC,
    meetings,
    sizeof meetings / sizeof *meetings,
};

/* The export's directory: DOCKET_KEEP_EXPORT's, or a temporary one removed afterwards. */
static char out[512], again[512];

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

/* The pages in dir, the calendar and the CSV beside them; 0 or the first failure. */
static int export_all(const struct export_register *r, const char *dir)
{
	char err[512] = "", path[1024];
	int rc = export_html(r, dir, err, sizeof err);
	snprintf(path, sizeof path, "%s/meetings.ics", dir);
	if (rc == 0)
		rc = export_ics(r, path, err, sizeof err);
	snprintf(path, sizeof path, "%s/decisions.csv", dir);
	if (rc == 0)
		rc = export_csv(r, path, err, sizeof err);
	if (rc)
		fprintf(stderr, "export to %s: %s\n", dir, err);
	return rc;
}

static int setup(void **state)
{
	(void)state;
	const char *keep = getenv("DOCKET_KEEP_EXPORT");
	if (keep && *keep)
		snprintf(out, sizeof out, "%s", keep);
	else if (snprintf(out, sizeof out, "/tmp/docket-export-XXXXXX") < 0 || !mkdtemp(out))
		return -1;
	snprintf(again, sizeof again, "/tmp/docket-export-again-XXXXXX");
	if (!mkdtemp(again))
		return -1;
	/* The same register exported twice: test_stable compares the two byte for byte. */
	return export_all(&reg, out) || export_all(&reg, again);
}

static int teardown(void **state)
{
	(void)state;
	const char *keep = getenv("DOCKET_KEEP_EXPORT");
	if (!keep || !*keep)
		nftw(out, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	nftw(again, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char *buf = NULL;
	size_t n = 0, cap = 0;
	for (;;) {
		if (n + 4096 + 1 > cap) {
			cap = (n + 4096 + 1) * 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		size_t r = fread(buf + n, 1, 4096, f);
		n += r;
		if (r == 0)
			break;
	}
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

/* Every regular file under dir, as "dir/name" paths, NULL-terminated. */
static size_t list_files(const char *dir, char **paths, size_t max)
{
	size_t n = 0;
	DIR *d = opendir(dir);
	assert_non_null(d);
	for (struct dirent *e; (e = readdir(d)) && n + 1 < max;) {
		char p[1024];
		struct stat st;
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
		assert_int_equal(stat(p, &st), 0);
		if (S_ISDIR(st.st_mode)) {
			n += list_files(p, paths + n, max - n);
		} else {
			paths[n] = strdup(p);
			assert_non_null(paths[n++]);
		}
	}
	closedir(d);
	paths[n] = NULL;
	return n;
}

static void free_list(char **paths)
{
	for (size_t i = 0; paths[i]; i++)
		free(paths[i]);
}

static void test_slug(void **state)
{
	(void)state;
	char s[256], want[256];
	unsigned char h[32];
	assert_int_equal(export_slug("2024-22", s, sizeof s), 0);
	assert_string_equal(s, "2024-22.html");
	assert_int_equal(export_slug("PCD_1306.v2", s, sizeof s), 0);
	assert_string_equal(s, "PCD_1306.v2.html");
	static const char *const refs[][2] = {
	    {"2024/22", "2024-22-"}, {"35 - 2015", "35-2015-"}, {"DEL 2012/01", "del-2012-01-"},
	    {".hidden", "hidden-"},  {"Café/1", "caf-1-"},      {"///", ""},
	};
	for (size_t i = 0; i < sizeof refs / sizeof *refs; i++) {
		assert_true(sodium_init() >= 0);
		crypto_hash_sha256(h, (const unsigned char *)refs[i][0], strlen(refs[i][0]));
		snprintf(want, sizeof want, "%s%02x%02x%02x%02x.html", refs[i][1], h[0], h[1], h[2],
		         h[3]);
		assert_int_equal(export_slug(refs[i][0], s, sizeof s), 0);
		assert_string_equal(s, want);
	}
	assert_int_equal(export_slug("2024/22", s, 8), -DOCKET_EINVAL);
	assert_int_equal(export_slug("", s, sizeof s), -DOCKET_EINVAL);
}

/* libxml2 2.9's HTML parser knows HTML 4 only: HTML5's elements are the one error it may give. */
static int html_errors;
static void html_error(void *ctx, xmlErrorPtr e)
{
	static const char *const html5[] = {"main", "header", "nav", "footer", "section", "time"};
	(void)ctx;
	for (size_t i = 0; e->code == XML_HTML_UNKNOWN_TAG && i < sizeof html5 / sizeof *html5; i++)
		if (e->str1 && strcmp(e->str1, html5[i]) == 0)
			return;
	fprintf(stderr, "%s:%d: %s", e->file ? e->file : "?", e->line, e->message);
	html_errors++;
}

static xmlDocPtr parse_html(const char *path)
{
	html_errors = 0;
	xmlSetStructuredErrorFunc(NULL, html_error);
	xmlDocPtr doc = htmlReadFile(path, "UTF-8", HTML_PARSE_NONET);
	xmlSetStructuredErrorFunc(NULL, NULL);
	assert_non_null(doc);
	assert_int_equal(html_errors, 0);
	return doc;
}

static int count(xmlDocPtr doc, const char *xpath)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	assert_non_null(ctx);
	xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST xpath, ctx);
	assert_non_null(o);
	int n = o->nodesetval ? o->nodesetval->nodeNr : 0;
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	return n;
}

/* href (without the page's own directory) names a file that exists, and its fragment an id. */
static void check_href(const char *page, const char *href)
{
	char path[2048], xp[256];
	if (strncmp(href, "https:", 6) == 0 || strncmp(href, "http:", 5) == 0)
		return;
	const char *hash = strchr(href, '#');
	size_t n = hash ? (size_t)(hash - href) : strlen(href);
	if (n == 0) {
		snprintf(path, sizeof path, "%s", page);
	} else {
		const char *slash = strrchr(page, '/');
		snprintf(path, sizeof path, "%.*s/%.*s", (int)(slash - page), page, (int)n, href);
	}
	struct stat st;
	if (stat(path, &st) != 0)
		fail_msg("%s: link %s: %s does not exist", page, href, path);
	if (!hash)
		return;
	xmlDocPtr target = parse_html(path);
	snprintf(xp, sizeof xp, "//*[@id='%s']", hash + 1);
	if (count(target, xp) != 1)
		fail_msg("%s: link %s: no element with id %s", page, href, hash + 1);
	xmlFreeDoc(target);
}

static void check_page(const char *path, char titles[][512], size_t *ntitles)
{
	xmlDocPtr doc = parse_html(path);
	assert_int_equal(count(doc, "/html[@lang='en-GB']"), 1);
	assert_int_equal(count(doc, "//h1"), 1);
	assert_int_equal(count(doc, "//main[@id='main']"), 1);
	assert_int_equal(count(doc, "//a[@href='#main']"), 1);
	assert_int_equal(count(doc, "//nav[@aria-label='Register']"), 1);
	assert_int_equal(count(doc, "//head/meta[@charset='utf-8']"), 1);
	assert_int_equal(count(doc, "//table[not(caption)]"), 0);
	assert_int_equal(count(doc, "//th[not(@scope)]"), 0);
	xmlNodePtr title = NULL;
	xmlChar *t = NULL;
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST "//@href | //title", ctx);
	assert_non_null(o);
	for (int i = 0; o->nodesetval && i < o->nodesetval->nodeNr; i++) {
		xmlNodePtr node = o->nodesetval->nodeTab[i];
		if (node->type == XML_ELEMENT_NODE) {
			title = node;
			continue;
		}
		xmlChar *href = xmlNodeGetContent(node);
		check_href(path, (const char *)href);
		xmlFree(href);
	}
	assert_non_null(title);
	t = xmlNodeGetContent(title);
	for (size_t i = 0; i < *ntitles; i++)
		if (strcmp(titles[i], (const char *)t) == 0)
			fail_msg("%s: title \"%s\" is not unique", path, t);
	snprintf(titles[(*ntitles)++], 512, "%s", t);
	xmlFree(t);
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	xmlFreeDoc(doc);
}

static void test_pages(void **state)
{
	(void)state;
	char *paths[64], titles[64][512];
	size_t ntitles = 0, pages = 0;
	list_files(out, paths, 64);
	for (size_t i = 0; paths[i]; i++) {
		const char *dot = strrchr(paths[i], '.');
		if (dot && strcmp(dot, ".html") == 0) {
			check_page(paths[i], titles, &ntitles);
			pages++;
		}
	}
	free_list(paths);
	assert_int_equal(pages, 2 + NDEC);
}

/* The text of the first node xpath finds in doc, or "" (free it). */
static char *text_of(xmlDocPtr doc, const char *xpath)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	assert_non_null(ctx);
	xmlXPathRegisterNs(ctx, BAD_CAST "a", BAD_CAST "http://www.w3.org/2005/Atom");
	xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST xpath, ctx);
	assert_non_null(o);
	xmlChar *c = o->nodesetval && o->nodesetval->nodeNr
	                 ? xmlNodeGetContent(o->nodesetval->nodeTab[0])
	                 : xmlStrdup(BAD_CAST "");
	char *t = strdup((const char *)c);
	assert_non_null(t);
	xmlFree(c);
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	return t;
}

static void expect_text(xmlDocPtr doc, const char *xpath, const char *want)
{
	char *t = text_of(doc, xpath);
	if (!strstr(t, want))
		fail_msg("%s is \"%s\", not containing \"%s\"", xpath, t, want);
	free(t);
}

static xmlDocPtr page(const char *rel)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", out, rel);
	return parse_html(path);
}

static xmlDocPtr decision_page(const char *ref)
{
	char slug[256], rel[300];
	assert_int_equal(export_slug(ref, slug, sizeof slug), 0);
	snprintf(rel, sizeof rel, "decisions/%s", slug);
	return page(rel);
}

static void test_index(void **state)
{
	(void)state;
	xmlDocPtr doc = page("index.html");
	/* A decision with no decision date is listed by its publication. */
	static const char *const years[] = {"2024", "2020", "2016", "2015"};
	char xp[128];
	for (size_t i = 0; i < 4; i++) {
		snprintf(xp, sizeof xp, "//main/h2[%zu]", i + 1);
		expect_text(doc, xp, years[i]);
	}
	assert_int_equal(count(doc, "//main/h2"), 4);
	expect_text(doc, "//table[1]/tbody/tr[1]/td[2]", "PCD 1306 – Café");
	expect_text(doc, "//table[1]/tbody/tr[1]/td[1]", "Published");
	expect_text(doc, "//table[1]/tbody/tr[1]/td[1]/time[@datetime='2024-07-01']", "1 July 2024");
	/* Same date: by reference. */
	expect_text(doc, "//table[1]/tbody/tr[2]/td[2]", "2024/22");
	expect_text(doc, "//table[1]/tbody/tr[3]/td[2]", "DEL 2012/01");
	expect_text(doc, "//table[1]/tbody/tr[2]/td[1]/time[@datetime='2024-05-14']",
	            "14 May 2024");
	expect_text(doc, "//table[1]/tbody/tr[2]/td[3]", "Police and Crime Commissioner");
	expect_text(doc, "//table[1]/tbody/tr[3]/td[3]", "PCC and Chief Constable");
	expect_text(doc, "//table[1]/tbody/tr[3]/td[5]", "Restricted");
	expect_text(doc, "//tr[td[2]='35 - 2015']/td[5]", "Part restricted");
	expect_text(doc, "//tr[td[2]='35 - 2015']/td[3]", "Deputy PCC");
	expect_text(doc, "//tr[td[2]='X/odd']/td[5]", "Restricted");
	expect_text(doc, "//table[1]/tbody/tr[2]/th/a", "Body worn cameras <roll out> & \"more\"");
	xmlFreeDoc(doc);
}

static void test_decision_pages(void **state)
{
	(void)state;
	xmlDocPtr doc = decision_page("2024/22");
	expect_text(doc, "//h1", "Body worn cameras <roll out> & \"more\"");
	expect_text(doc, "//main/ul[1]/li[1]", "for frontline officers & PCSOs");
	expect_text(doc, "//main/ul[1]/li[2]", "for officers < 2 years' service");
	assert_int_equal(count(doc, "//main/p[br][contains(., 'They are < £2m.')]"), 1);
	expect_text(doc, "//dd[a[@href='../meetings.html#meeting-1']]", "18 June 2024, item C1");
	expect_text(doc, "//dt[.='Cost']/following-sibling::dd[1]", "£1.8m");
	assert_int_equal(count(doc, "//p[@class='notice']"), 0);
	xmlFreeDoc(doc);

	doc = decision_page("35 - 2015");
	expect_text(doc, "//p[@class='notice']",
	            "Part of this decision is withheld: the supplier's name (commercially "
	            "sensitive). Review date: 1 September 2025.");
	expect_text(doc, "//h2[.='Decision']/following-sibling::p[1]", "=SUM(A1:A2)");
	xmlFreeDoc(doc);

	doc = decision_page("DEL 2012/01");
	expect_text(doc, "//p[@class='notice']",
	            "This decision is restricted: security. Review date: 31 January 2026.");
	assert_int_equal(count(doc, "//h2"), 0);
	assert_int_equal(count(doc, "//dt[.='Cost']"), 0);
	xmlFreeDoc(doc);
}

static void test_meetings_page(void **state)
{
	(void)state;
	xmlDocPtr doc = page("meetings.html");
	static const char *const order[] = {"meeting-2", "meeting-1", "meeting-3", "meeting-4"};
	char xp[128];
	for (size_t i = 0; i < 4; i++) {
		snprintf(xp, sizeof xp, "//section[%zu][@id='%s']", i + 1, order[i]);
		assert_int_equal(count(doc, xp), 1);
	}
	expect_text(doc, "//section[@id='meeting-1']//dd/time[@datetime='2024-06-18T09:00:00Z']",
	            "Tuesday 18 June 2024, 10:00 BST");
	expect_text(doc, "//section[@id='meeting-3']//dd/time", "10:00 GMT");
	expect_text(doc, "//section[@id='meeting-3']/p[@class='notice']", "cancelled");
	expect_text(doc, "//section[@id='meeting-4']/h2", "date to be set");
	expect_text(doc, "//section[@id='meeting-1']/ul/li[1]/ul/li[1]/a", "(2024/22)");
	expect_text(doc, "//section[@id='meeting-1']/ul/li[1]/ul/li[2]/a", "(DEL 2012/01)");
	expect_text(doc, "//section[@id='meeting-2']/ul/li[2]/ul/li/a", "Precept 2016/17");
	/* Item C9 is not on the agenda: the decision still shows at its meeting. */
	expect_text(doc, "//section[@id='meeting-2']/h3[2]", "Other decisions");
	expect_text(doc, "//section[@id='meeting-2']/ul[2]/li/a", "PCD 1306");
	xmlFreeDoc(doc);
}

static void test_restricted_never_published(void **state)
{
	(void)state;
	char *paths[64];
	static const char *const secrets[] = {SECRET_TEXT, SECRET_JUST, SECRET_COST, SECRET_BOGUS};
	size_t n = list_files(out, paths, 64);
	assert_true(n >= 2 + NDEC + 4);
	for (size_t i = 0; paths[i]; i++) {
		char *text = slurp(paths[i], NULL);
		for (size_t j = 0; j < sizeof secrets / sizeof *secrets; j++)
			if (strstr(text, secrets[j]))
				fail_msg("%s holds withheld text %s", paths[i], secrets[j]);
		free(text);
	}
	free_list(paths);
}

static void test_atom(void **state)
{
	(void)state;
	char path[1024];
	snprintf(path, sizeof path, "%s/feed.xml", out);
	xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
	assert_non_null(doc); /* well-formed */
	/* RFC 4287 4.1.1: a feed has id, title, updated and (entries lacking one) an author. */
	assert_int_equal(count(doc, "/*[local-name()='feed' and "
	                            "namespace-uri()='http://www.w3.org/2005/Atom']"),
	                 1);
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	assert_non_null(ctx);
	xmlXPathRegisterNs(ctx, BAD_CAST "a", BAD_CAST "http://www.w3.org/2005/Atom");
	static const char *const one[] = {
	    "/a:feed/a:id",
	    "/a:feed/a:title",
	    "/a:feed/a:updated",
	    "/a:feed/a:author/a:name",
	    "/a:feed/a:link[@rel='self'][@href='feed.xml']",
	    "/a:feed/a:link[@rel='alternate'][@href='index.html']",
	};
	for (size_t i = 0; i < sizeof one / sizeof *one; i++) {
		xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST one[i], ctx);
		assert_non_null(o);
		if (!o->nodesetval || o->nodesetval->nodeNr != 1)
			fail_msg("feed: %s not there once", one[i]);
		xmlXPathFreeObject(o);
	}
	xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST "/a:feed/a:entry", ctx);
	assert_non_null(o);
	assert_int_equal(o->nodesetval->nodeNr, NDEC);
	for (int i = 0; i < o->nodesetval->nodeNr; i++) {
		ctx->node = o->nodesetval->nodeTab[i];
		static const char *const need[] = {"a:id", "a:title", "a:updated",
		                                   "a:link[@rel='alternate'] | a:summary"};
		for (size_t j = 0; j < 4; j++) {
			xmlXPathObjectPtr e = xmlXPathEvalExpression(BAD_CAST need[j], ctx);
			assert_non_null(e);
			if (!e->nodesetval || e->nodesetval->nodeNr < 1)
				fail_msg("feed entry %d has no %s", i + 1, need[j]);
			xmlXPathFreeObject(e);
		}
	}
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	/* Newest first; times in RFC 3339 UTC, the fraction dropped. */
	expect_text(doc, "/a:feed/a:updated", "2024-07-01T07:00:00Z");
	expect_text(doc, "/a:feed/a:entry[1]/a:title", "PCD 1306 – Café");
	expect_text(doc, "/a:feed/a:entry[3]/a:updated", "2024-05-20T09:15:00Z");
	expect_text(doc, "/a:feed/a:entry[2]/a:summary",
	            "This decision is restricted: security. Review date: 31 January 2026.");
	/* Stable ids: SHA-256 of "docket-decision:" + ref as a version 5 UUID. */
	unsigned char h[32];
	char want[64];
	const char *ref = "2024/22";
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)"docket-decision:", 16);
	crypto_hash_sha256_update(&st, (const unsigned char *)ref, strlen(ref));
	crypto_hash_sha256_final(&st, h);
	snprintf(want, sizeof want,
	         "urn:uuid:%02x%02x%02x%02x-%02x%02x-5%x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
	         h[0], h[1], h[2], h[3], h[4], h[5], h[6] & 0x0f, h[7], (h[8] & 0x3f) | 0x80, h[9],
	         h[10], h[11], h[12], h[13], h[14], h[15]);
	expect_text(doc, "/a:feed/a:entry[3]/a:id", want);
	xmlFreeDoc(doc);
}

static icalcomponent *event(icalcomponent *cal, const char *uid)
{
	for (icalcomponent *c = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); c;
	     c = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT))
		if (strcmp(icalcomponent_get_uid(c), uid) == 0)
			return c;
	fail_msg("no event %s", uid);
	return NULL;
}

static void test_ics(void **state)
{
	(void)state;
	char path[1024];
	snprintf(path, sizeof path, "%s/meetings.ics", out);
	char *text = slurp(path, NULL);
	assert_non_null(strstr(text, "\r\n"));
	icalcomponent *cal = icalparser_parse_string(text);
	free(text);
	assert_non_null(cal);
	assert_int_equal(icalcomponent_isa(cal), ICAL_VCALENDAR_COMPONENT);
	assert_string_equal(
	    icalproperty_get_prodid(icalcomponent_get_first_property(cal, ICAL_PRODID_PROPERTY)),
	    "-//docket//Panel meetings//EN");
	icalcomponent *tz = icalcomponent_get_first_component(cal, ICAL_VTIMEZONE_COMPONENT);
	assert_non_null(tz);
	icalproperty *tzid = icalcomponent_get_first_property(tz, ICAL_TZID_PROPERTY);
	assert_string_equal(icalproperty_get_tzid(tzid), "Europe/London");
	/* Three meetings have a time; the postponed one without a time is left out. */
	assert_int_equal(icalcomponent_count_components(cal, ICAL_VEVENT_COMPONENT), 3);
	icalcomponent *held = event(cal, "meeting-1@docket");
	icalproperty *p = icalcomponent_get_first_property(held, ICAL_DTSTART_PROPERTY);
	struct icaltimetype start = icalproperty_get_dtstart(p);
	assert_int_equal(start.hour, 10); /* 09:00Z in June is 10:00 BST */
	assert_int_equal(start.minute, 0);
	icalparameter *param = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
	assert_string_equal(icalparameter_get_tzid(param), "Europe/London");
	assert_int_equal(icalcomponent_get_status(held), ICAL_STATUS_CONFIRMED);
	assert_int_equal(icalcomponent_get_sequence(held), 3);
	assert_string_equal(icalcomponent_get_location(held), "Sessions House, Maidstone");
	assert_non_null(strstr(icalcomponent_get_description(held),
	                       "C1: Commissioner’s Key Decisions – May & June 2024"));
	struct icaldurationtype d = icalcomponent_get_duration(held);
	assert_int_equal(icaldurationtype_as_int(d), 7200);
	assert_int_equal(icalcomponent_get_status(event(cal, "meeting-3@docket")),
	                 ICAL_STATUS_CANCELLED);
	start = icalcomponent_get_dtstart(event(cal, "meeting-3@docket"));
	assert_int_equal(start.hour, 10); /* 10:00Z in January is 10:00 GMT */
	assert_int_equal(icalcomponent_get_status(event(cal, "meeting-2@docket")),
	                 ICAL_STATUS_CONFIRMED);
	icalcomponent_free(cal);
}

/* A tiny RFC 4180 reader: records end in CRLF, quoted fields may hold anything. */
struct csv {
	char *f[16][20];
	size_t nf[16], n;
};

static void csv_read(const char *s, struct csv *c)
{
	memset(c, 0, sizeof *c);
	char buf[4096];
	size_t b = 0;
	while (*s) {
		assert_true(c->n < 16 && c->nf[c->n] < 20);
		if (*s == '"') {
			for (s++;; s++) {
				assert_true(*s != '\0' && b + 1 < sizeof buf);
				if (*s == '"' && s[1] != '"')
					break;
				if (*s == '"')
					s++;
				buf[b++] = *s;
			}
			s++;
		} else {
			while (*s && *s != ',' && *s != '\r' && *s != '\n') {
				assert_true(*s != '"' && b + 1 < sizeof buf);
				buf[b++] = *s++;
			}
		}
		buf[b] = '\0';
		c->f[c->n][c->nf[c->n]++] = strdup(buf);
		b = 0;
		if (*s == ',') {
			s++;
		} else {
			assert_true(s[0] == '\r' && s[1] == '\n'); /* CRLF, never a bare LF */
			s += 2;
			c->n++;
		}
	}
}

static void csv_free(struct csv *c)
{
	for (size_t i = 0; i < c->n; i++)
		for (size_t j = 0; j < c->nf[i]; j++)
			free(c->f[i][j]);
}

static void test_csv(void **state)
{
	(void)state;
	char path[1024], slug[256], url[300];
	struct csv c;
	snprintf(path, sizeof path, "%s/decisions.csv", out);
	char *text = slurp(path, NULL);
	assert_false((unsigned char)text[0] == 0xef); /* no BOM */
	csv_read(text, &c);
	free(text);
	static const char *const cols[] = {
	    "reference",    "title",        "decision_maker", "category", "decided_on",
	    "published_on", "state",        "restriction",    "withheld", "restriction_reason",
	    "review_date",  "meeting_date", "item",           "decision", "justification",
	    "url"};
	assert_int_equal(c.n, 1 + NDEC);
	for (size_t i = 0; i < c.n; i++)
		assert_int_equal(c.nf[i], 16);
	for (size_t i = 0; i < 16; i++)
		assert_string_equal(c.f[0][i], cols[i]);
	static const char *const order[] = {"35 - 2015", "2016-10792",  "X/odd",
	                                    "2024/22",   "DEL 2012/01", "PCD 1306 – Café"};
	for (size_t i = 0; i < NDEC; i++)
		assert_string_equal(c.f[i + 1][0], order[i]);
	/* The formula guard: a value starting with = + - gets an apostrophe. */
	assert_string_equal(c.f[1][13], "'=SUM(A1:A2) is the award.");
	assert_string_equal(c.f[1][8], "the supplier's name");
	assert_string_equal(c.f[2][13], "'- First point\n- Second point");
	assert_string_equal(c.f[2][14], "Para one\nstill para one.\n\nPara two.");
	assert_string_equal(c.f[6][13], "'+44 1622 line funded.");
	assert_string_equal(c.f[4][1], decisions[0].title);
	assert_string_equal(c.f[4][13], decisions[0].text);
	assert_string_equal(c.f[4][14], decisions[0].justification);
	assert_string_equal(c.f[4][11], "2024-06-18");
	assert_string_equal(c.f[4][12], "C1");
	assert_int_equal(export_slug("2024/22", slug, sizeof slug), 0);
	snprintf(url, sizeof url, "decisions/%s", slug);
	assert_string_equal(c.f[4][15], url);
	/* Fully restricted, and restricted by an unknown value: no text. */
	assert_string_equal(c.f[5][7], "full");
	assert_string_equal(c.f[5][9], "security");
	assert_string_equal(c.f[5][13], "");
	assert_string_equal(c.f[5][14], "");
	assert_string_equal(c.f[3][7], "full");
	assert_string_equal(c.f[3][13], "");
	csv_free(&c);
}

/* Equal inputs, equal bytes: a site can be exported on a timer and only real changes differ. */
static void test_stable(void **state)
{
	(void)state;
	char *a[64], *b[64];
	size_t n = list_files(out, a, 64);
	assert_int_equal(list_files(again, b, 64), n);
	for (size_t i = 0; i < n; i++) {
		char other[1024];
		size_t la, lb;
		snprintf(other, sizeof other, "%s%s", again, a[i] + strlen(out));
		char *x = slurp(a[i], &la), *y = slurp(other, &lb);
		if (la != lb || memcmp(x, y, la) != 0)
			fail_msg("%s and %s differ", a[i], other);
		free(x);
		free(y);
	}
	free_list(a);
	free_list(b);
}

static void test_base_url(void **state)
{
	(void)state;
	char dir[] = "/tmp/docket-export-base-XXXXXX", path[1024];
	assert_non_null(mkdtemp(dir));
	struct export_register r = reg;
	r.base_url = "https://example.org/register/";
	assert_int_equal(export_all(&r, dir), 0);
	snprintf(path, sizeof path, "%s/feed.xml", dir);
	xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
	assert_non_null(doc);
	assert_int_equal(count(doc, "/*/*[local-name()='link'][@rel='self']"
	                            "[@href='https://example.org/register/feed.xml']"),
	                 1);
	xmlFreeDoc(doc);
	snprintf(path, sizeof path, "%s/decisions.csv", dir);
	char *text = slurp(path, NULL);
	assert_non_null(
	    strstr(text, ",https://example.org/register/decisions/2016-10792.html\r\n"));
	free(text);
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* A feed holds the 50 newest decisions; the pages hold them all. */
static void test_atom_limit(void **state)
{
	(void)state;
	static char refs[60][16], at[60][32];
	static struct export_decision many[60];
	char dir[] = "/tmp/docket-export-many-XXXXXX", err[512], path[1024];
	assert_non_null(mkdtemp(dir));
	for (int i = 0; i < 60; i++) {
		snprintf(refs[i], sizeof refs[i], "R-%02d", i);
		snprintf(at[i], sizeof at[i], "2024-03-%02dT12:00:00Z", i % 28 + 1);
		many[i] = (struct export_decision){.ref = refs[i],
		                                   .title = "Grant",
		                                   .text = "Text.",
		                                   .state = "published",
		                                   .decision_maker = "pcc",
		                                   .restriction = "none",
		                                   .published_at = at[i]};
	}
	struct export_register r = reg;
	r.decisions = many;
	r.n = 60;
	assert_int_equal(export_html(&r, dir, err, sizeof err), 0);
	snprintf(path, sizeof path, "%s/feed.xml", dir);
	xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
	assert_non_null(doc);
	assert_int_equal(count(doc, "/*/*[local-name()='entry']"), 50);
	expect_text(doc, "/a:feed/a:entry[1]/a:updated", "2024-03-28T12:00:00Z");
	xmlFreeDoc(doc);
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void test_errors(void **state)
{
	(void)state;
	char err[512] = "";
	assert_int_equal(export_html(&reg, "/dev/null/site", err, sizeof err), -DOCKET_ESYS);
	assert_non_null(strstr(err, "/dev/null/site"));
	assert_int_equal(export_csv(&reg, "/nonexistent-docket/x.csv", err, sizeof err),
	                 -DOCKET_ESYS);
	assert_non_null(strstr(err, "/nonexistent-docket/x.csv"));
	struct export_register r = reg;
	r.zone = "Mars/Olympus_Mons";
	assert_int_equal(export_ics(&r, "/tmp/never.ics", err, sizeof err), -DOCKET_EINVAL);
	r = reg;
	r.office = NULL;
	assert_int_equal(export_csv(&r, "/tmp/never.csv", err, sizeof err), -DOCKET_EINVAL);
	assert_int_equal(access("/tmp/never.csv", F_OK), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_slug),          cmocka_unit_test(test_pages),
	    cmocka_unit_test(test_index),         cmocka_unit_test(test_decision_pages),
	    cmocka_unit_test(test_meetings_page), cmocka_unit_test(test_restricted_never_published),
	    cmocka_unit_test(test_atom),          cmocka_unit_test(test_atom_limit),
	    cmocka_unit_test(test_ics),           cmocka_unit_test(test_csv),
	    cmocka_unit_test(test_stable),        cmocka_unit_test(test_base_url),
	    cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
