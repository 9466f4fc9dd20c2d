/* Dates and times: parsing, formatting and day arithmetic, with no time zone involved. */
#include <string.h>

#include "date.h"

/* Howard Hinnant's days_from_civil: exact for every proleptic Gregorian date. */
int64_t date_days(int y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void date_civil(int64_t days, int *y, int *m, int *d)
{
	days += 719468;
	int64_t era = (days >= 0 ? days : days - 146096) / 146097;
	int64_t doe = days - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

int date_weekday(int64_t days)
{
	/* 1970-01-01 was a Thursday. */
	int64_t w = (days + 4) % 7;
	return (int)(w < 0 ? w + 7 : w);
}

static int digits(const char *p, int n)
{
	for (int i = 0; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return 0;
	return 1;
}

static int num(const char *p, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++)
		v = v * 10 + (p[i] - '0');
	return v;
}

static int month_days(int y, int m)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : mdays[m - 1];
}

/* YYYY-MM-DD at p (10 bytes): a real day within the years. */
static int ymd(const char *p, int *y, int *m, int *d)
{
	if (!digits(p, 4) || p[4] != '-' || !digits(p + 5, 2) || p[7] != '-' || !digits(p + 8, 2))
		return -1;
	*y = num(p, 4);
	*m = num(p + 5, 2);
	*d = num(p + 8, 2);
	if (*y < DATE_YEAR_MIN || *y > DATE_YEAR_MAX || *m < 1 || *m > 12 || *d < 1 ||
	    *d > month_days(*y, *m))
		return -1;
	return 0;
}

int date_parse(const char *s, size_t len, int64_t *days)
{
	int y, m, d;
	if (len != 10 || ymd(s, &y, &m, &d) < 0)
		return -1;
	*days = date_days(y, m, d);
	return 0;
}

void date_format(int64_t days, char *out)
{
	int y, m, d;
	date_civil(days, &y, &m, &d);
	/* Years stay within four digits: callers keep to DATE_YEAR_MIN..MAX. */
	out[0] = (char)('0' + y / 1000 % 10);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = '\0';
}

int date_time_parse(const char *s, size_t len, struct date_time *t)
{
	memset(t, 0, sizeof *t);
	if (len < 16 || ymd(s, &t->y, &t->mo, &t->d) < 0 || (s[10] != 'T' && s[10] != ' ') ||
	    !digits(s + 11, 2) || s[13] != ':' || !digits(s + 14, 2))
		return -1;
	t->h = num(s + 11, 2);
	t->mi = num(s + 14, 2);
	size_t i = 16;
	if (i < len && s[i] == ':') {
		if (len < 19 || !digits(s + 17, 2))
			return -1;
		t->s = num(s + 17, 2);
		i = 19;
	}
	if (t->h > 23 || t->mi > 59 || t->s > 59)
		return -1;
	if (i == len) {
		t->zone = DATE_ZONE_LOCAL;
		return 0;
	}
	if (s[i] == 'Z' && i + 1 == len) {
		t->zone = DATE_ZONE_UTC;
		return 0;
	}
	if ((s[i] != '+' && s[i] != '-') || len - i != 6 || !digits(s + i + 1, 2) ||
	    s[i + 3] != ':' || !digits(s + i + 4, 2))
		return -1;
	int oh = num(s + i + 1, 2), om = num(s + i + 4, 2);
	if (oh > 14 || om > 59 || (oh == 14 && om > 0))
		return -1;
	t->zone = DATE_ZONE_OFFSET;
	t->offset = (s[i] == '-' ? -1 : 1) * (oh * 3600 + om * 60);
	return 0;
}

int64_t date_time_naive(const struct date_time *t)
{
	return date_days(t->y, t->mo, t->d) * 86400 + t->h * 3600 + t->mi * 60 + t->s;
}

int date_epoch_in_range(int64_t epoch)
{
	return epoch >= date_days(DATE_YEAR_MIN, 1, 1) * 86400 &&
	       epoch < date_days(DATE_YEAR_MAX + 1, 1, 1) * 86400;
}

void date_format_utc(int64_t epoch, char *out)
{
	int64_t days = epoch >= 0 ? epoch / 86400 : (epoch - 86399) / 86400;
	int64_t sec = epoch - days * 86400;
	date_format(days, out);
	int h = (int)(sec / 3600), mi = (int)(sec / 60 % 60), s = (int)(sec % 60);
	out[10] = 'T';
	out[11] = (char)('0' + h / 10);
	out[12] = (char)('0' + h % 10);
	out[13] = ':';
	out[14] = (char)('0' + mi / 10);
	out[15] = (char)('0' + mi % 10);
	out[16] = ':';
	out[17] = (char)('0' + s / 10);
	out[18] = (char)('0' + s % 10);
	out[19] = 'Z';
	out[20] = '\0';
}

int date_utc_parse(const char *s, size_t len, int64_t *epoch)
{
	struct date_time t;
	if (len < 20)
		return -1;
	/* docketd's record times carry milliseconds: YYYY-MM-DDTHH:MM:SS.mmmZ. */
	if (len == 24 && s[19] == '.' && digits(s + 20, 3) && s[23] == 'Z') {
		if (date_time_parse(s, 19, &t) < 0)
			return -1;
	} else if (date_time_parse(s, len, &t) < 0 || t.zone != DATE_ZONE_UTC) {
		return -1;
	}
	*epoch = date_time_naive(&t);
	return 0;
}
