/* Configuration: one table of keys, read from an INI file and its drop-ins with inih. */
#include <dirent.h>
#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "docket/docket.h"
#include "log.h"
#include "proto.h"
#include "store.h"
#include "tz.h"

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
	c->event_queue_kib = 32 * 1024;
	c->event_inline_max = 16 * 1024;
	c->heartbeat_ms = 1000;
	c->checkpoint_interval = 300;
	c->start_check_ms = STORE_CHECK_MS;
	c->log_level = LOG_INFO;
	snprintf(c->timezone, sizeof c->timezone, "Europe/London");
	c->response_period = 28;
	c->remind[REMIND_MEETING] = (struct remind_days){3, {21, 7, 1}};
	c->remind[REMIND_RESPONSE] = (struct remind_days){3, {14, 3, 0}};
	c->remind[REMIND_REVIEW] = (struct remind_days){2, {14, 0}};
	c->remind_minute = 9 * 60;
	snprintf(c->import_reference, sizeof c->import_reference, "%s", "{year}-{hash}");
	c->import_minute = 10 * 60;
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

/* A size in bytes, with an optional K, M or G (powers of 1,024), kept in KiB. */
static int set_size_kib(unsigned *dst, const char *value, char *err, size_t errlen)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(value, &end, 10);
	unsigned long long unit = *end == 'K' ? 1ULL << 10 : *end == 'M' ? 1ULL << 20
				  : *end == 'G' ? 1ULL << 30 : 1;
	if (unit > 1)
		end++;
	if (errno || end == value || *end || *value == '-' || v > (1ULL << 32) / unit * 1024 ||
	    v * unit < 64 * 1024 || v * unit > 16ULL << 30) {
		snprintf(err, errlen, "must be a size from 64K to 16G (a number of bytes, or with "
				      "K, M or G)");
		return -1;
	}
	*dst = (unsigned)(v * unit / 1024);
	return 0;
}

