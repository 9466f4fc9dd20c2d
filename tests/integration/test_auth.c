/*
 * Who may connect (PROTOCOL.md 1.1 and 1.2): a peer without CURVE, with the
 * wrong server key, with a key docketd does not know or has revoked gets no
 * connection and nothing it sends reaches a command; a key's roles and
 * revocation take effect at its next message; the ipc endpoint is the
 * configured principal; key files are kept secret.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <zmq.h>

#include "harness.h"

/* How long a refused peer is given to get an answer it must never get. */
#define SILENCE_MS 1000

/* Command messages sent on accepted connections: docketd must count exactly these. */
static unsigned long long sent;

static docket_client *client(struct h_daemon *d, const struct h_key *k)
{
	docket_client *c = NULL;
	int rc = h_client_as(d, k->path, NULL, H_WAIT_MS, &c);
	if (rc != 0)
		fail_msg("client with %s: %s: %s", k->path, docket_strerror(rc),
		         docket_credentials_error());
	return c;
}

/* Call op with pairs (as h_req) on c, a connection docketd accepted. Returns the library's code. */
static int call_on(docket_client *c, docket_msg **m, const char *op, ...)
{
	va_list ap;
	va_start(ap, op);
	docket_request *r = h_vreq(op, ap);
	va_end(ap);
	*m = NULL;
	int rc = docket_client_call(c, r, m);
	docket_request_destroy(&r);
	sent++;
	return rc;
}

/* Draft ref on c, with an idem key unless NULL. Returns the seq of its event, or the code. */
static int64_t draft_on(docket_client *c, const char *ref, const char *idem)
{
	docket_msg *m = NULL;
	int rc =
	    call_on(c, &m, "draft", "ref", ref, "title", "T", "text", "x", "justification", "y",
	            "decision_maker", "pcc", "category", "spend", idem ? "idem" : NULL, idem, NULL);
	int64_t seq = rc == 0 ? h_int(m, "seq") : rc;
	docket_msg_destroy(&m);
	return seq;
}

/* op with pairs on c must be refused with code, and its message contain needle. */
static void refused_with(docket_client *c, int code, const char *needle, const char *op, ...)
{
	va_list ap;
	va_start(ap, op);
	docket_request *r = h_vreq(op, ap);
	va_end(ap);
	docket_msg *m = NULL;
	int rc = docket_client_call(c, r, &m);
	docket_request_destroy(&r);
	sent++;
	if (rc != -code)
		fail_msg("%s: expected %s, got %s (%s)", op, docket_error_name(code),
		         rc ? docket_error_name(rc) : "success",
		         m && docket_msg_error_message(m) ? docket_msg_error_message(m) : "-");
	H_ASSERT_STR(docket_msg_error_code(m), docket_error_name(code));
	H_ASSERT_CONTAINS(docket_msg_error_message(m), needle);
	docket_msg_destroy(&m);
}

/* key_roles by the admin: pub now holds role alone. Returns the library's code. */
static int set_role(struct h_daemon *d, const char *pub, const char *role)
{
	docket_request *r = h_req("key_roles", "key", pub, NULL);
	docket_msg *m = NULL;
	assert_int_equal(docket_request_append_str(r, "roles", role), 0);
	int rc = docket_client_call(d->client, r, &m);
	sent++;
	docket_request_destroy(&r);
	docket_msg_destroy(&m);
	return rc;
}

static void add_key(struct h_daemon *d, const struct h_key *k, const char *principal,
                    const char *roles)
{
	h_key_add(d, k->pub, principal, roles);
	sent++;
}

/* A call on c that gets no reply: docketd never lets it in. Returns the seconds it took. */
static double unreached(docket_client *c)
{
	docket_request *r = h_req("get", "ref", "X", NULL);
	docket_msg *m = NULL;
	double t0 = h_now();
	int rc = docket_client_call(c, r, &m);
	double took = h_now() - t0;
	docket_request_destroy(&r);
	assert_int_equal(rc, -DOCKET_EUNREACHABLE);
	assert_null(m);
	return took;
}

