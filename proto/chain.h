/* The log's hash chain: the canonical encoding, the walk that checks it, the watermark file. */
#ifndef DOCKET_CHAIN_H
#define DOCKET_CHAIN_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* BLAKE2b-256 (crypto_generichash) of each event; Ed25519 (crypto_sign) for checkpoints. */
#define CHAIN_HASH_LEN 32
#define CHAIN_KEY_LEN 32
#define CHAIN_SIG_LEN 64

/* A text column: ptr NULL is nil (SQL NULL). */
struct chain_text {
	const char *ptr;
	size_t len;
};

/* One row of the events table, as the hash covers it (PROTOCOL.md, "The log's hash chain"). */
struct chain_row {
	int64_t seq;
	struct chain_text ts, type, actor, ref;
	bool has_meeting, has_item; /* false: the column is NULL */
	int64_t meeting, item;
	const void *body;
	size_t body_len;
};

/*
 * The hash of row: BLAKE2b-256 of prev (the previous event's hash, 32 zero
 * bytes before seq 1) followed by the row's canonical msgpack array.
 * Allocates nothing.
 */
void chain_hash(const uint8_t prev[CHAIN_HASH_LEN], const struct chain_row *row,
		uint8_t out[CHAIN_HASH_LEN]);

/* The columns of an events row the hash covers, in the order chain_row_read takes them. */
#define CHAIN_ROW_COLUMNS "seq, ts, type, actor, ref, meeting, item, body"

/*
 * Read the row st holds, whose first columns are CHAIN_ROW_COLUMNS; row
 * points into st until its next step. Returns NULL, or what is wrong with
 * the column named in *col ("is not text").
 */
const char *chain_row_read(sqlite3_stmt *st, struct chain_row *row, const char **col);

/* What a walk of the chain found. */
struct chain_report {
	int64_t events;                      /* rows that verified */
	int64_t head_seq;                    /* the last of them; 0 when none */
	uint8_t head_hash[CHAIN_HASH_LEN];   /* its hash; zeros when none */
	int64_t bad_seq;                     /* the first bad seq; 0 when none was found */
	char why[160];                       /* what is wrong with it */
	bool complete;                       /* false: the time ran out first */
};

/*
 * Check the chain of db's events table from seq 1, in seq order, for at
 * most budget_ms milliseconds (0: no limit). Each row's stored hash must be
 * the hash of its stored prev_hash and columns; each prev_hash the hash of
 * the row before; seq must have no gap. A row whose hash holds but whose
 * successor's prev_hash differs from it is the bad one (it was rewritten
 * with its hash recomputed). Stops at the first bad seq. Returns 0 with r
 * filled, or -DOCKET_ESTORAGE when the table cannot be read.
 */
int chain_walk(sqlite3 *db, int64_t budget_ms, struct chain_report *r);

/*
 * The stored hash of event seq (32 zero bytes for seq 0). Returns 0,
 * -DOCKET_ENOTFOUND when there is no such event, -DOCKET_EPROTO when its
 * hash is not 32 bytes, or -DOCKET_ESTORAGE.
 */
int chain_hash_at(sqlite3 *db, int64_t seq, uint8_t out[CHAIN_HASH_LEN]);

/* The log's last seq (0 when empty). Returns 0 or -DOCKET_ESTORAGE. */
int chain_last_seq(sqlite3 *db, int64_t *seq);

/*
 * The watermark: the last committed seq and its hash, in a file beside the
 * database. The file holds two slots written in turn, so that a write torn
 * by a crash leaves the other one whole.
 */
#define CHAIN_MARK_FILE "watermark"
#define CHAIN_MARK_SLOT 72
#define CHAIN_MARK_SLOTS 2

struct chain_mark {
	int64_t seq;
	uint8_t hash[CHAIN_HASH_LEN];
};

/* One slot's bytes for m. */
void chain_mark_encode(const struct chain_mark *m, uint8_t out[CHAIN_MARK_SLOT]);

/*
 * Read the watermark file at path: the whole slot of greater seq. Returns
 * 0, -DOCKET_ENOTFOUND when the file is missing or empty, -DOCKET_EPROTO
 * when no slot is whole (damaged, or not a watermark), or -DOCKET_ESYS
 * (errno says why).
 */
int chain_mark_read(const char *path, struct chain_mark *m);

/* A checkpoint: a signed statement that the log's event seq has hash. */
#define CHAIN_CHECKPOINT_TAG "docket-checkpoint-v1"
#define CHAIN_CHECKPOINT_MSG_LEN (sizeof CHAIN_CHECKPOINT_TAG - 1 + 8 + CHAIN_HASH_LEN)

struct chain_checkpoint {
	int64_t seq;
	uint8_t hash[CHAIN_HASH_LEN];
	uint8_t key[CHAIN_KEY_LEN];
	uint8_t signature[CHAIN_SIG_LEN];
	char ts[32]; /* docketd's clock when it signed, "" when not given */
};

/* The signed bytes: the tag, seq as 8 bytes big-endian, hash. */
void chain_checkpoint_message(int64_t seq, const uint8_t hash[CHAIN_HASH_LEN],
			      uint8_t out[CHAIN_CHECKPOINT_MSG_LEN]);

/* True when c's signature is its key's over its seq and hash. */
bool chain_checkpoint_valid(const struct chain_checkpoint *c);

/*
 * Read a docket.checkpoint map (the event socket's second frame) into c.
 * Returns 0 or -DOCKET_EPROTO (not such a map: a key missing, a bin of the
 * wrong length). Checks no signature.
 */
int chain_checkpoint_decode(const void *buf, size_t len, struct chain_checkpoint *c);

#endif
