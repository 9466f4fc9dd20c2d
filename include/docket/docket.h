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

#define DOCKET_DEFAULT_ENDPOINT "tcp://127.0.0.1:5570"
#define DOCKET_DEFAULT_EVENTS "tcp://127.0.0.1:5571"
#define DOCKET_DEFAULT_TIMEOUT_MS 5000

/* Environment variables read when an endpoint argument is NULL. */
#define DOCKET_ENV_ENDPOINT "DOCKET_ENDPOINT"
#define DOCKET_ENV_EVENTS "DOCKET_EVENTS"

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

/* ---- the command connection ---- */

/*
 * Connect to docketd's command endpoint. endpoint NULL means the
 * DOCKET_ENDPOINT environment variable, else DOCKET_DEFAULT_ENDPOINT.
 * Connecting does not wait for docketd; the first call does.
 * Returns 0, -DOCKET_EINVAL (bad endpoint), -DOCKET_ENOMEM or -DOCKET_ESYS.
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
 * Send r and wait for its reply. On return *reply holds the reply whenever
 * one arrived, including refusals; the caller frees it with
 * docket_msg_destroy. Returns:
 *   0                     docketd accepted the request (reply ok = true)
 *   -DOCKET_E<code>       docketd refused it: the reply's error code as an
 *                         enum value (-DOCKET_ENOTFOUND for not_found, ...);
 *                         docket_msg_error_message tells why
 *   -DOCKET_EUNREACHABLE  no reply within the timeout; *reply is NULL. The
 *                         request may still be applied later: retry with
 *                         the same idem key to be safe
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
 * NULL-terminated array; NULL or empty means every event). Waits up to
 * timeout_ms for docketd's welcome, so that events published after this
 * returns are delivered. Returns 0, -DOCKET_EUNREACHABLE (no welcome in
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

#ifdef __cplusplus
}
#endif
#endif
