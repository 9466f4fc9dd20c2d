/* The labelled register format: blocks of "Label: value" lines, one decision to a block. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docket/error.h"
#include "import_field.h"

/* What a label fills in. */
enum kind {
	K_NONE, /* not a label: a value's continuation, or a bare title */
	K_REF,
	K_TITLE,
	K_DECISION,
	K_DATE,
	K_MAKER,
	K_PAPERS,
	K_JUSTIFICATION,
	K_IGNORE, /* a label we do not read ("Cost:", "Category:") */
	K_COUNT
};

/*
 * Known labels, as normalise_label writes them. detect: the label marks a
 * register (reports use Decision, Justification, Subject and Date too).
 */
static const struct {
	const char *key;
	enum kind kind;
	int detect;
} known[] = {
    {"decision ref", K_REF, 1},
    {"decision reference", K_REF, 1},
    {"decision ref no", K_REF, 1},
    {"decision reference no", K_REF, 1},
    {"decision reference number", K_REF, 1},
    {"decision no", K_REF, 1},
    {"decision number", K_REF, 1},
    {"reference", K_REF, 1},
    {"reference no", K_REF, 1},
    {"reference number", K_REF, 1},
    {"ref", K_REF, 1},
    {"ref no", K_REF, 1},
    {"ref number", K_REF, 1},
    {"issue", K_TITLE, 1},
    {"title", K_TITLE, 0},
    {"decision title", K_TITLE, 1},
    {"subject", K_TITLE, 0},
    {"decision", K_DECISION, 0},
    {"decision summary", K_DECISION, 1},
    {"summary of decision", K_DECISION, 1},
    {"date of decision", K_DATE, 1},
    {"decision date", K_DATE, 1},
    {"date decision made", K_DATE, 1},
    {"date", K_DATE, 0},
    {"decision maker", K_MAKER, 1},
    {"decision taker", K_MAKER, 1},
    {"decision made by", K_MAKER, 1},
    {"decided by", K_MAKER, 1},
    {"decision papers/reason for restricted", K_PAPERS, 1},
    {"decision papers/reason for restriction", K_PAPERS, 1},
    {"decision papers/reasons for restriction", K_PAPERS, 1},
    {"decision papers", K_PAPERS, 1},
    {"reason for restricted", K_PAPERS, 1},
    {"reason for restriction", K_PAPERS, 1},
    {"reasons for restriction", K_PAPERS, 1},
    {"restricted", K_PAPERS, 1},
    {"restriction", K_PAPERS, 1},
    {"justification", K_JUSTIFICATION, 0},
    {"reason", K_JUSTIFICATION, 0},
    {"reasons", K_JUSTIFICATION, 0},
    {"reasons for decision", K_JUSTIFICATION, 1},
    {"reason for decision", K_JUSTIFICATION, 1},
    {"reasons for the decision", K_JUSTIFICATION, 1},
};

/* The names messages give a field. */
static const char *const kind_name[K_COUNT] = {
    "",
    "Decision Ref:",
    "Issue:",
    "Decision:",
    "Date of Decision:",
    "Decision Maker:",
    "Decision Papers/Reason for Restricted:",
    "Justification:",
    "",
};

/* Longest label text read, and longest that is not one we know. */
#define LABEL_MAX 60
#define UNKNOWN_LABEL_MAX 40
#define UNKNOWN_LABEL_WORDS 5

/* Spaces collapsed, none around '/', dots and parenthesised notes dropped, lowercase. */
static void normalise_label(const char *s, size_t len, char *key)
{
	size_t k = 0;
	int space = 0, paren = 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '(')
			paren++;
		else if (c == ')' && paren > 0)
			paren--;
		if (paren || c == ')' || c == '.')
			continue;
		if (c == ' ' || c == '\t') {
			space = 1;
			continue;
		}
		if (c == '/' && k > 0 && key[k - 1] == ' ')
			k--;
		if (space && k > 0 && key[k - 1] != '/' && c != '/')
			key[k++] = ' ';
		space = 0;
		key[k++] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
	}
	key[k] = '\0';
}

