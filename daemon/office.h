/* The office as docketd serves it: its time zone and its calendar settings. */
#ifndef DOCKET_OFFICE_H
#define DOCKET_OFFICE_H

#include <stdint.h>

#include "config.h"
#include "tz.h"

struct office {
	struct tz *tz;
	int response_period; /* days */
	struct remind_days remind[REMIND_KINDS];
	int remind_minute;
	char import_reference[64]; /* template of an imported decision's reference */
	int import_minute;
};

/*
 * Build the office from c. Returns 0, or -DOCKET_ECONFIG when the zone is
 * unknown (err says so), or -DOCKET_ENOMEM. Free with office_close.
 */
int office_open(struct office *o, const struct config *c, char *err, size_t errlen);
void office_close(struct office *o);

/* The office's date (days since 1970-01-01) at epoch. */
int64_t office_today(const struct office *o, int64_t epoch);

#endif
