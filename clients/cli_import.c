/*
 * The import command: each document read, hashed, parsed and sent whole as
 * one import request; and the readable list of the documents imported.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cli.h"
#include "import.h"

/* The SHA-256 of len bytes of buf as 64 lowercase hex digits. */
static void sha256_hex(const char *buf, size_t len, char hex[2 * crypto_hash_sha256_BYTES + 1])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)buf, len);
	sodium_bin2hex(hex, 2 * crypto_hash_sha256_BYTES + 1, h, sizeof h);
}

/* The name docketd records: the path without its directories. */
static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash && slash[1] ? slash + 1 : path;
}

/* Set key to value when there is one. Returns the library's code. */
static int set_opt(docket_request *r, const char *key, const char *value)
{
	return value ? docket_request_set_str(r, key, value) : 0;
}

/* The document's header and decisions onto r, an import request. Returns the library's code. */
static int fill(docket_request *r, const char *file, const char *sha256,
                const struct import_doc *doc)
{
	int rc = 0;
	const char *document = doc->format == IMPORT_REGISTER ? "register" : "report";

	if ((rc = docket_request_set_str(r, "file", file)) < 0 ||
	    (rc = docket_request_set_str(r, "sha256", sha256)) < 0 ||
	    (rc = docket_request_set_str(r, "document", document)) < 0 ||
	    (rc = set_opt(r, "title", doc->title)) < 0 ||
	    (rc = set_opt(r, "from", doc->from)) < 0 || (rc = set_opt(r, "to", doc->to)) < 0 ||
	    (rc = set_opt(r, "subject", doc->subject)) < 0 ||
	    (rc = set_opt(r, "code", doc->item_code)) < 0 ||
	    (rc = set_opt(r, "meeting_date", doc->meeting_date)) < 0 ||
	    (rc = set_opt(r, "period_start", doc->period_start)) < 0 ||
	    (rc = set_opt(r, "period_end", doc->period_end)) < 0)
		return rc;
	for (size_t i = 0; i < doc->n; i++) {
		const struct import_decision *d = &doc->decisions[i];
		docket_request *e = NULL;
		if ((rc = docket_request_append_map(r, "decisions", &e)) < 0 ||
		    (rc = docket_request_set_int(e, "line", d->line)) < 0 ||
		    (rc = docket_request_set_str(e, "title", d->title)) < 0 ||
		    (rc = docket_request_set_str(e, "text", d->text)) < 0 ||
		    (rc = set_opt(e, "ref", d->ref)) < 0 ||
		    (rc = set_opt(e, "justification", d->justification)) < 0 ||
		    (rc = set_opt(e, "decision_maker", d->decision_maker)) < 0 ||
		    (rc = set_opt(e, "decided_on", d->decided_on)) < 0 ||
		    (rc = set_opt(e, "restriction_reason", d->restriction_reason)) < 0)
			return rc;
	}
	return 0;
}

/* A document's decisions, one line each under its summary: line, ref, state, result. */
static const struct cli_column outcome_cols[] = {
    {"LINE", COL_RIGHT | COL_NUMBER}, {"REF", 0}, {"STATE", COL_STATE}, {"RESULT", 0}};
static const struct cli_table_spec outcome_table = {NULL, outcome_cols, 4, true, "  line "};

static void outcome_row(void *ctx, size_t i, const char **cells, char (*buf)[CLI_CELL_LEN])
{
	const docket_msg *m = ctx;
	char p[48];
	int64_t v;

	snprintf(p, sizeof p, "decisions.%zu", i);
	snprintf(buf[0], CLI_CELL_LEN, "%" PRId64, cli_num(m, p, "line", &v) ? v : 0);
	cells[0] = buf[0];
	cells[1] = cli_str(m, p, "ref");
	cells[2] = cli_str(m, p, "state");
	cells[3] = cli_str(m, p, "result");
	for (int k = 1; k < 4; k++)
		cells[k] = cells[k] ? cells[k] : "?";
}

/* "FILE: 3 created, 0 already recorded", the ids, then a line for each decision. */
static void print_outcome(const char *path, const docket_msg *m)
{
	int64_t created = 0, existing = 0, v;
	char ids[160] = "";
	size_t n = docket_msg_count(m, "decisions"), o = 0;
	bool dry = cli_flag(m, "dry_run");

	cli_num(m, "", "created", &created);
	cli_num(m, "", "existing", &existing);
	cli_put(path, strlen(path));
	printf(": %" PRId64 " created, %" PRId64 " already recorded%s\n", created, existing,
	       dry ? " (dry run: nothing recorded)" : "");
	/* A dry run's document id is one that was never kept. */
	if (!dry && cli_num(m, "", "source", &v))
		o += (size_t)snprintf(ids + o, sizeof ids - o, "source %" PRId64, v);
	if (cli_num(m, "", "meeting", &v))
		o += (size_t)snprintf(ids + o, sizeof ids - o, "%smeeting %" PRId64, o ? ", " : "",
		                      v);
	if (cli_num(m, "", "item", &v))
		snprintf(ids + o, sizeof ids - o, "%sitem %" PRId64, o ? ", " : "", v);
	if (*ids)
		printf("  %s\n", ids);
	cli_table(&outcome_table, n, outcome_row, (void *)m);
}

/* The most decisions one import request carries: the protocol's limit on an array. */
#define IMPORT_MAX_DECISIONS 1024

/* A later failure keeps the status of the first. */
static void note(int *status, int rc)
{
	if (*status == 0)
		*status = rc;
}

