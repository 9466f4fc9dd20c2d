/* Readable output of replies and events: decisions, lists, histories, meetings, event lines. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <uniwidth.h>

#include "cli.h"
#include "utf8.h"

const char *cli_str(const docket_msg *m, const char *prefix, const char *key)
{
	char path[128];
	const char *s = NULL;
	snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", key);
	return docket_msg_get_str(m, path, &s) == 0 ? s : NULL;
}

const char *cli_join(const docket_msg *m, const char *prefix, const char *key, const char *sep,
                     char *buf, size_t size)
{
	char path[128];
	size_t n, o = 0;

	snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", key);
	if ((n = docket_msg_count(m, path)) == 0)
		return NULL;
	buf[0] = '\0';
	for (size_t i = 0; i < n && o + 1 < size; i++) {
		char at[160];
		const char *t = NULL;
		snprintf(at, sizeof at, "%s.%zu", path, i);
		docket_msg_get_str(m, at, &t);
		int w = snprintf(buf + o, size - o, "%s%s", i ? sep : "", t ? t : "?");
		o += w > 0 ? (size_t)w : 0;
	}
	return buf;
}

bool cli_num(const docket_msg *m, const char *prefix, const char *key, int64_t *out)
{
	char path[128];
	snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", key);
	return docket_msg_get_int(m, path, out) == 0;
}

bool cli_flag(const docket_msg *m, const char *key)
{
	char *json = NULL, want[64];
	bool set = false;

	/* In compact JSON a quote inside a string is always escaped, so only a key matches. */
	snprintf(want, sizeof want, "\"%s\":true", key);
	if (docket_msg_to_json(m, DOCKET_JSON_COMPACT, &json) == 0)
		set = strstr(json, want) != NULL;
	free(json);
	return set;
}

/*
 * The character at s (n bytes left): its length, and whether it is a
 * control character or a byte that starts none, shown as '?' so that text
 * from docketd can never move the cursor or send escape sequences to the
 * terminal.
 */
static int next_char(const char *s, size_t n, ucs4_t *uc, bool *control)
{
	uint32_t cp = 0xfffd;
	size_t len = utf8_next((const unsigned char *)s, n, &cp);
	*uc = cp;
	*control = len == 0 || cp < 0x20 || (cp >= 0x7f && cp < 0xa0);
	return len > 0 ? (int)len : 1;
}

int cli_width(const char *s)
{
	size_t n = strlen(s);
	int w = 0;
	for (size_t i = 0; i < n;) {
		ucs4_t uc;
		bool control;
		i += (size_t)next_char(s + i, n - i, &uc, &control);
		int cw = control ? 1 : uc_width(uc, "UTF-8");
		w += cw > 0 ? cw : 0;
	}
	return w;
}

void cli_put(const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		ucs4_t uc;
		bool control;
		int len = next_char(s + i, n - i, &uc, &control);
		if (control)
			putchar('?');
		else
			fwrite(s + i, 1, (size_t)len, stdout);
		i += (size_t)len;
	}
}

char *cli_safe(const char *s)
{
	size_t n = strlen(s);
	char *out = malloc(n + 1), *o = out;

	/* Each '?' stands for at least one byte: the copy is never longer. */
	for (size_t i = 0; out && i < n;) {
		ucs4_t uc;
		bool control;
		int len = next_char(s + i, n - i, &uc, &control);
		if (control) {
			*o++ = '?';
		} else {
			memcpy(o, s + i, (size_t)len);
			o += len;
		}
		i += (size_t)len;
	}
	if (out)
		*o = '\0';
	return out;
}

static void put_text(const char *s)
{
	cli_put(s, strlen(s));
}

/* ASCII white space, line ends among it (strchr would also find the NUL). */
static bool blank(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

void cli_put_line(const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t run = 0;
		while (i + run < n && blank(s[i + run]))
			run++;
		if (run) {
			putchar(' ');
			i += run;
			continue;
		}
		while (i + run < n && !blank(s[i + run]))
			run++;
		cli_put(s + i, run);
		i += run;
	}
}

