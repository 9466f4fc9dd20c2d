/* Reading a document: checks its bytes, splits its lines, hands them to its format's parser. */
#include <stdlib.h>
#include <string.h>

#include "docket/error.h"
#include "import.h"
#include "import_field.h"
#include "utf8.h"

/* Refuse what is not UTF-8 text, naming the line (counting LF, CRLF and CR ends). */
static int check_text(const unsigned char *s, size_t len, struct import_error *e)
{
	unsigned line = 1;
	size_t line_start = 0;
	if (len >= 2 && ((s[0] == 0xFF && s[1] == 0xFE) || (s[0] == 0xFE && s[1] == 0xFF)))
		return field_error(e, 1,
		                   "expected UTF-8 text, found a UTF-16 byte order mark "
		                   "(save the document as UTF-8)");
	for (size_t i = 0; i < len;) {
		if (s[i] == '\n' || s[i] == '\r') {
			i += s[i] == '\r' && i + 1 < len && s[i + 1] == '\n' ? 2 : 1;
			line++;
			line_start = i;
			continue;
		}
		if (s[i] == '\0')
			return field_error(e, line,
			                   "expected text, found a NUL byte at column %zu "
			                   "(is this a binary or UTF-16 file?)",
			                   i - line_start + 1);
		uint32_t cp;
		size_t k = utf8_next(s + i, len - i, &cp);
		if (k == 0)
			return field_error(
			    e, line,
			    "expected UTF-8 text, found the byte 0x%02X at column %zu "
			    "(is the document in Windows-1252 or Latin-1?)",
			    s[i], i - line_start + 1);
		/*
		 * No document holds other controls, or the Unicode line and paragraph
		 * separators, and docketd refuses them in one-line values.
		 */
		if (utf8_breaks_line(cp) && cp != '\t' && cp != '\f' && cp != '\v')
			return field_error(
			    e, line,
			    "expected text, found U+%04X, a control or line separator "
			    "character, at column %zu",
			    cp, i - line_start + 1);
		i += k;
	}
	return 0;
}

/*
 * Copy the text without its byte order mark and with every line end a '\n',
 * then point a line at each; line numbers stay those an editor shows.
 */
static int split_lines(const char *buf, size_t len, char **text, struct field_line **lines,
                       size_t *n)
{
	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
		buf += 3;
		len -= 3;
	}
	char *t = malloc(len + 1);
	if (!t)
		return -DOCKET_ENOMEM;
	size_t tl = 0, count = 0;
	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '\r') {
			if (i + 1 < len && buf[i + 1] == '\n')
				i++;
			t[tl++] = '\n';
		} else {
			t[tl++] = buf[i];
		}
		if (t[tl - 1] == '\n')
			count++;
	}
	/* A last line without a line end is still a line. */
	if (tl > 0 && t[tl - 1] != '\n')
		count++;
	t[tl] = '\0';
	struct field_line *v = malloc((count ? count : 1) * sizeof *v);
	if (!v) {
		free(t);
		return -DOCKET_ENOMEM;
	}
	size_t k = 0, start = 0;
	for (size_t i = 0; i <= tl && k < count; i++) {
		if (i == tl || t[i] == '\n') {
			v[k].s = t + start;
			v[k].len = i - start;
			k++;
			start = i + 1;
		}
	}
	*text = t;
	*lines = v;
	*n = count;
	return 0;
}

int import_parse(const char *buf, size_t len, struct import_doc *doc, struct import_error *e)
{
	struct import_error scratch;
	char *text = NULL;
	struct field_line *lines = NULL;
	struct field_lines L = {NULL, 0};
	size_t n = 0, i = 0;
	int rc;
	if (!doc || (!buf && len > 0))
		return -DOCKET_EINVAL;
	if (!e)
		e = &scratch;
	memset(doc, 0, sizeof *doc);
	memset(e, 0, sizeof *e);
	rc = check_text((const unsigned char *)buf, len, e);
	if (rc)
		goto out;
	rc = split_lines(buf ? buf : "", len, &text, &lines, &n);
	if (rc)
		goto out;
	L.v = lines;
	L.n = n;
	while (i < n && field_is_blank(lines[i].s, lines[i].len))
		i++;
	if (i == n) {
		rc = field_error(e, 0, "no 'Decision:' found: the document is empty");
		goto out;
	}
	if (import_is_register(&L)) {
		doc->format = IMPORT_REGISTER;
		rc = import_register_parse(&L, doc, e);
	} else {
		doc->format = IMPORT_REPORT;
		rc = import_report_parse(&L, doc, e);
	}
out:
	if (rc) {
		import_doc_free(doc);
		if (rc == -DOCKET_ENOMEM)
			field_error(e, 0, "out of memory");
	}
	free(text);
	free(lines);
	return rc;
}

void import_doc_free(struct import_doc *doc)
{
	if (!doc)
		return;
	for (size_t i = 0; i < doc->n; i++)
		field_decision_free(&doc->decisions[i]);
	free(doc->decisions);
	free(doc->from);
	free(doc->to);
	free(doc->subject);
	free(doc->item_code);
	free(doc->meeting_date);
	free(doc->title);
	free(doc->period_start);
	free(doc->period_end);
	memset(doc, 0, sizeof *doc);
}
