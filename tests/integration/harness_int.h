/* What the harness's files share; tests include harness.h only. */
#ifndef DOCKET_IT_HARNESS_INT_H
#define DOCKET_IT_HARNESS_INT_H

#include <stddef.h>
#include <sys/types.h>

#include "harness.h"

#ifndef DOCKETD_PATH
#error "DOCKETD_PATH must name the docketd binary"
#endif
#ifndef DOCKET_CLI_PATH
#error "DOCKET_CLI_PATH must name the docket binary"
#endif

/* Most arguments a harness command line has. */
#define HARNESS_MAX_ARGS 64

/* Milliseconds from now to deadline (h_now seconds), rounded up; 0 once it has passed. */
int harness_remaining_ms(double deadline);

/* A pidfd for pid (close-on-exec), or -1 where the kernel has none. */
int harness_pidfd(pid_t pid);

/*
 * Wait up to timeout_ms for pid to end. A pidfd makes the wait an event;
 * kernels without one fall back to short waits between WNOHANG checks.
 * Returns 0 with *raw set, or -1 on timeout.
 */
int harness_wait_exit(pid_t pid, int pidfd, int timeout_ms, int *raw);

/*
 * The environment of a child: ours without docket's and systemd's
 * variables, plus extra ("K=V", NULL-terminated). The array is the
 * caller's to free; its strings are not.
 */
char **harness_child_env(const char *const *extra);

/*
 * With a tcp command endpoint, make the state directory's admin.key and
 * server.pub libdocket's keys (process-wide). Returns 0 or -1.
 */
int harness_use_keys(const struct h_daemon *d);

/* In a new child: die with the test process, then take the given descriptors (-1: keep). */
void harness_child_prepare(pid_t parent, int in, int out, int err);

/* Append n bytes to a growing NUL-terminated buffer; on no memory the bytes are dropped. */
void harness_append(char **buf, size_t *len, size_t *cap, const char *data, size_t n);

#endif
