/* Every SQL statement docketd runs, prepared once when the store opens. */
#include <stdio.h>
#include <string.h>

#include "docket/error.h"
#include "store_int.h"

const char *const decision_col_names[D_COUNT] = {
	[D_TITLE] = "title",
	[D_TEXT] = "text",
	[D_JUSTIFICATION] = "justification",
	[D_DECISION_MAKER] = "decision_maker",
	[D_CATEGORY] = "category",
	[D_COST_TEXT] = "cost_text",
	[D_AUTHOR] = "author",
	[D_RESTRICTION] = "restriction",
	[D_RESTRICTION_REASON] = "restriction_reason",
	[D_REVIEW_DATE] = "review_date",
	[D_COMMENT] = "comment",
	[D_RECOMMENDATION] = "recommendation",
	[D_RESPONSE_DUE] = "response_due",
	[D_RESPONSE] = "response",
	[D_DRAFTED_AT] = "drafted_at",
	[D_SUBMITTED_AT] = "submitted_at",
	[D_ENDORSED_AT] = "endorsed_at",
	[D_ENDORSED_BY] = "endorsed_by",
	[D_PUBLISHED_AT] = "published_at",
	[D_REPORTED_AT] = "reported_at",
	[D_CLOSED_AT] = "closed_at",
	[D_DECIDED_ON] = "decided_on",
	[D_PUBLISHED_ON] = "published_on",
	[D_REPORTED_ON] = "reported_on",
	[D_NOTED_ON] = "noted_on",
	[D_RECOMMENDED_ON] = "recommended_on",
	[D_RESPONDED_ON] = "responded_on",
	[D_WITHHELD] = "withheld",
	[D_PUBLIC_TEXT] = "public_text",
	[D_PUBLIC_JUSTIFICATION] = "public_justification",
};

#define DECISION_COLS "ref, state, version, cost_pence, item, position, source, source_line"
#define MEETING_COLS "id, panel, starts_at, venue, status, version"
#define ITEM_COLS "id, meeting, code, subject, period_start, period_end, from_text, to_text"
#define SOURCE_COLS                                                                          \
	"id, file, sha256, document, title, from_text, to_text, subject, item, imported_at, actor, " \
	"(SELECT count(*) FROM decisions WHERE source = sources.id)"
/* A cursor with its counts: pending, parked, and the first event not yet acknowledged. */
#define CURSOR_COLS                                                                          \
	"name, topics, delivered, ack_wait, max_deliveries, created_at,"                      \
	" (SELECT count(*) FROM cursor_events WHERE cursor = name AND parked_at IS NULL),"    \
	" (SELECT count(*) FROM cursor_events WHERE cursor = name AND parked_at IS NOT NULL)," \
	" (SELECT min(seq) FROM cursor_events WHERE cursor = name AND parked_at IS NULL)"
#define REMINDER_COLS "id, kind, meeting, ref, days, target_at, due_at, status, seq, settled_at"
/*
 * Decisions not yet decided sort after every date. No index serves this
 * order: an office takes hundreds of decisions a year, so the sort is
 * cheap, and every command that writes a decision would pay for the index.
 */
#define DECIDED_KEY "coalesce(decided_on, '~')"

