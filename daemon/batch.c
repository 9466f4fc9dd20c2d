/* Group commit: apply a batch, commit once, and only then answer. */
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "docket/error.h"
#include "journal.h"
#include "log.h"
#include "pack.h"
#include "proto.h"
#include "roles.h"
#include "wallclock.h"

int batch_init(struct batch *b, size_t max, struct store *store, const struct office *office)
{
	memset(b, 0, sizeof *b);
	b->e = calloc(max, sizeof *b->e);
	if (!b->e)
		return -DOCKET_ENOMEM;
	b->max = max;
	b->max_request = PROTO_MAX_REQUEST;
	b->store = store;
	b->office = office;
	msgpack_sbuffer_init(&b->replies);
	outbox_init(&b->outbox);
	return 0;
}

void batch_free(struct batch *b)
{
	batch_clear(b);
	free(b->e);
	msgpack_sbuffer_destroy(&b->replies);
	outbox_free(&b->outbox);
	arena_free(&b->arena);
	b->e = NULL;
}

void batch_clear(struct batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		zmq_msg_close(&b->e[i].route);
		zmq_msg_close(&b->e[i].payload);
		b->e[i].deferred = 0;
	}
	b->n = 0;
}

static void pack_id(msgpack_packer *pk, struct str id)
{
	if (id.len)
		pack_raw(pk, id.ptr, id.len);
	else
		msgpack_pack_nil(pk);
}

static void reply_error(struct batch *b, struct batch_entry *e, struct str id, int code,
			const char *message)
{
	msgpack_packer pk;
	msgpack_packer_init(&pk, &b->replies, msgpack_sbuffer_write);
	b->replies.size = e->reply_off;
	msgpack_pack_map(&pk, 4);
	pack_cstr(&pk, "v");
	msgpack_pack_int(&pk, PROTO_VERSION);
	pack_cstr(&pk, "id");
	pack_id(&pk, id);
	pack_cstr(&pk, "ok");
	msgpack_pack_false(&pk);
	pack_cstr(&pk, "error");
	msgpack_pack_map(&pk, 2);
	pack_cstr(&pk, "code");
	pack_cstr(&pk, docket_error_name(code));
	pack_cstr(&pk, "message");
	pack_cstr(&pk, message);
	e->reply_len = b->replies.size - e->reply_off;
}

/* Start a success reply; returns the offset of its map header. The result pairs follow. */
static size_t reply_begin(struct batch *b, msgpack_packer *pk, struct str id)
{
	size_t at = pack_open_map(&b->replies);
	pack_cstr(pk, "v");
	msgpack_pack_int(pk, PROTO_VERSION);
	pack_cstr(pk, "id");
	pack_id(pk, id);
	pack_cstr(pk, "ok");
	msgpack_pack_true(pk);
	return at;
}

/* The request without its id, in one piece, for the idempotency table. */
static int join_body(struct arena *a, const struct request *req, struct str *out)
{
	size_t n = (size_t)req->body[0].len + req->body[1].len;
	char *p = arena_alloc(a, n ? n : 1);
	if (!p)
		return -DOCKET_ENOMEM;
	if (req->body[0].len)
		memcpy(p, req->body[0].ptr, req->body[0].len);
	if (req->body[1].len)
		memcpy(p + req->body[0].len, req->body[1].ptr, req->body[1].len);
	*out = (struct str){p, (uint32_t)n};
	return 0;
}

/*
 * An idem key seen before: replay the stored reply, or refuse a different
 * request. Returns 1 when handled, 0 when the key is new, or a code.
 */
static int replay(struct batch *b, struct batch_entry *e, struct cmd *c, struct str body)
{
	const struct request *req = c->req;
	struct str stored, result;
	int64_t pairs;
	int found = store_idem_get(b->store, c->who->name, req->s[F_IDEM], &b->arena, &stored,
				   &result, &pairs);
	if (found <= 0)
		return found < 0 ? cmd_fail(c, found, "cannot read the idempotency keys: %s",
					    store_errmsg(b->store))
				 : 0;
	if (stored.len != body.len || memcmp(stored.ptr, body.ptr, body.len) != 0)
		return cmd_fail(c, -DOCKET_ECONFLICT,
				"idempotency key '%.*s' was used for a different request",
				(int)req->s[F_IDEM].len, req->s[F_IDEM].ptr);
	msgpack_packer pk;
	msgpack_packer_init(&pk, &b->replies, msgpack_sbuffer_write);
	size_t at = reply_begin(b, &pk, req->id);
	pack_raw(&pk, result.ptr, result.len);
	pack_close(&b->replies, at, 3 + (uint32_t)pairs);
	e->reply_len = b->replies.size - e->reply_off;
	return 1;
}

