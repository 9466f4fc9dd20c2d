/* Events: one map in the outbox, the same bytes in the log. */
#include "docket/error.h"
#include "event.h"
#include "pack.h"

size_t event_begin(struct store *s, struct outbox *o, msgpack_packer *pk, const char *type,
		   const char *ts, struct str actor, size_t pairs)
{
	size_t start = o->buf.size;
	msgpack_packer_init(pk, &o->buf, msgpack_sbuffer_write);
	msgpack_pack_map(pk, 4 + pairs);
	pack_cstr(pk, "seq");
	msgpack_pack_int64(pk, store_next_seq(s));
	pack_cstr(pk, "type");
	pack_cstr(pk, type);
	pack_cstr(pk, "ts");
	pack_cstr(pk, ts);
	pack_cstr(pk, "actor");
	pack_str(pk, actor);
	return start;
}

int event_end(struct store *s, struct outbox *o, size_t start, struct event *meta)
{
	meta->seq = store_next_seq(s);
	meta->body = o->buf.data + start;
	meta->body_len = o->buf.size - start;
	int rc = store_append_event(s, meta);
	if (rc < 0)
		return rc;
	return outbox_add(o, meta->type, start);
}
