/* Private declarations shared by the docket CLI's files. */
#ifndef DOCKET_CLI_H
#define DOCKET_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sysexits.h>

#include "docket/docket.h"

/* Exit statuses besides 0 and the sysexits ones (EX_USAGE 64, EX_UNAVAILABLE 69, EX_SOFTWARE 70).
 */
#define CLI_EXIT_REFUSED 1

/* How an option's or a positional argument's text becomes a request value. */
enum cli_type {
	ARG_STR,    /* the text as is */
	ARG_INT,    /* a decimal integer */
	ARG_FILE,   /* the contents of a file, or of stdin for "-" */
	ARG_DATE,   /* YYYY-MM-DD */
	ARG_TIME,   /* YYYY-MM-DDTHH:MM:SSZ */
	ARG_CHOICE, /* one of a list */
};

struct cli_option {
	const char *name; /* without the leading "--" */
	const char *key;  /* protocol key; NULL for the CLI's own (watch --count) */
	enum cli_type type;
	const char *metavar;
	const char *const *choices; /* ARG_CHOICE: NULL-terminated */
	const char *help;
};

enum cli_positional {
	POS_NONE,
	POS_ONE,      /* exactly one */
	POS_OPTIONAL, /* zero or one */
	POS_MANY,     /* any number */
};

struct cli_command {
	const char *name; /* as typed: "lift-restriction" */
	const char *op;   /* protocol op; NULL for watch, which sends no request */
	enum cli_positional pos;
	const char *pos_key; /* protocol key of the positional argument */
	enum cli_type pos_type;
	const char *pos_name;    /* as shown in usage: "REF" */
	const char *options;     /* the options it takes, by name, space separated */
	const char *required;    /* protocol keys it needs, space separated */
	const char *exactly_one; /* protocol keys of which exactly one must be given */
	bool some_option;        /* at least one option must be given (amend) */
	bool changes;            /* it changes something: --idem and --expect-version apply */
	const char *synopsis;
	const char *summary;
};

/* One option given on the command line. */
struct cli_value {
	const struct cli_option *opt;
	const char *text;
};

/* The command line, parsed. */
struct cli {
	const char *endpoint; /* NULL: the library's environment and default */
	const char *events;
	bool json;
	int timeout_ms;
	const char *idem;
	const char *expect_version;
	const struct cli_command *cmd;
	const char **args; /* positional arguments */
	size_t nargs;
	struct cli_value *values;
	size_t nvalues;
};

/* Print "docket: CMD: " and the message to stderr; returns EX_USAGE. */
int cli_usage_error(const struct cli *cli, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

const struct cli_command *cli_command_find(const char *name);

/* The option name that cmd takes, or NULL. */
const struct cli_option *cli_option_find(const struct cli_command *cmd, const char *name);

/* The text of the option named name, or NULL when it was not given. */
const char *cli_value(const struct cli *cli, const char *name);

/* Parse a decimal integer; false when text is not one or is outside [min, max]. */
bool cli_parse_int(const char *text, int64_t min, int64_t max, int64_t *out);

/* Usage text: all commands, or one command and its options. */
void cli_help(FILE *f);
void cli_help_command(FILE *f, const struct cli_command *cmd);

/* Build the request of a parsed command line. Returns 0 or an exit status (message printed). */
int cli_request_build(const struct cli *cli, docket_request **out);

/* Print a reply readably to stdout. */
void cli_print_reply(const docket_msg *reply);

/* Print an event as one readable line to stdout. */
void cli_print_event(const docket_msg *event);

/* Print m as JSON to stdout (pretty, or one compact line). Returns 0 or EX_SOFTWARE. */
int cli_print_json(const docket_msg *m, int flags);

/* Run watch. Returns the exit status. */
int cli_watch(const struct cli *cli);

#endif
