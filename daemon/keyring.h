/* The keys docketd knows: its own CURVE key pair and the principal behind each client's key. */
#ifndef DOCKET_KEYRING_H
#define DOCKET_KEYRING_H

#include <msgpack.h>
#include <stddef.h>

#include "cmd.h"
#include "keyfile.h"
#include "outbox.h"
#include "proto.h"
#include "store.h"

struct keyring_entry {
	char key[KEY_Z85_LEN + 1];
	char name[PROTO_PRINCIPAL_MAX + 1];
	struct principal who; /* who.name points at name */
	int revoked;
};

struct keyring {
	struct keypair server;   /* docketd's own; its public half is what clients must know */
	char server_path[1200];  /* where the pair is kept */
	struct keyring_entry *v; /* sorted by key */
	size_t n;
};

/*
 * Read docketd's key pair from path, or on first start create it there
 * and its public half beside it (path with ".pub" for ".key"), as sshd
 * does with its host keys. Returns 0 or a negative code with err set.
 */
int keyring_open(struct keyring *kr, const char *path, char *err, size_t errlen);

/* Read every client key from the store again. 0, -DOCKET_ENOMEM or -DOCKET_ESTORAGE. */
int keyring_load(struct keyring *kr, struct store *s);

/*
 * With no client key in the store, give first a key: read admin_path or
 * create it (mode 0600), and record its public key for first's name and
 * roles (without an event: it comes with the store). So that docketd's first start leaves a
 * working client on this machine with nothing set up by hand. Returns 0
 * or a negative code with err set.
 */
int keyring_bootstrap(struct keyring *kr, struct store *s, const char *admin_path,
		      const struct principal *first, char *err, size_t errlen);

/* roles as the array of their names, as replies and events carry them. */
void keyring_pack_roles(msgpack_packer *pk, unsigned roles);

/*
 * Append a key event (key.added, key.changed, key.revoked) by actor to the
 * log and to o. Returns 0 or a negative code.
 */
int keyring_emit(struct store *s, struct outbox *o, const char *type, const char *ts,
		 struct str actor, struct str key, struct str principal, unsigned roles);

/* The principal of the Z85 key k (len bytes) when it is known and in force, else NULL. */
const struct principal *keyring_find(const struct keyring *kr, const char *k, size_t len);

void keyring_close(struct keyring *kr);

#endif
