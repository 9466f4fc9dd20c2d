/* Dates as registers write them ("19th September 2024", "05/07/2018"), and the months titles name. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docket/error.h"
#include "import_field.h"

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
	while (i < wl && i < 2 && field_is_digit(w[i]))
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
		if (!field_is_digit(w[i]))
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
	while (*i < len && field_is_digit(s[*i])) {
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
		if (k == 0 && (field_is_alnum(s[i]) || strchr(",./-", s[i]) != NULL))
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
