/* Bounds-checked msgpack reader: validation pass, then zero-copy reads. */
#include <string.h>

#include "codec.h"
#include "docket/error.h"

const struct codec_limits codec_default_limits = {
	.max_depth = 8,
	.max_str = 256 * 1024,
	.max_items = 1024,
};

const struct codec_limits codec_reply_limits = {
	.max_depth = 16,
	.max_str = 16 * 1024 * 1024,
	.max_items = 16 * 1024 * 1024,
};

void codec_reader_init(struct codec_reader *r, const void *buf, size_t len)
{
	r->p = buf;
	r->end = r->p + len;
}

static uint64_t be(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/* Length of the big-endian size or value that follows a type byte. */
static int take(struct codec_reader *r, const uint8_t **at, size_t n)
{
	if ((size_t)(r->end - r->p) < n)
		return -DOCKET_EPROTO;
	*at = r->p;
	r->p += n;
	return 0;
}

static int read_body(struct codec_reader *r, struct codec_value *v, enum codec_type t, uint64_t len)
{
	const uint8_t *at;
	if (len > (uint64_t)(r->end - r->p))
		return -DOCKET_EPROTO;
	take(r, &at, (size_t)len);
	v->type = t;
	v->u.s.ptr = (const char *)at;
	v->u.s.len = (uint32_t)len;
	return 0;
}

static int read_sized(struct codec_reader *r, struct codec_value *v, enum codec_type t, unsigned n)
{
	const uint8_t *at;
	if (take(r, &at, n) < 0)
		return -DOCKET_EPROTO;
	uint64_t len = be(at, n);
	if (t == CODEC_ARRAY || t == CODEC_MAP) {
		v->type = t;
		v->u.count = (uint32_t)len;
		return 0;
	}
	return read_body(r, v, t, len);
}

static int read_ext(struct codec_reader *r, struct codec_value *v, uint64_t len)
{
	const uint8_t *at;
	if (take(r, &at, 1) < 0)
		return -DOCKET_EPROTO;
	int8_t ext = (int8_t)at[0];
	if (read_body(r, v, CODEC_EXT, len) < 0)
		return -DOCKET_EPROTO;
	v->u.s.ext_type = ext;
	return 0;
}

static int read_header(struct codec_reader *r, struct codec_value *v)
{
	const uint8_t *at;
	if (take(r, &at, 1) < 0)
		return -DOCKET_EPROTO;
	uint8_t b = at[0];

	if (b <= 0x7f || b >= 0xe0) {
		v->type = CODEC_INT;
		v->u.i = (int8_t)b;
		if (b <= 0x7f)
			v->u.i = b;
		return 0;
	}
	if ((b & 0xf0) == 0x80) {
		v->type = CODEC_MAP;
		v->u.count = b & 0x0f;
		return 0;
	}
	if ((b & 0xf0) == 0x90) {
		v->type = CODEC_ARRAY;
		v->u.count = b & 0x0f;
		return 0;
	}
	if ((b & 0xe0) == 0xa0)
		return read_body(r, v, CODEC_STR, b & 0x1f);

	switch (b) {
	case 0xc0:
		v->type = CODEC_NIL;
		return 0;
	case 0xc2:
	case 0xc3:
		v->type = CODEC_BOOL;
		v->u.b = b == 0xc3;
		return 0;
	case 0xc4: return read_sized(r, v, CODEC_BIN, 1);
	case 0xc5: return read_sized(r, v, CODEC_BIN, 2);
	case 0xc6: return read_sized(r, v, CODEC_BIN, 4);
	case 0xc7:
	case 0xc8:
	case 0xc9: {
		unsigned n = b == 0xc7 ? 1 : b == 0xc8 ? 2 : 4;
		if (take(r, &at, n) < 0)
			return -DOCKET_EPROTO;
		return read_ext(r, v, be(at, n));
	}
	case 0xca:
	case 0xcb: {
		unsigned n = b == 0xca ? 4 : 8;
		if (take(r, &at, n) < 0)
			return -DOCKET_EPROTO;
		uint64_t bits = be(at, n);
		v->type = CODEC_FLOAT;
		if (n == 4) {
			uint32_t b32 = (uint32_t)bits;
			float f;
			memcpy(&f, &b32, sizeof f);
			v->u.f = f;
		} else {
			memcpy(&v->u.f, &bits, sizeof v->u.f);
		}
		return 0;
	}
	case 0xcc:
	case 0xcd:
	case 0xce:
	case 0xcf: {
		unsigned n = 1u << (b - 0xcc);
		if (take(r, &at, n) < 0)
			return -DOCKET_EPROTO;
		uint64_t u = be(at, n);
		if (u > INT64_MAX) {
			v->type = CODEC_UINT;
			v->u.u = u;
		} else {
			v->type = CODEC_INT;
			v->u.i = (int64_t)u;
		}
		return 0;
	}
	case 0xd0:
	case 0xd1:
	case 0xd2:
	case 0xd3: {
		unsigned n = 1u << (b - 0xd0);
		if (take(r, &at, n) < 0)
			return -DOCKET_EPROTO;
		uint64_t u = be(at, n);
		unsigned shift = 64 - 8 * n;
		/* Sign-extend without shifting a negative value. */
		v->type = CODEC_INT;
		v->u.i = shift ? (int64_t)(u << shift) >> shift : (int64_t)u;
		return 0;
	}
	case 0xd4: return read_ext(r, v, 1);
	case 0xd5: return read_ext(r, v, 2);
	case 0xd6: return read_ext(r, v, 4);
	case 0xd7: return read_ext(r, v, 8);
	case 0xd8: return read_ext(r, v, 16);
	case 0xd9: return read_sized(r, v, CODEC_STR, 1);
	case 0xda: return read_sized(r, v, CODEC_STR, 2);
	case 0xdb: return read_sized(r, v, CODEC_STR, 4);
	case 0xdc: return read_sized(r, v, CODEC_ARRAY, 2);
	case 0xdd: return read_sized(r, v, CODEC_ARRAY, 4);
	case 0xde: return read_sized(r, v, CODEC_MAP, 2);
	case 0xdf: return read_sized(r, v, CODEC_MAP, 4);
	default: /* 0xc1 is reserved */
		return -DOCKET_EPROTO;
	}
}

int codec_read(struct codec_reader *r, struct codec_value *v)
{
	const uint8_t *start = r->p;
	int rc = read_header(r, v);
	if (rc < 0)
		r->p = start;
	return rc;
}

static int walk(struct codec_reader *r, const struct codec_limits *lim, uint32_t depth)
{
	struct codec_value v;
	int rc = codec_read(r, &v);
	if (rc < 0)
		return rc;
	switch (v.type) {
	case CODEC_STR:
	case CODEC_BIN:
	case CODEC_EXT:
		return v.u.s.len > lim->max_str ? -DOCKET_ETOOLARGE : 0;
	case CODEC_ARRAY:
	case CODEC_MAP: {
		if (depth >= lim->max_depth || v.u.count > lim->max_items)
			return -DOCKET_ETOOLARGE;
		uint64_t n = v.type == CODEC_MAP ? 2 * (uint64_t)v.u.count : v.u.count;
		/* Every element takes at least one byte: refuse counts the bytes cannot hold. */
		if (n > (uint64_t)(r->end - r->p))
			return -DOCKET_EPROTO;
		for (uint64_t i = 0; i < n; i++)
			if ((rc = walk(r, lim, depth + 1)) < 0)
				return rc;
		return 0;
	}
	default:
		return 0;
	}
}

int codec_validate(const void *buf, size_t len, const struct codec_limits *lim)
{
	struct codec_reader r;
	codec_reader_init(&r, buf, len);
	int rc = walk(&r, lim, 0);
	if (rc < 0)
		return rc;
	return r.p == r.end ? 0 : -DOCKET_EPROTO;
}

int codec_skip(struct codec_reader *r)
{
	/* Iterative so that skipping never recurses on peer-controlled depth. */
	uint64_t pending = 1;
	while (pending > 0) {
		struct codec_value v;
		if (codec_read(r, &v) < 0)
			return -DOCKET_EPROTO;
		pending--;
		if (v.type == CODEC_ARRAY)
			pending += v.u.count;
		else if (v.type == CODEC_MAP)
			pending += 2 * (uint64_t)v.u.count;
	}
	return 0;
}

bool codec_str_eq(const struct codec_value *v, const char *s)
{
	size_t n = strlen(s);
	return v->type == CODEC_STR && v->u.s.len == n && memcmp(v->u.s.ptr, s, n) == 0;
}
