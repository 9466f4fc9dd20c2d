/* What every exported page shares (head, header, nav, footer, style) and atomic file writing. */
#include <errno.h>
#include <fcntl.h>
#include <libical/ical.h>
#include <libxml/HTMLtree.h>
#include <libxml/xmlIO.h>
#include <sodium.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "date.h"
#include "docket/error.h"
#include "export_int.h"
#include "html_text.h"
#include "text.h"

int export_fail(char *err, size_t errlen, int code, const char *fmt, ...)
{
	if (err && errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return code;
}

int export_path(char *out, size_t outlen, const char *dir, const char *name, char *err,
                size_t errlen)
{
	int n = snprintf(out, outlen, "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= outlen)
		return export_fail(err, errlen, -DOCKET_EINVAL, "%s/%s: path too long", dir, name);
	return 0;
}

int export_url(const struct export_register *r, const char *rel, char *out, size_t outlen)
{
	int n = snprintf(out, outlen, "%s%s", r->base_url ? r->base_url : "", rel);
	return n < 0 || (size_t)n >= outlen ? -DOCKET_EINVAL : 0;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t w = write(fd, buf, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

int export_write_file(const char *path, const void *buf, size_t len, char *err, size_t errlen)
{
	char tmp[4096];
	int n = snprintf(tmp, sizeof tmp, "%s.tmp.XXXXXX", path);
	if (n < 0 || (size_t)n >= sizeof tmp)
		return export_fail(err, errlen, -DOCKET_EINVAL, "%s: path too long", path);
	int fd = mkstemp(tmp);
	if (fd < 0)
		return export_fail(err, errlen, -DOCKET_ESYS, "%s: %s", tmp, strerror(errno));
	/* mkstemp makes the file private; a web server must be able to read what it serves. */
	int rc = fchmod(fd, 0644) || write_all(fd, buf, len) || fsync(fd) ? -1 : 0;
	int saved = errno;
	if (close(fd) != 0 && rc == 0) {
		rc = -1;
		saved = errno;
	}
	/* rename replaces the old file in one step: a reader sees the old page or the new one. */
	if (rc == 0 && rename(tmp, path) != 0) {
		rc = -1;
		saved = errno;
	}
	if (rc != 0) {
		unlink(tmp);
		return export_fail(err, errlen, -DOCKET_ESYS, "%s: %s", path, strerror(saved));
	}
	return 0;
}

xmlNodePtr export_el(struct export_page *p, xmlNodePtr parent, const char *name, const char *text)
{
	if (!parent)
		return NULL;
	/* xmlNewTextChild, not xmlNewChild: the text is literal and escaped when written. */
	xmlNodePtr n = xmlNewTextChild(parent, NULL, BAD_CAST name, BAD_CAST text);
	if (!n)
		p->oom = 1;
	return n;
}

void export_attr(struct export_page *p, xmlNodePtr node, const char *name, const char *value)
{
	if (node && !xmlNewProp(node, BAD_CAST name, BAD_CAST value))
		p->oom = 1;
}

void export_text(struct export_page *p, xmlNodePtr parent, const char *text, size_t len)
{
	if (!parent)
		return;
	xmlNodePtr t = xmlNewTextLen(BAD_CAST text, (int)len);
	if (!t || !xmlAddChild(parent, t)) {
		xmlFreeNode(t);
		p->oom = 1;
	}
}

xmlNodePtr export_link(struct export_page *p, xmlNodePtr parent, const char *href, const char *text)
{
	char buf[EXPORT_URL_LEN];
	xmlNodePtr a = export_el(p, parent, "a", text);
	if (href[0] == '#') {
		export_attr(p, a, "href", href);
	} else {
		/* Links are written from the site's root, made relative to where the page lives. */
		snprintf(buf, sizeof buf, "%s%s", p->root, href);
		export_attr(p, a, "href", buf);
	}
	return a;
}

void export_date(struct export_page *p, xmlNodePtr parent, const char *ymd)
{
	char text[TEXT_DATE_LEN];
	if (!ymd || text_long_date(ymd, text) != 0) {
		export_text(p, parent, "Not recorded", strlen("Not recorded"));
		return;
	}
	xmlNodePtr t = export_el(p, parent, "time", text);
	export_attr(p, t, "datetime", ymd);
}

int export_blocks(struct export_page *p, xmlNodePtr parent, const char *text)
{
	int rc = p->oom ? -DOCKET_ENOMEM : html_text(parent, text);
	if (rc == -DOCKET_ENOMEM)
		p->oom = 1;
	return rc;
}

static void head(struct export_page *p, xmlNodePtr html, const struct export_register *r,
                 const char *title)
{
	char href[64];
	xmlNodePtr h = export_el(p, html, "head", NULL);
	export_attr(p, export_el(p, h, "meta", NULL), "charset", "utf-8");
	xmlNodePtr vp = export_el(p, h, "meta", NULL);
	export_attr(p, vp, "name", "viewport");
	export_attr(p, vp, "content", "width=device-width, initial-scale=1");
	export_el(p, h, "title", title);
	xmlNodePtr css = export_el(p, h, "link", NULL);
	export_attr(p, css, "rel", "stylesheet");
	snprintf(href, sizeof href, "%sstyle.css", p->root);
	export_attr(p, css, "href", href);
	/* Lets feed readers find the feed from any page. */
	xmlNodePtr feed = export_el(p, h, "link", NULL);
	export_attr(p, feed, "rel", "alternate");
	export_attr(p, feed, "type", "application/atom+xml");
	export_attr(p, feed, "title", r->office);
	snprintf(href, sizeof href, "%sfeed.xml", p->root);
	export_attr(p, feed, "href", href);
}

static void nav_link(struct export_page *p, xmlNodePtr ul, const char *href, const char *text,
                     int current)
{
	xmlNodePtr a = export_link(p, export_el(p, ul, "li", NULL), href, text);
	if (current)
		export_attr(p, a, "aria-current", "page");
}

static void banner(struct export_page *p, xmlNodePtr body, const struct export_register *r,
                   enum export_nav current)
{
	xmlNodePtr skip = export_link(p, body, "#main", "Skip to main content");
	export_attr(p, skip, "class", "skip");
	xmlNodePtr header = export_el(p, body, "header", NULL);
	export_attr(p, export_el(p, header, "p", r->office), "class", "office");
	xmlNodePtr nav = export_el(p, header, "nav", NULL);
	export_attr(p, nav, "aria-label", "Register");
	xmlNodePtr ul = export_el(p, nav, "ul", NULL);
	nav_link(p, ul, "index.html", "Decisions", current == EXPORT_NAV_DECISIONS);
	nav_link(p, ul, "meetings.html", "Meetings", current == EXPORT_NAV_MEETINGS);
	nav_link(p, ul, "feed.xml", "Atom feed", 0);
}

/* "22 September 2015 at 10:00 BST", the office's reading of the export's time. */
static void footer(struct export_page *p, xmlNodePtr body, const struct export_register *r)
{
	struct export_local l;
	char date[TEXT_DATE_LEN], text[80], iso[21];
	xmlNodePtr f = export_el(p, body, "footer", NULL);
	xmlNodePtr para = export_el(p, f, "p", "Generated ");
	if (export_local_time(r->zone, r->generated, &l) == 0 && text_long_date(l.ymd, date) == 0 &&
	    export_rfc3339(r->generated, iso) == 0) {
		snprintf(text, sizeof text, "%s at %02d:%02d %s", date, l.h, l.mi, l.abbr);
		export_attr(p, export_el(p, para, "time", text), "datetime", iso);
	} else {
		export_text(p, para, r->generated, strlen(r->generated));
	}
	export_text(p, para, ".", 1);
}

int export_page_new(struct export_page *p, const struct export_register *r, const char *title,
                    const char *root, enum export_nav current)
{
	memset(p, 0, sizeof *p);
	p->root = root;
	p->doc = htmlNewDocNoDtD(NULL, NULL);
	if (!p->doc)
		return -DOCKET_ENOMEM;
	xmlNodePtr html = xmlNewDocNode(p->doc, NULL, BAD_CAST "html", NULL);
	/* htmlNewDocNoDtD leaves the doctype to us: <!DOCTYPE html>, HTML5's. */
	if (!html || !xmlCreateIntSubset(p->doc, BAD_CAST "html", NULL, NULL)) {
		xmlFreeNode(html);
		export_page_free(p);
		return -DOCKET_ENOMEM;
	}
	xmlDocSetRootElement(p->doc, html);
	export_attr(p, html, "lang", "en-GB");
	head(p, html, r, title);
	xmlNodePtr body = export_el(p, html, "body", NULL);
	banner(p, body, r, current);
	p->main = export_el(p, body, "main", NULL);
	export_attr(p, p->main, "id", "main");
	/* So that following the skip link moves keyboard focus, not only the view. */
	export_attr(p, p->main, "tabindex", "-1");
	footer(p, body, r);
	if (p->oom) {
		export_page_free(p);
		return -DOCKET_ENOMEM;
	}
	return 0;
}

void export_page_free(struct export_page *p)
{
	xmlFreeDoc(p->doc);
	p->doc = NULL;
	p->main = NULL;
}

int export_page_save(struct export_page *p, const char *path, char *err, size_t errlen)
{
	int rc = 0;
	xmlOutputBufferPtr out = NULL;
	if (p->oom) {
		rc = export_fail(err, errlen, -DOCKET_ENOMEM, "%s: out of memory", path);
		goto out;
	}
	/*
	 * An output buffer without an encoder passes libxml2's UTF-8 through;
	 * htmlDocDumpMemoryFormat would write every non-ASCII character as an
	 * entity, and xmlSave would add a second, http-equiv charset meta.
	 */
	out = xmlAllocOutputBuffer(NULL);
	if (!out) {
		rc = export_fail(err, errlen, -DOCKET_ENOMEM, "%s: out of memory", path);
		goto out;
	}
	htmlDocContentDumpFormatOutput(out, p->doc, "UTF-8", 1);
	if (xmlOutputBufferFlush(out) < 0 || out->error) {
		rc =
		    export_fail(err, errlen, -DOCKET_ENOMEM, "%s: cannot serialise the page", path);
		goto out;
	}
	rc = export_write_file(path, xmlOutputBufferGetContent(out), xmlOutputBufferGetSize(out),
	                       err, errlen);
out:
	if (out)
		xmlOutputBufferClose(out);
	export_page_free(p);
	return rc;
}

/*
 * The one stylesheet. Colours meet WCAG 2.2 AA on white: text #0b0c0c
 * (19:1), links #1d70b8 (5.2:1), visited #4c2c92 (10:1), secondary text
 * #505a5f (7:1); focus is a yellow block with a dark underline, visible
 * on the dark header as on the page. System fonts only: nothing is
 * fetched from anywhere.
 */
static const char style_css[] =
    "/* docket's public register: screen and print (A4). */\n"
    "html { font-family: system-ui, -apple-system, \"Segoe UI\", Roboto, Arial, sans-serif;\n"
    "  font-size: 100%; line-height: 1.5; color: #0b0c0c; background: #fff; }\n"
    "body { margin: 0; }\n"
    "header, main, footer { padding: 0 max(1rem, calc((100% - 72rem) / 2)); }\n"
    "header { background: #0b0c0c; color: #fff; padding-top: .75rem;\n"
    "  padding-bottom: .75rem; }\n"
    ".office { margin: 0 0 .25rem; font-size: 1.25rem; font-weight: 700; }\n"
    "nav ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap;\n"
    "  gap: .25rem 1.5rem; }\n"
    "header a, header a:visited { color: #fff; }\n"
    "a[aria-current=\"page\"] { font-weight: 700; text-decoration-thickness: 3px; }\n"
    "a { color: #1d70b8; text-decoration: underline; text-underline-offset: .15em; }\n"
    "a:visited { color: #4c2c92; }\n"
    "a:hover { color: #003078; text-decoration-thickness: 3px; }\n"
    "a:focus-visible, header a:focus-visible { outline: 3px solid transparent;\n"
    "  color: #0b0c0c; background: #fd0; box-shadow: 0 -2px #fd0, 0 4px #0b0c0c;\n"
    "  text-decoration: none; }\n"
    ".skip { position: absolute; left: -9999px; top: 0; }\n"
    ".skip:focus { position: static; display: block; padding: .5rem 1rem; }\n"
    "main { padding-bottom: 2rem; }\n"
    "main:focus { outline: none; }\n"
    "h1 { font-size: 2rem; line-height: 1.2; margin: 1.5rem 0 1rem; }\n"
    "h2 { font-size: 1.5rem; line-height: 1.25; margin: 2rem 0 .75rem; }\n"
    "h3 { font-size: 1.2rem; margin: 1.5rem 0 .5rem; }\n"
    "p, li, dd { max-width: 44rem; }\n"
    ".lede { font-size: 1.125rem; }\n"
    ".years ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap;\n"
    "  gap: .25rem 1rem; }\n"
    ".scroll { overflow-x: auto; }\n"
    ".scroll:focus-visible { outline: 3px solid #0b0c0c; outline-offset: 2px; }\n"
    "table { border-collapse: collapse; width: 100%; margin: 0 0 1.5rem; }\n"
    "caption { text-align: left; font-weight: 700; padding: .5rem 0; }\n"
    "th, td { text-align: left; vertical-align: top; padding: .5rem 1rem .5rem 0;\n"
    "  border-bottom: 1px solid #b1b4b6; }\n"
    "thead th { border-bottom: 2px solid #0b0c0c; }\n"
    "tbody th { font-weight: 400; }\n"
    "td.date { white-space: nowrap; }\n"
    "@media (min-width: 48rem) {\n"
    "  /* The same columns in every year's table, so that the years line up. */\n"
    "  table.register { table-layout: fixed; }\n"
    "  table.register th:nth-child(1) { width: 9.5rem; }\n"
    "  table.register th:nth-child(2) { width: 7.5rem; }\n"
    "  table.register th:nth-child(4) { width: 10rem; }\n"
    "  table.register th:nth-child(5) { width: 9rem; }\n"
    "  table.register th:nth-child(6) { width: 8.5rem; }\n"
    "}\n"
    ".tag { display: inline-block; padding: 0 .35rem; border: 2px solid #0b0c0c;\n"
    "  font-weight: 700; white-space: nowrap; }\n"
    ".notice { border-left: 6px solid #0b0c0c; background: #f3f2f1; padding: .75rem 1rem;\n"
    "  margin: 1rem 0 1.5rem; font-weight: 700; max-width: 42rem; }\n"
    "dl.meta { display: grid; grid-template-columns: minmax(9rem, max-content) 1fr;\n"
    "  gap: .35rem 1.5rem; margin: 1rem 0 1.5rem; }\n"
    "dl.meta dt { font-weight: 700; }\n"
    "dl.meta dd { margin: 0; }\n"
    "section.meeting { border-top: 1px solid #b1b4b6; }\n"
    "footer { border-top: 1px solid #b1b4b6; color: #505a5f; padding-top: 1rem;\n"
    "  padding-bottom: 2rem; }\n"
    "@media (max-width: 40rem) {\n"
    "  dl.meta { grid-template-columns: 1fr; gap: 0; }\n"
    "  dl.meta dd { margin-bottom: .5rem; }\n"
    "  h1 { font-size: 1.6rem; }\n"
    "}\n"
    "@media print {\n"
    "  @page { size: A4; margin: 18mm 16mm; }\n"
    "  html { font-size: 11pt; color: #000; background: #fff; }\n"
    "  header, main, footer { padding-left: 0; padding-right: 0; }\n"
    "  header { background: none; color: #000; border-bottom: 1pt solid #000; }\n"
    "  .skip, nav { display: none; }\n"
    "  a, a:visited { color: #000; }\n"
    "  .scroll { overflow: visible; }\n"
    "  .notice { background: none; border: 1pt solid #000; border-left-width: 4pt; }\n"
    "  h1, h2, h3, caption { break-after: avoid; }\n"
    "  tr, li, .notice, dl.meta { break-inside: avoid; }\n"
    "  thead { display: table-header-group; }\n"
    "}\n";

int export_style(const char *dir, char *err, size_t errlen)
{
	char path[4096];
	int rc = export_path(path, sizeof path, dir, "style.css", err, errlen);
	return rc ? rc : export_write_file(path, style_css, sizeof style_css - 1, err, errlen);
}
