/* The watch command: docketd's events in order, each once, printed or handed to a command. */
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

/* How often the wait for events looks at the stop flag and the clock, in milliseconds. */
#define WATCH_TICK_MS 250

/* A nak'd event comes back after this long: a failing command is not run in a tight loop. */
#define WATCH_NAK_DELAY_S 1

/* Longest --timeout: a year, far past any use and well inside a double's exact seconds. */
#define WATCH_RUN_MAX_S (366.0 * 86400)

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

struct watch {
	const struct cli *cli;
	const char *since; /* NULL: now */
	const char *cursor_name;
	const char *format;
	const char *exec;
	int64_t count;         /* 0: no limit */
	double run_s;          /* 0: no limit */
	const char **prefixes; /* NULL-terminated, or NULL for every event */
	docket_msg *cursors;   /* holds the strings of prefixes taken from an existing cursor */
	docket_stream *stream;
	docket_cursor *cursor;
	struct cli_zone z;
	bool exec_failed; /* --exec's command failed for an event (without --cursor) */
};

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static const char *events_endpoint(const struct cli *cli)
{
	const char *e = cli->events ? cli->events : getenv(DOCKET_ENV_EVENTS);
	return e && *e ? e : DOCKET_DEFAULT_EVENTS;
}

/* A positive number of seconds, decimals allowed ("2.5"); false when text is not one. */
static bool parse_seconds(const char *text, double *out)
{
	char *end;
	size_t n = strlen(text);

	/* strtod would also take "inf", "nan", hex and exponents: only plain decimals here. */
	if (n == 0 || strspn(text, "0123456789.") != n || !strpbrk(text, "0123456789"))
		return false;
	*out = strtod(text, &end);
	return *end == '\0' && *out > 0 && *out <= WATCH_RUN_MAX_S;
}

/* The options, checked before anything is connected. Returns 0 or EX_USAGE (message printed). */
static int options(struct watch *w)
{
	const struct cli *cli = w->cli;
	const char *count = cli_value(cli, "count"), *run = cli_value(cli, "timeout");
	enum cli_since_kind kind;
	int64_t seq;

	if (cli->idem || cli->expect_version)
		return cli_usage_error(cli, "--idem and --expect-version apply only to changes");
	if (count && !cli_parse_int(count, 1, INT64_MAX, &w->count))
		return cli_usage_error(cli, "--count: bad count '%s' (at least 1)", count);
	if (run && !parse_seconds(run, &w->run_s))
		return cli_usage_error(cli,
		                       "--timeout: bad run time '%s' (seconds, more than 0: 10, "
		                       "2.5; the request timeout is docket --timeout MS watch)",
		                       run);
	w->since = cli_value(cli, "since");
	if (w->since && !cli_since_parse(w->since, &kind, &seq))
		return cli_since_error(cli, "--since", w->since);
	w->cursor_name = cli_value(cli, "cursor");
	if (w->cursor_name && !cli_cursor_name_ok(w->cursor_name))
		return cli_usage_error(cli,
		                       "--cursor: bad name '%s' (1 to 64 of letters, digits, '.', "
		                       "'_' and '-')",
		                       w->cursor_name);
	w->format = cli_value(cli, "format");
	w->exec = cli_value(cli, "exec");
	if (w->format && (w->exec || cli->json))
		return cli_usage_error(cli, "--format does not go with %s",
		                       w->exec ? "--exec" : "--json");
	if (w->exec && !*w->exec)
		return cli_usage_error(cli, "--exec: an empty command");
	return w->format ? cli_format_check(cli, w->format) : 0;
}

/* Send op (with since, when not NULL) on c. Returns 0 with *reply, or an exit status. */
static int ask(struct watch *w, docket_client *c, const char *op, const char *since,
               docket_msg **reply)
{
	docket_request *r = NULL;
	int rc = docket_request_new(&r, op), status;

	/* limit 0: only docketd's reading of the time is wanted, no events. */
	if (rc == 0 && since && (rc = docket_request_set_str(r, "since", since)) == 0)
		rc = docket_request_set_int(r, "limit", 0);
	if (rc < 0) {
		fprintf(stderr, "docket: %s\n", docket_strerror(rc));
		status = EX_SOFTWARE;
	} else {
		status = cli_send(w->cli, c, r, NULL, reply);
	}
	docket_request_destroy(&r);
	return status;
}

/*
 * Without PREFIXes, an existing cursor is followed with its own topics
 * (libdocket refuses topics other than the cursor's). w->cursors keeps the
 * strings that w->prefixes points to.
 */
