/* Reminders: planned from the calendar and the decisions, fired once each. */
#ifndef DOCKET_REMINDER_H
#define DOCKET_REMINDER_H

#include <stdint.h>

#include "arena.h"
#include "office.h"
#include "outbox.h"
#include "store.h"

/* What planning and firing work with: all inside a transaction the caller holds. */
struct remind_ctx {
	struct store *store;
	const struct office *office;
	struct arena *arena; /* copies live until the caller resets it */
	int64_t now;         /* seconds since the epoch */
	const char *ts;      /* the same moment as a time of changes, for events and settled_at */
};

/*
 * Re-plan the reminders of a meeting, or of a decision (its response and
 * review reminders), as they stand now: pending ones move or are
 * cancelled, missing ones are planned when their time is ahead, and none
 * that fired for the same target time is planned again. Returns 0,
 * -DOCKET_ESTORAGE or -DOCKET_ENOMEM.
 */
int reminder_plan_meeting(const struct remind_ctx *x, const struct meeting *m);
int reminder_plan_decision(const struct remind_ctx *x, const struct decision *d);

/* Re-plan every target: at start and when the settings change. */
int reminder_plan_all(const struct remind_ctx *x);

/*
 * Settle every pending reminder due by x->now: fire it (reminder.due) if
 * its target is still ahead, else record it missed (reminder.missed). The
 * events go to the log and to o. *settled counts them. Returns 0,
 * -DOCKET_ESTORAGE or -DOCKET_ENOMEM.
 */
int reminder_fire_due(const struct remind_ctx *x, struct outbox *o, int *settled);

/* The epoch of the earliest pending reminder, INT64_MAX when none. 0 or -DOCKET_ESTORAGE. */
int reminder_next(const struct remind_ctx *x, int64_t *due);

#endif
