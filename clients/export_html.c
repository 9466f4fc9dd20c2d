/* The public register as static HTML pages: decisions by date, meetings, a page per decision. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "docket/error.h"
#include "export_int.h"
#include "text.h"

/* A clean ref longer than this is hashed all the same: file names stop at 255 bytes. */
#define SLUG_CLEAN_MAX 200
/* The readable part of a hashed slug is cut here. */
#define SLUG_BASE_MAX 64

static int ascii_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static int clean_ref(const char *ref)
{
	if (ref[0] == '.')
		return 0;
	for (const unsigned char *c = (const unsigned char *)ref; *c; c++)
		if (!ascii_alnum(*c) && *c != '-' && *c != '_' && *c != '.')
			return 0;
	return strlen(ref) <= SLUG_CLEAN_MAX;
}

int export_slug(const char *ref, char *out, size_t outlen)
{
	if (!ref || !*ref || !out)
		return -DOCKET_EINVAL;
	if (clean_ref(ref)) {
		int n = snprintf(out, outlen, "%s.html", ref);
		return n < 0 || (size_t)n >= outlen ? -DOCKET_EINVAL : 0;
	}
	/* Lowercase ASCII words joined by single dashes; the hash keeps distinct refs apart. */
	char base[SLUG_BASE_MAX + 1];
	size_t b = 0;
	int gap = 0;
	for (const unsigned char *c = (const unsigned char *)ref; *c; c++) {
		if (!ascii_alnum(*c)) {
			gap = 1;
			continue;
		}
		if (b + (gap && b) >= SLUG_BASE_MAX)
			break;
		if (gap && b)
			base[b++] = '-';
		gap = 0;
		base[b++] = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
	}
	unsigned char h[32];
	if (export_sha256("", ref, h) != 0)
		return -DOCKET_EINTERNAL;
	int n = snprintf(out, outlen, "%.*s%s%02x%02x%02x%02x.html", (int)b, base, b ? "-" : "",
	                 h[0], h[1], h[2], h[3]);
	return n < 0 || (size_t)n >= outlen ? -DOCKET_EINVAL : 0;
}

/* "decisions/<slug>", a decision page's path from the site's root. */
static int decision_href(const struct export_decision *d, char *out, size_t outlen)
{
	char slug[EXPORT_SLUG_LEN];
	int rc = export_slug(d->ref, slug, sizeof slug);
	if (rc)
		return rc;
	int n = snprintf(out, outlen, "decisions/%s", slug);
	return n < 0 || (size_t)n >= outlen ? -DOCKET_EINVAL : 0;
}

/*
 * The date the index lists a decision under: its decision date, else, for a
 * record that gives none (one imported from a panel report), when it was
 * published or reported, which *how then names; NULL when it has none.
 */
static const char *index_date(const struct export_decision *d, const char **how)
{
	*how = NULL;
	if (d->decided_on)
		return d->decided_on;
	*how = d->published_on ? "Published" : d->reported_on ? "Reported" : NULL;
	return d->published_on ? d->published_on : d->reported_on;
}

/* Newest decision first, undated ones last, then by reference: the index's order. */
static int by_date_desc(const void *a, const void *b)
{
	const struct export_decision *x = *(const struct export_decision *const *)a;
	const struct export_decision *y = *(const struct export_decision *const *)b;
	const char *how, *dx = index_date(x, &how), *dy = index_date(y, &how);
	if (dx && dy) {
		int c = strcmp(dy, dx);
		if (c)
			return c;
	} else if (dx || dy) {
		return dx ? -1 : 1;
	}
	return strcmp(x->ref, y->ref);
}

static const char *restriction_label(const struct export_decision *d)
{
	static const char *const l[] = {"None", "Part restricted", "Restricted"};
	return l[export_restriction(d)];
}

