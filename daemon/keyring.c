/* The keys docketd knows: its own CURVE key pair and the principal behind each client's key. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docket/error.h"
#include "event.h"
#include "keyring.h"
#include "journal.h"
#include "log.h"
#include "pack.h"
#include "proto.h"
#include "store_key.h"
#include "wallclock.h"

/* path with its ".key" ending (or none) made ".pub". */
static void public_path(char *out, size_t n, const char *path)
{
	size_t len = strlen(path);
	if (len > 4 && strcmp(path + len - 4, ".key") == 0)
		len -= 4;
	snprintf(out, n, "%.*s.pub", (int)len, path);
}

int keyring_open(struct keyring *kr, const char *path, char *err, size_t errlen)
{
	memset(kr, 0, sizeof *kr);
	snprintf(kr->server_path, sizeof kr->server_path, "%s", path);
	int rc = keyfile_read(path, &kr->server, err, errlen);
	if (rc == 0 && !kr->server.secret_key[0]) {
		snprintf(err, errlen, "%s holds no secret-key: docketd needs its key pair", path);
		return -DOCKET_ECONFIG;
	}
	if (rc == 0 || errno != ENOENT)
		return rc;
	/* First start: make the pair, and its public half for clients to copy. */
	char pub[1210];
	struct keypair only = {0};
	if (keyfile_generate(&kr->server) < 0) {
		snprintf(err, errlen, "cannot make a CURVE key pair");
		return -DOCKET_ESYS;
	}
	if ((rc = keyfile_write(path, &kr->server, "docketd's CURVE key pair: keep it secret", err,
				errlen)) < 0)
		return rc;
	memcpy(only.public_key, kr->server.public_key, sizeof only.public_key);
	public_path(pub, sizeof pub, path);
	if (keyfile_write(pub, &only, "docketd's public key: clients need it to connect", err,
			  errlen) < 0 &&
	    errno != EEXIST)
		log_msg(LOG_WARNING, "%s", err);
	struct log_field f[] = {{"KEY_FILE", path}, {"PUBLIC_KEY", kr->server.public_key}};
	log_entry(LOG_NOTICE, JOURNAL_KEY, f, 2, "created the server key pair %s; public key %s",
		  path, kr->server.public_key);
	return 0;
}

static int compare(const void *a, const void *b)
{
	return strcmp(((const struct keyring_entry *)a)->key, ((const struct keyring_entry *)b)->key);
}

struct loading {
	struct keyring_entry *v;
	size_t n, cap;
};

static int add(void *arg, const struct key_row *k)
{
	struct loading *l = arg;
	if (k->key.len != KEY_Z85_LEN || k->principal.len > PROTO_PRINCIPAL_MAX)
		return 0; /* not a key docketd wrote: never matches a client */
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		void *grown = realloc(l->v, cap * sizeof *l->v);
		if (!grown)
			return -DOCKET_ENOMEM;
		l->v = grown;
		l->cap = cap;
	}
	struct keyring_entry *e = &l->v[l->n++];
	memcpy(e->key, k->key.ptr, KEY_Z85_LEN);
	e->key[KEY_Z85_LEN] = '\0';
	memcpy(e->name, k->principal.ptr, k->principal.len);
	e->name[k->principal.len] = '\0';
	e->who.roles = k->roles;
	e->revoked = k->revoked_at.ptr != NULL;
	return 0;
}

int keyring_load(struct keyring *kr, struct store *s)
{
	struct loading l = {0};
	int rc = store_key_each(s, add, &l);
	if (rc < 0) {
		free(l.v);
		return rc;
	}
	if (l.n)
		qsort(l.v, l.n, sizeof *l.v, compare);
	/* Names point into the table: set them once it has stopped moving. */
	for (size_t i = 0; i < l.n; i++)
		l.v[i].who.name = str_c(l.v[i].name);
	free(kr->v);
	kr->v = l.v;
	kr->n = l.n;
	return 0;
}

const struct principal *keyring_find(const struct keyring *kr, const char *k, size_t len)
{
	if (len != KEY_Z85_LEN)
		return NULL;
	size_t lo = 0, hi = kr->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = memcmp(kr->v[mid].key, k, KEY_Z85_LEN);
		if (c == 0)
			return kr->v[mid].revoked ? NULL : &kr->v[mid].who;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void keyring_pack_roles(msgpack_packer *pk, unsigned roles)
{
	msgpack_pack_array(pk, (size_t)__builtin_popcount(roles & ROLE_ALL));
	for (unsigned bit = 1; bit <= ROLE_ADMIN; bit <<= 1)
		if (roles & bit)
			pack_cstr(pk, proto_role_name((int)bit));
}

int keyring_emit(struct store *s, struct outbox *o, const char *type, const char *ts,
		 struct str actor, struct str key, struct str principal, unsigned roles)
{
	msgpack_packer pk;
	size_t start = event_begin(s, o, &pk, type, ts, actor, 1);
	pack_cstr(&pk, "data");
	msgpack_pack_map(&pk, 3);
	pack_cstr(&pk, "key");
	pack_str(&pk, key);
	pack_cstr(&pk, "principal");
	pack_str(&pk, principal);
	pack_cstr(&pk, "roles");
	keyring_pack_roles(&pk, roles);
	struct event ev = {.ts = ts, .type = type, .actor = actor};
	return event_end(s, o, start, &ev);
}

/*
 * Record key for first. Like docketd's own key pair it comes with the
 * store, before any client: no event, so that the log starts with the
 * office's first change.
 */
static int record(struct store *s, const char *key, const struct principal *first)
{
	char ts[WALLCLOCK_TS_LEN];
	wallclock_now(ts);
	int rc = store_begin(s);
	if (rc == 0)
		rc = store_key_add(s, (struct str){key, KEY_Z85_LEN}, first->name, first->roles, ts);
	if (rc == 0)
		rc = store_commit(s);
	if (rc < 0)
		store_rollback(s);
	return rc;
}

int keyring_bootstrap(struct keyring *kr, struct store *s, const char *admin_path,
		      const struct principal *first, char *err, size_t errlen)
{
	if (kr->n > 0)
		return 0;
	struct keypair admin;
	int rc = keyfile_read(admin_path, &admin, err, errlen);
	if (rc < 0 && errno != ENOENT)
		return rc;
	if (rc < 0) {
		if (keyfile_generate(&admin) < 0) {
			snprintf(err, errlen, "cannot make a CURVE key pair");
			return -DOCKET_ESYS;
		}
		if ((rc = keyfile_write(admin_path, &admin,
					"a docket client's CURVE key pair: keep it secret", err,
					errlen)) < 0)
			return rc;
	}
	if ((rc = record(s, admin.public_key, first)) < 0) {
		snprintf(err, errlen, "cannot record the first client key: %s", store_errmsg(s));
		return rc;
	}
	struct log_field f[] = {{"KEY_FILE", admin_path}, {"PUBLIC_KEY", admin.public_key}};
	log_entry(LOG_NOTICE, JOURNAL_KEY, f, 2, "created the client key %s for '%.*s' (public key %s)",
		  admin_path, (int)first->name.len, first->name.ptr, admin.public_key);
	return keyring_load(kr, s);
}

void keyring_close(struct keyring *kr)
{
	free(kr->v);
	kr->v = NULL;
	kr->n = 0;
	memset(&kr->server, 0, sizeof kr->server);
}
