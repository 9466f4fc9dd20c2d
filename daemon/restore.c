/* docketd --restore: check a backup before anything changes, then put it in place. */
#define _GNU_SOURCE /* renameat2 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "backup.h"
#include "chain.h"
#include "docket/error.h"
#include "log.h"
#include "restore.h"
#include "smallfile.h"
#include "state.h"
#include "store.h"

#define DB "docket.db"
#define INCOMING DB ".restoring"

/* file copied to path (0640) and synced. 0, or -1 (what names the side that failed). */
static int copy_file(const char *file, const char *path, const char **what)
{
	char buf[65536];
	int in = open(file, O_RDONLY | O_CLOEXEC), out = -1, rc = -1;
	*what = file;
	if (in < 0)
		return -1;
	*what = path;
	unlink(path);
	if ((out = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640)) < 0)
		goto done;
	for (;;) {
		ssize_t n = read(in, buf, sizeof buf);
		if (n < 0) {
			*what = file;
			goto done;
		}
		if (n == 0)
			break;
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(out, buf + off, (size_t)(n - off));
			if (w < 0)
				goto done;
			off += w;
		}
	}
	rc = fsync(out);
done:;
	int saved = errno;
	close(in);
	if (out >= 0)
		close(out);
	errno = saved;
	return rc;
}

static void remove_db(const char *path)
{
	char side[PATH_MAX + 16];
	unlink(path);
	for (const char *const *s = (const char *const[]){"-journal", "-wal", "-shm", NULL}; *s;
	     s++) {
		snprintf(side, sizeof side, "%s%s", path, *s);
		unlink(side);
	}
}

/*
 * The copy as docketd will open it: a single file in rollback mode (a
 * copy taken in WAL mode is folded back first), whole, its chain verified
 * from seq 1, and of a schema this build knows.
 */
static int check(const char *path, struct chain_report *r, char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int rc = -DOCKET_EPRECONDITION;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		snprintf(err, errlen, "it is not a docket database: %s",
			 db ? sqlite3_errmsg(db) : "out of memory");
		goto out;
	}
	int64_t version = sqlite3_column_int64(st, 0);
	if (version < 1 || version > STORE_SCHEMA_VERSION) {
		snprintf(err, errlen,
			 "its schema version is %lld; this docketd reads 1 to %d",
			 (long long)version, STORE_SCHEMA_VERSION);
		goto out;
	}
	rc = backup_check(db, r, err, errlen);
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}

/* The watermark at the copy's head, both slots, through a temporary file. */
static int write_mark(const char *dir, const struct chain_report *r)
{
	char path[PATH_MAX];
	uint8_t slots[CHAIN_MARK_SLOTS * CHAIN_MARK_SLOT];
	struct chain_mark m = {.seq = r->head_seq};
	memcpy(m.hash, r->head_hash, CHAIN_HASH_LEN);
	for (int i = 0; i < CHAIN_MARK_SLOTS; i++)
		chain_mark_encode(&m, slots + i * CHAIN_MARK_SLOT);
	snprintf(path, sizeof path, "%s/" CHAIN_MARK_FILE, dir);
	return smallfile_replace(path, slots, sizeof slots, 0640);
}

/* The database there now, and its WAL, under one new name: SQLite can open the pair again. */
static int move_aside(const char *dir, char *aside, size_t cap)
{
	char db[PATH_MAX], from[PATH_MAX + 8], to[PATH_MAX + 80], stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", gmtime_r(&now, &tm));
	snprintf(db, sizeof db, "%s/" DB, dir);
	if (access(db, F_OK) < 0) {
		aside[0] = '\0';
		return 0;
	}
	/* Never over an earlier one: two restores within a second get -2, -3... */
	int rc = -1;
	for (int n = 1; rc < 0 && n < 100; n++) {
		if (n == 1)
			snprintf(aside, cap, "%s.before-restore-%s", db, stamp);
		else
			snprintf(aside, cap, "%s.before-restore-%s-%d", db, stamp, n);
		rc = renameat2(AT_FDCWD, db, AT_FDCWD, aside, RENAME_NOREPLACE);
		if (rc < 0 && errno != EEXIST)
			return -1;
	}
	if (rc < 0)
		return -1;
	snprintf(from, sizeof from, "%s-wal", db);
	if (snprintf(to, sizeof to, "%s-wal", aside) >= (int)sizeof to) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (rename(from, to) < 0 && errno != ENOENT)
		return -1;
	/* The shared memory index is rebuilt from the WAL by whoever opens it next. */
	snprintf(from, sizeof from, "%s-shm", db);
	unlink(from);
	snprintf(from, sizeof from, "%s-journal", db);
	unlink(from);
	return 0;
}

static int sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

int restore_run(const char *file, const char *dir)
{
	struct state st;
	char err[2048], incoming[PATH_MAX], db[PATH_MAX], aside[PATH_MAX + 64];
	char head[2 * CHAIN_HASH_LEN + 1];
	struct chain_report r;
	const char *what;
	int rc = state_open(&st, dir, err, sizeof err);
	if (rc < 0) {
		log_msg(LOG_ERR, "restore refused: %s%s", err,
			rc == -DOCKET_ECONFLICT ? " (stop docketd first)" : "");
		state_close(&st);
		return rc == -DOCKET_ECONFLICT ? EX_TEMPFAIL : EX_CANTCREAT;
	}
	snprintf(incoming, sizeof incoming, "%s/" INCOMING, dir);
	snprintf(db, sizeof db, "%s/" DB, dir);
	/* Checked as a copy in the state directory: the bytes checked are the bytes installed. */
	if (copy_file(file, incoming, &what) < 0) {
		int bad_input = what == file;
		log_msg(LOG_ERR, "restore refused: cannot %s %s: %s", bad_input ? "read" : "write",
			what, strerror(errno));
		remove_db(incoming);
		state_close(&st);
		return bad_input ? EX_NOINPUT : EX_CANTCREAT;
	}
	if (check(incoming, &r, err, sizeof err) < 0) {
		log_msg(LOG_ERR, "restore refused: %s: %s; nothing changed", file, err);
		remove_db(incoming);
		state_close(&st);
		return EX_DATAERR;
	}
	if (move_aside(dir, aside, sizeof aside) < 0 || rename(incoming, db) < 0 ||
	    sync_dir(dir) < 0) {
		log_msg(LOG_ERR, "cannot put the copy in place as %s: %s", db, strerror(errno));
		state_close(&st);
		return EX_CANTCREAT;
	}
	/* Else docketd would refuse the older log at start, as behind its watermark. */
	if (write_mark(dir, &r) < 0 || sync_dir(dir) < 0) {
		log_msg(LOG_ERR, "the copy is %s but the watermark %s/" CHAIN_MARK_FILE
			" cannot be written: %s", db, dir, strerror(errno));
		state_close(&st);
		return EX_CANTCREAT;
	}
	sodium_bin2hex(head, sizeof head, r.head_hash, CHAIN_HASH_LEN);
	log_msg(LOG_NOTICE,
		"restored %s as %s: %lld events verified, head seq %lld, hash %s; watermark set "
		"to seq %lld%s%s",
		file, db, (long long)r.events, (long long)r.head_seq, head, (long long)r.head_seq,
		aside[0] ? "; the database before it is " : "", aside);
	state_close(&st);
	return EX_OK;
}
