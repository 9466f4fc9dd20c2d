/* date: calendar arithmetic over the whole range, and the date and time formats of section 4.1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "date.h"

/* Days in a month, written out again here rather than taken from date.c. */
static int days_in(int y, int m)
{
	if (m == 2)
		return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28;
	return m == 4 || m == 6 || m == 9 || m == 11 ? 30 : 31;
}

static int parse(const char *s, int64_t *days)
{
	return date_parse(s, strlen(s), days);
}

static int parse_time(const char *s, struct date_time *t)
{
	return date_time_parse(s, strlen(s), t);
}

static void test_known_days(void **state)
{
	(void)state;
	static const struct {
		int y, m, d;
		int64_t days;
		int weekday; /* 0 Sunday */
	} known[] = {
	    {1970, 1, 1, 0, 4},      {1969, 12, 31, -1, 3},    {2000, 1, 1, 10957, 6},
	    {2000, 3, 1, 11017, 3},  {2015, 9, 22, 16700, 2},  {2016, 2, 29, 16860, 1},
	    {2031, 3, 30, 22368, 0}, {2031, 10, 26, 22578, 0}, {2100, 12, 31, 47846, 5},
	    {2101, 1, 1, 47847, 6},  {1600, 3, 1, -135080, 3}, {1, 1, 1, -719162, 1},
	};
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
		int64_t days = date_days(known[i].y, known[i].m, known[i].d);
		if (days != known[i].days)
			fail_msg("%04d-%02d-%02d is day %lld, expected %lld", known[i].y,
			         known[i].m, known[i].d, (long long)days, (long long)known[i].days);
		int y, m, d;
		date_civil(known[i].days, &y, &m, &d);
		assert_int_equal(y, known[i].y);
		assert_int_equal(m, known[i].m);
		assert_int_equal(d, known[i].d);
		assert_int_equal(date_weekday(known[i].days), known[i].weekday);
	}
}

/* Every day from 2000-01-01 to 2100-12-31, walked with days_in above. */
static void test_round_trip(void **state)
{
	(void)state;
	int64_t expect = date_days(2000, 1, 1);
	int weekday = 6; /* 2000-01-01 was a Saturday */
	int count = 0;
	for (int y = DATE_YEAR_MIN; y <= DATE_YEAR_MAX; y++) {
		for (int m = 1; m <= 12; m++) {
			for (int d = 1; d <= days_in(y, m); d++) {
				int64_t days = date_days(y, m, d);
				if (days != expect)
					fail_msg("%04d-%02d-%02d is day %lld, expected %lld", y, m,
					         d, (long long)days, (long long)expect);
				int cy, cm, cd;
				date_civil(days, &cy, &cm, &cd);
				if (cy != y || cm != m || cd != d)
					fail_msg("day %lld reads %04d-%02d-%02d, expected "
					         "%04d-%02d-%02d",
					         (long long)days, cy, cm, cd, y, m, d);
				assert_int_equal(date_weekday(days), weekday);

				/* Formatting and parsing agree with each other and with the walk.
				 */
				char text[DATE_LEN], want[48];
				memset(text, '#', sizeof text);
				date_format(days, text);
				snprintf(want, sizeof want, "%04d-%02d-%02d", y, m, d);
				assert_string_equal(text, want);
				int64_t back = -1;
				assert_int_equal(date_parse(text, 10, &back), 0);
				assert_true(back == days);

				expect++;
				weekday = (weekday + 1) % 7;
				count++;
			}
		}
	}
	/* 101 years, 25 of them leap (2000 is, 2100 is not). */
	assert_int_equal(count, 101 * 365 + 25);
}

