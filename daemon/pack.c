/* msgpack writing helpers: the maps of PROTOCOL.md section 5. */
#include <string.h>

#include "calendar.h"
#include "pack.h"
#include "proto.h"

void pack_cstr(msgpack_packer *pk, const char *s)
{
	size_t n = strlen(s);
	msgpack_pack_str(pk, n);
	msgpack_pack_str_body(pk, s, n);
}

void pack_str(msgpack_packer *pk, struct str s)
{
	if (!s.ptr) {
		msgpack_pack_nil(pk);
		return;
	}
	msgpack_pack_str(pk, s.len);
	msgpack_pack_str_body(pk, s.ptr, s.len);
}

void pack_raw(msgpack_packer *pk, const void *bytes, size_t len)
{
	pk->callback(pk->data, bytes, len);
}

static size_t open_fixed(msgpack_sbuffer *buf, char type, size_t width)
{
	size_t at = buf->size;
	char header[5] = {type, 0, 0, 0, 0};
	msgpack_sbuffer_write(buf, header, 1 + width);
	return at;
}

size_t pack_open_map(msgpack_sbuffer *buf)
{
	return open_fixed(buf, (char)0xde, 2);
}

size_t pack_open_array(msgpack_sbuffer *buf)
{
	return open_fixed(buf, (char)0xdd, 4);
}

void pack_close(msgpack_sbuffer *buf, size_t at, uint32_t count)
{
	unsigned char *p = (unsigned char *)buf->data + at;
	if (p[0] == 0xde) {
		p[1] = (unsigned char)(count >> 8);
		p[2] = (unsigned char)count;
	} else {
		p[1] = (unsigned char)(count >> 24);
		p[2] = (unsigned char)(count >> 16);
		p[3] = (unsigned char)(count >> 8);
		p[4] = (unsigned char)count;
	}
}

static int long_text(int col)
{
	return col == D_TEXT || col == D_JUSTIFICATION || col == D_RECOMMENDATION ||
	       col == D_RESPONSE || col == D_PUBLIC_TEXT || col == D_PUBLIC_JUSTIFICATION;
}

#define LONG_TEXTS 6

void pack_id_pair(msgpack_packer *pk, const char *key, int64_t id)
{
	pack_cstr(pk, key);
	if (id)
		msgpack_pack_int64(pk, id);
	else
		msgpack_pack_nil(pk);
}

void pack_decision(msgpack_packer *pk, const struct decision *d, int summary)
{
	msgpack_pack_map(pk, 8 + (size_t)(summary ? D_COUNT - LONG_TEXTS : D_COUNT));
	pack_cstr(pk, "ref");
	pack_str(pk, d->ref);
	pack_cstr(pk, "state");
	pack_cstr(pk, proto_state_name(d->state));
	pack_cstr(pk, "version");
	msgpack_pack_int64(pk, d->version);
	pack_cstr(pk, "cost_pence");
	if (d->cost_pence >= 0)
		msgpack_pack_int64(pk, d->cost_pence);
	else
		msgpack_pack_nil(pk);
	pack_id_pair(pk, "item", d->item);
	pack_id_pair(pk, "position", d->position);
	pack_id_pair(pk, "source", d->source);
	pack_id_pair(pk, "source_line", d->source_line);
	for (int i = 0; i < D_COUNT; i++) {
		if (summary && long_text(i))
			continue;
		pack_cstr(pk, decision_col_names[i]);
		pack_str(pk, d->col[i]);
	}
}

int pack_summary(void *ctx, const struct decision *d)
{
	struct pack_summaries *s = ctx;
	pack_decision(s->pk, d, 1);
	s->n++;
	return 0;
}

void pack_meeting(msgpack_packer *pk, const struct meeting *m, const struct meeting_view *v,
		  int with_items)
{
	msgpack_pack_map(pk, 8 + (with_items ? 1 : 0));
	pack_cstr(pk, "id");
	msgpack_pack_int64(pk, m->id);
	pack_cstr(pk, "panel");
	pack_str(pk, m->panel);
	pack_cstr(pk, "starts_at");
	pack_str(pk, m->starts_at);
	pack_cstr(pk, "starts_at_local");
	pack_cstr(pk, v->local);
	pack_cstr(pk, "zone");
	pack_cstr(pk, v->zone);
	pack_cstr(pk, "venue");
	pack_str(pk, m->venue);
	pack_cstr(pk, "status");
	pack_cstr(pk, v->reads);
	pack_cstr(pk, "version");
	msgpack_pack_int64(pk, m->version);
	/* The caller writes the "items" key and value next. */
}

