/*
 * Storage hygiene: docketd refuses a database it cannot trust or write,
 * holds its state directory against a second docketd, keeps it from other
 * users, and never acknowledges a change whose commit failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "harness.h"

/* Files a test made immutable (chattr +i), made mutable again before the directory goes. */
static char immutable[4][300];

/* Set or clear FS_IMMUTABLE_FL on path. 0, or -1 with errno (no capability, no support). */
static int set_immutable(const char *path, bool on)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -1;
	int flags = 0, rc = ioctl(fd, FS_IOC_GETFLAGS, &flags);
	if (rc == 0) {
		flags = on ? flags | FS_IMMUTABLE_FL : flags & ~FS_IMMUTABLE_FL;
		rc = ioctl(fd, FS_IOC_SETFLAGS, &flags);
	}
	int saved = errno;
	close(fd);
	errno = saved;
	if (rc == 0 && on)
		for (size_t i = 0; i < sizeof immutable / sizeof *immutable; i++)
			if (!immutable[i][0]) {
				snprintf(immutable[i], sizeof immutable[i], "%s", path);
				break;
			}
	return rc;
}

static int teardown(void **state)
{
	struct h_daemon *d = *state;
	for (size_t i = 0; i < sizeof immutable / sizeof *immutable; i++)
		if (immutable[i][0]) {
			set_immutable(immutable[i], false);
			immutable[i][0] = '\0';
		}
	/* A tmpfs a test mounted on the state directory; lazily, as docketd may still hold it. */
	if (d)
		umount2(d->state_dir, MNT_DETACH);
	return h_teardown(state);
}

static void db_path(const struct h_daemon *d, char *out, size_t n, const char *suffix)
{
	snprintf(out, n, "%s/docket.db%s", d->state_dir, suffix);
}

/* The page size and the root page of table name, read with SQLite's own connection. */
static void root_page(struct h_daemon *d, const char *name, int64_t *page_size, int64_t *root)
{
	char path[300];
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	db_path(d, path, sizeof path, "");
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "SELECT (SELECT page_size FROM pragma_page_size),"
	                                    " rootpage FROM sqlite_schema WHERE name = ?1",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	*page_size = sqlite3_column_int64(st, 0);
	*root = sqlite3_column_int64(st, 1);
	sqlite3_finalize(st);
	/* The last connection to close folds the WAL into the file: the page is in the file. */
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	assert_true(*page_size >= 512 && *root > 1);
}

/* Overwrite page pgno of the stopped docketd's database with noise (fixed seed). */
static void damage_page(struct h_daemon *d, int64_t page_size, int64_t pgno)
{
	char path[300];
	unsigned char junk[65536];
	uint32_t x = 2463534242u;
	assert_true(page_size <= (int64_t)sizeof junk);
	for (int64_t i = 0; i < page_size; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		junk[i] = (unsigned char)x;
	}
	db_path(d, path, sizeof path, "");
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, junk, (size_t)page_size, (off_t)((pgno - 1) * page_size)),
	                 page_size);
	assert_int_equal(fsync(fd), 0);
	close(fd);
}

/* docketd must refuse to start with status and say needles on stderr. */
static void refused(struct h_daemon *d, int status, const char *const *needles)
{
	assert_int_equal(h_write_bytes(d->stderr_path, "", 0), 0);
	int rc = h_start(d);
	if (rc == 0)
		fail_msg("docketd started; it should have refused with %d", status);
	assert_int_equal(rc, -1);
	assert_int_equal(d->status, status);
	char *err = h_stderr(d);
	for (size_t i = 0; needles[i]; i++)
		H_ASSERT_CONTAINS(err, needles[i]);
	free(err);
}

#define NEEDLES(...) ((const char *const[]){__VA_ARGS__, NULL})

static void drafts(struct h_daemon *d, const char *prefix, int n)
{
	for (int i = 0; i < n; i++) {
		char ref[32];
		snprintf(ref, sizeof ref, "%s-%03d", prefix, i);
		assert_int_equal(h_draft(d, ref, NULL), 0);
	}
}

/*
 * The log's pages damaged: SELECT max(seq) FROM events fails. docketd must
 * not number the log from 1 again. With the page check off, the read of
 * the last seq is what refuses; with it on, the check refuses first.
 */