void cli_cell(const char *s, int w)
{
	put_text(s);
	for (int i = cli_width(s); i < w; i++)
		putchar(' ');
}

/* Pence as pounds with thousands separators: 180000000 is "£1,800,000.00". */
static const char *money(int64_t pence, char *buf, size_t size)
{
	char digits[32];
	uint64_t p = pence < 0 ? -(uint64_t)pence : (uint64_t)pence;
	int len = snprintf(digits, sizeof digits, "%" PRIu64, p / 100);
	size_t o = 0;

	o += snprintf(buf + o, size - o, "%s£", pence < 0 ? "-" : "");
	for (int i = 0; i < len && o + 2 < size; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	snprintf(buf + o, size - o, ".%02u", (unsigned)(p % 100));
	return buf;
}

void cli_field(const char *label, const char *value)
{
	if (!value)
		return;
	printf("  %-16s ", label);
	put_text(value);
	putchar('\n');
}

/* A multi-paragraph text, indented, kept line for line. */
static void block(const char *label, const char *text)
{
	if (!text)
		return;
	printf("\n  %s:\n", label);
	while (*text) {
		size_t len = strcspn(text, "\n");
		if (len) {
			fputs("    ", stdout);
			cli_put(text, len);
		}
		putchar('\n');
		text += len + (text[len] == '\n');
	}
}

/* Each step of a decision: its business date and the time docket recorded it. */
static const struct {
	const char *label, *date, *time, *verb;
} steps[] = {
    {"Drafted:", NULL, "drafted_at", NULL},
    {"Submitted:", NULL, "submitted_at", NULL},
    {"Decided:", "decided_on", "endorsed_at", "endorsed"},
    {"Published:", "published_on", "published_at", "recorded"},
    {"Review date:", "review_date", NULL, NULL},
    {"Reported:", "reported_on", "reported_at", "recorded"},
    {"Noted:", "noted_on", "closed_at", "recorded"},
    {"Recommended:", "recommended_on", NULL, NULL},
    {"Response due:", "response_due", NULL, NULL},
    {"Responded:", "responded_on", "closed_at", "recorded"},
    {"Closed:", NULL, "closed_at", NULL},
};

static void print_steps(struct cli_zone *z, const docket_msg *m, const char *p)
{
	char a[CLI_TIME_LEN], b[CLI_TIME_LEN], line[256];
	bool closed_shown = false;

	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		const char *date = steps[i].date ? cli_str(m, p, steps[i].date) : NULL;
		const char *t = steps[i].time ? cli_str(m, p, steps[i].time) : NULL;
		bool closing = steps[i].time && !strcmp(steps[i].time, "closed_at");
		/* closed_at belongs to noted or responded when those dates say so. */
		if (closing && (closed_shown || (steps[i].date && !date)))
			t = NULL;
		if (!date && !t)
			continue;
		closed_shown |= closing && t;
		const char *by = !strcmp(steps[i].label, "Decided:") ? cli_str(m, p, "endorsed_by")
		                                                     : NULL;
		if (!steps[i].verb || !t)
			snprintf(line, sizeof line, "%s",
			         date ? cli_day(date, a) : cli_time(z, t, SHOW_MINUTES, a));
		else
			snprintf(line, sizeof line, "%s%s%s %s%s%s", date ? cli_day(date, a) : "",
			         date ? ", " : "", steps[i].verb, cli_time(z, t, SHOW_MINUTES, b),
			         by ? " by " : "", by ? by : "");
		cli_field(steps[i].label, line);
	}
}

