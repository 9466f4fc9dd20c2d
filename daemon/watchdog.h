/* systemd's watchdog, pinged from the event loop: a loop that stops turning stops the pings. */
#ifndef DOCKET_WATCHDOG_H
#define DOCKET_WATCHDOG_H

#include <event2/event.h>
#include <stddef.h>
#include <stdint.h>

struct watchdog;

/*
 * When systemd asks this process for pings (WATCHDOG_USEC, and
 * WATCHDOG_PID when set naming it), a timer on base that sends WATCHDOG=1
 * every half of the interval; otherwise nothing, and *w is NULL. The timer
 * runs in the loop like any other event, so a loop stuck in one callback
 * sends nothing and systemd ends docketd. Returns 0, or -DOCKET_ENOMEM with
 * err set.
 */
int watchdog_start(struct watchdog **w, struct event_base *base, char *err, size_t errlen);

/* The interval systemd asked for, in microseconds; 0 without a watchdog. */
uint64_t watchdog_usec(const struct watchdog *w);

/* Stop the timer and free it; *w becomes NULL. */
void watchdog_stop(struct watchdog **w);

#endif
