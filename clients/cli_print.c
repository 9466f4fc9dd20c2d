/* Readable output of replies and events: decisions, lists, histories, meetings, event lines. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* The string at prefix.key (or key when prefix is empty), or NULL. */
static const char *str(const docket_msg *m, const char *prefix, const char *key)
{
	char path[128];
	const char *s = NULL;
	snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", key);
	return docket_msg_get_str(m, path, &s) == 0 ? s : NULL;
}

static bool num(const docket_msg *m, const char *prefix, const char *key, int64_t *out)
{
	char path[128];
	snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", key);
	return docket_msg_get_int(m, path, out) == 0;
}

enum shown { DAY, MINUTES, SECONDS };

/*
 * A UTC time from docketd ("2015-09-22T09:00:00.000Z") in Europe/London:
 * "22 Sep 2015", "22 Sep 2015 10:00" or "22 Sep 2015 10:00:00". Text that
 * is not such a time is shown as it is.
 */
static const char *london(const char *utc, enum shown how, char *buf, size_t size)
{
	static bool tz_set;
	struct tm tm = {0}, local;
	int n = 0;

	if (!utc)
		return "-";
	if (sscanf(utc, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
	           &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6 ||
	    n != 19 || tm.tm_mon < 1 || tm.tm_mon > 12)
		return utc;
	/* Times are shown in the office's zone, whatever the user's TZ. */
	if (!tz_set) {
		setenv("TZ", "Europe/London", 1);
		tzset();
		tz_set = true;
	}
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	time_t t = timegm(&tm);
	if (t == (time_t)-1 || !localtime_r(&t, &local))
		return utc;
	int o = snprintf(buf, size, "%d %s %d", local.tm_mday, months[local.tm_mon],
	                 local.tm_year + 1900);
	if (how != DAY && o > 0 && (size_t)o < size)
		o += snprintf(buf + o, size - o, " %02d:%02d", local.tm_hour, local.tm_min);
	if (how == SECONDS && o > 0 && (size_t)o < size)
		snprintf(buf + o, size - o, ":%02d", local.tm_sec);
	return buf;
}

/* A date "2015-09-22" as "22 Sep 2015". */
static const char *day(const char *date, char *buf, size_t size)
{
	int y, mo, d, n = 0;
	if (!date)
		return "-";
	if (sscanf(date, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10 || date[10] || mo < 1 ||
	    mo > 12)
		return date;
	snprintf(buf, size, "%d %s %d", d, months[mo - 1], y);
	return buf;
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

/* Characters shown, counting each UTF-8 sequence once. */
static int width(const char *s)
{
	int w = 0;
	for (; *s; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

static void cell(const char *s, int w)
{
	fputs(s, stdout);
	for (int i = width(s); i < w; i++)
		putchar(' ');
}

static void field(const char *label, const char *value)
{
	if (value)
		printf("  %-15s %s\n", label, value);
}

/* A multi-paragraph text, indented, kept line for line. */
static void block(const char *label, const char *text)
{
	if (!text)
		return;
	printf("\n  %s:\n", label);
	while (*text) {
		size_t len = strcspn(text, "\n");
		printf(len ? "    %.*s\n" : "\n", (int)len, text);
		text += len + (text[len] == '\n');
	}
}

static void print_decision(const docket_msg *m, const char *p)
{
	char a[64], b[64], line[256];
	int64_t v, version = 0;

	num(m, p, "version", &version);
	printf("%s  %s  (version %" PRId64 ")\n", str(m, p, "ref") ? str(m, p, "ref") : "?",
	       str(m, p, "state") ? str(m, p, "state") : "?", version);
	field("Title:", str(m, p, "title"));
	field("Decision maker:", str(m, p, "decision_maker"));
	field("Category:", str(m, p, "category"));
	if (num(m, p, "cost_pence", &v)) {
		const char *t = str(m, p, "cost_text");
		snprintf(line, sizeof line, "%s%s%s%s", money(v, a, sizeof a), t ? " (" : "",
		         t ? t : "", t ? ")" : "");
		field("Cost:", line);
	} else {
		field("Cost:", str(m, p, "cost_text"));
	}
	field("Author:", str(m, p, "author"));
	const char *r = str(m, p, "restriction");
	if (r && strcmp(r, "none")) {
		const char *why = str(m, p, "restriction_reason");
		snprintf(line, sizeof line, "%s%s%s, review %s", r, why ? ": " : "", why ? why : "",
		         day(str(m, p, "review_date"), b, sizeof b));
		field("Restriction:", line);
	}
	if (num(m, p, "item", &v)) {
		snprintf(line, sizeof line, "%" PRId64, v);
		field("Agenda item:", line);
	}
	field("Comment:", str(m, p, "comment"));
	static const struct {
		const char *key, *label;
	} times[] = {
	    {"drafted_at", "Drafted:"},   {"submitted_at", "Submitted:"},
	    {"endorsed_at", "Endorsed:"}, {"published_at", "Published:"},
	    {"reported_at", "Reported:"}, {"closed_at", "Closed:"},
	};
	for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
		const char *t = str(m, p, times[i].key), *by = str(m, p, "endorsed_by");
		if (!t)
			continue;
		london(t, MINUTES, a, sizeof a);
		if (!strcmp(times[i].key, "endorsed_at") && by)
			snprintf(line, sizeof line, "%s by %s", a, by);
		else
			snprintf(line, sizeof line, "%s", a);
		field(times[i].label, line);
	}
	field("Response due:",
	      str(m, p, "response_due") ? day(str(m, p, "response_due"), b, sizeof b) : NULL);
	block("Decision", str(m, p, "text"));
	block("Justification", str(m, p, "justification"));
	block("Recommendation", str(m, p, "recommendation"));
	block("Response", str(m, p, "response"));
}

static void print_decisions(const docket_msg *m)
{
	size_t n = docket_msg_count(m, "decisions");
	int wref = 3, wstate = 5;
	char p[48], a[64];

	if (n == 0) {
		puts("no decisions");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		snprintf(p, sizeof p, "decisions.%zu", i);
		const char *ref = str(m, p, "ref"), *state = str(m, p, "state");
		if (ref && width(ref) > wref)
			wref = width(ref);
		if (state && width(state) > wstate)
			wstate = width(state);
	}
	cell("REF", wref + 2);
	cell("STATE", wstate + 2);
	cell("VER", 5);
	cell("ENDORSED", 13);
	puts("TITLE");
	for (size_t i = 0; i < n; i++) {
		int64_t v = 0;
		snprintf(p, sizeof p, "decisions.%zu", i);
		const char *ref = str(m, p, "ref"), *state = str(m, p, "state");
		const char *endorsed = str(m, p, "endorsed_at"), *title = str(m, p, "title");
		num(m, p, "version", &v);
		cell(ref ? ref : "?", wref + 2);
		cell(state ? state : "?", wstate + 2);
		printf("%-5" PRId64, v);
		/* The decision date: the London day of the endorsement. */
		cell(london(endorsed, DAY, a, sizeof a), 13);
		puts(title ? title : "");
	}
	const char *next = str(m, "", "next");
	if (next)
		printf("more: docket list --after '%s'\n", next);
}

static void print_history(const docket_msg *m)
{
	size_t n = docket_msg_count(m, "events");
	char p[48], a[64];

	if (n == 0) {
		puts("no events");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		int64_t seq = 0;
		snprintf(p, sizeof p, "events.%zu", i);
		num(m, p, "seq", &seq);
		const char *type = str(m, p, "type"), *actor = str(m, p, "actor");
		printf("%6" PRId64 "  ", seq);
		cell(london(str(m, p, "ts"), SECONDS, a, sizeof a), 22);
		cell(type ? type : "?", 29);
		puts(actor ? actor : "-");
	}
}

static void print_item(const docket_msg *m, const char *p, const char *indent)
{
	char a[32], b[32];
	int64_t id = 0;
	const char *code = str(m, p, "code"), *subject = str(m, p, "subject");

	num(m, p, "id", &id);
	printf("%sItem %" PRId64 "  %s  %s\n", indent, id, code ? code : "?",
	       subject ? subject : "");
	const char *start = str(m, p, "period_start"), *end = str(m, p, "period_end");
	const char *from = str(m, p, "from"), *to = str(m, p, "to");
	if (start || end)
		printf("%s  Period: %s to %s\n", indent, day(start, a, sizeof a),
		       day(end, b, sizeof b));
	if (from)
		printf("%s  From: %s\n", indent, from);
	if (to)
		printf("%s  To: %s\n", indent, to);

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
		printf("%s %s", i ? "," : "", ref ? ref : "?");
	}
	putchar('\n');
}

static void print_meeting(const docket_msg *m, const char *p)
{
	char a[64], path[64];
	int64_t id = 0, version = 0;
	const char *panel = str(m, p, "panel"), *venue = str(m, p, "venue");
	const char *status = str(m, p, "status");

	num(m, p, "id", &id);
	num(m, p, "version", &version);
	printf("Meeting %" PRId64 "  %s  %s  (version %" PRId64 ")\n", id,
	       london(str(m, p, "starts_at"), MINUTES, a, sizeof a), status ? status : "?",
	       version);
	if (panel)
		printf("  Panel: %s\n", panel);
	if (venue)
		printf("  Venue: %s\n", venue);
	snprintf(path, sizeof path, "%s.items", p);
	size_t n = docket_msg_count(m, path);
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof path, "%s.items.%zu", p, i);
		print_item(m, path, "  ");
	}
}

static void print_meetings(const docket_msg *m)
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
		print_meeting(m, p);
	}
}

