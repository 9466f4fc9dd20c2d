/* One-line log messages on stderr, with journald priorities under systemd. */
#ifndef DOCKET_LOG_H
#define DOCKET_LOG_H

#include <syslog.h>

/*
 * Write "PROGRAM: message" (docketd, docket-hook) at a syslog priority
 * (LOG_ERR, LOG_WARNING, LOG_INFO); under the journal, "<priority>message".
 */
void log_msg(int priority, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
