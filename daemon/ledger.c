/* The ledger: the log checked at start, the watermark kept after commits, checkpoints signed. */
#include <errno.h>
#include <fcntl.h>
#include <msgpack.h>
#include <pthread.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "chain.h"
#include "docket/error.h"
#include "journal.h"
#include "ledger.h"
#include "log.h"
#include "pack.h"
#include "smallfile.h"
#include "wallclock.h"

#define CHECKPOINT "docket.checkpoint"
#define KEY_FILE "checkpoint.key"
#define PUB_FILE "checkpoint.pub"
#define PATH_LEN 1200
/* Least time between two writes of the watermark. */
#define MARK_GAP_MS 50

struct ledger {
	struct store *store;
	char path[PATH_LEN]; /* the watermark */
	int fd;
	int64_t given;       /* the last head handed to the writer (the loop's) */

	pthread_t writer;
	bool writing;        /* the thread runs */
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct chain_mark want; /* the newest head to write (under lock) */
	bool pending, stop;     /* (under lock) */
	unsigned slot;          /* the slot written next (the writer's) */
	bool failing;           /* the last write failed and was logged (the writer's) */

	uint8_t pk[crypto_sign_PUBLICKEYBYTES];
	uint8_t sk[crypto_sign_SECRETKEYBYTES];
	unsigned interval_s;
	struct event *timer;
	void *xpub;
	struct zmq_watch *watch;
	int64_t checkpointed; /* seq of the last checkpoint published; 0: none */
	char checkpointed_at[WALLCLOCK_TS_LEN]; /* when it was signed */
	msgpack_sbuffer buf;
};

static void hex(const uint8_t *bin, size_t len, char *out, size_t cap)
{
	sodium_bin2hex(out, cap, bin, len);
}

/* Put m in one slot and make it durable. Returns 0 or -DOCKET_ESYS (errno). */
static int put_mark(struct ledger *l, unsigned slot, const struct chain_mark *m)
{
	uint8_t bytes[CHAIN_MARK_SLOT];
	chain_mark_encode(m, bytes);
	ssize_t n = pwrite(l->fd, bytes, sizeof bytes, (off_t)slot * CHAIN_MARK_SLOT);
	if (n != (ssize_t)sizeof bytes) {
		if (n >= 0)
			errno = EIO;
		return -DOCKET_ESYS;
	}
	return fdatasync(l->fd) < 0 ? -DOCKET_ESYS : 0;
}

/*
 * The writer: the newest head it was given, slot after slot, so that a
 * write torn by a crash leaves the other slot whole. Heads given while it
 * writes are coalesced into one write.
 */
/* now + ms on CLOCK_MONOTONIC, the clock of the ledger's condition variable. */
static struct timespec after_ms(long ms)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_nsec += ms * 1000000L;
	t.tv_sec += t.tv_nsec / 1000000000L;
	t.tv_nsec %= 1000000000L;
	return t;
}

/*
 * The watermark's own sync would double the disk's work when every commit
 * is one command: after a write, the next waits MARK_GAP_MS (or the stop),
 * taking the newest head then. The watermark is never ahead of the log,
 * and lags it by that much at most.
 */
static void *write_marks(void *arg)
{
	struct ledger *l = arg;
	pthread_mutex_lock(&l->lock);
	for (;;) {
		while (!l->pending && !l->stop)
			pthread_cond_wait(&l->wake, &l->lock);
		if (!l->pending)
			break;
		struct timespec until = after_ms(MARK_GAP_MS);
		while (!l->stop && pthread_cond_timedwait(&l->wake, &l->lock, &until) != ETIMEDOUT)
			;
		struct chain_mark m = l->want;
		l->pending = false;
		pthread_mutex_unlock(&l->lock);
		if (put_mark(l, l->slot, &m) < 0) {
			if (!l->failing)
				log_msg(LOG_ERR, "cannot write the watermark %s: %s", l->path,
					strerror(errno));
			l->failing = true;
		} else {
			if (l->failing)
				log_msg(LOG_NOTICE, "the watermark %s is written again", l->path);
			l->failing = false;
			l->slot ^= 1;
		}
		pthread_mutex_lock(&l->lock);
	}
	pthread_mutex_unlock(&l->lock);
	return NULL;
}

