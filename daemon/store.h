/* The store: owns the SQLite database, its schema and every statement. */
#ifndef DOCKET_STORE_H
#define DOCKET_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "request.h"

/* The decision's text columns; their names are also the wire keys. */
enum decision_col {
	D_TITLE,
	D_TEXT,
	D_JUSTIFICATION,
	D_DECISION_MAKER,
	D_CATEGORY,
	D_COST_TEXT,
	D_AUTHOR,
	D_RESTRICTION,
	D_RESTRICTION_REASON,
	D_REVIEW_DATE,
	D_COMMENT,
	D_RECOMMENDATION,
	D_RESPONSE_DUE,
	D_RESPONSE,
	D_DRAFTED_AT,
	D_SUBMITTED_AT,
	D_ENDORSED_AT,
	D_ENDORSED_BY,
	D_PUBLISHED_AT,
	D_REPORTED_AT,
	D_CLOSED_AT,
	D_DECIDED_ON,
	D_PUBLISHED_ON,
	D_REPORTED_ON,
	D_NOTED_ON,
	D_RECOMMENDED_ON,
	D_RESPONDED_ON,
	D_WITHHELD,
	D_PUBLIC_TEXT,
	D_PUBLIC_JUSTIFICATION,
	D_COUNT
};

extern const char *const decision_col_names[D_COUNT];

struct decision {
	struct str ref;
	int state;           /* ST_* */
	int64_t version;
	int64_t cost_pence;  /* -1: none */
	int64_t item;        /* 0: none */
	int64_t position;    /* its place on the item, from 1; 0: none */
	int64_t source;      /* the imported document it came from; 0: none */
	int64_t source_line; /* its line in that document */
	struct str col[D_COUNT];
};

struct meeting {
	int64_t id;
	struct str panel, starts_at, venue;
	int status; /* MS_* as stored: never MS_STARTED */
	int64_t version;
};

struct item {
	int64_t id, meeting;
	struct str code, subject, period_start, period_end, from, to;
};

/* A reminder: kind and status index proto_reminder_kinds and proto_reminder_statuses. */
enum reminder_status { RS_PENDING, RS_FIRED, RS_MISSED, RS_CANCELLED };
struct reminder {
	int64_t id;
	int kind;
	int64_t meeting;      /* a meeting reminder's meeting, else 0 */
	struct str ref;       /* a response or review reminder's decision, else nil */
	int days;             /* days before the target */
	struct str target_at; /* YYYY-MM-DDTHH:MM:SSZ */
	struct str due_at;
	int status;
	int64_t seq;          /* the event that settled it, else 0 */
	struct str settled_at;
};

/* An event as stored in the log. */
struct event {
	int64_t seq;
	const char *ts;
	const char *type;
	struct str actor;
	struct str ref;      /* decision events */
	int64_t meeting;     /* 0 when none */
	int64_t item;        /* 0 when none */
	const void *body;    /* the published msgpack map */
	size_t body_len;
};

struct store;

/* The schema version this build writes. */
#define STORE_SCHEMA_VERSION 6

struct tz;

/* How long the check of an existing database's pages at start may take, by default. */
#define STORE_CHECK_MS 10000

/*
 * Open or create the database at path: WAL, synchronous=FULL, migrations
 * applied (zone gives the office's dates of older records). Before it is
 * migrated or used, the file is checked: it must be writable, and PRAGMA
 * quick_check, given check_ms at most (0: skipped), must find nothing;
 * after, the log's last seq must be readable. The connection is defensive
 * and cannot change the log or the schema (store_int.h). Returns 0;
 * -DOCKET_ESYS when the file cannot be opened or written (read-only,
 * permissions, no room); -DOCKET_ESTORAGE when it cannot be used (not a
 * database, damaged, its log unreadable, or a schema newer than this
 * build). err holds SQLite's message. *out is owned by the caller: free
 * with store_close.
 */
