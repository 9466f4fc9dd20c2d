/* Reading the office's existing documents: panel reports and labelled registers. */
#ifndef DOCKET_IMPORT_H
#define DOCKET_IMPORT_H

#include <stddef.h>

/* One decision as a document gives it. Strings are malloc'd UTF-8, NULL when absent. */
struct import_decision {
	unsigned line;            /* the line its block starts on, from 1 */
	char *ref;                /* as written ("2024/22"); NULL when the document gives none */
	char *title;              /* never NULL: as written, or made from the decision's first words */
	char *text;               /* the Decision: wording, never NULL or empty */
	char *justification;      /* NULL when none */
	char *decision_maker;     /* wire value ("pcc", "pcc_and_chief_constable"...), NULL if not given */
	char *decided_on;         /* YYYY-MM-DD, NULL when not given */
	char *restriction_reason; /* register: why its papers are restricted; NULL when they are not */
};

enum import_format { IMPORT_REPORT, IMPORT_REGISTER };

/* A document: its header, each NULL when absent, and its decisions in document order. */
struct import_doc {
	enum import_format format;
	char *from, *to, *subject;
	char *item_code;          /* "C1", from "Item & Date:" */
	char *meeting_date;       /* YYYY-MM-DD, from "Item & Date:" */
	char *title;              /* a title line before the decisions */
	char *period_start;       /* YYYY-MM-DD: the months the subject or title names */
	char *period_end;
	struct import_decision *decisions;
	size_t n;
};

/* Where and why a document could not be read. */
struct import_error {
	unsigned line; /* from 1; 0 when the fault is the whole file */
	char message[256];
};

/*
 * Read a document of len bytes (UTF-8, perhaps with a BOM and CRLF line
 * ends), deciding its format from its content. Returns 0 with *doc filled
 * (free with import_doc_free), or -DOCKET_EBADREQ with *e saying where
 * and what was expected (doc then holds nothing), or -DOCKET_ENOMEM.
 */
int import_parse(const char *buf, size_t len, struct import_doc *doc, struct import_error *e);

/* Free what import_parse filled in; NULL-safe; leaves *doc empty. */
void import_doc_free(struct import_doc *doc);

#endif
