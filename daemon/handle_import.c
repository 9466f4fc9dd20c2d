/*
 * The import command: a document's decisions, meeting and item entered in
 * one command, so that a file is taken whole or not at all.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "codec.h"
#include "date.h"
#include "docket/error.h"
#include "pack.h"
#include "proto.h"

/* What an entry of 'decisions' may and must hold. */
#define ENTRY_ALLOWED                                                                         \
	(BIT(F_LINE) | BIT(F_REF) | BIT(F_TITLE) | BIT(F_TEXT) | BIT(F_JUSTIFICATION) |       \
	 BIT(F_DECISION_MAKER) | BIT(F_CATEGORY) | BIT(F_DECIDED_ON) | BIT(F_RESTRICTION_REASON))
#define ENTRY_REQUIRED (BIT(F_LINE) | BIT(F_TITLE) | BIT(F_TEXT))

/* One entry as the import will record it. */
struct entry {
	struct request req; /* its fields, read as a request's */
	struct str ref;     /* given or made from the template */
	int64_t line;
	int exists;         /* the decision is already recorded: nothing to create */
	int state;          /* ST_* it is recorded in, when it exists */
};

struct import {
	struct cmd *c;
	struct str file;
	struct entry *e;
	uint32_t n;
	struct meeting meeting; /* id 0: the document names none */
	struct item item;       /* id 0: none */
	int64_t meeting_day;    /* the meeting's date, days */
	int created_meeting, created_item;
	int64_t source;
};

#define FILE_LINE(im, line) (int)(im)->file.len, (im)->file.ptr, (long long)(line)

static int is_hex64(struct str s)
{
	if (s.len != 64)
		return 0;
	for (uint32_t i = 0; i < s.len; i++)
		if (!((s.ptr[i] >= '0' && s.ptr[i] <= '9') || (s.ptr[i] >= 'a' && s.ptr[i] <= 'f')))
			return 0;
	return 1;
}

/* The year a made reference carries: the decision's, else the document's. */
static void ref_year(const struct import *im, const struct request *q, char year[8])
{
	const struct request *doc = im->c->req;
	struct str from[] = {q->s[F_DECIDED_ON], doc->s[F_MEETING_DATE], doc->s[F_PERIOD_END],
			     doc->s[F_PERIOD_START]};
	for (size_t i = 0; i < sizeof from / sizeof from[0]; i++)
		if (from[i].ptr) {
			snprintf(year, 8, "%.4s", from[i].ptr);
			return;
		}
	snprintf(year, 8, "%s", "undated");
}

/*
 * A reference from the office's template. {hash} is the start of the
 * SHA-256 of the decision's text and justification, so the same decision
 * gets the same reference from every import of any document holding it.
 */
