/*
 * docketd's messages to systemd's service manager, in sd_notify(3)'s
 * protocol, sent so that a manager that does not read them cannot wedge
 * the loop.
 */
#ifndef DOCKET_NOTIFY_H
#define DOCKET_NOTIFY_H

/*
 * A change of state (READY=1, RELOADING=1, STOPPING=1, WATCHDOG=1): waits
 * up to a second for room in the manager's queue, then is dropped with a
 * warning. Nothing without NOTIFY_SOCKET.
 */
void notify_state(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A STATUS= line: dropped at once when the queue is full; the next one supersedes it. */
void notify_status(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
