/* docket-fanout: many raw SUB sockets on docketd's event endpoint, counting events and gaps. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <zmq.h>

#include "bench_util.h"
#include "codec.h"
#include "docket/docket.h"

#define MAX_SUBSCRIBERS 1000
#define MAX_THREADS 16
#define DEFAULT_THREADS 1
#define WELCOME "docket.welcome"
#define CONTROL_PREFIX "docket."
#define BATCH "docket.batch"
#define WELCOME_TIMEOUT_MS 10000
/* After SIGTERM, what is still queued is read until nothing has come for this long. */
#define DRAIN_IDLE_MS 300
/* ...but a subscriber that keeps receiving is cut off after this. */
#define DRAIN_MAX_MS 60000
#define POLL_MS 50

struct options {
	const char *endpoint;
	unsigned long subscribers;
	unsigned long threads;
	unsigned long io_threads;
	bool decode;
	bool libdocket; /* each subscriber a docket_sub, in a thread of its own */
	bool json;      /* and each event turned into JSON, as docket watch prints it */
};

/* --decode: read every event whole, as a client library does, not only its seq. */
static bool decode_all;
/* --batch: subscribe to docket.batch, every event of a commit in one message. */
static bool batches;
/* --json: each event becomes JSON text (libdocket mode). */
static bool to_json;

/* One SUB socket and what it has seen. */
struct sub {
	void *sock;
	docket_sub *ds;      /* libdocket mode instead of sock */
	uint64_t events;     /* event messages (two frames, topic not "docket.") */
	uint64_t missing;    /* seqs skipped over: a later seq came first */
	uint64_t disorder;   /* seqs at or below one already seen */
	uint64_t undecoded;  /* events whose map held no integer seq */
	uint64_t welcomes;   /* docket.welcome, ours or another subscriber's */
	uint64_t heartbeats; /* other control messages */
	int64_t first_seq, last_seq;
	bool seen; /* an event with a seq has come */
};

/* A polling thread and its share of the sockets. */
struct poller {
	struct sub **subs;
	size_t n;
	zmq_pollitem_t *items;
	int64_t first_ns, last_ns; /* first and last event it received */
	int error;                 /* errno of a failed poll, or 0 */
	pthread_t thread;
	bool started;
};

/* Set by the main thread on SIGTERM or SIGINT; the pollers then drain and stop. */
static atomic_bool stopping;

/* The event map's seq, read without decoding the rest. Returns 0 or -1. */
static int event_seq(const void *buf, size_t len, int64_t *seq)
{
	struct codec_reader r;
	struct codec_value v;
	codec_reader_init(&r, buf, len);
	if (codec_read(&r, &v) < 0 || v.type != CODEC_MAP)
		return -1;
	for (uint32_t i = 0; i < v.u.count; i++) {
		struct codec_value key, val;
		if (codec_read(&r, &key) < 0)
			return -1;
		if (!codec_str_eq(&key, "seq")) {
			if (codec_skip(&r) < 0)
				return -1;
			continue;
		}
		if (codec_read(&r, &val) < 0 || val.type != CODEC_INT)
			return -1;
		*seq = val.u.i;
		return 0;
	}
	return -1;
}

/*
 * What libdocket does with each event before handing it over: check the whole
 * map within the reply limits, then read every value. Returns 0 or -1.
 */
static int decode(const void *buf, size_t len)
{
	struct codec_reader r;
	if (codec_validate(buf, len, &codec_reply_limits) < 0)
		return -1;
	codec_reader_init(&r, buf, len);
	/* Skipping reads every value, one by one. */
	return codec_skip(&r) < 0 ? -1 : 0;
}

static bool has_prefix(zmq_msg_t *m, const char *prefix)
{
	size_t n = strlen(prefix);
	return zmq_msg_size(m) >= n && memcmp(zmq_msg_data(m), prefix, n) == 0;
}

/* Check seq against the last one s saw. */
static void note_seq(struct sub *s, int64_t seq)
{
	if (!s->seen) {
		s->seen = true;
		s->first_seq = seq;
	} else if (seq <= s->last_seq) {
		s->disorder++;
		return;
	} else if (seq > s->last_seq + 1) {
		s->missing += (uint64_t)(seq - s->last_seq - 1);
	}
	s->last_seq = seq;
}