static int make_ref(struct import *im, struct entry *en)
{
	struct cmd *c = im->c;
	const struct request *q = &en->req;
	unsigned char digest[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)q->s[F_TEXT].ptr, q->s[F_TEXT].len);
	crypto_hash_sha256_update(&st, (const unsigned char *)"\0", 1);
	if (q->s[F_JUSTIFICATION].ptr)
		crypto_hash_sha256_update(&st, (const unsigned char *)q->s[F_JUSTIFICATION].ptr,
					  q->s[F_JUSTIFICATION].len);
	crypto_hash_sha256_final(&st, digest);

	char hash[9], year[8], line[24], made[256];
	snprintf(hash, sizeof hash, "%02x%02x%02x%02x", digest[0], digest[1], digest[2], digest[3]);
	ref_year(im, q, year);
	snprintf(line, sizeof line, "%lld", (long long)en->line);
	struct str code = c->req->s[F_CODE];
	size_t used = 0;
	for (const char *t = c->office->import_reference; *t && used < sizeof made - 1;) {
		const char *put = NULL;
		size_t len = 0;
		if (strncmp(t, "{year}", 6) == 0)
			put = year, len = strlen(year), t += 6;
		else if (strncmp(t, "{hash}", 6) == 0)
			put = hash, len = 8, t += 6;
		else if (strncmp(t, "{line}", 6) == 0)
			put = line, len = strlen(line), t += 6;
		else if (strncmp(t, "{item}", 6) == 0)
			put = code.ptr ? code.ptr : "", len = code.ptr ? code.len : 0, t += 6;
		else
			put = t, len = 1, t++;
		if (len > sizeof made - 1 - used)
			len = sizeof made - 1 - used;
		memcpy(made + used, put, len);
		used += len;
	}
	const char *canon;
	size_t clen;
	char why[160];
	if (ref_normalize(made, used, en->req.refs[0], &canon, &clen, "ref", why, sizeof why) < 0)
		return cmd_fail(c, -DOCKET_EBADREQ,
				"%.*s line %lld: the reference template gives '%.*s', which is not a "
				"reference: %s",
				FILE_LINE(im, en->line), (int)used, made, why);
	/* canon may point into made, which is about to go. */
	char *kept = arena_strndup(c->arena, canon, clen);
	if (!kept)
		return cmd_fail(c, -DOCKET_ENOMEM, "out of memory");
	en->ref = (struct str){kept, (uint32_t)clen};
	return 0;
}

/* Read and check every entry before anything is written. */
static int read_entries(struct import *im)
{
	struct cmd *c = im->c;
	struct str raw = c->req->s[F_DECISIONS];
	uint32_t n = (uint32_t)c->req->n[F_DECISIONS];
	if (n == 0)
		return cmd_fail(c, -DOCKET_EBADREQ, "%.*s: the document holds no decisions",
				(int)im->file.len, im->file.ptr);
	im->e = arena_alloc(c->arena, n * sizeof *im->e);
	if (!im->e)
		return cmd_fail(c, -DOCKET_ENOMEM, "out of memory");
	memset(im->e, 0, n * sizeof *im->e);
	struct codec_reader r;
	struct codec_value arr;
	codec_reader_init(&r, raw.ptr, raw.len);
	codec_read(&r, &arr);
	for (uint32_t i = 0; i < n; i++) {
		struct entry *en = &im->e[i];
		const uint8_t *at = r.p;
		codec_skip(&r);
		struct str one = {(const char *)at, (uint32_t)(r.p - at)};
		char why[256];
		int rc = request_decode_entry(&en->req, one, ENTRY_ALLOWED, ENTRY_REQUIRED, why,
					      sizeof why);
		if (rc < 0)
			return cmd_fail(c, rc, "%.*s: decision %u of %u: %s", (int)im->file.len,
					im->file.ptr, i + 1, n, why);
		en->line = en->req.n[F_LINE];
		int64_t day;
		struct str on = en->req.s[F_DECIDED_ON];
		if (on.ptr && date_parse(on.ptr, on.len, &day) == 0 && day > c->today)
			return cmd_fail(c, -DOCKET_EBADREQ,
					"%.*s line %lld: the decision date %.*s is in the future",
					FILE_LINE(im, en->line), (int)on.len, on.ptr);
		if (en->req.present & BIT(F_REF))
			en->ref = en->req.s[F_REF];
		else if ((rc = make_ref(im, en)) < 0)
			return rc;
		for (uint32_t j = 0; j < i; j++)
			if (im->e[j].ref.len == en->ref.len &&
			    memcmp(im->e[j].ref.ptr, en->ref.ptr, en->ref.len) == 0)
				return cmd_fail(c, -DOCKET_EBADREQ,
						"%.*s line %lld: reference '%.*s' is also the one of "
						"line %lld",
						FILE_LINE(im, en->line), (int)en->ref.len, en->ref.ptr,
						(long long)im->e[j].line);
	}
	im->n = n;
	return 0;
}

static int same(struct str a, struct str b)
{
	if (!a.ptr || !a.len)
		return !b.ptr || !b.len;
	return b.ptr && a.len == b.len && memcmp(a.ptr, b.ptr, a.len) == 0;
}

