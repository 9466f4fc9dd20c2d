/* Tables through libsmartcols: widths in display columns, --output, --no-headers, JSON. */
#include <stdlib.h>
#include <string.h>

#include <libsmartcols.h>

#include "cli.h"

/* The command line's table settings (cli_table_setup), for the one command a run has. */
static struct {
	const struct cli_table_spec *spec; /* the command's table, which --output chooses from */
	int sel[CLI_TABLE_COLUMNS];        /* its columns to print, in order */
	int nsel;                          /* 0: every column */
	bool no_headers;
	bool json;
} set;

/* Which table each command's reply prints. */
static const struct {
	const char *cmd;
	const struct cli_table_spec *spec;
} tables[] = {
    {"list", &cli_decisions_table},       {"register", &cli_register_table},
    {"reminders", &cli_reminders_table},  {"cursors", &cli_cursors_table},
    {"cursor-parked", &cli_parked_table}, {"keys", &cli_keys_table},
    {"imports", &cli_imports_table},
};

const struct cli_table_spec *cli_table_of(const struct cli_command *cmd)
{
	for (size_t i = 0; cmd && i < sizeof tables / sizeof tables[0]; i++)
		if (!strcmp(tables[i].cmd, cmd->name))
			return tables[i].spec;
	return NULL;
}

bool cli_table_json(void)
{
	return set.json;
}

const char *cli_cell_time(struct cli_zone *z, const char *utc, enum cli_shown how, char *buf)
{
	if (!utc || set.json)
		return utc;
	return cli_time(z, utc, how, buf);
}

const char *cli_cell_day(const char *date, char *buf)
{
	if (!date || set.json)
		return date;
	return cli_day(date, buf);
}

/* The column of spec whose lower-case head is name (len bytes), or -1. */
static int column_named(const struct cli_table_spec *spec, const char *name, size_t len)
{
	for (int k = 0; k < spec->ncols; k++) {
		const char *h = spec->cols[k].head;
		if (strlen(h) != len)
			continue;
		size_t i = 0;
		while (i < len && (h[i] | 0x20) == (name[i] | 0x20))
			i++;
		if (i == len)
			return k;
	}
	return -1;
}

/* "ref, state, ver, decided, title": the names --output takes for spec. */
static void column_names(const struct cli_table_spec *spec, char *buf, size_t size)
{
	size_t o = 0;
	buf[0] = '\0';
	for (int k = 0; k < spec->ncols && o + 1 < size; k++) {
		for (const char *h = spec->cols[k].head; *h && o + 3 < size; h++)
			buf[o++] = (char)(*h >= 'A' && *h <= 'Z' ? *h + 32 : *h);
		if (k + 1 < spec->ncols && o + 3 < size) {
			buf[o++] = ',';
			buf[o++] = ' ';
		}
		buf[o] = '\0';
	}
}

int cli_table_setup(const struct cli *cli)
{
	char names[256];

	set.spec = cli_table_of(cli->cmd);
	set.nsel = 0;
	set.no_headers = cli->no_headers;
	set.json = cli->format == FORMAT_JSON && set.spec;
	if (!cli->columns)
		return 0;
	if (!set.spec)
		return cli_usage_error(cli,
		                       "--output: docket %s prints no table (the tables: "
		                       "list, register, reminders, cursors, "
		                       "cursor parked, keys, imports)",
		                       cli->cmd->name);
	column_names(set.spec, names, sizeof names);
	for (const char *p = cli->columns;;) {
		size_t len = strcspn(p, ",");
		int k = column_named(set.spec, p, len);
		if (k < 0)
			return cli_usage_error(cli, "--output: unknown column '%.*s' (%s)",
			                       (int)len, p, names);
		if (set.nsel == CLI_TABLE_COLUMNS)
			return cli_usage_error(cli, "--output: more than %d columns",
			                       CLI_TABLE_COLUMNS);
		set.sel[set.nsel++] = k;
		if (!p[len])
			break;
		p += len + 1;
	}
	return 0;
}

/* Give each line of text to stdout after indent. */
static void put_indented(const char *text, const char *indent)
{
	while (*text) {
		size_t len = strcspn(text, "\n");
		fputs(indent, stdout);
		fwrite(text, 1, len, stdout);
		putchar('\n');
		text += len + (text[len] == '\n');
	}
}

