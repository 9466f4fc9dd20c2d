/* Private declarations shared by the docket CLI's files. */
#ifndef DOCKET_CLI_H
#define DOCKET_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sysexits.h>

#include "docket/docket.h"

/*
 * Exit statuses besides 0 and the sysexits ones (EX_USAGE 64, EX_DATAERR 65,
 * EX_NOINPUT 66, EX_UNAVAILABLE 69, EX_SOFTWARE 70, EX_CANTCREAT 73, EX_IOERR 74,
 * EX_TEMPFAIL 75).
 */
#define CLI_EXIT_REFUSED 1

/*
 * watch --exec without --cursor: the command failed for at least one event.
 * The number xargs(1) gives to the same outcome, so that scripts know it.
 */
#define CLI_EXIT_EXEC 123

/* When output is coloured (--color, the per-user config's color). */
enum cli_color {
	COLOR_AUTO,   /* on a terminal, unless NO_COLOR is set and not empty */
	COLOR_ALWAYS, /* also in a pipe, NO_COLOR or not */
	COLOR_NEVER,
};

/* What readable output a table becomes (--output-format, the config's output). */
enum cli_format {
	FORMAT_TABLE, /* columns for people */
	FORMAT_JSON,  /* a table as libsmartcols' JSON; other replies as --json */
};

/* How an option's or a positional argument's text becomes a request value. */
enum cli_type {
	ARG_STR,    /* the text as is */
	ARG_INT,    /* a decimal integer */
	ARG_FILE,   /* the contents of a file, or of stdin for "-" */
	ARG_DATE,   /* YYYY-MM-DD */
	ARG_TIME,   /* a time as date_time_parse reads it, sent as typed */
	ARG_CHOICE, /* one of a list */
	ARG_FLAG,   /* no value: sent as true (import --dry-run) */
};

struct cli_option {
	const char *name; /* without the leading "--" */
	const char *key;  /* protocol key; NULL for the CLI's own (watch --count) */
	enum cli_type type;
	const char *metavar;
	const char *const *choices; /* ARG_CHOICE: NULL-terminated */
	const char *help;
	/*
	 * NULL: the option of every command that lists its name. Else the
	 * commands (space separated) this entry is for, in place of the entry
	 * of the same name that has NULL (search --from DATE, item-add --from FROM).
	 */
	const char *only;
};

enum cli_positional {
	POS_NONE,
	POS_ONE,      /* exactly one */
	POS_OPTIONAL, /* zero or one */
	POS_MANY,     /* any number */
};

/* Where a command is listed in the help. */
enum cli_group {
	GROUP_DECISION,
	GROUP_CALENDAR,
	GROUP_DOCUMENT,
	GROUP_QUERY,
	GROUP_CURSOR,
	GROUP_KEYS,
};

struct cli;
struct cli_zone;

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
	enum cli_group group;
	const char *details; /* more help after the summary (one paragraph, wrapped), or NULL */
	/* A command of its own (watch, import...): run in place of one request and its reply. */
	int (*run)(const struct cli *cli);
	/* Readable output of the reply in place of cli_print_reply (register). */
	void (*print)(struct cli_zone *z, const docket_msg *reply);
	/*
	 * Keys the table cannot express (search's words, item-order's refs), set
	 * on the request after the table's: 0, or an exit status (message printed).
	 */
	int (*fill)(const struct cli *cli, docket_request *r);
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
	const char *key;        /* --key FILE */
	const char *server_key; /* --server-key KEY|FILE */
	bool json;
	bool utc;             /* --utc: readable times in UTC rather than the office's zone */
	const char *timezone; /* --timezone, DOCKET_TIMEZONE or the config's; NULL: the office's */
	bool no_headers;      /* --no-headers */
	const char *columns;  /* --output COL,COL...: a table's columns, by lower-case name */
	enum cli_format format;
	enum cli_color color;
	bool no_pager;     /* --no-pager, or the config's pager "no" */
	const char *pager; /* the config's pager command, or NULL */
	int timeout_ms;
	const char *idem;
	const char *expect_version;
	const struct cli_command *cmd;
	const char **args; /* positional arguments */
	size_t nargs;
	struct cli_value *values;
	size_t nvalues;
};

