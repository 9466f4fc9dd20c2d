/* docket-replay: page through docketd's whole event log with the events query, beside SQLite. */
#include <getopt.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"
#include "docket/docket.h"

#define DEFAULT_REPS 5
#define MAX_REPS 100
#define MAX_MODES 8
#define CALL_TIMEOUT_MS 60000
#define MIN_MAX_BYTES 1024
#define MAX_MAX_BYTES 4000000
#define MAX_LIMIT 10000
/* sqlite/mmap: map up to this much of the database. */
#define SQLITE_MMAP_BYTES "4294967296"

/* One way of reading the whole log: SQLite directly, or events pages of limit and max_bytes. */
struct mode {
	char name[48];
	bool sqlite;
	bool mmap; /* sqlite: read through a memory map instead of read() into SQLite's cache */
	long limit;
	long max_bytes; /* 0: docketd's default */
	double *rate;   /* events/s of each repetition */
	double *pages;  /* events per page of each repetition */
	double *cpu_d;  /* docketd's CPU per event (us), when its pid is known */
	double *cpu_c;  /* this process's CPU per event (us) */
};

struct options {
	const char *endpoint;
	const char *db;
	long daemon_pid;
	unsigned long reps;
	bool last_seq_only;
	struct mode modes[MAX_MODES];
	size_t nmodes;
};

/* What one pass over the log read. */
struct pass {
	int64_t events;
	int64_t pages;
	int64_t last_seq;
	double secs;
	double cpu_d, cpu_c; /* seconds */
};

/* docketd's user + system CPU in seconds, all threads, or 0 when unknown. */
static double daemon_cpu(long pid)
{
	char path[64], buf[1024];
	if (pid <= 0)
		return 0;
	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* The command name may hold spaces: fields count from after its ')'. */
	char *p = strrchr(buf, ')');
	unsigned long long utime, stime;
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime,
	                 &stime) != 2)
		return 0;
	return (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
}

/* The baseline: every event's seq and body straight from the database, in seq order. */
static int pass_sqlite(const struct options *o, const struct mode *md, struct pass *p)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int rc = -1;
	if (sqlite3_open_v2(o->db, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    (md->mmap && sqlite3_exec(db, "PRAGMA mmap_size = " SQLITE_MMAP_BYTES, NULL, NULL,
	                              NULL) != SQLITE_OK) ||
	    sqlite3_prepare_v2(db, "SELECT seq, body FROM events ORDER BY seq", -1, &st, NULL) !=
	        SQLITE_OK) {
		fprintf(stderr, "docket-replay: %s: %s\n", o->db, sqlite3_errmsg(db));
		goto out;
	}
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t seq = sqlite3_column_int64(st, 0);
		const void *body = sqlite3_column_blob(st, 1);
		int len = sqlite3_column_bytes(st, 1);
		if (seq != p->last_seq + 1 || (!body && len)) {
			fprintf(stderr,
			        "docket-replay: sqlite: seq %" PRId64 " after %" PRId64 "\n", seq,
			        p->last_seq);
			goto out;
		}
		p->last_seq = seq;
		p->events++;
	}
	if (step != SQLITE_DONE) {
		fprintf(stderr, "docket-replay: %s: %s\n", o->db, sqlite3_errmsg(db));
		goto out;
	}
	p->pages = 1;
	rc = 0;
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}

/* Check that page m holds the events after after_seq, one by one, and count them. */
static int check_page(const docket_msg *m, struct pass *p, size_t n)
{
	char path[48];
	for (size_t i = 0; i < n; i++) {
		int64_t seq;
		snprintf(path, sizeof path, "events.%zu.seq", i);
		if (docket_msg_get_int(m, path, &seq) < 0 || seq != p->last_seq + 1) {
			fprintf(stderr,
			        "docket-replay: events: event %zu of a page is not seq %" PRId64
			        "\n",
			        i, p->last_seq + 1);
			return -1;
		}
		p->last_seq = seq;
	}
	p->events += (int64_t)n;
	return 0;
}

