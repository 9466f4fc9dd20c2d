/* What every harness shares: libFuzzer's entry point and a check that holds in every build. */
#ifndef DOCKET_FUZZ_H
#define DOCKET_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/*
 * Run one input through the code under test. Returns 0 (libFuzzer reserves
 * other values). Frees whatever it allocates: a leak is a failure too.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * A property the code under test must keep for any input. Not assert():
 * the checks are the harness's oracle and must stay in Release builds.
 */
#define FUZZ_CHECK(cond) ((cond) ? (void)0 : fuzz_fail(#cond, __FILE__, __LINE__))

static inline void fuzz_fail(const char *what, const char *file, int line)
{
	fprintf(stderr, "%s:%d: property does not hold: %s\n", file, line, what);
	abort();
}

#endif
