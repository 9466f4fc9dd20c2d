/* Logging: stderr, which systemd's journal reads with <N> priority prefixes. */
#define _GNU_SOURCE /* program_invocation_short_name */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "log.h"

void log_msg(int priority, const char *fmt, ...)
{
	/* JOURNAL_STREAM is set when stderr is connected to the journal; reading it is cheap. */
	int journal = getenv("JOURNAL_STREAM") != NULL;
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	/* One fprintf per line: stdio's lock keeps threads (docket-hook's targets) from mixing lines. */
	if (journal)
		fprintf(stderr, "<%d>%s\n", priority, line);
	else
		fprintf(stderr, "%s: %s\n", program_invocation_short_name, line);
}