static void test_unreadable_log_refused(void **state)
{
	struct h_daemon *d = *state;
	int64_t page_size, root;
	assert_int_equal(h_start(d), 0);
	drafts(d, "D", 3);
	assert_int_equal(h_stop(d, H_WAIT_MS), 0);
	root_page(d, "events", &page_size, &root);
	damage_page(d, page_size, root);

	assert_int_equal(h_write_config(d, "[docketd]\nstart_check_ms = 0\n"), 0);
	refused(d, EX_DATAERR, NEEDLES("last seq", "malformed"));
	assert_int_equal(h_write_config(d, "[docketd]\n"), 0);
	refused(d, EX_DATAERR, NEEDLES("quick_check", "Page"));
	H_PASS(d);
}

/* A damaged page of decisions: PRAGMA quick_check refuses it before anything is served or written.
 */
static void test_damaged_pages_refused(void **state)
{
	struct h_daemon *d = *state;
	int64_t page_size, root;
	char path[300];
	size_t before_len, after_len;
	assert_int_equal(h_start(d), 0);
	/* Enough decisions that their table has pages under its root. */
	drafts(d, "P", 60);
	assert_int_equal(h_stop(d, H_WAIT_MS), 0);
	root_page(d, "decisions", &page_size, &root);
	damage_page(d, page_size, root);
	db_path(d, path, sizeof path, "");
	char *before = h_read_file(path, &before_len);
	assert_non_null(before);

	refused(d, EX_DATAERR, NEEDLES("cannot open the database", "quick_check found"));
	/* Refused before a migration or a change could write into it. */
	char *after = h_read_file(path, &after_len);
	assert_non_null(after);
	assert_int_equal(after_len, before_len);
	assert_memory_equal(after, before, before_len);
	free(before);
	free(after);
	H_PASS(d);
}

/*
 * Grow the stopped docketd's database by rows idempotency keys would
 * leave: many small cells, the costliest kind of page to check.
 */
