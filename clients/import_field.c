/* The import parsers' shared pieces: white space, values, dates, decision makers and titles. */
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
	memcpy(p, s, len);
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

static int is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static int is_digit(char c)
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
	while (i < len && !is_alnum(s[i]) && s[i] != '&')
		i++;
	if (i >= len)
		return 0;
	*start = i;
	if (s[i] == '&')
		i++;
	else
		while (i < len && is_alnum(s[i]))
			i++;
	*wlen = i - *start;
	*pos = i;
	return 1;
}

int field_prev_word(const char *s, size_t *pos, size_t *start, size_t *wlen)
{
	size_t i = *pos;
	while (i > 0 && !is_alnum(s[i - 1]) && s[i - 1] != '&')
		i--;
	if (i == 0)
		return 0;
	size_t end = i;
	if (s[i - 1] == '&')
		i--;
	else
		while (i > 0 && is_alnum(s[i - 1]))
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
static int words_match(const char *s, size_t len, size_t *pos, const char *phrase)
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
static int words_match_back(const char *s, size_t *pos, const char *phrase)
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
static int words_end(const char *s, size_t len, size_t pos)
{
	size_t ws, wl;
	return !field_next_word(s, len, &pos, &ws, &wl);
}

/* Number of words in a phrase of ours. */
static size_t phrase_words(const char *phrase)
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

/* ---- Dates ---- */

static int is_weekday(const char *w, size_t wl)
{
	static const char *const days[] = {"monday",   "tuesday", "wednesday", "thursday", "friday",
	                                   "saturday", "sunday",  "mon",       "tue",      "tues",
	                                   "wed",      "thu",     "thur",      "thurs",    "fri",
	                                   "sat",      "sun"};
	for (size_t i = 0; i < sizeof days / sizeof days[0]; i++)
		if (field_word_is(w, wl, days[i]))
			return 1;
	return 0;
}

/* A day of the month as "19", "19th", "1st", "22nd", "3rd"; -1 otherwise. */
static int day_word(const char *w, size_t wl)
{
	size_t i = 0;
	int d = 0;
	while (i < wl && i < 2 && is_digit(w[i]))
		d = d * 10 + (w[i++] - '0');
	if (i == 0)
		return -1;
	if (i == wl)
		return d;
	if (wl - i == 2 && (field_word_is(w + i, 2, "st") || field_word_is(w + i, 2, "nd") ||
	                    field_word_is(w + i, 2, "rd") || field_word_is(w + i, 2, "th")))
		return d;
	return -1;
}

/* A year of 4 digits, or of 2 meaning 20YY; -1 otherwise. */
static int year_word(const char *w, size_t wl)
{
	if (wl != 2 && wl != 4)
		return -1;
	int y = 0;
	for (size_t i = 0; i < wl; i++) {
		if (!is_digit(w[i]))
			return -1;
		y = y * 10 + (w[i] - '0');
	}
	return wl == 2 ? 2000 + y : y;
}

/* Digits at s[*i], at most max of them; -1 when there are none or too many. */
static int digits(const char *s, size_t len, size_t *i, size_t max, size_t *count)
{
	size_t start = *i;
	int v = 0;
	while (*i < len && is_digit(s[*i])) {
		if (*i - start == max)
			return -1;
		v = v * 10 + (s[(*i)++] - '0');
	}
	*count = *i - start;
	return *count ? v : -1;
}

/* "05/07/2018", "5/7/18", "05.07.2018", "05-07-2018" (day first) or "2018-07-05". */
static int numeric_date(const char *s, size_t len, int *y, int *m, int *d)
{
	size_t i = 0, n1, n2, n3;
	int a = digits(s, len, &i, 4, &n1);
	if (a < 0 || i >= len)
		return -1;
	char sep = s[i++];
	if (sep != '/' && sep != '.' && sep != '-')
		return -1;
	int b = digits(s, len, &i, 2, &n2);
	if (b < 0 || i >= len || s[i++] != sep)
		return -1;
	int c = digits(s, len, &i, 4, &n3);
	if (c < 0 || i != len)
		return -1;
	if (n1 == 4) {
		if (n3 > 2)
			return -1;
		*y = a, *m = b, *d = c;
		return 0;
	}
	/* Day first, as the UK writes it; two-digit years are this century's. */
	if (n1 > 2 || (n3 != 2 && n3 != 4))
		return -1;
	*d = a, *m = b, *y = n3 == 2 ? 2000 + c : c;
	return 0;
}

/* "[Thursday] 19th [of] September 2024" or "[Thursday] September 19[th][,] 2024". */
static int text_date(const char *s, size_t len, int *y, int *m, int *d)
{
	const char *w[6];
	size_t wl[6], n = 0, i = 0, pos = 0, ws, l;
	while (field_next_word(s, len, &pos, &ws, &l)) {
		if (n == 6)
			return -1;
		w[n] = s + ws;
		wl[n++] = l;
	}
	if (i < n && is_weekday(w[i], wl[i]))
		i++;
	if (n - i == 3 && field_month(w[i], wl[i])) {
		*m = field_month(w[i], wl[i]);
		*d = day_word(w[i + 1], wl[i + 1]);
		*y = year_word(w[i + 2], wl[i + 2]);
	} else if (n - i == 3 || (n - i == 4 && field_word_is(w[i + 1], wl[i + 1], "of"))) {
		*d = day_word(w[i], wl[i]);
		*m = field_month(w[n - 2], wl[n - 2]);
		*y = year_word(w[n - 1], wl[n - 1]);
	} else {
		return -1;
	}
	return *m > 0 && *d >= 0 && *y >= 0 ? 0 : -1;
}

int field_date(const char *s, size_t len, char out[DATE_LEN])
{
	int y, m, d;
	field_strip_quotes(&s, &len);
	while (len > 0 && s[len - 1] == '.') {
		len--;
		field_trim_end(s, &len);
	}
	if (len == 0)
		return FIELD_DATE_UNREADABLE;
	/* Anything else in the value (a time, a note) makes it unreadable: guessing loses it. */
	for (size_t i = 0, k; i < len; i += k) {
		k = field_space(s + i, len - i);
		if (k == 0 && (is_alnum(s[i]) || strchr(",./-", s[i]) != NULL))
			k = 1;
		if (k == 0)
			return FIELD_DATE_UNREADABLE;
	}
	if (numeric_date(s, len, &y, &m, &d) < 0 && text_date(s, len, &y, &m, &d) < 0)
		return FIELD_DATE_UNREADABLE;
	if (y < DATE_YEAR_MIN || y > DATE_YEAR_MAX || m < 1 || m > 12 || d < 1 || d > 31)
		return FIELD_DATE_INVALID;
	int64_t days = date_days(y, m, d);
	int y2, m2, d2;
	date_civil(days, &y2, &m2, &d2);
	if (y2 != y || m2 != m || d2 != d)
		return FIELD_DATE_INVALID; /* 31 June, 29 February 2023 */
	date_format(days, out);
	return FIELD_DATE_OK;
}

int field_date_error(struct import_error *e, unsigned line, int rc, const char *s, size_t len)
{
	char q[FIELD_QUOTE_SIZE];
	field_trim(&s, &len);
	field_quote(s, len, q);
	if (rc == FIELD_DATE_INVALID)
		return field_error(
		    e, line,
		    "expected a date that exists, between 2000-01-01 and 2100-12-31, "
		    "found '%s'",
		    q);
	return field_error(
	    e, line, "expected a date such as '19 September 2024' or '05/07/2018', found '%s'", q);
}

/* ---- Decision makers ---- */

static const struct maker {
	const char *words; /* lowercase words; "&" reads as "and" */
	const char *wire;
} makers[] = {
    {"pcc", "pcc"},
    {"police and crime commissioner", "pcc"},
    {"police crime commissioner", "pcc"},
    {"commissioner", "pcc"},
    {"dpcc", "deputy_pcc"},
    {"deputy pcc", "deputy_pcc"},
    {"deputy police and crime commissioner", "deputy_pcc"},
    {"deputy commissioner", "deputy_pcc"},
    {"pcc and cc", "pcc_and_chief_constable"},
    {"pcc cc", "pcc_and_chief_constable"}, /* PCC/CC */
    {"pcc and chief constable", "pcc_and_chief_constable"},
    {"pcc chief constable", "pcc_and_chief_constable"},
    {"pcc and the chief constable", "pcc_and_chief_constable"},
    {"police and crime commissioner and chief constable", "pcc_and_chief_constable"},
    {"police and crime commissioner and the chief constable", "pcc_and_chief_constable"},
    {"commissioner and chief constable", "pcc_and_chief_constable"},
    {"joint", "pcc_and_chief_constable"},
    {"joint decision", "pcc_and_chief_constable"},
    {"chief executive", "chief_executive"},
    {"chief executive officer", "chief_executive"},
    {"chief exec", "chief_executive"},
    {"ceo", "chief_executive"},
    {"cfo", "chief_finance_officer"},
    {"chief finance officer", "chief_finance_officer"},
    {"chief financial officer", "chief_finance_officer"},
    {"treasurer", "chief_finance_officer"},
    {"s151 officer", "chief_finance_officer"},
    {"s 151 officer", "chief_finance_officer"},
    {"section 151 officer", "chief_finance_officer"},
};

/* Words that name the office an officer serves in: "OPCC Chief Executive", "PCC's CFO". */
static const char *const office_words[] = {
    "the", "opcc", "pcc s", "pcc", "commissioner s", "office of the pcc", "the pcc s"};

/* The wire value of the maker whose words are all of s from pos, or NULL. */
static const char *maker_exact(const char *s, size_t len, size_t pos)
{
	for (size_t i = 0; i < sizeof makers / sizeof makers[0]; i++) {
		size_t p = pos;
		if (words_match(s, len, &p, makers[i].words) && words_end(s, len, p))
			return makers[i].wire;
	}
	return NULL;
}

/* After a role, what may introduce a name or place: " - Name", " (Name)", " Name", " for Kent". */
static int name_follows(const char *s, size_t len, size_t pos)
{
	size_t k;
	while (pos < len && (k = field_space(s + pos, len - pos)) != 0)
		pos += k;
	if (pos == len)
		return 1;
	if (strchr("-,(:;/", s[pos]))
		return 1;
	if (len - pos >= 3 && (memcmp(s + pos, "\xE2\x80\x93", 3) == 0 || /* – */
	                       memcmp(s + pos, "\xE2\x80\x94", 3) == 0))  /* — */
		return 1;
	/* "Police and Crime Commissioner for Kent" */
	size_t p = pos;
	if (words_match(s, len, &p, "for") || words_match(s, len, &p, "of"))
		return 1;
	return s[pos] >= 'A' && s[pos] <= 'Z';
}

/* Before a role at the end, what may end a name: "Name, ", "Name - ", "Name (", "Name's ". */
static int name_precedes(const char *s, size_t pos)
{
	while (pos > 0 && (s[pos - 1] == ' ' || s[pos - 1] == '\t'))
		pos--;
	if (pos == 0)
		return 1;
	if (strchr("-,(:;/", s[pos - 1]))
		return 1;
	if (pos >= 3 && (memcmp(s + pos - 3, "\xE2\x80\x93", 3) == 0 ||
	                 memcmp(s + pos - 3, "\xE2\x80\x94", 3) == 0))
		return 1;
	return 0;
}

const char *field_maker(const char *s, size_t len)
{
	field_strip_quotes(&s, &len);
	const char *wire = maker_exact(s, len, 0);
	if (wire)
		return wire;
	/* "OPCC Chief Executive": an office, then an officer other than the PCC. */
	for (size_t i = 0; i < sizeof office_words / sizeof office_words[0]; i++) {
		size_t p = 0;
		if (words_match(s, len, &p, office_words[i]) && (wire = maker_exact(s, len, p)) &&
		    strcmp(wire, "pcc") != 0)
			return wire;
	}
	/* A role then a name, or a name then a role: the role with the most words wins. */
	size_t best = 0;
	const char *found = NULL;
	for (size_t i = 0; i < sizeof makers / sizeof makers[0]; i++) {
		size_t p = 0, words = phrase_words(makers[i].words);
		words_match(s, len, &p, "the");
		if (words > best && words_match(s, len, &p, makers[i].words) &&
		    name_follows(s, len, p)) {
			best = words;
			found = makers[i].wire;
		}
	}
	if (found)
		return found;
	size_t end = len;
	while (end > 0 && (s[end - 1] == ')' || s[end - 1] == '.' || s[end - 1] == ' '))
		end--;
	for (size_t i = 0; i < sizeof makers / sizeof makers[0]; i++) {
		size_t p = end, words = phrase_words(makers[i].words);
		if (words > best && words_match_back(s, &p, makers[i].words) &&
		    name_precedes(s, p)) {
			best = words;
			found = makers[i].wire;
		}
	}
	return found;
}

/* ---- Restriction ---- */

int field_unrestricted(const char *s, size_t len)
{
	static const char *const open[] = {"n a",
	                                   "na",
	                                   "none",
	                                   "nil",
	                                   "no",
	                                   "not restricted",
	                                   "unrestricted",
	                                   "not applicable",
	                                   "published",
	                                   "open",
	                                   "public",
	                                   "decision paper published",
	                                   "decision papers published",
	                                   "papers published",
	                                   "no restriction",
	                                   "no restrictions",
	                                   "not confidential",
	                                   "not exempt",
	                                   "full publication",
	                                   "published in full",
	                                   "yes published"};
	/* Words that, after an opening like "Published", still restrict part of the papers. */
	static const char *const restricting[] = {
	    "restricted", "restriction", "restrictions", "exempt",    "exemption", "confidential",
	    "redacted",   "redaction",   "redactions",   "sensitive", "withheld",  "part",
	    "partly",     "partially",   "closed",       "private",   "except"};
	size_t pos = 0, ws, wl;
	field_strip_quotes(&s, &len);
	if (!field_next_word(s, len, &pos, &ws, &wl))
		return 1; /* empty, "-", "–" */
	for (size_t i = 0; i < sizeof open / sizeof open[0]; i++) {
		size_t p = 0;
		if (!words_match(s, len, &p, open[i]))
			continue;
		while (field_next_word(s, len, &p, &ws, &wl))
			for (size_t j = 0; j < sizeof restricting / sizeof restricting[0]; j++)
				if (field_word_is(s + ws, wl, restricting[j]))
					return 0;
		return 1;
	}
	return 0;
}

/* ---- Titles ---- */

/* Letters run together with dots, a letter or two apart: "e.g", "i.e", "a.m" (not "£1.8m"). */
static int dotted(const char *w, size_t wl)
{
	size_t run = 0;
	int dots = 0;
	for (size_t i = 0; i < wl; i++) {
		if (w[i] == '.') {
			if (run == 0)
				return 0;
			run = 0;
			dots = 1;
		} else if (((w[i] >= 'a' && w[i] <= 'z') || (w[i] >= 'A' && w[i] <= 'Z')) &&
		           run < 2) {
			run++;
		} else {
			return 0;
		}
	}
	return dots;
}

/* A word before ". " that does not end a sentence: "e.g", "Mr", an initial. */
static int abbreviation(const char *w, size_t wl)
{
	static const char *const abbr[] = {
	    "mr", "mrs", "ms",   "dr",  "no",  "st",   "cllr", "approx", "ltd", "inc", "co", "vs",
	    "cf", "nb",  "para", "ref", "sec", "prof", "supt", "insp",   "ch",  "det", "sgt"};
	if (wl == 1 && ((w[0] >= 'a' && w[0] <= 'z') || (w[0] >= 'A' && w[0] <= 'Z')))
		return 1;
	if (dotted(w, wl))
		return 1;
	for (size_t i = 0; i < sizeof abbr / sizeof abbr[0]; i++)
		if (field_word_is(w, wl, abbr[i]))
			return 1;
	return 0;
}

/* Byte length of the first n characters of UTF-8 s (all of it when shorter). */
static size_t utf8_prefix(const char *s, size_t len, size_t n)
{
	size_t i = 0;
	while (i < len && n > 0) {
		i++;
		while (i < len && ((unsigned char)s[i] & 0xC0) == 0x80)
			i++;
		n--;
	}
	return i;
}

char *field_title(const char *text)
{
	size_t tlen = strlen(text), n = 0;
	char *t = malloc(tlen + 4);
	if (!t)
		return NULL;
	/* One line: every run of white space, line ends included, becomes one space. */
	for (size_t i = 0; i < tlen;) {
		size_t k = field_space(text + i, tlen - i);
		if (!k && (text[i] == '\n' || text[i] == '\r'))
			k = 1;
		if (k) {
			if (n > 0 && t[n - 1] != ' ')
				t[n++] = ' ';
			i += k;
		} else {
			t[n++] = text[i++];
		}
	}
	while (n > 0 && t[n - 1] == ' ')
		n--;
	/* The first sentence: up to the first ". " that does not follow an abbreviation. */
	size_t end = n;
	for (size_t i = 1; i + 1 < n; i++) {
		if (t[i] != '.' || t[i + 1] != ' ')
			continue;
		size_t j = i;
		while (j > 0 && t[j - 1] != ' ')
			j--;
		if (!abbreviation(t + j, i - j)) {
			end = i;
			break;
		}
	}
	if (end == n && n > 1 && t[n - 1] == '.' && t[n - 2] != '.')
		end = n - 1;
	n = end;
	size_t keep = utf8_prefix(t, n, FIELD_TITLE_CHARS);
	if (keep < n) {
		/* Too long: cut at a word boundary, leaving room for the ellipsis. */
		size_t cut = utf8_prefix(t, n, FIELD_TITLE_CHARS - 1), at = cut;
		if (t[at] != ' ')
			while (at > 0 && t[at] != ' ')
				at--;
		while (at > 0 && (t[at - 1] == ' ' || strchr(",;:-", t[at - 1])))
			at--;
		n = at > 0 ? at : cut;
		memcpy(t + n, "\xE2\x80\xA6", 3);
		n += 3;
	}
	t[n] = '\0';
	return t;
}

/* ---- Periods ---- */

/* A year word of four digits within the protocol's years, or -1. */
static int period_year(const char *w, size_t wl)
{
	int y = wl == 4 ? year_word(w, wl) : -1;
	return y >= DATE_YEAR_MIN && y <= DATE_YEAR_MAX ? y : -1;
}

/* Walk back over month names and joining words; *first and *last get the months found. */
static int period_months(const char *s, size_t *pos, int *first, int *last)
{
	size_t ws, wl, p = *pos;
	int found = 0;
	for (;;) {
		size_t back = p;
		if (!field_prev_word(s, &p, &ws, &wl))
			break;
		int m = field_month(s + ws, wl);
		if (m) {
			if (!found)
				*last = m;
			*first = m;
			found = 1;
		} else if (!(field_word_is(s + ws, wl, "and") || field_word_is(s + ws, wl, "to") ||
		             field_word_is(s + ws, wl, "until"))) {
			p = back;
			break;
		}
		*pos = p;
	}
	return found;
}

int field_period(const char *s, struct import_doc *doc)
{
	size_t p = strlen(s), ws, wl;
	int ys, ye, ms = 0, me = 0, m0 = 0, unused;
	if (!field_prev_word(s, &p, &ws, &wl) || (ye = period_year(s + ws, wl)) < 0)
		return 0;
	if (!period_months(s, &p, &ms, &me))
		return 0;
	ys = ye;
	/* "April 2014 – March 2015": a year with months of its own before the months. */
	size_t q = p;
	if (field_prev_word(s, &q, &ws, &wl)) {
		int y0 = period_year(s + ws, wl);
		if (y0 >= 0 && period_months(s, &q, &m0, &unused)) {
			ys = y0;
			ms = m0;
		}
	}
	/* "November, December & January 2016" runs over the turn of the year. */
	if (ys == ye && ms > me)
		ys--;
	if (ys > ye || (ys == ye && ms > me) || ys < DATE_YEAR_MIN)
		return 0;
	int64_t start = date_days(ys, ms, 1);
	int64_t end = me == 12 ? date_days(ye + 1, 1, 1) - 1 : date_days(ye, me + 1, 1) - 1;
	char a[DATE_LEN], b[DATE_LEN];
	date_format(start, a);
	date_format(end, b);
	doc->period_start = field_strndup(a, strlen(a));
	doc->period_end = field_strndup(b, strlen(b));
	return doc->period_start && doc->period_end ? 0 : -DOCKET_ENOMEM;
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
