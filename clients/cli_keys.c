/* The keys commands: a key pair made here, and the clients' keys docketd knows, changed and listed. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "keyfile.h"

int cli_keys_generate(const struct cli *cli)
{
	struct keypair k;
	char err[1200];
	const char *path = cli->args[0];

	if (keyfile_generate(&k) < 0)
		return cli_fail(cli, EX_SOFTWARE, "cannot make a key pair");
	if (keyfile_write(path, &k, "a docket client's CURVE key pair: keep it secret", err,
	                  sizeof err) < 0)
		return cli_fail(cli, errno == EEXIST ? EX_CANTCREAT : EX_IOERR, "%s", err);
	if (cli->json)
		printf("{\"key\":\"%s\",\"file\":\"%s\"}\n", k.public_key, path);
	else
		printf("public key %s\nin %s, mode 0600: keep it secret. docketd's administrator "
		       "adds the public key:\n  docket keys add '%s' --principal NAME --role ROLE\n",
		       k.public_key, path, k.public_key);
	memset(&k, 0, sizeof k);
	return 0;
}

/* KEY as typed: Z85 text, or a key file whose public key it means. */
static int set_key(const struct cli *cli, docket_request *r)
{
	struct keypair k;
	char err[1200];
	const char *arg = cli->args[0];

	if (keyfile_z85_ok(arg, strlen(arg), NULL))
		return docket_request_set_str(r, "key", arg) < 0 ? EX_SOFTWARE : 0;
	if (keyfile_read(arg, &k, err, sizeof err) < 0) {
		if (strchr(arg, '/') || errno != ENOENT)
			return cli_fail(cli, EX_NOINPUT, "%s", err);
		return cli_usage_error(cli, "'%s' is neither a public key (40 characters of Z85) "
		                            "nor a key file",
		                       arg);
	}
	memset(k.secret_key, 0, sizeof k.secret_key);
	return docket_request_set_str(r, "key", k.public_key) < 0 ? EX_SOFTWARE : 0;
}

/* Every --role, each one role or several separated by commas, as the roles array. */
static int set_roles(const struct cli *cli, docket_request *r)
{
	for (size_t i = 0; i < cli->nvalues; i++) {
		const char *t = cli->values[i].text;
		if (strcmp(cli->values[i].opt->name, "role") != 0)
			continue;
		while (*t) {
			size_t n = strcspn(t, ",");
			char role[32];
			if (n == 0 || n >= sizeof role)
				return cli_usage_error(cli, "--role: bad role list '%s'",
				                       cli->values[i].text);
			memcpy(role, t, n);
			role[n] = '\0';
			if (docket_request_append_str(r, "roles", role) < 0)
				return EX_SOFTWARE;
			t += n + (t[n] == ',');
		}
	}
	return 0;
}

int cli_keys_fill(const struct cli *cli, docket_request *r)
{
	int rc = set_key(cli, r);
	if (rc == 0 && strcmp(cli->cmd->name, "keys-revoke") != 0)
		rc = set_roles(cli, r);
	return rc;
}

/* The roles at p.roles (an array of names) joined with commas into buf. */
static const char *roles(const docket_msg *m, const char *p, char *buf, size_t size)
{
	const char *r = cli_join(m, p, "roles", ",", buf, size);
	return r ? r : "-";
}

enum { K_KEY, K_PRINCIPAL, K_ROLES, K_ADDED, K_REVOKED, K_COLUMNS };

static const struct cli_column key_cols[] = {
    {"KEY", 0}, {"PRINCIPAL", 0}, {"ROLES", 0}, {"ADDED", 0}, {"REVOKED", 0},
};
const struct cli_table_spec cli_keys_table = {"keys", key_cols, K_COLUMNS, false, NULL};

struct listing {
	struct cli_zone *z;
	const docket_msg *m;
};

static void key_row(void *ctx, size_t i, const char **cells, char (*buf)[CLI_CELL_LEN])
{
	const struct listing *x = ctx;
	char p[48];

	snprintf(p, sizeof p, "keys.%zu", i);
	cells[K_KEY] = cli_str(x->m, p, "key");
	cells[K_PRINCIPAL] = cli_str(x->m, p, "principal");
	cells[K_ROLES] = cli_join(x->m, p, "roles", ",", buf[K_ROLES], CLI_CELL_LEN);
	cells[K_ADDED] =
	    cli_cell_time(x->z, cli_str(x->m, p, "added_at"), SHOW_SECONDS, buf[K_ADDED]);
	cells[K_REVOKED] =
	    cli_cell_time(x->z, cli_str(x->m, p, "revoked_at"), SHOW_SECONDS, buf[K_REVOKED]);
}

void cli_print_keys(struct cli_zone *z, const docket_msg *reply)
{
	struct listing x = {z, reply};
	size_t n = docket_msg_count(reply, "keys");

	if (n == 0 && !cli_table_json()) {
		puts("no keys");
		return;
	}
	cli_table(&cli_keys_table, n, key_row, &x);
}

void cli_print_key(struct cli_zone *z, const docket_msg *reply)
{
	char buf[CLI_CELL_LEN], when[CLI_CELL_LEN];
	const char *revoked = cli_str(reply, "key", "revoked_at");

	printf("key        %s\nprincipal  %s\nroles      %s\n", cli_str(reply, "key", "key"),
	       cli_str(reply, "key", "principal"), roles(reply, "key", buf, sizeof buf));
	if (revoked)
		printf("revoked    %s\n", cli_time(z, revoked, SHOW_SECONDS, when));
}
