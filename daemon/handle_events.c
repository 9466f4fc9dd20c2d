/* The events query: the log read back in pages by seq (PROTOCOL.md 6.2). */
#include "docket/error.h"
#include "feed.h"
#include "pack.h"
#include "proto.h"

#define EVENTS_DEFAULT 1000
#define EVENTS_MAX 10000

int handle_events(struct cmd *c)
{
	struct feed f = {0};
	int64_t after, looked;
	int rc = cmd_need_role(c, ROLE_READER);
	if (rc == 0)
		rc = feed_topics(c, c->req->s[F_TOPICS], &f);
	if (rc == 0)
		rc = feed_bounds(c, EVENTS_DEFAULT, EVENTS_MAX, 1, &f);
	if (rc == 0)
		rc = feed_start(c, 0, &after);
	if (rc < 0)
		return rc;
	int64_t last = store_next_seq(c->store) - 1;
	pack_cstr(c->out, "events");
	size_t at = pack_open_array(c->buf);
	if ((rc = feed_scan(c, &f, after, &looked)) < 0)
		return rc;
	pack_close(c->buf, at, (uint32_t)f.n);
	pack_cstr(c->out, "last_seq");
	msgpack_pack_int64(c->out, last);
	pack_cstr(c->out, "next");
	msgpack_pack_int64(c->out, looked);
	pack_cstr(c->out, "more");
	pack_bool(c->out, looked < last);
	c->pairs += 4;
	return 0;
}
