/*
 * libdocket: the client library of docket. It speaks the docket protocol
 * (proto/PROTOCOL.md) to docketd over ZeroMQ: commands and queries on the
 * command socket, events on the event socket.
 *
 * Conventions: functions return DOCKET_OK (0) or a negative docket_error
 * (docket/error.h). Objects are created by docket_<noun>_new and freed by
 * docket_<noun>_destroy(&p), which accepts NULL and clears the caller's
 * pointer. A handle is used by one thread at a time.
 */
#ifndef DOCKET_DOCKET_H
#define DOCKET_DOCKET_H

#include <stddef.h>
#include <stdint.h>

#include "docket/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* libdocket builds with hidden symbols: what these headers declare is its API. */
#pragma GCC visibility push(default)

#define DOCKET_DEFAULT_ENDPOINT "tcp://127.0.0.1:5570"
#define DOCKET_DEFAULT_EVENTS "tcp://127.0.0.1:5571"
#define DOCKET_DEFAULT_TIMEOUT_MS 5000

/* Environment variables read when an endpoint argument is NULL. */
#define DOCKET_ENV_ENDPOINT "DOCKET_ENDPOINT"
#define DOCKET_ENV_EVENTS "DOCKET_EVENTS"

/*
 * Keys for tcp endpoints, which docketd serves with CURVE only: a file
 * holding this client's key pair, and docketd's public key (Z85 text, or
 * a file holding it). Read at each connection when not set in the program.
 */
#define DOCKET_ENV_KEY "DOCKET_KEY"
#define DOCKET_ENV_SERVER_KEY "DOCKET_SERVER_KEY"

typedef struct docket_client docket_client;
typedef struct docket_request docket_request;
typedef struct docket_msg docket_msg;
typedef struct docket_sub docket_sub;

/* The library's version string, e.g. "0.1.0". Static storage. */
const char *docket_version(void);

/* ---- requests ---- */

/*
 * Start a request for op ("draft", "get", ...). The op is not checked here;
 * docketd answers unknown ones with unknown_op.
 * Returns 0, -DOCKET_EINVAL (op NULL or empty) or -DOCKET_ENOMEM.
 * On success *out is owned by the caller: free with docket_request_destroy.
 */
int docket_request_new(docket_request **out, const char *op);

/* Free a request; NULL-safe; sets *r to NULL. */
void docket_request_destroy(docket_request **r);

/*
 * Set key to a string or an integer. Setting a key again replaces it. The
 * key and value are copied. Keys "v", "op" and "id" are the library's and
 * are refused. Returns 0, -DOCKET_EINVAL or -DOCKET_ENOMEM.
 */
int docket_request_set_str(docket_request *r, const char *key, const char *value);
int docket_request_set_int(docket_request *r, const char *key, int64_t value);
/* Set key to true (value non-zero) or false. Returns as docket_request_set_str. */
int docket_request_set_bool(docket_request *r, const char *key, int value);

/*
 * Arrays: append a string, or a map, to the array under key (an empty
 * array is made the first time; a key holding something else becomes an
 * array). A map appended is returned in *entry: fill it with the
 * docket_request_set_* calls (not with keys "v", "op" or "id"); it is
 * owned by r and freed with it, so never destroy it yourself.
 * Returns 0, -DOCKET_EINVAL (NULL argument or envelope key) or -DOCKET_ENOMEM.
 */
int docket_request_append_str(docket_request *r, const char *key, const char *value);
int docket_request_append_map(docket_request *r, const char *key, docket_request **entry);

/* ---- keys ---- */

/*
 * Use the key pair in the file key_file, and docketd's public key
 * server_key (Z85 text, or a file holding it), for every tcp endpoint this
 * process connects to from now on. NULL for either goes back to finding
 * it: DOCKET_KEY / DOCKET_SERVER_KEY, then key / server_key in the [docket]
 * section of $XDG_CONFIG_HOME/docket/docket.conf (~/.config/docket/...), or
 * where that names none in the [client] section of client.conf beside it,
 * then state/admin.key and state/server.pub under the working directory
 * (what docketd leaves there on its defaults). Nothing is read until a
 * connection is made. Thread-safe. Returns 0 or -DOCKET_EINVAL (too long).
 */
