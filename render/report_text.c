/* The panel report as plain text, laid out exactly as the office's own documents. */
#include "report_int.h"

static void block(struct rbuf *w, const char *s, size_t n)
{
	rbuf_block(w);
	rbuf_add(w, s, n);
	rbuf_putc(w, '\n');
}

static void block_str(struct rbuf *w, const char *s)
{
	const char *start;
	size_t n = report_trim(s, &start);
	block(w, start, n);
}

/* "From: <value>", only when there is a value: an empty field is as good as absent. */
static void field(struct rbuf *w, const char *label, const char *value)
{
	if (!report_has_text(value))
		return;
	rbuf_block(w);
	rbuf_puts(w, label);
	rbuf_putc(w, ' ');
	rbuf_puts(w, value);
	rbuf_putc(w, '\n');
}

static void header(struct rbuf *w, const struct report *r)
{
	field(w, "From:", r->from);
	field(w, "To:", r->to);
	field(w, "Subject:", r->subject);
	struct rbuf item = {0};
	if (report_item_line(r, &item) == 0 && item.err == 0)
		field(w, "Item & Date:", item.p);
	if (item.err != 0)
		w->err = item.err;
	rbuf_free(&item);
	if (report_has_text(r->title))
		block_str(w, r->title);
}

static void notice(struct rbuf *w, const struct report_decision *d, enum restrict_kind k)
{
	rbuf_block(w);
	rbuf_puts(w, report_notice_label(k));
	rbuf_putc(w, ' ');
	report_notice(d, k, w);
	rbuf_putc(w, '\n');
}

/*
 * A fully restricted decision shows its title and the notice, never its
 * text: the daemon should not have filled text in, but if it did it
 * stays unprinted all the same.
 */
static void decision_full(struct rbuf *w, const struct report_decision *d)
{
	block(w, "Decision:", 9);
	if (report_has_text(d->title))
		block_str(w, d->title);
	else if (report_has_text(d->ref))
		block_str(w, d->ref);
	notice(w, d, RESTRICT_FULL);
}

/*
 * The long texts are written byte for byte: they already hold their
 * paragraphs and bullet lines. Only blank lines at their start and white
 * space at their end go, to keep exactly one blank line between blocks.
 * With no published wording the title stands in, so the block is not empty.
 */
static void decision(struct rbuf *w, const struct report_decision *d)
{
	enum restrict_kind k = report_restriction(d);
	if (k == RESTRICT_FULL) {
		decision_full(w, d);
		return;
	}
	block(w, "Decision:", 9);
	if (report_has_text(d->text))
		block_str(w, d->text);
	else if (report_has_text(d->title))
		block_str(w, d->title);
	if (report_has_text(d->justification)) {
		block(w, "Justification:", 14);
		block_str(w, d->justification);
	}
	if (k == RESTRICT_PART)
		notice(w, d, k);
}

int report_text(const struct report *r, struct rbuf *b)
{
	header(b, r);
	for (size_t i = 0; i < r->n; i++)
		decision(b, &r->decisions[i]);
	return b->err;
}
