/* The docket CLI: parses the command line and runs one command against docketd. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum global_id {
	G_ENDPOINT,
	G_EVENTS,
	G_KEY,
	G_SERVER_KEY,
	G_JSON,
	G_UTC,
	G_TIMEOUT,
	G_IDEM,
	G_EXPECT,
	G_HELP,
	G_VERSION
};

/* Options every command takes, before or after the command name. */
/* clang-format off */
static const struct {
	const char *name;
	char short_name;
	bool takes_value;
	enum global_id id;
} globals[] = {
	{"endpoint", 'e', true, G_ENDPOINT},
	{"events", 0, true, G_EVENTS},
	{"key", 0, true, G_KEY},
	{"server-key", 0, true, G_SERVER_KEY},
	{"json", 0, false, G_JSON},
	{"utc", 0, false, G_UTC},
	{"timeout", 0, true, G_TIMEOUT},
	{"idem", 0, true, G_IDEM},
	{"expect-version", 0, true, G_EXPECT},
	{"help", 'h', false, G_HELP},
	{"version", 0, false, G_VERSION},
};
/* clang-format on */

struct parse {
	struct cli *cli;
	const char *timeout;
	bool help;
	bool version;
	bool help_command; /* "docket help [COMMAND]" */
	bool cursor_word;  /* "docket cursor": the next word names the cursor command */
};

static int set_global(struct parse *p, enum global_id id, const char *value)
{
	switch (id) {
	case G_ENDPOINT:
		p->cli->endpoint = value;
		break;
	case G_EVENTS:
		p->cli->events = value;
		break;
	case G_KEY:
		p->cli->key = value;
		break;
	case G_SERVER_KEY:
		p->cli->server_key = value;
		break;
	case G_JSON:
		p->cli->json = true;
		break;
	case G_UTC:
		p->cli->utc = true;
		break;
	case G_TIMEOUT:
		p->timeout = value;
		break;
	case G_IDEM:
		p->cli->idem = value;
		break;
	case G_EXPECT:
		p->cli->expect_version = value;
		break;
	case G_HELP:
		p->help = true;
		break;
	case G_VERSION:
		p->version = true;
		break;
	}
	return 0;
}

/* One option at argv[*i]: "--name", "--name=value", "--name value", "-e value" or "-evalue". */
static int option(struct parse *p, int argc, char **argv, int *i)
{
	struct cli *cli = p->cli;
	const char *arg = argv[*i], *value = NULL;
	char name[64];
	int g = -1;
	const struct cli_option *o = NULL;

	if (arg[1] == '-') {
		const char *eq = strchr(arg + 2, '=');
		size_t len = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
		if (len >= sizeof name)
			return cli_usage_error(cli, "unknown option %.*s", 64, arg);
		memcpy(name, arg + 2, len);
		name[len] = '\0';
		value = eq ? eq + 1 : NULL;
		/*
		 * After its name, a command's own option wins over the global of the
		 * same name: watch --timeout S is its run time, docket --timeout MS
		 * watch the wait for docketd.
		 */
		if (cli->cmd)
			o = cli_option_find(cli->cmd, name);
		for (size_t k = 0; !o && k < sizeof globals / sizeof globals[0]; k++)
			if (!strcmp(globals[k].name, name))
				g = (int)k;
		if (g < 0 && !o)
			return cli_usage_error(cli, "unknown option --%s (see docket %s%s--help)",
			                       name, cli->cmd ? cli->cmd->name : "",
			                       cli->cmd ? " " : "");
	} else {
		for (size_t k = 0; k < sizeof globals / sizeof globals[0]; k++)
			if (globals[k].short_name == arg[1])
				g = (int)k;
		if (g < 0)
			return cli_usage_error(cli, "unknown option -%c", arg[1]);
		snprintf(name, sizeof name, "%s", globals[g].name);
		if (arg[2])
			value = arg + 2;
	}

	bool takes_value = g >= 0 ? globals[g].takes_value : o->type != ARG_FLAG;
	if (!takes_value && value)
		return cli_usage_error(cli, "--%s takes no value", name);
	if (takes_value && !value) {
		if (*i + 1 >= argc)
			return cli_usage_error(cli, "--%s needs a value", name);
		value = argv[++*i];
	}
	if (g >= 0)
		return set_global(p, globals[g].id, value);

	struct cli_value *v = realloc(cli->values, (cli->nvalues + 1) * sizeof *v);
	if (!v) {
		fputs("docket: out of memory\n", stderr);
		return EX_SOFTWARE;
	}
	cli->values = v;
	cli->values[cli->nvalues++] = (struct cli_value){o, value ? value : ""};
	return 0;
}

