/* docket-hook: reads its configuration, runs one thread per target, and stops them on a signal. */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <curl/curl.h>
#include <jansson.h>
#include <sodium.h>

#include "hook.h"

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "Usage: docket-hook [-c FILE] [--check]\n"
	    "Deliver docketd's events to webhooks (signed JSON, Standard Webhooks) and by mail,\n"
	    "each target following a durable cursor, retrying with backoff and parking what\n"
	    "keeps failing.\n"
	    "\n"
	    "  -c, --config FILE  read the targets from FILE (default: %s)\n"
	    "      --check        check the configuration, list the targets and exit\n"
	    "  -h, --help         show this help and exit\n"
	    "  -V, --version      show the version and exit\n"
	    "\n"
	    "Signals: SIGTERM and SIGINT stop after the deliveries in hand.\n"
	    "See docket-hook(1).\n",
	    HOOK_DEFAULT_CONFIG);
}

/* --check: one line per target, as it will run. */
static void list_targets(const struct hook_config *c)
{
	for (size_t i = 0; i < c->ntargets; i++) {
		const struct hook_target *t = &c->targets[i];
		char shown[256];
		hook_url_shown(t->kind == HOOK_WEBHOOK ? t->url : t->smtp, shown, sizeof shown);
		printf("%s %s: %s", hook_kind_name(t->kind), t->name, shown);
		for (size_t k = 0; t->to[k]; k++)
			printf("%s%s", k ? ", " : " to ", t->to[k]);
		printf(", cursor %s, topics ", t->cursor);
		if (!t->topics[0])
			fputs("all", stdout);
		for (size_t k = 0; t->topics[k]; k++)
			printf("%s%s", k ? "," : "", t->topics[k]);
		printf(", %u attempts\n", t->attempts);
	}
}

/*
 * Wait for a signal on the main thread (the targets' threads block them
 * all): SIGTERM or SIGINT stop, SIGUSR1 says a target failed for good.
 */
static void wait_for_stop(const sigset_t *set)
{
	for (;;) {
		int sig = 0;
		if (sigwait(set, &sig) != 0)
			continue;
		if (sig == SIGHUP) {
			log_msg(LOG_WARNING, "SIGHUP: the configuration is read only at start; "
			                      "restart docket-hook to apply it");
			continue;
		}
		if (sig != SIGUSR1)
			log_msg(LOG_INFO, "%s: stopping after the deliveries in hand",
			         strsignal(sig));
		hook_stop();
		return;
	}
}

static int run(const struct hook_config *c)
{
	struct hook_runner *runners = calloc(c->ntargets, sizeof *runners);
	pthread_t *threads = calloc(c->ntargets, sizeof *threads);
	sigset_t set;
	size_t started = 0;
	int status = 0;

	if (!runners || !threads) {
		log_msg(LOG_ERR, "out of memory");
		status = EX_OSERR;
		goto out;
	}
	/* Blocked here, so blocked in every thread started from here: only sigwait takes them. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	/* A TLS write to a connection the peer closed must be an error, not the end of us. */
	signal(SIGPIPE, SIG_IGN);

	const char *endpoint = c->endpoint ? c->endpoint : getenv(DOCKET_ENV_ENDPOINT);
	if (!endpoint || !*endpoint)
		endpoint = DOCKET_DEFAULT_ENDPOINT;
	log_msg(LOG_INFO, "docket-hook %s: %zu target%s, docketd at %s", DOCKET_VERSION,
	         c->ntargets, c->ntargets == 1 ? "" : "s", endpoint);
	for (; started < c->ntargets; started++) {
		runners[started] =
		    (struct hook_runner){.config = c, .target = &c->targets[started]};
		int err =
		    pthread_create(&threads[started], NULL, hook_target_run, &runners[started]);
		if (err) {
			log_msg(LOG_ERR, "cannot start a thread: %s", strerror(err));
			status = EX_OSERR;
			hook_stop();
			break;
		}
	}
	if (!status)
		wait_for_stop(&set);
	for (size_t i = 0; i < started; i++) {
		pthread_join(threads[i], NULL);
		if (!status && runners[i].status)
			status = runners[i].status;
	}
	log_msg(status ? LOG_ERR : LOG_INFO, "stopped%s", status ? " after a failure" : "");
out:
	free(runners);
	free(threads);
	return status;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
	    {"config", required_argument, NULL, 'c'},
	    {"check", no_argument, NULL, 'k'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	const char *path = HOOK_DEFAULT_CONFIG;
	bool check = false;
	struct hook_config c;
	char err[512];
	int opt, status;

	while ((opt = getopt_long(argc, argv, "c:hV", options, NULL)) != -1) {
		switch (opt) {
		case 'c':
			path = optarg;
			break;
		case 'k':
			check = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("docket-hook %s (libdocket %s)\n", DOCKET_VERSION, docket_version());
			return 0;
		default:
			usage(stderr);
			return EX_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "docket-hook: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return EX_USAGE;
	}
	/* Before any thread: libsodium, libcurl and jansson each set up global state once. */
	if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fputs("docket-hook: cannot initialise libsodium or libcurl\n", stderr);
		return EX_SOFTWARE;
	}
	json_object_seed(0);

	if (hook_config_load(&c, path, err, sizeof err) < 0) {
		fprintf(stderr, "docket-hook: %s\n", err);
		status = EX_CONFIG;
	} else if ((c.key || c.server_key) && docket_credentials_set(c.key, c.server_key) < 0) {
		fprintf(stderr, "docket-hook: %s: key or server_key: path too long\n", path);
		status = EX_CONFIG;
	} else if (check) {
		list_targets(&c);
		status = fflush(stdout) == 0 ? 0 : EX_IOERR;
	} else {
		status = run(&c);
	}
	hook_config_free(&c);
	curl_global_cleanup();
	return status;
}
