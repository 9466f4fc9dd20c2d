/* Small files beside the database (keys' public halves, the watermark, the last backup). */
#ifndef DOCKET_SMALLFILE_H
#define DOCKET_SMALLFILE_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Put len bytes at path, made with mode, through path.tmp synced and
 * renamed over it: a reader sees the old file or the new one, never part.
 * The caller syncs the directory when the name must last. Returns 0, or
 * -1 with errno set (path.tmp removed).
 */
int smallfile_replace(const char *path, const void *data, size_t len, mode_t mode);

#endif
