/* The one reminder timer: armed on the real-time clock for the earliest pending reminder. */
#ifndef DOCKET_ALARM_H
#define DOCKET_ALARM_H

#include <event2/event.h>
#include <stdint.h>

struct alarm;

/* Called in the loop when the armed time has come, or when the clock was set. */
typedef void (*alarm_fn)(void *arg);

/*
 * A timerfd on CLOCK_REALTIME in base. It fires at a wall-clock time, so a
 * step of the clock (set by hand, by NTP, or on resume from suspend)
 * neither delays nor hastens it, and the step itself calls fn so that the
 * caller can look again. Returns 0, -DOCKET_ESYS or -DOCKET_ENOMEM. Free
 * with alarm_destroy.
 */
int alarm_new(struct alarm **out, struct event_base *base, alarm_fn fn, void *arg);

/* Free the alarm; NULL-safe; sets *a to NULL. */
void alarm_destroy(struct alarm **a);

/*
 * Arm for epoch (seconds since the epoch, wall clock); a time already
 * past fires at once; INT64_MAX disarms. Returns 0 or -DOCKET_ESYS.
 */
int alarm_set(struct alarm *a, int64_t epoch);

#endif
