/* Socket I/O around the batch: receive what is waiting, run it, publish, reply. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include "backup.h"
#include "checkpointer.h"
#include "clock.h"
#include "codec.h"
#include "endpoint.h"
#include "docket/error.h"
#include "pack.h"
#include "journal.h"
#include "log.h"
#include "notify.h"
#include "proto.h"
#include "reminder.h"
#include "server.h"
#include "wallclock.h"

#define WELCOME "docket.welcome"
#define HEARTBEAT "docket.heartbeat"
#define BATCH "docket.batch"
/* How soon after events go out a heartbeat follows them (at most heartbeat_ms). */
#define AFTER_MS 100
/* How long closing waits for replies and events still queued. */
#define CLOSE_LINGER_MS 2000
/* After the database refused to fire reminders, how long until docketd tries again. */
#define REMIND_RETRY_S 30

static int more(void *sock)
{
	int m = 0;
	size_t len = sizeof m;
	zmq_getsockopt(sock, ZMQ_RCVMORE, &m, &len);
	return m;
}

/* Receive one request's frames into e. Returns 0, or -1 when nothing is waiting. */
static int receive(void *router, struct batch_entry *e)
{
	zmq_msg_init(&e->route);
	zmq_msg_init(&e->payload);
	if (zmq_msg_recv(&e->route, router, ZMQ_DONTWAIT) < 0) {
		zmq_msg_close(&e->route);
		zmq_msg_close(&e->payload);
		return -1;
	}
	e->delimiter = e->malformed = 0;
	int frames = 1;
	while (more(router)) {
		zmq_msg_t part;
		zmq_msg_init(&part);
		/* The rest of a multipart message is already here: this does not block. */
		if (zmq_msg_recv(&part, router, 0) < 0) {
			zmq_msg_close(&part);
			e->malformed = 1;
			break;
		}
		frames++;
		if (frames == 3 && !e->delimiter) {
			/* What came second was the delimiter; it must be empty. */
			e->delimiter = 1;
			e->malformed |= zmq_msg_size(&e->payload) != 0;
		}
		if (frames <= 3)
			zmq_msg_move(&e->payload, &part);
		else
			e->malformed = 1;
		zmq_msg_close(&part);
	}
	e->malformed |= frames < 2;
	return 0;
}

/*
 * Whose message e is: the key ZAP accepted its sender with, looked up
 * again now, so that a key revoked or changed since takes effect at its
 * next message; or the local principal on an ipc endpoint.
 */
static void identify(struct server *s, struct batch_entry *e)
{
	const char *user = zmq_msg_gets(&e->payload, "User-Id");
	if (user && strcmp(user, ZAP_LOCAL_USER) == 0)
		e->who = s->local;
	else
		e->who = user ? keyring_find(s->keys, user, strlen(user)) : NULL;
}

/*
 * An event too large to publish whole goes out in head form: its map
 * without data, with truncated true, so that what one subscriber can have
 * queued stays bounded in bytes. The log has it whole (PROTOCOL.md 6.2).
 */
static void head_form(msgpack_sbuffer *out, const char *body, size_t len)
{
	struct codec_reader r;
	struct codec_value map, key;
	msgpack_packer pk;
	msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
	codec_reader_init(&r, body, len);
	codec_read(&r, &map);
	/* docketd wrote the map: a map of string keys, data among them. */
	size_t at = pack_open_map(out);
	uint32_t pairs = 0;
	for (uint32_t i = 0; i < map.u.count; i++) {
		const uint8_t *pair = r.p;
		codec_read(&r, &key);
		codec_skip(&r);
		if (codec_str_eq(&key, "data"))
			continue;
		pack_raw(&pk, pair, (size_t)(r.p - pair));
		pairs++;
	}
	pack_cstr(&pk, "truncated");
	msgpack_pack_true(&pk);
	pack_close(out, at, pairs + 1);
}

static void send2(struct server *s, const char *topic, const void *body, size_t len)
{
	/* XPUB never blocks: a subscriber past its high-water mark loses events. */
	zmq_send(s->xpub, topic, strlen(topic), ZMQ_SNDMORE | ZMQ_DONTWAIT);
	zmq_send(s->xpub, body, len, ZMQ_DONTWAIT);
}

/*
 * The same events again as docket.batch messages: arrays of the events of
 * one transaction, each array at most event_inline_max bytes of events (an
 * event larger than that alone, in head form), so that the byte bound
 * holds. A subscriber to docket.batch sees every seq, so it tells a lost
 * event from one it filters out without asking the log (PROTOCOL.md 6.1).
 */
