/*
 * docketd's configuration: the file, its drop-ins (FILE.d/NAME.conf) and the
 * command line in that order, every error with its file and line, and
 * --check-config, which checks without creating or binding anything.
 */
#include <arpa/inet.h>
#include <dirent.h>
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

static bool exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

static int lines(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* DIR/docketd.ini.d, made when missing, and a drop-in in it written with text. */
static void dropin(struct h_daemon *d, const char *name, const char *text)
{
	char path[256];
	snprintf(path, sizeof path, "%s.d", d->config);
	if (!exists(path))
		assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof path, "%s.d/%s", d->config, name);
	assert_int_equal(h_write_bytes(path, text, strlen(text)), 0);
}

/* docketd --check-config -c FILE with d's state directory and endpoints, then more. */
static void check(struct h_daemon *d, struct h_proc *p, const char *const *more)
{
	const char *argv[24] = {DOCKETD_PATH, "--check-config", "-c",        d->config,
	                        "--state-dir", d->state_dir,     "--listen", d->cmd,
	                        "--publish",   d->ev};
	int n = 10;
	for (size_t i = 0; more && more[i]; i++)
		argv[n++] = more[i];
	argv[n] = NULL;
	assert_int_equal(h_run(p, argv, NULL, H_WAIT_MS), 0);
}

/* Fail unless err holds a line that starts with "DIR/name:line: " and contains what. */
static void has_error(const char *err, const char *path, int line, const char *what)
{
	char head[300], one[1024];
	snprintf(head, sizeof head, "%s:%d: ", path, line);
	for (const char *l = err; l && *l; l += strcspn(l, "\n") + (l[strcspn(l, "\n")] != 0)) {
		snprintf(one, sizeof one, "%.*s", (int)strcspn(l, "\n"), l);
		if (strncmp(one, head, strlen(head)) == 0 && strstr(one, what))
			return;
	}
	fail_msg("no line \"%s ... %s\" in:\n%s", head, what, err ? err : "(null)");
}

/* The names in dir, sorted and joined, to compare a directory before and after. */
static char *listing(const char *dir)
{
	struct dirent **list;
	int n = scandir(dir, &list, NULL, alphasort);
	assert_true(n >= 0);
	size_t cap = 1, len = 0;
	for (int i = 0; i < n; i++)
		cap += strlen(list[i]->d_name) + 1;
	char *out = calloc(1, cap);
	assert_non_null(out);
	for (int i = 0; i < n; i++) {
		len += (size_t)snprintf(out + len, cap - len, "%s/", list[i]->d_name);
		free(list[i]);
	}
	free(list);
	return out;
}

/* The commented example the packages install as /etc/docket/docketd.conf is valid. */
static void test_example_is_valid(void **state)
{
	struct h_daemon *d = *state;
	struct h_proc p;
	/* Its own endpoints (tcp, CURVE), not the harness's. */
	const char *argv[] = {DOCKETD_PATH, "--check-config", "-c", EXAMPLE_CONFIG,
	                      "--state-dir", d->state_dir, NULL};
	assert_int_equal(h_run(&p, argv, NULL, H_WAIT_MS), 0);
	H_ASSERT_STR(p.err, "");
	assert_int_equal(p.status, 0);
	H_ASSERT_STR(p.out, "docketd: " EXAMPLE_CONFIG ": configuration valid\n");
	h_proc_free(&p);

	/* Without a file: the embedded defaults. */
	const char *none[] = {DOCKETD_PATH, "--check-config", "--state-dir", d->state_dir, NULL};
	assert_int_equal(h_run(&p, none, NULL, H_WAIT_MS), 0);
	assert_int_equal(p.status, 0);
	H_ASSERT_STR(p.out, "docketd: the embedded defaults: configuration valid\n");
	h_proc_free(&p);

	const char *help[] = {DOCKETD_PATH, "--help", NULL};
	assert_int_equal(h_run(&p, help, NULL, H_WAIT_MS), 0);
	H_ASSERT_CONTAINS(p.out, "--check-config");
	h_proc_free(&p);
	assert_false(exists(d->state_dir));
	H_PASS(d);
}

