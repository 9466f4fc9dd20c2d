/* Times and dates as the office reads them (its zone from docketd's info), the user's, or UTC. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "date.h"
#include "tz.h"

static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* The user chose a zone of their own: not the office's (docketd's), not --utc. */
static bool own_zone(const struct cli *cli)
{
	return !cli->utc && cli->timezone && strcmp(cli->timezone, "office") != 0;
}

bool cli_zone_valid(const char *name)
{
	struct tz *tz = NULL;
	if (!strcmp(name, "office"))
		return true;
	if (tz_open(&tz, name) < 0)
		return false;
	tz_close(&tz);
	return true;
}

void cli_zone_init(struct cli_zone *z, const struct cli *cli, docket_client *client)
{
	*z = (struct cli_zone){.cli = cli, .client = client, .known = cli->utc};
	/* Checked when read (cli_zone_valid): no call to docketd for it. */
	if (own_zone(cli)) {
		z->known = true;
		if (strcmp(cli->timezone, "UTC") != 0 && tz_open(&z->tz, cli->timezone) < 0)
			z->tz = NULL;
	}
}

void cli_zone_fini(struct cli_zone *z)
{
	tz_close(&z->tz);
}

void cli_zone_adopt(struct cli_zone *z, const char *name)
{
	if (z->known)
		return;
	z->known = true;
	if (!name || tz_open(&z->tz, name) < 0) {
		fprintf(stderr,
		        "docket: time zone '%s' is not in this system's zone data; times "
		        "are in UTC\n",
		        name ? name : "");
		z->tz = NULL;
	}
}

/* Ask docketd its zone with one info call; a failure leaves UTC, said on stderr. */
static void ask(struct cli_zone *z)
{
	docket_client *own = NULL, *c = z->client;
	docket_request *r = NULL;
	docket_msg *reply = NULL;
	const char *name = NULL;
	int rc = 0;

	if (!c && (rc = docket_client_new(&own, z->cli->endpoint)) == 0) {
		docket_client_set_timeout(own, z->cli->timeout_ms);
		c = own;
	}
	if (c && (rc = docket_request_new(&r, "info")) == 0)
		rc = docket_client_call(c, r, &reply);
	if (rc == 0 && docket_msg_get_str(reply, "timezone", &name) == 0) {
		cli_zone_adopt(z, name);
	} else {
		const char *why = reply ? docket_msg_error_message(reply) : NULL;
		fprintf(stderr,
		        "docket: docketd did not give its time zone (%s); times are in UTC\n",
		        why ? why : docket_strerror(rc < 0 ? rc : -DOCKET_EPROTO));
		z->known = true;
	}
	docket_msg_destroy(&reply);
	docket_request_destroy(&r);
	docket_client_destroy(&own);
}

void cli_zone_learn(struct cli_zone *z)
{
	if (!z->known)
		ask(z);
}

/* Write fields as "22 Sep 2030 10:00[:00] ABBR". */
static const char *written(int y, int mo, int d, int h, int mi, int s, enum cli_shown how,
                           const char *abbr, char *buf)
{
	if (how == SHOW_SECONDS)
		snprintf(buf, CLI_TIME_LEN, "%d %s %d %02d:%02d:%02d %s", d, months[mo - 1], y, h,
		         mi, s, abbr);
	else
		snprintf(buf, CLI_TIME_LEN, "%d %s %d %02d:%02d %s", d, months[mo - 1], y, h, mi,
		         abbr);
	return buf;
}

const char *cli_time(struct cli_zone *z, const char *utc, enum cli_shown how, char *buf)
{
	int64_t epoch;
	struct date_time t;

	if (!utc)
		return "-";
	if (date_utc_parse(utc, strlen(utc), &epoch) < 0)
		return utc;
	cli_zone_learn(z);
	if (!z->tz) {
		date_time_parse(utc, 19, &t);
		return written(t.y, t.mo, t.d, t.h, t.mi, t.s, how, "UTC", buf);
	}
	struct tz_local loc;
	tz_local(z->tz, epoch, &loc);
	return written(loc.y, loc.mo, loc.d, loc.h, loc.mi, loc.s, how, loc.abbr, buf);
}

const char *cli_meeting_time(struct cli_zone *z, const char *utc, const char *local,
                             const char *abbr, char *buf)
{
	struct date_time t;

	/* docketd's reading is the office's by definition: no info call needed for it. */
	if (z->cli->utc || own_zone(z->cli) || !local || !abbr || date_time_parse(local, strlen(local), &t) < 0)
		return cli_time(z, utc, SHOW_MINUTES, buf);
	return written(t.y, t.mo, t.d, t.h, t.mi, t.s, SHOW_MINUTES, abbr, buf);
}

const char *cli_day(const char *date, char *buf)
{
	int64_t days;
	int y, mo, d;

	if (!date)
		return "-";
	if (date_parse(date, strlen(date), &days) < 0)
		return date;
	date_civil(days, &y, &mo, &d);
	snprintf(buf, CLI_TIME_LEN, "%d %s %d", d, months[mo - 1], y);
	return buf;
}
