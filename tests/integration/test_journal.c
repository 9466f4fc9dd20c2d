/*
 * docketd's log under systemd's journal: structured entries through
 * sd_journal_send when standard error is the journal, readable lines
 * otherwise. The test owns the journal's socket path, where no journald
 * runs (CI's machines), and reads the native protocol's datagrams itself.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

#define JOURNAL_DIR "/run/systemd/journal"
#define JOURNAL_SOCKET JOURNAL_DIR "/socket"

/* The MESSAGE_IDs docketd(8) documents. */
#define ID_READY "7208a747cad7411fba369d9cba05a7ab"
#define ID_STOPPED "78addbd7444e48809d9ab88028c012ef"
#define ID_CHANGE "4e6c18b330124037a70269a97ed6b635"
#define ID_KEY "b420b069e2944d7d8d8b51ee2506063f"
#define ID_START_FAILED "432c1d74ce3e4f6f9fe9178a2256e521"

/* What the decision's text and justification say: they must never reach the journal. */
#define SECRET "Body worn cameras for 1,200 officers, not yet public"

static int journal_fd = -1;
/* A field no entry may hold while set ("MESSAGE_ID=..."). */
static const char *forbid;
static bool made_dir;

/* One entry: its fields as "NAME=value" lines, values with newlines flattened. */
struct entry {
	char text[8192];
};

/*
 * Parse a datagram of the native protocol (systemd's JOURNAL_NATIVE_PROTOCOL):
 * "NAME=value\n", or "NAME\n" with a 64-bit little-endian length and the
 * value's bytes for a value that holds a newline.
 */
static void parse(const char *p, size_t n, struct entry *e)
{
	size_t o = 0;
	e->text[0] = '\0';
	while (n > 0) {
		const char *nl = memchr(p, '\n', n), *eq = memchr(p, '=', n);
		if (!nl)
			break;
		if (eq && eq < nl) {
			o += (size_t)snprintf(e->text + o, sizeof e->text - o, "%.*s\n",
			                      (int)(nl - p), p);
			n -= (size_t)(nl - p) + 1;
			p = nl + 1;
			continue;
		}
		size_t name = (size_t)(nl - p);
		uint64_t len = 0;
		if (n < name + 1 + 8)
			break;
		for (int i = 7; i >= 0; i--)
			len = len << 8 | (unsigned char)nl[1 + i];
		if (n < name + 1 + 8 + len + 1)
			break;
		o += (size_t)snprintf(e->text + o, sizeof e->text - o, "%.*s=", (int)name, p);
		for (uint64_t i = 0; i < len && o + 2 < sizeof e->text; i++) {
			char c = nl[9 + i];
			e->text[o++] = c == '\n' ? ' ' : c;
		}
		o += (size_t)snprintf(e->text + o, sizeof e->text - o, "\n");
		n -= name + 1 + 8 + len + 1;
		p += name + 1 + 8 + len + 1;
	}
}

/* The value of field name in e, or NULL. */
static const char *field(const struct entry *e, const char *name, char *buf, size_t size)
{
	size_t len = strlen(name);
	for (const char *p = e->text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t line = nl ? (size_t)(nl - p) : strlen(p);
		if (line > len && !strncmp(p, name, len) && p[len] == '=') {
			snprintf(buf, size, "%.*s", (int)(line - len - 1), p + len + 1);
			return buf;
		}
		p += line + (nl != NULL);
	}
	return NULL;
}

/*
 * Wait up to timeout_ms for an entry holding every "NAME=value" of want
 * (NULL-terminated). Every entry read on the way is checked for the secret.
 */