static void print_decision(struct cli_zone *z, const docket_msg *m, const char *p)
{
	char a[64], line[1200];
	int64_t v, version = 0;

	cli_num(m, p, "version", &version);
	put_text(cli_str(m, p, "ref") ? cli_str(m, p, "ref") : "?");
	printf("  %s  (version %" PRId64 ")\n",
	       cli_str(m, p, "state") ? cli_str(m, p, "state") : "?", version);
	cli_field("Title:", cli_str(m, p, "title"));
	cli_field("Decision maker:", cli_str(m, p, "decision_maker"));
	cli_field("Category:", cli_str(m, p, "category"));
	if (cli_num(m, p, "cost_pence", &v)) {
		const char *t = cli_str(m, p, "cost_text");
		snprintf(line, sizeof line, "%s%s%s%s", money(v, a, sizeof a), t ? " (" : "",
		         t ? t : "", t ? ")" : "");
		cli_field("Cost:", line);
	} else {
		cli_field("Cost:", cli_str(m, p, "cost_text"));
	}
	cli_field("Author:", cli_str(m, p, "author"));
	const char *r = cli_str(m, p, "restriction");
	if (r && strcmp(r, "none")) {
		const char *why = cli_str(m, p, "restriction_reason");
		snprintf(line, sizeof line, "%s%s%s", r, why ? ": " : "", why ? why : "");
		cli_field("Restriction:", line);
	}
	if (cli_num(m, p, "item", &v)) {
		snprintf(line, sizeof line, "%" PRId64, v);
		cli_field("Agenda item:", line);
	}
	cli_field("Comment:", cli_str(m, p, "comment"));
	print_steps(z, m, p);
	block("Decision", cli_str(m, p, "text"));
	block("Justification", cli_str(m, p, "justification"));
	block("Recommendation", cli_str(m, p, "recommendation"));
	block("Response", cli_str(m, p, "response"));
}

enum { D_REF, D_STATE, D_VER, D_DECIDED, D_TITLE, D_COLUMNS };

static const struct cli_column decision_cols[] = {
    {"REF", 0}, {"STATE", COL_STATE}, {"VER", COL_NUMBER}, {"DECIDED", 0}, {"TITLE", COL_TEXT},
};
const struct cli_table_spec cli_decisions_table = {"decisions", decision_cols, D_COLUMNS, false,
                                                   NULL};

static void decision_row(void *ctx, size_t i, const char **cells, char (*buf)[CLI_CELL_LEN])
{
	const docket_msg *m = ctx;
	char p[48];
	int64_t v = 0;

	snprintf(p, sizeof p, "decisions.%zu", i);
	cells[D_REF] = cli_str(m, p, "ref");
	cells[D_STATE] = cli_str(m, p, "state");
	if (cli_num(m, p, "version", &v)) {
		snprintf(buf[D_VER], CLI_CELL_LEN, "%" PRId64, v);
		cells[D_VER] = buf[D_VER];
	}
	cells[D_DECIDED] = cli_cell_day(cli_str(m, p, "decided_on"), buf[D_DECIDED]);
	cells[D_TITLE] = cli_str(m, p, "title");
}

static void print_decisions(const docket_msg *m)
{
	size_t n = docket_msg_count(m, "decisions");

	if (n == 0 && !cli_table_json()) {
		puts("no decisions");
		return;
	}
	cli_table(&cli_decisions_table, n, decision_row, (void *)m);
	const char *next = cli_str(m, "", "next");
	if (next && !cli_table_json()) {
		fputs("more: docket list --after '", stdout);
		put_text(next);
		puts("' (with the same --state and --sort)");
	}
}

/*
 * One event as a line: seq, time, type, what it changed, state, version,
 * actor. An event of history or of watch: p is its path in m.
 */
