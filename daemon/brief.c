/* A meeting's agenda: its items with their decisions, what belongs on them, what is due. */
#include "brief.h"
#include "calendar.h"
#include "date.h"
#include "docket/error.h"
#include "pack.h"

struct brief {
	msgpack_packer *pk;
	msgpack_sbuffer *buf;
	const struct remind_ctx *x;
	int64_t *empty; /* ids of items with no decision */
	size_t nempty, cap;
	uint32_t n;     /* decisions in the array being written */
	uint32_t items; /* items written */
};

static int add_summary(void *ctx, const struct decision *d)
{
	struct brief *b = ctx;
	pack_decision(b->pk, d, 1);
	b->n++;
	return 0;
}

/* An array of the decisions fn finds; returns its length or a code. */
static int64_t decisions(struct brief *b, int (*find)(struct brief *b, void *arg), void *arg)
{
	size_t at = pack_open_array(b->buf);
	b->n = 0;
	int rc = find(b, arg);
	pack_close(b->buf, at, b->n);
	return rc < 0 ? (int64_t)rc : (int64_t)b->n;
}

static int on_item(struct brief *b, void *arg)
{
	return store_item_decisions(b->x->store, *(const int64_t *)arg, add_summary, b);
}

static int in_period(struct brief *b, void *arg)
{
	const struct item *it = arg;
	if (!it->period_start.ptr && !it->period_end.ptr)
		return 0;
	/* One end open: every date before "~" and after "0". */
	struct str from = it->period_start.ptr ? it->period_start : (struct str){"0", 1};
	struct str to = it->period_end.ptr ? it->period_end : (struct str){"~", 1};
	return store_decision_candidates(b->x->store, from, to, add_summary, b);
}

static int responses(struct brief *b, void *arg)
{
	(void)arg;
	return store_decision_responses(b->x->store, (struct str){NULL, 0}, add_summary, b);
}

static int add_item(void *ctx, const struct item *it)
{
	struct brief *b = ctx;
	b->items++;
	pack_item_head(b->pk, it, 3);
	pack_cstr(b->pk, "decisions");
	int64_t n = decisions(b, on_item, (void *)&it->id);
	if (n < 0)
		return (int)n;
	pack_cstr(b->pk, "unscheduled");
	int64_t rc = decisions(b, in_period, (void *)it);
	if (rc < 0)
		return (int)rc;
	pack_cstr(b->pk, "empty");
	if (n == 0) {
		msgpack_pack_true(b->pk);
		if (b->nempty == b->cap) {
			size_t cap = b->cap ? 2 * b->cap : 16;
			int64_t *grown = arena_alloc(b->x->arena, cap * sizeof *grown);
			if (!grown)
				return -DOCKET_ENOMEM;
			for (size_t i = 0; i < b->nempty; i++)
				grown[i] = b->empty[i];
			b->empty = grown;
			b->cap = cap;
		}
		b->empty[b->nempty++] = it->id;
	} else {
		msgpack_pack_false(b->pk);
	}
	return 0;
}

int brief_pack(msgpack_packer *pk, const struct remind_ctx *x, const struct meeting *m)
{
	struct brief b = {.pk = pk, .buf = pk->data, .x = x};
	struct meeting_view v;
	if (calendar_view(x->office, x->now, m, &v) < 0)
		return -DOCKET_ESTORAGE;
	pack_cstr(pk, "meeting");
	pack_meeting(pk, m, &v, 0);

	pack_cstr(pk, "items");
	size_t at = pack_open_array(b.buf);
	int rc = store_meeting_items(x->store, m->id, add_item, &b);
	if (rc < 0)
		return rc;
	pack_close(b.buf, at, b.items);

	pack_cstr(pk, "empty_items");
	msgpack_pack_array(pk, b.nempty);
	for (size_t i = 0; i < b.nempty; i++)
		msgpack_pack_int64(pk, b.empty[i]);

	pack_cstr(pk, "responses_due");
	int64_t n = decisions(&b, responses, NULL);
	if (n < 0)
		return (int)n;

	char today[DATE_LEN];
	date_format(office_today(x->office, x->now), today);
	pack_cstr(pk, "today");
	pack_cstr(pk, today);
	return 0;
}
