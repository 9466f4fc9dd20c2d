/* Readable output of the office's calendar queries: agenda, reminders, due and info. */
#include <inttypes.h>
#include <string.h>

#include "cli.h"
#include "date.h"

/* True when path leads to a value other than nil. */
static bool has(const docket_msg *m, const char *path)
{
	int64_t ignored;
	return docket_msg_get_int(m, path, &ignored) != -DOCKET_ENOTFOUND;
}

static void grow(int *w, const char *s)
{
	int n = s ? cli_width(s) : 1;
	if (n > *w)
		*w = n;
}

/* "in 3 days", "today", "overdue by 1 day": date against today, both YYYY-MM-DD. */
static const char *when(const char *date, const char *today, char *buf, size_t size)
{
	int64_t d, t;
	if (!date || !today || date_parse(date, strlen(date), &d) < 0 ||
	    date_parse(today, strlen(today), &t) < 0)
		return "";
	int64_t n = d - t, a = n < 0 ? -n : n;
	if (n == 0)
		snprintf(buf, size, "today");
	else
		snprintf(buf, size, "%s %" PRId64 " day%s", n < 0 ? "overdue by" : "in", a,
		         a == 1 ? "" : "s");
	return buf;
}

/* Column widths of decision lines, grown over every array given. */
struct widths {
	int ref, state, when;
};

static void measure(const docket_msg *m, const char *array, const char *date_key, struct widths *w)
{
	char p[160], rel[48];
	const char *today = cli_str(m, "", "today");
	size_t n = docket_msg_count(m, array);
	for (size_t i = 0; i < n; i++) {
		snprintf(p, sizeof p, "%s.%zu", array, i);
		grow(&w->ref, cli_str(m, p, "ref"));
		grow(&w->state, cli_str(m, p, "state"));
		if (date_key)
			grow(&w->when, when(cli_str(m, p, date_key), today, rel, sizeof rel));
	}
}

/* Lines of decisions under a heading: what falls due, or the decisions of an item. */
static const struct cli_column due_cols[] = {
    {"DATE", 0}, {"WHEN", 0}, {"REF", 0}, {"TITLE", COL_TEXT}};
static const struct cli_column item_cols[] = {
    {"REF", 0}, {"STATE", COL_STATE}, {"DECIDED", 0}, {"TITLE", COL_TEXT}};

struct lines {
	const docket_msg *m;
	const char *array, *date_key, *today;
	bool due;
};

static void line_row(void *ctx, size_t i, const char **cells, char (*buf)[CLI_CELL_LEN])
{
	const struct lines *x = ctx;
	char p[160];
	snprintf(p, sizeof p, "%s.%zu", x->array, i);
	const char *date = cli_str(x->m, p, x->date_key);
	if (x->due) {
		cells[0] = cli_day(date, buf[0]);
		cells[1] = when(date, x->today, buf[1], CLI_CELL_LEN);
		cells[2] = cli_str(x->m, p, "ref");
		cells[2] = cells[2] ? cells[2] : "?";
	} else {
		cells[0] = cli_str(x->m, p, "ref");
		cells[1] = cli_str(x->m, p, "state");
		cells[0] = cells[0] ? cells[0] : "?";
		cells[1] = cells[1] ? cells[1] : "?";
		cells[2] = cli_day(date, buf[2]);
	}
	cells[3] = cli_str(x->m, p, "title");
	cells[3] = cells[3] ? cells[3] : "";
}

/*
 * The decisions of array, one line each. Lists of what falls due (w->when
 * set) lead with the date of date_key and how far it is from today; the
 * decisions of an item read as list gives them: ref, state, date. Then the
 * title. Every list of one output takes the widths of w, so that they line up.
 */
static void decision_lines(const docket_msg *m, const char *array, const char *date_key,
                           const struct widths *w, const char *indent)
{
	/* A business date is at most "22 Sep 2015": eleven columns. */
	const int due_min[] = {11, w->when, w->ref, 0}, item_min[] = {w->ref, w->state, 11, 0};
	struct cli_table_spec spec = {NULL, w->when ? due_cols : item_cols, 4, true, indent};
	struct lines x = {m, array, date_key, cli_str(m, "", "today"), w->when != 0};

	cli_table_aligned(&spec, w->when ? due_min : item_min, docket_msg_count(m, array),
	                  line_row, &x);
}

