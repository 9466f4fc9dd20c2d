/* Readable output of the register query: the decisions the public register shows. */
#include <string.h>

#include "cli.h"

enum { REF, DECIDED, STATE, RESTRICTION, TITLE, COLUMNS };

static const struct cli_column cols[] = {
    {"REF", 0}, {"DECIDED", 0}, {"STATE", COL_STATE}, {"RESTRICTION", 0}, {"TITLE", COL_TEXT},
};
const struct cli_table_spec cli_register_table = {"decisions", cols, COLUMNS, false, NULL};

static void row(void *ctx, size_t i, const char **cells, char (*buf)[CLI_CELL_LEN])
{
	const docket_msg *m = ctx;
	char p[48];
	snprintf(p, sizeof p, "decisions.%zu", i);
	cells[REF] = cli_str(m, p, "ref");
	cells[DECIDED] = cli_cell_day(cli_str(m, p, "decided_on"), buf[DECIDED]);
	cells[STATE] = cli_str(m, p, "state");
	cells[RESTRICTION] = cli_str(m, p, "restriction");
	cells[TITLE] = cli_str(m, p, "title");
}

void cli_print_register(struct cli_zone *z, const docket_msg *m)
{
	size_t n = docket_msg_count(m, "decisions");

	(void)z; /* business dates only: no zone */
	if (n == 0 && !cli_table_json()) {
		puts("no decisions in the public register");
		return;
	}
	cli_table(&cli_register_table, n, row, (void *)m);
	const char *next = cli_str(m, "", "next");
	if (next && !cli_table_json()) {
		fputs("more: docket register --after '", stdout);
		cli_put(next, strlen(next));
		puts("' (with the same --limit)");
	}
}
