/* docketd's own figures: commands taken, and the rate STATUS= and the status query both show. */
#ifndef DOCKET_STATS_H
#define DOCKET_STATS_H

#include <stdint.h>

/* Seconds the rate is taken over: long enough to smooth a burst, short enough to follow load. */
#define STATS_WINDOW 5

struct stats {
	int64_t started_ms;         /* clock_ms at start */
	int64_t started_at;         /* wall-clock seconds at start */
	char started_ts[32];        /* the same as a time of changes */
	/* Samples of commands taken once a second, oldest overwritten first. */
	struct {
		int64_t ms;
		uint64_t commands;
	} sample[STATS_WINDOW + 1];
	unsigned next, count;
	unsigned rate;              /* commands per second over the samples, as last computed */
};

/* Start counting now. */
void stats_init(struct stats *st);

/* Take a sample of commands (answered since start) at now_ms (clock_ms); recompute the rate. */
void stats_sample(struct stats *st, int64_t now_ms, uint64_t commands);

/* Seconds since start. */
int64_t stats_uptime(const struct stats *st, int64_t now_ms);

#endif
