/* The panel report format: a header and title, both optional, then Decision and Justification. */
#include <stdlib.h>
#include <string.h>

#include "docket/error.h"
#include "import_field.h"

/* The labels a report uses; the header's only count before the first decision. */
enum rlabel { R_NONE, R_FROM, R_TO, R_SUBJECT, R_ITEM, R_DATE, R_DECISION, R_JUSTIFICATION };

/* Labels as written with white space removed and lowercased. */
static const struct {
	const char *key;
	enum rlabel label;
	const char *name; /* for messages */
} labels[] = {
    {"from", R_FROM, "From:"},
    {"to", R_TO, "To:"},
    {"subject", R_SUBJECT, "Subject:"},
    {"item&date", R_ITEM, "Item & Date:"},
    {"itemanddate", R_ITEM, "Item & Date:"},
    {"item/date", R_ITEM, "Item & Date:"},
    {"item", R_ITEM, "Item & Date:"},
    {"date", R_DATE, "Date:"},
    {"meetingdate", R_DATE, "Date:"},
    {"decision", R_DECISION, "Decision:"},
    {"justification", R_JUSTIFICATION, "Justification:"},
};

/* Longest label text looked at before its colon. */
#define LABEL_MAX 40

/* What reading a report needs between lines. */
struct report {
	struct import_doc *doc;
	struct import_error *e;
	size_t cap; /* of doc->decisions */
	struct import_decision *cur;
	unsigned cur_line;      /* of its Decision: */
	unsigned just_line;     /* of its Justification:, 0 before one */
	struct field_text text; /* the section being read */
	enum rlabel pending;    /* a header label whose value is on a later line */
	unsigned title_line;
};

/* The label that starts l, with its value (what follows the colon, trimmed); R_NONE when none. */
static enum rlabel report_label(const struct field_line *l, const char **value, size_t *vlen)
{
	const char *s = l->s;
	size_t len = l->len;
	field_trim(&s, &len);
	const char *colon = memchr(s, ':', len < LABEL_MAX ? len : LABEL_MAX);
	if (!colon)
		return R_NONE;
	char key[LABEL_MAX + 1];
	size_t k = 0;
	for (const char *p = s; p < colon; p++)
		if (*p != ' ' && *p != '\t')
			key[k++] = *p >= 'A' && *p <= 'Z' ? (char)(*p - 'A' + 'a') : *p;
	key[k] = '\0';
	for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++) {
		if (strcmp(key, labels[i].key) == 0) {
			*value = colon + 1;
			*vlen = (size_t)(s + len - *value);
			field_trim(value, vlen);
			return labels[i].label;
		}
	}
	return R_NONE;
}

static const char *label_name(enum rlabel l)
{
	for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
		if (labels[i].label == l)
			return labels[i].name;
	return "";
}

/* Skip what separates an item code from its date: spaces, commas, dashes. */
static void skip_separators(const char **s, size_t *len)
{
	for (;;) {
		size_t k = field_space(*s, *len);
		if (!k && *len >= 1 && strchr(",;:-.", **s) && **s)
			k = 1;
		if (!k && *len >= 3 &&
		    (memcmp(*s, "\xE2\x80\x93", 3) == 0 || memcmp(*s, "\xE2\x80\x94", 3) == 0))
			k = 3;
		if (!k)
			return;
		*s += k;
		*len -= k;
	}
}

/* Set a date field of the header from value, or refuse it. */
static int header_date(struct report *r, unsigned line, const char *v, size_t len)
{
	char date[DATE_LEN];
	int rc = field_date(v, len, date);
	if (rc)
		return field_date_error(r->e, line, rc, v, len);
	r->doc->meeting_date = field_strndup(date, strlen(date));
	return r->doc->meeting_date ? 0 : -DOCKET_ENOMEM;
}

/* "Item C1 22 September 2015", "Item C1, 22nd September 2015", "Item C1 – 22 September 2015". */
static int header_item(struct report *r, unsigned line, const char *v, size_t len)
{
	size_t p = 0, ws, wl;
	if (field_next_word(v, len, &p, &ws, &wl) && ws == 0 && field_word_is(v, wl, "item")) {
		v += p;
		len -= p;
	}
	skip_separators(&v, &len);
	char date[DATE_LEN];
	if (len == 0 || field_date(v, len, date) == FIELD_DATE_OK)
		return len ? header_date(r, line, v, len) : 0;
	size_t code = 0;
	while (code < len && !field_space(v + code, len - code) && !strchr(",;(", v[code]) &&
	       !(len - code >= 3 && (memcmp(v + code, "\xE2\x80\x93", 3) == 0 ||
	                             memcmp(v + code, "\xE2\x80\x94", 3) == 0)))
		code++;
	size_t clen = code;
	while (clen > 0 && strchr(".:-", v[clen - 1]))
		clen--;
	if (clen == 0)
		clen = code;
	r->doc->item_code = field_strndup(v, clen);
	if (!r->doc->item_code)
		return -DOCKET_ENOMEM;
	v += code;
	len -= code;
	skip_separators(&v, &len);
	return len ? header_date(r, line, v, len) : 0;
}

