/* What a register's values mean: who decided, whether its papers are restricted, and titles. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docket/error.h"
#include "import_field.h"

/* ---- Decision makers ---- */

static const struct maker {
	const char *words; /* lowercase words; "&" reads as "and" */
	const char *wire;
} makers[] = {
    {"pcc", "pcc"},
    {"police and crime commissioner", "pcc"},
    {"police crime commissioner", "pcc"},
    {"commissioner", "pcc"},
    {"dpcc", "deputy_pcc"},
    {"deputy pcc", "deputy_pcc"},
    {"deputy police and crime commissioner", "deputy_pcc"},
    {"deputy commissioner", "deputy_pcc"},
    {"pcc and cc", "pcc_and_chief_constable"},
    {"pcc cc", "pcc_and_chief_constable"}, /* PCC/CC */
    {"pcc and chief constable", "pcc_and_chief_constable"},
    {"pcc chief constable", "pcc_and_chief_constable"},
    {"pcc and the chief constable", "pcc_and_chief_constable"},
    {"police and crime commissioner and chief constable", "pcc_and_chief_constable"},
    {"police and crime commissioner and the chief constable", "pcc_and_chief_constable"},
    {"commissioner and chief constable", "pcc_and_chief_constable"},
    {"joint", "pcc_and_chief_constable"},
    {"joint decision", "pcc_and_chief_constable"},
    {"chief executive", "chief_executive"},
    {"chief executive officer", "chief_executive"},
    {"chief exec", "chief_executive"},
    {"ceo", "chief_executive"},
    {"cfo", "chief_finance_officer"},
    {"chief finance officer", "chief_finance_officer"},
    {"chief financial officer", "chief_finance_officer"},
    {"treasurer", "chief_finance_officer"},
    {"s151 officer", "chief_finance_officer"},
    {"s 151 officer", "chief_finance_officer"},
    {"section 151 officer", "chief_finance_officer"},
};

/* Words that name the office an officer serves in: "OPCC Chief Executive", "PCC's CFO". */
static const char *const office_words[] = {
    "the", "opcc", "pcc s", "pcc", "commissioner s", "office of the pcc", "the pcc s"};

/* The wire value of the maker whose words are all of s from pos, or NULL. */
static const char *maker_exact(const char *s, size_t len, size_t pos)
{
	for (size_t i = 0; i < sizeof makers / sizeof makers[0]; i++) {
		size_t p = pos;
		if (field_words_match(s, len, &p, makers[i].words) && field_words_end(s, len, p))
			return makers[i].wire;
	}
	return NULL;
}

/* After a role, what may introduce a name or place: " - Name", " (Name)", " Name", " for Kent". */
static int name_follows(const char *s, size_t len, size_t pos)
{
	size_t k;
	while (pos < len && (k = field_space(s + pos, len - pos)) != 0)
		pos += k;
	if (pos == len)
		return 1;
	if (strchr("-,(:;/", s[pos]))
		return 1;
	if (len - pos >= 3 && (memcmp(s + pos, "\xE2\x80\x93", 3) == 0 || /* – */
	                       memcmp(s + pos, "\xE2\x80\x94", 3) == 0))  /* — */
		return 1;
	/* "Police and Crime Commissioner for Kent" */
	size_t p = pos;
	if (field_words_match(s, len, &p, "for") || field_words_match(s, len, &p, "of"))
		return 1;
	return s[pos] >= 'A' && s[pos] <= 'Z';
}

/* Before a role at the end, what may end a name: "Name, ", "Name - ", "Name (", "Name's ". */
static int name_precedes(const char *s, size_t pos)
{
	while (pos > 0 && (s[pos - 1] == ' ' || s[pos - 1] == '\t'))
		pos--;
	if (pos == 0)
		return 1;
	if (strchr("-,(:;/", s[pos - 1]))
		return 1;
	if (pos >= 3 && (memcmp(s + pos - 3, "\xE2\x80\x93", 3) == 0 ||
	                 memcmp(s + pos - 3, "\xE2\x80\x94", 3) == 0))
		return 1;
	return 0;
}

const char *field_maker(const char *s, size_t len)
{
	field_strip_quotes(&s, &len);
	const char *wire = maker_exact(s, len, 0);
	if (wire)
		return wire;
	/* "OPCC Chief Executive": an office, then an officer other than the PCC. */
	for (size_t i = 0; i < sizeof office_words / sizeof office_words[0]; i++) {
		size_t p = 0;
		if (field_words_match(s, len, &p, office_words[i]) && (wire = maker_exact(s, len, p)) &&
		    strcmp(wire, "pcc") != 0)
			return wire;
	}
	/* A role then a name, or a name then a role: the role with the most words wins. */
	size_t best = 0;
	const char *found = NULL;
	for (size_t i = 0; i < sizeof makers / sizeof makers[0]; i++) {
		size_t p = 0, words = field_phrase_words(makers[i].words);
		field_words_match(s, len, &p, "the");
		if (words > best && field_words_match(s, len, &p, makers[i].words) &&
		    name_follows(s, len, p)) {
			best = words;
			found = makers[i].wire;
		}
	}
	if (found)
		return found;
	size_t end = len;
	while (end > 0 && (s[end - 1] == ')' || s[end - 1] == '.' || s[end - 1] == ' '))
		end--;
	for (size_t i = 0; i < sizeof makers / sizeof makers[0]; i++) {
		size_t p = end, words = field_phrase_words(makers[i].words);
		if (words > best && field_words_match_back(s, &p, makers[i].words) &&
		    name_precedes(s, p)) {
			best = words;
			found = makers[i].wire;
		}
	}
	return found;
}

