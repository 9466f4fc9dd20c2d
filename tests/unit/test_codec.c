/* codec: every msgpack type family, malformed and truncated input, and the limits on both sides. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "codec.h"
#include "docket/error.h"

/*
 * The link wraps malloc, calloc and realloc (see CMakeLists.txt) so that a
 * test can assert the codec allocates nothing, whatever a message declares.
 */
void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);

/*
 * volatile: the compiler treats malloc as a builtin that touches no other
 * memory, so at -O2 it would otherwise keep these in registers across a call.
 */
static volatile int counting;
static volatile unsigned long allocations;

void *__wrap_malloc(size_t n)
{
	allocations += counting;
	return __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
	allocations += counting;
	return __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
	allocations += counting;
	return __real_realloc(p, n);
}

/* codec_validate, counting the allocations made meanwhile into *allocs. */
static int validate_counted(const void *buf, size_t len, const struct codec_limits *lim,
                            unsigned long *allocs)
{
	allocations = 0;
	counting = 1;
	int rc = codec_validate(buf, len, lim);
	counting = 0;
	*allocs = allocations;
	return rc;
}

/* A growable byte buffer for writing msgpack by hand, byte for byte. */
struct mb {
	uint8_t *p;
	size_t len, cap;
};

static void put(struct mb *b, const void *src, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		while (cap < b->len + n)
			cap *= 2;
		b->p = realloc(b->p, cap);
		assert_non_null(b->p);
		b->cap = cap;
	}
	if (n)
		memcpy(b->p + b->len, src, n);
	b->len += n;
}

static void put8(struct mb *b, unsigned v)
{
	uint8_t c = (uint8_t)v;
	put(b, &c, 1);
}

static void put_be(struct mb *b, uint64_t v, unsigned n)
{
	for (unsigned i = n; i-- > 0;)
		put8(b, (unsigned)(v >> (8 * i)) & 0xff);
}

/* A header byte followed by an n-byte big-endian length or count. */
static void put_hdr(struct mb *b, unsigned type, uint64_t v, unsigned n)
{
	put8(b, type);
	put_be(b, v, n);
}

/* n bytes of filler. */
static void put_fill(struct mb *b, size_t n, uint8_t c)
{
	uint8_t *tmp = malloc(n ? n : 1);
	assert_non_null(tmp);
	memset(tmp, c, n);
	put(b, tmp, n);
	free(tmp);
}

static void mb_free(struct mb *b)
{
	free(b->p);
	memset(b, 0, sizeof *b);
}

/* Validate bytes with the default limits, then read one value that must use all of them. */
static struct codec_value read_one(const void *buf, size_t len)
{
	assert_int_equal(codec_validate(buf, len, &codec_default_limits), 0);
	struct codec_reader r;
	struct codec_value v;
	codec_reader_init(&r, buf, len);
	assert_int_equal(codec_read(&r, &v), 0);
	assert_ptr_equal(r.p, (const uint8_t *)buf + len);
	return v;
}

#define READ_ONE(...)                                                                              \
	read_one((const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__}))

static void expect_int(struct codec_value v, int64_t want)
{
	assert_int_equal(v.type, CODEC_INT);
	assert_true(v.u.i == want);
}

/* Positive and negative fixint. */
static void test_fixint(void **state)
{
	(void)state;
	expect_int(READ_ONE(0x00), 0);
	expect_int(READ_ONE(0x01), 1);
	expect_int(READ_ONE(0x7f), 127);
	expect_int(READ_ONE(0xff), -1);
	expect_int(READ_ONE(0xe0), -32);
	expect_int(READ_ONE(0xf0), -16);
}

static void test_signed_ints(void **state)
{
	(void)state;
	expect_int(READ_ONE(0xd0, 0x7f), 127);
	expect_int(READ_ONE(0xd0, 0x80), -128);
	expect_int(READ_ONE(0xd0, 0xff), -1);
	expect_int(READ_ONE(0xd1, 0x7f, 0xff), 32767);
	expect_int(READ_ONE(0xd1, 0x80, 0x00), -32768);
	expect_int(READ_ONE(0xd1, 0xff, 0xfe), -2);
	expect_int(READ_ONE(0xd2, 0x7f, 0xff, 0xff, 0xff), INT32_MAX);
	expect_int(READ_ONE(0xd2, 0x80, 0x00, 0x00, 0x00), INT32_MIN);
	expect_int(READ_ONE(0xd2, 0xff, 0xff, 0xfe, 0xd4), -300);
	expect_int(READ_ONE(0xd3, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), INT64_MAX);
	expect_int(READ_ONE(0xd3, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00), INT64_MIN);
	expect_int(READ_ONE(0xd3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), -1);
	expect_int(READ_ONE(0xd3, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00),
	           INT64_C(4294967296));
}

