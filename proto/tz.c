/* The office's time zone, read from the system's zone data through libical. */
#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docket/error.h"
#include "tz.h"

struct tz {
	icaltimezone *zone;   /* libical's, shared and never freed */
	char name[64];
	char std[16], dst[16]; /* abbreviations from the zone's names, "" when unknown */
	/* tz_days is asked about today again and again: the day, and when it begins and ends. */
	int64_t day, day_from, day_until;
};

static int offset_at(const struct tz *z, int64_t epoch, int *is_dst)
{
	struct icaltimetype u =
		icaltime_from_timet_with_zone((time_t)epoch, 0, icaltimezone_get_utc_timezone());
	int dst = 0;
	int off = icaltimezone_get_utc_offset_of_utc_time(z->zone, &u, &dst);
	if (is_dst)
		*is_dst = dst;
	return off;
}

int tz_open(struct tz **out, const char *name)
{
	*out = NULL;
	icaltimezone *zone = strcmp(name, "UTC") == 0 ? icaltimezone_get_utc_timezone()
						     : icaltimezone_get_builtin_timezone(name);
	if (!zone || strlen(name) >= sizeof((struct tz *)0)->name)
		return -DOCKET_EINVAL;
	struct tz *z = calloc(1, sizeof *z);
	if (!z)
		return -DOCKET_ENOMEM;
	z->zone = zone;
	snprintf(z->name, sizeof z->name, "%s", name);
	/* libical names a zone "GMT/BST": standard time, then summer time. */
	const char *names = icaltimezone_get_tznames(zone);
	if (!names && zone == icaltimezone_get_utc_timezone())
		names = "UTC";
	if (names) {
		const char *slash = strchr(names, '/');
		size_t n = slash ? (size_t)(slash - names) : strlen(names);
		if (n < sizeof z->std)
			snprintf(z->std, sizeof z->std, "%.*s", (int)n, names);
		if (slash && strlen(slash + 1) < sizeof z->dst)
			snprintf(z->dst, sizeof z->dst, "%s", slash + 1);
		else if (!slash)
			snprintf(z->dst, sizeof z->dst, "%s", z->std);
	}
	*out = z;
	return 0;
}

void tz_close(struct tz **zp)
{
	free(*zp);
	*zp = NULL;
}

const char *tz_name(const struct tz *z)
{
	return z->name;
}

static void offset_text(int off, char *buf, size_t len)
{
	/* Offsets stay within a day: the hours have two digits. */
	int a = (off < 0 ? -off : off) % 86400;
	snprintf(buf, len, "%c%02d:%02d", off < 0 ? '-' : '+', a / 3600, a / 60 % 60);
}

void tz_local(const struct tz *z, int64_t epoch, struct tz_local *out)
{
	int dst;
	int off = offset_at(z, epoch, &dst);
	int64_t local = epoch + off;
	int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
	int64_t sec = local - days * 86400;
	date_civil(days, &out->y, &out->mo, &out->d);
	out->h = (int)(sec / 3600);
	out->mi = (int)(sec / 60 % 60);
	out->s = (int)(sec % 60);
	out->offset = off;
	const char *abbr = dst ? z->dst : z->std;
	/* Names such as "+0630" in libical's list are offsets, not names: say the offset. */
	if (abbr[0] && abbr[0] != '+' && abbr[0] != '-')
		snprintf(out->abbr, sizeof out->abbr, "%s", abbr);
	else
		offset_text(off, out->abbr, sizeof out->abbr);
}

int64_t tz_days(struct tz *z, int64_t epoch)
{
	if (epoch >= z->day_from && epoch < z->day_until)
		return z->day;
	int64_t local = epoch + offset_at(z, epoch, NULL);
	int64_t day = local >= 0 ? local / 86400 : (local - 86399) / 86400;
	z->day = day;
	z->day_from = tz_at(z, day, 0);
	z->day_until = tz_at(z, day + 1, 0);
	return day;
}

enum tz_fit tz_fit(const struct tz *z, int64_t naive, int64_t *first, int64_t *second)
{
	/* The offsets in force a day either side; no zone changes twice within a day. */
	int before = offset_at(z, naive - 86400, NULL);
	int after = offset_at(z, naive + 86400, NULL);
	int64_t cand[2] = {naive - before, naive - after};
	int64_t fit[2];
	int n = 0;
	for (int i = 0; i < (before == after ? 1 : 2); i++)
		if (offset_at(z, cand[i], NULL) == naive - cand[i])
			fit[n++] = cand[i];
	if (n == 0) {
		*first = naive - before;
		return TZ_GAP;
	}
	if (n == 1) {
		*first = fit[0];
		return TZ_ONE;
	}
	*first = fit[0] < fit[1] ? fit[0] : fit[1];
	*second = fit[0] < fit[1] ? fit[1] : fit[0];
	return TZ_FOLD;
}

int tz_resolve(const struct tz *z, const struct date_time *t, const char *what, int64_t *epoch,
	       char *err, size_t errlen)
{
	int64_t naive = date_time_naive(t), a, b;
	char wall[24];
	snprintf(wall, sizeof wall, "%04d-%02d-%02dT%02d:%02d", t->y, t->mo, t->d, t->h, t->mi);
	switch (t->zone) {
	case DATE_ZONE_UTC:
		*epoch = naive;
		break;
	case DATE_ZONE_OFFSET:
		*epoch = naive - t->offset;
		break;
	case DATE_ZONE_LOCAL:
		switch (tz_fit(z, naive, &a, &b)) {
		case TZ_ONE:
			*epoch = a;
			break;
		case TZ_GAP: {
			struct tz_local before, after;
			tz_local(z, a - 86400, &before);
			tz_local(z, a + 86400, &after);
			snprintf(err, errlen,
				 "'%s' %s does not exist in %s: the clocks go forward over it "
				 "(%s to %s); give another time or an offset",
				 what, wall, z->name, before.abbr, after.abbr);
			return -DOCKET_EBADREQ;
		}
		case TZ_FOLD: {
			struct tz_local la, lb;
			char oa[16], ob[16];
			tz_local(z, a, &la);
			tz_local(z, b, &lb);
			offset_text(la.offset, oa, sizeof oa);
			offset_text(lb.offset, ob, sizeof ob);
			snprintf(err, errlen,
				 "'%s' %s happens twice in %s: the clocks go back over it; say which "
				 "with an offset, %s%s (%s) or %s%s (%s)",
				 what, wall, z->name, wall, oa, la.abbr, wall, ob, lb.abbr);
			return -DOCKET_EBADREQ;
		}
		}
		break;
	}
	if (!date_epoch_in_range(*epoch)) {
		snprintf(err, errlen, "'%s' %s falls outside the years %d to %d (UTC)", what, wall,
			 DATE_YEAR_MIN, DATE_YEAR_MAX);
		return -DOCKET_EBADREQ;
	}
	return 0;
}

int64_t tz_at(const struct tz *z, int64_t days, int minute)
{
	int64_t a, b;
	tz_fit(z, days * 86400 + (int64_t)minute * 60, &a, &b);
	return a;
}

void tz_format_iso(const struct tz *z, int64_t epoch, char *iso, struct tz_local *loc)
{
	tz_local(z, epoch, loc);
	if (!iso)
		return;
	char off[8];
	offset_text(loc->offset, off, sizeof off);
	snprintf(iso, 32, "%04d-%02d-%02dT%02d:%02d:%02d%s", loc->y, loc->mo, loc->d, loc->h,
		 loc->mi, loc->s, off);
}
