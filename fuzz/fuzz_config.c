/*
 * Harness for docketd's configuration: config_read on an INI file (through
 * inih) over the embedded defaults, then config_check, as main.c does at
 * start and on SIGHUP (there are no drop-ins beside it). The file is a memfd
 * (memfile.c).
 */
#include <string.h>

#include "config.h"
#include "docket/error.h"
#include "fuzz.h"
#include "memfile.h"
#include "proto.h"

/* A text setting stays a C string within its array. */
#define TERMINATED(a) (memchr((a), '\0', sizeof(a)) != NULL)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config c;
	struct config_report r;

	const char *path = memfile_put(data, size);
	int rc = config_read(&c, path, NULL, 0, &r);
	for (int i = 0; i < r.nerr && i < CONFIG_MAX_ERRORS; i++)
		FUZZ_CHECK(TERMINATED(r.err[i]) && r.err[i][0]);
	int nerr = r.nerr;
	config_report_free(&r);
	if (rc < 0) {
		FUZZ_CHECK(rc == -DOCKET_ECONFIG && nerr > 0);
		return 0;
	}
	FUZZ_CHECK(rc == 0 && nerr == 0);
	FUZZ_CHECK(TERMINATED(c.state_dir) && TERMINATED(c.listen) && TERMINATED(c.publish));
	FUZZ_CHECK(TERMINATED(c.server_key) && TERMINATED(c.ipc_group) && TERMINATED(c.principal));
	FUZZ_CHECK(TERMINATED(c.timezone) && TERMINATED(c.import_reference));
	FUZZ_CHECK(strstr(c.import_reference, "{hash}"));
	FUZZ_CHECK(c.remind_minute >= 0 && c.remind_minute < 24 * 60);
	FUZZ_CHECK(c.import_minute >= 0 && c.import_minute < 24 * 60);
	FUZZ_CHECK((c.roles & ~(unsigned)ROLE_ALL) == 0);
	for (int k = 0; k < REMIND_KINDS; k++) {
		const struct remind_days *d = &c.remind[k];
		FUZZ_CHECK(d->n >= 0 && d->n <= CONFIG_MAX_DAYS);
		/* Largest first, each once: the planner relies on the order. */
		for (int i = 0; i < d->n; i++)
			FUZZ_CHECK(d->days[i] >= 0 && d->days[i] <= 365 &&
			           (i == 0 || d->days[i - 1] > d->days[i]));
	}
	/* config_read ran config_check: what it let through passes it. */
	char err[512];
	FUZZ_CHECK(config_check(&c, err, sizeof err) == 0);
	FUZZ_CHECK(config_event_queue(&c) >= 0);
	return 0;
}