/* The whole log through libdocket: events pages from after_seq 0 until next reaches last_seq. */
static int pass_events(const struct mode *md, docket_client *c, struct pass *p)
{
	docket_request *r = NULL;
	docket_msg *reply = NULL;
	int64_t next = 0, last = 1;
	int rc = docket_request_new(&r, "events");
	if (rc == 0)
		rc = docket_request_set_int(r, "limit", md->limit);
	if (rc == 0 && md->max_bytes)
		rc = docket_request_set_int(r, "max_bytes", md->max_bytes);
	while (rc == 0 && next < last) {
		docket_msg_destroy(&reply);
		if ((rc = docket_request_set_int(r, "after_seq", next)) < 0)
			break;
		if ((rc = docket_client_call(c, r, &reply)) < 0) {
			const char *code = docket_msg_error_code(reply);
			const char *why = docket_msg_error_message(reply);
			fprintf(stderr, "docket-replay: events after_seq %" PRId64 ": %s%s%s\n",
			        next, code ? code : docket_strerror(rc), why ? ": " : "",
			        why ? why : "");
			break;
		}
		size_t n = docket_msg_count(reply, "events");
		int64_t was = next;
		if (docket_msg_get_int(reply, "next", &next) < 0 ||
		    docket_msg_get_int(reply, "last_seq", &last) < 0) {
			fprintf(stderr,
			        "docket-replay: events after_seq %" PRId64
			        ": the reply has no next or last_seq\n",
			        was);
			rc = -DOCKET_EPROTO;
			break;
		}
		/* An empty log, or one that ends where the last page did. */
		if (n == 0 && last <= was)
			break;
		if (next <= was || (n == 0 && next < last)) {
			fprintf(stderr,
			        "docket-replay: events after_seq %" PRId64
			        ": no progress (next stuck)\n",
			        was);
			rc = -DOCKET_EPROTO;
			break;
		}
		if (check_page(reply, p, n) < 0) {
			rc = -DOCKET_EPROTO;
			break;
		}
		p->pages++;
	}
	docket_msg_destroy(&reply);
	docket_request_destroy(&r);
	return rc < 0 ? -1 : 0;
}

/* The log's last seq, from an events query of limit 0. Returns 0 or -1. */
static int last_seq(docket_client *c, int64_t *last)
{
	docket_request *r = NULL;
	docket_msg *reply = NULL;
	int rc = docket_request_new(&r, "events");
	if (rc == 0)
		rc = docket_request_set_int(r, "limit", 0);
	if (rc == 0)
		rc = docket_client_call(c, r, &reply);
	if (rc == 0)
		rc = docket_msg_get_int(reply, "last_seq", last);
	if (rc < 0) {
		const char *code = docket_msg_error_code(reply);
		fprintf(stderr, "docket-replay: events limit 0: %s\n",
		        code ? code : docket_strerror(rc));
	}
	docket_msg_destroy(&reply);
	docket_request_destroy(&r);
	return rc < 0 ? -1 : 0;
}

