/* request: decoding real msgpack requests against the op and field tables of PROTOCOL.md. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <msgpack.h>

#include "docket/error.h"
#include "codec.h"
#include "proto.h"
#include "request.h"

/* A request map under construction: the pairs first, the map header when it is decoded. */
struct rq {
	msgpack_sbuffer pairs_buf;
	msgpack_packer pk;
	uint32_t pairs;
	msgpack_sbuffer whole;
};

static char err[512];

static void rq_init(struct rq *q)
{
	msgpack_sbuffer_init(&q->pairs_buf);
	msgpack_packer_init(&q->pk, &q->pairs_buf, msgpack_sbuffer_write);
	q->pairs = 0;
	msgpack_sbuffer_init(&q->whole);
}

static void rq_free(struct rq *q)
{
	msgpack_sbuffer_destroy(&q->pairs_buf);
	msgpack_sbuffer_destroy(&q->whole);
}

static void key(struct rq *q, const char *k)
{
	msgpack_pack_str_with_body(&q->pk, k, strlen(k));
	q->pairs++;
}

static void kv_strn(struct rq *q, const char *k, const char *v, size_t len)
{
	key(q, k);
	msgpack_pack_str_with_body(&q->pk, v, len);
}

static void kv_str(struct rq *q, const char *k, const char *v)
{
	kv_strn(q, k, v, strlen(v));
}

static void kv_int(struct rq *q, const char *k, int64_t v)
{
	key(q, k);
	msgpack_pack_int64(&q->pk, v);
}

/* The standard head of a request: v 1 and op. */
static void head(struct rq *q, const char *op)
{
	kv_int(q, "v", 1);
	kv_str(q, "op", op);
}

/* The map as bytes (valid until rq_free). */
static void rq_bytes(struct rq *q, const char **p, size_t *n)
{
	msgpack_sbuffer_clear(&q->whole);
	msgpack_packer w;
	msgpack_packer_init(&w, &q->whole, msgpack_sbuffer_write);
	msgpack_pack_map(&w, q->pairs);
	msgpack_sbuffer_write(&q->whole, q->pairs_buf.data, q->pairs_buf.size);
	*p = q->whole.data;
	*n = q->whole.size;
}

static int rq_decode(struct rq *q, struct request *req)
{
	const char *p;
	size_t n;
	rq_bytes(q, &p, &n);
	memset(err, 0, sizeof err);
	return request_decode(req, p, n, err, sizeof err);
}

static void expect_str(struct str s, const char *want)
{
	assert_non_null(s.ptr);
	assert_int_equal(s.len, strlen(want));
	assert_memory_equal(s.ptr, want, s.len);
}

/* err mentions needle. */
static void expect_err_names(const char *needle)
{
	if (!strstr(err, needle))
		fail_msg("error message \"%s\" does not name \"%s\"", err, needle);
}

/* A draft with every required field except the one named skip (NULL: none). */
static void draft(struct rq *q, const char *skip)
{
	static const char *const kv[][2] = {
	    {"ref", "35 - 2015"},
	    {"title", "Body worn cameras roll out"},
	    {"text", "The Commissioner has endorsed the wide scale roll out of body worn cameras."},
	    {"justification", "Reasons:\n- evidence\n- trust"},
	    {"decision_maker", "pcc"},
	    {"category", "spend"},
	};
	head(q, "draft");
	for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++)
		if (!skip || strcmp(skip, kv[i][0]) != 0)
			kv_str(q, kv[i][0], kv[i][1]);
}

/* The bytes of the last draft_with, which its request points into; freed by the next call. */
static struct rq last;
static int last_live;

static int free_last(void **state)
{
	(void)state;
	if (last_live)
		rq_free(&last);
	last_live = 0;
	return 0;
}

/* Decode a draft carrying the string field k = (val, len) in place of the default. */
static int draft_with(const char *k, const char *val, size_t len, struct request *req)
{
	free_last(NULL);
	rq_init(&last);
	last_live = 1;
	draft(&last, k);
	kv_strn(&last, k, val, len);
	return rq_decode(&last, req);
}

static void test_valid_draft(void **state)
{
	(void)state;
	struct rq q;
	struct request req;
	rq_init(&q);
	kv_int(&q, "id", 7);
	draft(&q, NULL);
	kv_int(&q, "cost_pence", 180000000);
	kv_str(&q, "cost_text", "£1.8m from approved capital resources");
	kv_str(&q, "idem", "key-1");
	assert_int_equal(rq_decode(&q, &req), 0);
	assert_int_equal(req.op, OP_DRAFT);
	assert_int_equal(req.id.len, 1);
	assert_int_equal((uint8_t)req.id.ptr[0], 0x07);
	assert_true(req.present == (BIT(F_REF) | BIT(F_TITLE) | BIT(F_TEXT) | BIT(F_JUSTIFICATION) |
	                            BIT(F_DECISION_MAKER) | BIT(F_CATEGORY) | BIT(F_COST_PENCE) |
	                            BIT(F_COST_TEXT) | BIT(F_IDEM)));
	expect_str(req.s[F_REF], "35 - 2015");
	expect_str(req.s[F_TITLE], "Body worn cameras roll out");
	expect_str(req.s[F_TEXT],
	           "The Commissioner has endorsed the wide scale roll out of body worn cameras.");
	expect_str(req.s[F_JUSTIFICATION], "Reasons:\n- evidence\n- trust");
	expect_str(req.s[F_DECISION_MAKER], "pcc");
	expect_str(req.s[F_CATEGORY], "spend");
	expect_str(req.s[F_COST_TEXT], "£1.8m from approved capital resources");
	expect_str(req.s[F_IDEM], "key-1");
	assert_true(req.n[F_COST_PENCE] == 180000000);
	/* Strings point into the received bytes: zero copy. */
	assert_true(req.s[F_REF].ptr > q.whole.data &&
	            req.s[F_REF].ptr < q.whole.data + q.whole.size);
	/* Fields not given stay nil. */
	assert_null(req.s[F_COMMENT].ptr);
	rq_free(&q);

	/* Without the optional fields and without id. */
	rq_init(&q);
	draft(&q, NULL);
	assert_int_equal(rq_decode(&q, &req), 0);
	assert_int_equal(req.id.len, 0);
	assert_false(req.present & BIT(F_COST_PENCE));
	rq_free(&q);
}

static void test_other_ops_decode(void **state)
{
	(void)state;
	struct rq q;
	struct request req;

	rq_init(&q);
	head(&q, "item_add");
	kv_int(&q, "meeting", 3);
	kv_str(&q, "code", "C1");
	kv_str(&q, "subject", "Commissioner's Key Decisions – July, August & September 2015");
	kv_str(&q, "period_start", "2015-07-01");
	kv_str(&q, "period_end", "2015-09-30");
	kv_str(&q, "from", "Ann Barnes, Police and Crime Commissioner");
	kv_str(&q, "to", "Kent and Medway Police and Crime Panel");
	assert_int_equal(rq_decode(&q, &req), 0);
	assert_int_equal(req.op, OP_ITEM_ADD);
	assert_true(req.n[F_MEETING] == 3);
	expect_str(req.s[F_PERIOD_END], "2015-09-30");
	expect_str(req.s[F_TO], "Kent and Medway Police and Crime Panel");
	rq_free(&q);

	rq_init(&q);
	head(&q, "list");
	kv_str(&q, "state", "published");
	kv_int(&q, "limit", 10);
	kv_str(&q, "after", "2024/22");
	assert_int_equal(rq_decode(&q, &req), 0);
	assert_int_equal(req.op, OP_LIST);
	assert_true(req.n[F_LIMIT] == 10);
	expect_str(req.s[F_STATE], "published");
	expect_str(req.s[F_AFTER], "2024/22");
	rq_free(&q);

	rq_init(&q);
	head(&q, "meetings");
	assert_int_equal(rq_decode(&q, &req), 0);
	assert_int_equal(req.op, OP_MEETINGS);
	assert_true(req.present == 0);
	rq_free(&q);

	rq_init(&q);
	head(&q, "publish");
	kv_str(&q, "ref", "PCD 1306");
	kv_str(&q, "restriction", "part");
	kv_str(&q, "restriction_reason", "commercially sensitive");
	kv_str(&q, "review_date", "2016-04-01");
	kv_int(&q, "expect_version", 4);
	assert_int_equal(rq_decode(&q, &req), 0);
	assert_int_equal(req.op, OP_PUBLISH);
	assert_true(req.n[F_EXPECT_VERSION] == 4);
	expect_str(req.s[F_RESTRICTION], "part");
	rq_free(&q);
}

static void test_missing_v(void **state)
{
	(void)state;
	struct rq q;
	struct request req;
	rq_init(&q);
	kv_str(&q, "op", "get");
	kv_str(&q, "ref", "2024/22");
	kv_str(&q, "id", "abc");
	assert_int_equal(rq_decode(&q, &req), -DOCKET_EBADREQ);
	expect_err_names("'v'");
	/* Even so, the reply can echo id. */
	assert_int_equal(req.id.len, 4);
	assert_memory_equal(req.id.ptr, "\xa3\x61\x62\x63", 4);
	rq_free(&q);
}

static void test_version(void **state)
{
	(void)state;
	static const int64_t bad[] = {2, 0, 1000, -2, INT64_MIN};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct rq q;
		struct request req;
		rq_init(&q);
		kv_int(&q, "v", bad[i]);
		kv_str(&q, "op", "get");
		kv_str(&q, "ref", "2024/22");
		kv_int(&q, "id", 99);
		assert_int_equal(rq_decode(&q, &req), -DOCKET_EVERSION);
		assert_int_equal(req.id.len, 1);
		assert_int_equal((uint8_t)req.id.ptr[0], 99);
		rq_free(&q);
	}
}