int docket_credentials_set(const char *key_file, const char *server_key);

/*
 * Why the last connection this thread made failed with -DOCKET_EAUTH (no
 * key found, a key file unreadable or readable by others); "" otherwise.
 * Thread-local static storage.
 */
const char *docket_credentials_error(void);

/* ---- the command connection ---- */

/*
 * Connect to docketd's command endpoint. endpoint NULL means the
 * DOCKET_ENDPOINT environment variable, else DOCKET_DEFAULT_ENDPOINT.
 * Connecting does not wait for docketd; the first call does.
 * A tcp endpoint is reached with CURVE, with the keys docket_credentials_set
 * describes.
 * Returns 0, -DOCKET_EINVAL (bad endpoint), -DOCKET_EAUTH (no usable key:
 * docket_credentials_error says why), -DOCKET_ENOMEM or -DOCKET_ESYS.
 * On success *out is owned by the caller: free with docket_client_destroy.
 */
int docket_client_new(docket_client **out, const char *endpoint);

/* Close the connection, dropping unsent requests; NULL-safe; sets *c to NULL. */
void docket_client_destroy(docket_client **c);

/*
 * How long send and receive wait, in milliseconds (default
 * DOCKET_DEFAULT_TIMEOUT_MS); a negative value waits forever.
 */
void docket_client_set_timeout(docket_client *c, int timeout_ms);

/* The endpoint in use. Owned by c. */
const char *docket_client_endpoint(const docket_client *c);

/*
 * Why the last call, send or recv on c failed to reach docketd, as a
 * phrase for people ("connection refused", "no such socket file", "no
 * reply within 5.0 s"); "" when it did not fail so. Owned by c.
 */
const char *docket_client_reason(const docket_client *c);

/*
 * Send r and wait for its reply. On return *reply holds the reply whenever
 * one arrived, including refusals; the caller frees it with
 * docket_msg_destroy. Returns:
 *   0                     docketd accepted the request (reply ok = true)
 *   -DOCKET_E<code>       docketd refused it: the reply's error code as an
 *                         enum value (-DOCKET_ENOTFOUND for not_found, ...);
 *                         docket_msg_error_message tells why
 *   -DOCKET_EUNREACHABLE  no docketd: its endpoint refused the connection
 *                         or its ipc socket file does not exist (known
 *                         within about 100 ms, and nothing was sent), or
 *                         no reply came within the timeout; *reply is NULL.
 *                         After a timeout the request may still be applied
 *                         later: retry with the same idem key to be safe.
 *                         docket_client_reason tells which
 *   -DOCKET_EPROTO        the reply was not valid protocol; *reply is NULL
 *   -DOCKET_ETOOLARGE     r is over 4 MiB, which docketd would not answer;
 *                         nothing was sent
 *   -DOCKET_ENOMEM, -DOCKET_ESYS, -DOCKET_EINVAL
 * Replies to earlier requests that timed out are discarded, and so are
 * replies to requests still in flight from docket_client_send: finish those
 * with docket_client_recv before calling this.
 */
int docket_client_call(docket_client *c, const docket_request *r, docket_msg **reply);

/*
 * Pipelining: send r without waiting for its reply, so that several are in
 * flight. *id receives the request's id, which its reply will carry.
 * Returns 0, -DOCKET_EUNREACHABLE (could not queue within the timeout),
 * -DOCKET_ETOOLARGE (over 4 MiB; nothing sent), -DOCKET_ENOMEM or -DOCKET_ESYS.
 */
int docket_client_send(docket_client *c, const docket_request *r, uint64_t *id);

/*
 * Receive the next reply to a request sent with docket_client_send. *id
 * receives the id it answers. Returns 0 with *reply set (check
 * docket_msg_ok), -DOCKET_ETIMEDOUT when none arrived within the timeout,
 * -DOCKET_EPROTO for a reply that is not valid protocol (skipped), or
 * -DOCKET_ESYS. The caller frees *reply with docket_msg_destroy.
 */
int docket_client_recv(docket_client *c, docket_msg **reply, uint64_t *id);