static void test_weekday_negative(void **state)
{
	(void)state;
	/* Before 1970 the remainder is negative: the weekday must not be. */
	for (int64_t days = -800; days < 800; days++) {
		int w = date_weekday(days);
		assert_true(w >= 0 && w <= 6);
		assert_int_equal((date_weekday(days + 1) - w + 7) % 7, 1);
	}
	assert_int_equal(date_weekday(-3), 1); /* 1969-12-29, a Monday */
	assert_int_equal(date_weekday(-4), 0); /* 1969-12-28, a Sunday */
}

static void test_parse_accepts(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		int y, m, d;
	} good[] = {
	    {"2000-01-01", 2000, 1, 1},  {"2000-02-29", 2000, 2, 29},  {"2016-02-29", 2016, 2, 29},
	    {"2096-02-29", 2096, 2, 29}, {"2015-04-30", 2015, 4, 30},  {"2015-12-31", 2015, 12, 31},
	    {"2015-09-22", 2015, 9, 22}, {"2100-12-31", 2100, 12, 31}, {"2100-02-28", 2100, 2, 28},
	};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		int64_t days = -1;
		if (parse(good[i].s, &days) != 0)
			fail_msg("%s refused", good[i].s);
		assert_true(days == date_days(good[i].y, good[i].m, good[i].d));
	}
}

static void test_parse_refuses(void **state)
{
	(void)state;
	static const char *const bad[] = {
	    /* Days that do not exist. */
	    "2015-02-29",
	    "2100-02-29",
	    "2015-02-30",
	    "2015-04-31",
	    "2015-06-31",
	    "2015-09-31",
	    "2015-11-31",
	    "2015-01-32",
	    "2015-01-00",
	    "2016-13-01",
	    "2015-00-10",
	    /* Years outside 2000 to 2100. */
	    "1999-12-31",
	    "2101-01-01",
	    "0000-01-01",
	    "1970-01-01",
	    "9999-12-31",
	    /* Shapes. */
	    "2015-1-01",
	    "2015-01-1",
	    "15-01-01",
	    "20150101",
	    "2015/01/01",
	    "01-01-2015",
	    "2015-01-01x",
	    "x2015-01-01",
	    " 2015-01-01",
	    "2015-01-01 ",
	    "2015-0a-01",
	    "2015-01- 1",
	    "+015-01-01",
	    "-015-01-01",
	    "2015--1-01",
	    "2015-01-01T00:00:00Z",
	    "",
	    "x",
	    "2015_01_01",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int64_t days = 12345;
		if (parse(bad[i], &days) != -1)
			fail_msg("\"%s\" accepted", bad[i]);
	}
	/* Only len bytes are read: a good date with more after it is refused by length. */
	int64_t days;
	assert_int_equal(date_parse("2015-01-01", 9, &days), -1);
	assert_int_equal(date_parse("2015-01-011", 10, &days), 0);
	assert_true(days == date_days(2015, 1, 1));
}

