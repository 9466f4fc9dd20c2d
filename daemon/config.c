/* Configuration: one table of keys, read from an INI file with inih. */
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "docket/docket.h"
#include "proto.h"

void config_defaults(struct config *c)
{
	memset(c, 0, sizeof *c);
	snprintf(c->state_dir, sizeof c->state_dir, "state");
	snprintf(c->listen, sizeof c->listen, "%s", DOCKET_DEFAULT_ENDPOINT);
	snprintf(c->publish, sizeof c->publish, "%s", DOCKET_DEFAULT_EVENTS);
	snprintf(c->principal, sizeof c->principal, "office");
	c->roles = ROLE_ALL;
	c->batch_max = 256;
	c->event_hwm = 100000;
}

static int set_text(char *dst, size_t cap, const char *value, char *err, size_t errlen)
{
	if (!*value || strlen(value) >= cap) {
		snprintf(err, errlen, "must be 1 to %zu characters", cap - 1);
		return -1;
	}
	memcpy(dst, value, strlen(value) + 1);
	return 0;
}

static int set_uint(unsigned *dst, const char *value, unsigned lo, unsigned hi, char *err,
		    size_t errlen)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(value, &end, 10);
	if (errno || end == value || *end || v < lo || v > hi || *value == '-') {
		snprintf(err, errlen, "must be a whole number from %u to %u", lo, hi);
		return -1;
	}
	*dst = (unsigned)v;
	return 0;
}

static int set_roles(unsigned *dst, const char *value, char *err, size_t errlen)
{
	unsigned roles = 0;
	const char *p = value;
	while (*p) {
		p += strspn(p, " ,\t");
		size_t n = strcspn(p, " ,\t");
		if (!n)
			break;
		int r = proto_role_lookup(p, (uint32_t)n);
		if (r < 0) {
			snprintf(err, errlen, "unknown role '%.*s' (staff, commissioner, secretariat, "
					      "reader, admin)",
				 (int)n, p);
			return -1;
		}
		roles |= (unsigned)r;
		p += n;
	}
	*dst = roles;
	return 0;
}

int config_set(struct config *c, const char *section, const char *key, const char *value,
	       char *err, size_t errlen)
{
	char why[160] = "";
	int rc = -1;
	unsigned hwm;
	if (strcmp(section, "docketd") == 0) {
		if (strcmp(key, "state_dir") == 0)
			rc = set_text(c->state_dir, sizeof c->state_dir, value, why, sizeof why);
		else if (strcmp(key, "listen") == 0)
			rc = set_text(c->listen, sizeof c->listen, value, why, sizeof why);
		else if (strcmp(key, "publish") == 0)
			rc = set_text(c->publish, sizeof c->publish, value, why, sizeof why);
		else if (strcmp(key, "batch_max") == 0)
			rc = set_uint(&c->batch_max, value, 1, 65536, why, sizeof why);
		else if (strcmp(key, "event_hwm") == 0) {
			rc = set_uint(&hwm, value, 1, 10000000, why, sizeof why);
			c->event_hwm = (int)hwm;
		} else
			snprintf(why, sizeof why, "unknown key");
	} else if (strcmp(section, "principal") == 0) {
		if (strcmp(key, "name") == 0)
			rc = set_text(c->principal, sizeof c->principal, value, why, sizeof why);
		else if (strcmp(key, "roles") == 0)
			rc = set_roles(&c->roles, value, why, sizeof why);
		else
			snprintf(why, sizeof why, "unknown key");
	} else {
		snprintf(why, sizeof why, "unknown section [%s]", section);
	}
	if (rc == 0)
		return 0;
	snprintf(err, errlen, "%s.%s: %s", section, key, why);
	return -DOCKET_ECONFIG;
}

struct parse {
	struct config *c;
	char err[256];
};

static int on_key(void *arg, const char *section, const char *key, const char *value)
{
	struct parse *p = arg;
	/* inih stops at the first handler error and reports its line. */
	return config_set(p->c, section, key, value, p->err, sizeof p->err) == 0;
}

int config_load(struct config *c, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -DOCKET_ECONFIG;
	}
	struct parse p = {.c = c};
	int line = ini_parse_file(f, on_key, &p);
	fclose(f);
	if (line == 0)
		return 0;
	snprintf(err, errlen, "%s:%d: %s", path, line, p.err[0] ? p.err : "syntax error");
	return -DOCKET_ECONFIG;
}
