/* Online backups: SQLite's backup API on a thread, one read transaction, the copy checked. */
#define _GNU_SOURCE /* renameat2 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <msgpack.h>
#include <pthread.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backup.h"
#include "smallfile.h"
#include "docket/error.h"
#include "log.h"
#include "pack.h"
#include "proto.h"
#include "wallclock.h"

/* Pages copied per step: between steps the thread looks whether docketd is stopping. */
#define STEP_PAGES 1024

struct job {
	char path[PATH_MAX];
	char tmp[PATH_MAX + 8];
	bool force;
	zmq_msg_t route;
	int delimiter;
	char *id;            /* the request's id, raw msgpack; NULL: none */
	size_t id_len;
	int rc;              /* 0 or a DOCKET_E* code, negative */
	char err[768];
	struct backup_record rec;
};

struct backup {
	char db_path[PATH_MAX];
	char record_path[PATH_MAX];
	void *router;
	struct zmq_watch *watch;
	int efd;                 /* the thread says it is done */
	struct event *done;
	pthread_t thread;
	bool running;            /* a thread to join (the loop's) */
	atomic_bool stop;
	struct job job;
	struct backup_record last;
};

static void hex(const uint8_t *bin, size_t len, char *out, size_t cap)
{
	sodium_bin2hex(out, cap, bin, len);
}

static int fail(struct job *j, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(struct job *j, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(j->err, sizeof j->err, fmt, ap);
	va_end(ap);
	return j->rc = code;
}

int backup_check(sqlite3 *db, struct chain_report *r, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	memset(r, 0, sizeof *r);
	if (sqlite3_prepare_v2(db, "PRAGMA integrity_check(1)", -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot check the copy: %s", sqlite3_errmsg(db));
		return -DOCKET_EPRECONDITION;
	}
	int rc = sqlite3_step(st);
	const char *said = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
	if (!said || strcmp(said, "ok") != 0) {
		snprintf(err, errlen, "the copy is damaged: %s", said ? said : sqlite3_errmsg(db));
		sqlite3_finalize(st);
		return -DOCKET_EPRECONDITION;
	}
	sqlite3_finalize(st);
	if (chain_walk(db, 0, r) < 0) {
		snprintf(err, errlen, "cannot read the copy's log: %s", sqlite3_errmsg(db));
		return -DOCKET_ESTORAGE;
	}
	if (r->bad_seq) {
		snprintf(err, errlen, "the copy's log does not verify: seq %lld: %s",
			 (long long)r->bad_seq, r->why);
		return -DOCKET_EPRECONDITION;
	}
	return 0;
}

int backup_record_write(const char *path, const struct backup_record *r)
{
	char head[2 * CHAIN_HASH_LEN + 1], text[PATH_MAX + 256];
	hex(r->head, sizeof r->head, head, sizeof head);
	int len = snprintf(text, sizeof text, "path %s\nat %s\nseq %lld\nbytes %lld\nhead %s\n",
			   r->path, r->at, (long long)r->seq, (long long)r->bytes, head);
	if (len < 0 || len >= (int)sizeof text)
		return -DOCKET_ETOOLARGE;
	return smallfile_replace(path, text, (size_t)len, 0640) < 0 ? -DOCKET_ESYS : 0;
}

/* The record file, one "key value" a line; a missing or unreadable one is no backup. */
static void record_read(const char *path, struct backup_record *r)
{
	char line[PATH_MAX + 16];
	memset(r, 0, sizeof *r);
	FILE *f = fopen(path, "re");
	if (!f)
		return;
	int have = 0;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		char *v = strchr(line, ' ');
		if (!v)
			continue;
		*v++ = '\0';
		size_t used = 0;
		if (strcmp(line, "path") == 0 && snprintf(r->path, sizeof r->path, "%s", v) > 0)
			have |= 1;
		else if (strcmp(line, "at") == 0 && snprintf(r->at, sizeof r->at, "%s", v) > 0)
			have |= 2;
		else if (strcmp(line, "seq") == 0 && sscanf(v, "%" SCNd64, &r->seq) == 1)
			have |= 4;
		else if (strcmp(line, "bytes") == 0 && sscanf(v, "%" SCNd64, &r->bytes) == 1)
			have |= 8;
		else if (strcmp(line, "head") == 0 &&
			 sodium_hex2bin(r->head, sizeof r->head, v, strlen(v), NULL, &used, NULL) ==
				 0 &&
			 used == sizeof r->head)
			have |= 16;
	}
	fclose(f);
	r->set = have == 31;
	if (!r->set)
		log_msg(LOG_WARNING, "%s is not a backup record: the last backup is not known", path);
}

/* Sync a file, or a directory, by name. */
static int sync_path(const char *path, int flags)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | flags);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	int saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

static void dir_of(const char *path, char *dir, size_t cap)
{
	snprintf(dir, cap, "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash == dir)
		dir[1] = '\0';
	else if (slash)
		*slash = '\0';
}

/*
 * The pages, STEP_PAGES at a time, all inside one read transaction of the
 * source: a WAL reader sees one snapshot however long the copy takes, and
 * commits go on meanwhile.
 */
static int copy_pages(struct backup *b, struct job *j, sqlite3 *src, sqlite3 *dst)
{
	if (sqlite3_exec(src, "BEGIN; SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL) !=
	    SQLITE_OK)
		return fail(j, -DOCKET_ESTORAGE, "cannot read the database: %s",
			    sqlite3_errmsg(src));
	sqlite3_backup *bk = sqlite3_backup_init(dst, "main", src, "main");
	if (!bk) {
		sqlite3_exec(src, "ROLLBACK", NULL, NULL, NULL);
		return fail(j, -DOCKET_ESTORAGE, "cannot start the copy: %s", sqlite3_errmsg(dst));
	}
	int rc;
	while ((rc = sqlite3_backup_step(bk, STEP_PAGES)) == SQLITE_OK && !atomic_load(&b->stop))
		;
	sqlite3_backup_finish(bk);
	sqlite3_exec(src, "ROLLBACK", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		return fail(j, -DOCKET_ESTORAGE, "docketd stopped before the copy was made");
	if (rc != SQLITE_DONE)
		return fail(j, -DOCKET_ESTORAGE, "cannot write %s: %s", j->tmp,
			    sqlite3_errmsg(dst));
	return 0;
}

/*
 * The copy as one file: its header still says WAL, from the source's
 * pages; opened again and put in rollback mode it needs no -wal beside it.
 * Then checked as a restore will check it.
 */
static int settle(struct job *j)
{
	sqlite3 *db = NULL;
	struct chain_report r;
	char err[512];
	int rc = 0;
	if (sqlite3_open_v2(j->tmp, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) != SQLITE_OK)
		rc = fail(j, -DOCKET_ESTORAGE, "cannot make %s a single file: %s", j->tmp,
			  db ? sqlite3_errmsg(db) : "out of memory");
	else if (backup_check(db, &r, err, sizeof err) < 0)
		rc = fail(j, -DOCKET_ESTORAGE, "%s", err);
	sqlite3_close(db);
	if (rc == 0) {
		j->rec.seq = r.head_seq;
		memcpy(j->rec.head, r.head_hash, sizeof j->rec.head);
	}
	return rc;
}

/* PATH.tmp synced, renamed to PATH, its directory synced. */
static int install(struct job *j)
{
	char dir[PATH_MAX];
	struct stat sb;
	if (sync_path(j->tmp, 0) < 0 || stat(j->tmp, &sb) < 0)
		return fail(j, -DOCKET_ESTORAGE, "cannot sync %s: %s", j->tmp, strerror(errno));
	j->rec.bytes = sb.st_size;
	int rc = j->force ? rename(j->tmp, j->path)
			  : renameat2(AT_FDCWD, j->tmp, AT_FDCWD, j->path, RENAME_NOREPLACE);
	if (rc < 0 && errno == EEXIST)
		return fail(j, -DOCKET_ECONFLICT, "%s exists (force replaces it)", j->path);
	if (rc < 0)
		return fail(j, -DOCKET_ESTORAGE, "cannot rename %s to %s: %s", j->tmp, j->path,
			    strerror(errno));
	dir_of(j->path, dir, sizeof dir);
	if (sync_path(dir, O_DIRECTORY) < 0)
		return fail(j, -DOCKET_ESTORAGE, "cannot sync %s: %s", dir, strerror(errno));
	return 0;
}

static void *run(void *arg)
{
	struct backup *b = arg;
	struct job *j = &b->job;
	sqlite3 *src = NULL, *dst = NULL;
	/* PATH.tmp is docketd's while it writes: one left by a copy cut short goes. */
	unlink(j->tmp);
	int fd = open(j->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	if (fd < 0) {
		fail(j, -DOCKET_ESTORAGE, "cannot create %s: %s", j->tmp, strerror(errno));
		goto out;
	}
	close(fd);
	if (sqlite3_open_v2(b->db_path, &src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_open_v2(j->tmp, &dst, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		fail(j, -DOCKET_ESTORAGE, "cannot open the database and its copy: %s",
		     src ? sqlite3_errmsg(dst ? dst : src) : "out of memory");
		goto out;
	}
	sqlite3_busy_timeout(src, 2000);
	if (copy_pages(b, j, src, dst) < 0)
		goto out;
	sqlite3_close(dst);
	dst = NULL;
	if (settle(j) < 0 || install(j) < 0)
		goto out;
	wallclock_now(j->rec.at);
	snprintf(j->rec.path, sizeof j->rec.path, "%s", j->path);
	j->rec.set = true;
	if (backup_record_write(b->record_path, &j->rec) < 0)
		log_msg(LOG_WARNING, "cannot record the backup in %s: %s", b->record_path,
			strerror(errno));
out:
	sqlite3_close(src);
	sqlite3_close(dst);
	if (j->rc < 0) {
		unlink(j->tmp);
		/* A copy made in WAL mode before it failed leaves these beside it. */
		char side[PATH_MAX + 16];
		snprintf(side, sizeof side, "%s-journal", j->tmp);
		unlink(side);
	}
	uint64_t one = 1;
	if (write(b->efd, &one, sizeof one) < 0)
		log_msg(LOG_ERR, "cannot wake the loop after a backup: %s", strerror(errno));
	return NULL;
}

/* The reply, as batch.c writes one: v, id, ok, then the result or error. */
static void send_reply(struct backup *b, struct job *j)
{
	msgpack_sbuffer buf;
	msgpack_packer pk;
	char head[2 * CHAIN_HASH_LEN + 1];
	msgpack_sbuffer_init(&buf);
	msgpack_packer_init(&pk, &buf, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, j->rc == 0 ? 7 : 4);
	pack_cstr(&pk, "v");
	msgpack_pack_int(&pk, PROTO_VERSION);
	pack_cstr(&pk, "id");
	if (j->id)
		pack_raw(&pk, j->id, j->id_len);
	else
		msgpack_pack_nil(&pk);
	pack_cstr(&pk, "ok");
	if (j->rc == 0) {
		msgpack_pack_true(&pk);
		hex(j->rec.head, sizeof j->rec.head, head, sizeof head);
		pack_cstr(&pk, "path");
		pack_cstr(&pk, j->rec.path);
		pack_cstr(&pk, "seq");
		msgpack_pack_int64(&pk, j->rec.seq);
		pack_cstr(&pk, "bytes");
		msgpack_pack_int64(&pk, j->rec.bytes);
		pack_cstr(&pk, "head");
		pack_cstr(&pk, head);
	} else {
		msgpack_pack_false(&pk);
		pack_cstr(&pk, "error");
		msgpack_pack_map(&pk, 2);
		pack_cstr(&pk, "code");
		pack_cstr(&pk, docket_error_name(j->rc));
		pack_cstr(&pk, "message");
		pack_cstr(&pk, j->err);
	}
	/* As every reply: ROUTER drops one to a peer that has gone. */
	if (zmq_msg_send(&j->route, b->router, ZMQ_SNDMORE | ZMQ_DONTWAIT) >= 0) {
		if (j->delimiter)
			zmq_send(b->router, "", 0, ZMQ_SNDMORE | ZMQ_DONTWAIT);
		zmq_send(b->router, buf.data, buf.size, ZMQ_DONTWAIT);
	}
	zmq_watch_check(b->watch);
	msgpack_sbuffer_destroy(&buf);
}

/* The thread is done: answer, remember, forget the job. */
static void finish(struct backup *b)
{
	struct job *j = &b->job;
	pthread_join(b->thread, NULL);
	b->running = false;
	if (j->rc == 0) {
		b->last = j->rec;
		log_msg(LOG_INFO, "backup written to %s: seq %lld, %lld bytes", j->rec.path,
			(long long)j->rec.seq, (long long)j->rec.bytes);
	} else {
		log_msg(LOG_WARNING, "backup to %s refused: %s", j->path, j->err);
	}
	send_reply(b, j);
	zmq_msg_close(&j->route);
	free(j->id);
	j->id = NULL;
}

static void on_done(evutil_socket_t fd, short what, void *arg)
{
	(void)what;
	struct backup *b = arg;
	uint64_t n;
	if (read(fd, &n, sizeof n) < 0 || !b->running)
		return;
	finish(b);
}

int backup_open(struct backup **out, struct event_base *base, const char *db_path,
		const char *state_dir, void *router, struct zmq_watch *watch, char *err,
		size_t errlen)
{
	*out = NULL;
	struct backup *b = calloc(1, sizeof *b);
	if (!b) {
		snprintf(err, errlen, "out of memory");
		return -DOCKET_ENOMEM;
	}
	snprintf(b->db_path, sizeof b->db_path, "%s", db_path);
	snprintf(b->record_path, sizeof b->record_path, "%s/" BACKUP_RECORD_FILE, state_dir);
	b->router = router;
	b->watch = watch;
	atomic_init(&b->stop, false);
	b->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (b->efd < 0 || !(b->done = event_new(base, b->efd, EV_READ | EV_PERSIST, on_done, b)) ||
	    event_add(b->done, NULL) < 0) {
		snprintf(err, errlen, "cannot make the backup's wake-up: %s", strerror(errno));
		backup_close(&b);
		return -DOCKET_ESYS;
	}
	record_read(b->record_path, &b->last);
	*out = b;
	return 0;
}

bool backup_busy(const struct backup *b)
{
	return b->running;
}

int backup_start(struct backup *b, const char *path, bool force, zmq_msg_t *route, int delimiter,
		 struct str id)
{
	if (b->running)
		return -DOCKET_ECONFLICT;
	struct job *j = &b->job;
	memset(j, 0, sizeof *j);
	snprintf(j->path, sizeof j->path, "%s", path);
	snprintf(j->tmp, sizeof j->tmp, "%s.tmp", path);
	j->force = force;
	j->delimiter = delimiter;
	if (id.len && !(j->id = malloc(id.len)))
		return -DOCKET_ENOMEM;
	if (id.len)
		memcpy(j->id, id.ptr, id.len);
	j->id_len = id.len;
	zmq_msg_init(&j->route);
	zmq_msg_copy(&j->route, route);
	int rc = pthread_create(&b->thread, NULL, run, b);
	if (rc != 0) {
		zmq_msg_close(&j->route);
		free(j->id);
		j->id = NULL;
		errno = rc;
		return -DOCKET_ESYS;
	}
	b->running = true;
	return 0;
}

const struct backup_record *backup_last(const struct backup *b)
{
	return &b->last;
}

void backup_close(struct backup **bp)
{
	struct backup *b = *bp;
	if (!b)
		return;
	if (b->running) {
		/* Its reply says it was cut short, while the socket is still open. */
		atomic_store(&b->stop, true);
		finish(b);
	}
	if (b->done)
		event_free(b->done);
	if (b->efd >= 0)
		close(b->efd);
	free(b);
	*bp = NULL;
}