int store_open(struct store **out, const char *path, struct tz *zone, unsigned check_ms,
	       char *err, size_t errlen);

/* Close the database; NULL-safe; sets *s to NULL. */
void store_close(struct store **s);

/* The last SQLite error message, for logs and replies. */
const char *store_errmsg(const struct store *s);

/* ---- operations: the WAL, the files, counts for the status query (store.c) ---- */

/* The database file's path, as opened. */
const char *store_path(const struct store *s);

/*
 * Hand the WAL's checkpoints to fn, called after each commit with the
 * WAL's length in pages (sqlite3_wal_hook): SQLite's automatic
 * checkpoint, which runs inside the commit that crosses its threshold,
 * stops, and the WAL file is cut back to keep_bytes when it starts again
 * (journal_size_limit). fn NULL removes the hook (keep_bytes ignored).
 * Returns 0 or -DOCKET_ESTORAGE.
 */
struct sqlite3;
typedef int (*store_wal_fn)(void *arg, struct sqlite3 *db, const char *name, int pages);
int store_on_wal(struct store *s, int64_t keep_bytes, store_wal_fn fn, void *arg);

/*
 * A passive checkpoint on docketd's own connection, between batches:
 * *log and *done are the WAL's pages and those now copied. Returns 0,
 * -DOCKET_ECONFLICT when another checkpoint is running, or
 * -DOCKET_ESTORAGE.
 */
int store_wal_checkpoint(struct store *s, int64_t *log, int64_t *done);

/* How many reminders are pending. Returns 0 or -DOCKET_ESTORAGE. */
int store_pending_reminders(struct store *s, int64_t *n);

/*
 * Transactions: one per batch, one savepoint per command. Each returns 0 or
 * -DOCKET_ESTORAGE. The next event seq is rewound with the data on rollback.
 */
int store_begin(struct store *s);
int store_commit(struct store *s);
int store_rollback(struct store *s);
int store_savepoint(struct store *s);
int store_release(struct store *s);
int store_rollback_savepoint(struct store *s);

/* True while a transaction is open: SQLite rolls back by itself on some I/O errors. */
int store_in_transaction(const struct store *s);

/* The seq the next appended event gets. */
int64_t store_next_seq(const struct store *s);

/*
 * Append ev to the log, chained to the event before it (its prev_hash and
 * hash, chain.h); ev->seq must be store_next_seq. Returns 0 or
 * -DOCKET_ESTORAGE.
 */
int store_append_event(struct store *s, const struct event *ev);

struct chain_report;

/*
 * The hash of event seq (32 bytes; zeros for seq 0). Returns 0,
 * -DOCKET_ENOTFOUND, -DOCKET_EPROTO when the stored hash is not 32 bytes,
 * or -DOCKET_ESTORAGE.
 */
int store_event_hash(struct store *s, int64_t seq, uint8_t *hash);

/* The log's last event (0 when empty) and its hash; between transactions, the committed head. */
int store_chain_head(struct store *s, int64_t *seq, uint8_t *hash);

/* Walk the log's chain for at most budget_ms (0: no limit); as chain_walk. */
int store_chain_walk(struct store *s, int64_t budget_ms, struct chain_report *r);

/*
 * Idempotency: look up (principal, key). Returns 1 when found with the
 * stored request in *req and reply pairs in *result / *pairs (copied into
 * a), 0 when absent, or -DOCKET_ESTORAGE.
 */
int store_idem_get(struct store *s, struct str principal, struct str key, struct arena *a,
		   struct str *req, struct str *result, int64_t *pairs);
int store_idem_put(struct store *s, struct str principal, struct str key, struct str req,
		   const void *result, size_t result_len, int64_t pairs);

/* Decisions. get returns 0, -DOCKET_ENOTFOUND or -DOCKET_ESTORAGE; strings copied into a. */
int store_decision_get(struct store *s, struct str ref, struct arena *a, struct decision *d);
int store_decision_insert(struct store *s, const struct decision *d);
int store_decision_update(struct store *s, const struct decision *d);