static const char *const fixed_sql[S_COUNT] = {
	[S_BEGIN] = "BEGIN IMMEDIATE",
	[S_COMMIT] = "COMMIT",
	[S_ROLLBACK] = "ROLLBACK",
	[S_SAVEPOINT] = "SAVEPOINT cmd",
	[S_RELEASE] = "RELEASE cmd",
	[S_ROLLBACK_TO] = "ROLLBACK TO cmd",
	[S_EVENT_INSERT] = "INSERT INTO events (seq, ts, type, actor, ref, meeting, item, body,"
			   " prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	[S_EVENT_HASH] = "SELECT hash FROM events WHERE seq = ?1",
	[S_IDEM_GET] = "SELECT request, result, pairs FROM idempotency"
		       " WHERE principal = ?1 AND key = ?2",
	[S_IDEM_PUT] = "INSERT INTO idempotency (principal, key, request, result, pairs)"
		       " VALUES (?1, ?2, ?3, ?4, ?5)",
	[S_DECISION_HISTORY] = "SELECT body FROM events WHERE ref = ?1 ORDER BY seq",
	[S_LOG_PAGE] = "SELECT seq, type, body FROM events WHERE seq > ?1 ORDER BY seq LIMIT ?2",
	[S_LOG_GET] = "SELECT seq, type, body, ts FROM events WHERE seq = ?1",
	[S_LOG_TS] = "SELECT ts FROM events WHERE seq = ?1",
	[S_CURSOR_GET] = "SELECT " CURSOR_COLS " FROM cursors WHERE name = ?1",
	[S_CURSOR_LIST] = "SELECT " CURSOR_COLS " FROM cursors ORDER BY name",
	[S_CURSOR_INSERT] = "INSERT INTO cursors (name, topics, delivered, ack_wait, max_deliveries,"
			    " created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[S_CURSOR_DELETE] = "DELETE FROM cursors WHERE name = ?1",
	[S_CURSOR_DELIVERED] = "UPDATE cursors SET delivered = ?2 WHERE name = ?1",
	[S_CURSOR_REWIND] = "DELETE FROM cursor_events WHERE cursor = ?1 AND seq > ?2",
	[S_PENDING_DUE] = "SELECT seq, deliveries FROM cursor_events WHERE cursor = ?1"
			  " AND parked_at IS NULL AND due_at <= ?2 ORDER BY seq LIMIT ?3",
	[S_PENDING_ADD] = "INSERT INTO cursor_events (cursor, seq, deliveries, due_at)"
			  " VALUES (?1, ?2, 1, ?3)",
	[S_PENDING_GET] = "SELECT deliveries, parked_at IS NOT NULL FROM cursor_events"
			  " WHERE cursor = ?1 AND seq = ?2",
	[S_PENDING_REDELIVER] = "UPDATE cursor_events SET deliveries = deliveries + ?4, due_at = ?3"
				" WHERE cursor = ?1 AND seq = ?2",
	[S_PENDING_ACK] = "DELETE FROM cursor_events WHERE cursor = ?1 AND seq = ?2"
			  " AND parked_at IS NULL",
	[S_PENDING_ACK_THROUGH] = "DELETE FROM cursor_events WHERE cursor = ?1 AND seq <= ?2"
				  " AND parked_at IS NULL",
	[S_PENDING_PARK] = "UPDATE cursor_events SET parked_at = ?3, reason = ?4"
			   " WHERE cursor = ?1 AND seq = ?2 AND parked_at IS NULL",
	[S_PARKED_RETRY] = "UPDATE cursor_events SET parked_at = NULL, reason = NULL,"
			   " deliveries = 0, due_at = 0 WHERE cursor = ?1 AND parked_at IS NOT NULL"
			   " AND (?2 = 0 OR seq = ?2)",
	[S_PARKED_SKIP] = "DELETE FROM cursor_events WHERE cursor = ?1 AND parked_at IS NOT NULL"
			  " AND (?2 = 0 OR seq = ?2)",
	[S_PARKED_LIST] = "SELECT c.seq, e.type, e.ts, c.deliveries, c.parked_at, c.reason"
			  " FROM cursor_events c JOIN events e ON e.seq = c.seq"
			  " WHERE c.cursor = ?1 AND c.parked_at IS NOT NULL ORDER BY c.seq LIMIT ?2",
	[S_REMINDER_INSERT] = "INSERT INTO reminders (kind, meeting, ref, days, target_at, due_at,"
			      " status, seq, settled_at) VALUES (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	[S_REMINDER_UPDATE] = "UPDATE reminders SET target_at = ?6, due_at = ?7, status = ?8,"
			      " seq = ?9, settled_at = ?10 WHERE id = ?1",
	[S_REMINDERS_OF_MEETING] = "SELECT " REMINDER_COLS " FROM reminders"
				   " WHERE meeting = ?1 AND kind = ?2 ORDER BY id",
	[S_REMINDERS_OF_REF] = "SELECT " REMINDER_COLS " FROM reminders"
			       " WHERE ref = ?1 AND kind = ?2 ORDER BY id",
	[S_REMINDERS_DUE] = "SELECT " REMINDER_COLS " FROM reminders"
			    " WHERE status = 'pending' AND due_at <= ?1 ORDER BY due_at, id LIMIT ?2",
	[S_REMINDER_NEXT] = "SELECT min(due_at) FROM reminders WHERE status = 'pending'",
	[S_REMINDER_LIST] = "SELECT " REMINDER_COLS " FROM reminders"
			    " WHERE (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR kind = ?2)"
			    " AND (?3 IS NULL OR meeting = ?3) AND (?4 IS NULL OR ref = ?4)"
			    " ORDER BY due_at, id LIMIT ?5",
	/* One pending reminder of each target: SQLite picks the row a bare column comes from. */
	[S_REMINDER_TARGETS] = "SELECT " REMINDER_COLS " FROM reminders"
			       " WHERE status = 'pending' GROUP BY kind, meeting, ref",
	[S_MEETING_GET] = "SELECT " MEETING_COLS " FROM meetings WHERE id = ?1",
	[S_MEETING_INSERT] = "INSERT INTO meetings (panel, starts_at, venue, status, version)"
			     " VALUES (?2, ?3, ?4, ?5, ?6)",
	[S_MEETING_UPDATE] = "UPDATE meetings SET panel = ?2, starts_at = ?3, venue = ?4,"
			     " status = ?5, version = ?6 WHERE id = ?1",
	[S_MEETING_LIST] = "SELECT " MEETING_COLS " FROM meetings ORDER BY starts_at, id",
	[S_MEETING_NEXT] = "SELECT " MEETING_COLS " FROM meetings"
			   " WHERE status = 'scheduled' AND starts_at > ?1 ORDER BY starts_at, id LIMIT 1",
	[S_MEETING_COUNT] = "SELECT count(*) FROM decisions d JOIN items i ON d.item = i.id"
			    " WHERE i.meeting = ?1 AND (?2 IS NULL OR d.state = ?2)",
	[S_ITEM_GET] = "SELECT " ITEM_COLS " FROM items WHERE id = ?1",
	[S_ITEM_INSERT] = "INSERT INTO items (meeting, code, subject, period_start, period_end,"
			  " from_text, to_text) VALUES (?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[S_MEETING_ITEMS] = "SELECT " ITEM_COLS " FROM items WHERE meeting = ?1 ORDER BY id",
	[S_ITEM_CODE] = "SELECT count(*) FROM items"
			" WHERE meeting = ?1 AND trim(code) = trim(?2) COLLATE NOCASE",
	[S_ITEM_NEXT_POSITION] = "SELECT coalesce(max(position), 0) + 1 FROM decisions WHERE item = ?1",
	[S_DECISION_POSITION] = "UPDATE decisions SET position = ?2 WHERE ref = ?1",
	[S_MEETING_ON] = "SELECT " MEETING_COLS " FROM meetings"
			 " WHERE panel = ?1 AND starts_at >= ?2 AND starts_at < ?3 ORDER BY id LIMIT 1",
	[S_ITEM_BY_CODE] = "SELECT " ITEM_COLS " FROM items"
			   " WHERE meeting = ?1 AND trim(code) = trim(?2) COLLATE NOCASE LIMIT 1",
	[S_SOURCE_BY_SHA] = "SELECT " SOURCE_COLS " FROM sources WHERE sha256 = ?1",
	[S_SOURCE_GET] = "SELECT " SOURCE_COLS " FROM sources WHERE id = ?1",
	[S_SOURCE_INSERT] = "INSERT INTO sources (file, sha256, document, title, from_text, to_text,"
			    " subject, item, imported_at, actor)"
			    " VALUES (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	[S_SOURCE_LIST] = "SELECT " SOURCE_COLS " FROM sources ORDER BY id",
	/* bm25 ranks lower as better; a title match counts ten times a match in the text. */
	[S_SEARCH] = "SELECT d.ref, d.title, d.state, d.decision_maker, d.category, d.decided_on,"
		     " bm25(search, 10.0, 1.0, 1.0) AS score,"
		     " snippet(search, -1, char(2), char(3), '…', 24)"
		     " FROM search JOIN search_refs r ON r.id = search.rowid"
		     " JOIN decisions d ON d.ref = r.ref"
		     " WHERE search MATCH ?1 AND d.state IN (" STORE_REGISTER_STATES ")"
		     " AND (?2 IS NULL OR d.state = ?2)"
		     " AND (?3 IS NULL OR d.decision_maker = ?3) AND (?4 IS NULL OR d.category = ?4)"
		     " AND (?5 IS NULL OR d.decided_on >= ?5) AND (?6 IS NULL OR d.decided_on <= ?6)"
		     " ORDER BY score, d.ref_key LIMIT ?7",
	/* A row when the index holds what the public may read of ?1 now. */
	[S_SEARCH_SAME] = "SELECT 1 FROM decisions d, search s WHERE d.ref = ?1"
			  " AND s.rowid = (SELECT id FROM search_refs WHERE ref = ?1)"
			  " AND s.title IS d.title AND s.text IS" STORE_PUBLIC_TEXT("d")
			  " AND s.justification IS" STORE_PUBLIC_JUSTIFICATION("d"),
	[S_SEARCH_REF] = "INSERT OR IGNORE INTO search_refs (ref) VALUES (?1)",
	[S_SEARCH_DELETE] = "DELETE FROM search WHERE rowid ="
			    " (SELECT id FROM search_refs WHERE ref = ?1)",
	[S_SEARCH_PUT] = "INSERT INTO search (rowid, title, text, justification)"
			 " SELECT r.id, d.title," STORE_PUBLIC_TEXT("d") ","
			 STORE_PUBLIC_JUSTIFICATION("d")
			 " FROM decisions d JOIN search_refs r ON r.ref = d.ref WHERE d.ref = ?1",
};

