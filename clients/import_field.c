/* The import parsers' shared pieces: white space, errors, growing strings, quotes and words. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docket/error.h"
#include "import_field.h"

/* ---- White space and copies ---- */

size_t field_space(const char *s, size_t len)
{
	if (len == 0)
		return 0;
	if (s[0] == ' ' || s[0] == '\t' || s[0] == '\f' || s[0] == '\v')
		return 1;
	/* No-break spaces come with text copied out of word processors. */
	if (len >= 2 && (unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0)
		return 2;
	return 0;
}

void field_trim_end(const char *s, size_t *len)
{
	for (;;) {
		size_t n = *len;
		if (n >= 1 && field_space(s + n - 1, 1))
			*len = n - 1;
		/* 0xC2 is never a continuation byte, so C2 A0 at the end is a whole NBSP. */
		else if (n >= 2 && field_space(s + n - 2, 2) == 2)
			*len = n - 2;
		else
			return;
	}
}

void field_trim(const char **s, size_t *len)
{
	size_t k;
	while ((k = field_space(*s, *len)) != 0) {
		*s += k;
		*len -= k;
	}
	field_trim_end(*s, len);
}

int field_is_blank(const char *s, size_t len)
{
	field_trim(&s, &len);
	return len == 0;
}

char *field_strndup(const char *s, size_t len)
{
	char *p = malloc(len + 1);
	if (!p)
		return NULL;
	/* A tab inside a one-line value is a space to a reader; docketd refuses controls there. */
	for (size_t i = 0; i < len; i++)
		p[i] = s[i] == '\t' || s[i] == '\f' || s[i] == '\v' ? ' ' : s[i];
	p[len] = '\0';
	return p;
}

/* ---- Errors ---- */

int field_error(struct import_error *e, unsigned line, const char *fmt, ...)
{
	va_list ap;
	e->line = line;
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof e->message, fmt, ap);
	va_end(ap);
	return -DOCKET_EBADREQ;
}

void field_quote(const char *s, size_t len, char *out)
{
	size_t o = 0, chars = 0, i = 0;
	while (i < len && chars < FIELD_QUOTE_CHARS) {
		unsigned char c = (unsigned char)s[i];
		/* The input is valid UTF-8 (import_parse checked), so lead bytes give lengths. */
		size_t k = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
		if (k > len - i)
			break;
		if (c < 0x20 || c == 0x7F) {
			out[o++] = ' ';
		} else {
			memcpy(out + o, s + i, k);
			o += k;
		}
		i += k;
		chars++;
	}
	if (i < len) {
		memcpy(out + o, "\xE2\x80\xA6", 3); /* … */
		o += 3;
	}
	out[o] = '\0';
}

/* ---- Growing strings ---- */

int field_buf_add(struct field_buf *b, const char *s, size_t len)
{
	if (len > SIZE_MAX / 2 - b->len - 1)
		return -DOCKET_ENOMEM;
	if (b->len + len + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		while (cap < b->len + len + 1)
			cap *= 2;
		char *p = realloc(b->s, cap);
		if (!p)
			return -DOCKET_ENOMEM;
		b->s = p;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, len);
	b->len += len;
	b->s[b->len] = '\0';
	return 0;
}

void field_buf_free(struct field_buf *b)
{
	free(b->s);
	memset(b, 0, sizeof *b);
}

char *field_buf_take(struct field_buf *b)
{
	char *s = b->len ? b->s : NULL;
	if (!s)
		free(b->s);
	memset(b, 0, sizeof *b);
	return s;
}

int field_text_add(struct field_text *t, const char *s, size_t len)
{
	if (field_is_blank(s, len)) {
		/* Blank lines before the text are dropped; after it they may end a paragraph. */
		if (t->b.len)
			t->gap = 1;
		return 0;
	}
	if (t->b.len) {
		int rc = field_buf_add(&t->b, "\n\n", t->gap ? 2 : 1);
		if (rc)
			return rc;
	}
	t->gap = 0;
	return field_buf_add(&t->b, s, len);
}

int field_line_add(struct field_buf *b, const char *s, size_t len)
{
	field_trim(&s, &len);
	if (len == 0)
		return 0;
	if (b->len) {
		int rc = field_buf_add(b, " ", 1);
		if (rc)
			return rc;
	}
	return field_buf_add(b, s, len);
}

/* ---- Quotes ---- */

/* Length of an opening quote mark at the start of s, or 0. */
static size_t quote_open(const char *s, size_t len)
{
	if (len >= 1 && (s[0] == '"' || s[0] == '\''))
		return 1;
	/* “ ‘ „ */
	if (len >= 3 && memcmp(s, "\xE2\x80", 2) == 0 &&
	    (s[2] == '\x9C' || s[2] == '\x98' || s[2] == '\x9E'))
		return 3;
	return 0;
}

/* Length of a closing quote mark at the end of s, or 0. */
static size_t quote_close(const char *s, size_t len)
{
	if (len >= 1 && (s[len - 1] == '"' || s[len - 1] == '\''))
		return 1;
	/* ” ’ and a wrongly turned “ */
	if (len >= 3 && memcmp(s + len - 3, "\xE2\x80", 2) == 0 &&
	    (s[len - 1] == '\x9D' || s[len - 1] == '\x99' || s[len - 1] == '\x9C'))
		return 3;
	return 0;
}

