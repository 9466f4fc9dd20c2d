/* ref: the canonical form of a reference (section 4.1) and the order people read references in. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ref.h"

static char buf[REF_BUF];
static char err[512];
static const char *out;
static size_t outlen;

static int norm(const char *in, size_t len)
{
	memset(buf, '#', sizeof buf);
	memset(err, 0, sizeof err);
	out = NULL;
	outlen = 0;
	return ref_normalize(in, len, buf, &out, &outlen, "ref", err, sizeof err);
}

/* in normalises to want. */
static void expect_canonical(const char *in, const char *want)
{
	if (norm(in, strlen(in)) != 0)
		fail_msg("\"%s\" refused: %s", in, err);
	assert_non_null(out);
	if (outlen != strlen(want) || memcmp(out, want, outlen) != 0)
		fail_msg("\"%s\" became \"%.*s\", expected \"%s\"", in, (int)outlen, out, want);
}

static void expect_refused(const char *in, size_t len, const char *says)
{
	if (norm(in, len) != -1)
		fail_msg("\"%.*s\" accepted as \"%.*s\"", (int)len, in, (int)outlen, out);
	if (!strstr(err, says))
		fail_msg("message \"%s\" does not say \"%s\"", err, says);
	/* The message names the field. */
	if (!strstr(err, "'ref'"))
		fail_msg("message \"%s\" does not name the field", err);
}

static void test_canonical_ascii_not_copied(void **state)
{
	(void)state;
	static const char *const refs[] = {
	    "35 - 2015", "2024/22", "DEL 2012/01", "PCD 1306", "a", "x  y", "~!@#$%^&*()_+{}|:<>?"};
	for (size_t i = 0; i < sizeof refs / sizeof refs[0]; i++) {
		assert_int_equal(norm(refs[i], strlen(refs[i])), 0);
		/* The input itself, not a copy: buf is left alone. */
		assert_ptr_equal(out, refs[i]);
		assert_int_equal(outlen, strlen(refs[i]));
		assert_int_equal(buf[0], '#');
	}
	/* 64 bytes of ASCII is the most. */
	char r[80];
	memset(r, 'R', sizeof r);
	assert_int_equal(norm(r, 64), 0);
	assert_ptr_equal(out, r);
	assert_int_equal(outlen, 64);
	expect_refused(r, 65, "64");
	/* Only len bytes are read. */
	assert_int_equal(norm("35 - 2015 and more", 9), 0);
	assert_int_equal(outlen, 9);
}

static void test_trim(void **state)
{
	(void)state;
	expect_canonical(" 35 - 2015", "35 - 2015");
	expect_canonical("35 - 2015 ", "35 - 2015");
	expect_canonical("   35 - 2015   ", "35 - 2015");
	expect_canonical("\t35 - 2015\t", "35 - 2015");
	expect_canonical(" \t \t35 - 2015\t \t ", "35 - 2015");
	expect_canonical("\xc2\xa0"
	                 "35 - 2015"
	                 "\xc2\xa0",
	                 "35 - 2015"); /* NBSP */
	expect_canonical("\xe2\x80\x83"
	                 "35 - 2015",
	                 "35 - 2015"); /* em space */
	expect_canonical("35 - 2015"
	                 "\xe3\x80\x80",
	                 "35 - 2015"); /* ideographic */
	expect_canonical("\xe2\x80\xaf"
	                 "35 - 2015"
	                 "\xe2\x80\x8a",
	                 "35 - 2015"); /* narrow, hair */
	expect_canonical(" \xc2\xa0\t\xe2\x80\x82x\xe2\x80\x82\t\xc2\xa0 ", "x");
	/* Trimming leaves the inside alone, and a copy is made. */
	expect_canonical(" a  b ", "a  b");
	assert_ptr_equal(out, buf);
}

static void test_inner_spaces(void **state)
{
	(void)state;
	expect_canonical("35\xc2\xa0-\xc2\xa0"
	                 "2015",
	                 "35 - 2015");
	expect_canonical("35\xe2\x80\x83-\xe2\x80\x89"
	                 "2015",
	                 "35 - 2015");
	expect_canonical("35\xe3\x80\x80"
	                 "2015",
	                 "35 2015");
	expect_canonical("DEL\xe2\x80\xaf"
	                 "2012/01",
	                 "DEL 2012/01");
	/* One space character is one plain space: no collapsing. */
	expect_canonical("a\xc2\xa0\xc2\xa0"
	                 "b",
	                 "a  b");
}

