/* The listening sockets systemd passed docketd (socket activation), matched to its endpoints. */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include "activation.h"
#include "docket/error.h"

/* More than docketd's two endpoints, so that extra ones are reported, not lost. */
#define PASSED_MAX 8

/* What systemd passed, read once: the environment is cleared after. */
static struct {
	int read;
	int n;
	struct {
		int fd; /* -1 once taken */
		char name[64];
	} s[PASSED_MAX];
} passed;

static int passed_read(char *err, size_t errlen)
{
	char **names = NULL;
	if (passed.read)
		return 0;
	passed.read = 1;
	/* Cleared, so that nothing docketd starts takes them for its own. */
	int n = sd_listen_fds_with_names(1, &names);
	if (n < 0) {
		snprintf(err, errlen, "cannot take the sockets systemd passed: %s", strerror(-n));
		return -DOCKET_ESYS;
	}
	for (int i = 0; i < n; i++) {
		int fd = SD_LISTEN_FDS_START + i;
		if (i < PASSED_MAX) {
			passed.s[i].fd = fd;
			snprintf(passed.s[i].name, sizeof passed.s[i].name, "%s",
				 names && names[i] ? names[i] : "unknown");
		} else {
			close(fd);
		}
		if (names)
			free(names[i]);
	}
	free(names);
	passed.n = n < PASSED_MAX ? n : PASSED_MAX;
	if (n > PASSED_MAX) {
		snprintf(err, errlen, "systemd passed %d sockets; docketd serves 2 endpoints", n);
		return -DOCKET_ECONFIG;
	}
	return 0;
}

static int starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Whether ss, a unix socket's address of len bytes, is the ipc endpoint's path. */
static int same_path(const struct sockaddr_storage *ss, socklen_t len, const char *path)
{
	const struct sockaddr_un *un = (const struct sockaddr_un *)ss;
	size_t off = offsetof(struct sockaddr_un, sun_path);
	if (ss->ss_family != AF_UNIX || len <= off)
		return 0;
	size_t n = len - off;
	if (path[0] == '@') /* abstract: a NUL, then the name, its length the address's */
		return un->sun_path[0] == '\0' && n - 1 == strlen(path + 1) &&
		       memcmp(un->sun_path + 1, path + 1, n - 1) == 0;
	return strnlen(un->sun_path, n) == strlen(path) &&
	       memcmp(un->sun_path, path, strlen(path)) == 0;
}

static int same_ip(const struct sockaddr_storage *ss, const struct sockaddr *a)
{
	if (ss->ss_family != a->sa_family)
		return 0;
	if (a->sa_family == AF_INET)
		return memcmp(&((const struct sockaddr_in *)ss)->sin_addr,
			      &((const struct sockaddr_in *)a)->sin_addr,
			      sizeof(struct in_addr)) == 0;
	return a->sa_family == AF_INET6 &&
	       memcmp(&((const struct sockaddr_in6 *)ss)->sin6_addr,
		      &((const struct sockaddr_in6 *)a)->sin6_addr, sizeof(struct in6_addr)) == 0;
}

static unsigned port_of(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET	   ? ntohs(((const struct sockaddr_in *)ss)->sin_port)
	       : ss->ss_family == AF_INET6 ? ntohs(((const struct sockaddr_in6 *)ss)->sin6_port)
					   : 0;
}

/*
 * Whether ss is the tcp endpoint's address: its host ("*" any, a name or
 * a literal, IPv6 in brackets) resolved, and its port (any for 0 or "*").
 */
static int same_tcp(const struct sockaddr_storage *ss, const char *endpoint)
{
	char host[256];
	const char *rest = endpoint + strlen("tcp://"), *colon = strrchr(rest, ':');
	if (!colon || (ss->ss_family != AF_INET && ss->ss_family != AF_INET6))
		return 0;
	const char *port = colon + 1;
	size_t hlen = (size_t)(colon - rest);
	if (hlen >= 2 && rest[0] == '[' && rest[hlen - 1] == ']') {
		rest++;
		hlen -= 2;
	}
	if (hlen == 0 || hlen >= sizeof host)
		return 0;
	memcpy(host, rest, hlen);
	host[hlen] = '\0';
	unsigned want = strcmp(port, "*") ? (unsigned)strtoul(port, NULL, 10) : 0;
	if (want != 0 && want != port_of(ss))
		return 0;
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				 .ai_flags = AI_PASSIVE}, *res = NULL;
	if (getaddrinfo(strcmp(host, "*") ? host : NULL, NULL, &hints, &res) != 0)
		return 0;
	int same = 0;
	for (struct addrinfo *a = res; a && !same; a = a->ai_next)
		same = same_ip(ss, a->ai_addr);
	freeaddrinfo(res);
	return same;
}