/* A decision already recorded under an entry's reference must say the same. */
static int check_existing(struct import *im)
{
	struct cmd *c = im->c;
	for (uint32_t i = 0; i < im->n; i++) {
		struct entry *en = &im->e[i];
		struct decision d;
		int rc = store_decision_get(c->store, en->ref, c->arena, &d);
		if (rc == -DOCKET_ENOTFOUND)
			continue;
		if (rc < 0)
			return cmd_fail(c, rc, "cannot read decision '%.*s': %s", (int)en->ref.len,
					en->ref.ptr, store_errmsg(c->store));
		if (!same(d.col[D_TEXT], en->req.s[F_TEXT]) ||
		    !same(d.col[D_JUSTIFICATION], en->req.s[F_JUSTIFICATION]))
			return cmd_fail(c, -DOCKET_ECONFLICT,
					"%.*s line %lld: decision '%.*s' is already recorded with "
					"different wording; give this one another reference",
					FILE_LINE(im, en->line), (int)en->ref.len, en->ref.ptr);
		en->exists = 1;
		en->state = d.state;
	}
	return 0;
}

/* Emit an event for a record the import made, with a request of its own fields as its data. */
static int emit_as(struct import *im, const struct request *as, const struct event_head *h)
{
	struct cmd *c = im->c;
	const struct request *doc = c->req;
	c->req = as;
	c->nset = 0;
	cmd_set(c, "file", doc->s[F_FILE]);
	cmd_set(c, "sha256", doc->s[F_SHA256]);
	cmd_set(c, "document", doc->s[F_DOCUMENT]);
	if (h->kind == EV_DECISION && h->item)
		c->set[c->nset++] = (struct pack_pair){.key = "item", .n = h->item, .is_int = 1};
	int rc = cmd_emit(c, h);
	c->req = doc;
	return rc;
}

static struct str utc_text(struct cmd *c, int64_t epoch)
{
	char *p = arena_alloc(c->arena, DATE_TIME_LEN);
	if (p)
		date_format_utc(epoch, p);
	return (struct str){p, p ? DATE_TIME_LEN - 1 : 0};
}

/* The meeting the report's "Item & Date" names, found or recorded; it must have been held. */
static int find_meeting(struct import *im)
{
	struct cmd *c = im->c;
	const struct request *q = c->req;
	struct str panel = q->s[F_TO], day = q->s[F_MEETING_DATE];
	date_parse(day.ptr, day.len, &im->meeting_day);
	struct str from = utc_text(c, tz_at(c->office->tz, im->meeting_day, 0));
	struct str to = utc_text(c, tz_at(c->office->tz, im->meeting_day + 1, 0));
	if (!from.ptr || !to.ptr)
		return cmd_fail(c, -DOCKET_ENOMEM, "out of memory");
	int rc = store_meeting_on(c->store, panel, from, to, c->arena, &im->meeting);
	if (rc < 0 && rc != -DOCKET_ENOTFOUND)
		return cmd_fail(c, rc, "cannot read the meetings: %s", store_errmsg(c->store));
	if (rc == -DOCKET_ENOTFOUND) {
		int64_t at = tz_at(c->office->tz, im->meeting_day, c->office->import_minute);
		im->meeting = (struct meeting){
			.panel = panel,
			.starts_at = utc_text(c, at),
			.status = MS_SCHEDULED,
			.version = 1,
		};
		if (!im->meeting.starts_at.ptr)
			return cmd_fail(c, -DOCKET_ENOMEM, "out of memory");
		im->created_meeting = 1;
	}
	struct meeting_view v;
	if ((rc = cmd_meeting_view(c, &im->meeting, &v)) < 0)
		return rc;
	if (v.status != MS_HELD && v.status != MS_STARTED)
		return cmd_fail(c, -DOCKET_EPRECONDITION,
				"%.*s: the report was made to the meeting of %.*s on %.*s, which is %s, "
				"not held",
				(int)im->file.len, im->file.ptr, (int)panel.len, panel.ptr,
				(int)day.len, day.ptr, v.reads);
	if (!im->created_meeting)
		return 0;
	/* A past meeting has no reminders to plan. */
	if ((rc = store_meeting_insert(c->store, &im->meeting)) < 0)
		return cmd_fail(c, rc, "cannot store the meeting: %s", store_errmsg(c->store));
	struct request as = {.present = BIT(F_PANEL) | BIT(F_STARTS_AT)};
	as.s[F_PANEL] = panel;
	as.s[F_STARTS_AT] = im->meeting.starts_at;
	struct event_head h = {
		.kind = EV_MEETING,
		.type = "meeting.created",
		.meeting = im->meeting.id,
		.state = v.reads,
		.version = 1,
	};
	return emit_as(im, &as, &h);
}