/* v = -1 is a version, not a missing v. */
static void test_version_minus_one(void **state)
{
	(void)state;
	struct rq q;
	struct request req;
	rq_init(&q);
	kv_int(&q, "v", -1);
	kv_str(&q, "op", "get");
	kv_str(&q, "ref", "2024/22");
	int rc = rq_decode(&q, &req);
	rq_free(&q);
	if (rc != -DOCKET_EVERSION)
		fail_msg("v = -1 gave %d (\"%s\"), expected unsupported_version", rc, err);
}

static void test_unknown_op(void **state)
{
	(void)state;
	static const char *const bad[] = {"bogus", "Draft", "draft ", "", "lift-restriction"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct rq q;
		struct request req;
		rq_init(&q);
		kv_str(&q, "id", "x");
		head(&q, bad[i]);
		assert_int_equal(rq_decode(&q, &req), -DOCKET_EUNKNOWNOP);
		assert_int_equal(req.id.len, 2);
		rq_free(&q);
	}
	/* A missing op is a bad request, not an unknown one. */
	struct rq q;
	struct request req;
	rq_init(&q);
	kv_int(&q, "v", 1);
	assert_int_equal(rq_decode(&q, &req), -DOCKET_EBADREQ);
	expect_err_names("'op'");
	rq_free(&q);
}

static void test_unknown_key(void **state)
{
	(void)state;
	for (int id_first = 0; id_first < 2; id_first++) {
		struct rq q;
		struct request req;
		rq_init(&q);
		if (id_first)
			kv_str(&q, "id", "req-17");
		kv_int(&q, "titel", 1);
		head(&q, "get");
		kv_str(&q, "ref", "2024/22");
		if (!id_first)
			kv_str(&q, "id", "req-17");
		assert_int_equal(rq_decode(&q, &req), -DOCKET_EBADREQ);
		expect_err_names("titel");
		/* id is echoed whether it came before or after the bad key. */
		assert_int_equal(req.id.len, 7);
		assert_memory_equal(req.id.ptr, "\xa6req-17", 7);
		rq_free(&q);
	}
}

static void test_id_any_type(void **state)
{
	(void)state;
	struct rq q;
	struct request req;
	rq_init(&q);
	head(&q, "get");
	key(&q, "id");
	/* id = [1, {"a": nil}, "z"] is echoed as its raw bytes. */
	msgpack_pack_array(&q.pk, 3);
	msgpack_pack_int(&q.pk, 1);
	msgpack_pack_map(&q.pk, 1);
	msgpack_pack_str_with_body(&q.pk, "a", 1);
	msgpack_pack_nil(&q.pk);
	msgpack_pack_str_with_body(&q.pk, "z", 1);
	kv_str(&q, "ref", "2024/22");
	assert_int_equal(rq_decode(&q, &req), 0);
	static const uint8_t want[] = {0x93, 0x01, 0x81, 0xa1, 'a', 0xc0, 0xa1, 'z'};
	assert_int_equal(req.id.len, sizeof want);
	assert_memory_equal(req.id.ptr, want, sizeof want);
	expect_str(req.s[F_REF], "2024/22");
	rq_free(&q);
}

static void test_duplicate_key(void **state)
{
	(void)state;
	struct rq q;
	struct request req;
	rq_init(&q);
	draft(&q, NULL);
	kv_str(&q, "title", "Second title");
	assert_int_equal(rq_decode(&q, &req), -DOCKET_EBADREQ);
	expect_err_names("title");
	rq_free(&q);
}

/*
 * v, op and id are keys like the others: a second copy makes the request
 * ambiguous (which op did the client mean?), so it is refused like a
 * repeated field.
 */
static void test_duplicate_op(void **state)
{
	(void)state;
	struct rq q;
	struct request req;
	rq_init(&q);
	head(&q, "get");
	kv_str(&q, "ref", "2024/22");
	kv_str(&q, "op", "history");
	int rc = rq_decode(&q, &req);
	rq_free(&q);
	if (rc != -DOCKET_EBADREQ)
		fail_msg("{v, op: get, ref, op: history} gave %d (op %s), expected bad_request", rc,
		         req.op >= 0 ? proto_op_name(req.op) : "-");
}

static void test_duplicate_v(void **state)
{
	(void)state;
	struct rq q;
	struct request req;
	rq_init(&q);
	head(&q, "get");
	kv_str(&q, "ref", "2024/22");
	kv_int(&q, "v", 1);
	int rc = rq_decode(&q, &req);
	rq_free(&q);
	assert_int_equal(rc, -DOCKET_EBADREQ);
}

static void test_duplicate_id(void **state)
{
	(void)state;
	struct rq q;
	struct request req;
	rq_init(&q);
	kv_int(&q, "id", 1);
	head(&q, "get");
	kv_str(&q, "ref", "2024/22");
	kv_int(&q, "id", 2);
	int rc = rq_decode(&q, &req);
	rq_free(&q);
	assert_int_equal(rc, -DOCKET_EBADREQ);
}

static void test_wrong_types(void **state)
{
	(void)state;
	struct rq q;
	struct request req;

	rq_init(&q);
	draft(&q, "title");
	kv_int(&q, "title", 5);
	assert_int_equal(rq_decode(&q, &req), -DOCKET_EBADREQ);
	expect_err_names("title");
	rq_free(&q);

	rq_init(&q);
	draft(&q, NULL);
	kv_str(&q, "cost_pence", "100");
	assert_int_equal(rq_decode(&q, &req), -DOCKET_EBADREQ);
	expect_err_names("cost_pence");
	rq_free(&q);

	rq_init(&q);
	draft(&q, NULL);
	kv_int(&q, "cost_pence", -1);
	assert_int_equal(rq_decode(&q, &req), -DOCKET_EBADREQ);
	expect_err_names("cost_pence");
	rq_free(&q);

	/* Beyond INT64_MAX is not a cost either. */
	rq_init(&q);
	draft(&q, NULL);
	key(&q, "cost_pence");
	msgpack_pack_uint64(&q.pk, UINT64_MAX);
	assert_int_equal(rq_decode(&q, &req), -DOCKET_EBADREQ);
	rq_free(&q);

	rq_init(&q);
	draft(&q, NULL);
	key(&q, "cost_pence");
	msgpack_pack_double(&q.pk, 12.5);
	assert_int_equal(rq_decode(&q, &req), -DOCKET_EBADREQ);
	rq_free(&q);

	/* Zero is a cost. */
	rq_init(&q);
	draft(&q, NULL);
	kv_int(&q, "cost_pence", 0);
	assert_int_equal(rq_decode(&q, &req), 0);
	assert_true(req.present & BIT(F_COST_PENCE));
	assert_true(req.n[F_COST_PENCE] == 0);
	rq_free(&q);

	/* nil is not a string. */
	rq_init(&q);
	head(&q, "get");
	key(&q, "ref");
	msgpack_pack_nil(&q.pk);
	assert_int_equal(rq_decode(&q, &req), -DOCKET_EBADREQ);
	expect_err_names("ref");
	rq_free(&q);

	/* A str as bin is not a string. */
	rq_init(&q);
	head(&q, "get");
	key(&q, "ref");
	msgpack_pack_bin_with_body(&q.pk, "2024/22", 7);
	assert_int_equal(rq_decode(&q, &req), -DOCKET_EBADREQ);
	rq_free(&q);

	/* meeting wants an int. */
	rq_init(&q);
	head(&q, "meeting_cancel");
	kv_str(&q, "meeting", "3");
	assert_int_equal(rq_decode(&q, &req), -DOCKET_EBADREQ);
	expect_err_names("meeting");
	rq_free(&q);

	/* op must be a string. */
	rq_init(&q);
	kv_int(&q, "v", 1);
	kv_int(&q, "op", 2);
	assert_true(rq_decode(&q, &req) < 0);
	assert_int_not_equal(req.op, OP_SUBMIT);
	rq_free(&q);
}

static void test_keys_must_be_strings(void **state)
{
	(void)state;
	struct rq q;
	struct request req;
	rq_init(&q);
	head(&q, "get");
	kv_str(&q, "ref", "2024/22");
	msgpack_pack_int(&q.pk, 1);
	msgpack_pack_int(&q.pk, 2);
	q.pairs++;
	assert_int_equal(rq_decode(&q, &req), -DOCKET_EBADREQ);
	rq_free(&q);
}

static void test_field_not_for_op(void **state)
{
	(void)state;
	struct rq q;
	struct request req;

	rq_init(&q);
	head(&q, "submit");
	kv_str(&q, "ref", "2024/22");
	kv_str(&q, "title", "A new title");
	assert_int_equal(rq_decode(&q, &req), -DOCKET_EBADREQ);
	expect_err_names("title");
	expect_err_names("submit");
	rq_free(&q);

	/* Queries change nothing, so they take no idem. */
	rq_init(&q);
	head(&q, "get");
	kv_str(&q, "ref", "2024/22");
	kv_str(&q, "idem", "k");
	assert_int_equal(rq_decode(&q, &req), -DOCKET_EBADREQ);
	expect_err_names("idem");
	rq_free(&q);

	/* A draft has no version to expect. */
	rq_init(&q);
	draft(&q, NULL);
	kv_int(&q, "expect_version", 1);
	assert_int_equal(rq_decode(&q, &req), -DOCKET_EBADREQ);
	expect_err_names("expect_version");
	rq_free(&q);

	rq_init(&q);
	head(&q, "meetings");
	kv_str(&q, "ref", "2024/22");
	assert_int_equal(rq_decode(&q, &req), -DOCKET_EBADREQ);
	expect_err_names("ref");
	rq_free(&q);

	/* A field valid for one op (reason on reject) is refused on another (return). */
	rq_init(&q);
	head(&q, "return");
	kv_str(&q, "ref", "2024/22");
	kv_str(&q, "comment", "see me");
	kv_str(&q, "reason", "no");
	assert_int_equal(rq_decode(&q, &req), -DOCKET_EBADREQ);
	expect_err_names("reason");
	rq_free(&q);
}