static void add_columns(struct libscols_table *tb, const struct cli_table_spec *spec,
                        const int *sel, int nsel, const int *min, bool json, bool term)
{
	for (int j = 0; j < nsel; j++) {
		const struct cli_column *c = &spec->cols[sel[j]];
		int flags = 0;
		if (c->flags & COL_RIGHT)
			flags |= SCOLS_FL_RIGHT;
		/* Only free text gives way to the terminal's width; a ref or a time stays whole. */
		if ((c->flags & COL_TEXT) && term)
			flags |= SCOLS_FL_WRAP;
		/* The width of tables to line up with is strict: libsmartcols keeps it. */
		double hint = (c->flags & COL_TEXT) ? 0.3 : 0;
		if (min && min[sel[j]] > 0) {
			hint = min[sel[j]];
			flags |= SCOLS_FL_STRICTWIDTH;
		}
		/* A header not shown counts for no width: the cells alone set it. */
		const char *head = spec->bare || set.no_headers ? "" : c->head;
		struct libscols_column *cl = scols_table_new_column(tb, head, hint, flags);
		if (cl && json && (c->flags & COL_NUMBER))
			scols_column_set_json_type(cl, SCOLS_JSON_NUMBER);
		if (cl && !json && cli_colored(false))
			scols_cell_set_color(scols_column_get_header(cl), "bold");
	}
}

static int add_line(struct libscols_table *tb, const struct cli_table_spec *spec, const int *sel,
                    int nsel, bool json, const char **cells)
{
	struct libscols_line *ln = scols_table_new_line(tb, NULL);
	if (!ln)
		return -1;
	for (int j = 0; j < nsel; j++) {
		const char *c = cells[sel[j]];
		if (json) {
			/* JSON escapes what it must itself; a missing value is null. */
			if (c && scols_line_set_data(ln, (size_t)j, c) < 0)
				return -1;
			continue;
		}
		char *safe = cli_safe(c ? c : "-");
		if (!safe || scols_line_refer_data(ln, (size_t)j, safe) < 0) {
			free(safe);
			return -1;
		}
		const char *color =
		    (spec->cols[sel[j]].flags & COL_STATE) && c && cli_colored(false)
		        ? cli_state_color(c)
		        : NULL;
		if (color)
			scols_cell_set_color(scols_line_get_cell(ln, (size_t)j), color);
	}
	return 0;
}

void cli_table(const struct cli_table_spec *spec, size_t rows, cli_row_fn row, void *ctx)
{
	cli_table_aligned(spec, NULL, rows, row, ctx);
}

void cli_table_aligned(const struct cli_table_spec *spec, const int *min, size_t rows,
                       cli_row_fn row, void *ctx)
{
	int all[CLI_TABLE_COLUMNS], nsel = spec->ncols;
	const int *sel = all;
	const char *cells[CLI_TABLE_COLUMNS];
	char buf[CLI_TABLE_COLUMNS][CLI_CELL_LEN];
	const char *indent = spec->indent ? spec->indent : "";
	bool json = set.json && !spec->bare;
	int width = json ? 0 : cli_term_width();
	char *text = NULL;

	for (int k = 0; k < spec->ncols; k++)
		all[k] = k;
	if (spec == set.spec && set.nsel) {
		sel = set.sel;
		nsel = set.nsel;
	}
	struct libscols_table *tb = scols_new_table();
	if (!tb)
		goto fail;
	/* Two spaces between columns, as docket's other output has; text shown as it is. */
	scols_table_set_column_separator(tb, "  ");
	scols_table_enable_noencoding(tb, 1);
	scols_table_enable_colors(tb, !json && cli_colored(false));
	if (spec->bare || set.no_headers)
		scols_table_enable_noheadings(tb, 1);
	if (json) {
		scols_table_enable_json(tb, 1);
		scols_table_set_name(tb, spec->name);
	}
	/*
	 * On a terminal, or a pager on one, its width (less the indent); else
	 * none, so that a pipe or a file gets every cell whole.
	 */
	if (width > 0) {
		int w = width - (int)strlen(indent);
		scols_table_set_termforce(tb, SCOLS_TERMFORCE_ALWAYS);
		scols_table_set_termwidth(tb, (size_t)(w > 20 ? w : 20));
	} else {
		scols_table_set_termforce(tb, SCOLS_TERMFORCE_NEVER);
	}
	add_columns(tb, spec, sel, nsel, min, json, width > 0);
	if (scols_table_get_ncols(tb) != (size_t)nsel)
		goto fail;
	for (size_t i = 0; i < rows; i++) {
		for (int k = 0; k < spec->ncols; k++)
			cells[k] = NULL;
		row(ctx, i, cells, buf);
		if (add_line(tb, spec, sel, nsel, json, cells) < 0)
			goto fail;
	}
	/* Printed to a string first, so that each line can take the indent. */
	if (scols_print_table_to_string(tb, &text) < 0 || !text)
		goto fail;
	put_indented(text, indent);
	free(text);
	scols_unref_table(tb);
	return;
fail:
	fputs("docket: cannot print the table: out of memory\n", stderr);
	scols_unref_table(tb);
}
