/*
 * Backup and restore: a copy made online while several clients' commands
 * run, restored into a fresh state directory and served again with every
 * command acknowledged up to its seq; copies that fail their checks are
 * refused and change nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "harness.h"

/* Drafts before the backup: enough pages that the copy takes a while. */
#define PREFILL 2000
#define CLIENTS 3
#define INFLIGHT 32
/* Acknowledged drafts of the whole test, at most. */
#define MAX_ACKED 20000
/* In every draft's justification and in its event: bytes to damage in a copy. */
#define MARK "Quokka-marker-for-damage"

struct acked {
	char ref[24];
	int64_t seq;
};

struct run {
	struct acked *acked;
	size_t n;
	unsigned next; /* the next ref's number */
};

static docket_request *draft_req(struct run *r, char *ref, size_t size)
{
	static char justification[1600];
	if (!justification[0]) {
		size_t n = 0;
		while (n + sizeof MARK + 1 < sizeof justification)
			n += (size_t)snprintf(justification + n, sizeof justification - n, "%s ", MARK);
	}
	snprintf(ref, size, "BK-%05u", r->next++);
	return h_req("draft", "ref", ref, "title", "Body worn cameras roll out", "text",
	             "The Commissioner has endorsed the roll out.", "justification", justification,
	             "decision_maker", "pcc", "category", "spend", NULL);
}

/* A draft in flight: its request id and ref. */
struct slot {
	uint64_t id;
	char ref[24];
};

static void send_draft(struct run *r, docket_client *c, struct slot *s)
{
	docket_request *q = draft_req(r, s->ref, sizeof s->ref);
	assert_int_equal(docket_client_send(c, q, &s->id), 0);
	docket_request_destroy(&q);
}

/* Receive one reply on c for a slot of slots (n of them): it must be an accepted draft. */
static struct slot *recv_draft(struct run *r, docket_client *c, struct slot *slots, size_t n)
{
	docket_msg *m = NULL;
	uint64_t id;
	int rc = docket_client_recv(c, &m, &id);
	if (rc != 0)
		fail_msg("no reply to a draft: %s", docket_strerror(rc));
	if (!docket_msg_ok(m))
		fail_msg("draft refused: %s", docket_msg_error_message(m));
	struct slot *s = NULL;
	for (size_t i = 0; i < n && !s; i++)
		if (slots[i].id == id)
			s = &slots[i];
	assert_non_null(s);
	H_ASSERT_STR(h_str(m, "decision.ref"), s->ref);
	assert_true(r->n < MAX_ACKED);
	snprintf(r->acked[r->n].ref, sizeof r->acked[r->n].ref, "%s", s->ref);
	r->acked[r->n++].seq = h_int(m, "seq");
	docket_msg_destroy(&m);
	return s;
}

/* count drafts on c, INFLIGHT at a time, all acknowledged. */
static void pump(struct run *r, docket_client *c, int count)
{
	struct slot slots[INFLIGHT];
	int sent = 0, got = 0;
	for (; sent < count && sent < INFLIGHT; sent++)
		send_draft(r, c, &slots[sent]);
	while (got < count) {
		struct slot *s = recv_draft(r, c, slots, (size_t)(sent < INFLIGHT ? sent : INFLIGHT));
		got++;
		if (sent < count) {
			send_draft(r, c, s);
			sent++;
		}
	}
}

static void path_in(const struct h_daemon *d, const char *name, char *out, size_t size)
{
	snprintf(out, size, "%s/%s", d->dir, name);
}

/* docketd --restore file --state-dir dir; returns its exit status, stderr to *err. */
static int restore(const char *file, const char *dir, char **err)
{
	struct h_proc p;
	const char *argv[] = {DOCKETD_PATH, "--restore", file, "--state-dir", dir, NULL};
	assert_int_equal(h_run(&p, argv, NULL, 60000), 0);
	int st = p.status;
	*err = p.err;
	p.err = NULL;
	h_proc_free(&p);
	return st;
}

