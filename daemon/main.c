/* docketd: wires the config, the store and the sockets into one libevent loop. */
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "activation.h"
#include "checkpointer.h"
#include "config.h"
#include "keyring.h"
#include "ledger.h"
#include "docket/docket.h"
#include "journal.h"
#include "log.h"
#include "notify.h"
#include "office.h"
#include "restore.h"
#include "server.h"
#include "state.h"
#include "store.h"
#include "watchdog.h"

struct daemon {
	struct config config;
	const char *config_path;
	int check_config; /* --check-config: check, and touch nothing */
	/* Command-line settings, re-applied over the file on every reload. */
	const char *override[8][2];
	int noverride;
	struct principal who; /* of clients on ipc endpoints, and of the first key */
	struct keyring keys;
	struct office office;
	struct event_base *base;
	struct server server;
	struct store *store;
	struct ledger *ledger; /* the watermark and checkpoints beside the database */
	struct checkpointer *wal; /* the WAL's checkpoints, out of the commits */
	const char *restore;   /* --restore FILE: install a backup, and serve nothing */
	struct state state;
	struct watchdog *watchdog; /* systemd's, when it asks for one */
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: docketd [OPTION]...\n"
		"Run docket's daemon in the foreground: it applies decision lifecycle commands\n"
		"and publishes every change.\n"
		"\n"
		"  -c, --config FILE      read settings from the INI file FILE and FILE.d/*.conf\n"
		"      --state-dir DIR    keep the database in DIR (default: ./state)\n"
		"      --listen ENDPOINT  take commands on ENDPOINT (default: %s)\n"
		"      --publish ENDPOINT publish events on ENDPOINT (default: %s)\n"
		"      --restore FILE     check the backup FILE and make it the state directory's\n"
		"                         database (docketd must not be running), then exit\n"
		"      --check-config     check the settings and exit; creates and binds nothing\n"
		"  -h, --help             show this help and exit\n"
		"  -V, --version          show the version and exit\n"
		"\n"
		"Signals: SIGTERM and SIGINT stop after the batch in hand; SIGHUP rereads FILE\n"
		"and its drop-ins.\n"
		"See docketd(8).\n",
		DOCKET_DEFAULT_ENDPOINT, DOCKET_DEFAULT_EVENTS);
}

/*
 * The file, its drop-ins and the command line, read into c. Every error
 * found is logged, each after context; returns 0 or -DOCKET_ECONFIG.
 */
static int load_config(struct daemon *d, struct config *c, const char *context)
{
	struct config_report r;
	int rc = config_read(c, d->config_path, d->override, d->noverride, &r);
	for (int i = 0; i < r.nerr && i < CONFIG_MAX_ERRORS; i++)
		log_msg(LOG_ERR, "%s%s", context, r.err[i]);
	if (r.nerr > CONFIG_MAX_ERRORS)
		log_msg(LOG_ERR, "%s%d more errors", context, r.nerr - CONFIG_MAX_ERRORS);
	config_report_free(&r);
	return rc;
}

static void set_principal(struct daemon *d)
{
	d->who.name = str_c(d->config.principal);
	d->who.roles = d->config.roles;
}

static void on_reload(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	struct daemon *d = arg;
	struct config c;
	char err[512];
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	notify_state("RELOADING=1\nMONOTONIC_USEC=%llu",
		   (unsigned long long)now.tv_sec * 1000000 + (unsigned long long)now.tv_nsec / 1000);
	if (load_config(d, &c, "reload refused, keeping the running settings: ") < 0) {
		log_entry(LOG_ERR, JOURNAL_RELOAD, NULL, 0, "reload refused");
		notify_state("READY=1\nSTATUS=reload refused: configuration invalid");
		return;
	}
	struct office office;
	if (office_open(&office, &c, err, sizeof err) < 0) {
		log_entry(LOG_ERR, JOURNAL_RELOAD, NULL, 0,
			  "reload refused, keeping the running settings: %s", err);
		notify_state("READY=1\nSTATUS=reload refused: configuration invalid");
		return;
	}
	if (strcmp(c.state_dir, d->config.state_dir) || strcmp(c.listen, d->config.listen) ||
	    strcmp(c.publish, d->config.publish) || c.batch_max != d->config.batch_max ||
	    c.event_hwm != d->config.event_hwm || c.event_queue_kib != d->config.event_queue_kib ||
	    c.event_inline_max != d->config.event_inline_max ||
	    c.heartbeat_ms != d->config.heartbeat_ms ||
	    c.checkpoint_interval != d->config.checkpoint_interval)
		log_msg(LOG_WARNING, "[docketd] settings take effect at the next start");
	memcpy(d->config.principal, c.principal, sizeof c.principal);
	d->config.roles = c.roles;
	/* The log's level too, so that debug entries can be had without a restart. */
	d->config.log_level = c.log_level;
	log_set_level(c.log_level);
	set_principal(d);
	/* The office's zone and reminders apply at once: what is pending is planned anew. */
	office_close(&d->office);
	d->office = office;
	if (server_replan(&d->server, err, sizeof err) < 0)
		log_msg(LOG_ERR, "%s", err);
	notify_state("READY=1\nSTATUS=configuration reloaded");
	log_entry(LOG_INFO, JOURNAL_RELOAD, NULL, 0, "configuration reloaded");
}

