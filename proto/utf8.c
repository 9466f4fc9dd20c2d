/* The one UTF-8 validator: docketd's requests, libdocket's JSON, imported documents, reports. */
#include <string.h>

#include "utf8.h"

/* True when b is a continuation byte, 10xxxxxx. */
static inline bool cont(unsigned char b)
{
	return (b & 0xc0) == 0x80;
}

size_t utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char c = s[0];
	size_t len;
	uint32_t v;

	/*
	 * Each length straight through, then the bounds that rule out overlong
	 * forms, surrogates and what lies past U+10FFFF.
	 */
	if (c < 0x80) {
		len = 1, v = c;
	} else if (c < 0xc2) {
		return 0; /* a continuation byte, or an overlong lead */
	} else if (c < 0xe0) {
		if (n < 2 || !cont(s[1]))
			return 0;
		len = 2, v = (c & 0x1fu) << 6 | (s[1] & 0x3fu);
	} else if (c < 0xf0) {
		if (n < 3 || !cont(s[1]) || !cont(s[2]))
			return 0;
		len = 3, v = (c & 0x0fu) << 12 | (s[1] & 0x3fu) << 6 | (s[2] & 0x3fu);
		if (v < 0x800 || (v >= 0xd800 && v <= 0xdfff))
			return 0;
	} else if (c < 0xf5) {
		if (n < 4 || !cont(s[1]) || !cont(s[2]) || !cont(s[3]))
			return 0;
		len = 4;
		v = (c & 0x07u) << 18 | (s[1] & 0x3fu) << 12 | (s[2] & 0x3fu) << 6 | (s[3] & 0x3fu);
		if (v < 0x10000 || v > 0x10ffff)
			return 0;
	} else {
		return 0;
	}
	if (cp)
		*cp = v;
	return len;
}

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/*
 * Whether any of the 8 bytes of w is outside the run of plain ASCII rule
 * allows (a high bit; for one line also a control or DEL): the word-wide
 * tests keep docketd's hot path, where nearly every byte is ASCII, at a
 * fraction of a branch per byte.
 */
static bool word_stops(uint64_t w, enum utf8_rule rule)
{
	if (w & HIGHS)
		return true;
	if (rule == UTF8_TEXT)
		return false;
	uint64_t below_space = (w - ONES * 0x20) & ~w & HIGHS;
	uint64_t del = w ^ (ONES * 0x7f);
	return below_space || ((del - ONES) & ~del & HIGHS);
}

bool utf8_valid(const char *str, size_t n, enum utf8_rule rule)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < n) {
		uint64_t w;
		if (n - i >= 8) {
			memcpy(&w, s + i, 8);
			if (!word_stops(w, rule)) {
				i += 8;
				continue;
			}
		}
		/* Then a character at a time, for as long as the text stays outside ASCII. */
		do {
			uint32_t cp;
			size_t len = utf8_next(s + i, n - i, &cp);
			if (len == 0 || (rule == UTF8_LINE && utf8_breaks_line(cp)))
				return false;
			i += len;
		} while (i < n && s[i] >= 0x80);
	}
	return true;
}
