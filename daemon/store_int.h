/* The store's private state, shared by its files and no one else. */
#ifndef DOCKET_STORE_INT_H
#define DOCKET_STORE_INT_H

#include <sqlite3.h>

#include "chain.h"
#include "store.h"

enum stmt {
	S_BEGIN,
	S_COMMIT,
	S_ROLLBACK,
	S_SAVEPOINT,
	S_RELEASE,
	S_ROLLBACK_TO,
	S_EVENT_INSERT,
	S_EVENT_HASH,
	S_IDEM_GET,
	S_IDEM_PUT,
	S_DECISION_GET,
	S_DECISION_INSERT,
	S_DECISION_UPDATE,
	S_LIST_REF,
	S_LIST_REF_STATE,
	S_LIST_DECIDED,
	S_LIST_DECIDED_STATE,
	S_ITEM_DECISIONS,
	S_DECISION_CANDIDATES,
	S_DECISION_RESPONSES,
	S_DECISION_REVIEWS,
	S_DECISION_HISTORY,
	S_MEETING_GET,
	S_MEETING_INSERT,
	S_MEETING_UPDATE,
	S_MEETING_LIST,
	S_MEETING_NEXT,
	S_MEETING_COUNT,
	S_ITEM_GET,
	S_ITEM_INSERT,
	S_ITEM_CODE,
	S_MEETING_ITEMS,
	S_REMINDER_INSERT,
	S_REMINDER_UPDATE,
	S_REMINDERS_OF_MEETING,
	S_REMINDERS_OF_REF,
	S_REMINDERS_DUE,
	S_REMINDER_NEXT,
	S_REMINDER_LIST,
	S_REMINDER_TARGETS,
	S_ITEM_NEXT_POSITION,
	S_DECISION_POSITION,
	S_MEETING_ON,
	S_ITEM_BY_CODE,
	S_SOURCE_BY_SHA,
	S_SOURCE_GET,
	S_SOURCE_INSERT,
	S_SOURCE_LIST,
	S_SOURCE_DECISIONS,
	S_REGISTER,
	S_SEARCH,
	S_SEARCH_SAME,
	S_SEARCH_REF,
	S_SEARCH_DELETE,
	S_SEARCH_PUT,
	S_LOG_PAGE,
	S_LOG_GET,
	S_LOG_TS,
	S_CURSOR_GET,
	S_CURSOR_LIST,
	S_CURSOR_INSERT,
	S_CURSOR_DELETE,
	S_CURSOR_DELIVERED,
	S_CURSOR_REWIND,
	S_PENDING_DUE,
	S_PENDING_ADD,
	S_PENDING_GET,
	S_PENDING_REDELIVER,
	S_PENDING_ACK,
	S_PENDING_ACK_THROUGH,
	S_PENDING_PARK,
	S_PARKED_RETRY,
	S_PARKED_SKIP,
	S_PARKED_LIST,
	S_COUNT
};

/* The states the public register shows, and search finds: published and after. */
#define STORE_REGISTER_STATES                                                                \
	"'published', 'scheduled', 'reported', 'noted', 'response_due', 'responded'"

/*
 * The wording of decision d the public may read: under a part restriction
 * only the public wording given, under a full one none (public.c agrees).
 */
#define STORE_PUBLIC_TEXT(d)                                                                 \
	" CASE " d ".restriction WHEN 'full' THEN NULL WHEN 'part' THEN " d ".public_text"    \
	" ELSE " d ".text END"
#define STORE_PUBLIC_JUSTIFICATION(d)                                                        \
	" CASE " d ".restriction WHEN 'full' THEN NULL WHEN 'part' THEN"                      \
	" " d ".public_justification ELSE " d ".justification END"

/* The first bind parameter of the text columns in the insert and update statements. */
#define DECISION_TEXT_BIND 9

struct store {
	sqlite3 *db;
	sqlite3_stmt *stmt[S_COUNT];
	int64_t next_seq;
	int64_t seq_at_begin;
	int64_t seq_at_savepoint;
	/*
	 * The hash of the last event appended, by its seq. A rollback leaves it
	 * stale, but its seq then no longer precedes next_seq, so it is never
	 * taken for the event before the next one (store_append_event).
	 */
	int64_t chain_seq;
	uint8_t chain_hash[CHAIN_HASH_LEN];
};

/* SQL of each statement; decision statements are built from decision_col_names. */
int store_prepare_all(struct store *s, char *err, size_t errlen);

/*
 * Checks at open (store_check.c), each 0 or a negative code with err set.
 * refusal: the code of SQLite's last error on db, -DOCKET_ESYS when the
 * file could not be opened or written (read-only, no permission, no room),
 * else -DOCKET_ESTORAGE. writable: -DOCKET_ESYS when SQLite opened the
 * file read-only. pages: PRAGMA quick_check, for budget_ms at most (0: not
 * at all; cut short, it logs a warning and returns 0); -DOCKET_ESTORAGE
 * with its first findings when the file is damaged.
 */
int store_check_refusal(sqlite3 *db);
int store_check_writable(sqlite3 *db, const char *path, char *err, size_t errlen);
int store_check_pages(sqlite3 *db, unsigned budget_ms, char *err, size_t errlen);

/*
 * Guards on docketd's connection (store_guard.c), each 0 or
 * -DOCKET_ESTORAGE with err set. config: SQLite's defensive mode, and the
 * schema untrusted; from the open on. log: an authoriser that refuses to
 * UPDATE or DELETE events and any change to the main schema; after the
 * migrations, which do both, and before any statement is prepared.
 */
int store_guard_config(sqlite3 *db, char *err, size_t errlen);
int store_guard_log(sqlite3 *db, char *err, size_t errlen);

/* Make a statement ready for its next use: no row in hand, no bindings. */
void store_reset(sqlite3_stmt *q);

/* Step a statement that returns no rows, then reset it. 0 or -DOCKET_ESTORAGE. */
int store_exec(struct store *s, enum stmt st);

/* Bind helpers: nil str binds NULL. */
void store_bind_str(sqlite3_stmt *st, int i, struct str v);
/* Column as str copied into a (NULL: valid until the next step). */
struct str store_column_str(sqlite3_stmt *st, int i, struct arena *a);

/* "what: SQLite's message" in err; returns -DOCKET_ESTORAGE. */
int store_fail(char *err, size_t errlen, sqlite3 *db, const char *what);

/*
 * Bring db's schema to STORE_SCHEMA_VERSION, one migration per version in
 * its own transaction (store_schema.c); zone serves the migrations that
 * need the office's dates. Returns 0 or -DOCKET_ESTORAGE with err set.
 */
int store_migrate(sqlite3 *db, struct tz *zone, char *err, size_t errlen);

#endif
