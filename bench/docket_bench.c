/* docket-bench: keep N commands in flight against a running docketd; report rate and latency. */
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"
#include "docket/docket.h"

#define DEFAULT_COUNT 20000
#define DEFAULT_IN_FLIGHT 16
/*
 * One connection by default: docketd batches the same however many connections
 * the commands arrive on, and each libdocket connection costs the generator
 * threads and CPU that a 2-core machine takes from docketd (see README.md).
 */
#define DEFAULT_CONNECTIONS 1
/* libdocket remembers at most 4096 unanswered requests per connection. */
#define MAX_IN_FLIGHT 4096
#define MAX_CONNECTIONS 64
/* Every latency is kept (8 bytes each) for exact percentiles. */
#define MAX_COUNT 10000000
#define MAX_SECONDS 3600
/* A reply later than this means docketd is stuck: stop instead of waiting on. */
#define RECV_TIMEOUT_MS 10000
#define FAILURES_SHOWN 5

/* Field sizes of a typical decision record. */
#define TEXT_BYTES 300
#define JUSTIFICATION_BYTES 1000

enum op { OP_DRAFT, OP_SUBMIT, OP_ENDORSE, OP_COUNT };

static const char *const op_name[OP_COUNT] = {"draft", "submit", "endorse"};
/* The state each command leaves its decision in; every reply is checked against it. */
static const char *const op_state[OP_COUNT] = {"draft", "submitted", "endorsed"};

struct options {
	const char *endpoint;
	unsigned long in_flight;
	unsigned long connections;
	unsigned long count;   /* 0 in duration mode */
	unsigned long seconds; /* 0 in count mode */
	bool mix;
	bool brief;
};

/* What the connections' threads share. */
struct shared {
	const struct options *opt;
	char run[32]; /* differs between runs, so that refs never collide with a previous run's */
	char *text;
	char *justification;
	int64_t deadline_ns;          /* duration mode: nothing is sent after it */
	atomic_uint_fast64_t tickets; /* commands handed out so far, across connections */
	atomic_uint failures_shown;
};

/* A command sent and not yet answered. */
struct slot {
	uint64_t id;
	int64_t sent_ns;
	uint64_t num; /* the decision's ref is B-<run>-<num> */
	enum op op;
};

/* --mix: the next command for a decision whose last command was acknowledged. */
struct step {
	uint64_t num;
	enum op op;
};

/* One DEALER connection and the thread that drives it. */
struct conn {
	struct shared *sh;
	size_t depth; /* commands it keeps in flight */
	docket_client *client;
	docket_request *req[OP_COUNT]; /* built once; only the ref changes per command */
	struct slot *ring;             /* depth slots, oldest first: replies come in order */
	size_t head, n;
	struct step *due; /* depth steps: n + ndue never exceeds depth */
	size_t due_head, ndue;
	int64_t *lat; /* ns from send to reply of every acknowledged command */
	size_t nlat, cap;
	uint64_t failed;
	int64_t last_ns; /* when its last reply arrived */
	int error;       /* what stopped it early, or 0 */
	pthread_t thread;
	bool started;
};

/* seed repeated to exactly len bytes. Returns NULL when out of memory. */
static char *repeat(const char *seed, size_t len)
{
	size_t n = strlen(seed);
	char *s = malloc(len + 1);
	if (!s)
		return NULL;
	for (size_t i = 0; i < len; i += n)
		memcpy(s + i, seed, len - i < n ? len - i : n);
	s[len] = '\0';
	return s;
}

