/* A meeting's agenda: what the agenda query replies and a meeting reminder carries. */
#ifndef DOCKET_BRIEF_H
#define DOCKET_BRIEF_H

#include <msgpack.h>

#include "reminder.h"

/* Pairs brief_pack writes. */
#define BRIEF_PAIRS 5

/*
 * Write the agenda of m as BRIEF_PAIRS pairs of an open map in pk (which
 * packs into a msgpack_sbuffer): meeting, items, empty_items,
 * responses_due, today (PROTOCOL.md section 4.4). Returns 0,
 * -DOCKET_ESTORAGE or -DOCKET_ENOMEM.
 */
int brief_pack(msgpack_packer *pk, const struct remind_ctx *x, const struct meeting *m);

#endif