void ledger_committed(struct ledger *l)
{
	struct chain_mark m;
	if (!l)
		return;
	if (store_chain_head(l->store, &m.seq, m.hash) < 0) {
		log_msg(LOG_ERR, "cannot read the log's head for the watermark: %s",
			store_errmsg(l->store));
		return;
	}
	/* A batch of refusals appends nothing: no write. */
	if (m.seq == l->given)
		return;
	l->given = m.seq;
	pthread_mutex_lock(&l->lock);
	l->want = m;
	l->pending = true;
	pthread_cond_signal(&l->wake);
	pthread_mutex_unlock(&l->lock);
}

/*
 * The log as it is now against its chain and the watermark. A refusal
 * says what an operator needs: the seqs, and that docket verify tells more.
 */
static int check_log(struct ledger *l, const struct ledger_options *o, int64_t *head,
		     uint8_t *head_hash, char *err, size_t errlen)
{
	struct chain_report r = {.complete = true};
	struct chain_mark m;
	uint8_t at[CHAIN_HASH_LEN];
	if (o->check_ms && store_chain_walk(l->store, o->check_ms, &r) < 0) {
		snprintf(err, errlen, "cannot read the log: %s", store_errmsg(l->store));
		return -DOCKET_ESTORAGE;
	}
	if (!o->check_ms)
		log_entry(LOG_NOTICE, JOURNAL_INTEGRITY, NULL, 0,
			  "the log's chain goes unchecked at start (start_check_ms = 0)");
	if (r.bad_seq) {
		snprintf(err, errlen,
			 "the log does not verify: seq %lld: %s; docketd will not write to it "
			 "(see docket verify)",
			 (long long)r.bad_seq, r.why);
		return -DOCKET_EPRECONDITION;
	}
	int rc = store_chain_head(l->store, head, head_hash);
	if (rc == -DOCKET_EPROTO) {
		snprintf(err, errlen,
			 "the log does not verify: seq %lld: its hash is not 32 bytes; docketd will "
			 "not write to it (see docket verify)",
			 (long long)*head);
		return -DOCKET_EPRECONDITION;
	}
	if (rc < 0) {
		snprintf(err, errlen, "cannot read the log: %s", store_errmsg(l->store));
		return -DOCKET_ESTORAGE;
	}
	if (!r.complete)
		log_entry(LOG_WARNING, JOURNAL_INTEGRITY, NULL, 0,
			"the log's chain verifies up to seq %lld, as far as start_check_ms (%u ms) "
			"allowed; seq %lld to %lld were not checked",
			(long long)r.head_seq, o->check_ms, (long long)r.head_seq + 1,
			(long long)*head);
	rc = chain_mark_read(l->path, &m);
	if (rc == -DOCKET_ENOTFOUND) {
		if (*head > 0)
			log_entry(LOG_WARNING, JOURNAL_INTEGRITY, NULL, 0,
				"no watermark %s: the log is taken as it is, up to seq %lld; it is "
				"kept from now on",
				l->path, (long long)*head);
		return 0;
	}
	if (rc == -DOCKET_EPROTO) {
		snprintf(err, errlen,
			 "the watermark %s is damaged; remove it to take the log as it is (after "
			 "docket verify)",
			 l->path);
		return -DOCKET_EPRECONDITION;
	}
	if (rc < 0) {
		snprintf(err, errlen, "cannot read the watermark %s: %s", l->path, strerror(errno));
		return rc;
	}
	if (*head < m.seq) {
		snprintf(err, errlen,
			 "the database ends at seq %lld but seq %lld had been committed (watermark "
			 "%s): it was restored from an older copy or its last events were removed; "
			 "docketd will not write to it",
			 (long long)*head, (long long)m.seq, l->path);
		return -DOCKET_EPRECONDITION;
	}
	/* Not found or not 32 bytes (a walk cut short or skipped did not see it): not that event. */
	if ((rc = store_event_hash(l->store, m.seq, at)) == -DOCKET_ESTORAGE) {
		snprintf(err, errlen, "cannot read the log: %s", store_errmsg(l->store));
		return -DOCKET_ESTORAGE;
	}
	if (rc < 0 || sodium_memcmp(at, m.hash, CHAIN_HASH_LEN) != 0) {
		snprintf(err, errlen,
			 "seq %lld is not the event committed as seq %lld (watermark %s): the log "
			 "was rewritten from there; docketd will not write to it",
			 (long long)m.seq, (long long)m.seq, l->path);
		return -DOCKET_EPRECONDITION;
	}
	return 0;
}