/* The meeting's item with the report's code, found or recorded. */
static int find_item(struct import *im)
{
	struct cmd *c = im->c;
	const struct request *q = c->req;
	int rc = store_item_by_code(c->store, im->meeting.id, q->s[F_CODE], c->arena, &im->item);
	if (rc == 0)
		return 0;
	if (rc != -DOCKET_ENOTFOUND)
		return cmd_fail(c, rc, "cannot read the items: %s", store_errmsg(c->store));
	struct str subject = q->s[F_SUBJECT].ptr ? q->s[F_SUBJECT]
			     : q->s[F_TITLE].ptr ? q->s[F_TITLE]
						 : (struct str){"Key decisions", 13};
	im->item = (struct item){
		.meeting = im->meeting.id,
		.code = q->s[F_CODE],
		.subject = subject,
		.period_start = q->s[F_PERIOD_START],
		.period_end = q->s[F_PERIOD_END],
		.from = q->s[F_FROM],
		.to = q->s[F_TO],
	};
	if ((rc = store_item_insert(c->store, &im->item)) < 0)
		return cmd_fail(c, rc, "cannot store the item: %s", store_errmsg(c->store));
	im->created_item = 1;
	struct request as = {.present = BIT(F_CODE) | BIT(F_SUBJECT)};
	as.s[F_CODE] = im->item.code;
	as.s[F_SUBJECT] = subject;
	fieldset more[] = {BIT(F_PERIOD_START), BIT(F_PERIOD_END), BIT(F_FROM), BIT(F_TO)};
	for (size_t i = 0; i < sizeof more / sizeof more[0]; i++) {
		int f = fieldset_first(more[i]);
		if (q->present & more[i]) {
			as.present |= more[i];
			as.s[f] = q->s[f];
		}
	}
	struct event_head h = {
		.kind = EV_ITEM,
		.type = "item.created",
		.meeting = im->meeting.id,
		.item = im->item.id,
	};
	return emit_as(im, &as, &h);
}

static struct str or(struct str s, const char *dflt)
{
	return s.ptr ? s : str_c(dflt);
}

