/* Long texts walked as paragraphs and bullet items, and dates written the office's way. */
#include <stdio.h>
#include <string.h>

#include "date.h"
#include "text.h"

/* What one line of a long text is, for text_blocks. */
enum line_kind { LINE_END, LINE_BLANK, LINE_ITEM, LINE_TEXT };

/* Spaces, tabs and carriage returns: white space at a line's end or in a blank line. */
static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Length of the line at p, without its "\n". */
static size_t line_len(const char *p)
{
	const char *nl = strchr(p, '\n');
	return nl ? (size_t)(nl - p) : strlen(p);
}

/* The start of the line after the one at p (of n bytes), or NULL after the last one. */
static const char *next_line(const char *p, size_t n)
{
	return p[n] == '\n' ? p + n + 1 : NULL;
}

static size_t trim_end(const char *p, size_t n)
{
	while (n > 0 && is_space(p[n - 1]))
		n--;
	return n;
}

static enum line_kind classify(const char *p)
{
	if (p == NULL)
		return LINE_END;
	size_t n = line_len(p);
	if (trim_end(p, n) == 0)
		return LINE_BLANK;
	if (n >= 2 && p[0] == '-' && p[1] == ' ')
		return LINE_ITEM;
	return LINE_TEXT;
}

/* A list item: the text after "- " up to its last character that is not white space. */
static int emit_item(const char *p, int first, text_block_fn fn, void *ctx)
{
	size_t n = line_len(p);
	int last = classify(next_line(p, n)) != LINE_ITEM;
	return fn(ctx, TEXT_LIST_ITEM, p + 2, trim_end(p + 2, n - 2), first, last);
}

/*
 * A paragraph: the run of text lines from p, one block with its inner
 * newlines kept. Sets *end to the first line after the run (or NULL).
 */
static int emit_paragraph(const char *p, const char **end, text_block_fn fn, void *ctx)
{
	const char *q = p, *last = p;
	while (classify(q) == LINE_TEXT) {
		last = q;
		q = next_line(q, line_len(q));
	}
	*end = q;
	size_t n = (size_t)(last - p) + trim_end(last, line_len(last));
	return fn(ctx, TEXT_PARAGRAPH, p, n, 0, 0);
}

int text_blocks(const char *text, text_block_fn fn, void *ctx)
{
	const char *p = text;
	enum line_kind prev = LINE_BLANK;
	while (p != NULL && *p != '\0') {
		enum line_kind k = classify(p);
		const char *next = next_line(p, line_len(p));
		int rc = 0;
		if (k == LINE_ITEM)
			rc = emit_item(p, prev != LINE_ITEM, fn, ctx);
		else if (k == LINE_TEXT)
			rc = emit_paragraph(p, &next, fn, ctx);
		if (rc != 0)
			return rc;
		prev = k;
		p = next;
	}
	return 0;
}

int text_long_date(const char *ymd, char out[TEXT_DATE_LEN])
{
	static const char *const months[] = {
	    "January", "February", "March",     "April",   "May",      "June",
	    "July",    "August",   "September", "October", "November", "December",
	};
	int64_t days;
	int y, m, d;
	if (ymd == NULL || date_parse(ymd, strlen(ymd), &days) < 0)
		return -1;
	date_civil(days, &y, &m, &d);
	/* Day without a leading zero, as the office writes it: "1 September 2015". */
	snprintf(out, TEXT_DATE_LEN, "%d %s %d", d, months[m - 1], y);
	return 0;
}