/* Drop-ins are counted; files not named NAME.conf are not read at all. */
static void test_check_dropins(void **state)
{
	struct h_daemon *d = *state;
	struct h_proc p;
	assert_int_equal(h_write_config(d, "[docketd]\nbatch_max = 128\n"), 0);
	dropin(d, "10-office.conf", "[office]\ntimezone = Europe/Dublin\n");
	dropin(d, "20-principal.conf", "[principal]\nname = clerk\nroles = staff, reader\n");
	/* Each of these would be an error if it were read. */
	dropin(d, "README", "these are not settings\n");
	dropin(d, "30-old.conf.orig", "[docketd]\nbogus = 1\n");
	dropin(d, ".40-hidden.conf", "[docketd]\nbogus = 1\n");
	check(d, &p, NULL);
	H_ASSERT_STR(p.err, "");
	assert_int_equal(p.status, 0);
	char want[300];
	snprintf(want, sizeof want, "docketd: %s: configuration valid (2 drop-ins)\n", d->config);
	H_ASSERT_STR(p.out, want);
	h_proc_free(&p);
	H_PASS(d);
}

/* Every error of every file, in file order, each with its file and line; nothing on stdout. */
static void test_check_errors(void **state)
{
	struct h_daemon *d = *state;
	struct h_proc p;
	char bad[256];
	assert_int_equal(h_write_config(d, "[docketd]\n"
	                                   "batch_max = 0\n"
	                                   "# a comment\n"
	                                   "[principal]\n"
	                                   "roles = staff, janitor\n"
	                                   "[elsewhere]\n"
	                                   "key = 1\n"
	                                   "[docketd]\n"
	                                   "bogus = 1\n"),
	                 0);
	dropin(d, "10-fine.conf", "[office]\nresponse_period = 21\n");
	/* Each drop-in starts outside any section: it does not go on with the file's last. */
	dropin(d, "15-no-section.conf", "bogus = 2\n");
	dropin(d, "20-bad.conf", "\n[office]\ntimezone = Mars/Olympus_Mons\nmood = calm\n");
	check(d, &p, NULL);
	assert_int_equal(p.status, EX_CONFIG);
	H_ASSERT_STR(p.out, "");
	has_error(p.err, d->config, 2, "docketd.batch_max: must be a whole number from 1");
	has_error(p.err, d->config, 5, "principal.roles: unknown role 'janitor'");
	has_error(p.err, d->config, 7, "unknown section [elsewhere]");
	has_error(p.err, d->config, 9, "docketd.bogus: unknown key");
	snprintf(bad, sizeof bad, "%s.d/15-no-section.conf", d->config);
	has_error(p.err, bad, 1, "bogus: a key before any [section]");
	snprintf(bad, sizeof bad, "%s.d/20-bad.conf", d->config);
	has_error(p.err, bad, 3, "office.timezone: 'Mars/Olympus_Mons' is not a time zone");
	has_error(p.err, bad, 4, "office.mood: unknown key");
	/* In the order they were read: the file, then the drop-ins by name. */
	assert_true(strstr(p.err, ":9: ") < strstr(p.err, bad));
	H_ASSERT_CONTAINS(p.err, "configuration invalid (7 errors)");
	assert_int_equal(lines(p.err), 8);
	h_proc_free(&p);
	H_PASS(d);
}

