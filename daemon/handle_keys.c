/*
 * The clients' keys (PROTOCOL.md 7): adding one for a principal with its
 * roles, changing the roles, revoking it, and listing them. Each change is
 * an event, and takes effect at the key's next message.
 */
#include "codec.h"
#include "docket/error.h"
#include "keyfile.h"
#include "keyring.h"
#include "pack.h"
#include "proto.h"
#include "store_key.h"

/* The request's roles: an array of role names, at least one. */
static int read_roles(struct cmd *c, unsigned *out)
{
	struct str raw = c->req->s[F_ROLES];
	struct codec_reader r;
	struct codec_value v;
	*out = 0;
	/* request.c validated the array as msgpack within the limits. */
	codec_reader_init(&r, raw.ptr, raw.len);
	codec_read(&r, &v);
	if (v.u.count < 1 || v.u.count > 16)
		return cmd_fail(c, -DOCKET_EBADREQ, "'roles' must name 1 to 5 roles");
	for (uint32_t i = 0; i < v.u.count; i++) {
		struct codec_value t;
		codec_read(&r, &t);
		int role = t.type == CODEC_STR ? proto_role_lookup(t.u.s.ptr, t.u.s.len) : -1;
		if (role < 0)
			return cmd_fail(c, -DOCKET_EBADREQ,
					"each of 'roles' must be staff, commissioner, secretariat, "
					"reader or admin");
		*out |= (unsigned)role;
	}
	return 0;
}

static int read_key(struct cmd *c, struct key_row *k)
{
	struct str key = c->req->s[F_KEY];
	int rc = store_key_get(c->store, key, c->arena, k);
	if (rc == -DOCKET_ENOTFOUND)
		return cmd_fail(c, rc, "no key '%.*s'", (int)key.len, key.ptr);
	if (rc < 0)
		return cmd_fail(c, rc, "cannot read the keys: %s", store_errmsg(c->store));
	if (k->revoked_at.ptr)
		return cmd_fail(c, -DOCKET_EPRECONDITION, "key '%.*s' was revoked at %.*s",
				(int)key.len, key.ptr, (int)k->revoked_at.len, k->revoked_at.ptr);
	return 0;
}

/* Whether taking the admin role from key would leave no key that holds it. */
static int last_admin(struct cmd *c, const struct key_row *k, unsigned roles_after)
{
	if (!(k->roles & ROLE_ADMIN) || (roles_after & ROLE_ADMIN))
		return 0;
	int64_t others = store_key_holders(c->store, ROLE_ADMIN, k->key);
	if (others < 0)
		return cmd_fail(c, -DOCKET_ESTORAGE, "cannot read the keys: %s",
				store_errmsg(c->store));
	if (others == 0)
		return cmd_fail(c, -DOCKET_EPRECONDITION,
				"key '%.*s' is the last with the admin role: give the role to "
				"another key first",
				(int)k->key.len, k->key.ptr);
	return 0;
}

static void pack_key(msgpack_packer *pk, const struct key_row *k)
{
	msgpack_pack_map(pk, 6);
	pack_cstr(pk, "key");
	pack_str(pk, k->key);
	pack_cstr(pk, "principal");
	pack_str(pk, k->principal);
	pack_cstr(pk, "roles");
	keyring_pack_roles(pk, k->roles);
	pack_cstr(pk, "added_at");
	pack_str(pk, k->added_at);
	pack_cstr(pk, "changed_at");
	pack_str(pk, k->changed_at);
	pack_cstr(pk, "revoked_at");
	pack_str(pk, k->revoked_at);
}

/* Reply with the key as it now stands, and the seq of its event. */
static int reply_key(struct cmd *c, struct str key)
{
	struct key_row k;
	int rc = store_key_get(c->store, key, c->arena, &k);
	if (rc < 0)
		return cmd_fail(c, rc, "cannot read the keys: %s", store_errmsg(c->store));
	pack_cstr(c->out, "key");
	pack_key(c->out, &k);
	c->pairs++;
	cmd_reply_seq(c);
	c->rekeyed = 1;
	return 0;
}

static int key_add(struct cmd *c)
{
	struct str key = c->req->s[F_KEY], principal = c->req->s[F_PRINCIPAL];
	unsigned roles;
	int rc = read_roles(c, &roles);
	if (rc < 0)
		return rc;
	if (!keyfile_z85_ok(key.ptr, key.len, NULL))
		return cmd_fail(c, -DOCKET_EBADREQ,
				"'key' must be a CURVE public key in Z85 (40 characters)");
	if (principal.len > PROTO_PRINCIPAL_MAX)
		return cmd_fail(c, -DOCKET_EBADREQ, "'principal' is %u bytes; the limit is %d",
				principal.len, PROTO_PRINCIPAL_MAX);
	rc = store_key_add(c->store, key, principal, roles, c->ts);
	if (rc == -DOCKET_ECONFLICT)
		return cmd_fail(c, rc,
				"key '%.*s' is known already (a revoked key stays revoked: make "
				"a new one)",
				(int)key.len, key.ptr);
	if (rc == 0)
		rc = keyring_emit(c->store, c->outbox, "key.added", c->ts, c->who->name, key,
				  principal, roles);
	if (rc < 0)
		return cmd_fail(c, rc, "cannot add the key: %s", store_errmsg(c->store));
	return reply_key(c, key);
}

static int key_roles(struct cmd *c)
{
	struct key_row k;
	unsigned roles;
	int rc = read_roles(c, &roles);
	if (rc == 0)
		rc = read_key(c, &k);
	if (rc == 0)
		rc = last_admin(c, &k, roles);
	if (rc < 0)
		return rc;
	if ((rc = store_key_set_roles(c->store, k.key, roles, c->ts)) == 0)
		rc = keyring_emit(c->store, c->outbox, "key.changed", c->ts, c->who->name, k.key,
				  k.principal, roles);
	if (rc < 0)
		return cmd_fail(c, rc, "cannot change the key: %s", store_errmsg(c->store));
	return reply_key(c, k.key);
}

static int key_revoke(struct cmd *c)
{
	struct key_row k;
	int rc = read_key(c, &k);
	if (rc == 0)
		rc = last_admin(c, &k, 0);
	if (rc < 0)
		return rc;
	if ((rc = store_key_revoke(c->store, k.key, c->ts)) == 0)
		rc = keyring_emit(c->store, c->outbox, "key.revoked", c->ts, c->who->name, k.key,
				  k.principal, k.roles);
	if (rc < 0)
		return cmd_fail(c, rc, "cannot revoke the key: %s", store_errmsg(c->store));
	return reply_key(c, k.key);
}

struct listing {
	struct cmd *c;
	uint32_t n;
};

static int list_one(void *arg, const struct key_row *k)
{
	struct listing *l = arg;
	pack_key(l->c->out, k);
	l->n++;
	return 0;
}

static int keys(struct cmd *c)
{
	struct listing l = {.c = c};
	pack_cstr(c->out, "keys");
	size_t at = pack_open_array(c->buf);
	int rc = store_key_each(c->store, list_one, &l);
	if (rc < 0)
		return cmd_fail(c, rc, "cannot read the keys: %s", store_errmsg(c->store));
	pack_close(c->buf, at, l.n);
	c->pairs++;
	return 0;
}

/* The admin's alone: roles.c, checked before any handler. */
int handle_keys(struct cmd *c)
{
	switch (c->req->op) {
	case OP_KEY_ADD:
		return key_add(c);
	case OP_KEY_ROLES:
		return key_roles(c);
	case OP_KEY_REVOKE:
		return key_revoke(c);
	default:
		return keys(c);
	}
}