static void test_missing_required(void **state)
{
	(void)state;
	static const char *const need[] = {"ref",           "title",          "text",
	                                   "justification", "decision_maker", "category"};
	for (size_t i = 0; i < sizeof need / sizeof need[0]; i++) {
		struct rq q;
		struct request req;
		rq_init(&q);
		draft(&q, need[i]);
		assert_int_equal(rq_decode(&q, &req), -DOCKET_EBADREQ);
		expect_err_names(need[i]);
		rq_free(&q);
	}

	struct rq q;
	struct request req;
	rq_init(&q);
	head(&q, "return");
	kv_str(&q, "ref", "2024/22");
	assert_int_equal(rq_decode(&q, &req), -DOCKET_EBADREQ);
	expect_err_names("comment");
	rq_free(&q);

	/* Revision 2: response_due defaults to recommended_on plus the response period. */
	rq_init(&q);
	head(&q, "recommend");
	kv_str(&q, "ref", "2024/22");
	kv_str(&q, "recommendation", "Publish the business case.");
	assert_int_equal(rq_decode(&q, &req), 0);
	assert_false(req.present & BIT(F_RESPONSE_DUE));
	assert_null(req.s[F_RESPONSE_DUE].ptr);
	rq_free(&q);
	/* ...but the recommendation itself is still needed. */
	rq_init(&q);
	head(&q, "recommend");
	kv_str(&q, "ref", "2024/22");
	kv_str(&q, "response_due", "2015-10-22");
	assert_int_equal(rq_decode(&q, &req), -DOCKET_EBADREQ);
	expect_err_names("recommendation");
	rq_free(&q);

	rq_init(&q);
	head(&q, "meeting_add");
	kv_str(&q, "panel", "Kent and Medway Police and Crime Panel");
	assert_int_equal(rq_decode(&q, &req), -DOCKET_EBADREQ);
	expect_err_names("starts_at");
	rq_free(&q);
}

static void test_amend_needs_a_field(void **state)
{
	(void)state;
	struct rq q;
	struct request req;

	rq_init(&q);
	head(&q, "amend");
	kv_str(&q, "ref", "2024/22");
	assert_int_equal(rq_decode(&q, &req), -DOCKET_EBADREQ);
	rq_free(&q);

	/* expect_version and idem are not fields to change. */
	rq_init(&q);
	head(&q, "amend");
	kv_str(&q, "ref", "2024/22");
	kv_int(&q, "expect_version", 2);
	kv_str(&q, "idem", "k");
	assert_int_equal(rq_decode(&q, &req), -DOCKET_EBADREQ);
	rq_free(&q);

	rq_init(&q);
	head(&q, "amend");
	kv_str(&q, "ref", "2024/22");
	kv_int(&q, "cost_pence", 5);
	assert_int_equal(rq_decode(&q, &req), 0);
	assert_int_equal(req.op, OP_AMEND);
	rq_free(&q);
}

static int report(int with_ref, int with_item)
{
	struct rq q;
	struct request req;
	rq_init(&q);
	head(&q, "report");
	if (with_ref)
		kv_str(&q, "ref", "2024/22");
	if (with_item)
		kv_int(&q, "item", 12);
	int rc = rq_decode(&q, &req);
	rq_free(&q);
	return rc;
}

static void test_report_ref_or_item(void **state)
{
	(void)state;
	assert_int_equal(report(1, 1), -DOCKET_EBADREQ);
	assert_int_equal(report(0, 0), -DOCKET_EBADREQ);
	assert_int_equal(report(1, 0), 0);
	assert_int_equal(report(0, 1), 0);
}

static int recommend_due(const char *date)
{
	struct rq q;
	struct request req;
	rq_init(&q);
	head(&q, "recommend");
	kv_str(&q, "ref", "2024/22");
	kv_str(&q, "recommendation", "Publish the business case.");
	kv_str(&q, "response_due", date);
	int rc = rq_decode(&q, &req);
	if (rc == 0)
		expect_str(req.s[F_RESPONSE_DUE], date);
	else
		expect_err_names("response_due");
	rq_free(&q);
	return rc;
}

static void test_dates(void **state)
{
	(void)state;
	static const char *const good[] = {"2016-02-29", "2000-02-29", "2015-01-31",
	                                   "2015-12-31", "2015-04-30", "2015-09-22"};
	static const char *const bad[] = {
	    "2015-02-29",           "1900-02-29", "2015-13-01",
	    "2015-00-10",           "2015-04-31", "2015-01-00",
	    "2015-01-32",           "2015-1-01",  "2015-01-1",
	    "2015/01/01",           "01-01-2015", "2015-01-01x",
	    "2015-01-01T00:00:00Z", "20150101",   "2015-0a-01",
	    "2015-01- 1",           "x",
	};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		if (recommend_due(good[i]) != 0)
			fail_msg("date %s refused", good[i]);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (recommend_due(bad[i]) != -DOCKET_EBADREQ)
			fail_msg("date %s accepted", bad[i]);
}

static int meeting_at(const char *t)
{
	struct rq q;
	struct request req;
	rq_init(&q);
	head(&q, "meeting_add");
	kv_str(&q, "panel", "Kent and Medway Police and Crime Panel");
	kv_str(&q, "starts_at", t);
	int rc = rq_decode(&q, &req);
	if (rc == 0)
		expect_str(req.s[F_STARTS_AT], t);
	rq_free(&q);
	return rc;
}

static void test_times(void **state)
{
	(void)state;
	/* Section 4.1: Z, an offset of at most 14 hours, or nothing (office time); T or a space. */
	static const char *const good[] = {
	    "2015-09-22T10:00:00Z",
	    "2016-02-29T23:59:59Z",
	    "2015-01-01T00:00:00Z",
	    "2000-01-01T00:00:00Z",
	    "2100-12-31T23:59:59Z",
	    "2015-09-22T10:00Z",
	    "2015-09-22 10:00:00Z",
	    "2015-09-22 10:00Z",
	    "2015-09-22T10:00:00+01:00",
	    "2015-09-22T10:00+01:00",
	    "2015-09-22T10:00:00+00:00",
	    "2015-09-22T10:00:00-00:00",
	    "2015-09-22T10:00:00-05:30",
	    "2015-09-22T10:00:00+05:45",
	    "2015-09-22T10:00:00+14:00",
	    "2015-09-22T10:00:00-14:00",
	    /* Office time, with and without seconds. */
	    "2015-09-22T10:00:00",
	    "2015-09-22T10:00",
	    "2015-09-22 10:00",
	    "2015-09-22T23:59:59",
	    /* Skipped or repeated office times are judged against the zone later, not here. */
	    "2031-03-30T01:30",
	    "2031-10-26T01:30",
	};
	static const char *const bad[] = {
	    "2015-09-22t10:00:00Z",
	    "2015-09-22T10:00:00z",
	    "2015-09-22T24:00:00Z",
	    "2015-09-22T24:00",
	    "2015-09-22T23:60",
	    "2015-09-22T10:60:00Z",
	    "2015-09-22T10:00:60Z",
	    "2015-09-22T10:00:00.000Z",
	    "2015-09-22T10:00:00.5",
	    "2015-09-22",
	    "2015-02-29T10:00:00Z",
	    "2015-09-22T1:00:00Z",
	    "2015-09-22T10:0",
	    "2015-09-22T10:00:0",
	    "2015-09-22T10:00:",
	    "2015-09-22T10:00:00ZZ",
	    "2015-09-22T10:00:00Zx",
	    "2015-09-22T10:00:00 ",
	    "2015-09-22T10:00:00 Z",
	    "2015-09-22T10:00:00\n",
	    " 2015-09-22T10:00:00Z",
	    "2015-09-22  10:00",
	    "2015-09-22_10:00",
	    "2015-13-22T10:00:00Z",
	    "2015-09-22T10-00-00Z",
	    "2015-09-22T10:00:00UTC",
	    "2015-09-22T10:00:00 GMT",
	    /* Offsets: at most 14 hours, always +HH:MM. */
	    "2015-09-22T10:00:00+14:01",
	    "2015-09-22T10:00:00-14:30",
	    "2015-09-22T10:00:00+15:00",
	    "2015-09-22T10:00:00+99:00",
	    "2015-09-22T10:00:00+01:60",
	    "2015-09-22T10:00:00+0100",
	    "2015-09-22T10:00:00+01",
	    "2015-09-22T10:00:00+1:00",
	    "2015-09-22T10:00:00+01:00Z",
	    "2015-09-22T10:00:00+01:00:00",
	    /* Years 2000 to 2100 only. */
	    "0000-01-01T00:00:00Z",
	    "1999-12-31T23:59:59Z",
	    "1999-12-31T23:59",
	    "2101-01-01T00:00:00Z",
	    "2101-01-01T00:00",
	    "9999-12-31T23:59:59Z",
	};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		if (meeting_at(good[i]) != 0)
			fail_msg("time %s refused: %s", good[i], err);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (meeting_at(bad[i]) != -DOCKET_EBADREQ)
			fail_msg("time %s accepted", bad[i]);
		expect_err_names("starts_at");
	}
	/* meeting_move takes the same times. */
	struct rq q;
	struct request req;
	rq_init(&q);
	head(&q, "meeting_move");
	kv_int(&q, "meeting", 4);
	kv_str(&q, "starts_at", "2030-09-22 10:00");
	assert_int_equal(rq_decode(&q, &req), 0);
	expect_str(req.s[F_STARTS_AT], "2030-09-22 10:00");
	rq_free(&q);
	rq_init(&q);
	head(&q, "meeting_move");
	kv_int(&q, "meeting", 4);
	kv_str(&q, "starts_at", "2101-09-22 10:00");
	assert_int_equal(rq_decode(&q, &req), -DOCKET_EBADREQ);
	rq_free(&q);
}

