/* Replies and events: validated msgpack decoded into a tree, read by dotted paths. */
#include <stdlib.h>
#include <string.h>

#include "libdocket.h"

/* Bytes of decoded data a validated buffer needs: its nodes, then its strings. */
struct sizes {
	size_t nodes;
	size_t bytes;
};

/*
 * Every value of a valid buffer is one header in sequence, so one flat pass
 * counts them all; no declared count is trusted, only headers actually read.
 */
static int measure(const void *buf, size_t len, struct sizes *sz)
{
	struct codec_reader rd;
	codec_reader_init(&rd, buf, len);
	sz->nodes = sz->bytes = 0;
	while (rd.p < rd.end) {
		struct codec_value v;
		if (codec_read(&rd, &v) < 0)
			return -DOCKET_EPROTO;
		sz->nodes++;
		if (v.type == CODEC_STR || v.type == CODEC_BIN || v.type == CODEC_EXT)
			sz->bytes += (size_t)v.u.s.len + 1;
	}
	return 0;
}

struct pool {
	struct msg_node *node;
	char *byte;
};

/* Decode one value into n. Recursion is bounded by the validated depth (8). */
static int fill(struct codec_reader *rd, struct msg_node *n, struct pool *pool)
{
	struct codec_value v;
	if (codec_read(rd, &v) < 0)
		return -DOCKET_EPROTO;
	memset(n, 0, sizeof *n);
	n->type = (uint8_t)v.type;
	switch (v.type) {
	case CODEC_NIL:
		break;
	case CODEC_BOOL:
		n->u.b = v.u.b;
		break;
	case CODEC_INT:
		n->u.i = v.u.i;
		break;
	case CODEC_UINT:
		n->u.u = v.u.u;
		break;
	case CODEC_FLOAT:
		n->u.f = v.u.f;
		break;
	case CODEC_STR:
	case CODEC_BIN:
	case CODEC_EXT:
		n->len = v.u.s.len;
		n->ext_type = v.type == CODEC_EXT ? v.u.s.ext_type : 0;
		if (v.u.s.len)
			memcpy(pool->byte, v.u.s.ptr, v.u.s.len);
		pool->byte[v.u.s.len] = '\0';
		n->u.s = pool->byte;
		pool->byte += (size_t)v.u.s.len + 1;
		break;
	case CODEC_ARRAY:
	case CODEC_MAP: {
		size_t kids = v.type == CODEC_MAP ? 2 * (size_t)v.u.count : v.u.count;
		n->len = v.u.count;
		n->u.kids = pool->node;
		pool->node += kids;
		for (size_t i = 0; i < kids; i++) {
			int rc = fill(rd, &n->u.kids[i], pool);
			if (rc < 0)
				return rc;
		}
		break;
	}
	}
	return 0;
}

int msg_decode(const void *buf, size_t len, docket_msg **out)
{
	int rc = -DOCKET_EPROTO;
	docket_msg *m = NULL;
	struct sizes sz;

	*out = NULL;
	if (!buf || len == 0 || codec_validate(buf, len, &codec_reply_limits) < 0)
		goto out;
	if ((rc = measure(buf, len, &sz)) < 0)
		goto out;
	rc = -DOCKET_ENOMEM;
	if (!(m = calloc(1, sizeof *m)))
		goto out;
	/* Nodes first so that they stay aligned; the strings follow. */
	if (!(m->block = malloc(sz.nodes * sizeof(struct msg_node) + sz.bytes + 1)))
		goto out;
	struct pool pool = {m->block, (char *)m->block + sz.nodes * sizeof(struct msg_node)};
	struct codec_reader rd;
	codec_reader_init(&rd, buf, len);
	m->root = pool.node++;
	if ((rc = fill(&rd, m->root, &pool)) < 0)
		goto out;
	*out = m;
	m = NULL;
	rc = 0;
out:
	docket_msg_destroy(&m);
	return rc;
}

int msg_set_topic(docket_msg *m, const char *topic, size_t len)
{
	/* A topic is handed out as a C string: an embedded NUL would cut it silently. */
	if (len == 0 || memchr(topic, '\0', len))
		return -DOCKET_EPROTO;
	char *t = malloc(len + 1);
	if (!t)
		return -DOCKET_ENOMEM;
	memcpy(t, topic, len);
	t[len] = '\0';
	free(m->topic);
	m->topic = t;
	return 0;
}

void docket_msg_destroy(docket_msg **m)
{
	if (!m || !*m)
		return;
	free((*m)->block);
	free((*m)->topic);
	free(*m);
	*m = NULL;
}

/* Parse a path segment as a decimal integer; false when it is not one. */
static bool segment_int(const char *s, size_t n, int64_t *out)
{
	size_t i = 0;
	bool neg = n > 0 && s[0] == '-';
	if (neg)
		i++;
	if (i == n || n - i > 18)
		return false;
	int64_t v = 0;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = neg ? -v : v;
	return true;
}

static bool key_matches(const struct msg_node *key, const char *s, size_t n)
{
	int64_t i;
	if (key->type == CODEC_STR)
		return key->len == n && memcmp(key->u.s, s, n) == 0;
	if (key->type == CODEC_INT)
		return segment_int(s, n, &i) && i == key->u.i;
	return false;
}

static const struct msg_node *child(const struct msg_node *n, const char *s, size_t len)
{
	int64_t i;
	if (n->type == CODEC_ARRAY) {
		if (s[0] == '-' || !segment_int(s, len, &i) || (uint64_t)i >= n->len)
			return NULL;
		return &n->u.kids[i];
	}
	if (n->type == CODEC_MAP) {
		/* The last of duplicate keys wins, as it does in the JSON form. */
		const struct msg_node *found = NULL;
		for (uint32_t k = 0; k < n->len; k++)
			if (key_matches(&n->u.kids[2 * k], s, len))
				found = &n->u.kids[2 * k + 1];
		return found;
	}
	return NULL;
}

