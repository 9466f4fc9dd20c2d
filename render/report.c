/* report_render: checks a report, hands it to its format, and holds what the formats share. */
#include <stdlib.h>
#include <string.h>

#include "docket/error.h"
#include "report_int.h"
#include "utf8.h"

void rbuf_add(struct rbuf *b, const char *s, size_t n)
{
	if (b->err != 0)
		return;
	/* One byte more than asked for, so that the terminating NUL always fits. */
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *p = realloc(b->p, cap);
		if (p == NULL) {
			b->err = -DOCKET_ENOMEM;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void rbuf_puts(struct rbuf *b, const char *s)
{
	rbuf_add(b, s, strlen(s));
}

void rbuf_putc(struct rbuf *b, char c)
{
	rbuf_add(b, &c, 1);
}

void rbuf_block(struct rbuf *b)
{
	if (b->blocks++)
		rbuf_putc(b, '\n');
}

void rbuf_free(struct rbuf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

int rbuf_take(struct rbuf *b, char **out, size_t *len)
{
	rbuf_add(b, "", 0); /* an empty report still gets its NUL */
	if (b->err != 0) {
		int err = b->err;
		rbuf_free(b);
		return err;
	}
	*out = b->p;
	*len = b->len;
	b->p = NULL;
	b->len = b->cap = 0;
	return 0;
}

enum restrict_kind report_restriction(const struct report_decision *d)
{
	if (d->restriction == NULL || strcmp(d->restriction, "none") == 0)
		return RESTRICT_NONE;
	if (strcmp(d->restriction, "part") == 0)
		return RESTRICT_PART;
	if (strcmp(d->restriction, "full") == 0)
		return RESTRICT_FULL;
	return RESTRICT_BAD;
}

const char *report_notice_label(enum restrict_kind k)
{
	return k == RESTRICT_PART ? "Restricted in part:" : "Restricted:";
}

static size_t trim_end(const char *s, size_t n)
{
	while (n > 0 &&
	       (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	return n;
}

/*
 * A clause inside the notice sentence. The notice supplies its own full
 * stop, so one at the end of the clause is dropped rather than doubled:
 * "the supplier's name." reads "the supplier's name is withheld".
 */
static void put_clause(struct rbuf *b, const char *s)
{
	size_t n = trim_end(s, strlen(s));
	if (n > 0 && s[n - 1] == '.')
		n--;
	rbuf_add(b, s, n);
}

void report_notice(const struct report_decision *d, enum restrict_kind k, struct rbuf *b)
{
	if (k == RESTRICT_PART) {
		if (report_has_text(d->withheld))
			put_clause(b, d->withheld);
		else
			rbuf_puts(b, "Some of this decision");
		rbuf_puts(b, " is withheld");
	} else {
		rbuf_puts(b, "this decision is not published");
	}
	if (report_has_text(d->restriction_reason)) {
		rbuf_puts(b, " (");
		put_clause(b, d->restriction_reason);
		rbuf_putc(b, ')');
	}
	rbuf_putc(b, '.');
	if (d->review_date != NULL) {
		rbuf_puts(b, " Review date: ");
		report_long_date(d->review_date, b);
		rbuf_putc(b, '.');
	}
}

/* The wire names of decision makers as a sentence reads them; an unknown one is shown as is. */
static const char *maker_name(const char *wire)
{
	static const char *const names[][2] = {
	    {"pcc", "the Police and Crime Commissioner"},
	    {"deputy_pcc", "the Deputy Police and Crime Commissioner"},
	    {"pcc_and_chief_constable",
	     "the Police and Crime Commissioner and the Chief Constable"},
	    {"chief_executive", "the Chief Executive"},
	    {"chief_finance_officer", "the Chief Finance Officer"},
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(wire, names[i][0]) == 0)
			return names[i][1];
	return wire;
}

void report_meta(const struct report_decision *d, int with_ref, int with_decided, struct rbuf *b)
{
	int any = 0;
	if (with_ref && report_has_text(d->ref)) {
		rbuf_puts(b, "Reference: ");
		rbuf_puts(b, d->ref);
		rbuf_putc(b, '.');
		any = 1;
	}
	int on = with_decided && d->decided_on != NULL;
	int by = with_decided && report_has_text(d->decision_maker);
	if (!on && !by)
		return;
	rbuf_puts(b, any ? " Decided" : "Decided");
	if (on) {
		rbuf_puts(b, " on ");
		report_long_date(d->decided_on, b);
	}
	if (by) {
		rbuf_puts(b, " by ");
		rbuf_puts(b, maker_name(d->decision_maker));
	}
	rbuf_putc(b, '.');
}

const char *report_heading(const struct report *r)
{
	if (report_has_text(r->subject))
		return r->subject;
	if (report_has_text(r->title))
		return r->title;
	return "Key decisions";
}

int report_item_line(const struct report *r, struct rbuf *b)
{
	if (!report_has_text(r->item_code) || r->meeting_date == NULL)
		return -1;
	rbuf_puts(b, "Item ");
	rbuf_puts(b, r->item_code);
	rbuf_putc(b, ' ');
	report_long_date(r->meeting_date, b);
	return 0;
}

void report_long_date(const char *ymd, struct rbuf *b)
{
	char s[TEXT_DATE_LEN];
	/* report_render checked every date first; should one slip through, show it as given. */
	rbuf_puts(b, text_long_date(ymd, s) == 0 ? s : ymd);
}

size_t report_trim(const char *s, const char **start)
{
	/* Skip whole blank lines only: spaces opening the first real line are its own. */
	const char *p = s, *line = s;
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') {
		if (*p == '\n')
			line = p + 1;
		p++;
	}
	*start = line;
	return trim_end(line, strlen(line));
}

int report_has_text(const char *s)
{
	const char *start;
	return s != NULL && report_trim(s, &start) > 0;
}

/* Every date the formats will write is a real YYYY-MM-DD. */
static int check_date(const char *ymd)
{
	char s[TEXT_DATE_LEN];
	return ymd == NULL || text_long_date(ymd, s) == 0;
}

/* Every string is UTF-8: the HTML page declares it, and no format should emit broken text. */
static int check_utf8(const char *s)
{
	return s == NULL || utf8_valid(s, strlen(s), UTF8_TEXT);
}

static int check_decision(const struct report_decision *d)
{
	const char *strs[] = {d->ref,           d->title,    d->text,
	                      d->justification, d->withheld, d->restriction_reason,
	                      d->decision_maker};
	for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
		if (!check_utf8(strs[i]))
			return -DOCKET_EINVAL;
	if (report_restriction(d) == RESTRICT_BAD || !check_date(d->review_date) ||
	    !check_date(d->decided_on))
		return -DOCKET_EINVAL;
	return 0;
}

/* A report is checked whole before any format starts, so that all formats refuse alike. */
static int check_report(const struct report *r)
{
	const char *strs[] = {r->from, r->to, r->subject, r->item_code, r->title};
	for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
		if (!check_utf8(strs[i]))
			return -DOCKET_EINVAL;
	if (!check_date(r->meeting_date) || (r->n > 0 && r->decisions == NULL))
		return -DOCKET_EINVAL;
	for (size_t i = 0; i < r->n; i++) {
		int rc = check_decision(&r->decisions[i]);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int report_render(const struct report *r, enum report_format f, char **out, size_t *len)
{
	if (r == NULL || out == NULL || len == NULL)
		return -DOCKET_EINVAL;
	int rc = check_report(r);
	if (rc != 0)
		return rc;
	struct rbuf b = {0};
	switch (f) {
	case REPORT_TEXT:
		rc = report_text(r, &b);
		break;
	case REPORT_MARKDOWN:
		rc = report_markdown(r, &b);
		break;
	case REPORT_HTML:
		rc = report_html(r, &b);
		break;
	default:
		rc = -DOCKET_EINVAL;
		break;
	}
	if (rc != 0) {
		rbuf_free(&b);
		return rc;
	}
	return rbuf_take(&b, out, len);
}
