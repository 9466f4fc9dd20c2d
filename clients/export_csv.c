/* Open data: the register as CSV (RFC 4180), and the readings of a record every writer shares. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docket/error.h"
#include "export_int.h"
#include "text.h"

/*
 * The CSV's columns, in order (docket(1) lists them):
 *   reference           the decision's reference, as the office writes it
 *   title               its title
 *   decision_maker      wire value: pcc, deputy_pcc, pcc_and_chief_constable,
 *                       chief_executive, chief_finance_officer
 *   category            statutory, spend, strategic, other
 *   decided_on          YYYY-MM-DD, empty when not recorded
 *   published_on        YYYY-MM-DD, empty when not recorded
 *   state               published, scheduled, reported, noted, response_due, responded
 *   restriction         none, part, full
 *   withheld            part: what is withheld; else empty
 *   restriction_reason  part, full: why; else empty
 *   review_date         part, full: YYYY-MM-DD of the restriction's review; else empty
 *   meeting_date        the panel meeting's date in the office's zone, YYYY-MM-DD, when
 *                       the decision is scheduled or reported at one; else empty
 *   item                the agenda item's code ("C1"), empty when none
 *   decision            the published decision text, empty when fully restricted
 *   justification       the published reasons, empty when fully restricted
 *   url                 the decision's page: base_url + "decisions/<slug>", or
 *                       "decisions/<slug>" relative to the pages when no base URL is set
 * One row per decision, by decided_on (undated last), then reference.
 */
static const char *const columns[] = {
    "reference",    "title",        "decision_maker", "category", "decided_on",
    "published_on", "state",        "restriction",    "withheld", "restriction_reason",
    "review_date",  "meeting_date", "item",           "decision", "justification",
    "url",
};
#define NCOLUMNS (sizeof columns / sizeof *columns)

struct label {
	const char *wire, *text;
};

static const char *label(const struct label *l, const char *wire)
{
	if (!wire)
		return "";
	for (; l->wire; l++)
		if (strcmp(l->wire, wire) == 0)
			return l->text;
	return wire;
}

const char *export_maker_label(const char *wire)
{
	static const struct label l[] = {
	    {"pcc", "Police and Crime Commissioner"},
	    {"deputy_pcc", "Deputy PCC"},
	    {"pcc_and_chief_constable", "PCC and Chief Constable"},
	    {"chief_executive", "Chief Executive"},
	    {"chief_finance_officer", "Chief Finance Officer"},
	    {NULL, NULL},
	};
	return label(l, wire);
}

const char *export_category_label(const char *wire)
{
	static const struct label l[] = {
	    {"statutory", "Statutory"}, {"spend", "Spend"}, {"strategic", "Strategic"},
	    {"other", "Other"},         {NULL, NULL},
	};
	return label(l, wire);
}

const char *export_state_label(const char *wire)
{
	static const struct label l[] = {
	    {"endorsed", "Endorsed"},
	    {"published", "Published"},
	    {"scheduled", "Scheduled for the panel"},
	    {"reported", "Reported to the panel"},
	    {"noted", "Noted by the panel"},
	    {"response_due", "Panel recommendation: response due"},
	    {"responded", "Responded to the panel"},
	    {NULL, NULL},
	};
	return label(l, wire);
}

const char *export_status_label(const char *status)
{
	static const struct label l[] = {
	    {"scheduled", "Scheduled"}, {"held", "Held"}, {"postponed", "Postponed"},
	    {"cancelled", "Cancelled"}, {NULL, NULL},
	};
	return label(l, status);
}

const struct export_meeting *export_meeting_of(const struct export_register *r, int64_t id)
{
	for (size_t i = 0; id && i < r->nmeetings; i++)
		if (r->meetings[i].id == id)
			return &r->meetings[i];
	return NULL;
}

/* Length of s without trailing white space and full stops, so the notice adds its own. */
static int trimmed(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	while (n && strchr(" \t\r\n.", s[n - 1]))
		n--;
	return (int)n;
}

