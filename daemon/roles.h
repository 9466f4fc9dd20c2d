/* Which role each command and query needs: the table docketd checks before any handler runs. */
#ifndef DOCKET_ROLES_H
#define DOCKET_ROLES_H

/* The ROLE_* bits that allow op (any one of them will do); 0 for an unknown op. */
unsigned roles_allowed(int op);

#endif
