/* A page of the log for a reader: where it starts, which topics, how much (PROTOCOL.md 6.2). */
#ifndef DOCKET_FEED_H
#define DOCKET_FEED_H

#include "cmd.h"

#define FEED_TOPICS_MAX 64
#define FEED_TOPIC_LEN 64
#define FEED_BYTES_DEFAULT (1024 * 1024)
/* A page looks at no more events than this, so a narrow filter cannot hold the batch up. */
#define FEED_SCAN 20000

struct feed {
	struct str topic[FEED_TOPICS_MAX]; /* prefixes; none: every event */
	size_t ntopics;
	int64_t limit, max_bytes;          /* the page's bounds */
	int64_t n, bytes;                  /* what it holds so far */
	int full;                          /* it stopped at a bound */
	/* Called for each event taken, after it is packed (a cursor records it). */
	int (*taken)(void *ctx, const struct log_event *e);
	void *ctx;
};

/* Read the request's topics array into f. Refuses with bad_request. */
int feed_topics(struct cmd *c, struct str raw, struct feed *f);

/* Read limit (default dflt, at most max; 0 allowed when zero_ok) and max_bytes into f. */
int feed_bounds(struct cmd *c, int64_t dflt, int64_t max, int zero_ok, struct feed *f);

/* True when type starts with one of f's prefixes, or f has none. */
int feed_matches(const struct feed *f, struct str type);

/*
 * Where the request says to start: after_seq, or just before the first
 * event at or after since; dflt when it gives neither. Refuses an
 * after_seq past the log's end with bad_request.
 */
int feed_start(struct cmd *c, int64_t dflt, int64_t *after);

/*
 * Pack the events after seq after that match f into the open array at
 * c->out, within f's bounds, looking at no more than FEED_SCAN events.
 * *looked is the last seq looked at. Returns 0 or a refusal.
 */
int feed_scan(struct cmd *c, struct feed *f, int64_t after, int64_t *looked);

/* Count e into the page, or say it would not fit (1): the first event always fits. */
int feed_fits(struct feed *f, size_t len);

#endif
