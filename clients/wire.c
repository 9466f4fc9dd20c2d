/* Waiting for and reading whole ZeroMQ messages against a deadline. */
#include <errno.h>
#include <time.h>

#include "libdocket.h"

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t wire_deadline(int timeout_ms)
{
	return timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
}

int wire_remaining(int64_t deadline)
{
	if (deadline < 0)
		return -1;
	int64_t left = deadline - now_ms();
	return left < 0 ? 0 : left > INT32_MAX ? INT32_MAX : (int)left;
}

int wire_poll(void *sock, int64_t deadline)
{
	zmq_pollitem_t item = {.socket = sock, .events = ZMQ_POLLIN};
	int n = zmq_poll(&item, 1, wire_remaining(deadline));
	if (n < 0)
		return errno == EINTR ? -DOCKET_EINTR : -DOCKET_ESYS;
	return n == 0 ? -DOCKET_ETIMEDOUT : 0;
}

int wire_recv(void *sock, zmq_msg_t f[2], int *nf, int *parts)
{
	*nf = *parts = 0;
	for (;;) {
		/* Parts past the second are read only to be dropped, so the next message starts
		 * clean. */
		zmq_msg_t scratch, *part = *nf < 2 ? &f[*nf] : &scratch;
		zmq_msg_init(part);
		/* Callers poll first, yet a first part may still be spurious: do not block on it.
		 */
		if (zmq_msg_recv(part, sock, *parts == 0 ? ZMQ_DONTWAIT : 0) < 0) {
			int e = errno;
			zmq_msg_close(part);
			if (e == EINTR)
				continue;
			wire_close(f, *nf);
			*nf = 0;
			return e == EAGAIN && *parts == 0 ? -DOCKET_ETIMEDOUT : -DOCKET_ESYS;
		}
		(*parts)++;
		int more = zmq_msg_more(part);
		if (part == &scratch)
			zmq_msg_close(part);
		else
			(*nf)++;
		if (!more)
			return 0;
	}
}

void wire_close(zmq_msg_t f[2], int nf)
{
	for (int i = 0; i < nf; i++)
		zmq_msg_close(&f[i]);
}

int wire_socket(void **ctx, void **sock, int type)
{
	int zero = 0, one = 1;
	int64_t max = LIBDOCKET_MAX_FRAME;

	if (!(*ctx = zmq_ctx_new()) || !(*sock = zmq_socket(*ctx, type)))
		return -DOCKET_ESYS;
	/* LINGER 0: closing never waits for docketd. MAXMSGSIZE bounds what a peer can make us
	 * hold. */
	if (zmq_setsockopt(*sock, ZMQ_LINGER, &zero, sizeof zero) < 0 ||
	    zmq_setsockopt(*sock, ZMQ_IPV6, &one, sizeof one) < 0 ||
	    zmq_setsockopt(*sock, ZMQ_MAXMSGSIZE, &max, sizeof max) < 0)
		return -DOCKET_ESYS;
	return 0;
}

int wire_connect(void *sock, const char *endpoint)
{
	if (zmq_connect(sock, endpoint) == 0)
		return 0;
	return errno == EINVAL || errno == EPROTONOSUPPORT || errno == ENOCOMPATPROTO
	           ? -DOCKET_EINVAL
	           : -DOCKET_ESYS;
}

void wire_destroy(void **ctx, void **sock)
{
	if (*sock)
		zmq_close(*sock);
	if (*ctx)
		zmq_ctx_term(*ctx);
	*sock = *ctx = NULL;
}