static void test_unsigned_ints(void **state)
{
	(void)state;
	expect_int(READ_ONE(0xcc, 0x00), 0);
	expect_int(READ_ONE(0xcc, 0xff), 255);
	expect_int(READ_ONE(0xcd, 0x01, 0x00), 256);
	expect_int(READ_ONE(0xcd, 0xff, 0xff), 65535);
	expect_int(READ_ONE(0xce, 0xff, 0xff, 0xff, 0xff), INT64_C(4294967295));
	expect_int(READ_ONE(0xcf, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00),
	           INT64_C(4294967296));
	expect_int(READ_ONE(0xcf, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), INT64_MAX);

	/* Beyond INT64_MAX the value is CODEC_UINT, never a negative int. */
	struct codec_value v = READ_ONE(0xcf, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00);
	assert_int_equal(v.type, CODEC_UINT);
	assert_true(v.u.u == (uint64_t)INT64_MAX + 1);
	v = READ_ONE(0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
	assert_int_equal(v.type, CODEC_UINT);
	assert_true(v.u.u == UINT64_MAX);
}

static void test_floats(void **state)
{
	(void)state;
	struct codec_value v = READ_ONE(0xca, 0x3f, 0xc0, 0x00, 0x00);
	assert_int_equal(v.type, CODEC_FLOAT);
	assert_true(v.u.f == 1.5);
	v = READ_ONE(0xca, 0xbe, 0x80, 0x00, 0x00);
	assert_int_equal(v.type, CODEC_FLOAT);
	assert_true(v.u.f == -0.25);
	v = READ_ONE(0xca, 0x3d, 0xcc, 0xcc, 0xcd); /* 0.1f, widened */
	assert_true(v.u.f == (double)0.1f);
	v = READ_ONE(0xcb, 0x40, 0x09, 0x21, 0xfb, 0x54, 0x44, 0x2d, 0x18);
	assert_int_equal(v.type, CODEC_FLOAT);
	assert_true(v.u.f == 3.141592653589793);
	v = READ_ONE(0xcb, 0xc0, 0x5e, 0xdd, 0x2f, 0x1a, 0x9f, 0xbe, 0x77);
	assert_true(v.u.f == -123.456);
}

static void test_nil_bool(void **state)
{
	(void)state;
	assert_int_equal(READ_ONE(0xc0).type, CODEC_NIL);
	struct codec_value v = READ_ONE(0xc2);
	assert_int_equal(v.type, CODEC_BOOL);
	assert_false(v.u.b);
	v = READ_ONE(0xc3);
	assert_int_equal(v.type, CODEC_BOOL);
	assert_true(v.u.b);
}

/* One str/bin of n bytes with the given header; the payload must be read in place. */
static void check_blob(unsigned type, unsigned hdr_bytes, size_t n, enum codec_type want)
{
	struct mb b = {0};
	if (hdr_bytes == 0)
		put8(&b, type | (unsigned)n);
	else
		put_hdr(&b, type, n, hdr_bytes);
	size_t body = b.len;
	for (size_t i = 0; i < n; i++)
		put8(&b, 'a' + (unsigned)(i % 26));
	struct codec_value v = read_one(b.p, b.len);
	assert_int_equal(v.type, want);
	assert_int_equal(v.u.s.len, n);
	assert_ptr_equal(v.u.s.ptr, (const char *)b.p + body);
	mb_free(&b);
}

static void test_strings(void **state)
{
	(void)state;
	check_blob(0xa0, 0, 0, CODEC_STR);
	check_blob(0xa0, 0, 5, CODEC_STR);
	check_blob(0xa0, 0, 31, CODEC_STR);
	check_blob(0xd9, 1, 0, CODEC_STR);
	check_blob(0xd9, 1, 32, CODEC_STR);
	check_blob(0xd9, 1, 255, CODEC_STR);
	check_blob(0xda, 2, 256, CODEC_STR);
	check_blob(0xda, 2, 65535, CODEC_STR);
	check_blob(0xdb, 4, 65536, CODEC_STR);
	check_blob(0xdb, 4, 3, CODEC_STR);

	static const uint8_t hello[] = {0xa5, 'h', 'e', 'l', 'l', 'o'};
	struct codec_value v = read_one(hello, sizeof hello);
	assert_true(codec_str_eq(&v, "hello"));
	assert_false(codec_str_eq(&v, "hell"));
	assert_false(codec_str_eq(&v, "hello!"));
	assert_false(codec_str_eq(&v, "jello"));
}

static void test_bins(void **state)
{
	(void)state;
	check_blob(0xc4, 1, 0, CODEC_BIN);
	check_blob(0xc4, 1, 200, CODEC_BIN);
	check_blob(0xc5, 2, 300, CODEC_BIN);
	check_blob(0xc6, 4, 70000, CODEC_BIN);
	check_blob(0xc6, 4, 1, CODEC_BIN);

	/* A bin holding the same bytes as a string is not that string. */
	static const uint8_t bin[] = {0xc4, 0x02, 'i', 'd'};
	struct codec_value v = read_one(bin, sizeof bin);
	assert_false(codec_str_eq(&v, "id"));
}

static void check_ext(const uint8_t *buf, size_t len, int8_t type, size_t n, size_t body)
{
	struct codec_value v = read_one(buf, len);
	assert_int_equal(v.type, CODEC_EXT);
	assert_int_equal(v.u.s.ext_type, type);
	assert_int_equal(v.u.s.len, n);
	assert_ptr_equal(v.u.s.ptr, (const char *)buf + body);
}

static void test_exts(void **state)
{
	(void)state;
	static const unsigned fix[] = {0xd4, 0xd5, 0xd6, 0xd7, 0xd8};
	for (unsigned i = 0; i < 5; i++) {
		struct mb b = {0};
		size_t n = (size_t)1 << i;
		put8(&b, fix[i]);
		put8(&b, (unsigned)(int8_t)(i == 0 ? -1 : 5 + (int)i) & 0xff);
		put_fill(&b, n, 0xee);
		check_ext(b.p, b.len, (int8_t)(i == 0 ? -1 : 5 + (int)i), n, 2);
		mb_free(&b);
	}
	static const struct {
		unsigned type, hdr;
		size_t n;
	} sized[] = {{0xc7, 1, 0}, {0xc7, 1, 3},     {0xc7, 1, 255}, {0xc8, 2, 256},
	             {0xc8, 2, 7}, {0xc9, 4, 70000}, {0xc9, 4, 17}};
	for (size_t i = 0; i < sizeof sized / sizeof sized[0]; i++) {
		struct mb b = {0};
		put_hdr(&b, sized[i].type, sized[i].n, sized[i].hdr);
		put8(&b, 0x80); /* type -128 */
		put_fill(&b, sized[i].n, 0x11);
		check_ext(b.p, b.len, -128, sized[i].n, 1 + sized[i].hdr + 1);
		mb_free(&b);
	}
}

/* An array of n ints (0..n-1) with the given header; read back in order. */
static void check_array(unsigned type, unsigned hdr_bytes, uint32_t n)
{
	struct mb b = {0};
	if (hdr_bytes == 0)
		put8(&b, type | n);
	else
		put_hdr(&b, type, n, hdr_bytes);
	for (uint32_t i = 0; i < n; i++)
		put8(&b, i % 128);
	assert_int_equal(codec_validate(b.p, b.len, &codec_default_limits), 0);
	struct codec_reader r;
	struct codec_value v;
	codec_reader_init(&r, b.p, b.len);
	assert_int_equal(codec_read(&r, &v), 0);
	assert_int_equal(v.type, CODEC_ARRAY);
	assert_int_equal(v.u.count, n);
	for (uint32_t i = 0; i < n; i++) {
		assert_int_equal(codec_read(&r, &v), 0);
		expect_int(v, i % 128);
	}
	assert_ptr_equal(r.p, r.end);
	/* Nothing is left: a further read fails and stays put. */
	assert_int_equal(codec_read(&r, &v), -DOCKET_EPROTO);
	assert_ptr_equal(r.p, r.end);
	mb_free(&b);
}

static void test_arrays(void **state)
{
	(void)state;
	check_array(0x90, 0, 0);
	check_array(0x90, 0, 3);
	check_array(0x90, 0, 15);
	check_array(0xdc, 2, 0);
	check_array(0xdc, 2, 16);
	check_array(0xdc, 2, 1024);
	check_array(0xdd, 4, 0);
	check_array(0xdd, 4, 3);
	check_array(0xdd, 4, 1000);
}

/* A map of n pairs "k<i>" -> i with the given header; read back in order. */
static void check_map(unsigned type, unsigned hdr_bytes, uint32_t n)
{
	struct mb b = {0};
	if (hdr_bytes == 0)
		put8(&b, type | n);
	else
		put_hdr(&b, type, n, hdr_bytes);
	for (uint32_t i = 0; i < n; i++) {
		put8(&b, 0xa2);
		put8(&b, 'k');
		put8(&b, 'A' + i % 26);
		put_hdr(&b, 0xcd, i, 2);
	}
	assert_int_equal(codec_validate(b.p, b.len, &codec_default_limits), 0);
	struct codec_reader r;
	struct codec_value v;
	codec_reader_init(&r, b.p, b.len);
	assert_int_equal(codec_read(&r, &v), 0);
	assert_int_equal(v.type, CODEC_MAP);
	assert_int_equal(v.u.count, n);
	for (uint32_t i = 0; i < n; i++) {
		char key[3] = {'k', (char)('A' + i % 26), 0};
		assert_int_equal(codec_read(&r, &v), 0);
		assert_true(codec_str_eq(&v, key));
		assert_int_equal(codec_read(&r, &v), 0);
		expect_int(v, i);
	}
	assert_ptr_equal(r.p, r.end);
	mb_free(&b);
}

static void test_maps(void **state)
{
	(void)state;
	check_map(0x80, 0, 0);
	check_map(0x80, 0, 2);
	check_map(0x80, 0, 15);
	check_map(0xde, 2, 0);
	check_map(0xde, 2, 16);
	check_map(0xde, 2, 1024);
	check_map(0xdf, 4, 1);
	check_map(0xdf, 4, 500);
}

/*
 * A message using every family and every width:
 * map32 {"a": array16 [fixint, negfixint, int8..int64, uint8..uint64 (big), float32, float64,
 *         nil, true, false], "str": [fixstr, str8, str16, str32], "bin": [bin8, bin16, bin32],
 *         "ext": [fixext1..16, ext8, ext16, ext32], "m": map16 {"x": fixmap {"y": array32 []}}}
 */
static void build_complex(struct mb *b)
{
	put_hdr(b, 0xdf, 5, 4);

	put8(b, 0xa1), put8(b, 'a');
	put_hdr(b, 0xdc, 16, 2);
	put8(b, 0x05);
	put8(b, 0xfb);
	put_hdr(b, 0xd0, 0x80, 1);
	put_hdr(b, 0xd1, 0x8000, 2);
	put_hdr(b, 0xd2, 0x80000000u, 4);
	put_hdr(b, 0xd3, UINT64_C(0x8000000000000000), 8);
	put_hdr(b, 0xcc, 200, 1);
	put_hdr(b, 0xcd, 60000, 2);
	put_hdr(b, 0xce, 4000000000u, 4);
	put_hdr(b, 0xcf, UINT64_MAX, 8);
	put_hdr(b, 0xca, 0x3fc00000, 4);
	put_hdr(b, 0xcb, UINT64_C(0x400921fb54442d18), 8);
	put8(b, 0xc0);
	put8(b, 0xc3);
	put8(b, 0xc2);
	put8(b, 0x00);

	put8(b, 0xa3), put(b, "str", 3);
	put8(b, 0x94);
	put8(b, 0xa2), put(b, "hi", 2);
	put_hdr(b, 0xd9, 3, 1), put(b, "abc", 3);
	put_hdr(b, 0xda, 4, 2), put(b, "abcd", 4);
	put_hdr(b, 0xdb, 2, 4), put(b, "ab", 2);

	put8(b, 0xa3), put(b, "bin", 3);
	put8(b, 0x93);
	put_hdr(b, 0xc4, 2, 1), put(b, "\x00\x01", 2);
	put_hdr(b, 0xc5, 1, 2), put8(b, 0xff);
	put_hdr(b, 0xc6, 3, 4), put(b, "\x01\x02\x03", 3);

	put8(b, 0xa3), put(b, "ext", 3);
	put8(b, 0x98);
	put8(b, 0xd4), put8(b, 1), put_fill(b, 1, 0xaa);
	put8(b, 0xd5), put8(b, 2), put_fill(b, 2, 0xaa);
	put8(b, 0xd6), put8(b, 3), put_fill(b, 4, 0xaa);
	put8(b, 0xd7), put8(b, 4), put_fill(b, 8, 0xaa);
	put8(b, 0xd8), put8(b, 5), put_fill(b, 16, 0xaa);
	put_hdr(b, 0xc7, 3, 1), put8(b, 0xfe), put_fill(b, 3, 0xbb);
	put_hdr(b, 0xc8, 2, 2), put8(b, 0x7f), put_fill(b, 2, 0xbb);
	put_hdr(b, 0xc9, 1, 4), put8(b, 0x00), put_fill(b, 1, 0xbb);

	put8(b, 0xa1), put8(b, 'm');
	put_hdr(b, 0xde, 1, 2);
	put8(b, 0xa1), put8(b, 'x');
	put8(b, 0x81);
	put8(b, 0xa1), put8(b, 'y');
	put_hdr(b, 0xdd, 0, 4);
}

static void test_complex_valid(void **state)
{
	(void)state;
	struct mb b = {0};
	build_complex(&b);
	assert_int_equal(codec_validate(b.p, b.len, &codec_default_limits), 0);

	struct codec_reader r;
	struct codec_value v;
	codec_reader_init(&r, b.p, b.len);
	assert_int_equal(codec_read(&r, &v), 0);
	assert_int_equal(v.type, CODEC_MAP);
	assert_int_equal(v.u.count, 5);
	assert_int_equal(codec_read(&r, &v), 0);
	assert_true(codec_str_eq(&v, "a"));
	assert_int_equal(codec_read(&r, &v), 0);
	assert_int_equal(v.type, CODEC_ARRAY);
	assert_int_equal(v.u.count, 16);
	static const int64_t ints[] = {5,         -5,  -128,  -32768,    INT32_MIN,
	                               INT64_MIN, 200, 60000, 4000000000};
	for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
		assert_int_equal(codec_read(&r, &v), 0);
		expect_int(v, ints[i]);
	}
	assert_int_equal(codec_read(&r, &v), 0);
	assert_int_equal(v.type, CODEC_UINT);
	assert_true(v.u.u == UINT64_MAX);
	assert_int_equal(codec_read(&r, &v), 0);
	assert_true(v.type == CODEC_FLOAT && v.u.f == 1.5);
	assert_int_equal(codec_read(&r, &v), 0);
	assert_true(v.type == CODEC_FLOAT && v.u.f == 3.141592653589793);
	assert_int_equal(codec_read(&r, &v), 0);
	assert_int_equal(v.type, CODEC_NIL);
	assert_int_equal(codec_read(&r, &v), 0);
	assert_true(v.type == CODEC_BOOL && v.u.b);
	assert_int_equal(codec_read(&r, &v), 0);
	assert_true(v.type == CODEC_BOOL && !v.u.b);
	assert_int_equal(codec_read(&r, &v), 0);
	expect_int(v, 0);

	/* The rest is skipped key by key, which also lands on the right keys. */
	static const char *const keys[] = {"str", "bin", "ext", "m"};
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(codec_read(&r, &v), 0);
		assert_true(codec_str_eq(&v, keys[i]));
		assert_int_equal(codec_skip(&r), 0);
	}
	assert_ptr_equal(r.p, r.end);
	mb_free(&b);
}

