/* docketd's ZAP handler: who may connect, decided by the keys docketd knows. */
#include <stdio.h>
#include <string.h>
#include <zmq.h>

#include "clock.h"
#include "docket/error.h"
#include "journal.h"
#include "log.h"
#include "proto.h"
#include "zap.h"

#define ZAP_ENDPOINT "inproc://zeromq.zap.01"
/* ZAP 1.0 requests have six frames and the mechanism's credentials: CURVE one. */
#define ZAP_FRAMES 8
#define FRAME_MAX 256

struct frame {
	char data[FRAME_MAX];
	size_t len;
};

static int is(const struct frame *f, const char *s)
{
	return f->len == strlen(s) && memcmp(f->data, s, f->len) == 0;
}

/* Read one request's frames; 0 when there were none, else how many (extra ones dropped). */
static int take(void *sock, struct frame *f)
{
	int n = 0, more = 1;
	while (more) {
		zmq_msg_t m;
		zmq_msg_init(&m);
		if (zmq_msg_recv(&m, sock, n == 0 ? ZMQ_DONTWAIT : 0) < 0) {
			zmq_msg_close(&m);
			return n;
		}
		if (n < ZAP_FRAMES) {
			size_t len = zmq_msg_size(&m);
			f[n].len = len < FRAME_MAX ? len : FRAME_MAX;
			memcpy(f[n].data, zmq_msg_data(&m), f[n].len);
		}
		n++;
		more = zmq_msg_more(&m);
		zmq_msg_close(&m);
	}
	return n;
}

static void reply(void *sock, const struct frame *request_id, const char *code, const char *text,
		  const char *user)
{
	zmq_send(sock, "1.0", 3, ZMQ_SNDMORE);
	zmq_send(sock, request_id->data, request_id->len, ZMQ_SNDMORE);
	zmq_send(sock, code, strlen(code), ZMQ_SNDMORE);
	zmq_send(sock, text, strlen(text), ZMQ_SNDMORE);
	zmq_send(sock, user, strlen(user), ZMQ_SNDMORE);
	zmq_send(sock, "", 0, 0);
}

static void note_refusal(struct zap *z, const char *why, const struct frame *address)
{
	if (z->quiet)
		return;
	z->refused++;
	int64_t now = clock_ms();
	/* One line a second at most: a flood of strangers must not flood the journal. */
	if (now < z->quiet_until)
		return;
	z->quiet_until = now + 1000;
	char from[80], count[24];
	snprintf(from, sizeof from, "%.*s", (int)address->len, address->len ? address->data : "");
	snprintf(count, sizeof count, "%ld", z->refused);
	struct log_field f[] = {{"REMOTE_ADDRESS", address->len ? from : NULL}, {"REFUSED", count}};
	log_entry(LOG_NOTICE, JOURNAL_REFUSED, f, 2,
		  "refused a connection from %s: %s (%ld refused so far)",
		  address->len ? from : "(local)", why, z->refused);
}

/*
 * Frames: version, request id, domain, address, identity, mechanism, then
 * the credentials (for CURVE, the client's 32-byte public key).
 */
static void decide(struct zap *z, struct frame *f, int n)
{
	char key[KEY_Z85_LEN + 1] = "";
	const char *why = NULL;
	if (n < 6 || !is(&f[0], "1.0")) {
		why = "not a ZAP 1.0 request";
	} else if (is(&f[2], ZAP_LOCAL)) {
		if (!is(&f[5], "NULL"))
			why = "unexpected mechanism on a local endpoint";
	} else if (!is(&f[2], ZAP_COMMANDS) && !is(&f[2], ZAP_EVENTS)) {
		why = "unknown domain";
	} else if (!is(&f[5], "CURVE") || n != 7 || f[6].len != 32) {
		why = "not a CURVE client";
	} else {
		zmq_z85_encode(key, (const uint8_t *)f[6].data, 32);
		const struct principal *p = keyring_find(z->keys, key, KEY_Z85_LEN);
		if (!p)
			why = "unknown or revoked key";
		else if (is(&f[2], ZAP_EVENTS) && !(p->roles & ROLE_READER))
			why = "the key lacks the reader role";
	}
	struct frame none = {.len = 0};
	const struct frame *id = n >= 2 ? &f[1] : &none;
	if (why) {
		char what[KEY_Z85_LEN + 80];
		snprintf(what, sizeof what, "%s%s%s", why, key[0] ? " " : "", key);
		note_refusal(z, what, n >= 4 ? &f[3] : &none);
		reply(z->sock, id, "400", why, "");
		return;
	}
	reply(z->sock, id, "200", "OK", key[0] ? key : ZAP_LOCAL_USER);
}

void zap_answer(struct zap *z)
{
	struct frame f[ZAP_FRAMES];
	/* A bounded number at a time, so that commands are not held up by a flood. */
	for (int i = 0; i < 256; i++) {
		int n = take(z->sock, f);
		if (n == 0)
			return;
		decide(z, f, n < ZAP_FRAMES ? n : ZAP_FRAMES);
	}
}

static void on_request(void *sock, void *arg)
{
	(void)sock;
	zap_answer(arg);
}

int zap_open(struct zap *z, void *zctx, struct event_base *base, const struct keyring *keys,
	     char *err, size_t errlen)
{
	memset(z, 0, sizeof *z);
	z->keys = keys;
	int linger = 0;
	if (!(z->sock = zmq_socket(zctx, ZMQ_REP)) ||
	    zmq_setsockopt(z->sock, ZMQ_LINGER, &linger, sizeof linger) < 0 ||
	    zmq_bind(z->sock, ZAP_ENDPOINT) < 0) {
		snprintf(err, errlen, "cannot start the ZAP handler: %s", zmq_strerror(zmq_errno()));
		zap_close(z);
		return -DOCKET_ESYS;
	}
	if (zmq_watch_new(&z->watch, base, z->sock, on_request, z) < 0) {
		snprintf(err, errlen, "cannot watch the ZAP handler");
		zap_close(z);
		return -DOCKET_ENOMEM;
	}
	return 0;
}

void zap_close(struct zap *z)
{
	zmq_watch_destroy(&z->watch);
	if (z->sock)
		zmq_close(z->sock);
	z->sock = NULL;
}
