/* A request under construction: its op and keys, packed as msgpack on sending. */
#include <stdlib.h>
#include <string.h>

#include "libdocket.h"

enum field_kind { VAL_INT, VAL_STR, VAL_BOOL, VAL_ARRAY };

/* One element of an array value: a string or a map. */
struct element {
	char *str;
	docket_request *map;
};

struct field {
	char *key;
	enum field_kind kind;
	char *str;
	int64_t i;               /* VAL_INT, VAL_BOOL */
	struct element *elems;   /* VAL_ARRAY */
	size_t nelems, capelems;
};

struct docket_request {
	char *op;                /* NULL for a map inside an array */
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

/* Free what a field's value holds, leaving it an integer 0. */
static void clear_value(struct field *f)
{
	free(f->str);
	f->str = NULL;
	for (size_t i = 0; i < f->nelems; i++) {
		free(f->elems[i].str);
		docket_request_destroy(&f->elems[i].map);
	}
	free(f->elems);
	f->elems = NULL;
	f->nelems = f->capelems = 0;
	f->kind = VAL_INT;
	f->i = 0;
}

void docket_request_destroy(docket_request **r)
{
	if (!r || !*r)
		return;
	for (size_t i = 0; i < (*r)->count; i++) {
		free((*r)->fields[i].key);
		clear_value(&(*r)->fields[i]);
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
	memset(f, 0, sizeof *f);
	f->key = strdup(key);
	if (!f->key)
		return -DOCKET_ENOMEM;
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
	clear_value(f);
	f->kind = VAL_STR;
	f->str = copy;
	return 0;
}

int docket_request_set_int(docket_request *r, const char *key, int64_t value)
{
	struct field *f;
	int rc = slot(r, key, &f);
	if (rc < 0)
		return rc;
	clear_value(f);
	f->i = value;
	return 0;
}

int docket_request_set_bool(docket_request *r, const char *key, int value)
{
	struct field *f;
	int rc = slot(r, key, &f);
	if (rc < 0)
		return rc;
	clear_value(f);
	f->kind = VAL_BOOL;
	f->i = value != 0;
	return 0;
}

/* A new, empty element at the end of key's array (made empty when key held something else). */
static int append(docket_request *r, const char *key, struct element **out)
{
	struct field *f;
	int rc = slot(r, key, &f);
	if (rc < 0)
		return rc;
	if (f->kind != VAL_ARRAY) {
		clear_value(f);
		f->kind = VAL_ARRAY;
	}
	if (f->nelems == f->capelems) {
		size_t cap = f->capelems ? 2 * f->capelems : 8;
		struct element *grown = realloc(f->elems, cap * sizeof *grown);
		if (!grown)
			return -DOCKET_ENOMEM;
		f->elems = grown;
		f->capelems = cap;
	}
	*out = &f->elems[f->nelems++];
	**out = (struct element){NULL, NULL};
	return 0;
}

int docket_request_append_str(docket_request *r, const char *key, const char *value)
{
	if (!value)
		return -DOCKET_EINVAL;
	char *copy = strdup(value);
	if (!copy)
		return -DOCKET_ENOMEM;
	struct element *e;
	int rc = append(r, key, &e);
	if (rc < 0) {
		free(copy);
		return rc;
	}
	e->str = copy;
	return 0;
}

int docket_request_append_map(docket_request *r, const char *key, docket_request **entry)
{
	if (!entry)
		return -DOCKET_EINVAL;
	*entry = NULL;
	docket_request *map = calloc(1, sizeof *map);
	if (!map)
		return -DOCKET_ENOMEM;
	struct element *e;
	int rc = append(r, key, &e);
	if (rc < 0) {
		free(map);
		return rc;
	}
	e->map = map;
	*entry = map;
	return 0;
}

static int pack_cstr(msgpack_packer *pk, const char *s)
{
	size_t n = strlen(s);
	if (msgpack_pack_str(pk, n) < 0 || msgpack_pack_str_body(pk, s, n) < 0)
		return -DOCKET_ENOMEM;
	return 0;
}

static int pack_fields(msgpack_packer *pk, const docket_request *r);

static int pack_value(msgpack_packer *pk, const struct field *f)
{
	switch (f->kind) {
	case VAL_STR:
		return pack_cstr(pk, f->str);
	case VAL_BOOL:
		return (f->i ? msgpack_pack_true(pk) : msgpack_pack_false(pk)) < 0 ? -DOCKET_ENOMEM : 0;
	case VAL_ARRAY:
		if (msgpack_pack_array(pk, f->nelems) < 0)
			return -DOCKET_ENOMEM;
		for (size_t i = 0; i < f->nelems; i++) {
			const struct element *e = &f->elems[i];
			int rc = e->str ? pack_cstr(pk, e->str)
				 : msgpack_pack_map(pk, e->map->count) < 0 ? -DOCKET_ENOMEM
									    : pack_fields(pk, e->map);
			if (rc < 0)
				return rc;
		}
		return 0;
	case VAL_INT:
		break;
	}
	return msgpack_pack_int64(pk, f->i) < 0 ? -DOCKET_ENOMEM : 0;
}

static int pack_fields(msgpack_packer *pk, const docket_request *r)
{
	for (size_t i = 0; i < r->count; i++) {
		const struct field *f = &r->fields[i];
		if (pack_cstr(pk, f->key) < 0 || pack_value(pk, f) < 0)
			return -DOCKET_ENOMEM;
	}
	return 0;
}

int request_pack(const docket_request *r, uint64_t id, msgpack_sbuffer *sb)
{
	msgpack_packer pk;
	msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);

	/* msgpack's sbuffer only fails to grow, so every failure is out of memory. */
	if (!r->op || msgpack_pack_map(&pk, 3 + r->count) < 0 || pack_cstr(&pk, "v") < 0 ||
	    msgpack_pack_int(&pk, 1) < 0 || pack_cstr(&pk, "op") < 0 || pack_cstr(&pk, r->op) < 0 ||
	    pack_cstr(&pk, "id") < 0 || msgpack_pack_uint64(&pk, id) < 0)
		return -DOCKET_ENOMEM;
	return pack_fields(&pk, r);
}
