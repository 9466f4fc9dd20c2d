/* Mail: an event sent as a plain-text message through an SMTP relay, with libcurl. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "hook.h"

struct hook_mail {
	const struct hook_target *t;
	CURL *curl; /* one handle for every message, so the relay's connection is reused */
	struct curl_slist *rcpt;
	char from[260]; /* "<address>" */
	char shown[256];
	char errbuf[CURL_ERROR_SIZE];
	/* The message being sent, which libcurl reads through upload. */
	const char *data;
	size_t len, off;
};

/* libcurl's read callback: the next part of the message (libcurl escapes lines of one dot). */
static size_t upload(char *buf, size_t size, size_t n, void *arg)
{
	struct hook_mail *m = arg;
	size_t room = size * n, left = m->len - m->off;
	size_t take = left < room ? left : room;
	memcpy(buf, m->data + m->off, take);
	m->off += take;
	return take;
}

int hook_mail_new(struct hook_mail **out, const struct hook_target *t)
{
	struct hook_mail *m = calloc(1, sizeof *m);
	char rcpt[260];

	*out = NULL;
	if (!m)
		return -DOCKET_ENOMEM;
	m->t = t;
	for (size_t i = 0; t->to[i]; i++) {
		snprintf(rcpt, sizeof rcpt, "<%s>", t->to[i]);
		struct curl_slist *l = curl_slist_append(m->rcpt, rcpt);
		if (!l)
			goto fail;
		m->rcpt = l;
	}
	if (!(m->curl = hook_curl_open(t->smtp, t->timeout, "smtp,smtps", m->errbuf)))
		goto fail;
	snprintf(m->from, sizeof m->from, "<%s>", t->from);
	hook_url_shown(t->smtp, m->shown, sizeof m->shown);
	CURL *c = m->curl;
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, m->from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, m->rcpt);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, upload);
	curl_easy_setopt(c, CURLOPT_READDATA, m);
	*out = m;
	return 0;
fail:
	curl_slist_free_all(m->rcpt);
	free(m);
	return -DOCKET_ENOMEM;
}

void hook_mail_destroy(struct hook_mail **m)
{
	if (!m || !*m)
		return;
	curl_easy_cleanup((*m)->curl);
	curl_slist_free_all((*m)->rcpt);
	free(*m);
	*m = NULL;
}

void hook_mail_deliver(struct hook_mail *m, const struct hook_event *e, struct hook_result *r)
{
	char *msg = NULL;
	size_t len = 0;
	long code = 0;

	memset(r, 0, sizeof *r);
	if (hook_message_build(m->t, e, &msg, &len) < 0) {
		snprintf(r->detail, sizeof r->detail, "out of memory writing the message for %s",
		         m->shown);
		return;
	}
	m->data = msg;
	m->len = len;
	m->off = 0;
	curl_easy_setopt(m->curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	m->errbuf[0] = '\0';
	CURLcode rc = curl_easy_perform(m->curl);
	/* The relay's last reply code (250, 451, 550...), or 0 when it never answered. */
	curl_easy_getinfo(m->curl, CURLINFO_RESPONSE_CODE, &code);
	m->data = NULL;
	free(msg);

	r->delivered = rc == CURLE_OK;
	if (r->delivered)
		snprintf(r->detail, sizeof r->detail, "SMTP %ld", code);
	else if (code >= 400 && m->errbuf[0])
		snprintf(r->detail, sizeof r->detail, "SMTP %ld from %s (%.200s)", code, m->shown,
		         m->errbuf);
	else if (code >= 400)
		snprintf(r->detail, sizeof r->detail, "SMTP %ld from %s", code, m->shown);
	else
		snprintf(r->detail, sizeof r->detail, "%.200s at %s",
		         m->errbuf[0] ? m->errbuf : curl_easy_strerror(rc), m->shown);
}
