/*
 * The kinds of docketd's journal entries: one MESSAGE_ID each, so that
 * `journalctl MESSAGE_ID=...` finds every entry of a kind (docketd(8),
 * LOGGING). Never change one: operators' queries and alerts name them.
 */
#ifndef DOCKET_JOURNAL_H
#define DOCKET_JOURNAL_H

#include "log.h"
#include "outbox.h"

#define JOURNAL_READY "7208a747cad7411fba369d9cba05a7ab"       /* serving */
#define JOURNAL_STOPPED "78addbd7444e48809d9ab88028c012ef"     /* stopping, stopped */
#define JOURNAL_RELOAD "9bf9ceec753f4008bb36899df8b0f526"      /* reloaded, or refused */
#define JOURNAL_START_FAILED "432c1d74ce3e4f6f9fe9178a2256e521" /* refused to start */
#define JOURNAL_CHANGE "4e6c18b330124037a70269a97ed6b635"      /* one event of the log */
#define JOURNAL_STORAGE "58786eaef1184fbeb7868539d3615bde"     /* a batch refused: storage */
#define JOURNAL_REFUSED "86617dc9086d4bba8169246b2147ed7a"     /* a connection refused */
#define JOURNAL_KEY "b420b069e2944d7d8d8b51ee2506063f"         /* a key made */
#define JOURNAL_INTEGRITY "334fe236b84748829a7cd38ff74e2294"   /* the checks at start */
#define JOURNAL_REMINDERS "532b4fc78870428abddd81777d6113b7"   /* reminders settled */

/*
 * One debug entry per event of a committed batch, with SEQ, EVENT, ACTOR
 * and DECISION_REF, STATE, MEETING or ITEM as the event has them; never
 * its data. Costs nothing below log_level debug.
 */
void journal_changes(const struct outbox *o);

#endif