static int list_state(const char *st)
{
	struct rq q;
	struct request req;
	rq_init(&q);
	head(&q, "list");
	kv_str(&q, "state", st);
	int rc = rq_decode(&q, &req);
	rq_free(&q);
	return rc;
}

static void test_enums(void **state)
{
	(void)state;
	struct request req;
	static const char *const makers[] = {"pcc", "deputy_pcc", "pcc_and_chief_constable",
	                                     "chief_executive", "chief_finance_officer"};
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(draft_with("decision_maker", makers[i], strlen(makers[i]), &req),
		                 0);
		expect_str(req.s[F_DECISION_MAKER], makers[i]);
	}
	static const char *const bad_makers[] = {"PCC", "pcc ", "commissioner", "deputy", "pc"};
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(
		    draft_with("decision_maker", bad_makers[i], strlen(bad_makers[i]), &req),
		    -DOCKET_EBADREQ);
		expect_err_names("decision_maker");
	}
	static const char *const cats[] = {"statutory", "spend", "strategic", "other"};
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(draft_with("category", cats[i], strlen(cats[i]), &req), 0);
	assert_int_equal(draft_with("category", "capital", 7, &req), -DOCKET_EBADREQ);
	assert_int_equal(draft_with("category", "Spend", 5, &req), -DOCKET_EBADREQ);
	/* A prefix of a value is not the value. */
	assert_int_equal(draft_with("category", "spen", 4, &req), -DOCKET_EBADREQ);
	assert_int_equal(draft_with("category", "spend\0", 6, &req), -DOCKET_EBADREQ);

	static const char *const restrictions[] = {"none", "part", "full"};
	for (size_t i = 0; i < 4; i++) {
		struct rq q;
		rq_init(&q);
		head(&q, "publish");
		kv_str(&q, "ref", "2024/22");
		kv_str(&q, "restriction", i < 3 ? restrictions[i] : "partial");
		assert_int_equal(rq_decode(&q, &req), i < 3 ? 0 : -DOCKET_EBADREQ);
		rq_free(&q);
	}

	static const char *const states[] = {"draft",     "submitted",    "endorsed",  "rejected",
	                                     "withdrawn", "published",    "scheduled", "reported",
	                                     "noted",     "response_due", "responded"};
	for (size_t i = 0; i < sizeof states / sizeof states[0]; i++)
		if (list_state(states[i]) != 0)
			fail_msg("list state %s refused", states[i]);
	/* "none" is no decision's state. */
	assert_int_equal(list_state("none"), -DOCKET_EBADREQ);
	assert_int_equal(list_state("drafted"), -DOCKET_EBADREQ);
	assert_int_equal(list_state("Draft"), -DOCKET_EBADREQ);
}

static int get_ref(const char *ref, size_t len)
{
	struct rq q;
	struct request req;
	rq_init(&q);
	head(&q, "get");
	kv_strn(&q, "ref", ref, len);
	int rc = rq_decode(&q, &req);
	if (rc == 0)
		assert_int_equal(req.s[F_REF].len, len);
	rq_free(&q);
	return rc;
}

/* Decode {get, ref}; req points into the bytes of last, valid until the next call. */
static int decode_ref(const char *ref, size_t len, struct request *req)
{
	free_last(NULL);
	rq_init(&last);
	last_live = 1;
	head(&last, "get");
	kv_strn(&last, "ref", ref, len);
	return rq_decode(&last, req);
}

static void test_ref(void **state)
{
	(void)state;
	char ref[80];
	memset(ref, 'R', sizeof ref);
	assert_int_equal(get_ref(ref, 1), 0);
	assert_int_equal(get_ref(ref, 64), 0);
	assert_int_equal(get_ref(ref, 65), -DOCKET_EBADREQ);
	assert_int_equal(get_ref(ref, 80), -DOCKET_EBADREQ);
	assert_int_equal(get_ref(ref, 0), -DOCKET_EBADREQ);
	/* The limit counts bytes: 32 two-byte characters fit, 33 do not. */
	char pounds[66];
	for (int i = 0; i < 33; i++)
		memcpy(pounds + 2 * i, "\xc2\xa3", 2);
	assert_int_equal(get_ref(pounds, 64), 0);
	assert_int_equal(get_ref(pounds, 66), -DOCKET_EBADREQ);
	/* Real references. */
	static const char *const real[] = {"35 - 2015", "2016-10792", "2024/22", "DEL 2012/01",
	                                   "PCD 1306"};
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(get_ref(real[i], strlen(real[i])), 0);
	/* No control characters. */
	assert_int_equal(get_ref("a\nb", 3), -DOCKET_EBADREQ);
	assert_int_equal(get_ref("a\tb", 3), -DOCKET_EBADREQ);
	assert_int_equal(get_ref("a\rb", 3), -DOCKET_EBADREQ);
	assert_int_equal(get_ref("a\0b", 3), -DOCKET_EBADREQ);
	assert_int_equal(get_ref("\x61\x7f\x62", 3), -DOCKET_EBADREQ);
	/* after is a ref too. */
	struct rq q;
	struct request req;
	rq_init(&q);
	head(&q, "list");
	kv_strn(&q, "after", ref, 65);
	assert_int_equal(rq_decode(&q, &req), -DOCKET_EBADREQ);
	rq_free(&q);
}

/* U+0080..U+009F are control characters (C1) as much as U+0000..U+001F. */
static void test_ref_c1_controls(void **state)
{
	(void)state;
	assert_int_equal(get_ref("\x61\xc2\x85\x62", 4), -DOCKET_EBADREQ); /* NEL */
	assert_int_equal(get_ref("\x61\xc2\x9b\x62", 4), -DOCKET_EBADREQ); /* CSI */
	/* NBSP is not one: it is a space, which the canonical form makes plain (section 4.1). */
	struct request req;
	assert_int_equal(decode_ref("\x61\xc2\xa0\x62", 4, &req), 0);
	expect_str(req.s[F_REF], "a b");
}

static void test_lines_and_text(void **state)
{
	(void)state;
	struct request req;
	assert_int_equal(draft_with("title", "Body worn\ncameras", 17, &req), -DOCKET_EBADREQ);
	expect_err_names("title");
	assert_int_equal(draft_with("title", "Body worn\rcameras", 17, &req), -DOCKET_EBADREQ);
	assert_int_equal(draft_with("title", "Body worn cameras\n", 18, &req), -DOCKET_EBADREQ);
	assert_int_equal(draft_with("title", "", 0, &req), -DOCKET_EBADREQ);
	assert_int_equal(
	    draft_with("title", "Key Decision – May 2014", strlen("Key Decision – May 2014"), &req),
	    0);

	/* Paragraphs and bullet lists are kept exactly. */
	static const char text[] = "First paragraph.\r\n\r\n- one\n- two\n\ttabbed\n";
	assert_int_equal(draft_with("justification", text, sizeof text - 1, &req), 0);
	expect_str(req.s[F_JUSTIFICATION], text);
	assert_int_equal(draft_with("text", text, sizeof text - 1, &req), 0);
	expect_str(req.s[F_TEXT], text);
	/* Text is still refused when empty. */
	assert_int_equal(draft_with("text", "", 0, &req), -DOCKET_EBADREQ);
}

static void test_utf8(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		size_t n;
	} bad[] = {
	    {"\xc0\xaf", 2},             /* overlong '/' */
	    {"\xc1\xbf", 2},             /* overlong */
	    {"\xe0\x80\xaf", 3},         /* overlong 3-byte */
	    {"\xf0\x80\x80\xaf", 4},     /* overlong 4-byte */
	    {"\xed\xa0\x80", 3},         /* surrogate U+D800 */
	    {"\xed\xbf\xbf", 3},         /* surrogate U+DFFF */
	    {"\xe2\x82", 2},             /* truncated euro sign */
	    {"abc\xe2", 4},              /* truncated at the end */
	    {"\xe2\x82\x61\x62\x63", 5}, /* truncated, then ASCII */
	    {"\x80", 1},                 /* lone continuation */
	    {"\x61\xbf\x62", 3},         /* lone continuation inside */
	    {"\xf4\x90\x80\x80", 4},     /* beyond U+10FFFF */
	    {"\xf5\x80\x80\x80", 4},     /* invalid lead */
	    {"\xff", 1},
	    {"\xfe\xff", 2},
	    {"\xc3\x28", 2},     /* bad continuation */
	    {"\xf0\x9f\x98", 3}, /* truncated emoji */
	};
	struct request req;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (draft_with("title", bad[i].s, bad[i].n, &req) != -DOCKET_EBADREQ)
			fail_msg("title case %zu accepted", i);
		if (draft_with("text", bad[i].s, bad[i].n, &req) != -DOCKET_EBADREQ)
			fail_msg("text case %zu accepted", i);
	}
	static const char *const good[] = {"\xc2\x80",     "\xdf\xbf",         "\xe0\xa0\x80",
	                                   "\xef\xbf\xbf", "\xf0\x90\x80\x80", "\xf4\x8f\xbf\xbf",
	                                   "\xed\x9f\xbf", "\xee\x80\x80",     "£1.8m – é 😀"};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		if (draft_with("text", good[i], strlen(good[i]), &req) != 0)
			fail_msg("text case %zu refused", i);
		expect_str(req.s[F_TEXT], good[i]);
	}
	assert_int_equal(draft_with("title", "£1.8m – é 😀", strlen("£1.8m – é 😀"), &req), 0);
}

