/* The clients' keys in the store: each a principal's, with its roles, revoked but never deleted. */
#ifndef DOCKET_STORE_KEY_H
#define DOCKET_STORE_KEY_H

#include <stdint.h>

#include "store.h"

/* One row of the keys table; strings valid during the call (or in the arena given). */
struct key_row {
	struct str key;       /* Z85 public key */
	struct str principal;
	unsigned roles;       /* ROLE_* bits */
	struct str added_at, changed_at;
	struct str revoked_at; /* ptr NULL while the key is in force */
};

/* Called for each key in key order; a non-zero return stops the walk and is returned. */
typedef int (*store_key_fn)(void *ctx, const struct key_row *k);

/* Every key, revoked ones included. Returns 0, fn's non-zero, or -DOCKET_ESTORAGE. */
int store_key_each(struct store *s, store_key_fn fn, void *ctx);

/* The key k, copied into a. 0, -DOCKET_ENOTFOUND, -DOCKET_ENOMEM or -DOCKET_ESTORAGE. */
int store_key_get(struct store *s, struct str key, struct arena *a, struct key_row *out);

/* Add a key in force. 0, -DOCKET_ECONFLICT (known already) or -DOCKET_ESTORAGE. */
int store_key_add(struct store *s, struct str key, struct str principal, unsigned roles,
		  const char *ts);

/* Set a key's roles, or revoke it (roles kept). 0 or -DOCKET_ESTORAGE. */
int store_key_set_roles(struct store *s, struct str key, unsigned roles, const char *ts);
int store_key_revoke(struct store *s, struct str key, const char *ts);

/* Keys in force holding role, other than except: a count, or -DOCKET_ESTORAGE. */
int64_t store_key_holders(struct store *s, unsigned role, struct str except);

#endif