static int cursor_topics(struct watch *w, docket_client *c)
{
	char path[96];
	int status = ask(w, c, "cursors", NULL, &w->cursors);
	size_t n = docket_msg_count(w->cursors, "cursors");

	for (size_t i = 0; status == 0 && i < n; i++) {
		snprintf(path, sizeof path, "cursors.%zu", i);
		const char *name = cli_str(w->cursors, path, "name");
		if (!name || strcmp(name, w->cursor_name))
			continue;
		snprintf(path, sizeof path, "cursors.%zu.topics", i);
		size_t k = docket_msg_count(w->cursors, path);
		if (k == 0)
			break;
		if (!(w->prefixes = calloc(k + 1, sizeof *w->prefixes))) {
			fputs("docket: out of memory\n", stderr);
			return EX_SOFTWARE;
		}
		for (size_t j = 0; j < k; j++) {
			snprintf(path, sizeof path, "cursors.%zu.topics.%zu", i, j);
			docket_msg_get_str(w->cursors, path, &w->prefixes[j]);
		}
		break;
	}
	return status;
}

/*
 * Ask docketd's info first: an absent docketd is reported at once, with
 * libdocket's reason, and readable lines learn the office's zone from it.
 * A --since time is read by docketd here too, so that a time it refuses is
 * reported with its reason; and a cursor's own topics are looked up.
 */
static int reach(struct watch *w)
{
	const struct cli *cli = w->cli;
	docket_client *c = NULL;
	docket_msg *reply = NULL;
	enum cli_since_kind kind = SINCE_NOW;
	const char *zone = NULL;
	int64_t seq;
	int status;

	if ((status = cli_connect(cli, &c)) != 0 || (status = ask(w, c, "info", NULL, &reply)) != 0)
		goto out;
	if (!cli->json && !w->format && !w->exec &&
	    docket_msg_get_str(reply, "timezone", &zone) == 0)
		cli_zone_adopt(&w->z, zone);
	docket_msg_destroy(&reply);
	if (w->since)
		cli_since_parse(w->since, &kind, &seq);
	if (kind == SINCE_TIME && (status = ask(w, c, "events", w->since, &reply)) != 0)
		goto out;
	/* cli->args ends with NULL, as the library wants. */
	w->prefixes = cli->nargs ? cli->args : NULL;
	if (w->cursor_name && !cli->nargs)
		status = cursor_topics(w, c);
out:
	docket_msg_destroy(&reply);
	docket_client_destroy(&c);
	return status;
}

/* Open the stream, or the cursor. Returns 0 or an exit status (message printed). */
static int start(struct watch *w)
{
	const struct cli *cli = w->cli;
	const char *const *prefixes = w->prefixes;
	double began = now_s();
	int rc;

	if (w->cursor_name)
		rc = docket_cursor_open(&w->cursor, cli->endpoint, cli->events, w->cursor_name,
		                        prefixes, w->since, cli->timeout_ms);
	else
		rc = docket_stream_new(&w->stream, cli->endpoint, cli->events, prefixes, w->since,
		                       cli->timeout_ms);
	if (rc == 0)
		return 0;
	if (rc == -DOCKET_EUNREACHABLE) {
		/* docketd answered on its command endpoint a moment ago: the events are amiss. */
		if ((now_s() - began) * 1000 >= cli->timeout_ms)
			fprintf(
			    stderr,
			    "docket: docketd's events are not reachable at %s (no answer within "
			    "%.1f s)\n",
			    events_endpoint(cli), cli->timeout_ms / 1000.0);
		else
			fprintf(stderr, "docket: docketd's events are not reachable at %s\n",
			        events_endpoint(cli));
		return EX_UNAVAILABLE;
	}
	if (rc == -DOCKET_EAUTH) {
		fprintf(stderr, "docket: %s\n", docket_credentials_error());
		return EX_NOPERM;
	}
	if (rc == -DOCKET_EINVAL)
		return cli_usage_error(cli, "bad event endpoint '%s', or a bad PREFIX",
		                       events_endpoint(cli));
	if (rc == -DOCKET_ECONFLICT)
		return cli_fail(cli, CLI_EXIT_REFUSED,
		                "cursor '%s' follows other topics than these PREFIXes: give its "
		                "own, or none (docket cursors lists them)",
		                w->cursor_name);
	if (rc < 0 && -rc < DOCKET_ENOMEM)
		return cli_fail(cli, CLI_EXIT_REFUSED, "docketd refused to start: %s (%s)",
		                docket_error_name(rc), docket_strerror(rc));
	fprintf(stderr, "docket: %s\n", docket_strerror(rc));
	return EX_SOFTWARE;
}

static int next(struct watch *w, docket_msg **ev, int *deliveries, int timeout_ms)
{
	*deliveries = 1;
	if (w->cursor)
		return docket_cursor_next(w->cursor, ev, deliveries, timeout_ms);
	return docket_stream_recv(w->stream, ev, timeout_ms);
}

/*
 * Tell docketd the event was handled (ack), or not (nak: it comes again
 * after a short delay, or is parked after the cursor's max_deliveries).
 * While docketd is away the event stays pending: keep trying until it
 * answers, or until a signal asks watch to stop (then docketd delivers it
 * again after the cursor's ack wait).
 */
