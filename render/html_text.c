/* A long text as HTML: the one writer of paragraphs and lists for reports and register pages. */
#include <limits.h>
#include <string.h>

#include "docket/error.h"
#include "html_text.h"
#include "text.h"

struct writer {
	xmlNodePtr parent, list;
	int err;
};

static xmlNodePtr child(struct writer *w, xmlNodePtr parent, const char *name)
{
	if (w->err)
		return NULL;
	xmlNodePtr n = xmlNewChild(parent, NULL, (const xmlChar *)name, NULL);
	if (!n)
		w->err = -DOCKET_ENOMEM;
	return n;
}

/* The lines of s, trimmed, with <br> between them. */
static void lines(struct writer *w, xmlNodePtr parent, const char *s, size_t n)
{
	if (!parent)
		return;
	for (int first = 1; n > 0 && !w->err; first = 0) {
		const char *nl = memchr(s, '\n', n);
		size_t len = nl ? (size_t)(nl - s) : n, start = 0, stop = len;
		while (start < stop && strchr(" \t\r", s[start]))
			start++;
		while (stop > start && strchr(" \t\r", s[stop - 1]))
			stop--;
		if (!first)
			child(w, parent, "br");
		if (stop - start > INT_MAX) { /* libxml2 counts in int */
			w->err = -DOCKET_EINVAL;
			return;
		}
		xmlNodePtr t = w->err ? NULL
				      : xmlNewTextLen((const xmlChar *)s + start, (int)(stop - start));
		if (!w->err && (!t || !xmlAddChild(parent, t))) {
			xmlFreeNode(t);
			w->err = -DOCKET_ENOMEM;
		}
		s += nl ? len + 1 : len;
		n -= nl ? len + 1 : len;
	}
}

static int block(void *ctx, enum text_block kind, const char *s, size_t n, int first_item,
		 int last_item)
{
	struct writer *w = ctx;
	if (kind == TEXT_LIST_ITEM) {
		if (first_item || !w->list)
			w->list = child(w, w->parent, "ul");
		lines(w, child(w, w->list, "li"), s, n);
		if (last_item)
			w->list = NULL;
	} else {
		w->list = NULL;
		lines(w, child(w, w->parent, "p"), s, n);
	}
	return w->err;
}

int html_text(xmlNodePtr parent, const char *text)
{
	struct writer w = {.parent = parent};
	int rc = text ? text_blocks(text, block, &w) : 0;
	return rc < 0 ? rc : w.err;
}