char *export_notice(const struct export_decision *d, int *rc)
{
	char date[TEXT_DATE_LEN] = "";
	char *s = NULL;
	size_t n = 0;
	int full = export_restriction(d) == EXPORT_FULL;
	*rc = 0;
	if (export_restriction(d) == EXPORT_OPEN)
		return NULL;
	FILE *f = open_memstream(&s, &n);
	if (!f) {
		*rc = -DOCKET_ENOMEM;
		return NULL;
	}
	int rl = trimmed(d->restriction_reason), wl = trimmed(d->withheld);
	if (full) {
		fprintf(f, "This decision is restricted%s%.*s.", rl ? ": " : "", rl,
		        rl ? d->restriction_reason : "");
	} else {
		fprintf(f, "Part of this decision is withheld%s%.*s", wl ? ": " : "", wl,
		        wl ? d->withheld : "");
		if (rl)
			fprintf(f, " (%.*s)", rl, d->restriction_reason);
		fputc('.', f);
	}
	if (d->review_date && text_long_date(d->review_date, date) == 0)
		fprintf(f, " Review date: %s.", date);
	if (fclose(f) != 0) {
		free(s);
		*rc = -DOCKET_ENOMEM;
		return NULL;
	}
	return s;
}

const struct export_decision **export_sorted(const struct export_register *r,
                                             int (*cmp)(const void *, const void *))
{
	const struct export_decision **v = calloc(r->n ? r->n : 1, sizeof *v);
	if (!v)
		return NULL;
	for (size_t i = 0; i < r->n; i++)
		v[i] = &r->decisions[i];
	qsort(v, r->n, sizeof *v, cmp);
	return v;
}

enum export_restriction export_restriction(const struct export_decision *d)
{
	/* Anything but an explicit none or part withholds all: a bad value publishes no text. */
	if (d->restriction && strcmp(d->restriction, "none") == 0)
		return EXPORT_OPEN;
	if (d->restriction && strcmp(d->restriction, "part") == 0)
		return EXPORT_PART;
	return EXPORT_FULL;
}

int export_check(const struct export_register *r, char *err, size_t errlen)
{
	struct export_local l;
	if (!r || !r->office || !*r->office)
		return export_fail(err, errlen, -DOCKET_EINVAL, "the register has no office name");
	/* One call proves both: the zone is known and the export's time reads as UTC. */
	if (export_local_time(r->zone, r->generated, &l) != 0)
		return export_fail(
		    err, errlen, -DOCKET_EINVAL, "zone %s or generated time %s not understood",
		    r->zone ? r->zone : "(none)", r->generated ? r->generated : "(none)");
	if ((r->n && !r->decisions) || (r->nmeetings && !r->meetings))
		return export_fail(err, errlen, -DOCKET_EINVAL, "the register has no records");
	for (size_t i = 0; i < r->n; i++)
		if (!r->decisions[i].ref || !*r->decisions[i].ref || !r->decisions[i].title)
			return export_fail(err, errlen, -DOCKET_EINVAL,
			                   "decision %zu has no reference or title", i + 1);
	for (size_t i = 0; i < r->nmeetings; i++) {
		const struct export_meeting *m = &r->meetings[i];
		if (!m->panel || !m->status || (m->nitems && !m->items) ||
		    (m->starts_at && export_local_time(r->zone, m->starts_at, &l) != 0))
			return export_fail(err, errlen, -DOCKET_EINVAL,
			                   "meeting %lld has no panel, status or valid start",
			                   (long long)m->id);
	}
	return 0;
}

/*
 * One field. A value starting with '=', '+', '-', '@', TAB or CR gets a
 * leading apostrophe so that a spreadsheet shows it as text instead of
 * running it as a formula (CSV injection). Only the start of the whole
 * value counts: the "- " bullets inside a decision's text are left as
 * they are, unless the text itself starts with one.
 */
