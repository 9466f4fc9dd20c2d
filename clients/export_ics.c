/* The panel meetings for the public: the iCalendar file, the meetings page, the office times. */
#include <libical/ical.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "docket/error.h"
#include "export_int.h"
#include "text.h"

/* A meeting's length is not recorded; calendars need one, so every meeting is given two hours. */
#define MEETING_NOMINAL_SECONDS (2 * 60 * 60)

static icaltimezone *zone_named(const char *name)
{
	if (!name || strcmp(name, "UTC") == 0)
		return icaltimezone_get_utc_timezone();
	return icaltimezone_get_builtin_timezone(name);
}

/* libical names a zone "GMT/BST": standard time, then summer time. */
static void zone_abbr(icaltimezone *z, int off, int dst, char *out, size_t outlen)
{
	const char *names =
	    z == icaltimezone_get_utc_timezone() ? "UTC" : icaltimezone_get_tznames(z);
	const char *slash = names ? strchr(names, '/') : NULL;
	if (names && slash && dst)
		snprintf(out, outlen, "%s", slash + 1);
	else if (names)
		snprintf(out, outlen, "%.*s",
		         (int)(slash ? slash - names : (ptrdiff_t)strlen(names)), names);
	else
		snprintf(out, outlen, "%c%02d:%02d", off < 0 ? '-' : '+', abs(off) / 3600 % 24,
		         abs(off) / 60 % 60);
}

int export_local_time(const char *zone, const char *utc, struct export_local *out)
{
	int64_t epoch;
	icaltimezone *z = zone_named(zone);
	if (!utc || !z || date_utc_parse(utc, strlen(utc), &epoch) != 0)
		return -DOCKET_EINVAL;
	struct icaltimetype t =
	    icaltime_from_timet_with_zone((time_t)epoch, 0, icaltimezone_get_utc_timezone());
	int dst = 0;
	int off = icaltimezone_get_utc_offset_of_utc_time(z, &t, &dst);
	int64_t local = epoch + off;
	/* Floor division, to be exact for any epoch. */
	int64_t days = local / 86400 - (local % 86400 < 0);
	int64_t secs = local - days * 86400;
	date_civil(days, &out->y, &out->mo, &out->d);
	out->h = (int)(secs / 3600);
	out->mi = (int)(secs / 60 % 60);
	out->s = (int)(secs % 60);
	date_format(days, out->ymd);
	zone_abbr(z, off, dst, out->abbr, sizeof out->abbr);
	return 0;
}

/* Adds p to c; libical returns NULL for a property it could not allocate. */
static int add(icalcomponent *c, icalproperty *p)
{
	if (!c || !p) {
		if (p)
			icalproperty_free(p);
		return -DOCKET_ENOMEM;
	}
	icalcomponent_add_property(c, p);
	return 0;
}

static icalproperty *x_prop(const char *name, const char *value)
{
	icalproperty *p = icalproperty_new_x(value);
	if (p)
		icalproperty_set_x_name(p, name);
	return p;
}

static enum icalproperty_status ical_status(const char *status)
{
	if (strcmp(status, "cancelled") == 0)
		return ICAL_STATUS_CANCELLED;
	if (strcmp(status, "postponed") == 0)
		return ICAL_STATUS_TENTATIVE;
	return ICAL_STATUS_CONFIRMED;
}

/* "Items:\nC1: subject\n...", or NULL (and *rc 0) when the meeting has none. */
static char *items_text(const struct export_meeting *m, int *rc)
{
	char *s = NULL;
	size_t n = 0;
	*rc = 0;
	if (!m->nitems)
		return NULL;
	FILE *f = open_memstream(&s, &n);
	if (!f) {
		*rc = -DOCKET_ENOMEM;
		return NULL;
	}
	fputs("Items:", f);
	for (size_t i = 0; i < m->nitems; i++)
		fprintf(f, "\n%s: %s", m->items[i].code ? m->items[i].code : "",
		        m->items[i].subject ? m->items[i].subject : "");
	if (fclose(f) != 0) {
		free(s);
		*rc = -DOCKET_ENOMEM;
		return NULL;
	}
	return s;
}

/* DTSTART in the office's wall-clock time with its TZID, or in UTC when the office keeps UTC. */
static icalproperty *dtstart(const struct export_register *r, icaltimezone *z, int64_t epoch)
{
	icaltimezone *utc = icaltimezone_get_utc_timezone();
	struct icaltimetype t = icaltime_from_timet_with_zone((time_t)epoch, 0, utc);
	if (z == utc)
		return icalproperty_new_dtstart(t);
	icaltimezone_convert_time(&t, utc, z);
	t = icaltime_set_timezone(&t, z);
	icalproperty *p = icalproperty_new_dtstart(t);
	icalparameter *tzid = p ? icalparameter_new_tzid(r->zone) : NULL;
	if (p && !tzid) {
		icalproperty_free(p);
		return NULL;
	}
	if (p)
		icalproperty_add_parameter(p, tzid);
	return p;
}