/* Fill the header field of label from value. */
static int header_set(struct report *r, enum rlabel label, unsigned line, const char *v, size_t len)
{
	struct import_doc *doc = r->doc;
	char **slot = label == R_FROM      ? &doc->from
	              : label == R_TO      ? &doc->to
	              : label == R_SUBJECT ? &doc->subject
	                                   : NULL;
	if (slot) {
		*slot = field_strndup(v, len);
		return *slot ? 0 : -DOCKET_ENOMEM;
	}
	return label == R_ITEM ? header_item(r, line, v, len) : header_date(r, line, v, len);
}

/* True when the header field of label was given already. */
static int header_seen(const struct import_doc *doc, enum rlabel label)
{
	switch (label) {
	case R_FROM:
		return doc->from != NULL;
	case R_TO:
		return doc->to != NULL;
	case R_SUBJECT:
		return doc->subject != NULL;
	case R_ITEM:
		return doc->item_code != NULL || doc->meeting_date != NULL;
	default:
		return doc->meeting_date != NULL;
	}
}

/* End the section being read: the decision's wording or its justification. */
static int end_section(struct report *r)
{
	char *s = field_buf_take(&r->text.b);
	r->text.gap = 0;
	if (r->just_line) {
		r->cur->justification = s;
		return 0;
	}
	if (!s)
		return field_error(r->e, r->cur_line,
		                   "expected the decision's wording after 'Decision:', found none");
	r->cur->text = s;
	r->cur->title = field_title(s);
	return r->cur->title ? 0 : -DOCKET_ENOMEM;
}

static int start_decision(struct report *r, unsigned line)
{
	int rc = r->cur ? end_section(r) : 0;
	if (rc)
		return rc;
	rc = field_decision_push(r->doc, &r->cap, &r->cur);
	if (rc)
		return rc;
	r->cur->line = line;
	r->cur_line = line;
	r->just_line = 0;
	return 0;
}

/* A line before the first decision: header, title, or a mistake. */
static int header_line(struct report *r, enum rlabel label, unsigned line,
                       const struct field_line *l, const char *v, size_t vlen)
{
	char q[FIELD_QUOTE_SIZE];
	const char *s = l->s;
	size_t len = l->len;
	field_trim(&s, &len);
	if (len == 0)
		return 0;
	if (label == R_NONE && r->pending) {
		enum rlabel p = r->pending;
		r->pending = R_NONE;
		return header_set(r, p, line, s, len);
	}
	r->pending = R_NONE;
	if (label == R_JUSTIFICATION)
		return field_error(r->e, line, "expected 'Decision:' before 'Justification:'");
	if (label != R_NONE) {
		if (header_seen(r->doc, label))
			return field_error(r->e, line, "expected one '%s' line, found a second",
			                   label_name(label));
		if (vlen == 0) {
			/* The value may stand on the next line. */
			r->pending = label;
			return 0;
		}
		return header_set(r, label, line, v, vlen);
	}
	if (r->title_line) {
		field_quote(s, len, q);
		return field_error(r->e, line,
		                   "expected 'Decision:' after the title on line %u, found '%s'",
		                   r->title_line, q);
	}
	r->title_line = line;
	r->doc->title = field_strndup(s, len);
	return r->doc->title ? 0 : -DOCKET_ENOMEM;
}

int import_report_parse(const struct field_lines *L, struct import_doc *doc, struct import_error *e)
{
	struct report r = {.doc = doc, .e = e};
	int rc = 0;
	for (size_t i = 0; i < L->n && rc == 0; i++) {
		const struct field_line *l = &L->v[i];
		unsigned line = (unsigned)(i + 1);
		const char *v = NULL;
		size_t vlen = 0;
		enum rlabel label = report_label(l, &v, &vlen);
		if (label == R_DECISION) {
			r.pending = R_NONE;
			rc = start_decision(&r, line);
			if (rc == 0)
				rc = field_text_add(&r.text, v, vlen);
		} else if (!r.cur) {
			rc = header_line(&r, label, line, l, v, vlen);
		} else if (label == R_JUSTIFICATION) {
			if (r.just_line)
				rc = field_error(
				    e, line,
				    "expected 'Decision:' before a second 'Justification:' "
				    "(this decision's is on line %u)",
				    r.just_line);
			else if ((rc = end_section(&r)) == 0) {
				r.just_line = line;
				rc = field_text_add(&r.text, v, vlen);
			}
		} else {
			/* Text keeps its layout: only white space at the end of a line goes. */
			size_t len = l->len;
			field_trim_end(l->s, &len);
			rc = field_text_add(&r.text, l->s, len);
		}
	}
	if (rc == 0 && r.cur)
		rc = end_section(&r);
	if (rc == 0 && doc->n == 0)
		rc = field_error(e, 0,
		                 "no 'Decision:' found: a report gives each decision after "
		                 "a 'Decision:' line");
	if (rc == 0 && doc->subject)
		rc = field_period(doc->subject, doc);
	if (rc == 0 && !doc->period_start && doc->title)
		rc = field_period(doc->title, doc);
	field_buf_free(&r.text.b);
	return rc;
}