/* Every proper prefix of a valid message is malformed: validation fails, never reads past it. */
static void test_truncated_everywhere(void **state)
{
	(void)state;
	struct mb b = {0};
	build_complex(&b);
	for (size_t k = 0; k < b.len; k++) {
		/* An exact-size copy, so a sanitizer sees any read past the end. */
		uint8_t *cut = malloc(k ? k : 1);
		assert_non_null(cut);
		memcpy(cut, b.p, k);
		int rc = codec_validate(cut, k, &codec_default_limits);
		if (rc != -DOCKET_EPROTO)
			fail_msg("prefix of %zu of %zu bytes: validate returned %d", k, b.len, rc);

		struct codec_reader r;
		codec_reader_init(&r, cut, k);
		assert_int_equal(codec_skip(&r), -DOCKET_EPROTO);
		assert_true(r.p <= r.end);
		free(cut);
	}
	mb_free(&b);
}

/* Truncating each scalar type just short of its end. */
static void test_truncated_scalars(void **state)
{
	(void)state;
	static const uint8_t whole[][10] = {
	    {0xcc, 1},
	    {0xcd, 1, 2},
	    {0xce, 1, 2, 3, 4},
	    {0xcf, 1, 2, 3, 4, 5, 6, 7, 8},
	    {0xd0, 1},
	    {0xd1, 1, 2},
	    {0xd2, 1, 2, 3, 4},
	    {0xd3, 1, 2, 3, 4, 5, 6, 7, 8},
	    {0xca, 1, 2, 3, 4},
	    {0xcb, 1, 2, 3, 4, 5, 6, 7, 8},
	    {0xa3, 'a', 'b', 'c'},
	    {0xd9, 2, 'a', 'b'},
	    {0xda, 0, 2, 'a', 'b'},
	    {0xdb, 0, 0, 0, 2, 'a', 'b'},
	    {0xc4, 1, 0},
	    {0xc5, 0, 1, 0},
	    {0xc6, 0, 0, 0, 1, 0},
	    {0xd4, 1, 0},
	    {0xd5, 1, 0, 0},
	    {0xc7, 1, 9, 0},
	    {0xc8, 0, 1, 9, 0},
	    {0xc9, 0, 0, 0, 1, 9, 0},
	    {0xdc, 0, 0},
	    {0xdd, 0, 0, 0, 0},
	    {0xde, 0, 0},
	    {0xdf, 0, 0, 0, 0},
	};
	static const size_t lens[] = {2, 3, 5, 9, 2, 3, 5, 9, 5, 9, 4, 4, 5,
	                              7, 3, 4, 6, 3, 4, 4, 5, 7, 3, 5, 3, 5};
	_Static_assert(sizeof whole / sizeof whole[0] == sizeof lens / sizeof lens[0], "lens");
	for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
		if (codec_validate(whole[i], lens[i], &codec_default_limits) != 0)
			fail_msg("case %zu (0x%02x) should be valid", i, whole[i][0]);
		for (size_t k = 0; k < lens[i]; k++) {
			uint8_t *cut = malloc(k ? k : 1);
			memcpy(cut, whole[i], k);
			assert_int_equal(codec_validate(cut, k, &codec_default_limits),
			                 -DOCKET_EPROTO);
			struct codec_reader r;
			struct codec_value v;
			codec_reader_init(&r, cut, k);
			assert_int_equal(codec_read(&r, &v), -DOCKET_EPROTO);
			assert_ptr_equal(r.p, cut); /* stays put */
			free(cut);
		}
	}
}