/* Words that start sentences rather than labels: "The benefits include:", "Note: ...". */
static int sentence_start(const char *w, size_t wl)
{
	static const char *const starts[] = {
	    "the",       "this",      "these",    "that",  "those", "it",    "its",   "we",
	    "our",       "they",      "their",    "he",    "she",   "his",   "her",   "a",
	    "an",        "in",        "to",       "for",   "as",    "which", "where", "when",
	    "following", "including", "includes", "there", "if",    "all",   "any",   "each",
	    "please",    "note",      "nb",       "and",   "but",   "or",    "with",  "by",
	    "on",        "at",        "from"};
	for (size_t i = 0; i < sizeof starts / sizeof starts[0]; i++)
		if (field_word_is(w, wl, starts[i]))
			return 1;
	return 0;
}

/* Small words a Title Case label leaves in lowercase. */
static int connective(const char *w, size_t wl)
{
	static const char *const small[] = {"of", "for", "and", "or", "the", "to", "in",
	                                    "by", "on",  "at",  "a",  "an",  "per"};
	for (size_t i = 0; i < sizeof small / sizeof small[0]; i++)
		if (field_word_is(w, wl, small[i]))
			return 1;
	return 0;
}

/*
 * Whether raw (the text before a colon) reads as a label we do not know,
 * rather than a sentence with a colon in it. In prose (strict) only Title
 * Case labels with a value after them count, so that wording is not lost.
 */
static int unknown_label(const char *raw, size_t rlen, size_t vlen, int strict)
{
	if (rlen > UNKNOWN_LABEL_MAX || raw[0] < 'A' || raw[0] > 'Z')
		return 0;
	if (strict && vlen == 0)
		return 0;
	for (size_t i = 0; i < rlen; i++)
		if (strchr(",;!?\"", raw[i]))
			return 0;
	size_t words = 0;
	int title_case = 1;
	for (size_t i = 0; i < rlen;) {
		while (i < rlen && (raw[i] == ' ' || raw[i] == '\t'))
			i++;
		if (i == rlen)
			break;
		size_t start = i;
		while (i < rlen && raw[i] != ' ' && raw[i] != '\t')
			i++;
		if (++words > UNKNOWN_LABEL_WORDS)
			return 0;
		if (words == 1 && sentence_start(raw + start, i - start))
			return 0;
		if (raw[start] >= 'a' && raw[start] <= 'z' && !connective(raw + start, i - start))
			title_case = 0;
	}
	return title_case || (!strict && words <= 2);
}

/*
 * Find the label text before the first colon of l and write its key
 * (normalise_label). Returns the colon, or NULL when l has none near its start.
 */
static const char *label_key(const struct field_line *l, const char **label, size_t *rlen,
                             char key[LABEL_MAX + 1])
{
	const char *s = l->s;
	size_t len = l->len;
	field_trim(&s, &len);
	const char *colon = memchr(s, ':', len < LABEL_MAX + 1 ? len : LABEL_MAX + 1);
	if (!colon)
		return NULL;
	*label = s;
	*rlen = (size_t)(colon - s);
	field_trim_end(s, rlen);
	if (*rlen == 0 || *rlen > LABEL_MAX)
		return NULL;
	normalise_label(s, *rlen, key);
	return colon;
}

/*
 * The label that starts l, with *value what follows its colon (trimmed);
 * K_NONE when l is no label. strict: l sits in prose (see unknown_label).
 */
static enum kind reg_label(const struct field_line *l, int strict, const char **value, size_t *vlen)
{
	char key[LABEL_MAX + 1];
	const char *label, *v;
	size_t rlen;
	const char *colon = label_key(l, &label, &rlen, key);
	if (!colon)
		return K_NONE;
	v = colon + 1;
	size_t n = (size_t)(l->s + l->len - v);
	/* An unknown label's colon ends a word: "Time: 10:30", not "10:30". */
	int spaced = n == 0 || field_space(v, n);
	field_trim(&v, &n);
	if (value) {
		*value = v;
		*vlen = n;
	}
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (strcmp(key, known[i].key) == 0)
			return known[i].kind;
	return spaced && unknown_label(label, rlen, n, strict) ? K_IGNORE : K_NONE;
}

