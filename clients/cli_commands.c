/* The CLI's command table: each command's op, arguments and options, and their help. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "proto.h"

/* clang-format off */
static const struct cli_option options[] = {
	{"title", "title", ARG_STR, "TITLE", NULL, "one-line title", NULL},
	{"text", "text", ARG_STR, "TEXT", NULL, "the operative wording of the decision", NULL},
	{"text-file", "text", ARG_FILE, "FILE", NULL, "read the decision text from FILE (- for stdin)",
	 NULL},
	{"justification", "justification", ARG_STR, "TEXT", NULL, "the reasons", NULL},
	{"justification-file", "justification", ARG_FILE, "FILE", NULL,
	 "read the justification from FILE (- for stdin)", NULL},
	{"maker", "decision_maker", ARG_CHOICE, "MAKER", proto_decision_makers, "who takes the decision",
	 NULL},
	{"category", "category", ARG_CHOICE, "CATEGORY", proto_categories, "kind of decision",
	 NULL},
	{"cost-pence", "cost_pence", ARG_INT, "N", NULL, "cost in pence", NULL},
	{"cost-text", "cost_text", ARG_STR, "TEXT", NULL, "cost as words (\"£1.8m from capital\")",
	 NULL},
	{"comment", "comment", ARG_STR, "TEXT", NULL, "comment", NULL},
	{"reason", "reason", ARG_STR, "TEXT", NULL, "reason", NULL},
	{"decided-on", "decided_on", ARG_DATE, "DATE", NULL,
	 "the decision date, not after today (default today)", NULL},
	{"restriction", "restriction", ARG_CHOICE, "R", proto_restrictions, "publication restriction",
	 NULL},
	{"restriction-reason", "restriction_reason", ARG_STR, "TEXT", NULL,
	 "why publication is restricted", NULL},
	{"review-date", "review_date", ARG_DATE, "DATE", NULL, "when the restriction is reviewed",
	 NULL},
	{"published-on", "published_on", ARG_DATE, "DATE", NULL,
	 "the date of publication, not after today (default today)", NULL},
	{"item", "item", ARG_INT, "ITEM", NULL, "agenda item id", NULL},
	{"noted-on", "noted_on", ARG_DATE, "DATE", NULL,
	 "the date the panel noted it (default the date of the meeting it was reported at)", NULL},
	{"recommendation", "recommendation", ARG_STR, "TEXT", NULL, "the panel's recommendation",
	 NULL},
	{"response-due", "response_due", ARG_DATE, "DATE", NULL,
	 "the day the response is due (recommend: default the office's response period, "
	 "28 days unless set, after the recommendation)", NULL},
	{"recommended-on", "recommended_on", ARG_DATE, "DATE", NULL,
	 "the date of the recommendation (default the date of the meeting it was reported at)",
	 NULL},
	{"response", "response", ARG_STR, "TEXT", NULL, "the commissioner's written response",
	 NULL},
	{"responded-on", "responded_on", ARG_DATE, "DATE", NULL,
	 "the date of the response, not after today (default today)", NULL},
	{"panel", "panel", ARG_STR, "PANEL", NULL, "the panel that meets", NULL},
	{"starts-at", "starts_at", ARG_TIME, "TIME", NULL,
	 "start time: office time, or ISO 8601 with Z or an offset", NULL},
	{"venue", "venue", ARG_STR, "VENUE", NULL, "where it meets", NULL},
	{"code", "code", ARG_STR, "CODE", NULL, "item code (\"C1\"), unique within the meeting",
	 NULL},
	{"subject", "subject", ARG_STR, "SUBJECT", NULL, "item subject", NULL},
	{"period-start", "period_start", ARG_DATE, "DATE", NULL, "first day of the period covered",
	 NULL},
	{"period-end", "period_end", ARG_DATE, "DATE", NULL, "last day of the period covered",
	 NULL},
	{"from", "from", ARG_STR, "FROM", NULL, "who the report is from", NULL},
	{"to", "to", ARG_STR, "TO", NULL, "who the report is to", NULL},
	{"state", "state", ARG_CHOICE, "STATE", proto_states + 1, "only decisions in STATE", NULL},
	{"sort", "sort", ARG_CHOICE, "ORDER", proto_list_sorts,
	 "ref: by reference as people read them, numbers by value (default); decided: by "
	 "decision date, oldest first, undecided last", NULL},
	{"status", "status", ARG_CHOICE, "STATUS", proto_reminder_statuses,
	 "only reminders with STATUS", NULL},
	{"kind", "kind", ARG_CHOICE, "KIND", proto_reminder_kinds, "only reminders of KIND", NULL},
	{"meeting", "meeting", ARG_INT, "MEETING", NULL, "only the reminders of meeting id MEETING",
	 NULL},
	{"ref", "ref", ARG_STR, "REF", NULL, "only the reminders of decision REF", NULL},
	{"limit", "limit", ARG_INT, "N", NULL,
	 "at most N results (1 to 1000; default 100 for list, 1000 for reminders)", NULL},
	{"after", "after", ARG_STR, "REF", NULL, "start after REF (the previous page's next)",
	 NULL},
	{"within", "within", ARG_INT, "DAYS", NULL,
	 "what falls due within DAYS days (0 to 3660, default 28); overdue always shows", NULL},
	{"count", NULL, ARG_INT, "N", NULL, "stop after N events (each delivery of a cursor counts)",
	 NULL},
	{"cursor", NULL, ARG_STR, "NAME", NULL,
	 "follow the durable cursor NAME, made on first use with the PREFIXes and --since: "
	 "each event is acknowledged once printed, or once --exec's command exits 0", NULL},
	{"exec", NULL, ARG_STR, "CMD", NULL,
	 "run CMD with /bin/sh -c for each event, in place of printing it: the event as one "
	 "line of JSON on its stdin, DOCKET_SEQ, DOCKET_TYPE, DOCKET_REF and DOCKET_DELIVERIES "
	 "in its environment", NULL},
	{"timeout", NULL, ARG_STR, "S", NULL,
	 "stop after S seconds (2.5 allowed): exit 0, or 75 when --count was not reached. "
	 "The global --timeout MS goes before the command name", NULL},
	{"ack-wait", "ack_wait", ARG_INT, "S", NULL,
	 "deliver an event again when S seconds pass without its acknowledgement (1 to 86400, "
	 "default 30)", NULL},
	{"max-deliveries", "max_deliveries", ARG_INT, "N", NULL,
	 "park an event delivered N times that comes due again (1 to 1000, default 5)", NULL},
	{"withheld", "withheld", ARG_STR, "TEXT", NULL,
	 "part: what is left out, one line (\"the contract value\")", NULL},
	{"public-text", "public_text", ARG_STR, "TEXT", NULL,
	 "part: the decision text published in place of the record's", NULL},
	{"public-text-file", "public_text", ARG_FILE, "FILE", NULL,
	 "read the published decision text from FILE (- for stdin)", NULL},
	{"public-justification", "public_justification", ARG_STR, "TEXT", NULL,
	 "part: the justification published in place of the record's", NULL},
	{"public-justification-file", "public_justification", ARG_FILE, "FILE", NULL,
	 "read the published justification from FILE (- for stdin)", NULL},
	{"dry-run", "dry_run", ARG_FLAG, "", NULL,
	 "show what would be recorded, and record nothing", NULL},
	{"format", "format", ARG_CHOICE, "FORMAT", proto_render_formats,
	 "text (the office's panel report layout, default), markdown (CommonMark) or html (one "
	 "page, printable on A4)", NULL},
	{"source", "source", ARG_INT, "N", NULL,
	 "the imported document N (docket imports) in place of an item", NULL},
	{"output", NULL, ARG_STR, "FILE", NULL, "write to FILE (replaced) rather than stdout",
	 NULL},
	{"html", NULL, ARG_STR, "DIR", NULL,
	 "the register as web pages in DIR (created if missing): index.html, meetings.html, "
	 "decisions/*.html, feed.xml (Atom), style.css", NULL},
	{"ics", NULL, ARG_STR, "FILE", NULL, "the panel meetings as an iCalendar file", NULL},
	{"csv", NULL, ARG_STR, "FILE", NULL,
	 "the register as open data: CSV, one row per decision, with a header", NULL},
	{"base-url", NULL, ARG_STR, "URL", NULL,
	 "the absolute http(s) URL the pages will be served from (for the feed and links)", NULL},
	{"office", NULL, ARG_STR, "NAME", NULL,
	 "the office's name for titles (default \"Office of the Police and Crime Commissioner\")",
	 NULL},
	/* Options of the same name as others, for some commands only (their "only"). */
	{"from", "decided_from", ARG_DATE, "DATE", NULL, "only decisions decided on or after DATE",
	 "search"},
	{"to", "decided_to", ARG_DATE, "DATE", NULL, "only decisions decided on or before DATE",
	 "search"},
	{"maker", "decision_maker", ARG_CHOICE, "MAKER", proto_decision_makers,
	 "only decisions taken by MAKER", "search"},
	{"category", "category", ARG_CHOICE, "CATEGORY", proto_categories,
	 "only decisions of CATEGORY", "search"},
	{"limit", "limit", ARG_INT, "N", NULL, "at most N results (1 to 200, default 20)",
	 "search"},
	{"limit", "limit", ARG_INT, "N", NULL, "at most N decisions (1 to 1000, default 100)",
	 "register"},
	{"state", "state", ARG_CHOICE, "STATE", proto_states + ST_PUBLISHED,
	 "only decisions in STATE (the register's: published and later)", "search"},
	{"format", NULL, ARG_STR, "FMT", NULL,
	 "print each event as FMT and a newline: fields in braces, {seq} {type} {ts} {actor} "
	 "{ref} {state} {version}, dotted paths such as {data.comment} (empty when missing); "
	 "{{ and }} for braces, \\n and \\t", "watch"},
	{"since", NULL, ARG_STR, "SEQ|TIME|now", NULL,
	 "start at the event with seq SEQ, at the first recorded at or after TIME (office "
	 "time, or with Z or an offset), or now: only new events (default)", "watch"},
	{"since", NULL, ARG_STR, "SEQ|TIME|now", NULL,
	 "where the cursor starts: at the event with seq SEQ, at the first recorded at or "
	 "after TIME, or now: only events after the log's last (default)", "cursor-add"},
	{"limit", "limit", ARG_INT, "N", NULL, "at most N parked events (1 to 1000, default 100)",
	 "cursor-parked"},
	{"state-dir", NULL, ARG_STR, "DIR", NULL,
	 "docketd's state directory, holding docket.db and the watermark (default: state, as "
	 "docketd's)", "verify"},
	{"checkpoint", NULL, ARG_STR, "FILE", NULL,
	 "also prove the log holds a docket.checkpoint kept in FILE (the map as msgpack, or as "
	 "JSON with its bins in base64 or hex)", "verify"},
	{"principal", "principal", ARG_STR, "NAME", NULL,
	 "the principal the key stands for: the actor of its events", NULL},
	{"force", "force", ARG_FLAG, "", NULL, "replace a file already at PATH", NULL},
	{"role", NULL, ARG_STR, "ROLE[,ROLE...]", NULL,
	 "a role the key holds (staff, commissioner, secretariat, reader, admin); repeat or "
	 "separate with commas", NULL},
	{NULL, NULL, 0, NULL, NULL, NULL, NULL},
};

