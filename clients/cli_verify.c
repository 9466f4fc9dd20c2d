/*
 * The verify command: the log's hash chain walked in docketd's database
 * (read only, while docketd runs or not), then compared with the watermark
 * and, when given, a checkpoint a subscriber kept.
 */
#include <errno.h>
#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chain.h"
#include "cli.h"

/* The log does not verify: the command's "no", as a refusal is for the others. */
#define VERIFY_BAD 1
/* The schema version whose events carry their hashes (docketd's STORE_SCHEMA_VERSION 6). */
#define CHAINED_SCHEMA 6

/* A finding about the log: "seq K: what" on stderr, as scripts read it. */
static int finding(int64_t seq, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int finding(int64_t seq, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "seq %lld: ", (long long)seq);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return VERIFY_BAD;
}

static void hex(const uint8_t *bin, size_t len, char *out, size_t cap)
{
	sodium_bin2hex(out, cap, bin, len);
}

/* A bin of len bytes from JSON: hex, or base64 as libdocket's JSON renders a bin. */
static bool json_bin(json_t *j, const char *key, uint8_t *out, size_t len)
{
	const char *s = json_string_value(json_object_get(j, key));
	size_t n = s ? strlen(s) : 0, used = 0;
	if (!s)
		return false;
	if (n == 2 * len)
		return sodium_hex2bin(out, len, s, n, NULL, &used, NULL) == 0 && used == len;
	return sodium_base642bin(out, len, s, n, NULL, &used, NULL,
	                         sodium_base64_VARIANT_ORIGINAL) == 0 &&
	       used == len;
}

/*
 * A checkpoint file: the docket.checkpoint map as the event socket carried
 * it (msgpack), or the same map as JSON. Returns 0 or an exit status.
 */
static int read_checkpoint(const struct cli *cli, const char *path, struct chain_checkpoint *c)
{
	char *buf = NULL;
	size_t len = 0;
	int status = cli_read_file(cli, "--checkpoint", path, &buf, &len);
	if (status)
		return status;
	size_t lead = strspn(buf, " \t\r\n");
	bool ok;
	if (lead < len && buf[lead] == '{') {
		json_t *j = json_loadb(buf, len, 0, NULL);
		json_t *seq = json_object_get(j, "seq");
		memset(c, 0, sizeof *c);
		ok = json_is_integer(seq) && json_integer_value(seq) > 0 &&
		     json_bin(j, "hash", c->hash, sizeof c->hash) &&
		     json_bin(j, "key", c->key, sizeof c->key) &&
		     json_bin(j, "signature", c->signature, sizeof c->signature);
		if (ok)
			c->seq = (int64_t)json_integer_value(seq);
		json_decref(j);
	} else {
		ok = chain_checkpoint_decode(buf, len, c) == 0;
	}
	free(buf);
	if (!ok)
		return cli_fail(cli, EX_DATAERR,
		                "--checkpoint: %s is not a docket.checkpoint (a msgpack map, or "
		                "JSON, of seq, hash, key and signature)",
		                path);
	if (!chain_checkpoint_valid(c))
		return cli_fail(cli, EX_DATAERR,
		                "--checkpoint: the signature of %s does not verify with its key",
		                path);
	return 0;
}

/* Note, without failing, a checkpoint signed by a key other than docketd's checkpoint.pub. */
static void compare_key(const char *dir, const struct chain_checkpoint *c)
{
	char path[1200], have[2 * CHAIN_KEY_LEN + 2] = "", want[2 * CHAIN_KEY_LEN + 1];
	snprintf(path, sizeof path, "%s/checkpoint.pub", dir);
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	if (!fgets(have, sizeof have, f))
		have[0] = '\0';
	fclose(f);
	have[strcspn(have, "\n")] = '\0';
	hex(c->key, sizeof c->key, want, sizeof want);
	if (strcmp(have, want) != 0)
		fprintf(stderr,
		        "docket: verify: note: the checkpoint was signed by key %s, not by the key "
		        "in %s (%s)\n",
		        want, path, have);
}

/* The log against the checkpoint. Returns 0 or VERIFY_BAD. */
static int check_checkpoint(sqlite3 *db, const struct chain_report *r, const char *path,
                            const struct chain_checkpoint *c)
{
	uint8_t at[CHAIN_HASH_LEN];
	if (c->seq > r->head_seq)
		return finding(r->head_seq + 1,
		               "missing: the log ends at seq %lld, but the checkpoint %s holds seq "
		               "%lld",
		               (long long)r->head_seq, path, (long long)c->seq);
	if (chain_hash_at(db, c->seq, at) < 0 || sodium_memcmp(at, c->hash, CHAIN_HASH_LEN) != 0)
		return finding(c->seq,
		               "its hash differs from the checkpoint's (%s): the log was rewritten",
		               path);
	return 0;
}

