/*
 * The export command: the whole public register, the meetings and the
 * office's zone fetched from docketd, then written as web pages, an
 * iCalendar file or CSV by the export library.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "export.h"

#define DEFAULT_OFFICE "Office of the Police and Crime Commissioner"
/* The register's largest page. */
#define PAGE 1000

/* An agenda item's meeting and code. */
struct where {
	int64_t item, meeting;
	const char *code;
};

/* What the export reads, and the replies its strings belong to. */
struct fetched {
	docket_msg *info, *meetings;
	docket_msg **pages;
	size_t npages;
	struct export_decision *decisions;
	size_t n;
	struct export_meeting *meetings_out;
	size_t nmeetings;
	struct export_item *items; /* every meeting's, in meeting order */
	size_t nitems;
	struct where *where; /* item id -> meeting and code, sorted by item */
};

static void fetched_free(struct fetched *f)
{
	docket_msg_destroy(&f->info);
	docket_msg_destroy(&f->meetings);
	for (size_t i = 0; i < f->npages; i++)
		docket_msg_destroy(&f->pages[i]);
	free(f->pages);
	free(f->decisions);
	free(f->meetings_out);
	free(f->items);
	free(f->where);
}

/* Send op (with limit and after for the register) and keep its reply in *out. */
static int ask(const struct cli *cli, docket_client *c, const char *op, const char *after,
               docket_msg **out)
{
	docket_request *r = NULL;
	int rc = docket_request_new(&r, op), status;

	if (rc == 0 && !strcmp(op, "register"))
		rc = docket_request_set_int(r, "limit", PAGE);
	if (rc == 0 && after)
		rc = docket_request_set_str(r, "after", after);
	if (rc < 0)
		status = cli_fail(cli, EX_SOFTWARE, "%s", docket_strerror(rc));
	else
		status = cli_send(cli, c, r, NULL, out);
	docket_request_destroy(&r);
	return status;
}

/* Every page of the register, following next. */
static int fetch_register(const struct cli *cli, docket_client *c, struct fetched *f)
{
	const char *after = NULL;
	int status;

	do {
		docket_msg **pages = realloc(f->pages, (f->npages + 1) * sizeof *pages);
		if (!pages)
			return cli_fail(cli, EX_SOFTWARE, "out of memory");
		f->pages = pages;
		f->pages[f->npages] = NULL;
		status = ask(cli, c, "register", after, &f->pages[f->npages]);
		/* A refusal's reply is freed with the pages. */
		f->npages++;
		if (status)
			return status;
		f->n += docket_msg_count(f->pages[f->npages - 1], "decisions");
		after = cli_str(f->pages[f->npages - 1], "", "next");
	} while (after);
	return 0;
}

static int by_item(const void *a, const void *b)
{
	const struct where *x = a, *y = b;
	return (x->item > y->item) - (x->item < y->item);
}

static int64_t num(const docket_msg *m, const char *p, const char *key)
{
	int64_t v = 0;
	cli_num(m, p, key, &v);
	return v;
}

/* The meetings with their items, and where each item is. */
static int build_meetings(const struct cli *cli, struct fetched *f)
{
	const docket_msg *m = f->meetings;
	char p[48], ip[80], path[64];

	f->nmeetings = docket_msg_count(m, "meetings");
	for (size_t i = 0; i < f->nmeetings; i++) {
		snprintf(path, sizeof path, "meetings.%zu.items", i);
		f->nitems += docket_msg_count(m, path);
	}
	f->meetings_out = calloc(f->nmeetings ? f->nmeetings : 1, sizeof *f->meetings_out);
	f->items = calloc(f->nitems ? f->nitems : 1, sizeof *f->items);
	f->where = calloc(f->nitems ? f->nitems : 1, sizeof *f->where);
	if (!f->meetings_out || !f->items || !f->where)
		return cli_fail(cli, EX_SOFTWARE, "out of memory");
	size_t k = 0;
	for (size_t i = 0; i < f->nmeetings; i++) {
		struct export_meeting *e = &f->meetings_out[i];
		snprintf(p, sizeof p, "meetings.%zu", i);
		snprintf(path, sizeof path, "%s.items", p);
		size_t n = docket_msg_count(m, path);
		*e = (struct export_meeting){
		    .id = num(m, p, "id"),
		    .panel = cli_str(m, p, "panel"),
		    .starts_at = cli_str(m, p, "starts_at"),
		    .venue = cli_str(m, p, "venue"),
		    .status = cli_str(m, p, "status"),
		    .version = num(m, p, "version"),
		    .items = f->items + k,
		    .nitems = n,
		};
		for (size_t j = 0; j < n; j++, k++) {
			snprintf(ip, sizeof ip, "%s.items.%zu", p, j);
			f->items[k] = (struct export_item){num(m, ip, "id"), cli_str(m, ip, "code"),
			                                   cli_str(m, ip, "subject")};
			f->where[k] = (struct where){f->items[k].id, e->id, f->items[k].code};
		}
	}
	qsort(f->where, f->nitems, sizeof *f->where, by_item);
	return 0;
}

