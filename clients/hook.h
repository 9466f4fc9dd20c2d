/* Private declarations shared by docket-hook's files: the webhook and mail bridge. */
#ifndef DOCKET_HOOK_H
#define DOCKET_HOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <curl/curl.h>

#include "docket/docket.h"
#include "log.h"

/* MESSAGE_IDs of docket-hook's journal entries, one per outcome of a delivery. */
#define HOOK_JOURNAL_DELIVERED "c89e314212044d7d9d168fe5cafdbceb"
#define HOOK_JOURNAL_RETRY "dc61e98ae88e42f38317600847a5c888"
#define HOOK_JOURNAL_PARKED "a48d616e09c84b29bf6360062b6399ee"

/* Where the configuration is read from without -c. */
#define HOOK_DEFAULT_CONFIG "/etc/docket/docket-hook.conf"

/* Most topic prefixes and mail recipients one target lists. */
#define HOOK_MAX_TOPICS 64
#define HOOK_MAX_RCPT 32

/*
 * Longest target name: inih keeps 49 bytes of a section's name, and
 * "webhook " takes 8 of them.
 */
#define HOOK_NAME_MAX 40

/* A Standard Webhooks secret is 24 to 64 bytes once decoded. */
#define HOOK_KEY_MIN 24
#define HOOK_KEY_MAX 64

/* "docket-" seq "-" 16 hex digits: the id of one event's message, the same on every retry. */
#define HOOK_ID_LEN 48

enum hook_kind { HOOK_WEBHOOK, HOOK_EMAIL };

/* One target: a section [webhook NAME] or [email NAME] of the configuration. */
struct hook_target {
	enum hook_kind kind;
	char name[HOOK_NAME_MAX + 1];
	char cursor[65]; /* its durable cursor, hook.NAME unless set */
	char since[64];  /* where a new cursor starts ("" for now), as docket_cursor_open */
	char *topics[HOOK_MAX_TOPICS + 1]; /* NULL-terminated prefixes; none: every event */
	unsigned attempts;                 /* deliveries before an event is parked */
	double backoff_initial;            /* seconds before the second delivery */
	double backoff_max;                /* longest wait between deliveries */
	double timeout;                    /* seconds one delivery may take */
	int line;                          /* where its section starts in the file */
	unsigned given;                    /* the keys the file gave (hook_config.c) */
	/* [webhook] */
	char *url;
	unsigned char key[HOOK_KEY_MAX];
	size_t keylen;
	/* [email] */
	char *smtp;
	char *from;
	char *to[HOOK_MAX_RCPT + 1]; /* NULL-terminated */
};

struct hook_config {
	const char *path;
	char *endpoint; /* NULL: DOCKET_ENDPOINT, else the default */
	char *events;   /* NULL: DOCKET_EVENTS, else the default */
	char *key;        /* key pair file for tcp; NULL: as docket(1) says */
	char *server_key; /* docketd's public key (Z85 or a file); NULL: as docket(1) says */
	struct hook_target *targets;
	size_t ntargets;
};

/* hook_config.c */

/*
 * Read the INI file at path into c (which hook_config_free releases, also
 * after a failure). Unknown sections and keys, bad values and targets
 * missing a key they need are errors. Returns 0, -DOCKET_ECONFIG with
 * "path:line: what" in err, or -DOCKET_ENOMEM.
 */
int hook_config_load(struct hook_config *c, const char *path, char *err, size_t errlen);
void hook_config_free(struct hook_config *c);

/* "webhook" or "email". Static storage. */
const char *hook_kind_name(enum hook_kind kind);

/*
 * hook_value.c: the values of the configuration's keys. Each returns 0
 * (true for the _ok ones) or -1 with why (wl bytes) saying what is wrong.
 */

/* 1 to max ASCII letters, digits, '.', '_' or '-': a target's or a cursor's name. */
bool hook_value_name_ok(const char *s, size_t max);
/* A mail address, local@domain, that can break out of no SMTP command or header. */
bool hook_value_address_ok(const char *a);
/* A topic prefix: printable ASCII without spaces. */
bool hook_value_topic_ok(const char *t);
/* Seconds, "5" or "0.05", from lo to hi. */
int hook_value_seconds(double *dst, const char *v, double lo, double hi, char *why, size_t wl);
/* A whole number from lo to hi. */
int hook_value_uint(unsigned *dst, const char *v, unsigned lo, unsigned hi, char *why, size_t wl);
/* A copy of non-empty v in *dst (malloc'd; what was there is freed). */
int hook_value_text(char **dst, const char *v, char *why, size_t wl);
/*
 * Append the comma-separated entries of v, each a copy (malloc'd), to list
 * (NULL-terminated, at most max): at most longest bytes, without spaces,
 * and passing check when it is not NULL; what names one in messages.
 */