static void test_nfc(void **state)
{
	(void)state;
	expect_canonical("e\xcc\x81", "\xc3\xa9"); /* é */
	expect_canonical("Caf"
	                 "e\xcc\x81 2015",
	                 "Caf\xc3\xa9 2015");
	expect_canonical("A\xcc\x8a", "\xc3\x85");                    /* Å */
	expect_canonical("\xe2\x84\xab", "\xc3\x85");                 /* ANGSTROM SIGN to Å */
	expect_canonical("\xe1\x84\x80\xe1\x85\xa1", "\xea\xb0\x80"); /* Hangul jamo to 가 */
	/* Already NFC stays as it is; NFC is not NFKC (the ligature stays). */
	expect_canonical("\xc3\xa9t\xc3\xa9 2015", "\xc3\xa9t\xc3\xa9 2015");
	expect_canonical("\xef\xac\x81le 7", "\xef\xac\x81le 7");
	/* Trimmed, spaced and composed at once. */
	expect_canonical("\xc2\xa0"
	                 "Caf"
	                 "e\xcc\x81\xc2\xa0"
	                 "35 ",
	                 "Caf\xc3\xa9 35");
	/* The two spellings of é are one reference, with one key. */
	unsigned char k1[REF_KEY_MAX], k2[REF_KEY_MAX];
	assert_int_equal(norm("caf\xc3\xa9", 5), 0);
	size_t n1 = ref_key(out, outlen, k1);
	char copy[REF_BUF];
	assert_int_equal(norm("cafe\xcc\x81", 6), 0);
	memcpy(copy, out, outlen);
	size_t n2 = ref_key(copy, outlen, k2);
	assert_int_equal(n1, n2);
	assert_memory_equal(k1, k2, n1);
}

static void test_controls_refused(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		size_t n;
		const char *says;
	} bad[] = {
	    {"a\x01"
	     "b",
	     3, "U+0001"},
	    {"a\x1b"
	     "b",
	     3, "U+001B"},
	    {"a\x7f"
	     "b",
	     3, "U+007F"},
	    {"a\0b", 3, "U+0000"},
	    {"a\tb", 3, "U+0009"},
	    {"a\nb", 3, "U+000A"},
	    {"a\rb", 3, "U+000D"},
	    {"a\xc2\x80"
	     "b",
	     4, "U+0080"},
	    {"a\xc2\x85"
	     "b",
	     4, "U+0085"},
	    {"a\xc2\x9f"
	     "b",
	     4, "U+009F"},
	    {"a\xe2\x80\xa8"
	     "b",
	     5, "U+2028"},
	    {"a\xe2\x80\xa9"
	     "b",
	     5, "U+2029"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		expect_refused(bad[i].s, bad[i].n, bad[i].says);
		expect_refused(bad[i].s, bad[i].n, "control");
		/* Where it is: the second character. */
		expect_refused(bad[i].s, bad[i].n, "character 2");
	}
	/* Deeper in, the position follows. */
	expect_refused("35 - 2015\x01", 10, "character 10");
	expect_refused("35 - \x7f"
	               "2015",
	               10, "character 6");
}

static void test_invisible_refused(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		size_t n;
		const char *says;
	} bad[] = {
	    {"35\xe2\x80\x8b"
	     "2015",
	     9, "U+200B"}, /* zero width space */
	    {"35\xe2\x80\x8c"
	     "2015",
	     9, "U+200C"}, /* zero width non-joiner */
	    {"35\xe2\x80\x8d"
	     "2015",
	     9, "U+200D"}, /* zero width joiner */
	    {"35\xe2\x81\xa0"
	     "2015",
	     9, "U+2060"}, /* word joiner */
	    {"\xef\xbb\xbf"
	     "352015",
	     9, "U+FEFF"},                       /* BOM at the start */
	    {"352015\xef\xbb\xbf", 9, "U+FEFF"}, /* and at the end */
	    {"35\xc2\xad"
	     "2015",
	     8, "U+00AD"}, /* soft hyphen */
	    {"35\xe2\x80\x8e"
	     "2015",
	     9, "U+200E"}, /* left-to-right mark */
	    {"35\xe2\x80\xae"
	     "2015",
	     9, "U+202E"}, /* right-to-left override */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		expect_refused(bad[i].s, bad[i].n, bad[i].says);
		expect_refused(bad[i].s, bad[i].n, "invisible");
	}
}

