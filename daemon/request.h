/* Decoding a command request into fields, against the op and field tables. */
#ifndef DOCKET_REQUEST_H
#define DOCKET_REQUEST_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ref.h"

/* A slice of received bytes or of the batch arena; ptr NULL means nil. */
struct str {
	const char *ptr;
	uint32_t len;
};

enum field {
	F_REF,
	F_TITLE,
	F_TEXT,
	F_JUSTIFICATION,
	F_DECISION_MAKER,
	F_CATEGORY,
	F_COST_PENCE,
	F_COST_TEXT,
	F_COMMENT,
	F_REASON,
	F_RESTRICTION,
	F_RESTRICTION_REASON,
	F_REVIEW_DATE,
	F_ITEM,
	F_RECOMMENDATION,
	F_RESPONSE_DUE,
	F_RESPONSE,
	F_PANEL,
	F_STARTS_AT,
	F_VENUE,
	F_MEETING,
	F_CODE,
	F_SUBJECT,
	F_PERIOD_START,
	F_PERIOD_END,
	F_FROM,
	F_TO,
	F_STATE,
	F_LIMIT,
	F_AFTER,
	F_EXPECT_VERSION,
	F_IDEM,
	F_DECIDED_ON,
	F_PUBLISHED_ON,
	F_NOTED_ON,
	F_RECOMMENDED_ON,
	F_RESPONDED_ON,
	F_SORT,
	F_STATUS,
	F_KIND,
	F_WITHIN,
	F_WITHHELD,
	F_PUBLIC_TEXT,
	F_PUBLIC_JUSTIFICATION,
	F_REFS,
	F_FILE,
	F_SHA256,
	F_DOCUMENT,
	F_MEETING_DATE,
	F_DECISIONS,
	F_DRY_RUN,
	F_LINE,
	F_SOURCE,
	F_FORMAT,
	F_QUERY,
	F_DECIDED_FROM,
	F_DECIDED_TO,
	F_AFTER_SEQ,
	F_SINCE,
	F_TOPICS,
	F_MAX_BYTES,
	F_CURSOR,
	F_SEQ,
	F_THROUGH,
	F_ACK_WAIT,
	F_MAX_DELIVERIES,
	F_DELAY,
	F_RETURNED,
	F_KEY,
	F_PRINCIPAL,
	F_ROLES,
	F_PATH,
	F_FORCE,
	F_COUNT
};

/* A set of fields, one bit each: there are more than 64. */
__extension__ typedef unsigned __int128 fieldset;
#define BIT(f) ((fieldset)1 << (f))

/* How many fields a set holds. */
static inline int fieldset_count(fieldset s)
{
	return __builtin_popcountll((uint64_t)s) + __builtin_popcountll((uint64_t)(s >> 64));
}

/* The lowest field in a set that is not empty. */
static inline int fieldset_first(fieldset s)
{
	uint64_t lo = (uint64_t)s;
	return lo ? __builtin_ctzll(lo) : 64 + __builtin_ctzll((uint64_t)(s >> 64));
}

/* A NUL-terminated string as a str. */
static inline struct str str_c(const char *s)
{
	return (struct str){s, (uint32_t)strlen(s)};
}

struct request {
	int op;               /* OP_*, or -1 before the op is known */
	struct str id;        /* the raw msgpack bytes of `id`; len 0 when absent */
	fieldset present;     /* BIT(field) for each field given */
	struct str s[F_COUNT];   /* string fields */
	int64_t n[F_COUNT];      /* integer fields */
	struct str body[2];   /* the request without `id`, for idempotency */
	char refs[2][REF_BUF]; /* canonical forms of ref and after, when they differ from the bytes sent */
};

/* Wire name of a field. */
const char *request_field_name(int f);

/* How a field's value is held: s[f] text, n[f] integer or boolean, or s[f] raw msgpack (an array). */
enum request_value { RV_STR, RV_INT, RV_BOOL, RV_RAW };
enum request_value request_field_value(int f);

/*
 * Decode the len bytes at buf into req, which points into buf afterwards.
 * Returns 0, or a negative DOCKET_E* code with a message for people in err.
 * req->id is set as soon as it has been read, so that even a refused
 * request's reply can echo it.
 */
int request_decode(struct request *req, const void *buf, size_t len, char *err, size_t errlen);

/*
 * Decode one map inside an array field (an import's decision) into e, with
 * the same field rules, allowing the fields in allowed and needing those
 * in required. raw is a map request_decode has already validated. Returns
 * 0 or -DOCKET_EBADREQ / -DOCKET_ETOOLARGE with a message in err.
 */
int request_decode_entry(struct request *e, struct str raw, fieldset allowed, fieldset required,
			 char *err, size_t errlen);

#endif
