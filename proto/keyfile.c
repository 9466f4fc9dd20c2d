/* CURVE key files: a key pair or a public key, in Z85, as docketd and the clients keep them. */
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include "docket/error.h"
#include "keyfile.h"

int keyfile_z85_ok(const char *s, size_t len, unsigned char *raw)
{
	unsigned char buf[32];
	char z[KEY_Z85_LEN + 1];
	if (len != KEY_Z85_LEN)
		return 0;
	memcpy(z, s, KEY_Z85_LEN);
	z[KEY_Z85_LEN] = '\0';
	if (!zmq_z85_decode(buf, z))
		return 0;
	if (raw)
		memcpy(raw, buf, sizeof buf);
	return 1;
}

struct reading {
	struct keypair *k;
	char *err;
	size_t errlen;
	int bad;
};

static int on_pair(void *arg, const char *section, const char *name, const char *value)
{
	struct reading *r = arg;
	char *dst = NULL;
	if (section[0] == '\0' && strcmp(name, "public-key") == 0)
		dst = r->k->public_key;
	else if (section[0] == '\0' && strcmp(name, "secret-key") == 0)
		dst = r->k->secret_key;
	if (!dst) {
		snprintf(r->err, r->errlen, "unknown key '%s'", name);
		r->bad = 1;
		return 0;
	}
	/* Quotes are allowed, as ZeroMQ's own certificates have them. */
	size_t len = strlen(value);
	if (len >= 2 && value[0] == '"' && value[len - 1] == '"') {
		value++;
		len -= 2;
	}
	if (!keyfile_z85_ok(value, len, NULL)) {
		snprintf(r->err, r->errlen, "%s is not a Z85 CURVE key (40 characters)", name);
		r->bad = 1;
		return 0;
	}
	memcpy(dst, value, KEY_Z85_LEN);
	dst[KEY_Z85_LEN] = '\0';
	return 1;
}

int keyfile_read(const char *path, struct keypair *k, char *err, size_t errlen)
{
	char why[160] = "";
	struct reading r = {.k = k, .err = why, .errlen = sizeof why};
	memset(k, 0, sizeof *k);
	FILE *f = fopen(path, "re");
	if (!f) {
		int e = errno;
		snprintf(err, errlen, "cannot read the key file %s: %s", path, strerror(e));
		errno = e;
		return -DOCKET_ESYS;
	}
	struct stat st;
	int line = fstat(fileno(f), &st) < 0 ? -1 : ini_parse_file(f, on_pair, &r);
	fclose(f);
	if (line != 0 || r.bad) {
		if (line < 0)
			snprintf(err, errlen, "cannot read the key file %s", path);
		else
			snprintf(err, errlen, "%s:%d: %s", path, line,
				 why[0] ? why : "not a key file");
		return -DOCKET_ECONFIG;
	}
	if (!k->public_key[0]) {
		snprintf(err, errlen, "%s: no public-key", path);
		return -DOCKET_ECONFIG;
	}
	if (k->secret_key[0] && (st.st_mode & 077)) {
		snprintf(err, errlen,
			 "%s holds a secret key and is readable by others (mode %04o): "
			 "chmod 600 it",
			 path, (unsigned)(st.st_mode & 07777));
		return -DOCKET_ECONFIG;
	}
	return 0;
}

int keyfile_write(const char *path, const struct keypair *k, const char *comment, char *err,
		  size_t errlen)
{
	int secret = k->secret_key[0] != '\0';
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, secret ? 0600 : 0644);
	if (fd < 0)
		goto fail;
	/* The mode asked for may have been narrowed by the umask, never widened. */
	FILE *f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		goto fail;
	}
	fprintf(f, "# %s\npublic-key = \"%s\"\n", comment, k->public_key);
	if (secret)
		fprintf(f, "secret-key = \"%s\"\n", k->secret_key);
	if (fflush(f) != 0 || fsync(fileno(f)) != 0) {
		int e = errno;
		fclose(f);
		unlink(path);
		errno = e;
		goto fail;
	}
	if (fclose(f) != 0)
		goto fail;
	return 0;
fail:;
	int e = errno;
	snprintf(err, errlen, "cannot write the key file %s: %s", path, strerror(e));
	errno = e;
	return -DOCKET_ESYS;
}

int keyfile_generate(struct keypair *k)
{
	memset(k, 0, sizeof *k);
	return zmq_curve_keypair(k->public_key, k->secret_key) == 0 ? 0 : -DOCKET_ESYS;
}