int import_is_register(const struct field_lines *L)
{
	char key[LABEL_MAX + 1];
	const char *label;
	size_t rlen;
	for (size_t i = 0; i < L->n; i++) {
		if (!label_key(&L->v[i], &label, &rlen, key))
			continue;
		for (size_t k = 0; k < sizeof known / sizeof known[0]; k++)
			if (known[k].detect && strcmp(key, known[k].key) == 0)
				return 1;
	}
	return 0;
}

/* The decision being read. */
struct block {
	int open;
	unsigned line;      /* its first line */
	int seen[K_COUNT];  /* labels given, empty or not */
	int fields;         /* labels given other than ignored ones */
	unsigned text_line; /* of its Decision: */
	char *ref, *title, *text, *justification, *decided_on, *restriction;
	const char *maker; /* a wire value, static */
};

/* What reading a register needs between lines. */
struct reg {
	const struct field_lines *L;
	struct import_doc *doc;
	struct import_error *e;
	size_t cap;      /* of doc->decisions */
	int bare_titles; /* blocks are headed by a bare title line, not Issue: */
	struct block b;
	enum kind field;        /* the field whose value is being read */
	unsigned value_line;    /* where its value starts, 0 before any */
	int blank;              /* a blank line since the last text */
	struct field_buf one;   /* a one-line field's value */
	struct field_text text; /* a decision's or justification's */
};

static void block_clear(struct block *b)
{
	free(b->ref);
	free(b->title);
	free(b->text);
	free(b->justification);
	free(b->decided_on);
	free(b->restriction);
	memset(b, 0, sizeof *b);
}

/*
 * Whether the document heads its blocks with bare title lines: its first
 * label follows a line that is no label, and it has no Issue:/Title: labels.
 */
static int uses_bare_titles(const struct field_lines *L)
{
	size_t first = L->n;
	for (size_t i = 0; i < L->n; i++) {
		enum kind k = reg_label(&L->v[i], 0, NULL, NULL);
		if (k == K_TITLE)
			return 0;
		if (k != K_NONE && first == L->n)
			first = i;
	}
	return first < L->n && first > 0 && !field_is_blank(L->v[first - 1].s, L->v[first - 1].len);
}

/* A one-line value as the document means it: trimmed, unwrapped from quotes; NULL if empty. */
static char *one_line_value(struct field_buf *one, int *nomem)
{
	const char *s = one->s ? one->s : "";
	size_t len = one->len;
	field_unquote(&s, &len);
	char *v = len ? field_strndup(s, len) : NULL;
	if (len && !v)
		*nomem = 1;
	field_buf_free(one);
	return v;
}

/* Store the value of the field just read in the block. */
static int end_field(struct reg *r)
{
	struct block *b = &r->b;
	char q[FIELD_QUOTE_SIZE], date[DATE_LEN];
	int nomem = 0, rc = 0;
	enum kind k = r->field;
	r->field = K_NONE;
	if (k == K_DECISION || k == K_JUSTIFICATION) {
		char **slot = k == K_DECISION ? &b->text : &b->justification;
		*slot = field_buf_take(&r->text.b);
		r->text.gap = 0;
		return 0;
	}
	if (k == K_NONE || k == K_IGNORE) {
		field_buf_free(&r->one);
		return 0;
	}
	char *v = one_line_value(&r->one, &nomem);
	if (nomem)
		return -DOCKET_ENOMEM;
	if (!v)
		return 0; /* "Decision Maker:" and nothing: not given */
	switch (k) {
	case K_REF:
		b->ref = v;
		return 0;
	case K_TITLE:
		b->title = v;
		return 0;
	case K_DATE:
		rc = field_date(v, strlen(v), date);
		if (rc)
			rc = field_date_error(r->e, r->value_line, rc, v, strlen(v));
		else if (!(b->decided_on = field_strndup(date, strlen(date))))
			rc = -DOCKET_ENOMEM;
		break;
	case K_MAKER:
		b->maker = field_maker(v, strlen(v));
		if (!b->maker) {
			field_quote(v, strlen(v), q);
			rc = field_error(
			    r->e, r->value_line,
			    "expected a decision maker such as " FIELD_MAKERS ", found '%s'", q);
		}
		break;
	case K_PAPERS:
		if (!field_unrestricted(v, strlen(v))) {
			b->restriction = v;
			return 0;
		}
		break;
	default:
		break;
	}
	free(v);
	return rc;
}

