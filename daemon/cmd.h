/* One command being applied inside the batch transaction, and the handlers. */
#ifndef DOCKET_CMD_H
#define DOCKET_CMD_H

#include <msgpack.h>

#include "arena.h"
#include "outbox.h"
#include "request.h"
#include "store.h"

struct principal {
	struct str name;
	unsigned roles; /* ROLE_* bits */
};

struct cmd {
	struct store *store;
	struct arena *arena;          /* freed when the batch ends */
	const struct request *req;
	const struct principal *who;
	char ts[32];                  /* time of this command, YYYY-MM-DDTHH:MM:SS.mmmZ */
	msgpack_sbuffer *buf;         /* the reply being written */
	msgpack_packer *out;          /* packs into buf */
	uint32_t pairs;               /* reply pairs written after v, id and ok */
	struct outbox *outbox;        /* events to publish after commit */
	char err[512];
};

/* Format the refusal message into c->err and return code (negative). */
int cmd_fail(struct cmd *c, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Refuse unless the principal holds role. */
int cmd_need_role(struct cmd *c, unsigned role);

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

/* A meeting's status as seen now: "held" once it has started, unless cancelled. */
const char *cmd_meeting_status(const struct cmd *c, const struct meeting *m);

/* True when a time (YYYY-MM-DDTHH:MM:SS...) is at or before this command's time. */
int cmd_passed(const struct cmd *c, struct str when);

/* Handlers: apply c->req and write the reply pairs. 0 or a negative code. */
int handle_decision(struct cmd *c);
int handle_calendar(struct cmd *c);
int handle_query(struct cmd *c);

/* Dispatch by op. */
int cmd_apply(struct cmd *c);

#endif