static void grow(struct h_daemon *d, int rows)
{
	char path[300], sql[512];
	sqlite3 *db = NULL;
	db_path(d, path, sizeof path, "");
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	snprintf(sql, sizeof sql,
	         "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d)"
	         " INSERT INTO idempotency (principal, key, request, result, pairs)"
	         " SELECT 'office', 'key-' || i, randomblob(60), randomblob(40), 1 FROM n",
	         rows);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		fail_msg("cannot grow the database: %s", sqlite3_errmsg(db));
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

/* On a large file the check stops at start_check_ms, says so, and docketd starts. */
static void test_check_cut_short(void **state)
{
	struct h_daemon *d = *state;
	assert_int_equal(h_start(d), 0);
	assert_int_equal(h_draft(d, "L-1", NULL), 0);
	assert_int_equal(h_stop(d, H_WAIT_MS), 0);
	/* About 40 MB: a check of a few hundred milliseconds, hundreds of times the bound. */
	grow(d, 250000);

	/* Under the default bound the whole file is checked. */
	assert_int_equal(h_write_bytes(d->stderr_path, "", 0), 0);
	assert_int_equal(h_start(d), 0);
	char *err = h_stderr(d);
	if (strstr(err, "cut short"))
		fail_msg("the check of a healthy 40 MB file was cut short:\n%s", err);
	free(err);
	assert_int_equal(h_stop(d, H_WAIT_MS), 0);

	assert_int_equal(h_write_config(d, "[docketd]\nstart_check_ms = 1\n"), 0);
	assert_int_equal(h_write_bytes(d->stderr_path, "", 0), 0);
	assert_int_equal(h_start(d), 0);
	err = h_stderr(d);
	H_ASSERT_CONTAINS(err, "cut short after 1 ms");
	free(err);
	docket_msg *m = NULL;
	assert_int_equal(h_call(d, &m, "get", "ref", "L-1", NULL), 0);
	docket_msg_destroy(&m);
	H_PASS(d);
}

/*
 * A database docketd cannot write: SQLite would open it read-only and
 * docketd refuse every change. Mode 0444 stops anyone but root; root is
 * stopped by the immutable attribute, where the file system has one.
 */
static void test_readonly_database_refused(void **state)
{
	struct h_daemon *d = *state;
	char path[300];
	assert_int_equal(h_start(d), 0);
	int64_t seq =
	    h_change(d, "meeting_add", "panel", "P", "starts_at", "2030-01-01T10:00Z", NULL);
	assert_int_equal(h_stop(d, H_WAIT_MS), 0);
	db_path(d, path, sizeof path, "");
	assert_int_equal(chmod(path, 0440), 0);
	if (geteuid() == 0 && set_immutable(path, true) < 0) {
		fprintf(stderr,
		        "test_readonly_database_refused: skipped: running as root, and "
		        "chattr +i on %s failed (%s), so nothing makes the file read-only\n",
		        path, strerror(errno));
		H_PASS(d);
		skip();
	}
	refused(d, EX_CANTCREAT, NEEDLES(path, "readonly"));

	/* Writable again, docketd starts and the log goes on from where it was. */
	if (geteuid() == 0)
		assert_int_equal(set_immutable(path, false), 0);
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(h_start(d), 0);
	assert_int_equal(
	    h_change(d, "meeting_add", "panel", "P", "starts_at", "2030-01-02T10:00Z", NULL),
	    seq + 1);
	H_PASS(d);
}

/* The lock is the directory's: deleting docketd.lock does not let a second docketd in. */
static void test_lock_without_lock_file(void **state)
{
	struct h_daemon *d = *state;
	char lock[300];
	assert_int_equal(h_start(d), 0);
	snprintf(lock, sizeof lock, "%s/docketd.lock", d->state_dir);
	if (unlink(lock) < 0 && errno != ENOENT)
		fail_msg("cannot delete %s: %s", lock, strerror(errno));

	struct h_daemon *two = h_peer(d);
	assert_non_null(two);
	snprintf(two->state_dir, sizeof two->state_dir, "%s", d->state_dir);
	int rc = h_start(two);
	if (rc == 0)
		fail_msg("a second docketd started on %s once docketd.lock was deleted",
		         d->state_dir);
	assert_int_equal(rc, -1);
	assert_int_equal(two->status, EX_TEMPFAIL);
	char *err = h_stderr(two);
	H_ASSERT_CONTAINS(err, "in use");
	free(err);
	assert_int_equal(h_draft(d, "still-here", NULL), 0);

	/* The first one gone, the lock goes with it. */
	assert_int_equal(h_stop(d, H_WAIT_MS), 0);
	assert_int_equal(h_start(two), 0);
	docket_msg *m = NULL;
	assert_int_equal(h_call(two, &m, "get", "ref", "still-here", NULL), 0);
	docket_msg_destroy(&m);
	H_PASS(d);
}

static unsigned mode_of(const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0)
		fail_msg("cannot stat %s: %s", path, strerror(errno));
	return (unsigned)(st.st_mode & 07777);
}

