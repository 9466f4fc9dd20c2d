/* Bounds-checked msgpack reader shared by docketd and libdocket. */
#ifndef DOCKET_CODEC_H
#define DOCKET_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Limits a message must keep to. codec_validate checks all of them in one
 * pass before anything is decoded, so no reader ever trusts a declared size.
 */
struct codec_limits {
	uint32_t max_depth;   /* nesting of arrays and maps; the top level is 1 */
	uint32_t max_str;     /* bytes in one str, bin or ext */
	uint32_t max_items;   /* entries in one array or pairs in one map */
};

/* The limits of PROTOCOL.md section 3, for requests docketd reads. */
extern const struct codec_limits codec_default_limits;

/*
 * Limits for replies and events clients read: as wide as a frame allows,
 * since a history or a list may hold more entries than a request ever does.
 */
extern const struct codec_limits codec_reply_limits;

enum codec_type {
	CODEC_NIL,
	CODEC_BOOL,
	CODEC_INT,   /* fits int64_t; positive values beyond it are CODEC_UINT */
	CODEC_UINT,
	CODEC_FLOAT,
	CODEC_STR,
	CODEC_BIN,
	CODEC_ARRAY,
	CODEC_MAP,
	CODEC_EXT,
};

struct codec_value {
	enum codec_type type;
	union {
		bool b;
		int64_t i;
		uint64_t u;
		double f;
		uint32_t count; /* CODEC_ARRAY elements, CODEC_MAP pairs */
		struct {
			const char *ptr; /* points into the message; not terminated */
			uint32_t len;
			int8_t ext_type;
		} s;             /* CODEC_STR, CODEC_BIN, CODEC_EXT */
	} u;
};

struct codec_reader {
	const uint8_t *p;
	const uint8_t *end;
};

/*
 * Check that buf holds exactly one msgpack value within lim: every declared
 * length fits in the bytes that remain, depth and sizes are within bounds,
 * no reserved byte 0xc1 appears and nothing trails the value.
 * Returns 0, -DOCKET_EPROTO for malformed bytes or -DOCKET_ETOOLARGE for a
 * value over a limit. Never allocates.
 */
int codec_validate(const void *buf, size_t len, const struct codec_limits *lim);

/* Start reading buf (which should have passed codec_validate). */
void codec_reader_init(struct codec_reader *r, const void *buf, size_t len);

/*
 * Read one value header: scalars and strings whole, arrays and maps as their
 * count only (read the elements next). Returns 0 or -DOCKET_EPROTO at the
 * end of the bytes or on a malformed header; the reader then stays put.
 */
int codec_read(struct codec_reader *r, struct codec_value *v);

/* Skip one whole value, elements included. Returns 0 or -DOCKET_EPROTO. */
int codec_skip(struct codec_reader *r);

/* True when v is a string equal to the NUL-terminated s. */
bool codec_str_eq(const struct codec_value *v, const char *s);

#endif