/* A page of decisions: those after a position in one order. */
enum store_sort { SORT_REF, SORT_DECIDED };
struct store_page {
	int state;           /* ST_NONE: any */
	enum store_sort sort;
	struct str after_key;  /* ref_key of the last decision seen; nil: from the start */
	struct str after_date; /* SORT_DECIDED: its decided_on, "~" when undecided */
	int64_t limit;
};

/*
 * Call fn for each decision of the page, in its order. fn returns 0 to go
 * on or a negative code to stop with it. Strings are valid during the call
 * only unless copied. The others call fn for the decisions on item (by
 * endorsement); endorsed or published and dated (decided_on or
 * published_on) within [from, to]; waiting for a response due on or
 * before until; restricted with a review on or before until.
 */
typedef int (*store_decision_fn)(void *ctx, const struct decision *d);
int store_decision_list(struct store *s, const struct store_page *page, store_decision_fn fn,
			void *ctx);
int store_item_decisions(struct store *s, int64_t item, store_decision_fn fn, void *ctx);
int store_decision_candidates(struct store *s, struct str from, struct str to,
			      store_decision_fn fn, void *ctx);
int store_decision_responses(struct store *s, struct str until, store_decision_fn fn, void *ctx);
int store_decision_reviews(struct store *s, struct str until, store_decision_fn fn, void *ctx);

/* True when d's restriction is part or full. */
int decision_restricted(const struct decision *d);

/* The reading-order key of ref (REF_KEY_MAX bytes at out); returns its length. */
size_t store_ref_key(struct str ref, unsigned char *out);

/* Call fn with the body of each event of ref, in seq order. */
typedef int (*store_event_fn)(void *ctx, const void *body, size_t len);
int store_decision_history(struct store *s, struct str ref, store_event_fn fn, void *ctx);

/* ---- the log read back (store_log.c) ---- */

/* One event of the log; in a scan, valid during the call only. */
struct log_event {
	int64_t seq;
	struct str type;
	struct str ts; /* store_log_get only */
	const void *body;
	size_t len;
};

/*
 * Call fn for the events after seq after, in seq order, looking at no more
 * than scan of them. fn returns 0 to take the event and go on, 1 to stop
 * before it, or a negative code. *looked is the seq of the last event
 * taken (after when none). Returns 0, fn's code or -DOCKET_ESTORAGE.
 */
typedef int (*store_log_fn)(void *ctx, const struct log_event *e);
int store_log_scan(struct store *s, int64_t after, int64_t scan, store_log_fn fn, void *ctx,
		   int64_t *looked);

/* The event seq, copied into a: 0, -DOCKET_ENOTFOUND, -DOCKET_ENOMEM or -DOCKET_ESTORAGE. */
int store_log_get(struct store *s, int64_t seq, struct arena *a, struct log_event *e);

/*
 * The seq just before the first event recorded at or after ts (a time of
 * changes, YYYY-MM-DDTHH:MM:SS.mmmZ), by binary search over seq: the
 * times of the log grow with seq unless a clock was set back. Returns 0
 * or -DOCKET_ESTORAGE.
 */
int store_log_before(struct store *s, struct str ts, int64_t *after);

/* ---- durable cursors (store_cursor.c) ---- */

struct cursor {
	struct str name;
	struct str topics;      /* the msgpack array of prefixes as given; nil: every event */
	int64_t delivered;      /* every event up to it delivered or passed over */
	int64_t ack_wait;       /* seconds */
	int64_t max_deliveries;
	struct str created_at;
	int64_t pending, parked; /* counts */
	int64_t first_pending;  /* the lowest pending seq, 0 when none */
};

