/*
 * Durability: every acknowledged change survives kill -9, and the log goes
 * on after a restart without a gap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define N 200
#define SUBMITS (N / 2)
#define SUBMITS_ACKED (N / 4)

struct decision {
	char ref[16];
	int64_t version;  /* acknowledged */
	int64_t seq[2];   /* acknowledged seqs: drafted, submitted */
	bool submit_sent; /* a submit went out; its reply may not have come */
	uint64_t id[2];   /* request ids of the draft and the submit */
};

static struct decision *by_id(struct decision *ds, uint64_t id, int which)
{
	for (int i = 0; i < N; i++)
		if (ds[i].id[which] == id && (which == 0 || ds[i].submit_sent))
			return &ds[i];
	return NULL;
}

static int cmp_seq(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/*
 * After a restart: every acknowledged change is there, unacknowledged ones
 * at most once, and the log is 1..total with no gap. Returns total.
 */
static int64_t verify(struct h_daemon *d, struct decision *ds)
{
	int64_t *seqs = calloc(2 * N, sizeof *seqs);
	int64_t nseq = 0, versions = 0;
	assert_non_null(seqs);

	docket_msg *m = NULL;
	assert_int_equal(h_call(d, &m, "list", "#limit", "1000", NULL), 0);
	assert_int_equal(docket_msg_count(m, "decisions"), N);
	assert_null(h_str(m, "next"));
	docket_msg_destroy(&m);

	for (int i = 0; i < N; i++) {
		struct decision *x = &ds[i];
		assert_int_equal(h_call(d, &m, "get", "ref", x->ref, NULL), 0);
		int64_t v = h_int(m, "decision.version");
		const char *st = h_str(m, "decision.state");
		assert_non_null(st);
		if (v == x->version) {
			H_ASSERT_STR(st, x->version == 1 ? "draft" : "submitted");
		} else {
			/* Only a submit whose reply never came may have landed unacknowledged. */
			if (!(x->submit_sent && x->version == 1 && v == 2))
				fail_msg("%s: version %lld, acknowledged %lld", x->ref,
				         (long long)v, (long long)x->version);
			H_ASSERT_STR(st, "submitted");
		}
		versions += v;
		docket_msg_destroy(&m);

		assert_int_equal(h_call(d, &m, "history", "ref", x->ref, NULL), 0);
		assert_int_equal(docket_msg_count(m, "events"), v);
		for (int k = 0; k < v; k++) {
			char p[48];
			snprintf(p, sizeof p, "events.%d.seq", k);
			int64_t seq = h_int(m, p);
			/* An acknowledged event keeps the seq its reply gave. */
			if (k < x->version)
				assert_int_equal(seq, x->seq[k]);
			snprintf(p, sizeof p, "events.%d.version", k);
			assert_int_equal(h_int(m, p), k + 1);
			seqs[nseq++] = seq;
		}
		docket_msg_destroy(&m);
	}
	assert_int_equal(nseq, versions);
	qsort(seqs, (size_t)nseq, sizeof *seqs, cmp_seq);
	for (int64_t i = 0; i < nseq; i++)
		if (seqs[i] != i + 1)
			fail_msg("the log has a gap: position %lld holds seq %lld", (long long)i,
			         (long long)seqs[i]);
	free(seqs);
	return nseq;
}

static void test_kill9_keeps_acknowledged(void **state)
{
	struct h_daemon *d = *state;
	struct decision *ds = calloc(N, sizeof *ds);
	assert_non_null(ds);

	/* N drafts in flight at once; every reply must come and be accepted. */
	for (int i = 0; i < N; i++) {
		snprintf(ds[i].ref, sizeof ds[i].ref, "D-%03d", i);
		docket_request *r =
		    h_req("draft", "ref", ds[i].ref, "title", "Title", "text", "t", "justification",
		          "j", "decision_maker", "pcc", "category", "other", NULL);
		assert_int_equal(docket_client_send(d->client, r, &ds[i].id[0]), 0);
		docket_request_destroy(&r);
	}
	for (int i = 0; i < N; i++) {
		docket_msg *m = NULL;
		uint64_t id;
		assert_int_equal(docket_client_recv(d->client, &m, &id), 0);
		assert_true(docket_msg_ok(m));
		struct decision *x = by_id(ds, id, 0);
		assert_non_null(x);
		H_ASSERT_STR(h_str(m, "decision.ref"), x->ref);
		assert_int_equal(h_int(m, "decision.version"), 1);
		x->version = 1;
		x->seq[0] = h_int(m, "seq");
		/* Replies to one connection come in request order. */
		assert_ptr_equal(x, &ds[i]);
		docket_msg_destroy(&m);
	}

	/* Submits for half of them; take only some replies, then kill -9. */
	for (int i = 0; i < SUBMITS; i++) {
		struct decision *x = &ds[2 * i];
		docket_request *r = h_req("submit", "ref", x->ref, NULL);
		assert_int_equal(docket_client_send(d->client, r, &x->id[1]), 0);
		x->submit_sent = true;
		docket_request_destroy(&r);
	}
	for (int i = 0; i < SUBMITS_ACKED; i++) {
		docket_msg *m = NULL;
		uint64_t id;
		assert_int_equal(docket_client_recv(d->client, &m, &id), 0);
		assert_true(docket_msg_ok(m));
		struct decision *x = by_id(ds, id, 1);
		assert_non_null(x);
		assert_int_equal(h_int(m, "decision.version"), 2);
		x->version = 2;
		x->seq[1] = h_int(m, "seq");
		docket_msg_destroy(&m);
	}
	h_kill9(d);
	assert_int_equal(d->status, 128 + 9);

	assert_int_equal(h_start(d), 0);
	int64_t total = verify(d, ds);
	assert_true(total >= N + SUBMITS_ACKED);

	/* The next event continues the log. */
	docket_msg *m = NULL;
	assert_int_equal(h_draft(d, "after-kill", &m), 0);
	assert_int_equal(h_int(m, "seq"), total + 1);
	docket_msg_destroy(&m);

	/* A clean stop and start changes nothing either. */
	assert_int_equal(h_restart(d), 0);
	assert_int_equal(h_call(d, &m, "get", "ref", "after-kill", NULL), 0);
	assert_int_equal(h_int(m, "decision.version"), 1);
	docket_msg_destroy(&m);
	assert_int_equal(h_draft(d, "after-restart", &m), 0);
	assert_int_equal(h_int(m, "seq"), total + 2);
	docket_msg_destroy(&m);
	free(ds);
	H_PASS(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_kill9_keeps_acknowledged, h_setup_started,
	                                    h_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
