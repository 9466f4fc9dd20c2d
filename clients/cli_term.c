/* The terminal: colour where it is one (and NO_COLOR is not set), its width, and the pager. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

static struct {
	bool color_out, color_err;
	int width;   /* the terminal's columns; 0 when stdout is not one */
	pid_t pager; /* the pager reading stdout, or 0 */
} term;

/* Colour on the automatic setting: a terminal that shows it, and no NO_COLOR. */
static bool auto_color(int fd)
{
	const char *no = getenv("NO_COLOR"), *t = getenv("TERM");
	return isatty(fd) && !(no && *no) && !(t && !strcmp(t, "dumb"));
}

static int tty_width(int fd)
{
	struct winsize ws;
	if (!isatty(fd))
		return 0;
	if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	/* A terminal that will not say (a serial line): COLUMNS, else the classic 80. */
	const char *c = getenv("COLUMNS");
	int64_t n;
	return c && cli_parse_int(c, 1, 10000, &n) ? (int)n : 80;
}

void cli_term_setup(const struct cli *cli)
{
	term.color_out =
	    cli->color == COLOR_ALWAYS || (cli->color == COLOR_AUTO && auto_color(STDOUT_FILENO));
	term.color_err =
	    cli->color == COLOR_ALWAYS || (cli->color == COLOR_AUTO && auto_color(STDERR_FILENO));
	term.width = tty_width(STDOUT_FILENO);
}

bool cli_colored(bool err)
{
	return err ? term.color_err : term.color_out;
}

int cli_term_width(void)
{
	return term.width;
}

const char *cli_state_color(const char *state)
{
	static const struct {
		const char *state, *color;
	} colors[] = {
	    /* Refused, stopped or failed. */
	    {"rejected", "red"},
	    {"withdrawn", "red"},
	    {"cancelled", "red"},
	    {"missed", "red"},
	    /* Waiting on someone. */
	    {"submitted", "yellow"},
	    {"response_due", "yellow"},
	    {"pending", "yellow"},
	    {"postponed", "yellow"},
	    /* Done. */
	    {"endorsed", "green"},
	    {"published", "green"},
	    {"responded", "green"},
	    {"noted", "green"},
	    {"fired", "green"},
	    {"held", "green"},
	    /* Before the panel. */
	    {"scheduled", "cyan"},
	    {"reported", "cyan"},
	};
	for (size_t i = 0; state && i < sizeof colors / sizeof colors[0]; i++)
		if (!strcmp(colors[i].state, state))
			return colors[i].color;
	return NULL;
}

/* The pager's command, or NULL for none. */
static const char *pager_command(const struct cli *cli)
{
	const char *cmd = getenv("DOCKET_PAGER");
	if (!cmd)
		cmd = cli->pager;
	if (!cmd)
		cmd = getenv("PAGER");
	if (!cmd)
		cmd = "less";
	cmd += strspn(cmd, " \t");
	if (!*cmd || !strcmp(cmd, "cat") || !strcmp(cmd, "no"))
		return NULL;
	return cmd;
}

void cli_pager_start(const struct cli *cli)
{
	const char *cmd;
	int fds[2];

	if (term.pager || cli->no_pager || !isatty(STDOUT_FILENO) || !(cmd = pager_command(cli)))
		return;
	fflush(stdout);
	if (pipe(fds) < 0)
		return;
	pid_t pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return;
	}
	if (pid == 0) {
		dup2(fds[0], STDIN_FILENO);
		/* The write end open in the pager would keep it from ever reading the end. */
		close(fds[0]);
		close(fds[1]);
		/* less: quit when it fits one screen, pass colours, keep the screen. */
		setenv("LESS", "FRX", 0);
		setenv("LV", "-c", 0);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(fds[0]);
	if (dup2(fds[1], STDOUT_FILENO) < 0) {
		/* Output stays on the terminal; the pager reads nothing and ends. */
		close(fds[1]);
		waitpid(pid, NULL, 0);
		return;
	}
	close(fds[1]);
	/* A pager quit early makes writes fail with EPIPE rather than end docket mid-line. */
	signal(SIGPIPE, SIG_IGN);
	term.pager = pid;
}

bool cli_paging(void)
{
	return term.pager != 0;
}

void cli_pager_wait(void)
{
	if (!term.pager)
		return;
	/* ^C belongs to the pager now: docket waits for it rather than leave it on the terminal. */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	while (waitpid(term.pager, NULL, 0) < 0 && errno == EINTR)
		;
	term.pager = 0;
}
