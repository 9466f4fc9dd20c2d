/*
 * Harness for docketd's request decoder: request_decode on the bytes a
 * client sent, then what the handlers do with a decoded request's arrays
 * (import entries through request_decode_entry, topics and refs element by
 * element) and its references (their sort keys).
 */
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "docket/error.h"
#include "fuzz.h"
#include "proto.h"
#include "ref.h"
#include "request.h"

/* True when s lies inside the len bytes at buf, or inside one of req's reference buffers. */
static int inside(const struct request *req, const void *buf, size_t len, struct str s)
{
	const char *b = buf, *r = (const char *)req->refs;
	if (!s.ptr)
		return s.len == 0;
	if (s.ptr >= b && s.ptr <= b + len && s.len <= (size_t)(b + len - s.ptr))
		return 1;
	return s.ptr >= r && s.ptr + s.len <= r + sizeof req->refs;
}

/* Where touch leaves its sum, so that the compiler keeps every read. */
static volatile unsigned sink;

/* Read every byte of s, so that a sanitizer sees a slice that points nowhere. */
static void touch(struct str s)
{
	unsigned sum = 0;
	for (uint32_t i = 0; i < s.len; i++)
		sum += (unsigned char)s.ptr[i];
	sink += sum;
}

/* A canonical reference's sort key, into a buffer of exactly the size ref.h promises. */
static void check_ref(struct str ref)
{
	unsigned char *key = malloc(REF_KEY_MAX);
	if (!key)
		return;
	FUZZ_CHECK(ref.len >= 1 && ref.len <= REF_MAX);
	size_t n = ref_key(ref.ptr, ref.len, key);
	FUZZ_CHECK(n <= REF_KEY_MAX);
	free(key);
}

/*
 * An array field as handlers read it: its header, then its elements. Each
 * element is also tried as an import entry, as handle_import reads
 * 'decisions', with every field allowed so that each kind of field is read.
 */
static void check_array(struct str raw, int64_t count)
{
	struct codec_reader r;
	struct codec_value v;
	struct request *e = malloc(sizeof *e);
	char why[256];

	if (!e)
		return;
	/* request_decode kept the array whole: it must be one valid value on its own. */
	FUZZ_CHECK(codec_validate(raw.ptr, raw.len, &codec_default_limits) == 0);
	codec_reader_init(&r, raw.ptr, raw.len);
	FUZZ_CHECK(codec_read(&r, &v) == 0 && v.type == CODEC_ARRAY);
	FUZZ_CHECK(v.u.count == count);
	for (int64_t i = 0; i < count; i++) {
		const uint8_t *at = r.p;
		FUZZ_CHECK(codec_skip(&r) == 0);
		struct str one = {(const char *)at, (uint32_t)(r.p - at)};
		why[0] = '\0';
		int rc =
		    request_decode_entry(e, one, ~(fieldset)0,
		                         BIT(F_LINE) | BIT(F_TITLE) | BIT(F_TEXT), why, sizeof why);
		FUZZ_CHECK(rc == 0 || (rc < 0 && why[0] && memchr(why, '\0', sizeof why)));
		for (int f = 0; rc == 0 && f < F_COUNT; f++) {
			if (!(e->present & BIT(f)) || request_field_value(f) != RV_STR)
				continue;
			FUZZ_CHECK(inside(e, one.ptr, one.len, e->s[f]));
			touch(e->s[f]);
		}
		if (rc == 0 && (e->present & BIT(F_REF)))
			check_ref(e->s[F_REF]);
	}
	/* The elements fill the array's bytes exactly. */
	FUZZ_CHECK(r.p == r.end);
	free(e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* struct request is large (a reference buffer per field kind): keep it off the stack. */
	struct request *req = malloc(sizeof *req);
	char err[256];

	if (!req)
		return 0;
	err[0] = '\0';
	int rc = request_decode(req, data, size, err, sizeof err);
	FUZZ_CHECK(memchr(err, '\0', sizeof err));
	FUZZ_CHECK(inside(req, data, size, req->id));
	touch(req->id);
	if (rc < 0) {
		/* A refusal always says why, and is one of the codes a reply can carry. */
		FUZZ_CHECK(err[0] != '\0');
		FUZZ_CHECK(rc == -DOCKET_EBADREQ || rc == -DOCKET_ETOOLARGE ||
		           rc == -DOCKET_EVERSION || rc == -DOCKET_EUNKNOWNOP);
		free(req);
		return 0;
	}
	FUZZ_CHECK(rc == 0);
	FUZZ_CHECK(req->op >= 0 && req->op < OP_COUNT);
	FUZZ_CHECK(inside(req, data, size, req->body[0]) && inside(req, data, size, req->body[1]));
	for (int f = 0; f < F_COUNT; f++) {
		if (!(req->present & BIT(f)))
			continue;
		switch (request_field_value(f)) {
		case RV_STR:
			FUZZ_CHECK(inside(req, data, size, req->s[f]) && req->s[f].len > 0);
			touch(req->s[f]);
			break;
		case RV_INT:
			FUZZ_CHECK(req->n[f] >= 0);
			break;
		case RV_BOOL:
			FUZZ_CHECK(req->n[f] == 0 || req->n[f] == 1);
			break;
		case RV_RAW:
			FUZZ_CHECK(inside(req, data, size, req->s[f]));
			check_array(req->s[f], req->n[f]);
			break;
		}
	}
	if (req->present & BIT(F_REF))
		check_ref(req->s[F_REF]);
	if (req->present & BIT(F_AFTER))
		check_ref(req->s[F_AFTER]);
	free(req);
	return 0;
}
