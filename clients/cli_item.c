/* The item-order command: the decisions on an agenda item, in the order given. */
#include <inttypes.h>
#include <string.h>

#include "cli.h"

void cli_print_item_order(struct cli_zone *z, const docket_msg *m)
{
	(void)z; /* no times to show */
	int64_t id = 0, seq;
	char p[48];
	const char *code = cli_str(m, "item", "code"), *subject = cli_str(m, "item", "subject");
	size_t n = docket_msg_count(m, "decisions");

	cli_num(m, "item", "id", &id);
	printf("Item %" PRId64 "  ", id);
	cli_put(code ? code : "?", code ? strlen(code) : 1);
	fputs("  ", stdout);
	cli_put(subject ? subject : "", subject ? strlen(subject) : 0);
	putchar('\n');
	for (size_t i = 0; i < n; i++) {
		const char *ref = NULL;
		snprintf(p, sizeof p, "decisions.%zu", i);
		docket_msg_get_str(m, p, &ref);
		printf("  %*zu  ", n >= 100 ? 3 : n >= 10 ? 2 : 1, i + 1);
		cli_put(ref ? ref : "?", ref ? strlen(ref) : 1);
		putchar('\n');
	}
	if (cli_num(m, "", "seq", &seq))
		printf("(event %" PRId64 ")\n", seq);
}

int cli_item_order_fill(const struct cli *cli, docket_request *r)
{
	int64_t item;
	int rc;

	if (cli->nargs == 0)
		return cli_usage_error(cli, "missing ITEM");
	if (cli->nargs == 1)
		return cli_usage_error(cli,
		                       "missing REF: name every decision on item %s, in its "
		                       "new order",
		                       cli->args[0]);
	if (!cli_parse_int(cli->args[0], 1, INT64_MAX, &item))
		return cli_usage_error(cli, "ITEM: bad item id '%s'", cli->args[0]);
	if (cli->expect_version)
		return cli_usage_error(cli, "--expect-version does not apply to an item's order");
	rc = docket_request_set_int(r, "item", item);
	for (size_t i = 1; rc == 0 && i < cli->nargs; i++)
		rc = docket_request_append_str(r, "refs", cli->args[i]);
	return rc < 0 ? cli_fail(cli, EX_SOFTWARE, "%s", docket_strerror(rc)) : 0;
}
