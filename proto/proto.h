/* docket protocol vocabulary: commands, states, roles and enumerated values. */
#ifndef DOCKET_PROTO_H
#define DOCKET_PROTO_H

#include <stdint.h>

#define PROTO_VERSION 1
/* Revision of version 1 this build speaks (PROTOCOL.md section 11). */
#define PROTO_REVISION 6

/* Largest request docketd answers; larger ones get too_large. */
#define PROTO_MAX_REQUEST (1024 * 1024)
/* ZMQ_MAXMSGSIZE: libzmq drops the connection of a peer sending more. */
#define PROTO_MAX_FRAME (4 * 1024 * 1024)

/* The first PROTO_FSM_OPS commands are the decision lifecycle, in fsm order. */
enum proto_op {
	OP_DRAFT,
	OP_AMEND,
	OP_SUBMIT,
	OP_RETURN,
	OP_ENDORSE,
	OP_REJECT,
	OP_WITHDRAW,
	OP_PUBLISH,
	OP_SCHEDULE,
	OP_UNSCHEDULE,
	OP_REPORT,
	OP_NOTE,
	OP_RECOMMEND,
	OP_RESPOND,
	OP_LIFT_RESTRICTION,
	OP_SET_RESPONSE_DUE,
	OP_SET_REVIEW_DATE,
	OP_MEETING_ADD,
	OP_MEETING_MOVE,
	OP_MEETING_POSTPONE,
	OP_MEETING_CANCEL,
	OP_MEETING_HELD,
	OP_ITEM_ADD,
	OP_ITEM_ORDER,
	OP_IMPORT,
	OP_GET,
	OP_LIST,
	OP_HISTORY,
	OP_MEETINGS,
	OP_AGENDA,
	OP_REMINDERS,
	OP_DUE,
	OP_INFO,
	OP_RENDER,
	OP_REGISTER,
	OP_SEARCH,
	OP_IMPORTS,
	OP_EVENTS,
	OP_CURSOR_ADD,
	OP_CURSOR_DELETE,
	OP_FETCH,
	OP_ACK,
	OP_NAK,
	OP_PARK,
	OP_CURSOR_RETRY,
	OP_CURSOR_SKIP,
	OP_CURSOR_REWIND,
	OP_CURSORS,
	OP_PARKED,
	OP_KEY_ADD,
	OP_KEY_ROLES,
	OP_KEY_REVOKE,
	OP_KEYS,
	OP_STATUS,
	OP_BACKUP,
	OP_COUNT
};
#define PROTO_FSM_OPS (OP_SET_REVIEW_DATE + 1)
/* Commands from OP_MEETING_ADD to OP_ITEM_ADD are the panel calendar's (meeting statuses). */
#define PROTO_CALENDAR_OPS (OP_ITEM_ADD + 1)
/*
 * item_order and import change things too; the ops after OP_IMPORT are
 * queries, the cursors' and the keys' own.
 */

enum proto_state {
	ST_NONE, /* the decision does not exist yet */
	ST_DRAFT,
	ST_SUBMITTED,
	ST_ENDORSED,
	ST_REJECTED,
	ST_WITHDRAWN,
	ST_PUBLISHED,
	ST_SCHEDULED,
	ST_REPORTED,
	ST_NOTED,
	ST_RESPONSE_DUE,
	ST_RESPONDED,
	ST_COUNT
};

enum proto_role {
	ROLE_STAFF = 1 << 0,
	ROLE_COMMISSIONER = 1 << 1,
	ROLE_SECRETARIAT = 1 << 2,
	ROLE_READER = 1 << 3,
	ROLE_ADMIN = 1 << 4,
	ROLE_ALL = (1 << 5) - 1
};

/* Longest principal name, in bytes. */
#define PROTO_PRINCIPAL_MAX 63

/* A meeting's status, as stored; MS_STARTED is "scheduled" with its start passed (reads held). */
enum proto_meeting_status {
	MS_SCHEDULED,
	MS_POSTPONED,
	MS_HELD,
	MS_CANCELLED,
	MS_STARTED,
	MS_COUNT
};

/* Names of ops, states and roles as they appear on the wire; NULL if out of range. */
const char *proto_op_name(int op);
const char *proto_state_name(int state);
const char *proto_role_name(int role_bit);

/* Lookups by wire name (len bytes, not terminated); -1 when unknown. */
int proto_op_lookup(const char *name, uint32_t len);
int proto_state_lookup(const char *name, uint32_t len);
int proto_role_lookup(const char *name, uint32_t len);

/* Enumerated field values; each list is NULL-terminated. */
extern const char *const proto_decision_makers[];
extern const char *const proto_categories[];
extern const char *const proto_restrictions[];
/* Meeting statuses by MS_* index, as they read (MS_STARTED reads "held"); NULL-terminated at MS_STARTED. */
extern const char *const proto_meeting_statuses[];
extern const char *const proto_reminder_kinds[];    /* meeting, response, review */
extern const char *const proto_reminder_statuses[]; /* pending, fired, missed, cancelled */
extern const char *const proto_list_sorts[];        /* ref, decided */
extern const char *const proto_documents[];         /* report, register: what import reads */
extern const char *const proto_render_formats[];    /* text, markdown, html */
/* Every state by ST_* index; proto_states + 1 are those a decision can be in. */
extern const char *const proto_states[];

/* Index of name in a NULL-terminated list, or -1. */
int proto_enum_lookup(const char *const *list, const char *name, uint32_t len);

#endif
