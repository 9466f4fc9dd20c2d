/* One command being applied inside the batch transaction, and the handlers. */
#ifndef DOCKET_CMD_H
#define DOCKET_CMD_H

#include <msgpack.h>

#include "arena.h"
#include "calendar.h"
#include "office.h"
#include "outbox.h"
#include "pack.h"
#include "request.h"
#include "store.h"

struct server;
struct batch_entry;

struct principal {
	struct str name;
	unsigned roles; /* ROLE_* bits */
};

struct cmd {
	struct store *store;
	struct arena *arena;          /* freed when the batch ends */
	const struct request *req;
	const struct principal *who;
	const struct office *office;
	char ts[32];                  /* time of this command, YYYY-MM-DDTHH:MM:SS.mmmZ */
	int64_t now;                  /* the same, in seconds since the epoch */
	int64_t today;                /* the office's date then, in days since 1970-01-01 */
	struct pack_pair set[4];      /* business dates the command set without being given them */
	size_t nset;
	int replanned;                /* the command changed the reminders */
	int rekeyed;                  /* the command changed the clients' keys */
	int discard;                  /* a dry run: answer, then undo every change */
	msgpack_sbuffer *buf;         /* the reply being written */
	msgpack_packer *out;          /* packs into buf */
	uint32_t pairs;               /* reply pairs written after v, id and ok */
	struct outbox *outbox;        /* events to publish after commit */
	struct server *server;        /* docketd beyond the store: status and backup */
	struct batch_entry *entry;    /* the request's frames, for a reply given later */
	int deferred;                 /* the reply comes later, from the loop (backup) */
	char err[512];
};

/* Format the refusal message into c->err and return code (negative). */
int cmd_fail(struct cmd *c, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Refuse unless the principal holds role. */
int cmd_need_role(struct cmd *c, unsigned role);

/*
 * The integer field f of the request, or dflt when not given; refused with
 * bad_request ("'limit' must be 1 to 1000", then unit) unless within lo..hi.
 */
int cmd_int_arg(struct cmd *c, int f, int64_t dflt, int64_t lo, int64_t hi, const char *unit,
		int64_t *out);

/* Refuse with conflict when the request's expect_version is not version. */
int cmd_check_version(struct cmd *c, const char *what, int64_t version);

/* Append an event to the log and the outbox. kind selects the head keys. */
enum event_kind { EV_DECISION, EV_MEETING, EV_ITEM };
struct event_head {
	enum event_kind kind;
	const char *type;
	struct str ref;
	int64_t meeting, item;
	const char *state;
	int64_t version;
};
int cmd_emit(struct cmd *c, const struct event_head *h);

/* Write the reply's "seq": the last event this command appended. */
void cmd_reply_seq(struct cmd *c);

/* m as the office sees it at this command's time; refuses with storage for a bad record. */
int cmd_meeting_view(struct cmd *c, const struct meeting *m, struct meeting_view *v);

/* Record a pair for the event's data besides the request's own fields (a defaulted date). */
void cmd_set(struct cmd *c, const char *key, struct str value);

/* A date (days) as YYYY-MM-DD in the batch arena; nil when out of memory. */
struct str cmd_date(struct cmd *c, int64_t days);

/*
 * The date field f of the request as days, or dflt when not given; also
 * records a defaulted date for the event's data under key. Refuses a date
 * after today when not_future is set.
 */
int cmd_date_arg(struct cmd *c, int f, const char *key, int64_t dflt, int not_future,
		 int64_t *days);

/* The reminder planner's view of this command. */
struct remind_ctx;
void cmd_remind_ctx(struct cmd *c, struct remind_ctx *x);

/* References gathered from a store query, copied into an arena (the batch's). */
struct cmd_refs {
	struct arena *arena;
	struct str *ref;
	size_t n, cap;
};
/* Append a copy of ref. Returns 0 or -DOCKET_ENOMEM. */
int cmd_refs_add(struct cmd_refs *r, struct str ref);

/*
 * A page of decisions written into the reply as a store query finds them:
 * give the query limit + 1, so that one row past the page says whether
 * there is another (more), and last is where the next page starts.
 */
struct cmd_page {
	struct cmd *c;
	void (*pack)(msgpack_packer *pk, const struct decision *d);
	int64_t limit;
	uint32_t n;
	struct str last;
	int more;
};
int cmd_page_add(void *ctx, const struct decision *d); /* a store_decision_fn */

/* Handlers: apply c->req and write the reply pairs. 0 or a negative code. */
int handle_decision(struct cmd *c);
int handle_calendar(struct cmd *c);
int handle_query(struct cmd *c);
int handle_agenda(struct cmd *c);
int handle_item_order(struct cmd *c);
int handle_import(struct cmd *c);
int handle_register(struct cmd *c); /* register, search and imports */
int handle_report(struct cmd *c);   /* render */
int handle_events(struct cmd *c);
int handle_cursor(struct cmd *c);   /* cursor_add, _delete, _retry, _skip, _rewind, cursors, parked */
int handle_fetch(struct cmd *c);    /* fetch, ack, nak, park */
int handle_keys(struct cmd *c);     /* key_add, key_roles, key_revoke, keys */
int handle_status(struct cmd *c);
int handle_backup(struct cmd *c);

/* The cursor the request names, copied into the arena; refuses with not_found. */
int cmd_cursor(struct cmd *c, struct cursor *cur);
/* Write the reply pair "cursor": the cursor as it is now. */
int cmd_reply_cursor(struct cmd *c, struct str name);

/* Dispatch by op. */
int cmd_apply(struct cmd *c);

#endif
