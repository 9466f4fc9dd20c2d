/*
 * The docket CLI as people and scripts meet it, against the real docketd:
 * tables through libsmartcols with wide and combining characters, --output,
 * --no-headers and --output-format json; colour and the pager on a
 * pseudo-terminal, and neither in a pipe; the per-user config; times with
 * their zone; getopt_long's forms of options.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

#define MAX_ARGS 32

/* Fail unless haystack lacks needle. */
#define ASSERT_LACKS(haystack, needle)                                                             \
	do {                                                                                       \
		if (strstr((haystack), (needle)))                                                  \
			fail_msg("%s (\"%s\") contains \"%s\"", #haystack, (haystack), (needle));  \
	} while (0)

/* Run the CLI (h_cli's environment plus env) with args; it must exit want. Returns stdout. */
static char *run_env(struct h_daemon *d, int want, const char *const *env, const char *const *args)
{
	const char *argv[MAX_ARGS + 1] = {DOCKET_CLI_PATH};
	const char *all[16];
	char ep[300], ev[300];
	size_t n = 1, e = 0;

	for (size_t i = 0; args[i] && n < MAX_ARGS; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	snprintf(ep, sizeof ep, "DOCKET_ENDPOINT=%s", d->cmd);
	snprintf(ev, sizeof ev, "DOCKET_EVENTS=%s", d->ev);
	all[e++] = ep;
	all[e++] = ev;
	for (size_t i = 0; env && env[i] && e < 15; i++)
		all[e++] = env[i];
	all[e] = NULL;

	struct h_proc p;
	assert_int_equal(h_run(&p, argv, all, 20000), 0);
	if (p.status != want)
		fail_msg("docket %s %s: exit %d, expected %d\nstdout: %s\nstderr: %s", argv[1],
		         n > 2 ? argv[2] : "", p.status, want, p.out, p.err);
	if (want == 0 && *p.err)
		fail_msg("docket %s: stderr: %s", argv[1], p.err);
	char *out = want == 0 ? p.out : p.err;
	free(want == 0 ? p.err : p.out);
	return out;
}

#define RUN(d, want, ...) run_env((d), (want), NULL, (const char *const[]){__VA_ARGS__, NULL})
#define RUN_ENV(d, want, env, ...)                                                                 \
	run_env((d), (want), (env), (const char *const[]){__VA_ARGS__, NULL})

static void draft(struct h_daemon *d, const char *ref, const char *title)
{
	docket_msg *m = NULL;
	assert_int_equal(h_call(d, &m, "draft", "ref", ref, "title", title, "text", "t",
	                        "justification", "j", "decision_maker", "pcc", "category", "other",
	                        NULL),
	                 0);
	docket_msg_destroy(&m);
}

/*
 * Titles of wide characters (two columns each), a decomposed é (a letter
 * and a combining acute: one column), the composed é, and ASCII: with the
 * title first (--output), every ref starts in the same column.
 */
static void test_table_wide(void **state)
{
	struct h_daemon *d = *state;

	draft(d, "1 - 2026", "\u4f1a\u8b70\u306e\u6c7a\u5b9a"); /* 会議の決定: 10 columns */
	draft(d, "2 - 2026", "Cafe\u0301");                     /* 4 columns, 6 bytes */
	draft(d, "3 - 2026", "Caf\u00e9");                      /* 4 columns, 5 bytes */
	draft(d, "4 - 2026", "Plain text");                     /* 10 columns */

	char *out = RUN(d, 0, "list", "--output", "title,ref,state");
	H_ASSERT_STR(out, "TITLE       REF       STATE\n"
	                  "\u4f1a\u8b70\u306e\u6c7a\u5b9a  1 - 2026  draft\n"
	                  "Cafe\u0301        2 - 2026  draft\n"
	                  "Caf\u00e9        3 - 2026  draft\n"
	                  "Plain text  4 - 2026  draft\n");
	free(out);

	/* -o is --output; --no-headers drops the header line, before or after the command. */
	out = RUN(d, 0, "--no-headers", "list", "-o", "ref,ver");
	H_ASSERT_STR(out, "1 - 2026  1\n2 - 2026  1\n3 - 2026  1\n4 - 2026  1\n");
	free(out);

	/* A column the table lacks: exit 64 naming the table's columns, before any request. */
	out = RUN(d, 64, "list", "--output", "ref,colour");
	H_ASSERT_CONTAINS(out, "unknown column 'colour'");
	H_ASSERT_CONTAINS(out, "ref, state, ver, decided, title");
	free(out);
	out = RUN(d, 64, "get", "1 - 2026", "-o", "ref");
	H_ASSERT_CONTAINS(out, "prints no table");
	free(out);

	/* libsmartcols' JSON: the rows with lower-case keys, numbers as numbers, null when none. */
	out = RUN(d, 0, "list", "--output-format", "json");
	json_t *j = h_json(out);
	if (!j)
		fail_msg("not JSON: %s", out);
	H_ASSERT_STR(h_jstr(j, "decisions.0.title"), "\u4f1a\u8b70\u306e\u6c7a\u5b9a");
	H_ASSERT_STR(h_jstr(j, "decisions.1.title"), "Cafe\u0301");
	H_ASSERT_STR(h_jstr(j, "decisions.3.ref"), "4 - 2026");
	assert_int_equal(h_jint(j, "decisions.0.ver"), 1);
	assert_true(json_is_null(h_jpath(j, "decisions.0.decided")));
	assert_int_equal(json_array_size(h_jpath(j, "decisions")), 4);
	json_decref(j);
	free(out);
	/* With --output too; a command whose reply is no table prints the reply's JSON. */
	out = RUN(d, 0, "--output-format=json", "-oref", "list");
	j = h_json(out);
	assert_non_null(j);
	assert_null(h_jpath(j, "decisions.0.title"));
	H_ASSERT_STR(h_jstr(j, "decisions.0.ref"), "1 - 2026");
	json_decref(j);
	free(out);
	out = RUN(d, 0, "get", "2 - 2026", "--output-format", "json");
	j = h_json(out);
	assert_non_null(j);
	H_ASSERT_STR(h_jstr(j, "decision.title"), "Cafe\u0301");
	json_decref(j);
	free(out);
	/* --json keeps its meaning for scripts: the reply, next and all. */
	out = RUN(d, 0, "list", "--json", "--limit", "1");
	j = h_json(out);
	assert_non_null(j);
	H_ASSERT_STR(h_jstr(j, "next"), "1 - 2026");
	json_decref(j);
	free(out);
	H_PASS(d);
}

/* The state of a pseudo-terminal run: what the terminal showed, and the exit status. */
struct tty_run {
	char out[65536];
	size_t len;
	int status;
};

/*
 * Run the CLI on a pseudo-terminal 100 columns wide, with env ("K=V") set
 * and unset ("K=" alone unsets K) over this process's environment, and
 * collect everything the terminal receives until the CLI and its pager
 * are gone.
 */
static void run_tty(struct h_daemon *d, struct tty_run *r, const char *const *env,
                    const char *const *args)
{
	struct winsize ws = {.ws_row = 40, .ws_col = 100};
	const char *argv[MAX_ARGS + 1] = {DOCKET_CLI_PATH};
	int master;
	size_t n = 1;

	for (size_t i = 0; args[i] && n < MAX_ARGS; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	pid_t pid = forkpty(&master, NULL, NULL, &ws);
	assert_true(pid >= 0);
	if (pid == 0) {
		char ep[300], ev[300];
		snprintf(ep, sizeof ep, "%s", d->cmd);
		snprintf(ev, sizeof ev, "%s", d->ev);
		static const char *const clean[] = {"NO_COLOR", "PAGER",           "DOCKET_PAGER",
		                                    "LESS",     "DOCKET_TIMEZONE", NULL};
		for (size_t i = 0; clean[i]; i++)
			unsetenv(clean[i]);
		setenv("TERM", "xterm", 1);
		setenv("DOCKET_ENDPOINT", ep, 1);
		setenv("DOCKET_EVENTS", ev, 1);
		for (size_t i = 0; env && env[i]; i++) {
			const char *eq = strchr(env[i], '=');
			char name[64];
			snprintf(name, sizeof name, "%.*s", (int)(eq - env[i]), env[i]);
			if (eq[1])
				setenv(name, eq + 1, 1);
			else
				unsetenv(name);
		}
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	h_track(d, pid);
	r->len = 0;
	/* The terminal reads EIO once every process holding its other side is gone. */
	for (;;) {
		struct pollfd pfd = {master, POLLIN, 0};
		int ready = poll(&pfd, 1, H_WAIT_MS);
		if (ready <= 0)
			fail_msg("no end of output on the terminal within %d ms", H_WAIT_MS);
		ssize_t got = read(master, r->out + r->len, sizeof r->out - 1 - r->len);
		if (got <= 0)
			break;
		r->len += (size_t)got;
	}
	r->out[r->len] = '\0';
	close(master);
	r->status = h_reap(d, pid, H_WAIT_MS);
}

#define TTY(d, r, env, ...) run_tty((d), (r), (env), (const char *const[]){__VA_ARGS__, NULL})

/* Decisions in coloured states: submitted (yellow), rejected (red), endorsed (green). */
static void coloured_states(struct h_daemon *d)
{
	docket_msg *m = NULL;
	draft(d, "10 - 2026", "Submitted one");
	draft(d, "11 - 2026", "Rejected one");
	assert_int_equal(h_call(d, &m, "submit", "ref", "10 - 2026", NULL), 0);
	docket_msg_destroy(&m);
	assert_int_equal(h_call(d, &m, "submit", "ref", "11 - 2026", NULL), 0);
	docket_msg_destroy(&m);
	assert_int_equal(h_call(d, &m, "reject", "ref", "11 - 2026", "reason", "no", NULL), 0);
	docket_msg_destroy(&m);
}

static bool exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

/*
 * On a terminal: colour, and the pager (DOCKET_PAGER over PAGER) with
 * LESS=FRX; --no-pager and NO_COLOR turn each off. In a pipe neither, with
 * both pagers set: no escape reaches a script.
 */
static void test_terminal_and_pipe(void **state)
{
	struct h_daemon *d = *state;
	struct tty_run *r = calloc(1, sizeof *r);
	char marker[160], wrong[200], pager[400], other[400], env_less[200];

	assert_non_null(r);
	coloured_states(d);
	snprintf(marker, sizeof marker, "%s/paged", d->dir);
	/* The pager proves it ran, and shows what it was given (and its LESS) on the terminal. */
	snprintf(pager, sizeof pager, "DOCKET_PAGER=echo \"LESS=$LESS\" > %s; cat", marker);
	snprintf(wrong, sizeof wrong, "%s.wrong", marker);
	snprintf(other, sizeof other, "PAGER=touch %s; cat", wrong);

	TTY(d, r, ((const char *const[]){pager, other, NULL}), "list");
	assert_int_equal(r->status, 0);
	assert_true(exists(marker));
	assert_false(exists(wrong));
	char *less = h_read_file(marker, NULL);
	H_ASSERT_STR(less, "LESS=FRX\n");
	free(less);
	/* Colour: the states, as SGR sequences around the word. */
	H_ASSERT_CONTAINS(r->out, "10 - 2026");
	H_ASSERT_CONTAINS(r->out, "\033[");
	H_ASSERT_CONTAINS(r->out, "rejected");
	unlink(marker);

	/* A LESS of the user's own is kept. */
	snprintf(env_less, sizeof env_less, "LESS=-S");
	TTY(d, r, ((const char *const[]){pager, env_less, NULL}), "list");
	less = h_read_file(marker, NULL);
	H_ASSERT_STR(less, "LESS=-S\n");
	free(less);
	unlink(marker);

	/* --no-pager: no pager; colour still. */
	TTY(d, r, ((const char *const[]){pager, NULL}), "list", "--no-pager");
	assert_int_equal(r->status, 0);
	assert_false(exists(marker));
	H_ASSERT_CONTAINS(r->out, "\033[");

	/* NO_COLOR (not empty): no escape; --color=always wins over it. */
	TTY(d, r, ((const char *const[]){"NO_COLOR=1", NULL}), "--no-pager", "list");
	H_ASSERT_CONTAINS(r->out, "rejected");
	ASSERT_LACKS(r->out, "\033[");
	TTY(d, r, ((const char *const[]){"NO_COLOR=1", NULL}), "--no-pager", "--color=always",
	    "list");
	H_ASSERT_CONTAINS(r->out, "\033[");
	TTY(d, r, NULL, "--no-pager", "--color=never", "list");
	ASSERT_LACKS(r->out, "\033[");

	/* A refusal's code in colour on a terminal's stderr. */
	TTY(d, r, NULL, "--no-pager", "submit", "11 - 2026");
	assert_int_equal(r->status, 1);
	H_ASSERT_CONTAINS(r->out, "invalid_transition");
	H_ASSERT_CONTAINS(r->out, "\033[");

	/* In a pipe: no pager and no colour, whatever PAGER and DOCKET_PAGER say. */
	char *out = RUN_ENV(d, 0, ((const char *const[]){pager, other, NULL}), "list");
	assert_false(exists(marker));
	H_ASSERT_CONTAINS(out, "rejected");
	ASSERT_LACKS(out, "\033[");
	free(out);
	out = RUN_ENV(d, 0, ((const char *const[]){pager, NULL}), "cursors");
	ASSERT_LACKS(out, "\033[");
	free(out);
	/* --color=always is for a pipe that wants them. */
	out = RUN(d, 0, "list", "--color=always");
	H_ASSERT_CONTAINS(out, "\033[");
	free(out);
	/* The refusal in a pipe: plain. */
	out = RUN(d, 1, "submit", "11 - 2026");
	H_ASSERT_CONTAINS(out, "docket: invalid_transition: ");
	free(out);
	free(r);
	H_PASS(d);
}

/* A file in dir, written whole. */
static void write_text(const char *dir, const char *name, const char *text, char *path, size_t size)
{
	snprintf(path, size, "%s/%s", dir, name);
	assert_int_equal(h_write_bytes(path, text, strlen(text)), 0);
}

/*
 * $XDG_CONFIG_HOME/docket/docket.conf: the endpoint, the time zone, the
 * output style and colour; the environment and the command line win over
 * it; a bad line exits 78 naming the file and line.
 */
static void test_user_config(void **state)
{
	struct h_daemon *d = *state;
	char xdg[128], dir[160], path[200], conf[1024];
	docket_msg *m = NULL;

	snprintf(xdg, sizeof xdg, "%s/config", d->dir);
	snprintf(dir, sizeof dir, "%s/docket", xdg);
	assert_int_equal(mkdir(xdg, 0700), 0);
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(setenv("XDG_CONFIG_HOME", xdg, 1), 0);
	assert_int_equal(h_call(d, &m, "meeting_add", "panel", "Panel", "starts_at",
	                        "2030-07-01T14:00:00Z", NULL),
	                 0);
	docket_msg_destroy(&m);

	/* No DOCKET_ENDPOINT: the config's endpoint; its zone for every time shown. */
	snprintf(conf, sizeof conf,
	         "# docket(1)\n[docket]\nendpoint = %s\ntimezone = America/New_York\n", d->cmd);
	write_text(dir, "docket.conf", conf, path, sizeof path);
	const char *argv[] = {DOCKET_CLI_PATH, "meetings", NULL};
	struct h_proc p;
	assert_int_equal(h_run(&p, argv, NULL, 20000), 0);
	if (p.status != 0)
		fail_msg("exit %d: %s", p.status, p.err);
	H_ASSERT_CONTAINS(p.out, "1 Jul 2030 10:00 EDT");
	h_proc_free(&p);
	/* The environment's zone over the config's; the command line's over both. */
	char *out = RUN_ENV(d, 0, ((const char *const[]){"DOCKET_TIMEZONE=Europe/Paris", NULL}),
	                    "meetings");
	H_ASSERT_CONTAINS(out, "1 Jul 2030 16:00 CEST");
	free(out);
	out = RUN_ENV(d, 0, ((const char *const[]){"DOCKET_TIMEZONE=Europe/Paris", NULL}),
	              "meetings", "--timezone", "UTC");
	H_ASSERT_CONTAINS(out, "1 Jul 2030 14:00 UTC");
	free(out);
	/* office: docketd's zone (Europe/London), as without the setting. */
	out = RUN(d, 0, "meetings", "--timezone=office");
	H_ASSERT_CONTAINS(out, "1 Jul 2030 15:00 BST");
	free(out);
	out = RUN(d, 0, "meetings", "--utc");
	H_ASSERT_CONTAINS(out, "1 Jul 2030 14:00 UTC");
	free(out);
	out = RUN(d, 64, "meetings", "--timezone", "Mars/Olympus");
	H_ASSERT_CONTAINS(out, "Mars/Olympus");
	free(out);

	/* output = json: tables as JSON rows, other replies as --json; --output-format wins. */
	draft(d, "1 - 2026", "One");
	write_text(dir, "docket.conf", "[docket]\noutput = json\ncolor = always\n", path,
	           sizeof path);
	out = RUN(d, 0, "list");
	json_t *j = h_json(out);
	if (!j)
		fail_msg("not JSON: %s", out);
	H_ASSERT_STR(h_jstr(j, "decisions.0.ref"), "1 - 2026");
	json_decref(j);
	free(out);
	out = RUN(d, 0, "list", "--output-format", "table");
	H_ASSERT_CONTAINS(out, "REF");
	/* color = always from the config, in a pipe. */
	H_ASSERT_CONTAINS(out, "\033[");
	free(out);
	out = RUN(d, 0, "list", "--output-format", "table", "--color=auto");
	ASSERT_LACKS(out, "\033[");
	free(out);

	/* Bad lines: exit 78, "PATH:LINE: why", before anything is sent. */
	static const struct {
		const char *text, *line, *why;
	} bad[] = {
	    {"[docket]\noutput = xml\n", ":2: ", "output"},
	    {"[docket]\n\ncolour = never\n", ":3: ", "unknown setting 'colour'"},
	    {"[docket]\ntimezone = Mars/Olympus\n", ":2: ", "Mars/Olympus"},
	    {"[docket\n", ":1: ", ""},
	    {"endpoint = x\n", ":1: ", "[docket]"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char want[300];
		write_text(dir, "docket.conf", bad[i].text, path, sizeof path);
		out = RUN(d, 78, "draft", "9 - 2026", "--title", "t", "--text", "t",
		          "--justification", "j", "--maker", "pcc", "--category", "other");
		snprintf(want, sizeof want, "docket: %s%s", path, bad[i].line);
		H_ASSERT_CONTAINS(out, want);
		H_ASSERT_CONTAINS(out, bad[i].why);
		free(out);
	}
	assert_int_equal(h_call(d, &m, "get", "ref", "9 - 2026", NULL), -DOCKET_ENOTFOUND);
	docket_msg_destroy(&m);
	unsetenv("XDG_CONFIG_HOME");
	H_PASS(d);
}

/* getopt_long: every documented form of an option, globals on either side, "--". */
static void test_options(void **state)
{
	struct h_daemon *d = *state;
	char eq[300], joined[300];

	draft(d, "-1", "Dash");
	/* -e VALUE, -eVALUE, --endpoint=VALUE, after the command too. */
	snprintf(eq, sizeof eq, "--endpoint=%s", d->cmd);
	snprintf(joined, sizeof joined, "-e%s", d->cmd);
	const char *const *forms[] = {
	    (const char *const[]){"-e", d->cmd, "--json", "get", "--", "-1", NULL},
	    (const char *const[]){joined, "get", "--json", "--", "-1", NULL},
	    (const char *const[]){"get", eq, "--json", "--", "-1", NULL},
	    (const char *const[]){"--json", "--", "get", "-1", NULL},
	};
	for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
		char *out =
		    run_env(d, 0, (const char *const[]){"DOCKET_ENDPOINT=ipc:///nonexistent", NULL},
		            forms[i]);
		json_t *j = h_json(out);
		if (!j)
			fail_msg("form %zu: not JSON: %s", i, out);
		H_ASSERT_STR(h_jstr(j, "decision.title"), "Dash");
		json_decref(j);
		free(out);
	}
	/* Usage errors, with the messages of the parser before getopt_long. */
	const struct {
		const char *const *args;
		const char *message;
	} bad[] = {
	    {(const char *const[]){"list", "--bogus", NULL}, "unknown option --bogus"},
	    {(const char *const[]){"--bogus", "list", NULL}, "unknown option --bogus"},
	    {(const char *const[]){"list", "--json=yes", NULL}, "--json takes no value"},
	    {(const char *const[]){"import", "--dry-run=yes", "f", NULL},
	     "--dry-run takes no value"},
	    {(const char *const[]){"list", "--limit", NULL}, "--limit needs a value"},
	    {(const char *const[]){"list", "-x", NULL}, "unknown option -x"},
	    /* Whole names only: no abbreviations. */
	    {(const char *const[]){"list", "--lim", "3", NULL}, "unknown option --lim"},
	    {(const char *const[]){"get", "-1", NULL}, "unknown option -1"},
	    {(const char *const[]){"cursor", "frob", NULL}, "unknown cursor command 'frob'"},
	    {(const char *const[]){"keys", "frob", NULL}, "unknown keys command 'frob'"},
	    {(const char *const[]){"--color=rainbow", "list", NULL}, "auto, always or never"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *err = run_env(d, 64, NULL, bad[i].args);
		H_ASSERT_CONTAINS(err, bad[i].message);
		free(err);
	}
	/* help COMMAND; cursor add; keys list; report render: the words that name commands. */
	char *out = RUN(d, 0, "help", "cursor", "add");
	H_ASSERT_CONTAINS(out, "usage: docket cursor-add");
	free(out);
	out = RUN(d, 0, "report", "render", "--help");
	H_ASSERT_CONTAINS(out, "usage: docket render");
	free(out);
	out = RUN(d, 0, "--json", "cursor", "add", "c1", "decision.", "--ack-wait=5");
	H_ASSERT_CONTAINS(out, "\"ack_wait\": 5");
	free(out);
	/*
	 * A command's option wins over the global of the same name after the
	 * command's name: watch --timeout S is its run time (exit 0 at once
	 * with --count 0 is not allowed, so a short run with nothing to see),
	 * the global --timeout MS before it the wait for docketd.
	 */
	double start = h_now();
	out = RUN(d, 75, "--timeout", "5000", "watch", "--timeout", "0.3", "--count", "1");
	assert_true(h_now() - start < 5.0);
	free(out);
	out = RUN(d, 64, "--timeout", "0.3", "watch");
	H_ASSERT_CONTAINS(out, "bad timeout");
	free(out);
	H_PASS(d);
}

int main(void)
{
	/* A pager that ends first must not end the test run with it. */
	signal(SIGPIPE, SIG_IGN);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_table_wide, h_setup_started, h_teardown),
	    cmocka_unit_test_setup_teardown(test_terminal_and_pipe, h_setup_started, h_teardown),
	    cmocka_unit_test_setup_teardown(test_user_config, h_setup_started, h_teardown),
	    cmocka_unit_test_setup_teardown(test_options, h_setup_started, h_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
