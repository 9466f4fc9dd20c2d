/* The render command: an item's panel report, or an imported document's, to stdout or a file. */
#include <string.h>

#include "cli.h"

int cli_render(const struct cli *cli)
{
	const char *output = cli_value(cli, "output"), *content = NULL;
	docket_client *c = NULL;
	docket_msg *reply = NULL;
	int status;

	/* "-" is stdout, as for the files the other commands read. */
	if (output && !strcmp(output, "-"))
		output = NULL;
	if (output && !*output)
		return cli_usage_error(cli, "--output: empty file name");
	if ((status = cli_query(cli, &c, &reply)) != 0)
		goto out;
	if (docket_msg_get_str(reply, "content", &content) < 0) {
		status = cli_fail(cli, EX_SOFTWARE, "docketd's reply holds no content");
		goto out;
	}
	/* With --json the reply goes to stdout; the report still goes to --output. */
	if (output || !cli->json)
		status = cli_write_file(cli, output, content, strlen(content));
	if (status == 0 && cli->json)
		status = cli_print_json(reply, DOCKET_JSON_PRETTY);
out:
	docket_msg_destroy(&reply);
	docket_client_destroy(&c);
	return status;
}
