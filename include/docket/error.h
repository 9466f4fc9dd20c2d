/* docket error codes: one enum for the daemon, the library and the CLI. */
#ifndef DOCKET_ERROR_H
#define DOCKET_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

#pragma GCC visibility push(default)

/*
 * Functions return DOCKET_OK (0) or one of these negated. The wire names
 * (docket_error_name) are the `code` strings of PROTOCOL.md section 5.
 */
enum docket_error {
	DOCKET_OK = 0,
	DOCKET_EBADREQ = 1,      /* bad_request: malformed or invalid request */
	DOCKET_EUNKNOWNOP = 2,   /* unknown_op: no such command */
	DOCKET_ENOTFOUND = 3,    /* not_found: no such decision, meeting or item */
	DOCKET_ETRANSITION = 4,  /* invalid_transition: not allowed in this state */
	DOCKET_ECONFLICT = 5,    /* conflict: expect_version, duplicate ref or idem key */
	DOCKET_EFORBIDDEN = 6,   /* forbidden: the principal lacks the role */
	DOCKET_ETOOLARGE = 7,    /* too_large: message or field over a limit */
	DOCKET_EPRECONDITION = 8,/* precondition: state allows it, a condition does not hold */
	DOCKET_ESTORAGE = 9,     /* storage: the database refused; nothing changed */
	DOCKET_EINTERNAL = 10,   /* internal: a bug in docketd */
	DOCKET_EVERSION = 11,    /* unsupported_version: protocol version not spoken */
	DOCKET_ENOMEM = 12,      /* out of memory (library side) */
	DOCKET_EINVAL = 13,      /* invalid argument passed to a library function */
	DOCKET_EUNREACHABLE = 14,/* no reply from docketd within the timeout */
	DOCKET_EPROTO = 15,      /* the peer sent bytes that are not valid protocol */
	DOCKET_ESYS = 16,        /* a system call failed; errno holds the cause */
	DOCKET_ECONFIG = 17,     /* configuration file or option is invalid */
	DOCKET_EINTR = 18,       /* interrupted by a signal */
	DOCKET_ETIMEDOUT = 19,   /* nothing arrived within the timeout */
	DOCKET_EAUTH = 20,       /* no usable key for a tcp endpoint, or docketd refused it */
	DOCKET_EMAX
};

/* Human description of err (positive or negative). Never NULL; static storage. */
const char *docket_strerror(int err);

/*
 * Wire code of err, e.g. "invalid_transition" for DOCKET_ETRANSITION.
 * Never NULL; static storage. Codes that never cross the wire map to "internal".
 */
const char *docket_error_name(int err);

/* The error whose wire code is name, as a negative value; -DOCKET_EINTERNAL if unknown. */
int docket_error_from_name(const char *name, unsigned len);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif
