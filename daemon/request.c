/* Request decoding: one validation pass, then a table-driven read of each key. */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "codec.h"
#include "date.h"
#include "docket/error.h"
#include "proto.h"
#include "request.h"
#include "utf8.h"

enum kind {
	K_REF,  /* a reference: canonical form of ref.h, at most 64 bytes */
	K_LINE, /* 1..1024 bytes, one line */
	K_TEXT, /* 1..64 KiB, any text */
	K_INT,  /* non-negative integer */
	K_DATE, /* YYYY-MM-DD */
	K_TIME, /* YYYY-MM-DDTHH:MM[:SS] with Z, an offset or nothing (office time) */
	K_ENUM,
	K_BOOL,  /* true or false */
	K_ARRAY, /* an array, kept as its msgpack bytes for the handler to read */
};

static const struct {
	const char *name;
	enum kind kind;
	const char *const *values; /* K_ENUM */
} fields[F_COUNT] = {
	[F_REF] = {"ref", K_REF, NULL},
	[F_TITLE] = {"title", K_LINE, NULL},
	[F_TEXT] = {"text", K_TEXT, NULL},
	[F_JUSTIFICATION] = {"justification", K_TEXT, NULL},
	[F_DECISION_MAKER] = {"decision_maker", K_ENUM, proto_decision_makers},
	[F_CATEGORY] = {"category", K_ENUM, proto_categories},
	[F_COST_PENCE] = {"cost_pence", K_INT, NULL},
	[F_COST_TEXT] = {"cost_text", K_LINE, NULL},
	[F_COMMENT] = {"comment", K_TEXT, NULL},
	[F_REASON] = {"reason", K_TEXT, NULL},
	[F_RESTRICTION] = {"restriction", K_ENUM, proto_restrictions},
	[F_RESTRICTION_REASON] = {"restriction_reason", K_TEXT, NULL},
	[F_REVIEW_DATE] = {"review_date", K_DATE, NULL},
	[F_ITEM] = {"item", K_INT, NULL},
	[F_RECOMMENDATION] = {"recommendation", K_TEXT, NULL},
	[F_RESPONSE_DUE] = {"response_due", K_DATE, NULL},
	[F_RESPONSE] = {"response", K_TEXT, NULL},
	[F_PANEL] = {"panel", K_LINE, NULL},
	[F_STARTS_AT] = {"starts_at", K_TIME, NULL},
	[F_VENUE] = {"venue", K_LINE, NULL},
	[F_MEETING] = {"meeting", K_INT, NULL},
	[F_CODE] = {"code", K_LINE, NULL},
	[F_SUBJECT] = {"subject", K_LINE, NULL},
	[F_PERIOD_START] = {"period_start", K_DATE, NULL},
	[F_PERIOD_END] = {"period_end", K_DATE, NULL},
	[F_FROM] = {"from", K_LINE, NULL},
	[F_TO] = {"to", K_LINE, NULL},
	[F_STATE] = {"state", K_ENUM, NULL}, /* checked against proto_state_lookup */
	[F_LIMIT] = {"limit", K_INT, NULL},
	[F_AFTER] = {"after", K_REF, NULL},
	[F_EXPECT_VERSION] = {"expect_version", K_INT, NULL},
	[F_IDEM] = {"idem", K_LINE, NULL},
	[F_DECIDED_ON] = {"decided_on", K_DATE, NULL},
	[F_PUBLISHED_ON] = {"published_on", K_DATE, NULL},
	[F_NOTED_ON] = {"noted_on", K_DATE, NULL},
	[F_RECOMMENDED_ON] = {"recommended_on", K_DATE, NULL},
	[F_RESPONDED_ON] = {"responded_on", K_DATE, NULL},
	[F_SORT] = {"sort", K_ENUM, proto_list_sorts},
	[F_STATUS] = {"status", K_ENUM, proto_reminder_statuses},
	[F_KIND] = {"kind", K_ENUM, proto_reminder_kinds},
	[F_WITHIN] = {"within", K_INT, NULL},
	[F_WITHHELD] = {"withheld", K_LINE, NULL},
	[F_PUBLIC_TEXT] = {"public_text", K_TEXT, NULL},
	[F_PUBLIC_JUSTIFICATION] = {"public_justification", K_TEXT, NULL},
	[F_REFS] = {"refs", K_ARRAY, NULL},
	[F_FILE] = {"file", K_LINE, NULL},
	[F_SHA256] = {"sha256", K_LINE, NULL},
	[F_DOCUMENT] = {"document", K_ENUM, proto_documents},
	[F_MEETING_DATE] = {"meeting_date", K_DATE, NULL},
	[F_DECISIONS] = {"decisions", K_ARRAY, NULL},
	[F_DRY_RUN] = {"dry_run", K_BOOL, NULL},
	[F_LINE] = {"line", K_INT, NULL},
	[F_SOURCE] = {"source", K_INT, NULL},
	[F_FORMAT] = {"format", K_ENUM, proto_render_formats},
	[F_QUERY] = {"query", K_LINE, NULL},
	[F_DECIDED_FROM] = {"decided_from", K_DATE, NULL},
	[F_DECIDED_TO] = {"decided_to", K_DATE, NULL},
	[F_AFTER_SEQ] = {"after_seq", K_INT, NULL},
	[F_SINCE] = {"since", K_TIME, NULL},
	[F_TOPICS] = {"topics", K_ARRAY, NULL},
	[F_MAX_BYTES] = {"max_bytes", K_INT, NULL},
	[F_CURSOR] = {"cursor", K_LINE, NULL},
	[F_SEQ] = {"seq", K_INT, NULL},
	[F_THROUGH] = {"through", K_INT, NULL},
	[F_ACK_WAIT] = {"ack_wait", K_INT, NULL},
	[F_MAX_DELIVERIES] = {"max_deliveries", K_INT, NULL},
	[F_DELAY] = {"delay", K_INT, NULL},
	[F_RETURNED] = {"returned", K_BOOL, NULL},
	[F_KEY] = {"key", K_LINE, NULL},
	[F_PRINCIPAL] = {"principal", K_LINE, NULL},
	[F_ROLES] = {"roles", K_ARRAY, NULL},
	[F_PATH] = {"path", K_LINE, NULL},
	[F_FORCE] = {"force", K_BOOL, NULL},
};

