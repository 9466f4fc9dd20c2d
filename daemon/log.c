/* Logging: stderr, which systemd's journal reads with <N> priority prefixes. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "log.h"

void log_msg(int priority, const char *fmt, ...)
{
	/* JOURNAL_STREAM is set when stderr is connected to the journal. */
	static int journal = -1;
	if (journal < 0)
		journal = getenv("JOURNAL_STREAM") != NULL;
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (journal)
		fprintf(stderr, "<%d>%s\n", priority, line);
	else
		fprintf(stderr, "docketd: %s\n", line);
}