/* A state directory and files open to other users are closed, with a warning for each. */
static void test_loose_modes_repaired(void **state)
{
	struct h_daemon *d = *state;
	char db[300], notes[300], secret[300], wal[300];
	assert_int_equal(mkdir(d->state_dir, 0700), 0);
	assert_int_equal(chmod(d->state_dir, 0777), 0);
	assert_int_equal(h_start(d), 0);
	char *err = h_stderr(d);
	H_ASSERT_CONTAINS(err, "had mode 0777");
	H_ASSERT_CONTAINS(err, "now 0750");
	free(err);
	assert_int_equal(mode_of(d->state_dir), 0750);
	assert_int_equal(h_draft(d, "M-1", NULL), 0);
	assert_int_equal(h_stop(d, H_WAIT_MS), 0);

	db_path(d, db, sizeof db, "");
	snprintf(notes, sizeof notes, "%s/notes.txt", d->state_dir);
	snprintf(secret, sizeof secret, "%s/secret.key", d->state_dir);
	assert_int_equal(h_write_bytes(notes, "x", 1), 0);
	assert_int_equal(h_write_bytes(secret, "x", 1), 0);
	assert_int_equal(chmod(db, 0666), 0);
	assert_int_equal(chmod(notes, 0604), 0);
	assert_int_equal(chmod(secret, 0600), 0);
	assert_int_equal(chmod(d->state_dir, 0755), 0);

	assert_int_equal(h_write_bytes(d->stderr_path, "", 0), 0);
	assert_int_equal(h_start(d), 0);
	err = h_stderr(d);
	H_ASSERT_CONTAINS(err, "docket.db had mode 0666");
	H_ASSERT_CONTAINS(err, "now 0640");
	H_ASSERT_CONTAINS(err, "notes.txt had mode 0604");
	H_ASSERT_CONTAINS(err, "had mode 0755");
	if (strstr(err, "secret.key"))
		fail_msg("a key file of mode 0600 was changed:\n%s", err);
	free(err);
	assert_int_equal(mode_of(d->state_dir), 0750);
	assert_int_equal(mode_of(db), 0640);
	/* Bits are only ever taken away: 0604 loses the others' read, gains no group read. */
	assert_int_equal(mode_of(notes), 0600);
	assert_int_equal(mode_of(secret), 0600);
	/* SQLite gives the -wal it makes the database's mode. */
	assert_int_equal(h_draft(d, "M-2", NULL), 0);
	db_path(d, wal, sizeof wal, "-wal");
	assert_int_equal(mode_of(wal) & ~0640u, 0);
	H_PASS(d);
}

/* A mode docketd cannot change (the file is immutable) refuses the start, saying what to do. */
static void test_unrepairable_mode_refused(void **state)
{
	struct h_daemon *d = *state;
	char notes[300];
	assert_int_equal(mkdir(d->state_dir, 0750), 0);
	snprintf(notes, sizeof notes, "%s/notes.txt", d->state_dir);
	assert_int_equal(h_write_bytes(notes, "x", 1), 0);
	assert_int_equal(chmod(notes, 0666), 0);
	if (set_immutable(notes, true) < 0) {
		fprintf(stderr,
		        "test_unrepairable_mode_refused: skipped: chattr +i on %s failed "
		        "(%s), and a file of another owner needs root to make\n",
		        notes, strerror(errno));
		H_PASS(d);
		skip();
	}
	refused(d, EX_NOPERM, NEEDLES("notes.txt has mode 0666", "cannot change it"));
	assert_int_equal(mode_of(notes), 0666);
	H_PASS(d);
}

/* Make docketd's writes fail (on) or succeed again (off), by its file size limit. */
static void fsize_limit(struct h_daemon *d, bool on)
{
	struct rlimit r;
	assert_int_equal(prlimit(d->pid, RLIMIT_FSIZE, NULL, &r), 0);
	r.rlim_cur = on ? 0 : r.rlim_max;
	assert_int_equal(prlimit(d->pid, RLIMIT_FSIZE, &r, NULL), 0);
}

/*
 * Send n drafts at once while writes fail: every reply must say storage,
 * none ok. The drafts' text is large so that the commit must grow the WAL.
 */
static void drafts_refused(struct h_daemon *d, int n)
{
	static char text[60001];
	memset(text, 'w', sizeof text - 1);
	uint64_t ids[8];
	assert_true(n <= 8);
	for (int i = 0; i < n; i++) {
		char ref[16];
		snprintf(ref, sizeof ref, "lost-%d", i);
		docket_request *r =
		    h_req("draft", "ref", ref, "title", "Lost", "text", text, "justification", text,
		          "decision_maker", "pcc", "category", "other", NULL);
		assert_int_equal(docket_client_send(d->client, r, &ids[i]), 0);
		docket_request_destroy(&r);
	}
	for (int i = 0; i < n; i++) {
		docket_msg *m = NULL;
		uint64_t id;
		assert_int_equal(docket_client_recv(d->client, &m, &id), 0);
		if (docket_msg_ok(m))
			fail_msg("a draft was acknowledged though its commit could not be written");
		H_ASSERT_STR(docket_msg_error_code(m), "storage");
		docket_msg_destroy(&m);
	}
}

/*
 * After the failure: the next change takes the seq the lost ones would
 * have had, it is the first event a subscriber sees, the lost drafts are
 * nowhere, and the log has no gap.
 */
