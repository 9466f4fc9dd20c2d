/*
 * docketd's settings: embedded defaults, then the INI file, then its
 * drop-ins (FILE.d/NAME.conf), then the command line.
 */
#ifndef DOCKET_CONFIG_H
#define DOCKET_CONFIG_H

#include <stddef.h>

/* Most days one kind of reminder may list. */
#define CONFIG_MAX_DAYS 8

/* Reminder kinds, in the order of proto_reminder_kinds. */
enum remind_kind { REMIND_MEETING, REMIND_RESPONSE, REMIND_REVIEW, REMIND_KINDS };

/* Days before a target that one kind of reminder comes, in descending order. */
struct remind_days {
	int n;
	int days[CONFIG_MAX_DAYS];
};

struct config {
	char state_dir[1024];
	char listen[256];
	char publish[256];
	char server_key[1024]; /* docketd's CURVE key pair; "" for state_dir/server.key */
	char ipc_group[64];  /* group given the ipc socket files; "" for docketd's own */
	char principal[64];  /* who a client on an ipc endpoint is */
	unsigned roles;      /* ROLE_* bits of that principal */
	unsigned batch_max;  /* requests applied in one transaction at most */
	int event_hwm;       /* events queued per subscriber before it loses some, at most */
	unsigned event_queue_kib;  /* bytes queued per subscriber, at most, in KiB */
	unsigned event_inline_max; /* larger events are published in head form */
	unsigned heartbeat_ms;     /* interval of docket.heartbeat */
	unsigned checkpoint_interval; /* seconds between docket.checkpoint messages; 0: none */
	unsigned start_check_ms;   /* bound of the database's check at start; 0: none */
	int log_level;             /* the least severe log entry written, LOG_ERR ... LOG_DEBUG */
	char timezone[64];   /* the office's IANA zone */
	unsigned response_period;            /* days from recommended_on to response_due */
	struct remind_days remind[REMIND_KINDS];
	int remind_minute;   /* office time of day reminders come, minutes after midnight */
	char import_reference[64]; /* template of an imported decision's reference */
	int import_minute;   /* office time of day of a meeting an imported report names */
};

/* The embedded defaults. */
void config_defaults(struct config *c);

/*
 * Events one subscriber may have queued: event_hwm, or fewer where the
 * byte bound says so (event_queue_bytes over the largest event published
 * whole, with libzmq's own cost per message).
 */
int config_event_queue(const struct config *c);

/*
 * Checks between keys, once every source is read: a queue shorter than a
 * batch would drop events from a subscriber that keeps up. Returns 0 or
 * -DOCKET_ECONFIG with a message in err.
 */
int config_check(const struct config *c, char *err, size_t errlen);

/* Set one key ("listen", "state_dir"...) as the file would. 0 or -DOCKET_ECONFIG. */
int config_set(struct config *c, const char *section, const char *key, const char *value,
	       char *err, size_t errlen);

/* Errors a report keeps (more are counted), and keys whose origin it remembers. */
#define CONFIG_MAX_ERRORS 20
#define CONFIG_MAX_ORIGINS 48

/* Origins that are no file: the command line, the embedded defaults. */
#define CONFIG_FROM_COMMAND_LINE (-1)
#define CONFIG_FROM_DEFAULTS (-2)

/* Where a key's value was last set. */
struct config_origin {
	char key[48];   /* "docketd.listen" */
	int file;       /* index in the report's files, or CONFIG_FROM_* */
	int line;       /* in that file; 0 when none */
	unsigned order; /* later sets have higher ones */
};

/*
 * What reading the configuration found: the files read, where each key was
 * last set, and every error, each one line "path:line: section.key: what".
 */
struct config_report {
	const char *path; /* the file given, or NULL */
	int dropins;      /* drop-ins read */
	int nerr;         /* errors found; the first CONFIG_MAX_ERRORS are kept */
	char err[CONFIG_MAX_ERRORS][640];
	/* The rest is config.c's. */
	int err_file[CONFIG_MAX_ERRORS], err_line[CONFIG_MAX_ERRORS];
	char **files;
	int nfiles;
	struct config_origin origin[CONFIG_MAX_ORIGINS];
	int norigin;
	unsigned sets;
};

/*
 * Read the whole configuration into c: the defaults, the file at path
 * (unless NULL), its drop-ins path.d/NAME.conf in the byte order of their
 * names, the n [docketd] keys of the command line (set[i][0] the key,
 * set[i][1] the value), then config_check. A key set twice keeps its later
 * value. Every error in every file goes to r, whatever the result; free r
 * with config_report_free. Returns 0 or -DOCKET_ECONFIG.
 */
int config_read(struct config *c, const char *path, const char *set[][2], int n,
		struct config_report *r);
void config_report_free(struct config_report *r);

/* Where key ("docketd.listen") was last set; NULL when it keeps its default. */
const struct config_origin *config_origin(const struct config_report *r, const char *key);

/* Add an error about key to r, as "path:line: key: what" with where key was set. */
void config_report_error(struct config_report *r, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * What docketd --check-config adds to config_read, writing and binding
 * nothing: the endpoints' form and transport, ipc_group, the server key
 * file, the state directory and the office's time zone. Errors go to r.
 * Returns 0 or -DOCKET_ECONFIG.
 */
int config_check_host(const struct config *c, struct config_report *r);

/*
 * docketd --check-config: config_read, then config_check_host; the errors
 * on stderr, or one line saying the configuration is valid on stdout.
 * Returns the exit status: EX_OK or EX_CONFIG.
 */
int config_check_run(const char *path, const char *set[][2], int n);

#endif