static void publish_batches(struct server *s, const struct outbox *o)
{
	msgpack_sbuffer *out = &s->scratch;
	msgpack_packer pk;
	msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
	for (size_t i = 0, j; i < o->n; i = j) {
		size_t bytes = 0;
		for (j = i; j < o->n && bytes + o->ev[j].len <= s->inline_max; j++)
			bytes += o->ev[j].len;
		out->size = 0;
		if (j == i) {
			msgpack_pack_array(&pk, 1);
			head_form(out, o->buf.data + o->ev[i].off, o->ev[i].len);
			j = i + 1;
		} else {
			msgpack_pack_array(&pk, j - i);
			for (size_t k = i; k < j; k++)
				pack_raw(&pk, o->buf.data + o->ev[k].off, o->ev[k].len);
		}
		send2(s, BATCH, out->data, out->size);
	}
}

static void publish(struct server *s, const struct outbox *o)
{
	for (size_t i = 0; i < o->n; i++) {
		const struct outbox_event *ev = &o->ev[i];
		if (ev->len <= s->inline_max) {
			send2(s, ev->topic, o->buf.data + ev->off, ev->len);
			continue;
		}
		s->scratch.size = 0;
		head_form(&s->scratch, o->buf.data + ev->off, ev->len);
		send2(s, ev->topic, s->scratch.data, s->scratch.size);
	}
	if (!o->n)
		return;
	if (s->batch_subs)
		publish_batches(s, o);
	/*
	 * A subscriber whose queue was full lost the tail of these events, and
	 * would hear of it only at the next heartbeat: one comes soon after, when
	 * its queue has likely room again.
	 */
	if (!evtimer_pending(s->after, NULL)) {
		unsigned ms = s->heartbeat_ms < AFTER_MS ? s->heartbeat_ms : AFTER_MS;
		struct timeval soon = {0, (suseconds_t)ms * 1000};
		evtimer_add(s->after, &soon);
	}
}

/*
 * The heartbeat says how far the log goes, so that a subscriber can tell
 * a quiet log from events it lost (PROTOCOL.md 6.1). Between batches,
 * every event up to it has been committed and published.
 */
static void on_heartbeat(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct server *s = arg;
	char ts[WALLCLOCK_TS_LEN];
	msgpack_packer pk;
	wallclock_now(ts);
	s->scratch.size = 0;
	msgpack_packer_init(&pk, &s->scratch, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 3);
	pack_cstr(&pk, "seq");
	msgpack_pack_int64(&pk, store_next_seq(s->store) - 1);
	pack_cstr(&pk, "ts");
	pack_cstr(&pk, ts);
	pack_cstr(&pk, "interval_ms");
	msgpack_pack_uint32(&pk, s->heartbeat_ms);
	send2(s, HEARTBEAT, s->scratch.data, s->scratch.size);
	zmq_watch_check(s->xpub_watch);
}