/* What follows "SELECT <decision columns> FROM decisions" in each query over decisions. */
static const char *const decision_where[S_COUNT] = {
	[S_DECISION_GET] = " WHERE ref = ?1",
	[S_LIST_REF] = " WHERE ref_key > ?2 ORDER BY ref_key LIMIT ?3",
	[S_LIST_REF_STATE] = " WHERE state = ?1 AND ref_key > ?2 ORDER BY ref_key LIMIT ?3",
	[S_LIST_DECIDED] = " WHERE (" DECIDED_KEY ", ref_key) > (?4, ?2)"
			   " ORDER BY " DECIDED_KEY ", ref_key LIMIT ?3",
	[S_LIST_DECIDED_STATE] = " WHERE state = ?1 AND (" DECIDED_KEY ", ref_key) > (?4, ?2)"
				 " ORDER BY " DECIDED_KEY ", ref_key LIMIT ?3",
	[S_ITEM_DECISIONS] = " WHERE item = ?1 ORDER BY position, endorsed_at, ref_key",
	[S_DECISION_CANDIDATES] = " WHERE state IN ('endorsed', 'published')"
				  " AND (decided_on BETWEEN ?1 AND ?2 OR published_on BETWEEN ?1 AND ?2)"
				  " ORDER BY ref_key",
	[S_DECISION_RESPONSES] = " WHERE state = 'response_due' AND response_due <= ?1"
				 " ORDER BY response_due, ref_key",
	[S_DECISION_REVIEWS] = " WHERE restriction <> 'none' AND review_date <= ?1"
			       " ORDER BY review_date, ref_key",
	[S_SOURCE_DECISIONS] = " WHERE source = ?1 ORDER BY source_line, ref_key",
	[S_REGISTER] = " WHERE ref_key > ?2 AND state IN (" STORE_REGISTER_STATES ")"
		       " ORDER BY ref_key LIMIT ?3",
};