/* get returns 0, -DOCKET_ENOTFOUND or -DOCKET_ESTORAGE; strings copied into a. */
int store_cursor_get(struct store *s, struct str name, struct arena *a, struct cursor *c);
typedef int (*store_cursor_fn)(void *ctx, const struct cursor *c);
int store_cursor_list(struct store *s, store_cursor_fn fn, void *ctx);
int store_cursor_insert(struct store *s, const struct cursor *c);
int store_cursor_delete(struct store *s, struct str name);
int store_cursor_set_delivered(struct store *s, struct str name, int64_t delivered);
/* Drop the pending and parked events after seq after (a rewind). */
int store_cursor_forget_after(struct store *s, struct str name, int64_t after);

/*
 * Pending events that have come due by now (seconds), by seq, at most
 * limit: seq[] and deliveries[] are filled, *n set. 0 or -DOCKET_ESTORAGE.
 */
int store_pending_due(struct store *s, struct str name, int64_t now, int64_t limit,
		      int64_t *seq, int64_t *deliveries, size_t *n);
/* A newly delivered event, pending until due (seconds). */
int store_pending_add(struct store *s, struct str name, int64_t seq, int64_t due);
/* 0 with its deliveries and whether parked, -DOCKET_ENOTFOUND when the cursor has no such event. */
int store_pending_get(struct store *s, struct str name, int64_t seq, int64_t *deliveries,
		      int *parked);
/*
 * Make seq due again at due, adding count to its deliveries: 1 for a
 * delivery, 0 for a nak, -1 for an event the client returned unseen.
 */
int store_pending_redeliver(struct store *s, struct str name, int64_t seq, int64_t due,
			    int count);
/* Acknowledge seq, or every pending event up to it (through); *n how many. */
int store_pending_ack(struct store *s, struct str name, int64_t seq, int through, int64_t *n);
int store_pending_park(struct store *s, struct str name, int64_t seq, struct str ts,
		       struct str reason);
/* Parked events back to pending (retry) or dropped (skip): seq 0 means all; *n how many. */
int store_parked_retry(struct store *s, struct str name, int64_t seq, int64_t *n);
int store_parked_skip(struct store *s, struct str name, int64_t seq, int64_t *n);

struct parked_event {
	int64_t seq;
	struct str type, ts;
	int64_t deliveries;
	struct str parked_at, reason;
};
typedef int (*store_parked_fn)(void *ctx, const struct parked_event *p);
int store_parked_list(struct store *s, struct str name, int64_t limit, store_parked_fn fn,
		      void *ctx);

/* Meetings and items; get returns 0, -DOCKET_ENOTFOUND or -DOCKET_ESTORAGE. */
int store_meeting_get(struct store *s, int64_t id, struct arena *a, struct meeting *m);
int store_meeting_insert(struct store *s, struct meeting *m); /* sets m->id */
int store_meeting_update(struct store *s, const struct meeting *m);
int store_item_get(struct store *s, int64_t id, struct arena *a, struct item *it);
int store_item_insert(struct store *s, struct item *it); /* sets it->id */
/* Count decisions on any item of meeting in state (ST_NONE: any). */
int store_meeting_count(struct store *s, int64_t meeting, int state, int64_t *count);

/* The first scheduled meeting starting after time; 0, -DOCKET_ENOTFOUND or -DOCKET_ESTORAGE. */
int store_meeting_next(struct store *s, struct str time, struct arena *a, struct meeting *m);
/* 1 when meeting has an item coded code (ASCII case aside), 0 when not, or -DOCKET_ESTORAGE. */
int store_item_code_taken(struct store *s, int64_t meeting, struct str code);

typedef int (*store_meeting_fn)(void *ctx, const struct meeting *m);
typedef int (*store_item_fn)(void *ctx, const struct item *it);
int store_meeting_list(struct store *s, store_meeting_fn fn, void *ctx);
int store_meeting_items(struct store *s, int64_t meeting, store_item_fn fn, void *ctx);

