/* docketd's reading of the wall clock, the one place it asks the time. */
#ifndef DOCKET_WALLCLOCK_H
#define DOCKET_WALLCLOCK_H

#include <stdint.h>

/* Room for a time of changes, YYYY-MM-DDTHH:MM:SS.mmmZ, and its NUL. */
#define WALLCLOCK_TS_LEN 32

/* The time now as a time of changes in ts; returns the same in seconds since the epoch. */
int64_t wallclock_now(char *ts);

/* The time now in seconds since the epoch, for a comparison. */
int64_t wallclock_seconds(void);

#endif
