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
	D_COUNT
};

extern const char *const decision_col_names[D_COUNT];

struct decision {
	struct str ref;
	int state;           /* ST_* */
	int64_t version;
	int64_t cost_pence;  /* -1: none */
	int64_t item;        /* 0: none */
	struct str col[D_COUNT];
};

struct meeting {
	int64_t id;
	struct str panel, starts_at, venue, status;
	int64_t version;
};

struct item {
	int64_t id, meeting;
	struct str code, subject, period_start, period_end, from, to;
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
#define STORE_SCHEMA_VERSION 1

/*
 * Open or create the database at path: WAL, synchronous=FULL, migrations
 * applied. Returns 0, -DOCKET_ESTORAGE (cannot open, corrupt, or a schema
 * newer than this build) with a message in err. *out is owned by the
 * caller: free with store_close.
 */
int store_open(struct store **out, const char *path, char *err, size_t errlen);

/* Close the database; NULL-safe; sets *s to NULL. */
void store_close(struct store **s);

/* The last SQLite error message, for logs and replies. */
const char *store_errmsg(const struct store *s);

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

/* Append ev to the log; ev->seq must be store_next_seq. Returns 0 or -DOCKET_ESTORAGE. */
int store_append_event(struct store *s, const struct event *ev);

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

/*
 * Call fn for each decision, in ref order, with state (ST_NONE: any) and
 * ref > after (nil: from the start), at most limit of them. Also for each
 * decision on item (ordered by endorsement): store_item_decisions.
 * fn returns 0 to go on or a negative code to stop with it. Strings are
 * valid during the call only unless copied.
 */
typedef int (*store_decision_fn)(void *ctx, const struct decision *d);
int store_decision_list(struct store *s, int state, struct str after, int64_t limit,
			store_decision_fn fn, void *ctx);
int store_item_decisions(struct store *s, int64_t item, store_decision_fn fn, void *ctx);

/* Call fn with the body of each event of ref, in seq order. */
typedef int (*store_event_fn)(void *ctx, const void *body, size_t len);
int store_decision_history(struct store *s, struct str ref, store_event_fn fn, void *ctx);

/* Meetings and items; get returns 0, -DOCKET_ENOTFOUND or -DOCKET_ESTORAGE. */
int store_meeting_get(struct store *s, int64_t id, struct arena *a, struct meeting *m);
int store_meeting_insert(struct store *s, struct meeting *m); /* sets m->id */
int store_meeting_update(struct store *s, const struct meeting *m);
int store_item_get(struct store *s, int64_t id, struct arena *a, struct item *it);
int store_item_insert(struct store *s, struct item *it); /* sets it->id */
/* Count decisions on any item of meeting in state (ST_NONE: any). */
int store_meeting_count(struct store *s, int64_t meeting, int state, int64_t *count);

typedef int (*store_meeting_fn)(void *ctx, const struct meeting *m);
typedef int (*store_item_fn)(void *ctx, const struct item *it);
int store_meeting_list(struct store *s, store_meeting_fn fn, void *ctx);
int store_meeting_items(struct store *s, int64_t meeting, store_item_fn fn, void *ctx);

#endif