static bool wait_entry(struct entry *e, int timeout_ms, ...)
{
	char buf[16384];
	for (;;) {
		struct pollfd p = {journal_fd, POLLIN, 0};
		if (poll(&p, 1, timeout_ms) <= 0)
			return false;
		ssize_t n = recv(journal_fd, buf, sizeof buf, 0);
		if (n <= 0)
			return false;
		parse(buf, (size_t)n, e);
		if (strstr(e->text, "not yet public") || strstr(e->text, "wide scale roll out") ||
		    strstr(e->text, "fewer complaints"))
			fail_msg("a journal entry holds a decision's text:\n%s", e->text);
		if (forbid && strstr(e->text, forbid))
			fail_msg("an entry that should not be there:\n%s", e->text);
		va_list ap;
		va_start(ap, timeout_ms);
		bool all = true;
		for (const char *want; all && (want = va_arg(ap, const char *));) {
			char line[256];
			snprintf(line, sizeof line, "%s\n", want);
			all = strncmp(e->text, line, strlen(line)) == 0 || strstr(e->text, line) != NULL;
			/* A field at the start of the text has no newline before it. */
			if (all && strncmp(e->text, line, strlen(line)) != 0) {
				char with[260];
				snprintf(with, sizeof with, "\n%s", line);
				all = strstr(e->text, with) != NULL;
			}
		}
		va_end(ap);
		if (all)
			return true;
	}
}

static int group_setup(void **state)
{
	(void)state;
	struct stat st;
	/* A journald of the machine's own, or no right to stand in for one: nothing to test here. */
	if (geteuid() != 0 || stat(JOURNAL_SOCKET, &st) == 0)
		return 0;
	made_dir = mkdir("/run/systemd", 0755) == 0;
	made_dir |= mkdir(JOURNAL_DIR, 0755) == 0;
	if (stat(JOURNAL_DIR, &st) != 0)
		return 0;
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	snprintf(a.sun_path, sizeof a.sun_path, "%s", JOURNAL_SOCKET);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	int big = 4 << 20;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
	journal_fd = fd;
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	if (journal_fd >= 0) {
		close(journal_fd);
		unlink(JOURNAL_SOCKET);
	}
	if (made_dir)
		rmdir(JOURNAL_DIR);
	return 0;
}

/* Point JOURNAL_STREAM at docketd's stderr file, as systemd does for a service. */
static void under_journal(struct h_daemon *d)
{
	static char env[96];
	struct stat st;
	if (journal_fd < 0)
		skip();
	assert_int_equal(h_write_bytes(d->stderr_path, "", 0), 0);
	assert_int_equal(stat(d->stderr_path, &st), 0);
	snprintf(env, sizeof env, "JOURNAL_STREAM=%llu:%llu", (unsigned long long)st.st_dev,
	         (unsigned long long)st.st_ino);
	d->env[0] = env;
	d->env[1] = NULL;
}

static void test_structured_entries(void **state)
{
	struct h_daemon *d = *state;
	struct entry e;
	char buf[128];
	under_journal(d);
	assert_int_equal(h_write_config(d, "[docketd]\nlog_level = debug\n"), 0);
	assert_int_equal(h_start(d), 0);

	/* First start: docketd's keys are made, each an entry of its kind. */
	assert_true(wait_entry(&e, H_WAIT_MS, "MESSAGE_ID=" ID_KEY, NULL));
	H_ASSERT_STR(field(&e, "SYSLOG_IDENTIFIER", buf, sizeof buf), "docketd");
	assert_true(wait_entry(&e, H_WAIT_MS, "MESSAGE_ID=" ID_READY, "PRIORITY=6", NULL));
	H_ASSERT_CONTAINS(field(&e, "MESSAGE", buf, sizeof buf), "ready");

	docket_msg *reply = NULL;
	assert_int_equal(h_call(d, &reply, "draft", "ref", "7/2026", "title", "Cameras",
	                        "text", SECRET, "justification", SECRET, "decision_maker", "pcc",
	                        "category", "spend", NULL),
	                 0);
	docket_msg_destroy(&reply);
	assert_true(wait_entry(&e, H_WAIT_MS, "MESSAGE_ID=" ID_CHANGE, "EVENT=decision.drafted",
	                       "DECISION_REF=7/2026", "STATE=draft", "ACTOR=office", "SEQ=1",
	                       "PRIORITY=7", NULL));
	H_ASSERT_STR(field(&e, "MESSAGE", buf, sizeof buf),
	             "seq 1: decision.drafted 7/2026 by office (draft)");
	h_change(d, "submit", "ref", "7/2026", NULL);
	assert_true(wait_entry(&e, H_WAIT_MS, "MESSAGE_ID=" ID_CHANGE, "DECISION_REF=7/2026",
	                       "STATE=submitted", "SEQ=2", NULL));

	/* Under the journal, nothing of this goes to stderr as well. */
	char *err = h_stderr(d);
	assert_null(strstr(err, "decision.drafted"));
	assert_null(strstr(err, "ready"));
	free(err);

	h_signal(d, SIGTERM);
	assert_true(wait_entry(&e, H_WAIT_MS, "MESSAGE_ID=" ID_STOPPED, NULL));
	assert_int_equal(h_wait_exit(d, H_WAIT_MS), 0);
	H_PASS(d);
}