/* The decisions as the public register gives them, each with its item's meeting and code. */
static int build_decisions(const struct cli *cli, struct fetched *f)
{
	char p[48];
	size_t k = 0;

	if (!(f->decisions = calloc(f->n ? f->n : 1, sizeof *f->decisions)))
		return cli_fail(cli, EX_SOFTWARE, "out of memory");
	for (size_t pg = 0; pg < f->npages; pg++) {
		const docket_msg *m = f->pages[pg];
		size_t n = docket_msg_count(m, "decisions");
		for (size_t i = 0; i < n && k < f->n; i++, k++) {
			snprintf(p, sizeof p, "decisions.%zu", i);
			struct export_decision *d = &f->decisions[k];
			*d = (struct export_decision){
			    .ref = cli_str(m, p, "ref"),
			    .title = cli_str(m, p, "title"),
			    .text = cli_str(m, p, "text"),
			    .justification = cli_str(m, p, "justification"),
			    .state = cli_str(m, p, "state"),
			    .decision_maker = cli_str(m, p, "decision_maker"),
			    .category = cli_str(m, p, "category"),
			    .cost_text = cli_str(m, p, "cost_text"),
			    .restriction = cli_str(m, p, "restriction"),
			    .withheld = cli_str(m, p, "withheld"),
			    .restriction_reason = cli_str(m, p, "restriction_reason"),
			    .review_date = cli_str(m, p, "review_date"),
			    .decided_on = cli_str(m, p, "decided_on"),
			    .published_on = cli_str(m, p, "published_on"),
			    .reported_on = cli_str(m, p, "reported_on"),
			    .published_at = cli_str(m, p, "published_at"),
			    .version = num(m, p, "version"),
			};
			struct where key = {.item = num(m, p, "item")}, *w;
			if (key.item && f->nitems &&
			    (w = bsearch(&key, f->where, f->nitems, sizeof *w, by_item))) {
				d->meeting = w->meeting;
				d->item_code = w->code;
			}
		}
	}
	f->n = k;
	return 0;
}

/* --base-url as an absolute http(s) URL ending in '/', so that page names follow it. */
static int base_url(const struct cli *cli, char **out)
{
	const char *url = cli_value(cli, "base-url");
	size_t len;

	*out = NULL;
	if (!url)
		return 0;
	len = strlen(url);
	if ((strncmp(url, "https://", 8) && strncmp(url, "http://", 7)) ||
	    strcspn(url, " \t\r\n\"<>") != len || len == strcspn(url, ":") + 3)
		return cli_usage_error(cli, "--base-url: '%s' is not an absolute http or https URL",
		                       url);
	if (!(*out = malloc(len + 2)))
		return cli_fail(cli, EX_SOFTWARE, "out of memory");
	snprintf(*out, len + 2, "%s%s", url, url[len - 1] == '/' ? "" : "/");
	return 0;
}

int cli_export(const struct cli *cli)
{
	const char *html = cli_value(cli, "html"), *ics = cli_value(cli, "ics");
	const char *csv = cli_value(cli, "csv"), *office = cli_value(cli, "office");
	const char *target = html ? html : ics ? ics : csv;
	struct fetched f = {0};
	docket_client *c = NULL;
	char *url = NULL, generated[32], err[512] = "";
	int status, rc;

	if (!!html + !!ics + !!csv != 1)
		return cli_usage_error(cli,
		                       "give exactly one of --html DIR, --ics FILE and --csv FILE");
	if (!*target)
		return cli_usage_error(cli, "--%s: empty name",
		                       html  ? "html"
		                       : ics ? "ics"
		                             : "csv");
	if (office && !*office)
		return cli_usage_error(cli, "--office: empty name");
	if (cli->idem || cli->expect_version)
		return cli_usage_error(cli, "--idem and --expect-version apply only to changes");
	if ((status = base_url(cli, &url)) != 0)
		return status;

	if ((status = cli_connect(cli, &c)) != 0 || (status = ask(cli, c, "info", NULL, &f.info)) ||
	    (status = ask(cli, c, "meetings", NULL, &f.meetings)) ||
	    (status = fetch_register(cli, c, &f)) || (status = build_meetings(cli, &f)) ||
	    (status = build_decisions(cli, &f)))
		goto out;

	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(generated, sizeof generated, "%Y-%m-%dT%H:%M:%SZ", &tm);
	struct export_register reg = {
	    .office = office ? office : DEFAULT_OFFICE,
	    .zone = cli_str(f.info, "", "timezone"),
	    .generated = generated,
	    .base_url = url,
	    .decisions = f.decisions,
	    .n = f.n,
	    .meetings = f.meetings_out,
	    .nmeetings = f.nmeetings,
	};
	if (html)
		rc = export_html(&reg, html, err, sizeof err);
	else if (ics)
		rc = export_ics(&reg, ics, err, sizeof err);
	else
		rc = export_csv(&reg, csv, err, sizeof err);
	/* err names the file that failed, perhaps one inside DIR or a temporary one. */
	if (rc == -DOCKET_ESYS)
		status = cli_fail(cli, EX_CANTCREAT, "cannot write %s (%s)", target, err);
	else if (rc == -DOCKET_EINVAL)
		status = cli_fail(cli, EX_DATAERR, "cannot write %s (%s)", target, err);
	else if (rc < 0)
		status = cli_fail(cli, EX_SOFTWARE, "cannot write %s (%s)", target,
		                  *err ? err : docket_strerror(rc));
	else
		printf("wrote %s (%zu decision%s, %zu meeting%s)\n", target, f.n,
		       f.n == 1 ? "" : "s", f.nmeetings, f.nmeetings == 1 ? "" : "s");
out:
	fetched_free(&f);
	docket_client_destroy(&c);
	free(url);
	return status;
}
