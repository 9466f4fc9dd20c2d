/* Pages of the log: topic prefixes, bounds in events and bytes, a start by seq or by time. */
#include <string.h>

#include "codec.h"
#include "date.h"
#include "docket/error.h"
#include "feed.h"
#include "pack.h"
#include "proto.h"
#include "tz.h"

#define BYTES_MIN 1024
#define BYTES_MAX 4000000

int feed_topics(struct cmd *c, struct str raw, struct feed *f)
{
	f->ntopics = 0;
	if (!raw.ptr)
		return 0;
	struct codec_reader r;
	struct codec_value v;
	/* request.c validated the array as msgpack within the limits. */
	codec_reader_init(&r, raw.ptr, raw.len);
	codec_read(&r, &v);
	if (v.u.count < 1 || v.u.count > FEED_TOPICS_MAX)
		return cmd_fail(c, -DOCKET_EBADREQ, "'topics' must hold 1 to %d prefixes",
				FEED_TOPICS_MAX);
	for (uint32_t i = 0; i < v.u.count; i++) {
		struct codec_value t;
		codec_read(&r, &t);
		if (t.type != CODEC_STR || t.u.s.len < 1 || t.u.s.len > FEED_TOPIC_LEN)
			return cmd_fail(c, -DOCKET_EBADREQ,
					"each of 'topics' must be a string of 1 to %d bytes",
					FEED_TOPIC_LEN);
		f->topic[f->ntopics++] = (struct str){t.u.s.ptr, t.u.s.len};
	}
	return 0;
}

int feed_bounds(struct cmd *c, int64_t dflt, int64_t max, int zero_ok, struct feed *f)
{
	int rc = cmd_int_arg(c, F_LIMIT, dflt, zero_ok ? 0 : 1, max, "", &f->limit);
	if (rc == 0)
		rc = cmd_int_arg(c, F_MAX_BYTES, FEED_BYTES_DEFAULT, BYTES_MIN, BYTES_MAX, "",
				 &f->max_bytes);
	return rc;
}

int feed_matches(const struct feed *f, struct str type)
{
	if (f->ntopics == 0)
		return 1;
	for (size_t i = 0; i < f->ntopics; i++)
		if (f->topic[i].len <= type.len &&
		    memcmp(f->topic[i].ptr, type.ptr, f->topic[i].len) == 0)
			return 1;
	return 0;
}

int feed_start(struct cmd *c, int64_t dflt, int64_t *after)
{
	const struct request *q = c->req;
	int64_t last = store_next_seq(c->store) - 1;
	if (q->present & BIT(F_AFTER_SEQ)) {
		*after = q->n[F_AFTER_SEQ];
		if (*after > last)
			return cmd_fail(c, -DOCKET_EBADREQ,
					"'after_seq' %lld is past the end of the log (%lld)",
					(long long)*after, (long long)last);
		return 0;
	}
	if (!(q->present & BIT(F_SINCE))) {
		*after = dflt;
		return 0;
	}
	struct str t = q->s[F_SINCE];
	struct date_time dt;
	int64_t epoch;
	/* request.c checked the format. */
	date_time_parse(t.ptr, t.len, &dt);
	int rc = tz_resolve(c->office->tz, &dt, "since", &epoch, c->err, sizeof c->err);
	if (rc < 0)
		return rc;
	/* As the log writes times of changes: with milliseconds, so that bytes compare as times. */
	char ts[DATE_TIME_LEN + 4];
	date_format_utc(epoch, ts);
	memcpy(ts + DATE_TIME_LEN - 2, ".000Z", 6);
	if (store_log_before(c->store, (struct str){ts, DATE_TIME_LEN + 3}, after) < 0)
		return cmd_fail(c, -DOCKET_ESTORAGE, "cannot read the log: %s",
				store_errmsg(c->store));
	return 0;
}

int feed_fits(struct feed *f, size_t len)
{
	if (f->n == f->limit || (f->n > 0 && f->bytes + (int64_t)len > f->max_bytes)) {
		f->full = 1;
		return 1;
	}
	f->n++;
	f->bytes += (int64_t)len;
	return 0;
}

struct scan {
	struct cmd *c;
	struct feed *f;
};

static int take(void *ctx, const struct log_event *e)
{
	struct scan *s = ctx;
	if (!feed_matches(s->f, e->type))
		return 0;
	if (feed_fits(s->f, e->len))
		return 1;
	pack_raw(s->c->out, e->body, e->len);
	return s->f->taken ? s->f->taken(s->f->ctx, e) : 0;
}

int feed_scan(struct cmd *c, struct feed *f, int64_t after, int64_t *looked)
{
	struct scan s = {c, f};
	*looked = after;
	if (f->limit == 0 || f->full)
		return 0;
	int rc = store_log_scan(c->store, after, FEED_SCAN, take, &s, looked);
	if (rc == -DOCKET_ESTORAGE)
		return cmd_fail(c, rc, "cannot read the log: %s", store_errmsg(c->store));
	if (rc == -DOCKET_ENOMEM)
		return cmd_fail(c, rc, "out of memory");
	return rc;
}
