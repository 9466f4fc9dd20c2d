/* One-line log messages on stderr, with journald priorities under systemd. */
#ifndef DOCKET_LOG_H
#define DOCKET_LOG_H

#include <syslog.h>

/* Write "docketd: message" at a syslog priority (LOG_ERR, LOG_WARNING, LOG_INFO). */
void log_msg(int priority, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