#define TEXT_FIELDS                                                                          \
	(BIT(F_TITLE) | BIT(F_TEXT) | BIT(F_JUSTIFICATION) | BIT(F_DECISION_MAKER) |         \
	 BIT(F_CATEGORY) | BIT(F_COST_PENCE) | BIT(F_COST_TEXT))
#define CHANGE (BIT(F_EXPECT_VERSION) | BIT(F_IDEM))

/* Keys each op takes (besides v, op and id), and the ones it needs. */
static const struct {
	fieldset allowed;
	fieldset required;
} ops[OP_COUNT] = {
	[OP_DRAFT] = {BIT(F_REF) | TEXT_FIELDS | BIT(F_IDEM),
		      BIT(F_REF) | (TEXT_FIELDS & ~(BIT(F_COST_PENCE) | BIT(F_COST_TEXT)))},
	[OP_AMEND] = {BIT(F_REF) | TEXT_FIELDS | CHANGE, BIT(F_REF)},
	[OP_SUBMIT] = {BIT(F_REF) | CHANGE, BIT(F_REF)},
	[OP_RETURN] = {BIT(F_REF) | BIT(F_COMMENT) | CHANGE, BIT(F_REF) | BIT(F_COMMENT)},
	[OP_ENDORSE] = {BIT(F_REF) | BIT(F_DECIDED_ON) | CHANGE, BIT(F_REF)},
	[OP_REJECT] = {BIT(F_REF) | BIT(F_REASON) | CHANGE, BIT(F_REF) | BIT(F_REASON)},
	[OP_WITHDRAW] = {BIT(F_REF) | BIT(F_REASON) | CHANGE, BIT(F_REF) | BIT(F_REASON)},
	[OP_PUBLISH] = {BIT(F_REF) | BIT(F_RESTRICTION) | BIT(F_RESTRICTION_REASON) |
				BIT(F_REVIEW_DATE) | BIT(F_PUBLISHED_ON) | BIT(F_WITHHELD) |
				BIT(F_PUBLIC_TEXT) | BIT(F_PUBLIC_JUSTIFICATION) | CHANGE,
			BIT(F_REF)},
	[OP_SCHEDULE] = {BIT(F_REF) | BIT(F_ITEM) | CHANGE, BIT(F_REF) | BIT(F_ITEM)},
	[OP_UNSCHEDULE] = {BIT(F_REF) | CHANGE, BIT(F_REF)},
	[OP_REPORT] = {BIT(F_REF) | BIT(F_ITEM) | CHANGE, 0},
	[OP_NOTE] = {BIT(F_REF) | BIT(F_COMMENT) | BIT(F_NOTED_ON) | CHANGE, BIT(F_REF)},
	[OP_RECOMMEND] = {BIT(F_REF) | BIT(F_RECOMMENDATION) | BIT(F_RESPONSE_DUE) |
				  BIT(F_RECOMMENDED_ON) | CHANGE,
			  BIT(F_REF) | BIT(F_RECOMMENDATION)},
	[OP_RESPOND] = {BIT(F_REF) | BIT(F_RESPONSE) | BIT(F_RESPONDED_ON) | CHANGE,
			BIT(F_REF) | BIT(F_RESPONSE)},
	[OP_LIFT_RESTRICTION] = {BIT(F_REF) | BIT(F_COMMENT) | CHANGE, BIT(F_REF)},
	[OP_SET_RESPONSE_DUE] = {BIT(F_REF) | BIT(F_RESPONSE_DUE) | CHANGE,
				 BIT(F_REF) | BIT(F_RESPONSE_DUE)},
	[OP_SET_REVIEW_DATE] = {BIT(F_REF) | BIT(F_REVIEW_DATE) | CHANGE,
				BIT(F_REF) | BIT(F_REVIEW_DATE)},
	[OP_MEETING_ADD] = {BIT(F_PANEL) | BIT(F_STARTS_AT) | BIT(F_VENUE) | BIT(F_IDEM),
			    BIT(F_PANEL) | BIT(F_STARTS_AT)},
	[OP_MEETING_MOVE] = {BIT(F_MEETING) | BIT(F_STARTS_AT) | CHANGE,
			     BIT(F_MEETING) | BIT(F_STARTS_AT)},
	[OP_MEETING_POSTPONE] = {BIT(F_MEETING) | BIT(F_REASON) | CHANGE, BIT(F_MEETING)},
	[OP_MEETING_CANCEL] = {BIT(F_MEETING) | BIT(F_REASON) | CHANGE, BIT(F_MEETING)},
	[OP_MEETING_HELD] = {BIT(F_MEETING) | CHANGE, BIT(F_MEETING)},
	[OP_ITEM_ADD] = {BIT(F_MEETING) | BIT(F_CODE) | BIT(F_SUBJECT) | BIT(F_PERIOD_START) |
				 BIT(F_PERIOD_END) | BIT(F_FROM) | BIT(F_TO) | BIT(F_IDEM),
			 BIT(F_MEETING) | BIT(F_CODE) | BIT(F_SUBJECT)},
	[OP_ITEM_ORDER] = {BIT(F_ITEM) | BIT(F_REFS) | BIT(F_IDEM), BIT(F_ITEM) | BIT(F_REFS)},
	[OP_IMPORT] = {BIT(F_FILE) | BIT(F_SHA256) | BIT(F_DOCUMENT) | BIT(F_TITLE) | BIT(F_FROM) |
			       BIT(F_TO) | BIT(F_SUBJECT) | BIT(F_CODE) | BIT(F_MEETING_DATE) |
			       BIT(F_PERIOD_START) | BIT(F_PERIOD_END) | BIT(F_DECISIONS) |
			       BIT(F_DRY_RUN) | BIT(F_IDEM),
		       BIT(F_FILE) | BIT(F_SHA256) | BIT(F_DOCUMENT) | BIT(F_DECISIONS)},
	[OP_GET] = {BIT(F_REF), BIT(F_REF)},
	[OP_LIST] = {BIT(F_STATE) | BIT(F_SORT) | BIT(F_LIMIT) | BIT(F_AFTER), 0},
	[OP_HISTORY] = {BIT(F_REF), BIT(F_REF)},
	[OP_MEETINGS] = {0, 0},
	[OP_AGENDA] = {BIT(F_MEETING), 0},
	[OP_REMINDERS] = {BIT(F_STATUS) | BIT(F_KIND) | BIT(F_MEETING) | BIT(F_REF) | BIT(F_LIMIT),
			  0},
	[OP_DUE] = {BIT(F_WITHIN), 0},
	[OP_INFO] = {0, 0},
	[OP_RENDER] = {BIT(F_ITEM) | BIT(F_SOURCE) | BIT(F_FORMAT), 0},
	[OP_REGISTER] = {BIT(F_LIMIT) | BIT(F_AFTER), 0},
	[OP_SEARCH] = {BIT(F_QUERY) | BIT(F_STATE) | BIT(F_DECISION_MAKER) | BIT(F_CATEGORY) |
			       BIT(F_DECIDED_FROM) | BIT(F_DECIDED_TO) | BIT(F_LIMIT),
		       BIT(F_QUERY)},
	[OP_IMPORTS] = {0, 0},
	[OP_EVENTS] = {BIT(F_AFTER_SEQ) | BIT(F_SINCE) | BIT(F_TOPICS) | BIT(F_LIMIT) |
			       BIT(F_MAX_BYTES),
		       0},
	[OP_CURSOR_ADD] = {BIT(F_CURSOR) | BIT(F_TOPICS) | BIT(F_AFTER_SEQ) | BIT(F_SINCE) |
				   BIT(F_ACK_WAIT) | BIT(F_MAX_DELIVERIES),
			   BIT(F_CURSOR)},
	[OP_CURSOR_DELETE] = {BIT(F_CURSOR), BIT(F_CURSOR)},
	[OP_FETCH] = {BIT(F_CURSOR) | BIT(F_LIMIT) | BIT(F_MAX_BYTES), BIT(F_CURSOR)},
	[OP_ACK] = {BIT(F_CURSOR) | BIT(F_SEQ) | BIT(F_THROUGH), BIT(F_CURSOR)},
	[OP_NAK] = {BIT(F_CURSOR) | BIT(F_SEQ) | BIT(F_DELAY) | BIT(F_RETURNED),
		    BIT(F_CURSOR) | BIT(F_SEQ)},
	[OP_PARK] = {BIT(F_CURSOR) | BIT(F_SEQ) | BIT(F_REASON), BIT(F_CURSOR) | BIT(F_SEQ)},
	[OP_CURSOR_RETRY] = {BIT(F_CURSOR) | BIT(F_SEQ), BIT(F_CURSOR)},
	[OP_CURSOR_SKIP] = {BIT(F_CURSOR) | BIT(F_SEQ), BIT(F_CURSOR)},
	[OP_CURSOR_REWIND] = {BIT(F_CURSOR) | BIT(F_AFTER_SEQ) | BIT(F_SINCE), BIT(F_CURSOR)},
	[OP_CURSORS] = {0, 0},
	[OP_PARKED] = {BIT(F_CURSOR) | BIT(F_LIMIT), BIT(F_CURSOR)},
	[OP_KEY_ADD] = {BIT(F_KEY) | BIT(F_PRINCIPAL) | BIT(F_ROLES),
			BIT(F_KEY) | BIT(F_PRINCIPAL) | BIT(F_ROLES)},
	[OP_KEY_ROLES] = {BIT(F_KEY) | BIT(F_ROLES), BIT(F_KEY) | BIT(F_ROLES)},
	[OP_KEY_REVOKE] = {BIT(F_KEY), BIT(F_KEY)},
	[OP_KEYS] = {0, 0},
	[OP_STATUS] = {0, 0},
	[OP_BACKUP] = {BIT(F_PATH) | BIT(F_FORCE), BIT(F_PATH)},
};

