/* backup: an online copy of the database, written by docketd on its own host. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "backup.h"
#include "cmd.h"
#include "docket/error.h"
#include "server.h"

/* The directory path is in: its real path into out. 0, or -1 with errno. */
static int real_dir(const char *path, char *out)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	return realpath(dir, out) ? 0 : -1;
}

/*
 * What is wrong with the request is said at once; the copy itself runs on
 * backup.c's thread, and its reply comes when the file is on disk.
 */
int handle_backup(struct cmd *c)
{
	struct server *s = c->server;
	struct str p = c->req->s[F_PATH];
	bool force = (c->req->present & BIT(F_FORCE)) && c->req->n[F_FORCE];
	char path[PATH_MAX], dir[PATH_MAX], state[PATH_MAX], db[PATH_MAX];
	struct stat sb;
	if (p.len == 0 || p.len >= PATH_MAX - 8 || p.ptr[0] != '/' || p.ptr[p.len - 1] == '/')
		return cmd_fail(c, -DOCKET_EBADREQ,
				"'path' must be an absolute file name on docketd's host");
	snprintf(path, sizeof path, "%.*s", (int)p.len, p.ptr);
	if (real_dir(path, dir) < 0)
		return cmd_fail(c, -DOCKET_EPRECONDITION, "cannot use the directory of %s: %s", path,
				strerror(errno));
	/* A copy beside the database shares its fate, and a name there could be one of SQLite's. */
	snprintf(db, sizeof db, "%s", store_path(c->store));
	if (real_dir(db, state) == 0 && strcmp(dir, state) == 0)
		return cmd_fail(c, -DOCKET_EBADREQ,
				"'path' must not be in docketd's state directory %s", state);
	if (lstat(path, &sb) == 0 && !force)
		return cmd_fail(c, -DOCKET_ECONFLICT, "%s exists (force replaces it)", path);
	if (lstat(path, &sb) == 0 && !S_ISREG(sb.st_mode))
		return cmd_fail(c, -DOCKET_ECONFLICT, "%s exists and is not a file", path);
	int rc = backup_start(s->backup, path, force, &c->entry->route, c->entry->delimiter,
			      c->req->id);
	if (rc == -DOCKET_ECONFLICT)
		return cmd_fail(c, rc, "a backup is being made: one at a time");
	if (rc < 0)
		return cmd_fail(c, rc, "cannot start the backup: %s",
				rc == -DOCKET_ESYS ? strerror(errno) : "out of memory");
	c->deferred = 1;
	return 0;
}