/* Lines that do not parse, and a drop-in that cannot be read. */
static void test_check_syntax_and_unreadable(void **state)
{
	struct h_daemon *d = *state;
	struct h_proc p;
	char path[256];
	assert_int_equal(h_write_config(d, "[docketd]\nbatch_max = 64\n"), 0);
	dropin(d, "10-typo.conf", "[office]\nresponse_period 28\n");
	/* inih reads 199 characters at most: a longer line is one error, at its own number. */
	char longer[300] = "[office]\n# ";
	memset(longer + strlen(longer), 'x', 220);
	strcat(longer, "\ntimezone = Europe/Paris\n");
	dropin(d, "15-long.conf", longer);
	/* The keys under a section line that does not parse are not blamed on another section. */
	dropin(d, "20-bracket.conf", "[principal\nname = clerk\n");
	check(d, &p, NULL);
	assert_int_equal(p.status, EX_CONFIG);
	snprintf(path, sizeof path, "%s.d/10-typo.conf", d->config);
	has_error(p.err, path, 2, "syntax error");
	snprintf(path, sizeof path, "%s.d/15-long.conf", d->config);
	has_error(p.err, path, 2, "line longer than 199 characters");
	snprintf(path, sizeof path, "%s.d/20-bracket.conf", d->config);
	has_error(p.err, path, 1, "syntax error");
	assert_int_equal(lines(p.err), 4);
	h_proc_free(&p);

	/* A drop-in docketd cannot read is an error, not one to skip. */
	h_rmrf(path);
	snprintf(path, sizeof path, "%s.d/30-dir.conf", d->config);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof path, "%s.d/10-typo.conf", d->config);
	h_rmrf(path);
	snprintf(path, sizeof path, "%s.d/15-long.conf", d->config);
	h_rmrf(path);
	check(d, &p, NULL);
	assert_int_equal(p.status, EX_CONFIG);
	snprintf(path, sizeof path, "%s.d/30-dir.conf: ", d->config);
	H_ASSERT_CONTAINS(p.err, path);
	H_ASSERT_CONTAINS(p.err, "Is a directory");
	h_proc_free(&p);

	/* FILE.d that is not a directory is one too; a missing FILE.d is fine (other tests). */
	snprintf(path, sizeof path, "%s.d", d->config);
	h_rmrf(path);
	assert_int_equal(h_write_bytes(path, "x", 1), 0);
	check(d, &p, NULL);
	assert_int_equal(p.status, EX_CONFIG);
	H_ASSERT_CONTAINS(p.err, path);
	H_ASSERT_CONTAINS(p.err, "Not a directory");
	h_proc_free(&p);
	H_PASS(d);
}

/* Beyond the values: endpoints, the group, the key file, the state directory. */
static void test_check_host(void **state)
{
	struct h_daemon *d = *state;
	struct h_proc p;
	char text[1024], key[160], file[160];
	snprintf(key, sizeof key, "%s/junk.key", d->dir);
	assert_int_equal(h_write_bytes(key, "not a key\n", 10), 0);
	snprintf(file, sizeof file, "%s/plain-file", d->dir);
	assert_int_equal(h_write_bytes(file, "x", 1), 0);
	snprintf(text, sizeof text,
	         "[docketd]\n"
	         "ipc_group = no-such-group-for-docket\n"
	         "server_key = %s\n"
	         "state_dir = %s\n"
	         "listen = udp://127.0.0.1:5570\n"
	         "publish = tcp://127.0.0.1\n"
	         "[office]\n"
	         "timezone = Europe/Paris\n",
	         key, file);
	assert_int_equal(h_write_config(d, text), 0);
	/* Only the file's values: no harness endpoints or state directory on the command line. */
	const char *argv[] = {DOCKETD_PATH, "--check-config", "-c", d->config, NULL};
	assert_int_equal(h_run(&p, argv, NULL, H_WAIT_MS), 0);
	assert_int_equal(p.status, EX_CONFIG);
	H_ASSERT_STR(p.out, "");
	has_error(p.err, d->config, 2, "no group 'no-such-group-for-docket'");
	has_error(p.err, d->config, 3, key);
	has_error(p.err, d->config, 4, "is not a directory");
	has_error(p.err, d->config, 5, "tcp:// (with CURVE) and ipc:// only");
	has_error(p.err, d->config, 6, "not tcp://ADDRESS:PORT");
	assert_int_equal(lines(p.err), 6);
	h_proc_free(&p);

	/* The command line wins over the file, and its errors say so. */
	const char *cli[] = {DOCKETD_PATH,  "--check-config", "-c",        d->config,
	                     "--state-dir", d->state_dir,     "--listen",  d->cmd,
	                     "--publish",   "ipc:///no/such/directory/ev", NULL};
	assert_int_equal(h_run(&p, cli, NULL, H_WAIT_MS), 0);
	assert_int_equal(p.status, EX_CONFIG);
	H_ASSERT_CONTAINS(p.err, "command line: docketd.publish: ");
	H_ASSERT_CONTAINS(p.err, "/no/such/directory");
	assert_int_equal(lines(p.err), 4);
	h_proc_free(&p);
	H_PASS(d);
}