/* PRAGMA integrity_check of a database file, read only. */
static void assert_intact(const char *path)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	H_ASSERT_STR((const char *)sqlite3_column_text(st, 0), "ok");
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void test_backup_while_commands_run(void **state)
{
	struct h_daemon *d = *state;
	struct run r = {.acked = calloc(MAX_ACKED, sizeof(struct acked))};
	assert_non_null(r.acked);
	pump(&r, d->client, PREFILL);

	docket_client *c[CLIENTS];
	struct slot slots[CLIENTS][INFLIGHT];
	int inflight[CLIENTS];
	for (int i = 0; i < CLIENTS; i++) {
		assert_int_equal(docket_client_new(&c[i], d->cmd), 0);
		for (int k = 0; k < INFLIGHT; k++)
			send_draft(&r, c[i], &slots[i][k]);
		inflight[i] = INFLIGHT;
	}

	char copy[300];
	path_in(d, "copy.db", copy, sizeof copy);
	docket_request *q = h_req("backup", "path", copy, NULL);
	uint64_t backup_id;
	assert_int_equal(docket_client_send(d->client, q, &backup_id), 0);
	docket_request_destroy(&q);
	docket_client_set_timeout(d->client, 0);

	/*
	 * The clients keep sending while the backup is made: each reply is
	 * followed by a new draft until the backup's reply has come.
	 */
	size_t before = r.n;
	docket_msg *b = NULL;
	int64_t seq = -1;
	size_t after_copy = 0; /* acknowledged past the copy's seq before the backup answered */
	for (;;) {
		int pending = 0;
		for (int i = 0; i < CLIENTS; i++) {
			if (!inflight[i])
				continue;
			struct slot *s = recv_draft(&r, c[i], slots[i], INFLIGHT);
			inflight[i]--;
			if (!b) {
				send_draft(&r, c[i], s);
				inflight[i]++;
			}
			pending += inflight[i];
		}
		if (!b) {
			uint64_t id;
			int rc = docket_client_recv(d->client, &b, &id);
			if (rc == 0) {
				assert_int_equal(id, backup_id);
				if (!docket_msg_ok(b))
					fail_msg("backup refused: %s", docket_msg_error_message(b));
				seq = h_int(b, "seq");
				for (size_t k = before; k < r.n; k++)
					after_copy += r.acked[k].seq > seq;
			} else {
				assert_int_equal(rc, -DOCKET_ETIMEDOUT);
			}
		}
		if (b && !pending)
			break;
	}
	docket_client_set_timeout(d->client, H_WAIT_MS);
	for (int i = 0; i < CLIENTS; i++)
		docket_client_destroy(&c[i]);
	print_message("backup at seq %lld while %zu drafts were answered, %zu of them after it\n",
	              (long long)seq, r.n - before, after_copy);
	assert_true(seq >= PREFILL);
	assert_true(after_copy > 0);
	H_ASSERT_STR(h_str(b, "path"), copy);
	assert_int_equal(strlen(h_str(b, "head")), 64);
	struct stat sb;
	assert_int_equal(stat(copy, &sb), 0);
	assert_int_equal(h_int(b, "bytes"), sb.st_size);
	/* Written by docketd with its own mode, and a single file: no WAL beside it. */
	assert_int_equal(sb.st_mode & 0777, 0640);
	char side[320];
	snprintf(side, sizeof side, "%s-wal", copy);
	assert_int_not_equal(access(side, F_OK), 0);
	snprintf(side, sizeof side, "%s.tmp", copy);
	assert_int_not_equal(access(side, F_OK), 0);
	assert_intact(copy);

	/* Into a fresh state directory, and served there. */
	struct h_daemon *p = h_peer(d);
	assert_non_null(p);
	char *err = NULL;
	assert_int_equal(restore(copy, p->state_dir, &err), 0);
	H_ASSERT_CONTAINS(err, "restored");
	free(err);
	assert_int_equal(h_start(p), 0);

	docket_msg *m = NULL;
	size_t in = 0, out = 0;
	for (size_t k = 0; k < r.n; k++) {
		int rc = h_call(p, &m, "get", "ref", r.acked[k].ref, NULL);
		if (r.acked[k].seq <= seq) {
			if (rc != 0)
				fail_msg("%s (seq %lld) is missing from the copy at seq %lld",
				         r.acked[k].ref, (long long)r.acked[k].seq, (long long)seq);
			in++;
		} else {
			/* Committed after the copy's snapshot: not in it. */
			assert_int_equal(rc, -DOCKET_ENOTFOUND);
			out++;
		}
		docket_msg_destroy(&m);
	}
	assert_true(in >= PREFILL);
	assert_int_equal(h_call(p, &m, "status", NULL), 0);
	assert_int_equal(h_int(m, "last_seq"), seq);
	docket_msg_destroy(&m);

	/* The log verifies, to the watermark the restore set. */
	struct h_proc v;
	assert_int_equal(h_cli(p, &v, "verify", "--state-dir", p->state_dir, NULL), 0);
	assert_int_equal(v.status, 0);
	char head[64];
	snprintf(head, sizeof head, "head seq %lld,", (long long)seq);
	H_ASSERT_CONTAINS(v.out, head);
	H_ASSERT_CONTAINS(v.out, h_str(b, "head"));
	h_proc_free(&v);

	/* It goes on from there. */
	assert_int_equal(h_draft(p, "after-restore", &m), 0);
	assert_int_equal(h_int(m, "seq"), seq + 1);
	docket_msg_destroy(&m);
	docket_msg_destroy(&b);
	free(r.acked);
	H_PASS(d);
}

