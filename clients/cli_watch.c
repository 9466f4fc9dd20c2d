/* The watch command: print docketd's events as they come, until a signal or a count. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* How often the wait for events looks at the stop flag, in milliseconds. */
#define WATCH_TICK_MS 250

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static const char *events_endpoint(const struct cli *cli)
{
	const char *e = cli->events ? cli->events : getenv(DOCKET_ENV_EVENTS);
	return e && *e ? e : DOCKET_DEFAULT_EVENTS;
}

int cli_watch(const struct cli *cli)
{
	docket_sub *s = NULL;
	docket_msg *ev = NULL;
	struct cli_zone z;
	const char *text = cli_value(cli, "count");
	int64_t count = 0, printed = 0;
	int rc, status = 0;

	if (text && !cli_parse_int(text, 1, INT64_MAX, &count))
		return cli_usage_error(cli, "--count: bad count '%s' (at least 1)", text);
	if (cli->idem || cli->expect_version)
		return cli_usage_error(cli, "--idem and --expect-version apply only to changes");

	cli_zone_init(&z, cli, NULL);
	/* cli->args ends with NULL, as docket_sub_new wants. */
	rc = docket_sub_new(&s, cli->events, cli->nargs ? cli->args : NULL, cli->timeout_ms);
	if (rc == -DOCKET_EUNREACHABLE) {
		fprintf(stderr,
		        "docket: docketd is not reachable at %s (no welcome within %.1f s)\n",
		        events_endpoint(cli), cli->timeout_ms / 1000.0);
		status = EX_UNAVAILABLE;
		goto out;
	}
	if (rc == -DOCKET_EINVAL) {
		status = cli_usage_error(cli, "bad endpoint '%s'", events_endpoint(cli));
		goto out;
	}
	if (rc < 0) {
		fprintf(stderr, "docket: %s\n", docket_strerror(rc));
		status = EX_SOFTWARE;
		goto out;
	}

	/*
	 * Readable lines show times in the office's zone: ask for it once, on the
	 * command endpoint. Events published meanwhile wait in the subscription.
	 */
	if (!cli->json)
		cli_zone_learn(&z);

	/* No SA_RESTART, so that a signal also cuts the wait short. */
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	while (!stop && (count == 0 || printed < count)) {
		rc = docket_sub_recv(s, &ev, WATCH_TICK_MS);
		if (rc == -DOCKET_ETIMEDOUT || rc == -DOCKET_EINTR)
			continue;
		if (rc == -DOCKET_EPROTO) {
			fputs("docket: skipped an event that is not valid protocol\n", stderr);
			continue;
		}
		if (rc < 0) {
			fprintf(stderr, "docket: %s\n", docket_strerror(rc));
			status = EX_SOFTWARE;
			break;
		}
		if (cli->json)
			status = cli_print_json(ev, DOCKET_JSON_COMPACT);
		else
			cli_print_event(&z, ev);
		docket_msg_destroy(&ev);
		/* Readers are often pipes: each event must reach them as it happens. */
		/* main reports the failed write as it closes stdout. */
		if (!status && fflush(stdout) != 0)
			status = EX_IOERR;
		if (status)
			break;
		printed++;
	}
out:
	docket_sub_destroy(&s);
	cli_zone_fini(&z);
	return status;
}