static void field(FILE *f, const char *s, int last)
{
	if (!s)
		s = "";
	int guard = s[0] && strchr("=+-@\t\r", s[0]) != NULL;
	int quote = strpbrk(s, ",\"\r\n") != NULL;
	if (quote)
		fputc('"', f);
	if (guard)
		fputc('\'', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	if (quote)
		fputc('"', f);
	fputs(last ? "\r\n" : ",", f);
}

/* By decision date, undated last, then by reference. */
static int by_date(const void *a, const void *b)
{
	const struct export_decision *x = *(const struct export_decision *const *)a;
	const struct export_decision *y = *(const struct export_decision *const *)b;
	if (x->decided_on && y->decided_on) {
		int c = strcmp(x->decided_on, y->decided_on);
		if (c)
			return c;
	} else if (x->decided_on || y->decided_on) {
		return x->decided_on ? -1 : 1;
	}
	return strcmp(x->ref, y->ref);
}

static int row(FILE *f, const struct export_register *r, const struct export_decision *d)
{
	char slug[EXPORT_SLUG_LEN], rel[EXPORT_SLUG_LEN + 16], url[EXPORT_URL_LEN];
	struct export_local l = {0};
	enum export_restriction k = export_restriction(d);
	const struct export_meeting *m = export_meeting_of(r, d->meeting);
	int rc = export_slug(d->ref, slug, sizeof slug);
	if (rc)
		return rc;
	snprintf(rel, sizeof rel, "decisions/%s", slug);
	if (export_url(r, rel, url, sizeof url) != 0)
		return -DOCKET_EINVAL;
	if (m && m->starts_at)
		export_local_time(r->zone, m->starts_at, &l);
	const char *v[NCOLUMNS] = {
	    d->ref,
	    d->title,
	    d->decision_maker,
	    d->category,
	    d->decided_on,
	    d->published_on,
	    d->state,
	    k == EXPORT_OPEN   ? "none"
	    : k == EXPORT_PART ? "part"
	                       : "full",
	    k == EXPORT_PART ? d->withheld : NULL,
	    k != EXPORT_OPEN ? d->restriction_reason : NULL,
	    k != EXPORT_OPEN ? d->review_date : NULL,
	    l.ymd,
	    d->item_code,
	    k != EXPORT_FULL ? d->text : NULL,
	    k != EXPORT_FULL ? d->justification : NULL,
	    url,
	};
	for (size_t i = 0; i < NCOLUMNS; i++)
		field(f, v[i], i + 1 == NCOLUMNS);
	return 0;
}

static int csv_text(const struct export_register *r, char **out, size_t *len)
{
	const struct export_decision **v = export_sorted(r, by_date);
	FILE *f = v ? open_memstream(out, len) : NULL;
	int rc = 0;
	if (!f) {
		free(v);
		return -DOCKET_ENOMEM;
	}
	for (size_t i = 0; i < NCOLUMNS; i++)
		field(f, columns[i], i + 1 == NCOLUMNS);
	for (size_t i = 0; i < r->n && rc == 0; i++)
		rc = row(f, r, v[i]);
	if (fclose(f) != 0 && rc == 0)
		rc = -DOCKET_ENOMEM;
	free(v);
	return rc;
}

int export_csv(const struct export_register *r, const char *path, char *err, size_t errlen)
{
	char *text = NULL;
	size_t len = 0;
	int rc = export_check(r, err, errlen);
	if (rc)
		return rc;
	if (!path)
		return export_fail(err, errlen, -DOCKET_EINVAL, "no file to export to");
	rc = csv_text(r, &text, &len);
	if (rc)
		export_fail(err, errlen, rc, "%s: cannot build the CSV (%s)", path,
		            docket_strerror(rc));
	else
		rc = export_write_file(path, text, len, err, errlen);
	free(text);
	return rc;
}
