/* The cursor commands: durable cursors added, listed, rewound, and their parked events handled. */
#include <inttypes.h>
#include <string.h>

#include "cli.h"
#include "date.h"

bool cli_since_parse(const char *text, enum cli_since_kind *kind, int64_t *seq)
{
	struct date_time t;

	*seq = 0;
	if (!strcmp(text, "now")) {
		*kind = SINCE_NOW;
		return true;
	}
	if (text[0] >= '0' && text[0] <= '9' && strspn(text, "0123456789") == strlen(text)) {
		*kind = SINCE_SEQ;
		return cli_parse_int(text, 0, INT64_MAX, seq);
	}
	/* Only the form is checked here: docketd applies the office's zone. */
	*kind = SINCE_TIME;
	return date_time_parse(text, strlen(text), &t) == 0;
}

int cli_since_error(const struct cli *cli, const char *what, const char *text)
{
	return cli_usage_error(cli,
	                       "%s: bad start '%s' (a seq such as 1, a time such as \"2030-09-22 "
	                       "10:00\" or 2030-09-22T09:00Z, or now)",
	                       what, text);
}

bool cli_cursor_name_ok(const char *name)
{
	size_t n = strlen(name);
	return n >= 1 && n <= 64 &&
	       strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") ==
	           n;
}

/* The cursor's name, the first argument: set as the cursor key. Returns 0 or an exit status. */
static int set_name(const struct cli *cli, docket_request *r)
{
	if (cli->nargs == 0)
		return cli_usage_error(cli, "missing NAME");
	if (!cli_cursor_name_ok(cli->args[0]))
		return cli_usage_error(cli,
		                       "bad cursor name '%s' (1 to 64 of letters, digits, '.', "
		                       "'_' and '-')",
		                       cli->args[0]);
	return docket_request_set_str(r, "cursor", cli->args[0]) < 0 ? EX_SOFTWARE : 0;
}

/*
 * A start as the protocol takes it: SEQ (inclusive) is after_seq SEQ - 1, a
 * time is since, now is nothing (docketd's default: after the last seq).
 */
static int set_start(const struct cli *cli, docket_request *r, const char *what, const char *text,
                     bool now_allowed)
{
	enum cli_since_kind kind;
	int64_t seq;
	int rc = 0;

	if (!cli_since_parse(text, &kind, &seq) || (kind == SINCE_NOW && !now_allowed))
		return cli_since_error(cli, what, text);
	if (kind == SINCE_SEQ)
		rc = docket_request_set_int(r, "after_seq", seq > 0 ? seq - 1 : 0);
	else if (kind == SINCE_TIME)
		rc = docket_request_set_str(r, "since", text);
	return rc < 0 ? EX_SOFTWARE : 0;
}

int cli_cursor_add_fill(const struct cli *cli, docket_request *r)
{
	const char *since = cli_value(cli, "since");
	int rc;

	if ((rc = set_name(cli, r)) != 0)
		return rc;
	for (size_t i = 1; i < cli->nargs; i++)
		if (docket_request_append_str(r, "topics", cli->args[i]) < 0)
			return EX_SOFTWARE;
	return since ? set_start(cli, r, "--since", since, true) : 0;
}

int cli_cursor_seq_fill(const struct cli *cli, docket_request *r)
{
	int64_t seq;
	int rc;

	if ((rc = set_name(cli, r)) != 0)
		return rc;
	if (cli->nargs > 2)
		return cli_usage_error(cli, "unexpected argument '%s'", cli->args[2]);
	if (cli->nargs < 2)
		return 0;
	if (!cli_parse_int(cli->args[1], 1, INT64_MAX, &seq))
		return cli_usage_error(cli, "bad SEQ '%s' (a parked event's seq)", cli->args[1]);
	return docket_request_set_int(r, "seq", seq) < 0 ? EX_SOFTWARE : 0;
}

int cli_cursor_rewind_fill(const struct cli *cli, docket_request *r)
{
	int rc;

	if ((rc = set_name(cli, r)) != 0)
		return rc;
	if (cli->nargs < 2)
		return cli_usage_error(cli, "missing SEQ or TIME");
	if (cli->nargs > 2)
		return cli_usage_error(cli, "unexpected argument '%s'", cli->args[2]);
	return set_start(cli, r, "SEQ|TIME", cli->args[1], false);
}

/* The cursor's topics at p.topics, joined by ", ", or NULL for every event. */
static const char *topics(const docket_msg *m, const char *p, char *buf, size_t size)
{
	return cli_join(m, p, "topics", ", ", buf, size);
}

static void number_field(const docket_msg *m, const char *label, const char *key,
                         const char *fmt_unit)
{
	char line[96];
	int64_t v;
	if (!cli_num(m, "cursor", key, &v))
		return;
	snprintf(line, sizeof line, fmt_unit, v);
	cli_field(label, line);
}

/* The cursor map of a reply, as a block of fields under title. */
static void cursor_block(struct cli_zone *z, const docket_msg *m, const char *title)
{
	char buf[1024], t[CLI_TIME_LEN];
	const char *name = cli_str(m, "cursor", "name");
	const char *tp = topics(m, "cursor", buf, sizeof buf);

	printf("%s ", title);
	cli_put(name ? name : "?", strlen(name ? name : "?"));
	putchar('\n');
	cli_field("Topics:", tp ? tp : "every event");
	number_field(m, "Delivered:", "delivered", "through seq %" PRId64);
	number_field(m, "Acknowledged:", "acked", "through seq %" PRId64);
	number_field(m, "Pending:", "pending", "%" PRId64);
	number_field(m, "Parked:", "parked", "%" PRId64);
	number_field(m, "Lag:", "lag", "%" PRId64);
	number_field(m, "Last seq:", "last_seq", "%" PRId64);
	number_field(m, "Ack wait:", "ack_wait", "%" PRId64 " s");
	number_field(m, "Max deliveries:", "max_deliveries", "%" PRId64);
	if (cli_str(m, "cursor", "created_at"))
		cli_field("Created:",
		          cli_time(z, cli_str(m, "cursor", "created_at"), SHOW_SECONDS, t));
}