static void run_one(struct batch *b, struct batch_entry *e)
{
	struct request req;
	struct cmd c = {
		.store = b->store,
		.arena = &b->arena,
		.req = &req,
		.who = e->who,
		.office = b->office,
		.buf = &b->replies,
		.outbox = &b->outbox,
		.server = b->server,
		.entry = e,
	};
	msgpack_packer pk;
	msgpack_packer_init(&pk, &b->replies, msgpack_sbuffer_write);
	c.out = &pk;
	e->reply_off = b->replies.size;

	size_t len = zmq_msg_size(&e->payload);
	struct str no_id = {NULL, 0};
	if (e->malformed) {
		reply_error(b, e, no_id, -DOCKET_EBADREQ,
			    "a request is one frame, after an optional empty delimiter");
		return;
	}
	if (len > b->max_request) {
		cmd_fail(&c, -DOCKET_ETOOLARGE, "request is %zu bytes; the limit is %zu", len,
			 b->max_request);
		reply_error(b, e, no_id, -DOCKET_ETOOLARGE, c.err);
		return;
	}
	int rc = request_decode(&req, zmq_msg_data(&e->payload), len, c.err, sizeof c.err);
	/*
	 * Before any handler, and before saying what is wrong with a request
	 * the principal may not make at all: a key revoked since it connected,
	 * and a command its roles do not allow (roles.c), go no further.
	 */
	if (!e->who) {
		reply_error(b, e, req.id, -DOCKET_EFORBIDDEN, "this client's key has been revoked");
		return;
	}
	if (req.op >= 0 && cmd_need_role(&c, roles_allowed(req.op)) < 0) {
		reply_error(b, e, req.id, -DOCKET_EFORBIDDEN, c.err);
		return;
	}
	if (rc < 0) {
		reply_error(b, e, req.id, rc, c.err);
		return;
	}
	c.now = wallclock_now(c.ts);
	c.today = office_today(b->office, c.now);

	struct str body = {NULL, 0};
	if (req.present & BIT(F_IDEM)) {
		if ((rc = join_body(&b->arena, &req, &body)) < 0 ||
		    (rc = replay(b, e, &c, body)) != 0) {
			if (rc < 0)
				reply_error(b, e, req.id, rc, c.err[0] ? c.err : "out of memory");
			return;
		}
	}

	if ((rc = store_savepoint(b->store)) < 0) {
		reply_error(b, e, req.id, rc, store_errmsg(b->store));
		return;
	}
	struct outbox_mark mark = outbox_mark(&b->outbox);
	size_t at = reply_begin(b, &pk, req.id);
	size_t result = b->replies.size;
	rc = cmd_apply(&c);
	if (rc == 0 && c.discard) {
		/* A dry run answers as the command would, then leaves no trace. */
		if ((rc = store_rollback_savepoint(b->store)) < 0) {
			outbox_rewind(&b->outbox, mark);
			reply_error(b, e, req.id, rc, store_errmsg(b->store));
			return;
		}
		outbox_rewind(&b->outbox, mark);
		pack_close(&b->replies, at, 3 + c.pairs);
		e->reply_len = b->replies.size - e->reply_off;
		return;
	}
	if (rc == 0 && body.ptr) {
		rc = store_idem_put(b->store, c.who->name, req.s[F_IDEM], body,
				    b->replies.data + result, b->replies.size - result, c.pairs);
		if (rc < 0)
			cmd_fail(&c, rc, "cannot store the idempotency key: %s",
				 store_errmsg(b->store));
	}
	if (rc < 0) {
		store_rollback_savepoint(b->store);
		outbox_rewind(&b->outbox, mark);
		reply_error(b, e, req.id, rc, c.err);
		return;
	}
	if ((rc = store_release(b->store)) < 0) {
		outbox_rewind(&b->outbox, mark);
		reply_error(b, e, req.id, rc, store_errmsg(b->store));
		return;
	}
	if (c.deferred) {
		/* Its reply goes out when its work is done (backup.c), not with the batch's. */
		b->replies.size = e->reply_off;
		e->reply_len = 0;
		e->deferred = 1;
		return;
	}
	pack_close(&b->replies, at, 3 + c.pairs);
	e->reply_len = b->replies.size - e->reply_off;
	b->replanned |= c.replanned;
	b->rekeyed |= c.rekeyed;
}

/*
 * Nothing in the batch reached the disk: every request gets storage, and
 * the operator a line, since a full disk shows nowhere else.
 */
static int fail_all(struct batch *b, const char *why)
{
	char n[24];
	snprintf(n, sizeof n, "%zu", b->n);
	struct log_field f = {"REQUESTS", n};
	log_entry(LOG_ERR, JOURNAL_STORAGE, &f, 1,
		  "%zu requests refused with storage, none of them recorded: %s", b->n, why);
	store_rollback(b->store);
	outbox_clear(&b->outbox);
	b->replies.size = 0;
	for (size_t i = 0; i < b->n; i++) {
		struct batch_entry *e = &b->e[i];
		struct request req;
		char err[8];
		/* A backup reads committed pages on its own: the batch's failure is not its. */
		if (e->deferred)
			continue;
		/* Re-read only the id, to echo it. */
		request_decode(&req, zmq_msg_data(&e->payload), zmq_msg_size(&e->payload), err,
			       sizeof err);
		e->reply_off = b->replies.size;
		reply_error(b, e, e->malformed ? (struct str){NULL, 0} : req.id, -DOCKET_ESTORAGE,
			    why);
	}
	return -DOCKET_ESTORAGE;
}

int batch_run(struct batch *b)
{
	char why[256];
	b->replies.size = 0;
	b->replanned = b->rekeyed = 0;
	outbox_clear(&b->outbox);
	arena_reset(&b->arena);
	if (store_begin(b->store) < 0) {
		snprintf(why, sizeof why, "cannot start a transaction: %s", store_errmsg(b->store));
		return fail_all(b, why);
	}
	for (size_t i = 0; i < b->n; i++) {
		run_one(b, &b->e[i]);
		/* Some I/O errors make SQLite roll back the whole transaction itself. */
		if (!store_in_transaction(b->store)) {
			snprintf(why, sizeof why, "the database rolled back: %s",
				 store_errmsg(b->store));
			return fail_all(b, why);
		}
	}
	if (store_commit(b->store) < 0) {
		snprintf(why, sizeof why, "cannot commit: %s", store_errmsg(b->store));
		return fail_all(b, why);
	}
	return 0;
}
