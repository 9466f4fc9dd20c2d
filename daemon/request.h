/* Decoding a command request into fields, against the op and field tables. */
#ifndef DOCKET_REQUEST_H
#define DOCKET_REQUEST_H

#include <stddef.h>
#include <stdint.h>

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
	F_COUNT
};

#define BIT(f) (UINT64_C(1) << (f))

struct request {
	int op;               /* OP_*, or -1 before the op is known */
	struct str id;        /* the raw msgpack bytes of `id`; len 0 when absent */
	uint64_t present;     /* BIT(field) for each field given */
	struct str s[F_COUNT];   /* string fields */
	int64_t n[F_COUNT];      /* integer fields */
	struct str body[2];   /* the request without `id`, for idempotency */
	char refs[2][REF_BUF]; /* canonical forms of ref and after, when they differ from the bytes sent */
};

/* Wire name of a field. */
const char *request_field_name(int f);

/* True when the field holds an integer (cost_pence, item, meeting...). */
int request_field_is_int(int f);

/*
 * Decode the len bytes at buf into req, which points into buf afterwards.
 * Returns 0, or a negative DOCKET_E* code with a message for people in err.
 * req->id is set as soon as it has been read, so that even a refused
 * request's reply can echo it.
 */
int request_decode(struct request *req, const void *buf, size_t len, char *err, size_t errlen);

#endif