void cli_print_cursor(struct cli_zone *z, const docket_msg *reply)
{
	int64_t n;

	/* cursor-retry and cursor-skip say what they did, then every command shows the cursor. */
	if (cli_num(reply, "", "retried", &n))
		printf("retried %" PRId64 " parked event%s\n", n, n == 1 ? "" : "s");
	if (cli_num(reply, "", "skipped", &n))
		printf("skipped %" PRId64 " parked event%s\n", n, n == 1 ? "" : "s");
	cursor_block(z, reply, "Cursor");
}

void cli_print_cursor_deleted(struct cli_zone *z, const docket_msg *reply)
{
	cursor_block(z, reply, "Deleted cursor");
}

enum { C_NAME, C_TOPICS, C_DELIVERED, C_ACKED, C_PENDING, C_PARKED, C_LAG, C_COLUMNS };

static const struct cli_column cursor_cols[] = {
    {"NAME", 0},          {"TOPICS", 0},        {"DELIVERED", COL_NUMBER}, {"ACKED", COL_NUMBER},
    {"PENDING", COL_NUMBER}, {"PARKED", COL_NUMBER}, {"LAG", COL_NUMBER},
};
const struct cli_table_spec cli_cursors_table = {"cursors", cursor_cols, C_COLUMNS, false, NULL};

static void cursor_row(void *ctx, size_t i, const char **cells, char (*buf)[CLI_CELL_LEN])
{
	static const char *const keys[] = {[C_DELIVERED] = "delivered",
	                                   [C_ACKED] = "acked",
	                                   [C_PENDING] = "pending",
	                                   [C_PARKED] = "parked",
	                                   [C_LAG] = "lag"};
	const docket_msg *m = ctx;
	char p[48];
	int64_t v;

	snprintf(p, sizeof p, "cursors.%zu", i);
	cells[C_NAME] = cli_str(m, p, "name");
	cells[C_TOPICS] = topics(m, p, buf[C_TOPICS], CLI_CELL_LEN);
	if (!cells[C_TOPICS])
		cells[C_TOPICS] = "(all)";
	for (int k = C_DELIVERED; k < C_COLUMNS; k++) {
		cells[k] = NULL;
		if (cli_num(m, p, keys[k], &v)) {
			snprintf(buf[k], CLI_CELL_LEN, "%" PRId64, v);
			cells[k] = buf[k];
		}
	}
}

void cli_print_cursors(struct cli_zone *z, const docket_msg *reply)
{
	size_t n = docket_msg_count(reply, "cursors");

	(void)z;
	if (n == 0 && !cli_table_json()) {
		puts("no cursors");
		return;
	}
	cli_table(&cli_cursors_table, n, cursor_row, (void *)reply);
}

enum { P_SEQ, P_TYPE, P_RECORDED, P_DELIVERIES, P_PARKED_AT, P_REASON, P_COLUMNS };

static const struct cli_column parked_cols[] = {
    {"SEQ", COL_NUMBER},       {"TYPE", 0},   {"RECORDED", 0},
    {"DELIVERIES", COL_NUMBER}, {"PARKED", 0}, {"REASON", COL_TEXT},
};
const struct cli_table_spec cli_parked_table = {"parked", parked_cols, P_COLUMNS, false, NULL};

struct parked {
	struct cli_zone *z;
	const docket_msg *m;
};

static void parked_row(void *ctx, size_t i, const char **cells, char (*buf)[CLI_CELL_LEN])
{
	const struct parked *x = ctx;
	char p[48];
	int64_t v;

	snprintf(p, sizeof p, "parked.%zu", i);
	snprintf(buf[P_SEQ], CLI_CELL_LEN, "%" PRId64, cli_num(x->m, p, "seq", &v) ? v : 0);
	snprintf(buf[P_DELIVERIES], CLI_CELL_LEN, "%" PRId64,
	         cli_num(x->m, p, "deliveries", &v) ? v : 0);
	cells[P_SEQ] = buf[P_SEQ];
	cells[P_TYPE] = cli_str(x->m, p, "type");
	cells[P_RECORDED] =
	    cli_cell_time(x->z, cli_str(x->m, p, "ts"), SHOW_SECONDS, buf[P_RECORDED]);
	cells[P_DELIVERIES] = buf[P_DELIVERIES];
	cells[P_PARKED_AT] =
	    cli_cell_time(x->z, cli_str(x->m, p, "parked_at"), SHOW_SECONDS, buf[P_PARKED_AT]);
	cells[P_REASON] = cli_str(x->m, p, "reason");
}

void cli_print_parked(struct cli_zone *z, const docket_msg *reply)
{
	size_t n = docket_msg_count(reply, "parked");
	struct parked x = {z, reply};

	if (n == 0 && !cli_table_json()) {
		puts("no parked events");
		return;
	}
	cli_table(&cli_parked_table, n, parked_row, &x);
	if (cli_flag(reply, "more") && !cli_table_json())
		puts("more parked events than shown: give a larger --limit (up to 1000)");
}
