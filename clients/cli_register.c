/* Readable output of the register query: the decisions the public register shows. */
#include <string.h>

#include "cli.h"

enum { REF, DECIDED, STATE, RESTRICTION, TITLE, COLUMNS };

static void row(void *ctx, size_t i, const char **cells, char (*buf)[CLI_CELL_LEN])
{
	const docket_msg *m = ctx;
	char p[48];
	snprintf(p, sizeof p, "decisions.%zu", i);
	cells[REF] = cli_str(m, p, "ref");
	cells[DECIDED] = cli_day(cli_str(m, p, "decided_on"), buf[DECIDED]);
	cells[STATE] = cli_str(m, p, "state");
	cells[RESTRICTION] = cli_str(m, p, "restriction");
	cells[TITLE] = cli_str(m, p, "title");
}

void cli_print_register(struct cli_zone *z, const docket_msg *m)
{
	static const char *const heads[] = {"REF", "DECIDED", "STATE", "RESTRICTION", "TITLE"};
	size_t n = docket_msg_count(m, "decisions");

	(void)z; /* business dates only: no zone */
	if (n == 0) {
		puts("no decisions in the public register");
		return;
	}
	cli_table(heads, COLUMNS, n, row, (void *)m);
	const char *next = cli_str(m, "", "next");
	if (next) {
		fputs("more: docket register --after '", stdout);
		cli_put(next, strlen(next));
		puts("' (with the same --limit)");
	}
}
