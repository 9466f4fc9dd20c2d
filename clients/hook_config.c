/* docket-hook's configuration: an INI file read with inih, one section per target. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>
#include <sodium.h>

#include "hook.h"

/* Defaults of a target's keys. */
#define DEFAULT_ATTEMPTS 8
#define DEFAULT_BACKOFF_INITIAL 5.0
#define DEFAULT_BACKOFF_MAX 3600.0
#define DEFAULT_WEBHOOK_TIMEOUT 10.0
#define DEFAULT_EMAIL_TIMEOUT 30.0

/* The most section headers a file may hold. */
#define MAX_SECTIONS 256

enum key_id {
	K_TOPICS,
	K_CURSOR,
	K_SINCE,
	K_ATTEMPTS,
	K_BACKOFF_INITIAL,
	K_BACKOFF_MAX,
	K_TIMEOUT,
	K_URL,
	K_SECRET,
	K_SMTP,
	K_FROM,
	K_TO,
};

#define FOR_WEBHOOK (1u << HOOK_WEBHOOK)
#define FOR_EMAIL (1u << HOOK_EMAIL)
#define FOR_BOTH (FOR_WEBHOOK | FOR_EMAIL)

/* clang-format off */
static const struct {
	const char *name;
	enum key_id id;
	unsigned kinds;
	bool list;     /* may be given again (or continued on the next line) to add more */
	bool required;
} keys[] = {
	{"topics", K_TOPICS, FOR_BOTH, true, false},
	{"cursor", K_CURSOR, FOR_BOTH, false, false},
	{"since", K_SINCE, FOR_BOTH, false, false},
	{"attempts", K_ATTEMPTS, FOR_BOTH, false, false},
	{"backoff_initial", K_BACKOFF_INITIAL, FOR_BOTH, false, false},
	{"backoff_max", K_BACKOFF_MAX, FOR_BOTH, false, false},
	{"timeout", K_TIMEOUT, FOR_BOTH, false, false},
	{"url", K_URL, FOR_WEBHOOK, false, true},
	{"secret", K_SECRET, FOR_WEBHOOK, false, true},
	{"smtp", K_SMTP, FOR_EMAIL, false, true},
	{"from", K_FROM, FOR_EMAIL, false, true},
	{"to", K_TO, FOR_EMAIL, true, true},
};
/* clang-format on */

#define NKEYS (sizeof keys / sizeof keys[0])

static const char *const kind_names[] = {"webhook", "email"};

const char *hook_kind_name(enum hook_kind kind)
{
	return kind_names[kind];
}

/* A section header as the file has it. */
struct header {
	char name[64];
	int line;
};

struct parse {
	struct hook_config *c;
	FILE *f;
	int line;      /* lines read: while inih calls on_key, the line of that key */
	int too_long;  /* the first line longer than inih reads, or 0 */
	int longest;   /* the longest line inih reads, newline excluded */
	int err_line;  /* the line err is about */
	char err[320]; /* the first error */
	struct header headers[MAX_SECTIONS];
	int nheaders;
	bool too_many_headers;
	unsigned docket_given; /* [docket] keys given, one bit each */
};

/*
 * inih's reader, fgets counting lines. inih numbers lines by the calls it
 * makes, which a line longer than its buffer would throw off: such a line
 * ends the parse, and is reported as too long. It also notes the section
 * headers, so that empty and repeated sections are found, and where each
 * section begins.
 */
static char *read_line(char *str, int num, void *stream)
{
	struct parse *p = stream;

	if (!fgets(str, num, p->f))
		return NULL;
	p->line++;
	size_t n = strlen(str);
	if (n == (size_t)num - 1 && str[n - 1] != '\n' && !feof(p->f)) {
		p->too_long = p->line;
		p->longest = num - 2;
		return NULL;
	}
	const char *s = str;
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s != '[')
		return str;
	/* The name as inih takes it: up to the first ']'. */
	size_t len = strcspn(s + 1, "]");
	if (p->nheaders == MAX_SECTIONS) {
		p->too_many_headers = true;
		return str;
	}
	struct header *h = &p->headers[p->nheaders++];
	snprintf(h->name, sizeof h->name, "%.*s", (int)len, s + 1);
	h->line = p->line;
	return str;
}