static int vevent(icalcomponent *cal, const struct export_register *r, icaltimezone *z,
                  const struct export_meeting *m, struct icaltimetype stamp)
{
	char uid[64], url[EXPORT_URL_LEN], rel[48];
	int64_t epoch;
	if (date_utc_parse(m->starts_at, strlen(m->starts_at), &epoch) != 0)
		return -DOCKET_EINVAL;
	icalcomponent *ev = icalcomponent_new_vevent();
	if (!ev)
		return -DOCKET_ENOMEM;
	/* The UID names the meeting, not its time: a moved meeting updates the same event. */
	snprintf(uid, sizeof uid, "meeting-%lld@docket", (long long)m->id);
	snprintf(rel, sizeof rel, "meetings.html#meeting-%lld", (long long)m->id);
	int rc = add(ev, icalproperty_new_uid(uid));
	if (!rc)
		rc = add(ev, icalproperty_new_dtstamp(stamp));
	if (!rc)
		rc = add(ev, dtstart(r, z, epoch));
	if (!rc)
		rc = add(ev, icalproperty_new_duration(
		                 icaldurationtype_from_int(MEETING_NOMINAL_SECONDS)));
	if (!rc)
		rc = add(ev, icalproperty_new_summary(m->panel));
	if (!rc && m->venue)
		rc = add(ev, icalproperty_new_location(m->venue));
	char *items = rc ? NULL : items_text(m, &rc);
	if (!rc && items)
		rc = add(ev, icalproperty_new_description(items));
	free(items);
	if (!rc)
		rc = add(ev, icalproperty_new_sequence((int)m->version));
	if (!rc)
		rc = add(ev, icalproperty_new_status(ical_status(m->status)));
	if (!rc && r->base_url && export_url(r, rel, url, sizeof url) == 0)
		rc = add(ev, icalproperty_new_url(url));
	if (rc)
		icalcomponent_free(ev);
	else
		icalcomponent_add_component(cal, ev);
	return rc;
}

/*
 * The zone's VTIMEZONE, with its TZID set to the plain IANA name that the
 * DTSTARTs use (libical's own TZID carries a vendor prefix).
 */
static int vtimezone(icalcomponent *cal, const struct export_register *r, icaltimezone *z)
{
	if (z == icaltimezone_get_utc_timezone())
		return 0;
	icalcomponent *src = icaltimezone_get_component(z);
	icalcomponent *c = src ? icalcomponent_new_clone(src) : NULL;
	if (!c)
		return -DOCKET_ENOMEM;
	icalproperty *tzid = icalcomponent_get_first_property(c, ICAL_TZID_PROPERTY);
	if (tzid)
		icalproperty_set_tzid(tzid, r->zone);
	else if (add(c, icalproperty_new_tzid(r->zone)) != 0) {
		icalcomponent_free(c);
		return -DOCKET_ENOMEM;
	}
	icalcomponent_add_component(cal, c);
	return 0;
}

static int calendar_head(icalcomponent *cal, const struct export_register *r)
{
	char name[512];
	snprintf(name, sizeof name, "Panel meetings – %s", r->office);
	int rc = add(cal, icalproperty_new_prodid("-//docket//Panel meetings//EN"));
	if (!rc)
		rc = add(cal, icalproperty_new_version("2.0"));
	if (!rc)
		rc = add(cal, icalproperty_new_calscale("GREGORIAN"));
	if (!rc)
		rc = add(cal, icalproperty_new_method(ICAL_METHOD_PUBLISH));
	if (!rc)
		rc = add(cal, x_prop("X-WR-CALNAME", name));
	if (!rc)
		rc = add(cal, x_prop("X-WR-TIMEZONE", r->zone));
	return rc;
}

/* Meetings by start, then id, for a calendar that reads the same from one export to the next. */
static int by_start(const void *a, const void *b)
{
	const struct export_meeting *x = *(const struct export_meeting *const *)a;
	const struct export_meeting *y = *(const struct export_meeting *const *)b;
	int c = strcmp(x->starts_at, y->starts_at);
	return c ? c : (x->id > y->id) - (x->id < y->id);
}

