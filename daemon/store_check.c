/* The checks store_open makes before docketd trusts a database with a change. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "docket/error.h"
#include "journal.h"
#include "log.h"
#include "store_int.h"

int store_check_refusal(sqlite3 *db)
{
	switch (db ? sqlite3_errcode(db) : SQLITE_NOMEM) {
	case SQLITE_READONLY:
	case SQLITE_CANTOPEN:
	case SQLITE_PERM:
	case SQLITE_FULL:
		return -DOCKET_ESYS;
	default:
		return -DOCKET_ESTORAGE;
	}
}

int store_check_writable(sqlite3 *db, const char *path, char *err, size_t errlen)
{
	/*
	 * SQLite opens a file it may not write read-only, without a word, and
	 * in WAL mode even BEGIN IMMEDIATE succeeds: only the first change
	 * would fail, and every one after it.
	 */
	if (sqlite3_db_readonly(db, "main") != 1)
		return 0;
	const char *why = access(path, W_OK) < 0 ? strerror(errno) : NULL;
	snprintf(err, errlen, "cannot write the database %s: %s%s%s", path,
	         sqlite3_errstr(SQLITE_READONLY), why ? ": " : "", why ? why : "");
	return -DOCKET_ESYS;
}

/*
 * SQLite 3.40 walks the b-trees of PRAGMA quick_check inside one step of
 * its virtual machine, where no progress handler is called: only
 * sqlite3_interrupt, which may come from another thread, stops it. A
 * thread of the check's own waits out the budget and interrupts it; it
 * is gone before the check returns, long before the event loop starts.
 */
struct budget {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct timespec end; /* CLOCK_MONOTONIC */
	sqlite3 *db;
	int done;  /* the check returned */
	int spent; /* the budget ran out first, and the check was interrupted */
};

static void later(struct timespec *t, long ms)
{
	t->tv_sec += ms / 1000;
	t->tv_nsec += ms % 1000 * 1000000;
	if (t->tv_nsec >= 1000000000) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000;
	}
}

static void *watch(void *arg)
{
	struct budget *b = arg;
	pthread_mutex_lock(&b->mu);
	while (!b->done && pthread_cond_timedwait(&b->cv, &b->mu, &b->end) != ETIMEDOUT)
		;
	/*
	 * SQLite forgets an interrupt that comes before the check's first step
	 * (a slow start, a busy machine): say it again every millisecond until
	 * the check returns.
	 */
	while (!b->done) {
		sqlite3_interrupt(b->db);
		b->spent = 1;
		clock_gettime(CLOCK_MONOTONIC, &b->end);
		later(&b->end, 1);
		pthread_cond_timedwait(&b->cv, &b->mu, &b->end);
	}
	pthread_mutex_unlock(&b->mu);
	return NULL;
}

static int budget_start(struct budget *b, sqlite3 *db, unsigned ms, pthread_t *t)
{
	pthread_condattr_t ca;
	memset(b, 0, sizeof *b);
	b->db = db;
	clock_gettime(CLOCK_MONOTONIC, &b->end);
	later(&b->end, (long)ms);
	if (pthread_condattr_init(&ca) != 0)
		return -1;
	int rc = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != 0 ||
	         pthread_cond_init(&b->cv, &ca) != 0;
	pthread_condattr_destroy(&ca);
	if (rc)
		return -1;
	if (pthread_mutex_init(&b->mu, NULL) != 0) {
		pthread_cond_destroy(&b->cv);
		return -1;
	}
	if (pthread_create(t, NULL, watch, b) != 0) {
		pthread_mutex_destroy(&b->mu);
		pthread_cond_destroy(&b->cv);
		return -1;
	}
	return 0;
}

/* Stop the watch; after this no interrupt can come. Returns whether one came. */
static int budget_stop(struct budget *b, pthread_t t)
{
	pthread_mutex_lock(&b->mu);
	b->done = 1;
	pthread_cond_signal(&b->cv);
	pthread_mutex_unlock(&b->mu);
	pthread_join(t, NULL);
	pthread_mutex_destroy(&b->mu);
	pthread_cond_destroy(&b->cv);
	return b->spent;
}

/* Append a finding to err, after "; " when it holds one already, on one line for the log. */
static void add_line(char *err, size_t errlen, const char *line)
{
	size_t n = strlen(err);
	if (n + 1 >= errlen)
		return;
	snprintf(err + n, errlen - n, "%s%s", n ? "; " : "", line);
	for (char *p = err + n; *p; p++)
		if (*p == '\n')
			*p = ' ';
}

int store_check_pages(sqlite3 *db, unsigned budget_ms, char *err, size_t errlen)
{
	if (budget_ms == 0) {
		log_entry(LOG_NOTICE, JOURNAL_INTEGRITY, NULL, 0,
		        "the database's pages go unchecked at start (start_check_ms = 0)");
		return 0;
	}
	/* Five findings are enough to say the file is damaged, and the check stops there. */
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "PRAGMA quick_check(5)", -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot check the database: %s", sqlite3_errmsg(db));
		return store_check_refusal(db);
	}
	struct budget b;
	pthread_t t;
	if (budget_start(&b, db, budget_ms, &t) < 0) {
		snprintf(err, errlen, "cannot check the database: no thread for its time bound");
		sqlite3_finalize(st);
		return -DOCKET_ESYS;
	}
	char found[1024] = "";
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *line = (const char *)sqlite3_column_text(st, 0);
		if (!line || strcmp(line, "ok") != 0)
			add_line(found, sizeof found, line ? line : "(no text)");
	}
	int spent = budget_stop(&b, t);
	int rc = 0;
	if (found[0]) {
		snprintf(err, errlen, "the database is damaged: PRAGMA quick_check found: %s",
		         found);
		rc = -DOCKET_ESTORAGE;
	} else if (step == SQLITE_INTERRUPT && spent) {
		/* A large file may take minutes: docketd starts rather than wait, and says so. */
		log_entry(LOG_WARNING, JOURNAL_INTEGRITY, NULL, 0,
		        "the check of the database's pages was cut short after %u ms "
		        "(start_check_ms): the rest of the file was not checked",
		        budget_ms);
	} else if (step != SQLITE_DONE) {
		snprintf(err, errlen, "cannot check the database: PRAGMA quick_check: %s",
		         sqlite3_errmsg(db));
		rc = store_check_refusal(db);
	}
	sqlite3_finalize(st);
	return rc;
}
