/* The search command: the public register searched, each result with its snippet. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/*
 * A word FTS5 reads as it is: letters and digits (any non-ASCII byte counts
 * as a letter), with the query syntax's own * ( ) : ^ and quotes.
 */
static bool plain_word(const char *w)
{
	if (strchr(w, '"'))
		return true; /* the user is quoting already */
	for (const unsigned char *p = (const unsigned char *)w; *p; p++)
		if (!(*p >= 0x80 || (*p >= '0' && *p <= '9') || ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z') ||
		      strchr("*():^_", *p)))
			return false;
	return true;
}

/*
 * The words of the command line as one query, joined by spaces (caller
 * frees), or NULL. A word with punctuation FTS5 would refuse ("body-worn",
 * "2015/16") is quoted, so it is searched as the phrase it reads as.
 */
static char *join(const struct cli *cli)
{
	size_t len = 1;
	for (size_t i = 0; i < cli->nargs; i++)
		len += strlen(cli->args[i]) + 3;
	char *q = malloc(len), *o = q;
	if (!q)
		return NULL;
	for (size_t i = 0; i < cli->nargs; i++) {
		const char *quote = plain_word(cli->args[i]) ? "" : "\"";
		o += sprintf(o, "%s%s%s%s", i ? " " : "", quote, cli->args[i], quote);
	}
	*o = '\0';
	return q;
}

/* Matches in bold where output is coloured (cli_term.c: a terminal, and no NO_COLOR). */
static bool use_bold(void)
{
	return cli_colored(false);
}

/* The snippet on one line: its parts alternate plain text and a match, plain first. */
static void snippet(const docket_msg *m, const char *p, bool bold)
{
	char path[80];
	size_t n;

	snprintf(path, sizeof path, "%s.snippet", p);
	n = docket_msg_count(m, path);
	fputs("  ", stdout);
	for (size_t i = 0; i < n; i++) {
		const char *s = NULL;
		snprintf(path, sizeof path, "%s.snippet.%zu", p, i);
		if (docket_msg_get_str(m, path, &s) < 0 || !s)
			continue;
		/* No white space at the line's start. */
		if (i == 0)
			s += strspn(s, " \t\r\n\v\f");
		if (i % 2)
			fputs(bold ? "\033[1m" : "[", stdout);
		cli_put_line(s, strlen(s));
		if (i % 2)
			fputs(bold ? "\033[0m" : "]", stdout);
	}
	putchar('\n');
}

void cli_print_search(struct cli_zone *z, const docket_msg *m)
{
	(void)z; /* no times to show */
	size_t n = docket_msg_count(m, "results");
	bool bold = use_bold();
	char p[48], day[CLI_TIME_LEN];

	if (n == 0) {
		puts("No decisions match.");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		snprintf(p, sizeof p, "results.%zu", i);
		const char *ref = cli_str(m, p, "ref"), *title = cli_str(m, p, "title");
		const char *state = cli_str(m, p, "state"),
		           *maker = cli_str(m, p, "decision_maker");
		if (i)
			putchar('\n');
		cli_put(ref ? ref : "?", ref ? strlen(ref) : 1);
		fputs("  ", stdout);
		cli_put_line(title ? title : "", title ? strlen(title) : 0);
		fputs("\n  ", stdout);
		cli_put(state ? state : "?", state ? strlen(state) : 1);
		fputs(" · ", stdout);
		cli_put(maker ? maker : "?", maker ? strlen(maker) : 1);
		printf(" · %s\n", cli_day(cli_str(m, p, "decided_on"), day));
		snippet(m, p, bold);
	}
}

int cli_search_fill(const struct cli *cli, docket_request *r)
{
	char *query;
	int rc, status = 0;

	if (cli->nargs == 0)
		return cli_usage_error(cli, "missing WORDS to search for");
	if (!(query = join(cli)))
		return cli_fail(cli, EX_SOFTWARE, "out of memory");
	if (!query[strspn(query, " \t\r\n\v\f")])
		status = cli_usage_error(cli, "nothing to search for: the words are empty");
	else if ((rc = docket_request_set_str(r, "query", query)) < 0)
		status = cli_fail(cli, EX_SOFTWARE, "%s", docket_strerror(rc));
	free(query);
	return status;
}
