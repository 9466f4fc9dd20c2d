/* A long text (decision, justification) as HTML: paragraphs and lists, through libxml2. */
#ifndef DOCKET_HTML_TEXT_H
#define DOCKET_HTML_TEXT_H

#include <libxml/tree.h>

/*
 * Append text's blocks (text.h) to parent: each paragraph a <p> whose lines,
 * trimmed, are kept apart by <br>; each run of "- " items a <ul>. libxml2
 * escapes the text when the document is written. Returns 0, -DOCKET_ENOMEM,
 * or -DOCKET_EINVAL for a line longer than libxml2 counts.
 */
int html_text(xmlNodePtr parent, const char *text);

#endif
