/* What the public may read of a decision: the one place restrictions are applied. */
#include <string.h>

#include "docket/error.h"
#include "pack.h"
#include "proto.h"
#include "public.h"

enum level { OPEN, PART, FULL };

static enum level level(const struct decision *d)
{
	struct str r = d->col[D_RESTRICTION];
	if (r.ptr && r.len == 4 && memcmp(r.ptr, "full", 4) == 0)
		return FULL;
	if (r.ptr && r.len == 4 && memcmp(r.ptr, "part", 4) == 0)
		return PART;
	return OPEN;
}

/* The published wording of one long text: nil under a full restriction. */
static struct str wording(const struct decision *d, int col, int public_col)
{
	switch (level(d)) {
	case FULL:
		return (struct str){NULL, 0};
	case PART:
		/* Only the wording given for publication: a text without one is withheld whole. */
		return d->col[public_col];
	case OPEN:
		break;
	}
	return d->col[col];
}

/* What a part restriction withholds, in words, when publish did not say. */
static struct str withheld(const struct decision *d)
{
	static const char dflt[] = "part of this decision";
	return d->col[D_WITHHELD].ptr ? d->col[D_WITHHELD] : (struct str){dflt, sizeof dflt - 1};
}

static const char *dup(struct arena *a, struct str s, int *failed)
{
	if (!s.ptr)
		return NULL;
	char *p = arena_strndup(a, s.ptr, s.len);
	if (!p)
		*failed = 1;
	return p;
}

int public_decision(struct arena *a, const struct decision *d, struct report_decision *out)
{
	int failed = 0;
	enum level l = level(d);
	*out = (struct report_decision){
		.ref = dup(a, d->ref, &failed),
		.title = dup(a, d->col[D_TITLE], &failed),
		.text = dup(a, wording(d, D_TEXT, D_PUBLIC_TEXT), &failed),
		.justification = dup(a, wording(d, D_JUSTIFICATION, D_PUBLIC_JUSTIFICATION), &failed),
		.restriction = l == FULL ? "full" : l == PART ? "part" : "none",
		.withheld = l == PART ? dup(a, withheld(d), &failed) : NULL,
		.restriction_reason = l != OPEN ? dup(a, d->col[D_RESTRICTION_REASON], &failed) : NULL,
		.review_date = l != OPEN ? dup(a, d->col[D_REVIEW_DATE], &failed) : NULL,
		.decided_on = dup(a, d->col[D_DECIDED_ON], &failed),
		.decision_maker = dup(a, d->col[D_DECISION_MAKER], &failed),
	};
	return failed ? -DOCKET_ENOMEM : 0;
}

static void pair(msgpack_packer *pk, const char *key, struct str v)
{
	pack_cstr(pk, key);
	pack_str(pk, v);
}

void public_pack(msgpack_packer *pk, const struct decision *d)
{
	static const struct str nil = {NULL, 0};
	enum level l = level(d);
	msgpack_pack_map(pk, 19);
	pair(pk, "ref", d->ref);
	pack_cstr(pk, "state");
	pack_cstr(pk, proto_state_name(d->state));
	pack_cstr(pk, "version");
	msgpack_pack_int64(pk, d->version);
	pair(pk, "title", d->col[D_TITLE]);
	pair(pk, "text", wording(d, D_TEXT, D_PUBLIC_TEXT));
	pair(pk, "justification", wording(d, D_JUSTIFICATION, D_PUBLIC_JUSTIFICATION));
	pair(pk, "decision_maker", d->col[D_DECISION_MAKER]);
	pair(pk, "category", d->col[D_CATEGORY]);
	/* A cost may be what a restriction withholds: only an open record shows it. */
	pair(pk, "cost_text", l == OPEN ? d->col[D_COST_TEXT] : nil);
	pair(pk, "restriction", d->col[D_RESTRICTION]);
	pair(pk, "withheld", l == PART ? withheld(d) : nil);
	pair(pk, "restriction_reason", l != OPEN ? d->col[D_RESTRICTION_REASON] : nil);
	pair(pk, "review_date", l != OPEN ? d->col[D_REVIEW_DATE] : nil);
	pair(pk, "decided_on", d->col[D_DECIDED_ON]);
	pair(pk, "published_on", d->col[D_PUBLISHED_ON]);
	pair(pk, "reported_on", d->col[D_REPORTED_ON]);
	pair(pk, "published_at", d->col[D_PUBLISHED_AT]);
	pack_id_pair(pk, "item", d->item);
	pack_id_pair(pk, "position", d->position);
}
