/* tz: the office's time zone against the system's zone data: changes of the clocks, names,
 * refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "date.h"
#include "docket/error.h"
#include "tz.h"

/* UTC epoch of a date and time, from date.h's day numbers. */
static int64_t utc(int y, int mo, int d, int h, int mi)
{
	return date_days(y, mo, d) * 86400 + h * 3600 + mi * 60;
}

/* The wall-clock reading y-mo-d h:mi as tz_fit takes it. */
static int64_t naive(int y, int mo, int d, int h, int mi)
{
	return utc(y, mo, d, h, mi);
}

static int open_zone(void **state, const char *name)
{
	struct tz *z = NULL;
	if (tz_open(&z, name) != 0)
		return -1;
	*state = z;
	return 0;
}

static int london(void **state)
{
	return open_zone(state, "Europe/London");
}

static int new_york(void **state)
{
	return open_zone(state, "America/New_York");
}

static int close_zone(void **state)
{
	struct tz *z = *state;
	tz_close(&z);
	return 0;
}

static void expect_text(const char *got, const char *needle)
{
	if (!strstr(got, needle))
		fail_msg("message \"%s\" does not say \"%s\"", got, needle);
}

static void expect_utc(int64_t got, int64_t want)
{
	if (got != want) {
		char g[DATE_TIME_LEN], w[DATE_TIME_LEN];
		date_format_utc(got, g);
		date_format_utc(want, w);
		fail_msg("got %s, expected %s", g, w);
	}
}

static void test_open(void **state)
{
	(void)state;
	struct tz *z = (struct tz *)1;
	assert_int_equal(tz_open(&z, "Europe/London"), 0);
	assert_non_null(z);
	assert_string_equal(tz_name(z), "Europe/London");
	tz_close(&z);
	assert_null(z);
	/* NULL-safe. */
	tz_close(&z);
	assert_null(z);

	static const char *const unknown[] = {"Europe/Nowhere",         "",
	                                      "Mars/Olympus_Mons",      "London",
	                                      "Europe/London/",         "/etc/passwd",
	                                      "../../../../etc/passwd", "Europe/London "};
	for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
		z = (struct tz *)1;
		if (tz_open(&z, unknown[i]) != -DOCKET_EINVAL)
			fail_msg("zone \"%s\" accepted", unknown[i]);
		assert_null(z);
	}
	/* A name too long for any zone. */
	char longname[200];
	memset(longname, 'A', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	assert_int_equal(tz_open(&z, longname), -DOCKET_EINVAL);
	assert_null(z);
}