/* Every copy of MARK in the file at path overwritten: the events' bodies among them. */
static void damage_marks(const char *path)
{
	size_t len;
	char *buf = h_read_file(path, &len);
	assert_non_null(buf);
	int hits = 0;
	for (size_t i = 0; i + sizeof MARK - 1 <= len; i++)
		if (memcmp(buf + i, MARK, sizeof MARK - 1) == 0) {
			buf[i] = 'X';
			hits++;
		}
	assert_true(hits > 0);
	assert_int_equal(h_write_bytes(path, buf, len), 0);
	free(buf);
}

static void copy_file(const char *from, const char *to)
{
	size_t len;
	char *buf = h_read_file(from, &len);
	assert_non_null(buf);
	assert_int_equal(h_write_bytes(to, buf, len), 0);
	free(buf);
}

static void assert_same_file(const char *path, const char *was, size_t was_len)
{
	size_t len;
	char *now = h_read_file(path, &len);
	assert_non_null(now);
	assert_int_equal(len, was_len);
	assert_memory_equal(now, was, len);
	free(now);
}

/* The state directory holds no file whose name starts with prefix. */
static void assert_no_file(const char *dir, const char *name)
{
	char path[400];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (access(path, F_OK) == 0)
		fail_msg("%s is there", path);
}

static void test_damaged_copy_refused(void **state)
{
	struct h_daemon *d = *state;
	struct run r = {.acked = calloc(MAX_ACKED, sizeof(struct acked))};
	assert_non_null(r.acked);
	pump(&r, d->client, 40);

	char copy[300], bad[300], path[400];
	path_in(d, "good.db", copy, sizeof copy);
	docket_msg *m = NULL;
	assert_int_equal(h_call(d, &m, "backup", "path", copy, NULL), 0);
	int64_t seq = h_int(m, "seq");
	assert_int_equal(seq, 40);
	docket_msg_destroy(&m);

	/* A restore into the running docketd's own directory is refused: its lock says so. */
	char *err = NULL;
	assert_int_equal(restore(copy, d->state_dir, &err), 75);
	H_ASSERT_CONTAINS(err, "stop docketd first");
	free(err);
	assert_int_equal(h_call(d, &m, "get", "ref", "BK-00000", NULL), 0);
	docket_msg_destroy(&m);

	/* A peer directory with a database restored in it, which the refusals must leave. */
	struct h_daemon *p = h_peer(d);
	assert_non_null(p);
	assert_int_equal(restore(copy, p->state_dir, &err), 0);
	free(err);
	snprintf(path, sizeof path, "%s/docket.db", p->state_dir);
	size_t db_len, mark_len;
	char *db = h_read_file(path, &db_len);
	snprintf(path, sizeof path, "%s/watermark", p->state_dir);
	char *mark = h_read_file(path, &mark_len);
	assert_non_null(db);
	assert_non_null(mark);

	/* Events whose bodies were changed: the chain does not verify. */
	path_in(d, "events-changed.db", bad, sizeof bad);
	copy_file(copy, bad);
	damage_marks(bad);
	assert_int_equal(restore(bad, p->state_dir, &err), 65);
	H_ASSERT_CONTAINS(err, "does not verify");
	free(err);

	/* A b-tree page's header overwritten: the integrity check finds it. */
	path_in(d, "page-damaged.db", bad, sizeof bad);
	copy_file(copy, bad);
	size_t len;
	char *buf = h_read_file(bad, &len);
	assert_true(len > 3 * 4096);
	memset(buf + 2 * 4096, 0x5a, 16);
	assert_int_equal(h_write_bytes(bad, buf, len), 0);
	free(buf);
	assert_int_equal(restore(bad, p->state_dir, &err), 65);
	H_ASSERT_CONTAINS(err, "restore refused");
	free(err);

	/* Not a database at all. */
	path_in(d, "not-a-database.db", bad, sizeof bad);
	assert_int_equal(h_write_bytes(bad, "hello\n", 6), 0);
	assert_int_equal(restore(bad, p->state_dir, &err), 65);
	H_ASSERT_CONTAINS(err, "not a docket database");
	free(err);

	/* A file that is not there. */
	path_in(d, "missing.db", bad, sizeof bad);
	assert_int_equal(restore(bad, p->state_dir, &err), 66);
	free(err);

	/* Nothing changed: the database, the watermark, no file left behind or moved aside. */
	snprintf(path, sizeof path, "%s/docket.db", p->state_dir);
	assert_same_file(path, db, db_len);
	snprintf(path, sizeof path, "%s/watermark", p->state_dir);
	assert_same_file(path, mark, mark_len);
	assert_no_file(p->state_dir, "docket.db.restoring");
	assert_no_file(p->state_dir, "docket.db-wal");
	free(db);
	free(mark);

	/* The good copy again: the database there is moved aside, not lost. */
	assert_int_equal(restore(copy, p->state_dir, &err), 0);
	H_ASSERT_CONTAINS(err, "the database before it is ");
	char aside[400];
	snprintf(aside, sizeof aside, "%s", strstr(err, "the database before it is ") + 26);
	aside[strcspn(aside, "\n")] = '\0';
	assert_int_equal(access(aside, F_OK), 0);
	free(err);
	assert_int_equal(h_start(p), 0);
	assert_int_equal(h_call(p, &m, "get", "ref", "BK-00039", NULL), 0);
	docket_msg_destroy(&m);
	free(r.acked);
	H_PASS(d);
}