static void test_string_limits(void **state)
{
	(void)state;
	size_t big = 64 * 1024 + 2;
	char *s = malloc(big);
	assert_non_null(s);
	memset(s, 'x', big);
	struct request req;

	assert_int_equal(draft_with("title", s, 1024, &req), 0);
	assert_int_equal(req.s[F_TITLE].len, 1024);
	assert_int_equal(draft_with("title", s, 1025, &req), -DOCKET_ETOOLARGE);
	expect_err_names("title");
	assert_int_equal(draft_with("cost_text", s, 1024, &req), 0);
	assert_int_equal(draft_with("cost_text", s, 1025, &req), -DOCKET_ETOOLARGE);
	assert_int_equal(draft_with("idem", s, 1024, &req), 0);
	assert_int_equal(draft_with("idem", s, 1025, &req), -DOCKET_ETOOLARGE);
	assert_int_equal(draft_with("text", s, 64 * 1024, &req), 0);
	assert_int_equal(req.s[F_TEXT].len, 64 * 1024);
	assert_int_equal(draft_with("text", s, 64 * 1024 + 1, &req), -DOCKET_ETOOLARGE);
	assert_int_equal(draft_with("justification", s, 64 * 1024 + 1, &req), -DOCKET_ETOOLARGE);
	free(s);

	/* Past the codec's 256 KiB, the whole request is too large. */
	size_t huge = 256 * 1024 + 1;
	s = malloc(huge);
	assert_non_null(s);
	memset(s, 'x', huge);
	assert_int_equal(draft_with("text", s, huge, &req), -DOCKET_ETOOLARGE);
	free(s);

	/* Line fields of the calendar have the same 1,024 bytes. */
	char line[1025];
	memset(line, 'p', sizeof line);
	struct rq q;
	rq_init(&q);
	head(&q, "meeting_add");
	kv_strn(&q, "panel", line, 1025);
	kv_str(&q, "starts_at", "2015-09-22T10:00:00Z");
	assert_int_equal(rq_decode(&q, &req), -DOCKET_ETOOLARGE);
	expect_err_names("panel");
	rq_free(&q);
}

/* Section 4.1: one canonical form, whatever white space and composition the client sent. */
static void test_ref_normalised(void **state)
{
	(void)state;
	struct request req;
	static const struct {
		const char *sent, *canonical;
	} same[] = {
	    {" 35 - 2015 ", "35 - 2015"},
	    {"35 - 2015   ", "35 - 2015"},
	    {"\t35 - 2015\t", "35 - 2015"},
	    {"\xc2\xa0"
	     "35 - 2015"
	     "\xc2\xa0",
	     "35 - 2015"}, /* NBSP at the ends */
	    {"\xe2\x80\x83"
	     "35 - 2015"
	     "\xe3\x80\x80",
	     "35 - 2015"}, /* em and ideographic */
	    {"35\xc2\xa0-\xc2\xa0"
	     "2015",
	     "35 - 2015"}, /* NBSP inside */
	    {"35\xe2\x80\xaf-\xe2\x80\x89"
	     "2015",
	     "35 - 2015"}, /* narrow and thin */
	    {"Caf"
	     "e\xcc\x81",
	     "Caf\xc3\xa9"}, /* NFD to NFC */
	    {" Caf"
	     "e\xcc\x81 2015 ",
	     "Caf\xc3\xa9 2015"},
	    {"A\xcc\x8a"
	     "2015",
	     "\xc3\x85"
	     "2015"},                     /* A + ring: Å */
	    {"\xe2\x84\xab", "\xc3\x85"}, /* Angstrom sign: Å */
	};
	for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
		if (decode_ref(same[i].sent, strlen(same[i].sent), &req) != 0)
			fail_msg("ref case %zu refused: %s", i, err);
		expect_str(req.s[F_REF], same[i].canonical);
		/* The canonical form lives in the request, not in the bytes received. */
		assert_true(req.s[F_REF].ptr >= req.refs[0] &&
		            req.s[F_REF].ptr < req.refs[0] + sizeof req.refs[0]);
	}
	/* Two inner spaces are two: only the ends are trimmed. */
	assert_int_equal(decode_ref("35  -  2015", 11, &req), 0);
	expect_str(req.s[F_REF], "35  -  2015");

	/* A ref already canonical is not copied. */
	assert_int_equal(decode_ref("35 - 2015", 9, &req), 0);
	expect_str(req.s[F_REF], "35 - 2015");
	assert_true(req.s[F_REF].ptr > last.whole.data &&
	            req.s[F_REF].ptr < last.whole.data + last.whole.size);

	/* Up to 256 bytes may be sent, as long as 64 remain. */
	char padded[300];
	memset(padded, ' ', sizeof padded);
	memset(padded + 96, 'R', 64);
	assert_int_equal(decode_ref(padded, 256, &req), 0);
	assert_int_equal(req.s[F_REF].len, 64);
	assert_int_equal(req.s[F_REF].ptr[0], 'R');
	assert_int_equal(req.s[F_REF].ptr[63], 'R');
	assert_int_equal(decode_ref(padded, 257, &req), -DOCKET_EBADREQ);
	expect_err_names("ref");
	memset(padded + 96, 'R', 65);
	assert_int_equal(decode_ref(padded, 256, &req), -DOCKET_EBADREQ);
	expect_err_names("64");

	/* after is normalised the same way, into a buffer of its own. */
	free_last(NULL);
	rq_init(&last);
	last_live = 1;
	head(&last, "list");
	kv_str(&last, "after",
	       " 35\xc2\xa0-\xc2\xa0"
	       "2015\t");
	assert_int_equal(rq_decode(&last, &req), 0);
	expect_str(req.s[F_AFTER], "35 - 2015");
	assert_true(req.s[F_AFTER].ptr >= req.refs[1] &&
	            req.s[F_AFTER].ptr < req.refs[1] + sizeof req.refs[1]);

	/* The reminders query names a decision by ref, canonical too. */
	free_last(NULL);
	rq_init(&last);
	last_live = 1;
	head(&last, "reminders");
	kv_str(&last, "ref", " 35 - 2015 ");
	assert_int_equal(rq_decode(&last, &req), 0);
	expect_str(req.s[F_REF], "35 - 2015");
}

static void test_ref_refused(void **state)
{
	(void)state;
	struct request req;
	static const struct {
		const char *s;
		size_t n;
		const char *names; /* what the message must name */
	} bad[] = {
	    {"35\x01 - 2015", 10, "U+0001"},
	    {"35\x1f - 2015", 10, "U+001F"},
	    {"35\x7f - 2015", 10, "U+007F"},
	    {"35\xc2\x80 - 2015", 11, "U+0080"},
	    {"35\xc2\x9f - 2015", 11, "U+009F"},
	    {"35\xe2\x80\xa8 - 2015", 12, "U+2028"},
	    {"35\xe2\x80\xa9 - 2015", 12, "U+2029"},
	    {"35\xe2\x80\x8b - 2015", 12, "U+200B"},
	    {"\xef\xbb\xbf"
	     "35 - 2015",
	     12, "U+FEFF"},
	    {"35 -\xe2\x80\x8d"
	     "2015",
	     11, "U+200D"},
	    {"35 - 2015\xc2\xad", 11, "U+00AD"},
	    {"35\n- 2015", 9, "U+000A"},
	    {"35\t- 2015", 9, "U+0009"},
	    {"35\0- 2015", 9, "U+0000"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (decode_ref(bad[i].s, bad[i].n, &req) != -DOCKET_EBADREQ)
			fail_msg("ref case %zu (%s) accepted", i, bad[i].names);
		expect_err_names("'ref'");
		expect_err_names(bad[i].names);
	}
	/* Empty, or nothing but white space. */
	static const char *const blank[] = {" ", "   ", "\t", "\xc2\xa0", " \xe3\x80\x80 ", "\n"};
	for (size_t i = 0; i < sizeof blank / sizeof blank[0]; i++) {
		if (decode_ref(blank[i], strlen(blank[i]), &req) != -DOCKET_EBADREQ)
			fail_msg("blank ref case %zu accepted", i);
		expect_err_names("ref");
	}
	/* Not UTF-8. */
	assert_int_equal(decode_ref("35 \xff 2015", 9, &req), -DOCKET_EBADREQ);
	assert_int_equal(decode_ref("35 \xc0\xa0 2015", 10, &req), -DOCKET_EBADREQ);
	assert_int_equal(decode_ref("\xed\xa0\x80", 3, &req), -DOCKET_EBADREQ);
	/* Over 64 bytes once normalised: 33 two-byte characters. */
	char e[80];
	for (int i = 0; i < 33; i++)
		memcpy(e + 2 * i, "\xc3\xa9", 2);
	assert_int_equal(decode_ref(e, 64, &req), 0);
	assert_int_equal(decode_ref(e, 66, &req), -DOCKET_EBADREQ);
	/* 32 decomposed characters are 96 bytes sent but 64 once composed. */
	char nfd[96];
	for (int i = 0; i < 32; i++)
		memcpy(nfd + 3 * i, "e\xcc\x81", 3);
	assert_int_equal(decode_ref(nfd, 96, &req), 0);
	assert_int_equal(req.s[F_REF].len, 64);
	assert_memory_equal(req.s[F_REF].ptr, e, 64);
}

/*
 * Decode {v: 1, op, pairs...}: each pair "key=value", a value "#n" sent as
 * the integer n. req points into last, valid until the next call.
 */
static int op_with(const char *op, const char *const *pairs, size_t n, struct request *req)
{
	free_last(NULL);
	rq_init(&last);
	last_live = 1;
	head(&last, op);
	for (size_t i = 0; i < n; i++) {
		const char *eq = strchr(pairs[i], '=');
		assert_non_null(eq);
		char k[32];
		assert_true((size_t)(eq - pairs[i]) < sizeof k);
		memcpy(k, pairs[i], (size_t)(eq - pairs[i]));
		k[eq - pairs[i]] = '\0';
		if (eq[1] == '#')
			kv_int(&last, k, strtoll(eq + 2, NULL, 10));
		else
			kv_str(&last, k, eq + 1);
	}
	return rq_decode(&last, req);
}

#define OP_WITH(op, req, ...)                                                                      \
	op_with((op), (const char *const[]){__VA_ARGS__},                                          \
	        sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *), (req))