/* How messages name a block: by its ref, else its title. */
static void block_name(const struct block *b, char *out, size_t size)
{
	char q[FIELD_QUOTE_SIZE];
	const char *s = b->ref ? b->ref : b->title;
	if (!s) {
		snprintf(out, size, "the decision starting on line %u", b->line);
		return;
	}
	field_quote(s, strlen(s), q);
	snprintf(out, size, "'%s'", q);
}

/* The block is complete: check it and add it to the document. */
static int end_block(struct reg *r)
{
	struct block *b = &r->b;
	struct import_decision *d;
	char name[FIELD_QUOTE_SIZE + 48];
	if (!b->open)
		return 0;
	if (!b->seen[K_DECISION]) {
		block_name(b, name, sizeof name);
		return field_error(r->e, b->line, "expected 'Decision:' for %s, found none", name);
	}
	if (!b->text)
		return field_error(r->e, b->text_line,
		                   "expected the decision's wording after 'Decision:', found none");
	int rc = field_decision_push(r->doc, &r->cap, &d);
	if (rc)
		return rc;
	d->line = b->line;
	if (b->maker && !(d->decision_maker = field_strndup(b->maker, strlen(b->maker))))
		return -DOCKET_ENOMEM;
	d->title = b->title ? b->title : field_title(b->text);
	b->title = NULL;
	if (!d->title)
		return -DOCKET_ENOMEM;
	d->ref = b->ref;
	d->text = b->text;
	d->justification = b->justification;
	d->decided_on = b->decided_on;
	d->restriction_reason = b->restriction;
	b->ref = b->text = b->justification = b->decided_on = b->restriction = NULL;
	block_clear(b);
	return 0;
}

static int start_block(struct reg *r, unsigned line)
{
	int rc = end_block(r);
	if (rc)
		return rc;
	r->b.open = 1;
	r->b.line = line;
	return 0;
}

/* Add a line to the value of the field being read. */
static int add_value(struct reg *r, unsigned line, const char *s, size_t len)
{
	field_trim(&s, &len);
	if (len && !r->value_line)
		r->value_line = line;
	if (r->field == K_DECISION || r->field == K_JUSTIFICATION)
		return field_text_add(&r->text, s, len);
	return field_line_add(&r->one, s, len);
}

/* A label line: it ends the field before it, and may start a block. */
static int label_line(struct reg *r, enum kind k, unsigned line, const char *v, size_t vlen)
{
	struct block *b = &r->b;
	char name[FIELD_QUOTE_SIZE + 48];
	int rc = end_field(r);
	if (rc)
		return rc;
	r->value_line = 0;
	if (k == K_IGNORE) {
		r->field = K_IGNORE;
		return 0;
	}
	/*
	 * A ref heads a block (a bare title may stand above it); a label given
	 * twice starts the next block once this one has its decision.
	 */
	int fresh = !b->open || (k == K_REF && b->fields > 0) ||
	            (k != K_REF && b->seen[k] && b->seen[K_DECISION]);
	if (!fresh && b->seen[k]) {
		block_name(b, name, sizeof name);
		return field_error(r->e, line, "expected 'Decision:' for %s, found a second '%s'",
		                   name, kind_name[k]);
	}
	if (fresh && (rc = start_block(r, line)) != 0)
		return rc;
	b->seen[k] = 1;
	b->fields++;
	if (k == K_DECISION)
		b->text_line = line;
	r->field = k;
	return add_value(r, line, v, vlen);
}

