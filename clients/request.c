/* A request under construction: its op and keys, packed as msgpack on sending. */
#include <stdlib.h>
#include <string.h>

#include "libdocket.h"

struct field {
	char *key;
	char *str; /* NULL for an integer */
	int64_t i;
};

struct docket_request {
	char *op;
	struct field *fields;
	size_t count;
	size_t cap;
};

int docket_request_new(docket_request **out, const char *op)
{
	if (!out)
		return -DOCKET_EINVAL;
	*out = NULL;
	if (!op || !*op)
		return -DOCKET_EINVAL;
	docket_request *r = calloc(1, sizeof *r);
	if (!r)
		return -DOCKET_ENOMEM;
	r->op = strdup(op);
	if (!r->op) {
		free(r);
		return -DOCKET_ENOMEM;
	}
	*out = r;
	return 0;
}

void docket_request_destroy(docket_request **r)
{
	if (!r || !*r)
		return;
	for (size_t i = 0; i < (*r)->count; i++) {
		free((*r)->fields[i].key);
		free((*r)->fields[i].str);
	}
	free((*r)->fields);
	free((*r)->op);
	free(*r);
	*r = NULL;
}

/* The slot for key: the existing one, or a new one with its key copied. */
static int slot(docket_request *r, const char *key, struct field **out)
{
	if (!r || !key || !*key)
		return -DOCKET_EINVAL;
	/* The envelope keys are the library's: a caller setting them would break id matching. */
	if (!strcmp(key, "v") || !strcmp(key, "op") || !strcmp(key, "id"))
		return -DOCKET_EINVAL;
	for (size_t i = 0; i < r->count; i++) {
		if (!strcmp(r->fields[i].key, key)) {
			*out = &r->fields[i];
			return 0;
		}
	}
	if (r->count == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 8;
		struct field *f = realloc(r->fields, cap * sizeof *f);
		if (!f)
			return -DOCKET_ENOMEM;
		r->fields = f;
		r->cap = cap;
	}
	struct field *f = &r->fields[r->count];
	f->key = strdup(key);
	if (!f->key)
		return -DOCKET_ENOMEM;
	f->str = NULL;
	f->i = 0;
	r->count++;
	*out = f;
	return 0;
}

int docket_request_set_str(docket_request *r, const char *key, const char *value)
{
	if (!value)
		return -DOCKET_EINVAL;
	/* Copy first so that a failure leaves an existing value in place. */
	char *copy = strdup(value);
	if (!copy)
		return -DOCKET_ENOMEM;
	struct field *f;
	int rc = slot(r, key, &f);
	if (rc < 0) {
		free(copy);
		return rc;
	}
	free(f->str);
	f->str = copy;
	return 0;
}

int docket_request_set_int(docket_request *r, const char *key, int64_t value)
{
	struct field *f;
	int rc = slot(r, key, &f);
	if (rc < 0)
		return rc;
	free(f->str);
	f->str = NULL;
	f->i = value;
	return 0;
}

static int pack_cstr(msgpack_packer *pk, const char *s)
{
	size_t n = strlen(s);
	if (msgpack_pack_str(pk, n) < 0 || msgpack_pack_str_body(pk, s, n) < 0)
		return -DOCKET_ENOMEM;
	return 0;
}

int request_pack(const docket_request *r, uint64_t id, msgpack_sbuffer *sb)
{
	msgpack_packer pk;
	msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);

	/* msgpack's sbuffer only fails to grow, so every failure is out of memory. */
	if (msgpack_pack_map(&pk, 3 + r->count) < 0 || pack_cstr(&pk, "v") < 0 ||
	    msgpack_pack_int(&pk, 1) < 0 || pack_cstr(&pk, "op") < 0 || pack_cstr(&pk, r->op) < 0 ||
	    pack_cstr(&pk, "id") < 0 || msgpack_pack_uint64(&pk, id) < 0)
		return -DOCKET_ENOMEM;
	for (size_t i = 0; i < r->count; i++) {
		const struct field *f = &r->fields[i];
		if (pack_cstr(&pk, f->key) < 0)
			return -DOCKET_ENOMEM;
		if (f->str ? pack_cstr(&pk, f->str) < 0 : msgpack_pack_int64(&pk, f->i) < 0)
			return -DOCKET_ENOMEM;
	}
	return 0;
}
