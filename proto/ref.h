/* Decision references: one canonical form, and the order people read them in. */
#ifndef DOCKET_REF_H
#define DOCKET_REF_H

#include <stddef.h>

/* Longest reference, in bytes of its canonical form. */
#define REF_MAX 64
/* Room ref_normalize needs in buf, and ref_key in out. */
#define REF_BUF 256
#define REF_KEY_MAX 320

/*
 * The canonical form of a reference as typed: white space at either end
 * removed, any other space character inside made a plain space, and the
 * result in Unicode NFC, at most REF_MAX bytes. A reference that is empty,
 * not UTF-8, or holds a control, line-separator or invisible format
 * character is refused. On success *out and *outlen give the canonical
 * form, in in itself when it was already canonical, else in buf (REF_BUF
 * bytes). Returns 0, or -1 with a sentence naming the problem in err
 * (what names the field).
 */
int ref_normalize(const char *in, size_t len, char *buf, const char **out, size_t *outlen,
		  const char *what, char *err, size_t errlen);

/*
 * The sort key of a canonical reference: byte order of keys is the order
 * people read references in ("3 - 2016" before "35 - 2015", "2024/9"
 * before "2024/10", case aside), and no two references share a key.
 * Writes at most REF_KEY_MAX bytes to out; returns the length.
 */
size_t ref_key(const char *ref, size_t len, unsigned char *out);

#endif
