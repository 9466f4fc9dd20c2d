/*
 * Integration test harness: runs the real docketd as a child process in a
 * fresh temporary directory, waits for it through sd_notify, and runs the
 * docket CLI and raw ZeroMQ exchanges against it.
 */
#ifndef DOCKET_IT_HARNESS_H
#define DOCKET_IT_HARNESS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#include "docket/docket.h"

/* How long docketd may take to say READY=1, and most other waits. */
#define H_READY_MS 10000
#define H_WAIT_MS 10000
/* Other children a test may start (a CLI watcher), killed by the teardown. */
#define H_MAX_CHILDREN 8

/* One docketd and its directory. */
struct h_daemon {
	char dir[64];          /* mkdtemp directory, removed by the teardown */
	char state_dir[256];   /* --state-dir, DIR/state unless a test changes it */
	char cmd[256];         /* --listen, ipc://DIR/cmd */
	char ev[256];          /* --publish, ipc://DIR/ev */
	char notify[96];       /* NOTIFY_SOCKET, DIR/notify (fits sun_path) */
	char stderr_path[128]; /* docketd's stdout and stderr, DIR/stderr */
	char config[128];      /* DIR/docketd.ini, written by h_write_config */
	bool use_config;       /* pass -c config */
	pid_t pid;             /* the running docketd, or 0 */
	int pidfd;             /* pidfd of pid, or -1 where the kernel has none */
	int notify_fd;         /* the datagram socket bound at notify */
	int status;            /* exit status of the last docketd that ended (h_status) */
	docket_client *client; /* connected to cmd once started */
	pid_t children[H_MAX_CHILDREN];
	const char *env[8];    /* more environment for docketd ("K=V", NULL-terminated), e.g. h_faketime's */
	char faketime[160];    /* h_faketime's FAKETIME=... */
	char asan[256];        /* h_faketime's ASAN_OPTIONS=... */
	bool passed;           /* set by the test's end; otherwise the teardown shows stderr */
	struct h_daemon *peer; /* a second docketd of the test (h_peer), torn down with this one */
};

/*
 * cmocka fixtures. h_setup makes the directory and the notify socket;
 * h_setup_started also starts docketd. h_teardown stops docketd with
 * SIGTERM after a test that reached H_PASS and fails unless it exits 0
 * (so sanitizer reports at exit count); it kills every other child
 * (docketd after a failure, tracked ones), shows docketd's stderr if the
 * test did not pass, removes the directory and frees the state.
 */
int h_setup(void **state);
int h_setup_started(void **state);
int h_teardown(void **state);

#define H_PASS(d) ((d)->passed = true)

