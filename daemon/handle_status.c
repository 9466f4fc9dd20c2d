/* status: how docketd is doing, for an operator and a monitor. */
#include <stdio.h>
#include <sys/stat.h>

#include "backup.h"
#include "checkpointer.h"
#include "clock.h"
#include "cmd.h"
#include "docket/docket.h"
#include "docket/error.h"
#include "pack.h"
#include "proto.h"
#include "server.h"

struct cursors {
	msgpack_packer *pk;
	int64_t last_seq;
	uint32_t n;
};

static int cursor_add(void *ctx, const struct cursor *cur)
{
	struct cursors *x = ctx;
	pack_cursor(x->pk, cur, x->last_seq);
	x->n++;
	return 0;
}

/* A file's size; 0 when it is not there (no WAL once SQLite removed it). */
static int64_t file_bytes(const char *path, const char *suffix)
{
	char name[4200];
	struct stat sb;
	snprintf(name, sizeof name, "%s%s", path, suffix);
	return stat(name, &sb) == 0 ? (int64_t)sb.st_size : 0;
}

static void pack_int_pair(msgpack_packer *pk, const char *key, int64_t v)
{
	pack_cstr(pk, key);
	msgpack_pack_int64(pk, v);
}

static void pack_checkpoints(struct server *s, msgpack_packer *pk)
{
	int64_t seq;
	const char *at;
	ledger_last_checkpoint(s->ledger, &seq, &at);
	pack_cstr(pk, "checkpoint");
	if (seq) {
		msgpack_pack_map(pk, 2);
		pack_int_pair(pk, "seq", seq);
		pack_cstr(pk, "at");
		pack_cstr(pk, at);
	} else {
		msgpack_pack_nil(pk);
	}
	struct checkpointer_report r;
	checkpointer_report(s->wal, &r);
	pack_cstr(pk, "wal_checkpoint");
	if (!r.count) {
		msgpack_pack_nil(pk);
		return;
	}
	msgpack_pack_map(pk, 7);
	pack_cstr(pk, "at");
	pack_cstr(pk, r.at);
	pack_cstr(pk, "mode");
	pack_cstr(pk, r.mode);
	pack_int_pair(pk, "wal_pages", r.wal_pages);
	pack_int_pair(pk, "backfilled", r.backfilled);
	pack_int_pair(pk, "count", (int64_t)r.count);
	pack_int_pair(pk, "busy", (int64_t)r.busy);
	pack_int_pair(pk, "waits", (int64_t)r.waits);
}

static void pack_backup(struct server *s, msgpack_packer *pk)
{
	const struct backup_record *b = backup_last(s->backup);
	char head[2 * CHAIN_HASH_LEN + 1];
	pack_cstr(pk, "backup");
	if (!b->set) {
		msgpack_pack_nil(pk);
		return;
	}
	for (size_t i = 0; i < CHAIN_HASH_LEN; i++)
		snprintf(head + 2 * i, 3, "%02x", b->head[i]);
	msgpack_pack_map(pk, 5);
	pack_cstr(pk, "path");
	pack_cstr(pk, b->path);
	pack_cstr(pk, "at");
	pack_cstr(pk, b->at);
	pack_int_pair(pk, "seq", b->seq);
	pack_int_pair(pk, "bytes", b->bytes);
	pack_cstr(pk, "head");
	pack_cstr(pk, head);
}

int handle_status(struct cmd *c)
{
	struct server *s = c->server;
	msgpack_packer *pk = c->out;
	const char *db = store_path(c->store);
	int64_t last = store_next_seq(c->store) - 1, pending;
	if (store_pending_reminders(c->store, &pending) < 0)
		return cmd_fail(c, -DOCKET_ESTORAGE, "cannot count the reminders: %s",
				store_errmsg(c->store));
	pack_cstr(pk, "version");
	pack_cstr(pk, DOCKET_VERSION);
	pack_int_pair(pk, "protocol", PROTO_VERSION);
	pack_int_pair(pk, "revision", PROTO_REVISION);
	pack_cstr(pk, "started_at");
	pack_cstr(pk, s->stats.started_ts);
	pack_int_pair(pk, "uptime_s", stats_uptime(&s->stats, clock_ms()));
	pack_int_pair(pk, "last_seq", last);
	pack_int_pair(pk, "db_bytes", file_bytes(db, ""));
	pack_int_pair(pk, "wal_bytes", file_bytes(db, "-wal"));
	/* This batch's commands are not counted yet: those answered before it. */
	pack_int_pair(pk, "commands", (int64_t)s->commands);
	pack_int_pair(pk, "commands_per_s", s->stats.rate);
	pack_int_pair(pk, "pending_reminders", pending);
	pack_int_pair(pk, "subscribers", s->subscribers);
	pack_int_pair(pk, "subscriptions", s->subscriptions);
	pack_cstr(pk, "cursors");
	size_t at = pack_open_array(c->buf);
	struct cursors x = {pk, last, 0};
	if (store_cursor_list(c->store, cursor_add, &x) < 0)
		return cmd_fail(c, -DOCKET_ESTORAGE, "cannot read the cursors: %s",
				store_errmsg(c->store));
	pack_close(c->buf, at, x.n);
	pack_checkpoints(s, pk);
	pack_backup(s, pk);
	pack_cstr(pk, "backup_running");
	pack_bool(pk, backup_busy(s->backup));
	c->pairs += 18;
	return 0;
}
