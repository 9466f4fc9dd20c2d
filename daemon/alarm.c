/* The reminder timer: one timerfd on the wall clock, watched by the event loop. */
#include <errno.h>
#include <stdlib.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "alarm.h"
#include "docket/error.h"

struct alarm {
	int fd;
	struct event *ev;
	alarm_fn fn;
	void *arg;
	int64_t armed; /* INT64_MAX when disarmed */
};

/* Far enough ahead to stand for "never", yet a real time so that clock steps still report. */
#define NEVER_S (INT64_C(4133980800)) /* 2101-01-01, after every time docket accepts */

static void on_ready(evutil_socket_t fd, short what, void *arg)
{
	(void)what;
	struct alarm *a = arg;
	uint64_t expirations;
	/* ECANCELED: the clock was set. Either way the caller looks at what is due now. */
	if (read(fd, &expirations, sizeof expirations) < 0 && errno == EAGAIN)
		return;
	a->fn(a->arg);
}

int alarm_new(struct alarm **out, struct event_base *base, alarm_fn fn, void *arg)
{
	*out = NULL;
	struct alarm *a = calloc(1, sizeof *a);
	if (!a)
		return -DOCKET_ENOMEM;
	a->fn = fn;
	a->arg = arg;
	a->armed = INT64_MAX;
	a->fd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
	if (a->fd < 0 || !(a->ev = event_new(base, a->fd, EV_READ | EV_PERSIST, on_ready, a)) ||
	    event_add(a->ev, NULL) < 0 || alarm_set(a, INT64_MAX) < 0) {
		alarm_destroy(&a);
		return -DOCKET_ESYS;
	}
	*out = a;
	return 0;
}

void alarm_destroy(struct alarm **ap)
{
	struct alarm *a = *ap;
	if (!a)
		return;
	if (a->ev)
		event_free(a->ev);
	if (a->fd >= 0)
		close(a->fd);
	free(a);
	*ap = NULL;
}

int alarm_set(struct alarm *a, int64_t epoch)
{
	int64_t at = epoch == INT64_MAX || epoch > NEVER_S ? NEVER_S : epoch;
	/* timerfd takes 0 to mean disarmed: a time at or before the epoch is "now". */
	struct itimerspec its = {.it_value = {.tv_sec = at > 0 ? (time_t)at : 1}};
	/* CANCEL_ON_SET makes a step of the clock wake the loop even while disarmed. */
	if (timerfd_settime(a->fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &its, NULL) < 0)
		return -DOCKET_ESYS;
	a->armed = epoch;
	return 0;
}
