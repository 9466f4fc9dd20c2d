/* Reading docket's long texts as blocks, and writing dates as the office's documents do. */
#ifndef DOCKET_TEXT_H
#define DOCKET_TEXT_H

#include <stddef.h>

/*
 * The blocks of a long text field (decision, justification): paragraphs,
 * separated by one or more blank lines, and bullet list items, lines that
 * start with "- ". A paragraph may hold single newlines; they are kept.
 */
enum text_block { TEXT_PARAGRAPH, TEXT_LIST_ITEM };

/*
 * Called once per block in order with its text (without the "- " of a
 * list item, without trailing white space); first_item/last_item mark a
 * list item that opens/closes a run of list items. Return 0 to go on, or
 * a negative code, which text_blocks returns.
 */
typedef int (*text_block_fn)(void *ctx, enum text_block kind, const char *text, size_t len,
			     int first_item, int last_item);
int text_blocks(const char *text, text_block_fn fn, void *ctx);

/* Buffer size for text_long_date. */
#define TEXT_DATE_LEN 32

/* "2015-09-22" as "22 September 2015"; 0, or -1 when ymd is not a valid YYYY-MM-DD. */
int text_long_date(const char *ymd, char out[TEXT_DATE_LEN]);

#endif