/* The restriction as a marked word, so it never rests on colour alone. */
static void restriction_cell(struct export_page *p, xmlNodePtr td, const struct export_decision *d)
{
	if (export_restriction(d) == EXPORT_OPEN)
		export_text(p, td, "None", 4);
	else
		export_attr(p, export_el(p, td, "strong", restriction_label(d)), "class", "tag");
}

static int index_row(struct export_page *p, xmlNodePtr tbody, const struct export_decision *d)
{
	char href[EXPORT_URL_LEN];
	int rc = decision_href(d, href, sizeof href);
	if (rc)
		return rc;
	xmlNodePtr tr = export_el(p, tbody, "tr", NULL);
	xmlNodePtr date = export_el(p, tr, "td", NULL);
	export_attr(p, date, "class", "date");
	const char *how, *on = index_date(d, &how);
	if (how) {
		/* On a line of its own: the date column keeps its width. */
		export_text(p, date, how, strlen(how));
		export_el(p, date, "br", NULL);
	}
	export_date(p, date, on);
	export_el(p, tr, "td", d->ref);
	xmlNodePtr th = export_el(p, tr, "th", NULL);
	export_attr(p, th, "scope", "row");
	export_link(p, th, href, d->title);
	export_el(p, tr, "td", export_maker_label(d->decision_maker));
	export_el(p, tr, "td", export_state_label(d->state));
	restriction_cell(p, export_el(p, tr, "td", NULL), d);
	return 0;
}

/* One year's table, in a region that scrolls sideways on narrow screens (and takes focus). */
static xmlNodePtr year_table(struct export_page *p, const char *year)
{
	static const char *const cols[] = {"Date",           "Reference", "Title",
	                                   "Decision maker", "State",     "Restriction"};
	char id[32], caption[64];
	int undated = strcmp(year, "undated") == 0;
	snprintf(id, sizeof id, "year-%s", year);
	export_attr(p, export_el(p, p->main, "h2", undated ? "Date not recorded" : year), "id", id);
	snprintf(id, sizeof id, "caption-%s", year);
	snprintf(caption, sizeof caption,
	         undated ? "Decisions with no date recorded" : "Decisions of %s", year);
	xmlNodePtr wrap = export_el(p, p->main, "div", NULL);
	export_attr(p, wrap, "class", "scroll");
	export_attr(p, wrap, "role", "region");
	export_attr(p, wrap, "aria-labelledby", id);
	export_attr(p, wrap, "tabindex", "0");
	xmlNodePtr table = export_el(p, wrap, "table", NULL);
	export_attr(p, table, "class", "register");
	export_attr(p, export_el(p, table, "caption", caption), "id", id);
	xmlNodePtr tr = export_el(p, export_el(p, table, "thead", NULL), "tr", NULL);
	for (size_t i = 0; i < sizeof cols / sizeof *cols; i++)
		export_attr(p, export_el(p, tr, "th", cols[i]), "scope", "col");
	return export_el(p, table, "tbody", NULL);
}

static void year_of(const struct export_decision *d, char year[8])
{
	const char *how, *on = index_date(d, &how);
	if (on)
		snprintf(year, 8, "%.4s", on);
	else
		snprintf(year, 8, "undated");
}

/* Links to each year's table, for a long register. */
static void year_nav(struct export_page *p, const struct export_decision **v, size_t n)
{
	char year[8], last[8] = "", href[32];
	xmlNodePtr nav = export_el(p, p->main, "nav", NULL);
	export_attr(p, nav, "class", "years");
	export_attr(p, nav, "aria-label", "Years");
	xmlNodePtr ul = export_el(p, nav, "ul", NULL);
	for (size_t i = 0; i < n; i++) {
		year_of(v[i], year);
		if (strcmp(year, last) == 0)
			continue;
		snprintf(last, sizeof last, "%s", year);
		snprintf(href, sizeof href, "#year-%s", year);
		export_link(p, export_el(p, ul, "li", NULL), href,
		            strcmp(year, "undated") ? year : "Date not recorded");
	}
}

