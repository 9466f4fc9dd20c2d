/* Meetings at a moment: the status they read as, their time in the office's zone. */
#include <stdio.h>
#include <string.h>

#include "calendar.h"
#include "docket/error.h"
#include "proto.h"

int calendar_view(const struct office *o, int64_t now, const struct meeting *m,
		  struct meeting_view *v)
{
	memset(v, 0, sizeof *v);
	if (date_utc_parse(m->starts_at.ptr, m->starts_at.len, &v->starts) < 0)
		return -DOCKET_ESTORAGE;
	v->status = m->status == MS_SCHEDULED && v->starts <= now ? MS_STARTED : m->status;
	v->reads = proto_meeting_statuses[v->status == MS_STARTED ? MS_HELD : v->status];
	struct tz_local loc;
	tz_format_iso(o->tz, v->starts, v->local, &loc);
	snprintf(v->zone, sizeof v->zone, "%s", loc.abbr);
	return 0;
}