static void test_trailing_bytes(void **state)
{
	(void)state;
	static const uint8_t two[] = {0x01, 0x02};
	assert_int_equal(codec_validate(two, 2, &codec_default_limits), -DOCKET_EPROTO);
	static const uint8_t map_nil[] = {0x81, 0xa1, 'k', 0x01, 0xc0};
	assert_int_equal(codec_validate(map_nil, 5, &codec_default_limits), -DOCKET_EPROTO);
	assert_int_equal(codec_validate(map_nil, 4, &codec_default_limits), 0);

	struct mb b = {0};
	build_complex(&b);
	put8(&b, 0x00);
	assert_int_equal(codec_validate(b.p, b.len, &codec_default_limits), -DOCKET_EPROTO);
	assert_int_equal(codec_validate(b.p, b.len - 1, &codec_default_limits), 0);
	mb_free(&b);

	assert_int_equal(codec_validate("", 0, &codec_default_limits), -DOCKET_EPROTO);
}

static void test_reserved_c1(void **state)
{
	(void)state;
	static const uint8_t alone[] = {0xc1};
	assert_int_equal(codec_validate(alone, 1, &codec_default_limits), -DOCKET_EPROTO);
	static const uint8_t in_array[] = {0x92, 0x01, 0xc1};
	assert_int_equal(codec_validate(in_array, 3, &codec_default_limits), -DOCKET_EPROTO);
	static const uint8_t as_key[] = {0x81, 0xc1, 0x01};
	assert_int_equal(codec_validate(as_key, 3, &codec_default_limits), -DOCKET_EPROTO);
	static const uint8_t as_value[] = {0x81, 0xa1, 'k', 0xc1};
	assert_int_equal(codec_validate(as_value, 4, &codec_default_limits), -DOCKET_EPROTO);

	struct codec_reader r;
	struct codec_value v;
	codec_reader_init(&r, alone, 1);
	assert_int_equal(codec_read(&r, &v), -DOCKET_EPROTO);
	assert_ptr_equal(r.p, alone);
	codec_reader_init(&r, in_array, 3);
	assert_int_equal(codec_skip(&r), -DOCKET_EPROTO);
}