static void test_empty_and_long_refused(void **state)
{
	(void)state;
	expect_refused("", 0, "empty");
	expect_refused(" ", 1, "empty");
	expect_refused("     ", 5, "empty");
	expect_refused("\t \t", 3, "empty");
	expect_refused("\xc2\xa0", 2, "empty");
	expect_refused(" \xe3\x80\x80 \xe2\x80\x83", 8, "empty");
	expect_refused("\n", 1, "empty");

	/* Over 64 bytes once normalised: 33 two-byte é. */
	char e[80];
	for (int i = 0; i < 33; i++)
		memcpy(e + 2 * i, "\xc3\xa9", 2);
	assert_int_equal(norm(e, 64), 0);
	assert_int_equal(outlen, 64);
	expect_refused(e, 66, "64");
	/* 32 decomposed é are 96 bytes, 64 once composed: the limit is on the canonical form. */
	char nfd[100];
	for (int i = 0; i < 32; i++)
		memcpy(nfd + 3 * i, "e\xcc\x81", 3);
	assert_int_equal(norm(nfd, 96), 0);
	assert_int_equal(outlen, 64);
	assert_memory_equal(out, e, 64);
	nfd[96] = 'x';
	expect_refused(nfd, 97, "64");
	/* White space around 64 bytes does not count. */
	char padded[REF_BUF];
	memset(padded, ' ', sizeof padded);
	memset(padded + 100, 'R', 64);
	assert_int_equal(norm(padded, sizeof padded), 0);
	assert_int_equal(outlen, 64);
	/* 64 ASCII bytes and one space inside: 65. */
	memset(padded, 'R', 65);
	padded[30] = ' ';
	expect_refused(padded, 65, "64");

	/* Not UTF-8. */
	expect_refused("a\xff"
	               "b",
	               3, "UTF-8");
	expect_refused("a\xc0\xafz", 4, "UTF-8");
	expect_refused("\xed\xa0\x80", 3, "UTF-8");
	expect_refused("abc\xe2\x82", 5, "UTF-8");
}

/* ref_key's order: the byte order of the keys. */
static int key_cmp(const char *a, const char *b)
{
	unsigned char ka[REF_KEY_MAX], kb[REF_KEY_MAX];
	memset(ka, 0xee, sizeof ka);
	memset(kb, 0xee, sizeof kb);
	size_t na = ref_key(a, strlen(a), ka), nb = ref_key(b, strlen(b), kb);
	assert_true(na > 0 && na <= REF_KEY_MAX);
	assert_true(nb > 0 && nb <= REF_KEY_MAX);
	int c = memcmp(ka, kb, na < nb ? na : nb);
	return c ? c : (na > nb) - (na < nb);
}

static void expect_before(const char *a, const char *b)
{
	if (key_cmp(a, b) >= 0)
		fail_msg("\"%s\" does not sort before \"%s\"", a, b);
	if (key_cmp(b, a) <= 0)
		fail_msg("\"%s\" does not sort after \"%s\"", b, a);
}

static void test_key_order(void **state)
{
	(void)state;
	/* Numbers by their value. */
	expect_before("3 - 2016", "35 - 2015");
	expect_before("2024/9", "2024/10");
	expect_before("2024/99", "2024/100");
	expect_before("9", "10");
	expect_before("PCD 999", "PCD 1306");
	expect_before("2015-1", "2015-2");
	expect_before("2016-10792", "2016-10793");
	expect_before("1 a", "1 b");
	/* Letters before the number's value matters. */
	expect_before("DEL 2012/01", "PCD 1306");
	expect_before("A 9", "B 1");
	/* A prefix first. */
	expect_before("35", "35 - 2015");
	expect_before("a", "ab");
	/* Letters without regard to case, but never equal. */
	assert_int_not_equal(key_cmp("a", "A"), 0);
	assert_int_not_equal(key_cmp("del 2012/01", "DEL 2012/01"), 0);
	expect_before("a", "B");
	expect_before("A", "b");
	/* "a" and "A" are adjacent: nothing sorts between them. */
	static const char *const around[] = {"a0", "a 1", "@", "[",  "`",  "{", "b",
	                                     "B",  "Z",   "z", "aa", "AA", "9", "0"};
	int lo = key_cmp("a", "A") < 0;
	const char *first = lo ? "a" : "A", *second = lo ? "A" : "a";
	for (size_t i = 0; i < sizeof around / sizeof around[0]; i++)
		if (key_cmp(first, around[i]) < 0 && key_cmp(around[i], second) < 0)
			fail_msg("\"%s\" sorts between \"a\" and \"A\"", around[i]);
	/* Leading zeros: the same value, but distinct references, next to each other. */
	assert_int_not_equal(key_cmp("07", "7"), 0);
	assert_int_not_equal(key_cmp("2024/07", "2024/7"), 0);
	assert_int_not_equal(key_cmp("0", "00"), 0);
	expect_before("2024/6", "2024/07");
	expect_before("2024/07", "2024/8");
	expect_before("2024/7", "2024/8");
	expect_before("2024/6", "2024/7");
	/* Long numbers compare by value too, not only by their first digits. */
	expect_before("99999999999999999999", "100000000000000000000");
	expect_before("x 12345678901234567890123456789", "x 12345678901234567890123456790");
}

