/* Readable output of the register query: the decisions the public register shows. */
#include <string.h>

#include "cli.h"

void cli_print_register(struct cli_zone *z, const docket_msg *m)
{
	static const char *const heads[] = {"REF", "DECIDED", "STATE", "RESTRICTION", "TITLE"};
	enum { REF, DECIDED, STATE, RESTRICTION, TITLE, COLUMNS };
	size_t n = docket_msg_count(m, "decisions");
	int w[COLUMNS];
	char p[48], day[CLI_TIME_LEN];
	const char *cells[COLUMNS];

	(void)z; /* business dates only: no zone */
	if (n == 0) {
		puts("no decisions in the public register");
		return;
	}
	/* Two passes: the widths, then the lines. */
	for (int pass = 0; pass < 2; pass++) {
		for (int k = 0; k < COLUMNS; k++) {
			if (pass == 0)
				w[k] = cli_width(heads[k]);
			else
				cli_cell(heads[k], k + 1 < COLUMNS ? w[k] + 2 : 0);
		}
		if (pass == 1)
			putchar('\n');
		for (size_t i = 0; i < n; i++) {
			snprintf(p, sizeof p, "decisions.%zu", i);
			cells[REF] = cli_str(m, p, "ref");
			cells[DECIDED] = cli_day(cli_str(m, p, "decided_on"), day);
			cells[STATE] = cli_str(m, p, "state");
			cells[RESTRICTION] = cli_str(m, p, "restriction");
			cells[TITLE] = cli_str(m, p, "title");
			for (int k = 0; k < COLUMNS; k++) {
				const char *s = cells[k] ? cells[k] : "-";
				int cw = cli_width(s);
				if (pass == 0 && cw > w[k])
					w[k] = cw;
				else if (pass == 1)
					cli_cell(s, k + 1 < COLUMNS ? w[k] + 2 : 0);
			}
			if (pass == 1)
				putchar('\n');
		}
	}
	const char *next = cli_str(m, "", "next");
	if (next) {
		fputs("more: docket register --after '", stdout);
		cli_put(next, strlen(next));
		puts("' (with the same --limit)");
	}
}
