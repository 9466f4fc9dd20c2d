/* Wire names of docket's commands, states, roles and enumerations. */
#include <string.h>

#include "proto.h"

static const char *const ops[OP_COUNT + 1] = {
	"draft", "amend", "submit", "return", "endorse", "reject", "withdraw",
	"publish", "schedule", "unschedule", "report", "note", "recommend",
	"respond", "lift_restriction", "meeting_add", "meeting_move",
	"meeting_cancel", "item_add", "get", "list", "history", "meetings", NULL,
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


const char *const proto_meeting_statuses[] = {"scheduled", "held", "cancelled", NULL};

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

static int digits(const char *p, int n)
{
	for (int i = 0; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return 0;
	return 1;
}

static int num(const char *p, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++)
		v = v * 10 + (p[i] - '0');
	return v;
}

int proto_date_valid(const char *p, uint32_t len)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (len != 10 || !digits(p, 4) || p[4] != '-' || !digits(p + 5, 2) || p[7] != '-' ||
	    !digits(p + 8, 2))
		return 0;
	int y = num(p, 4), m = num(p + 5, 2), d = num(p + 8, 2);
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return 0;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return !(m == 2 && d == 29 && !leap);
}

int proto_time_valid(const char *p, uint32_t len)
{
	return len == 20 && proto_date_valid(p, 10) && p[10] == 'T' && digits(p + 11, 2) &&
	       p[13] == ':' && digits(p + 14, 2) && p[16] == ':' && digits(p + 17, 2) &&
	       p[19] == 'Z' && num(p + 11, 2) < 24 && num(p + 14, 2) < 60 && num(p + 17, 2) < 60;
}