/* Whether bare line i heads a new block: after a blank line, right above a label. */
static int title_here(const struct reg *r, size_t i)
{
	const struct field_lines *L = r->L;
	if (!r->bare_titles || i + 1 >= L->n)
		return 0;
	if (r->b.open && !(i > 0 && field_is_blank(L->v[i - 1].s, L->v[i - 1].len)))
		return 0;
	/* "Decision:" then a blank line then its wording: the wording is no title. */
	if (r->field == K_DECISION && r->text.b.len == 0)
		return 0;
	enum kind next = reg_label(&L->v[i + 1], 0, NULL, NULL);
	return next != K_NONE && next != K_JUSTIFICATION;
}

/* A line that is no label: a title, a value's continuation, or the document's heading. */
static int bare_line(struct reg *r, size_t i)
{
	unsigned line = (unsigned)(i + 1);
	const char *s = r->L->v[i].s;
	size_t len = r->L->v[i].len;
	char q[FIELD_QUOTE_SIZE];
	int rc;
	field_trim(&s, &len);
	if (title_here(r, i)) {
		if ((rc = end_field(r)) != 0 || (rc = start_block(r, line)) != 0)
			return rc;
		r->b.seen[K_TITLE] = 1;
		r->field = K_TITLE;
		r->value_line = 0;
		return add_value(r, line, s, len);
	}
	switch (r->field) {
	case K_IGNORE:
		return 0;
	case K_DECISION:
	case K_JUSTIFICATION:
		return add_value(r, line, s, len);
	case K_NONE:
		if (r->b.open || r->doc->n > 0)
			break;
		/* Lines above the first block: the document's own heading. */
		if (!r->doc->title && !(r->doc->title = field_strndup(s, len)))
			return -DOCKET_ENOMEM;
		return 0;
	case K_REF:
		/* A ref does not run on: a line under it is the block's title. */
		if (r->one.len && !r->blank && !r->b.seen[K_TITLE]) {
			if ((rc = end_field(r)) != 0)
				return rc;
			r->b.seen[K_TITLE] = 1;
			r->field = K_TITLE;
			r->value_line = 0;
			return add_value(r, line, s, len);
		}
		/* fall through */
	default:
		/* A one-line value runs on to the next line, but not past a blank one. */
		if (!(r->one.len && r->blank))
			return add_value(r, line, s, len);
		break;
	}
	field_quote(s, len, q);
	return field_error(
	    r->e, line, "expected a label such as 'Decision Ref:' or 'Decision:', found '%s'", q);
}

int import_register_parse(const struct field_lines *L, struct import_doc *doc,
                          struct import_error *e)
{
	struct reg r = {.L = L, .doc = doc, .e = e};
	int rc = 0;
	r.bare_titles = uses_bare_titles(L);
	for (size_t i = 0; i < L->n && rc == 0; i++) {
		const struct field_line *l = &L->v[i];
		const char *v = NULL;
		size_t vlen = 0;
		if (field_is_blank(l->s, l->len)) {
			r.blank = 1;
			if (r.field == K_DECISION || r.field == K_JUSTIFICATION)
				rc = field_text_add(&r.text, "", 0);
			continue;
		}
		int prose = r.field == K_DECISION || r.field == K_JUSTIFICATION;
		enum kind k = reg_label(l, prose, &v, &vlen);
		rc = k == K_NONE ? bare_line(&r, i) : label_line(&r, k, (unsigned)(i + 1), v, vlen);
		r.blank = 0;
	}
	if (rc == 0)
		rc = end_field(&r);
	if (rc == 0)
		rc = end_block(&r);
	if (rc == 0 && doc->n == 0)
		rc = field_error(e, 0, "no 'Decision:' found");
	if (rc == 0 && doc->title)
		rc = field_period(doc->title, doc);
	block_clear(&r.b);
	field_buf_free(&r.one);
	field_buf_free(&r.text.b);
	return rc;
}