/* Print "docket: CMD: " and the message to stderr; returns status. */
int cli_fail(const struct cli *cli, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* cli_fail with EX_USAGE. */
int cli_usage_error(const struct cli *cli, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

const struct cli_command *cli_command_find(const char *name);

/* The option name that cmd takes, or NULL. */
const struct cli_option *cli_option_find(const struct cli_command *cmd, const char *name);

/* The option of cmd that sets protocol key key, or NULL. */
const struct cli_option *cli_option_for_key(const struct cli_command *cmd, const char *key);

/* The text of the option named name, or NULL when it was not given. */
const char *cli_value(const struct cli *cli, const char *name);

/* Parse a decimal integer; false when text is not one or is outside [min, max]. */
bool cli_parse_int(const char *text, int64_t min, int64_t max, int64_t *out);

/* Usage text: all commands, or one command and its options. */
void cli_help(FILE *f);
void cli_help_command(FILE *f, const struct cli_command *cmd);

/*
 * Build the request of a parsed command line: the positional argument (when
 * the command has a pos_key) and every option with a protocol key. Returns 0
 * or an exit status (message printed).
 */
int cli_request_build(const struct cli *cli, docket_request **out);

/*
 * Read a whole file, or stdin for "-", exactly as it is; what names the
 * option or the command for messages. *len (when not NULL) receives its
 * length; without len a NUL byte in it is a usage error. Returns 0 with *out
 * (NUL-terminated, caller frees) or an exit status: EX_NOINPUT when it
 * cannot be opened or read, naming it.
 */
int cli_read_file(const struct cli *cli, const char *what, const char *path, char **out,
                  size_t *len);

/*
 * Write len bytes to path (created or replaced), or to stdout for NULL.
 * Returns 0 or EX_CANTCREAT (message printed, naming the file).
 */
int cli_write_file(const struct cli *cli, const char *path, const char *buf, size_t len);

/* Connect to docketd's command endpoint with --timeout. Returns 0 or an exit status. */
int cli_connect(const struct cli *cli, docket_client **out);

/*
 * Send r on c and wait for the reply. Returns 0 with *reply, or an exit
 * status with the reason printed: CLI_EXIT_REFUSED when docketd refused
 * (*reply then holds the refusal; its message goes to stderr as "docket:
 * CODE: MESSAGE" and with --json the refusal to stdout, indented),
 * EX_UNAVAILABLE, EX_SOFTWARE. what names one of several requests of a
 * command (import's FILE): a refusal then reads "docket: CMD: WHAT:
 * MESSAGE", and its JSON is one compact line.
 */
int cli_send(const struct cli *cli, docket_client *c, const docket_request *r, const char *what,
             docket_msg **reply);

/* Build the command line's request, connect, send: cli_request_build, cli_connect, cli_send. */
int cli_query(const struct cli *cli, docket_client **c, docket_msg **reply);

/*
 * The zone readable output shows times in (cli_zone.c): the office's, learnt
 * from docketd's info query the first time a time is shown; the user's own
 * (--timezone, DOCKET_TIMEZONE, the config's timezone); or UTC with --utc or
 * when docketd cannot say.
 */
struct cli_zone {
	const struct cli *cli;
	docket_client *client; /* borrowed: asked for info; NULL opens one to the command endpoint */
	bool known;            /* tz is settled (perhaps NULL) */
	struct tz *tz;         /* NULL: UTC */
};

/* How much of a time to show. */
enum cli_shown {
	SHOW_MINUTES, /* 22 Sep 2030 10:00 BST */
	SHOW_SECONDS, /* 22 Sep 2030 10:00:00 BST */
};

/* Buffer size enough for any time or date the functions below write. */
#define CLI_TIME_LEN 48

/* Start with nothing known (or the user's zone); client may be NULL. */
void cli_zone_init(struct cli_zone *z, const struct cli *cli, docket_client *client);

/* True when name is a zone the CLI can show times in: an IANA name, "UTC" or "office". */
bool cli_zone_valid(const char *name);

/* Free what the zone holds (not the borrowed client). */
void cli_zone_fini(struct cli_zone *z);

/* Ask docketd now unless --utc settles it; on failure say so on stderr and use UTC. */
void cli_zone_learn(struct cli_zone *z);

/* Settle the zone as the IANA name (from an info reply), unless already settled. */
void cli_zone_adopt(struct cli_zone *z, const char *name);

/*
 * A UTC time from docketd ("2030-09-22T09:00:00Z", ".000Z" too) as the
 * zone reads it, with the zone's abbreviation. "-" for NULL; text that is
 * not such a time is returned as it is. buf is CLI_TIME_LEN bytes.
 */
const char *cli_time(struct cli_zone *z, const char *utc, enum cli_shown how, char *buf);

/*
 * A meeting's start: docketd's own office reading (starts_at_local and
 * zone) where it has one, else starts_at through cli_time.
 */
const char *cli_meeting_time(struct cli_zone *z, const char *utc, const char *local,
                             const char *abbr, char *buf);

/* A date "2015-09-22" as "22 Sep 2015"; "-" for NULL, other text as it is. */
const char *cli_day(const char *date, char *buf);

/* Columns a UTF-8 string takes on a terminal (wide characters two, combining ones none). */
int cli_width(const char *s);

/*
 * Print n bytes of s, each control character (and each byte that is not
 * UTF-8) as '?', so that text from docketd can never move the cursor or
 * reach the terminal as an escape.
 */
void cli_put(const char *s, size_t n);

/* Print s (as cli_put) padded with spaces to w columns. */
void cli_cell(const char *s, int w);

/* s as cli_put prints it, in a new string (caller frees); NULL when out of memory. */
char *cli_safe(const char *s);

/* Most columns a table has, and room for one cell a row function formats. */
#define CLI_TABLE_COLUMNS 8
#define CLI_CELL_LEN (CLI_TIME_LEN + 80)

/* How a column shows (cli_table.c). */
enum {
	COL_RIGHT = 1,  /* aligned right */
	COL_TEXT = 2,   /* free text (a title): wrapped at the terminal's width */
	COL_STATE = 4,  /* a decision's or reminder's state: coloured on a terminal */
	COL_NUMBER = 8, /* a number in JSON */
};

struct cli_column {
	const char *head; /* upper case; its lower case names it in --output and JSON */
	int flags;
};

/*
 * A table: its name (the JSON array's), its columns, and whether it is
 * bare: lines under a heading with no header of their own (due's, an
 * agenda item's decisions), indented by indent, which --output,
 * --no-headers and --output-format leave alone.
 */
struct cli_table_spec {
	const char *name;
	const struct cli_column *cols;
	int ncols;
	bool bare;
	const char *indent;
};

/*
 * Fill cells[0..ncols) with row i's text (NULL prints "-", and null in
 * JSON); buf holds one formatted cell per column when a cell is not a
 * string of the reply.
 */
typedef void (*cli_row_fn)(void *ctx, size_t i, const char **cells,
                           char (*buf)[CLI_CELL_LEN]);

/*
 * Print a table through libsmartcols: its header, then rows rows, each
 * column as wide as its widest cell in display columns (wide characters
 * two, combining marks none); on a terminal (or a pager on one) free text
 * wraps at its width, in a pipe nothing is cut.
 */
void cli_table(const struct cli_table_spec *spec, size_t rows, cli_row_fn row, void *ctx);

/* cli_table with each column at least min[k] display columns wide (the widths of other tables). */
void cli_table_aligned(const struct cli_table_spec *spec, const int *min, size_t rows,
                       cli_row_fn row, void *ctx);

/*
 * Settle the command line's table settings (--output, --no-headers,
 * --output-format) for cli->cmd. Returns 0, or EX_USAGE with the reason
 * printed (an unknown column, listing the command's).
 */
int cli_table_setup(const struct cli *cli);

/* The table a command's reply prints (for --output and --output-format), or NULL. */
const struct cli_table_spec *cli_table_of(const struct cli_command *cmd);

/* True when tables print as JSON (--output-format json): printers then add no other text. */
bool cli_table_json(void);

/*
 * A time or a business date for a cell: as cli_time and cli_day show them,
 * or as docketd sent them when tables print as JSON; NULL for NULL.
 */
const char *cli_cell_time(struct cli_zone *z, const char *utc, enum cli_shown how, char *buf);
const char *cli_cell_day(const char *date, char *buf);

/* The tables of readable replies, defined beside their row functions. */
extern const struct cli_table_spec cli_decisions_table, cli_register_table, cli_reminders_table,
    cli_cursors_table, cli_parked_table, cli_keys_table, cli_imports_table;

/*
 * The terminal (cli_term.c): colour, the pager and the width. cli_term_setup
 * decides colour from --color, NO_COLOR, TERM and whether stdout and stderr
 * are terminals, before a pager takes stdout.
 */
void cli_term_setup(const struct cli *cli);

/* True when stdout (err false) or stderr (err true) is coloured. */
bool cli_colored(bool err);

/* The libsmartcols colour name for a state word, or NULL. */
const char *cli_state_color(const char *state);

/* The terminal's width in columns, or 0 when stdout is not a terminal (nor a pager on one). */
int cli_term_width(void);

/*
 * Send stdout through the pager when it is a terminal: DOCKET_PAGER, else
 * the config's pager, else PAGER, else less (with LESS=FRX unless LESS is
 * set). None with --no-pager, in a pipe, or for a pager of "", "cat" or "no".
 */
void cli_pager_start(const struct cli *cli);

/* True while a pager reads stdout (its user quitting early is no write error). */
bool cli_paging(void);

/* After stdout is closed: wait for the pager to finish. */
void cli_pager_wait(void);

/* The per-user config (cli_config.c): $XDG_CONFIG_HOME/docket/docket.conf. */
struct cli_config {
	char path[4096];
	char *endpoint, *events, *timezone, *pager; /* NULL when not set */
	bool has_output, has_color;
	enum cli_format output;
	enum cli_color color;
};

/*
 * Read the config into c (nothing set without a file). Returns 0, or
 * EX_CONFIG with "docket: PATH:LINE: message" printed.
 */
int cli_config_read(struct cli_config *c);
void cli_config_free(struct cli_config *c);

/* Print "  Label:          value" (the label padded to 16 columns); nothing for a NULL value. */
void cli_field(const char *label, const char *value);

/* The head of a meeting: id, start in the office's zone, status, version, panel and venue. */
void cli_print_meeting_line(struct cli_zone *z, const docket_msg *m, const char *p);

/* Print a reply readably to stdout. */
void cli_print_reply(struct cli_zone *z, const docket_msg *reply);

/* Print an event as one readable line to stdout. */
void cli_print_event(struct cli_zone *z, const docket_msg *event);

/* Readable agenda, reminders, due and info replies (cli_calendar.c); false when not one. */
bool cli_print_calendar(struct cli_zone *z, const docket_msg *reply);

/* The string at prefix.key (or key when prefix is empty), or NULL. */
const char *cli_str(const docket_msg *m, const char *prefix, const char *key);

/*
 * The strings of the array at prefix.key joined by sep into buf (cut to
 * size), or NULL when the array is absent or empty.
 */
const char *cli_join(const docket_msg *m, const char *prefix, const char *key, const char *sep,
                     char *buf, size_t size);

/* The integer at prefix.key; false when absent or not an integer. */
bool cli_num(const docket_msg *m, const char *prefix, const char *key, int64_t *out);

/*
 * The top-level boolean key of a reply: libdocket reads no booleans, so it
 * is looked up in the reply's JSON. false when absent or not true.
 */
bool cli_flag(const docket_msg *m, const char *key);

/* Print m as JSON to stdout (pretty, or one compact line). Returns 0 or EX_SOFTWARE. */
int cli_print_json(const docket_msg *m, int flags);

/*
 * An event as one compact line of JSON: its map alone, the shape each entry
 * of history's events has (not libdocket's {"topic", "event"} wrapper).
 * Returns 0 with *out (caller frees) or EX_SOFTWARE (message printed).
 */
int cli_event_json(const docket_msg *event, char **out);

/* Where watch, cursor-add and cursor-rewind start (cli_cursor.c). */
enum cli_since_kind {
	SINCE_NOW,  /* "now": after the log's last seq */
	SINCE_SEQ,  /* digits: seq N and after */
	SINCE_TIME, /* a time, as date_time_parse reads it */
};

/* Read --since's text; false (nothing printed) when it is none of the three. */
bool cli_since_parse(const char *text, enum cli_since_kind *kind, int64_t *seq);

/* Print the --since usage error for text; returns EX_USAGE. */
int cli_since_error(const struct cli *cli, const char *what, const char *text);

/* True when name is a cursor name the protocol allows (1 to 64 of A-Z a-z 0-9 . _ -). */
bool cli_cursor_name_ok(const char *name);

/*
 * watch --format (cli_watch_format.c). cli_format_check says whether fmt
 * is well formed: 0, or EX_USAGE with the reason printed. cli_format_print
 * writes one event as fmt says, and a newline.
 */
int cli_format_check(const struct cli *cli, const char *fmt);
void cli_format_print(const char *fmt, const docket_msg *event);

/*
 * watch --exec (cli_watch_exec.c): run cmd through /bin/sh -c with json and
 * a newline on its stdin and DOCKET_SEQ, DOCKET_TYPE, DOCKET_REF and
 * DOCKET_DELIVERIES in its environment, and wait for it. Returns its exit
 * status (0 for success), 128 + the signal that ended it, or -1 when it
 * could not be started (the reason printed).
 */
int cli_exec_event(const struct cli *cli, const char *cmd, const docket_msg *event,
                   const char *json, int deliveries);

/* The commands of their own (the run of their table entries). Each returns the exit status. */
int cli_watch(const struct cli *cli);      /* cli_watch.c */
int cli_import(const struct cli *cli);     /* cli_import.c */
int cli_render(const struct cli *cli);     /* cli_render.c */
int cli_search_fill(const struct cli *cli, docket_request *r);    /* cli_search.c */
void cli_print_search(struct cli_zone *z, const docket_msg *reply);
int cli_item_order_fill(const struct cli *cli, docket_request *r); /* cli_item.c */
void cli_print_item_order(struct cli_zone *z, const docket_msg *reply);
int cli_export(const struct cli *cli);     /* cli_export.c */
int cli_verify(const struct cli *cli);     /* cli_verify.c */

/* The cursor commands (cli_cursor.c): their requests' keys, and their readable replies. */
int cli_cursor_add_fill(const struct cli *cli, docket_request *r);
int cli_cursor_seq_fill(const struct cli *cli, docket_request *r); /* retry, skip */
int cli_cursor_rewind_fill(const struct cli *cli, docket_request *r);
void cli_print_cursors(struct cli_zone *z, const docket_msg *reply);
void cli_print_cursor(struct cli_zone *z, const docket_msg *reply);
void cli_print_cursor_deleted(struct cli_zone *z, const docket_msg *reply);
void cli_print_parked(struct cli_zone *z, const docket_msg *reply);

/* The keys commands (cli_keys.c). */
int cli_keys_generate(const struct cli *cli);
int cli_keys_fill(const struct cli *cli, docket_request *r);
void cli_print_keys(struct cli_zone *z, const docket_msg *reply);
void cli_print_key(struct cli_zone *z, const docket_msg *reply);

/* The operations commands (cli_status.c): status, and backup's PATH made absolute. */
void cli_print_status(struct cli_zone *z, const docket_msg *reply);
void cli_print_backup(struct cli_zone *z, const docket_msg *reply);
int cli_backup_fill(const struct cli *cli, docket_request *r);

/* Readable replies of table-driven commands (their table entries' print). */
void cli_print_imports(struct cli_zone *z, const docket_msg *reply);  /* cli_import.c */
void cli_print_register(struct cli_zone *z, const docket_msg *reply); /* cli_register.c */

/* Words to stdout as cli_put, each run of white space (line ends too) one space. */
void cli_put_line(const char *s, size_t n);

#endif