/* A call on c refused at the handshake, and said so well within the 5 s timeout. */
static void refused_fast(docket_client *c)
{
	double took = unreached(c);
	H_ASSERT_STR(docket_client_reason(c), "docketd refused this client's key");
	if (took > 2.0)
		fail_msg("the refusal took %.1f s of a 5 s timeout", took);
}

/* The CLI with key_file (--key) is refused at the handshake: exit 69, said at once. */
static void cli_refused(struct h_daemon *d, const char *key_file)
{
	struct h_proc p;
	char pub[300];
	snprintf(pub, sizeof pub, "%s/server.pub", d->state_dir);
	assert_int_equal(h_cli(d, &p, "--key", key_file, "--server-key", pub, "get", "X", NULL), 0);
	assert_int_equal(p.status, 69);
	H_ASSERT_CONTAINS(p.err, "docketd refused this client's key");
	if (p.seconds > 2.5)
		fail_msg("the CLI took %.1f s to report a refused key", p.seconds);
	h_proc_free(&p);
}

/* Stop docketd: the commands it counted are exactly those sent on accepted connections. */
static void assert_counted(struct h_daemon *d)
{
	unsigned long long n = 0;
	size_t from = h_stderr_size(d);
	assert_int_equal(h_stop(d, H_WAIT_MS), 0);
	char *log = h_stderr(d);
	const char *at = log ? strstr(log + from, "stopped after ") : NULL;
	if (!at || sscanf(at, "stopped after %llu commands", &n) != 1)
		fail_msg("no \"stopped after\" line in docketd's log");
	free(log);
	if (n != sent)
		fail_msg("docketd counted %llu commands; accepted clients sent %llu", n, sent);
}

/* The permission bits of path, or -1 when it cannot be read. */
static int mode_of(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (int)(st.st_mode & 0777) : -1;
}

/* A raw ZeroMQ peer, with CURVE keys or without, and a monitor of its handshakes. */
struct peer {
	void *ctx, *sock, *mon;
};

static void peer_open(struct peer *p, int type, const char *endpoint, const char *server_pub,
                      const struct h_key *k)
{
	int zero = 0;
	static unsigned n;
	char mon[64];
	memset(p, 0, sizeof *p);
	assert_non_null(p->ctx = zmq_ctx_new());
	assert_non_null(p->sock = zmq_socket(p->ctx, type));
	assert_int_equal(zmq_setsockopt(p->sock, ZMQ_LINGER, &zero, sizeof zero), 0);
	if (server_pub) {
		assert_int_equal(zmq_setsockopt(p->sock, ZMQ_CURVE_SERVERKEY, server_pub, 40), 0);
		assert_int_equal(zmq_setsockopt(p->sock, ZMQ_CURVE_PUBLICKEY, k->pub, 40), 0);
		assert_int_equal(zmq_setsockopt(p->sock, ZMQ_CURVE_SECRETKEY, k->sec, 40), 0);
	}
	if (type == ZMQ_SUB)
		assert_int_equal(zmq_setsockopt(p->sock, ZMQ_SUBSCRIBE, "", 0), 0);
	snprintf(mon, sizeof mon, "inproc://test-auth-mon-%u", n++);
	assert_int_equal(zmq_socket_monitor(p->sock, mon, ZMQ_EVENT_ALL), 0);
	assert_non_null(p->mon = zmq_socket(p->ctx, ZMQ_PAIR));
	assert_int_equal(zmq_setsockopt(p->mon, ZMQ_LINGER, &zero, sizeof zero), 0);
	assert_int_equal(zmq_connect(p->mon, mon), 0);
	assert_int_equal(zmq_connect(p->sock, endpoint), 0);
}

static void peer_close(struct peer *p)
{
	zmq_socket_monitor(p->sock, NULL, 0);
	zmq_close(p->mon);
	zmq_close(p->sock);
	zmq_ctx_term(p->ctx);
}

/*
 * The end of the peer's first handshake: ZMQ_EVENT_HANDSHAKE_SUCCEEDED, a
 * HANDSHAKE_FAILED event, or DISCONNECTED (docketd dropped it); -1 when
 * none came within H_WAIT_MS.
 */