/* Record one entry's decision in the state the document proves, with its event. */
static int create(struct import *im, struct entry *en, int64_t *position)
{
	struct cmd *c = im->c;
	const struct request *q = &en->req;
	struct str ts = str_c(c->ts);
	struct decision d = {
		.ref = en->ref,
		.state = im->item.id ? ST_REPORTED : ST_ENDORSED,
		.version = 1,
		.cost_pence = -1,
		.item = im->item.id,
		.position = im->item.id ? (*position)++ : 0,
		.source = im->source,
		.source_line = en->line,
	};
	d.col[D_TITLE] = q->s[F_TITLE];
	d.col[D_TEXT] = q->s[F_TEXT];
	d.col[D_JUSTIFICATION] = or(q->s[F_JUSTIFICATION], "");
	d.col[D_DECISION_MAKER] = or(q->s[F_DECISION_MAKER], "pcc");
	d.col[D_CATEGORY] = or(q->s[F_CATEGORY], "other");
	d.col[D_AUTHOR] = c->who->name;
	d.col[D_RESTRICTION] = str_c("none");
	if (q->s[F_RESTRICTION_REASON].ptr) {
		/* A register that restricts a decision's papers publishes its summary only. */
		d.col[D_RESTRICTION] = str_c("part");
		d.col[D_WITHHELD] = str_c("the decision papers");
		d.col[D_RESTRICTION_REASON] = q->s[F_RESTRICTION_REASON];
		d.col[D_PUBLIC_TEXT] = d.col[D_TEXT];
		if (q->s[F_JUSTIFICATION].ptr)
			d.col[D_PUBLIC_JUSTIFICATION] = d.col[D_JUSTIFICATION];
	}
	d.col[D_DRAFTED_AT] = ts;
	d.col[D_ENDORSED_AT] = ts;
	d.col[D_DECIDED_ON] = q->s[F_DECIDED_ON];
	if (im->item.id) {
		d.col[D_REPORTED_AT] = ts;
		d.col[D_REPORTED_ON] = cmd_date(c, im->meeting_day);
		if (!d.col[D_REPORTED_ON].ptr)
			return cmd_fail(c, -DOCKET_ENOMEM, "out of memory");
	}
	int rc = store_decision_insert(c->store, &d);
	if (rc < 0)
		return cmd_fail(c, rc, "cannot store decision '%.*s': %s", (int)d.ref.len, d.ref.ptr,
				store_errmsg(c->store));
	struct event_head h = {
		.kind = EV_DECISION,
		.type = "decision.imported",
		.ref = d.ref,
		.item = d.item,
		.state = proto_state_name(d.state),
		.version = 1,
	};
	return emit_as(im, q, &h);
}

static void pack_outcome(msgpack_packer *pk, int64_t line, struct str ref, int state,
			 const char *result)
{
	msgpack_pack_map(pk, 4);
	pack_cstr(pk, "line");
	msgpack_pack_int64(pk, line);
	pack_cstr(pk, "ref");
	pack_str(pk, ref);
	pack_cstr(pk, "state");
	pack_cstr(pk, proto_state_name(state));
	pack_cstr(pk, "result");
	pack_cstr(pk, result);
}

static void reply_head(struct cmd *c, int64_t source, int64_t meeting, int64_t item,
		       int64_t created, int64_t existing)
{
	pack_cstr(c->out, "dry_run");
	if (c->discard)
		msgpack_pack_true(c->out);
	else
		msgpack_pack_false(c->out);
	/* A dry run records no document. */
	pack_id_pair(c->out, "source", c->discard ? 0 : source);
	pack_id_pair(c->out, "meeting", meeting);
	pack_id_pair(c->out, "item", item);
	pack_cstr(c->out, "created");
	msgpack_pack_int64(c->out, created);
	pack_cstr(c->out, "existing");
	msgpack_pack_int64(c->out, existing);
	c->pairs += 6;
}

struct again {
	struct cmd *c;
	uint32_t n;
};

static int again_add(void *ctx, const struct decision *d)
{
	struct again *k = ctx;
	pack_outcome(k->c->out, d->source_line, d->ref, d->state, "exists");
	k->n++;
	return 0;
}

/* The same file again: what its first import recorded, and nothing new. */
static int imported_before(struct cmd *c, const struct source *src)
{
	struct item it = {0};
	int rc = src->item ? store_item_get(c->store, src->item, c->arena, &it) : 0;
	if (rc < 0)
		return cmd_fail(c, rc, "cannot read item %lld", (long long)src->item);
	reply_head(c, src->id, it.meeting, src->item, 0, src->decisions);
	pack_cstr(c->out, "decisions");
	size_t at = pack_open_array(c->buf);
	struct again k = {.c = c};
	if ((rc = store_source_decisions(c->store, src->id, again_add, &k)) < 0)
		return cmd_fail(c, rc, "cannot read the decisions: %s", store_errmsg(c->store));
	pack_close(c->buf, at, k.n);
	c->pairs++;
	pack_cstr(c->out, "seq");
	msgpack_pack_nil(c->out);
	c->pairs++;
	return 0;
}

