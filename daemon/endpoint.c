/* Binding docketd's endpoints: tcp only with CURVE, ipc guarded by its socket file. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <zmq.h>

#include "activation.h"
#include "clock.h"
#include "docket/error.h"
#include "endpoint.h"
#include "log.h"

#define SELFTEST_MONITOR "inproc://docketd.selftest"
#define SELFTEST_MS 5000

static int starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/*
 * libzmq binds an ipc endpoint by unlinking whatever socket file is there,
 * so a second docketd would silently take over a running one's endpoint.
 * A socket file that accepts a connection is in use.
 */
static int ipc_in_use(const char *endpoint)
{
	const char *path = endpoint + strlen("ipc://");
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (path[0] == '@' || strlen(path) >= sizeof sa.sun_path)
		return 0;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	int used = connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
	close(fd);
	return used;
}

static int bind_failed(const char *endpoint, const char *what, int e, char *err, size_t errlen)
{
	snprintf(err, errlen, "cannot bind the %s endpoint %s: %s", what, endpoint,
		 e == EADDRINUSE ? strerror(e) : zmq_strerror(e));
	errno = e;
	return -DOCKET_EUNREACHABLE;
}

static int set_str(void *sock, int opt, const char *v)
{
	return zmq_setsockopt(sock, opt, v, strlen(v));
}

int endpoint_check(const char *endpoint, const char *what, char *err, size_t errlen)
{
	int tcp = starts(endpoint, "tcp://");
	if (!tcp && !starts(endpoint, "ipc://")) {
		snprintf(err, errlen,
			 "the %s endpoint %s: docketd serves tcp:// (with CURVE) and ipc:// only",
			 what, endpoint);
		return -DOCKET_ECONFIG;
	}
	if (tcp && !zmq_has("curve")) {
		snprintf(err, errlen, "the %s endpoint %s needs CURVE, which this libzmq lacks",
			 what, endpoint);
		return -DOCKET_ECONFIG;
	}
	const char *rest = endpoint + strlen("tcp://");
	if (tcp) {
		const char *colon = strrchr(rest, ':'), *port = colon ? colon + 1 : "";
		size_t digits = strspn(port, "0123456789");
		if (!colon || colon == rest ||
		    (strcmp(port, "*") && (!digits || port[digits] || digits > 5 || atol(port) > 65535))) {
			snprintf(err, errlen,
				 "the %s endpoint %s: not tcp://ADDRESS:PORT (an address, an "
				 "interface or *; a port from 0 to 65535, or *)",
				 what, endpoint);
			return -DOCKET_ECONFIG;
		}
	} else if (!*rest || strlen(rest) >= sizeof ((struct sockaddr_un *)0)->sun_path) {
		snprintf(err, errlen, "the %s endpoint %s: a socket's path is 1 to %zu characters",
			 what, endpoint, sizeof ((struct sockaddr_un *)0)->sun_path - 1);
		return -DOCKET_ECONFIG;
	}
	return 0;
}

int endpoint_bind(void *sock, const char *endpoint, const char *tcp_domain,
		  const struct keypair *server, gid_t group, const char *what, char *err,
		  size_t errlen)
{
	int on = starts(endpoint, "tcp://"), ok, fd, none = -1;
	const char *name;
	int rc = endpoint_check(endpoint, what, err, errlen);
	if (rc < 0)
		return rc;
	if ((rc = activation_take(endpoint, what, &fd, &name, err, errlen)) < 0)
		return rc;
	/* A socket systemd holds accepts connections: it is ours, not in use. */
	if (!on && fd < 0 && ipc_in_use(endpoint))
		return bind_failed(endpoint, what, EADDRINUSE, err, errlen);
	/* Options are taken when an endpoint is bound: each endpoint keeps its own. */
	ok = zmq_setsockopt(sock, ZMQ_CURVE_SERVER, &on, sizeof on) == 0 &&
	     set_str(sock, ZMQ_ZAP_DOMAIN, on ? tcp_domain : ZAP_LOCAL) == 0 &&
	     (!on || set_str(sock, ZMQ_CURVE_SECRETKEY, server->secret_key) == 0) &&
	     zmq_setsockopt(sock, ZMQ_USE_FD, &fd, sizeof fd) == 0;
	if (!ok) {
		snprintf(err, errlen, "cannot secure the %s endpoint %s: %s", what, endpoint,
			 zmq_strerror(zmq_errno()));
		if (fd >= 0)
			close(fd);
		return -DOCKET_ESYS;
	}
	/* With ZMQ_USE_FD libzmq listens on fd and takes the endpoint's address as read. */
	rc = zmq_bind(sock, endpoint);
	int bind_errno = zmq_errno();
	zmq_setsockopt(sock, ZMQ_USE_FD, &none, sizeof none);
	if (rc < 0) {
		if (fd >= 0)
			close(fd);
		return bind_failed(endpoint, what, bind_errno, err, errlen);
	}
	if (fd >= 0) {
		char at[256];
		size_t len = sizeof at;
		if (zmq_getsockopt(sock, ZMQ_LAST_ENDPOINT, at, &len) < 0)
			snprintf(at, sizeof at, "%s", endpoint);
		log_msg(LOG_INFO, "the %s endpoint is the socket systemd passed as '%s': %s", what,
			name, at);
		/* Its mode and group are the socket unit's (SocketMode=, SocketGroup=). */
		return 0;
	}
	if (on)
		return 0;
	/* Whoever can open the socket file is the local principal: owner and group only. */
	const char *path = endpoint + strlen("ipc://");
	if (path[0] == '@')
		return 0; /* an abstract socket has no file to guard */
	struct stat st;
	/* Only when it differs, so that a strict seccomp filter need not allow chown(2). */
	if (chmod(path, 0660) < 0 ||
	    (group != (gid_t)-1 &&
	     (stat(path, &st) < 0 || (st.st_gid != group && chown(path, (uid_t)-1, group) < 0)))) {
		int e = errno;
		snprintf(err, errlen, "cannot set the mode of the %s socket %s: %s", what, path,
			 strerror(e));
		errno = e;
		return -DOCKET_ESYS;
	}
	return 0;
}