static int peer_handshake(struct peer *p)
{
	double deadline = h_now() + H_WAIT_MS / 1000.0;
	for (;;) {
		zmq_pollitem_t item = {.socket = p->mon, .events = ZMQ_POLLIN};
		int left = (int)((deadline - h_now()) * 1000);
		if (left <= 0 || zmq_poll(&item, 1, left) <= 0)
			return -1;
		zmq_msg_t m;
		uint16_t ev = 0;
		zmq_msg_init(&m);
		int got = zmq_msg_recv(&m, p->mon, 0);
		if (got >= 2)
			memcpy(&ev, zmq_msg_data(&m), sizeof ev);
		zmq_msg_close(&m);
		zmq_msg_init(&m);
		zmq_msg_recv(&m, p->mon, 0); /* the endpoint frame */
		zmq_msg_close(&m);
		if (ev == ZMQ_EVENT_HANDSHAKE_SUCCEEDED || ev == ZMQ_EVENT_DISCONNECTED ||
		    ev == ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL ||
		    ev == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL ||
		    ev == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH)
			return ev;
	}
}

/* The peer's handshake ended, and not in a connection. */
static void peer_refused(struct peer *p)
{
	int ev = peer_handshake(p);
	if (ev < 0 || ev == ZMQ_EVENT_HANDSHAKE_SUCCEEDED)
		fail_msg("the handshake %s", ev < 0 ? "never ended" : "succeeded");
}

/* Nothing arrives on the peer's socket within SILENCE_MS. */
static void peer_silent(struct peer *p)
{
	zmq_pollitem_t item = {.socket = p->sock, .events = ZMQ_POLLIN};
	assert_int_equal(zmq_poll(&item, 1, SILENCE_MS), 0);
}

/* Send a valid get on a raw DEALER. */
static void peer_get(struct peer *p)
{
	size_t len;
	char *req = h_pack(&len, 1, "get", "#id", "7", "ref", "X", NULL);
	assert_int_equal(zmq_send(p->sock, req, len, ZMQ_DONTWAIT), (int)len);
	free(req);
}

static void test_refused_peers_reach_nothing(void **state)
{
	struct h_daemon *d = *state;
	struct h_key stranger, admin, server;
	struct peer p;
	char path[300];
	docket_client *c = NULL;
	docket_msg *m = NULL;
	sent = 0;
	assert_int_equal(h_start_tcp(d), 0);
	H_ASSERT_CONTAINS(d->cmd, "tcp://127.0.0.1:");
	snprintf(path, sizeof path, "%s/admin.key", d->state_dir);
	h_key_read(path, &admin);
	snprintf(path, sizeof path, "%s/server.pub", d->state_dir);
	h_key_read(path, &server);

	/* The control: a raw CURVE DEALER with the admin's key is answered. */
	peer_open(&p, ZMQ_DEALER, d->cmd, server.pub, &admin);
	assert_int_equal(peer_handshake(&p), ZMQ_EVENT_HANDSHAKE_SUCCEEDED);
	peer_get(&p);
	sent++;
	char *buf;
	size_t len;
	int frames;
	struct h_raw_reply rr;
	struct h_raw raw = {p.ctx, p.sock};
	assert_int_equal(h_raw_recv(&raw, H_WAIT_MS, &buf, &len, &frames), 0);
	assert_int_equal(h_raw_parse(buf, len, &rr), 0);
	free(buf);
	assert_true(rr.valid);
	H_ASSERT_STR(rr.code, "not_found");
	peer_close(&p);

	/* No CURVE: the handshake fails, the request is never answered. */
	peer_open(&p, ZMQ_DEALER, d->cmd, NULL, NULL);
	peer_get(&p);
	peer_refused(&p);
	peer_silent(&p);
	peer_close(&p);

	/* The admin's own key pair, but a server key that is not docketd's. */
	struct h_key wrong;
	assert_int_equal(zmq_curve_keypair(wrong.pub, wrong.sec), 0);
	peer_open(&p, ZMQ_DEALER, d->cmd, wrong.pub, &admin);
	peer_get(&p);
	peer_refused(&p);
	peer_silent(&p);
	peer_close(&p);
	assert_int_equal(h_client_as(d, NULL, wrong.pub, SILENCE_MS, &c), 0);
	unreached(c);
	docket_client_destroy(&c);

	/* A key pair docketd never recorded: refused in the handshake. */
	h_key_make(d, "stranger.key", 0600, &stranger);
	peer_open(&p, ZMQ_DEALER, d->cmd, server.pub, &stranger);
	peer_get(&p);
	assert_int_equal(peer_handshake(&p), ZMQ_EVENT_HANDSHAKE_FAILED_AUTH);
	peer_silent(&p);
	peer_close(&p);
	assert_int_equal(h_client_as(d, stranger.path, NULL, 5000, &c), 0);
	refused_fast(c);
	docket_client_destroy(&c);
	cli_refused(d, stranger.path);

	/* Subscribers without CURVE or with a stranger's key see no event. */
	struct peer sub_none, sub_stranger;
	peer_open(&sub_none, ZMQ_SUB, d->ev, NULL, NULL);
	peer_open(&sub_stranger, ZMQ_SUB, d->ev, server.pub, &stranger);
	peer_refused(&sub_none);
	assert_int_equal(peer_handshake(&sub_stranger), ZMQ_EVENT_HANDSHAKE_FAILED_AUTH);
	docket_sub *s = NULL;
	assert_int_equal(docket_sub_new(&s, d->ev, NULL, H_WAIT_MS), 0);
	assert_int_equal(h_draft(d, "A-1", NULL), 0);
	sent++;
	assert_int_equal(docket_sub_recv(s, &m, H_WAIT_MS), 0);
	H_ASSERT_STR(docket_msg_topic(m), "decision.drafted");
	H_ASSERT_STR(h_str(m, "actor"), "office");
	docket_msg_destroy(&m);
	docket_sub_destroy(&s);
	peer_silent(&sub_none);
	peer_silent(&sub_stranger);
	peer_close(&sub_none);
	peer_close(&sub_stranger);

	/* None of it reached the batch. */
	assert_counted(d);
	H_PASS(d);
}