/* London's changes of 2031: forward on 30 March at 01:00 UTC, back on 26 October at 01:00 UTC. */
static void test_london_fit(void **state)
{
	const struct tz *z = *state;
	int64_t a = -1, b = -1;

	/* The hour the clocks skip. */
	static const int gap[][2] = {{1, 0}, {1, 30}, {1, 59}};
	for (size_t i = 0; i < 3; i++) {
		a = -1;
		assert_int_equal(tz_fit(z, naive(2031, 3, 30, gap[i][0], gap[i][1]), &a, &b),
		                 TZ_GAP);
		/* Read with the offset before the gap (GMT): the same reading past the gap. */
		expect_utc(a, utc(2031, 3, 30, gap[i][0], gap[i][1]));
	}
	/* Either side of it. */
	assert_int_equal(tz_fit(z, naive(2031, 3, 30, 0, 59), &a, &b), TZ_ONE);
	expect_utc(a, utc(2031, 3, 30, 0, 59));
	assert_int_equal(tz_fit(z, naive(2031, 3, 30, 2, 0), &a, &b), TZ_ONE);
	expect_utc(a, utc(2031, 3, 30, 1, 0));

	/* The hour the clocks pass twice: BST first, then GMT, an hour apart. */
	static const int fold[][2] = {{1, 0}, {1, 30}, {1, 59}};
	for (size_t i = 0; i < 3; i++) {
		a = b = -1;
		assert_int_equal(tz_fit(z, naive(2031, 10, 26, fold[i][0], fold[i][1]), &a, &b),
		                 TZ_FOLD);
		expect_utc(a, utc(2031, 10, 26, fold[i][0] - 1, fold[i][1]));
		expect_utc(b, utc(2031, 10, 26, fold[i][0], fold[i][1]));
		assert_true(b - a == 3600);
	}
	assert_int_equal(tz_fit(z, naive(2031, 10, 26, 0, 59), &a, &b), TZ_ONE);
	expect_utc(a, utc(2031, 10, 25, 23, 59));
	assert_int_equal(tz_fit(z, naive(2031, 10, 26, 2, 0), &a, &b), TZ_ONE);
	expect_utc(a, utc(2031, 10, 26, 2, 0));

	/* Ordinary times, winter and summer. */
	assert_int_equal(tz_fit(z, naive(2031, 1, 15, 12, 0), &a, &b), TZ_ONE);
	expect_utc(a, utc(2031, 1, 15, 12, 0));
	assert_int_equal(tz_fit(z, naive(2031, 7, 1, 12, 0), &a, &b), TZ_ONE);
	expect_utc(a, utc(2031, 7, 1, 11, 0));
	assert_int_equal(tz_fit(z, naive(2031, 3, 29, 1, 30), &a, &b), TZ_ONE);
	assert_int_equal(tz_fit(z, naive(2031, 3, 31, 1, 30), &a, &b), TZ_ONE);
	assert_int_equal(tz_fit(z, naive(2031, 10, 25, 1, 30), &a, &b), TZ_ONE);
	assert_int_equal(tz_fit(z, naive(2031, 10, 27, 1, 30), &a, &b), TZ_ONE);

	/* Other years have their own Sundays: 2015 changed on 29 March and 25 October. */
	assert_int_equal(tz_fit(z, naive(2015, 3, 29, 1, 30), &a, &b), TZ_GAP);
	assert_int_equal(tz_fit(z, naive(2015, 10, 25, 1, 30), &a, &b), TZ_FOLD);
	/* 2099: 29 March and 25 October. */
	assert_int_equal(tz_fit(z, naive(2099, 3, 29, 1, 30), &a, &b), TZ_GAP);
	assert_int_equal(tz_fit(z, naive(2099, 10, 25, 1, 30), &a, &b), TZ_FOLD);
}

static void expect_local(const struct tz *z, int64_t epoch, int h, int offset, const char *abbr)
{
	struct tz_local l;
	memset(&l, 0x55, sizeof l);
	tz_local(z, epoch, &l);
	char when[DATE_TIME_LEN];
	date_format_utc(epoch, when);
	if (l.offset != offset || strcmp(l.abbr, abbr) != 0 || l.h != h)
		fail_msg("%s reads %02d:%02d %s (%+d), expected %02d:00 %s (%+d)", when, l.h, l.mi,
		         l.abbr, l.offset, h, abbr, offset);
}

static void test_london_names(void **state)
{
	const struct tz *z = *state;
	static const int years[] = {2015, 2031, 2099};
	for (size_t i = 0; i < 3; i++) {
		expect_local(z, utc(years[i], 1, 15, 12, 0), 12, 0, "GMT");
		expect_local(z, utc(years[i], 7, 15, 12, 0), 13, 3600, "BST");
		expect_local(z, utc(years[i], 12, 31, 23, 0), 23, 0, "GMT");
		expect_local(z, utc(years[i], 6, 30, 23, 0), 0, 3600, "BST");
	}
	/* Either side of each change of 2031. */
	expect_local(z, utc(2031, 3, 30, 0, 59), 0, 0, "GMT");
	expect_local(z, utc(2031, 3, 30, 1, 0), 2, 3600, "BST");
	expect_local(z, utc(2031, 10, 26, 0, 59), 1, 3600, "BST");
	expect_local(z, utc(2031, 10, 26, 1, 0), 1, 0, "GMT");

	struct tz_local l;
	tz_local(z, utc(2015, 9, 22, 23, 30), &l);
	assert_int_equal(l.y, 2015);
	assert_int_equal(l.mo, 9);
	assert_int_equal(l.d, 23);
	assert_int_equal(l.h, 0);
	assert_int_equal(l.mi, 30);
	assert_int_equal(l.s, 0);

	/* The ISO reading the meeting map carries. */
	char iso[32];
	tz_format_iso(z, utc(2030, 9, 22, 9, 0), iso, &l);
	assert_string_equal(iso, "2030-09-22T10:00:00+01:00");
	assert_string_equal(l.abbr, "BST");
	tz_format_iso(z, utc(2030, 12, 22, 9, 0) + 7, iso, &l);
	assert_string_equal(iso, "2030-12-22T09:00:07+00:00");
	assert_string_equal(l.abbr, "GMT");
	/* Without iso, only the reading. */
	memset(&l, 0, sizeof l);
	tz_format_iso(z, utc(2030, 9, 22, 9, 0), NULL, &l);
	assert_int_equal(l.h, 10);
	assert_string_equal(l.abbr, "BST");
}