/* ---- replies and events ---- */

/* Free a reply or event; NULL-safe; sets *m to NULL. */
void docket_msg_destroy(docket_msg **m);

/* 1 if m is a reply with ok = true, 0 otherwise (events and refusals). */
int docket_msg_ok(const docket_msg *m);

/*
 * For a refusal, its error code ("not_found") and message; NULL when m is
 * not a refusal. Owned by m.
 */
const char *docket_msg_error_code(const docket_msg *m);
const char *docket_msg_error_message(const docket_msg *m);

/* For an event, its topic ("decision.endorsed"); NULL for replies. Owned by m. */
const char *docket_msg_topic(const docket_msg *m);

/*
 * Look up a value by path: map keys and array indexes separated by dots,
 * e.g. "decision.state", "decisions.0.ref", "seq".
 * Returns 0 with the value, -DOCKET_ENOTFOUND when the path leads nowhere
 * or to nil, -DOCKET_EINVAL when the value has another type (for get_int,
 * also an integer beyond int64_t). NULL or "" as path means the whole message.
 * Strings are NUL-terminated and owned by m.
 */
int docket_msg_get_str(const docket_msg *m, const char *path, const char **out);
int docket_msg_get_int(const docket_msg *m, const char *path, int64_t *out);

/* Number of elements of the array or pairs of the map at path, or 0 when none. */
size_t docket_msg_count(const docket_msg *m, const char *path);

#define DOCKET_JSON_COMPACT 0
#define DOCKET_JSON_PRETTY 1

/*
 * m as JSON text (an event becomes {"topic": ..., "event": {...}}). Binary
 * values become base64 strings. Returns 0 or -DOCKET_ENOMEM; on success
 * *out is a NUL-terminated string the caller frees with free().
 */
int docket_msg_to_json(const docket_msg *m, int flags, char **out);

/* ---- events ---- */

/*
 * Subscribe to docketd's event endpoint (NULL: DOCKET_EVENTS, else
 * DOCKET_DEFAULT_EVENTS) for topics starting with any of prefixes (a
 * NULL-terminated array; NULL or empty means every event, which come in
 * docket.batch messages, one per commit). Waits up to timeout_ms for
 * docketd's welcome, so that events published after this returns are
 * delivered. Returns 0, -DOCKET_EUNREACHABLE (no welcome in
 * time), -DOCKET_EINVAL, -DOCKET_ENOMEM or -DOCKET_ESYS.
 * On success *out is owned by the caller: free with docket_sub_destroy.
 */
int docket_sub_new(docket_sub **out, const char *endpoint, const char *const *prefixes,
                   int timeout_ms);

/* Close the subscription; NULL-safe; sets *s to NULL. */
void docket_sub_destroy(docket_sub **s);

/*
 * Wait up to timeout_ms (-1: forever) for the next event. Returns 0 with
 * *event set (free with docket_msg_destroy), -DOCKET_ETIMEDOUT,
 * -DOCKET_EINTR when a signal interrupted the wait, -DOCKET_EPROTO for an
 * event that is not valid protocol (skipped) or -DOCKET_ESYS.
 */
int docket_sub_recv(docket_sub *s, docket_msg **event, int timeout_ms);

/*
 * docket_sub_recv returns events only: the control messages (topics that
 * begin with "docket.", such as the welcome and heartbeats) are skipped.
 */

/* ---- following the log: every event, in order, exactly once ---- */

typedef struct docket_stream docket_stream;

