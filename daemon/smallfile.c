/* Replacing a small file whole: a temporary file, synced, renamed over the old one. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

#include "smallfile.h"

int smallfile_replace(const char *path, const void *data, size_t len, mode_t mode)
{
	char tmp[PATH_MAX + 8];
	if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) {
		errno = ENAMETOOLONG;
		return -1;
	}
	/* A temporary file left by a crash is stale: O_EXCL then makes sure this one is new. */
	unlink(tmp);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0)
		return -1;
	int ok = write(fd, data, len) == (ssize_t)len && fsync(fd) == 0;
	int saved = errno;
	close(fd);
	if (!ok || rename(tmp, path) < 0) {
		saved = ok ? errno : saved;
		unlink(tmp);
		errno = saved;
		return -1;
	}
	return 0;
}