#define DECISION_FIELDS \
	"title text text-file justification justification-file maker category cost-pence cost-text"

static const struct cli_command commands[] = {
	{"draft", "draft", POS_ONE, "ref", ARG_STR, "REF", DECISION_FIELDS,
	 "title text justification decision_maker category", NULL, false, true,
	 "REF --title T (--text T | --text-file F)\n"
	 "        (--justification J | --justification-file F) --maker M --category C\n"
	 "        [--cost-pence N] [--cost-text S]",
	 "draft a new decision", GROUP_DECISION, NULL, NULL, NULL, NULL},
	{"amend", "amend", POS_ONE, "ref", ARG_STR, "REF", DECISION_FIELDS, NULL, NULL, true, true,
	 "REF [draft options...]", "change a draft's fields", GROUP_DECISION, NULL, NULL, NULL, NULL},
	{"submit", "submit", POS_ONE, "ref", ARG_STR, "REF", "", NULL, NULL, false, true, "REF",
	 "submit a draft for sign-off", GROUP_DECISION, NULL, NULL, NULL, NULL},
	{"return", "return", POS_ONE, "ref", ARG_STR, "REF", "comment", "comment", NULL, false, true,
	 "REF --comment C", "send a submitted decision back to draft", GROUP_DECISION,
	 NULL, NULL, NULL, NULL},
	{"endorse", "endorse", POS_ONE, "ref", ARG_STR, "REF", "decided-on", NULL, NULL, false, true,
	 "REF [--decided-on D]", "endorse (take) a submitted decision", GROUP_DECISION,
	 NULL, NULL, NULL, NULL},
	{"reject", "reject", POS_ONE, "ref", ARG_STR, "REF", "reason", "reason", NULL, false, true,
	 "REF --reason R", "reject a submitted decision", GROUP_DECISION, NULL, NULL, NULL, NULL},
	{"withdraw", "withdraw", POS_ONE, "ref", ARG_STR, "REF", "reason", "reason", NULL, false,
	 true, "REF --reason R", "withdraw a draft or submitted decision", GROUP_DECISION,
	 NULL, NULL, NULL, NULL},
	{"publish", "publish", POS_ONE, "ref", ARG_STR, "REF",
	 "restriction restriction-reason review-date withheld public-text public-text-file "
	 "public-justification public-justification-file published-on", NULL, NULL, false, true,
	 "REF [--restriction none|part|full] [--restriction-reason R]\n"
	 "        [--review-date D] [--published-on D] [--withheld W]\n"
	 "        [--public-text T | --public-text-file F]\n"
	 "        [--public-justification J | --public-justification-file F]",
	 "publish an endorsed decision", GROUP_DECISION,
	 "A restriction of part or full needs --restriction-reason and --review-date. Under "
	 "part the public reads the title and the wording given for it with --public-text "
	 "and --public-justification: a text given no public wording is withheld whole. "
	 "--withheld says in one line what is left out (\"the contract value\"). full "
	 "publishes the title only, and takes none of the three. The record keeps the whole "
	 "text; render, register, search and export never show what is withheld.",
	 NULL, NULL, NULL},
	{"schedule", "schedule", POS_ONE, "ref", ARG_STR, "REF", "item", "item", NULL, false, true,
	 "REF --item N", "put a published decision on an agenda item", GROUP_DECISION,
	 NULL, NULL, NULL, NULL},
	{"unschedule", "unschedule", POS_ONE, "ref", ARG_STR, "REF", "", NULL, NULL, false, true,
	 "REF", "take a decision off its agenda item", GROUP_DECISION, NULL, NULL, NULL, NULL},
	{"report", "report", POS_OPTIONAL, "ref", ARG_STR, "REF", "item", NULL, "ref item", false,
	 true, "REF | --item N\n"
	 "       docket report render (ITEM | --source N) [...]  (see docket render --help)",
	 "mark a decision, or every decision on an item, reported", GROUP_DECISION,
	 NULL, NULL, NULL, NULL},
	{"note", "note", POS_ONE, "ref", ARG_STR, "REF", "comment noted-on", NULL, NULL, false, true,
	 "REF [--comment C] [--noted-on D]", "record that the panel noted a decision",
	 GROUP_DECISION, NULL, NULL, NULL, NULL},
	{"recommend", "recommend", POS_ONE, "ref", ARG_STR, "REF",
	 "recommendation response-due recommended-on", "recommendation", NULL, false, true,
	 "REF --recommendation T [--response-due D] [--recommended-on D]",
	 "record the panel's recommendation", GROUP_DECISION, NULL, NULL, NULL, NULL},
	{"respond", "respond", POS_ONE, "ref", ARG_STR, "REF", "response responded-on", "response",
	 NULL, false, true, "REF --response T [--responded-on D]",
	 "record the commissioner's response", GROUP_DECISION, NULL, NULL, NULL, NULL},
	{"lift-restriction", "lift_restriction", POS_ONE, "ref", ARG_STR, "REF", "comment", NULL,
	 NULL, false, true, "REF [--comment C]", "lift a publication restriction", GROUP_DECISION,
	 NULL, NULL, NULL, NULL},
	{"set-response-due", "set_response_due", POS_ONE, "ref", ARG_STR, "REF", "response-due",
	 "response_due", NULL, false, true, "REF --response-due D",
	 "change when a response is due", GROUP_DECISION, NULL, NULL, NULL, NULL},
	{"set-review-date", "set_review_date", POS_ONE, "ref", ARG_STR, "REF", "review-date",
	 "review_date", NULL, false, true, "REF --review-date D",
	 "change when a restriction is reviewed", GROUP_DECISION, NULL, NULL, NULL, NULL},
	{"meeting-add", "meeting_add", POS_NONE, NULL, ARG_STR, NULL, "panel starts-at venue",
	 "panel starts_at", NULL, false, true, "--panel P --starts-at TIME [--venue V]",
	 "add a panel meeting", GROUP_CALENDAR, NULL, NULL, NULL, NULL},
	{"meeting-move", "meeting_move", POS_ONE, "meeting", ARG_INT, "MEETING", "starts-at",
	 "starts_at", NULL, false, true, "MEETING --starts-at TIME",
	 "move a meeting to a new start time", GROUP_CALENDAR, NULL, NULL, NULL, NULL},
	{"meeting-postpone", "meeting_postpone", POS_ONE, "meeting", ARG_INT, "MEETING", "reason",
	 NULL, NULL, false, true, "MEETING [--reason R]",
	 "postpone a meeting until meeting-move gives it a time", GROUP_CALENDAR, NULL, NULL,
	 NULL, NULL},
	{"meeting-cancel", "meeting_cancel", POS_ONE, "meeting", ARG_INT, "MEETING", "reason", NULL,
	 NULL, false, true, "MEETING [--reason R]", "cancel a meeting with no decisions on it",
	 GROUP_CALENDAR, NULL, NULL, NULL, NULL},
	{"meeting-held", "meeting_held", POS_ONE, "meeting", ARG_INT, "MEETING", "", NULL, NULL,
	 false, true, "MEETING", "record that a meeting that has started took place",
	 GROUP_CALENDAR, NULL, NULL, NULL, NULL},
	{"item-add", "item_add", POS_ONE, "meeting", ARG_INT, "MEETING",
	 "code subject period-start period-end from to", "code subject", NULL, false, true,
	 "MEETING --code C --subject S [--period-start D] [--period-end D]\n"
	 "        [--from F] [--to T]",
	 "add an agenda item to a meeting", GROUP_CALENDAR, NULL, NULL, NULL, NULL},
	{"item-order", "item_order", POS_MANY, NULL, ARG_STR, "ITEM REF...", "", NULL, NULL, false,
	 true, "ITEM REF...", "set the order of the decisions on an agenda item", GROUP_CALENDAR,
	 "REF... names every decision on the item, once each, in their new order.",
	 NULL, cli_print_item_order, cli_item_order_fill},
	{"import", "import", POS_MANY, NULL, ARG_STR, "FILE...", "dry-run", NULL, NULL, false, true,
	 "[--dry-run] FILE...", "record the decisions of panel reports and registers",
	 GROUP_DOCUMENT,
	 "Each FILE is a panel report (From:, To:, Subject:, Item & Date:, a title, then "
	 "Decision: and Justification: blocks) or a labelled register (Decision Ref:, Issue:, "
	 "Decision:, Date of Decision:, Decision Maker:...), read as UTF-8 text. Each file is "
	 "recorded whole or not at all, under its name without the directory; a file read "
	 "before changes nothing. A report with Item & Date: is recorded at that meeting's item, "
	 "its decisions reported; other decisions are recorded endorsed. Exit 65 when a file "
	 "cannot be read as either (the message names FILE:LINE), 66 when it cannot be opened, "
	 "1 when docketd refuses one; the other files are imported all the same.",
	 cli_import, NULL, NULL},
	{"imports", "imports", POS_NONE, NULL, ARG_STR, NULL, "", NULL, NULL, false, false, "",
	 "list the documents imported", GROUP_DOCUMENT, NULL, NULL, cli_print_imports, NULL},
	{"render", "render", POS_OPTIONAL, "item", ARG_INT, "ITEM", "format source output", NULL,
	 "item source", false, false,
	 "(ITEM | --source N) [--format text|markdown|html]\n"
	 "        [--output FILE]",
	 "write a panel report as the public may read it",
	 GROUP_DOCUMENT,
	 "The report goes to stdout exactly as docketd writes it, or to FILE with --output. "
	 "'docket report render' is the same command.",
	 cli_render, NULL, NULL},
	{"register", "register", POS_NONE, NULL, ARG_STR, NULL, "limit after", NULL, NULL, false,
	 false, "[--limit N] [--after REF]",
	 "list the public register: decisions published and later",
	 GROUP_DOCUMENT, NULL, NULL, cli_print_register, NULL},
	{"search", "search", POS_MANY, NULL, ARG_STR, "WORDS...",
	 "state maker category from to limit", NULL, NULL, false, false,
	 "WORDS... [--state S] [--maker M] [--category C] [--from DATE]\n"
	 "        [--to DATE] [--limit N]",
	 "search the public register", GROUP_DOCUMENT,
	 "Searches the title, text and justification as the public reads them, best match "
	 "first. Every word must match, stemmed (camera finds cameras); \"a phrase\" in double "
	 "quotes (quoted for the shell too: '\"body worn\"'), a prefix cam*, OR, NOT, "
	 "parentheses, and title:WORD for titles only. A word with punctuation (body-worn) "
	 "is searched as the phrase it reads as. Matches show as [match], or in bold on a "
	 "terminal (unless NO_COLOR is set).",
	 NULL, cli_print_search, cli_search_fill},
	{"export", NULL, POS_NONE, NULL, ARG_STR, NULL, "html ics csv base-url office", NULL, NULL,
	 false, false, "(--html DIR | --ics FILE | --csv FILE)\n"
	 "        [--base-url URL] [--office NAME]",
	 "write the public register as web pages, a calendar or open data", GROUP_DOCUMENT, NULL,
	 cli_export, NULL, NULL},
	{"get", "get", POS_ONE, "ref", ARG_STR, "REF", "", NULL, NULL, false, false, "REF",
	 "show a decision", GROUP_QUERY, NULL, NULL, NULL, NULL},
	{"list", "list", POS_NONE, NULL, ARG_STR, NULL, "state sort limit after", NULL, NULL, false,
	 false, "[--state S] [--sort ref|decided] [--limit N] [--after REF]",
	 "list decisions by ref or by decision date", GROUP_QUERY, NULL, NULL, NULL, NULL},
	{"history", "history", POS_ONE, "ref", ARG_STR, "REF", "", NULL, NULL, false, false, "REF",
	 "show a decision's events", GROUP_QUERY, NULL, NULL, NULL, NULL},
	{"meetings", "meetings", POS_NONE, NULL, ARG_STR, NULL, "", NULL, NULL, false, false, "",
	 "show every meeting with its items", GROUP_QUERY, NULL, NULL, NULL, NULL},
	{"agenda", "agenda", POS_OPTIONAL, "meeting", ARG_INT, "MEETING", "", NULL, NULL, false,
	 false, "[MEETING]", "show a meeting's agenda (default: the next scheduled meeting)",
	 GROUP_QUERY, NULL, NULL, NULL, NULL},
	{"reminders", "reminders", POS_NONE, NULL, ARG_STR, NULL, "status kind meeting ref limit",
	 NULL, NULL, false, false,
	 "[--status S] [--kind K] [--meeting N] [--ref REF] [--limit N]",
	 "list the reminders docketd plans and fires", GROUP_QUERY, NULL, NULL, NULL, NULL},
	{"due", "due", POS_NONE, NULL, ARG_STR, NULL, "within", NULL, NULL, false, false,
	 "[--within DAYS]", "show responses and restriction reviews falling due", GROUP_QUERY,
	 NULL, NULL, NULL, NULL},
	{"info", "info", POS_NONE, NULL, ARG_STR, NULL, "", NULL, NULL, false, false, "",
	 "show docketd's version, time zone and settings", GROUP_QUERY, NULL, NULL, NULL, NULL},
	{"verify", NULL, POS_NONE, NULL, ARG_STR, NULL, "state-dir checkpoint", NULL, NULL, false,
	 false, "[--state-dir DIR] [--checkpoint FILE]",
	 "check that docketd's log was never rewritten", GROUP_QUERY,
	 "Reads DIR/docket.db itself, read only, whether docketd runs or not: each event's hash "
	 "must cover its content and the hash before it, with no seq missing, and the log must "
	 "reach the watermark docketd keeps and hold its hash. Prints \"ok: N events, head seq "
	 "S, hash H\" and exits 0; else prints \"seq K: what is wrong\" for the first bad event "
	 "to stderr and exits 1. Exit 65 for a database or checkpoint that cannot be used, 66 "
	 "for one that cannot be opened.",
	 cli_verify, NULL, NULL},
	{"status", "status", POS_NONE, NULL, ARG_STR, NULL, "", NULL, NULL, false, false, "",
	 "show how docketd is doing: load, sizes, cursors' lag, the last backup", GROUP_QUERY,
	 "Also its uptime, last seq, pending reminders, subscribers and the last checkpoints.",
	 NULL, cli_print_status, NULL},
	{"backup", "backup", POS_ONE, NULL, ARG_STR, "PATH", "force", NULL, NULL, false, false,
	 "PATH [--force]", "have docketd write a checked copy of its database to PATH",
	 GROUP_QUERY,
	 "docketd writes PATH itself, on its own host, as its own user with mode 0640, while "
	 "commands go on; a relative PATH is made absolute here, so only when docketd runs on "
	 "this machine. It answers once the copy is on disk and checked: its last seq, size and "
	 "head hash. A file already at PATH is refused without --force. Needs the admin role. "
	 "Restore with docketd --restore (docketd(8)).",
	 NULL, cli_print_backup, cli_backup_fill},
	{"watch", NULL, POS_MANY, NULL, ARG_STR, "PREFIX", "since cursor format exec count timeout",
	 NULL, NULL, false, false,
	 "[PREFIX...] [--since SEQ|TIME|now] [--cursor NAME]\n"
	 "        [--format FMT | --exec CMD] [--count N] [--timeout S]",
	 "print events as they happen, in order, none missed", GROUP_QUERY,
	 "Events come in seq order, each once, none missed, across a restart of docketd too. "
	 "PREFIXes keep the events whose type starts with one of them (decision. meeting.). "
	 "With --json each is one line of JSON, as history --json gives it. It runs until "
	 "SIGINT or SIGTERM, --count or --timeout. Exit 0, or 75 when --timeout came before "
	 "--count, 123 when --exec's command failed for an event (without --cursor: with it "
	 "the event is delivered again), 69 when docketd cannot be reached at the start.",
	 cli_watch, NULL, NULL},
	{"cursors", "cursors", POS_NONE, NULL, ARG_STR, NULL, "", NULL, NULL, false, false, "",
	 "list the durable cursors, and how far behind each is", GROUP_CURSOR, NULL, NULL,
	 cli_print_cursors, NULL},
	{"cursor-add", "cursor_add", POS_MANY, NULL, ARG_STR, "NAME [TOPIC...]",
	 "since ack-wait max-deliveries", NULL, NULL, false, false,
	 "NAME [TOPIC...] [--since SEQ|TIME|now] [--ack-wait S]\n"
	 "        [--max-deliveries N]",
	 "add a durable cursor for an integration", GROUP_CURSOR,
	 "docketd keeps the cursor's place in the log across restarts: the events whose type "
	 "starts with a TOPIC (every event without one), delivered to watch --cursor NAME until "
	 "acknowledged. Also spelled docket cursor add; so are the other cursor commands.",
	 NULL, cli_print_cursor, cli_cursor_add_fill},
	{"cursor-delete", "cursor_delete", POS_ONE, "cursor", ARG_STR, "NAME", "", NULL, NULL,
	 false, false, "NAME", "delete a cursor", GROUP_CURSOR, NULL, NULL,
	 cli_print_cursor_deleted, NULL},
	{"cursor-parked", "parked", POS_ONE, "cursor", ARG_STR, "NAME", "limit", NULL, NULL, false,
	 false, "NAME [--limit N]", "list a cursor's parked events", GROUP_CURSOR,
	 "An event is parked when it was delivered --max-deliveries times and still not "
	 "acknowledged: it waits for cursor-retry or cursor-skip.",
	 NULL, cli_print_parked, NULL},
	{"cursor-retry", "cursor_retry", POS_MANY, NULL, ARG_STR, "NAME [SEQ]", "", NULL, NULL,
	 false, false, "NAME [SEQ]", "deliver a parked event again, or every one", GROUP_CURSOR,
	 NULL, NULL, cli_print_cursor, cli_cursor_seq_fill},
	{"cursor-skip", "cursor_skip", POS_MANY, NULL, ARG_STR, "NAME [SEQ]", "", NULL, NULL,
	 false, false, "NAME [SEQ]", "drop a parked event as handled, or every one",
	 GROUP_CURSOR, NULL, NULL, cli_print_cursor, cli_cursor_seq_fill},
	{"cursor-rewind", "cursor_rewind", POS_MANY, NULL, ARG_STR, "NAME SEQ|TIME", "", NULL,
	 NULL, false, false, "NAME SEQ|TIME",
	 "deliver again from event SEQ, or from TIME", GROUP_CURSOR,
	 "Moves the cursor back (or forward): its pending and parked events from there on are "
	 "dropped and delivered afresh.",
	 NULL, cli_print_cursor, cli_cursor_rewind_fill},
	{"keys", "keys", POS_NONE, NULL, ARG_STR, NULL, "", NULL, NULL, false, false, "",
	 "list the clients' keys, whose each is and its roles", GROUP_KEYS,
	 "Needs the admin role. Also spelled docket keys list.", NULL, cli_print_keys, NULL},
	{"keys-generate", NULL, POS_ONE, NULL, ARG_STR, "FILE", "", NULL, NULL, false, false,
	 "FILE", "make a client key pair in FILE (mode 0600) and print its public key",
	 GROUP_KEYS,
	 "Made here, without docketd: only the public key ever leaves this machine. Point "
	 "DOCKET_KEY or docket.conf's key at FILE (see docket(1)).",
	 cli_keys_generate, NULL, NULL},
	{"keys-add", "key_add", POS_ONE, NULL, ARG_STR, "KEY|FILE", "principal role", "principal",
	 NULL, false, false, "KEY|FILE --principal NAME --role ROLE[,ROLE...]...",
	 "let a client key in as principal NAME with its roles", GROUP_KEYS,
	 "KEY is a public key (40 characters of Z85) or a key file holding one. Roles: staff, "
	 "commissioner, secretariat, reader, admin. A revoked key cannot be added again.",
	 NULL, cli_print_key, cli_keys_fill},
	{"keys-roles", "key_roles", POS_ONE, NULL, ARG_STR, "KEY|FILE", "role", NULL, NULL, false,
	 false, "KEY|FILE --role ROLE[,ROLE...]...", "set a key's roles (from its next message)",
	 GROUP_KEYS, NULL, NULL, cli_print_key, cli_keys_fill},
	{"keys-revoke", "key_revoke", POS_ONE, NULL, ARG_STR, "KEY|FILE", "", NULL, NULL, false,
	 false, "KEY|FILE", "revoke a key: its next message is refused, and every connection after",
	 GROUP_KEYS, NULL, NULL, cli_print_key, cli_keys_fill},
	{NULL, NULL, 0, NULL, 0, NULL, NULL, NULL, NULL, false, false, NULL, NULL, 0, NULL, NULL,
	 NULL, NULL},
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
	const struct cli_option *shared = NULL;

	if (!listed(cmd->options, name))
		return NULL;
	/* An entry for this command alone wins over the one the other commands share. */
	for (const struct cli_option *o = options; o->name; o++) {
		if (strcmp(o->name, name))
			continue;
		if (o->only && listed(o->only, cmd->name))
			return o;
		if (!o->only && !shared)
			shared = o;
	}
	return shared;
}

