/*
 * UTF-8 as docket reads it, one validator for docketd and every client:
 * RFC 3629 only (no overlong forms, no surrogates, nothing past U+10FFFF).
 */
#ifndef DOCKET_UTF8_H
#define DOCKET_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What else a valid string must keep out. */
enum utf8_rule {
	UTF8_TEXT, /* any character: multi-line text */
	UTF8_LINE, /* one line: no C0 or C1 control, DEL, U+2028 or U+2029 */
};

/*
 * The valid character at s (n > 0 bytes left): its length (1 to 4) with its
 * code point in *cp (when cp is not NULL), or 0 when s does not start one.
 */
size_t utf8_next(const unsigned char *s, size_t n, uint32_t *cp);

/* True when the n bytes at s are valid UTF-8 that keeps rule. */
bool utf8_valid(const char *s, size_t n, enum utf8_rule rule);

/* True when cp breaks a line (UTF8_LINE's rule): a C0 or C1 control, DEL, U+2028, U+2029. */
static inline bool utf8_breaks_line(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029;
}

#endif