const char *request_field_name(int f)
{
	return f >= 0 && f < F_COUNT ? fields[f].name : "?";
}

enum request_value request_field_value(int f)
{
	switch (fields[f].kind) {
	case K_INT:
		return RV_INT;
	case K_BOOL:
		return RV_BOOL;
	case K_ARRAY:
		return RV_RAW;
	default:
		return RV_STR;
	}
}

static int fail(char *err, size_t errlen, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return code;
}

enum { ENV_ID = 1, ENV_V = 2, ENV_OP = 4 };

/* Which envelope key (ENV_*) key is, or 0 for a field or anything else. */
static int envelope_key(const struct codec_value *key)
{
	return codec_str_eq(key, "id") ? ENV_ID
	       : codec_str_eq(key, "v") ? ENV_V
	       : codec_str_eq(key, "op") ? ENV_OP
				       : 0;
}

static int lookup_field(const struct codec_value *key)
{
	for (int f = 0; f < F_COUNT; f++)
		if (codec_str_eq(key, fields[f].name))
			return f;
	return -1;
}

static int read_field(struct request *req, int f, const struct codec_value *v, struct str raw,
		      char *err, size_t errlen)
{
	const char *name = fields[f].name;
	enum kind kind = fields[f].kind;

	if (kind == K_BOOL) {
		if (v->type != CODEC_BOOL)
			return fail(err, errlen, -DOCKET_EBADREQ, "'%s' must be true or false", name);
		req->n[f] = v->u.b;
		return 0;
	}
	if (kind == K_ARRAY) {
		if (v->type != CODEC_ARRAY)
			return fail(err, errlen, -DOCKET_EBADREQ, "'%s' must be an array", name);
		req->s[f] = raw;
		req->n[f] = v->u.count;
		return 0;
	}

	if (kind == K_INT) {
		if (v->type != CODEC_INT || v->u.i < 0)
			return fail(err, errlen, -DOCKET_EBADREQ,
				    "'%s' must be a non-negative integer", name);
		req->n[f] = v->u.i;
		return 0;
	}
	if (v->type != CODEC_STR)
		return fail(err, errlen, -DOCKET_EBADREQ, "'%s' must be a string", name);

	/* A reference may arrive with white space around it, which its canonical form drops. */
	uint32_t max = kind == K_REF ? REF_BUF : kind == K_TEXT ? 64 * 1024 : 1024;
	if (v->u.s.len > max)
		return fail(err, errlen, kind == K_REF ? -DOCKET_EBADREQ : -DOCKET_ETOOLARGE,
			    "'%s' is %u bytes; the limit is %u", name, v->u.s.len,
			    kind == K_REF ? REF_MAX : max);
	if (v->u.s.len == 0)
		return fail(err, errlen, -DOCKET_EBADREQ, "'%s' must not be empty", name);
	if (kind == K_REF) {
		const char *canon;
		size_t n;
		if (ref_normalize(v->u.s.ptr, v->u.s.len, req->refs[f == F_AFTER], &canon, &n, name,
				  err, errlen) < 0)
			return -DOCKET_EBADREQ;
		req->s[f] = (struct str){canon, (uint32_t)n};
		return 0;
	}
	if (!utf8_valid(v->u.s.ptr, v->u.s.len, kind == K_TEXT ? UTF8_TEXT : UTF8_LINE))
		return fail(err, errlen, -DOCKET_EBADREQ,
			    kind == K_TEXT ? "'%s' is not valid UTF-8"
					   : "'%s' must be one line of valid UTF-8",
			    name);

	const char *p = v->u.s.ptr;
	uint32_t len = v->u.s.len;
	int ok = 1;
	int64_t day;
	struct date_time t;
	switch (kind) {
	case K_DATE:
		ok = date_parse(p, len, &day) == 0;
		break;
	case K_TIME:
		ok = date_time_parse(p, len, &t) == 0;
		break;
	case K_ENUM:
		ok = fields[f].values ? proto_enum_lookup(fields[f].values, p, len) >= 0
				      : proto_state_lookup(p, len) > ST_NONE;
		break;
	default:
		break;
	}
	if (!ok) {
		const char *want =
			kind == K_DATE
				? "a date, YYYY-MM-DD, in the years 2000 to 2100"
			: kind == K_TIME ? "a time, YYYY-MM-DDTHH:MM[:SS] with Z, an offset such as "
					   "+01:00, or nothing for office time, in the years 2000 to 2100"
					 : "one of the documented values";
		return fail(err, errlen, -DOCKET_EBADREQ, "'%s' value '%.*s' is not %s", name,
			    (int)(len > 64 ? 64 : len), p, want);
	}
	req->s[f] = (struct str){p, len};
	return 0;
}