static void test_london_days(void **state)
{
	struct tz *z = *state;
	/* Late on a summer evening UTC it is already tomorrow in London. */
	assert_true(tz_days(z, utc(2015, 9, 22, 23, 30)) == date_days(2015, 9, 23));
	assert_true(tz_days(z, utc(2015, 9, 22, 22, 59)) == date_days(2015, 9, 22));
	assert_true(tz_days(z, utc(2015, 9, 22, 23, 0)) == date_days(2015, 9, 23));
	/* In winter the dates agree. */
	assert_true(tz_days(z, utc(2015, 12, 22, 23, 30)) == date_days(2015, 12, 22));
	assert_true(tz_days(z, utc(2015, 12, 23, 0, 0)) == date_days(2015, 12, 23));
}

/* Reminders at 09:00 office time: UTC 09:00 in winter, 08:00 in summer, day by day. */
static void test_london_at(void **state)
{
	const struct tz *z = *state;
	for (int d = 23; d <= 31; d++) {
		int64_t at = tz_at(z, date_days(2031, 3, d), 9 * 60);
		expect_utc(at, utc(2031, 3, d, d < 30 ? 9 : 8, 0));
	}
	for (int d = 19; d <= 31; d++) {
		int64_t at = tz_at(z, date_days(2031, 10, d), 9 * 60);
		expect_utc(at, utc(2031, 10, d, d < 26 ? 8 : 9, 0));
	}
	/* The same in 2015 (29 March, 25 October) and 2099 (29 March, 25 October). */
	expect_utc(tz_at(z, date_days(2015, 3, 28), 540), utc(2015, 3, 28, 9, 0));
	expect_utc(tz_at(z, date_days(2015, 3, 29), 540), utc(2015, 3, 29, 8, 0));
	expect_utc(tz_at(z, date_days(2015, 10, 24), 540), utc(2015, 10, 24, 8, 0));
	expect_utc(tz_at(z, date_days(2015, 10, 25), 540), utc(2015, 10, 25, 9, 0));
	expect_utc(tz_at(z, date_days(2099, 3, 28), 540), utc(2099, 3, 28, 9, 0));
	expect_utc(tz_at(z, date_days(2099, 3, 29), 540), utc(2099, 3, 29, 8, 0));
	expect_utc(tz_at(z, date_days(2099, 10, 24), 540), utc(2099, 10, 24, 8, 0));
	expect_utc(tz_at(z, date_days(2099, 10, 25), 540), utc(2099, 10, 25, 9, 0));

	/* A time of day the clocks skip moves forward past the gap: 01:30 reads 02:30 BST. */
	int64_t at = tz_at(z, date_days(2031, 3, 30), 90);
	expect_utc(at, utc(2031, 3, 30, 1, 30));
	struct tz_local l;
	tz_local(z, at, &l);
	assert_int_equal(l.h, 2);
	assert_int_equal(l.mi, 30);
	assert_string_equal(l.abbr, "BST");
	/* Midnight and the last minute of a day are ordinary. */
	expect_utc(tz_at(z, date_days(2031, 3, 30), 0), utc(2031, 3, 30, 0, 0));
	expect_utc(tz_at(z, date_days(2031, 3, 30), 1439), utc(2031, 3, 30, 22, 59));
	/* One the clocks pass twice is the earlier. */
	expect_utc(tz_at(z, date_days(2031, 10, 26), 90), utc(2031, 10, 26, 0, 30));
}

static int resolve(const struct tz *z, const char *text, int64_t *epoch, char *err, size_t len)
{
	struct date_time t;
	if (date_time_parse(text, strlen(text), &t) < 0)
		fail_msg("%s does not parse", text);
	err[0] = '\0';
	return tz_resolve(z, &t, "starts_at", epoch, err, len);
}

