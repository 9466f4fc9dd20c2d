/*
 * The one UTF-8 validator (proto/utf8.c) against libunistring's u8_check on
 * every sequence of up to three bytes and the four-byte edges, with and
 * without the word-wide ASCII path around it, and the one-line rule.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <unistr.h>

#include "utf8.h"

/* buf holds n bytes at offset pad of ASCII filler, so that the 8-byte path reaches them. */
static bool check_padded(const unsigned char *seq, size_t n, size_t pad, enum utf8_rule rule)
{
	char buf[64];
	memset(buf, 'a', sizeof buf);
	memcpy(buf + pad, seq, n);
	return utf8_valid(buf, pad + n + pad, rule);
}

static void agree(const unsigned char *seq, size_t n)
{
	bool want = u8_check(seq, n) == NULL;
	for (size_t pad = 0; pad < 12; pad += 3)
		if (check_padded(seq, n, pad, UTF8_TEXT) != want)
			fail_msg("%02x %02x %02x %02x (%zu bytes, pad %zu): want %d", seq[0],
			         n > 1 ? seq[1] : 0, n > 2 ? seq[2] : 0, n > 3 ? seq[3] : 0, n, pad,
			         want);
}

static void test_utf8_matches_libunistring(void **state)
{
	(void)state;
	unsigned char s[4];
	for (unsigned a = 0; a < 256; a++) {
		s[0] = (unsigned char)a;
		agree(s, 1);
		for (unsigned b = 0; b < 256; b++) {
			s[1] = (unsigned char)b;
			agree(s, 2);
			for (unsigned c = 0x70; c < 0xd0; c++) {
				s[2] = (unsigned char)c;
				agree(s, 3);
			}
		}
	}
	/* Four bytes: every lead with the second byte's edges, and a truncated tail. */
	static const unsigned char four[][4] = {
	    {0xf0, 0x90, 0x80, 0x80}, {0xf0, 0x8f, 0xbf, 0xbf}, {0xf4, 0x8f, 0xbf, 0xbf},
	    {0xf4, 0x90, 0x80, 0x80}, {0xf5, 0x80, 0x80, 0x80}, {0xf0, 0x9f, 0x98, 0x80},
	    {0xf0, 0x9f, 0x98, 0x41}, {0xf8, 0x88, 0x80, 0x80},
	};
	for (size_t i = 0; i < sizeof four / sizeof four[0]; i++) {
		agree(four[i], 4);
		agree(four[i], 3);
	}
}

static void test_utf8_one_line(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		bool text, line;
	} cases[] = {
	    {"plain words, long enough for the 8-byte path", true, true},
	    {"tab\there", true, false},
	    {"new\nline", true, false},
	    {"del\x7f", true, false},
	    {"nel \xc2\x85 (C1)", true, false},
	    {"nbsp \xc2\xa0 is fine", true, true},
	    {"line sep \xe2\x80\xa8", true, false},
	    {"para sep \xe2\x80\xa9", true, false},
	    {"\xe4\xbc\x9a\xe8\xad\xb0 and Cafe\xcc\x81", true, true},
	    {"surrogate \xed\xa0\x80", false, false},
	    {"overlong \xc0\xaf", false, false},
	    {"cut \xe4\xbc", false, false},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t n = strlen(cases[i].s);
		if (utf8_valid(cases[i].s, n, UTF8_TEXT) != cases[i].text ||
		    utf8_valid(cases[i].s, n, UTF8_LINE) != cases[i].line)
			fail_msg("case %zu: \"%s\"", i, cases[i].s);
	}
	/* A NUL is a C0 control: text keeps it, a line refuses it. */
	assert_true(utf8_valid("a\0b", 3, UTF8_TEXT));
	assert_false(utf8_valid("a\0b", 3, UTF8_LINE));
	/* Every control at every place in a word of eight. */
	for (unsigned c = 0; c < 0x80; c++)
		for (size_t at = 0; at < 8; at++) {
			char w[8] = "abcdefgh";
			w[at] = (char)c;
			assert_int_equal(utf8_valid(w, 8, UTF8_LINE), c >= 0x20 && c != 0x7f);
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_utf8_matches_libunistring),
	    cmocka_unit_test(test_utf8_one_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
