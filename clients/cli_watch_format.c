/* watch --format: each event as a line of the user's own, its fields named in braces. */
#include <inttypes.h>
#include <string.h>

#include "cli.h"

/* Longest field path, as "data.decision.ref"; longer ones are refused up front. */
#define FIELD_MAX 128

static bool field_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.' || c == '-';
}

/* Length of the field name at s (after its '{'), up to its '}': 0 when there is none. */
static size_t field_len(const char *s)
{
	size_t n = 0;
	while (field_char(s[n]))
		n++;
	return s[n] == '}' ? n : 0;
}

/* A dotted path: names joined by single dots, no dot at either end. */
static bool path_ok(const char *s, size_t n)
{
	if (n == 0 || n >= FIELD_MAX || s[0] == '.' || s[n - 1] == '.')
		return false;
	for (size_t i = 1; i < n; i++)
		if (s[i] == '.' && s[i - 1] == '.')
			return false;
	return true;
}

int cli_format_check(const struct cli *cli, const char *fmt)
{
	for (const char *p = fmt; *p; p++) {
		if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}') ||
		    (p[0] == '\\' && p[1])) {
			p++;
			continue;
		}
		if (*p == '}')
			return cli_usage_error(cli,
			                       "--format: a lone '}' at %zu (write }} for a brace)",
			                       (size_t)(p - fmt) + 1);
		if (*p != '{')
			continue;
		size_t n = field_len(p + 1);
		if (!path_ok(p + 1, n))
			return cli_usage_error(
			    cli,
			    "--format: '{' at %zu does not start a field such as "
			    "{seq} or {data.comment} (write {{ for a brace)",
			    (size_t)(p - fmt) + 1);
		p += n + 1;
	}
	return 0;
}

/*
 * The value of one field: a string (control characters shown as '?', so that
 * an event stays one line) or an integer. Anything else, or nothing, is empty:
 * the map and array values have no one-line form, and libdocket reads no booleans.
 */
static void put_field(const docket_msg *ev, const char *path)
{
	const char *s;
	int64_t i;

	if (docket_msg_get_str(ev, path, &s) == 0)
		cli_put(s, strlen(s));
	else if (docket_msg_get_int(ev, path, &i) == 0)
		printf("%" PRId64, i);
}

void cli_format_print(const char *fmt, const docket_msg *ev)
{
	char path[FIELD_MAX];

	for (const char *p = fmt; *p; p++) {
		if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}')) {
			putchar(*p++);
		} else if (p[0] == '\\' && p[1]) {
			p++;
			/* \n and \t are the escapes; a backslash before anything else is itself. */
			if (*p == 'n')
				putchar('\n');
			else if (*p == 't')
				putchar('\t');
			else if (*p == '\\')
				putchar('\\');
			else
				printf("\\%c", *p);
		} else if (*p == '{') {
			/* cli_format_check has made sure the field ends with '}'. */
			size_t n = field_len(p + 1);
			snprintf(path, sizeof path, "%.*s", (int)n, p + 1);
			put_field(ev, path);
			p += n + 1;
		} else {
			putchar(*p);
		}
	}
	putchar('\n');
}