/* Sizes of 0xffffffff with a handful of bytes behind them: refused at once. */
static void test_huge_declared_sizes(void **state)
{
	(void)state;
	const struct codec_limits open = {UINT32_MAX, UINT32_MAX, UINT32_MAX};
	static const uint8_t str32[] = {0xdb, 0xff, 0xff, 0xff, 0xff, 'a', 'b', 'c'};
	static const uint8_t bin32[] = {0xc6, 0xff, 0xff, 0xff, 0xff, 1, 2, 3};
	static const uint8_t ext32[] = {0xc9, 0xff, 0xff, 0xff, 0xff, 1, 2, 3};
	static const uint8_t arr32[] = {0xdd, 0xff, 0xff, 0xff, 0xff, 1, 2, 3};
	static const uint8_t map32[] = {0xdf, 0xff, 0xff, 0xff, 0xff, 1, 2, 3};
	static const uint8_t str16[] = {0xda, 0xff, 0xff, 'a'};
	static const uint8_t arr16[] = {0xdc, 0xff, 0xff, 1};
	static const struct {
		const uint8_t *p;
		size_t n;
	} all[] = {{str32, 8}, {bin32, 8}, {ext32, 8}, {arr32, 8},
	           {map32, 8}, {str16, 4}, {arr16, 4}};

	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
		unsigned long allocs;
		/* Without limits in the way, the bytes themselves refute the size. */
		assert_int_equal(validate_counted(all[i].p, all[i].n, &open, &allocs),
		                 -DOCKET_EPROTO);
		assert_int_equal(allocs, 0);
		assert_true(validate_counted(all[i].p, all[i].n, &codec_default_limits, &allocs) <
		            0);
		assert_int_equal(allocs, 0);
	}
	/*
	 * The counter itself works: an allocation made while counting is seen.
	 * The call goes through a volatile pointer because a compiler that sees
	 * malloc by name may drop a malloc/free pair, or assume the call leaves
	 * the counter alone; this one it must make as written.
	 */
	void *(*volatile probe_alloc)(size_t) = malloc;
	allocations = 0;
	counting = 1;
	void *probe = probe_alloc(8);
	counting = 0;
	free(probe);
	assert_int_equal(allocations, 1);

	/* Under the default limits the count alone is too large. */
	assert_int_equal(codec_validate(arr32, 8, &codec_default_limits), -DOCKET_ETOOLARGE);
	assert_int_equal(codec_validate(map32, 8, &codec_default_limits), -DOCKET_ETOOLARGE);

	/* A map of n pairs needs 2n bytes: n pairs in 2n - 1 bytes is refused. */
	struct mb b = {0};
	put_hdr(&b, 0xdf, 4, 4);
	put_fill(&b, 7, 0x01);
	assert_int_equal(codec_validate(b.p, b.len, &open), -DOCKET_EPROTO);
	put8(&b, 0x01);
	assert_int_equal(codec_validate(b.p, b.len, &open), 0);
	mb_free(&b);

	/* Reading the header of an oversized string is refused too and stays put. */
	struct codec_reader r;
	struct codec_value v;
	codec_reader_init(&r, str32, sizeof str32);
	assert_int_equal(codec_read(&r, &v), -DOCKET_EPROTO);
	assert_ptr_equal(r.p, str32);
	/* codec_skip of a huge unvalidated count ends at the bytes, not after 2^32 steps. */
	codec_reader_init(&r, map32, sizeof map32);
	assert_int_equal(codec_skip(&r), -DOCKET_EPROTO);
}