int hook_value_list(char **list, size_t max, const char *v, const char *what,
                    bool (*check)(const char *), size_t longest, char *why, size_t wl);
/* since: "now" (stored as ""), a seq, or a time as the protocol reads it (proto/date.h). */
int hook_value_since(char *dst, size_t cap, const char *v, char *why, size_t wl);
/* A URL with a host and one of schemes (NULL-terminated, two or more), copied to *dst. */
int hook_value_url(char **dst, const char *v, const char *const *schemes, char *why, size_t wl);

/* hook_sign.c: Standard Webhooks (https://www.standardwebhooks.com). */

/*
 * Decode a secret written "whsec_" + base64 into key (HOOK_KEY_MAX bytes).
 * Returns 0 with *keylen set, or -DOCKET_ECONFIG with why set.
 */
int hook_sign_secret(const char *text, unsigned char *key, size_t *keylen, char *why,
                     size_t whylen);

/*
 * The webhook-signature header's value for one attempt: "v1," followed by
 * base64(HMAC-SHA256(key, id "." timestamp "." body)), into out (at least
 * 64 bytes). Returns 0 or -DOCKET_EINVAL when out is too small.
 */
int hook_sign(const unsigned char *key, size_t keylen, const char *id, int64_t timestamp,
              const char *body, size_t len, char *out, size_t outlen);

/* hook_event.c: what every target takes from an event. */

/* One event as the targets deliver it. */
struct hook_event {
	const docket_msg *msg;
	int64_t seq;
	const char *type;
	char *json; /* the event's map as JSON, as docket history --json gives it; malloc'd */
	size_t len;
	char id[HOOK_ID_LEN]; /* "docket-SEQ-HEX": stable across retries, unique per event */
};

/*
 * Fill e from msg (which must outlive e). Returns 0, -DOCKET_EPROTO (no
 * seq) or -DOCKET_ENOMEM. Free with hook_event_fini.
 */
int hook_event_init(struct hook_event *e, const docket_msg *msg);
void hook_event_fini(struct hook_event *e);

/* What one delivery attempt gave. */
struct hook_result {
	bool delivered;
	double retry_after; /* seconds the receiver asked to wait (Retry-After), else 0 */
	char detail[600];   /* "HTTP 204", or the failure: "HTTP 500 from https://host/path" */
};

/* hook_webhook.c: POST an event as signed JSON. */

struct hook_webhook;

/* A sender for target t (which must outlive it). Returns 0 or -DOCKET_ENOMEM. */
int hook_webhook_new(struct hook_webhook **out, const struct hook_target *t);
void hook_webhook_destroy(struct hook_webhook **w);

/* Deliver e once; the outcome, success or not, is in *r. */
void hook_webhook_deliver(struct hook_webhook *w, const struct hook_event *e,
                          struct hook_result *r);

/*
 * url without its user, password, query and fragment, for logs and park
 * reasons: those often carry secrets. Writes into out.
 */
void hook_url_shown(const char *url, char *out, size_t outlen);

/*
 * A libcurl handle for url with what every target sets: the timeout for
 * connecting and for the whole exchange, no signals, only protocols, and
 * errbuf (CURL_ERROR_SIZE bytes) for messages. NULL when out of memory.
 */
CURL *hook_curl_open(const char *url, double timeout, const char *protocols, char *errbuf);

/* hook_message.c: an event as a plain-text mail message (RFC 5322). */

/*
 * The whole message for e, headers and body, with CRLF line ends, into
 * *out (malloc'd, *len bytes). Returns 0 or -DOCKET_ENOMEM.
 */
int hook_message_build(const struct hook_target *t, const struct hook_event *e, char **out,
                       size_t *len);

/* hook_mail.c: send an event through an SMTP relay. */

struct hook_mail;

int hook_mail_new(struct hook_mail **out, const struct hook_target *t);
void hook_mail_destroy(struct hook_mail **m);
void hook_mail_deliver(struct hook_mail *m, const struct hook_event *e, struct hook_result *r);

/* hook_target.c: one target following its cursor, on a thread of its own. */

struct hook_runner {
	const struct hook_config *config;
	const struct hook_target *target;
	int status; /* 0, or the sysexits code it stopped with */
};

/*
 * Follow the target's cursor and deliver what it gives until hook_stop.
 * A failure that retrying cannot mend (the cursor exists with other topics,
 * the principal may not read) sets r->status, raises SIGUSR1 so that the
 * main thread stops the others, and returns. Takes a struct hook_runner *.
 */
void *hook_target_run(void *r);

/*
 * Ask every target to stop after the delivery in hand (the main thread
 * does, on SIGTERM or SIGINT), and whether that was asked.
 */
void hook_stop(void);
bool hook_stopped(void);

/* Wait up to seconds, or less when hook_stop is called. Returns true when it waited it all. */
bool hook_nap(double seconds);

#endif
