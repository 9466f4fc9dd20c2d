/* A panel report as docket writes it: the public view of an item's decisions, in its order. */
#ifndef DOCKET_REPORT_H
#define DOCKET_REPORT_H

#include <stddef.h>

/*
 * One decision as the public may read it. The daemon fills this in from
 * the record and its restriction; nothing withheld is ever put here.
 */
struct report_decision {
	const char *ref;
	const char *title;
	const char *text;               /* the published wording; NULL when fully restricted */
	const char *justification;      /* the published reasons; NULL when none or fully restricted */
	const char *restriction;        /* "none", "part" or "full" */
	const char *withheld;           /* part: what is withheld, one line; else NULL */
	const char *restriction_reason; /* part, full: why; else NULL */
	const char *review_date;        /* part, full: YYYY-MM-DD or NULL when none is set */
	const char *decided_on;         /* YYYY-MM-DD or NULL */
	const char *decision_maker;     /* wire value ("pcc") */
};

/* A report: the item's header (each NULL when absent), then the decisions in order. */
struct report {
	const char *from;         /* "Ann Barnes, Kent Police and Crime Commissioner" */
	const char *to;           /* "Kent and Medway Police and Crime Panel" */
	const char *subject;      /* "Commissioner's Key Decisions – July, August & September 2015" */
	const char *item_code;    /* "C1": with meeting_date makes the "Item & Date:" line */
	const char *meeting_date; /* YYYY-MM-DD, the meeting's date in the office's calendar */
	const char *title;        /* a title line ("Commissioner's Key Decision – May 2014") */
	const struct report_decision *decisions;
	size_t n;
};

enum report_format { REPORT_TEXT, REPORT_MARKDOWN, REPORT_HTML };

/*
 * Render r in format f into a new NUL-terminated buffer: *out (free with
 * free()) of *len bytes. Returns 0, -DOCKET_ENOMEM, or -DOCKET_EINVAL for
 * a report that cannot be rendered (a date that is not YYYY-MM-DD).
 */
int report_render(const struct report *r, enum report_format f, char **out, size_t *len);

#endif
