/* The listening sockets systemd passed docketd (socket activation), matched to its endpoints. */
#ifndef DOCKET_ACTIVATION_H
#define DOCKET_ACTIVATION_H

#include <stddef.h>

/*
 * The socket systemd passed for endpoint, read from LISTEN_FDS and
 * LISTEN_FDNAMES at the first call (which clears them): the one named for
 * it ("commands" for what "command", "events" for "event") whatever its
 * address, else one named otherwise whose bound address is the
 * endpoint's. *fd receives it, now the caller's, or -1 when none was
 * passed; *name its name. Returns 0, or -DOCKET_ECONFIG (the socket named
 * for the endpoint is not a listening socket of its transport) or
 * -DOCKET_ESYS, with err set.
 */
int activation_take(const char *endpoint, const char *what, int *fd, const char **name,
		    char *err, size_t errlen);

/*
 * Once every endpoint is bound: 0 when each socket systemd passed went to
 * one. Otherwise those left are closed and -DOCKET_ECONFIG returned, err
 * naming the first, since clients reaching it would wait for nobody.
 */
int activation_leftover(char *err, size_t errlen);

#endif