static void test_time_zones(void **state)
{
	(void)state;
	struct date_time t;

	assert_int_equal(parse_time("2015-09-22T10:05:07Z", &t), 0);
	assert_int_equal(t.y, 2015);
	assert_int_equal(t.mo, 9);
	assert_int_equal(t.d, 22);
	assert_int_equal(t.h, 10);
	assert_int_equal(t.mi, 5);
	assert_int_equal(t.s, 7);
	assert_int_equal(t.zone, DATE_ZONE_UTC);
	assert_int_equal(t.offset, 0);
	assert_true(date_time_naive(&t) == 1442916000 + 5 * 60 + 7);

	static const struct {
		const char *s;
		int offset;
	} offsets[] = {
	    {"2015-09-22T10:00:00+01:00", 3600},  {"2015-09-22T10:00:00-05:30", -19800},
	    {"2015-09-22T10:00+14:00", 50400},    {"2015-09-22T10:00-14:00", -50400},
	    {"2015-09-22T10:00:00+00:00", 0},     {"2015-09-22T10:00:00-00:00", 0},
	    {"2015-09-22 10:00:00+05:45", 20700}, {"2015-09-22T10:00:00+13:59", 50340},
	};
	for (size_t i = 0; i < sizeof offsets / sizeof offsets[0]; i++) {
		memset(&t, 0x55, sizeof t);
		if (parse_time(offsets[i].s, &t) != 0)
			fail_msg("%s refused", offsets[i].s);
		assert_int_equal(t.zone, DATE_ZONE_OFFSET);
		assert_int_equal(t.offset, offsets[i].offset);
		assert_int_equal(t.h, 10);
		assert_int_equal(t.mi, 0);
		assert_int_equal(t.s, 0);
	}

	/* No zone: the office's wall clock; seconds optional, T or a space. */
	static const char *const local[] = {"2031-03-30T01:30", "2031-03-30 01:30",
	                                    "2031-03-30T01:30:00", "2031-03-30 01:30:00"};
	for (size_t i = 0; i < 4; i++) {
		memset(&t, 0x55, sizeof t);
		if (parse_time(local[i], &t) != 0)
			fail_msg("%s refused", local[i]);
		assert_int_equal(t.zone, DATE_ZONE_LOCAL);
		assert_int_equal(t.offset, 0);
		assert_int_equal(t.h, 1);
		assert_int_equal(t.mi, 30);
		assert_int_equal(t.s, 0);
		assert_true(date_time_naive(&t) == date_days(2031, 3, 30) * 86400 + 5400);
	}
	assert_int_equal(parse_time("2015-09-22T10:00Z", &t), 0);
	assert_int_equal(t.zone, DATE_ZONE_UTC);
	assert_int_equal(t.s, 0);
	/* The extremes of a day. */
	assert_int_equal(parse_time("2015-09-22T00:00:00Z", &t), 0);
	assert_int_equal(parse_time("2015-09-22T23:59:59Z", &t), 0);
	assert_int_equal(t.h * 3600 + t.mi * 60 + t.s, 86399);
}

static void test_time_refuses(void **state)
{
	(void)state;
	static const char *const bad[] = {
	    "2015-09-22T24:00",
	    "2015-09-22T24:00:00Z",
	    "2015-09-22T23:60",
	    "2015-09-22T23:59:60Z",
	    "2015-09-22T99:00Z",
	    "2015-09-22T10:00:00+14:01",
	    "2015-09-22T10:00:00+15:00",
	    "2015-09-22T10:00:00-15:00",
	    "2015-09-22T10:00:00+01:60",
	    "2015-09-22T10:00:00+0100",
	    "2015-09-22T10:00:00+01",
	    "2015-09-22T10:00:00+1:00",
	    "2015-09-22T10:00:00+01:00 ",
	    "2015-09-22T10:00:00+01:00Z",
	    "2015-09-22T10:00:00ZZ",
	    "2015-09-22T10:00:00Z ",
	    "2015-09-22T10:00:00z",
	    "2015-09-22t10:00:00Z",
	    "2015-09-22T10:00:00.000Z",
	    "2015-09-22T10:00:00 ",
	    "2015-09-22T10:00 Z",
	    "2015-09-22T10:00:00UTC",
	    "2015-09-22T10:00x",
	    "2015-09-22T10",
	    "2015-09-22T10:",
	    "2015-09-22T10:0",
	    "2015-09-22T10:00:",
	    "2015-09-22T10:00:0",
	    "2015-09-22T1:00",
	    "2015-09-22T10:0a",
	    "2015-09-22_10:00",
	    "2015-09-22",
	    "2015-02-29T10:00",
	    "1999-12-31T23:59:59Z",
	    "2101-01-01T00:00:00Z",
	    "0000-01-01T00:00Z",
	    "",
	    "2015-09-22T-1:00",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct date_time t;
		if (parse_time(bad[i], &t) != -1)
			fail_msg("\"%s\" accepted", bad[i]);
	}
}

