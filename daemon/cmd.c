/* What every handler shares: refusals, role and version checks, events. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "docket/error.h"
#include "pack.h"
#include "proto.h"

int cmd_fail(struct cmd *c, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->err, sizeof c->err, fmt, ap);
	va_end(ap);
	return code;
}

int cmd_need_role(struct cmd *c, unsigned role)
{
	if (c->who->roles & role)
		return 0;
	return cmd_fail(c, -DOCKET_EFORBIDDEN, "'%s' needs the %s role, which '%.*s' does not hold",
			proto_op_name(c->req->op), proto_role_name((int)role),
			(int)c->who->name.len, c->who->name.ptr);
}

int cmd_check_version(struct cmd *c, const char *what, int64_t version)
{
	const struct request *q = c->req;
	if (!(q->present & BIT(F_EXPECT_VERSION)) || q->n[F_EXPECT_VERSION] == version)
		return 0;
	return cmd_fail(c, -DOCKET_ECONFLICT, "%s is at version %lld, not the expected %lld", what,
			(long long)version, (long long)q->n[F_EXPECT_VERSION]);
}

int cmd_emit(struct cmd *c, const struct event_head *h)
{
	struct outbox *o = c->outbox;
	size_t start = o->buf.size;
	int64_t seq = store_next_seq(c->store);
	msgpack_packer pk;
	msgpack_packer_init(&pk, &o->buf, msgpack_sbuffer_write);

	uint64_t skip = BIT(F_IDEM) | BIT(F_EXPECT_VERSION);
	size_t head = h->kind == EV_ITEM ? 2 : 3;
	msgpack_pack_map(&pk, 5 + head);
	pack_cstr(&pk, "seq");
	msgpack_pack_int64(&pk, seq);
	pack_cstr(&pk, "type");
	pack_cstr(&pk, h->type);
	pack_cstr(&pk, "ts");
	pack_cstr(&pk, c->ts);
	pack_cstr(&pk, "actor");
	pack_str(&pk, c->who->name);
	switch (h->kind) {
	case EV_DECISION:
		pack_cstr(&pk, "ref");
		pack_str(&pk, h->ref);
		skip |= BIT(F_REF);
		break;
	case EV_MEETING:
		pack_cstr(&pk, "meeting");
		msgpack_pack_int64(&pk, h->meeting);
		skip |= BIT(F_MEETING);
		break;
	case EV_ITEM:
		pack_cstr(&pk, "item");
		msgpack_pack_int64(&pk, h->item);
		pack_cstr(&pk, "meeting");
		msgpack_pack_int64(&pk, h->meeting);
		skip |= BIT(F_MEETING);
		break;
	}
	if (h->kind != EV_ITEM) {
		pack_cstr(&pk, "state");
		pack_cstr(&pk, h->state);
		pack_cstr(&pk, "version");
		msgpack_pack_int64(&pk, h->version);
	}
	pack_cstr(&pk, "data");
	pack_request_data(&pk, c->req, skip);

	struct event ev = {
		.seq = seq,
		.ts = c->ts,
		.type = h->type,
		.actor = c->who->name,
		.ref = h->kind == EV_DECISION ? h->ref : (struct str){NULL, 0},
		.meeting = h->meeting,
		.item = h->item,
		.body = o->buf.data + start,
		.body_len = o->buf.size - start,
	};
	int rc = store_append_event(c->store, &ev);
	if (rc < 0)
		return cmd_fail(c, rc, "cannot append to the log: %s", store_errmsg(c->store));
	if ((rc = outbox_add(o, h->type, start)) < 0)
		return cmd_fail(c, rc, "out of memory");
	return 0;
}

void cmd_reply_seq(struct cmd *c)
{
	pack_cstr(c->out, "seq");
	msgpack_pack_int64(c->out, store_next_seq(c->store) - 1);
	c->pairs++;
}

int cmd_passed(const struct cmd *c, struct str when)
{
	/* Both are ISO 8601 UTC; the first 19 characters compare as times. */
	size_t n = when.len < 19 ? when.len : 19;
	return when.ptr && memcmp(when.ptr, c->ts, n) <= 0;
}

const char *cmd_meeting_status(const struct cmd *c, const struct meeting *m)
{
	int cancelled = m->status.len == 9 && memcmp(m->status.ptr, "cancelled", 9) == 0;
	if (cancelled)
		return "cancelled";
	return cmd_passed(c, m->starts_at) ? "held" : "scheduled";
}

int cmd_apply(struct cmd *c)
{
	int op = c->req->op;
	if (op < PROTO_FSM_OPS)
		return handle_decision(c);
	if (op < OP_GET)
		return handle_calendar(c);
	return handle_query(c);
}
