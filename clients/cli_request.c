/* The request a command line makes: its arguments checked against the command table. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "date.h"

/* Check text against type and set key to it. Returns 0 or an exit status. */
static int set_value(const struct cli *cli, docket_request *r, const char *what, const char *key,
                     enum cli_type type, const char *const *choices, const char *text)
{
	char *file = NULL;
	int64_t i;
	int rc;

	switch (type) {
	case ARG_INT:
		if (!cli_parse_int(text, INT64_MIN, INT64_MAX, &i))
			return cli_usage_error(cli, "%s: bad integer '%s'", what, text);
		rc = docket_request_set_int(r, key, i);
		break;
	case ARG_FILE:
		if ((rc = cli_read_file(cli, what, text, &file, NULL)) != 0)
			return rc;
		rc = docket_request_set_str(r, key, file);
		free(file);
		break;
	case ARG_DATE:
		if (date_parse(text, strlen(text), &i) < 0)
			return cli_usage_error(cli, "%s: bad date '%s' (YYYY-MM-DD)", what, text);
		rc = docket_request_set_str(r, key, text);
		break;
	case ARG_TIME:
		/* Only the form is checked here: docketd applies the office's zone. */
		if (date_time_parse(text, strlen(text), &(struct date_time){0}) < 0)
			return cli_usage_error(cli,
			                       "%s: bad time '%s' (office time YYYY-MM-DD HH:MM[:SS], "
			                       "or ISO 8601 with Z or an offset such as +01:00)",
			                       what, text);
		rc = docket_request_set_str(r, key, text);
		break;
	case ARG_CHOICE:
		for (i = 0; choices[i] && strcmp(choices[i], text); i++)
			;
		if (!choices[i])
			return cli_usage_error(cli,
			                       "%s: '%s' is not one of the allowed values (see "
			                       "docket %s --help)",
			                       what, text, cli->cmd->name);
		rc = docket_request_set_str(r, key, text);
		break;
	case ARG_FLAG:
		rc = docket_request_set_bool(r, key, 1);
		break;
	default:
		rc = docket_request_set_str(r, key, text);
		break;
	}
	if (rc < 0) {
		fprintf(stderr, "docket: %s\n", docket_strerror(rc));
		return EX_SOFTWARE;
	}
	return 0;
}

/* True when the command line gives key, through the positional argument or an option. */
static bool given(const struct cli *cli, const char *key)
{
	if (cli->nargs && cli->cmd->pos_key && !strcmp(cli->cmd->pos_key, key))
		return true;
	for (size_t i = 0; i < cli->nvalues; i++)
		if (cli->values[i].opt->key && !strcmp(cli->values[i].opt->key, key))
			return true;
	return false;
}

/* The command line's name for key, for messages. */
static const char *spelled(const struct cli *cli, const char *key, char *buf, size_t size)
{
	if (cli->cmd->pos_key && !strcmp(cli->cmd->pos_key, key))
		return cli->cmd->pos_name;
	const struct cli_option *o = cli_option_for_key(cli->cmd, key);
	if (!o)
		return key;
	snprintf(buf, size, "--%s", o->name);
	return buf;
}

static int check_keys(const struct cli *cli)
{
	const struct cli_command *cmd = cli->cmd;
	char buf[64];

	for (size_t i = 0; i < cli->nvalues; i++)
		for (size_t j = 0; j < i; j++)
			if (cli->values[i].opt == cli->values[j].opt)
				return cli_usage_error(cli, "--%s given twice",
				                       cli->values[i].opt->name);
			else if (cli->values[i].opt->key && cli->values[j].opt->key &&
			         !strcmp(cli->values[i].opt->key, cli->values[j].opt->key))
				return cli_usage_error(
				    cli, "--%s and --%s both give %s", cli->values[j].opt->name,
				    cli->values[i].opt->name, cli->values[i].opt->key);
	for (size_t i = 0, stdin_readers = 0; i < cli->nvalues; i++)
		if (cli->values[i].opt->type == ARG_FILE && !strcmp(cli->values[i].text, "-") &&
		    ++stdin_readers > 1)
			return cli_usage_error(cli, "only one option can read standard input");
	for (const char *p = cmd->required ? cmd->required : ""; *p;) {
		char key[32];
		size_t len = strcspn(p, " ");
		snprintf(key, sizeof key, "%.*s", (int)len, p);
		if (!given(cli, key))
			return cli_usage_error(cli, "missing %s",
			                       spelled(cli, key, buf, sizeof buf));
		p += len + strspn(p + len, " ");
	}
	if (cmd->exactly_one) {
		const char *a = cmd->exactly_one, *b = strchr(a, ' ') + 1;
		char ka[32], bb[64];
		snprintf(ka, sizeof ka, "%.*s", (int)(b - 1 - a), a);
		if (given(cli, ka) == given(cli, b))
			return cli_usage_error(cli, "give exactly one of %s and %s",
			                       spelled(cli, ka, buf, sizeof buf),
			                       spelled(cli, b, bb, sizeof bb));
	}
	if (cmd->some_option && cli->nvalues == 0)
		return cli_usage_error(cli, "nothing to change: give at least one option");
	return 0;
}

int cli_request_build(const struct cli *cli, docket_request **out)
{
	const struct cli_command *cmd = cli->cmd;
	docket_request *r = NULL;
	char what[64];
	int64_t n;
	int rc;

	*out = NULL;
	if ((rc = check_keys(cli)) != 0)
		return rc;
	if (!cmd->changes && (cli->idem || cli->expect_version))
		return cli_usage_error(cli, "--idem and --expect-version apply only to changes");
	if ((rc = docket_request_new(&r, cmd->op)) < 0) {
		fprintf(stderr, "docket: %s\n", docket_strerror(rc));
		return EX_SOFTWARE;
	}
	if (cli->nargs && cmd->pos_key &&
	    (rc = set_value(cli, r, cmd->pos_name, cmd->pos_key, cmd->pos_type, NULL,
	                    cli->args[0])) != 0)
		goto out;
	for (size_t i = 0; i < cli->nvalues; i++) {
		const struct cli_option *o = cli->values[i].opt;
		/* The CLI's own options (render --output) are for the command to use. */
		if (!o->key)
			continue;
		snprintf(what, sizeof what, "--%s", o->name);
		if ((rc = set_value(cli, r, what, o->key, o->type, o->choices,
		                    cli->values[i].text)) != 0)
			goto out;
	}
	if (cli->idem && (rc = set_value(cli, r, "--idem", "idem", ARG_STR, NULL, cli->idem)) != 0)
		goto out;
	if (cli->expect_version) {
		if (!cli_parse_int(cli->expect_version, 0, INT64_MAX, &n)) {
			rc = cli_usage_error(cli, "--expect-version: bad version '%s'",
			                     cli->expect_version);
			goto out;
		}
		if ((rc = docket_request_set_int(r, "expect_version", n)) < 0) {
			rc = EX_SOFTWARE;
			goto out;
		}
	}
	if (cmd->fill && (rc = cmd->fill(cli, r)) != 0)
		goto out;
	*out = r;
	r = NULL;
	rc = 0;
out:
	docket_request_destroy(&r);
	return rc;
}