/* An imported document: the file it came from and the header it gave. */
struct source {
	int64_t id;
	struct str file, sha256, document, title, from, to, subject;
	int64_t item;        /* the item it reported, 0: none */
	struct str imported_at, actor;
	int64_t decisions;   /* how many decisions came from it (read only) */
};

/* Item order: the position after the last decision on item; set a decision's position. */
int store_item_next_position(struct store *s, int64_t item, int64_t *pos);
int store_decision_set_position(struct store *s, struct str ref, int64_t pos);

/* The first meeting of panel starting in [from, to) (UTC times): 0, -DOCKET_ENOTFOUND or -DOCKET_ESTORAGE. */
int store_meeting_on(struct store *s, struct str panel, struct str from, struct str to,
		     struct arena *a, struct meeting *m);
/* meeting's item coded code (ASCII case aside): 0, -DOCKET_ENOTFOUND or -DOCKET_ESTORAGE. */
int store_item_by_code(struct store *s, int64_t meeting, struct str code, struct arena *a,
		       struct item *it);

/* Imported documents: get by id or by SHA-256 (0, -DOCKET_ENOTFOUND, -DOCKET_ESTORAGE). */
int store_source_get(struct store *s, int64_t id, struct arena *a, struct source *src);
int store_source_by_sha(struct store *s, struct str sha256, struct arena *a, struct source *src);
int store_source_insert(struct store *s, struct source *src); /* sets src->id */
typedef int (*store_source_fn)(void *ctx, const struct source *src);
int store_source_list(struct store *s, store_source_fn fn, void *ctx);
/* The decisions that came from source, in the document's order. */
int store_source_decisions(struct store *s, int64_t source, store_decision_fn fn, void *ctx);

/* Decisions the public register shows (published and later), after a ref_key, by ref. */
int store_register(struct store *s, struct str after_key, int64_t limit, store_decision_fn fn,
		   void *ctx);

/* One search hit; snippet marks matches with U+0002 and U+0003. */
struct search_hit {
	struct str ref, title, state, decision_maker, category, decided_on, snippet;
	double score; /* bm25: lower is better */
};
/* A search: an FTS5 query and filters, each nil when not given. */
struct search_query {
	struct str match, state, decision_maker, category, from, to;
	int64_t limit;
};
typedef int (*store_hit_fn)(void *ctx, const struct search_hit *h);
/* Returns 0, -DOCKET_EBADREQ for a query FTS5 cannot read (message in err), or -DOCKET_ESTORAGE. */
int store_search(struct store *s, const struct search_query *q, store_hit_fn fn, void *ctx,
		 char *err, size_t errlen);

/* Reminders. Each returns 0 or -DOCKET_ESTORAGE unless it says otherwise. */
int store_reminder_insert(struct store *s, struct reminder *r); /* sets r->id */
int store_reminder_update(struct store *s, const struct reminder *r);
typedef int (*store_reminder_fn)(void *ctx, const struct reminder *r);
/* Every reminder of one kind for meeting (when not 0) or ref, by id. */
int store_reminders_of(struct store *s, int kind, int64_t meeting, struct str ref,
		       store_reminder_fn fn, void *ctx);
/* Pending reminders due at or before now, earliest first, at most limit. */
int store_reminders_due(struct store *s, struct str now, int64_t limit, store_reminder_fn fn,
			void *ctx);
/* The earliest pending due_at, copied into a: 0, -DOCKET_ENOTFOUND when none, or -DOCKET_ESTORAGE. */
int store_reminder_next(struct store *s, struct arena *a, struct str *due_at);
/* Reminders by due_at, filtered (status, kind -1: any; meeting 0, ref nil: any). */
int store_reminder_list(struct store *s, int status, int kind, int64_t meeting, struct str ref,
			int64_t limit, store_reminder_fn fn, void *ctx);
/* One call per target with a pending reminder, with one of its pending reminders. */
int store_reminder_targets(struct store *s, store_reminder_fn fn, void *ctx);

#endif
