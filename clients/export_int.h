/* What the export's writers share: page scaffolding, labels, dates, hashes and file writing. */
#ifndef DOCKET_EXPORT_INT_H
#define DOCKET_EXPORT_INT_H

#include <libxml/tree.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "export.h"

/* Room for a decision page's file name: refs are short, long ones are hashed (export_slug). */
#define EXPORT_SLUG_LEN 256
/* Room for a URL: base_url plus "decisions/" plus a slug. */
#define EXPORT_URL_LEN 2048

/* Sets err to the formatted message and returns code (a negative DOCKET_E code). */
int export_fail(char *err, size_t errlen, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Replaces path whole with len bytes of buf (a temporary file renamed over it), mode 0644. */
int export_write_file(const char *path, const void *buf, size_t len, char *err, size_t errlen);

/* dir/name into out; -DOCKET_EINVAL with err set when it does not fit. */
int export_path(char *out, size_t outlen, const char *dir, const char *name, char *err,
                size_t errlen);

/* base_url + rel when the register has a base URL, else rel as it is. */
int export_url(const struct export_register *r, const char *rel, char *out, size_t outlen);

/* SHA-256 of prefix + s through libsodium (export_atom.c); 0 or -DOCKET_EINTERNAL. */
int export_sha256(const char *prefix, const char *s, unsigned char out[32]);

/* The office's reading of a UTC time, through libical (export_ics.c). */
struct export_local {
	int y, mo, d, h, mi, s;
	char ymd[11];  /* YYYY-MM-DD */
	char abbr[16]; /* "GMT", "BST", or "+01:00" when the zone has no name for it */
};
/* utc (docketd's YYYY-MM-DDTHH:MM:SS[.fff]Z) as the zone reads it; 0 or -DOCKET_EINVAL. */
int export_local_time(const char *zone, const char *utc, struct export_local *out);

/* utc as RFC 3339 "YYYY-MM-DDTHH:MM:SSZ", the fraction dropped (export_atom.c); 0 or -1. */
int export_rfc3339(const char *utc, char out[21]);

/* Readable names of the wire values; an unknown value reads as itself (export_csv.c). */
const char *export_maker_label(const char *wire);
const char *export_category_label(const char *wire);
const char *export_state_label(const char *wire);
const char *export_status_label(const char *status);

/* How much of a decision may be shown. Anything but "none" or "part" is treated as full. */
enum export_restriction { EXPORT_OPEN, EXPORT_PART, EXPORT_FULL };
enum export_restriction export_restriction(const struct export_decision *d);

/* Checks what every writer relies on (office, times, refs, titles); 0 or -DOCKET_EINVAL. */
int export_check(const struct export_register *r, char *err, size_t errlen);

/* "Kent and Medway Police and Crime Panel, 22 September 2015" (or ", date to be set"). */
void export_meeting_name(const struct export_register *r, const struct export_meeting *m, char *out,
                         size_t outlen);
/* Writes dir/meetings.html, every meeting with its items and decisions (export_ics.c). */
int export_meetings_page(const struct export_register *r, const char *dir, char *err,
                         size_t errlen);

/* The meeting with id, or NULL. */
const struct export_meeting *export_meeting_of(const struct export_register *r, int64_t id);

/*
 * The restriction notice for part and full restrictions, as the pages and
 * the feed say it; NULL with *rc 0 for none, NULL with *rc -DOCKET_ENOMEM
 * when out of memory. Free with free().
 */
char *export_notice(const struct export_decision *d, int *rc);

/* The decisions in a new array of pointers, sorted by cmp; NULL when out of memory. */
const struct export_decision **export_sorted(const struct export_register *r,
                                             int (*cmp)(const void *, const void *));

/*
 * One HTML page under construction. Every helper below records a failed
 * libxml2 allocation in oom and returns NULL, and does nothing when its
 * parent is NULL, so a page is built straight through and checked once
 * when it is saved.
 */
struct export_page {
	xmlDocPtr doc;
	xmlNodePtr main;
	const char *root; /* "" for pages at the top, "../" for decisions/ */
	int oom;
};

enum export_nav { EXPORT_NAV_DECISIONS, EXPORT_NAV_MEETINGS, EXPORT_NAV_NONE };

/* A page with head, skip link, header and nav (current marked), an empty main and the footer. */
int export_page_new(struct export_page *p, const struct export_register *r, const char *title,
                    const char *root, enum export_nav current);
/* Serialises the page as UTF-8 HTML to path (replaced whole) and frees it. */
int export_page_save(struct export_page *p, const char *path, char *err, size_t errlen);
void export_page_free(struct export_page *p);

xmlNodePtr export_el(struct export_page *p, xmlNodePtr parent, const char *name, const char *text);
void export_attr(struct export_page *p, xmlNodePtr node, const char *name, const char *value);
void export_text(struct export_page *p, xmlNodePtr parent, const char *text, size_t len);
/* <a href> with text; href relative to the site root gets the page's root prefixed. */
xmlNodePtr export_link(struct export_page *p, xmlNodePtr parent, const char *href,
                       const char *text);
/* <time datetime=ymd>22 September 2015</time>, or "Not recorded" text when ymd is NULL. */
void export_date(struct export_page *p, xmlNodePtr parent, const char *ymd);
/* A long text as paragraphs and bullet lists (render/text.h); 0 or -DOCKET_ENOMEM. */
int export_blocks(struct export_page *p, xmlNodePtr parent, const char *text);

/* Writes dir/style.css, the pages' one stylesheet. */
int export_style(const char *dir, char *err, size_t errlen);

/* The feed (export_atom.c), written by export_html. */
int export_atom(const struct export_register *r, const char *path, char *err, size_t errlen);

#endif