/* A docket.batch message: an array of event maps, each counted as count() would. */
static void count_batch(struct sub *s, const void *buf, size_t len)
{
	struct codec_reader r;
	struct codec_value v;
	if ((decode_all && decode(buf, len) < 0)) {
		s->undecoded++;
		return;
	}
	codec_reader_init(&r, buf, len);
	if (codec_read(&r, &v) < 0 || v.type != CODEC_ARRAY) {
		s->undecoded++;
		return;
	}
	for (uint32_t i = 0; i < v.u.count; i++) {
		const uint8_t *at = r.p;
		int64_t seq;
		s->events++;
		if (codec_skip(&r) < 0 || event_seq(at, (size_t)(r.p - at), &seq) < 0) {
			s->undecoded++;
			return;
		}
		note_seq(s, seq);
	}
}

/* Account for one whole message: frames[0] the topic, frames[1] the map (parts frames). */
static void count(struct sub *s, zmq_msg_t *frames, int parts)
{
	if (parts == 2 && zmq_msg_size(&frames[0]) == strlen(BATCH) &&
	    has_prefix(&frames[0], BATCH)) {
		count_batch(s, zmq_msg_data(&frames[1]), zmq_msg_size(&frames[1]));
		return;
	}
	if (has_prefix(&frames[0], CONTROL_PREFIX)) {
		if (parts == 1 && zmq_msg_size(&frames[0]) == strlen(WELCOME) &&
		    has_prefix(&frames[0], WELCOME))
			s->welcomes++;
		else
			s->heartbeats++;
		return;
	}
	int64_t seq;
	s->events++;
	if (parts != 2 ||
	    (decode_all && decode(zmq_msg_data(&frames[1]), zmq_msg_size(&frames[1])) < 0) ||
	    event_seq(zmq_msg_data(&frames[1]), zmq_msg_size(&frames[1]), &seq) < 0) {
		s->undecoded++;
		return;
	}
	note_seq(s, seq);
}

/* One event through libdocket, as an integration reads it. */
static void count_msg(struct sub *s, docket_msg *ev)
{
	int64_t seq;
	char *json = NULL;
	s->events++;
	if (docket_msg_get_int(ev, "seq", &seq) < 0 ||
	    (to_json && docket_msg_to_json(ev, DOCKET_JSON_COMPACT, &json) < 0)) {
		s->undecoded++;
		return;
	}
	free(json);
	note_seq(s, seq);
}

/*
 * Receive every whole message waiting on s. Returns how many there were, or -1
 * when a receive failed for another reason than an empty queue.
 */
static int drain(struct sub *s)
{
	int got = 0;
	for (;;) {
		zmq_msg_t frames[2];
		int parts = 0;
		zmq_msg_init(&frames[0]);
		if (zmq_msg_recv(&frames[0], s->sock, ZMQ_DONTWAIT) < 0) {
			zmq_msg_close(&frames[0]);
			return errno == EAGAIN || errno == EINTR ? got : -1;
		}
		parts = 1;
		zmq_msg_init(&frames[1]);
		/* The rest of a message arrives with its first part: these do not block. */
		int more = zmq_msg_more(&frames[0]);
		if (more && zmq_msg_recv(&frames[1], s->sock, 0) >= 0) {
			parts = 2;
			more = zmq_msg_more(&frames[1]);
		}
		while (more) {
			zmq_msg_t extra;
			zmq_msg_init(&extra);
			more = zmq_msg_recv(&extra, s->sock, 0) >= 0 && zmq_msg_more(&extra);
			zmq_msg_close(&extra);
			parts++;
		}
		count(s, frames, parts);
		zmq_msg_close(&frames[0]);
		zmq_msg_close(&frames[1]);
		got++;
	}
}

/*
 * Whether a thread is done: stopping was asked for (when first seen, it is
 * noted in *stop_seen) and nothing has come for DRAIN_IDLE_MS, or draining
 * has gone on for DRAIN_MAX_MS.
 */
static bool drained(int64_t now, int64_t idle_since, int64_t *stop_seen)
{
	if (!atomic_load(&stopping))
		return false;
	if (!*stop_seen)
		*stop_seen = now;
	return now - idle_since >= (int64_t)DRAIN_IDLE_MS * 1000000 ||
	       now - *stop_seen >= (int64_t)DRAIN_MAX_MS * 1000000;
}

/* libdocket mode: one subscriber, waiting in docket_sub_recv. */
static void *sub_main(void *arg)
{
	struct poller *p = arg;
	struct sub *s = p->subs[0];
	int64_t stop_seen = 0, idle_since = bench_now_ns();
	for (;;) {
		docket_msg *ev = NULL;
		int rc = docket_sub_recv(s->ds, &ev, POLL_MS);
		int64_t now = bench_now_ns();
		if (rc == 0) {
			count_msg(s, ev);
			docket_msg_destroy(&ev);
			if (!p->first_ns)
				p->first_ns = now;
			p->last_ns = idle_since = now;
		} else if (rc == -DOCKET_EPROTO) {
			s->undecoded++;
		} else if (rc != -DOCKET_ETIMEDOUT && rc != -DOCKET_EINTR) {
			p->error = EPROTO;
			return NULL;
		}
		if (drained(now, idle_since, &stop_seen))
			return NULL;
	}
}

static void *poller_main(void *arg)
{
	struct poller *p = arg;
	int64_t stop_seen = 0, idle_since = bench_now_ns();
	for (;;) {
		int n = zmq_poll(p->items, (int)p->n, POLL_MS);
		int64_t now = bench_now_ns();
		if (n < 0 && errno != EINTR) {
			p->error = errno;
			return NULL;
		}
		bool got = false;
		for (size_t i = 0; n > 0 && i < p->n; i++) {
			if (!(p->items[i].revents & ZMQ_POLLIN))
				continue;
			uint64_t before = p->subs[i]->events;
			if (drain(p->subs[i]) < 0) {
				p->error = errno;
				return NULL;
			}
			if (p->subs[i]->events != before) {
				got = true;
				if (!p->first_ns)
					p->first_ns = now;
			}
		}
		if (got) {
			p->last_ns = bench_now_ns();
			idle_since = p->last_ns;
		}
		if (drained(now, idle_since, &stop_seen))
			return NULL;
	}
}

/*
 * Connect every socket, subscribed to everything and then to the welcome, and
 * wait until each has had a welcome: every event after that reaches all of them.
 */
/*
 * Every event, once: in docket.batch messages with --batch, else one
 * message each, by the prefixes of the event names (the empty prefix would
 * bring each event twice, alone and in its batch).
 */
static int subscribe_events(void *sock)
{
	static const char *const families[] = {"decision.", "meeting.", "item.", "reminder.", "key."};
	if (batches)
		return zmq_setsockopt(sock, ZMQ_SUBSCRIBE, BATCH, strlen(BATCH));
	for (size_t i = 0; i < sizeof families / sizeof families[0]; i++)
		if (zmq_setsockopt(sock, ZMQ_SUBSCRIBE, families[i], strlen(families[i])) < 0)
			return -1;
	return 0;
}

static int open_subs(void *ctx, const struct options *o, struct sub *subs)
{
	int zero = 0;
	if (o->libdocket) {
		/* docket_sub_new waits for the welcome itself. */
		for (size_t i = 0; i < o->subscribers; i++) {
			int rc = docket_sub_new(&subs[i].ds, o->endpoint, NULL, WELCOME_TIMEOUT_MS);
			if (rc < 0) {
				fprintf(stderr, "docket-fanout: subscriber %zu: %s\n", i,
				        docket_strerror(rc));
				return -1;
			}
		}
		return 0;
	}
	for (size_t i = 0; i < o->subscribers; i++) {
		struct sub *s = &subs[i];
		if (!(s->sock = zmq_socket(ctx, ZMQ_SUB)) ||
		    zmq_setsockopt(s->sock, ZMQ_LINGER, &zero, sizeof zero) < 0 ||
		    subscribe_events(s->sock) < 0 ||
		    zmq_setsockopt(s->sock, ZMQ_SUBSCRIBE, WELCOME, strlen(WELCOME)) < 0 ||
		    zmq_connect(s->sock, o->endpoint) < 0) {
			fprintf(stderr, "docket-fanout: subscriber %zu: %s\n", i,
			        zmq_strerror(zmq_errno()));
			return -1;
		}
	}
	int64_t deadline = bench_now_ns() + (int64_t)WELCOME_TIMEOUT_MS * 1000000;
	for (size_t i = 0; i < o->subscribers; i++) {
		struct sub *s = &subs[i];
		while (!s->welcomes) {
			zmq_pollitem_t item = {.socket = s->sock, .events = ZMQ_POLLIN};
			int64_t left = (deadline - bench_now_ns()) / 1000000;
			if (left <= 0 || zmq_poll(&item, 1, (long)left) < 0) {
				fprintf(stderr,
				        "docket-fanout: subscriber %zu had no welcome from %s "
				        "within %d ms\n",
				        i, o->endpoint, WELCOME_TIMEOUT_MS);
				return -1;
			}
			if (drain(s) < 0)
				return -1;
		}
	}
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f,
	        "Usage: docket-fanout [OPTION]...\n"
	        "Subscribe S raw SUB sockets to every event of a running docketd, print\n"
	        "'ready' once each has had docketd's welcome, and count events and seq gaps\n"
	        "until SIGTERM or SIGINT; then read what is still queued and print one line:\n"
	        "  subscribers events seconds events/s missing disorder undecoded\n"
	        "  min-first-seq max-last-seq min-last-seq cpu-ms\n"
	        "seconds runs from the first event received to the last, on any socket;\n"
	        "cpu-ms is this process's CPU time from 'ready' to the end.\n"
	        "\n"
	        "  -E, --events ENDPOINT    docketd's event endpoint (DOCKET_EVENTS, else %s)\n"
	        "  -s, --subscribers S      sockets (default 1, at most %d)\n"
	        "  -t, --threads T          threads polling them (default %d, at most %d)\n"
	        "      --io-threads N       ZeroMQ I/O threads (default 1)\n"
	        "      --decode             validate and read every event whole, as libdocket\n"
	        "                           does, not only its seq\n"
	        "      --libdocket          make each subscriber a docket_sub (its own ZeroMQ\n"
	        "                           context) read in a thread of its own; -t is ignored\n"
	        "      --json               with --libdocket, turn each event into JSON text\n"
	        "      --batch              subscribe to docket.batch: the events of each commit\n"
	        "                           in one message (libdocket's subscribers always do)\n"
	        "  -h, --help               show this help\n",
	        DOCKET_DEFAULT_EVENTS, MAX_SUBSCRIBERS, DEFAULT_THREADS, MAX_THREADS);
}

static int parse_args(struct options *o, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"events", required_argument, NULL, 'E'},
	    {"subscribers", required_argument, NULL, 's'},
	    {"threads", required_argument, NULL, 't'},
	    {"io-threads", required_argument, NULL, 'i'},
	    {"decode", no_argument, NULL, 'D'},
	    {"libdocket", no_argument, NULL, 'L'},
	    {"json", no_argument, NULL, 'J'},
	    {"batch", no_argument, NULL, 'B'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int ch;
	while ((ch = getopt_long(argc, argv, "E:s:t:h", opts, NULL)) != -1) {
		bool good = true;
		switch (ch) {
		case 'E':
			o->endpoint = optarg;
			break;
		case 's':
			good = bench_parse_ulong(optarg, 1, MAX_SUBSCRIBERS, &o->subscribers);
			break;
		case 't':
			good = bench_parse_ulong(optarg, 1, MAX_THREADS, &o->threads);
			break;
		case 'i':
			good = bench_parse_ulong(optarg, 1, 64, &o->io_threads);
			break;
		case 'D':
			o->decode = true;
			break;
		case 'L':
			o->libdocket = true;
			break;
		case 'J':
			o->json = o->libdocket = true;
			break;
		case 'B':
			batches = true;
			break;
		case 'h':
			usage(stdout);
			exit(EX_OK);
		default:
			usage(stderr);
			return EX_USAGE;
		}
		if (!good) {
			fprintf(stderr, "docket-fanout: -%c: bad value '%s'\n", ch, optarg);
			return EX_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "docket-fanout: unexpected argument '%s'\n", argv[optind]);
		return EX_USAGE;
	}
	if (o->threads > o->subscribers || o->libdocket)
		o->threads = o->subscribers;
	if (!o->endpoint)
		o->endpoint = getenv(DOCKET_ENV_EVENTS);
	if (!o->endpoint || !*o->endpoint)
		o->endpoint = DOCKET_DEFAULT_EVENTS;
	return EX_OK;
}