static void reply(struct server *s)
{
	struct batch *b = &s->batch;
	for (size_t i = 0; i < b->n; i++) {
		struct batch_entry *e = &b->e[i];
		if (e->deferred)
			continue;
		/* ROUTER drops replies to peers that have gone: nothing to handle here. */
		if (zmq_msg_send(&e->route, s->router, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0)
			continue;
		if (e->delimiter)
			zmq_send(s->router, "", 0, ZMQ_SNDMORE | ZMQ_DONTWAIT);
		zmq_send(s->router, b->replies.data + e->reply_off, e->reply_len, ZMQ_DONTWAIT);
	}
}

/* Arm the timer for the earliest pending reminder; one already due fires at once. */
static void rearm(struct server *s, int64_t now)
{
	struct remind_ctx x = {.store = s->store, .office = s->office, .arena = &s->arena};
	int64_t next;
	arena_reset(&s->arena);
	if (reminder_next(&x, &next) < 0) {
		log_msg(LOG_ERR, "cannot read the reminders: %s", store_errmsg(s->store));
		next = now + REMIND_RETRY_S;
	}
	s->next_due = next;
	if (alarm_set(s->alarm, next) < 0)
		log_msg(LOG_ERR, "cannot arm the reminder timer");
}

/* Fire every reminder that is due, in a transaction of its own, then re-arm. */
static void remind(struct server *s)
{
	char ts[WALLCLOCK_TS_LEN];
	struct remind_ctx x = {.store = s->store, .office = s->office, .arena = &s->arena};
	x.now = wallclock_now(ts);
	x.ts = ts;
	arena_reset(&s->arena);
	outbox_clear(&s->reminders);
	int settled = 0, rc = store_begin(s->store);
	if (rc == 0)
		rc = reminder_fire_due(&x, &s->reminders, &settled);
	if (rc == 0 && settled)
		rc = store_commit(s->store);
	if (rc < 0 || !settled)
		store_rollback(s->store);
	if (rc < 0) {
		log_msg(LOG_ERR, "cannot fire reminders, trying again in %d s: %s", REMIND_RETRY_S,
			store_errmsg(s->store));
		s->next_due = x.now + REMIND_RETRY_S;
		alarm_set(s->alarm, s->next_due);
		return;
	}
	if (settled) {
		ledger_committed(s->ledger);
		publish(s, &s->reminders);
		zmq_watch_check(s->xpub_watch);
		journal_changes(&s->reminders);
		char n[16];
		snprintf(n, sizeof n, "%d", settled);
		struct log_field f = {"REMINDERS", n};
		log_entry(LOG_INFO, JOURNAL_REMINDERS, &f, 1, "settled %d reminders", settled);
	}
	rearm(s, x.now);
}

static void on_alarm(void *arg)
{
	remind(arg);
}

static void on_commands(void *router, void *arg)
{
	struct server *s = arg;
	struct batch *b = &s->batch;
	/*
	 * A reminder whose time has come goes first, even if the timer has not
	 * said so yet: a clock shifted by hand (libfaketime) steps without notice.
	 */
	if (wallclock_seconds() >= s->next_due)
		remind(s);
	while (b->n < b->max && receive(router, &b->e[b->n]) == 0)
		identify(s, &b->e[b->n++]);
	if (b->n == 0)
		return;
	checkpointer_before_batch(s->wal);
	int committed = batch_run(b) == 0;
	if (committed)
		ledger_committed(s->ledger);
	/* Events first: a client that has its reply finds the event already sent. */
	publish(s, &b->outbox);
	reply(s);
	/* The journal's entries after the replies: a client never waits on the journal. */
	journal_changes(&b->outbox);
	s->commands += b->n;
	s->batches++;
	if (committed && b->replanned)
		rearm(s, wallclock_seconds());
	if (committed && b->rekeyed && keyring_load(s->keys, s->store) < 0)
		log_msg(LOG_ERR, "cannot read the keys again: %s", store_errmsg(s->store));
	batch_clear(b);
	zmq_watch_check(s->xpub_watch);
}

int server_replan(struct server *s, char *err, size_t errlen)
{
	/*
	 * What came due under the old plan settles first: a reminder whose
	 * meeting started while docketd was down is missed, and re-planning
	 * would otherwise cancel it unrecorded.
	 */
	remind(s);
	char ts[WALLCLOCK_TS_LEN];
	struct remind_ctx x = {.store = s->store, .office = s->office, .arena = &s->arena};
	x.now = wallclock_now(ts);
	x.ts = ts;
	arena_reset(&s->arena);
	int rc = store_begin(s->store);
	if (rc == 0)
		rc = reminder_plan_all(&x);
	if (rc == 0)
		rc = store_commit(s->store);
	if (rc < 0) {
		snprintf(err, errlen, "cannot plan the reminders: %s", store_errmsg(s->store));
		store_rollback(s->store);
		return -DOCKET_ESTORAGE;
	}
	remind(s);
	return 0;
}

/*
 * Subscriptions arrive in the order a subscriber made them, and libzmq has
 * added each to the filter by the time it is read here. A subscriber asks
 * for the welcome last, so the welcome sent when that request is read tells
 * it every one of its subscriptions is in place. (libzmq's own
 * ZMQ_XPUB_WELCOME_MSG goes out when the connection is made, which can be
 * before the subscriptions are: an event published between the two was
 * lost to the subscriber.) Other subscribers get the welcome too, and
 * ignore it; XPUB_VERBOSER passes every subscriber's request up, not only
 * the first of a prefix.
 */
/*
 * docket.batch goes out only while someone asked for it by name (or by a
 * prefix of it other than the empty one): a subscriber to every topic
 * would otherwise take each event twice. libzmq passes up each subscription
 * and each unsubscription (XPUB_VERBOSER), so one count says whether any
 * subscriber holds docket.batch or a prefix of it.
 */
static void note_batch_interest(struct server *s, const char *p, size_t n)
{
	size_t len = n - 1;
	if (len < 1 || len > strlen(BATCH) || memcmp(p + 1, BATCH, len) != 0)
		return;
	if (p[0] == 1)
		s->batch_subs++;
	else if (p[0] == 0 && s->batch_subs)
		s->batch_subs--;
}

/*
 * Who listens, for the status query: every subscription and unsubscription
 * comes up (XPUB_VERBOSER, a departed subscriber's too), and each libdocket
 * subscriber holds the welcome's exactly once.
 */
static void note_subscriber(struct server *s, const char *p, size_t n)
{
	int delta = p[0] == 1 ? 1 : p[0] == 0 ? -1 : 0;
	s->subscriptions += delta;
	if (n == 1 + strlen(WELCOME) && memcmp(p + 1, WELCOME, n - 1) == 0)
		s->subscribers += delta;
}

static void on_subscriptions(void *xpub, void *arg)
{
	struct server *s = arg;
	zmq_msg_t m;
	zmq_msg_init(&m);
	for (int i = 0; i < 256 && zmq_msg_recv(&m, xpub, ZMQ_DONTWAIT) >= 0; i++) {
		const char *p = zmq_msg_data(&m);
		size_t n = zmq_msg_size(&m);
		if (n == 0)
			continue;
		note_batch_interest(s, p, n);
		note_subscriber(s, p, n);
		if (n == 1 + strlen(WELCOME) && p[0] == 1 && memcmp(p + 1, WELCOME, n - 1) == 0)
			zmq_send(xpub, WELCOME, strlen(WELCOME), ZMQ_DONTWAIT);
	}
	zmq_msg_close(&m);
}

/*
 * Once a second: a sample for the commands' rate, and the STATUS= line
 * systemctl status shows, sent only when it reads differently.
 */
static void on_tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct server *s = arg;
	char line[sizeof s->status];
	stats_sample(&s->stats, clock_ms(), s->commands);
	snprintf(line, sizeof line, "serving: last seq %lld, %u commands/s, %lld subscribers",
		 (long long)(store_next_seq(s->store) - 1), s->stats.rate,
		 (long long)s->subscribers);
	if (strcmp(line, s->status) == 0)
		return;
	memcpy(s->status, line, sizeof line);
	notify_status("STATUS=%s", line);
}

