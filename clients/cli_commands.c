/* The CLI's command table: each command's op, arguments and options, and the request they make. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "date.h"
#include "proto.h"

/* clang-format off */
static const struct cli_option options[] = {
	{"title", "title", ARG_STR, "TITLE", NULL, "one-line title"},
	{"text", "text", ARG_STR, "TEXT", NULL, "the operative wording of the decision"},
	{"text-file", "text", ARG_FILE, "FILE", NULL, "read the decision text from FILE (- for stdin)"},
	{"justification", "justification", ARG_STR, "TEXT", NULL, "the reasons"},
	{"justification-file", "justification", ARG_FILE, "FILE", NULL,
	 "read the justification from FILE (- for stdin)"},
	{"maker", "decision_maker", ARG_CHOICE, "MAKER", proto_decision_makers, "who takes the decision"},
	{"category", "category", ARG_CHOICE, "CATEGORY", proto_categories, "kind of decision"},
	{"cost-pence", "cost_pence", ARG_INT, "N", NULL, "cost in pence"},
	{"cost-text", "cost_text", ARG_STR, "TEXT", NULL, "cost as words (\"£1.8m from capital\")"},
	{"comment", "comment", ARG_STR, "TEXT", NULL, "comment"},
	{"reason", "reason", ARG_STR, "TEXT", NULL, "reason"},
	{"decided-on", "decided_on", ARG_DATE, "DATE", NULL,
	 "the decision date, not after today (default today)"},
	{"restriction", "restriction", ARG_CHOICE, "R", proto_restrictions, "publication restriction"},
	{"restriction-reason", "restriction_reason", ARG_STR, "TEXT", NULL,
	 "why publication is restricted"},
	{"review-date", "review_date", ARG_DATE, "DATE", NULL, "when the restriction is reviewed"},
	{"published-on", "published_on", ARG_DATE, "DATE", NULL,
	 "the date of publication, not after today (default today)"},
	{"item", "item", ARG_INT, "ITEM", NULL, "agenda item id"},
	{"noted-on", "noted_on", ARG_DATE, "DATE", NULL,
	 "the date the panel noted it (default the date of the meeting it was reported at)"},
	{"recommendation", "recommendation", ARG_STR, "TEXT", NULL, "the panel's recommendation"},
	{"response-due", "response_due", ARG_DATE, "DATE", NULL,
	 "the day the response is due (recommend: default the office's response period, "
	 "28 days unless set, after the recommendation)"},
	{"recommended-on", "recommended_on", ARG_DATE, "DATE", NULL,
	 "the date of the recommendation (default the date of the meeting it was reported at)"},
	{"response", "response", ARG_STR, "TEXT", NULL, "the commissioner's written response"},
	{"responded-on", "responded_on", ARG_DATE, "DATE", NULL,
	 "the date of the response, not after today (default today)"},
	{"panel", "panel", ARG_STR, "PANEL", NULL, "the panel that meets"},
	{"starts-at", "starts_at", ARG_TIME, "TIME", NULL,
	 "start time: office time, or ISO 8601 with Z or an offset"},
	{"venue", "venue", ARG_STR, "VENUE", NULL, "where it meets"},
	{"code", "code", ARG_STR, "CODE", NULL, "item code (\"C1\"), unique within the meeting"},
	{"subject", "subject", ARG_STR, "SUBJECT", NULL, "item subject"},
	{"period-start", "period_start", ARG_DATE, "DATE", NULL, "first day of the period covered"},
	{"period-end", "period_end", ARG_DATE, "DATE", NULL, "last day of the period covered"},
	{"from", "from", ARG_STR, "FROM", NULL, "who the report is from"},
	{"to", "to", ARG_STR, "TO", NULL, "who the report is to"},
	{"state", "state", ARG_CHOICE, "STATE", proto_states + 1, "only decisions in STATE"},
	{"sort", "sort", ARG_CHOICE, "ORDER", proto_list_sorts,
	 "ref: by reference as people read them, numbers by value (default); decided: by "
	 "decision date, oldest first, undecided last"},
	{"status", "status", ARG_CHOICE, "STATUS", proto_reminder_statuses,
	 "only reminders with STATUS"},
	{"kind", "kind", ARG_CHOICE, "KIND", proto_reminder_kinds, "only reminders of KIND"},
	{"meeting", "meeting", ARG_INT, "MEETING", NULL, "only the reminders of meeting id MEETING"},
	{"ref", "ref", ARG_STR, "REF", NULL, "only the reminders of decision REF"},
	{"limit", "limit", ARG_INT, "N", NULL,
	 "at most N results (1 to 1000; default 100 for list, 1000 for reminders)"},
	{"after", "after", ARG_STR, "REF", NULL, "start after REF (the previous page's next)"},
	{"within", "within", ARG_INT, "DAYS", NULL,
	 "what falls due within DAYS days (0 to 3660, default 28); overdue always shows"},
	{"count", NULL, ARG_INT, "N", NULL, "exit after N events"},
	{NULL, NULL, 0, NULL, NULL, NULL},
};

