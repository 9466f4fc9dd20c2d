/* The log's events in the journal: who changed which decision, to what state, at which seq. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "codec.h"
#include "journal.h"

/* The event map's keys an entry carries, in the order of the fields. */
enum { J_SEQ, J_TYPE, J_ACTOR, J_REF, J_STATE, J_MEETING, J_ITEM, J_REMINDER, J_KEYS };

static const char *const keys[J_KEYS] = {
	"seq", "type", "actor", "ref", "state", "meeting", "item", "reminder",
};
static const char *const names[J_KEYS] = {
	"SEQ",	 "EVENT",   "ACTOR", "DECISION_REF",
	"STATE", "MEETING", "ITEM",  "REMINDER",
};

/* The value of a string or whole-number key, as text in buf; NULL when absent. */
static const char *text_of(const struct codec_value *v, char *buf, size_t size)
{
	if (v->type == CODEC_STR)
		snprintf(buf, size, "%.*s", (int)v->u.s.len, v->u.s.ptr);
	else if (v->type == CODEC_INT)
		snprintf(buf, size, "%" PRId64, v->u.i);
	else if (v->type == CODEC_UINT)
		snprintf(buf, size, "%" PRIu64, v->u.u);
	else
		return NULL;
	return buf;
}

static void journal_one(const void *body, size_t len)
{
	char buf[J_KEYS][128];
	struct log_field f[J_KEYS];
	struct codec_reader r;
	struct codec_value map, key, v;
	for (int k = 0; k < J_KEYS; k++)
		f[k] = (struct log_field){names[k], NULL};
	codec_reader_init(&r, body, len);
	if (codec_read(&r, &map) < 0 || map.type != CODEC_MAP)
		return;
	for (uint32_t i = 0; i < map.u.count; i++) {
		if (codec_read(&r, &key) < 0)
			return;
		int k = 0;
		while (k < J_KEYS && !codec_str_eq(&key, keys[k]))
			k++;
		/* data, ts, version and the hashes are skipped whole: the data is the record's text. */
		if (k == J_KEYS) {
			if (codec_skip(&r) < 0)
				return;
			continue;
		}
		if (codec_read(&r, &v) < 0)
			return;
		f[k].value = text_of(&v, buf[k], sizeof buf[k]);
	}
	char what[160] = "";
	if (f[J_REF].value)
		snprintf(what, sizeof what, " %s", f[J_REF].value);
	else if (f[J_ITEM].value)
		snprintf(what, sizeof what, " item %s", f[J_ITEM].value);
	else if (f[J_MEETING].value)
		snprintf(what, sizeof what, " meeting %s", f[J_MEETING].value);
	log_entry(LOG_DEBUG, JOURNAL_CHANGE, f, J_KEYS, "seq %s: %s%s by %s%s%s%s",
		  f[J_SEQ].value ? f[J_SEQ].value : "?", f[J_TYPE].value ? f[J_TYPE].value : "?",
		  what, f[J_ACTOR].value ? f[J_ACTOR].value : "docketd",
		  f[J_STATE].value ? " (" : "", f[J_STATE].value ? f[J_STATE].value : "",
		  f[J_STATE].value ? ")" : "");
}

void journal_changes(const struct outbox *o)
{
	if (log_level() < LOG_DEBUG)
		return;
	for (size_t i = 0; i < o->n; i++)
		journal_one(o->buf.data + o->ev[i].off, o->ev[i].len);
}
