/* Private declarations shared by libdocket's files; never installed. */
#ifndef DOCKET_LIBDOCKET_H
#define DOCKET_LIBDOCKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <msgpack.h>
#include <zmq.h>

#include "codec.h"
#include "docket/docket.h"

/*
 * Largest frame libdocket accepts from docketd (ZMQ_MAXMSGSIZE on its
 * sockets). Larger than the 4 MiB of a request because replies such as
 * history or meetings can legitimately be bigger; it bounds what a decoded
 * message can cost in memory.
 */
#define LIBDOCKET_MAX_FRAME (16 * 1024 * 1024)

/*
 * One decoded msgpack value. Strings, bin and ext bodies are copied and
 * NUL-terminated; a map's kids alternate key, value.
 */
struct msg_node {
	uint8_t type;    /* enum codec_type */
	int8_t ext_type; /* CODEC_EXT only */
	uint32_t len;    /* bytes of STR/BIN/EXT, elements of ARRAY, pairs of MAP */
	union {
		bool b;
		int64_t i;
		uint64_t u;
		double f;
		const char *s;         /* STR, BIN, EXT */
		struct msg_node *kids; /* ARRAY: len nodes; MAP: 2 * len nodes */
	} u;
};

struct docket_msg {
	struct msg_node *root;
	char *topic; /* events only */
	void *block; /* one allocation holding every node and string */
};

/*
 * Validate buf with codec_validate(codec_default_limits) and decode it into
 * a new message. Nothing is allocated before validation succeeds, and then
 * only in proportion to len. Returns 0, -DOCKET_EPROTO (malformed or over
 * a limit) or -DOCKET_ENOMEM; on success the caller owns *out.
 */
int msg_decode(const void *buf, size_t len, docket_msg **out);

/* Give an event its topic (len bytes, copied). Returns 0, -DOCKET_EPROTO or -DOCKET_ENOMEM. */
int msg_set_topic(docket_msg *m, const char *topic, size_t len);

/* The node at a dotted path (NULL or "" is the root), or NULL when there is none. */
const struct msg_node *msg_find(const docket_msg *m, const char *path);

/* Append r as a request map with v = 1, op and id to sb. Returns 0 or -DOCKET_ENOMEM. */
int request_pack(const docket_request *r, uint64_t id, msgpack_sbuffer *sb);

/* An absolute deadline timeout_ms from now; -1 (none) for a negative timeout. */
int64_t wire_deadline(int timeout_ms);

/* Milliseconds left until deadline for zmq_poll: 0 when past, -1 for none. */
int wire_remaining(int64_t deadline);

/* Wait until sock can be read. Returns 0, -DOCKET_ETIMEDOUT, -DOCKET_EINTR or -DOCKET_ESYS. */
int wire_poll(void *sock, int64_t deadline);

/*
 * Receive one whole message from sock without blocking on its first frame,
 * keeping its first two frames in f (*nf of them; close with wire_close)
 * and counting all of them in *parts. Returns 0, -DOCKET_ETIMEDOUT when no
 * message was waiting, or -DOCKET_ESYS (then nothing is kept).
 */
int wire_recv(void *sock, zmq_msg_t f[2], int *nf, int *parts);
void wire_close(zmq_msg_t f[2], int nf);

/*
 * A new context and socket of type with libdocket's options (LINGER 0,
 * IPv6, MAXMSGSIZE). Returns 0 or -DOCKET_ESYS; on failure whatever was
 * made is left in *ctx and *sock for wire_destroy.
 */
int wire_socket(void **ctx, void **sock, int type);

/* Connect sock. Returns 0, -DOCKET_EINVAL (malformed endpoint) or -DOCKET_ESYS. */
int wire_connect(void *sock, const char *endpoint);

/* Close the socket and end the context; NULL-safe; clears both. */
void wire_destroy(void **ctx, void **sock);

#endif