/* Append printf output to buf at *used; -1 when it does not fit. */
static int append(char *buf, size_t cap, size_t *used, const char *fmt, const char *arg, int n)
{
	int w = snprintf(buf + *used, cap - *used, fmt, arg, n);
	if (w < 0 || (size_t)w >= cap - *used)
		return -1;
	*used += (size_t)w;
	return 0;
}

/* Build the decision statements from decision_col_names, so the column list lives in one place. */
static int decision_sql(enum stmt st, char *buf, size_t cap)
{
	size_t used = 0;
	int rc = 0;
	if (decision_where[st]) {
		rc |= append(buf, cap, &used, "SELECT " DECISION_COLS "%s", "", 0);
		for (int i = 0; i < D_COUNT; i++)
			rc |= append(buf, cap, &used, ", %s", decision_col_names[i], 0);
		rc |= append(buf, cap, &used, "%s", " FROM decisions", 0);
		rc |= append(buf, cap, &used, "%s", decision_where[st], 0);
		return rc;
	}
	switch (st) {
	case S_DECISION_INSERT:
		/* ref_key is bound last, after the text columns. */
		rc |= append(buf, cap, &used, "INSERT INTO decisions (" DECISION_COLS "%s", "", 0);
		for (int i = 0; i < D_COUNT; i++)
			rc |= append(buf, cap, &used, ", %s", decision_col_names[i], 0);
		rc |= append(buf, cap, &used, "%s",
			     ", ref_key) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8", 0);
		for (int i = 0; i <= D_COUNT; i++)
			rc |= append(buf, cap, &used, "%s?%d", ", ", DECISION_TEXT_BIND + i);
		rc |= append(buf, cap, &used, "%s", ")", 0);
		break;
	case S_DECISION_UPDATE:
		rc |= append(buf, cap, &used, "%s",
			     "UPDATE decisions SET state = ?2, version = ?3, cost_pence = ?4,"
			     " item = ?5, position = ?6, source = ?7, source_line = ?8",
			     0);
		for (int i = 0; i < D_COUNT; i++)
			rc |= append(buf, cap, &used, ", %s = ?%d", decision_col_names[i],
				     DECISION_TEXT_BIND + i);
		rc |= append(buf, cap, &used, "%s", " WHERE ref = ?1", 0);
		break;
	default:
		return -1;
	}
	return rc;
}

int store_prepare_all(struct store *s, char *err, size_t errlen)
{
	char buf[8192];
	for (int i = 0; i < S_COUNT; i++) {
		const char *sql = fixed_sql[i];
		if (!sql) {
			if (decision_sql(i, buf, sizeof buf) < 0) {
				snprintf(err, errlen, "statement %d does not fit", i);
				return -DOCKET_EINTERNAL;
			}
			sql = buf;
		}
		if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->stmt[i],
				       NULL) != SQLITE_OK) {
			snprintf(err, errlen, "cannot prepare statement: %s", sqlite3_errmsg(s->db));
			return -DOCKET_ESTORAGE;
		}
	}
	return 0;
}
