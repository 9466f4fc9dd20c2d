/* The docket CLI: parses the command line and runs one command against docketd. */
#include <errno.h>
#include <getopt.h>
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
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
	G_TIMEZONE,
	G_TIMEOUT,
	G_IDEM,
	G_EXPECT,
	G_NO_HEADERS,
	G_OUTPUT,
	G_OUTPUT_FORMAT,
	G_COLOR,
	G_NO_PAGER,
	G_HELP,
	G_VERSION
};

/* getopt_long's codes: a global's is GLOBAL + its id, a command option's COMMAND + its index. */
#define GLOBAL 256
#define COMMAND 1024
#define MAX_OPTIONS 64

/* Options every command takes, before or after the command name. */
/* clang-format off */
static const struct {
	const char *name;
	char short_name;
	int has_arg; /* getopt_long's: no_argument, required_argument, optional_argument */
	enum global_id id;
} globals[] = {
	{"endpoint", 'e', required_argument, G_ENDPOINT},
	{"events", 0, required_argument, G_EVENTS},
	{"key", 0, required_argument, G_KEY},
	{"server-key", 0, required_argument, G_SERVER_KEY},
	{"json", 0, no_argument, G_JSON},
	{"utc", 0, no_argument, G_UTC},
	{"timezone", 0, required_argument, G_TIMEZONE},
	{"timeout", 0, required_argument, G_TIMEOUT},
	{"idem", 0, required_argument, G_IDEM},
	{"expect-version", 0, required_argument, G_EXPECT},
	{"no-headers", 0, no_argument, G_NO_HEADERS},
	{"output", 'o', required_argument, G_OUTPUT},
	{"output-format", 0, required_argument, G_OUTPUT_FORMAT},
	{"color", 0, optional_argument, G_COLOR},
	{"no-pager", 0, no_argument, G_NO_PAGER},
	{"help", 'h', no_argument, G_HELP},
	{"version", 0, no_argument, G_VERSION},
};
/* clang-format on */

#define NGLOBALS (sizeof globals / sizeof globals[0])

struct parse {
	struct cli *cli;
	const char *timeout;
	const char *timezone; /* --timezone */
	bool help;
	bool version;
	bool has_format, has_color; /* given on the command line: the config's yields */
	bool help_command;          /* "docket help [COMMAND]" */
	bool cursor_word;           /* "docket cursor": the next word names the cursor command */
	/* Where pass one found the words that are not arguments (argv indexes, 0: none). */
	int help_at, cursor_at, cmd_at, sub_at, dashes_at;
};