static void print_agenda(struct cli_zone *z, const docket_msg *m)
{
	char p[64], path[96], a[CLI_TIME_LEN], b[CLI_TIME_LEN];
	size_t n = docket_msg_count(m, "items");
	struct widths w = {0}, due = {0};

	cli_print_meeting_line(z, m, "meeting");
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof path, "items.%zu.decisions", i);
		measure(m, path, NULL, &w);
		snprintf(path, sizeof path, "items.%zu.unscheduled", i);
		measure(m, path, NULL, &w);
	}
	if (n == 0)
		puts("\nNo items on the agenda.");
	for (size_t i = 0; i < n; i++) {
		int64_t id = 0;
		snprintf(p, sizeof p, "items.%zu", i);
		cli_num(m, p, "id", &id);
		const char *code = cli_str(m, p, "code"), *subject = cli_str(m, p, "subject");
		printf("\nItem %" PRId64 "  ", id);
		cli_put(code ? code : "?", code ? strlen(code) : 1);
		fputs("  ", stdout);
		cli_put(subject ? subject : "", subject ? strlen(subject) : 0);
		putchar('\n');
		const char *start = cli_str(m, p, "period_start"),
		           *end = cli_str(m, p, "period_end");
		if (start || end) {
			snprintf(path, sizeof path, "%s to %s", cli_day(start, a), cli_day(end, b));
			cli_field("Period:", path);
		}
		cli_field("From:", cli_str(m, p, "from"));
		cli_field("To:", cli_str(m, p, "to"));
		snprintf(path, sizeof path, "%s.decisions", p);
		/* The decisions are what the item is for: say loudly when there are none. */
		if (docket_msg_count(m, path) == 0) {
			puts("  EMPTY: no decisions on this item");
		} else {
			puts("  Decisions:");
			decision_lines(m, path, "decided_on", &w, "    ");
		}
		snprintf(path, sizeof path, "%s.unscheduled", p);
		if (docket_msg_count(m, path) > 0) {
			puts("  Not yet scheduled (decided or published within the period):");
			decision_lines(m, path, "decided_on", &w, "    ");
		}
	}
	puts("\nResponses due");
	if (docket_msg_count(m, "responses_due") == 0) {
		puts("  none");
		return;
	}
	measure(m, "responses_due", "response_due", &due);
	decision_lines(m, "responses_due", "response_due", &due, "  ");
}

static void print_due(const docket_msg *m)
{
	struct widths w = {0};
	int64_t within = 0;
	static const struct {
		const char *array, *date, *heading;
	} sections[] = {
	    {"responses", "response_due", "Responses due"},
	    {"reviews", "review_date", "Restriction reviews"},
	};

	cli_num(m, "", "within", &within);
	if (docket_msg_count(m, "responses") + docket_msg_count(m, "reviews") == 0) {
		printf("nothing due within %" PRId64 " day%s\n", within, within == 1 ? "" : "s");
		return;
	}
	for (size_t i = 0; i < 2; i++)
		measure(m, sections[i].array, sections[i].date, &w);
	for (size_t i = 0; i < 2; i++) {
		printf("%s%s\n", i ? "\n" : "", sections[i].heading);
		if (docket_msg_count(m, sections[i].array) == 0)
			puts("  none");
		else
			decision_lines(m, sections[i].array, sections[i].date, &w, "  ");
	}
}

enum { R_ID, R_KIND, R_STATUS, R_DUE, R_DAYS, R_TARGET, R_SEQ, R_COLUMNS };

static const struct cli_column reminder_cols[] = {
    {"ID", COL_NUMBER},  {"KIND", 0},   {"STATUS", COL_STATE}, {"DUE", 0},
    {"DAYS", COL_NUMBER}, {"TARGET", 0}, {"SEQ", COL_NUMBER},
};
const struct cli_table_spec cli_reminders_table = {"reminders", reminder_cols, R_COLUMNS, false,
                                                   NULL};

struct reminders {
	struct cli_zone *z;
	const docket_msg *m;
};