/*
 * One file: read, hash, parse, send. Returns 0 or the file's exit status;
 * *stop is set when the others cannot go on either (docketd unreachable,
 * out of memory).
 */
static int import_one(const struct cli *cli, docket_client **c, const char *path, bool *stop)
{
	char *buf = NULL, sha[2 * crypto_hash_sha256_BYTES + 1];
	size_t len = 0;
	struct import_doc doc = {0};
	struct import_error e = {0};
	docket_request *r = NULL;
	docket_msg *reply = NULL;
	int rc, status;

	if ((status = cli_read_file(cli, NULL, path, &buf, &len)) != 0) {
		*stop = status != EX_NOINPUT && status != EX_USAGE;
		return status;
	}
	sha256_hex(buf, len, sha);
	rc = import_parse(buf, len, &doc, &e);
	free(buf);
	if (rc == -DOCKET_ENOMEM) {
		*stop = true;
		return cli_fail(cli, EX_SOFTWARE, "%s: out of memory", path);
	}
	if (rc < 0) {
		if (e.line)
			return cli_fail(cli, EX_DATAERR, "%s:%u: %s", path, e.line, e.message);
		return cli_fail(cli, EX_DATAERR, "%s: %s", path, e.message);
	}
	/* One import is one request, and a request's arrays hold 1,024 entries (PROTOCOL.md 3). */
	if (doc.n > IMPORT_MAX_DECISIONS) {
		status = cli_fail(cli, EX_DATAERR,
		                  "%s: %zu decisions; one import takes at most %d: split the file",
		                  path, doc.n, IMPORT_MAX_DECISIONS);
		goto out;
	}
	/* The command line's part: op, dry_run, idem. */
	if ((status = cli_request_build(cli, &r)) != 0) {
		*stop = true;
		goto out;
	}
	if ((rc = fill(r, base_name(path), sha, &doc)) < 0) {
		*stop = true;
		status = cli_fail(cli, EX_SOFTWARE, "%s: %s", path, docket_strerror(rc));
		goto out;
	}
	if (!*c && (status = cli_connect(cli, c)) != 0) {
		*stop = true;
		goto out;
	}
	status = cli_send(cli, *c, r, path, &reply);
	if (status == EX_UNAVAILABLE || status == EX_SOFTWARE)
		*stop = true;
	if (status == 0)
		status = cli->json ? cli_print_json(reply, DOCKET_JSON_COMPACT)
		                   : (print_outcome(path, reply), 0);
out:
	docket_msg_destroy(&reply);
	docket_request_destroy(&r);
	import_doc_free(&doc);
	return status;
}

int cli_import(const struct cli *cli)
{
	docket_client *c = NULL;
	int status = 0;
	bool stop = false;

	if (cli->nargs == 0)
		return cli_usage_error(cli, "missing FILE");
	if (cli->expect_version)
		return cli_usage_error(cli, "--expect-version does not apply: import changes no "
		                            "existing decision");
	/* One key answers one request: with several files the second would be a conflict. */
	if (cli->idem && cli->nargs > 1)
		return cli_usage_error(cli, "--idem takes one FILE (each file is one request)");
	for (size_t i = 0; i < cli->nargs; i++)
		if (!strcmp(cli->args[i], "-"))
			return cli_usage_error(cli, "name a file, not -: docketd records its name");
	if (sodium_init() < 0)
		return cli_fail(cli, EX_SOFTWARE, "libsodium cannot start");
	for (size_t i = 0; i < cli->nargs && !stop; i++) {
		int rc = import_one(cli, &c, cli->args[i], &stop);
		if (rc)
			note(&status, rc);
		/* Each file's outcome reaches a reader as it is known. */
		fflush(stdout);
	}
	docket_client_destroy(&c);
	return status;
}

enum { ID, FILE_, DOCUMENT, DECISIONS, IMPORTED, TITLE, COLUMNS };

static const struct cli_column import_cols[] = {
    {"ID", COL_NUMBER},        {"FILE", 0},     {"DOCUMENT", 0},
    {"DECISIONS", COL_NUMBER}, {"IMPORTED", 0}, {"TITLE", COL_TEXT},
};
const struct cli_table_spec cli_imports_table = {"imports", import_cols, COLUMNS, false, NULL};

struct imports {
	struct cli_zone *z;
	const docket_msg *m;
};

static void import_row(void *ctx, size_t i, const char **cells, char (*buf)[CLI_CELL_LEN])
{
	const struct imports *x = ctx;
	char p[48];
	int64_t v;
	snprintf(p, sizeof p, "imports.%zu", i);
	snprintf(buf[ID], CLI_CELL_LEN, "%" PRId64, cli_num(x->m, p, "id", &v) ? v : 0);
	snprintf(buf[DECISIONS], CLI_CELL_LEN, "%" PRId64,
	         cli_num(x->m, p, "decisions", &v) ? v : 0);
	cells[ID] = buf[ID];
	cells[FILE_] = cli_str(x->m, p, "file");
	cells[DOCUMENT] = cli_str(x->m, p, "document");
	cells[DECISIONS] = buf[DECISIONS];
	cells[IMPORTED] =
	    cli_cell_time(x->z, cli_str(x->m, p, "imported_at"), SHOW_MINUTES, buf[IMPORTED]);
	cells[TITLE] = cli_str(x->m, p, "title");
}

void cli_print_imports(struct cli_zone *z, const docket_msg *m)
{
	size_t n = docket_msg_count(m, "imports");
	struct imports x = {z, m};

	if (n == 0 && !cli_table_json()) {
		puts("no documents imported");
		return;
	}
	cli_table(&cli_imports_table, n, import_row, &x);
}