/*
 * Read the next key and value of a map; a container value is skipped
 * whole. Returns the value's bytes, which array fields keep.
 */
static struct str next_pair(struct codec_reader *r, struct codec_value *key,
			    struct codec_value *val)
{
	codec_read(r, key);
	const uint8_t *value_at = r->p;
	codec_read(r, val);
	if (val->type == CODEC_ARRAY || val->type == CODEC_MAP) {
		r->p = value_at;
		codec_skip(r);
	}
	return (struct str){(const char *)value_at, (uint32_t)(r->p - value_at)};
}

/* Check the request's shape against its op's row of the table. */
static int check_shape(const struct request *req, fieldset given_other, char *err, size_t errlen)
{
	const char *op = proto_op_name(req->op);
	fieldset extra = given_other & ~ops[req->op].allowed;
	if (extra)
		return fail(err, errlen, -DOCKET_EBADREQ, "'%s' does not take '%s'", op,
			    fields[fieldset_first(extra)].name);
	fieldset missing = ops[req->op].required & ~req->present;
	if (missing)
		return fail(err, errlen, -DOCKET_EBADREQ, "'%s' needs '%s'", op,
			    fields[fieldset_first(missing)].name);
	if (req->op == OP_AMEND && !(req->present & TEXT_FIELDS))
		return fail(err, errlen, -DOCKET_EBADREQ, "'amend' needs at least one field to change");
	if (req->op == OP_REPORT && !(req->present & BIT(F_REF)) == !(req->present & BIT(F_ITEM)))
		return fail(err, errlen, -DOCKET_EBADREQ, "'report' needs exactly one of 'ref' and 'item'");
	if ((req->op == OP_EVENTS || req->op == OP_CURSOR_ADD || req->op == OP_CURSOR_REWIND) &&
	    (req->present & BIT(F_AFTER_SEQ)) && (req->present & BIT(F_SINCE)))
		return fail(err, errlen, -DOCKET_EBADREQ, "'%s' takes 'after_seq' or 'since', not both", op);
	if (req->op == OP_CURSOR_REWIND && !(req->present & (BIT(F_AFTER_SEQ) | BIT(F_SINCE))))
		return fail(err, errlen, -DOCKET_EBADREQ, "'cursor_rewind' needs 'after_seq' or 'since'");
	if (req->op == OP_ACK && !(req->present & BIT(F_SEQ)) == !(req->present & BIT(F_THROUGH)))
		return fail(err, errlen, -DOCKET_EBADREQ, "'ack' needs exactly one of 'seq' and 'through'");
	if (req->op == OP_RENDER &&
	    !(req->present & BIT(F_ITEM)) == !(req->present & BIT(F_SOURCE)))
		return fail(err, errlen, -DOCKET_EBADREQ, "'render' needs exactly one of 'item' and 'source'");
	return 0;
}