static void test_london_resolve(void **state)
{
	const struct tz *z = *state;
	char err[512];
	int64_t e;

	/* Z and offsets are exact, whatever the zone. */
	assert_int_equal(resolve(z, "2031-03-30T01:30:00Z", &e, err, sizeof err), 0);
	expect_utc(e, utc(2031, 3, 30, 1, 30));
	assert_int_equal(resolve(z, "2031-03-30T01:30-05:30", &e, err, sizeof err), 0);
	expect_utc(e, utc(2031, 3, 30, 7, 0));
	assert_int_equal(resolve(z, "2031-10-26T01:30+01:00", &e, err, sizeof err), 0);
	expect_utc(e, utc(2031, 10, 26, 0, 30));
	assert_int_equal(resolve(z, "2031-10-26T01:30+00:00", &e, err, sizeof err), 0);
	expect_utc(e, utc(2031, 10, 26, 1, 30));
	assert_int_equal(resolve(z, "2031-07-01T00:30+14:00", &e, err, sizeof err), 0);
	expect_utc(e, utc(2031, 6, 30, 10, 30));

	/* Office time. */
	assert_int_equal(resolve(z, "2030-09-22T10:00", &e, err, sizeof err), 0);
	expect_utc(e, utc(2030, 9, 22, 9, 0));
	assert_int_equal(resolve(z, "2030-12-22 10:00:30", &e, err, sizeof err), 0);
	expect_utc(e, utc(2030, 12, 22, 10, 0) + 30);

	/* A time the clocks skip: refused, saying so. */
	e = 42;
	assert_int_equal(resolve(z, "2031-03-30T01:30", &e, err, sizeof err), -DOCKET_EBADREQ);
	expect_text(err, "starts_at");
	expect_text(err, "2031-03-30T01:30");
	expect_text(err, "Europe/London");
	expect_text(err, "does not exist");
	expect_text(err, "forward");
	expect_text(err, "GMT");
	expect_text(err, "BST");

	/* A time they pass twice: refused, with the two offsets that name each moment. */
	assert_int_equal(resolve(z, "2031-10-26T01:30", &e, err, sizeof err), -DOCKET_EBADREQ);
	expect_text(err, "starts_at");
	expect_text(err, "twice");
	expect_text(err, "Europe/London");
	expect_text(err, "2031-10-26T01:30+01:00");
	expect_text(err, "2031-10-26T01:30+00:00");
	/* The earlier first. */
	assert_true(strstr(err, "+01:00") < strstr(err, "+00:00"));
	/* What the message offers is accepted, an hour apart. */
	int64_t e1, e2;
	assert_int_equal(resolve(z, "2031-10-26T01:30+01:00", &e1, err, sizeof err), 0);
	assert_int_equal(resolve(z, "2031-10-26T01:30+00:00", &e2, err, sizeof err), 0);
	assert_true(e2 - e1 == 3600);

	/* The moment, not the wall clock, must lie within 2000 to 2100. */
	assert_int_equal(resolve(z, "2000-01-01T00:00", &e, err, sizeof err), 0);
	expect_utc(e, utc(2000, 1, 1, 0, 0));
	assert_int_equal(resolve(z, "2000-01-01T00:30+01:00", &e, err, sizeof err),
	                 -DOCKET_EBADREQ);
	expect_text(err, "2000");
	expect_text(err, "2100");
	assert_int_equal(resolve(z, "2100-12-31T23:30-05:00", &e, err, sizeof err),
	                 -DOCKET_EBADREQ);
	assert_int_equal(resolve(z, "2100-12-31T23:59:59Z", &e, err, sizeof err), 0);

	/* A small buffer is never overrun, and still ends in a NUL. */
	char small[24];
	memset(small, '#', sizeof small);
	assert_int_equal(resolve(z, "2031-10-26T01:30", &e, small, 16), -DOCKET_EBADREQ);
	assert_int_equal(small[15], '\0');
	assert_int_equal(small[16], '#');
}

