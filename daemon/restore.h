/* docketd --restore: a backup checked, then installed as the state directory's database. */
#ifndef DOCKET_RESTORE_H
#define DOCKET_RESTORE_H

/*
 * With docketd stopped (the state directory's lock says so): copy file
 * into state_dir, check the copy (integrity and the log's chain), move
 * the database there aside (docket.db.before-restore-TIME, its -wal with
 * it), put the copy in its place and set the watermark to the copy's head.
 * Logs what it did. Returns a sysexits code: EX_OK; EX_DATAERR when the
 * copy fails its checks (nothing changed); EX_NOINPUT when file cannot be
 * read; EX_TEMPFAIL when docketd runs on state_dir; EX_CANTCREAT when
 * state_dir cannot be written.
 */
int restore_run(const char *file, const char *state_dir);

#endif
