/* The panel report as one self-contained HTML page, a libxml2 tree so that all text is escaped. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <libxml/HTMLtree.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlIO.h>

#include "docket/error.h"
#include "html_text.h"
#include "report_int.h"

/*
 * The page's only style: readable on screen, and on A4 in black on
 * white. Colours: #1b1b1b on #fff is 17:1 and #4d4d4d on #fff 8.5:1;
 * the restriction notice says what it is in words, its colour is extra.
 */
static const char css[] =
    "\n"
    "body { max-width: 42em; margin: 0 auto; padding: 1em;\n"
    "  font-family: system-ui, -apple-system, \"Segoe UI\", Roboto, \"Helvetica Neue\", Arial, "
    "sans-serif;\n"
    "  line-height: 1.5; color: #1b1b1b; background: #fff; }\n"
    "h1 { font-size: 1.6em; line-height: 1.25; }\n"
    "h2 { font-size: 1.3em; line-height: 1.3; margin-top: 2em; padding-top: 1em;\n"
    "  border-top: 1px solid #b0b0b0; }\n"
    "h3 { font-size: 1.05em; margin: 1.25em 0 0.25em; }\n"
    "dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.25em 1em; }\n"
    "dt { font-weight: bold; }\n"
    "dd { margin: 0; }\n"
    ".meta { color: #4d4d4d; }\n"
    ".restriction { padding: 0.5em 1em; border-left: 0.3em solid #7a5200; background: #fdf5e0; }\n"
    "@media print {\n"
    "  @page { size: A4; margin: 20mm; }\n"
    "  body { max-width: none; margin: 0; padding: 0; font-size: 11pt;\n"
    "    color: #000; background: none; }\n"
    "  .meta { color: #000; }\n"
    "  .restriction { background: none; border-left-color: #000; }\n"
    "  h1, h2, h3, dt { break-after: avoid; page-break-after: avoid; }\n"
    "  li, dl, .meta, .restriction { break-inside: avoid; }\n"
    "  p { orphans: 3; widows: 3; }\n"
    "  article.short { break-inside: avoid-page; }\n"
    "}\n";

/*
 * A decision this short fits on a page with room to spare, so the page
 * keeps it whole when printed; a longer one may break between paragraphs.
 */
#define SHORT_ARTICLE 1200

/* The tree being built; the first failure sticks and stops all further building. */
struct hw {
	xmlDocPtr doc;
	int err;
};

static void fail(struct hw *h)
{
	h->err = -DOCKET_ENOMEM;
}

/* Text of n bytes added to parent (escaped on output by libxml2). */
static void text_n(struct hw *h, xmlNodePtr parent, const char *s, size_t n)
{
	if (parent == NULL || h->err != 0)
		return;
	if (n > INT_MAX) { /* libxml2 counts in int */
		h->err = -DOCKET_EINVAL;
		return;
	}
	xmlNodePtr t = xmlNewDocTextLen(h->doc, (const xmlChar *)s, (int)n);
	if (t == NULL || xmlAddChild(parent, t) == NULL) {
		xmlFreeNode(t);
		fail(h);
	}
}

static void text(struct hw *h, xmlNodePtr parent, const char *s)
{
	text_n(h, parent, s, strlen(s));
}

/* A new element under parent, with text when text is not NULL; NULL once anything failed. */
static xmlNodePtr el(struct hw *h, xmlNodePtr parent, const char *name, const char *s)
{
	if (parent == NULL || h->err != 0)
		return NULL;
	xmlNodePtr n = xmlNewDocNode(h->doc, NULL, (const xmlChar *)name, NULL);
	if (n == NULL || xmlAddChild(parent, n) == NULL) {
		xmlFreeNode(n);
		fail(h);
		return NULL;
	}
	if (s != NULL)
		text(h, n, s);
	return n;
}

static void attr(struct hw *h, xmlNodePtr n, const char *name, const char *value)
{
	if (n != NULL && h->err == 0 &&
	    xmlNewProp(n, (const xmlChar *)name, (const xmlChar *)value) == NULL)
		fail(h);
}

/* libxml2 knows only HTML 4 and lays out header, main and article on one line: break it. */
static void nl(struct hw *h, xmlNodePtr parent)
{
	text(h, parent, "\n");
}

static void section(struct hw *h, xmlNodePtr article, const char *heading, const char *s)
{
	el(h, article, "h3", heading);
	if (h->err == 0 && article != NULL) {
		int rc = html_text(article, s);
		if (rc < 0)
			h->err = rc;
	}
}

/* The shared wording as a paragraph: the meta line (k none) or the restriction notice. */
static void derived(struct hw *h, xmlNodePtr article, const struct report_decision *d,
                    enum restrict_kind k, int with_decided)
{
	struct rbuf s = {0};
	if (k == RESTRICT_NONE)
		report_meta(d, 1, with_decided, &s);
	else
		report_notice(d, k, &s);
	if (s.err != 0) {
		fail(h);
	} else if (s.len > 0 && k == RESTRICT_NONE) {
		attr(h, el(h, article, "p", s.p), "class", "meta");
	} else if (s.len > 0) {
		/* The label is words, not colour alone. */
		xmlNodePtr p = el(h, article, "p", NULL);
		attr(h, p, "class", "restriction");
		el(h, p, "strong", report_notice_label(k));
		text(h, p, " ");
		text(h, p, s.p);
	}
	rbuf_free(&s);
}