/* ---- Restriction ---- */

int field_unrestricted(const char *s, size_t len)
{
	static const char *const open[] = {"n a",
	                                   "na",
	                                   "none",
	                                   "nil",
	                                   "no",
	                                   "not restricted",
	                                   "unrestricted",
	                                   "not applicable",
	                                   "published",
	                                   "open",
	                                   "public",
	                                   "decision paper published",
	                                   "decision papers published",
	                                   "papers published",
	                                   "no restriction",
	                                   "no restrictions",
	                                   "not confidential",
	                                   "not exempt",
	                                   "full publication",
	                                   "published in full",
	                                   "yes published"};
	/* Words that, after an opening like "Published", still restrict part of the papers. */
	static const char *const restricting[] = {
	    "restricted", "restriction", "restrictions", "exempt",    "exemption", "confidential",
	    "redacted",   "redaction",   "redactions",   "sensitive", "withheld",  "part",
	    "partly",     "partially",   "closed",       "private",   "except"};
	size_t pos = 0, ws, wl;
	field_strip_quotes(&s, &len);
	if (!field_next_word(s, len, &pos, &ws, &wl))
		return 1; /* empty, "-", "–" */
	for (size_t i = 0; i < sizeof open / sizeof open[0]; i++) {
		size_t p = 0;
		if (!field_words_match(s, len, &p, open[i]))
			continue;
		while (field_next_word(s, len, &p, &ws, &wl))
			for (size_t j = 0; j < sizeof restricting / sizeof restricting[0]; j++)
				if (field_word_is(s + ws, wl, restricting[j]))
					return 0;
		return 1;
	}
	return 0;
}

/* ---- Titles ---- */

/* Letters run together with dots, a letter or two apart: "e.g", "i.e", "a.m" (not "£1.8m"). */
static int dotted(const char *w, size_t wl)
{
	size_t run = 0;
	int dots = 0;
	for (size_t i = 0; i < wl; i++) {
		if (w[i] == '.') {
			if (run == 0)
				return 0;
			run = 0;
			dots = 1;
		} else if (((w[i] >= 'a' && w[i] <= 'z') || (w[i] >= 'A' && w[i] <= 'Z')) &&
		           run < 2) {
			run++;
		} else {
			return 0;
		}
	}
	return dots;
}

/* A word before ". " that does not end a sentence: "e.g", "Mr", an initial. */
static int abbreviation(const char *w, size_t wl)
{
	static const char *const abbr[] = {
	    "mr", "mrs", "ms",   "dr",  "no",  "st",   "cllr", "approx", "ltd", "inc", "co", "vs",
	    "cf", "nb",  "para", "ref", "sec", "prof", "supt", "insp",   "ch",  "det", "sgt"};
	if (wl == 1 && ((w[0] >= 'a' && w[0] <= 'z') || (w[0] >= 'A' && w[0] <= 'Z')))
		return 1;
	if (dotted(w, wl))
		return 1;
	for (size_t i = 0; i < sizeof abbr / sizeof abbr[0]; i++)
		if (field_word_is(w, wl, abbr[i]))
			return 1;
	return 0;
}

/* Byte length of the first n characters of UTF-8 s (all of it when shorter). */
static size_t utf8_prefix(const char *s, size_t len, size_t n)
{
	size_t i = 0;
	while (i < len && n > 0) {
		i++;
		while (i < len && ((unsigned char)s[i] & 0xC0) == 0x80)
			i++;
		n--;
	}
	return i;
}

char *field_title(const char *text)
{
	size_t tlen = strlen(text), n = 0;
	char *t = malloc(tlen + 4);
	if (!t)
		return NULL;
	/* One line: every run of white space, line ends included, becomes one space. */
	for (size_t i = 0; i < tlen;) {
		size_t k = field_space(text + i, tlen - i);
		if (!k && (text[i] == '\n' || text[i] == '\r'))
			k = 1;
		if (k) {
			if (n > 0 && t[n - 1] != ' ')
				t[n++] = ' ';
			i += k;
		} else {
			t[n++] = text[i++];
		}
	}
	while (n > 0 && t[n - 1] == ' ')
		n--;
	/* The first sentence: up to the first ". " that does not follow an abbreviation. */
	size_t end = n;
	for (size_t i = 1; i + 1 < n; i++) {
		if (t[i] != '.' || t[i + 1] != ' ')
			continue;
		size_t j = i;
		while (j > 0 && t[j - 1] != ' ')
			j--;
		if (!abbreviation(t + j, i - j)) {
			end = i;
			break;
		}
	}
	if (end == n && n > 1 && t[n - 1] == '.' && t[n - 2] != '.')
		end = n - 1;
	n = end;
	size_t keep = utf8_prefix(t, n, FIELD_TITLE_CHARS);
	if (keep < n) {
		/* Too long: cut at a word boundary, leaving room for the ellipsis. */
		size_t cut = utf8_prefix(t, n, FIELD_TITLE_CHARS - 1), at = cut;
		if (t[at] != ' ')
			while (at > 0 && t[at] != ' ')
				at--;
		while (at > 0 && (t[at - 1] == ' ' || strchr(",;:-", t[at - 1])))
			at--;
		n = at > 0 ? at : cut;
		memcpy(t + n, "\xE2\x80\xA6", 3);
		n += 3;
	}
	t[n] = '\0';
	return t;
}