static void after_failure(struct h_daemon *d, docket_sub *sub, int64_t last)
{
	docket_msg *m = NULL, *ev = NULL;
	assert_int_equal(h_draft(d, "after", &m), 0);
	assert_int_equal(h_int(m, "seq"), last + 1);
	docket_msg_destroy(&m);
	assert_int_equal(docket_sub_recv(sub, &ev, H_WAIT_MS), 0);
	assert_int_equal(h_int(ev, "seq"), last + 1);
	H_ASSERT_STR(h_str(ev, "ref"), "after");
	docket_msg_destroy(&ev);
	assert_int_equal(h_call(d, &m, "get", "ref", "lost-0", NULL), -DOCKET_ENOTFOUND);
	docket_msg_destroy(&m);
	json_t *log = h_log_read(d);
	assert_int_equal(json_array_size(log), last + 1);
	json_decref(log);
}

/* A commit that cannot be written (EFBIG past the file size limit) is never acknowledged. */
static void test_failed_commit_not_acknowledged(void **state)
{
	struct h_daemon *d = *state;
	docket_sub *sub = NULL;
	docket_msg *m = NULL;
	assert_int_equal(h_draft(d, "before", &m), 0);
	int64_t last = h_int(m, "seq");
	docket_msg_destroy(&m);
	assert_int_equal(docket_sub_new(&sub, d->ev, NULL, H_WAIT_MS), 0);

	fsize_limit(d, true);
	drafts_refused(d, 3);
	assert_true(h_alive(d));
	fsize_limit(d, false);
	after_failure(d, sub, last);
	docket_sub_destroy(&sub);
	H_PASS(d);
}

/* The same with a full file system (ENOSPC): a small tmpfs as the state directory, as root. */
static void test_full_disk_not_acknowledged(void **state)
{
	struct h_daemon *d = *state;
	char filler[300];
	assert_int_equal(mkdir(d->state_dir, 0750), 0);
	if (mount("docket-test", d->state_dir, "tmpfs", MS_NOSUID | MS_NODEV, "size=4m,mode=0750") <
	    0) {
		fprintf(stderr,
		        "test_full_disk_not_acknowledged: skipped: cannot mount a tmpfs (%s)\n",
		        strerror(errno));
		H_PASS(d);
		skip();
	}
	assert_int_equal(h_start(d), 0);
	docket_sub *sub = NULL;
	docket_msg *m = NULL;
	assert_int_equal(h_draft(d, "before", &m), 0);
	int64_t last = h_int(m, "seq");
	docket_msg_destroy(&m);
	assert_int_equal(docket_sub_new(&sub, d->ev, NULL, H_WAIT_MS), 0);

	/* Fill the file system to its last block. */
	snprintf(filler, sizeof filler, "%s/filler", d->state_dir);
	int fd = open(filler, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	static char block[65536];
	for (size_t chunk = sizeof block; chunk > 0;)
		if (write(fd, block, chunk) < 0)
			chunk /= 2;
	close(fd);

	drafts_refused(d, 3);
	assert_true(h_alive(d));
	assert_int_equal(unlink(filler), 0);
	after_failure(d, sub, last);
	docket_sub_destroy(&sub);
	H_PASS(d);
}

int main(void)
{
	/*
	 * A mount namespace of our own, while the process has one thread, so
	 * that a tmpfs a test mounts is seen by its docketd and no one else.
	 * Without the privilege the tmpfs test skips itself.
	 */
	if (unshare(CLONE_NEWNS) == 0)
		mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_unreadable_log_refused, h_setup, teardown),
	    cmocka_unit_test_setup_teardown(test_damaged_pages_refused, h_setup, teardown),
	    cmocka_unit_test_setup_teardown(test_check_cut_short, h_setup, teardown),
	    cmocka_unit_test_setup_teardown(test_readonly_database_refused, h_setup, teardown),
	    cmocka_unit_test_setup_teardown(test_lock_without_lock_file, h_setup, teardown),
	    cmocka_unit_test_setup_teardown(test_loose_modes_repaired, h_setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unrepairable_mode_refused, h_setup, teardown),
	    cmocka_unit_test_setup_teardown(test_failed_commit_not_acknowledged, h_setup_started,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_full_disk_not_acknowledged, h_setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
