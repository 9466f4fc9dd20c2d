/*
 * The per-user config, $XDG_CONFIG_HOME/docket/docket.conf (else
 * ~/.config/docket/docket.conf): INI, section [docket]. libdocket reads its
 * key and server_key itself (credentials.c); the CLI checks the whole file.
 */
#include <ini.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct reading {
	struct cli_config *c;
	char why[256]; /* the first bad line's reason */
	bool bad;
};

/* Which of names value is, or -1. */
static int one_of(const char *value, const char *const *names)
{
	for (int i = 0; names[i]; i++)
		if (!strcmp(value, names[i]))
			return i;
	return -1;
}

static int refuse(struct reading *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int refuse(struct reading *r, const char *fmt, ...)
{
	va_list ap;
	/* inih goes on after a bad line and returns the first one's number: keep its reason. */
	if (!r->bad) {
		va_start(ap, fmt);
		vsnprintf(r->why, sizeof r->why, fmt, ap);
		va_end(ap);
	}
	r->bad = true;
	return 0;
}

static int keep(struct reading *r, char **dst, const char *value)
{
	free(*dst);
	if (!(*dst = strdup(value)))
		return refuse(r, "out of memory");
	return 1;
}

static int on_pair(void *arg, const char *section, const char *name, const char *value)
{
	static const char *const outputs[] = {"table", "json", NULL};
	static const char *const colors[] = {"auto", "always", "never", NULL};
	struct reading *r = arg;
	struct cli_config *c = r->c;
	int k;

	if (strcmp(section, "docket") != 0)
		return refuse(r, "'%s' is outside the [docket] section", name);
	if (!strcmp(name, "endpoint"))
		return keep(r, &c->endpoint, value);
	if (!strcmp(name, "events"))
		return keep(r, &c->events, value);
	if (!strcmp(name, "key") || !strcmp(name, "server_key"))
		return 1; /* libdocket's: a file, or for server_key Z85 text too */
	if (!strcmp(name, "pager"))
		return keep(r, &c->pager, value);
	if (!strcmp(name, "timezone")) {
		if (!cli_zone_valid(value))
			return refuse(r,
			              "timezone: '%s' is not a time zone of this system (an IANA "
			              "name such as Europe/London, UTC, or office)",
			              value);
		return keep(r, &c->timezone, value);
	}
	if (!strcmp(name, "output")) {
		if ((k = one_of(value, outputs)) < 0)
			return refuse(r, "output: '%s' is not table or json", value);
		c->output = (enum cli_format)k;
		c->has_output = true;
		return 1;
	}
	if (!strcmp(name, "color")) {
		if ((k = one_of(value, colors)) < 0)
			return refuse(r, "color: '%s' is not auto, always or never", value);
		c->color = (enum cli_color)k;
		c->has_color = true;
		return 1;
	}
	return refuse(r,
	              "unknown setting '%s' (endpoint, events, key, server_key, timezone, output, "
	              "color, pager)",
	              name);
}

int cli_config_read(struct cli_config *c)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	struct reading r = {.c = c};

	memset(c, 0, sizeof *c);
	/* The XDG rule: a relative XDG_CONFIG_HOME is ignored. */
	if (xdg && xdg[0] == '/')
		snprintf(c->path, sizeof c->path, "%.4000s/docket/docket.conf", xdg);
	else if (home && home[0])
		snprintf(c->path, sizeof c->path, "%.4000s/.config/docket/docket.conf", home);
	else
		return 0;
	FILE *f = fopen(c->path, "re");
	if (!f)
		return 0;
	int line = ini_parse_file(f, on_pair, &r);
	fclose(f);
	if (line == 0)
		return 0;
	if (line < 0)
		fprintf(stderr, "docket: %s: cannot read it: out of memory\n", c->path);
	else
		fprintf(stderr, "docket: %s:%d: %s\n", c->path, line,
		        r.bad ? r.why : "not a setting (NAME = VALUE) or a [section]");
	cli_config_free(c);
	return EX_CONFIG;
}

void cli_config_free(struct cli_config *c)
{
	free(c->endpoint);
	free(c->events);
	free(c->timezone);
	free(c->pager);
	c->endpoint = c->events = c->timezone = c->pager = NULL;
}