/*
 * Follow docketd's log: an ordered, gap-free, duplicate-free stream of the
 * events whose topics start with any of prefixes (a NULL-terminated array;
 * NULL or empty means every event). The stream subscribes to the event
 * endpoint, reads what it lacks from the log with the events query
 * (PROTOCOL.md, section 6.2), then takes live events, dropping any it has
 * already delivered; a gap in seq or a heartbeat past its position sends it
 * back to the log. Across a dropped connection or a docketd restart it
 * waits, then resumes where it was.
 *
 * since says where it starts:
 *   NULL or "now"   events after the log's last seq when the stream starts
 *   "N" (digits)    events with seq N or greater ("1", or "0": the whole log)
 *   a time          events recorded at or after it (PROTOCOL.md 4.1:
 *                   "2026-12-01T09:00Z", or office time without a zone)
 * endpoint and events are the command and event endpoints (NULL: the
 * DOCKET_ENDPOINT and DOCKET_EVENTS variables, else the defaults). Waits
 * up to timeout_ms (-1: forever) for docketd to answer at the start.
 * Returns 0, -DOCKET_EUNREACHABLE, -DOCKET_EINVAL (a bad since or
 * endpoint), a refusal's code (-DOCKET_EBADREQ for a time docketd cannot
 * read), -DOCKET_ENOMEM or -DOCKET_ESYS. On success *out is owned by the
 * caller: free with docket_stream_destroy.
 */
int docket_stream_new(docket_stream **out, const char *endpoint, const char *events,
                      const char *const *prefixes, const char *since, int timeout_ms);

/* Close the stream; NULL-safe; sets *s to NULL. */
void docket_stream_destroy(docket_stream **s);

/*
 * Wait up to timeout_ms (-1: forever) for the next event. Returns 0 with
 * *event set (free with docket_msg_destroy; docket_msg_get_int(ev, "seq")
 * is its position), -DOCKET_ETIMEDOUT (nothing new, or docketd is away:
 * call again, nothing is lost), -DOCKET_EINTR when a signal interrupted
 * the wait, a refusal's code when docketd refused a read of the log (the
 * stream stays usable: call again), -DOCKET_ENOMEM or -DOCKET_ESYS.
 */
int docket_stream_recv(docket_stream *s, docket_msg **event, int timeout_ms);

/*
 * The stream's position: every event up to this seq has been delivered or
 * did not match the prefixes. A later stream started with since set to
 * position + 1 continues exactly after this one.
 */
int64_t docket_stream_position(const docket_stream *s);

/* ---- durable cursors: docketd remembers what an integration has handled ---- */

typedef struct docket_cursor docket_cursor;

/*
 * Follow the durable cursor name (PROTOCOL.md, section 6.3), creating it
 * when it does not exist, with prefixes as its topics and since as where
 * it starts (as for docket_stream_new; NULL: only new events). An existing
 * cursor keeps its own topics and position: prefixes that differ from its
 * topics are refused with -DOCKET_ECONFLICT. Waits up to timeout_ms for
 * docketd. Returns 0, -DOCKET_EUNREACHABLE, -DOCKET_EINVAL, -DOCKET_ECONFLICT,
 * a refusal's code, -DOCKET_ENOMEM or -DOCKET_ESYS. On success *out is
 * owned by the caller: free with docket_cursor_destroy.
 */
int docket_cursor_open(docket_cursor **out, const char *endpoint, const char *events,
                       const char *name, const char *const *prefixes, const char *since,
                       int timeout_ms);

/*
 * Close; the cursor itself stays in docketd. Events fetched ahead and never
 * returned by docket_cursor_next are given back first (nak, returned: they
 * are not counted as delivered), which may take up to a second. NULL-safe;
 * sets *c to NULL.
 */
void docket_cursor_destroy(docket_cursor **c);

/*
 * Wait up to timeout_ms (-1: forever) for the next event the cursor
 * delivers: new ones in seq order, and ones delivered before that were
 * not acknowledged in time. *deliveries (may be NULL) is how many times
 * this event has now been delivered. Every event returned must be settled
 * with docket_cursor_ack, _nak or _park, else docketd delivers it again
 * after the cursor's ack_wait. It fetches ahead, a few events at first and
 * more while the caller keeps up. Returns as docket_stream_recv.
 */
int docket_cursor_next(docket_cursor *c, docket_msg **event, int *deliveries, int timeout_ms);

/* Acknowledge one event: it is handled and never delivered again. */
int docket_cursor_ack(docket_cursor *c, int64_t seq);

/* Not handled: deliver it again after delay_s seconds (parked past max_deliveries). */
int docket_cursor_nak(docket_cursor *c, int64_t seq, int delay_s);

/* Set the event aside as one that retrying will not help (reason may be NULL). */
int docket_cursor_park(docket_cursor *c, int64_t seq, const char *reason);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif
