/* docketd's settings: embedded defaults, then the INI file, then the command line. */
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
 * Read the INI file at path over c. Unknown sections or keys and bad values
 * are errors. Returns 0 or -DOCKET_ECONFIG with "path:line: what" in err.
 */
int config_load(struct config *c, const char *path, char *err, size_t errlen);

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

#endif