static int set(void *sock, int opt, const void *val, size_t len)
{
	return zmq_setsockopt(sock, opt, val, len);
}

int server_open(struct server *s, struct event_base *base, const struct server_options *o,
		struct store *store, struct keyring *keys, const struct principal *local,
		const struct office *office, char *err, size_t errlen)
{
	memset(s, 0, sizeof *s);
	int rc = -DOCKET_ESYS;
	int64_t maxmsg = PROTO_MAX_FRAME;
	int linger = 0, one = 1;
	s->store = store;
	s->keys = keys;
	s->local = local;
	s->office = office;
	s->next_due = INT64_MAX;
	s->inline_max = o->event_inline_max;
	s->heartbeat_ms = o->heartbeat_ms;
	s->ledger = o->ledger;
	s->wal = o->wal;
	stats_init(&s->stats);
	outbox_init(&s->reminders);
	msgpack_sbuffer_init(&s->scratch);
	if (batch_init(&s->batch, o->batch_max, store, office) < 0) {
		snprintf(err, errlen, "out of memory");
		return -DOCKET_ENOMEM;
	}
	s->batch.server = s;
	if (!(s->zctx = zmq_ctx_new()) || !(s->router = zmq_socket(s->zctx, ZMQ_ROUTER)) ||
	    !(s->xpub = zmq_socket(s->zctx, ZMQ_XPUB))) {
		snprintf(err, errlen, "cannot create sockets: %s", zmq_strerror(zmq_errno()));
		goto fail;
	}
	if (set(s->router, ZMQ_MAXMSGSIZE, &maxmsg, sizeof maxmsg) < 0 ||
	    set(s->router, ZMQ_LINGER, &linger, sizeof linger) < 0 ||
	    set(s->xpub, ZMQ_LINGER, &linger, sizeof linger) < 0 ||
	    set(s->xpub, ZMQ_SNDHWM, &o->event_hwm, sizeof o->event_hwm) < 0 ||
	    set(s->xpub, ZMQ_MAXMSGSIZE, &maxmsg, sizeof maxmsg) < 0 ||
	    set(s->xpub, ZMQ_XPUB_VERBOSER, &one, sizeof one) < 0) {
		snprintf(err, errlen, "cannot set socket options: %s", zmq_strerror(zmq_errno()));
		goto fail;
	}
	/* The handler first: libzmq lets every CURVE client in while none answers. */
	if ((rc = zap_open(&s->zap, s->zctx, base, keys, err, errlen)) < 0)
		goto fail;
	if ((rc = endpoint_bind(s->router, o->listen, ZAP_COMMANDS, &keys->server, o->ipc_group,
				"command", err, errlen)) < 0 ||
	    (rc = endpoint_bind(s->xpub, o->publish, ZAP_EVENTS, &keys->server, o->ipc_group,
				"event", err, errlen)) < 0)
		goto fail;
	if ((rc = endpoint_selftest(s->zctx, s->router, ZMQ_ROUTER, &keys->server, &s->zap,
				    "command", err, errlen)) < 0 ||
	    (rc = endpoint_selftest(s->zctx, s->xpub, ZMQ_XPUB, &keys->server, &s->zap, "event",
				    err, errlen)) < 0)
		goto fail;
	if ((rc = zmq_watch_new(&s->router_watch, base, s->router, on_commands, s)) < 0 ||
	    (rc = zmq_watch_new(&s->xpub_watch, base, s->xpub, on_subscriptions, s)) < 0) {
		snprintf(err, errlen, "cannot watch the sockets");
		goto fail;
	}
	if ((rc = alarm_new(&s->alarm, base, on_alarm, s)) < 0) {
		snprintf(err, errlen, "cannot make the reminder timer: %s", strerror(errno));
		goto fail;
	}
	struct timeval every = {s->heartbeat_ms / 1000, (s->heartbeat_ms % 1000) * 1000};
	if (!(s->heartbeat = event_new(base, -1, EV_PERSIST, on_heartbeat, s)) ||
	    event_add(s->heartbeat, &every) < 0 ||
	    !(s->after = evtimer_new(base, on_heartbeat, s))) {
		snprintf(err, errlen, "cannot make the heartbeat timer");
		rc = -DOCKET_ENOMEM;
		goto fail;
	}
	if ((rc = ledger_attach(s->ledger, base, s->xpub, s->xpub_watch)) < 0) {
		snprintf(err, errlen, "cannot make the checkpoint timer");
		goto fail;
	}
	struct timeval second = {1, 0};
	if (!(s->tick = event_new(base, -1, EV_PERSIST, on_tick, s)) ||
	    event_add(s->tick, &second) < 0) {
		snprintf(err, errlen, "cannot make the status timer");
		rc = -DOCKET_ENOMEM;
		goto fail;
	}
	if ((rc = backup_open(&s->backup, base, store_path(store), o->state_dir, s->router,
			      s->router_watch, err, errlen)) < 0)
		goto fail;
	return 0;
fail:;
	int saved = errno;
	server_close(s);
	errno = saved;
	return rc;
}

