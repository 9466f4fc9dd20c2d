/* Wire names of docket's commands, states, roles and enumerations. */
#include <string.h>

#include "proto.h"

static const char *const ops[OP_COUNT + 1] = {
	"draft", "amend", "submit", "return", "endorse", "reject", "withdraw",
	"publish", "schedule", "unschedule", "report", "note", "recommend",
	"respond", "lift_restriction", "set_response_due", "set_review_date",
	"meeting_add", "meeting_move", "meeting_postpone", "meeting_cancel",
	"meeting_held", "item_add", "item_order", "import", "get", "list", "history",
	"meetings", "agenda", "reminders", "due", "info", "render", "register", "search",
	"imports", "events", "cursor_add", "cursor_delete", "fetch", "ack", "nak", "park",
	"cursor_retry", "cursor_skip", "cursor_rewind", "cursors", "parked", "key_add",
	"key_roles", "key_revoke", "keys", "status", "backup", NULL,
};

const char *const proto_states[ST_COUNT + 1] = {
	"none", "draft", "submitted", "endorsed", "rejected", "withdrawn",
	"published", "scheduled", "reported", "noted", "response_due",
	"responded", NULL,
};

static const char *const roles[] = {
	"staff", "commissioner", "secretariat", "reader", "admin", NULL,
};

const char *const proto_decision_makers[] = {
	"pcc", "deputy_pcc", "pcc_and_chief_constable", "chief_executive",
	"chief_finance_officer", NULL,
};

const char *const proto_categories[] = {
	"statutory", "spend", "strategic", "other", NULL,
};

const char *const proto_restrictions[] = {"none", "part", "full", NULL};

const char *const proto_meeting_statuses[MS_COUNT + 1] = {
	"scheduled", "postponed", "held", "cancelled", NULL, NULL,
};

const char *const proto_reminder_kinds[] = {"meeting", "response", "review", NULL};

const char *const proto_reminder_statuses[] = {"pending", "fired", "missed", "cancelled", NULL};

const char *const proto_list_sorts[] = {"ref", "decided", NULL};

const char *const proto_documents[] = {"report", "register", NULL};

const char *const proto_render_formats[] = {"text", "markdown", "html", NULL};

int proto_enum_lookup(const char *const *list, const char *name, uint32_t len)
{
	for (int i = 0; list[i]; i++)
		if (strlen(list[i]) == len && memcmp(list[i], name, len) == 0)
			return i;
	return -1;
}

const char *proto_op_name(int op)
{
	return op >= 0 && op < OP_COUNT ? ops[op] : NULL;
}

const char *proto_state_name(int state)
{
	return state >= 0 && state < ST_COUNT ? proto_states[state] : NULL;
}

const char *proto_role_name(int role_bit)
{
	for (int i = 0; roles[i]; i++)
		if (role_bit == 1 << i)
			return roles[i];
	return NULL;
}

int proto_op_lookup(const char *name, uint32_t len)
{
	return proto_enum_lookup(ops, name, len);
}

int proto_state_lookup(const char *name, uint32_t len)
{
	return proto_enum_lookup(proto_states, name, len);
}

int proto_role_lookup(const char *name, uint32_t len)
{
	int i = proto_enum_lookup(roles, name, len);
	return i < 0 ? -1 : 1 << i;
}
