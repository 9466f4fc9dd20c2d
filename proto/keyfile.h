/* CURVE key files: a key pair or a public key, in Z85, as docketd and the clients keep them. */
#ifndef DOCKET_KEYFILE_H
#define DOCKET_KEYFILE_H

#include <stddef.h>

/* A CURVE key in Z85 is 40 characters for its 32 bytes. */
#define KEY_Z85_LEN 40

struct keypair {
	char public_key[KEY_Z85_LEN + 1];
	char secret_key[KEY_Z85_LEN + 1]; /* "" when the file holds only a public key */
};

/*
 * Whether s (len bytes) is a Z85 CURVE key: 40 characters that decode to
 * 32 bytes. Fills raw (32 bytes) when it is and raw is not NULL.
 */
int keyfile_z85_ok(const char *s, size_t len, unsigned char *raw);

/*
 * Read the key file at path into k. A file with a secret key must be
 * readable by its owner alone, as ssh asks of its keys. Returns 0, or
 * -DOCKET_ECONFIG (bad content, too open) or -DOCKET_ESYS (cannot read,
 * errno set) with a message in err.
 */
int keyfile_read(const char *path, struct keypair *k, char *err, size_t errlen);

/*
 * Write k to a new file at path: mode 0600 when it has a secret key, else
 * 0644. Never replaces a file. comment becomes the file's first line.
 * Returns 0 or -DOCKET_ESYS (errno set) with a message in err.
 */
int keyfile_write(const char *path, const struct keypair *k, const char *comment, char *err,
		  size_t errlen);

/* A new key pair. Returns 0 or -DOCKET_ESYS. */
int keyfile_generate(struct keypair *k);

#endif
