/* What the three report formats share: a growing buffer and the wording of restrictions. */
#ifndef DOCKET_REPORT_INT_H
#define DOCKET_REPORT_INT_H

#include <stddef.h>

#include "report.h"
#include "text.h"

/*
 * An output buffer whose error sticks: writers append without checking
 * each call, and rbuf_take reports the first failure once at the end.
 */
struct rbuf {
	char *p;
	size_t len, cap;
	int err;    /* 0 or -DOCKET_ENOMEM */
	int blocks; /* blocks begun with rbuf_block */
};

void rbuf_add(struct rbuf *b, const char *s, size_t n);
void rbuf_puts(struct rbuf *b, const char *s);
void rbuf_putc(struct rbuf *b, char c);
void rbuf_free(struct rbuf *b);
/* Begin a block of the text and Markdown layouts: one blank line before each but the first. */
void rbuf_block(struct rbuf *b);
/* Hand the NUL-terminated contents to *out and *len; or free them and return the error. */
int rbuf_take(struct rbuf *b, char **out, size_t *len);

enum restrict_kind { RESTRICT_NONE, RESTRICT_PART, RESTRICT_FULL, RESTRICT_BAD };

/* A decision's restriction: NULL and "none" are RESTRICT_NONE, an unknown word RESTRICT_BAD. */
enum restrict_kind report_restriction(const struct report_decision *d);

/* The label shown before a notice: "Restricted in part:" or "Restricted:". */
const char *report_notice_label(enum restrict_kind k);

/* The notice after its label: "<withheld> is withheld (<reason>). Review date: <date>." */
void report_notice(const struct report_decision *d, enum restrict_kind k, struct rbuf *b);

/*
 * A one-line account of a decision: "Reference: 35 - 2015." when with_ref,
 * then "Decided on 1 September 2015 by the Police and Crime Commissioner."
 * when with_decided. Writes nothing when there is nothing to say.
 */
void report_meta(const struct report_decision *d, int with_ref, int with_decided, struct rbuf *b);

/* The report's name: its subject, else its title, else "Key decisions". */
const char *report_heading(const struct report *r);

/* "Item C1 22 September 2015" into b; 0 when written, -1 when the report has no such line. */
int report_item_line(const struct report *r, struct rbuf *b);

/* A validated YYYY-MM-DD written long ("22 September 2015"). */
void report_long_date(const char *ymd, struct rbuf *b);

/* s without its leading blank lines and trailing white space: sets *start, returns the length. */
size_t report_trim(const char *s, const char **start);

/* True when s holds something other than white space. */
int report_has_text(const char *s);

/* The formats: each appends the whole report to b, or returns a negative code. */
int report_text(const struct report *r, struct rbuf *b);
int report_markdown(const struct report *r, struct rbuf *b);
int report_html(const struct report *r, struct rbuf *b);

#endif
