/*
 * Harness for the document importers: import_parse, as `docket import`
 * calls it on a file, choosing the panel report or the register parser by
 * content. A document it takes must give what the import request needs:
 * decisions with a title and a text, dates and decision makers in the
 * protocol's forms, and all of it UTF-8 the daemon will accept.
 */
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "docket/error.h"
#include "fuzz.h"
#include "import.h"
#include "proto.h"

/* Valid UTF-8 (RFC 3629) without NUL: what docketd's request decoder accepts. */
static int utf8_ok(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	while (*u) {
		unsigned c = *u, n;
		uint32_t cp;
		if (c < 0x80) {
			u++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			n = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			n = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 3, cp = c & 0x07;
		else
			return 0;
		for (unsigned k = 1; k <= n; k++) {
			if ((u[k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (u[k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		u += n + 1;
	}
	return 1;
}

/*
 * Text as the request's text fields take it: UTF-8, not empty. Lengths are
 * not checked here: docketd refuses an overlong value with a message that
 * names the field and the limit, which is all the importer could say.
 */
static int text_ok(const char *s)
{
	return !s || (s[0] && utf8_ok(s));
}

/*
 * One line as the request's line fields take it: not empty, without C0 or
 * C1 controls or the Unicode line and paragraph separators, which docketd
 * would refuse with a message about a character the reader cannot see.
 */
static int line_ok(const char *s)
{
	if (!s)
		return 1;
	for (const unsigned char *u = (const unsigned char *)s; *u; u++)
		if (*u < 0x20 || *u == 0x7f || (u[0] == 0xc2 && u[1] >= 0x80 && u[1] <= 0x9f) ||
		    (u[0] == 0xe2 && u[1] == 0x80 && (u[2] == 0xa8 || u[2] == 0xa9)))
			return 0;
	return s[0] && utf8_ok(s);
}

static int date_ok(const char *s)
{
	int64_t day;
	return !s || (strlen(s) == DATE_LEN - 1 && date_parse(s, strlen(s), &day) == 0);
}

static int maker_ok(const char *s)
{
	for (size_t i = 0; s && proto_decision_makers[i]; i++)
		if (strcmp(s, proto_decision_makers[i]) == 0)
			return 1;
	return !s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct import_doc doc;
	struct import_error e;

	int rc = import_parse((const char *)data, size, &doc, &e);
	FUZZ_CHECK(memchr(e.message, '\0', sizeof e.message) != NULL);
	if (rc < 0) {
		FUZZ_CHECK(rc == -DOCKET_EBADREQ || rc == -DOCKET_ENOMEM);
		FUZZ_CHECK(e.message[0] && utf8_ok(e.message));
		/* A failed parse leaves nothing to free. */
		FUZZ_CHECK(doc.n == 0 && !doc.decisions && !doc.from && !doc.title);
		return 0;
	}
	FUZZ_CHECK(rc == 0 && doc.n > 0 && doc.decisions);
	FUZZ_CHECK(doc.format == IMPORT_REPORT || doc.format == IMPORT_REGISTER);
	FUZZ_CHECK(line_ok(doc.from) && line_ok(doc.to) && line_ok(doc.subject));
	FUZZ_CHECK(line_ok(doc.item_code) && line_ok(doc.title));
	FUZZ_CHECK(date_ok(doc.meeting_date) && date_ok(doc.period_start) &&
	           date_ok(doc.period_end));
	unsigned last = 0;
	for (size_t i = 0; i < doc.n; i++) {
		const struct import_decision *d = &doc.decisions[i];
		FUZZ_CHECK(d->title && d->title[0] && line_ok(d->title));
		FUZZ_CHECK(d->text && d->text[0] && text_ok(d->text));
		FUZZ_CHECK(text_ok(d->justification) && text_ok(d->restriction_reason));
		FUZZ_CHECK(text_ok(d->ref) && date_ok(d->decided_on) &&
		           maker_ok(d->decision_maker));
		/* Document order: each decision starts on a later line than the one before. */
		FUZZ_CHECK(d->line > last);
		last = d->line;
	}
	import_doc_free(&doc);
	FUZZ_CHECK(doc.n == 0 && !doc.decisions);
	return 0;
}
