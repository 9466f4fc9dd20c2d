/* Files the CLI reads (texts, documents) and writes (reports), with stdin and stdout as "-". */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_read_file(const struct cli *cli, const char *what, const char *path, char **out,
                  size_t *length)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int rc = EX_SOFTWARE;
	/* "--text-file: cannot open F: ...", or without what "cannot open F: ...". */
	const char *sep = what ? ": " : "";

	what = what ? what : "";
	if (!f)
		return cli_fail(cli, EX_NOINPUT, "%s%scannot open %s: %s", what, sep, path,
		                strerror(errno));
	for (;;) {
		if (len + 1 >= cap) {
			/* Far beyond what docketd takes, so that a wrong file fails here. */
			if (cap >= 16 * 1024 * 1024) {
				rc = cli_usage_error(cli, "%s%s%s is too large", what, sep, path);
				goto out;
			}
			cap = cap ? 2 * cap : 64 * 1024;
			char *b = realloc(buf, cap);
			if (!b) {
				fprintf(stderr, "docket: out of memory reading %s\n", path);
				goto out;
			}
			buf = b;
		}
		size_t n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		rc = cli_fail(cli, EX_NOINPUT, "%s%scannot read %s: %s", what, sep, path,
		              strerror(errno));
		goto out;
	}
	buf[len] = '\0';
	/* A NUL would end the C string the library takes, cutting the text short. */
	if (!length && strlen(buf) != len) {
		rc = cli_usage_error(cli, "%s%s%s holds a NUL byte", what, sep, path);
		goto out;
	}
	*out = buf;
	if (length)
		*length = len;
	buf = NULL;
	rc = 0;
out:
	if (f != stdin)
		fclose(f);
	free(buf);
	return rc;
}

int cli_write_file(const struct cli *cli, const char *path, const char *buf, size_t len)
{
	FILE *f = path ? fopen(path, "wb") : stdout;

	if (!f)
		return cli_fail(cli, EX_CANTCREAT, "cannot create %s: %s", path, strerror(errno));
	errno = 0;
	bool written = fwrite(buf, 1, len, f) == len;
	if (!path)
		return 0; /* main reports a failed write to stdout as it closes it */
	int saved = errno;
	if (fclose(f) != 0 || !written) {
		saved = saved ? saved : errno;
		return cli_fail(cli, EX_CANTCREAT, "cannot write %s: %s", path,
		                saved ? strerror(saved) : "write error");
	}
	return 0;
}
