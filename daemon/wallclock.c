/* The wall clock: CLOCK_REALTIME, which libfaketime can shift when the office rehearses. */
#include <stdio.h>
#include <time.h>

#include "date.h"
#include "wallclock.h"

int64_t wallclock_seconds(void)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	return (int64_t)now.tv_sec;
}

int64_t wallclock_now(char *ts)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	char utc[DATE_TIME_LEN];
	date_format_utc((int64_t)now.tv_sec, utc);
	/* YYYY-MM-DDTHH:MM:SS, then the milliseconds and the Z. */
	snprintf(ts, WALLCLOCK_TS_LEN, "%.19s.%03dZ", utc, (int)(now.tv_nsec / 1000000) % 1000);
	return (int64_t)now.tv_sec;
}
