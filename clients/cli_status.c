/* The operations commands: docketd's status, and a backup it writes on its own host. */
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* "key: value" for an integer at prefix.key, when there is one. */
static void num_line(const docket_msg *m, const char *prefix, const char *key, const char *label)
{
	int64_t v;
	if (cli_num(m, prefix, key, &v))
		printf("%s: %" PRId64 "\n", label, v);
}

static void time_line(struct cli_zone *z, const docket_msg *m, const char *prefix,
                      const char *key, const char *label)
{
	char buf[CLI_TIME_LEN];
	const char *t = cli_str(m, prefix, key);
	if (t)
		printf("%s: %s\n", label, cli_time(z, t, SHOW_SECONDS, buf));
}

void cli_print_status(struct cli_zone *z, const docket_msg *reply)
{
	int64_t v, w;
	const char *s = cli_str(reply, "", "version");

	if (s)
		printf("version: %s\n", s);
	if (cli_num(reply, "", "protocol", &v) && cli_num(reply, "", "revision", &w))
		printf("protocol: %" PRId64 ", revision %" PRId64 "\n", v, w);
	time_line(z, reply, "", "started_at", "started");
	num_line(reply, "", "uptime_s", "uptime (s)");
	num_line(reply, "", "last_seq", "last seq");
	num_line(reply, "", "db_bytes", "database (bytes)");
	num_line(reply, "", "wal_bytes", "WAL (bytes)");
	num_line(reply, "", "commands", "commands since start");
	num_line(reply, "", "commands_per_s", "commands per second");
	num_line(reply, "", "pending_reminders", "pending reminders");
	num_line(reply, "", "subscribers", "subscribers");
	num_line(reply, "", "subscriptions", "subscriptions");
	size_t n = docket_msg_count(reply, "cursors");
	printf("cursors: %zu\n", n);
	for (size_t i = 0; i < n; i++) {
		char p[32];
		int64_t acked = 0, lag = 0, pending = 0, parked = 0;
		snprintf(p, sizeof p, "cursors.%zu", i);
		cli_num(reply, p, "acked", &acked);
		cli_num(reply, p, "lag", &lag);
		cli_num(reply, p, "pending", &pending);
		cli_num(reply, p, "parked", &parked);
		printf("cursor %s: acked %" PRId64 ", lag %" PRId64 ", pending %" PRId64
		       ", parked %" PRId64 "\n",
		       cli_str(reply, p, "name") ? cli_str(reply, p, "name") : "?", acked, lag,
		       pending, parked);
	}
	if (cli_num(reply, "checkpoint", "seq", &v))
		printf("checkpoint: seq %" PRId64 "\n", v);
	else
		puts("checkpoint: none since start");
	time_line(z, reply, "checkpoint", "at", "checkpoint signed");
	if ((s = cli_str(reply, "wal_checkpoint", "mode")) && cli_num(reply, "wal_checkpoint",
	                                                             "wal_pages", &v) &&
	    cli_num(reply, "wal_checkpoint", "backfilled", &w))
		printf("WAL checkpoint: %s, %" PRId64 " of %" PRId64 " pages copied\n", s, w, v);
	else
		puts("WAL checkpoint: none since start");
	time_line(z, reply, "wal_checkpoint", "at", "WAL checkpoint made");
	if ((s = cli_str(reply, "backup", "path")))
		printf("backup: %s\n", s);
	else
		puts("backup: none");
	time_line(z, reply, "backup", "at", "backup made");
	num_line(reply, "backup", "seq", "backup seq");
	num_line(reply, "backup", "bytes", "backup (bytes)");
	if ((s = cli_str(reply, "backup", "head")))
		printf("backup head: %s\n", s);
	if (cli_flag(reply, "backup_running"))
		puts("backup running: yes");
}

void cli_print_backup(struct cli_zone *z, const docket_msg *reply)
{
	int64_t seq = 0, bytes = 0;
	const char *head = cli_str(reply, "", "head");
	(void)z;
	cli_num(reply, "", "seq", &seq);
	cli_num(reply, "", "bytes", &bytes);
	printf("backup: %s\nseq: %" PRId64 "\nbytes: %" PRId64 "\nhead: %s\n",
	       cli_str(reply, "", "path") ? cli_str(reply, "", "path") : "?", seq, bytes,
	       head ? head : "-");
}

/* True when endpoint reaches a docketd on this machine: a file name means this host. */
static bool local_endpoint(const char *e)
{
	static const char *const local[] = {"ipc://", "tcp://127.", "tcp://localhost:",
	                                    "tcp://[::1]:", NULL};
	for (int i = 0; local[i]; i++)
		if (strncmp(e, local[i], strlen(local[i])) == 0)
			return true;
	return false;
}

/*
 * PATH names a file on docketd's host, written by docketd: a relative one
 * is made absolute from here, which means the same file only when docketd
 * runs on this machine.
 */
int cli_backup_fill(const struct cli *cli, docket_request *r)
{
	const char *path = cli->args[0];
	const char *e = cli->endpoint ? cli->endpoint : getenv(DOCKET_ENV_ENDPOINT);
	char cwd[PATH_MAX], abs[PATH_MAX * 2];

	if (!e || !*e)
		e = DOCKET_DEFAULT_ENDPOINT;
	if (!*path)
		return cli_usage_error(cli, "PATH must not be empty");
	if (path[0] != '/') {
		if (!local_endpoint(e))
			return cli_usage_error(cli,
			                       "docketd at %s writes PATH on its own host: give an "
			                       "absolute PATH there",
			                       e);
		if (!getcwd(cwd, sizeof cwd))
			return cli_fail(cli, EX_OSERR, "cannot read the current directory");
		snprintf(abs, sizeof abs, "%s/%s", cwd, path);
		path = abs;
	}
	return docket_request_set_str(r, "path", path) < 0 ? EX_SOFTWARE : 0;
}