const struct msg_node *msg_find(const docket_msg *m, const char *path)
{
	if (!m || !m->root)
		return NULL;
	const struct msg_node *n = m->root;
	if (!path || !*path)
		return n;
	for (;;) {
		const char *dot = strchr(path, '.');
		size_t len = dot ? (size_t)(dot - path) : strlen(path);
		if (len == 0 || !(n = child(n, path, len)))
			return NULL;
		if (!dot)
			return n;
		path = dot + 1;
	}
}

int docket_msg_get_str(const docket_msg *m, const char *path, const char **out)
{
	const struct msg_node *n = msg_find(m, path);
	if (!out)
		return -DOCKET_EINVAL;
	if (!n || n->type == CODEC_NIL)
		return -DOCKET_ENOTFOUND;
	if (n->type != CODEC_STR)
		return -DOCKET_EINVAL;
	*out = n->u.s;
	return 0;
}

int docket_msg_get_int(const docket_msg *m, const char *path, int64_t *out)
{
	const struct msg_node *n = msg_find(m, path);
	if (!out)
		return -DOCKET_EINVAL;
	if (!n || n->type == CODEC_NIL)
		return -DOCKET_ENOTFOUND;
	/* CODEC_UINT is beyond int64_t, so it cannot be returned either. */
	if (n->type != CODEC_INT)
		return -DOCKET_EINVAL;
	*out = n->u.i;
	return 0;
}

size_t docket_msg_count(const docket_msg *m, const char *path)
{
	const struct msg_node *n = msg_find(m, path);
	return n && (n->type == CODEC_ARRAY || n->type == CODEC_MAP) ? n->len : 0;
}

int docket_msg_ok(const docket_msg *m)
{
	if (!m || m->topic)
		return 0;
	const struct msg_node *n = msg_find(m, "ok");
	return n && n->type == CODEC_BOOL && n->u.b;
}

static const char *error_field(const docket_msg *m, const char *path)
{
	const struct msg_node *ok = msg_find(m, "ok");
	if (!m || m->topic || !ok || ok->type != CODEC_BOOL || ok->u.b)
		return NULL;
	const char *s = NULL;
	return docket_msg_get_str(m, path, &s) == 0 ? s : NULL;
}

const char *docket_msg_error_code(const docket_msg *m)
{
	return error_field(m, "error.code");
}

const char *docket_msg_error_message(const docket_msg *m)
{
	return error_field(m, "error.message");
}

const char *docket_msg_topic(const docket_msg *m)
{
	return m ? m->topic : NULL;
}

/* Count the nodes and string bytes under n, n included. */
static void tally(const struct msg_node *n, struct sizes *sz)
{
	sz->nodes++;
	if (n->type == CODEC_STR || n->type == CODEC_BIN || n->type == CODEC_EXT)
		sz->bytes += (size_t)n->len + 1;
	if (n->type == CODEC_ARRAY || n->type == CODEC_MAP) {
		size_t kids = n->type == CODEC_MAP ? 2 * (size_t)n->len : n->len;
		for (size_t i = 0; i < kids; i++)
			tally(&n->u.kids[i], sz);
	}
}

/* Copy n into to, taking room from pool as fill does. */
static void copy(const struct msg_node *n, struct msg_node *to, struct pool *pool)
{
	*to = *n;
	if (n->type == CODEC_STR || n->type == CODEC_BIN || n->type == CODEC_EXT) {
		memcpy(pool->byte, n->u.s, (size_t)n->len + 1);
		to->u.s = pool->byte;
		pool->byte += (size_t)n->len + 1;
	} else if (n->type == CODEC_ARRAY || n->type == CODEC_MAP) {
		size_t kids = n->type == CODEC_MAP ? 2 * (size_t)n->len : n->len;
		to->u.kids = pool->node;
		pool->node += kids;
		for (size_t i = 0; i < kids; i++)
			copy(&n->u.kids[i], &to->u.kids[i], pool);
	}
}

int msg_event(const struct msg_node *node, docket_msg **out)
{
	int rc = -DOCKET_EPROTO;
	docket_msg *m = NULL;
	struct sizes sz = {0, 0};
	const char *type;

	*out = NULL;
	if (!node || node->type != CODEC_MAP)
		goto out;
	tally(node, &sz);
	rc = -DOCKET_ENOMEM;
	if (!(m = calloc(1, sizeof *m)) ||
	    !(m->block = malloc(sz.nodes * sizeof(struct msg_node) + sz.bytes + 1)))
		goto out;
	struct pool pool = {m->block, (char *)m->block + sz.nodes * sizeof(struct msg_node)};
	m->root = pool.node++;
	copy(node, m->root, &pool);
	rc = -DOCKET_EPROTO;
	if (docket_msg_get_str(m, "type", &type) < 0)
		goto out;
	if ((rc = msg_set_topic(m, type, strlen(type))) < 0)
		goto out;
	*out = m;
	m = NULL;
out:
	docket_msg_destroy(&m);
	return rc;
}

int64_t msg_node_int(const struct msg_node *node, const char *key)
{
	const struct msg_node *v;
	if (!node || node->type != CODEC_MAP || !(v = child(node, key, strlen(key))))
		return -1;
	return v->type == CODEC_INT ? v->u.i : -1;
}