static void test_utc_zone(void **state)
{
	(void)state;
	struct tz *z = NULL;
	assert_int_equal(tz_open(&z, "UTC"), 0);
	assert_string_equal(tz_name(z), "UTC");
	struct tz_local l;
	tz_local(z, utc(2031, 7, 15, 12, 0), &l);
	assert_int_equal(l.offset, 0);
	assert_int_equal(l.h, 12);
	assert_string_equal(l.abbr, "UTC");
	int64_t a, b;
	assert_int_equal(tz_fit(z, naive(2031, 3, 30, 1, 30), &a, &b), TZ_ONE);
	expect_utc(a, utc(2031, 3, 30, 1, 30));
	assert_int_equal(tz_fit(z, naive(2031, 10, 26, 1, 30), &a, &b), TZ_ONE);
	expect_utc(tz_at(z, date_days(2031, 3, 30), 540), utc(2031, 3, 30, 9, 0));
	expect_utc(tz_at(z, date_days(2031, 10, 26), 540), utc(2031, 10, 26, 9, 0));
	assert_true(tz_days(z, utc(2015, 9, 22, 23, 30)) == date_days(2015, 9, 22));
	char iso[32];
	tz_format_iso(z, utc(2030, 9, 22, 9, 0), iso, &l);
	assert_string_equal(iso, "2030-09-22T09:00:00+00:00");
	char err[256];
	int64_t e;
	assert_int_equal(resolve(z, "2031-03-30T01:30", &e, err, sizeof err), 0);
	expect_utc(e, utc(2031, 3, 30, 1, 30));
	tz_close(&z);
}

/* New York: second Sunday of March (9 March 2031), first of November (2 November 2031). */
static void test_new_york(void **state)
{
	struct tz *z = *state;
	assert_string_equal(tz_name(z), "America/New_York");
	expect_local(z, utc(2031, 1, 15, 17, 0), 12, -18000, "EST");
	expect_local(z, utc(2031, 7, 15, 16, 0), 12, -14400, "EDT");

	int64_t a, b;
	assert_int_equal(tz_fit(z, naive(2031, 3, 9, 2, 30), &a, &b), TZ_GAP);
	assert_int_equal(tz_fit(z, naive(2031, 3, 9, 1, 59), &a, &b), TZ_ONE);
	expect_utc(a, utc(2031, 3, 9, 6, 59));
	assert_int_equal(tz_fit(z, naive(2031, 3, 9, 3, 0), &a, &b), TZ_ONE);
	expect_utc(a, utc(2031, 3, 9, 7, 0));
	/* Not London's Sunday. */
	assert_int_equal(tz_fit(z, naive(2031, 3, 30, 1, 30), &a, &b), TZ_ONE);

	assert_int_equal(tz_fit(z, naive(2031, 11, 2, 1, 30), &a, &b), TZ_FOLD);
	expect_utc(a, utc(2031, 11, 2, 5, 30));
	expect_utc(b, utc(2031, 11, 2, 6, 30));

	expect_utc(tz_at(z, date_days(2031, 3, 8), 540), utc(2031, 3, 8, 14, 0));
	expect_utc(tz_at(z, date_days(2031, 3, 9), 540), utc(2031, 3, 9, 13, 0));
	expect_utc(tz_at(z, date_days(2031, 11, 1), 540), utc(2031, 11, 1, 13, 0));
	expect_utc(tz_at(z, date_days(2031, 11, 2), 540), utc(2031, 11, 2, 14, 0));
	/* Evening in New York is tomorrow in UTC, and not tomorrow in New York. */
	assert_true(tz_days(z, utc(2031, 7, 16, 3, 0)) == date_days(2031, 7, 15));

	char err[512];
	int64_t e;
	assert_int_equal(resolve(z, "2031-11-02T01:30", &e, err, sizeof err), -DOCKET_EBADREQ);
	expect_text(err, "America/New_York");
	expect_text(err, "-04:00");
	expect_text(err, "-05:00");
	assert_int_equal(resolve(z, "2031-03-09T02:30", &e, err, sizeof err), -DOCKET_EBADREQ);
	expect_text(err, "EST");
	expect_text(err, "EDT");
	/* Office time late on the last day of 2100 is already 2101 in UTC. */
	assert_int_equal(resolve(z, "2100-12-31T23:00", &e, err, sizeof err), -DOCKET_EBADREQ);
	assert_int_equal(resolve(z, "2100-12-31T18:59", &e, err, sizeof err), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_open),
	    cmocka_unit_test_setup_teardown(test_london_fit, london, close_zone),
	    cmocka_unit_test_setup_teardown(test_london_names, london, close_zone),
	    cmocka_unit_test_setup_teardown(test_london_days, london, close_zone),
	    cmocka_unit_test_setup_teardown(test_london_at, london, close_zone),
	    cmocka_unit_test_setup_teardown(test_london_resolve, london, close_zone),
	    cmocka_unit_test(test_utc_zone),
	    cmocka_unit_test_setup_teardown(test_new_york, new_york, close_zone),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
