/* Results of a run, per host in inventory order, and their rendering as
 * text, JSON or a Prometheus textfile. report.c alone writes results. */
#ifndef MR_REPORT_H
#define MR_REPORT_H

#include <stdio.h>

#include "util.h"

struct json_object;

/* ANSI colours of the text reports (this one and verify's). */
#define MR_C_RESET "\033[0m"
#define MR_C_RED "\033[31m"
#define MR_C_GREEN "\033[32m"
#define MR_C_YELLOW "\033[33m"
#define MR_C_CYAN "\033[36m"
#define MR_C_BOLD "\033[1m"

/* The version of the JSON report's shape (migready(1), JSON REPORT). */
#define MR_REPORT_SCHEMA_VERSION 2

enum mr_outcome {
	MR_OUTCOME_OK,      /* already as desired */
	MR_OUTCOME_DRIFT,   /* differs (check, diff) */
	MR_OUTCOME_CHANGED, /* was changed (apply) */
	MR_OUTCOME_FAILED,  /* could not be checked or changed */
	MR_OUTCOME_UNKNOWN, /* apply's reply was lost: the next run will show */
	MR_OUTCOME_UNCHECKED, /* this release does not examine it: never "ok" */
};

/* One setting's result. */
struct mr_item {
	char *setting;   /* "libvirtd.listen_tcp" */
	char *file;      /* path on the host, or NULL */
	char *unit;      /* or the systemd unit it is about, or NULL */
	char *old;       /* value found, or NULL if absent */
	char *want;      /* desired value, or NULL for a removal */
	char *deflt;     /* the consumer's default when absent, or NULL */
	char *origin;    /* "profile.ini:3" */
	char *note;      /* why it failed, or how it was translated; or NULL */
	enum mr_outcome outcome;
};

/* One file's result. */
struct mr_file_report {
	char *path;
	char *diff;      /* unified diff, or NULL */
	char *error;     /* why it failed, or NULL */
	int changed;     /* differs (check) or was written (apply) */
	int created;     /* did not exist before (made only if changed) */
};

/* rollback --list: one run whose backups a host keeps. */
struct mr_run_entry {
	char *id;
	char *time;      /* RFC 3339, from the id */
	char **files;    /* "existed /etc/libvirt/libvirtd.conf" */
	size_t n_files;
	char **actions;  /* "try-restart libvirtd.service", "owed try-restart ..." */
	size_t n_actions;
	char *note;      /* "rollback of ID", why it cannot be rolled back; or NULL */
};

/* show: one value of a host's merged profile, and where it comes from. */
struct mr_shown {
	char *section;
	char *key;
	char *value;
	char *origin;    /* "profile.ini:3", an include's, or the inventory's set line */
};

struct mr_host_report {
	char *name;
	char *error;     /* the host as a whole failed, or NULL */
	struct mr_item *items;
	size_t n_items;
	struct mr_file_report *files;
	size_t n_files;
	char **services; /* restarted (apply) */
	size_t n_services;
	char **planned;  /* apply would restart these (check, diff) */
	size_t n_planned;
	char *world;     /* the libvirt listener world, or NULL */
	char **facts;    /* "key=value" as the probe found them (facts command) */
	size_t n_facts;
	char *backup_dir;/* where apply kept the originals, or NULL */
	double seconds;
	int reached;     /* the host answered the facts probe */
	char **summary;  /* "key=value": what the host is, in a few facts */
	size_t n_summary;
	char *rolled_back; /* rollback: the run it undid, or NULL */
	struct mr_run_entry *runs; /* rollback --list, oldest first */
	size_t n_runs;
	struct mr_shown *shown; /* show: the merged profile, in its order */
	size_t n_shown;
};

/* A profile the run read, and the SHA-256 of its bytes. */
struct mr_report_profile {
	char *path;
	char *sha256;
};

struct mr_report {
	const char *command;
	struct mr_host_report *hosts;
	size_t n_hosts;
	/* The run as a whole (JSON, Prometheus); main.c fills them. */
	char *run_id;
	double started;       /* Unix time, seconds */
	double seconds;       /* the whole run */
	double last_success;  /* Unix time of the last run without failures, or 0 */
	struct mr_report_profile *profiles;
	size_t n_profiles;
	char **warnings;
	size_t n_warnings;
	int list_runs;        /* rollback --list: the hosts' runs, not results */
};

/* Allocates n empty host reports named by the caller afterwards. */
void mr_report_init(struct mr_report *rep, const char *command, size_t n_hosts);
void mr_report_fini(struct mr_report *rep);

struct mr_item *mr_host_report_add_item(struct mr_host_report *h);
struct mr_file_report *mr_host_report_add_file(struct mr_host_report *h, const char *path);
void mr_host_report_add_service(struct mr_host_report *h, const char *unit);
void mr_host_report_add_planned(struct mr_host_report *h, const char *unit);
void mr_host_report_add_fact(struct mr_host_report *h, const char *key, const char *value);
void mr_host_report_add_summary(struct mr_host_report *h, const char *key, const char *value);
/* show: adds a value (strings copied). */
void mr_host_report_add_shown(struct mr_host_report *h, const char *section, const char *key,
                              const char *value, const char *origin);
/* A new, empty run entry (id copied). */
struct mr_run_entry *mr_host_report_add_run(struct mr_host_report *h, const char *id);
void mr_report_add_profile(struct mr_report *rep, const char *path, const char *sha256);
/* Takes over message. */
void mr_report_add_warning_steal(struct mr_report *rep, char *message);
/* Records a host-wide failure (the first one is kept, later ones joined). */
void mr_host_report_fail(struct mr_host_report *h, const char *message);
/* Any failure of the host, of one of its files, or of one of its items. */
int mr_host_report_failed(const struct mr_host_report *h);
/* Settings this release examined (all but unchecked ones). */
size_t mr_host_report_checked(const struct mr_host_report *h);
/* Settings not in the desired state (drift or changed). */
size_t mr_host_report_drift(const struct mr_host_report *h);

enum mr_format { MR_FORMAT_TEXT, MR_FORMAT_JSON, MR_FORMAT_PROM };

struct mr_render_opts {
	enum mr_format format;
	int color;       /* ANSI colours in text */
	int verbose;     /* text: also list settings that are OK */
	int quiet;       /* text: only problems and the summary line */
	int show_diffs;  /* text: print the unified diffs */
};

/* Writes the report; returns -1 if the stream failed. */
int mr_report_write(const struct mr_report *rep, const struct mr_render_opts *opts, FILE *out);

/* Detailed exit status of DESIGN.md: 0, 2, 4 or 6. */
int mr_report_exit_status(const struct mr_report *rep);

/* One line for syslog or the journal: "check: 3 hosts: 2 in the desired
 * state, 1 drifted, 0 failed". The caller's. */
char *mr_report_summary(const struct mr_report *rep);

/* Helpers every report writer shares. Text from hosts, with control bytes
 * shown as \xNN (a terminal would run them as escape sequences). */
void mr_report_put_text(FILE *out, const char *s, size_t n);
/* A Prometheus label value, escaped (\\, \", \n). */
void mr_report_prom_label(FILE *out, const char *s);
/* A JSON string, or NULL (JSON null) for NULL. */
struct json_object *mr_report_json_str(const char *s);

#endif