/* docket backup: a relative PATH made absolute; an existing file refused unless --force. */
static void test_cli_backup(void **state)
{
	struct h_daemon *d = *state;
	struct h_proc p;
	char copy[300], *cwd = getcwd(NULL, 0);
	assert_non_null(cwd);
	assert_int_equal(h_draft(d, "CLI-1", NULL), 0);
	assert_int_equal(chdir(d->dir), 0);
	assert_int_equal(h_cli(d, &p, "backup", "cli.db", NULL), 0);
	assert_int_equal(p.status, 0);
	path_in(d, "cli.db", copy, sizeof copy);
	char want[400];
	snprintf(want, sizeof want, "backup: %s\n", copy);
	H_ASSERT_CONTAINS(p.out, want);
	H_ASSERT_CONTAINS(p.out, "seq: 1\n");
	h_proc_free(&p);

	assert_int_equal(h_cli(d, &p, "backup", "cli.db", NULL), 0);
	assert_int_equal(p.status, 1);
	H_ASSERT_CONTAINS(p.err, "conflict");
	h_proc_free(&p);

	assert_int_equal(h_draft(d, "CLI-2", NULL), 0);
	assert_int_equal(h_cli(d, &p, "--json", "backup", "--force", "cli.db", NULL), 0);
	assert_int_equal(p.status, 0);
	json_t *j = h_json(p.out);
	assert_non_null(j);
	assert_int_equal(h_jint(j, "seq"), 2);
	H_ASSERT_STR(h_jstr(j, "path"), copy);
	json_decref(j);
	h_proc_free(&p);
	assert_int_equal(chdir(cwd), 0);
	free(cwd);

	/* docketd's own checks: an absolute name, outside its state directory. */
	docket_msg *m = h_refuse(d, DOCKET_EBADREQ, "backup", "path", "relative.db", NULL);
	docket_msg_destroy(&m);
	char inside[300];
	snprintf(inside, sizeof inside, "%s/copy.db", d->state_dir);
	m = h_refuse(d, DOCKET_EBADREQ, "backup", "path", inside, NULL);
	H_ASSERT_CONTAINS(docket_msg_error_message(m), "state directory");
	docket_msg_destroy(&m);
	m = h_refuse(d, DOCKET_EPRECONDITION, "backup", "path", "/no/such/dir/x.db", NULL);
	docket_msg_destroy(&m);
	H_PASS(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_backup_while_commands_run, h_setup_started,
	                                    h_teardown),
	    cmocka_unit_test_setup_teardown(test_damaged_copy_refused, h_setup_started, h_teardown),
	    cmocka_unit_test_setup_teardown(test_cli_backup, h_setup_started, h_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
