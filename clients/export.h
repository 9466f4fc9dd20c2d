/* The public register: static HTML pages with an Atom feed, the meeting calendar, open data. */
#ifndef DOCKET_EXPORT_H
#define DOCKET_EXPORT_H

#include <stddef.h>
#include <stdint.h>

/*
 * A published decision as the public may read it (docketd's register
 * query): text and justification are the published wording, NULL when
 * the restriction is full. Dates are YYYY-MM-DD, NULL when not set.
 */
struct export_decision {
	const char *ref;
	const char *title;
	const char *text;
	const char *justification;
	const char *state;          /* "published", "scheduled", "reported", "noted"... */
	const char *decision_maker; /* wire value: "pcc", "deputy_pcc", ... */
	const char *category;       /* "statutory", "spend", "strategic", "other" */
	const char *cost_text;      /* NULL when none or restricted */
	const char *restriction;    /* "none", "part", "full" */
	const char *withheld;       /* part: what is withheld */
	const char *restriction_reason;
	const char *review_date;
	const char *decided_on;
	const char *published_on;
	const char *reported_on;
	const char *published_at;   /* UTC, YYYY-MM-DDTHH:MM:SS(.mmm)Z: the feed's updated time */
	int64_t version;
	int64_t meeting;            /* the meeting it was scheduled or reported at; 0 when none */
	const char *item_code;      /* its item's code, NULL when none */
};

struct export_item {
	int64_t id;
	const char *code, *subject;
};

struct export_meeting {
	int64_t id;
	const char *panel;
	const char *starts_at; /* UTC, YYYY-MM-DDTHH:MM:SSZ; NULL while postponed with no time */
	const char *venue;     /* NULL when none */
	const char *status;    /* "scheduled", "held", "postponed", "cancelled" */
	int64_t version;       /* the iCalendar SEQUENCE */
	const struct export_item *items;
	size_t nitems;
};

/* What an export writes: the office's register at one moment. */
struct export_register {
	const char *office;     /* the office's name for titles ("Kent Police and Crime Commissioner") */
	const char *zone;       /* the office's IANA zone ("Europe/London") */
	const char *generated;  /* UTC time of the export, YYYY-MM-DDTHH:MM:SSZ */
	const char *base_url;   /* absolute URL the pages will be served from ("https://.../"); NULL: relative links only */
	const struct export_decision *decisions; /* published and later, any order */
	size_t n;
	const struct export_meeting *meetings;
	size_t nmeetings;
};

/*
 * Each writes its files and returns 0, or -DOCKET_ESYS / -DOCKET_ENOMEM /
 * -DOCKET_EINVAL with a message naming the file in err.
 *
 * export_html: DIR/index.html (by decision date, newest first),
 * DIR/meetings.html (by meeting), DIR/decisions/<slug>.html (one per
 * decision, honouring its restriction), DIR/feed.xml (Atom, RFC 4287) and
 * DIR/style.css. DIR is created if missing; files are replaced whole.
 */
int export_html(const struct export_register *r, const char *dir, char *err, size_t errlen);

/* export_ics: the panel meeting calendar as one iCalendar file (RFC 5545) at path. */
int export_ics(const struct export_register *r, const char *path, char *err, size_t errlen);

/* export_csv: one row per published decision (RFC 4180, UTF-8, header row) at path. */
int export_csv(const struct export_register *r, const char *path, char *err, size_t errlen);

/* A decision page's file name under decisions/, stable for its ref: "2024-22.html". */
int export_slug(const char *ref, char *out, size_t outlen);

#endif