/* The log against the watermark docketd keeps. Returns 0, VERIFY_BAD or an exit status. */
static int check_mark(const struct cli *cli, sqlite3 *db, const struct chain_report *r,
                      const char *path, int mark_rc, const struct chain_mark *m)
{
	uint8_t at[CHAIN_HASH_LEN];
	if (mark_rc == -DOCKET_ENOTFOUND) {
		fprintf(stderr, "docket: verify: no watermark %s: a log cut short cannot be told\n",
		        path);
		return 0;
	}
	if (mark_rc == -DOCKET_EPROTO) {
		fprintf(stderr, "watermark: %s is damaged\n", path);
		return VERIFY_BAD;
	}
	if (mark_rc < 0)
		return cli_fail(cli, EX_NOINPUT, "cannot read %s: %s", path, strerror(errno));
	if (m->seq > r->head_seq)
		return finding(r->head_seq + 1,
		               "missing: the log ends at seq %lld, but docketd committed up to seq "
		               "%lld (watermark %s): restored from an older copy, or its last "
		               "events were removed",
		               (long long)r->head_seq, (long long)m->seq, path);
	if (chain_hash_at(db, m->seq, at) < 0 || sodium_memcmp(at, m->hash, CHAIN_HASH_LEN) != 0)
		return finding(m->seq,
		               "its hash differs from the watermark's (%s): the log was rewritten "
		               "from there",
		               path);
	return 0;
}

/* The schema version, or -1 when the database cannot be read. */
static int schema_version(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	int version = -1;
	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return version;
}

/*
 * path as an SQLite URI that opens it immutable: read as it is, no -shm
 * made. Only for a database with no -wal beside it, whose file is then
 * the whole log, and which no docketd runs on (a running one keeps a -wal).
 */
static void immutable_uri(const char *path, char *out, size_t cap)
{
	size_t n = (size_t)snprintf(out, cap, "file:");
	for (const unsigned char *p = (const unsigned char *)path; *p && n + 4 < cap; p++)
		n += (size_t)(strchr("?#%", *p) || *p < 0x20 || *p >= 0x7f
		                  ? snprintf(out + n, cap - n, "%%%02X", *p)
		                  : snprintf(out + n, cap - n, "%c", *p));
	snprintf(out + n, cap - n, "?immutable=1");
}

static int open_db(const struct cli *cli, const char *path, sqlite3 **db)
{
	char wal[1210], uri[4096];
	if (sqlite3_open_v2(path, db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return cli_fail(cli, EX_NOINPUT, "cannot open the database %s: %s", path,
		                *db ? sqlite3_errmsg(*db) : "out of memory");
	/* docketd may be committing: wait for its write lock rather than fail. */
	sqlite3_busy_timeout(*db, 5000);
	int version = schema_version(*db);
	/* A reader who may not make the -shm file: the database file alone, if it is all. */
	snprintf(wal, sizeof wal, "%s-wal", path);
	if (version < 0 && sqlite3_errcode(*db) == SQLITE_READONLY && access(wal, F_OK) < 0) {
		sqlite3_close(*db);
		immutable_uri(path, uri, sizeof uri);
		if (sqlite3_open_v2(uri, db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL) ==
		    SQLITE_OK)
			version = schema_version(*db);
	}
	if (version < 0)
		return cli_fail(cli, EX_DATAERR, "%s is not a docket database: %s", path,
		                sqlite3_errmsg(*db));
	if (version < CHAINED_SCHEMA)
		return cli_fail(cli, EX_DATAERR,
		                "%s is schema version %d, from before the log was chained: start "
		                "docketd on it once to chain it",
		                path, version);
	return 0;
}

int cli_verify(const struct cli *cli)
{
	const char *dir = cli_value(cli, "state-dir"), *cp = cli_value(cli, "checkpoint");
	char db_path[1200], mark_path[1200], head[2 * CHAIN_HASH_LEN + 1];
	struct chain_checkpoint c;
	struct chain_report r;
	struct chain_mark m;
	sqlite3 *db = NULL;
	int status;

	if (!dir)
		dir = "state";
	if (!*dir)
		return cli_usage_error(cli, "--state-dir: empty directory name");
	if (sodium_init() < 0)
		return cli_fail(cli, EX_SOFTWARE, "cannot initialise libsodium");
	if (cp && (status = read_checkpoint(cli, cp, &c)) != 0)
		return status;
	snprintf(db_path, sizeof db_path, "%s/docket.db", dir);
	snprintf(mark_path, sizeof mark_path, "%s/" CHAIN_MARK_FILE, dir);
	if ((status = open_db(cli, db_path, &db)) != 0)
		goto out;
	/*
	 * The watermark first, then the log in one read: docketd writes the
	 * watermark after its commits, so a log read later holds all it names.
	 */
	int mark_rc = chain_mark_read(mark_path, &m);
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK || chain_walk(db, 0, &r) < 0) {
		status = cli_fail(cli, EX_DATAERR, "cannot read the log in %s: %s", db_path,
		                  sqlite3_errmsg(db));
		goto out;
	}
	if (r.bad_seq) {
		status = finding(r.bad_seq, "%s", r.why);
		goto out;
	}
	if ((status = check_mark(cli, db, &r, mark_path, mark_rc, &m)) != 0 ||
	    (cp && (status = check_checkpoint(db, &r, cp, &c)) != 0))
		goto out;
	hex(r.head_hash, sizeof r.head_hash, head, sizeof head);
	printf("ok: %lld events, head seq %lld, hash %s\n", (long long)r.events,
	       (long long)r.head_seq, head);
	if (cp) {
		char key[2 * CHAIN_KEY_LEN + 1];
		hex(c.key, sizeof c.key, key, sizeof key);
		printf("checkpoint: seq %lld is in the log, signed by %s\n", (long long)c.seq, key);
		compare_key(dir, &c);
	}
out:
	sqlite3_close(db);
	return status;
}
