/* The harness's CURVE keys: test clients' key files, recorded with docketd and used to connect. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <zmq.h>

#include "harness.h"

/* The quoted Z85 key after name in text, into out; 0 or -1. */
static int z85_after(const char *text, const char *name, char out[41])
{
	const char *at = text ? strstr(text, name) : NULL;
	const char *q = at ? strchr(at, '"') : NULL;
	return q && sscanf(q, "\"%40[^\"]", out) == 1 && strlen(out) == 40 ? 0 : -1;
}

void h_key_make(struct h_daemon *d, const char *name, int mode, struct h_key *k)
{
	char text[200];
	assert_int_equal(zmq_curve_keypair(k->pub, k->sec), 0);
	snprintf(k->path, sizeof k->path, "%s/%s", d->dir, name);
	snprintf(text, sizeof text, "# a test client\npublic-key = \"%s\"\nsecret-key = \"%s\"\n",
	         k->pub, k->sec);
	assert_int_equal(h_write_bytes(k->path, text, strlen(text)), 0);
	assert_int_equal(chmod(k->path, (mode_t)mode), 0);
}

void h_key_read(const char *path, struct h_key *k)
{
	char *text = h_read_file(path, NULL);
	if (path != k->path)
		snprintf(k->path, sizeof k->path, "%s", path);
	if (z85_after(text, "public-key", k->pub) < 0)
		fail_msg("harness: no public-key in %s", path);
	if (z85_after(text, "secret-key", k->sec) < 0)
		k->sec[0] = '\0';
	free(text);
}

void h_key_add(struct h_daemon *d, const char *pub, const char *principal, const char *roles)
{
	docket_request *r = h_req("key_add", "key", pub, "principal", principal, NULL);
	char *list = strdup(roles), *save = NULL;
	assert_non_null(list);
	for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save))
		assert_int_equal(docket_request_append_str(r, "roles", t), 0);
	free(list);
	docket_msg *m = NULL;
	int rc = docket_client_call(d->client, r, &m);
	if (rc != 0)
		fail_msg("harness: key_add %s: %s: %s", principal, docket_strerror(rc),
		         m ? docket_msg_error_message(m) : "no reply");
	docket_msg_destroy(&m);
	docket_request_destroy(&r);
}

int h_client_as(struct h_daemon *d, const char *key_file, const char *server, int timeout_ms,
                docket_client **c)
{
	char key[300], pub[300];
	snprintf(key, sizeof key, "%s/admin.key", d->state_dir);
	snprintf(pub, sizeof pub, "%s/server.pub", d->state_dir);
	assert_int_equal(docket_credentials_set(key_file ? key_file : key, server ? server : pub),
	                 0);
	*c = NULL;
	int rc = docket_client_new(c, d->cmd);
	assert_int_equal(docket_credentials_set(key, pub), 0);
	if (rc == 0)
		docket_client_set_timeout(*c, timeout_ms);
	return rc;
}

int h_sub_as(struct h_daemon *d, const char *key_file, int timeout_ms, docket_sub **s)
{
	char key[300], pub[300];
	snprintf(key, sizeof key, "%s/admin.key", d->state_dir);
	snprintf(pub, sizeof pub, "%s/server.pub", d->state_dir);
	assert_int_equal(docket_credentials_set(key_file, pub), 0);
	*s = NULL;
	int rc = docket_sub_new(s, d->ev, NULL, timeout_ms);
	assert_int_equal(docket_credentials_set(key, pub), 0);
	return rc;
}