/* Open the watermark and put the head in both slots before any command runs. */
static int open_mark(struct ledger *l, const char *dir, int64_t head, const uint8_t *hash,
		     char *err, size_t errlen)
{
	struct chain_mark m = {.seq = head};
	memcpy(m.hash, hash, CHAIN_HASH_LEN);
	bool created = access(l->path, F_OK) < 0;
	l->fd = open(l->path, O_RDWR | O_CREAT | O_CLOEXEC, 0640);
	if (l->fd < 0 || put_mark(l, 0, &m) < 0 || put_mark(l, 1, &m) < 0) {
		snprintf(err, errlen, "cannot write the watermark %s: %s", l->path, strerror(errno));
		return -DOCKET_ESYS;
	}
	/* A new file's name is durable once its directory is. */
	int dfd = created ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	l->given = head;
	return 0;
}

/* Write text to path, made with mode, whole or not at all. */
static int write_small(const char *path, const char *text, mode_t mode)
{
	return smallfile_replace(path, text, strlen(text), mode) < 0 ? -DOCKET_ESYS : 0;
}

/*
 * The checkpoint key pair: the Ed25519 seed in hex in checkpoint.key (0600),
 * made at first start; the public key in hex in checkpoint.pub, for those
 * who check checkpoints (both within the state directory's modes, state.h).
 */
static int open_key(struct ledger *l, const char *dir, char *err, size_t errlen)
{
	char path[PATH_LEN], text[2 * crypto_sign_SEEDBYTES + 2];
	char pub[2 * crypto_sign_PUBLICKEYBYTES + 2];
	uint8_t seed[crypto_sign_SEEDBYTES];
	snprintf(path, sizeof path, "%s/" KEY_FILE, dir);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t n = read(fd, text, sizeof text - 1);
		close(fd);
		size_t used = 0;
		text[n > 0 ? n : 0] = '\0';
		if (n < (ssize_t)(2 * crypto_sign_SEEDBYTES) ||
		    sodium_hex2bin(seed, sizeof seed, text, (size_t)n, "\n", &used, NULL) < 0 ||
		    used != sizeof seed) {
			snprintf(err, errlen, "%s is not a checkpoint key (64 hex digits)", path);
			return -DOCKET_ESYS;
		}
	} else if (errno == ENOENT) {
		randombytes_buf(seed, sizeof seed);
		hex(seed, sizeof seed, text, sizeof text);
		strcat(text, "\n");
		if (write_small(path, text, 0600) < 0) {
			snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
			return -DOCKET_ESYS;
		}
		struct log_field f = {"KEY_FILE", path};
		log_entry(LOG_NOTICE, JOURNAL_KEY, &f, 1, "created the checkpoint key %s", path);
	} else {
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
		return -DOCKET_ESYS;
	}
	crypto_sign_seed_keypair(l->pk, l->sk, seed);
	sodium_memzero(seed, sizeof seed);
	sodium_memzero(text, sizeof text);
	hex(l->pk, sizeof l->pk, pub, sizeof pub);
	strcat(pub, "\n");
	snprintf(path, sizeof path, "%s/" PUB_FILE, dir);
	char had[sizeof pub] = "";
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
		ssize_t n = read(fd, had, sizeof had - 1);
		had[n > 0 ? n : 0] = '\0';
		close(fd);
	}
	if (strcmp(had, pub) != 0 && write_small(path, pub, 0640) < 0) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		return -DOCKET_ESYS;
	}
	log_msg(LOG_INFO, "checkpoint public key %.*s", 2 * crypto_sign_PUBLICKEYBYTES, pub);
	return 0;
}

int ledger_open(struct ledger **out, struct store *store, const struct ledger_options *o,
		char *err, size_t errlen)
{
	*out = NULL;
	struct ledger *l = calloc(1, sizeof *l);
	if (!l) {
		snprintf(err, errlen, "out of memory");
		return -DOCKET_ENOMEM;
	}
	l->store = store;
	l->fd = -1;
	l->interval_s = o->checkpoint_interval;
	msgpack_sbuffer_init(&l->buf);
	pthread_mutex_init(&l->lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&l->wake, &ca);
	pthread_condattr_destroy(&ca);
	snprintf(l->path, sizeof l->path, "%s/" CHAIN_MARK_FILE, o->state_dir);
	int64_t head;
	uint8_t hash[CHAIN_HASH_LEN];
	int rc;
	if ((rc = check_log(l, o, &head, hash, err, errlen)) < 0 ||
	    (rc = open_mark(l, o->state_dir, head, hash, err, errlen)) < 0 ||
	    (rc = open_key(l, o->state_dir, err, errlen)) < 0)
		goto fail;
	if ((rc = pthread_create(&l->writer, NULL, write_marks, l)) != 0) {
		snprintf(err, errlen, "cannot start the watermark's thread: %s", strerror(rc));
		rc = -DOCKET_ESYS;
		goto fail;
	}
	l->writing = true;
	*out = l;
	return 0;
fail:
	ledger_close(&l);
	return rc;
}

