/* The import parsers' shared pieces: lines, values, dates, decision makers and titles. */
#ifndef DOCKET_IMPORT_FIELD_H
#define DOCKET_IMPORT_FIELD_H

#include <stddef.h>

#include "date.h"
#include "import.h"

/* Error messages quote at most this many characters of what the document says. */
#define FIELD_QUOTE_CHARS 40
/* Room for that many characters of UTF-8, an ellipsis and the NUL. */
#define FIELD_QUOTE_SIZE (FIELD_QUOTE_CHARS * 4 + 4)

/* One line of the normalised document, without its line end. */
struct field_line {
	const char *s;
	size_t len;
};

/* The document as lines: v[i] is line i + 1. Valid UTF-8 without NUL bytes. */
struct field_lines {
	const struct field_line *v;
	size_t n;
};

/* The parsers, chosen by import_parse. Both may leave doc partly filled on error. */
int import_is_register(const struct field_lines *L);
int import_report_parse(const struct field_lines *L, struct import_doc *doc,
                        struct import_error *e);
int import_register_parse(const struct field_lines *L, struct import_doc *doc,
                          struct import_error *e);

/* Length of the white space character at s[0] (space, tab, form feed, NBSP), or 0. */
size_t field_space(const char *s, size_t len);
/* Narrow s..len to drop white space at both ends, or only at the end. */
void field_trim(const char **s, size_t *len);
void field_trim_end(const char *s, size_t *len);
int field_is_blank(const char *s, size_t len);
/* A NUL-terminated copy of a one-line value, tabs made spaces; NULL when out of memory. */
char *field_strndup(const char *s, size_t len);

/* Fill e and return -DOCKET_EBADREQ. */
int field_error(struct import_error *e, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* At most FIELD_QUOTE_CHARS characters of s, one line, "…" when cut; out has FIELD_QUOTE_SIZE. */
void field_quote(const char *s, size_t len, char *out);

/* A growing NUL-terminated string; zero-initialise. */
struct field_buf {
	char *s;
	size_t len, cap;
};
int field_buf_add(struct field_buf *b, const char *s, size_t len);
void field_buf_free(struct field_buf *b);
/* The string, or NULL when empty; the buffer is left empty either way. */
char *field_buf_take(struct field_buf *b);

/*
 * Long text (decisions, justifications) line by line: blank lines separate
 * paragraphs, a run of them counting as one, none kept at either end.
 */
struct field_text {
	struct field_buf b;
	int gap; /* a blank line came after the last text */
};
int field_text_add(struct field_text *t, const char *s, size_t len);

/* A one-line value line by line: parts trimmed and joined with one space. */
int field_line_add(struct field_buf *b, const char *s, size_t len);

/* Drop quotes wrapping the whole of s, or any quote marks at its ends. */
void field_unquote(const char **s, size_t *len);
void field_strip_quotes(const char **s, size_t *len);

/*
 * Words: runs of ASCII letters and digits; '&' is a word of its own. Moves
 * *pos past the next word and returns 1 with *start and *wlen, or 0 at the end.
 */
int field_next_word(const char *s, size_t len, size_t *pos, size_t *start, size_t *wlen);
/* The word before *pos, walking backwards; 0 at the start. */
int field_prev_word(const char *s, size_t *pos, size_t *start, size_t *wlen);
/* ASCII letters and digits; digits. */
int field_is_alnum(char c);
int field_is_digit(char c);
/* When the words of s from *pos are those of phrase (lowercase, spaced), move *pos past them. */
int field_words_match(const char *s, size_t len, size_t *pos, const char *phrase);
/* As field_words_match, walking back from *pos: the words before it end with phrase. */
int field_words_match_back(const char *s, size_t *pos, const char *phrase);
/* True when s has no word from pos on. */
int field_words_end(const char *s, size_t len, size_t pos);
/* Number of words in a phrase of ours. */
size_t field_phrase_words(const char *phrase);
/* True when the word equals lower (lowercase ASCII); "&" equals "and". */
int field_word_is(const char *w, size_t wlen, const char *lower);

/* 1 to 12 for a month's name or its abbreviation ("Sep", "Sept"), else 0. */
int field_month(const char *s, size_t len);

/* What field_date found. */
enum field_date_rc {
	FIELD_DATE_OK = 0,
	FIELD_DATE_UNREADABLE = -1, /* not written as a date */
	FIELD_DATE_INVALID = -2,    /* no such day, or outside 2000 to 2100 */
};
/* Read "19th September 2024", "Sep 19, 2024", "05/07/2018", "5.7.18", "2018-07-05"... */
int field_date(const char *s, size_t len, char out[DATE_LEN]);
/* The error for a date field_date refused (rc), on line. */
int field_date_error(struct import_error *e, unsigned line, int rc, const char *s, size_t len);

/* The wire value of a decision maker as documents write it, or NULL. */
const char *field_maker(const char *s, size_t len);
/* The accepted forms, for error messages. */
#define FIELD_MAKERS "'PCC', 'DPCC', 'PCC & CC', 'Chief Executive' or 'CFO'"

/* True when a papers value says they are published, not restricted ("N/A", "None", "Open"). */
int field_unrestricted(const char *s, size_t len);

/* A title made from decision text: its first sentence, one line, at most 100 characters. */
char *field_title(const char *text);
#define FIELD_TITLE_CHARS 100

/* Set doc->period_start/end from the months and year ending s; 0, or -DOCKET_ENOMEM. */
int field_period(const char *s, struct import_doc *doc);

/* Append an empty decision to doc (capacity *cap); 0 or -DOCKET_ENOMEM. */
int field_decision_push(struct import_doc *doc, size_t *cap, struct import_decision **d);
void field_decision_free(struct import_decision *d);

#endif