#define DECISION_FIELDS \
	"title text text-file justification justification-file maker category cost-pence cost-text"

static const struct cli_command commands[] = {
	{"draft", "draft", POS_ONE, "ref", ARG_STR, "REF", DECISION_FIELDS,
	 "title text justification decision_maker category", NULL, false, true,
	 "REF --title T (--text T | --text-file F)\n"
	 "        (--justification J | --justification-file F) --maker M --category C\n"
	 "        [--cost-pence N] [--cost-text S]",
	 "draft a new decision", GROUP_DECISION},
	{"amend", "amend", POS_ONE, "ref", ARG_STR, "REF", DECISION_FIELDS, NULL, NULL, true, true,
	 "REF [draft options...]", "change a draft's fields", GROUP_DECISION},
	{"submit", "submit", POS_ONE, "ref", ARG_STR, "REF", "", NULL, NULL, false, true, "REF",
	 "submit a draft for sign-off", GROUP_DECISION},
	{"return", "return", POS_ONE, "ref", ARG_STR, "REF", "comment", "comment", NULL, false, true,
	 "REF --comment C", "send a submitted decision back to draft", GROUP_DECISION},
	{"endorse", "endorse", POS_ONE, "ref", ARG_STR, "REF", "decided-on", NULL, NULL, false, true,
	 "REF [--decided-on D]", "endorse (take) a submitted decision", GROUP_DECISION},
	{"reject", "reject", POS_ONE, "ref", ARG_STR, "REF", "reason", "reason", NULL, false, true,
	 "REF --reason R", "reject a submitted decision", GROUP_DECISION},
	{"withdraw", "withdraw", POS_ONE, "ref", ARG_STR, "REF", "reason", "reason", NULL, false,
	 true, "REF --reason R", "withdraw a draft or submitted decision", GROUP_DECISION},
	{"publish", "publish", POS_ONE, "ref", ARG_STR, "REF",
	 "restriction restriction-reason review-date published-on", NULL, NULL, false, true,
	 "REF [--restriction none|part|full] [--restriction-reason R]\n"
	 "        [--review-date D] [--published-on D]",
	 "publish an endorsed decision", GROUP_DECISION},
	{"schedule", "schedule", POS_ONE, "ref", ARG_STR, "REF", "item", "item", NULL, false, true,
	 "REF --item N", "put a published decision on an agenda item", GROUP_DECISION},
	{"unschedule", "unschedule", POS_ONE, "ref", ARG_STR, "REF", "", NULL, NULL, false, true,
	 "REF", "take a decision off its agenda item", GROUP_DECISION},
	{"report", "report", POS_OPTIONAL, "ref", ARG_STR, "REF", "item", NULL, "ref item", false,
	 true, "REF | --item N", "mark a decision, or every decision on an item, reported",
	 GROUP_DECISION},
	{"note", "note", POS_ONE, "ref", ARG_STR, "REF", "comment noted-on", NULL, NULL, false, true,
	 "REF [--comment C] [--noted-on D]", "record that the panel noted a decision",
	 GROUP_DECISION},
	{"recommend", "recommend", POS_ONE, "ref", ARG_STR, "REF",
	 "recommendation response-due recommended-on", "recommendation", NULL, false, true,
	 "REF --recommendation T [--response-due D] [--recommended-on D]",
	 "record the panel's recommendation", GROUP_DECISION},
	{"respond", "respond", POS_ONE, "ref", ARG_STR, "REF", "response responded-on", "response",
	 NULL, false, true, "REF --response T [--responded-on D]",
	 "record the commissioner's response", GROUP_DECISION},
	{"lift-restriction", "lift_restriction", POS_ONE, "ref", ARG_STR, "REF", "comment", NULL,
	 NULL, false, true, "REF [--comment C]", "lift a publication restriction", GROUP_DECISION},
	{"set-response-due", "set_response_due", POS_ONE, "ref", ARG_STR, "REF", "response-due",
	 "response_due", NULL, false, true, "REF --response-due D",
	 "change when a response is due", GROUP_DECISION},
	{"set-review-date", "set_review_date", POS_ONE, "ref", ARG_STR, "REF", "review-date",
	 "review_date", NULL, false, true, "REF --review-date D",
	 "change when a restriction is reviewed", GROUP_DECISION},
	{"meeting-add", "meeting_add", POS_NONE, NULL, ARG_STR, NULL, "panel starts-at venue",
	 "panel starts_at", NULL, false, true, "--panel P --starts-at TIME [--venue V]",
	 "add a panel meeting", GROUP_CALENDAR},
	{"meeting-move", "meeting_move", POS_ONE, "meeting", ARG_INT, "MEETING", "starts-at",
	 "starts_at", NULL, false, true, "MEETING --starts-at TIME",
	 "move a meeting to a new start time", GROUP_CALENDAR},
	{"meeting-postpone", "meeting_postpone", POS_ONE, "meeting", ARG_INT, "MEETING", "reason",
	 NULL, NULL, false, true, "MEETING [--reason R]",
	 "postpone a meeting until meeting-move gives it a time", GROUP_CALENDAR},
	{"meeting-cancel", "meeting_cancel", POS_ONE, "meeting", ARG_INT, "MEETING", "reason", NULL,
	 NULL, false, true, "MEETING [--reason R]", "cancel a meeting with no decisions on it",
	 GROUP_CALENDAR},
	{"meeting-held", "meeting_held", POS_ONE, "meeting", ARG_INT, "MEETING", "", NULL, NULL,
	 false, true, "MEETING", "record that a meeting that has started took place",
	 GROUP_CALENDAR},
	{"item-add", "item_add", POS_ONE, "meeting", ARG_INT, "MEETING",
	 "code subject period-start period-end from to", "code subject", NULL, false, true,
	 "MEETING --code C --subject S [--period-start D] [--period-end D]\n"
	 "        [--from F] [--to T]",
	 "add an agenda item to a meeting", GROUP_CALENDAR},
	{"get", "get", POS_ONE, "ref", ARG_STR, "REF", "", NULL, NULL, false, false, "REF",
	 "show a decision", GROUP_QUERY},
	{"list", "list", POS_NONE, NULL, ARG_STR, NULL, "state sort limit after", NULL, NULL, false,
	 false, "[--state S] [--sort ref|decided] [--limit N] [--after REF]",
	 "list decisions by ref or by decision date", GROUP_QUERY},
	{"history", "history", POS_ONE, "ref", ARG_STR, "REF", "", NULL, NULL, false, false, "REF",
	 "show a decision's events", GROUP_QUERY},
	{"meetings", "meetings", POS_NONE, NULL, ARG_STR, NULL, "", NULL, NULL, false, false, "",
	 "show every meeting with its items", GROUP_QUERY},
	{"agenda", "agenda", POS_OPTIONAL, "meeting", ARG_INT, "MEETING", "", NULL, NULL, false,
	 false, "[MEETING]", "show a meeting's agenda (default: the next scheduled meeting)",
	 GROUP_QUERY},
	{"reminders", "reminders", POS_NONE, NULL, ARG_STR, NULL, "status kind meeting ref limit",
	 NULL, NULL, false, false,
	 "[--status S] [--kind K] [--meeting N] [--ref REF] [--limit N]",
	 "list the reminders docketd plans and fires", GROUP_QUERY},
	{"due", "due", POS_NONE, NULL, ARG_STR, NULL, "within", NULL, NULL, false, false,
	 "[--within DAYS]", "show responses and restriction reviews falling due", GROUP_QUERY},
	{"info", "info", POS_NONE, NULL, ARG_STR, NULL, "", NULL, NULL, false, false, "",
	 "show docketd's version, time zone and settings", GROUP_QUERY},
	{"watch", NULL, POS_MANY, NULL, ARG_STR, "PREFIX", "count", NULL, NULL, false, false,
	 "[PREFIX...] [--count N]", "print events as they happen", GROUP_QUERY},
	{NULL, NULL, 0, NULL, 0, NULL, NULL, NULL, NULL, false, false, NULL, NULL, 0},
};
/* clang-format on */

