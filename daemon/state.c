/* The state directory: made if missing, locked while docketd runs, kept from other users. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "docket/error.h"
#include "log.h"
#include "state.h"

/* Take an exclusive lock on fd without waiting: 0, or -DOCKET_ECONFLICT, or -DOCKET_ESYS. */
static int lock(int fd, const char *what, char *err, size_t errlen)
{
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return 0;
	if (errno == EWOULDBLOCK) {
		snprintf(err, errlen, "the state directory %s is in use by another docketd", what);
		return -DOCKET_ECONFLICT;
	}
	snprintf(err, errlen, "cannot lock the state directory %s: %s", what, strerror(errno));
	return -DOCKET_ESYS;
}

/*
 * Take away the permission bits of name (in dir_fd; "." for the directory
 * itself) beyond allowed. Only ever removes bits, so a key file kept at
 * 0600 stays so. 0, or -DOCKET_EFORBIDDEN when chmod is refused.
 */
static int tighten(int dir_fd, const char *dir, const char *name, mode_t mode, mode_t allowed,
                   char *err, size_t errlen)
{
	mode_t extra = mode & 0777 & ~allowed;
	if (!extra)
		return 0;
	mode_t tight = mode & 07777 & ~extra;
	int self = strcmp(name, ".") == 0;
	if ((self ? fchmod(dir_fd, tight) : fchmodat(dir_fd, name, tight, 0)) < 0) {
		snprintf(err, errlen,
		         "%s%s%s has mode %04o, which lets other users at the database, and "
		         "docketd cannot change it: %s (make it %04o, or run docketd as its owner)",
		         dir, self ? "" : "/", self ? "" : name, (unsigned)(mode & 07777),
		         strerror(errno), (unsigned)tight);
		return -DOCKET_EFORBIDDEN;
	}
	log_msg(LOG_WARNING,
	        "%s%s%s had mode %04o, which let other users at the database; now %04o", dir,
	        self ? "" : "/", self ? "" : name, (unsigned)(mode & 07777), (unsigned)tight);
	return 0;
}

/* The directory and every regular file in it (the database, its -wal and -shm, keys). */
static int tighten_all(struct state *st, const char *dir, char *err, size_t errlen)
{
	struct stat sb;
	if (fstat(st->dir_fd, &sb) < 0) {
		snprintf(err, errlen, "cannot read the mode of %s: %s", dir, strerror(errno));
		return -DOCKET_ESYS;
	}
	int rc = tighten(st->dir_fd, dir, ".", sb.st_mode, STATE_DIR_MODE, err, errlen);
	if (rc < 0)
		return rc;
	int fd = openat(st->dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	if (!d) {
		snprintf(err, errlen, "cannot list the state directory %s: %s", dir,
		         strerror(errno));
		if (fd >= 0)
			close(fd);
		return -DOCKET_ESYS;
	}
	struct dirent *e;
	while (rc == 0 && (e = readdir(d))) {
		/* A symbolic link is left alone: chmod would change what it points at. */
		if (fstatat(st->dir_fd, e->d_name, &sb, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISREG(sb.st_mode))
			continue;
		rc = tighten(st->dir_fd, dir, e->d_name, sb.st_mode, STATE_FILE_MODE, err, errlen);
	}
	closedir(d);
	return rc;
}

int state_open(struct state *st, const char *path, char *err, size_t errlen)
{
	st->dir_fd = st->lock_fd = -1;
	if (mkdir(path, STATE_DIR_MODE) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create the state directory %s: %s", path,
		         strerror(errno));
		return -DOCKET_ESYS;
	}
	st->dir_fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (st->dir_fd < 0) {
		snprintf(err, errlen, "cannot use the state directory %s: %s", path,
		         strerror(errno));
		return -DOCKET_ESYS;
	}
	/*
	 * The lock is on the directory: a lock file can be deleted under a
	 * running docketd, and the next one would lock a new file of that name.
	 * docketd.lock is locked as well for docketd 0.4, which locks only it.
	 * The database file itself is not flock'd: closing any other descriptor
	 * of it would drop SQLite's own POSIX locks, and over NFS flock is made
	 * of those very locks.
	 */
	int rc = lock(st->dir_fd, path, err, errlen);
	if (rc < 0)
		return rc;
	st->lock_fd = openat(st->dir_fd, "docketd.lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	                     STATE_FILE_MODE);
	if (st->lock_fd < 0) {
		snprintf(err, errlen, "cannot use the state directory %s: docketd.lock: %s", path,
		         strerror(errno));
		return -DOCKET_ESYS;
	}
	if ((rc = lock(st->lock_fd, path, err, errlen)) < 0)
		return rc;
	return tighten_all(st, path, err, errlen);
}

void state_close(struct state *st)
{
	if (st->lock_fd >= 0)
		close(st->lock_fd);
	if (st->dir_fd >= 0)
		close(st->dir_fd);
	st->dir_fd = st->lock_fd = -1;
}