/* The line where the current section began: the last header read. */
static int section_line(const struct parse *p)
{
	return p->nheaders ? p->headers[p->nheaders - 1].line : 0;
}

static struct hook_target *target_find(struct hook_config *c, enum hook_kind kind, const char *name)
{
	for (size_t i = 0; i < c->ntargets; i++)
		if (c->targets[i].kind == kind && !strcmp(c->targets[i].name, name))
			return &c->targets[i];
	return NULL;
}

static struct hook_target *target_add(struct hook_config *c, enum hook_kind kind, const char *name,
                                      int line)
{
	struct hook_target *t = realloc(c->targets, (c->ntargets + 1) * sizeof *t);
	if (!t)
		return NULL;
	c->targets = t;
	t = &c->targets[c->ntargets++];
	memset(t, 0, sizeof *t);
	t->kind = kind;
	snprintf(t->name, sizeof t->name, "%s", name);
	snprintf(t->cursor, sizeof t->cursor, "hook.%s", name);
	t->attempts = DEFAULT_ATTEMPTS;
	t->backoff_initial = DEFAULT_BACKOFF_INITIAL;
	t->backoff_max = DEFAULT_BACKOFF_MAX;
	t->timeout = kind == HOOK_WEBHOOK ? DEFAULT_WEBHOOK_TIMEOUT : DEFAULT_EMAIL_TIMEOUT;
	t->line = line;
	return t;
}

/* "webhook NAME" or "email NAME": the kind, and the name in *name. -1 for other sections. */
static int target_section(const char *section, const char **name)
{
	for (int k = 0; k < 2; k++) {
		size_t n = strlen(kind_names[k]);
		if (!strncmp(section, kind_names[k], n) && section[n] == ' ') {
			*name = section + n + 1;
			return k;
		}
	}
	return -1;
}

static int set_key(struct hook_target *t, size_t k, const char *v, char *why, size_t wl)
{
	static const char *const web[] = {"http", "https", NULL};
	static const char *const mail[] = {"smtp", "smtps", NULL};

	switch (keys[k].id) {
	case K_TOPICS:
		return hook_value_list(t->topics, HOOK_MAX_TOPICS, v, "topic prefix",
		                       hook_value_topic_ok, 64, why, wl);
	case K_CURSOR:
		if (!hook_value_name_ok(v, 64)) {
			snprintf(why, wl, "must be 1 to 64 letters, digits, '.', '_' or '-'");
			return -1;
		}
		snprintf(t->cursor, sizeof t->cursor, "%s", v);
		return 0;
	case K_SINCE:
		return hook_value_since(t->since, sizeof t->since, v, why, wl);
	case K_ATTEMPTS:
		/* The protocol's range of max_deliveries. */
		return hook_value_uint(&t->attempts, v, 1, 1000, why, wl);
	case K_BACKOFF_INITIAL:
		return hook_value_seconds(&t->backoff_initial, v, 0, 86400, why, wl);
	case K_BACKOFF_MAX:
		return hook_value_seconds(&t->backoff_max, v, 0, 86400, why, wl);
	case K_TIMEOUT:
		return hook_value_seconds(&t->timeout, v, 0.1, 3600, why, wl);
	case K_URL:
		return hook_value_url(&t->url, v, web, why, wl);
	case K_SECRET:
		return hook_sign_secret(v, t->key, &t->keylen, why, wl) < 0 ? -1 : 0;
	case K_SMTP:
		return hook_value_url(&t->smtp, v, mail, why, wl);
	case K_FROM:
		if (!hook_value_address_ok(v)) {
			snprintf(why, wl, "'%s' is not a mail address (name@example.org)", v);
			return -1;
		}
		return hook_value_text(&t->from, v, why, wl);
	case K_TO:
		return hook_value_list(t->to, HOOK_MAX_RCPT, v, "mail address (name@example.org)",
		                       hook_value_address_ok, 254, why, wl);
	}
	return -1;
}