static void test_revoked_key(void **state)
{
	struct h_daemon *d = *state;
	struct h_key bob;
	docket_msg *m = NULL;
	docket_sub *s = NULL;
	sent = 0;
	assert_int_equal(h_start_tcp(d), 0);
	h_key_make(d, "bob.key", 0600, &bob);
	add_key(d, &bob, "bob", "reader");
	docket_client *c = client(d, &bob);
	refused_with(c, DOCKET_ENOTFOUND, "X", "get", "ref", "X", NULL);
	assert_int_equal(h_sub_as(d, bob.path, H_WAIT_MS, &s), 0);

	h_change(d, "key_revoke", "key", bob.pub, NULL);
	sent++;
	/* A subscription made before lasts until its connection closes: it sees the revocation. */
	assert_int_equal(docket_sub_recv(s, &m, H_WAIT_MS), 0);
	H_ASSERT_STR(docket_msg_topic(m), "key.revoked");
	H_ASSERT_STR(h_str(m, "data.principal"), "bob");
	H_ASSERT_STR(h_str(m, "data.roles.0"), "reader");
	docket_msg_destroy(&m);
	docket_sub_destroy(&s);
	assert_int_equal(h_sub_as(d, bob.path, 5000, &s), -DOCKET_EUNREACHABLE);
	/* The open connection's next message is refused; it gets a reply, not silence. */
	refused_with(c, DOCKET_EFORBIDDEN, "this client's key has been revoked", "get", "ref", "X",
	             NULL);
	refused_with(c, DOCKET_EFORBIDDEN, "revoked", "info", NULL);
	docket_client_destroy(&c);
	/* A new connection is refused at the handshake. */
	assert_int_equal(h_client_as(d, bob.path, NULL, 5000, &c), 0);
	refused_fast(c);
	docket_client_destroy(&c);
	cli_refused(d, bob.path);

	/* Recorded as revoked, and it stays so. */
	assert_int_equal(h_call(d, &m, "keys", NULL), 0);
	sent++;
	assert_int_equal(docket_msg_count(m, "keys"), 2);
	int bob_at = !strcmp(h_str(m, "keys.0.key"), bob.pub) ? 0 : 1;
	char at[32];
	snprintf(at, sizeof at, "keys.%d.key", bob_at);
	H_ASSERT_STR(h_str(m, at), bob.pub);
	snprintf(at, sizeof at, "keys.%d.revoked_at", bob_at);
	assert_non_null(h_str(m, at));
	snprintf(at, sizeof at, "keys.%d.revoked_at", !bob_at);
	assert_null(h_str(m, at));
	docket_msg_destroy(&m);
	m = h_refuse(d, DOCKET_EPRECONDITION, "key_revoke", "key", bob.pub, NULL);
	sent++;
	docket_msg_destroy(&m);
	assert_int_equal(set_role(d, bob.pub, "staff"), -DOCKET_EPRECONDITION);
	assert_counted(d);
	H_PASS(d);
}

