/* The log's hash chain, one implementation for docketd and docket verify: hash, walk, watermark. */
#include <errno.h>
#include <fcntl.h>
#include <msgpack.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "chain.h"
#include "codec.h"
#include "docket/error.h"

/* msgpack-c writes the encoding straight into the hash: nothing is buffered. */
static int feed(void *data, const char *buf, size_t len)
{
	crypto_generichash_update(data, (const unsigned char *)buf, len);
	return 0;
}

static void pack_text(msgpack_packer *pk, struct chain_text t)
{
	if (!t.ptr) {
		msgpack_pack_nil(pk);
		return;
	}
	msgpack_pack_str(pk, t.len);
	msgpack_pack_str_body(pk, t.ptr, t.len);
}

static void pack_opt_int(msgpack_packer *pk, bool has, int64_t v)
{
	if (has)
		msgpack_pack_int64(pk, v);
	else
		msgpack_pack_nil(pk);
}

/*
 * msgpack-c packs each integer, str and bin header in its shortest form,
 * which is what makes the encoding canonical (PROTOCOL.md).
 */
void chain_hash(const uint8_t prev[CHAIN_HASH_LEN], const struct chain_row *row,
		uint8_t out[CHAIN_HASH_LEN])
{
	crypto_generichash_state st;
	msgpack_packer pk;
	crypto_generichash_init(&st, NULL, 0, CHAIN_HASH_LEN);
	crypto_generichash_update(&st, prev, CHAIN_HASH_LEN);
	msgpack_packer_init(&pk, &st, feed);
	msgpack_pack_array(&pk, 8);
	msgpack_pack_int64(&pk, row->seq);
	pack_text(&pk, row->ts);
	pack_text(&pk, row->type);
	pack_text(&pk, row->actor);
	pack_text(&pk, row->ref);
	pack_opt_int(&pk, row->has_meeting, row->meeting);
	pack_opt_int(&pk, row->has_item, row->item);
	msgpack_pack_bin(&pk, row->body_len);
	msgpack_pack_bin_body(&pk, row->body, row->body_len);
	crypto_generichash_final(&st, out, CHAIN_HASH_LEN);
}

enum col { C_SEQ, C_TS, C_TYPE, C_ACTOR, C_REF, C_MEETING, C_ITEM, C_BODY, C_PREV, C_HASH };

/* Text column i of the row, or why it cannot be one (nil allowed only when nullable). */
static const char *take_text(sqlite3_stmt *st, int i, bool nullable, struct chain_text *t)
{
	int type = sqlite3_column_type(st, i);
	if (type == SQLITE_NULL && nullable) {
		*t = (struct chain_text){NULL, 0};
		return NULL;
	}
	if (type != SQLITE_TEXT)
		return "is not text";
	t->ptr = (const char *)sqlite3_column_text(st, i);
	t->len = (size_t)sqlite3_column_bytes(st, i);
	return t->ptr ? NULL : "cannot be read";
}

static const char *take_int(sqlite3_stmt *st, int i, bool *has, int64_t *v)
{
	int type = sqlite3_column_type(st, i);
	*has = type != SQLITE_NULL;
	*v = *has ? sqlite3_column_int64(st, i) : 0;
	return *has && type != SQLITE_INTEGER ? "is not an integer" : NULL;
}

static const char *take_hash(sqlite3_stmt *st, int i, const uint8_t **h)
{
	if (sqlite3_column_type(st, i) != SQLITE_BLOB ||
	    sqlite3_column_bytes(st, i) != CHAIN_HASH_LEN)
		return "is not 32 bytes";
	*h = sqlite3_column_blob(st, i);
	return NULL;
}

static const char *const col_names[] = {"seq",  "ts",   "type",      "actor", "ref", "meeting",
					"item", "body", "prev_hash", "hash"};

const char *chain_row_read(sqlite3_stmt *st, struct chain_row *row, const char **col)
{
	const char *bad = NULL;
	int i;
	row->seq = sqlite3_column_int64(st, C_SEQ);
	if ((bad = take_text(st, i = C_TS, false, &row->ts)) ||
	    (bad = take_text(st, i = C_TYPE, false, &row->type)) ||
	    (bad = take_text(st, i = C_ACTOR, false, &row->actor)) ||
	    (bad = take_text(st, i = C_REF, true, &row->ref)) ||
	    (bad = take_int(st, i = C_MEETING, &row->has_meeting, &row->meeting)) ||
	    (bad = take_int(st, i = C_ITEM, &row->has_item, &row->item))) {
		*col = col_names[i];
		return bad;
	}
	if (sqlite3_column_type(st, C_BODY) != SQLITE_BLOB) {
		*col = col_names[C_BODY];
		return "is not a blob";
	}
	row->body = sqlite3_column_blob(st, C_BODY);
	row->body_len = (size_t)sqlite3_column_bytes(st, C_BODY);
	/* A blob of 0 bytes reads back as NULL. */
	if (!row->body)
		row->body = "";
	return NULL;
}