static void on_stop(evutil_socket_t sig, short what, void *arg)
{
	(void)what;
	struct daemon *d = arg;
	struct log_field f = {"SIGNAL", sig == SIGTERM ? "TERM" : sig == SIGINT ? "INT" : "?"};
	log_entry(LOG_INFO, JOURNAL_STOPPED, &f, 1, "%s: stopping", strsignal((int)sig));
	notify_state("STOPPING=1");
	/* The loop calls this between batches, so the batch in hand is done. */
	event_base_loopbreak(d->base);
}

/*
 * Hold the state directory, with no more than its owner's group let in,
 * and open the database in it once it passes its checks (docketd(8), EXIT
 * STATUS). Returns a sysexits code.
 */
static int open_state(struct daemon *d)
{
	const char *dir = d->config.state_dir;
	char path[1200], err[2048];
	int rc = state_open(&d->state, dir, err, sizeof err);
	if (rc < 0) {
		log_msg(LOG_ERR, "%s", err);
		return rc == -DOCKET_ECONFLICT    ? EX_TEMPFAIL
		       : rc == -DOCKET_EFORBIDDEN ? EX_NOPERM
						  : EX_CANTCREAT;
	}
	snprintf(path, sizeof path, "%s/docket.db", dir);
	rc = store_open(&d->store, path, d->office.tz, d->config.start_check_ms, err, sizeof err);
	if (rc < 0) {
		log_msg(LOG_ERR, "cannot open the database: %s", err);
		return rc == -DOCKET_ESYS ? EX_CANTCREAT : EX_DATAERR;
	}
	return EX_OK;
}

/* A log that does not verify, or that is behind its watermark: past sysexits' codes. */
#define EXIT_TAMPERED 79

/*
 * Before anything is written: the log checked against its chain and the
 * watermark, which is kept from then on. Returns a sysexits code, or
 * EXIT_TAMPERED when docketd must not write to the log.
 */
static int open_ledger(struct daemon *d)
{
	char err[1400];
	struct ledger_options o = {
		.state_dir = d->config.state_dir,
		.check_ms = d->config.start_check_ms,
		.checkpoint_interval = d->config.checkpoint_interval,
	};
	int rc = ledger_open(&d->ledger, d->store, &o, err, sizeof err);
	if (rc < 0)
		log_msg(LOG_ERR, "%s", err);
	return rc == 0				 ? EX_OK
	       : rc == -DOCKET_EPRECONDITION ? EXIT_TAMPERED
	       : rc == -DOCKET_ESTORAGE	 ? EX_DATAERR
					 : EX_CANTCREAT;
}

/*
 * docketd's key pair, made on first start, and the clients' keys; with
 * none yet, a first one for the configured principal in state_dir/admin.key.
 * Returns a sysexits code.
 */
static int open_keys(struct daemon *d)
{
	char path[1200], err[1400];
	const char *dir = d->config.state_dir;
	if (d->config.server_key[0])
		snprintf(path, sizeof path, "%s", d->config.server_key);
	else
		snprintf(path, sizeof path, "%s/server.key", dir);
	if (keyring_open(&d->keys, path, err, sizeof err) < 0) {
		log_msg(LOG_ERR, "%s", err);
		return EX_CONFIG;
	}
	log_msg(LOG_INFO, "server public key %s", d->keys.server.public_key);
	if (keyring_load(&d->keys, d->store) < 0) {
		log_msg(LOG_ERR, "cannot read the clients' keys: %s", store_errmsg(d->store));
		return EX_DATAERR;
	}
	snprintf(path, sizeof path, "%s/admin.key", dir);
	if (keyring_bootstrap(&d->keys, d->store, path, &d->who, err, sizeof err) < 0) {
		log_msg(LOG_ERR, "%s", err);
		return EX_CANTCREAT;
	}
	return EX_OK;
}

