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
	uint32_t items; /* items written */
};

/* Open an array of summaries for a store query to fill. */
static size_t summaries_open(struct brief *b, struct pack_summaries *s)
{
	*s = (struct pack_summaries){.pk = b->pk};
	return pack_open_array(b->buf);
}

static int remember_empty(struct brief *b, int64_t item)
{
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
	b->empty[b->nempty++] = item;
	return 0;
}

static int add_item(void *ctx, const struct item *it)
{
	struct brief *b = ctx;
	struct store *store = b->x->store;
	struct pack_summaries on, due;
	b->items++;
	pack_item_head(b->pk, it, 3);

	pack_cstr(b->pk, "decisions");
	size_t at = summaries_open(b, &on);
	int rc = store_item_decisions(store, it->id, pack_summary, &on);
	pack_close(b->buf, at, on.n);

	/* Decided or published within the period; an item without one has none. */
	pack_cstr(b->pk, "unscheduled");
	at = summaries_open(b, &due);
	if (rc == 0 && (it->period_start.ptr || it->period_end.ptr)) {
		/* One end open: every date after "0" or before "~". */
		struct str from = it->period_start.ptr ? it->period_start : (struct str){"0", 1};
		struct str to = it->period_end.ptr ? it->period_end : (struct str){"~", 1};
		rc = store_decision_candidates(store, from, to, pack_summary, &due);
	}
	pack_close(b->buf, at, due.n);
	if (rc < 0)
		return rc;

	pack_cstr(b->pk, "empty");
	if (on.n > 0) {
		msgpack_pack_false(b->pk);
		return 0;
	}
	msgpack_pack_true(b->pk);
	return remember_empty(b, it->id);
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
	pack_close(b.buf, at, b.items);
	if (rc < 0)
		return rc;

	pack_cstr(pk, "empty_items");
	msgpack_pack_array(pk, b.nempty);
	for (size_t i = 0; i < b.nempty; i++)
		msgpack_pack_int64(pk, b.empty[i]);

	pack_cstr(pk, "responses_due");
	struct pack_summaries owed;
	at = summaries_open(&b, &owed);
	rc = store_decision_responses(x->store, (struct str){NULL, 0}, pack_summary, &owed);
	pack_close(b.buf, at, owed.n);
	if (rc < 0)
		return rc;

	char today[DATE_LEN];
	date_format(office_today(x->office, x->now), today);
	pack_cstr(pk, "today");
	pack_cstr(pk, today);
	return 0;
}
