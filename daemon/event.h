/* Writing an event: its map into the outbox, then the log. */
#ifndef DOCKET_EVENT_H
#define DOCKET_EVENT_H

#include <msgpack.h>

#include "outbox.h"
#include "store.h"

/*
 * Start an event map in o->buf with seq (the store's next), type, ts and
 * actor; pairs more pairs must follow, written with pk. Returns the
 * offset where the map starts, for event_end.
 */
size_t event_begin(struct store *s, struct outbox *o, msgpack_packer *pk, const char *type,
		   const char *ts, struct str actor, size_t pairs);

/*
 * Append the event written since start to the log (with meta's ref,
 * meeting and item columns) and to the outbox under its type. Returns 0,
 * -DOCKET_ESTORAGE or -DOCKET_ENOMEM.
 */
int event_end(struct store *s, struct outbox *o, size_t start, struct event *meta);

#endif
