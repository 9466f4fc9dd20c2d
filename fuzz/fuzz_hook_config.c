/*
 * Harness for docket-hook's configuration: hook_config_load on an INI file
 * (inih, through the hook's own line reader), then hook_config_free, which
 * must release everything after a failure as after a success.
 */
#include <string.h>

#include "docket/error.h"
#include "fuzz.h"
#include "hook.h"
#include "memfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hook_config c;
	char err[512];

	const char *path = memfile_put(data, size);
	err[0] = '\0';
	int rc = hook_config_load(&c, path, err, sizeof err);
	FUZZ_CHECK(memchr(err, '\0', sizeof err) != NULL);
	FUZZ_CHECK(rc == 0 || ((rc == -DOCKET_ECONFIG || rc == -DOCKET_ENOMEM) && err[0]));
	for (size_t i = 0; rc == 0 && i < c.ntargets; i++) {
		const struct hook_target *t = &c.targets[i];
		/* What delivery relies on: a named target on its own cursor, with where to send. */
		FUZZ_CHECK(t->name[0] && memchr(t->cursor, '\0', sizeof t->cursor));
		FUZZ_CHECK(t->attempts >= 1 && t->attempts <= 1000);
		FUZZ_CHECK(t->backoff_initial <= t->backoff_max && t->timeout > 0);
		if (t->kind == HOOK_WEBHOOK)
			FUZZ_CHECK(t->url && t->keylen >= HOOK_KEY_MIN &&
			           t->keylen <= HOOK_KEY_MAX);
		else
			FUZZ_CHECK(t->smtp && t->from && t->to[0]);
		for (size_t j = 0; j < i; j++)
			FUZZ_CHECK(strcmp(c.targets[j].cursor, t->cursor) != 0);
	}
	FUZZ_CHECK(rc < 0 || c.ntargets > 0);
	hook_config_free(&c);
	return 0;
}
