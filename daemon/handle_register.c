/* The public register's queries: published decisions by page, search, imported documents. */
#include <string.h>

#include "cmd.h"
#include "docket/error.h"
#include "pack.h"
#include "proto.h"
#include "public.h"
#include "ref.h"

#define PAGE_DEFAULT 100
#define PAGE_MAX 1000
#define SEARCH_DEFAULT 20
#define SEARCH_MAX 200

/* Published decisions as the public reads them, by reference, a page at a time. */
static int register_page(struct cmd *c)
{
	int64_t limit;
	int rc = cmd_int_arg(c, F_LIMIT, PAGE_DEFAULT, 1, PAGE_MAX, "", &limit);
	if (rc < 0)
		return rc;
	struct str after = c->req->s[F_AFTER], key = {"", 0};
	unsigned char buf[REF_KEY_MAX];
	if (after.ptr)
		key = (struct str){(const char *)buf, (uint32_t)store_ref_key(after, buf)};
	pack_cstr(c->out, "decisions");
	size_t at = pack_open_array(c->buf);
	struct cmd_page p = {.c = c, .pack = public_pack, .limit = limit};
	if ((rc = store_register(c->store, key, limit + 1, cmd_page_add, &p)) < 0)
		return cmd_fail(c, rc, "cannot read the register: %s", store_errmsg(c->store));
	pack_close(c->buf, at, p.n);
	pack_cstr(c->out, "next");
	pack_str(c->out, p.more ? p.last : (struct str){NULL, 0});
	c->pairs += 2;
	return 0;
}

/* A snippet as alternating plain text and matches: ["plain", "match", "plain", ...]. */
static void pack_snippet(msgpack_packer *pk, struct str s)
{
	uint32_t parts = 1;
	for (uint32_t i = 0; i < s.len; i++)
		parts += s.ptr[i] == '\x02' || s.ptr[i] == '\x03';
	msgpack_pack_array(pk, parts);
	uint32_t start = 0;
	for (uint32_t i = 0; i <= s.len; i++) {
		if (i < s.len && s.ptr[i] != '\x02' && s.ptr[i] != '\x03')
			continue;
		pack_str(pk, (struct str){s.ptr + start, i - start});
		start = i + 1;
	}
}

struct hits {
	struct cmd *c;
	uint32_t n;
};

static int hit_add(void *ctx, const struct search_hit *h)
{
	struct hits *k = ctx;
	msgpack_packer *pk = k->c->out;
	msgpack_pack_map(pk, 8);
	pack_cstr(pk, "ref");
	pack_str(pk, h->ref);
	pack_cstr(pk, "title");
	pack_str(pk, h->title);
	pack_cstr(pk, "state");
	pack_str(pk, h->state);
	pack_cstr(pk, "decision_maker");
	pack_str(pk, h->decision_maker);
	pack_cstr(pk, "category");
	pack_str(pk, h->category);
	pack_cstr(pk, "decided_on");
	pack_str(pk, h->decided_on);
	pack_cstr(pk, "score");
	/* bm25 is lower for better matches; clients read higher as better. */
	msgpack_pack_double(pk, -h->score);
	pack_cstr(pk, "snippet");
	pack_snippet(pk, h->snippet.ptr ? h->snippet : (struct str){"", 0});
	k->n++;
	return 0;
}

static int search(struct cmd *c)
{
	const struct request *q = c->req;
	struct search_query sq = {
		.match = q->s[F_QUERY],
		.state = q->s[F_STATE],
		.decision_maker = q->s[F_DECISION_MAKER],
		.category = q->s[F_CATEGORY],
		.from = q->s[F_DECIDED_FROM],
		.to = q->s[F_DECIDED_TO],
	};
	int rc = cmd_int_arg(c, F_LIMIT, SEARCH_DEFAULT, 1, SEARCH_MAX, "", &sq.limit);
	if (rc < 0)
		return rc;
	if (sq.from.ptr && sq.to.ptr && memcmp(sq.from.ptr, sq.to.ptr, 10) > 0)
		return cmd_fail(c, -DOCKET_EBADREQ, "decided_from %.*s is after decided_to %.*s",
				(int)sq.from.len, sq.from.ptr, (int)sq.to.len, sq.to.ptr);
	pack_cstr(c->out, "results");
	size_t at = pack_open_array(c->buf);
	struct hits k = {.c = c};
	char why[256];
	if ((rc = store_search(c->store, &sq, hit_add, &k, why, sizeof why)) == -DOCKET_EBADREQ)
		return cmd_fail(c, rc,
				"the search '%.*s' cannot be read (%s): put words with punctuation "
				"in double quotes",
				(int)(sq.match.len > 64 ? 64 : sq.match.len), sq.match.ptr, why);
	if (rc < 0)
		return cmd_fail(c, rc, "cannot search: %s", why);
	pack_close(c->buf, at, k.n);
	c->pairs++;
	return 0;
}

static int source_add(void *ctx, const struct source *src)
{
	struct hits *k = ctx;
	msgpack_packer *pk = k->c->out;
	msgpack_pack_map(pk, 9);
	pack_cstr(pk, "id");
	msgpack_pack_int64(pk, src->id);
	pack_cstr(pk, "file");
	pack_str(pk, src->file);
	pack_cstr(pk, "sha256");
	pack_str(pk, src->sha256);
	pack_cstr(pk, "document");
	pack_str(pk, src->document);
	pack_cstr(pk, "title");
	pack_str(pk, src->title.ptr ? src->title : src->subject);
	pack_id_pair(pk, "item", src->item);
	pack_cstr(pk, "decisions");
	msgpack_pack_int64(pk, src->decisions);
	pack_cstr(pk, "imported_at");
	pack_str(pk, src->imported_at);
	pack_cstr(pk, "actor");
	pack_str(pk, src->actor);
	k->n++;
	return 0;
}

static int imports(struct cmd *c)
{
	pack_cstr(c->out, "imports");
	size_t at = pack_open_array(c->buf);
	struct hits k = {.c = c};
	int rc = store_source_list(c->store, source_add, &k);
	if (rc < 0)
		return cmd_fail(c, rc, "cannot read the imported documents: %s",
				store_errmsg(c->store));
	pack_close(c->buf, at, k.n);
	c->pairs++;
	return 0;
}

int handle_register(struct cmd *c)
{
	int rc = cmd_need_role(c, ROLE_READER);
	if (rc < 0)
		return rc;
	switch (c->req->op) {
	case OP_REGISTER:
		return register_page(c);
	case OP_SEARCH:
		return search(c);
	case OP_IMPORTS:
		return imports(c);
	}
	return cmd_fail(c, -DOCKET_EINTERNAL, "no handler for '%s'", proto_op_name(c->req->op));
}
