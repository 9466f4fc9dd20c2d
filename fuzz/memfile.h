/* An input as a file, for harnesses of code that reads a path: a memfd, never the disk. */
#ifndef DOCKET_FUZZ_MEMFILE_H
#define DOCKET_FUZZ_MEMFILE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Make the size bytes at data the whole content of the run's one memfd,
 * and return its path (/proc/self/fd/N, static storage). Aborts when the
 * machine refuses: a harness that cannot feed its input must not pass.
 */
const char *memfile_put(const uint8_t *data, size_t size);

#endif
