/* References: canonical form through libunistring, and a natural sort key. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#include "ref.h"

/* Plain ASCII with no space at either end is already canonical: the common case. */
static int canonical_ascii(const unsigned char *s, size_t len)
{
	if (len == 0 || len > REF_MAX || s[0] == ' ' || s[len - 1] == ' ')
		return 0;
	for (size_t i = 0; i < len; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return 0;
	return 1;
}

static int refuse(char *err, size_t errlen, const char *what, const char *fmt, ucs4_t uc,
		  size_t at)
{
	char why[96];
	snprintf(why, sizeof why, fmt, (unsigned)uc, at);
	snprintf(err, errlen, "'%s' %s", what, why);
	return -1;
}

int ref_normalize(const char *in, size_t len, char *buf, const char **out, size_t *outlen,
		  const char *what, char *err, size_t errlen)
{
	const uint8_t *s = (const uint8_t *)in;
	if (canonical_ascii(s, len)) {
		*out = in;
		*outlen = len;
		return 0;
	}
	if (u8_check(s, len)) {
		snprintf(err, errlen, "'%s' is not valid UTF-8", what);
		return -1;
	}
	/* Trim: find the first and last characters that are not white space. */
	size_t start = len, end = 0;
	for (size_t i = 0; i < len;) {
		ucs4_t uc;
		int n = u8_mbtouc(&uc, s + i, len - i);
		if (!uc_is_property_white_space(uc)) {
			if (start == len)
				start = i;
			end = i + (size_t)n;
		}
		i += (size_t)n;
	}
	if (start == len) {
		snprintf(err, errlen, "'%s' must not be empty or only white space", what);
		return -1;
	}
	/* Check what is left, making inner spaces plain; it is no longer than the input. */
	uint8_t spaced[REF_BUF];
	/* Positions in messages count from the reference as sent, white space included. */
	size_t n = 0, chars = u8_mbsnlen(s, start);
	if (end - start > sizeof spaced) {
		snprintf(err, errlen, "'%s' is longer than %d bytes", what, REF_MAX);
		return -1;
	}
	for (size_t i = start; i < end;) {
		ucs4_t uc;
		int k = u8_mbtouc(&uc, s + i, end - i);
		chars++;
		if (uc_is_general_category(uc, UC_CATEGORY_Cc) ||
		    uc_is_general_category(uc, UC_CATEGORY_Zl) ||
		    uc_is_general_category(uc, UC_CATEGORY_Zp))
			return refuse(err, errlen, what,
				      "holds a control character, U+%04X, at character %zu", uc, chars);
		if (uc_is_general_category(uc, UC_CATEGORY_Cf))
			return refuse(err, errlen, what,
				      "holds an invisible format character, U+%04X, at character %zu",
				      uc, chars);
		if (uc_is_property_white_space(uc)) {
			spaced[n++] = ' ';
		} else {
			memcpy(spaced + n, s + i, (size_t)k);
			n += (size_t)k;
		}
		i += (size_t)k;
	}
	size_t cap = REF_BUF;
	uint8_t *nfc = u8_normalize(UNINORM_NFC, spaced, n, (uint8_t *)buf, &cap);
	if (!nfc) {
		snprintf(err, errlen, "'%s' cannot be normalised", what);
		return -1;
	}
	if (nfc != (uint8_t *)buf)
		free(nfc);
	if (cap > REF_MAX) {
		snprintf(err, errlen, "'%s' is %zu bytes; the limit is %d", what, cap, REF_MAX);
		return -1;
	}
	*out = buf;
	*outlen = cap;
	return 0;
}

size_t ref_key(const char *ref, size_t len, unsigned char *out)
{
	size_t n = 0;
	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)ref[i];
		if (c >= '0' && c <= '9') {
			/* A number: '0', its count of digits, its digits; leading zeros aside. */
			size_t j = i;
			while (j < len && ref[j] >= '0' && ref[j] <= '9')
				j++;
			size_t first = i;
			while (first + 1 < j && ref[first] == '0')
				first++;
			out[n++] = '0';
			out[n++] = (unsigned char)(j - first);
			memcpy(out + n, ref + first, j - first);
			n += j - first;
			i = j;
			continue;
		}
		out[n++] = c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
		i++;
	}
	/* The reference itself breaks ties ("07" and "7", "A" and "a"). */
	out[n++] = 0;
	memcpy(out + n, ref, len);
	return n + len;
}