static void expect_ok(int rc)
{
	if (rc != 0)
		fail_msg("refused (%d): %s", rc, err);
}

static void expect_bad(int rc, const char *names)
{
	if (rc != -DOCKET_EBADREQ)
		fail_msg("gave %d, expected bad_request naming '%s'", rc, names);
	expect_err_names(names);
}

/* Business dates (section 4.2): each a date, on its own command only. */
static void test_business_dates(void **state)
{
	(void)state;
	struct request req;

	expect_ok(OP_WITH("endorse", &req, "ref=2024/22", "decided_on=2024-03-31"));
	assert_true(req.present & BIT(F_DECIDED_ON));
	expect_str(req.s[F_DECIDED_ON], "2024-03-31");
	expect_ok(OP_WITH("endorse", &req, "ref=2024/22"));
	assert_false(req.present & BIT(F_DECIDED_ON));

	expect_ok(OP_WITH("publish", &req, "ref=2024/22", "published_on=2024-04-02",
	                  "restriction=full", "restriction_reason=legal advice",
	                  "review_date=2025-04-02"));
	expect_str(req.s[F_PUBLISHED_ON], "2024-04-02");
	expect_str(req.s[F_REVIEW_DATE], "2025-04-02");

	expect_ok(OP_WITH("note", &req, "ref=2024/22", "noted_on=2024-06-10", "comment=noted"));
	expect_str(req.s[F_NOTED_ON], "2024-06-10");
	expect_ok(OP_WITH("note", &req, "ref=2024/22"));

	expect_ok(OP_WITH("recommend", &req, "ref=2024/22", "recommendation=Publish it.",
	                  "recommended_on=2024-06-10", "response_due=2024-07-08"));
	expect_str(req.s[F_RECOMMENDED_ON], "2024-06-10");
	expect_str(req.s[F_RESPONSE_DUE], "2024-07-08");

	expect_ok(OP_WITH("respond", &req, "ref=2024/22", "response=Done.",
	                  "responded_on=2024-07-01", "expect_version=#9", "idem=k"));
	expect_str(req.s[F_RESPONDED_ON], "2024-07-01");
	assert_true(req.n[F_EXPECT_VERSION] == 9);

	/* Each is a real date of 2000 to 2100, and never a time. */
	static const char *const fields[][3] = {
	    {"endorse", "decided_on", NULL},
	    {"publish", "published_on", NULL},
	    {"note", "noted_on", NULL},
	    {"recommend", "recommended_on", "recommendation=r"},
	    {"respond", "responded_on", "response=r"},
	    {"set_response_due", "response_due", NULL},
	    {"set_review_date", "review_date", NULL},
	};
	static const char *const bad[] = {
	    "2015-02-29",           "2016-13-01", "1999-12-31", "2101-01-01",  "0000-01-01",
	    "2024-03-31T00:00:00Z", "2024-3-31",  "31/03/2024", " 2024-03-31", "2024-03-31 "};
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		const char *op = fields[i][0];
		char good[64], kv[64];
		snprintf(good, sizeof good, "%s=2100-12-31", fields[i][1]);
		const char *extra = fields[i][2] ? fields[i][2] : "expect_version=#1";
		expect_ok(OP_WITH(op, &req, "ref=2024/22", good, extra));
		snprintf(good, sizeof good, "%s=2000-01-01", fields[i][1]);
		expect_ok(OP_WITH(op, &req, "ref=2024/22", good, extra));
		for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
			snprintf(kv, sizeof kv, "%s=%s", fields[i][1], bad[k]);
			expect_bad(OP_WITH(op, &req, "ref=2024/22", kv, extra), fields[i][1]);
		}
	}

	/* A date belongs to the command that sets it. */
	expect_bad(OP_WITH("submit", &req, "ref=2024/22", "decided_on=2024-03-31"), "decided_on");
	expect_bad(OP_WITH("publish", &req, "ref=2024/22", "decided_on=2024-03-31"), "decided_on");
	expect_bad(OP_WITH("endorse", &req, "ref=2024/22", "published_on=2024-03-31"),
	           "published_on");
	expect_bad(OP_WITH("report", &req, "ref=2024/22", "reported_on=2024-03-31"), "reported_on");
	expect_bad(
	    OP_WITH("recommend", &req, "ref=2024/22", "recommendation=r", "noted_on=2024-03-31"),
	    "noted_on");
	expect_bad(OP_WITH("note", &req, "ref=2024/22", "responded_on=2024-03-31"), "responded_on");
	/* A date is a string. */
	expect_bad(OP_WITH("endorse", &req, "ref=2024/22", "decided_on=#20240331"), "decided_on");
}

/* Revision 4: the log read back and durable cursors; fields past the 64th. */
static void test_notification_ops(void **state)
{
	(void)state;
	struct request req;
	struct rq q;

	rq_init(&q);
	head(&q, "events");
	kv_int(&q, "after_seq", 41);
	kv_int(&q, "max_bytes", 4096);
	key(&q, "topics");
	msgpack_pack_array(&q.pk, 1);
	msgpack_pack_str_with_body(&q.pk, "decision.", 9);
	expect_ok(rq_decode(&q, &req));
	assert_int_equal(req.op, OP_EVENTS);
	assert_true(req.n[F_AFTER_SEQ] == 41);
	assert_true(req.present & BIT(F_TOPICS));
	/* F_DELAY is past bit 63: the set holds it. */
	assert_true(F_DELAY >= 64);
	assert_false((req.present & BIT(F_DELAY)) != 0);
	rq_free(&q);

	rq_init(&q);
	head(&q, "events");
	kv_int(&q, "after_seq", 1);
	kv_str(&q, "since", "2026-12-01T09:00Z");
	expect_bad(rq_decode(&q, &req), "not both");
	rq_free(&q);

	rq_init(&q);
	head(&q, "ack");
	kv_str(&q, "cursor", "finance");
	expect_bad(rq_decode(&q, &req), "exactly one of 'seq' and 'through'");
	rq_free(&q);

	rq_init(&q);
	head(&q, "nak");
	kv_str(&q, "cursor", "finance");
	kv_int(&q, "seq", 3);
	kv_int(&q, "delay", 30);
	expect_ok(rq_decode(&q, &req));
	assert_true((req.present & BIT(F_DELAY)) != 0);
	assert_true(req.n[F_DELAY] == 30);
	rq_free(&q);

	rq_init(&q);
	head(&q, "fetch");
	kv_str(&q, "cursor", "finance");
	kv_int(&q, "delay", 30);
	expect_bad(rq_decode(&q, &req), "'fetch' does not take 'delay'");
	rq_free(&q);

	rq_init(&q);
	head(&q, "cursor_rewind");
	kv_str(&q, "cursor", "finance");
	expect_bad(rq_decode(&q, &req), "needs 'after_seq' or 'since'");
	rq_free(&q);

	rq_init(&q);
	head(&q, "park");
	kv_str(&q, "cursor", "finance");
	expect_bad(rq_decode(&q, &req), "'park' needs 'seq'");
	rq_free(&q);
}