/* The endpoint sock is bound to, as a client on this machine reaches it. */
static int reachable(void *sock, char *out, size_t n)
{
	char bound[256];
	size_t len = sizeof bound;
	if (zmq_getsockopt(sock, ZMQ_LAST_ENDPOINT, bound, &len) < 0)
		return -1;
	const char *wild[][2] = {{"tcp://0.0.0.0:", "tcp://127.0.0.1:"}, {"tcp://[::]:", "tcp://[::1]:"}};
	for (size_t i = 0; i < 2; i++)
		if (starts(bound, wild[i][0])) {
			snprintf(out, n, "%s%s", wild[i][1], bound + strlen(wild[i][0]));
			return 0;
		}
	snprintf(out, n, "%s", bound);
	return 0;
}

/* The next monitor event's number, or -1 when none came within ms. */
static int next_event(void *mon, struct zap *z, int64_t deadline)
{
	for (;;) {
		int64_t left = deadline - clock_ms();
		if (left <= 0)
			return -1;
		zmq_pollitem_t items[2] = {{mon, 0, ZMQ_POLLIN, 0}, {z->sock, 0, ZMQ_POLLIN, 0}};
		if (zmq_poll(items, 2, (long)left) < 0 && zmq_errno() != EINTR)
			return -1;
		if (items[1].revents & ZMQ_POLLIN)
			zap_answer(z);
		if (!(items[0].revents & ZMQ_POLLIN))
			continue;
		zmq_msg_t m;
		zmq_msg_init(&m);
		int got = zmq_msg_recv(&m, mon, 0);
		uint16_t ev = 0;
		if (got >= 2)
			memcpy(&ev, zmq_msg_data(&m), sizeof ev);
		int more = zmq_msg_more(&m);
		zmq_msg_close(&m);
		if (more) {
			zmq_msg_init(&m);
			zmq_msg_recv(&m, mon, 0);
			zmq_msg_close(&m);
		}
		if (got >= 2)
			return ev;
	}
}

int endpoint_selftest(void *zctx, void *sock, int type, const struct keypair *server,
		      struct zap *z, const char *what, char *err, size_t errlen)
{
	char target[280], monitor[64];
	static unsigned tests;
	struct keypair stranger;
	void *client = NULL, *mon = NULL;
	int rc = -DOCKET_ECONFIG, zero = 0;
	if (reachable(sock, target, sizeof target) < 0 || !starts(target, "tcp://"))
		return 0;
	/* A monitor's inproc name stays taken a while after it stops: one name each. */
	snprintf(monitor, sizeof monitor, "%s.%u", SELFTEST_MONITOR, tests++);
	if (keyfile_generate(&stranger) < 0 ||
	    !(client = zmq_socket(zctx, type == ZMQ_XPUB ? ZMQ_SUB : ZMQ_DEALER)) ||
	    zmq_setsockopt(client, ZMQ_LINGER, &zero, sizeof zero) < 0 ||
	    set_str(client, ZMQ_CURVE_SERVERKEY, server->public_key) < 0 ||
	    set_str(client, ZMQ_CURVE_PUBLICKEY, stranger.public_key) < 0 ||
	    set_str(client, ZMQ_CURVE_SECRETKEY, stranger.secret_key) < 0 ||
	    zmq_socket_monitor(client, monitor,
			       ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH |
				       ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
				       ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL) < 0 ||
	    !(mon = zmq_socket(zctx, ZMQ_PAIR)) ||
	    zmq_setsockopt(mon, ZMQ_LINGER, &zero, sizeof zero) < 0 ||
	    zmq_connect(mon, monitor) < 0 || zmq_connect(client, target) < 0) {
		snprintf(err, errlen, "cannot run the %s endpoint's self-test: %s", what,
			 zmq_strerror(zmq_errno()));
		rc = -DOCKET_ESYS;
		goto out;
	}
	z->quiet = 1;
	int ev = next_event(mon, z, clock_ms() + SELFTEST_MS);
	z->quiet = 0;
	if (ev == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH)
		rc = 0;
	else if (ev == ZMQ_EVENT_HANDSHAKE_SUCCEEDED)
		snprintf(err, errlen,
			 "self-test: the %s endpoint %s let in a key docketd does not know", what,
			 target);
	else
		snprintf(err, errlen,
			 "self-test: a connection to the %s endpoint %s with an unknown key was "
			 "not refused as it should be (%s)",
			 what, target, ev < 0 ? "no answer within 5 s" : "the handshake failed");
out:
	if (client) {
		zmq_socket_monitor(client, NULL, 0);
		zmq_close(client);
	}
	if (mon)
		zmq_close(mon);
	return rc;
}
