/* docketd's ZAP handler: who may connect, decided by the keys docketd knows. */
#ifndef DOCKET_ZAP_H
#define DOCKET_ZAP_H

#include <event2/event.h>
#include <stdint.h>

#include "keyring.h"
#include "zmq_watch.h"

/* The ZAP domains docketd binds its endpoints with. */
#define ZAP_COMMANDS "docket"        /* tcp command endpoint: any key in force */
#define ZAP_EVENTS "docket-events"   /* tcp event endpoint: a key with the reader role */
#define ZAP_LOCAL "docket-local"     /* ipc endpoints: the socket file's mode decides */

/* The User-Id docketd gives a peer on an ipc endpoint; a key's is its Z85 text. */
#define ZAP_LOCAL_USER "ipc"

struct zap {
	void *sock;
	struct zmq_watch *watch;
	const struct keyring *keys;
	long refused;       /* peers refused so far */
	int quiet;          /* the start-up self-test's stranger: refused without a word */
	int64_t quiet_until;   /* no refusal is logged before this (ms), against floods */
};

/*
 * Bind the handler in zctx (libzmq asks inproc://zeromq.zap.01) and watch
 * it in base, before any endpoint is bound: libzmq lets every CURVE client
 * in while no handler is there. Returns 0 or a negative code with err set.
 */
int zap_open(struct zap *z, void *zctx, struct event_base *base, const struct keyring *keys,
	     char *err, size_t errlen);

/* Answer every request waiting; for the start-up self-test, before the loop runs. */
void zap_answer(struct zap *z);

void zap_close(struct zap *z);

#endif
