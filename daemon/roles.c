/* Which role each command and query needs: the table docketd checks before any handler runs. */
#include "proto.h"
#include "roles.h"

#define STAFF ROLE_STAFF
#define COMMISSIONER ROLE_COMMISSIONER
#define SECRETARIAT ROLE_SECRETARIAT
#define READER ROLE_READER
#define ADMIN ROLE_ADMIN

/*
 * The roles of PROTOCOL.md section 7. The lifecycle's table (fsm.c) names
 * the same role for each transition, and is checked again there. Cursors
 * are a reader's own way of following the log; clearing what another
 * subscriber has parked or moving its place is the administrator's.
 */
static const unsigned allowed[OP_COUNT] = {
	[OP_DRAFT] = STAFF,
	[OP_AMEND] = STAFF,
	[OP_SUBMIT] = STAFF,
	[OP_WITHDRAW] = STAFF,
	[OP_RETURN] = COMMISSIONER,
	[OP_ENDORSE] = COMMISSIONER,
	[OP_REJECT] = COMMISSIONER,
	[OP_RESPOND] = COMMISSIONER,
	[OP_PUBLISH] = SECRETARIAT,
	[OP_SCHEDULE] = SECRETARIAT,
	[OP_UNSCHEDULE] = SECRETARIAT,
	[OP_REPORT] = SECRETARIAT,
	[OP_NOTE] = SECRETARIAT,
	[OP_RECOMMEND] = SECRETARIAT,
	[OP_LIFT_RESTRICTION] = SECRETARIAT,
	[OP_SET_RESPONSE_DUE] = SECRETARIAT,
	[OP_SET_REVIEW_DATE] = SECRETARIAT,
	[OP_MEETING_ADD] = SECRETARIAT,
	[OP_MEETING_MOVE] = SECRETARIAT,
	[OP_MEETING_POSTPONE] = SECRETARIAT,
	[OP_MEETING_CANCEL] = SECRETARIAT,
	[OP_MEETING_HELD] = SECRETARIAT,
	[OP_ITEM_ADD] = SECRETARIAT,
	[OP_ITEM_ORDER] = SECRETARIAT,
	[OP_IMPORT] = SECRETARIAT,
	[OP_GET] = READER,
	[OP_LIST] = READER,
	[OP_HISTORY] = READER,
	[OP_MEETINGS] = READER,
	[OP_AGENDA] = READER,
	[OP_REMINDERS] = READER,
	[OP_DUE] = READER,
	[OP_INFO] = READER,
	[OP_RENDER] = READER,
	[OP_REGISTER] = READER,
	[OP_SEARCH] = READER,
	[OP_IMPORTS] = READER,
	[OP_EVENTS] = READER,
	[OP_CURSOR_ADD] = READER,
	[OP_FETCH] = READER,
	[OP_ACK] = READER,
	[OP_NAK] = READER,
	[OP_PARK] = READER,
	[OP_CURSORS] = READER,
	[OP_PARKED] = READER,
	[OP_CURSOR_DELETE] = ADMIN,
	[OP_CURSOR_RETRY] = ADMIN,
	[OP_CURSOR_SKIP] = ADMIN,
	[OP_CURSOR_REWIND] = ADMIN,
	[OP_KEY_ADD] = ADMIN,
	[OP_KEY_ROLES] = ADMIN,
	[OP_KEY_REVOKE] = ADMIN,
	[OP_KEYS] = ADMIN,
	[OP_STATUS] = READER,
	[OP_BACKUP] = ADMIN,
};

unsigned roles_allowed(int op)
{
	return op >= 0 && op < OP_COUNT ? allowed[op] : 0;
}