/* Print the one result line; returns the exit status. */
static int report(const struct options *o, const struct sub *subs, const struct poller *pollers,
                  int64_t cpu)
{
	uint64_t events = 0, missing = 0, disorder = 0, undecoded = 0;
	int64_t first = INT64_MAX, max_last = 0, min_last = INT64_MAX, t0 = INT64_MAX, t1 = 0;
	int error = 0;
	for (size_t i = 0; i < o->subscribers; i++) {
		const struct sub *s = &subs[i];
		events += s->events;
		missing += s->missing;
		disorder += s->disorder;
		undecoded += s->undecoded;
		if (s->seen) {
			first = s->first_seq < first ? s->first_seq : first;
			max_last = s->last_seq > max_last ? s->last_seq : max_last;
		}
		/* A subscriber that saw nothing is as far behind as can be. */
		int64_t last = s->seen ? s->last_seq : 0;
		min_last = last < min_last ? last : min_last;
	}
	for (size_t i = 0; i < o->threads; i++) {
		if (pollers[i].first_ns && pollers[i].first_ns < t0)
			t0 = pollers[i].first_ns;
		if (pollers[i].last_ns > t1)
			t1 = pollers[i].last_ns;
		if (pollers[i].error && !error)
			error = pollers[i].error;
	}
	if (error)
		fprintf(stderr, "docket-fanout: receiving failed: %s\n", zmq_strerror(error));
	double secs = t1 > t0 ? (t1 - t0) / 1e9 : 0;
	printf("%lu %" PRIu64 " %.3f %.0f %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRId64 " %" PRId64
	       " %" PRId64 " %.0f\n",
	       o->subscribers, events, secs, secs > 0 ? events / secs : 0, missing, disorder,
	       undecoded, first == INT64_MAX ? 0 : first, max_last, min_last, cpu / 1e6);
	return error || disorder || undecoded ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct options o = {.subscribers = 1, .threads = DEFAULT_THREADS, .io_threads = 1};
	struct sub *subs = NULL;
	struct poller *pollers = NULL;
	void *ctx = NULL;
	int status = parse_args(&o, argc, argv);
	if (status != EX_OK)
		return status;
	decode_all = o.decode;
	to_json = o.json;

	/* Only the main thread takes the signals, in sigwait; the threads inherit the mask. */
	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);

	status = EX_SOFTWARE;
	subs = calloc(o.subscribers, sizeof *subs);
	pollers = calloc(o.threads, sizeof *pollers);
	if (!subs || !pollers || !(ctx = zmq_ctx_new()) ||
	    zmq_ctx_set(ctx, ZMQ_IO_THREADS, (int)o.io_threads) < 0 ||
	    zmq_ctx_set(ctx, ZMQ_MAX_SOCKETS, (int)o.subscribers + 16) < 0) {
		fprintf(stderr, "docket-fanout: cannot set up ZeroMQ: %s\n",
		        zmq_strerror(zmq_errno()));
		goto out;
	}
	if (open_subs(ctx, &o, subs) < 0) {
		status = EX_UNAVAILABLE;
		goto out;
	}
	/* What came before the welcome (other subscribers' welcomes) is not counted. */
	for (size_t i = 0; i < o.subscribers; i++)
		subs[i] = (struct sub){.sock = subs[i].sock, .ds = subs[i].ds};
	for (size_t t = 0; t < o.threads; t++) {
		struct poller *p = &pollers[t];
		size_t share = o.subscribers / o.threads + (t < o.subscribers % o.threads);
		p->subs = calloc(share, sizeof *p->subs);
		p->items = calloc(share, sizeof *p->items);
		if (!p->subs || !p->items) {
			fprintf(stderr, "docket-fanout: out of memory\n");
			goto out;
		}
	}
	/* Socket i goes to thread i mod T. */
	for (size_t i = 0; i < o.subscribers; i++) {
		struct poller *p = &pollers[i % o.threads];
		p->subs[p->n] = &subs[i];
		p->items[p->n] = (zmq_pollitem_t){.socket = subs[i].sock, .events = ZMQ_POLLIN};
		p->n++;
	}

	int64_t cpu0 = bench_cpu_ns();
	for (size_t t = 0; t < o.threads; t++) {
		if (pthread_create(&pollers[t].thread, NULL, o.libdocket ? sub_main : poller_main,
		                   &pollers[t]) != 0) {
			fprintf(stderr, "docket-fanout: cannot start a thread\n");
			atomic_store(&stopping, true);
			break;
		}
		pollers[t].started = true;
	}
	printf("ready\n");
	fflush(stdout);
	int sig;
	if (!atomic_load(&stopping))
		sigwait(&sigs, &sig);
	atomic_store(&stopping, true);
	bool all = true;
	for (size_t t = 0; t < o.threads; t++) {
		if (pollers[t].started)
			pthread_join(pollers[t].thread, NULL);
		else
			all = false;
	}
	status = report(&o, subs, pollers, bench_cpu_ns() - cpu0);
	if (!all)
		status = EX_OSERR;
out:
	for (size_t i = 0; subs && i < o.subscribers; i++) {
		if (subs[i].sock)
			zmq_close(subs[i].sock);
		docket_sub_destroy(&subs[i].ds);
	}
	for (size_t t = 0; pollers && t < o.threads; t++) {
		free(pollers[t].subs);
		free(pollers[t].items);
	}
	if (ctx)
		zmq_ctx_term(ctx);
	free(subs);
	free(pollers);
	return status;
}
