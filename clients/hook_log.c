/* docket-hook's log: one line per message on stderr, which systemd's journal reads. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "hook.h"

void hook_log(int priority, const char *fmt, ...)
{
	/* JOURNAL_STREAM is set when stderr is connected to the journal. */
	int journal = getenv("JOURNAL_STREAM") != NULL;
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	/* One fprintf per line: stdio's lock keeps the targets' threads from mixing lines. */
	if (journal)
		fprintf(stderr, "<%d>%s\n", priority, line);
	else
		fprintf(stderr, "docket-hook: %s\n", line);
}