/* The row in hand with its hashes; NULL, or what is wrong with the column named in *col. */
static const char *take_row(sqlite3_stmt *st, struct chain_row *row, const uint8_t **prev,
			    const uint8_t **hash, const char **col)
{
	const char *bad = chain_row_read(st, row, col);
	if (!bad && (bad = take_hash(st, C_PREV, prev)))
		*col = col_names[C_PREV];
	else if (!bad && (bad = take_hash(st, C_HASH, hash)))
		*col = col_names[C_HASH];
	return bad;
}

static void bad(struct chain_report *r, int64_t seq, const char *fmt, const char *a)
{
	r->bad_seq = seq;
	snprintf(r->why, sizeof r->why, fmt, a);
}

int chain_walk(sqlite3 *db, int64_t budget_ms, struct chain_report *r)
{
	static const char sql[] = "SELECT " CHAIN_ROW_COLUMNS ", prev_hash, hash FROM events"
				  " ORDER BY seq";
	sqlite3_stmt *st;
	memset(r, 0, sizeof *r);
	r->complete = true;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -DOCKET_ESTORAGE;
	int64_t deadline = budget_ms > 0 ? clock_ms() + budget_ms : 0;
	/* The hash before the head's: a head found rewritten is taken back. */
	uint8_t before[CHAIN_HASH_LEN] = {0};
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct chain_row row;
		const uint8_t *prev, *hash;
		const char *col, *why;
		uint8_t want[CHAIN_HASH_LEN];
		int64_t seq = sqlite3_column_int64(st, C_SEQ);
		if (seq != r->head_seq + 1) {
			/* Rows come by seq, so a jump means the rows between are gone. */
			bad(r, seq < 1 ? seq : r->head_seq + 1, "%s",
			    seq < 1 ? "not a valid seq" : "missing: the event was deleted");
			break;
		}
		if ((why = take_row(st, &row, &prev, &hash, &col))) {
			r->bad_seq = seq;
			snprintf(r->why, sizeof r->why, "its %s %s", col, why);
			break;
		}
		chain_hash(prev, &row, want);
		if (sodium_memcmp(want, hash, CHAIN_HASH_LEN) != 0) {
			bad(r, seq, "%s",
			    "its content does not match its hash: the event was changed");
			break;
		}
		if (sodium_memcmp(prev, r->head_hash, CHAIN_HASH_LEN) != 0) {
			/*
			 * This row holds together, so the one before was rewritten
			 * with a hash of its own; seq 1 has no row before to blame.
			 */
			if (seq == 1) {
				bad(r, 1, "%s", "its prev_hash is not zero");
				break;
			}
			bad(r, seq - 1, "%s",
			    "its hash is not the next event's prev_hash: the event was rewritten");
			r->events--;
			r->head_seq--;
			memcpy(r->head_hash, before, CHAIN_HASH_LEN);
			break;
		}
		r->events++;
		r->head_seq = seq;
		memcpy(before, r->head_hash, CHAIN_HASH_LEN);
		memcpy(r->head_hash, hash, CHAIN_HASH_LEN);
		if (deadline && (r->events & 1023) == 0 && clock_ms() >= deadline) {
			r->complete = false;
			break;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -DOCKET_ESTORAGE;
}

int chain_hash_at(sqlite3 *db, int64_t seq, uint8_t out[CHAIN_HASH_LEN])
{
	sqlite3_stmt *st;
	if (seq == 0) {
		memset(out, 0, CHAIN_HASH_LEN);
		return 0;
	}
	if (sqlite3_prepare_v2(db, "SELECT hash FROM events WHERE seq = ?1", -1, &st, NULL) !=
	    SQLITE_OK)
		return -DOCKET_ESTORAGE;
	sqlite3_bind_int64(st, 1, seq);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const uint8_t *h;
		rc = take_hash(st, 0, &h) ? -DOCKET_EPROTO : 0;
		if (rc == 0)
			memcpy(out, h, CHAIN_HASH_LEN);
	} else {
		rc = rc == SQLITE_DONE ? -DOCKET_ENOTFOUND : -DOCKET_ESTORAGE;
	}
	sqlite3_finalize(st);
	return rc;
}

int chain_last_seq(sqlite3 *db, int64_t *seq)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "SELECT coalesce(max(seq), 0) FROM events", -1, &st, NULL) !=
	    SQLITE_OK)
		return -DOCKET_ESTORAGE;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*seq = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -DOCKET_ESTORAGE;
}

/*
 * A slot: magic "docketwm", version (4 bytes), 4 zero bytes, seq (8), hash
 * (32), then BLAKE2b-128 of those 56 bytes. Integers are big-endian.
 */
#define MARK_MAGIC "docketwm"
#define MARK_VERSION 1
#define MARK_BODY 56
#define MARK_CHECK 16

static void put_be(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> 8 * (n - 1 - i));
}