static void event_line(struct cli_zone *z, const docket_msg *m, const char *p, const char *type)
{
	char a[CLI_TIME_LEN];
	int64_t seq = 0, v, mt;
	const char *ref = cli_str(m, p, "ref"), *state = cli_str(m, p, "state");
	const char *actor = cli_str(m, p, "actor"), *kind = cli_str(m, p, "kind");

	cli_num(m, p, "seq", &seq);
	printf("%6" PRId64 "  ", seq);
	cli_cell(cli_time(z, cli_str(m, p, "ts"), SHOW_SECONDS, a), 24);
	fputs("  ", stdout);
	cli_cell(type ? type : "?", 29);
	fputs("  ", stdout);
	/* What changed: a reminder, a decision by ref, else an item or a meeting by id. */
	if (cli_num(m, p, "reminder", &v))
		printf("reminder %" PRId64 " (%s) for ", v, kind ? kind : "?");
	if (ref)
		put_text(ref);
	else if (cli_num(m, p, "item", &v) && cli_num(m, p, "meeting", &mt))
		printf("item %" PRId64 " of meeting %" PRId64, v, mt);
	else if (cli_num(m, p, "item", &v))
		printf("item %" PRId64, v);
	else if (cli_num(m, p, "meeting", &v))
		printf("meeting %" PRId64, v);
	if (state)
		printf("  %s", state);
	if (cli_num(m, p, "version", &v))
		printf("  v%" PRId64, v);
	fputs("  ", stdout);
	put_text(actor ? actor : "-");
	putchar('\n');
}

/* One line per event, as watch prints them: a script that reads one reads the other. */
static void print_history(struct cli_zone *z, const docket_msg *m)
{
	size_t n = docket_msg_count(m, "events");
	char p[48];

	if (n == 0) {
		puts("no events");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		snprintf(p, sizeof p, "events.%zu", i);
		event_line(z, m, p, cli_str(m, p, "type"));
	}
}

static void print_item(const docket_msg *m, const char *p, const char *indent)
{
	char a[CLI_TIME_LEN], b[CLI_TIME_LEN];
	int64_t id = 0;
	const char *code = cli_str(m, p, "code"), *subject = cli_str(m, p, "subject");

	cli_num(m, p, "id", &id);
	printf("%sItem %" PRId64 "  ", indent, id);
	put_text(code ? code : "?");
	fputs("  ", stdout);
	put_text(subject ? subject : "");
	putchar('\n');
	const char *start = cli_str(m, p, "period_start"), *end = cli_str(m, p, "period_end");
	const char *from = cli_str(m, p, "from"), *to = cli_str(m, p, "to");
	if (start || end)
		printf("%s  Period: %s to %s\n", indent, cli_day(start, a), cli_day(end, b));
	if (from) {
		printf("%s  From: ", indent);
		put_text(from);
		putchar('\n');
	}
	if (to) {
		printf("%s  To: ", indent);
		put_text(to);
		putchar('\n');
	}

	char path[96];
	snprintf(path, sizeof path, "%s.decisions", p);
	size_t n = docket_msg_count(m, path);
	if (n == 0)
		return;
	printf("%s  Decisions:", indent);
	for (size_t i = 0; i < n; i++) {
		const char *ref = NULL;
		snprintf(path, sizeof path, "%s.decisions.%zu", p, i);
		docket_msg_get_str(m, path, &ref);
		fputs(i ? ", " : " ", stdout);
		put_text(ref ? ref : "?");
	}
	putchar('\n');
}

void cli_print_meeting_line(struct cli_zone *z, const docket_msg *m, const char *p)
{
	char a[CLI_TIME_LEN];
	int64_t id = 0, version = 0;
	const char *panel = cli_str(m, p, "panel"), *venue = cli_str(m, p, "venue");
	const char *status = cli_str(m, p, "status");

	cli_num(m, p, "id", &id);
	cli_num(m, p, "version", &version);
	printf("Meeting %" PRId64 "  %s  %s  (version %" PRId64 ")\n", id,
	       cli_meeting_time(z, cli_str(m, p, "starts_at"), cli_str(m, p, "starts_at_local"),
	                        cli_str(m, p, "zone"), a),
	       status ? status : "?", version);
	cli_field("Panel:", panel);
	cli_field("Venue:", venue);
}

static void print_meeting(struct cli_zone *z, const docket_msg *m, const char *p)
{
	char path[96];

	cli_print_meeting_line(z, m, p);
	snprintf(path, sizeof path, "%s.items", p);
	size_t n = docket_msg_count(m, path);
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof path, "%s.items.%zu", p, i);
		print_item(m, path, "  ");
	}
}