static int index_page(const struct export_register *r, const char *dir, char *err, size_t errlen)
{
	char path[4096], title[512], year[8], last[8] = "", lede[160];
	struct export_page p = {0};
	int rc = export_path(path, sizeof path, dir, "index.html", err, errlen);
	const struct export_decision **v = rc ? NULL : export_sorted(r, by_date_desc);
	if (rc || !v)
		return rc ? rc
		          : export_fail(err, errlen, -DOCKET_ENOMEM, "%s: out of memory", path);
	snprintf(title, sizeof title, "Decisions – %s", r->office);
	if ((rc = export_page_new(&p, r, title, "", EXPORT_NAV_DECISIONS)) != 0) {
		rc = export_fail(err, errlen, rc, "%s: out of memory", path);
		goto out;
	}
	export_el(&p, p.main, "h1", "Register of decisions");
	snprintf(lede, sizeof lede,
	         "%zu decision%s, newest first. A restricted decision shows only what may be "
	         "published.",
	         r->n, r->n == 1 ? "" : "s");
	export_attr(&p, export_el(&p, p.main, "p", lede), "class", "lede");
	if (r->n)
		year_nav(&p, v, r->n);
	xmlNodePtr tbody = NULL;
	for (size_t i = 0; i < r->n && rc == 0; i++) {
		year_of(v[i], year);
		if (strcmp(year, last) != 0)
			tbody = year_table(&p, year);
		snprintf(last, sizeof last, "%s", year);
		rc = index_row(&p, tbody, v[i]);
	}
	if (rc)
		rc = export_fail(err, errlen, rc, "%s: a reference cannot be made a file name",
		                 path);
	else
		rc = export_page_save(&p, path, err, errlen);
out:
	export_page_free(&p);
	free(v);
	return rc;
}

/* Its heading on the meetings page, and its link text on a decision's page. */
void export_meeting_name(const struct export_register *r, const struct export_meeting *m, char *out,
                         size_t outlen)
{
	struct export_local l;
	char date[TEXT_DATE_LEN];
	if (m->starts_at && export_local_time(r->zone, m->starts_at, &l) == 0 &&
	    text_long_date(l.ymd, date) == 0)
		snprintf(out, outlen, "%s, %s", m->panel, date);
	else
		snprintf(out, outlen, "%s, date to be set", m->panel);
}

static void meta_row(struct export_page *p, xmlNodePtr dl, const char *term, const char *value)
{
	export_el(p, dl, "dt", term);
	export_el(p, dl, "dd", value);
}

static void meta_date(struct export_page *p, xmlNodePtr dl, const char *term, const char *ymd)
{
	if (!ymd)
		return;
	export_el(p, dl, "dt", term);
	export_date(p, export_el(p, dl, "dd", NULL), ymd);
}

static void decision_meta(struct export_page *p, const struct export_register *r,
                          const struct export_decision *d)
{
	char buf[512], href[64];
	xmlNodePtr dl = export_el(p, p->main, "dl", NULL);
	export_attr(p, dl, "class", "meta");
	meta_row(p, dl, "Reference", d->ref);
	meta_date(p, dl, "Decision date", d->decided_on);
	meta_date(p, dl, "Published", d->published_on);
	meta_date(p, dl, "Reported to the panel", d->reported_on);
	meta_row(p, dl, "Decision maker", export_maker_label(d->decision_maker));
	if (d->category)
		meta_row(p, dl, "Category", export_category_label(d->category));
	/* Cost goes with the rest of a fully restricted record, whatever the struct holds. */
	if (d->cost_text && export_restriction(d) != EXPORT_FULL)
		meta_row(p, dl, "Cost", d->cost_text);
	meta_row(p, dl, "State", export_state_label(d->state));
	const struct export_meeting *m = export_meeting_of(r, d->meeting);
	if (m) {
		export_meeting_name(r, m, buf, sizeof buf);
		if (d->item_code)
			snprintf(buf + strlen(buf), sizeof buf - strlen(buf), ", item %s",
			         d->item_code);
		snprintf(href, sizeof href, "meetings.html#meeting-%lld", (long long)m->id);
		export_el(p, dl, "dt", "Panel meeting");
		export_link(p, export_el(p, dl, "dd", NULL), href, buf);
	}
	meta_row(p, dl, "Restriction", restriction_label(d));
	meta_date(p, dl, "Review date",
	          export_restriction(d) != EXPORT_OPEN ? d->review_date : NULL);
}

