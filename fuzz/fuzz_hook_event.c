/*
 * Harness for what docket-hook makes of an event: the msgpack map a cursor
 * hands out (msg_decode, then msg_event as cursor.c does), its JSON and id
 * (hook_event_init) and its mail message (hook_message_build). The event's
 * strings are a client's words, so the message must stay well-formed mail.
 */
#include <stdbool.h>
#include <string.h>

#include "docket/error.h"
#include "fuzz.h"
#include "hook.h"
#include "libdocket.h"

/* RFC 5322: lines end in CRLF and hold at most 998 bytes; SMTP's DATA carries no NUL. */
static void check_mail(const char *m, size_t len)
{
	size_t line = 0;
	bool headers = true;
	for (size_t i = 0; i < len; i++) {
		FUZZ_CHECK(m[i] != '\0');
		if (m[i] == '\r') {
			FUZZ_CHECK(i + 1 < len && m[i + 1] == '\n');
			/* An empty line ends the headers. */
			headers = headers && line > 0;
			line = 0;
			i++;
			continue;
		}
		FUZZ_CHECK(m[i] != '\n');
		/* Headers are ASCII: anything else travels as RFC 2047 encoded words. */
		FUZZ_CHECK(!headers || (unsigned char)m[i] < 0x80);
		FUZZ_CHECK(++line <= 998);
	}
	FUZZ_CHECK(line == 0);
}

/* Map keys as docketd writes them, its own field names: strings without NUL, at any depth. */
static bool keys_plain(const struct msg_node *n)
{
	if (n->type != CODEC_ARRAY && n->type != CODEC_MAP)
		return true;
	for (uint32_t i = 0; i < (n->type == CODEC_MAP ? 2 * n->len : n->len); i++) {
		const struct msg_node *k = &n->u.kids[i];
		if (n->type == CODEC_MAP && i % 2 == 0 &&
		    (k->type != CODEC_STR || strlen(k->u.s) != k->len))
			return false;
		if (!keys_plain(k))
			return false;
	}
	return true;
}

/* An event name as docketd makes them: "decision.drafted". */
static bool event_name(const char *type)
{
	return type[0] && strspn(type, "abcdefghijklmnopqrstuvwxyz._") == strlen(type);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct hook_target target = {
	    .kind = HOOK_EMAIL,
	    .name = "fuzz",
	    .from = "docket@example.org",
	    .to = {"clerk@example.org", "office@example.org", NULL},
	};
	docket_msg *m = NULL, *ev = NULL;

	if (msg_decode(data, size, &m) < 0)
		return 0;
	/*
	 * A cursor hands out only maps with a string type, each as an event of
	 * its own. The type and the keys are docketd's own names, never a
	 * client's words: the values may hold anything.
	 */
	if (keys_plain(m->root) && msg_event(m->root, &ev) == 0 &&
	    event_name(docket_msg_topic(ev))) {
		struct hook_event e;
		int rc = hook_event_init(&e, ev);
		/* Only an event without an integer seq is refused: it cannot be acknowledged. */
		int64_t seq;
		FUZZ_CHECK(rc == 0 ||
		           (rc == -DOCKET_EPROTO && docket_msg_get_int(ev, "seq", &seq) < 0));
		if (rc == 0) {
			char *mail = NULL;
			size_t len = 0;
			FUZZ_CHECK(e.json && strlen(e.json) == e.len && e.id[0]);
			FUZZ_CHECK(hook_message_build(&target, &e, &mail, &len) == 0);
			check_mail(mail, len);
			free(mail);
		}
		hook_event_fini(&e);
	}
	docket_msg_destroy(&ev);
	docket_msg_destroy(&m);
	return 0;
}