static int set_level(int *dst, const char *value, char *err, size_t errlen)
{
	int level = log_level_parse(value);
	if (level < 0) {
		snprintf(err, errlen, "must be err, warning, notice, info or debug");
		return -1;
	}
	*dst = level;
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

/* A list of whole days, "21, 7, 1": distinct, 0 to 365, kept largest first. Empty: none. */
static int set_days(struct remind_days *dst, const char *value, char *err, size_t errlen)
{
	struct remind_days d = {0};
	const char *p = value;
	for (;;) {
		p += strspn(p, " ,\t");
		if (!*p)
			break;
		char *end;
		errno = 0;
		long v = strtol(p, &end, 10);
		if (end == p || errno || v < 0 || v > 365 || (*end && !strchr(" ,\t", *end))) {
			snprintf(err, errlen, "must be whole days from 0 to 365, such as \"21, 7, 1\"");
			return -1;
		}
		for (int i = 0; i < d.n; i++)
			if (d.days[i] == v) {
				snprintf(err, errlen, "lists %ld twice", v);
				return -1;
			}
		if (d.n == CONFIG_MAX_DAYS) {
			snprintf(err, errlen, "lists more than %d days", CONFIG_MAX_DAYS);
			return -1;
		}
		/* Insertion keeps the list in descending order: the earliest reminder first. */
		int i = d.n++;
		while (i > 0 && d.days[i - 1] < v) {
			d.days[i] = d.days[i - 1];
			i--;
		}
		d.days[i] = (int)v;
		p = end;
	}
	*dst = d;
	return 0;
}

/* An office time of day, HH:MM. */
static int set_minute(int *dst, const char *value, char *err, size_t errlen)
{
	unsigned h, m;
	int n = 0;
	if (sscanf(value, "%2u:%2u%n", &h, &m, &n) != 2 || value[n] || n != 5 || h > 23 || m > 59) {
		snprintf(err, errlen, "must be a time of day, HH:MM");
		return -1;
	}
	*dst = (int)(h * 60 + m);
	return 0;
}

static int set_zone(char *dst, size_t cap, const char *value, char *err, size_t errlen)
{
	struct tz *z = NULL;
	if (strlen(value) >= cap || tz_open(&z, value) < 0) {
		snprintf(err, errlen, "'%s' is not a time zone the system knows (such as Europe/London)",
			 value);
		return -1;
	}
	tz_close(&z);
	memcpy(dst, value, strlen(value) + 1);
	return 0;
}

/*
 * A reference template: text with {year}, {hash}, {line} and {item}. It
 * must hold {hash}, so that two documents never give one reference to
 * different decisions and a document gives the same ones each time.
 */
static int set_template(char *dst, size_t cap, const char *v, char *why, size_t whylen)
{
	static const char *const known[] = {"{year}", "{hash}", "{line}", "{item}", NULL};
	if (!strstr(v, "{hash}")) {
		snprintf(why, whylen, "must contain {hash}");
		return -1;
	}
	for (const char *p = strchr(v, '{'); p; p = strchr(p + 1, '{')) {
		int ok = 0;
		for (int i = 0; known[i]; i++)
			ok |= strncmp(p, known[i], strlen(known[i])) == 0;
		if (!ok) {
			snprintf(why, whylen, "'%.16s' is not {year}, {hash}, {line} or {item}", p);
			return -1;
		}
	}
	if (strlen(v) > 32) {
		snprintf(why, whylen, "is longer than 32 bytes");
		return -1;
	}
	return set_text(dst, cap, v, why, whylen);
}

int config_set(struct config *c, const char *section, const char *key, const char *value,
	       char *err, size_t errlen)
{
	char why[160] = "";
	int rc = -1;
	unsigned hwm = 0;
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
			if ((rc = set_uint(&hwm, value, 1, 10000000, why, sizeof why)) == 0)
				c->event_hwm = (int)hwm;
		} else if (strcmp(key, "event_queue_bytes") == 0)
			rc = set_size_kib(&c->event_queue_kib, value, why, sizeof why);
		else if (strcmp(key, "event_inline_max") == 0)
			rc = set_uint(&c->event_inline_max, value, 512, 4 * 1024 * 1024, why, sizeof why);
		else if (strcmp(key, "heartbeat_ms") == 0)
			rc = set_uint(&c->heartbeat_ms, value, 100, 60000, why, sizeof why);
		else if (strcmp(key, "checkpoint_interval") == 0)
			rc = set_uint(&c->checkpoint_interval, value, 0, 86400, why, sizeof why);
		else if (strcmp(key, "start_check_ms") == 0)
			rc = set_uint(&c->start_check_ms, value, 0, 3600000, why, sizeof why);
		else if (strcmp(key, "server_key") == 0)
			rc = set_text(c->server_key, sizeof c->server_key, value, why, sizeof why);
		else if (strcmp(key, "ipc_group") == 0)
			rc = set_text(c->ipc_group, sizeof c->ipc_group, value, why, sizeof why);
		else if (strcmp(key, "log_level") == 0)
			rc = set_level(&c->log_level, value, why, sizeof why);
		else
			snprintf(why, sizeof why, "unknown key");
	} else if (strcmp(section, "principal") == 0) {
		if (strcmp(key, "name") == 0)
			rc = set_text(c->principal, sizeof c->principal, value, why, sizeof why);
		else if (strcmp(key, "roles") == 0)
			rc = set_roles(&c->roles, value, why, sizeof why);
		else
			snprintf(why, sizeof why, "unknown key");
	} else if (strcmp(section, "office") == 0) {
		if (strcmp(key, "timezone") == 0)
			rc = set_zone(c->timezone, sizeof c->timezone, value, why, sizeof why);
		else if (strcmp(key, "response_period") == 0)
			rc = set_uint(&c->response_period, value, 0, 3660, why, sizeof why);
		else
			snprintf(why, sizeof why, "unknown key");
	} else if (strcmp(section, "reminders") == 0) {
		int kind = proto_enum_lookup(proto_reminder_kinds, key, (uint32_t)strlen(key));
		if (kind >= 0)
			rc = set_days(&c->remind[kind], value, why, sizeof why);
		else if (strcmp(key, "time") == 0)
			rc = set_minute(&c->remind_minute, value, why, sizeof why);
		else
			snprintf(why, sizeof why, "unknown key");
	} else if (strcmp(section, "import") == 0) {
		if (strcmp(key, "reference") == 0)
			rc = set_template(c->import_reference, sizeof c->import_reference, value, why,
					  sizeof why);
		else if (strcmp(key, "meeting_time") == 0)
			rc = set_minute(&c->import_minute, value, why, sizeof why);
		else
			snprintf(why, sizeof why, "unknown key");
	} else {
		snprintf(why, sizeof why, "unknown section [%s]", section);
	}
	if (rc == 0)
		return 0;
	if (!*section)
		snprintf(err, errlen, "%s: a key before any [section]", key);
	else
		snprintf(err, errlen, "%s.%s: %s", section, key, why);
	return -DOCKET_ECONFIG;
}

/* What libzmq keeps per queued event besides its bytes: the message, its topic, the pipe. */
#define EVENT_OVERHEAD 256

int config_event_queue(const struct config *c)
{
	unsigned long long by_bytes =
		(unsigned long long)c->event_queue_kib * 1024 / (c->event_inline_max + EVENT_OVERHEAD);
	return by_bytes < (unsigned long long)c->event_hwm ? (int)by_bytes : c->event_hwm;
}

