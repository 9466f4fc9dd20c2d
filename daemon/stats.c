/* Commands counted by the loop and sampled once a second: one rate for STATUS= and status. */
#include <string.h>

#include "clock.h"
#include "stats.h"
#include "wallclock.h"

void stats_init(struct stats *st)
{
	memset(st, 0, sizeof *st);
	st->started_ms = clock_ms();
	st->started_at = wallclock_now(st->started_ts);
	st->sample[0].ms = st->started_ms;
	st->next = st->count = 1;
}

void stats_sample(struct stats *st, int64_t now_ms, uint64_t commands)
{
	unsigned n = STATS_WINDOW + 1;
	st->sample[st->next].ms = now_ms;
	st->sample[st->next].commands = commands;
	st->next = (st->next + 1) % n;
	if (st->count < n)
		st->count++;
	/* The oldest sample kept against the newest: a rate over up to STATS_WINDOW seconds. */
	unsigned oldest = (st->next + n - st->count) % n;
	unsigned newest = (st->next + n - 1) % n;
	int64_t ms = st->sample[newest].ms - st->sample[oldest].ms;
	uint64_t done = st->sample[newest].commands - st->sample[oldest].commands;
	/* Rounded to the nearest whole command: an idle docketd reads 0, not 0.2. */
	st->rate = ms > 0 ? (unsigned)((done * 1000 + (uint64_t)ms / 2) / (uint64_t)ms) : 0;
}

int64_t stats_uptime(const struct stats *st, int64_t now_ms)
{
	return (now_ms - st->started_ms) / 1000;
}
