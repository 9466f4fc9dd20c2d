/* One target on a thread of its own: follow its durable cursor, deliver, ack, retry or park. */
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "hook.h"

/* How long a wait for the next event lasts before the stop flag is looked at again. */
#define NEXT_MS 250
/* How long a call to docketd may take before it counts as unreachable. */
#define CALL_MS 5000
/* Seconds between attempts to reach docketd, and to settle an event with it. */
#define RETRY_S 1.0
/* A pending event comes back after ack_wait: this much longer than a delivery may take. */
#define ACK_WAIT_MARGIN_S 30

static pthread_once_t stop_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t stop_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t stop_cond;
static bool stopping;

/* The condition waits on the monotonic clock, so a step of the wall clock changes no nap. */
static void stop_init(void)
{
	pthread_condattr_t a;
	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	pthread_cond_init(&stop_cond, &a);
	pthread_condattr_destroy(&a);
}

void hook_stop(void)
{
	pthread_once(&stop_once, stop_init);
	pthread_mutex_lock(&stop_lock);
	stopping = true;
	pthread_cond_broadcast(&stop_cond);
	pthread_mutex_unlock(&stop_lock);
}

bool hook_stopped(void)
{
	pthread_mutex_lock(&stop_lock);
	bool s = stopping;
	pthread_mutex_unlock(&stop_lock);
	return s;
}

bool hook_nap(double seconds)
{
	struct timespec until;
	pthread_once(&stop_once, stop_init);
	clock_gettime(CLOCK_MONOTONIC, &until);
	double whole = floor(seconds);
	until.tv_sec += (time_t)whole;
	until.tv_nsec += (long)((seconds - whole) * 1e9);
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&stop_lock);
	int rc = 0;
	while (!stopping && rc == 0)
		rc = pthread_cond_timedwait(&stop_cond, &stop_lock, &until);
	bool all = !stopping;
	pthread_mutex_unlock(&stop_lock);
	return all;
}

/* What one target holds while it runs. */
struct run {
	const struct hook_config *config;
	const struct hook_target *t;
	char what[64]; /* "webhook NAME", for the log */
	docket_cursor *cursor;
	unsigned limit; /* deliveries before parking: attempts, or the cursor's own limit */
	bool away;      /* docketd was unreachable at the last try, said once in the log */
	struct hook_webhook *web;
	struct hook_mail *mail;
};

/* A failure that retrying will not mend: its exit status. 0 for one that retrying may. */
static int fatal_status(int rc)
{
	switch (-rc) {
	case DOCKET_EUNREACHABLE:
	case DOCKET_ETIMEDOUT:
	case DOCKET_EINTR:
	case DOCKET_ESTORAGE:
	case DOCKET_EINTERNAL:
	case DOCKET_EPROTO:
		return 0;
	case DOCKET_EFORBIDDEN:
		return EX_NOPERM;
	case DOCKET_ENOMEM:
	case DOCKET_ESYS:
		return EX_OSERR;
	default:
		return EX_CONFIG;
	}
}

/* The request that creates the target's cursor: its topics, start and limits. */
static int add_request(const struct run *r, docket_request **out)
{
	const struct hook_target *t = r->t;
	docket_request *q = NULL;
	/* docketd takes ack_wait in whole seconds. */
	int64_t ack_wait = (int64_t)ceil(t->timeout) + ACK_WAIT_MARGIN_S;
	int rc = docket_request_new(&q, "cursor_add");

	if (rc == 0)
		rc = docket_request_set_str(q, "cursor", t->cursor);
	for (size_t i = 0; rc == 0 && t->topics[i]; i++)
		rc = docket_request_append_str(q, "topics", t->topics[i]);
	/* since as docket_cursor_open reads it: a seq N starts with N, a time at that time. */
	if (rc == 0 && t->since[0] && strspn(t->since, "0123456789") == strlen(t->since)) {
		int64_t n = strtoll(t->since, NULL, 10);
		rc = docket_request_set_int(q, "after_seq", n > 0 ? n - 1 : 0);
	} else if (rc == 0 && t->since[0]) {
		rc = docket_request_set_str(q, "since", t->since);
	}
	if (rc == 0)
		rc = docket_request_set_int(q, "ack_wait", ack_wait < 86400 ? ack_wait : 86400);
	if (rc == 0)
		rc = docket_request_set_int(q, "max_deliveries", t->attempts);
	if (rc < 0)
		docket_request_destroy(&q);
	*out = q;
	return rc;
}

/* The cursor's own max_deliveries, from the cursors query; 0 when it cannot be read. */
static int64_t cursor_limit(const struct run *r, docket_client *c)
{
	docket_request *q = NULL;
	docket_msg *reply = NULL;
	int64_t limit = 0;
	char path[64];

	if (docket_request_new(&q, "cursors") == 0 && docket_client_call(c, q, &reply) == 0) {
		size_t n = docket_msg_count(reply, "cursors");
		for (size_t i = 0; i < n; i++) {
			const char *name = NULL;
			snprintf(path, sizeof path, "cursors.%zu.name", i);
			if (docket_msg_get_str(reply, path, &name) < 0 ||
			    strcmp(name, r->t->cursor))
				continue;
			snprintf(path, sizeof path, "cursors.%zu.max_deliveries", i);
			docket_msg_get_int(reply, path, &limit);
		}
	}
	docket_msg_destroy(&reply);
	docket_request_destroy(&q);
	return limit;
}