const struct cli_option *cli_option_for_key(const struct cli_command *cmd, const char *key)
{
	for (const struct cli_option *o = options; o->name; o++)
		if (o->key && !strcmp(o->key, key) && cli_option_find(cmd, o->name) == o)
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
	    [GROUP_DECISION] = "Decisions",
	    [GROUP_CALENDAR] = "Panel calendar",
	    [GROUP_DOCUMENT] = "The office's documents and the public register",
	    [GROUP_QUERY] = "Queries (change nothing)",
	    [GROUP_CURSOR] = "Durable cursors (docketd keeps each integration's place in the log)",
	    [GROUP_KEYS] = "Keys (who may connect over tcp, and with which roles)"};

	fputs("usage: docket [-e ENDPOINT] [--events ENDPOINT] [--json] [--utc] [--timeout MS]\n"
	      "              [--key FILE] [--server-key KEY] [--idem KEY] [--expect-version N]\n"
	      "              [--timezone ZONE] [-o COL,...] [--no-headers] [--output-format F]\n"
	      "              [--color[=WHEN]] [--no-pager] COMMAND [ARGS]\n"
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
	      "  --timezone ZONE          print times in ZONE (Europe/Paris, UTC, office;\n"
	      "                           DOCKET_TIMEZONE, else docket.conf, else office)\n"
	      "  --timeout MS             wait at most MS milliseconds for docketd\n"
	      "                           (DOCKET_TIMEOUT, else 5000); after watch,\n"
	      "                           --timeout S is watch's run time\n"
	      "  --key FILE               this client's key pair, for tcp endpoints (DOCKET_KEY,\n"
	      "                           else docket.conf, else ./state/admin.key)\n"
	      "  --server-key KEY|FILE    docketd's public key (DOCKET_SERVER_KEY, else\n"
	      "                           docket.conf, else ./state/server.pub)\n"
	      "  --idem KEY               idempotency key: a retry with KEY is applied once\n"
	      "  --expect-version N       refuse the change unless the version is N\n"
	      "  -o, --output COL,...     a table's columns, named as in its header\n"
	      "  --no-headers             print a table without its header line\n"
	      "  --output-format F        table (default) or json: a table as JSON rows,\n"
	      "                           other replies as --json (docket.conf: output)\n"
	      "  --color[=WHEN]           auto (on a terminal, unless NO_COLOR is set),\n"
	      "                           always or never (docket.conf: color)\n"
	      "  --no-pager               never page (else DOCKET_PAGER, docket.conf's\n"
	      "                           pager, PAGER or less, on a terminal)\n"
	      "  -h, --help               show this help, or a command's\n"
	      "  --version                show the version\n",
	      f);
	for (const struct cli_command *c = commands; c->name; c++) {
		if (c == commands || c[-1].group != c->group)
			fprintf(f, "\n%s:\n", groups[c->group]);
		fprintf(f, "  %-17s %s\n", c->name, c->summary);
	}
	fputs("\nTimes are read and shown in the office's time zone (docketd's info), with it.\n"
	      "Settings: ~/.config/docket/docket.conf, [docket] section (see docket(1)).\n"
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
	if (cmd->details) {
		fputc('\n', f);
		wrap(f, 0, 0, cmd->details);
	}
	if (*cmd->options) {
		fputs("\nOptions:\n", f);
		/* In the order the command lists them. */
		for (const char *p = cmd->options; *p;) {
			char name[64];
			size_t len = strcspn(p, " ");
			snprintf(name, sizeof name, "%.*s", (int)len, p);
			p += len + strspn(p + len, " ");
			const struct cli_option *o = cli_option_find(cmd, name);
			if (!o)
				continue;
			char head[64], help[512];
			snprintf(head, sizeof head, "--%s%s%s", o->name, *o->metavar ? " " : "",
			         o->metavar);
			snprintf(help, sizeof help, "%s%s", o->help, type_hint(o));
			/* A head too long for its column has the help under it. */
			if (strlen(head) > 26)
				fprintf(f, "  %s\n", head);
			wrap(f, fprintf(f, "  %-26s ", strlen(head) > 26 ? "" : head), 29, help);
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