int handle_import(struct cmd *c)
{
	const struct request *q = c->req;
	int rc = cmd_need_role(c, ROLE_SECRETARIAT);
	if (rc < 0)
		return rc;
	c->discard = (q->present & BIT(F_DRY_RUN)) && q->n[F_DRY_RUN];
	struct import im = {.c = c, .file = q->s[F_FILE]};
	if (!is_hex64(q->s[F_SHA256]))
		return cmd_fail(c, -DOCKET_EBADREQ,
				"'sha256' must be the file's SHA-256 as 64 lowercase hex digits");
	fieldset meeting = BIT(F_CODE) | BIT(F_MEETING_DATE) | BIT(F_TO);
	if ((q->present & meeting) && (q->present & meeting) != meeting)
		return cmd_fail(c, -DOCKET_EBADREQ,
				"%.*s: a report to a meeting needs code and meeting_date (its 'Item & "
				"Date:') and to (the panel)",
				(int)im.file.len, im.file.ptr);

	struct source src;
	rc = store_source_by_sha(c->store, q->s[F_SHA256], c->arena, &src);
	if (rc == 0)
		return imported_before(c, &src);
	if (rc != -DOCKET_ENOTFOUND)
		return cmd_fail(c, rc, "cannot read the imported documents: %s",
				store_errmsg(c->store));
	if ((rc = read_entries(&im)) < 0 || (rc = check_existing(&im)) < 0)
		return rc;
	if ((q->present & meeting) && ((rc = find_meeting(&im)) < 0 || (rc = find_item(&im)) < 0))
		return rc;

	int64_t fresh = 0;
	for (uint32_t i = 0; i < im.n; i++)
		fresh += !im.e[i].exists;
	if (fresh == 0 && !im.created_meeting && !im.created_item) {
		/* Everything is recorded already: the document adds nothing to remember. */
		reply_head(c, 0, im.meeting.id, im.item.id, 0, im.n);
		goto outcomes;
	}

	src = (struct source){
		.file = im.file,
		.sha256 = q->s[F_SHA256],
		.document = q->s[F_DOCUMENT],
		.title = q->s[F_TITLE],
		.from = q->s[F_FROM],
		.to = q->s[F_TO],
		.subject = q->s[F_SUBJECT],
		.item = im.item.id,
		.imported_at = str_c(c->ts),
		.actor = c->who->name,
	};
	if ((rc = store_source_insert(c->store, &src)) < 0)
		return cmd_fail(c, rc, "cannot record the document: %s", store_errmsg(c->store));
	im.source = src.id;
	int64_t position = 1;
	if (im.item.id && (rc = store_item_next_position(c->store, im.item.id, &position)) < 0)
		return cmd_fail(c, rc, "cannot read item %lld", (long long)im.item.id);
	for (uint32_t i = 0; i < im.n; i++)
		if (!im.e[i].exists && (rc = create(&im, &im.e[i], &position)) < 0)
			return rc;

	reply_head(c, im.source, im.meeting.id, im.item.id, fresh, im.n - fresh);
outcomes:
	pack_cstr(c->out, "decisions");
	msgpack_pack_array(c->out, im.n);
	for (uint32_t i = 0; i < im.n; i++) {
		const struct entry *en = &im.e[i];
		int state = en->exists ? en->state : im.item.id ? ST_REPORTED : ST_ENDORSED;
		pack_outcome(c->out, en->line, en->ref, state, en->exists ? "exists" : "created");
	}
	c->pairs++;
	pack_cstr(c->out, "seq");
	if (fresh && !c->discard)
		msgpack_pack_int64(c->out, store_next_seq(c->store) - 1);
	else
		msgpack_pack_nil(c->out);
	c->pairs++;
	return 0;
}