static void test_role_change(void **state)
{
	struct h_daemon *d = *state;
	struct h_key sam, admin;
	docket_msg *m = NULL;
	char path[300];
	sent = 0;
	assert_int_equal(h_start_tcp(d), 0);
	h_key_make(d, "sam.key", 0600, &sam);
	add_key(d, &sam, "sam", "staff");
	docket_client *c = client(d, &sam);
	assert_true(draft_on(c, "R-1", NULL) > 0);
	assert_int_equal(call_on(c, &m, "submit", "ref", "R-1", NULL), 0);
	docket_msg_destroy(&m);
	refused_with(c, DOCKET_EFORBIDDEN, "commissioner", "endorse", "ref", "R-1", NULL);

	/* key_roles, then the same connection's next message: no reconnect, no restart. */
	assert_int_equal(set_role(d, sam.pub, "commissioner"), 0);
	assert_int_equal(call_on(c, &m, "endorse", "ref", "R-1", NULL), 0);
	H_ASSERT_STR(h_str(m, "decision.state"), "endorsed");
	docket_msg_destroy(&m);
	/* The roles were replaced, not added to. */
	refused_with(c, DOCKET_EFORBIDDEN, "staff", "draft", "ref", "R-2", NULL);

	/* The one key in force with the admin role can neither lose it nor be revoked... */
	snprintf(path, sizeof path, "%s/admin.key", d->state_dir);
	h_key_read(path, &admin);
	assert_int_equal(set_role(d, admin.pub, "reader"), -DOCKET_EPRECONDITION);
	m = h_refuse(d, DOCKET_EPRECONDITION, "key_revoke", "key", admin.pub, NULL);
	sent++;
	docket_msg_destroy(&m);
	/* ...until sam is an admin too; then the revoked admin's open client is refused. */
	assert_int_equal(set_role(d, sam.pub, "admin"), 0);
	h_change(d, "key_revoke", "key", admin.pub, NULL);
	sent++;
	refused_with(d->client, DOCKET_EFORBIDDEN, "revoked", "keys", NULL);
	assert_int_equal(call_on(c, &m, "keys", NULL), 0);
	assert_int_equal(docket_msg_count(m, "keys"), 2);
	docket_msg_destroy(&m);
	docket_client_destroy(&c);
	assert_counted(d);
	H_PASS(d);
}

/*
 * A key recorded for "alice" is the actor of what it does and owns its idem
 * keys; without the reader role it cannot subscribe.
 */
