/* Online backups: a consistent copy of the database, written and checked beside the loop. */
#ifndef DOCKET_BACKUP_H
#define DOCKET_BACKUP_H

#include <event2/event.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zmq.h>

#include "chain.h"
#include "request.h"
#include "zmq_watch.h"

/* The last backup made, kept across restarts in the state directory. */
#define BACKUP_RECORD_FILE "last-backup"

struct backup_record {
	bool set;                      /* false: no backup was ever made here */
	char path[PATH_MAX];
	char at[32];                   /* when it was written, a time of changes */
	int64_t seq;                   /* the last event in the copy */
	int64_t bytes;
	uint8_t head[CHAIN_HASH_LEN];  /* that event's hash */
};

struct backup;

/*
 * Ready to copy the database at db_path, recording each backup in
 * state_dir/BACKUP_RECORD_FILE (read now: the last one before this start).
 * Replies go out on router (watch checked after each). Returns 0,
 * -DOCKET_ENOMEM or -DOCKET_ESYS with err set. Free with backup_close.
 */
int backup_open(struct backup **out, struct event_base *base, const char *db_path,
		const char *state_dir, void *router, struct zmq_watch *watch, char *err,
		size_t errlen);

/* True while a copy is being made. */
bool backup_busy(const struct backup *b);

/*
 * Copy the database to path (absolute, checked by the caller) on a thread
 * of its own, in one read transaction, through PATH.tmp: the pages,
 * then the copy made a single file (no WAL), checked (integrity and the
 * log's chain), synced, renamed to path (replacing a file there only when
 * force) and its directory synced. The reply to the request whose route
 * frame and raw id are given (both copied) goes out from the loop once
 * the copy is on disk: path, seq, bytes and head, or a refusal. Returns 0,
 * -DOCKET_ECONFLICT while another copy is being made, -DOCKET_ENOMEM or
 * -DOCKET_ESYS.
 */
int backup_start(struct backup *b, const char *path, bool force, zmq_msg_t *route, int delimiter,
		 struct str id);

/* The last backup made (here, before this start too). */
const struct backup_record *backup_last(const struct backup *b);

/* Stop a copy in hand (its reply says so), wait for its thread, free. NULL-safe. */
void backup_close(struct backup **b);

/*
 * Check a copy: PRAGMA integrity_check, then the log's chain from seq 1
 * (r: its head). Returns 0, -DOCKET_EPRECONDITION when the copy is damaged
 * or its chain does not verify, or -DOCKET_ESTORAGE when it cannot be
 * read; err says what.
 */
int backup_check(sqlite3 *db, struct chain_report *r, char *err, size_t errlen);

/* Write the record to path through path.tmp (mode 0640). 0 or -DOCKET_ESYS (errno). */
int backup_record_write(const char *path, const struct backup_record *r);

#endif
