/*
 * docketd as a process: options, exit codes (sysexits), signals, reloads,
 * and what it does with a database that is not one.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

static int lines(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static bool exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

static void test_help_and_version(void **state)
{
	(void)state;
	struct h_proc p;
	const char *help[] = {DOCKETD_PATH, "--help", NULL};
	assert_int_equal(h_run(&p, help, NULL, H_WAIT_MS), 0);
	assert_int_equal(p.status, 0);
	H_ASSERT_CONTAINS(p.out, "Usage: docketd");
	H_ASSERT_CONTAINS(p.out, "--state-dir");
	H_ASSERT_CONTAINS(p.out, "--listen");
	H_ASSERT_STR(p.err, "");
	h_proc_free(&p);

	const char *version[] = {DOCKETD_PATH, "--version", NULL};
	assert_int_equal(h_run(&p, version, NULL, H_WAIT_MS), 0);
	assert_int_equal(p.status, 0);
	H_ASSERT_STR(p.out, "docketd " DOCKET_VERSION "\n");
	h_proc_free(&p);

	const char *bad[] = {DOCKETD_PATH, "--no-such-option", NULL};
	assert_int_equal(h_run(&p, bad, NULL, H_WAIT_MS), 0);
	assert_int_equal(p.status, EX_USAGE);
	H_ASSERT_CONTAINS(p.err, "Usage: docketd");
	H_ASSERT_STR(p.out, "");
	h_proc_free(&p);

	const char *extra[] = {DOCKETD_PATH, "surplus", NULL};
	assert_int_equal(h_run(&p, extra, NULL, H_WAIT_MS), 0);
	assert_int_equal(p.status, EX_USAGE);
	H_ASSERT_CONTAINS(p.err, "surplus");
	h_proc_free(&p);
}

/*
 * docketd with config text must exit 78 before creating anything, with
 * one line on stderr naming the file, the line and what is wrong.
 */
static void config_refused(struct h_daemon *d, const char *text, int line, const char *what)
{
	char where[160];
	assert_int_equal(h_write_config(d, text), 0);
	assert_int_equal(h_start(d), -1);
	assert_int_equal(d->status, EX_CONFIG);
	char *err = h_stderr(d);
	assert_non_null(err);
	if (lines(err) != 1)
		fail_msg("expected one line on stderr, got:\n%s", err);
	if (line > 0)
		snprintf(where, sizeof where, "%s:%d:", d->config, line);
	else
		snprintf(where, sizeof where, "%s", d->config);
	H_ASSERT_CONTAINS(err, where);
	H_ASSERT_CONTAINS(err, what);
	free(err);
	assert_false(exists(d->state_dir));
	/* Start the next case with an empty stderr. */
	assert_int_equal(h_write_bytes(d->stderr_path, "", 0), 0);
}

static void test_bad_config(void **state)
{
	struct h_daemon *d = *state;
	config_refused(d, "[docketd]\n# the daemon\nbogus = 1\n", 3, "bogus");
	config_refused(d, "[docketd]\nbatch_max = 0\n", 2, "batch_max");
	config_refused(d, "[docketd]\nevent_hwm = lots\n", 2, "event_hwm");
	config_refused(d, "\n[principal]\nname = office\nroles = staff, janitor\n", 4, "janitor");
	config_refused(d, "[elsewhere]\nkey = 1\n", 2, "elsewhere");
	config_refused(d, "[docketd\n", 1, "docketd.ini");
	/* A file that is not there. */
	h_rmrf(d->config);
	assert_int_equal(h_start(d), -1);
	assert_int_equal(d->status, EX_CONFIG);
	char *err = h_stderr(d);
	H_ASSERT_CONTAINS(err, d->config);
	assert_int_equal(lines(err), 1);
	free(err);
	H_PASS(d);
}

static void test_unusable_state_dir(void **state)
{
	struct h_daemon *d = *state;
	char file[128];
	snprintf(file, sizeof file, "%s/plain-file", d->dir);
	assert_int_equal(h_write_bytes(file, "x", 1), 0);
	snprintf(d->state_dir, sizeof d->state_dir, "%s/sub", file);
	assert_int_equal(h_start(d), -1);
	assert_int_equal(d->status, EX_CANTCREAT);
	char *err = h_stderr(d);
	H_ASSERT_CONTAINS(err, d->state_dir);
	free(err);
	H_PASS(d);
}