static int positional(struct parse *p, const char *arg)
{
	struct cli *cli = p->cli;

	if (!cli->cmd) {
		/* "docket help COMMAND" is "docket COMMAND --help". */
		if (!p->help_command && !strcmp(arg, "help")) {
			p->help_command = p->help = true;
			return 0;
		}
		/* "docket cursor add ..." is "docket cursor-add ...", and so on. */
		if (!p->cursor_word && !strcmp(arg, "cursor")) {
			p->cursor_word = true;
			return 0;
		}
		if (p->cursor_word) {
			char name[64];
			snprintf(name, sizeof name, "cursor-%s", arg);
			if (!(cli->cmd = cli_command_find(name)))
				return cli_usage_error(cli,
				                       "unknown cursor command '%s' (add, delete, "
				                       "parked, retry, skip, rewind)",
				                       arg);
			return 0;
		}
		if (!(cli->cmd = cli_command_find(arg)))
			return cli_usage_error(cli, "unknown command '%s' (see docket --help)",
			                       arg);
		return 0;
	}
	/* "docket keys add ..." is "docket keys-add ...", and so on; "keys list" is "keys". */
	if (!strcmp(cli->cmd->name, "keys") && cli->nargs == 0 && cli->nvalues == 0) {
		char name[64];
		snprintf(name, sizeof name, "keys-%s", arg);
		if (!strcmp(arg, "list"))
			return 0;
		if (!(cli->cmd = cli_command_find(name)) || !strcmp(arg, "keys"))
			return cli_usage_error(cli,
			                       "unknown keys command '%s' (list, generate, add, "
			                       "roles, revoke)",
			                       arg);
		return 0;
	}
	/* "docket report render ..." is "docket render ...": the panel report, not the step. */
	if (!strcmp(cli->cmd->name, "report") && cli->nargs == 0 && cli->nvalues == 0 &&
	    !strcmp(arg, "render")) {
		cli->cmd = cli_command_find("render");
		return 0;
	}
	cli->args[cli->nargs++] = arg;
	return 0;
}

