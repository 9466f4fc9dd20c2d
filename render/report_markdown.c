/* The panel report as a CommonMark document, the office's text escaped to read as written. */
#include <stdio.h>
#include <string.h>

#include "report_int.h"

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_alnum(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/*
 * A line's opening that CommonMark would read as a block marker: a list
 * ("+", "-", "1." or "1)"), a setext underline ("=", "-"). The rest
 * (#, >, *) is escaped wherever it stands. Returns how many bytes were written.
 */
static size_t escape_line_start(struct rbuf *b, const char *s, size_t n)
{
	if (n > 0 && (s[0] == '+' || s[0] == '-' || s[0] == '=')) {
		rbuf_putc(b, '\\');
		rbuf_putc(b, s[0]);
		return 1;
	}
	size_t i = 0;
	while (i < n && is_digit(s[i]))
		i++;
	if (i > 0 && i < n && (s[i] == '.' || s[i] == ')')) {
		rbuf_add(b, s, i);
		rbuf_putc(b, '\\');
		rbuf_putc(b, s[i]);
		return i + 1;
	}
	return 0;
}

/* One line's characters, with inline markup characters backslash-escaped. */
static void escape_chars(struct rbuf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		int special = c != '\0' && strchr("\\*_[]<>#`", c) != NULL;
		/* "&" only where it could begin an entity such as &amp; or &#163;. */
		if (c == '&' && i + 1 < n && (is_alnum(s[i + 1]) || s[i + 1] == '#'))
			special = 1;
		if (special)
			rbuf_putc(b, '\\');
		rbuf_putc(b, c);
	}
}

/*
 * Escaped inline text, line by line: leading white space goes (four
 * spaces would make code), blank lines go (they would end the block),
 * and lines are joined by sep ("  \n", a hard break, or " " in a heading).
 */
static void inline_text(struct rbuf *b, const char *s, size_t n, const char *sep)
{
	int first = 1;
	size_t i = 0;
	while (i < n) {
		const char *nl = memchr(s + i, '\n', n - i);
		size_t end = nl ? (size_t)(nl - s) : n, start = i, stop = end;
		i = end + 1;
		while (start < stop && is_space(s[start]))
			start++;
		while (stop > start && is_space(s[stop - 1]))
			stop--;
		if (start == stop)
			continue;
		if (!first)
			rbuf_puts(b, sep);
		first = 0;
		size_t done = escape_line_start(b, s + start, stop - start);
		escape_chars(b, s + start + done, stop - start - done);
	}
}

static void inline_str(struct rbuf *b, const char *s, const char *sep)
{
	inline_text(b, s, strlen(s), sep);
}

static int on_block(void *ctx, enum text_block kind, const char *text, size_t len, int first_item,
                    int last_item)
{
	struct rbuf *w = ctx;
	(void)last_item;
	if (kind == TEXT_LIST_ITEM) {
		if (first_item)
			rbuf_block(w);
		rbuf_puts(w, "- ");
		inline_text(w, text, len, " ");
	} else {
		rbuf_block(w);
		inline_text(w, text, len, "  \n");
	}
	rbuf_putc(w, '\n');
	return w->err;
}

/* "**Decision:**" and the text's paragraphs and lists. */
static void section(struct rbuf *w, const char *label, const char *text)
{
	rbuf_block(w);
	rbuf_puts(w, label);
	rbuf_putc(w, '\n');
	text_blocks(text, on_block, w);
}

static void line(struct rbuf *w, const char *prefix, const char *s, const char *sep)
{
	rbuf_block(w);
	rbuf_puts(w, prefix);
	inline_str(w, s, sep);
	rbuf_putc(w, '\n');
}

/* "**From:** value", ending in two spaces, a hard break, but for the last. */
static void field(struct rbuf *w, int *open, const char *label, const char *value)
{
	if (!report_has_text(value))
		return;
	if (!*open)
		rbuf_block(w);
	else
		rbuf_puts(w, "  \n");
	*open = 1;
	rbuf_puts(w, label);
	inline_str(w, value, " ");
}

static void header(struct rbuf *w, const struct report *r)
{
	line(w, "# ", report_heading(r), " ");
	int open = 0;
	field(w, &open, "**From:** ", r->from);
	field(w, &open, "**To:** ", r->to);
	struct rbuf item = {0};
	if (report_item_line(r, &item) == 0 && item.err == 0)
		field(w, &open, "**Item & Date:** ", item.p);
	if (item.err != 0)
		w->err = item.err;
	rbuf_free(&item);
	if (open)
		rbuf_putc(w, '\n');
	/* The title line, when the subject took the heading. */
	if (report_has_text(r->subject) && report_has_text(r->title))
		line(w, "", r->title, "  \n");
}

static void heading(struct rbuf *w, const struct report_decision *d, size_t i)
{
	rbuf_block(w);
	rbuf_puts(w, "## ");
	if (report_has_text(d->title)) {
		inline_str(w, d->title, " ");
	} else {
		char num[32];
		snprintf(num, sizeof num, "Decision %zu", i + 1);
		rbuf_puts(w, num);
	}
	if (report_has_text(d->ref)) {
		rbuf_puts(w, " (");
		inline_str(w, d->ref, " ");
		rbuf_putc(w, ')');
	}
	rbuf_putc(w, '\n');
}

/* The meta line or the notice, built plain and escaped as one piece of text. */
static void derived(struct rbuf *w, const char *prefix, const struct report_decision *d,
                    enum restrict_kind k)
{
	struct rbuf s = {0};
	if (prefix == NULL)
		report_meta(d, 0, 1, &s); /* the heading holds the reference */
	else
		report_notice(d, k, &s);
	if (s.err != 0)
		w->err = s.err;
	else if (s.len > 0)
		line(w, prefix ? prefix : "", s.p, " ");
	rbuf_free(&s);
}

/* A fully restricted decision: heading and notice only, whatever text the struct holds. */
static void decision(struct rbuf *w, const struct report_decision *d, size_t i)
{
	enum restrict_kind k = report_restriction(d);
	heading(w, d, i);
	if (k == RESTRICT_FULL) {
		derived(w, "> **Restricted:** ", d, k);
		return;
	}
	derived(w, NULL, d, k);
	if (report_has_text(d->text))
		section(w, "**Decision:**", d->text);
	if (report_has_text(d->justification))
		section(w, "**Justification:**", d->justification);
	if (k == RESTRICT_PART)
		derived(w, "> **Restricted in part:** ", d, k);
}

int report_markdown(const struct report *r, struct rbuf *b)
{
	header(b, r);
	for (size_t i = 0; i < r->n; i++)
		decision(b, &r->decisions[i], i);
	if (r->n == 0)
		line(b, "", "No decisions.", " ");
	return b->err;
}