static void test_endpoint_in_use(void **state)
{
	struct h_daemon *d = *state;
	assert_int_equal(h_start(d), 0);

	/* Another daemon, its own state, the first one's command endpoint. */
	struct h_daemon *two = h_peer(d);
	assert_non_null(two);
	snprintf(two->cmd, sizeof two->cmd, "%s", d->cmd);
	int rc = h_start(two);
	if (rc == 0) {
		/* Say where new connections to the endpoint now go. */
		docket_client_destroy(&d->client);
		assert_int_equal(docket_client_new(&d->client, d->cmd), 0);
		docket_client_set_timeout(d->client, H_WAIT_MS);
		assert_int_equal(h_draft(d, "which", NULL), 0);
		docket_msg *m = NULL;
		bool second = h_call(two, &m, "get", "ref", "which", NULL) == 0;
		docket_msg_destroy(&m);
		fail_msg("a second docketd started on %s, which the first one holds; new "
		         "connections now reach the %s one",
		         d->cmd, second ? "second" : "first");
	}
	assert_int_equal(rc, -1);
	assert_int_equal(two->status, EX_UNAVAILABLE);
	char *err = h_stderr(two);
	H_ASSERT_CONTAINS(err, d->cmd);
	free(err);
	/* The first one still serves. */
	assert_int_equal(h_draft(d, "still-here", NULL), 0);
	H_PASS(d);
}

static void test_tcp_endpoint_in_use(void **state)
{
	struct h_daemon *d = *state;
	/* Hold a port the kernel chose: nobody else can take it meanwhile. */
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof sa;
	assert_true(s >= 0);
	assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(listen(s, 1), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)&sa, &len), 0);
	snprintf(d->cmd, sizeof d->cmd, "tcp://127.0.0.1:%u", ntohs(sa.sin_port));
	int rc = h_start(d);
	close(s);
	assert_int_equal(rc, -1);
	assert_int_equal(d->status, EX_UNAVAILABLE);
	char *err = h_stderr(d);
	H_ASSERT_CONTAINS(err, d->cmd);
	free(err);
	H_PASS(d);
}

static void test_state_dir_in_use(void **state)
{
	struct h_daemon *d = *state;
	assert_int_equal(h_start(d), 0);
	struct h_daemon *two = h_peer(d);
	assert_non_null(two);
	snprintf(two->state_dir, sizeof two->state_dir, "%s", d->state_dir);
	assert_int_equal(h_start(two), -1);
	assert_int_equal(two->status, EX_TEMPFAIL);
	char *err = h_stderr(two);
	H_ASSERT_CONTAINS(err, "in use");
	free(err);
	assert_int_equal(h_draft(d, "still-here", NULL), 0);
	H_PASS(d);
}

static void test_sigterm(void **state)
{
	struct h_daemon *d = *state;
	assert_int_equal(h_draft(d, "before-stop", NULL), 0);
	h_signal(d, SIGTERM);
	assert_int_equal(h_wait_notify(d, "STOPPING=1", H_WAIT_MS), 0);
	assert_int_equal(h_wait_exit(d, H_WAIT_MS), 0);
	char *err = h_stderr(d);
	H_ASSERT_CONTAINS(err, "stopping");
	free(err);
	/* And SIGINT the same, after a restart that keeps the data. */
	assert_int_equal(h_start(d), 0);
	docket_msg *m = NULL;
	assert_int_equal(h_call(d, &m, "get", "ref", "before-stop", NULL), 0);
	docket_msg_destroy(&m);
	h_signal(d, SIGINT);
	assert_int_equal(h_wait_notify(d, "STOPPING=1", H_WAIT_MS), 0);
	assert_int_equal(h_wait_exit(d, H_WAIT_MS), 0);
	H_PASS(d);
}

static int call(struct h_daemon *d, const char *op, const char *ref)
{
	docket_msg *m = NULL;
	int rc = h_call(d, &m, op, "ref", ref, NULL);
	docket_msg_destroy(&m);
	return rc;
}

#define ALL_ROLES "[principal]\nname = office\nroles = staff, commissioner, secretariat, reader\n"

