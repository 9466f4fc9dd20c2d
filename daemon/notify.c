/*
 * sd_notify(3) blocks while the manager's queue is full, and a queue
 * holds few datagrams (net.unix.max_dgram_qlen, 10 on some machines): a
 * manager, or a test, that reads late would stop the loop in the middle of
 * a STATUS= update. These sends never wait long.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "notify.h"

/* How long a change of state may wait for room in the manager's queue. */
#define NOTIFY_WAIT_MS 1000

/* A datagram socket connected to NOTIFY_SOCKET, or -1 without one. */
static int open_socket(void)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	size_t len;
	if (!path || (path[0] != '/' && path[0] != '@') ||
	    (len = strlen(path)) >= sizeof a.sun_path)
		return -1;
	memcpy(a.sun_path, path, len);
	/* '@' names a socket in the abstract namespace, which starts with a NUL. */
	if (path[0] == '@')
		a.sun_path[0] = '\0';
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&a,
		    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void send_text(int wait_ms, const char *fmt, va_list ap)
{
	char text[512];
	vsnprintf(text, sizeof text, fmt, ap);
	int fd = open_socket();
	if (fd < 0)
		return;
	size_t len = strlen(text);
	ssize_t n = send(fd, text, len, MSG_NOSIGNAL);
	if (n < 0 && errno == EAGAIN && wait_ms > 0) {
		struct pollfd p = {fd, POLLOUT, 0};
		if (poll(&p, 1, wait_ms) > 0)
			n = send(fd, text, len, MSG_NOSIGNAL);
	}
	if (n < 0 && wait_ms > 0)
		log_msg(LOG_WARNING, "the service manager did not take \"%.40s\": %s", text,
			strerror(errno));
	close(fd);
}

void notify_state(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	send_text(NOTIFY_WAIT_MS, fmt, ap);
	va_end(ap);
}

void notify_status(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	send_text(0, fmt, ap);
	va_end(ap);
}