void pack_reminder(msgpack_packer *pk, const struct reminder *r)
{
	msgpack_pack_map(pk, 10);
	pack_cstr(pk, "id");
	msgpack_pack_int64(pk, r->id);
	pack_cstr(pk, "kind");
	pack_cstr(pk, proto_reminder_kinds[r->kind]);
	pack_cstr(pk, "status");
	pack_cstr(pk, proto_reminder_statuses[r->status]);
	pack_cstr(pk, "days");
	msgpack_pack_int(pk, r->days);
	pack_cstr(pk, "due_at");
	pack_str(pk, r->due_at);
	pack_cstr(pk, "target_at");
	pack_str(pk, r->target_at);
	pack_id_pair(pk, "meeting", r->meeting);
	pack_cstr(pk, "ref");
	pack_str(pk, r->ref);
	pack_id_pair(pk, "seq", r->seq);
	pack_cstr(pk, "settled_at");
	pack_str(pk, r->settled_at);
}

void pack_item_head(msgpack_packer *pk, const struct item *it, int extra)
{
	msgpack_pack_map(pk, 8 + (size_t)extra);
	pack_cstr(pk, "id");
	msgpack_pack_int64(pk, it->id);
	pack_cstr(pk, "meeting");
	msgpack_pack_int64(pk, it->meeting);
	pack_cstr(pk, "code");
	pack_str(pk, it->code);
	pack_cstr(pk, "subject");
	pack_str(pk, it->subject);
	pack_cstr(pk, "period_start");
	pack_str(pk, it->period_start);
	pack_cstr(pk, "period_end");
	pack_str(pk, it->period_end);
	pack_cstr(pk, "from");
	pack_str(pk, it->from);
	pack_cstr(pk, "to");
	pack_str(pk, it->to);
}

void pack_request_data(msgpack_packer *pk, const struct request *req, fieldset skip,
		       const struct pack_pair *more, size_t n)
{
	/* A pair of more replaces the request's field of the same name. */
	for (size_t i = 0; i < n; i++)
		for (int f = 0; f < F_COUNT; f++)
			if (strcmp(more[i].key, request_field_name(f)) == 0)
				skip |= BIT(f);
	fieldset fields = req->present & ~skip;
	msgpack_pack_map(pk, (size_t)fieldset_count(fields) + n);
	for (int f = 0; f < F_COUNT; f++) {
		if (!(fields & BIT(f)))
			continue;
		pack_cstr(pk, request_field_name(f));
		switch (request_field_value(f)) {
		case RV_INT:
			msgpack_pack_int64(pk, req->n[f]);
			break;
		case RV_BOOL:
			if (req->n[f])
				msgpack_pack_true(pk);
			else
				msgpack_pack_false(pk);
			break;
		case RV_RAW:
			pack_raw(pk, req->s[f].ptr, req->s[f].len);
			break;
		case RV_STR:
			pack_str(pk, req->s[f]);
			break;
		}
	}
	for (size_t i = 0; i < n; i++) {
		pack_cstr(pk, more[i].key);
		if (more[i].value.ptr || !more[i].is_int)
			pack_str(pk, more[i].value);
		else
			msgpack_pack_int64(pk, more[i].n);
	}
}

void pack_bool(msgpack_packer *pk, int b)
{
	if (b)
		msgpack_pack_true(pk);
	else
		msgpack_pack_false(pk);
}

void pack_cursor(msgpack_packer *pk, const struct cursor *c, int64_t last_seq)
{
	/* Acknowledged up to just before the first pending event, or all it delivered. */
	int64_t acked = c->first_pending ? c->first_pending - 1 : c->delivered;
	msgpack_pack_map(pk, 11);
	pack_cstr(pk, "name");
	pack_str(pk, c->name);
	pack_cstr(pk, "topics");
	if (c->topics.ptr)
		pack_raw(pk, c->topics.ptr, c->topics.len);
	else
		msgpack_pack_nil(pk);
	pack_cstr(pk, "delivered");
	msgpack_pack_int64(pk, c->delivered);
	pack_cstr(pk, "acked");
	msgpack_pack_int64(pk, acked);
	pack_cstr(pk, "pending");
	msgpack_pack_int64(pk, c->pending);
	pack_cstr(pk, "parked");
	msgpack_pack_int64(pk, c->parked);
	pack_cstr(pk, "last_seq");
	msgpack_pack_int64(pk, last_seq);
	pack_cstr(pk, "lag");
	msgpack_pack_int64(pk, last_seq > acked ? last_seq - acked : 0);
	pack_cstr(pk, "ack_wait");
	msgpack_pack_int64(pk, c->ack_wait);
	pack_cstr(pk, "max_deliveries");
	msgpack_pack_int64(pk, c->max_deliveries);
	pack_cstr(pk, "created_at");
	pack_str(pk, c->created_at);
}
