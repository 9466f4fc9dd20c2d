/* Names and descriptions of docket's error codes. */
#include <string.h>

#include "docket/error.h"

static const struct {
	const char *name;
	const char *text;
} errors[DOCKET_EMAX] = {
	[DOCKET_OK] = {"ok", "success"},
	[DOCKET_EBADREQ] = {"bad_request", "malformed or invalid request"},
	[DOCKET_EUNKNOWNOP] = {"unknown_op", "unknown command"},
	[DOCKET_ENOTFOUND] = {"not_found", "not found"},
	[DOCKET_ETRANSITION] = {"invalid_transition", "command not allowed in this state"},
	[DOCKET_ECONFLICT] = {"conflict", "conflicting change"},
	[DOCKET_EFORBIDDEN] = {"forbidden", "role not held by the principal"},
	[DOCKET_ETOOLARGE] = {"too_large", "message or field too large"},
	[DOCKET_EPRECONDITION] = {"precondition", "a condition of the command does not hold"},
	[DOCKET_ESTORAGE] = {"storage", "storage failure"},
	[DOCKET_EINTERNAL] = {"internal", "internal error"},
	[DOCKET_EVERSION] = {"unsupported_version", "unsupported protocol version"},
	[DOCKET_ENOMEM] = {"internal", "out of memory"},
	[DOCKET_EINVAL] = {"internal", "invalid argument"},
	[DOCKET_EUNREACHABLE] = {"internal", "docketd is not reachable"},
	[DOCKET_EPROTO] = {"internal", "protocol error"},
	[DOCKET_ESYS] = {"internal", "system error"},
	[DOCKET_ECONFIG] = {"internal", "invalid configuration"},
	[DOCKET_EINTR] = {"internal", "interrupted"},
	[DOCKET_ETIMEDOUT] = {"internal", "timed out"},
	[DOCKET_EAUTH] = {"internal", "no usable key, or docketd refused it"},
};

static int index_of(int err)
{
	if (err < 0)
		err = -err;
	return err < DOCKET_EMAX ? err : DOCKET_EINTERNAL;
}

const char *docket_strerror(int err)
{
	return errors[index_of(err)].text;
}

const char *docket_error_name(int err)
{
	return errors[index_of(err)].name;
}

int docket_error_from_name(const char *name, unsigned len)
{
	/* Only the codes up to EVERSION are wire codes. */
	for (int i = 1; i <= DOCKET_EVERSION; i++)
		if (strlen(errors[i].name) == len && memcmp(errors[i].name, name, len) == 0)
			return -i;
	return -DOCKET_EINTERNAL;
}