static int vfail(const struct cli *cli, int status, const char *fmt, va_list ap)
{
	fputs("docket: ", stderr);
	if (cli && cli->cmd)
		fprintf(stderr, "%s: ", cli->cmd->name);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	return status;
}

int cli_fail(const struct cli *cli, int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfail(cli, status, fmt, ap);
	va_end(ap);
	return status;
}

int cli_usage_error(const struct cli *cli, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfail(cli, EX_USAGE, fmt, ap);
	va_end(ap);
	return EX_USAGE;
}

const struct cli_command *cli_command_find(const char *name)
{
	for (const struct cli_command *c = commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

/* True when word is one of the space-separated words of list. */
static bool listed(const char *list, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = list ? list : ""; *p;) {
		size_t len = strcspn(p, " ");
		if (len == n && !memcmp(p, word, n))
			return true;
		p += len;
		p += strspn(p, " ");
	}
	return false;
}

const struct cli_option *cli_option_find(const struct cli_command *cmd, const char *name)
{
	if (!listed(cmd->options, name))
		return NULL;
	for (const struct cli_option *o = options; o->name; o++)
		if (!strcmp(o->name, name))
			return o;
	return NULL;
}

const char *cli_value(const struct cli *cli, const char *name)
{
	const char *text = NULL;
	for (size_t i = 0; i < cli->nvalues; i++)
		if (!strcmp(cli->values[i].opt->name, name))
			text = cli->values[i].text;
	return text;
}

bool cli_parse_int(const char *text, int64_t min, int64_t max, int64_t *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(text, &end, 10);
	if (!*text || *end || errno || v < min || v > max)
		return false;
	*out = v;
	return true;
}

void cli_help(FILE *f)
{
	static const char *const groups[] = {
	    [GROUP_DECISION] = "Decisions", [GROUP_CALENDAR] = "Panel calendar",
	    [GROUP_QUERY] = "Queries (change nothing)"};

	fputs(
	    "usage: docket [-e ENDPOINT] [--events ENDPOINT] [--json] [--utc] [--timeout MS]\n"
	    "              [--idem KEY] [--expect-version N] COMMAND [ARGS]\n"
	    "\n"
	    "Run a Police and Crime Commissioner's key decisions through docketd.\n"
	    "\n"
	    "Options (before or after the command):\n"
	    "  -e, --endpoint ENDPOINT  docketd's command endpoint (DOCKET_ENDPOINT, else\n"
	    "                           " DOCKET_DEFAULT_ENDPOINT ")\n"
	    "  --events ENDPOINT        docketd's event endpoint, for watch (DOCKET_EVENTS,\n"
	    "                           else " DOCKET_DEFAULT_EVENTS ")\n"
	    "  --json                   print replies as JSON, times as docketd sends them\n"
	    "  --utc                    print times in UTC, not in the office's time zone\n"
	    "  --timeout MS             wait at most MS milliseconds (DOCKET_TIMEOUT, else 5000)\n"
	    "  --idem KEY               idempotency key: a retry with KEY is applied once\n"
	    "  --expect-version N       refuse the change unless the version is N\n"
	    "  -h, --help               show this help, or a command's\n"
	    "  --version                show the version\n",
	    f);
	for (const struct cli_command *c = commands; c->name; c++) {
		if (c == commands || c[-1].group != c->group)
			fprintf(f, "\n%s:\n", groups[c->group]);
		fprintf(f, "  %-17s %s\n", c->name, c->summary);
	}
	fputs("\nTimes are read and shown in the office's time zone (docketd's info).\n"
	      "Run 'docket COMMAND --help' for a command's options; see docket(1).\n",
	      f);
}

static const char *type_hint(const struct cli_option *o)
{
	switch (o->type) {
	case ARG_DATE:
		return " (YYYY-MM-DD)";
	case ARG_TIME:
		return " (\"2030-09-22 10:00\", 2030-09-22T09:00Z, 2030-09-22T10:00+01:00)";
	default:
		return "";
	}
}

/* Print words at column col (as already reached), wrapped before 80 columns at indent. */
static void wrap(FILE *f, int col, int indent, const char *text)
{
	for (const char *p = text; *p;) {
		size_t len = strcspn(p, " ");
		if (col > indent && col + 1 + (int)len >= 80)
			col = fprintf(f, "\n%*s", indent, "") - 1;
		else if (col > indent)
			col += fprintf(f, " ");
		col += fprintf(f, "%.*s", (int)len, p);
		p += len;
		p += strspn(p, " ");
	}
	fputc('\n', f);
}

void cli_help_command(FILE *f, const struct cli_command *cmd)
{
	fprintf(f, "usage: docket %s%s%s\n\n%c%s.\n", cmd->name, *cmd->synopsis ? " " : "",
	        cmd->synopsis, toupper((unsigned char)cmd->summary[0]), cmd->summary + 1);
	if (*cmd->options) {
		fputs("\nOptions:\n", f);
		for (const struct cli_option *o = options; o->name; o++) {
			if (!listed(cmd->options, o->name))
				continue;
			char head[64], help[512];
			snprintf(head, sizeof head, "--%s %s", o->name, o->metavar);
			snprintf(help, sizeof help, "%s%s", o->help, type_hint(o));
			wrap(f, fprintf(f, "  %-26s ", head), 29, help);
			if (!o->choices)
				continue;
			/* The allowed values under the help text. */
			char one_of[256] = "one of:";
			for (size_t i = 0; o->choices[i]; i++)
				snprintf(one_of + strlen(one_of), sizeof one_of - strlen(one_of),
				         " %s", o->choices[i]);
			wrap(f, fprintf(f, "%29s", ""), 29, one_of);
		}
	}
	fputs("\nGlobal options (--json, --utc, --timeout...): see docket --help.\n", f);
}

/*
 * Read a whole file, or stdin for "-", exactly as it is. what names the
 * option. Returns 0 or an exit status: EX_NOINPUT for a file that cannot be
 * opened or read.
 */
static int read_file(const struct cli *cli, const char *what, const char *path, char **out)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int rc = EX_SOFTWARE;

	if (!f)
		return cli_fail(cli, EX_NOINPUT, "%s: cannot open %s: %s", what, path,
		                strerror(errno));
	for (;;) {
		if (len + 1 >= cap) {
			/* Far beyond what docketd takes, so that a wrong file fails here. */
			if (cap >= 16 * 1024 * 1024) {
				rc = cli_usage_error(cli, "%s: %s is too large", what, path);
				goto out;
			}
			cap = cap ? 2 * cap : 64 * 1024;
			char *b = realloc(buf, cap);
			if (!b) {
				fprintf(stderr, "docket: out of memory reading %s\n", path);
				goto out;
			}
			buf = b;
		}
		size_t n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		rc = cli_fail(cli, EX_NOINPUT, "%s: cannot read %s: %s", what, path,
		              strerror(errno));
		goto out;
	}
	buf[len] = '\0';
	/* A NUL would end the C string the library takes, cutting the text short. */
	if (strlen(buf) != len) {
		rc = cli_usage_error(cli, "%s: %s holds a NUL byte", what, path);
		goto out;
	}
	*out = buf;
	buf = NULL;
	rc = 0;
out:
	if (f != stdin)
		fclose(f);
	free(buf);
	return rc;
}

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
		if ((rc = read_file(cli, what, text, &file)) != 0)
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
	for (const struct cli_option *o = options; o->name; o++) {
		if (o->key && !strcmp(o->key, key) && listed(cli->cmd->options, o->name)) {
			snprintf(buf, size, "--%s", o->name);
			return buf;
		}
	}
	return key;
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
	if (cli->nargs && (rc = set_value(cli, r, cmd->pos_name, cmd->pos_key, cmd->pos_type, NULL,
	                                  cli->args[0])) != 0)
		goto out;
	for (size_t i = 0; i < cli->nvalues; i++) {
		const struct cli_option *o = cli->values[i].opt;
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
	*out = r;
	r = NULL;
	rc = 0;
out:
	docket_request_destroy(&r);
	return rc;
}