/* Tell why a command failed, for the first few failures only. */
__attribute__((format(printf, 3, 4))) static void show_failure(struct conn *c, const struct slot *s,
                                                               const char *fmt, ...)
{
	if (atomic_fetch_add(&c->sh->failures_shown, 1) >= FAILURES_SHOWN)
		return;
	char why[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	fprintf(stderr, "docket-bench: %s B-%s-%" PRIu64 ": %s\n", op_name[s->op], c->sh->run,
	        s->num, why);
}

/* Whether m acknowledges s: ok, and the decision in the state s's command leads to. */
static bool acknowledged(struct conn *c, const docket_msg *m, const struct slot *s)
{
	if (!docket_msg_ok(m)) {
		const char *code = docket_msg_error_code(m), *msg = docket_msg_error_message(m);
		show_failure(c, s, "%s: %s", code ? code : "?", msg ? msg : "?");
		return false;
	}
	const char *state;
	if (docket_msg_get_str(m, "decision.state", &state) < 0) {
		show_failure(c, s, "ok, but the reply has no decision.state");
		return false;
	}
	if (strcmp(state, op_state[s->op]) != 0) {
		show_failure(c, s, "ok, but the decision is %s, not %s", state, op_state[s->op]);
		return false;
	}
	return true;
}

static int record(struct conn *c, int64_t ns)
{
	if (c->nlat == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 4096;
		int64_t *p = realloc(c->lat, cap * sizeof *p);
		if (!p)
			return -DOCKET_ENOMEM;
		c->lat = p;
		c->cap = cap;
	}
	c->lat[c->nlat++] = ns;
	return 0;
}

/* The next command number, or false when the count or the time is used up. */
static bool take_ticket(struct shared *sh, uint64_t *ticket)
{
	if (sh->deadline_ns && bench_now_ns() >= sh->deadline_ns)
		return false;
	*ticket = atomic_fetch_add(&sh->tickets, 1);
	return !sh->opt->count || *ticket < sh->opt->count;
}

static int send_one(struct conn *c, enum op op, uint64_t num)
{
	char ref[64];
	struct slot *s = &c->ring[(c->head + c->n) % c->depth];
	snprintf(ref, sizeof ref, "B-%s-%" PRIu64, c->sh->run, num);
	int rc = docket_request_set_str(c->req[op], "ref", ref);
	if (rc < 0)
		return rc;
	s->sent_ns = bench_now_ns();
	if ((rc = docket_client_send(c->client, c->req[op], &s->id)) < 0)
		return rc;
	s->num = num;
	s->op = op;
	c->n++;
	return 0;
}

/* Send until depth commands are in flight or there is nothing left to send. */
static int refill(struct conn *c)
{
	uint64_t ticket;
	while (c->n < c->depth && take_ticket(c->sh, &ticket)) {
		struct step st = {ticket, OP_DRAFT};
		if (c->ndue) {
			st = c->due[c->due_head];
			c->due_head = (c->due_head + 1) % c->depth;
			c->ndue--;
		}
		int rc = send_one(c, st.op, st.num);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Take the slot that reply m answers; requests older than it will never be answered. */
static int settle(struct conn *c, uint64_t id, const docket_msg *m, int64_t now)
{
	size_t k = 0;
	while (k < c->n && c->ring[(c->head + k) % c->depth].id != id)
		k++;
	if (k == c->n) {
		c->failed++;
		return 0;
	}
	c->failed += k;
	struct slot s = c->ring[(c->head + k) % c->depth];
	c->head = (c->head + k + 1) % c->depth;
	c->n -= k + 1;
	if (!acknowledged(c, m, &s)) {
		c->failed++;
		return 0;
	}
	if (c->sh->opt->mix && s.op + 1 < OP_COUNT) {
		c->due[(c->due_head + c->ndue) % c->depth] = (struct step){s.num, s.op + 1};
		c->ndue++;
	}
	return record(c, now - s.sent_ns);
}

static void *conn_main(void *arg)
{
	struct conn *c = arg;
	int rc = refill(c);
	while (rc == 0 && c->n > 0) {
		docket_msg *m = NULL;
		uint64_t id = 0;
		if ((rc = docket_client_recv(c->client, &m, &id)) == 0) {
			c->last_ns = bench_now_ns();
			if ((rc = settle(c, id, m, c->last_ns)) == 0)
				rc = refill(c);
		}
		docket_msg_destroy(&m);
	}
	if (rc < 0) {
		/* Whatever is still in flight is unaccounted for: count it as failed. */
		c->error = rc;
		c->failed += c->n;
		c->n = 0;
	}
	return NULL;
}

/*
 * Connect, build the requests, and make one round trip (a get of a ref that
 * does not exist) so that connecting is not part of the first latency.
 */
static int conn_open(struct conn *c, const char *endpoint)
{
	docket_request *probe = NULL;
	docket_msg *reply = NULL;
	char ref[64];
	int rc;

	c->ring = calloc(c->depth, sizeof *c->ring);
	c->due = calloc(c->depth, sizeof *c->due);
	rc = -DOCKET_ENOMEM;
	if (!c->ring || !c->due)
		goto out;
	if ((rc = docket_client_new(&c->client, endpoint)) < 0)
		goto out;
	docket_client_set_timeout(c->client, RECV_TIMEOUT_MS);
	for (int op = 0; op < OP_COUNT; op++)
		if ((rc = docket_request_new(&c->req[op], op_name[op])) < 0)
			goto out;
	docket_request *d = c->req[OP_DRAFT];
	if ((rc = docket_request_set_str(d, "title",
	                                 "Replacement body-worn video cameras for "
	                                 "response officers")) < 0 ||
	    (rc = docket_request_set_str(d, "text", c->sh->text)) < 0 ||
	    (rc = docket_request_set_str(d, "justification", c->sh->justification)) < 0 ||
	    (rc = docket_request_set_str(d, "decision_maker", "pcc")) < 0 ||
	    (rc = docket_request_set_str(d, "category", "spend")) < 0 ||
	    (rc = docket_request_set_int(d, "cost_pence", 18450000)) < 0)
		goto out;
	snprintf(ref, sizeof ref, "B-%s-probe", c->sh->run);
	if ((rc = docket_request_new(&probe, "get")) < 0 ||
	    (rc = docket_request_set_str(probe, "ref", ref)) < 0)
		goto out;
	rc = docket_client_call(c->client, probe, &reply);
	if (rc == -DOCKET_ENOTFOUND)
		rc = 0;
out:
	docket_msg_destroy(&reply);
	docket_request_destroy(&probe);
	return rc;
}

static void conn_close(struct conn *c)
{
	for (int op = 0; op < OP_COUNT; op++)
		docket_request_destroy(&c->req[op]);
	docket_client_destroy(&c->client);
	free(c->ring);
	free(c->due);
	free(c->lat);
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* The nearest-rank percentile pct of n sorted values, in milliseconds. */
static double percentile(const int64_t *v, size_t n, unsigned pct)
{
	if (!n)
		return 0;
	size_t rank = (n * pct + 99) / 100;
	return v[rank ? rank - 1 : 0] / 1e6;
}

/* Print the results; returns the exit status. */
static int report(const struct options *o, struct conn *conns, size_t nconn, int64_t start)
{
	size_t acked = 0;
	uint64_t failed = 0;
	int64_t end = start;
	int error = 0;
	for (size_t i = 0; i < nconn; i++) {
		acked += conns[i].nlat;
		failed += conns[i].failed;
		if (conns[i].last_ns > end)
			end = conns[i].last_ns;
		if (conns[i].error && !error)
			error = conns[i].error;
	}
	int64_t *all = malloc((acked ? acked : 1) * sizeof *all);
	if (!all) {
		fprintf(stderr, "docket-bench: out of memory\n");
		return EX_OSERR;
	}
	size_t k = 0;
	for (size_t i = 0; i < nconn; i++) {
		memcpy(all + k, conns[i].lat, conns[i].nlat * sizeof *all);
		k += conns[i].nlat;
	}
	qsort(all, acked, sizeof *all, cmp_i64);
	double secs = (end - start) / 1e9;
	double rate = secs > 0 ? acked / secs : 0;
	double p50 = percentile(all, acked, 50), p99 = percentile(all, acked, 99);
	double max = acked ? all[acked - 1] / 1e6 : 0;
	free(all);

	if (error)
		fprintf(stderr, "docket-bench: a connection stopped early: %s\n",
		        docket_strerror(error));
	if (o->brief) {
		printf("%lu %zu %.3f %.0f %.3f %.3f %.3f %" PRIu64 "\n", o->in_flight, acked, secs,
		       rate, p50, p99, max, failed);
	} else {
		printf("docket-bench: %s to %s, %lu in flight on %zu connection%s\n",
		       o->mix ? "draft, submit, endorse" : "draft", o->endpoint, o->in_flight,
		       nconn, nconn == 1 ? "" : "s");
		printf("  commands  %zu acknowledged, %" PRIu64 " failed, in %.3f s\n", acked,
		       failed, secs);
		printf("  rate      %.0f commands/s\n", rate);
		printf("  latency   p50 %.3f ms, p99 %.3f ms, max %.3f ms\n", p50, p99, max);
	}
	return failed || error || !acked ? 1 : 0;
}

static void usage(FILE *f)
{
	fprintf(f,
	        "Usage: docket-bench [OPTION]...\n"
	        "Drive a running docketd with commands that commit, keeping some in flight, and\n"
	        "print acknowledged commands per second and the latency from send to reply.\n"
	        "\n"
	        "  -e, --endpoint ENDPOINT  docketd's command endpoint (DOCKET_ENDPOINT, else\n"
	        "                           %s)\n"
	        "  -c, --in-flight N        keep N commands in flight (default %d, at most %d)\n"
	        "  -k, --connections K      spread them over K connections (default %d)\n"
	        "  -n, --count COUNT        send COUNT commands (default %d)\n"
	        "  -d, --duration SECONDS   instead send for SECONDS, then wait for the replies\n"
	        "      --mix                submit and endorse each drafted decision too\n"
	        "      --brief              print one line: in-flight commands seconds cmds/s\n"
	        "                           p50-ms p99-ms max-ms failed\n"
	        "  -h, --help               show this help\n"
	        "\n"
	        "Exits 0 when every command was acknowledged, 1 when any failed.\n",
	        DOCKET_DEFAULT_ENDPOINT, DEFAULT_IN_FLIGHT, MAX_IN_FLIGHT, DEFAULT_CONNECTIONS,
	        DEFAULT_COUNT);
}

static int parse_args(struct options *o, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"endpoint", required_argument, NULL, 'e'},
	    {"in-flight", required_argument, NULL, 'c'},
	    {"connections", required_argument, NULL, 'k'},
	    {"count", required_argument, NULL, 'n'},
	    {"duration", required_argument, NULL, 'd'},
	    {"mix", no_argument, NULL, 'm'},
	    {"brief", no_argument, NULL, 'b'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int ch;
	while ((ch = getopt_long(argc, argv, "e:c:k:n:d:h", opts, NULL)) != -1) {
		bool good = true;
		switch (ch) {
		case 'e':
			o->endpoint = optarg;
			break;
		case 'c':
			good = bench_parse_ulong(optarg, 1, MAX_IN_FLIGHT, &o->in_flight);
			break;
		case 'k':
			good = bench_parse_ulong(optarg, 1, MAX_CONNECTIONS, &o->connections);
			break;
		case 'n':
			good = bench_parse_ulong(optarg, 1, MAX_COUNT, &o->count);
			o->seconds = 0;
			break;
		case 'd':
			good = bench_parse_ulong(optarg, 1, MAX_SECONDS, &o->seconds);
			o->count = 0;
			break;
		case 'm':
			o->mix = true;
			break;
		case 'b':
			o->brief = true;
			break;
		case 'h':
			usage(stdout);
			exit(EX_OK);
		default:
			usage(stderr);
			return EX_USAGE;
		}
		if (!good) {
			fprintf(stderr, "docket-bench: -%c: bad value '%s'\n", ch, optarg);
			return EX_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "docket-bench: unexpected argument '%s'\n", argv[optind]);
		return EX_USAGE;
	}
	if (o->connections > o->in_flight) {
		fprintf(stderr, "docket-bench: -k %lu is more than -c %lu\n", o->connections,
		        o->in_flight);
		return EX_USAGE;
	}
	if (!o->endpoint)
		o->endpoint = getenv(DOCKET_ENV_ENDPOINT);
	if (!o->endpoint || !*o->endpoint)
		o->endpoint = DOCKET_DEFAULT_ENDPOINT;
	return EX_OK;
}

int main(int argc, char **argv)
{
	struct options o = {
	    .in_flight = DEFAULT_IN_FLIGHT,
	    .connections = DEFAULT_CONNECTIONS,
	    .count = DEFAULT_COUNT,
	};
	struct shared sh = {.opt = &o};
	struct conn *conns = NULL;
	size_t nconn = 0;
	int rc, status = parse_args(&o, argc, argv);
	if (status != EX_OK)
		return status;

	snprintf(sh.run, sizeof sh.run, "%lx%x", (unsigned long)time(NULL), (unsigned)getpid());
	status = EX_OSERR;
	sh.text = repeat("The Commissioner approves the purchase of 450 body-worn video cameras "
	                 "and docking stations to replace units past their supported life. ",
	                 TEXT_BYTES);
	sh.justification = repeat(
	    "About eight per cent of the current cameras fail each month, and evidence lost "
	    "to failed recordings has ended prosecutions. The contract was tendered through the "
	    "regional framework; the preferred bid has the lowest whole-life cost. ",
	    JUSTIFICATION_BYTES);
	conns = calloc(o.connections, sizeof *conns);
	if (!sh.text || !sh.justification || !conns) {
		fprintf(stderr, "docket-bench: out of memory\n");
		goto out;
	}
	for (nconn = 0; nconn < o.connections; nconn++) {
		struct conn *c = &conns[nconn];
		c->sh = &sh;
		c->depth = o.in_flight / o.connections + (nconn < o.in_flight % o.connections);
		if ((rc = conn_open(c, o.endpoint)) < 0) {
			fprintf(stderr, "docket-bench: no answer from docketd at %s: %s\n",
			        o.endpoint, docket_strerror(rc));
			status = rc == -DOCKET_EUNREACHABLE ? EX_UNAVAILABLE : EX_SOFTWARE;
			nconn++;
			goto out;
		}
	}

	int64_t start = bench_now_ns();
	if (o.seconds)
		sh.deadline_ns = start + (int64_t)o.seconds * 1000000000;
	for (size_t i = 0; i < nconn; i++) {
		if (pthread_create(&conns[i].thread, NULL, conn_main, &conns[i]) != 0) {
			/* Those already started finish their share; this one sends nothing. */
			fprintf(stderr, "docket-bench: cannot start a thread\n");
			conns[i].error = -DOCKET_ESYS;
			continue;
		}
		conns[i].started = true;
	}
	for (size_t i = 0; i < nconn; i++)
		if (conns[i].started)
			pthread_join(conns[i].thread, NULL);
	status = report(&o, conns, nconn, start);
out:
	for (size_t i = 0; i < nconn; i++)
		conn_close(&conns[i]);
	free(conns);
	free(sh.text);
	free(sh.justification);
	return status;
}
