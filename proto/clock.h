/* Milliseconds on the monotonic clock, for deadlines and time limits. */
#ifndef DOCKET_CLOCK_H
#define DOCKET_CLOCK_H

#include <stdint.h>

/* Milliseconds since an arbitrary point; never steps with the wall clock. */
int64_t clock_ms(void);

#endif