/* assert_string_equal that fails, rather than crashes, on NULL. */
#define H_ASSERT_STR(actual, expected)                                                             \
	do {                                                                                       \
		const char *h_a_ = (actual);                                                       \
		if (!h_a_)                                                                         \
			fail_msg("%s is NULL, expected \"%s\"", #actual, (expected));              \
		assert_string_equal(h_a_, (expected));                                             \
	} while (0)

/* Fail unless haystack (may be NULL) contains needle. */
#define H_ASSERT_CONTAINS(haystack, needle)                                                        \
	do {                                                                                       \
		const char *h_h_ = (haystack);                                                     \
		if (!h_h_ || !strstr(h_h_, (needle)))                                              \
			fail_msg("%s (\"%s\") does not contain \"%s\"", #haystack,                 \
			         h_h_ ? h_h_ : "(null)", (needle));                                \
	} while (0)

/*
 * Start docketd with the directory's arguments (and -c config when
 * use_config) and wait for READY=1. Returns 0 when ready; -1 when docketd
 * exited first (d->status holds its status); -2 when it neither got ready
 * nor exited in time (it is killed). On success d->client is connected.
 */
int h_start(struct h_daemon *d);

/* Like h_start with extra arguments (NULL-terminated) after the usual ones. */
int h_start_args(struct h_daemon *d, const char *const *extra);

/*
 * Start docketd on tcp://127.0.0.1:0 for commands and events (CURVE), as
 * h_start. Once ready, cmd and ev hold the ports it bound (from its
 * "ready:" line), libdocket's process-wide credentials are the state
 * directory's admin.key and server.pub, and d->client is connected with
 * them. Returns as h_start.
 */
int h_start_tcp(struct h_daemon *d);

/* Where Debian's faketime package keeps libfaketime. */
#define H_LIBFAKETIME "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"

/*
 * Run docketd from its next start under libfaketime with FAKETIME=spec
 * ("@2030-09-01 08:59:50" starts the clock there, read as UTC, and lets it
 * run; "+30d" shifts it), or under the real clock again with spec NULL. It
 * uses d->env[0..4] (TZ=UTC among them); more variables go from env[5] on.
 * The test is skipped when libfaketime is not installed.
 */
void h_faketime(struct h_daemon *d, const char *spec);

/*
 * Stop docketd with SIGTERM and wait up to timeout_ms. Returns its exit
 * status (h_status), or -1 when it did not exit in time (it is then killed).
 */
int h_stop(struct h_daemon *d, int timeout_ms);

/*
 * Wait up to timeout_ms for docketd to exit by itself. Returns its exit
 * status, or -1 on timeout (it keeps running).
 */
int h_wait_exit(struct h_daemon *d, int timeout_ms);

/* A second docketd with a directory of its own, torn down with d. NULL on error. */
struct h_daemon *h_peer(struct h_daemon *d);

/* Kill docketd with SIGKILL and reap it. */
void h_kill9(struct h_daemon *d);

/* Stop (SIGTERM) and start again on the same directory. Returns as h_start. */
int h_restart(struct h_daemon *d);

/* Send sig to docketd. */
void h_signal(struct h_daemon *d, int sig);

/* True when docketd is still running (not exited, not reaped). */
bool h_alive(struct h_daemon *d);

/*
 * Wait up to timeout_ms for a notify datagram containing substr. Returns 0
 * when one arrived, -1 on timeout, -2 when docketd exited first.
 */
int h_wait_notify(struct h_daemon *d, const char *substr, int timeout_ms);

/* Bytes in docketd's stderr file now. */
size_t h_stderr_size(const struct h_daemon *d);

/*
 * Wait (inotify, no polling) up to timeout_ms for substr to appear in
 * docketd's stderr after byte offset from. Returns 0 or -1.
 */
int h_wait_stderr(struct h_daemon *d, size_t from, const char *substr, int timeout_ms);

/* docketd's stderr as a string (caller frees). */
char *h_stderr(const struct h_daemon *d);

/* Write text to DIR/docketd.ini and pass it with -c from now on. Returns 0 or -1. */
int h_write_config(struct h_daemon *d, const char *text);

/* Remember a child the teardown must kill; forget it when reaped. */
void h_track(struct h_daemon *d, pid_t pid);
void h_untrack(struct h_daemon *d, pid_t pid);

/* Processes. */

/* What a finished child left. */
struct h_proc {
	int status; /* exit code, or 128 + signal; -1 when it was killed on timeout */
	char *out;  /* stdout, NUL-terminated */
	size_t out_len;
	char *err;      /* stderr, NUL-terminated */
	double seconds; /* wall time from start to exit, CLOCK_MONOTONIC */
};

/*
 * Run argv (argv[0] a path) with env entries ("K=V", NULL-terminated, may be
 * NULL) added to a cleaned environment, capture its output and wait up to
 * timeout_ms. Returns 0, or -1 when it had to be killed or could not start.
 */
int h_run(struct h_proc *p, const char *const *argv, const char *const *env, int timeout_ms);
void h_proc_free(struct h_proc *p);

/*
 * Run the docket CLI with the given arguments (NULL-terminated) and
 * DOCKET_ENDPOINT / DOCKET_EVENTS set to d's endpoints. Timeout 20 s.
 * Returns as h_run.
 */
int h_cli(struct h_daemon *d, struct h_proc *p, ...) __attribute__((sentinel));

/* h_cli with the arguments as a NULL-terminated array. */
int h_cli_argv(struct h_daemon *d, struct h_proc *p, const char *const *args);

/*
 * Start argv with stdout on a non-blocking pipe (*out_fd, caller closes)
 * and stderr appended to DIR/child.err, tracked by d. Returns the pid or -1.
 */
pid_t h_spawn_piped(struct h_daemon *d, const char *const *argv, const char *const *env,
                    int *out_fd);

/* Wait up to timeout_ms for pid to exit. Returns its status (h_status) or -1 on timeout. */
int h_reap(struct h_daemon *d, pid_t pid, int timeout_ms);

/* A waitpid status as a number: the exit code, or 128 + the signal. */
int h_status(int raw);

/* Files and times. */

/* Remove a directory tree. */
void h_rmrf(const char *path);

/* Write len bytes to path (created or truncated). Returns 0 or -1. */
int h_write_bytes(const char *path, const void *buf, size_t len);

/* Read a whole file (caller frees). NULL on error. */
char *h_read_file(const char *path, size_t *len);

/* Now plus offset_s as a protocol time, YYYY-MM-DDTHH:MM:SSZ (buf of 21 or more). */
const char *h_utc(char *buf, size_t size, long offset_s);

/* CLOCK_MONOTONIC in seconds. */
double h_now(void);

/* libdocket. */

/*
 * Build a request from op and NULL-terminated key/value pairs of strings.
 * A key starting with '#' sets the rest of the key to the value as an
 * integer ("#item", "12"). Aborts the test on a library error.
 */
docket_request *h_req(const char *op, ...) __attribute__((sentinel));

/*
 * Call op with pairs (as h_req) on d->client. Returns the library's code;
 * *reply receives the reply (NULL when none), which the caller frees.
 */
int h_call(struct h_daemon *d, docket_msg **reply, const char *op, ...) __attribute__((sentinel));

/* h_req with the pairs as a va_list. */
docket_request *h_vreq(const char *op, va_list ap);

/* h_call with the pairs as a va_list. */
int h_vcall(struct h_daemon *d, docket_msg **reply, const char *op, va_list ap);

/*
 * Call op with pairs (as h_req) and topics (a NULL-terminated array of
 * prefixes, or NULL) as its "topics"; it must be accepted. Returns the
 * reply as JSON (caller json_decref).
 */
json_t *h_topics_call(struct h_daemon *d, const char *const *topics, const char *op, ...)
	__attribute__((sentinel));

/* Call a change op with pairs (as h_req) that must be accepted; returns the seq of its event. */
int64_t h_change(struct h_daemon *d, const char *op, ...) __attribute__((sentinel));

/*
 * Call op with pairs (as h_req) and fail the test unless docketd refuses it
 * with code (a DOCKET_E* value), with that wire code and a message. Returns
 * the reply, for checks of the message; the caller frees it.
 */
docket_msg *h_refuse(struct h_daemon *d, int code, const char *op, ...) __attribute__((sentinel));

/* h_vcall that fails the test unless op is accepted; returns the reply, which the caller frees. */
docket_msg *h_vmust(struct h_daemon *d, const char *op, va_list ap);

/*
 * Draft ref with fixed valid fields. Returns as h_call; the reply goes to
 * *reply when reply is not NULL, else it is freed.
 */
int h_draft(struct h_daemon *d, const char *ref, docket_msg **reply);

/*
 * Draft ref (as h_draft) with a subscriber on d->ev, and return the
 * decision.drafted event it received (the caller frees it); fails the
 * test unless one comes.
 */
docket_msg *h_draft_seen(struct h_daemon *d, const char *ref);

/*
 * Add a meeting starting offset_s from now and one item on it. Aborts the
 * test unless both succeed; the ids go to *meeting and *item.
 */
void h_meeting_item(struct h_daemon *d, long offset_s, int64_t *meeting, int64_t *item);

/* A value of m at path: the string, or NULL. */
const char *h_str(const docket_msg *m, const char *path);

/* A value of m at path: the integer, or INT64_MIN when absent or not one. */
int64_t h_int(const docket_msg *m, const char *path);

/* m as a JSON value (caller json_decref). */
json_t *h_msg_json(const docket_msg *m);

/* CURVE keys (tcp endpoints, h_start_tcp). */

/* A client key pair in a file. */
struct h_key {
	char path[300];
	char pub[41]; /* Z85 */
	char sec[41]; /* Z85, or "" when the file has none */
};

/* A fresh key pair written to DIR/name with mode (0600 unless a test wants it open). */
void h_key_make(struct h_daemon *d, const char *name, int mode, struct h_key *k);

/* The keys in the key file at path (admin.key, server.pub...); fails the test without one. */
void h_key_read(const char *path, struct h_key *k);

/* Record pub for principal with roles (comma-separated) through d->client; it must be accepted. */
void h_key_add(struct h_daemon *d, const char *pub, const char *principal, const char *roles);

/*
 * Connect *c to d->cmd presenting the key pair in key_file and docketd's
 * public key server (Z85 or a file); NULL for either takes the state
 * directory's admin.key or server.pub. The process-wide credentials are
 * those two again afterwards. Returns docket_client_new's code.
 */
int h_client_as(struct h_daemon *d, const char *key_file, const char *server, int timeout_ms,
                docket_client **c);

/* Subscribe *s to all of d->ev with the key pair in key_file. Returns docket_sub_new's code. */
int h_sub_as(struct h_daemon *d, const char *key_file, int timeout_ms, docket_sub **s);

/* Raw ZeroMQ. */

/* A DEALER of its own, for bytes libdocket would never send. */
struct h_raw {
	void *ctx;
	void *sock;
};

/* Connect a DEALER to endpoint. Returns 0 or -1. */
int h_raw_open(struct h_raw *r, const char *endpoint);
void h_raw_close(struct h_raw *r);

/* Send n frames (bytes and lengths). Returns 0 or -1. */
int h_raw_send(struct h_raw *r, int n, const void *const *frames, const size_t *lens);

/* Send one frame: the delimiter-less DEALER form. */
int h_raw_send1(struct h_raw *r, const void *buf, size_t len);

/*
 * Receive one whole reply message within timeout_ms; *buf (caller frees)
 * receives its last frame and *frames the number of frames. Returns 0 or
 * -1 on timeout.
 */
int h_raw_recv(struct h_raw *r, int timeout_ms, char **buf, size_t *len, int *frames);

/* What a raw reply said. */
struct h_raw_reply {
	bool valid; /* a map with v = 1 and a bool ok */
	bool ok;
	bool id_nil;       /* id present and nil */
	int64_t id;        /* when an integer */
	char code[32];     /* error.code, or "" */
	char message[512]; /* error.message, or "" */
	int64_t seq;       /* seq, or -1 */
};

/* Decode a reply frame. Returns 0 (reply filled) or -1 when it is not msgpack. */
int h_raw_parse(const void *buf, size_t len, struct h_raw_reply *out);

/*
 * Pack a request map: v, op, then NULL-terminated key/value string pairs
 * (a '#' key as in h_req). *len receives the size; the caller frees.
 */
char *h_pack(size_t *len, int64_t v, const char *op, ...) __attribute__((sentinel));

/*
 * Every event of d's log in seq order, read from its database file, as
 * JSON maps (caller json_decref). Fails the test unless seq runs 1, 2, 3...
 * without a gap and each body names its seq and type.
 */
json_t *h_log_read(struct h_daemon *d);

/*
 * A msgpack value as JSON, as libdocket's json.c renders a decoded one
 * (keys in order; an integer past int64_t as its digits). Fails the test on
 * a map key that is not a string.
 */
typedef struct msgpack_object msgpack_object;
json_t *h_msgpack_object_json(const msgpack_object *o);

/* One msgpack value (a whole buffer) as JSON; NULL when it is not exactly one value. */
json_t *h_msgpack_json(const void *buf, size_t len);

/* JSON. */

/* Parse text; NULL when it is not JSON. */
json_t *h_json(const char *text);

/* Dotted path into j (object keys, array indexes). NULL when absent. */
json_t *h_jpath(json_t *j, const char *path);
const char *h_jstr(json_t *j, const char *path);
/* INT64_MIN when absent or not an integer. */
int64_t h_jint(json_t *j, const char *path);

#endif
