/* The office: its zone opened once, its settings copied from the configuration. */
#include <stdio.h>
#include <string.h>

#include "docket/error.h"
#include "office.h"

int office_open(struct office *o, const struct config *c, char *err, size_t errlen)
{
	memset(o, 0, sizeof *o);
	int rc = tz_open(&o->tz, c->timezone);
	if (rc < 0) {
		snprintf(err, errlen, "office.timezone: '%s' is not a time zone the system knows",
			 c->timezone);
		return rc == -DOCKET_ENOMEM ? rc : -DOCKET_ECONFIG;
	}
	o->response_period = (int)c->response_period;
	memcpy(o->remind, c->remind, sizeof o->remind);
	o->remind_minute = c->remind_minute;
	memcpy(o->import_reference, c->import_reference, sizeof o->import_reference);
	o->import_minute = c->import_minute;
	return 0;
}

void office_close(struct office *o)
{
	tz_close(&o->tz);
}

int64_t office_today(const struct office *o, int64_t epoch)
{
	return tz_days(o->tz, epoch);
}