static int run_pass(const struct options *o, const struct mode *md, docket_client *c,
                    struct pass *p)
{
	memset(p, 0, sizeof *p);
	double d0 = daemon_cpu(o->daemon_pid), c0 = bench_cpu_ns() / 1e9;
	int64_t t0 = bench_now_ns();
	int rc = md->sqlite ? pass_sqlite(o, md, p) : pass_events(md, c, p);
	p->secs = (bench_now_ns() - t0) / 1e9;
	p->cpu_c = bench_cpu_ns() / 1e9 - c0;
	p->cpu_d = md->sqlite ? 0 : daemon_cpu(o->daemon_pid) - d0;
	return rc;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(const double *v, size_t n)
{
	double s[MAX_REPS];
	memcpy(s, v, n * sizeof *s);
	qsort(s, n, sizeof *s, cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

static int add_mode(struct options *o, const char *spec)
{
	if (o->nmodes == MAX_MODES) {
		fprintf(stderr, "docket-replay: at most %d modes\n", MAX_MODES);
		return -1;
	}
	struct mode *md = &o->modes[o->nmodes];
	char *end;
	if (strcmp(spec, "sqlite") == 0 || strcmp(spec, "sqlite/mmap") == 0) {
		md->sqlite = true;
		md->mmap = spec[6] == '/';
		snprintf(md->name, sizeof md->name, "%s", spec);
	} else {
		md->limit = strtol(spec, &end, 10);
		if (end != spec && *end == '/')
			md->max_bytes = strtol(end + 1, &end, 10);
		if (*spec == '-' || end == spec || *end || md->limit < 1 || md->limit > MAX_LIMIT ||
		    (md->max_bytes &&
		     (md->max_bytes < MIN_MAX_BYTES || md->max_bytes > MAX_MAX_BYTES))) {
			fprintf(stderr, "docket-replay: bad mode '%s'\n", spec);
			return -1;
		}
		if (md->max_bytes)
			snprintf(md->name, sizeof md->name, "events %ld/%ld", md->limit,
			         md->max_bytes);
		else
			snprintf(md->name, sizeof md->name, "events %ld", md->limit);
	}
	o->nmodes++;
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f,
	        "Usage: docket-replay [OPTION]... [MODE]...\n"
	        "Read a running docketd's whole event log, warm, in each MODE, interleaved\n"
	        "(repetition outermost, the order of the modes rotating), and print events/s\n"
	        "per pass and the medians, as ratios to the first mode.\n"
	        "MODE is 'sqlite' (SELECT seq, body FROM events ORDER BY seq on --db, read\n"
	        "only), LIMIT (events pages of LIMIT through libdocket, after_seq paging,\n"
	        "default max_bytes) or LIMIT/MAX_BYTES; 'sqlite/mmap' reads as 'sqlite' does,\n"
	        "through a memory map. Default: sqlite 1000 10000.\n"
	        "\n"
	        "  -e, --endpoint ENDPOINT  docketd's command endpoint (DOCKET_ENDPOINT, else\n"
	        "                           %s)\n"
	        "      --db FILE            docketd's database, for the sqlite mode\n"
	        "  -p, --pid PID            docketd's process: report its CPU per event too\n"
	        "  -r, --reps N             repetitions after one warm-up pass (default %d)\n"
	        "      --last-seq           only print the log's last seq (events, limit 0)\n"
	        "  -h, --help               show this help\n",
	        DOCKET_DEFAULT_ENDPOINT, DEFAULT_REPS);
}

static int parse_args(struct options *o, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"endpoint", required_argument, NULL, 'e'},
	    {"db", required_argument, NULL, 'D'},
	    {"pid", required_argument, NULL, 'p'},
	    {"reps", required_argument, NULL, 'r'},
	    {"last-seq", no_argument, NULL, 'L'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int ch;
	char *end;
	while ((ch = getopt_long(argc, argv, "e:p:r:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'e':
			o->endpoint = optarg;
			break;
		case 'D':
			o->db = optarg;
			break;
		case 'p':
			o->daemon_pid = strtol(optarg, &end, 10);
			if (*end || o->daemon_pid <= 0) {
				fprintf(stderr, "docket-replay: bad pid '%s'\n", optarg);
				return EX_USAGE;
			}
			break;
		case 'r':
			o->reps = strtoul(optarg, &end, 10);
			if (*optarg == '-' || *end || o->reps < 1 || o->reps > MAX_REPS) {
				fprintf(stderr, "docket-replay: bad count '%s'\n", optarg);
				return EX_USAGE;
			}
			break;
		case 'L':
			o->last_seq_only = true;
			break;
		case 'h':
			usage(stdout);
			exit(EX_OK);
		default:
			usage(stderr);
			return EX_USAGE;
		}
	}
	for (int i = optind; i < argc; i++)
		if (add_mode(o, argv[i]) < 0)
			return EX_USAGE;
	if (o->nmodes == 0)
		if (add_mode(o, "sqlite") < 0 || add_mode(o, "1000") < 0 ||
		    add_mode(o, "10000") < 0)
			return EX_SOFTWARE;
	for (size_t i = 0; i < o->nmodes; i++)
		if (o->modes[i].sqlite && !o->db && !o->last_seq_only) {
			fprintf(stderr, "docket-replay: the sqlite mode needs --db\n");
			return EX_USAGE;
		}
	if (!o->endpoint)
		o->endpoint = getenv(DOCKET_ENV_ENDPOINT);
	if (!o->endpoint || !*o->endpoint)
		o->endpoint = DOCKET_DEFAULT_ENDPOINT;
	return EX_OK;
}

static void print_pass(unsigned long rep, const struct mode *md, const struct pass *p)
{
	printf("%-5lu %-22s %-9" PRId64 " %-7" PRId64 " %-8.3f %-10.0f %-8.1f", rep, md->name,
	       p->events, p->pages, p->secs, p->secs > 0 ? p->events / p->secs : 0,
	       p->pages ? (double)p->events / p->pages : 0);
	if (p->events && !md->sqlite)
		printf(" %-9.2f %.2f", p->cpu_d * 1e6 / p->events, p->cpu_c * 1e6 / p->events);
	else if (p->events)
		printf(" %-9s %.2f", "-", p->cpu_c * 1e6 / p->events);
	printf("\n");
}

int main(int argc, char **argv)
{
	struct options o = {.reps = DEFAULT_REPS};
	docket_client *c = NULL;
	int status = parse_args(&o, argc, argv);
	if (status != EX_OK)
		return status;
	status = EX_SOFTWARE;
	for (size_t i = 0; i < o.nmodes; i++) {
		struct mode *md = &o.modes[i];
		md->rate = calloc(o.reps, sizeof *md->rate);
		md->pages = calloc(o.reps, sizeof *md->pages);
		md->cpu_d = calloc(o.reps, sizeof *md->cpu_d);
		md->cpu_c = calloc(o.reps, sizeof *md->cpu_c);
		if (!md->rate || !md->pages || !md->cpu_d || !md->cpu_c) {
			fprintf(stderr, "docket-replay: out of memory\n");
			goto out;
		}
	}
	int rc = docket_client_new(&c, o.endpoint);
	if (rc < 0) {
		fprintf(stderr, "docket-replay: %s: %s\n", o.endpoint, docket_strerror(rc));
		goto out;
	}
	docket_client_set_timeout(c, CALL_TIMEOUT_MS);
	if (o.last_seq_only) {
		int64_t last;
		if (last_seq(c, &last) < 0)
			goto out;
		printf("%" PRId64 "\n", last);
		status = EX_OK;
		goto out;
	}

	/* One unmeasured pass of each mode: the database and both processes are warm after it. */
	int64_t total = -1;
	for (size_t i = 0; i < o.nmodes; i++) {
		struct pass p;
		if (run_pass(&o, &o.modes[i], c, &p) < 0)
			goto out;
		if (total >= 0 && p.events != total) {
			fprintf(stderr,
			        "docket-replay: %s read %" PRId64 " events, not %" PRId64
			        ": is something writing?\n",
			        o.modes[i].name, p.events, total);
			goto out;
		}
		total = p.events;
	}
	if (total <= 0) {
		fprintf(stderr, "docket-replay: the log is empty: nothing to read\n");
		status = EX_DATAERR;
		goto out;
	}
	printf("%" PRId64 " events in the log; warm-up done; %lu repetitions\n", total, o.reps);
	printf("%-5s %-22s %-9s %-7s %-8s %-10s %-8s %-9s %s\n", "rep", "mode", "events", "pages",
	       "seconds", "events/s", "ev/page", "d us/ev", "c us/ev");
	for (unsigned long rep = 0; rep < o.reps; rep++) {
		/* Rotate the order so no mode always runs first or last in a repetition. */
		for (size_t k = 0; k < o.nmodes; k++) {
			struct mode *md = &o.modes[(k + rep) % o.nmodes];
			struct pass p;
			if (run_pass(&o, md, c, &p) < 0)
				goto out;
			if (p.events != total) {
				fprintf(stderr,
				        "docket-replay: %s read %" PRId64 " events, not %" PRId64
				        "\n",
				        md->name, p.events, total);
				goto out;
			}
			md->rate[rep] = p.secs > 0 ? p.events / p.secs : 0;
			md->pages[rep] = p.pages ? (double)p.events / p.pages : 0;
			md->cpu_d[rep] = p.cpu_d * 1e6 / p.events;
			md->cpu_c[rep] = p.cpu_c * 1e6 / p.events;
			print_pass(rep + 1, md, &p);
		}
	}

	/* Ratios to the first mode, per repetition, then their median. */
	printf("\nmedians of %lu (ratio: to %s in the same repetition; min-max of the ratio)\n",
	       o.reps, o.modes[0].name);
	printf("%-22s %-10s %-8s %-20s %-9s %s\n", "mode", "events/s", "ev/page", "ratio",
	       "d us/ev", "c us/ev");
	for (size_t i = 0; i < o.nmodes; i++) {
		struct mode *md = &o.modes[i];
		double ratio[MAX_REPS], lo = 1e300, hi = 0;
		for (unsigned long rep = 0; rep < o.reps; rep++) {
			double base = o.modes[0].rate[rep];
			ratio[rep] = base > 0 ? md->rate[rep] / base : 0;
			lo = ratio[rep] < lo ? ratio[rep] : lo;
			hi = ratio[rep] > hi ? ratio[rep] : hi;
		}
		char range[32];
		snprintf(range, sizeof range, "%.3f (%.3f-%.3f)", median(ratio, o.reps), lo, hi);
		printf("%-22s %-10.0f %-8.1f %-20s ", md->name, median(md->rate, o.reps),
		       median(md->pages, o.reps), range);
		if (md->sqlite)
			printf("%-9s %.2f\n", "-", median(md->cpu_c, o.reps));
		else
			printf("%-9.2f %.2f\n", median(md->cpu_d, o.reps),
			       median(md->cpu_c, o.reps));
	}
	status = EX_OK;
out:
	docket_client_destroy(&c);
	for (size_t i = 0; i < o.nmodes; i++) {
		free(o.modes[i].rate);
		free(o.modes[i].pages);
		free(o.modes[i].cpu_d);
		free(o.modes[i].cpu_c);
	}
	return status;
}