static int target_key(struct parse *p, enum hook_kind kind, const char *name, const char *key,
                      const char *value, char *why, size_t wl)
{
	struct hook_config *c = p->c;
	struct hook_target *t = target_find(c, kind, name);

	if (t && t->line != section_line(p)) {
		snprintf(why, wl, "[%s %s] appears twice (first at line %d)", kind_names[kind],
		         name, t->line);
		return -1;
	}
	if (!t) {
		if (!hook_value_name_ok(name, HOOK_NAME_MAX)) {
			snprintf(why, wl,
			         "[%s %s]: a name is 1 to %d letters, digits, '.', '_' or '-'",
			         kind_names[kind], name, HOOK_NAME_MAX);
			return -1;
		}
		if (!(t = target_add(c, kind, name, section_line(p)))) {
			snprintf(why, wl, "out of memory");
			return -1;
		}
	}
	for (size_t k = 0; k < NKEYS; k++) {
		if (strcmp(keys[k].name, key) || !(keys[k].kinds & (1u << kind)))
			continue;
		if ((t->given & (1u << k)) && !keys[k].list) {
			snprintf(why, wl, "%s is given twice", key);
			return -1;
		}
		t->given |= 1u << k;
		char what[256] = "";
		if (set_key(t, k, value, what, sizeof what) == 0)
			return 0;
		snprintf(why, wl, "%s: %s", key, what);
		return -1;
	}
	snprintf(why, wl, "unknown key %s in [%s %s]", key, kind_names[kind], name);
	return -1;
}

static int docket_key(struct parse *p, const char *key, const char *value, char *why, size_t wl)
{
	static const char *const names[] = {"endpoint", "events", "key", "server_key"};
	char **dst[] = {&p->c->endpoint, &p->c->events, &p->c->key, &p->c->server_key};
	size_t k = 0;
	while (k < 4 && strcmp(key, names[k]) != 0)
		k++;
	if (k == 4) {
		snprintf(why, wl, "unknown key %s in [docket] (endpoint, events, key, server_key)",
		         key);
		return -1;
	}
	if (p->docket_given & (1u << k)) {
		snprintf(why, wl, "%s is given twice", key);
		return -1;
	}
	p->docket_given |= 1u << k;
	char what[64] = "";
	if (hook_value_text(dst[k], value, what, sizeof what) == 0)
		return 0;
	snprintf(why, wl, "%s: %s", key, what);
	return -1;
}

static int unknown_section(const char *section, char *why, size_t wl)
{
	snprintf(why, wl, "unknown section [%s] ([docket], [webhook NAME], [email NAME])", section);
	return -1;
}

static int outside(const char *key, char *why, size_t wl)
{
	snprintf(why, wl, "%s is outside any section", key);
	return -1;
}

static int on_key(void *arg, const char *section, const char *key, const char *value)
{
	struct parse *p = arg;
	char why[sizeof p->err];
	const char *name;
	int kind, rc;

	if (!strcmp(section, "docket"))
		rc = docket_key(p, key, value, why, sizeof why);
	else if ((kind = target_section(section, &name)) >= 0)
		rc = target_key(p, (enum hook_kind)kind, name, key, value, why, sizeof why);
	else if (*section)
		rc = unknown_section(section, why, sizeof why);
	else
		rc = outside(key, why, sizeof why);
	/* inih goes on after an error and reports the first one's line: keep its message. */
	if (rc < 0 && !p->err[0]) {
		snprintf(p->err, sizeof p->err, "%s", why);
		p->err_line = p->line;
	}
	return rc == 0;
}