static int parse(struct parse *p, int argc, char **argv)
{
	bool options_done = false;

	/* Every positional argument fits in argv's length. */
	if (!(p->cli->args = calloc((size_t)argc + 1, sizeof *p->cli->args)))
		return EX_SOFTWARE;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		int rc = 0;
		if (!options_done && !strcmp(arg, "--"))
			options_done = true;
		else if (!options_done && arg[0] == '-' && arg[1])
			rc = option(p, argc, argv, &i);
		else
			rc = positional(p, arg);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* The timeout: --timeout, else DOCKET_TIMEOUT, else the library's default. */
static int timeout_of(struct parse *p)
{
	const char *text = p->timeout, *what = "--timeout";
	int64_t ms;

	if (!text && (text = getenv("DOCKET_TIMEOUT")) && *text)
		what = "DOCKET_TIMEOUT";
	if (!text || !*text) {
		p->cli->timeout_ms = DOCKET_DEFAULT_TIMEOUT_MS;
		return 0;
	}
	if (!cli_parse_int(text, 1, INT_MAX, &ms))
		return cli_usage_error(p->cli, "%s: bad timeout '%s' (milliseconds, at least 1)",
		                       what, text);
	p->cli->timeout_ms = (int)ms;
	return 0;
}

static int check_positionals(const struct cli *cli)
{
	const struct cli_command *cmd = cli->cmd;
	if (cmd->pos == POS_ONE && cli->nargs == 0)
		return cli_usage_error(cli, "missing %s", cmd->pos_name);
	if ((cmd->pos == POS_NONE && cli->nargs > 0) ||
	    ((cmd->pos == POS_ONE || cmd->pos == POS_OPTIONAL) && cli->nargs > 1))
		return cli_usage_error(cli, "unexpected argument '%s'",
		                       cli->args[cmd->pos == POS_NONE ? 0 : 1]);
	return 0;
}

int cli_connect(const struct cli *cli, docket_client **out)
{
	int rc = docket_client_new(out, cli->endpoint);

	if (rc == -DOCKET_EINVAL) {
		const char *e = cli->endpoint ? cli->endpoint : getenv(DOCKET_ENV_ENDPOINT);
		return cli_usage_error(cli, "bad endpoint '%s'", e ? e : "");
	}
	if (rc == -DOCKET_EAUTH) {
		fprintf(stderr, "docket: %s\n", docket_credentials_error());
		return EX_NOPERM;
	}
	if (rc < 0) {
		fprintf(stderr, "docket: %s\n", docket_strerror(rc));
		return EX_SOFTWARE;
	}
	docket_client_set_timeout(*out, cli->timeout_ms);
	return 0;
}

int cli_send(const struct cli *cli, docket_client *c, const docket_request *r, const char *what,
             docket_msg **reply)
{
	int rc = docket_client_call(c, r, reply), status;

	if (rc == 0)
		return 0;
	if (*reply) {
		/* Refused: the reason on stderr, and the whole reply for scripts that asked for
		 * JSON. */
		status = cli->json ? cli_print_json(*reply,
		                                    what ? DOCKET_JSON_COMPACT : DOCKET_JSON_PRETTY)
		                   : 0;
		const char *msg = docket_msg_error_message(*reply);
		if (what)
			cli_fail(cli, 0, "%s: %s", what, msg ? msg : docket_strerror(rc));
		else
			fprintf(stderr, "docket: %s: %s\n", docket_msg_error_code(*reply),
			        msg ? msg : docket_strerror(rc));
		return status ? status : CLI_EXIT_REFUSED;
	}
	if (rc == -DOCKET_EUNREACHABLE) {
		/* libdocket knows why: connection refused, no socket file, no reply in time. */
		const char *why = docket_client_reason(c);
		if (why && *why)
			fprintf(stderr, "docket: docketd is not reachable at %s (%s)\n",
			        docket_client_endpoint(c), why);
		else
			fprintf(stderr,
			        "docket: docketd is not reachable at %s (no reply within %.1f s)\n",
			        docket_client_endpoint(c), cli->timeout_ms / 1000.0);
		return EX_UNAVAILABLE;
	}
	if (rc == -DOCKET_ETOOLARGE) {
		fputs("docket: too_large: the request is over 4 MiB, more than docketd reads\n",
		      stderr);
		return CLI_EXIT_REFUSED;
	}
	fprintf(stderr, "docket: %s\n", docket_strerror(rc));
	return EX_SOFTWARE;
}

int cli_query(const struct cli *cli, docket_client **c, docket_msg **reply)
{
	docket_request *r = NULL;
	int status;

	if ((status = cli_request_build(cli, &r)) == 0 && (status = cli_connect(cli, c)) == 0)
		status = cli_send(cli, *c, r, NULL, reply);
	docket_request_destroy(&r);
	return status;
}

/* Send the command's request and report the outcome. */
static int call(const struct cli *cli)
{
	docket_client *c = NULL;
	docket_msg *reply = NULL;
	int status = cli_query(cli, &c, &reply);

	if (status == 0 && cli->json) {
		status = cli_print_json(reply, DOCKET_JSON_PRETTY);
	} else if (status == 0) {
		/* The office's zone is asked on this connection, and only if a time is shown. */
		struct cli_zone z;
		cli_zone_init(&z, cli, c);
		if (cli->cmd->print)
			cli->cmd->print(&z, reply);
		else
			cli_print_reply(&z, reply);
		cli_zone_fini(&z);
	}
	docket_msg_destroy(&reply);
	docket_client_destroy(&c);
	return status;
}

/*
 * Output that could not be written is a failure, not a success: a full disk
 * shows in ferror, or only when fclose writes the last buffer. Returns
 * status, or EX_IOERR in place of 0.
 */
static int close_stdout(int status)
{
	bool write_failed = ferror(stdout) != 0;
	errno = 0;
	if (fclose(stdout) != 0 || write_failed) {
		/* errno is fclose's; a write that failed earlier left no reason that lasts. */
		fprintf(stderr, "docket: cannot write the output: %s\n",
		        errno ? strerror(errno) : "write error");
		return status ? status : EX_IOERR;
	}
	return status;
}

int main(int argc, char **argv)
{
	struct cli cli = {0};
	struct parse p = {.cli = &cli};
	int status;

	if ((status = parse(&p, argc, argv)) != 0)
		goto out;
	if (p.version) {
		printf("docket %s (libdocket %s)\n", DOCKET_VERSION, docket_version());
		goto out;
	}
	if (p.help) {
		if (cli.cmd)
			cli_help_command(stdout, cli.cmd);
		else
			cli_help(stdout);
		goto out;
	}
	if (!cli.cmd) {
		status =
		    cli_usage_error(&cli, p.cursor_word ? "missing cursor command (add, delete, "
		                                          "parked, retry, skip, rewind)"
		                                        : "missing command (see docket --help)");
		goto out;
	}
	if ((status = check_positionals(&cli)) != 0 || (status = timeout_of(&p)) != 0)
		goto out;
	/* Files, never keys themselves, on the command line: ps shows it to everyone. */
	if ((cli.key || cli.server_key) &&
	    docket_credentials_set(cli.key, cli.server_key) < 0) {
		status = cli_usage_error(&cli, "--key or --server-key: path too long");
		goto out;
	}
	status = cli.cmd->run ? cli.cmd->run(&cli) : call(&cli);
out:
	status = close_stdout(status);
	free(cli.values);
	free(cli.args);
	return status;
}