static void test_epoch_range(void **state)
{
	(void)state;
	int64_t first = date_days(2000, 1, 1) * 86400;
	int64_t end = date_days(2101, 1, 1) * 86400;
	assert_true(first == 946684800);
	assert_true(date_epoch_in_range(first));
	assert_false(date_epoch_in_range(first - 1));
	assert_true(date_epoch_in_range(end - 1));
	assert_false(date_epoch_in_range(end));
	assert_false(date_epoch_in_range(0));
	assert_false(date_epoch_in_range(INT64_MIN / 2));
	assert_false(date_epoch_in_range(INT64_MAX / 2));
}

static void test_format_utc(void **state)
{
	(void)state;
	static const struct {
		int64_t epoch;
		const char *text;
	} known[] = {
	    {0, "1970-01-01T00:00:00Z"},          {-1, "1969-12-31T23:59:59Z"},
	    {946684799, "1999-12-31T23:59:59Z"},  {946684800, "2000-01-01T00:00:00Z"},
	    {1442916000, "2015-09-22T10:00:00Z"}, {1456790399, "2016-02-29T23:59:59Z"},
	    {4133980799, "2100-12-31T23:59:59Z"},
	};
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
		char out[DATE_TIME_LEN + 4];
		memset(out, '#', sizeof out);
		date_format_utc(known[i].epoch, out);
		assert_string_equal(out, known[i].text);
		/* Exactly DATE_TIME_LEN bytes written, the NUL included. */
		assert_int_equal(out[DATE_TIME_LEN], '#');
	}
	/* Round trip through date_utc_parse, second by odd second across the range. */
	for (int64_t e = 946684800; e < 4133980800; e += 7777777) {
		char out[DATE_TIME_LEN];
		date_format_utc(e, out);
		int64_t back = -1;
		assert_int_equal(date_utc_parse(out, strlen(out), &back), 0);
		assert_true(back == e);
	}
}

static void test_utc_parse(void **state)
{
	(void)state;
	int64_t e = -1;
	assert_int_equal(date_utc_parse("2015-09-22T10:00:00Z", 20, &e), 0);
	assert_true(e == 1442916000);
	/* docketd's record times carry milliseconds, which the second ignores. */
	e = -1;
	assert_int_equal(date_utc_parse("2015-09-22T10:00:00.000Z", 24, &e), 0);
	assert_true(e == 1442916000);
	e = -1;
	assert_int_equal(date_utc_parse("2015-09-22T23:59:59.999Z", 24, &e), 0);
	assert_true(e == 1442966399);

	static const char *const bad[] = {
	    "2015-09-22T10:00:00",
	    "2015-09-22T10:00:00+00:00",
	    "2015-09-22T10:00:00.00Z",
	    "2015-09-22T10:00:00.0000Z",
	    "2015-09-22T10:00:00.000",
	    "2015-09-22T10:00:00.00aZ",
	    "2015-09-22T10:00:00,000Z",
	    "2015-09-22T10:00:00.000+01:00",
	    "2015-09-22T24:00:00.000Z",
	    "2015-02-29T10:00:00.000Z",
	    "2015-09-22T10:00Z",
	    "2015-09-22",
	    "",
	    "1999-12-31T23:59:59.000Z",
	    "2015-09-22T10:00:00.000Zx",
	    "2015-09-22T10:00:00.-00Z",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		e = 12345;
		if (date_utc_parse(bad[i], strlen(bad[i]), &e) != -1)
			fail_msg("\"%s\" accepted", bad[i]);
		assert_true(e == 12345);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_known_days),       cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_weekday_negative), cmocka_unit_test(test_parse_accepts),
	    cmocka_unit_test(test_parse_refuses),    cmocka_unit_test(test_time_zones),
	    cmocka_unit_test(test_time_refuses),     cmocka_unit_test(test_epoch_range),
	    cmocka_unit_test(test_format_utc),       cmocka_unit_test(test_utc_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