static int set_global(struct parse *p, enum global_id id, const char *value)
{
	static const char *const formats[] = {"table", "json", NULL};
	static const char *const colors[] = {"auto", "always", "never", NULL};
	struct cli *cli = p->cli;

	switch (id) {
	case G_ENDPOINT:
		cli->endpoint = value;
		break;
	case G_EVENTS:
		cli->events = value;
		break;
	case G_KEY:
		cli->key = value;
		break;
	case G_SERVER_KEY:
		cli->server_key = value;
		break;
	case G_JSON:
		cli->json = true;
		break;
	case G_UTC:
		cli->utc = true;
		break;
	case G_TIMEZONE:
		p->timezone = value;
		break;
	case G_TIMEOUT:
		p->timeout = value;
		break;
	case G_IDEM:
		cli->idem = value;
		break;
	case G_EXPECT:
		cli->expect_version = value;
		break;
	case G_NO_HEADERS:
		cli->no_headers = true;
		break;
	case G_OUTPUT:
		cli->columns = value;
		break;
	case G_OUTPUT_FORMAT:
		for (int i = 0; formats[i]; i++)
			if (!strcmp(value, formats[i])) {
				cli->format = (enum cli_format)i;
				p->has_format = true;
				return 0;
			}
		return cli_usage_error(cli, "--output-format: '%s' is not table or json", value);
	case G_COLOR:
		/* --color alone is --color=always, as ls(1) reads it. */
		for (int i = 0; colors[i]; i++)
			if (!strcmp(value ? value : "always", colors[i])) {
				cli->color = (enum cli_color)i;
				p->has_color = true;
				return 0;
			}
		return cli_usage_error(cli, "--color: '%s' is not auto, always or never", value);
	case G_NO_PAGER:
		cli->no_pager = true;
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

/* The global named by arg ("--name", "--name=value", "-e", "-evalue"), or -1. */
static int global_of(const char *arg)
{
	if (arg[1] != '-') {
		for (size_t k = 0; k < NGLOBALS; k++)
			if (globals[k].short_name && globals[k].short_name == arg[1])
				return (int)k;
		return -1;
	}
	size_t len = strcspn(arg + 2, "=");
	for (size_t k = 0; k < NGLOBALS; k++)
		if (strlen(globals[k].name) == len && !memcmp(globals[k].name, arg + 2, len))
			return (int)k;
	return -1;
}

/* True when the option at arg takes the next argument as its value. */
static bool value_follows(const char *arg, int has_arg)
{
	if (has_arg != required_argument)
		return false;
	return arg[1] == '-' ? !strchr(arg, '=') : arg[2] == '\0';
}

/* The name of the long option written at arg, without "--" and "=value", into buf. */
static const char *written_name(const char *arg, char *buf, size_t size)
{
	snprintf(buf, size, "%.*s", (int)strcspn(arg + 2, "="), arg + 2);
	return buf;
}

/*
 * Pass one: find the words that are no argument of the command: "help",
 * "cursor", the command's name, and the word after "keys" or "report" that
 * names a command of its own ("keys add" is keys-add, "report render" is
 * render). Options are stepped over with their values; a command's own
 * option after its name stops the search for that word.
 */
static int find_command(struct parse *p, int argc, char **argv)
{
	struct cli *cli = p->cli;
	bool dashes = false;

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (!dashes && !strcmp(arg, "--")) {
			dashes = true;
			if (!cli->cmd)
				p->dashes_at = i;
			continue;
		}
		if (!dashes && arg[0] == '-' && arg[1]) {
			char name[64];
			const struct cli_option *o = NULL;
			if (cli->cmd && arg[1] == '-') {
				snprintf(name, sizeof name, "%.*s", (int)strcspn(arg + 2, "="), arg + 2);
				o = cli_option_find(cli->cmd, name);
			}
			if (o) {
				if (o->type != ARG_FLAG && !strchr(arg, '='))
					i++;
				if (cli->nargs == 0)
					cli->nvalues++; /* counted only: pass two gathers them */
				continue;
			}
			int g = global_of(arg);
			/* Before the name only globals: an unknown one would take its value for the name. */
			if (g < 0 && !cli->cmd) {
				if (arg[1] != '-')
					return cli_usage_error(cli, "unknown option -%c", arg[1]);
				return cli_usage_error(cli, "unknown option --%s (see docket --help)",
				                       written_name(arg, name, sizeof name));
			}
			if (g >= 0 && value_follows(arg, globals[g].has_arg))
				i++;
			continue;
		}
		if (!cli->cmd) {
			/* "docket help COMMAND" is "docket COMMAND --help". */
			if (!p->help_command && !strcmp(arg, "help")) {
				p->help_command = p->help = true;
				p->help_at = i;
				continue;
			}
			/* "docket cursor add ..." is "docket cursor-add ...", and so on. */
			if (!p->cursor_word && !strcmp(arg, "cursor")) {
				p->cursor_word = true;
				p->cursor_at = i;
				continue;
			}
			if (p->cursor_word) {
				char name[64];
				snprintf(name, sizeof name, "cursor-%s", arg);
				if (!(cli->cmd = cli_command_find(name)))
					return cli_usage_error(cli,
					                       "unknown cursor command '%s' (add, delete, "
					                       "parked, retry, skip, rewind)",
					                       arg);
			} else if (!(cli->cmd = cli_command_find(arg))) {
				return cli_usage_error(cli, "unknown command '%s' (see docket --help)",
				                       arg);
			}
			p->cmd_at = i;
			continue;
		}
		/* The command's first argument, unless one of its options came before it. */
		if (cli->nvalues == 0 && cli->nargs == 0) {
			/* "docket keys add ..." is "docket keys-add ..."; "keys list" is "keys". */
			if (!strcmp(cli->cmd->name, "keys")) {
				char name[64];
				snprintf(name, sizeof name, "keys-%s", arg);
				if (strcmp(arg, "list") != 0 &&
				    (!(cli->cmd = cli_command_find(name)) || !strcmp(arg, "keys")))
					return cli_usage_error(cli,
					                       "unknown keys command '%s' (list, generate, "
					                       "add, roles, revoke)",
					                       arg);
				p->sub_at = i;
			} else if (!strcmp(cli->cmd->name, "report") && !strcmp(arg, "render")) {
				/* The panel report, not the step. */
				cli->cmd = cli_command_find("render");
				p->sub_at = i;
			}
		}
		break;
	}
	cli->nvalues = 0;
	return 0;
}

/* "--name" of a getopt_long code, for messages. */
static const char *code_name(int code, const struct option *longopts)
{
	for (const struct option *o = longopts; o->name; o++)
		if (o->val == code)
			return o->name;
	for (size_t k = 0; k < NGLOBALS; k++)
		if (globals[k].short_name == code)
			return globals[k].name;
	return "?";
}

static int add_value(struct cli *cli, const struct cli_option *o, const char *value)
{
	struct cli_value *v = realloc(cli->values, (cli->nvalues + 1) * sizeof *v);
	if (!v) {
		fputs("docket: out of memory\n", stderr);
		return EX_SOFTWARE;
	}
	cli->values = v;
	cli->values[cli->nvalues++] = (struct cli_value){o, value ? value : ""};
	return 0;
}

/*
 * Pass two: getopt_long over one part of the command line, seg[1..n): the
 * part before the command's name (globals alone) or after it (the
 * command's options, and the globals it has no option of the same name
 * for: watch --timeout S is its run time, docket --timeout MS watch the
 * wait for docketd). Arguments after the name go to cli->args in order.
 */
static int scan(struct parse *p, int n, char **seg, bool after)
{
	struct cli *cli = p->cli;
	const struct cli_command *cmd = after ? cli->cmd : NULL;
	const struct cli_option *own[MAX_OPTIONS];
	struct option longopts[MAX_OPTIONS + NGLOBALS + 1];
	size_t nown = 0, nlong = 0;
	char name[64];

	/* The command's options, in the order it lists them. */
	for (const char *w = cmd ? cmd->options : ""; *w && nown < MAX_OPTIONS;) {
		size_t len = strcspn(w, " ");
		snprintf(name, sizeof name, "%.*s", (int)len, w);
		w += len + strspn(w + len, " ");
		const struct cli_option *o = cli_option_find(cmd, name);
		if (!o)
			continue;
		own[nown] = o;
		longopts[nlong++] = (struct option){o->name,
		                                    o->type == ARG_FLAG ? no_argument
		                                                        : required_argument,
		                                    NULL, COMMAND + (int)nown};
		nown++;
	}
	for (size_t k = 0; k < NGLOBALS; k++) {
		bool shadowed = false;
		for (size_t j = 0; j < nown; j++)
			shadowed |= !strcmp(own[j]->name, globals[k].name);
		if (!shadowed)
			longopts[nlong++] = (struct option){globals[k].name, globals[k].has_arg, NULL,
			                                    GLOBAL + (int)globals[k].id};
	}
	longopts[nlong] = (struct option){NULL, 0, NULL, 0};

	opterr = 0; /* the messages are docket's own */
	optind = 0; /* glibc: start afresh on this array */
	for (;;) {
		int c = getopt_long(n, seg, ":e:ho:", longopts, NULL);
		if (c == -1)
			break;
		const char *opt_arg = optarg;
		const char *at = seg[optind - 1];
		/* A separate value: the option is the element before it. */
		if (opt_arg && opt_arg == at && optind >= 2)
			at = seg[optind - 2];
		if (c == '?') {
			const char *bad = seg[optind - 1];
			if (optopt >= GLOBAL)
				return cli_usage_error(cli, "--%s takes no value",
				                       code_name(optopt, longopts));
			if (optopt || bad[1] != '-')
				return cli_usage_error(cli, "unknown option -%c", optopt ? optopt : '?');
			return cli_usage_error(cli, "unknown option --%s (see docket %s%s--help)",
			                       written_name(bad, name, sizeof name),
			                       cmd ? cmd->name : "", cmd ? " " : "");
		}
		if (c == ':')
			return cli_usage_error(cli, "--%s needs a value", code_name(optopt, longopts));
		/* Names are whole: getopt_long's abbreviations (--tim) would shift as options come. */
		if (at[0] == '-' && at[1] == '-') {
			const char *full = code_name(c, longopts);
			if (strcmp(written_name(at, name, sizeof name), full) != 0)
				return cli_usage_error(cli, "unknown option --%s (see docket %s%s--help)",
				                       name, cmd ? cmd->name : "", cmd ? " " : "");
		}
		/* -o after the name of a command with an --output of its own is that option. */
		if (c == 'o' && cmd)
			for (size_t j = 0; j < nown; j++)
				if (!strcmp(own[j]->name, "output"))
					c = COMMAND + (int)j;
		int rc;
		if (c >= COMMAND)
			rc = add_value(cli, own[c - COMMAND], opt_arg);
		else if (c >= GLOBAL)
			rc = set_global(p, (enum global_id)(c - GLOBAL), opt_arg);
		else
			rc = set_global(p, c == 'e' ? G_ENDPOINT : c == 'h' ? G_HELP : G_OUTPUT,
			                opt_arg);
		if (rc != 0)
			return rc;
	}
	for (int i = optind; i < n; i++) {
		if (!after)
			return cli_usage_error(cli, "unexpected argument '%s'", seg[i]);
		cli->args[cli->nargs++] = seg[i];
	}
	return 0;
}

static int parse(struct parse *p, int argc, char **argv)
{
	char **before = NULL, **after = NULL;
	int nb = 1, na = 1, rc;

	/* Every positional argument fits in argv's length. */
	if (!(p->cli->args = calloc((size_t)argc + 1, sizeof *p->cli->args)) ||
	    !(before = calloc((size_t)argc + 2, sizeof *before)) ||
	    !(after = calloc((size_t)argc + 2, sizeof *after))) {
		rc = EX_SOFTWARE;
		goto out;
	}
	if ((rc = find_command(p, argc, argv)) != 0)
		goto out;
	before[0] = after[0] = argv[0];
	int end = p->cmd_at ? p->cmd_at : argc;
	/* "--" before the name: what follows it is no option, on both sides of the name. */
	if (p->dashes_at)
		after[na++] = "--";
	for (int i = 1; i < argc; i++) {
		if (i == p->help_at || i == p->cursor_at || i == p->cmd_at || i == p->sub_at)
			continue;
		if (p->dashes_at && i > p->dashes_at && i < end)
			continue; /* only the name itself can come there */
		if (i == p->dashes_at)
			continue;
		if (i < end)
			before[nb++] = argv[i];
		else
			after[na++] = argv[i];
	}
	if ((rc = scan(p, nb, before, false)) == 0 && p->cli->cmd)
		rc = scan(p, na, after, true);
out:
	free(before);
	free(after);
	return rc;
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
		else if (cli_colored(true))
			fprintf(stderr, "docket: \033[1;31m%s\033[0m: %s\n",
			        docket_msg_error_code(*reply), msg ? msg : docket_strerror(rc));
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
		cli_pager_start(cli);
		status = cli_print_json(reply, DOCKET_JSON_PRETTY);
	} else if (status == 0) {
		/* The office's zone is asked on this connection, and only if a time is shown. */
		struct cli_zone z;
		cli_pager_start(cli);
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
	/* Into a pager, a write fails only when its user quit it: what they chose to see. */
	if ((fclose(stdout) != 0 || write_failed) && !cli_paging()) {
		/* errno is fclose's; a write that failed earlier left no reason that lasts. */
		fprintf(stderr, "docket: cannot write the output: %s\n",
		        errno ? strerror(errno) : "write error");
		return status ? status : EX_IOERR;
	}
	return status;
}

/*
 * The per-user config beneath the environment and the command line: each
 * setting from the first of command line, environment, config that gives
 * it, else the built-in default.
 */
static int settle(struct parse *p, struct cli_config *conf)
{
	struct cli *cli = p->cli;
	const char *env;
	int status = cli_config_read(conf);

	if (status != 0)
		return status;
	if (!cli->endpoint && !((env = getenv(DOCKET_ENV_ENDPOINT)) && *env))
		cli->endpoint = conf->endpoint;
	if (!cli->events && !((env = getenv(DOCKET_ENV_EVENTS)) && *env))
		cli->events = conf->events;
	if (p->timezone) {
		if (!cli_zone_valid(p->timezone))
			return cli_usage_error(cli, "--timezone: '%s' is not a time zone of this "
			                            "system (an IANA name such as Europe/London, UTC, "
			                            "or office)",
			                       p->timezone);
		cli->timezone = p->timezone;
	} else if ((env = getenv("DOCKET_TIMEZONE")) && *env) {
		if (!cli_zone_valid(env))
			return cli_usage_error(cli, "DOCKET_TIMEZONE: '%s' is not a time zone of this "
			                            "system (an IANA name such as Europe/London, UTC, "
			                            "or office)",
			                       env);
		cli->timezone = env;
	} else {
		cli->timezone = conf->timezone;
	}
	if (!p->has_format && conf->has_output)
		cli->format = conf->output;
	if (!p->has_color && conf->has_color)
		cli->color = conf->color;
	cli->pager = conf->pager;
	return 0;
}

int main(int argc, char **argv)
{
	struct cli cli = {0};
	struct parse p = {.cli = &cli};
	struct cli_config conf = {0};
	int status;

	/*
	 * docket's text is UTF-8 whatever the locale says: libsmartcols counts
	 * display widths through the C library, which needs a UTF-8 LC_CTYPE.
	 */
	setlocale(LC_CTYPE, "");
	if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
		setlocale(LC_CTYPE, "C.UTF-8");
	if ((status = parse(&p, argc, argv)) != 0)
		goto out;
	if (p.version) {
		printf("docket %s (libdocket %s)\n", DOCKET_VERSION, docket_version());
		goto out;
	}
	if (p.help) {
		cli_term_setup(&cli);
		cli_pager_start(&cli);
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
	if ((status = check_positionals(&cli)) != 0 || (status = timeout_of(&p)) != 0 ||
	    (status = settle(&p, &conf)) != 0 || (status = cli_table_setup(&cli)) != 0)
		goto out;
	/* --output-format json of a command whose reply is no table: the reply's JSON. */
	if (cli.format == FORMAT_JSON && !cli_table_of(cli.cmd))
		cli.json = true;
	cli_term_setup(&cli);
	/* Files, never keys themselves, on the command line: ps shows it to everyone. */
	if ((cli.key || cli.server_key) &&
	    docket_credentials_set(cli.key, cli.server_key) < 0) {
		status = cli_usage_error(&cli, "--key or --server-key: path too long");
		goto out;
	}
	status = cli.cmd->run ? cli.cmd->run(&cli) : call(&cli);
out:
	status = close_stdout(status);
	cli_pager_wait();
	cli_config_free(&conf);
	free(cli.values);
	free(cli.args);
	return status;
}