static int decision_page(const struct export_register *r, const char *dir,
                         const struct export_decision *d, char *err, size_t errlen)
{
	char href[EXPORT_URL_LEN], path[4096], title[1024];
	struct export_page p = {0};
	int rc = decision_href(d, href, sizeof href);
	if (rc)
		return export_fail(err, errlen, rc, "%s: cannot make a file name of reference %s",
		                   dir, d->ref);
	if ((rc = export_path(path, sizeof path, dir, href, err, errlen)) != 0)
		return rc;
	snprintf(title, sizeof title, "%s: %s – %s", d->ref, d->title, r->office);
	if ((rc = export_page_new(&p, r, title, "../", EXPORT_NAV_NONE)) != 0)
		return export_fail(err, errlen, rc, "%s: out of memory", path);
	export_el(&p, p.main, "h1", d->title);
	char *notice = export_notice(d, &rc);
	if (rc) {
		rc = export_fail(err, errlen, rc, "%s: out of memory", path);
		goto out;
	}
	if (notice)
		export_attr(&p, export_el(&p, p.main, "p", notice), "class", "notice");
	decision_meta(&p, r, d);
	/* A full restriction publishes the title and the notice only (defence in depth). */
	if (export_restriction(d) != EXPORT_FULL && d->text && *d->text) {
		export_el(&p, p.main, "h2", "Decision");
		rc = export_blocks(&p, p.main, d->text);
	}
	if (rc == 0 && export_restriction(d) != EXPORT_FULL && d->justification &&
	    *d->justification) {
		export_el(&p, p.main, "h2", "Justification");
		rc = export_blocks(&p, p.main, d->justification);
	}
	export_link(&p, export_el(&p, p.main, "p", NULL), "index.html", "All decisions");
	if (rc == 0)
		rc = export_page_save(&p, path, err, errlen);
	else
		rc = export_fail(err, errlen, rc, "%s: cannot build the page", path);
out:
	export_page_free(&p);
	free(notice);
	return rc;
}

static int ensure_dir(const char *path, char *err, size_t errlen)
{
	struct stat st;
	if (mkdir(path, 0755) == 0)
		return 0;
	int e = errno;
	if (e == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	return export_fail(err, errlen, -DOCKET_ESYS, "%s: %s", path,
	                   strerror(e == EEXIST ? ENOTDIR : e));
}

int export_html(const struct export_register *r, const char *dir, char *err, size_t errlen)
{
	char path[4096];
	int rc = export_check(r, err, errlen);
	if (rc)
		return rc;
	if (!dir || !*dir)
		return export_fail(err, errlen, -DOCKET_EINVAL, "no directory to export to");
	if ((rc = ensure_dir(dir, err, errlen)) != 0 ||
	    (rc = export_path(path, sizeof path, dir, "decisions", err, errlen)) != 0 ||
	    (rc = ensure_dir(path, err, errlen)) != 0 ||
	    (rc = export_style(dir, err, errlen)) != 0 ||
	    (rc = index_page(r, dir, err, errlen)) != 0 ||
	    (rc = export_meetings_page(r, dir, err, errlen)) != 0)
		return rc;
	for (size_t i = 0; i < r->n; i++)
		if ((rc = decision_page(r, dir, &r->decisions[i], err, errlen)) != 0)
			return rc;
	if ((rc = export_path(path, sizeof path, dir, "feed.xml", err, errlen)) != 0)
		return rc;
	return export_atom(r, path, err, errlen);
}