/*
 * --check-config creates, locks and binds nothing: a state directory that is
 * not there stays so, ipc socket files are not made, a tcp port held by
 * someone else is no error, and it runs beside a docketd that serves.
 */
static void test_check_touches_nothing(void **state)
{
	struct h_daemon *d = *state;
	struct h_proc p;
	char want[300];
	assert_int_equal(h_write_config(d, "[principal]\nname = clerk\n"), 0);
	snprintf(d->state_dir, sizeof d->state_dir, "%s/not-yet", d->dir);
	char *before = listing(d->dir);
	check(d, &p, NULL);
	H_ASSERT_STR(p.err, "");
	assert_int_equal(p.status, 0);
	snprintf(want, sizeof want, "docketd: %s: configuration valid\n", d->config);
	H_ASSERT_STR(p.out, want);
	h_proc_free(&p);
	char *after = listing(d->dir);
	H_ASSERT_STR(after, before);
	assert_false(exists(d->state_dir));
	free(after);

	/* A port the test holds, listening: docketd could not bind it, the check does not try. */
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof sa;
	assert_true(s >= 0);
	assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(listen(s, 1), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)&sa, &len), 0);
	char tcp[64];
	snprintf(tcp, sizeof tcp, "tcp://127.0.0.1:%u", ntohs(sa.sin_port));
	const char *more[] = {"--listen", tcp, NULL};
	check(d, &p, more);
	close(s);
	H_ASSERT_STR(p.err, "");
	assert_int_equal(p.status, 0);
	H_ASSERT_STR(p.out, want);
	h_proc_free(&p);
	after = listing(d->dir);
	H_ASSERT_STR(after, before);
	free(after);
	free(before);

	/* Beside a docketd serving that state directory and those endpoints. */
	assert_int_equal(h_start(d), 0);
	check(d, &p, NULL);
	H_ASSERT_STR(p.err, "");
	assert_int_equal(p.status, 0);
	h_proc_free(&p);
	assert_int_equal(h_draft(d, "still-serving", NULL), 0);
	H_PASS(d);
}

/* The actor of the next decision.drafted d's principal causes. */
static void drafted_by(struct h_daemon *d, const char *ref, const char *actor)
{
	docket_msg *m = h_draft_seen(d, ref);
	H_ASSERT_STR(h_str(m, "actor"), actor);
	docket_msg_destroy(&m);
}

/*
 * Defaults < file < drop-ins in name order < command line, as docketd runs
 * them: the principal's name from the first drop-in, its roles from the
 * second, the command endpoint from the command line. SIGHUP rereads the
 * drop-ins too.
 */