/* Sign the committed head and publish it, when it moved since the last checkpoint. */
static void on_checkpoint(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct ledger *l = arg;
	struct chain_checkpoint c;
	uint8_t msg[CHAIN_CHECKPOINT_MSG_LEN];
	char ts[WALLCLOCK_TS_LEN];
	msgpack_packer pk;
	if (store_chain_head(l->store, &c.seq, c.hash) < 0) {
		log_msg(LOG_ERR, "cannot read the log's head for a checkpoint: %s",
			store_errmsg(l->store));
		return;
	}
	if (c.seq == 0 || c.seq == l->checkpointed)
		return;
	chain_checkpoint_message(c.seq, c.hash, msg);
	crypto_sign_detached(c.signature, NULL, msg, sizeof msg, l->sk);
	wallclock_now(ts);
	l->buf.size = 0;
	msgpack_packer_init(&pk, &l->buf, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 5);
	pack_cstr(&pk, "seq");
	msgpack_pack_int64(&pk, c.seq);
	pack_cstr(&pk, "hash");
	msgpack_pack_bin(&pk, CHAIN_HASH_LEN);
	msgpack_pack_bin_body(&pk, c.hash, CHAIN_HASH_LEN);
	pack_cstr(&pk, "ts");
	pack_cstr(&pk, ts);
	pack_cstr(&pk, "key");
	msgpack_pack_bin(&pk, CHAIN_KEY_LEN);
	msgpack_pack_bin_body(&pk, l->pk, CHAIN_KEY_LEN);
	pack_cstr(&pk, "signature");
	msgpack_pack_bin(&pk, CHAIN_SIG_LEN);
	msgpack_pack_bin_body(&pk, c.signature, CHAIN_SIG_LEN);
	/* As every control message: XPUB never blocks; a subscriber past its queue loses it. */
	zmq_send(l->xpub, CHECKPOINT, strlen(CHECKPOINT), ZMQ_SNDMORE | ZMQ_DONTWAIT);
	zmq_send(l->xpub, l->buf.data, l->buf.size, ZMQ_DONTWAIT);
	zmq_watch_check(l->watch);
	l->checkpointed = c.seq;
	memcpy(l->checkpointed_at, ts, sizeof ts);
}

void ledger_last_checkpoint(const struct ledger *l, int64_t *seq, const char **at)
{
	*seq = l ? l->checkpointed : 0;
	*at = l ? l->checkpointed_at : "";
}

int ledger_attach(struct ledger *l, struct event_base *base, void *xpub, struct zmq_watch *watch)
{
	if (!l || !l->interval_s)
		return 0;
	l->xpub = xpub;
	l->watch = watch;
	struct timeval every = {(time_t)l->interval_s, 0};
	if (!(l->timer = event_new(base, -1, EV_PERSIST, on_checkpoint, l)) ||
	    event_add(l->timer, &every) < 0)
		return -DOCKET_ENOMEM;
	return 0;
}

void ledger_detach(struct ledger *l)
{
	if (!l)
		return;
	if (l->timer)
		event_free(l->timer);
	l->timer = NULL;
	l->xpub = NULL;
	l->watch = NULL;
}

void ledger_close(struct ledger **lp)
{
	struct ledger *l = *lp;
	if (!l)
		return;
	ledger_detach(l);
	if (l->writing) {
		/* What committed since the last batch (reminders at start, the first key). */
		ledger_committed(l);
		pthread_mutex_lock(&l->lock);
		l->stop = true;
		pthread_cond_signal(&l->wake);
		pthread_mutex_unlock(&l->lock);
		pthread_join(l->writer, NULL);
	}
	if (l->fd >= 0)
		close(l->fd);
	pthread_mutex_destroy(&l->lock);
	pthread_cond_destroy(&l->wake);
	msgpack_sbuffer_destroy(&l->buf);
	sodium_memzero(l->sk, sizeof l->sk);
	free(l);
	*lp = NULL;
}