static void settle(struct watch *w, int64_t seq, bool handled)
{
	for (;;) {
		int rc = handled ? docket_cursor_ack(w->cursor, seq)
		                 : docket_cursor_nak(w->cursor, seq, WATCH_NAK_DELAY_S);
		bool away = rc == -DOCKET_EUNREACHABLE || rc == -DOCKET_ETIMEDOUT;
		if (rc == 0)
			return;
		/* The signal that cut the call short ends watch after this event, not before. */
		if (rc == -DOCKET_EINTR)
			continue;
		if (away && !stop) {
			nanosleep(&(struct timespec){0, WATCH_TICK_MS * 1000000L}, NULL);
			continue;
		}
		cli_fail(w->cli, 0,
		         "could not %s event %" PRId64 " (%s): docketd delivers it again after the "
		         "cursor's ack wait",
		         handled ? "acknowledge" : "return", seq, docket_strerror(rc));
		return;
	}
}

/* Print the event, or run --exec on it; with a cursor, settle it. Returns 0 or an exit status. */
static int handle(struct watch *w, const docket_msg *ev, int deliveries)
{
	char *json = NULL;
	int64_t seq = 0;
	int status = 0;
	bool handled;

	docket_msg_get_int(ev, "seq", &seq);
	if ((w->exec || w->cli->json) && (status = cli_event_json(ev, &json)) != 0)
		return status; /* not settled: a cursor delivers it again after its ack wait */
	if (w->exec) {
		int rc = cli_exec_event(w->cli, w->exec, ev, json, deliveries);
		handled = rc == 0;
		if (rc > 0)
			cli_fail(w->cli, 0,
			         "--exec: the command failed for event %" PRId64 " (status %d)%s",
			         seq, rc, w->cursor ? "; it will be delivered again" : "");
		if (!handled && !w->cursor)
			w->exec_failed = true;
	} else {
		if (json)
			puts(json);
		else if (w->format)
			cli_format_print(w->format, ev);
		else
			cli_print_event(&w->z, ev);
		/* Readers are often pipes: each event must reach them as it happens. */
		handled = fflush(stdout) == 0 && !ferror(stdout);
		/* main reports the failed write as it closes stdout. */
		if (!handled)
			status = EX_IOERR;
	}
	if (w->cursor)
		settle(w, seq, handled);
	free(json);
	return status;
}

int cli_watch(const struct cli *cli)
{
	struct watch w = {.cli = cli};
	docket_msg *ev = NULL;
	int64_t seen = 0;
	bool timed_out = false;
	int status;

	cli_zone_init(&w.z, cli, NULL);
	if ((status = options(&w)) != 0 || (status = reach(&w)) != 0 || (status = start(&w)) != 0)
		goto out;

	/* No SA_RESTART, so that a signal also cuts the wait short. */
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	double deadline = w.run_s > 0 ? now_s() + w.run_s : 0;
	while (!stop && (w.count == 0 || seen < w.count)) {
		int wait_ms = WATCH_TICK_MS, deliveries, rc;
		if (deadline > 0) {
			double left = deadline - now_s();
			if (left <= 0) {
				timed_out = true;
				break;
			}
			/* Rounded up: a wait that ends short of the deadline would spin. */
			if (left * 1000 < wait_ms)
				wait_ms = (int)(left * 1000) + 1;
		}
		rc = next(&w, &ev, &deliveries, wait_ms);
		if (rc == -DOCKET_ETIMEDOUT || rc == -DOCKET_EINTR)
			continue;
		if (rc == -DOCKET_EPROTO) {
			fputs("docket: skipped an event that is not valid protocol\n", stderr);
			continue;
		}
		if (rc < 0 && -rc < DOCKET_ENOMEM) {
			/* A refusal, such as the cursor deleted under watch. */
			status = cli_fail(cli, CLI_EXIT_REFUSED, "docketd refused: %s (%s)",
			                  docket_error_name(rc), docket_strerror(rc));
			break;
		}
		if (rc < 0) {
			fprintf(stderr, "docket: %s\n", docket_strerror(rc));
			status = EX_SOFTWARE;
			break;
		}
		status = handle(&w, ev, deliveries);
		docket_msg_destroy(&ev);
		seen++;
		if (status)
			break;
	}
	if (status == 0 && timed_out && w.count > 0 && seen < w.count)
		status = cli_fail(cli, EX_TEMPFAIL,
		                  "--timeout: %" PRId64 " of %" PRId64 " events in %s s", seen,
		                  w.count, cli_value(cli, "timeout"));
	else if (status == 0 && w.exec_failed)
		status = CLI_EXIT_EXEC;
out:
	docket_cursor_destroy(&w.cursor);
	docket_stream_destroy(&w.stream);
	if (w.prefixes != cli->args)
		free(w.prefixes);
	docket_msg_destroy(&w.cursors);
	cli_zone_fini(&w.z);
	return status;
}