static uint64_t get_be(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

void chain_mark_encode(const struct chain_mark *m, uint8_t out[CHAIN_MARK_SLOT])
{
	memset(out, 0, CHAIN_MARK_SLOT);
	memcpy(out, MARK_MAGIC, 8);
	put_be(out + 8, MARK_VERSION, 4);
	put_be(out + 16, (uint64_t)m->seq, 8);
	memcpy(out + 24, m->hash, CHAIN_HASH_LEN);
	crypto_generichash(out + MARK_BODY, MARK_CHECK, out, MARK_BODY, NULL, 0);
}

static bool mark_decode(const uint8_t *p, struct chain_mark *m)
{
	uint8_t check[MARK_CHECK];
	crypto_generichash(check, MARK_CHECK, p, MARK_BODY, NULL, 0);
	if (memcmp(p, MARK_MAGIC, 8) != 0 || get_be(p + 8, 4) != MARK_VERSION ||
	    sodium_memcmp(check, p + MARK_BODY, MARK_CHECK) != 0 || get_be(p + 16, 8) > INT64_MAX)
		return false;
	m->seq = (int64_t)get_be(p + 16, 8);
	memcpy(m->hash, p + 24, CHAIN_HASH_LEN);
	return true;
}

int chain_mark_read(const char *path, struct chain_mark *m)
{
	uint8_t buf[CHAIN_MARK_SLOT * CHAIN_MARK_SLOTS];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -DOCKET_ENOTFOUND : -DOCKET_ESYS;
	ssize_t n = pread(fd, buf, sizeof buf, 0);
	int saved = errno;
	close(fd);
	if (n < 0) {
		errno = saved;
		return -DOCKET_ESYS;
	}
	if (n == 0)
		return -DOCKET_ENOTFOUND;
	bool found = false;
	for (size_t i = 0; (i + 1) * CHAIN_MARK_SLOT <= (size_t)n; i++) {
		struct chain_mark one;
		if (mark_decode(buf + i * CHAIN_MARK_SLOT, &one) && (!found || one.seq > m->seq)) {
			*m = one;
			found = true;
		}
	}
	return found ? 0 : -DOCKET_EPROTO;
}

void chain_checkpoint_message(int64_t seq, const uint8_t hash[CHAIN_HASH_LEN],
			      uint8_t out[CHAIN_CHECKPOINT_MSG_LEN])
{
	size_t tag = sizeof CHAIN_CHECKPOINT_TAG - 1;
	memcpy(out, CHAIN_CHECKPOINT_TAG, tag);
	put_be(out + tag, (uint64_t)seq, 8);
	memcpy(out + tag + 8, hash, CHAIN_HASH_LEN);
}

bool chain_checkpoint_valid(const struct chain_checkpoint *c)
{
	uint8_t msg[CHAIN_CHECKPOINT_MSG_LEN];
	chain_checkpoint_message(c->seq, c->hash, msg);
	return crypto_sign_verify_detached(c->signature, msg, sizeof msg, c->key) == 0;
}

static int take_bin(const struct codec_value *v, uint8_t *out, size_t len)
{
	if (v->type != CODEC_BIN || v->u.s.len != len)
		return -DOCKET_EPROTO;
	memcpy(out, v->u.s.ptr, len);
	return 0;
}

int chain_checkpoint_decode(const void *buf, size_t len, struct chain_checkpoint *c)
{
	struct codec_reader r;
	struct codec_value map, k, v;
	unsigned seen = 0;
	memset(c, 0, sizeof *c);
	if (codec_validate(buf, len, &codec_default_limits) < 0)
		return -DOCKET_EPROTO;
	codec_reader_init(&r, buf, len);
	if (codec_read(&r, &map) < 0 || map.type != CODEC_MAP)
		return -DOCKET_EPROTO;
	for (uint32_t i = 0; i < map.u.count; i++) {
		if (codec_read(&r, &k) < 0 || codec_read(&r, &v) < 0)
			return -DOCKET_EPROTO;
		/* Arrays and maps are no field of a checkpoint: step over what they hold. */
		if (v.type == CODEC_ARRAY || v.type == CODEC_MAP) {
			for (uint32_t j = 0; j < v.u.count * (v.type == CODEC_MAP ? 2u : 1u); j++)
				if (codec_skip(&r) < 0)
					return -DOCKET_EPROTO;
			continue;
		}
		int rc = 0;
		if (codec_str_eq(&k, "seq")) {
			if (v.type != CODEC_INT || v.u.i < 1)
				return -DOCKET_EPROTO;
			c->seq = v.u.i;
			seen |= 1;
		} else if (codec_str_eq(&k, "hash")) {
			rc = take_bin(&v, c->hash, CHAIN_HASH_LEN);
			seen |= 2;
		} else if (codec_str_eq(&k, "key")) {
			rc = take_bin(&v, c->key, CHAIN_KEY_LEN);
			seen |= 4;
		} else if (codec_str_eq(&k, "signature")) {
			rc = take_bin(&v, c->signature, CHAIN_SIG_LEN);
			seen |= 8;
		} else if (codec_str_eq(&k, "ts") && v.type == CODEC_STR &&
			   v.u.s.len < sizeof c->ts) {
			memcpy(c->ts, v.u.s.ptr, v.u.s.len);
			c->ts[v.u.s.len] = '\0';
		}
		if (rc < 0)
			return rc;
	}
	return seen == 15 ? 0 : -DOCKET_EPROTO;
}
