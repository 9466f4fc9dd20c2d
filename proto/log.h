/*
 * Logging for docketd and docket-hook: a readable line on a terminal,
 * a structured entry when standard error is systemd's journal.
 */
#ifndef DOCKET_LOG_H
#define DOCKET_LOG_H

#include <stddef.h>
#include <syslog.h>

/* One field of a journal entry beside MESSAGE: NAME=value. A NULL value is left out. */
struct log_field {
	const char *name;
	const char *value;
};

/*
 * The most verbose priority written (LOG_ERR ... LOG_DEBUG); LOG_INFO
 * unless set. Entries above it cost one comparison.
 */
void log_set_level(int priority);
int log_level(void);

/* Parse "err", "warning", "notice", "info" or "debug". Returns the priority or -1. */
int log_level_parse(const char *name);

/*
 * Write an entry at a syslog priority. On a terminal or a file,
 * "PROGRAM: message" on one line; under the journal, an entry with
 * MESSAGE, PRIORITY, SYSLOG_IDENTIFIER, MESSAGE_ID (when id is set; 32
 * hex digits naming the kind of entry) and the fields. Fields never
 * appear on the terminal line: the message says what matters there.
 */
void log_entry(int priority, const char *id, const struct log_field *fields, size_t nfields,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* An entry of no particular kind. */
#define log_msg(priority, ...) log_entry(priority, NULL, NULL, 0, __VA_ARGS__)

/* Whether entries go to the journal (JOURNAL_STREAM names standard error). */
int log_to_journal(void);

#endif