/*
 * Create the cursor unless it exists (docket_cursor_open would create it
 * too, but without the target's attempts as max_deliveries), learn its
 * limit, and open it. Returns 0 or a library error.
 */
static int open_cursor(struct run *r)
{
	const struct hook_target *t = r->t;
	docket_client *c = NULL;
	docket_request *q = NULL;
	docket_msg *reply = NULL;
	int rc = docket_client_new(&c, r->config->endpoint);

	if (rc < 0) {
		log_msg(LOG_ERR, "%s: cannot use docketd's endpoint %s: %s", r->what,
		         r->config->endpoint ? r->config->endpoint : "(from DOCKET_ENDPOINT)",
		         docket_strerror(rc));
		goto out;
	}
	docket_client_set_timeout(c, CALL_MS);
	if ((rc = add_request(r, &q)) < 0)
		goto out;
	rc = docket_client_call(c, q, &reply);
	if (rc == -DOCKET_EUNREACHABLE) {
		if (!r->away)
			log_msg(LOG_WARNING,
			         "%s: docketd is not reachable at %s (%s); trying again", r->what,
			         docket_client_endpoint(c), docket_client_reason(c));
		r->away = true;
		goto out;
	}
	if (rc == 0)
		log_msg(LOG_INFO, "%s: created cursor %s", r->what, t->cursor);
	else if (rc != -DOCKET_ECONFLICT) {
		/* conflict: the cursor exists, which is the usual case after the first start. */
		const char *msg = reply ? docket_msg_error_message(reply) : NULL;
		log_msg(LOG_ERR, "%s: docketd refused to create cursor %s: %s", r->what, t->cursor,
		         msg ? msg : docket_strerror(rc));
		goto out;
	}

	int64_t limit = cursor_limit(r, c);
	r->limit = t->attempts;
	if (limit > 0 && limit < t->attempts) {
		log_msg(LOG_WARNING,
		         "%s: cursor %s parks an event after %" PRId64 " deliveries, fewer than "
		         "attempts = %u: it was created so; delete it to create it anew",
		         r->what, t->cursor, limit, t->attempts);
		r->limit = (unsigned)limit;
	}

	rc = docket_cursor_open(&r->cursor, r->config->endpoint, r->config->events, t->cursor,
	                        (const char *const *)t->topics, t->since[0] ? t->since : NULL,
	                        CALL_MS);
	if (rc == -DOCKET_ECONFLICT)
		log_msg(LOG_ERR,
		         "%s: cursor %s exists with other topics than the configuration's: delete "
		         "it (the cursor_delete command) or set another cursor name",
		         r->what, t->cursor);
	else if (rc < 0 && rc != -DOCKET_EUNREACHABLE)
		log_msg(LOG_ERR, "%s: cannot open cursor %s: %s", r->what, t->cursor,
		         docket_strerror(rc));
	if (rc == 0) {
		log_msg(LOG_INFO, "%s: following cursor %s%s", r->what, t->cursor,
		         r->away ? " (docketd is back)" : "");
		r->away = false;
	}
out:
	docket_msg_destroy(&reply);
	docket_request_destroy(&q);
	docket_client_destroy(&c);
	return rc;
}

/*
 * Seconds before the next delivery after delivery number n failed:
 * backoff_initial doubled for each delivery before, at most backoff_max,
 * with equal jitter (half of it fixed, so retries never come at once; half
 * random, so that the events of one outage do not all come back together),
 * and no sooner than the receiver asked.
 */
static double backoff(const struct hook_target *t, int n, double retry_after)
{
	double d = t->backoff_initial;
	for (int i = 1; i < n && d < t->backoff_max; i++)
		d *= 2;
	if (d > t->backoff_max)
		d = t->backoff_max;
	d = d / 2 + d / 2 * (randombytes_uniform(1000001) / 1e6);
	if (retry_after > d)
		d = retry_after < t->backoff_max ? retry_after : t->backoff_max;
	return d;
}

enum settle { SETTLE_ACK, SETTLE_NAK, SETTLE_PARK };

/*
 * Tell docketd how the delivery went. While docketd is away, try again
 * until it is back or docket-hook stops; then docketd delivers the event
 * again after ack_wait, which receivers tell by its webhook-id or Message-ID.
 */
static void settle(struct run *r, enum settle how, int64_t seq, int delay_s, const char *reason)
{
	static const char *const verbs[] = {"acknowledge", "retry", "park"};
	for (;;) {
		int rc = how == SETTLE_ACK   ? docket_cursor_ack(r->cursor, seq)
		         : how == SETTLE_NAK ? docket_cursor_nak(r->cursor, seq, delay_s)
		                             : docket_cursor_park(r->cursor, seq, reason);
		if (rc == 0)
			return;
		if (rc != -DOCKET_EUNREACHABLE) {
			log_msg(LOG_WARNING, "%s: cannot %s event %" PRId64 ": %s", r->what,
			         verbs[how], seq, docket_strerror(rc));
			return;
		}
		if (hook_stopped() || !hook_nap(RETRY_S)) {
			log_msg(LOG_WARNING,
			         "%s: stopping before docketd heard how event %" PRId64 " went: it "
			         "will deliver it again",
			         r->what, seq);
			return;
		}
	}
}