static void test_tcp_principal_is_actor(void **state)
{
	struct h_daemon *d = *state;
	struct h_key alice;
	docket_msg *m = NULL;
	docket_sub *s = NULL;
	sent = 0;
	assert_int_equal(h_start_tcp(d), 0);
	assert_int_equal(docket_sub_new(&s, d->ev, NULL, H_WAIT_MS), 0);
	h_key_make(d, "alice.key", 0600, &alice);
	add_key(d, &alice, "alice", "staff");
	assert_int_equal(docket_sub_recv(s, &m, H_WAIT_MS), 0);
	H_ASSERT_STR(docket_msg_topic(m), "key.added");
	H_ASSERT_STR(h_str(m, "actor"), "office");
	H_ASSERT_STR(h_str(m, "data.principal"), "alice");
	docket_msg_destroy(&m);

	/* Each principal owns its idem keys: the same key is two requests for two principals. */
	docket_client *c = client(d, &alice);
	int64_t seq = draft_on(c, "A-7", "same");
	assert_true(seq > 0);
	assert_true(draft_on(d->client, "A-8", "same") > 0);
	assert_int_equal(draft_on(c, "A-7", "same"), seq);
	docket_client_destroy(&c);
	const char *refs[] = {"A-7", "A-8"}, *actors[] = {"alice", "office"};
	for (int i = 0; i < 2; i++) {
		assert_int_equal(docket_sub_recv(s, &m, H_WAIT_MS), 0);
		H_ASSERT_STR(docket_msg_topic(m), "decision.drafted");
		H_ASSERT_STR(h_str(m, "ref"), refs[i]);
		H_ASSERT_STR(h_str(m, "actor"), actors[i]);
		docket_msg_destroy(&m);
	}
	docket_sub_destroy(&s);

	/* The event endpoint lets in reader keys only. */
	double t0 = h_now();
	assert_int_equal(h_sub_as(d, alice.path, 5000, &s), -DOCKET_EUNREACHABLE);
	assert_null(s);
	if (h_now() - t0 > 2.0)
		fail_msg("a subscriber without the reader role waited %.1f s", h_now() - t0);
	assert_counted(d);
	H_PASS(d);
}

/* The ipc endpoint: no CURVE, a socket file for owner and group, the [principal] of the config. */
static void test_ipc_principal(void **state)
{
	struct h_daemon *d = *state;
	docket_msg *m = NULL;
	assert_int_equal(h_write_config(d, "[principal]\nname = clerk\nroles = reader\n"), 0);
	assert_int_equal(h_start(d), 0);
	assert_int_equal(mode_of(d->cmd + strlen("ipc://")), 0660);
	assert_int_equal(mode_of(d->ev + strlen("ipc://")), 0660);

	m = h_refuse(d, DOCKET_EFORBIDDEN, "draft", "ref", "C-1", NULL);
	H_ASSERT_CONTAINS(docket_msg_error_message(m), "clerk");
	H_ASSERT_CONTAINS(docket_msg_error_message(m), "staff");
	docket_msg_destroy(&m);
	m = h_refuse(d, DOCKET_ENOTFOUND, "get", "ref", "C-1", NULL);
	docket_msg_destroy(&m);

	/* SIGHUP: the principal's roles change at once. */
	assert_int_equal(h_write_config(d, "[principal]\nname = clerk\nroles = staff, reader\n"),
	                 0);
	h_signal(d, SIGHUP);
	assert_int_equal(h_wait_notify(d, "configuration reloaded", H_WAIT_MS), 0);
	docket_sub *s = NULL;
	assert_int_equal(docket_sub_new(&s, d->ev, NULL, H_WAIT_MS), 0);
	assert_int_equal(h_draft(d, "C-1", NULL), 0);
	assert_int_equal(docket_sub_recv(s, &m, H_WAIT_MS), 0);
	H_ASSERT_STR(docket_msg_topic(m), "decision.drafted");
	H_ASSERT_STR(h_str(m, "actor"), "clerk");
	docket_msg_destroy(&m);
	docket_sub_destroy(&s);
	H_PASS(d);
}