/* depth nested arrays (or maps under key 'k'), the innermost holding inner. */
static void build_nested(struct mb *b, uint32_t depth, int maps, int inner_empty)
{
	for (uint32_t i = 0; i < depth; i++) {
		int last = i + 1 == depth;
		int count = last && inner_empty ? 0 : 1;
		if (maps) {
			put8(b, 0x80 | (unsigned)count);
			if (count)
				put8(b, 0xa1), put8(b, 'k');
		} else {
			put8(b, 0x90 | (unsigned)count);
		}
	}
	if (!inner_empty || depth == 0)
		put8(b, 0xc0);
}

static int validate_nested(uint32_t depth, int maps, int inner_empty,
                           const struct codec_limits *lim)
{
	struct mb b = {0};
	build_nested(&b, depth, maps, inner_empty);
	int rc = codec_validate(b.p, b.len, lim);
	mb_free(&b);
	return rc;
}

static void test_depth_limit(void **state)
{
	(void)state;
	const struct codec_limits *d = &codec_default_limits;
	assert_int_equal(d->max_depth, 8);
	for (int maps = 0; maps < 2; maps++) {
		for (int empty = 0; empty < 2; empty++) {
			assert_int_equal(validate_nested(1, maps, empty, d), 0);
			assert_int_equal(validate_nested(8, maps, empty, d), 0);
			assert_int_equal(validate_nested(9, maps, empty, d), -DOCKET_ETOOLARGE);
		}
	}
	const struct codec_limits three = {3, 100, 100};
	assert_int_equal(validate_nested(3, 0, 0, &three), 0);
	assert_int_equal(validate_nested(4, 0, 0, &three), -DOCKET_ETOOLARGE);
	assert_int_equal(validate_nested(3, 1, 1, &three), 0);
	assert_int_equal(validate_nested(4, 1, 1, &three), -DOCKET_ETOOLARGE);

	/* Scalars do not count as a level. */
	assert_int_equal(validate_nested(0, 0, 0, &three), 0);

	/* Far deeper than the limit: refused without walking (or recursing) all the way. */
	assert_int_equal(validate_nested(200000, 0, 0, d), -DOCKET_ETOOLARGE);
	assert_int_equal(validate_nested(200000, 1, 0, d), -DOCKET_ETOOLARGE);
}