/* Deliver one event and settle it. */
static void handle(struct run *r, const docket_msg *ev, int n)
{
	const struct hook_target *t = r->t;
	struct hook_event e;
	struct hook_result res = {0};
	int rc = hook_event_init(&e, ev);

	if (rc == -DOCKET_EPROTO) {
		/* Without a seq it cannot be acknowledged: ack_wait brings it back, then parks it.
		 */
		log_msg(LOG_ERR, "%s: an event without a seq: not delivered", r->what);
		return;
	}
	if (rc < 0)
		snprintf(res.detail, sizeof res.detail, "%s", docket_strerror(rc));
	else if (t->kind == HOOK_WEBHOOK)
		hook_webhook_deliver(r->web, &e, &res);
	else
		hook_mail_deliver(r->mail, &e, &res);

	/* Under the journal, each outcome is an entry of its kind (docket-hook(1), LOGGING). */
	char seq[24], attempt[16];
	snprintf(seq, sizeof seq, "%" PRId64, e.seq);
	snprintf(attempt, sizeof attempt, "%d", n);
	struct log_field f[] = {
		{"TARGET", r->what}, {"SEQ", seq}, {"EVENT", e.type}, {"DELIVERY", attempt},
	};
	if (res.delivered) {
		log_entry(LOG_INFO, HOOK_JOURNAL_DELIVERED, f, 4,
		          "%s: delivered event %" PRId64 " (%s), %s, delivery %d", r->what, e.seq,
		          e.type, res.detail, n);
		settle(r, SETTLE_ACK, e.seq, 0, NULL);
	} else if (n >= (int)r->limit) {
		char reason[700];
		snprintf(reason, sizeof reason, "%s after %d attempt%s", res.detail, n,
		         n == 1 ? "" : "s");
		log_entry(LOG_WARNING, HOOK_JOURNAL_PARKED, f, 4, "%s: parked event %" PRId64 " (%s): %s",
		          r->what, e.seq, e.type, reason);
		settle(r, SETTLE_PARK, e.seq, 0, reason);
	} else {
		double d = backoff(t, n, res.retry_after);
		/* The cursor keeps delays in whole seconds. */
		int delay = (int)lround(d);
		log_entry(LOG_WARNING, HOOK_JOURNAL_RETRY, f, 4,
		          "%s: event %" PRId64 " (%s): %s, delivery %d of %u; again in %d s", r->what,
		          e.seq, e.type, res.detail, n, r->limit, delay);
		settle(r, SETTLE_NAK, e.seq, delay, NULL);
	}
	hook_event_fini(&e);
}

/* Give up on the whole process: the main thread hears SIGUSR1 and stops the other targets. */
static void *fail(struct hook_runner *hr, int status)
{
	hr->status = status;
	kill(getpid(), SIGUSR1);
	return NULL;
}

void *hook_target_run(void *arg)
{
	struct hook_runner *hr = arg;
	struct run r = {.config = hr->config, .t = hr->target};
	docket_msg *ev = NULL;
	int rc, n = 0;

	snprintf(r.what, sizeof r.what, "%s %s", hook_kind_name(r.t->kind), r.t->name);
	rc =
	    r.t->kind == HOOK_WEBHOOK ? hook_webhook_new(&r.web, r.t) : hook_mail_new(&r.mail, r.t);
	if (rc < 0) {
		log_msg(LOG_ERR, "%s: %s", r.what, docket_strerror(rc));
		return fail(hr, EX_OSERR);
	}
	while (!hook_stopped()) {
		if (!r.cursor) {
			rc = open_cursor(&r);
			if (rc < 0 && fatal_status(rc)) {
				hr->status = fatal_status(rc);
				break;
			}
			if (rc < 0)
				hook_nap(RETRY_S);
			continue;
		}
		rc = docket_cursor_next(r.cursor, &ev, &n, NEXT_MS);
		if (rc == -DOCKET_ETIMEDOUT || rc == -DOCKET_EINTR)
			continue;
		if (rc < 0) {
			/* Open it afresh: that also makes it again if it was deleted meanwhile. */
			log_msg(LOG_WARNING, "%s: cursor %s: %s; opening it again", r.what,
			         r.t->cursor, docket_strerror(rc));
			docket_cursor_destroy(&r.cursor);
			hook_nap(RETRY_S);
			continue;
		}
		/* The first delivery counts as one, whatever the library reports. */
		handle(&r, ev, n > 0 ? n : 1);
		docket_msg_destroy(&ev);
	}
	docket_cursor_destroy(&r.cursor);
	hook_webhook_destroy(&r.web);
	hook_mail_destroy(&r.mail);
	if (hr->status)
		return fail(hr, hr->status);
	return NULL;
}
