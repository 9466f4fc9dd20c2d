/* The register's Atom feed (RFC 4287): the latest published decisions, newest first. */
#include <libxml/xmlwriter.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "docket/error.h"
#include "export_int.h"

#define ATOM_NS "http://www.w3.org/2005/Atom"
/* Feed readers want the news, not the archive: the pages hold the rest. */
#define ATOM_MAX_ENTRIES 50

/* Every libxml2 writer call returns a negative count on failure; stop at the first. */
#define W(call)                                                                                    \
	do {                                                                                       \
		if ((call) < 0)                                                                    \
			return -DOCKET_ENOMEM;                                                     \
	} while (0)

int export_sha256(const char *prefix, const char *s, unsigned char out[32])
{
	/* sodium_init must run before any libsodium call; later calls return 1 and do nothing. */
	static int ready;
	if (!ready) {
		if (sodium_init() < 0)
			return -DOCKET_EINTERNAL;
		ready = 1;
	}
	crypto_hash_sha256_state st;
	if (crypto_hash_sha256_init(&st) != 0 ||
	    crypto_hash_sha256_update(&st, (const unsigned char *)prefix, strlen(prefix)) != 0 ||
	    crypto_hash_sha256_update(&st, (const unsigned char *)s, strlen(s)) != 0 ||
	    crypto_hash_sha256_final(&st, out) != 0)
		return -DOCKET_EINTERNAL;
	return 0;
}

int export_rfc3339(const char *utc, char out[21])
{
	int64_t epoch;
	if (!utc || date_utc_parse(utc, strlen(utc), &epoch) != 0)
		return -1;
	date_format_utc(epoch, out);
	return 0;
}

/*
 * "urn:uuid:..." from SHA-256 of prefix + name, shaped as a name-based
 * UUID (version 5 bits, RFC 4122 variant) so that an id never changes
 * for the same ref, whatever else about the decision changes.
 */
static int name_uuid(const char *prefix, const char *name, char out[46])
{
	unsigned char h[32];
	if (export_sha256(prefix, name, h) != 0)
		return -DOCKET_EINTERNAL;
	h[6] = (unsigned char)((h[6] & 0x0f) | 0x50);
	h[8] = (unsigned char)((h[8] & 0x3f) | 0x80);
	char *o = out + sprintf(out, "urn:uuid:");
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*o++ = '-';
		o += sprintf(o, "%02x", h[i]);
	}
	return 0;
}

/* A decision with the time the feed gives it. */
struct entry {
	const struct export_decision *d;
	char updated[21];
};

/* published_at; a decision without one reads as published at midnight UTC, or at the export. */
static void entry_time(const struct export_register *r, const struct export_decision *d,
                       char out[21])
{
	char buf[32];
	if (export_rfc3339(d->published_at, out) == 0)
		return;
	if (d->published_on) {
		snprintf(buf, sizeof buf, "%.10sT00:00:00Z", d->published_on);
		if (export_rfc3339(buf, out) == 0)
			return;
	}
	if (export_rfc3339(r->generated, out) != 0)
		snprintf(out, 21, "1970-01-01T00:00:00Z");
}

/* Newest first; the fixed-width RFC 3339 UTC form sorts as its time. */
static int entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int c = strcmp(y->updated, x->updated);
	return c ? c : strcmp(x->d->ref, y->d->ref);
}

static int link(xmlTextWriterPtr w, const char *rel, const char *type, const char *href)
{
	W(xmlTextWriterStartElement(w, BAD_CAST "link"));
	W(xmlTextWriterWriteAttribute(w, BAD_CAST "rel", BAD_CAST rel));
	W(xmlTextWriterWriteAttribute(w, BAD_CAST "type", BAD_CAST type));
	W(xmlTextWriterWriteAttribute(w, BAD_CAST "href", BAD_CAST href));
	W(xmlTextWriterEndElement(w));
	return 0;
}

/* The public decision text; a part restriction adds its notice, a full one is the notice alone. */
static int summary(xmlTextWriterPtr w, const struct export_decision *d)
{
	int rc;
	char *notice = export_notice(d, &rc);
	const char *text = export_restriction(d) == EXPORT_FULL ? NULL : d->text;
	if (rc)
		return rc;
	if (text || notice) {
		rc = -DOCKET_ENOMEM;
		if (xmlTextWriterStartElement(w, BAD_CAST "summary") < 0 ||
		    xmlTextWriterWriteAttribute(w, BAD_CAST "type", BAD_CAST "text") < 0 ||
		    (text && xmlTextWriterWriteString(w, BAD_CAST text) < 0) ||
		    (text && notice && xmlTextWriterWriteString(w, BAD_CAST "\n\n") < 0) ||
		    (notice && xmlTextWriterWriteString(w, BAD_CAST notice) < 0) ||
		    xmlTextWriterEndElement(w) < 0)
			goto out;
	}
	rc = 0;
out:
	free(notice);
	return rc;
}