int config_check(const struct config *c, char *err, size_t errlen)
{
	int queue = config_event_queue(c);
	if ((unsigned)queue >= c->batch_max)
		return 0;
	snprintf(err, errlen,
		 "a subscriber's queue holds %d events (event_hwm %d, event_queue_bytes "
		 "%uK over event_inline_max %u), fewer than one batch publishes (batch_max %u): "
		 "a subscriber that keeps up would lose events. Raise event_hwm or "
		 "event_queue_bytes, or lower event_inline_max or batch_max",
		 queue, c->event_hwm, c->event_queue_kib, c->event_inline_max, c->batch_max);
	return -DOCKET_ECONFIG;
}

/* Reading the files. */

static const char *file_name(const struct config_report *r, int file)
{
	if (file >= 0 && file < r->nfiles && r->files[file])
		return r->files[file];
	return file == CONFIG_FROM_COMMAND_LINE ? "command line" : r->path ? r->path : "docketd";
}

/*
 * Add an error at file and line, kept in the order of the files and, in a
 * file, of its lines: inih tells the line that does not parse only once the
 * file is read.
 */
static void add_error(struct config_report *r, int file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void add_error(struct config_report *r, int file, int line, const char *fmt, ...)
{
	char what[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	int at = r->nerr++ < CONFIG_MAX_ERRORS ? r->nerr - 1 : CONFIG_MAX_ERRORS;
	while (at > 0 && r->err_file[at - 1] == file && r->err_line[at - 1] > line)
		at--;
	if (at == CONFIG_MAX_ERRORS)
		return;
	int kept = r->nerr < CONFIG_MAX_ERRORS ? r->nerr : CONFIG_MAX_ERRORS;
	for (int i = kept - 1; i > at; i--) {
		memcpy(r->err[i], r->err[i - 1], sizeof r->err[i]);
		r->err_file[i] = r->err_file[i - 1];
		r->err_line[i] = r->err_line[i - 1];
	}
	if (line > 0)
		snprintf(r->err[at], sizeof r->err[at], "%s:%d: %s", file_name(r, file), line, what);
	else
		snprintf(r->err[at], sizeof r->err[at], "%s: %s", file_name(r, file), what);
	r->err_file[at] = file;
	r->err_line[at] = line;
}

static int add_file(struct config_report *r, const char *path)
{
	char **files = realloc(r->files, (size_t)(r->nfiles + 1) * sizeof *files);
	if (!files)
		return CONFIG_FROM_DEFAULTS;
	r->files = files;
	r->files[r->nfiles] = strdup(path);
	return r->nfiles++;
}

static void note_origin(struct config_report *r, const char *section, const char *key,
			int file, int line)
{
	char name[sizeof r->origin[0].key];
	snprintf(name, sizeof name, "%s.%s", section, key);
	int i = 0;
	while (i < r->norigin && strcmp(r->origin[i].key, name))
		i++;
	if (i == CONFIG_MAX_ORIGINS)
		return;
	if (i == r->norigin)
		r->norigin++;
	memcpy(r->origin[i].key, name, sizeof name);
	r->origin[i].file = file;
	r->origin[i].line = line;
	r->origin[i].order = ++r->sets;
}

const struct config_origin *config_origin(const struct config_report *r, const char *key)
{
	for (int i = 0; i < r->norigin; i++)
		if (strcmp(r->origin[i].key, key) == 0)
			return &r->origin[i];
	return NULL;
}

void config_report_error(struct config_report *r, const char *key, const char *fmt, ...)
{
	char what[480];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	const struct config_origin *o = config_origin(r, key);
	add_error(r, o ? o->file : CONFIG_FROM_DEFAULTS, o ? o->line : 0, "%s: %s", key, what);
}

void config_report_free(struct config_report *r)
{
	for (int i = 0; i < r->nfiles; i++)
		free(r->files[i]);
	free(r->files);
	r->files = NULL;
	r->nfiles = 0;
}

/* One file as inih reads it, through a reader that counts the lines, so every error has its own. */
struct reading {
	struct config *c;
	struct config_report *r;
	FILE *f;
	int file;      /* in r->files */
	int line;      /* the line inih has in hand */
	int first_bad; /* the first line the handler refused, or 0 */
	int read_errno;
	/*
	 * After a [section line that does not parse, inih files the keys under
	 * the section before it: their errors would only mislead.
	 */
	int lost;
};

static char *read_line(char *str, int num, void *stream)
{
	struct reading *rd = stream;
	if (!fgets(str, num, rd->f)) {
		if (ferror(rd->f))
			rd->read_errno = errno;
		return NULL;
	}
	rd->line++;
	size_t len = strlen(str);
	if (len == (size_t)num - 1 && str[len - 1] != '\n') {
		int ch = getc(rd->f);
		if (ch != EOF && ch != '\n') {
			/* inih would take the rest for a line of its own: the line goes as a whole. */
			while ((ch = getc(rd->f)) != EOF && ch != '\n')
				;
			add_error(rd->r, rd->file, rd->line, "line longer than %d characters", num - 1);
			str[0] = '\0';
			return str;
		}
	}
	const char *s = str + strspn(str, " \t");
	if (*s == '[')
		rd->lost = !strchr(s, ']');
	return str;
}

static int on_key(void *arg, const char *section, const char *key, const char *value)
{
	struct reading *rd = arg;
	char why[480];
	if (config_set(rd->c, section, key, value, why, sizeof why) == 0) {
		note_origin(rd->r, section, key, rd->file, rd->line);
		return 1;
	}
	if (!rd->first_bad)
		rd->first_bad = rd->line;
	if (!rd->lost)
		add_error(rd->r, rd->file, rd->line, "%s", why);
	return 0;
}

/* Read the file at path over c; its errors go to r. */
static void read_file(struct config *c, struct config_report *r, const char *path)
{
	int file = add_file(r, path);
	FILE *f = fopen(path, "re");
	if (!f) {
		add_error(r, file, 0, "%s", strerror(errno));
		return;
	}
	struct reading rd = {.c = c, .r = r, .f = f, .file = file};
	int line = ini_parse_stream(read_line, &rd, on_key, &rd);
	fclose(f);
	if (rd.read_errno)
		add_error(r, file, 0, "%s", strerror(rd.read_errno));
	else if (line < 0)
		add_error(r, file, 0, "cannot be read");
	else if (line > 0 && line != rd.first_bad)
		add_error(r, file, line, "syntax error: neither [section] nor key = value");
}

static int is_dropin(const struct dirent *e)
{
	size_t n = strlen(e->d_name);
	return e->d_name[0] != '.' && n > 5 && strcmp(e->d_name + n - 5, ".conf") == 0;
}

/* Drop-ins go in the byte order of their names, whatever the locale: 10-x before 9-y. */
static int byte_order(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* Read path.d/NAME.conf over c, in order; none, or no path.d, is fine. */
static void read_dropins(struct config *c, struct config_report *r, const char *path)
{
	char dir[PATH_MAX], file[PATH_MAX + 256];
	struct dirent **list = NULL;
	snprintf(dir, sizeof dir, "%s.d", path);
	int n = scandir(dir, &list, is_dropin, byte_order);
	if (n < 0) {
		if (errno != ENOENT)
			add_error(r, add_file(r, dir), 0, "%s", strerror(errno));
		return;
	}
	for (int i = 0; i < n; i++) {
		snprintf(file, sizeof file, "%s/%s", dir, list[i]->d_name);
		read_file(c, r, file);
		free(list[i]);
	}
	free(list);
	r->dropins = n;
}

/* The keys config_check weighs against each other. */
static const char *const queue_keys[] = {"docketd.batch_max", "docketd.event_hwm",
					 "docketd.event_queue_bytes", "docketd.event_inline_max"};

int config_read(struct config *c, const char *path, const char *set[][2], int n,
		struct config_report *r)
{
	memset(r, 0, sizeof *r);
	r->path = path;
	config_defaults(c);
	if (path) {
		read_file(c, r, path);
		read_dropins(c, r, path);
	}
	for (int i = 0; i < n; i++) {
		char why[480];
		if (config_set(c, "docketd", set[i][0], set[i][1], why, sizeof why) == 0)
			note_origin(r, "docketd", set[i][0], CONFIG_FROM_COMMAND_LINE, 0);
		else
			add_error(r, CONFIG_FROM_COMMAND_LINE, 0, "%s", why);
	}
	/* With a value refused, its default would be weighed: that says nothing. */
	if (r->nerr)
		return -DOCKET_ECONFIG;
	char why[480];
	if (config_check(c, why, sizeof why) < 0) {
		/* Named where the last of its keys was set: that is what changed. */
		const struct config_origin *last = NULL;
		for (size_t i = 0; i < sizeof queue_keys / sizeof queue_keys[0]; i++) {
			const struct config_origin *o = config_origin(r, queue_keys[i]);
			if (o && (!last || o->order > last->order))
				last = o;
		}
		config_report_error(r, last ? last->key : "docketd.batch_max", "%s", why);
	}
	return r->nerr ? -DOCKET_ECONFIG : 0;
}