/* The commands revision 2 added, and what each takes and needs. */
/* Revision 3: booleans, arrays kept as bytes, and the maps inside import's array. */
static void test_documents_ops(void **state)
{
	(void)state;
	struct request req, e;
	struct rq q;

	/* import: dry_run is a boolean, decisions an array read entry by entry. */
	rq_init(&q);
	head(&q, "import");
	kv_str(&q, "file", "register.txt");
	kv_str(&q, "sha256", "ab");
	kv_str(&q, "document", "register");
	key(&q, "dry_run");
	msgpack_pack_true(&q.pk);
	key(&q, "decisions");
	msgpack_pack_array(&q.pk, 2);
	msgpack_pack_map(&q.pk, 4);
	msgpack_pack_str_with_body(&q.pk, "line", 4);
	msgpack_pack_int(&q.pk, 12);
	msgpack_pack_str_with_body(&q.pk, "ref", 3);
	msgpack_pack_str_with_body(&q.pk, " 2024/22 ", 9);
	msgpack_pack_str_with_body(&q.pk, "title", 5);
	msgpack_pack_str_with_body(&q.pk, "Cameras", 7);
	msgpack_pack_str_with_body(&q.pk, "text", 4);
	msgpack_pack_str_with_body(&q.pk, "Approved.", 9);
	msgpack_pack_map(&q.pk, 2);
	msgpack_pack_str_with_body(&q.pk, "line", 4);
	msgpack_pack_int(&q.pk, 20);
	msgpack_pack_str_with_body(&q.pk, "cost_pence", 10);
	msgpack_pack_int(&q.pk, 5);
	expect_ok(rq_decode(&q, &req));
	assert_int_equal(req.op, OP_IMPORT);
	assert_true(req.n[F_DRY_RUN] == 1);
	assert_true(req.n[F_DECISIONS] == 2);
	assert_int_equal(request_field_value(F_DECISIONS), RV_RAW);
	assert_int_equal(request_field_value(F_DRY_RUN), RV_BOOL);

	/* The first entry decodes with the field rules: the ref in canonical form. */
	struct codec_reader r;
	struct codec_value v;
	codec_reader_init(&r, req.s[F_DECISIONS].ptr, req.s[F_DECISIONS].len);
	codec_read(&r, &v);
	const uint8_t *at = r.p;
	codec_skip(&r);
	struct str one = {(const char *)at, (uint32_t)(r.p - at)};
	fieldset allowed = BIT(F_LINE) | BIT(F_REF) | BIT(F_TITLE) | BIT(F_TEXT);
	fieldset required = BIT(F_LINE) | BIT(F_TITLE) | BIT(F_TEXT);
	assert_int_equal(request_decode_entry(&e, one, allowed, required, err, sizeof err), 0);
	expect_str(e.s[F_REF], "2024/22");
	assert_true(e.n[F_LINE] == 12);
	/* The second has a key entries do not take, and lacks what they need. */
	at = r.p;
	codec_skip(&r);
	one = (struct str){(const char *)at, (uint32_t)(r.p - at)};
	assert_int_equal(request_decode_entry(&e, one, allowed, required, err, sizeof err),
	                 -DOCKET_EBADREQ);
	expect_err_names("cost_pence");
	assert_int_equal(request_decode_entry(&e, one, allowed | BIT(F_COST_PENCE), required, err,
	                                      sizeof err),
	                 -DOCKET_EBADREQ);
	expect_err_names("title");
	rq_free(&q);

	/* Wrong types: a string for a boolean, a map for an array. */
	rq_init(&q);
	head(&q, "import");
	kv_str(&q, "dry_run", "yes");
	assert_int_equal(rq_decode(&q, &req), -DOCKET_EBADREQ);
	expect_err_names("dry_run");
	rq_free(&q);
	rq_init(&q);
	head(&q, "item_order");
	kv_int(&q, "item", 3);
	key(&q, "refs");
	msgpack_pack_map(&q.pk, 0);
	assert_int_equal(rq_decode(&q, &req), -DOCKET_EBADREQ);
	expect_err_names("refs");
	rq_free(&q);

	/* render needs exactly one of item and source; search needs a query. */
	expect_ok(OP_WITH("render", &req, "item=#4", "format=html"));
	expect_bad(OP_WITH("render", &req, "format=html"), "render");
	expect_bad(OP_WITH("render", &req, "item=#4", "source=#1"), "render");
	expect_bad(OP_WITH("render", &req, "item=#4", "format=pdf"), "format");
	expect_ok(OP_WITH("search", &req, "query=cameras", "decided_from=2024-01-01",
	                  "decision_maker=pcc", "limit=#5"));
	expect_bad(OP_WITH("search", &req, "state=published"), "query");
	expect_bad(OP_WITH("search", &req, "query=x", "decided_to=2024-02-30"), "decided_to");
	expect_ok(OP_WITH("register", &req, "after=2024/22", "limit=#10"));
	expect_ok(op_with("imports", NULL, 0, &req));
	/* publish takes the public wording. */
	expect_ok(OP_WITH("publish", &req, "ref=2024/22", "restriction=part",
	                  "restriction_reason=r", "review_date=2030-01-01", "withheld=the sum",
	                  "public_text=Approved.", "public_justification=Reasons."));
	expect_str(req.s[F_WITHHELD], "the sum");
}

static void test_new_ops(void **state)
{
	(void)state;
	struct request req;

	expect_ok(OP_WITH("set_response_due", &req, "ref=2024/22", "response_due=2024-08-01",
	                  "expect_version=#3", "idem=k"));
	assert_int_equal(req.op, OP_SET_RESPONSE_DUE);
	expect_str(req.s[F_RESPONSE_DUE], "2024-08-01");
	expect_bad(OP_WITH("set_response_due", &req, "ref=2024/22"), "response_due");
	expect_bad(OP_WITH("set_response_due", &req, "response_due=2024-08-01"), "ref");
	expect_bad(OP_WITH("set_response_due", &req, "ref=2024/22", "response_due=2024-08-01",
	                   "review_date=2024-08-01"),
	           "review_date");
	expect_bad(OP_WITH("set_response_due", &req, "ref=2024/22", "response_due=2024-08-01",
	                   "comment=c"),
	           "comment");

	expect_ok(OP_WITH("set_review_date", &req, "ref=2024/22", "review_date=2025-01-31",
	                  "expect_version=#3", "idem=k"));
	assert_int_equal(req.op, OP_SET_REVIEW_DATE);
	expect_str(req.s[F_REVIEW_DATE], "2025-01-31");
	expect_bad(OP_WITH("set_review_date", &req, "ref=2024/22"), "review_date");
	expect_bad(OP_WITH("set_review_date", &req, "ref=2024/22", "review_date=2025-01-31",
	                   "restriction=part"),
	           "restriction");

	expect_ok(OP_WITH("meeting_postpone", &req, "meeting=#5", "reason=Not quorate",
	                  "expect_version=#2", "idem=k"));
	assert_int_equal(req.op, OP_MEETING_POSTPONE);
	assert_true(req.n[F_MEETING] == 5);
	expect_str(req.s[F_REASON], "Not quorate");
	expect_ok(OP_WITH("meeting_postpone", &req, "meeting=#5"));
	expect_bad(OP_WITH("meeting_postpone", &req, "reason=r"), "meeting");
	expect_bad(OP_WITH("meeting_postpone", &req, "meeting=#5", "starts_at=2030-01-01T10:00Z"),
	           "starts_at");

	expect_ok(OP_WITH("meeting_held", &req, "meeting=#5", "expect_version=#2", "idem=k"));
	assert_int_equal(req.op, OP_MEETING_HELD);
	expect_bad(OP_WITH("meeting_held", &req, "expect_version=#2"), "meeting");
	expect_bad(OP_WITH("meeting_held", &req, "meeting=#5", "reason=r"), "reason");
	expect_bad(OP_WITH("meeting_held", &req, "meeting=#5", "starts_at=2030-01-01T10:00Z"),
	           "starts_at");

	/* meeting_cancel takes a reason since revision 2. */
	expect_ok(OP_WITH("meeting_cancel", &req, "meeting=#5", "reason=Panel dissolved"));
	expect_str(req.s[F_REASON], "Panel dissolved");
	expect_bad(
	    OP_WITH("meeting_add", &req, "panel=p", "starts_at=2030-01-01T10:00Z", "reason=r"),
	    "reason");
	expect_bad(OP_WITH("meeting_cancel", &req, "meeting=#-1"), "meeting");

	/* Queries: no idem, no expect_version. */
	expect_ok(OP_WITH("agenda", &req, "meeting=#5"));
	assert_int_equal(req.op, OP_AGENDA);
	assert_true(req.n[F_MEETING] == 5);
	expect_ok(op_with("agenda", NULL, 0, &req));
	assert_true(req.present == 0);
	expect_bad(OP_WITH("agenda", &req, "ref=2024/22"), "ref");
	expect_bad(OP_WITH("agenda", &req, "idem=k"), "idem");

	expect_ok(OP_WITH("reminders", &req, "status=pending", "kind=meeting", "meeting=#5",
	                  "limit=#10"));
	assert_int_equal(req.op, OP_REMINDERS);
	expect_str(req.s[F_STATUS], "pending");
	expect_str(req.s[F_KIND], "meeting");
	assert_true(req.n[F_LIMIT] == 10);
	expect_ok(OP_WITH("reminders", &req, "ref=2024/22", "kind=review"));
	expect_ok(op_with("reminders", NULL, 0, &req));
	expect_bad(OP_WITH("reminders", &req, "within=#3"), "within");
	expect_bad(OP_WITH("reminders", &req, "after=2024/22"), "after");
	expect_bad(OP_WITH("reminders", &req, "expect_version=#1"), "expect_version");

	expect_ok(OP_WITH("due", &req, "within=#0"));
	assert_int_equal(req.op, OP_DUE);
	assert_true(req.present == BIT(F_WITHIN));
	assert_true(req.n[F_WITHIN] == 0);
	expect_ok(OP_WITH("due", &req, "within=#3660"));
	assert_true(req.n[F_WITHIN] == 3660);
	expect_ok(op_with("due", NULL, 0, &req));
	expect_bad(OP_WITH("due", &req, "within=#-1"), "within");
	expect_bad(OP_WITH("due", &req, "within=28"), "within");
	expect_bad(OP_WITH("due", &req, "limit=#5"), "limit");

	expect_ok(op_with("info", NULL, 0, &req));
	assert_int_equal(req.op, OP_INFO);
	assert_true(req.present == 0);
	expect_bad(OP_WITH("info", &req, "ref=2024/22"), "ref");
	expect_bad(OP_WITH("info", &req, "meeting=#1"), "meeting");

	/* list takes sort beside state, limit and after. */
	expect_ok(
	    OP_WITH("list", &req, "sort=decided", "state=published", "limit=#5", "after=2024/22"));
	expect_str(req.s[F_SORT], "decided");
	expect_bad(OP_WITH("list", &req, "kind=meeting"), "kind");
	expect_bad(OP_WITH("get", &req, "ref=2024/22", "sort=ref"), "sort");
}