static void print_meetings(struct cli_zone *z, const docket_msg *m)
{
	size_t n = docket_msg_count(m, "meetings");
	char p[48];

	if (n == 0) {
		puts("no meetings");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		snprintf(p, sizeof p, "meetings.%zu", i);
		if (i)
			putchar('\n');
		print_meeting(z, m, p);
	}
}

/* True when path leads to a value other than nil. */
static bool has(const docket_msg *m, const char *path)
{
	int64_t ignored;
	return docket_msg_get_int(m, path, &ignored) != -DOCKET_ENOTFOUND;
}

void cli_print_reply(struct cli_zone *z, const docket_msg *reply)
{
	int64_t seq;

	/* The reply's keys say what it holds (PROTOCOL.md sections 4.4 and 5). */
	if (cli_print_calendar(z, reply))
		;
	else if (has(reply, "decision"))
		print_decision(z, reply, "decision");
	else if (has(reply, "events"))
		print_history(z, reply);
	else if (has(reply, "meetings"))
		print_meetings(z, reply);
	else if (has(reply, "decisions"))
		print_decisions(reply);
	else if (has(reply, "meeting"))
		print_meeting(z, reply, "meeting");
	else if (has(reply, "item"))
		print_item(reply, "item", "");
	if (cli_num(reply, "", "seq", &seq))
		printf("(event %" PRId64 ")\n", seq);
}

void cli_print_event(struct cli_zone *z, const docket_msg *event)
{
	/* Events read back from the log carry their name in the map, live ones as the topic too. */
	const char *type = docket_msg_topic(event);
	event_line(z, event, "", type ? type : cli_str(event, "", "type"));
}

/*
 * The length of the JSON value or key at s (compact, as jansson writes it).
 * Strings are skipped whole, escapes and all, so a brace inside one is text.
 */
static size_t json_value_len(const char *s)
{
	size_t i = 0;
	int depth = 0;

	do {
		if (s[i] == '"') {
			for (i++; s[i] && s[i] != '"'; i++)
				if (s[i] == '\\' && s[i + 1])
					i++;
		} else if (s[i] == '{' || s[i] == '[') {
			depth++;
		} else if (s[i] == '}' || s[i] == ']') {
			depth--;
		}
		if (s[i])
			i++;
	} while (s[i] && (depth > 0 || !strchr(",:}]", s[i])));
	return i;
}

int cli_event_json(const docket_msg *event, char **out)
{
	char *text = NULL;
	int rc = docket_msg_to_json(event, DOCKET_JSON_COMPACT, &text);

	*out = NULL;
	if (rc < 0) {
		fprintf(stderr, "docket: %s\n", docket_strerror(rc));
		return EX_SOFTWARE;
	}
	/*
	 * libdocket writes an event with a topic as {"topic": ..., "event": MAP};
	 * history gives MAP alone, and so must watch. Find the member "event" of
	 * the outer object and keep its value. (A flag of docket_msg_to_json for
	 * the map alone would make this walk unneeded.)
	 */
	if (docket_msg_topic(event) && text[0] == '{') {
		for (size_t i = 1; text[i] == '"';) {
			size_t key = json_value_len(text + i);
			bool is_event = key == 7 && !memcmp(text + i, "\"event\"", 7);
			i += key;
			if (text[i] != ':')
				break;
			size_t len = json_value_len(text + ++i);
			if (is_event) {
				memmove(text, text + i, len);
				text[len] = '\0';
				break;
			}
			i += len;
			if (text[i] != ',')
				break;
			i++;
		}
	}
	*out = text;
	return 0;
}

int cli_print_json(const docket_msg *m, int flags)
{
	char *text = NULL;
	int rc = docket_msg_to_json(m, flags, &text);
	if (rc < 0) {
		fprintf(stderr, "docket: %s\n", docket_strerror(rc));
		return EX_SOFTWARE;
	}
	puts(text);
	free(text);
	return 0;
}