static int same_address(int fd, const char *endpoint)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return 0;
	if (starts(endpoint, "ipc://"))
		return same_path(&ss, len, endpoint + strlen("ipc://"));
	return starts(endpoint, "tcp://") && same_tcp(&ss, endpoint);
}

/* Whether fd is a listening stream socket of the endpoint's transport. */
static int fits(int fd, const char *endpoint)
{
	if (starts(endpoint, "ipc://"))
		return sd_is_socket(fd, AF_UNIX, SOCK_STREAM, 1) > 0;
	return sd_is_socket(fd, AF_INET, SOCK_STREAM, 1) > 0 ||
	       sd_is_socket(fd, AF_INET6, SOCK_STREAM, 1) > 0;
}

int activation_take(const char *endpoint, const char *what, int *fd, const char **name,
		    char *err, size_t errlen)
{
	char own[32];
	int rc = passed_read(err, errlen), pick = -1;
	*fd = -1;
	*name = NULL;
	if (rc < 0)
		return rc;
	snprintf(own, sizeof own, "%ss", what);
	for (int i = 0; i < passed.n && pick < 0; i++)
		if (passed.s[i].fd >= 0 && !strcmp(passed.s[i].name, own))
			pick = i;
	/* A socket named for the other endpoint is never this one's, whatever its address. */
	for (int i = 0; i < passed.n && pick < 0; i++)
		if (passed.s[i].fd >= 0 && strcmp(passed.s[i].name, "commands") &&
		    strcmp(passed.s[i].name, "events") && same_address(passed.s[i].fd, endpoint))
			pick = i;
	if (pick < 0)
		return 0;
	/* A tcp socket served as ipc would be served without CURVE. */
	if (!fits(passed.s[pick].fd, endpoint)) {
		snprintf(err, errlen,
			 "the socket systemd passed as '%s' is not a listening socket for the %s "
			 "endpoint %s",
			 passed.s[pick].name, what, endpoint);
		return -DOCKET_ECONFIG;
	}
	*fd = passed.s[pick].fd;
	*name = passed.s[pick].name;
	passed.s[pick].fd = -1;
	return 0;
}

/* fd's address, for a message: "127.0.0.1 port 5570", a path or "?". */
static void describe(int fd, char *out, size_t n)
{
	struct sockaddr_storage ss = {.ss_family = AF_UNSPEC};
	socklen_t len = sizeof ss;
	char host[INET6_ADDRSTRLEN], serv[8]; /* numeric: an address, a port */
	snprintf(out, n, "?");
	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return;
	if (ss.ss_family == AF_UNIX)
		snprintf(out, n, "%s", ((struct sockaddr_un *)&ss)->sun_path);
	else if (getnameinfo((struct sockaddr *)&ss, len, host, sizeof host, serv, sizeof serv,
			     NI_NUMERICHOST | NI_NUMERICSERV) == 0)
		snprintf(out, n, "%s port %s", host, serv);
}

int activation_leftover(char *err, size_t errlen)
{
	int rc = 0;
	for (int i = 0; i < passed.n; i++) {
		if (passed.s[i].fd < 0)
			continue;
		if (rc == 0) {
			char at[300];
			describe(passed.s[i].fd, at, sizeof at);
			snprintf(err, errlen,
				 "the socket systemd passed as '%s' (%s) is neither the command "
				 "nor the event endpoint: name it commands or events "
				 "(FileDescriptorName=), or give an endpoint its address",
				 passed.s[i].name, at);
			rc = -DOCKET_ECONFIG;
		}
		close(passed.s[i].fd);
		passed.s[i].fd = -1;
	}
	return rc;
}
