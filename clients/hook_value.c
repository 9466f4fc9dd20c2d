/* docket-hook's configuration values: numbers, addresses, URLs, lists, each checked. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "date.h"
#include "hook.h"

bool hook_value_name_ok(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n == 0 || n > max)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("._-", *s))
			return false;
	return true;
}

int hook_value_seconds(double *dst, const char *v, double lo, double hi, char *why, size_t wl)
{
	char *end;
	errno = 0;
	double d = strtod(v, &end);
	if (errno || end == v || *end || !isfinite(d) || d < lo || d > hi) {
		snprintf(why, wl, "must be a number of seconds from %g to %g", lo, hi);
		return -1;
	}
	*dst = d;
	return 0;
}

int hook_value_uint(unsigned *dst, const char *v, unsigned lo, unsigned hi, char *why, size_t wl)
{
	char *end;
	errno = 0;
	unsigned long n = strtoul(v, &end, 10);
	if (errno || end == v || *end || *v == '-' || n < lo || n > hi) {
		snprintf(why, wl, "must be a whole number from %u to %u", lo, hi);
		return -1;
	}
	*dst = (unsigned)n;
	return 0;
}

int hook_value_text(char **dst, const char *v, char *why, size_t wl)
{
	if (!*v) {
		snprintf(why, wl, "is empty");
		return -1;
	}
	free(*dst);
	if (!(*dst = strdup(v))) {
		snprintf(why, wl, "out of memory");
		return -1;
	}
	return 0;
}

bool hook_value_address_ok(const char *a)
{
	const char *at = strchr(a, '@');
	size_t n = strlen(a);
	if (n < 3 || n > 254 || !at || at == a || !at[1] || strchr(at + 1, '@'))
		return false;
	for (; *a; a++)
		if (*a <= ' ' || *a >= 0x7f || strchr("<>()[],;:\\\"", *a))
			return false;
	return true;
}

int hook_value_list(char **list, size_t max, const char *v, const char *what,
                    bool (*check)(const char *), size_t longest, char *why, size_t wl)
{
	size_t n = 0;
	while (list[n])
		n++;
	for (const char *p = v;;) {
		p += strspn(p, " \t,");
		if (!*p)
			break;
		size_t len = strcspn(p, ",");
		while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		char *item = strndup(p, len);
		if (!item) {
			snprintf(why, wl, "out of memory");
			return -1;
		}
		bool bad = len > longest || (check && !check(item)) || strpbrk(item, " \t");
		if (bad || n == max) {
			if (bad)
				snprintf(why, wl, "'%s' is not a %s", item, what);
			else
				snprintf(why, wl, "lists more than %zu", max);
			free(item);
			return -1;
		}
		list[n++] = item;
		list[n] = NULL;
		p += strcspn(p, ",");
	}
	if (n == 0) {
		snprintf(why, wl, "is empty");
		return -1;
	}
	return 0;
}

bool hook_value_topic_ok(const char *t)
{
	for (; *t; t++)
		if ((unsigned char)*t < 0x21 || *t == 0x7f)
			return false;
	return true;
}

int hook_value_since(char *dst, size_t cap, const char *v, char *why, size_t wl)
{
	struct date_time t;
	bool digits = *v && strspn(v, "0123456789") == strlen(v) && strlen(v) <= 18;
	if (strcmp(v, "now") && !digits && date_time_parse(v, strlen(v), &t) < 0) {
		snprintf(why, wl,
		         "must be now, a seq (1: the whole log) or a time "
		         "(2026-12-01T09:00Z, or office time without a zone)");
		return -1;
	}
	snprintf(dst, cap, "%s", strcmp(v, "now") ? v : "");
	return 0;
}

int hook_value_url(char **dst, const char *v, const char *const *schemes, char *why, size_t wl)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL;
	int rc = -1;

	if (!u) {
		snprintf(why, wl, "out of memory");
		return -1;
	}
	if (curl_url_set(u, CURLUPART_URL, v, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		snprintf(why, wl, "'%s' is not a URL", v);
		goto out;
	}
	for (size_t i = 0; schemes[i]; i++)
		if (!strcmp(scheme, schemes[i]))
			rc = 0;
	if (rc < 0) {
		snprintf(why, wl, "must be an %s or %s URL, not %s", schemes[0], schemes[1],
		         scheme);
		goto out;
	}
	rc = hook_value_text(dst, v, why, wl);
out:
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return rc;
}