/* Long options without a short one. */
enum { OPT_CHECK_CONFIG = 0x100 };

/* --restore, a long option alone too. */
enum { OPT_RESTORE = 0x200 };

static int parse_args(struct daemon *d, int argc, char **argv)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"state-dir", required_argument, NULL, 's'},
		{"listen", required_argument, NULL, 'l'},
		{"publish", required_argument, NULL, 'p'},
		{"restore", required_argument, NULL, OPT_RESTORE},
		{"check-config", no_argument, NULL, OPT_CHECK_CONFIG},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	int o;
	while ((o = getopt_long(argc, argv, "c:hV", opts, NULL)) != -1) {
		switch (o) {
		case 'c':
			d->config_path = optarg;
			break;
		case 's':
		case 'l':
		case 'p':
			d->override[d->noverride][0] =
				o == 's' ? "state_dir" : o == 'l' ? "listen" : "publish";
			d->override[d->noverride++][1] = optarg;
			if (d->noverride == 8) {
				fprintf(stderr, "docketd: too many options\n");
				return EX_USAGE;
			}
			break;
		case OPT_CHECK_CONFIG:
			d->check_config = 1;
			break;
		case OPT_RESTORE:
			d->restore = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(EX_OK);
		case 'V':
			printf("docketd %s\n", DOCKET_VERSION);
			exit(EX_OK);
		default:
			usage(stderr);
			return EX_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "docketd: unexpected argument '%s'\n", argv[optind]);
		return EX_USAGE;
	}
	return EX_OK;
}

/*
 * Under the journal, the last entry of a start that failed, whatever
 * entries said why: one kind to look for. A terminal keeps its one line.
 */
static int not_started(int code)
{
	if (!log_to_journal())
		return code;
	char status[8];
	snprintf(status, sizeof status, "%d", code);
	struct log_field why = {"EXIT_STATUS", status};
	log_entry(LOG_ERR, JOURNAL_START_FAILED, &why, 1, "not started (exit status %d)", code);
	return code;
}