static size_t length(const char *s)
{
	return s ? strlen(s) : 0;
}

/* One article: "Decision N: title", the meta line, the texts, the notice. */
static void decision(struct hw *h, xmlNodePtr mn, const struct report_decision *d, size_t i)
{
	enum restrict_kind k = report_restriction(d);
	char id[48], head[48];
	xmlNodePtr a = el(h, mn, "article", NULL);
	nl(h, a);
	snprintf(id, sizeof id, "decision-%zu", i + 1);
	attr(h, a, "id", id);
	if (k == RESTRICT_FULL || length(d->text) + length(d->justification) < SHORT_ARTICLE)
		attr(h, a, "class", "short");
	snprintf(head, sizeof head, report_has_text(d->title) ? "Decision %zu: " : "Decision %zu",
	         i + 1);
	xmlNodePtr h2 = el(h, a, "h2", head);
	if (report_has_text(d->title))
		text(h, h2, d->title);
	/* Fully restricted: the reference and the notice, never any text the struct holds. */
	derived(h, a, d, RESTRICT_NONE, k != RESTRICT_FULL);
	if (k != RESTRICT_FULL && report_has_text(d->text))
		section(h, a, "Decision", d->text);
	if (k != RESTRICT_FULL && report_has_text(d->justification))
		section(h, a, "Justification", d->justification);
	if (k != RESTRICT_NONE)
		derived(h, a, d, k, 0);
	nl(h, mn);
}

static void field(struct hw *h, xmlNodePtr *dl, xmlNodePtr header, const char *name,
                  const char *value)
{
	if (!report_has_text(value))
		return;
	if (*dl == NULL)
		*dl = el(h, header, "dl", NULL);
	el(h, *dl, "dt", name);
	el(h, *dl, "dd", value);
}

static void header(struct hw *h, xmlNodePtr body, const struct report *r)
{
	xmlNodePtr hd = el(h, body, "header", NULL), dl = NULL;
	nl(h, hd);
	el(h, hd, "h1", report_heading(r));
	if (report_has_text(r->subject) && report_has_text(r->title))
		attr(h, el(h, hd, "p", r->title), "class", "title");
	field(h, &dl, hd, "From", r->from);
	field(h, &dl, hd, "To", r->to);
	struct rbuf item = {0};
	if (report_item_line(r, &item) == 0 && item.err == 0)
		field(h, &dl, hd, "Item & Date", item.p);
	if (item.err != 0)
		fail(h);
	rbuf_free(&item);
	nl(h, body);
}

static void head(struct hw *h, xmlNodePtr html, const struct report *r)
{
	xmlNodePtr hd = el(h, html, "head", NULL);
	attr(h, el(h, hd, "meta", NULL), "charset", "utf-8");
	xmlNodePtr vp = el(h, hd, "meta", NULL);
	attr(h, vp, "name", "viewport");
	attr(h, vp, "content", "width=device-width, initial-scale=1");
	el(h, hd, "title", report_heading(r));
	el(h, hd, "style", css);
}

static void build(struct hw *h, const struct report *r)
{
	if (xmlCreateIntSubset(h->doc, (const xmlChar *)"html", NULL, NULL) == NULL) {
		fail(h);
		return;
	}
	xmlNodePtr html = xmlNewDocNode(h->doc, NULL, (const xmlChar *)"html", NULL);
	if (html == NULL) {
		fail(h);
		return;
	}
	xmlDocSetRootElement(h->doc, html);
	attr(h, html, "lang", "en-GB");
	head(h, html, r);
	xmlNodePtr body = el(h, html, "body", NULL);
	header(h, body, r);
	xmlNodePtr mn = el(h, body, "main", NULL);
	nl(h, mn);
	for (size_t i = 0; i < r->n; i++)
		decision(h, mn, &r->decisions[i], i);
	if (r->n == 0)
		el(h, mn, "p", "No decisions.");
}

/*
 * Serialised as htmlDocDumpMemoryFormat does, but into a buffer with no
 * encoder: the bytes stay UTF-8 as the page declares, and libxml2 adds
 * no http-equiv meta of its own (xmlSaveToBuffer would).
 */
static int dump(struct hw *h, struct rbuf *b)
{
	xmlOutputBufferPtr ob = xmlAllocOutputBuffer(NULL);
	if (ob == NULL)
		return -DOCKET_ENOMEM;
	htmlDocContentDumpFormatOutput(ob, h->doc, NULL, 1);
	const xmlChar *s = xmlOutputBufferGetContent(ob);
	int rc = ob->error == 0 && s != NULL ? 0 : -DOCKET_ENOMEM;
	if (rc == 0)
		rbuf_add(b, (const char *)s, xmlOutputBufferGetSize(ob));
	xmlOutputBufferClose(ob);
	return rc != 0 ? rc : b->err;
}

int report_html(const struct report *r, struct rbuf *b)
{
	xmlInitParser();
	struct hw h = {.doc = htmlNewDocNoDtD(NULL, NULL), .err = 0};
	int rc = -DOCKET_ENOMEM;
	if (h.doc == NULL)
		goto out;
	build(&h, r);
	rc = h.err != 0 ? h.err : dump(&h, b);
out:
	xmlFreeDoc(h.doc);
	return rc;
}
