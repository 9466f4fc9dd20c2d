/* systemd's watchdog, pinged from the event loop: a loop that stops turning stops the pings. */
#include <stdlib.h>
#include <stdio.h>
#include <systemd/sd-daemon.h>

#include "docket/error.h"
#include "notify.h"
#include "watchdog.h"

struct watchdog {
	struct event *tick;
	uint64_t usec;
};

static void on_tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	notify_state("WATCHDOG=1");
}

int watchdog_start(struct watchdog **w, struct event_base *base, char *err, size_t errlen)
{
	uint64_t usec = 0;
	*w = NULL;
	/* Not for us (another WATCHDOG_PID), unset or unreadable: docketd runs without one. */
	if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0)
		return 0;
	struct watchdog *d = calloc(1, sizeof *d);
	/* Half the interval, as sd_watchdog_enabled(3) advises: one late ping is not a miss. */
	uint64_t half = usec / 2;
	struct timeval every = {(time_t)(half / 1000000), (suseconds_t)(half % 1000000)};
	if (!d || !(d->tick = event_new(base, -1, EV_PERSIST, on_tick, d)) ||
	    event_add(d->tick, &every) < 0) {
		if (d && d->tick)
			event_free(d->tick);
		free(d);
		snprintf(err, errlen, "cannot make the watchdog timer");
		return -DOCKET_ENOMEM;
	}
	d->usec = usec;
	*w = d;
	return 0;
}

uint64_t watchdog_usec(const struct watchdog *w)
{
	return w ? w->usec : 0;
}

void watchdog_stop(struct watchdog **w)
{
	if (!*w)
		return;
	event_free((*w)->tick);
	free(*w);
	*w = NULL;
}
