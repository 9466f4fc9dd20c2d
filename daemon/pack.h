/* msgpack writing helpers for replies and events. */
#ifndef DOCKET_PACK_H
#define DOCKET_PACK_H

#include <msgpack.h>

#include "request.h"
#include "store.h"

void pack_cstr(msgpack_packer *pk, const char *s);
void pack_str(msgpack_packer *pk, struct str s); /* nil when s.ptr is NULL */
void pack_raw(msgpack_packer *pk, const void *bytes, size_t len);
void pack_bool(msgpack_packer *pk, int b);

/*
 * Containers whose size is known only at the end: open writes a fixed-width
 * header (map16 or array32) and returns its offset in buf; close patches in
 * the count. Both are valid msgpack whatever the count.
 */
size_t pack_open_map(msgpack_sbuffer *buf);
size_t pack_open_array(msgpack_sbuffer *buf);
void pack_close(msgpack_sbuffer *buf, size_t at, uint32_t count);

/* key, then id, or nil for 0 (ids and seqs start at 1). */
void pack_id_pair(msgpack_packer *pk, const char *key, int64_t id);

/* A decision map; summary leaves out the long texts (for list). */
void pack_decision(msgpack_packer *pk, const struct decision *d, int summary);

/*
 * An array of decision summaries, filled by a store query: open it in buf
 * with pack_open_array, pass pack_summary and the struct to the query,
 * then close it with n.
 */
struct pack_summaries {
	msgpack_packer *pk;
	uint32_t n;
};
int pack_summary(void *ctx, const struct decision *d); /* a store_decision_fn */
/*
 * A meeting map as v shows it at the moment. With with_items the map has
 * room for one more pair, which the caller writes next ("items"); likewise
 * extra pairs for an item map ("decisions"...).
 */
struct meeting_view;
void pack_meeting(msgpack_packer *pk, const struct meeting *m, const struct meeting_view *v,
		  int with_items);
void pack_item_head(msgpack_packer *pk, const struct item *it, int extra);

/* A cursor map (PROTOCOL.md 6.3), with the log's last seq. */
void pack_cursor(msgpack_packer *pk, const struct cursor *c, int64_t last_seq);

/* A reminder map. */
void pack_reminder(msgpack_packer *pk, const struct reminder *r);

/* A pair an event's data holds besides the request's own fields (a defaulted date). */
struct pack_pair {
	const char *key;
	struct str value; /* nil with is_int: the integer n */
	int64_t n;
	int is_int;
};

/*
 * The request's fields except those in skip, and then n more pairs, as a
 * map (an event's data). A pair replaces the request's field of its name.
 */
void pack_request_data(msgpack_packer *pk, const struct request *req, fieldset skip,
		       const struct pack_pair *more, size_t n);

#endif
