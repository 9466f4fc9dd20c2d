/*
 * Which CURVE keys a client presents on a tcp endpoint: its own key pair
 * and docketd's public key, from what the program set, the environment,
 * the user's docket.conf ([docket]; client.conf's [client] where it names
 * none), or the state directory of a docketd run here on its defaults
 * (docket(1), FILES).
 */
#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "keyfile.h"
#include "libdocket.h"

/* What a docketd started here on its embedded defaults leaves in ./state. */
#define LOCAL_KEY "state/admin.key"
#define LOCAL_SERVER_KEY "state/server.pub"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char set_key[PATH_MAX], set_server[PATH_MAX];
static __thread char why[600];

int docket_credentials_set(const char *key_file, const char *server_key)
{
	if ((key_file && strlen(key_file) >= sizeof set_key) ||
	    (server_key && strlen(server_key) >= sizeof set_server))
		return -DOCKET_EINVAL;
	pthread_mutex_lock(&lock);
	snprintf(set_key, sizeof set_key, "%s", key_file ? key_file : "");
	snprintf(set_server, sizeof set_server, "%s", server_key ? server_key : "");
	pthread_mutex_unlock(&lock);
	return 0;
}

const char *docket_credentials_error(void)
{
	return why;
}

struct conf {
	char dir[PATH_MAX]; /* relative paths in the file are relative to it */
	const char *section; /* the section read: "docket" in docket.conf, "client" in client.conf */
	char key[PATH_MAX], server[PATH_MAX];
};

static int on_pair(void *arg, const char *section, const char *name, const char *value)
{
	struct conf *c = arg;
	char *dst = strcmp(name, "key") == 0 ? c->key : strcmp(name, "server_key") == 0 ? c->server : NULL;
	if (strcmp(section, c->section) != 0 || !dst)
		return 1; /* the CLI's settings, or other programs', may share the file */
	if (value[0] == '/' || keyfile_z85_ok(value, strlen(value), NULL))
		snprintf(dst, PATH_MAX, "%s", value);
	else
		snprintf(dst, PATH_MAX, "%.*s/%s", PATH_MAX / 2, c->dir, value);
	return 1;
}

/* One file of the directory, read for section's key and server_key; a missing file is none. */
static int read_file(struct conf *c, const char *file, const char *section)
{
	char path[PATH_MAX + 32];
	snprintf(path, sizeof path, "%s/%s", c->dir, file);
	FILE *f = fopen(path, "re");
	if (!f)
		return 0;
	c->section = section;
	int line = ini_parse_file(f, on_pair, c);
	fclose(f);
	if (line != 0) {
		snprintf(why, sizeof why, "%.500s:%d: cannot read this line", path, line);
		return -DOCKET_ECONFIG;
	}
	return 0;
}

/*
 * $XDG_CONFIG_HOME/docket/docket.conf, or ~/.config/docket/docket.conf; for
 * what it does not name, client.conf beside it (the file before docket
 * 0.6.0), whose value a key docket.conf gives never overrides.
 */
static int read_conf(struct conf *c)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	struct conf old;
	memset(c, 0, sizeof *c);
	if (xdg && xdg[0] == '/')
		snprintf(c->dir, sizeof c->dir, "%s/docket", xdg);
	else if (home && home[0])
		snprintf(c->dir, sizeof c->dir, "%s/.config/docket", home);
	else
		return 0;
	if (read_file(c, "docket.conf", "docket") < 0)
		return -DOCKET_ECONFIG;
	if (c->key[0] && c->server[0])
		return 0;
	memcpy(old.dir, c->dir, sizeof old.dir);
	old.key[0] = old.server[0] = '\0';
	if (read_file(&old, "client.conf", "client") < 0)
		return -DOCKET_ECONFIG;
	if (!c->key[0])
		memcpy(c->key, old.key, sizeof c->key);
	if (!c->server[0])
		memcpy(c->server, old.server, sizeof c->server);
	return 0;
}

/* The first of the places given that names something; "" when none does. */
static const char *first(const char *a, const char *b, const char *c, const char *local)
{
	if (a && a[0])
		return a;
	if (b && b[0])
		return b;
	if (c && c[0])
		return c;
	return access(local, R_OK) == 0 ? local : "";
}

int credentials_apply(void *sock)
{
	struct conf conf;
	struct keypair mine, theirs;
	char key[PATH_MAX], server[PATH_MAX], err[500];
	/* Paths come whole into these; messages quote them cut short. */
	why[0] = '\0';
	if (read_conf(&conf) < 0)
		return -DOCKET_EAUTH;
	pthread_mutex_lock(&lock);
	snprintf(key, sizeof key, "%s",
		 first(set_key, getenv("DOCKET_KEY"), conf.key, LOCAL_KEY));
	snprintf(server, sizeof server, "%s",
		 first(set_server, getenv("DOCKET_SERVER_KEY"), conf.server, LOCAL_SERVER_KEY));
	pthread_mutex_unlock(&lock);
	if (!key[0] || !server[0]) {
		snprintf(why, sizeof why,
			 "no %s for a tcp endpoint: set DOCKET_KEY and DOCKET_SERVER_KEY, or "
			 "key and server_key in ~/.config/docket/docket.conf (see docket(1))",
			 !key[0] ? "client key" : "server key");
		return -DOCKET_EAUTH;
	}
	if (keyfile_read(key, &mine, err, sizeof err) < 0) {
		snprintf(why, sizeof why, "%.500s", err);
		return -DOCKET_EAUTH;
	}
	if (!mine.secret_key[0]) {
		snprintf(why, sizeof why, "%.500s holds no secret-key: a client needs its key pair",
			 key);
		return -DOCKET_EAUTH;
	}
	if (keyfile_z85_ok(server, strlen(server), NULL)) {
		memcpy(theirs.public_key, server, KEY_Z85_LEN + 1);
	} else if (keyfile_read(server, &theirs, err, sizeof err) < 0) {
		snprintf(why, sizeof why, "%.500s", err);
		return -DOCKET_EAUTH;
	}
	if (zmq_setsockopt(sock, ZMQ_CURVE_SERVERKEY, theirs.public_key, KEY_Z85_LEN) < 0 ||
	    zmq_setsockopt(sock, ZMQ_CURVE_PUBLICKEY, mine.public_key, KEY_Z85_LEN) < 0 ||
	    zmq_setsockopt(sock, ZMQ_CURVE_SECRETKEY, mine.secret_key, KEY_Z85_LEN) < 0) {
		snprintf(why, sizeof why, "cannot use CURVE: %s", zmq_strerror(zmq_errno()));
		memset(&mine, 0, sizeof mine);
		return -DOCKET_EAUTH;
	}
	memset(&mine, 0, sizeof mine);
	return 0;
}