/* The default level keeps the log's changes out of the journal: they are in the log itself. */
static void test_changes_only_at_debug(void **state)
{
	struct h_daemon *d = *state;
	struct entry e;
	under_journal(d);
	assert_int_equal(h_start(d), 0);
	assert_true(wait_entry(&e, H_WAIT_MS, "MESSAGE_ID=" ID_READY, NULL));
	assert_int_equal(h_draft(d, "8/2026", NULL), 0);
	h_signal(d, SIGTERM);
	/* Entries come in order: none for the change before the one for stopping. */
	forbid = "MESSAGE_ID=" ID_CHANGE;
	assert_true(wait_entry(&e, H_WAIT_MS, "MESSAGE_ID=" ID_STOPPED, NULL));
	forbid = NULL;
	assert_int_equal(h_wait_exit(d, H_WAIT_MS), 0);
	H_PASS(d);
}

/*
 * A JOURNAL_STREAM inherited by a process whose stderr goes elsewhere
 * names another stream: docketd writes readable lines, one per entry.
 */
static void test_lines_when_not_the_journal(void **state)
{
	struct h_daemon *d = *state;
	d->env[0] = "JOURNAL_STREAM=1:1";
	d->env[1] = NULL;
	assert_int_equal(h_write_config(d, "[docketd]\nlog_level = debug\n"), 0);
	assert_int_equal(h_start(d), 0);
	assert_int_equal(h_draft(d, "9/2026", NULL), 0);
	assert_int_equal(h_wait_stderr(d, 0, "docketd: seq 1: decision.drafted 9/2026 by office "
	                                     "(draft)\n",
	                               H_WAIT_MS),
	                 0);
	char *err = h_stderr(d);
	assert_null(strstr(err, "wide scale roll out"));
	assert_null(strstr(err, "MESSAGE_ID"));
	free(err);
	H_PASS(d);
}

/* A start refused: the reasons, then one entry of its own kind with the exit status. */
static void test_start_failed(void **state)
{
	struct h_daemon *d = *state;
	struct entry e;
	char buf[256];
	under_journal(d);
	assert_int_equal(h_write_config(d, "[docketd]\nbogus = 1\n"), 0);
	assert_int_equal(h_start(d), -1);
	assert_int_equal(d->status, 78);
	assert_true(wait_entry(&e, H_WAIT_MS, "PRIORITY=3", NULL));
	H_ASSERT_CONTAINS(field(&e, "MESSAGE", buf, sizeof buf), "docketd.bogus: unknown key");
	assert_true(wait_entry(&e, H_WAIT_MS, "MESSAGE_ID=" ID_START_FAILED, "EXIT_STATUS=78",
	                       NULL));
	H_PASS(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_structured_entries, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_changes_only_at_debug, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_lines_when_not_the_journal, h_setup,
		                                h_teardown),
		cmocka_unit_test_setup_teardown(test_start_failed, h_setup, h_teardown),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
