/* Meetings as the office sees them at a moment: status, local time and zone. */
#ifndef DOCKET_CALENDAR_H
#define DOCKET_CALENDAR_H

#include <stdint.h>

#include "office.h"
#include "store.h"

/* What a meeting map shows besides the stored record. */
struct meeting_view {
	int status;          /* MS_*, MS_STARTED when scheduled and its start has passed */
	const char *reads;   /* the status's wire name: MS_STARTED reads "held" */
	int64_t starts;      /* epoch of starts_at */
	char local[32];      /* starts_at as the office reads it, with its offset */
	char zone[16];       /* the zone's abbreviation then, "BST" */
};

/* The view of m at epoch now. Returns 0, or -DOCKET_ESTORAGE when starts_at is not a time. */
int calendar_view(const struct office *o, int64_t now, const struct meeting *m,
		  struct meeting_view *v);

#endif
