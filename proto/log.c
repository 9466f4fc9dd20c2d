/* Logging: readable lines on a terminal, structured entries in systemd's journal. */
#define _GNU_SOURCE /* program_invocation_short_name */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#include <systemd/sd-journal.h>

#include "log.h"

/* Fields an entry carries besides its own: MESSAGE, PRIORITY, SYSLOG_IDENTIFIER, MESSAGE_ID. */
#define LOG_MAX_FIELDS 12

static int level = LOG_INFO;
static int journal;
static pthread_once_t journal_once = PTHREAD_ONCE_INIT;

static const char *const level_names[] = {
	[LOG_ERR] = "err", [LOG_WARNING] = "warning", [LOG_NOTICE] = "notice",
	[LOG_INFO] = "info", [LOG_DEBUG] = "debug",
};

void log_set_level(int priority)
{
	level = priority;
}

int log_level(void)
{
	return level;
}

int log_level_parse(const char *name)
{
	for (int p = LOG_ERR; p <= LOG_DEBUG; p++)
		if (level_names[p] && strcmp(name, level_names[p]) == 0)
			return p;
	return -1;
}

/*
 * systemd sets JOURNAL_STREAM to the device and inode of the stream it
 * connects to the journal; a child whose stderr was redirected inherits
 * the variable but not the stream, so both must match (systemd.exec(5)).
 */
static void find_journal(void)
{
	const char *e = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;
	journal = e && sscanf(e, "%llu:%llu", &dev, &ino) == 2 && fstat(STDERR_FILENO, &st) == 0 &&
		  (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

int log_to_journal(void)
{
	pthread_once(&journal_once, find_journal);
	return journal;
}

static void send_entry(int priority, const char *id, const struct log_field *fields,
		       size_t nfields, const char *message)
{
	char prio[16], text[1100], ident[64], mid[48], f[LOG_MAX_FIELDS][320];
	struct iovec iov[4 + LOG_MAX_FIELDS];
	int n = 0;
	snprintf(text, sizeof text, "MESSAGE=%s", message);
	snprintf(prio, sizeof prio, "PRIORITY=%d", priority);
	snprintf(ident, sizeof ident, "SYSLOG_IDENTIFIER=%s", program_invocation_short_name);
	iov[n++] = (struct iovec){text, strlen(text)};
	iov[n++] = (struct iovec){prio, strlen(prio)};
	iov[n++] = (struct iovec){ident, strlen(ident)};
	if (id) {
		snprintf(mid, sizeof mid, "MESSAGE_ID=%s", id);
		iov[n++] = (struct iovec){mid, strlen(mid)};
	}
	for (size_t i = 0, k = 0; i < nfields && k < LOG_MAX_FIELDS; i++) {
		if (!fields[i].value)
			continue;
		snprintf(f[k], sizeof f[k], "%s=%s", fields[i].name, fields[i].value);
		iov[n++] = (struct iovec){f[k], strlen(f[k])};
		k++;
	}
	/* The journal gone (stopped, or its socket full) leaves stderr, which systemd also reads. */
	if (sd_journal_sendv(iov, n) < 0)
		fprintf(stderr, "<%d>%s\n", priority, message);
}

void log_entry(int priority, const char *id, const struct log_field *fields, size_t nfields,
	       const char *fmt, ...)
{
	if (priority > level)
		return;
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (log_to_journal()) {
		send_entry(priority, id, fields, nfields, line);
		return;
	}
	/* One fprintf per line: stdio's lock keeps threads (docket-hook's targets) from mixing lines. */
	fprintf(stderr, "%s: %s\n", program_invocation_short_name, line);
}