/* Key files: kept secret, made secret, and found through --key and DOCKET_KEY. */
static void test_key_files(void **state)
{
	struct h_daemon *d = *state;
	struct h_key open_key, carol, server;
	struct h_proc p;
	docket_client *c = NULL;
	char key[300], pub[300], secret[300], env_key[400], env_server[400], ep[300];
	sent = 0;
	assert_int_equal(h_start_tcp(d), 0);
	/* docketd's own: its key pair and the first client's, secret; its public key, not. */
	snprintf(key, sizeof key, "%s/admin.key", d->state_dir);
	snprintf(pub, sizeof pub, "%s/server.pub", d->state_dir);
	snprintf(secret, sizeof secret, "%s/server.key", d->state_dir);
	assert_int_equal(mode_of(key), 0600);
	assert_int_equal(mode_of(secret), 0600);
	h_key_read(pub, &server);
	assert_string_equal(server.sec, "");

	/* A key pair others may read is not used. */
	h_key_make(d, "open.key", 0644, &open_key);
	assert_int_equal(h_client_as(d, open_key.path, NULL, H_WAIT_MS, &c), -DOCKET_EAUTH);
	assert_null(c);
	H_ASSERT_CONTAINS(docket_credentials_error(), "chmod");
	H_ASSERT_CONTAINS(docket_credentials_error(), open_key.path);

	/* docket keys generate: a new file, mode 0600, its public key printed. */
	snprintf(carol.path, sizeof carol.path, "%s/carol.key", d->dir);
	assert_int_equal(h_cli(d, &p, "keys", "generate", carol.path, NULL), 0);
	assert_int_equal(p.status, 0);
	assert_int_equal(mode_of(carol.path), 0600);
	h_key_read(carol.path, &carol);
	assert_int_equal(strlen(carol.sec), 40);
	H_ASSERT_CONTAINS(p.out, carol.pub);
	h_proc_free(&p);
	/* It never replaces a file. */
	assert_int_equal(h_cli(d, &p, "keys", "generate", carol.path, NULL), 0);
	assert_int_not_equal(p.status, 0);
	h_proc_free(&p);

	/* --key and --server-key: the admin records carol's key from her file. */
	assert_int_equal(h_cli(d, &p, "--key", key, "--server-key", pub, "keys", "add", carol.path,
	                       "--principal", "carol", "--role", "reader", NULL),
	                 0);
	sent++;
	if (p.status != 0)
		fail_msg("keys add: %d: %s", p.status, p.err);
	h_proc_free(&p);
	/* carol's key through --key: a reader, so get reaches docketd and keys is forbidden. */
	assert_int_equal(h_cli(d, &p, "--key", carol.path, "--server-key", pub, "get", "X", NULL),
	                 0);
	sent++;
	H_ASSERT_CONTAINS(p.err, "not_found");
	h_proc_free(&p);
	assert_int_equal(h_cli(d, &p, "--key", carol.path, "--server-key", pub, "keys", NULL), 0);
	sent++;
	H_ASSERT_CONTAINS(p.err, "forbidden");
	h_proc_free(&p);

	/* DOCKET_KEY, and DOCKET_SERVER_KEY as the key itself. */
	snprintf(env_key, sizeof env_key, "DOCKET_KEY=%s", carol.path);
	snprintf(env_server, sizeof env_server, "DOCKET_SERVER_KEY=%s", server.pub);
	snprintf(ep, sizeof ep, "DOCKET_ENDPOINT=%s", d->cmd);
	const char *env[] = {env_key, env_server, ep, NULL};
	const char *argv_keys[] = {DOCKET_CLI_PATH, "keys", NULL};
	assert_int_equal(h_run(&p, argv_keys, env, 20000), 0);
	sent++;
	H_ASSERT_CONTAINS(p.err, "forbidden");
	H_ASSERT_CONTAINS(p.err, "carol");
	h_proc_free(&p);
	/* The same with the admin's key lists carol's. */
	snprintf(env_key, sizeof env_key, "DOCKET_KEY=%s", key);
	assert_int_equal(h_run(&p, argv_keys, env, 20000), 0);
	sent += 2; /* keys, and info for the zone its table shows times in */
	assert_int_equal(p.status, 0);
	H_ASSERT_CONTAINS(p.out, carol.pub);
	H_ASSERT_CONTAINS(p.out, "carol");
	h_proc_free(&p);
	assert_counted(d);
	H_PASS(d);
}

/* docketd serves tcp and ipc only: anything else is a configuration error. */
static void test_other_transports(void **state)
{
	struct h_daemon *d = *state;
	const char *inproc[] = {"--listen", "inproc://x", NULL};
	assert_int_equal(h_start_args(d, inproc), -1);
	assert_int_equal(d->status, 78);
	char *log = h_stderr(d);
	H_ASSERT_CONTAINS(log, "inproc://x");
	H_ASSERT_CONTAINS(log, "tcp:// (with CURVE) and ipc:// only");
	free(log);
	const char *udp[] = {"--publish", "udp://127.0.0.1:5999", NULL};
	assert_int_equal(h_start_args(d, udp), -1);
	assert_int_equal(d->status, 78);
	H_PASS(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_refused_peers_reach_nothing, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_revoked_key, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_role_change, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_tcp_principal_is_actor, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_ipc_principal, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_key_files, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_other_transports, h_setup, h_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