int request_decode(struct request *req, const void *buf, size_t len, char *err, size_t errlen)
{
	/* The reference buffers are written before they are read: no need to clear them. */
	memset(req, 0, offsetof(struct request, refs));
	req->op = -1;

	int rc = codec_validate(buf, len, &codec_default_limits);
	if (rc == -DOCKET_ETOOLARGE)
		return fail(err, errlen, rc, "request exceeds a size or nesting limit");
	if (rc < 0)
		return fail(err, errlen, -DOCKET_EBADREQ, "request is not valid msgpack");

	struct codec_reader r;
	struct codec_value map, key, val;
	codec_reader_init(&r, buf, len);
	codec_read(&r, &map);
	if (map.type != CODEC_MAP)
		return fail(err, errlen, -DOCKET_EBADREQ, "request must be a msgpack map");

	/* Read every key before judging any, so the reply can echo id. */
	const uint8_t *pairs = r.p;
	int64_t version = 0;
	struct str op = {NULL, 0};
	unsigned envelope = 0; /* ENV_* bits of the envelope keys seen */
	int bad = 0;
	const uint8_t *id_start = NULL, *id_end = NULL;
	fieldset given = 0;
	for (uint32_t i = 0; i < map.u.count; i++) {
		const uint8_t *pair = r.p, *value_at;
		struct str raw = next_pair(&r, &key, &val);
		value_at = (const uint8_t *)raw.ptr;
		int env = envelope_key(&key);
		if (key.type != CODEC_STR) {
			if (!bad)
				rc = fail(err, errlen, -DOCKET_EBADREQ, "request keys must be strings");
			bad = 1;
		} else if (env && (envelope & env)) {
			/* A repeated envelope key could make two readers see two requests. */
			if (!bad)
				rc = fail(err, errlen, -DOCKET_EBADREQ, "key '%.*s' appears twice",
					  (int)key.u.s.len, key.u.s.ptr);
			bad = 1;
		} else if (env) {
			envelope |= (unsigned)env;
			if (env == ENV_ID) {
				req->id = (struct str){(const char *)value_at,
						       (uint32_t)(r.p - value_at)};
				id_start = pair;
				id_end = r.p;
			} else if (env == ENV_V) {
				/* A version that is not an integer is not one we speak. */
				version = val.type == CODEC_INT ? val.u.i : -1;
			} else {
				op = val.type == CODEC_STR ? (struct str){val.u.s.ptr, val.u.s.len}
							   : (struct str){"", 0};
			}
		} else if (!bad) {
			/* After the first bad key only id, v and op are still read. */
			int f = lookup_field(&key);
			if (f < 0) {
				rc = fail(err, errlen, -DOCKET_EBADREQ, "unknown key '%.*s'",
					  (int)(key.u.s.len > 64 ? 64 : key.u.s.len), key.u.s.ptr);
				bad = 1;
			} else if (given & BIT(f)) {
				rc = fail(err, errlen, -DOCKET_EBADREQ, "key '%s' appears twice",
					  fields[f].name);
				bad = 1;
			} else if ((rc = read_field(req, f, &val, raw, err, errlen)) < 0) {
				bad = 1;
			} else {
				given |= BIT(f);
			}
		}
	}
	if (!(envelope & ENV_V))
		return fail(err, errlen, -DOCKET_EBADREQ, "request needs 'v', the protocol version");
	if (version != PROTO_VERSION)
		return fail(err, errlen, -DOCKET_EVERSION, "protocol version must be %d",
			    PROTO_VERSION);
	if (!(envelope & ENV_OP))
		return fail(err, errlen, -DOCKET_EBADREQ, "request needs 'op'");
	req->op = proto_op_lookup(op.ptr, op.len);
	if (req->op < 0)
		return fail(err, errlen, -DOCKET_EUNKNOWNOP, "unknown command '%.*s'",
			    (int)(op.len > 64 ? 64 : op.len), op.ptr);
	if (bad)
		return rc;
	req->present = given;
	if ((rc = check_shape(req, given, err, errlen)) < 0)
		return rc;

	/* The pairs before and after id: what idempotency compares. */
	const char *start = (const char *)pairs, *end = (const char *)buf + len;
	if (id_start) {
		req->body[0] = (struct str){start, (uint32_t)((const char *)id_start - start)};
		req->body[1] = (struct str){(const char *)id_end, (uint32_t)(end - (const char *)id_end)};
	} else {
		req->body[0] = (struct str){start, (uint32_t)(end - start)};
	}
	return 0;
}

