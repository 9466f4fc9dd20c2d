/* The office's time zone: local wall-clock times to UTC and back, through libical. */
#ifndef DOCKET_TZ_H
#define DOCKET_TZ_H

#include <stddef.h>
#include <stdint.h>

#include "date.h"

struct tz;

/* A moment as the office reads it. */
struct tz_local {
	int y, mo, d, h, mi, s;
	int offset;     /* seconds east of UTC */
	char abbr[16];  /* "GMT", "BST"; "+01:00" where the zone has no name for it */
};

/*
 * Open the IANA zone name ("Europe/London", "UTC"). Returns 0, or
 * -DOCKET_EINVAL when the system's zone data has no such zone, or
 * -DOCKET_ENOMEM. *out is the caller's: free with tz_close.
 */
int tz_open(struct tz **out, const char *name);

/* Free a zone; NULL-safe; sets *z to NULL. */
void tz_close(struct tz **z);

/* The zone's IANA name. Owned by z. */
const char *tz_name(const struct tz *z);

/* The office's reading of epoch. */
void tz_local(const struct tz *z, int64_t epoch, struct tz_local *out);

/*
 * The office's date (days since 1970-01-01) at epoch. z remembers the
 * bounds of the last day it gave, so asking about today again is cheap.
 */
int64_t tz_days(struct tz *z, int64_t epoch);

/* What a local wall-clock time is. */
enum tz_fit {
	TZ_ONE,  /* one moment */
	TZ_GAP,  /* none: the clocks went forward over it */
	TZ_FOLD, /* two: the clocks went back over it */
};

/*
 * The moments whose local reading is the wall-clock time naive (seconds of
 * a local date and time, as date_time_naive gives). TZ_ONE sets *first;
 * TZ_FOLD sets *first and *second (earlier, later); TZ_GAP sets *first to
 * the moment just after the gap that the same reading with the offset
 * before it gives.
 */
enum tz_fit tz_fit(const struct tz *z, int64_t naive, int64_t *first, int64_t *second);

/*
 * The moment of a given time. Z and offsets are exact; a local time is
 * refused when it falls in a gap or a fold, with a message naming the
 * problem and, for a fold, the two ways to say which is meant. what names
 * the field in the message. Returns 0 or -DOCKET_EBADREQ with err set.
 */
int tz_resolve(const struct tz *z, const struct date_time *t, const char *what, int64_t *epoch,
	       char *err, size_t errlen);

/*
 * The moment of local date days at minute of the day, for reminders: a
 * time in a gap moves forward past it, a time in a fold is the earlier.
 */
int64_t tz_at(const struct tz *z, int64_t days, int minute);

/*
 * Write epoch as the office reads it: "YYYY-MM-DDTHH:MM:SS+01:00" into iso
 * (32 bytes) when not NULL; the abbreviation is in *loc.
 */
void tz_format_iso(const struct tz *z, int64_t epoch, char *iso, struct tz_local *loc);

#endif