/* What the keys cannot check one by one. Returns 0, or -1 with the message and its line. */
static int check(struct parse *p)
{
	struct hook_config *c = p->c;
	char *err = p->err;
	size_t el = sizeof p->err;

	for (int i = 0; i < p->nheaders; i++) {
		const struct header *h = &p->headers[i];
		const char *name;
		int kind = target_section(h->name, &name);
		p->err_line = h->line;
		if (kind < 0 && strcmp(h->name, "docket"))
			return unknown_section(h->name, err, el);
		/* A target section without keys never reached on_key. */
		if (kind >= 0 && !target_find(c, (enum hook_kind)kind, name) &&
		    !hook_value_name_ok(name, HOOK_NAME_MAX)) {
			snprintf(err, el,
			         "[%s]: a name is 1 to %d letters, digits, '.', '_' or '-'",
			         h->name, HOOK_NAME_MAX);
			return -1;
		}
		if (kind >= 0 && !target_find(c, (enum hook_kind)kind, name) &&
		    !target_add(c, (enum hook_kind)kind, name, h->line)) {
			snprintf(err, el, "out of memory");
			return -1;
		}
	}
	for (size_t i = 0; i < c->ntargets; i++) {
		struct hook_target *t = &c->targets[i];
		p->err_line = t->line;
		for (size_t k = 0; k < NKEYS; k++) {
			if (keys[k].required && (keys[k].kinds & (1u << t->kind)) &&
			    !(t->given & (1u << k))) {
				snprintf(err, el, "[%s %s] has no %s", kind_names[t->kind], t->name,
				         keys[k].name);
				return -1;
			}
		}
		if (t->backoff_initial > t->backoff_max) {
			snprintf(err, el,
			         "[%s %s]: backoff_initial (%g) is more than backoff_max (%g)",
			         kind_names[t->kind], t->name, t->backoff_initial, t->backoff_max);
			return -1;
		}
		/* Two targets on one cursor would each take events the other never sees. */
		for (size_t j = 0; j < i; j++) {
			if (!strcmp(c->targets[j].cursor, t->cursor)) {
				snprintf(err, el, "[%s %s] follows cursor %s, as [%s %s] does",
				         kind_names[t->kind], t->name, t->cursor,
				         kind_names[c->targets[j].kind], c->targets[j].name);
				return -1;
			}
		}
	}
	if (c->ntargets == 0) {
		p->err_line = 0;
		snprintf(err, el, "no [webhook NAME] or [email NAME] section: nothing to deliver");
		return -1;
	}
	return 0;
}

int hook_config_load(struct hook_config *c, const char *path, char *err, size_t errlen)
{
	struct parse *p = NULL;
	int rc = -DOCKET_ECONFIG;

	memset(c, 0, sizeof *c);
	c->path = path;
	if (!(p = calloc(1, sizeof *p))) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -DOCKET_ENOMEM;
	}
	p->c = c;
	if (!(p->f = fopen(path, "r"))) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	int line = ini_parse_stream(read_line, p, on_key, p);
	if (line == 0 && ferror(p->f)) {
		snprintf(err, errlen, "%s: cannot read it: %s", path, strerror(errno));
		goto out;
	}
	if (line != 0) {
		/* inih gives the first error's line: the handler's, or a line it could not read. */
		snprintf(err, errlen, "%s:%d: %s", path, line,
		         p->err[0] && p->err_line == line
		             ? p->err
		             : "syntax error (not [section], key = value or a comment)");
		goto out;
	}
	if (p->too_long) {
		snprintf(err, errlen, "%s:%d: the line is longer than %d bytes", path, p->too_long,
		         p->longest);
		goto out;
	}
	if (p->too_many_headers) {
		snprintf(err, errlen, "%s: more than %d sections", path, MAX_SECTIONS);
		goto out;
	}
	if (check(p) < 0) {
		if (p->err_line)
			snprintf(err, errlen, "%s:%d: %s", path, p->err_line, p->err);
		else
			snprintf(err, errlen, "%s: %s", path, p->err);
		goto out;
	}
	rc = 0;
out:
	if (p->f)
		fclose(p->f);
	free(p);
	return rc;
}

void hook_config_free(struct hook_config *c)
{
	for (size_t i = 0; i < c->ntargets; i++) {
		struct hook_target *t = &c->targets[i];
		for (size_t k = 0; t->topics[k]; k++)
			free(t->topics[k]);
		for (size_t k = 0; t->to[k]; k++)
			free(t->to[k]);
		free(t->url);
		free(t->smtp);
		free(t->from);
		/* The secret's key leaves no copy behind in freed memory. */
		sodium_memzero(t->key, sizeof t->key);
	}
	free(c->targets);
	free(c->endpoint);
	free(c->key);
	free(c->server_key);
	free(c->events);
	memset(c, 0, sizeof *c);
}