/* The enumerations revision 2 added: sort, status, kind. */
static void test_new_enums(void **state)
{
	(void)state;
	struct request req;
	static const char *const sorts[] = {"ref", "decided"};
	for (size_t i = 0; i < 2; i++) {
		char kv[32];
		snprintf(kv, sizeof kv, "sort=%s", sorts[i]);
		expect_ok(OP_WITH("list", &req, kv));
		expect_str(req.s[F_SORT], sorts[i]);
	}
	static const char *const bad_sorts[] = {"Ref", "decided_on", "date", "ref ", "state", "re"};
	for (size_t i = 0; i < sizeof bad_sorts / sizeof bad_sorts[0]; i++) {
		char kv[32];
		snprintf(kv, sizeof kv, "sort=%s", bad_sorts[i]);
		expect_bad(OP_WITH("list", &req, kv), "sort");
	}

	static const char *const statuses[] = {"pending", "fired", "missed", "cancelled"};
	for (size_t i = 0; i < 4; i++) {
		char kv[32];
		snprintf(kv, sizeof kv, "status=%s", statuses[i]);
		expect_ok(OP_WITH("reminders", &req, kv));
		expect_str(req.s[F_STATUS], statuses[i]);
	}
	static const char *const bad_statuses[] = {"Pending", "due",       "canceled",
	                                           "held",    "scheduled", "fire"};
	for (size_t i = 0; i < sizeof bad_statuses / sizeof bad_statuses[0]; i++) {
		char kv[32];
		snprintf(kv, sizeof kv, "status=%s", bad_statuses[i]);
		expect_bad(OP_WITH("reminders", &req, kv), "status");
	}

	static const char *const kinds[] = {"meeting", "response", "review"};
	for (size_t i = 0; i < 3; i++) {
		char kv[32];
		snprintf(kv, sizeof kv, "kind=%s", kinds[i]);
		expect_ok(OP_WITH("reminders", &req, kv));
		expect_str(req.s[F_KIND], kinds[i]);
	}
	static const char *const bad_kinds[] = {"Meeting", "reminder", "responses", "decision"};
	for (size_t i = 0; i < sizeof bad_kinds / sizeof bad_kinds[0]; i++) {
		char kv[32];
		snprintf(kv, sizeof kv, "kind=%s", bad_kinds[i]);
		expect_bad(OP_WITH("reminders", &req, kv), "kind");
	}
	/* An enumeration is a string. */
	expect_bad(OP_WITH("reminders", &req, "kind=#1"), "kind");
	expect_bad(OP_WITH("list", &req, "sort=#0"), "sort");
}

/* The body spans, joined. */
static size_t body_of(const struct request *req, char *out, size_t cap)
{
	size_t n = 0;
	for (int i = 0; i < 2; i++) {
		if (!req->body[i].len)
			continue;
		assert_true(n + req->body[i].len <= cap);
		memcpy(out + n, req->body[i].ptr, req->body[i].len);
		n += req->body[i].len;
	}
	return n;
}

/* A submit with the given id (-1: none) at position pos (0 first, 1 middle, 2 last) and ref. */
static size_t submit_body(int64_t id, int pos, const char *ref, char *out, size_t cap)
{
	struct rq q;
	struct request req;
	rq_init(&q);
	if (id >= 0 && pos == 0)
		kv_int(&q, "id", id);
	head(&q, "submit");
	if (id >= 0 && pos == 1)
		kv_int(&q, "id", id);
	kv_str(&q, "ref", ref);
	kv_str(&q, "idem", "k1");
	if (id >= 0 && pos == 2)
		kv_int(&q, "id", id);
	assert_int_equal(rq_decode(&q, &req), 0);
	size_t n = body_of(&req, out, cap);
	/* The spans lie inside the bytes received and never include the id pair. */
	for (int i = 0; i < 2; i++)
		if (req.body[i].len)
			assert_true(req.body[i].ptr >= q.whole.data &&
			            req.body[i].ptr + req.body[i].len <=
			                q.whole.data + q.whole.size);
	assert_int_equal(n + (id >= 0 ? 3 + req.id.len : 0) + 1, q.whole.size);
	rq_free(&q);
	return n;
}

static void test_idempotency_body(void **state)
{
	(void)state;
	char a[256], b[256];
	for (int pos = 0; pos < 3; pos++) {
		size_t na = submit_body(1, pos, "2024/22", a, sizeof a);
		size_t nb = submit_body(1000000, pos, "2024/22", b, sizeof b);
		assert_int_equal(na, nb);
		assert_memory_equal(a, b, na);
		/* Without an id at all, the same. */
		nb = submit_body(-1, pos, "2024/22", b, sizeof b);
		assert_int_equal(na, nb);
		assert_memory_equal(a, b, na);
		/* Another ref is another request. */
		nb = submit_body(1, pos, "2024/23", b, sizeof b);
		assert_true(na != nb || memcmp(a, b, na) != 0);
	}

	/* An id of another type, with the same other keys. */
	struct rq q;
	struct request req;
	rq_init(&q);
	head(&q, "submit");
	kv_str(&q, "id", "a much longer string id");
	kv_str(&q, "ref", "2024/22");
	kv_str(&q, "idem", "k1");
	assert_int_equal(rq_decode(&q, &req), 0);
	size_t nb = body_of(&req, b, sizeof b);
	size_t na = submit_body(5, 1, "2024/22", a, sizeof a);
	assert_int_equal(na, nb);
	assert_memory_equal(a, b, na);
	rq_free(&q);

	/* Another idem value changes the body too. */
	rq_init(&q);
	head(&q, "submit");
	kv_int(&q, "id", 5);
	kv_str(&q, "ref", "2024/22");
	kv_str(&q, "idem", "k2");
	assert_int_equal(rq_decode(&q, &req), 0);
	nb = body_of(&req, b, sizeof b);
	assert_true(na != nb || memcmp(a, b, na) != 0);
	rq_free(&q);
}

static int decode_raw(const void *p, size_t n, struct request *req)
{
	return request_decode(req, p, n, err, sizeof err);
}

static void test_not_a_map(void **state)
{
	(void)state;
	struct request req;
	static const uint8_t array[] = {0x92, 0xa1, 'v', 0x01};
	assert_int_equal(decode_raw(array, sizeof array, &req), -DOCKET_EBADREQ);
	assert_int_equal(req.op, -1);
	static const uint8_t str[] = {0xa3, 'g', 'e', 't'};
	assert_int_equal(decode_raw(str, sizeof str, &req), -DOCKET_EBADREQ);
	static const uint8_t one[] = {0x01};
	assert_int_equal(decode_raw(one, 1, &req), -DOCKET_EBADREQ);
	static const uint8_t nil[] = {0xc0};
	assert_int_equal(decode_raw(nil, 1, &req), -DOCKET_EBADREQ);
	assert_int_equal(decode_raw("", 0, &req), -DOCKET_EBADREQ);
	static const uint8_t empty_map[] = {0x80};
	assert_int_equal(decode_raw(empty_map, 1, &req), -DOCKET_EBADREQ);
	/* Not msgpack at all, or cut short, or followed by more. */
	static const uint8_t c1[] = {0xc1};
	assert_int_equal(decode_raw(c1, 1, &req), -DOCKET_EBADREQ);
	static const uint8_t cut[] = {0x82, 0xa1, 'v', 0x01, 0xa2, 'o'};
	assert_int_equal(decode_raw(cut, sizeof cut, &req), -DOCKET_EBADREQ);
	static const uint8_t get[] = {0x83, 0xa1, 'v',  0x01, 0xa2, 'o', 'p',  0xa3, 'g',
	                              'e',  't',  0xa3, 'r',  'e',  'f', 0xa1, 'R'};
	assert_int_equal(decode_raw(get, sizeof get, &req), 0);
	uint8_t trailing[sizeof get + 1];
	memcpy(trailing, get, sizeof get);
	trailing[sizeof get] = 0xc0;
	assert_int_equal(decode_raw(trailing, sizeof trailing, &req), -DOCKET_EBADREQ);
	/* A request nested deeper than 8 levels is too large. */
	struct rq q;
	rq_init(&q);
	head(&q, "get");
	kv_str(&q, "ref", "R");
	key(&q, "id");
	for (int i = 0; i < 8; i++)
		msgpack_pack_array(&q.pk, 1);
	msgpack_pack_nil(&q.pk);
	assert_int_equal(rq_decode(&q, &req), -DOCKET_ETOOLARGE);
	rq_free(&q);
	/* Seven levels under the map is the limit. */
	rq_init(&q);
	head(&q, "get");
	kv_str(&q, "ref", "R");
	key(&q, "id");
	for (int i = 0; i < 7; i++)
		msgpack_pack_array(&q.pk, 1);
	msgpack_pack_nil(&q.pk);
	assert_int_equal(rq_decode(&q, &req), 0);
	rq_free(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_valid_draft),
	    cmocka_unit_test(test_other_ops_decode),
	    cmocka_unit_test(test_missing_v),
	    cmocka_unit_test(test_version),
	    cmocka_unit_test(test_version_minus_one),
	    cmocka_unit_test(test_unknown_op),
	    cmocka_unit_test(test_unknown_key),
	    cmocka_unit_test(test_id_any_type),
	    cmocka_unit_test(test_duplicate_key),
	    cmocka_unit_test(test_duplicate_op),
	    cmocka_unit_test(test_duplicate_v),
	    cmocka_unit_test(test_duplicate_id),
	    cmocka_unit_test(test_wrong_types),
	    cmocka_unit_test(test_keys_must_be_strings),
	    cmocka_unit_test(test_field_not_for_op),
	    cmocka_unit_test(test_missing_required),
	    cmocka_unit_test(test_amend_needs_a_field),
	    cmocka_unit_test(test_report_ref_or_item),
	    cmocka_unit_test(test_dates),
	    cmocka_unit_test(test_times),
	    cmocka_unit_test(test_enums),
	    cmocka_unit_test(test_ref),
	    cmocka_unit_test(test_ref_c1_controls),
	    cmocka_unit_test(test_ref_normalised),
	    cmocka_unit_test(test_ref_refused),
	    cmocka_unit_test(test_business_dates),
	    cmocka_unit_test(test_new_ops),
	    cmocka_unit_test(test_documents_ops),
	    cmocka_unit_test(test_new_enums),
	    cmocka_unit_test(test_lines_and_text),
	    cmocka_unit_test(test_utf8),
	    cmocka_unit_test(test_string_limits),
	    cmocka_unit_test(test_idempotency_body),
	    cmocka_unit_test(test_not_a_map),
	    cmocka_unit_test(test_notification_ops),
	};
	return cmocka_run_group_tests(tests, NULL, free_last);
}