static int calendar(icalcomponent *cal, const struct export_register *r)
{
	icaltimezone *z = zone_named(r->zone);
	int64_t now;
	size_t n = 0;
	if (!z || date_utc_parse(r->generated, strlen(r->generated), &now) != 0)
		return -DOCKET_EINVAL;
	struct icaltimetype stamp =
	    icaltime_from_timet_with_zone((time_t)now, 0, icaltimezone_get_utc_timezone());
	int rc = calendar_head(cal, r);
	if (rc || (rc = vtimezone(cal, r, z)) != 0)
		return rc;
	const struct export_meeting **v = calloc(r->nmeetings + 1, sizeof *v);
	if (!v)
		return -DOCKET_ENOMEM;
	/* A meeting postponed with no new time has nothing to put in a calendar. */
	for (size_t i = 0; i < r->nmeetings; i++)
		if (r->meetings[i].starts_at)
			v[n++] = &r->meetings[i];
	qsort(v, n, sizeof *v, by_start);
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = vevent(cal, r, z, v[i], stamp);
	free(v);
	return rc;
}

int export_ics(const struct export_register *r, const char *path, char *err, size_t errlen)
{
	char *text = NULL;
	int rc = export_check(r, err, errlen);
	if (rc)
		return rc;
	if (!path)
		return export_fail(err, errlen, -DOCKET_EINVAL, "no file to export to");
	icalcomponent *cal = icalcomponent_new_vcalendar();
	rc = cal ? calendar(cal, r) : -DOCKET_ENOMEM;
	if (rc == 0 && !(text = icalcomponent_as_ical_string_r(cal)))
		rc = -DOCKET_ENOMEM;
	if (rc == 0)
		rc = export_write_file(path, text, strlen(text), err, errlen);
	else
		export_fail(err, errlen, rc, "%s: cannot build the calendar (%s)", path,
		            docket_strerror(rc));
	if (text)
		icalmemory_free_buffer(text);
	if (cal)
		icalcomponent_free(cal);
	return rc;
}

/* Latest meeting first, those with no time last: the meetings page's order. */
static int by_start_desc(const void *a, const void *b)
{
	const struct export_meeting *x = *(const struct export_meeting *const *)a;
	const struct export_meeting *y = *(const struct export_meeting *const *)b;
	if (x->starts_at && y->starts_at) {
		int c = strcmp(y->starts_at, x->starts_at);
		if (c)
			return c;
	} else if (x->starts_at || y->starts_at) {
		return x->starts_at ? -1 : 1;
	}
	return (x->id > y->id) - (x->id < y->id);
}

static int by_ref(const void *a, const void *b)
{
	return strcmp((*(const struct export_decision *const *)a)->ref,
	              (*(const struct export_decision *const *)b)->ref);
}

/* "Tuesday 22 September 2015, 10:00 BST", the office's reading of the start. */
static void meeting_when(struct export_page *p, xmlNodePtr dl, const struct export_register *r,
                         const struct export_meeting *m)
{
	static const char *const days[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
	                                   "Thursday", "Friday", "Saturday"};
	struct export_local l;
	char date[TEXT_DATE_LEN], text[96], iso[21];
	export_el(p, dl, "dt", "Date and time");
	xmlNodePtr dd = export_el(p, dl, "dd", NULL);
	if (!m->starts_at || export_local_time(r->zone, m->starts_at, &l) != 0 ||
	    text_long_date(l.ymd, date) != 0 || export_rfc3339(m->starts_at, iso) != 0) {
		export_text(p, dd, "To be set", strlen("To be set"));
		return;
	}
	snprintf(text, sizeof text, "%s %s, %02d:%02d %s",
	         days[date_weekday(date_days(l.y, l.mo, l.d))], date, l.h, l.mi, l.abbr);
	export_attr(p, export_el(p, dd, "time", text), "datetime", iso);
}

static int decision_li(struct export_page *p, xmlNodePtr ul, const struct export_decision *d)
{
	char slug[EXPORT_SLUG_LEN], href[EXPORT_SLUG_LEN + 16], text[1024];
	int rc = export_slug(d->ref, slug, sizeof slug);
	if (rc)
		return rc;
	snprintf(href, sizeof href, "decisions/%s", slug);
	snprintf(text, sizeof text, "%s (%s)", d->title, d->ref);
	export_link(p, export_el(p, ul, "li", NULL), href, text);
	return 0;
}

static int on_item(const struct export_meeting *m, const char *code)
{
	for (size_t i = 0; code && i < m->nitems; i++)
		if (m->items[i].code && strcmp(m->items[i].code, code) == 0)
			return 1;
	return 0;
}

/* The decisions of meeting m on item code (NULL: those on no item of the meeting). */
static int decision_list(struct export_page *p, xmlNodePtr parent, const struct export_meeting *m,
                         const char *code, const struct export_decision **v, size_t n)
{
	xmlNodePtr ul = NULL;
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		const struct export_decision *d = v[i];
		if (d->meeting != m->id || (code ? !d->item_code || strcmp(d->item_code, code) != 0
		                                 : on_item(m, d->item_code)))
			continue;
		if (!ul)
			ul = export_el(p, parent, "ul", NULL);
		rc = decision_li(p, ul, d);
	}
	return rc ? rc : ul ? 1 : 0;
}