void server_endpoints(struct server *s, char *cmd, size_t cmdlen, char *ev, size_t evlen)
{
	cmd[0] = ev[0] = '\0';
	zmq_getsockopt(s->router, ZMQ_LAST_ENDPOINT, cmd, &cmdlen);
	zmq_getsockopt(s->xpub, ZMQ_LAST_ENDPOINT, ev, &evlen);
}

void server_close(struct server *s)
{
	/* A backup in hand is cut short, and told so while the socket is open. */
	backup_close(&s->backup);
	if (s->tick)
		event_free(s->tick);
	s->tick = NULL;
	ledger_detach(s->ledger);
	alarm_destroy(&s->alarm);
	if (s->heartbeat)
		event_free(s->heartbeat);
	if (s->after)
		event_free(s->after);
	s->heartbeat = s->after = NULL;
	outbox_free(&s->reminders);
	msgpack_sbuffer_destroy(&s->scratch);
	arena_free(&s->arena);
	zmq_watch_destroy(&s->router_watch);
	zmq_watch_destroy(&s->xpub_watch);
	zap_close(&s->zap);
	int linger = CLOSE_LINGER_MS;
	if (s->router) {
		zmq_setsockopt(s->router, ZMQ_LINGER, &linger, sizeof linger);
		zmq_close(s->router);
	}
	if (s->xpub) {
		zmq_setsockopt(s->xpub, ZMQ_LINGER, &linger, sizeof linger);
		zmq_close(s->xpub);
	}
	if (s->zctx)
		zmq_ctx_term(s->zctx);
	s->router = s->xpub = s->zctx = NULL;
	if (s->batch.e)
		batch_free(&s->batch);
}
