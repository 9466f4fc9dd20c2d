/* A program of libdocket's users, built against an installed tree by tests/package. */
#include <docket/docket.h>
#include <stdio.h>

int main(void)
{
	docket_request *r = NULL;

	if (docket_request_new(&r, "get") != 0 || docket_request_set_str(r, "ref", "35 - 2015") != 0 ||
	    docket_request_append_str(r, "topics", "decision.") != 0)
		return 1;
	/* The envelope's keys are the library's own. */
	if (docket_request_set_str(r, "op", "draft") != -DOCKET_EINVAL)
		return 2;
	docket_request_destroy(&r);
	if (r)
		return 3;
	printf("%s\n", docket_version());
	return 0;
}
