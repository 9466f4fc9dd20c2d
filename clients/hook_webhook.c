/* Webhooks: an event POSTed as JSON with a Standard Webhooks signature, through libcurl. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "hook.h"

struct hook_webhook {
	const struct hook_target *t;
	CURL *curl; /* one handle for every delivery, so connections are reused */
	char shown[256];
	char errbuf[CURL_ERROR_SIZE];
};

/* The receiver's answer is not read: only its status counts. */
static size_t discard(char *data, size_t size, size_t n, void *arg)
{
	(void)data;
	(void)arg;
	return size * n;
}

CURL *hook_curl_open(const char *url, double timeout, const char *protocols, char *errbuf)
{
	long ms = (long)(timeout * 1000);
	CURL *c = curl_easy_init();
	if (!c)
		return NULL;
	curl_easy_setopt(c, CURLOPT_URL, url);
	/* Threads: no SIGALRM for name lookups, which would reach the whole process. */
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, ms);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, ms);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, protocols);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	return c;
}

void hook_url_shown(const char *url, char *out, size_t outlen)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL;

	snprintf(out, outlen, "(the configured URL)");
	if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
		/* Port and path are absent from some URLs; that is no error here. */
		curl_url_get(u, CURLUPART_PORT, &port, 0);
		curl_url_get(u, CURLUPART_PATH, &path, 0);
		snprintf(out, outlen, "%s://%s%s%s%s", scheme, host, port ? ":" : "",
		         port ? port : "", path && strcmp(path, "/") ? path : "");
	}
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(path);
	curl_url_cleanup(u);
}

int hook_webhook_new(struct hook_webhook **out, const struct hook_target *t)
{
	struct hook_webhook *w = calloc(1, sizeof *w);

	*out = NULL;
	if (!w || !(w->curl = hook_curl_open(t->url, t->timeout, "http,https", w->errbuf))) {
		free(w);
		return -DOCKET_ENOMEM;
	}
	w->t = t;
	hook_url_shown(t->url, w->shown, sizeof w->shown);
	CURL *c = w->curl;
	/* A redirect is an answer other than 2xx: the configured URL is the one that is signed for.
	 */
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "docket-hook/" DOCKET_VERSION);
	curl_easy_setopt(c, CURLOPT_POST, 1L);
	*out = w;
	return 0;
}

void hook_webhook_destroy(struct hook_webhook **w)
{
	if (!w || !*w)
		return;
	curl_easy_cleanup((*w)->curl);
	free(*w);
	*w = NULL;
}

/* Append "name: value" to the list; NULL (and the list freed) when out of memory. */
static struct curl_slist *header(struct curl_slist *list, const char *name, const char *value)
{
	char line[512];
	snprintf(line, sizeof line, "%s: %s", name, value);
	struct curl_slist *l = curl_slist_append(list, line);
	if (!l)
		curl_slist_free_all(list);
	return l;
}

void hook_webhook_deliver(struct hook_webhook *w, const struct hook_event *e, struct hook_result *r)
{
	char sig[64], ts[24];
	struct curl_slist *h = NULL;
	long status = 0;
	curl_off_t retry = 0;

	memset(r, 0, sizeof *r);
	/* The time of this attempt: receivers refuse one far from their clock as a replay. */
	int64_t now = (int64_t)time(NULL);
	snprintf(ts, sizeof ts, "%" PRId64, now);
	hook_sign(w->t->key, w->t->keylen, e->id, now, e->json, e->len, sig, sizeof sig);
	/* "Expect:" stops libcurl waiting for a 100 Continue before a large body. */
	if (!(h = header(NULL, "Content-Type", "application/json")) ||
	    !(h = header(h, "webhook-id", e->id)) || !(h = header(h, "webhook-timestamp", ts)) ||
	    !(h = header(h, "webhook-signature", sig)) || !(h = curl_slist_append(h, "Expect:"))) {
		snprintf(r->detail, sizeof r->detail, "out of memory before POST to %s", w->shown);
		return;
	}
	curl_easy_setopt(w->curl, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(w->curl, CURLOPT_POSTFIELDS, e->json);
	curl_easy_setopt(w->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)e->len);
	w->errbuf[0] = '\0';
	CURLcode rc = curl_easy_perform(w->curl);
	if (rc == CURLE_OK) {
		curl_easy_getinfo(w->curl, CURLINFO_RESPONSE_CODE, &status);
		/* 429 and 503 may say when to come back. */
		curl_easy_getinfo(w->curl, CURLINFO_RETRY_AFTER, &retry);
	}
	curl_easy_setopt(w->curl, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(h);

	if (rc != CURLE_OK) {
		snprintf(r->detail, sizeof r->detail, "%.200s at %s",
		         w->errbuf[0] ? w->errbuf : curl_easy_strerror(rc), w->shown);
		return;
	}
	r->delivered = status >= 200 && status <= 299;
	r->retry_after = retry > 0 ? (double)retry : 0;
	if (r->delivered)
		snprintf(r->detail, sizeof r->detail, "HTTP %ld", status);
	else
		snprintf(r->detail, sizeof r->detail, "HTTP %ld from %s", status, w->shown);
}