static int meeting_items(struct export_page *p, xmlNodePtr s, const struct export_meeting *m,
                         const struct export_decision **v, size_t n)
{
	char text[1024];
	export_el(p, s, "h3", "Agenda items");
	if (!m->nitems)
		export_el(p, s, "p", "No agenda items recorded.");
	xmlNodePtr ul = m->nitems ? export_el(p, s, "ul", NULL) : NULL;
	for (size_t i = 0; i < m->nitems; i++) {
		const struct export_item *it = &m->items[i];
		snprintf(text, sizeof text, "Item %s: %s", it->code ? it->code : "",
		         it->subject ? it->subject : "");
		int rc = decision_list(p, export_el(p, ul, "li", text), m, it->code ? it->code : "",
		                       v, n);
		if (rc < 0)
			return rc;
	}
	/* Decisions reported at the meeting whose item is not on its agenda still belong here. */
	xmlNodePtr h = export_el(p, s, "h3", "Other decisions at this meeting");
	int rc = decision_list(p, s, m, NULL, v, n);
	if (rc == 0 && h) {
		xmlUnlinkNode(h);
		xmlFreeNode(h);
	}
	return rc < 0 ? rc : 0;
}

/* A meeting that will not happen as listed says so in words, not only by its status. */
static const char *meeting_notice(const struct export_meeting *m)
{
	if (strcmp(m->status, "cancelled") == 0)
		return "This meeting was cancelled.";
	if (strcmp(m->status, "postponed") != 0)
		return NULL;
	return m->starts_at ? "This meeting has been postponed."
	                    : "This meeting has been postponed; no new date has been set.";
}

static int meeting_section(struct export_page *p, const struct export_register *r,
                           const struct export_meeting *m, const struct export_decision **v)
{
	char id[40], name[512];
	xmlNodePtr s = export_el(p, p->main, "section", NULL);
	export_attr(p, s, "class", "meeting");
	snprintf(id, sizeof id, "meeting-%lld", (long long)m->id);
	export_attr(p, s, "id", id);
	export_meeting_name(r, m, name, sizeof name);
	export_el(p, s, "h2", name);
	const char *notice = meeting_notice(m);
	if (notice)
		export_attr(p, export_el(p, s, "p", notice), "class", "notice");
	xmlNodePtr dl = export_el(p, s, "dl", NULL);
	export_attr(p, dl, "class", "meta");
	meeting_when(p, dl, r, m);
	export_el(p, dl, "dt", "Panel");
	export_el(p, dl, "dd", m->panel);
	export_el(p, dl, "dt", "Status");
	export_el(p, dl, "dd", export_status_label(m->status));
	export_el(p, dl, "dt", "Venue");
	export_el(p, dl, "dd", m->venue ? m->venue : "Not recorded");
	return meeting_items(p, s, m, v, r->n);
}

int export_meetings_page(const struct export_register *r, const char *dir, char *err, size_t errlen)
{
	char path[4096], title[512];
	struct export_page p = {0};
	const struct export_meeting **mv = NULL;
	const struct export_decision **v = NULL;
	int rc = export_path(path, sizeof path, dir, "meetings.html", err, errlen);
	if (rc)
		return rc;
	snprintf(title, sizeof title, "Panel meetings – %s", r->office);
	if (!(v = export_sorted(r, by_ref)) || !(mv = calloc(r->nmeetings + 1, sizeof *mv)) ||
	    (rc = export_page_new(&p, r, title, "", EXPORT_NAV_MEETINGS)) != 0) {
		rc = export_fail(err, errlen, -DOCKET_ENOMEM, "%s: out of memory", path);
		goto out;
	}
	for (size_t i = 0; i < r->nmeetings; i++)
		mv[i] = &r->meetings[i];
	qsort(mv, r->nmeetings, sizeof *mv, by_start_desc);
	export_el(&p, p.main, "h1", "Panel meetings");
	export_attr(&p,
	            export_el(&p, p.main, "p",
	                      r->nmeetings ? "The Police and Crime Panel's meetings, latest first, "
	                                     "with the decisions reported to each."
	                                   : "No meetings recorded."),
	            "class", "lede");
	for (size_t i = 0; i < r->nmeetings && rc == 0; i++)
		rc = meeting_section(&p, r, mv[i], v);
	rc = rc ? export_fail(err, errlen, rc, "%s: cannot build the page", path)
	        : export_page_save(&p, path, err, errlen);
out:
	export_page_free(&p);
	free(mv);
	free(v);
	return rc;
}