int request_decode_entry(struct request *e, struct str raw, fieldset allowed, fieldset required,
			 char *err, size_t errlen)
{
	memset(e, 0, offsetof(struct request, refs));
	e->op = -1;
	struct codec_reader r;
	struct codec_value map, key, val;
	codec_reader_init(&r, raw.ptr, raw.len);
	codec_read(&r, &map);
	if (map.type != CODEC_MAP)
		return fail(err, errlen, -DOCKET_EBADREQ, "each entry must be a map");
	for (uint32_t i = 0; i < map.u.count; i++) {
		struct str v = next_pair(&r, &key, &val);
		if (key.type != CODEC_STR)
			return fail(err, errlen, -DOCKET_EBADREQ, "keys must be strings");
		int f = lookup_field(&key);
		if (f < 0 || !(allowed & BIT(f)))
			return fail(err, errlen, -DOCKET_EBADREQ, "unknown key '%.*s'",
				    (int)(key.u.s.len > 64 ? 64 : key.u.s.len), key.u.s.ptr);
		if (e->present & BIT(f))
			return fail(err, errlen, -DOCKET_EBADREQ, "key '%s' appears twice",
				    fields[f].name);
		int rc = read_field(e, f, &val, v, err, errlen);
		if (rc < 0)
			return rc;
		e->present |= BIT(f);
	}
	fieldset missing = required & ~e->present;
	if (missing)
		return fail(err, errlen, -DOCKET_EBADREQ, "needs '%s'",
			    fields[fieldset_first(missing)].name);
	return 0;
}
