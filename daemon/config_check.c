/*
 * docketd --check-config: the configuration read as a start would read it,
 * then held against this machine without touching it. Nothing is created,
 * locked, opened for writing or bound, so that it can run beside a docketd
 * that serves, before a reload.
 */
#include <errno.h>
#include <grp.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "config.h"
#include "docket/error.h"
#include "endpoint.h"
#include "keyfile.h"
#include "office.h"
#include "state.h"

/* The directory path is in ("." for a bare name), in dir. */
static void parent_of(const char *path, char *dir, size_t n)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		snprintf(dir, n, ".");
	else if (slash == path)
		snprintf(dir, n, "/");
	else
		snprintf(dir, n, "%.*s", (int)(slash - path), path);
}

/* A file docketd would create in dir: dir must be a directory it may write in. */
static int can_create_in(const char *dir, char *why, size_t n)
{
	struct stat st;
	if (stat(dir, &st) < 0) {
		snprintf(why, n, "%s: %s", dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(why, n, "%s is not a directory", dir);
		return -1;
	}
	if (access(dir, W_OK | X_OK) < 0) {
		snprintf(why, n, "cannot create files in %s: %s", dir, strerror(errno));
		return -1;
	}
	return 0;
}

static void check_endpoint(struct config_report *r, const char *key, const char *endpoint,
			   const char *what)
{
	char why[512];
	if (endpoint_check(endpoint, what, why, sizeof why) < 0) {
		config_report_error(r, key, "%s", why);
		return;
	}
	const char *path = endpoint + strlen("ipc://");
	if (strncmp(endpoint, "ipc://", 6) || path[0] == '@' || strcmp(path, "*") == 0)
		return;
	char dir[256];
	parent_of(path, dir, sizeof dir);
	if (can_create_in(dir, why, sizeof why) < 0)
		config_report_error(r, key, "no socket can be made for %s: %s", endpoint, why);
}

/*
 * What state_open would find: a directory docketd may use, or one it can
 * make; a database it can write. Modes beyond 0750 are only a warning at
 * start, unless docketd may not change them.
 */
static void check_state_dir(struct config_report *r, const char *dir)
{
	const char *key = "docketd.state_dir";
	char why[600], parent[1024], db[1100];
	struct stat st;
	if (stat(dir, &st) < 0) {
		if (errno != ENOENT) {
			config_report_error(r, key, "%s: %s", dir, strerror(errno));
			return;
		}
		parent_of(dir, parent, sizeof parent);
		if (can_create_in(parent, why, sizeof why) < 0)
			config_report_error(r, key, "%s does not exist and cannot be made: %s", dir,
					    why);
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		config_report_error(r, key, "%s is not a directory", dir);
		return;
	}
	if (access(dir, R_OK | W_OK | X_OK) < 0) {
		config_report_error(r, key, "%s: %s", dir, strerror(errno));
		return;
	}
	if ((st.st_mode & 07777 & ~STATE_DIR_MODE) && geteuid() != 0 && st.st_uid != geteuid())
		config_report_error(r, key,
				    "%s has mode %04o, which docketd must narrow to %04o at most, and "
				    "only its owner may",
				    dir, (unsigned)(st.st_mode & 07777), STATE_DIR_MODE);
	snprintf(db, sizeof db, "%s/docket.db", dir);
	if (stat(db, &st) < 0)
		return; /* made at the first start */
	if (!S_ISREG(st.st_mode))
		config_report_error(r, key, "%s is not a database file", db);
	else if (access(db, R_OK | W_OK) < 0)
		config_report_error(r, key, "%s cannot be written: %s", db, strerror(errno));
}

/* docketd's key pair, as keyring_open reads it; a missing one is made at start. */
static void check_server_key(struct config_report *r, const struct config *c)
{
	const char *key = "docketd.server_key";
	char path[1200], why[1400], dir[1100];
	struct keypair k;
	if (c->server_key[0])
		snprintf(path, sizeof path, "%s", c->server_key);
	else
		snprintf(path, sizeof path, "%s/server.key", c->state_dir);
	int rc = keyfile_read(path, &k, why, sizeof why);
	int missing = rc == -DOCKET_ESYS && errno == ENOENT;
	int secret = k.secret_key[0] != '\0';
	sodium_memzero(&k, sizeof k);
	if (rc == 0 && !secret)
		config_report_error(r, key, "%s holds no secret-key: docketd needs its key pair",
				    path);
	else if (rc < 0 && !missing)
		config_report_error(r, key, "%s", why);
	else if (missing && c->server_key[0]) {
		/* The state directory's own file is its check's business. */
		parent_of(path, dir, sizeof dir);
		if (can_create_in(dir, why, sizeof why) < 0)
			config_report_error(r, key, "%s is missing and cannot be made: %s", path, why);
	}
}

int config_check_host(const struct config *c, struct config_report *r)
{
	int before = r->nerr;
	check_endpoint(r, "docketd.listen", c->listen, "command");
	check_endpoint(r, "docketd.publish", c->publish, "event");
	if (strcmp(c->listen, c->publish) == 0)
		config_report_error(r, "docketd.publish", "%s is the command endpoint too (listen)",
				    c->publish);
	if (c->ipc_group[0] && !getgrnam(c->ipc_group))
		config_report_error(r, "docketd.ipc_group", "no group '%s' on this system",
				    c->ipc_group);
	check_state_dir(r, c->state_dir);
	check_server_key(r, c);
	/* The default zone too: tzdata may lack it. */
	struct office o;
	char why[256];
	if (office_open(&o, c, why, sizeof why) < 0)
		config_report_error(r, "office.timezone",
				    "'%s' is not a time zone the system knows (such as Europe/London)",
				    c->timezone);
	else
		office_close(&o);
	return r->nerr > before ? -DOCKET_ECONFIG : 0;
}

int config_check_run(const char *path, const char *set[][2], int n)
{
	struct config c;
	struct config_report r;
	int rc = config_read(&c, path, set, n, &r);
	if (rc == 0)
		rc = config_check_host(&c, &r);
	int kept = r.nerr < CONFIG_MAX_ERRORS ? r.nerr : CONFIG_MAX_ERRORS;
	for (int i = 0; i < kept; i++)
		fprintf(stderr, "%s\n", r.err[i]);
	const char *what = path ? path : "the embedded defaults";
	if (rc < 0)
		fprintf(stderr, "docketd: %s: configuration invalid (%d error%s)\n", what, r.nerr,
			r.nerr == 1 ? "" : "s");
	else if (r.dropins)
		printf("docketd: %s: configuration valid (%d drop-in%s)\n", what, r.dropins,
		       r.dropins == 1 ? "" : "s");
	else
		printf("docketd: %s: configuration valid\n", what);
	config_report_free(&r);
	return rc < 0 ? EX_CONFIG : EX_OK;
}
