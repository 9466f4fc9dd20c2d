/* Dates and times as the protocol writes them, and the calendar arithmetic behind them. */
#ifndef DOCKET_DATE_H
#define DOCKET_DATE_H

#include <stddef.h>
#include <stdint.h>

/* Dates and times outside these years are refused: no meeting met in year 0. */
#define DATE_YEAR_MIN 2000
#define DATE_YEAR_MAX 2100

/* Buffer sizes, terminating NUL included. */
#define DATE_LEN 11      /* YYYY-MM-DD */
#define DATE_TIME_LEN 21 /* YYYY-MM-DDTHH:MM:SSZ */

/* Days since 1970-01-01 of a proleptic Gregorian date, and back. */
int64_t date_days(int y, int m, int d);
void date_civil(int64_t days, int *y, int *m, int *d);

/* Day of the week of a day number: 0 Sunday to 6 Saturday. */
int date_weekday(int64_t days);

/*
 * Parse a date, YYYY-MM-DD, that exists and lies within the years above.
 * Returns 0 with *days set, or -1.
 */
int date_parse(const char *s, size_t len, int64_t *days);

/* Write days as YYYY-MM-DD into out (DATE_LEN bytes). */
void date_format(int64_t days, char *out);

/* How a time says where it is. */
enum date_zone {
	DATE_ZONE_UTC,    /* ends in Z */
	DATE_ZONE_OFFSET, /* ends in +HH:MM or -HH:MM */
	DATE_ZONE_LOCAL,  /* no zone: wall-clock time in the office's zone */
};

/* A time as given, before any zone is applied. */
struct date_time {
	int y, mo, d, h, mi, s;
	enum date_zone zone;
	int offset; /* DATE_ZONE_OFFSET: seconds east of UTC */
};

/*
 * Parse "YYYY-MM-DDTHH:MM[:SS]" (a space may stand for the T) followed by
 * "Z", "+HH:MM", "-HH:MM" or nothing. The date must exist, the clock be
 * 00:00:00 to 23:59:59 and the offset at most 14 hours. Returns 0 or -1.
 */
int date_time_parse(const char *s, size_t len, struct date_time *t);

/* Seconds since the epoch of a time with its wall clock read as UTC (the zone ignored). */
int64_t date_time_naive(const struct date_time *t);

/* True when the epoch second lies within DATE_YEAR_MIN to DATE_YEAR_MAX, UTC. */
int date_epoch_in_range(int64_t epoch);

/* Write epoch as YYYY-MM-DDTHH:MM:SSZ into out (DATE_TIME_LEN bytes). */
void date_format_utc(int64_t epoch, char *out);

/*
 * Parse a stored UTC time, YYYY-MM-DDTHH:MM:SS followed by Z or by a
 * fraction and Z (docketd's own times). Returns 0 with *epoch or -1.
 */
int date_utc_parse(const char *s, size_t len, int64_t *epoch);

#endif