static void test_sighup_reload(void **state)
{
	struct h_daemon *d = *state;
	assert_int_equal(h_write_config(d, ALL_ROLES), 0);
	assert_int_equal(h_start(d), 0);
	assert_int_equal(h_draft(d, "R1", NULL), 0);
	assert_int_equal(call(d, "submit", "R1"), 0);
	assert_int_equal(h_draft(d, "E1", NULL), 0);
	assert_int_equal(call(d, "submit", "E1"), 0);
	assert_int_equal(call(d, "endorse", "E1"), 0);

	/* Fewer roles: commissioner and secretariat commands are refused, staff ones are not. */
	assert_int_equal(h_write_config(d, "[principal]\nname = office\nroles = staff, reader\n"),
	                 0);
	h_signal(d, SIGHUP);
	assert_int_equal(h_wait_notify(d, "configuration reloaded", H_WAIT_MS), 0);
	assert_int_equal(call(d, "endorse", "R1"), -DOCKET_EFORBIDDEN);
	assert_int_equal(call(d, "publish", "E1"), -DOCKET_EFORBIDDEN);
	assert_int_equal(h_draft(d, "R2", NULL), 0);
	assert_int_equal(call(d, "submit", "R2"), 0);

	/* A broken file is refused as a whole: the running settings stay. */
	assert_int_equal(h_write_config(d, ALL_ROLES "bogus = 1\n"), 0);
	size_t from = h_stderr_size(d);
	h_signal(d, SIGHUP);
	assert_int_equal(h_wait_stderr(d, from, "reload refused", H_WAIT_MS), 0);
	char *err = h_stderr(d);
	H_ASSERT_CONTAINS(err + from, "docketd.ini:4:");
	free(err);
	assert_true(h_alive(d));
	assert_int_equal(call(d, "endorse", "R1"), -DOCKET_EFORBIDDEN);
	assert_int_equal(h_draft(d, "R3", NULL), 0);

	/* A good file after that is taken again. */
	assert_int_equal(h_write_config(d, ALL_ROLES), 0);
	h_signal(d, SIGHUP);
	assert_int_equal(h_wait_notify(d, "configuration reloaded", H_WAIT_MS), 0);
	assert_int_equal(call(d, "endorse", "R1"), 0);
	assert_int_equal(call(d, "publish", "E1"), 0);
	assert_int_equal(h_stop(d, H_WAIT_MS), 0);
	H_PASS(d);
}

static void test_corrupt_database(void **state)
{
	struct h_daemon *d = *state;
	char db[300];
	unsigned char junk[16384];
	/* Deterministic noise (xorshift), so a failure can be reproduced. */
	uint32_t x = 2463534242u;
	for (size_t i = 0; i < sizeof junk; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		junk[i] = (unsigned char)x;
	}
	assert_int_equal(mkdir(d->state_dir, 0750), 0);
	snprintf(db, sizeof db, "%s/docket.db", d->state_dir);
	assert_int_equal(h_write_bytes(db, junk, sizeof junk), 0);

	assert_int_equal(h_start(d), -1);
	assert_int_equal(d->status, EX_DATAERR);
	char *err = h_stderr(d);
	H_ASSERT_CONTAINS(err, "database");
	H_ASSERT_CONTAINS(err, "not a database");
	free(err);

	/* The file is exactly as it was. */
	size_t len;
	char *after = h_read_file(db, &len);
	assert_non_null(after);
	assert_int_equal(len, sizeof junk);
	assert_memory_equal(after, junk, sizeof junk);
	free(after);

	/* The same again: still refused, still untouched. */
	assert_int_equal(h_start(d), -1);
	assert_int_equal(d->status, EX_DATAERR);
	after = h_read_file(db, &len);
	assert_int_equal(len, sizeof junk);
	assert_memory_equal(after, junk, sizeof junk);
	free(after);
	H_PASS(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_help_and_version),
	    cmocka_unit_test_setup_teardown(test_bad_config, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_unusable_state_dir, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_endpoint_in_use, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_tcp_endpoint_in_use, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_state_dir_in_use, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_sigterm, h_setup_started, h_teardown),
	    cmocka_unit_test_setup_teardown(test_sighup_reload, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_corrupt_database, h_setup, h_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