void field_unquote(const char **s, size_t *len)
{
	field_trim(s, len);
	size_t o = quote_open(*s, *len), c = quote_close(*s, *len);
	if (o && c && o + c <= *len) {
		*s += o;
		*len -= o + c;
		field_trim(s, len);
	}
}

void field_strip_quotes(const char **s, size_t *len)
{
	size_t k;
	field_trim(s, len);
	while ((k = quote_open(*s, *len)) != 0) {
		*s += k;
		*len -= k;
		field_trim(s, len);
	}
	while ((k = quote_close(*s, *len)) != 0) {
		*len -= k;
		field_trim(s, len);
	}
}

/* ---- Words ---- */

int field_is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

int field_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

int field_next_word(const char *s, size_t len, size_t *pos, size_t *start, size_t *wlen)
{
	size_t i = *pos;
	while (i < len && !field_is_alnum(s[i]) && s[i] != '&')
		i++;
	if (i >= len)
		return 0;
	*start = i;
	if (s[i] == '&')
		i++;
	else
		while (i < len && field_is_alnum(s[i]))
			i++;
	*wlen = i - *start;
	*pos = i;
	return 1;
}

int field_prev_word(const char *s, size_t *pos, size_t *start, size_t *wlen)
{
	size_t i = *pos;
	while (i > 0 && !field_is_alnum(s[i - 1]) && s[i - 1] != '&')
		i--;
	if (i == 0)
		return 0;
	size_t end = i;
	if (s[i - 1] == '&')
		i--;
	else
		while (i > 0 && field_is_alnum(s[i - 1]))
			i--;
	*start = i;
	*wlen = end - i;
	*pos = i;
	return 1;
}

/* The word w equals the lowercase word a of alen bytes. */
static int word_eq(const char *w, size_t wlen, const char *a, size_t alen)
{
	if (wlen == 1 && w[0] == '&')
		return alen == 3 && memcmp(a, "and", 3) == 0;
	if (wlen != alen)
		return 0;
	for (size_t i = 0; i < wlen; i++)
		if (lower(w[i]) != a[i])
			return 0;
	return 1;
}

int field_word_is(const char *w, size_t wlen, const char *a)
{
	return word_eq(w, wlen, a, strlen(a));
}

/* When the words of s from *pos are those of phrase (lowercase, spaced), move *pos past them. */
int field_words_match(const char *s, size_t len, size_t *pos, const char *phrase)
{
	size_t p = *pos, ws, wl;
	for (const char *a = phrase; *a;) {
		size_t al = strcspn(a, " ");
		if (!field_next_word(s, len, &p, &ws, &wl) || !word_eq(s + ws, wl, a, al))
			return 0;
		a += al;
		while (*a == ' ')
			a++;
	}
	*pos = p;
	return 1;
}

/* As words_match, walking back from *pos: the words before it end with phrase. */
int field_words_match_back(const char *s, size_t *pos, const char *phrase)
{
	const char *w[16];
	size_t wl[16], n = 0, p = *pos, ws, l;
	/* Our phrases have a handful of words; the array bounds them, not the document. */
	for (const char *a = phrase; *a && n < 16; n++) {
		w[n] = a;
		wl[n] = strcspn(a, " ");
		a += wl[n];
		while (*a == ' ')
			a++;
	}
	while (n > 0) {
		n--;
		if (!field_prev_word(s, &p, &ws, &l) || !word_eq(s + ws, l, w[n], wl[n]))
			return 0;
	}
	*pos = p;
	return 1;
}

/* True when s has no word from pos on. */
int field_words_end(const char *s, size_t len, size_t pos)
{
	size_t ws, wl;
	return !field_next_word(s, len, &pos, &ws, &wl);
}

/* Number of words in a phrase of ours. */
size_t field_phrase_words(const char *phrase)
{
	size_t n = 0;
	for (const char *a = phrase; *a; a++)
		if (*a != ' ' && (a == phrase || a[-1] == ' '))
			n++;
	return n;
}

int field_month(const char *s, size_t len)
{
	static const char *const names[] = {"january",   "february", "march",    "april",
	                                    "may",       "june",     "july",     "august",
	                                    "september", "october",  "november", "december"};
	for (int m = 0; m < 12; m++) {
		size_t full = strlen(names[m]);
		if (word_eq(s, len, names[m], full) || (len == 3 && word_eq(s, len, names[m], 3)))
			return m + 1;
	}
	if (word_eq(s, len, "sept", 4))
		return 9;
	return 0;
}

/* ---- Decisions ---- */

int field_decision_push(struct import_doc *doc, size_t *cap, struct import_decision **d)
{
	if (doc->n == *cap) {
		size_t c = *cap ? *cap * 2 : 16;
		if (c > SIZE_MAX / sizeof *doc->decisions)
			return -DOCKET_ENOMEM;
		struct import_decision *v = realloc(doc->decisions, c * sizeof *v);
		if (!v)
			return -DOCKET_ENOMEM;
		doc->decisions = v;
		*cap = c;
	}
	*d = &doc->decisions[doc->n++];
	memset(*d, 0, sizeof **d);
	return 0;
}

void field_decision_free(struct import_decision *d)
{
	free(d->ref);
	free(d->title);
	free(d->text);
	free(d->justification);
	free(d->decision_maker);
	free(d->decided_on);
	free(d->restriction_reason);
	memset(d, 0, sizeof *d);
}