static int qsort_by_key(const void *a, const void *b)
{
	return key_cmp(*(const char *const *)a, *(const char *const *)b);
}

static void test_key_sorts_real_refs(void **state)
{
	(void)state;
	/* Reading order, as a person would file them. */
	static const char *const want[] = {
	    "1 - 2015", "3 - 2016",   "7 - 2015",    "12 - 2015",  "35 - 2015",   "101 - 2014",
	    "2016-9",   "2016-10792", "2024/1",      "2024/2",     "2024/9",      "2024/10",
	    "2024/22",  "2024/100",   "DEL 2012/01", "DEL 2012/2", "DEL 2012/10", "PCD 7",
	    "PCD 1306", "PCD 1306a",  "PCD 1306b",   "pcd 1307",   "PCD 13060",
	};
	size_t n = sizeof want / sizeof want[0];
	/* Shuffled with a fixed seed, then sorted by key. */
	const char *got[sizeof want / sizeof want[0]];
	memcpy(got, want, sizeof want);
	uint32_t x = 2463534242u;
	for (size_t i = n - 1; i > 0; i--) {
		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		size_t j = x % (i + 1);
		const char *t = got[i];
		got[i] = got[j];
		got[j] = t;
	}
	qsort(got, n, sizeof got[0], qsort_by_key);
	for (size_t i = 0; i < n; i++)
		if (strcmp(got[i], want[i]) != 0)
			fail_msg("position %zu: \"%s\", expected \"%s\"", i, got[i], want[i]);
}

/* No two distinct references share a key, and a key fits REF_KEY_MAX. */
static void test_key_unique(void **state)
{
	(void)state;
	static const char *const refs[] = {
	    "7",   "07",       "007",      "0",       "00",      "a",       "A",    "a1",
	    "a01", "A01",      "a 1",      "a  1",    "1a",      "01a",     "1 a",  "10",
	    "1 0", "1-0",      "2024/9",   "2024/09", "2024/ 9", "2024 /9", "x9y",  "x09y",
	    "X9Y", "\xc3\xa9", "\xc3\x89", "e",       "E",       "0 0",     "00 0", "0 00",
	};
	size_t n = sizeof refs / sizeof refs[0];
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (key_cmp(refs[i], refs[j]) == 0)
				fail_msg("\"%s\" and \"%s\" share a key", refs[i], refs[j]);
	/* Equal references, equal keys. */
	assert_int_equal(key_cmp("35 - 2015", "35 - 2015"), 0);

	/* The longest keys: every other byte a digit, and all digits. */
	char worst[REF_MAX + 1];
	for (int i = 0; i < REF_MAX; i++)
		worst[i] = i % 2 ? 'a' : '1';
	worst[REF_MAX] = '\0';
	unsigned char k[REF_KEY_MAX + 16];
	memset(k, 0xee, sizeof k);
	size_t len = ref_key(worst, REF_MAX, k);
	assert_true(len <= REF_KEY_MAX);
	for (size_t i = len; i < sizeof k; i++)
		assert_int_equal(k[i], 0xee);
	memset(worst, '9', REF_MAX);
	len = ref_key(worst, REF_MAX, k);
	assert_true(len <= REF_KEY_MAX);
	/* 64 nines sort after 63 nines, and 1 followed by 63 zeros after both. */
	char nines63[REF_MAX];
	memset(nines63, '9', REF_MAX - 1);
	nines63[REF_MAX - 1] = '\0';
	expect_before(nines63, worst);
	char big[REF_MAX + 1];
	memset(big, '0', REF_MAX);
	big[0] = '1';
	big[REF_MAX] = '\0';
	expect_before(nines63, big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_canonical_ascii_not_copied),
	    cmocka_unit_test(test_trim),
	    cmocka_unit_test(test_inner_spaces),
	    cmocka_unit_test(test_nfc),
	    cmocka_unit_test(test_controls_refused),
	    cmocka_unit_test(test_invisible_refused),
	    cmocka_unit_test(test_empty_and_long_refused),
	    cmocka_unit_test(test_key_order),
	    cmocka_unit_test(test_key_sorts_real_refs),
	    cmocka_unit_test(test_key_unique),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
