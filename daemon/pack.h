/* msgpack writing helpers for replies and events. */
#ifndef DOCKET_PACK_H
#define DOCKET_PACK_H

#include <msgpack.h>

#include "request.h"
#include "store.h"

void pack_cstr(msgpack_packer *pk, const char *s);
void pack_str(msgpack_packer *pk, struct str s); /* nil when s.ptr is NULL */
void pack_raw(msgpack_packer *pk, const void *bytes, size_t len);

/*
 * Containers whose size is known only at the end: open writes a fixed-width
 * header (map16 or array32) and returns its offset in buf; close patches in
 * the count. Both are valid msgpack whatever the count.
 */
size_t pack_open_map(msgpack_sbuffer *buf);
size_t pack_open_array(msgpack_sbuffer *buf);
void pack_close(msgpack_sbuffer *buf, size_t at, uint32_t count);

/* A decision map; summary leaves out the long texts (for list). */
void pack_decision(msgpack_packer *pk, const struct decision *d, int summary);
/* A meeting map without items; status as cmd_meeting_status gives it. */
void pack_meeting_head(msgpack_packer *pk, const struct meeting *m, const char *status,
		       int with_items);
void pack_item_head(msgpack_packer *pk, const struct item *it, int with_decisions);

/* The request's fields except those in skip, as a map (an event's data). */
void pack_request_data(msgpack_packer *pk, const struct request *req, uint64_t skip);

#endif
