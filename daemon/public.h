/* What the public may read of a decision: the one place restrictions are applied. */
#ifndef DOCKET_PUBLIC_H
#define DOCKET_PUBLIC_H

#include <msgpack.h>

#include "arena.h"
#include "report.h"
#include "store.h"

/*
 * d as the public may read it, with its strings copied into a (so d may
 * come from a store callback). Under a full restriction the text and
 * justification are left out; under a part restriction they are the
 * published wording. Returns 0 or -DOCKET_ENOMEM.
 */
int public_decision(struct arena *a, const struct decision *d, struct report_decision *out);

/* The register's decision map (PROTOCOL.md section 5): d as the public may read it. */
void public_pack(msgpack_packer *pk, const struct decision *d);

#endif