static int validate_blob(unsigned type, unsigned hdr_bytes, uint32_t n, int ext,
                         const struct codec_limits *lim)
{
	struct mb b = {0};
	put_hdr(&b, type, n, hdr_bytes);
	if (ext)
		put8(&b, 1);
	put_fill(&b, n, 'x');
	int rc = codec_validate(b.p, b.len, lim);
	mb_free(&b);
	return rc;
}

static void test_str_limit(void **state)
{
	(void)state;
	const struct codec_limits small = {8, 16, 4};
	assert_int_equal(validate_blob(0xd9, 1, 16, 0, &small), 0);
	assert_int_equal(validate_blob(0xd9, 1, 17, 0, &small), -DOCKET_ETOOLARGE);
	assert_int_equal(validate_blob(0xc4, 1, 16, 0, &small), 0);
	assert_int_equal(validate_blob(0xc4, 1, 17, 0, &small), -DOCKET_ETOOLARGE);
	assert_int_equal(validate_blob(0xc7, 1, 16, 1, &small), 0);
	assert_int_equal(validate_blob(0xc7, 1, 17, 1, &small), -DOCKET_ETOOLARGE);
	/* fixext16 is exactly 16 data bytes. */
	static const struct codec_limits fifteen = {8, 15, 4};
	uint8_t fixext16[18] = {0xd8, 1};
	assert_int_equal(codec_validate(fixext16, sizeof fixext16, &small), 0);
	assert_int_equal(codec_validate(fixext16, sizeof fixext16, &fifteen), -DOCKET_ETOOLARGE);
	/* fixstr under a tiny limit. */
	static const struct codec_limits two = {8, 2, 4};
	static const uint8_t ab[] = {0xa2, 'a', 'b'}, abc[] = {0xa3, 'a', 'b', 'c'};
	assert_int_equal(codec_validate(ab, 3, &two), 0);
	assert_int_equal(codec_validate(abc, 4, &two), -DOCKET_ETOOLARGE);

	/* A string inside a map is held to the limit too. */
	static const uint8_t in_map[] = {0x81, 0xa3, 'k', 'e', 'y', 0xa3, 'a', 'b', 'c'};
	assert_int_equal(codec_validate(in_map, sizeof in_map, &two), -DOCKET_ETOOLARGE);

	/* The default: 256 KiB passes, one more byte is too large. */
	const struct codec_limits *d = &codec_default_limits;
	assert_int_equal(d->max_str, 256 * 1024);
	assert_int_equal(validate_blob(0xdb, 4, 256 * 1024, 0, d), 0);
	assert_int_equal(validate_blob(0xdb, 4, 256 * 1024 + 1, 0, d), -DOCKET_ETOOLARGE);
	assert_int_equal(validate_blob(0xc6, 4, 256 * 1024, 0, d), 0);
	assert_int_equal(validate_blob(0xc6, 4, 256 * 1024 + 1, 0, d), -DOCKET_ETOOLARGE);
	assert_int_equal(validate_blob(0xc9, 4, 256 * 1024, 1, d), 0);
	assert_int_equal(validate_blob(0xc9, 4, 256 * 1024 + 1, 1, d), -DOCKET_ETOOLARGE);
}

