/* An event as a plain-text mail message: RFC 5322 headers and a summary people can read. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "date.h"
#include "hook.h"

/* Body lines are wrapped at spaces to this many bytes; RFC 5322 allows 998 at most. */
#define WRAP 76
#define LINE_MAX_BYTES 998

/* Column where a labelled value starts: "Starts:     ...". */
#define LABEL_WIDTH 14

static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* A growing string; failed once any allocation failed, and then it stays empty. */
struct text {
	char *s;
	size_t len, cap;
	bool failed;
};

static void add(struct text *t, const char *data, size_t n)
{
	if (t->failed)
		return;
	if (t->len + n + 1 > t->cap) {
		size_t cap = t->cap ? t->cap : 1024;
		while (t->len + n + 1 > cap)
			cap *= 2;
		char *s = realloc(t->s, cap);
		if (!s) {
			t->failed = true;
			return;
		}
		t->s = s;
		t->cap = cap;
	}
	memcpy(t->s + t->len, data, n);
	t->len += n;
	t->s[t->len] = '\0';
}

static void put(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct text *t, const char *fmt, ...)
{
	char small[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof small) {
		add(t, small, (size_t)n);
		return;
	}
	char *big = malloc((size_t)n + 1);
	if (!big) {
		t->failed = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	add(t, big, (size_t)n);
	free(big);
}

/* The event's values, read from its JSON. */

/* The value at a dotted path of object keys ("data.meeting.panel"), or NULL. */
static json_t *at(json_t *j, const char *path)
{
	char key[64];
	while (j && *path) {
		size_t n = strcspn(path, ".");
		snprintf(key, sizeof key, "%.*s", (int)n, path);
		j = json_object_get(j, key);
		path += n + (path[n] == '.');
	}
	return j;
}

static const char *str(json_t *j, const char *path)
{
	return json_string_value(at(j, path));
}

static bool num(json_t *j, const char *path, int64_t *out)
{
	j = at(j, path);
	if (!json_is_integer(j))
		return false;
	*out = (int64_t)json_integer_value(j);
	return true;
}

/* "22 Sep 2030 08:00 UTC" from docketd's UTC time; the text itself when it is not one. */
static const char *utc_shown(const char *utc, char *buf, size_t size)
{
	int64_t epoch;
	struct tm tm;
	if (!utc)
		return "-";
	if (date_utc_parse(utc, strlen(utc), &epoch) < 0)
		return utc;
	time_t t = (time_t)epoch;
	gmtime_r(&t, &tm);
	snprintf(buf, size, "%d %s %d %02d:%02d UTC", tm.tm_mday, months[tm.tm_mon],
	         tm.tm_year + 1900, tm.tm_hour, tm.tm_min);
	return buf;
}

/* A meeting's start as the office reads it, "22 Sep 2030 10:00 BST", else in UTC. */
static const char *start_shown(json_t *meeting, char *buf, size_t size)
{
	const char *local = str(meeting, "starts_at_local"), *zone = str(meeting, "zone");
	struct date_time t;
	if (!local || !zone || date_time_parse(local, strlen(local), &t) < 0)
		return utc_shown(str(meeting, "starts_at"), buf, size);
	snprintf(buf, size, "%d %s %d %02d:%02d %s", t.d, months[t.mo - 1], t.y, t.h, t.mi, zone);
	return buf;
}

/* A business date, "1 Oct 2030". */
static const char *day_shown(const char *date, char *buf, size_t size)
{
	int64_t days;
	int y, m, d;
	if (!date)
		return "-";
	if (date_parse(date, strlen(date), &days) < 0)
		return date;
	date_civil(days, &y, &m, &d);
	snprintf(buf, size, "%d %s %d", d, months[m - 1], y);
	return buf;
}

/* "in 7 days", "tomorrow", "today". */
static const char *when(int64_t days, char *buf, size_t size)
{
	if (days == 0)
		return "today";
	if (days == 1)
		return "tomorrow";
	snprintf(buf, size, "in %" PRId64 " days", days);
	return buf;
}

static void label(struct text *t, const char *name, const char *value)
{
	if (value)
		put(t, "%-*s%s\n", LABEL_WIDTH, name, value);
}

/* One decision of a list: "  2030/14  Body worn cameras (published)". */
static void decision_line(struct text *t, json_t *d, const char *indent)
{
	put(t, "%s%s  %s", indent, str(d, "ref") ? str(d, "ref") : "?",
	    str(d, "title") ? str(d, "title") : "");
	if (str(d, "state"))
		put(t, " (%s)", str(d, "state"));
	put(t, "\n");
}

/* The agenda a meeting reminder carries (PROTOCOL.md section 9). */
static void agenda(struct text *t, json_t *data)
{
	char a[64];
	json_t *items = json_object_get(data, "items"), *item;
	size_t i, k;

	if (json_array_size(items)) {
		put(t, "\nAgenda\n");
		json_array_foreach(items, i, item)
		{
			put(t, "  %s  %s\n", str(item, "code") ? str(item, "code") : "?",
			    str(item, "subject") ? str(item, "subject") : "");
			json_t *ds = json_object_get(item, "decisions"), *d;
			json_array_foreach(ds, k, d)
			{
				decision_line(t, d, "      ");
			}
			if (!json_array_size(ds))
				put(t, "      no decisions on it yet\n");
			size_t un = json_array_size(json_object_get(item, "unscheduled"));
			if (un)
				put(t,
				    "      and %zu endorsed or published in its period, "
				    "unscheduled\n",
				    un);
		}
	}
	json_t *due = json_object_get(data, "responses_due"), *d;
	if (json_array_size(due)) {
		put(t, "\nResponses due\n");
		json_array_foreach(due, i, d)
		{
			put(t, "  %s  %s, due %s\n", str(d, "ref") ? str(d, "ref") : "?",
			    str(d, "title") ? str(d, "title") : "",
			    day_shown(str(d, "response_due"), a, sizeof a));
		}
	}
}

/* Subject and body of a reminder.due or reminder.missed event. */
static void reminder(struct text *subject, struct text *body, json_t *ev, bool missed)
{
	char a[64], b[64], c[32];
	const char *kind = str(ev, "kind") ? str(ev, "kind") : "?";
	const char *ref = str(ev, "ref");
	json_t *data = json_object_get(ev, "data");
	json_t *meeting = json_object_get(data, "meeting");
	int64_t days = 0, id = 0, mt = 0;

	num(data, "days", &days);
	num(ev, "reminder", &id);
	num(ev, "meeting", &mt);
	const char *in = when(days, c, sizeof c);
	const char *panel = str(meeting, "panel") ? str(meeting, "panel") : "the panel";

	if (missed) {
		put(subject, "Missed reminder: %s reminder %" PRId64 " %s", kind, id,
		    str(data, "reason") ? str(data, "reason") : "");
		put(body, "docketd could not send %s reminder %" PRId64 " in time: %s.\n\n", kind,
		    id, str(data, "reason") ? str(data, "reason") : "no reason given");
	} else if (!strcmp(kind, "meeting")) {
		put(subject, "Reminder: %s meets %s (%s)", panel, in,
		    start_shown(meeting, a, sizeof a));
		put(body, "%s meets %s.\n\n", panel, in);
	} else if (!strcmp(kind, "response")) {
		put(subject, "Reminder: the response to decision %s is due %s (%s)",
		    ref ? ref : "?", in, day_shown(str(data, "response_due"), a, sizeof a));
		put(body, "The Commissioner's response to decision %s is due %s.\n\n",
		    ref ? ref : "?", in);
	} else {
		put(subject, "Reminder: the restriction on decision %s comes up for review %s (%s)",
		    ref ? ref : "?", in, day_shown(str(data, "review_date"), a, sizeof a));
		put(body, "The restriction on decision %s comes up for review %s.\n\n",
		    ref ? ref : "?", in);
	}

	snprintf(b, sizeof b, "%s, %" PRId64 " day%s before", kind, days, days == 1 ? "" : "s");
	label(body, "Reminder:", b);
	if (meeting) {
		int64_t mid = mt;
		num(meeting, "id", &mid);
		put(body, "%-*s%" PRId64 ", %s\n", LABEL_WIDTH, "Meeting:", mid, panel);
		label(body, "Starts:", start_shown(meeting, a, sizeof a));
		label(body, "Venue:", str(meeting, "venue"));
	} else if (mt) {
		put(body, "%-*s%" PRId64 "\n", LABEL_WIDTH, "Meeting:", mt);
	}
	json_t *d = json_object_get(data, "decision");
	if (d) {
		put(body, "%-*s%s, %s\n", LABEL_WIDTH,
		    "Decision:", str(d, "ref") ? str(d, "ref") : "?",
		    str(d, "title") ? str(d, "title") : "");
		label(body, "State:", str(d, "state"));
	} else if (ref) {
		label(body, "Decision:", ref);
	}
	if (str(data, "response_due"))
		label(body, "Response due:", day_shown(str(data, "response_due"), a, sizeof a));
	if (str(data, "review_date"))
		label(body, "Review date:", day_shown(str(data, "review_date"), a, sizeof a));
	label(body, "Restriction:", str(data, "restriction"));
	label(body, "Due:", utc_shown(str(data, "due_at"), a, sizeof a));
	if (json_is_true(json_object_get(data, "late")))
		label(body, "", "(sent late: docketd was not running when it came due)");
	if (!strcmp(kind, "meeting"))
		agenda(body, data);
}

/* Subject and body of any other event: what it changed, its state, and its arguments. */
static void change(struct text *subject, struct text *body, json_t *ev, const char *type)
{
	char a[64], b[96];
	const char *ref = str(ev, "ref"), *state = str(ev, "state");
	int64_t v, item, meeting;

	if (ref)
		snprintf(b, sizeof b, "decision %s", ref);
	else if (num(ev, "item", &item) && num(ev, "meeting", &meeting))
		snprintf(b, sizeof b, "item %" PRId64 " of meeting %" PRId64, item, meeting);
	else if (num(ev, "item", &item))
		snprintf(b, sizeof b, "item %" PRId64, item);
	else if (num(ev, "meeting", &meeting))
		snprintf(b, sizeof b, "meeting %" PRId64, meeting);
	else
		snprintf(b, sizeof b, "docket");
	put(subject, "docket: %s: %s", type, b);
	if (state)
		put(subject, " (%s)", state);
	/* "decision.restriction_lifted" reads "Decision 35 - 2015: restriction lifted." */
	const char *dot = strchr(type, '.');
	put(body, "%c%s: ", b[0] >= 'a' && b[0] <= 'z' ? b[0] - 'a' + 'A' : b[0], b + 1);
	for (const char *p = dot ? dot + 1 : type; *p; p++)
		add(body, *p == '_' ? " " : p, 1);
	put(body, ".\n\n");
	label(body, "Event:", type);
	label(body, "Time:", utc_shown(str(ev, "ts"), a, sizeof a));
	label(body, "By:", str(ev, "actor"));
	label(body, "State:", state);
	if (num(ev, "version", &v))
		put(body, "%-*s%" PRId64 "\n", LABEL_WIDTH, "Version:", v);

	/* The command's own arguments, those that are text or numbers. */
	json_t *data = json_object_get(ev, "data"), *value;
	const char *key;
	bool first = true;
	json_object_foreach(data, key, value)
	{
		if (!json_is_string(value) && !json_is_integer(value))
			continue;
		if (first)
			put(body, "\nDetails\n");
		first = false;
		if (json_is_string(value))
			put(body, "  %s: %s\n", key, json_string_value(value));
		else
			put(body, "  %s: %" JSON_INTEGER_FORMAT "\n", key,
			    json_integer_value(value));
	}
}

static bool continuation(char c)
{
	return ((unsigned char)c & 0xc0) == 0x80;
}

/*
 * One line of the body (n bytes, no newline) with CRLF ends: control
 * characters made spaces, wrapped at spaces (continuing at the line's own
 * indent), and cut where there is no space only past LINE_MAX_BYTES, never
 * inside a UTF-8 sequence.
 */
static void body_line(struct text *out, const char *p, size_t n)
{
	size_t indent = strspn(p, " ");
	if (indent > 20 || indent >= n)
		indent = 0;
	bool first = true;
	do {
		size_t room = first ? WRAP : WRAP - indent, lo = first ? indent : 0;
		size_t take = n;
		if (take > room) {
			size_t cut = room;
			while (cut > lo && p[cut] != ' ')
				cut--;
			if (cut == lo) {
				/* One long word: up to its end, within the limit. */
				cut = room;
				while (cut < n && p[cut] != ' ' && cut < LINE_MAX_BYTES - indent)
					cut++;
				while (cut > 1 && cut < n && continuation(p[cut]))
					cut--;
			}
			take = cut;
		}
		if (!first)
			for (size_t i = 0; i < indent; i++)
				add(out, " ", 1);
		for (size_t i = 0; i < take; i++) {
			unsigned char ch = (unsigned char)p[i];
			add(out, (ch < 0x20 && ch != '\t') || ch == 0x7f ? " " : p + i, 1);
		}
		add(out, "\r\n", 2);
		p += take;
		n -= take;
		while (n && *p == ' ') {
			p++;
			n--;
		}
		first = false;
	} while (n);
}

static void body_lines(struct text *out, const char *s)
{
	while (*s) {
		size_t n = strcspn(s, "\n");
		body_line(out, s, n);
		s += n + (s[n] == '\n');
	}
}

/*
 * A header's text: printable ASCII folded at spaces to lines of about 78
 * characters (RFC 5322), anything else as RFC 2047 encoded words of UTF-8,
 * one per folded line.
 */
static void header_text(struct text *out, const char *name, const char *value)
{
	size_t n = strlen(value), col = strlen(name) + 2;
	bool plain = true;
	for (size_t i = 0; i < n && plain; i++)
		plain = value[i] >= 0x20 && value[i] < 0x7f;
	put(out, "%s: ", name);
	if (plain) {
		for (const char *p = value; *p;) {
			size_t word = strcspn(p + 1, " ") + 1;
			if (p != value && *p == ' ' && col + word > 78) {
				add(out, "\r\n", 2);
				col = 0;
			}
			add(out, p, word);
			col += word;
			p += word;
		}
		add(out, "\r\n", 2);
		return;
	}
	/* 45 bytes make 60 of base64: with "=?UTF-8?B?" and "?=", a line within 76. */
	for (size_t i = 0; i < n;) {
		size_t take = n - i > 45 ? 45 : n - i;
		while (take > 1 && i + take < n && continuation(value[i + take]))
			take--;
		char chunk[46], b64[sodium_base64_ENCODED_LEN(45, sodium_base64_VARIANT_ORIGINAL)];
		memcpy(chunk, value + i, take);
		/* Control characters would end the header early in some readers. */
		for (size_t k = 0; k < take; k++)
			if ((unsigned char)chunk[k] < 0x20 || chunk[k] == 0x7f)
				chunk[k] = ' ';
		sodium_bin2base64(b64, sizeof b64, (unsigned char *)chunk, take,
		                  sodium_base64_VARIANT_ORIGINAL);
		put(out, "%s=?UTF-8?B?%s?=", i ? "\r\n " : "", b64);
		i += take;
	}
	add(out, "\r\n", 2);
}

int hook_message_build(const struct hook_target *t, const struct hook_event *e, char **out,
                       size_t *len)
{
	struct text subject = {0}, body = {0}, msg = {0};
	json_t *ev = json_loadb(e->json, e->len, JSON_ALLOW_NUL, NULL); /* as event_json */
	char date[64] = "", host[256];
	int64_t epoch;
	int rc = -DOCKET_ENOMEM;

	*out = NULL;
	*len = 0;
	if (!ev)
		goto out;
	if (!strcmp(e->type, "reminder.due") || !strcmp(e->type, "reminder.missed"))
		reminder(&subject, &body, ev, !strcmp(e->type, "reminder.missed"));
	else
		change(&subject, &body, ev, e->type);
	put(&body, "\n-- \ndocket event %" PRId64 " (%s), sent by docket-hook for [email %s]\n",
	    e->seq, e->type, t->name);
	if (subject.failed || body.failed)
		goto out;

	/* Date is the event's own time, so every retry sends the same message. */
	const char *ts = str(ev, "ts");
	time_t when_t =
	    ts && date_utc_parse(ts, strlen(ts), &epoch) == 0 ? (time_t)epoch : time(NULL);
	struct tm tm;
	gmtime_r(&when_t, &tm);
	/* docket-hook never calls setlocale: the names are the C locale's, as RFC 5322 wants. */
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	const char *at = strchr(t->from, '@');
	snprintf(host, sizeof host, "%s", at ? at + 1 : "localhost");

	put(&msg, "From: %s\r\n", t->from);
	put(&msg, "To: ");
	for (size_t i = 0; t->to[i]; i++)
		put(&msg, "%s%s", i ? ",\r\n " : "", t->to[i]);
	put(&msg, "\r\n");
	header_text(&msg, "Subject", subject.s ? subject.s : e->type);
	put(&msg, "Date: %s\r\n", date);
	/* The event's id: a retry that reaches the relay twice is one message to its readers. */
	put(&msg, "Message-ID: <%s@%s>\r\n", e->id, host);
	put(&msg, "MIME-Version: 1.0\r\n");
	put(&msg, "Content-Type: text/plain; charset=utf-8\r\n");
	put(&msg, "Content-Transfer-Encoding: 8bit\r\n");
	/* RFC 3834: no vacation replies to a machine. */
	put(&msg, "Auto-Submitted: auto-generated\r\n");
	put(&msg, "X-Docket-Event: %s\r\n", e->type);
	put(&msg, "\r\n");
	body_lines(&msg, body.s ? body.s : "");
	if (msg.failed)
		goto out;
	*out = msg.s;
	*len = msg.len;
	msg.s = NULL;
	rc = 0;
out:
	json_decref(ev);
	free(subject.s);
	free(body.s);
	free(msg.s);
	return rc;
}