static int entry(xmlTextWriterPtr w, const struct export_register *r, const struct entry *e)
{
	char id[46], slug[EXPORT_SLUG_LEN], rel[EXPORT_SLUG_LEN + 16], url[EXPORT_URL_LEN];
	char title[1024];
	int rc = name_uuid("docket-decision:", e->d->ref, id);
	if (rc || (rc = export_slug(e->d->ref, slug, sizeof slug)) != 0)
		return rc;
	snprintf(rel, sizeof rel, "decisions/%s", slug);
	if (export_url(r, rel, url, sizeof url) != 0)
		return -DOCKET_EINVAL;
	snprintf(title, sizeof title, "%s: %s", e->d->ref, e->d->title);
	W(xmlTextWriterStartElement(w, BAD_CAST "entry"));
	W(xmlTextWriterWriteElement(w, BAD_CAST "id", BAD_CAST id));
	W(xmlTextWriterWriteElement(w, BAD_CAST "title", BAD_CAST title));
	W(xmlTextWriterWriteElement(w, BAD_CAST "updated", BAD_CAST e->updated));
	W(xmlTextWriterWriteElement(w, BAD_CAST "published", BAD_CAST e->updated));
	if ((rc = link(w, "alternate", "text/html", url)) != 0 || (rc = summary(w, e->d)) != 0)
		return rc;
	W(xmlTextWriterEndElement(w));
	return 0;
}

static int feed_head(xmlTextWriterPtr w, const struct export_register *r, const char *updated)
{
	char id[46], url[EXPORT_URL_LEN], title[512];
	if (name_uuid("docket-feed:", r->office, id) != 0)
		return -DOCKET_EINTERNAL;
	snprintf(title, sizeof title, "Decisions – %s", r->office);
	W(xmlTextWriterStartElementNS(w, NULL, BAD_CAST "feed", BAD_CAST ATOM_NS));
	W(xmlTextWriterWriteAttribute(w, BAD_CAST "xml:lang", BAD_CAST "en-GB"));
	W(xmlTextWriterWriteElement(w, BAD_CAST "id", BAD_CAST id));
	W(xmlTextWriterWriteElement(w, BAD_CAST "title", BAD_CAST title));
	W(xmlTextWriterWriteElement(w, BAD_CAST "updated", BAD_CAST updated));
	W(xmlTextWriterStartElement(w, BAD_CAST "author"));
	W(xmlTextWriterWriteElement(w, BAD_CAST "name", BAD_CAST r->office));
	W(xmlTextWriterEndElement(w));
	/* Without a base URL the links stay relative, resolved against the feed's own address. */
	int rc = export_url(r, "feed.xml", url, sizeof url);
	if (rc == 0)
		rc = link(w, "self", "application/atom+xml", url);
	if (rc == 0)
		rc = export_url(r, "index.html", url, sizeof url);
	return rc ? rc : link(w, "alternate", "text/html", url);
}

static int feed(xmlTextWriterPtr w, const struct export_register *r, struct entry *v, size_t n)
{
	char updated[21];
	int rc;
	if (n)
		memcpy(updated, v[0].updated, sizeof updated);
	else if (export_rfc3339(r->generated, updated) != 0)
		return -DOCKET_EINVAL;
	W(xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL));
	if ((rc = feed_head(w, r, updated)) != 0)
		return rc;
	for (size_t i = 0; i < n && i < ATOM_MAX_ENTRIES; i++)
		if ((rc = entry(w, r, &v[i])) != 0)
			return rc;
	W(xmlTextWriterEndDocument(w));
	return 0;
}

int export_atom(const struct export_register *r, const char *path, char *err, size_t errlen)
{
	xmlBufferPtr buf = NULL;
	xmlTextWriterPtr w = NULL;
	struct entry *v = calloc(r->n ? r->n : 1, sizeof *v);
	int rc = -DOCKET_ENOMEM;
	if (!v || !(buf = xmlBufferCreate()) || !(w = xmlNewTextWriterMemory(buf, 0)))
		goto out;
	for (size_t i = 0; i < r->n; i++) {
		v[i].d = &r->decisions[i];
		entry_time(r, v[i].d, v[i].updated);
	}
	qsort(v, r->n, sizeof *v, entry_cmp);
	if (xmlTextWriterSetIndent(w, 1) < 0 ||
	    xmlTextWriterSetIndentString(w, BAD_CAST "  ") < 0 || (rc = feed(w, r, v, r->n)) != 0)
		goto out;
	/* Freeing the writer flushes it into buf. */
	xmlFreeTextWriter(w);
	w = NULL;
	rc = export_write_file(path, xmlBufferContent(buf), (size_t)xmlBufferLength(buf), err,
	                       errlen);
out:
	if (rc && rc != -DOCKET_ESYS)
		export_fail(err, errlen, rc, "%s: cannot write the feed (%s)", path,
		            docket_strerror(rc));
	xmlFreeTextWriter(w);
	xmlBufferFree(buf);
	free(v);
	return rc;
}