/* True when path leads to a value other than nil. */
static bool has(const docket_msg *m, const char *path)
{
	int64_t ignored;
	return docket_msg_get_int(m, path, &ignored) != -DOCKET_ENOTFOUND;
}

void cli_print_reply(const docket_msg *reply)
{
	int64_t seq;

	/* The reply's keys say what it holds (PROTOCOL.md section 5). */
	if (has(reply, "decision"))
		print_decision(reply, "decision");
	else if (has(reply, "events"))
		print_history(reply);
	else if (has(reply, "meetings"))
		print_meetings(reply);
	else if (has(reply, "decisions"))
		print_decisions(reply);
	else if (has(reply, "meeting"))
		print_meeting(reply, "meeting");
	else if (has(reply, "item"))
		print_item(reply, "item", "");
	if (num(reply, "", "seq", &seq))
		printf("(event %" PRId64 ")\n", seq);
}

void cli_print_event(const docket_msg *event)
{
	char a[64];
	int64_t seq = 0, v, m;
	const char *topic = docket_msg_topic(event);
	const char *ref = str(event, "", "ref"), *state = str(event, "", "state");
	const char *actor = str(event, "", "actor");

	num(event, "", "seq", &seq);
	printf("%6" PRId64 "  ", seq);
	cell(london(str(event, "", "ts"), SECONDS, a, sizeof a), 22);
	cell(topic ? topic : "?", 29);
	/* What changed: a decision by ref, else an item or a meeting by id. */
	if (ref)
		printf("%s", ref);
	else if (num(event, "", "item", &v) && num(event, "", "meeting", &m))
		printf("item %" PRId64 " of meeting %" PRId64, v, m);
	else if (num(event, "", "item", &v))
		printf("item %" PRId64, v);
	else if (num(event, "", "meeting", &v))
		printf("meeting %" PRId64, v);
	if (state)
		printf("  %s", state);
	if (num(event, "", "version", &v))
		printf("  v%" PRId64, v);
	printf("  %s\n", actor ? actor : "-");
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
