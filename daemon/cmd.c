/* What every handler shares: refusals, role and version checks, events. */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "date.h"
#include "docket/error.h"
#include "event.h"
#include "pack.h"
#include "proto.h"
#include "reminder.h"

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

int cmd_int_arg(struct cmd *c, int f, int64_t dflt, int64_t lo, int64_t hi, const char *unit,
		int64_t *out)
{
	const struct request *q = c->req;
	*out = q->present & BIT(f) ? q->n[f] : dflt;
	if (*out >= lo && *out <= hi)
		return 0;
	return cmd_fail(c, -DOCKET_EBADREQ, "'%s' must be %lld to %lld%s", request_field_name(f),
			(long long)lo, (long long)hi, unit);
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
	msgpack_packer pk;
	fieldset skip = BIT(F_IDEM) | BIT(F_EXPECT_VERSION);
	size_t head = h->kind == EV_ITEM ? 2 : 3;
	size_t start = event_begin(c->store, o, &pk, h->type, c->ts, c->who->name, 1 + head);
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
		skip |= BIT(F_MEETING) | BIT(F_ITEM);
		break;
	}
	if (h->kind != EV_ITEM) {
		pack_cstr(&pk, "state");
		pack_cstr(&pk, h->state);
		pack_cstr(&pk, "version");
		msgpack_pack_int64(&pk, h->version);
	}
	pack_cstr(&pk, "data");
	pack_request_data(&pk, c->req, skip, c->set, c->nset);

	struct event ev = {
		.ts = c->ts,
		.type = h->type,
		.actor = c->who->name,
		.ref = h->kind == EV_DECISION ? h->ref : (struct str){NULL, 0},
		.meeting = h->meeting,
		.item = h->item,
	};
	int rc = event_end(c->store, o, start, &ev);
	if (rc == -DOCKET_ENOMEM)
		return cmd_fail(c, rc, "out of memory");
	if (rc < 0)
		return cmd_fail(c, rc, "cannot append to the log: %s", store_errmsg(c->store));
	return 0;
}

void cmd_reply_seq(struct cmd *c)
{
	pack_cstr(c->out, "seq");
	msgpack_pack_int64(c->out, store_next_seq(c->store) - 1);
	c->pairs++;
}

int cmd_meeting_view(struct cmd *c, const struct meeting *m, struct meeting_view *v)
{
	if (calendar_view(c->office, c->now, m, v) < 0)
		return cmd_fail(c, -DOCKET_ESTORAGE, "meeting %lld has a start time that is not a time",
				(long long)m->id);
	return 0;
}

void cmd_set(struct cmd *c, const char *key, struct str value)
{
	/* No command sets more than set holds: this is a programmer's error. */
	assert(c->nset < sizeof c->set / sizeof c->set[0]);
	c->set[c->nset++] = (struct pack_pair){.key = key, .value = value};
}

struct str cmd_date(struct cmd *c, int64_t days)
{
	char *p = arena_alloc(c->arena, DATE_LEN);
	if (!p)
		return (struct str){NULL, 0};
	date_format(days, p);
	return (struct str){p, DATE_LEN - 1};
}

int cmd_date_arg(struct cmd *c, int f, const char *key, int64_t dflt, int not_future,
		 int64_t *days)
{
	const struct request *q = c->req;
	if (!(q->present & BIT(f))) {
		*days = dflt;
		struct str v = cmd_date(c, dflt);
		if (!v.ptr)
			return cmd_fail(c, -DOCKET_ENOMEM, "out of memory");
		cmd_set(c, key, v);
		return 0;
	}
	/* request.c checked the format. */
	date_parse(q->s[f].ptr, q->s[f].len, days);
	if (not_future && *days > c->today) {
		char today[DATE_LEN];
		date_format(c->today, today);
		return cmd_fail(c, -DOCKET_EBADREQ, "'%s' %.*s is in the future: today is %s in %s",
				key, (int)q->s[f].len, q->s[f].ptr, today, tz_name(c->office->tz));
	}
	return 0;
}

void cmd_remind_ctx(struct cmd *c, struct remind_ctx *x)
{
	*x = (struct remind_ctx){
		.store = c->store,
		.office = c->office,
		.arena = c->arena,
		.now = c->now,
		.ts = c->ts,
	};
}

int cmd_refs_add(struct cmd_refs *r, struct str ref)
{
	char *copy = arena_strndup(r->arena, ref.ptr, ref.len);
	struct str *slot = copy ? arena_push(r->arena, (void **)&r->ref, &r->n, &r->cap,
					     sizeof *r->ref)
				: NULL;
	if (!slot)
		return -DOCKET_ENOMEM;
	*slot = (struct str){copy, ref.len};
	return 0;
}

int cmd_page_add(void *ctx, const struct decision *d)
{
	struct cmd_page *p = ctx;
	if (p->n == p->limit) {
		p->more = 1;
		return 0;
	}
	p->pack(p->c->out, d);
	p->n++;
	char *last = arena_strndup(p->c->arena, d->ref.ptr, d->ref.len);
	p->last = (struct str){last, d->ref.len};
	return last ? 0 : -DOCKET_ENOMEM;
}

int cmd_apply(struct cmd *c)
{
	int op = c->req->op;
	if (op < PROTO_FSM_OPS)
		return handle_decision(c);
	if (op < PROTO_CALENDAR_OPS)
		return handle_calendar(c);
	switch (op) {
	case OP_ITEM_ORDER:
		return handle_item_order(c);
	case OP_IMPORT:
		return handle_import(c);
	case OP_AGENDA:
	case OP_REMINDERS:
	case OP_DUE:
		return handle_agenda(c);
	case OP_RENDER:
		return handle_report(c);
	case OP_REGISTER:
	case OP_SEARCH:
	case OP_IMPORTS:
		return handle_register(c);
	case OP_EVENTS:
		return handle_events(c);
	case OP_FETCH:
	case OP_ACK:
	case OP_NAK:
	case OP_PARK:
		return handle_fetch(c);
	case OP_CURSOR_ADD:
	case OP_CURSOR_DELETE:
	case OP_CURSOR_RETRY:
	case OP_CURSOR_SKIP:
	case OP_CURSOR_REWIND:
	case OP_CURSORS:
	case OP_PARKED:
		return handle_cursor(c);
	case OP_KEY_ADD:
	case OP_KEY_ROLES:
	case OP_KEY_REVOKE:
	case OP_KEYS:
		return handle_keys(c);
	case OP_STATUS:
		return handle_status(c);
	case OP_BACKUP:
		return handle_backup(c);
	default:
		return handle_query(c);
	}
}
