/* What the benchmarks share: clocks, CPU time, and reading a number from the command line. */
#ifndef DOCKET_BENCH_UTIL_H
#define DOCKET_BENCH_UTIL_H

#include <stdbool.h>
#include <stdint.h>

/* CLOCK_MONOTONIC in nanoseconds. */
int64_t bench_now_ns(void);

/* This process's user + system CPU time, in nanoseconds. */
int64_t bench_cpu_ns(void);

/* s as a whole number from lo to hi into *out; false when it is not one. */
bool bench_parse_ulong(const char *s, unsigned long lo, unsigned long hi, unsigned long *out);

#endif