/* A container of n entries (pairs for maps), all nil values, with a 16-bit header. */
static int validate_items(int map, uint32_t n, const struct codec_limits *lim)
{
	struct mb b = {0};
	put_hdr(&b, map ? 0xde : 0xdc, n, 2);
	for (uint32_t i = 0; i < n; i++) {
		if (map)
			put8(&b, i % 128);
		put8(&b, 0xc0);
	}
	int rc = codec_validate(b.p, b.len, lim);
	mb_free(&b);
	return rc;
}

static void test_items_limit(void **state)
{
	(void)state;
	const struct codec_limits small = {8, 16, 4};
	for (int map = 0; map < 2; map++) {
		assert_int_equal(validate_items(map, 0, &small), 0);
		assert_int_equal(validate_items(map, 4, &small), 0);
		assert_int_equal(validate_items(map, 5, &small), -DOCKET_ETOOLARGE);
		assert_int_equal(validate_items(map, 1024, &codec_default_limits), 0);
		assert_int_equal(validate_items(map, 1025, &codec_default_limits),
		                 -DOCKET_ETOOLARGE);
	}
	/* Fixed-size headers are held to it as well. */
	static const uint8_t fixarr5[] = {0x95, 1, 2, 3, 4, 5};
	static const uint8_t fixmap5[] = {0x85, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5};
	assert_int_equal(codec_validate(fixarr5, sizeof fixarr5, &small), -DOCKET_ETOOLARGE);
	assert_int_equal(codec_validate(fixmap5, sizeof fixmap5, &small), -DOCKET_ETOOLARGE);
	/* And nested containers each have their own count. */
	static const uint8_t nested[] = {0x94, 0x94, 1, 2, 3, 4, 0x90, 0x80, 0x93, 1, 2, 3};
	assert_int_equal(codec_validate(nested, sizeof nested, &small), 0);
}

static void test_skip(void **state)
{
	(void)state;
	/* [ {"a": [1, 2, {}], "b": {"c": [[], [nil]]}}, "x", bin8 2, fixext1 ], then 0x2a */
	static const uint8_t msg[] = {
	    0x94, 0x82, 0xa1, 'a',  0x93, 0x01, 0x02, 0x80, 0xa1, 'b',  0x81, 0xa1, 'c',  0x92,
	    0x90, 0x91, 0xc0, 0xa1, 'x',  0xc4, 0x02, 0xde, 0xad, 0xd4, 0x01, 0x00, 0x2a,
	};
	struct codec_reader r;
	struct codec_value v;

	/* The whole array, then the marker. */
	codec_reader_init(&r, msg, sizeof msg);
	assert_int_equal(codec_skip(&r), 0);
	assert_int_equal(codec_read(&r, &v), 0);
	expect_int(v, 42);
	assert_ptr_equal(r.p, r.end);

	/* Element by element. */
	codec_reader_init(&r, msg, sizeof msg);
	assert_int_equal(codec_read(&r, &v), 0);
	assert_int_equal(v.u.count, 4);
	assert_int_equal(codec_skip(&r), 0); /* the map */
	assert_ptr_equal(r.p, msg + 17);
	assert_int_equal(codec_read(&r, &v), 0);
	assert_true(codec_str_eq(&v, "x"));
	assert_int_equal(codec_skip(&r), 0); /* bin */
	assert_ptr_equal(r.p, msg + 23);
	assert_int_equal(codec_skip(&r), 0); /* ext */
	assert_ptr_equal(r.p, msg + 26);
	assert_int_equal(codec_skip(&r), 0); /* the marker */
	assert_ptr_equal(r.p, r.end);
	assert_int_equal(codec_skip(&r), -DOCKET_EPROTO);

	/* Inside the map: skip the value of "a" and land on "b". */
	codec_reader_init(&r, msg + 1, sizeof msg - 1);
	assert_int_equal(codec_read(&r, &v), 0);
	assert_int_equal(codec_read(&r, &v), 0);
	assert_true(codec_str_eq(&v, "a"));
	assert_int_equal(codec_skip(&r), 0);
	assert_int_equal(codec_read(&r, &v), 0);
	assert_true(codec_str_eq(&v, "b"));

	/* An array cut short cannot be skipped. */
	codec_reader_init(&r, msg, 16);
	assert_int_equal(codec_skip(&r), -DOCKET_EPROTO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fixint),
	    cmocka_unit_test(test_signed_ints),
	    cmocka_unit_test(test_unsigned_ints),
	    cmocka_unit_test(test_floats),
	    cmocka_unit_test(test_nil_bool),
	    cmocka_unit_test(test_strings),
	    cmocka_unit_test(test_bins),
	    cmocka_unit_test(test_exts),
	    cmocka_unit_test(test_arrays),
	    cmocka_unit_test(test_maps),
	    cmocka_unit_test(test_complex_valid),
	    cmocka_unit_test(test_truncated_everywhere),
	    cmocka_unit_test(test_truncated_scalars),
	    cmocka_unit_test(test_trailing_bytes),
	    cmocka_unit_test(test_reserved_c1),
	    cmocka_unit_test(test_huge_declared_sizes),
	    cmocka_unit_test(test_depth_limit),
	    cmocka_unit_test(test_str_limit),
	    cmocka_unit_test(test_items_limit),
	    cmocka_unit_test(test_skip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