static void reminder_row(void *ctx, size_t i, const char **cells, char (*buf)[CLI_CELL_LEN])
{
	const struct reminders *x = ctx;
	const docket_msg *m = x->m;
	char p[48];
	int64_t v;
	snprintf(p, sizeof p, "reminders.%zu", i);
	snprintf(buf[R_ID], CLI_CELL_LEN, "%" PRId64, cli_num(m, p, "id", &v) ? v : 0);
	cells[R_ID] = buf[R_ID];
	cells[R_KIND] = cli_str(m, p, "kind");
	cells[R_STATUS] = cli_str(m, p, "status");
	cells[R_DUE] = cli_cell_time(x->z, cli_str(m, p, "due_at"), SHOW_MINUTES, buf[R_DUE]);
	snprintf(buf[R_DAYS], CLI_CELL_LEN, "%" PRId64, cli_num(m, p, "days", &v) ? v : 0);
	cells[R_DAYS] = buf[R_DAYS];
	if (cli_num(m, p, "meeting", &v)) {
		snprintf(buf[R_TARGET], CLI_CELL_LEN, "meeting %" PRId64, v);
		cells[R_TARGET] = buf[R_TARGET];
	} else {
		cells[R_TARGET] = cli_str(m, p, "ref");
	}
	cells[R_SEQ] = NULL;
	if (cli_num(m, p, "seq", &v)) {
		snprintf(buf[R_SEQ], CLI_CELL_LEN, "%" PRId64, v);
		cells[R_SEQ] = buf[R_SEQ];
	}
}

static void print_reminders(struct cli_zone *z, const docket_msg *m)
{
	size_t n = docket_msg_count(m, "reminders");
	struct reminders x = {z, m};

	if (n == 0 && !cli_table_json()) {
		puts("no reminders");
		return;
	}
	cli_table(&cli_reminders_table, n, reminder_row, &x);
	if (cli_flag(m, "more") && !cli_table_json())
		printf("more: the list stops at %zu reminders; narrow it or raise --limit\n", n);
}

/* "21, 7 and 1 days before" from the array at path. */
static const char *days_list(const docket_msg *m, const char *path, char *buf, size_t size)
{
	char p[64];
	size_t n = docket_msg_count(m, path), o = 0;
	int64_t v = 0;

	buf[0] = '\0';
	if (n == 0)
		return "none";
	for (size_t i = 0; i < n && o < size; i++) {
		snprintf(p, sizeof p, "%s.%zu", path, i);
		docket_msg_get_int(m, p, &v);
		o += (size_t)snprintf(buf + o, size - o, "%s%" PRId64,
		                      i == 0       ? ""
		                      : i + 1 == n ? " and "
		                                   : ", ",
		                      v);
	}
	if (o < size)
		snprintf(buf + o, size - o, " day%s before", n == 1 && v == 1 ? "" : "s");
	return buf;
}

static void print_info(struct cli_zone *z, const docket_msg *m)
{
	char line[256], a[CLI_TIME_LEN];
	int64_t protocol = 0, revision = 0, period;
	const char *version = cli_str(m, "", "version"), *tz = cli_str(m, "", "timezone");
	const char *abbr = cli_str(m, "", "zone"), *at = cli_str(m, "", "reminders.time");

	cli_num(m, "", "protocol", &protocol);
	cli_num(m, "", "revision", &revision);
	/* The reply names the zone: no second call to learn it. */
	cli_zone_adopt(z, tz);
	snprintf(line, sizeof line, "%s", version ? version : "?");
	cli_field("docketd:", line);
	snprintf(line, sizeof line, "%" PRId64 ", revision %" PRId64, protocol, revision);
	cli_field("Protocol:", line);
	snprintf(line, sizeof line, "%s%s%s%s", tz ? tz : "?", abbr ? " (" : "", abbr ? abbr : "",
	         abbr ? " now)" : "");
	cli_field("Time zone:", line);
	cli_field("Now:", cli_time(z, cli_str(m, "", "now"), SHOW_SECONDS, a));
	cli_field("Today:", cli_day(cli_str(m, "", "today"), a));
	if (cli_num(m, "", "response_period", &period)) {
		snprintf(line, sizeof line, "%" PRId64 " day%s after the recommendation", period,
		         period == 1 ? "" : "s");
		cli_field("Response period:", line);
	}
	if (!has(m, "reminders"))
		return;
	snprintf(line, sizeof line, "at %s office time", at ? at : "?");
	cli_field("Reminders:", line);
	cli_field("  meetings:", days_list(m, "reminders.meeting", line, sizeof line));
	cli_field("  responses:", days_list(m, "reminders.response", line, sizeof line));
	cli_field("  reviews:", days_list(m, "reminders.review", line, sizeof line));
}

bool cli_print_calendar(struct cli_zone *z, const docket_msg *reply)
{
	if (has(reply, "timezone"))
		print_info(z, reply);
	else if (has(reply, "reminders"))
		print_reminders(z, reply);
	else if (has(reply, "responses") && has(reply, "reviews"))
		print_due(reply);
	else if (has(reply, "items") && has(reply, "responses_due"))
		print_agenda(z, reply);
	else
		return false;
	return true;
}