int main(int argc, char **argv)
{
	struct daemon d = {.state = {.dir_fd = -1, .lock_fd = -1}};
	struct event *sigs[3] = {NULL, NULL, NULL};
	bool ready = false;
	int code = parse_args(&d, argc, argv);
	if (code != EX_OK)
		return code;
	if (d.check_config)
		return config_check_run(d.config_path, d.override, d.noverride);

	char err[512];
	/* libsodium hashes the imported decisions that come without a reference. */
	if (sodium_init() < 0) {
		log_msg(LOG_ERR, "cannot initialise libsodium");
		return not_started(EX_SOFTWARE);
	}
	if (load_config(&d, &d.config, "") < 0)
		return not_started(EX_CONFIG);
	log_set_level(d.config.log_level);
	set_principal(&d);
	if (office_open(&d.office, &d.config, err, sizeof err) < 0) {
		log_msg(LOG_ERR, "%s", err);
		return not_started(EX_CONFIG);
	}
	signal(SIGPIPE, SIG_IGN);
	/* A write past RLIMIT_FSIZE fails the batch with storage, as a full disk does. */
	signal(SIGXFSZ, SIG_IGN);
	/* The database holds restricted records: nothing docketd creates is world-readable. */
	umask(027);
	if (d.restore) {
		office_close(&d.office);
		return restore_run(d.restore, d.config.state_dir);
	}

	if ((code = open_state(&d)) != EX_OK)
		goto out;
	if ((code = open_ledger(&d)) != EX_OK)
		goto out;
	if ((code = open_keys(&d)) != EX_OK)
		goto out;
	if (checkpointer_open(&d.wal, d.store, store_path(d.store), err, sizeof err) < 0) {
		log_msg(LOG_ERR, "%s", err);
		code = EX_CANTCREAT;
		goto out;
	}
	code = EX_OSERR;
	if (!(d.base = event_base_new())) {
		log_msg(LOG_ERR, "cannot create the event loop");
		goto out;
	}
	struct server_options so = {
		.listen = d.config.listen,
		.publish = d.config.publish,
		.batch_max = d.config.batch_max,
		.event_hwm = config_event_queue(&d.config),
		.event_inline_max = d.config.event_inline_max,
		.heartbeat_ms = d.config.heartbeat_ms,
		.ledger = d.ledger,
		.ipc_group = (gid_t)-1,
		.state_dir = d.config.state_dir,
		.wal = d.wal,
	};
	if (d.config.ipc_group[0]) {
		struct group *g = getgrnam(d.config.ipc_group);
		if (!g) {
			log_msg(LOG_ERR, "ipc_group: no group '%s'", d.config.ipc_group);
			code = EX_CONFIG;
			goto out;
		}
		so.ipc_group = g->gr_gid;
	}
	int rc = server_open(&d.server, d.base, &so, d.store, &d.keys, &d.who, &d.office, err,
			     sizeof err);
	if (rc < 0) {
		log_msg(LOG_ERR, "%s", err);
		code = rc == -DOCKET_EUNREACHABLE ? EX_UNAVAILABLE
		       : rc == -DOCKET_ECONFIG    ? EX_CONFIG
						  : EX_OSERR;
		goto out;
	}
	/* A socket systemd passed that no endpoint took would keep its clients waiting. */
	if (activation_leftover(err, sizeof err) < 0) {
		log_msg(LOG_ERR, "%s", err);
		code = EX_CONFIG;
		goto out;
	}
	/* Reminders due while docketd was down fire now, or are recorded missed. */
	if (server_replan(&d.server, err, sizeof err) < 0) {
		log_msg(LOG_ERR, "%s", err);
		code = EX_DATAERR;
		goto out;
	}
	sigs[0] = evsignal_new(d.base, SIGTERM, on_stop, &d);
	sigs[1] = evsignal_new(d.base, SIGINT, on_stop, &d);
	sigs[2] = evsignal_new(d.base, SIGHUP, on_reload, &d);
	for (int i = 0; i < 3; i++)
		if (!sigs[i] || evsignal_add(sigs[i], NULL) < 0) {
			log_msg(LOG_ERR, "cannot handle signals");
			goto out;
		}
	if (watchdog_start(&d.watchdog, d.base, err, sizeof err) < 0) {
		log_msg(LOG_ERR, "%s", err);
		goto out;
	}
	if (d.watchdog)
		log_msg(LOG_INFO, "watchdog: systemd expects a sign of life every %llu ms",
			(unsigned long long)(watchdog_usec(d.watchdog) / 1000));

	/* The endpoints as bound: a port 0 or an interface name resolved. */
	char cmd_at[256], ev_at[256];
	server_endpoints(&d.server, cmd_at, sizeof cmd_at, ev_at, sizeof ev_at);
	char head[24];
	snprintf(head, sizeof head, "%lld", (long long)store_next_seq(d.store) - 1);
	struct log_field at[] = {{"COMMAND_ENDPOINT", cmd_at},
				 {"EVENT_ENDPOINT", ev_at},
				 {"STATE_DIR", d.config.state_dir},
				 {"SEQ", head}};
	log_entry(LOG_INFO, JOURNAL_READY, at, 4, "ready: commands on %s, events on %s, state in %s",
		  cmd_at, ev_at, d.config.state_dir);
	ready = true;
	notify_state("READY=1\nSTATUS=commands on %s, events on %s\nMAINPID=%lu", cmd_at,
		   ev_at, (unsigned long)getpid());
	if (event_base_dispatch(d.base) < 0) {
		log_msg(LOG_ERR, "the event loop failed");
		goto out;
	}
	code = EX_OK;
	char done[24];
	snprintf(done, sizeof done, "%llu", (unsigned long long)d.server.commands);
	struct log_field f = {"COMMANDS", done};
	log_entry(LOG_INFO, JOURNAL_STOPPED, &f, 1, "stopped after %llu commands in %llu batches",
		  (unsigned long long)d.server.commands, (unsigned long long)d.server.batches);
out:
	if (!ready && code != EX_OK)
		not_started(code);
	for (int i = 0; i < 3; i++)
		if (sigs[i])
			event_free(sigs[i]);
	watchdog_stop(&d.watchdog);
	server_close(&d.server);
	keyring_close(&d.keys);
	ledger_close(&d.ledger);
	/* Before the store: the last connection to close makes SQLite's final checkpoint. */
	checkpointer_close(&d.wal);
	store_close(&d.store);
	office_close(&d.office);
	if (d.base)
		event_base_free(d.base);
	state_close(&d.state);
	return code;
}
