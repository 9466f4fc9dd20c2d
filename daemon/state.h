/* The state directory: made if missing, locked while docketd runs, kept from other users. */
#ifndef DOCKET_STATE_H
#define DOCKET_STATE_H

#include <stddef.h>

/* The most the directory and the files in it may allow; more is taken away at start. */
#define STATE_DIR_MODE 0750
#define STATE_FILE_MODE 0640

struct state {
	int dir_fd;  /* the directory itself, flock'd */
	int lock_fd; /* docketd.lock in it, flock'd too */
};

/*
 * Open the state directory at path (made with mode 0750 when missing), lock
 * it, and take from it and from every regular file in it the permission bits
 * beyond STATE_DIR_MODE and STATE_FILE_MODE, logging each change. The lock
 * is held on the directory itself, which a second docketd cannot replace
 * the way it could delete a lock file. Returns 0; -DOCKET_ECONFLICT when
 * another docketd holds the directory; -DOCKET_EFORBIDDEN when a mode that
 * allows too much cannot be changed; -DOCKET_ESYS when the directory
 * cannot be made, opened or locked. err says why. st is set up even on
 * failure, for state_close.
 */
int state_open(struct state *st, const char *path, char *err, size_t errlen);

/* Release the lock. Safe on a state that failed to open, and twice. */
void state_close(struct state *st);

#endif