static void test_precedence(void **state)
{
	struct h_daemon *d = *state;
	char text[512], file_cmd[160], dropin_cmd[160];
	snprintf(file_cmd, sizeof file_cmd, "%s/file-cmd", d->dir);
	snprintf(dropin_cmd, sizeof dropin_cmd, "%s/dropin-cmd", d->dir);
	snprintf(text, sizeof text,
	         "[docketd]\nlisten = ipc://%s\n[principal]\nname = from-file\nroles = reader\n",
	         file_cmd);
	assert_int_equal(h_write_config(d, text), 0);
	snprintf(text, sizeof text,
	         "[docketd]\nlisten = ipc://%s\n[principal]\nname = from-dropin\nroles = reader\n",
	         dropin_cmd);
	dropin(d, "10-name.conf", text);
	dropin(d, "20-roles.conf", "[principal]\nroles = staff, reader\n");
	dropin(d, "notes.txt", "[principal]\nroles = reader\n");
	assert_int_equal(h_start(d), 0);
	/* The client reached the command line's endpoint; the others were never bound. */
	assert_false(exists(file_cmd));
	assert_false(exists(dropin_cmd));
	drafted_by(d, "P-1", "from-dropin");

	/* A drop-in changed and reloaded: the principal keeps its name and loses staff. */
	dropin(d, "20-roles.conf", "[principal]\nroles = reader\n");
	h_signal(d, SIGHUP);
	assert_int_equal(h_wait_notify(d, "configuration reloaded", H_WAIT_MS), 0);
	docket_msg *m = h_refuse(d, DOCKET_EFORBIDDEN, "draft", "ref", "P-2", "title", "t", NULL);
	docket_msg_destroy(&m);

	/* A bad drop-in refuses the reload, naming itself; the running settings stay. */
	dropin(d, "20-roles.conf", "[principal]\nroles = staff\n");
	dropin(d, "30-bad.conf", "[principal]\n\nroles = janitor\n");
	size_t from = h_stderr_size(d);
	h_signal(d, SIGHUP);
	assert_int_equal(h_wait_stderr(d, from, "reload refused", H_WAIT_MS), 0);
	char *err = h_stderr(d);
	snprintf(text, sizeof text, "%s.d/30-bad.conf:3: principal.roles", d->config);
	H_ASSERT_CONTAINS(err + from, text);
	free(err);
	m = h_refuse(d, DOCKET_EFORBIDDEN, "draft", "ref", "P-3", "title", "t", NULL);
	docket_msg_destroy(&m);
	H_PASS(d);
}

/* docketd itself refuses a bad drop-in at start, with exit 78, before it creates anything. */
static void test_start_bad_dropin(void **state)
{
	struct h_daemon *d = *state;
	char where[256];
	assert_int_equal(h_write_config(d, "[docketd]\nbatch_max = 0\n"), 0);
	dropin(d, "50-late.conf", "[docketd]\n# the queue\n\nevent_hwm = many\n");
	assert_int_equal(h_start(d), -1);
	assert_int_equal(d->status, EX_CONFIG);
	char *err = h_stderr(d);
	/* Both errors, one line each. */
	snprintf(where, sizeof where, "%s:2: docketd.batch_max", d->config);
	H_ASSERT_CONTAINS(err, where);
	snprintf(where, sizeof where, "%s.d/50-late.conf:4: docketd.event_hwm", d->config);
	H_ASSERT_CONTAINS(err, where);
	assert_int_equal(lines(err), 2);
	free(err);
	assert_false(exists(d->state_dir));

	/*
	 * Values each fine alone, too few events queued for a batch: named where
	 * the last of those keys was set, the drop-in.
	 */
	assert_int_equal(h_write_bytes(d->stderr_path, "", 0), 0);
	assert_int_equal(h_write_config(d, "[docketd]\nbatch_max = 512\n"), 0);
	dropin(d, "50-late.conf", "[docketd]\n\nevent_hwm = 300\n");
	assert_int_equal(h_start(d), -1);
	assert_int_equal(d->status, EX_CONFIG);
	err = h_stderr(d);
	snprintf(where, sizeof where, "%s.d/50-late.conf:3: docketd.event_hwm: ", d->config);
	H_ASSERT_CONTAINS(err, where);
	H_ASSERT_CONTAINS(err, "batch_max 512");
	free(err);
	assert_false(exists(d->state_dir));
	H_PASS(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_example_is_valid, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_check_dropins, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_check_errors, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_check_syntax_and_unreadable, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_check_host, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_check_touches_nothing, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_precedence, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_start_bad_dropin, h_setup, h_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
