/*
 * follow: print each decision the Commissioner endorses, from a seq on, as
 * it happens, and never one twice or out of order, whatever befalls the
 * connection or docketd meanwhile.
 *
 *     follow SEQ [COUNT]
 *
 * SEQ is the first seq wanted ("1": the whole log; "now": only new ones),
 * COUNT how many to print before stopping (default: never stop). docketd's
 * endpoints come from DOCKET_ENDPOINT and DOCKET_EVENTS, else its defaults.
 */
#include <stdio.h>
#include <stdlib.h>

#include <docket/docket.h>

int main(int argc, char **argv)
{
	const char *const prefixes[] = {"decision.endorsed", NULL};
	long count = argc == 3 ? strtol(argv[2], NULL, 10) : 0;
	docket_stream *s = NULL;
	int rc;

	if (argc < 2 || argc > 3 || count < 0) {
		fprintf(stderr, "usage: follow SEQ [COUNT]\n");
		return 2;
	}
	if ((rc = docket_stream_new(&s, NULL, NULL, prefixes, argv[1], 5000)) < 0) {
		fprintf(stderr, "follow: %s\n", docket_strerror(rc));
		return 1;
	}
	for (long n = 0; count == 0 || n < count;) {
		docket_msg *ev = NULL;
		int64_t seq = 0;
		const char *ref = "";

		/* With no timeout, recv returns only with an event or an error. */
		if ((rc = docket_stream_recv(s, &ev, -1)) == -DOCKET_EINTR)
			continue;
		if (rc < 0) {
			fprintf(stderr, "follow: %s\n", docket_strerror(rc));
			break;
		}
		docket_msg_get_int(ev, "seq", &seq);
		docket_msg_get_str(ev, "ref", &ref);
		printf("%lld %s %s\n", (long long)seq, docket_msg_topic(ev), ref);
		fflush(stdout);
		docket_msg_destroy(&ev);
		n++;
	}
	docket_stream_destroy(&s);
	return rc < 0 ? 1 : 0;
}
