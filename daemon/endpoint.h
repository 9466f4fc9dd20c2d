/* Binding docketd's endpoints: tcp only with CURVE, ipc guarded by its socket file. */
#ifndef DOCKET_ENDPOINT_H
#define DOCKET_ENDPOINT_H

#include <stddef.h>
#include <sys/types.h>

#include "keyfile.h"
#include "zap.h"

/*
 * Whether docketd can serve endpoint, before anything is bound: tcp://
 * ADDRESS:PORT (when libzmq has CURVE) or ipc://PATH, PATH short enough
 * for a socket. Returns 0, or -DOCKET_ECONFIG with err set; what
 * ("command", "event") names the endpoint in it.
 */
int endpoint_check(const char *endpoint, const char *what, char *err, size_t errlen);

/*
 * Bind sock to endpoint. A tcp:// endpoint is served with CURVE only, as
 * server, in ZAP domain tcp_domain; an ipc:// one without, in the local
 * domain, its socket file given mode 0660 and group (unless (gid_t)-1).
 * Other transports are refused. When systemd passed a listening socket
 * for the endpoint (activation_take), libzmq serves that one instead of
 * binding its own, with the same security. Returns 0, or
 * -DOCKET_EUNREACHABLE (in use, cannot bind; errno set), -DOCKET_ECONFIG
 * or -DOCKET_ESYS, with err set.
 */
int endpoint_bind(void *sock, const char *endpoint, const char *tcp_domain,
		  const struct keypair *server, gid_t group, const char *what, char *err,
		  size_t errlen);

/*
 * When sock (a ROUTER or an XPUB) is bound to tcp, connect to it with a
 * key docketd does not know and check that it is refused, answering the
 * ZAP requests on z meanwhile (the loop is not running yet). Returns 0,
 * or -DOCKET_ECONFIG with err set when the stranger got in or no answer
 * came.
 */
int endpoint_selftest(void *zctx, void *sock, int type, const struct keypair *server,
		      struct zap *z, const char *what, char *err, size_t errlen);

#endif
