/* Results of a run, per host in inventory order, and their rendering as
 * text, JSON or a Prometheus textfile. report.c alone writes results. */
#ifndef MR_REPORT_H
#define MR_REPORT_H

#include <stdio.h>

#include "util.h"

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
	int created;     /* did not exist before */
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
};

struct mr_report {
	const char *command;
	struct mr_host_report *hosts;
	size_t n_hosts;
};

/* Allocates n empty host reports named by the caller afterwards. */
void mr_report_init(struct mr_report *rep, const char *command, size_t n_hosts);
void mr_report_fini(struct mr_report *rep);

struct mr_item *mr_host_report_add_item(struct mr_host_report *h);
struct mr_file_report *mr_host_report_add_file(struct mr_host_report *h, const char *path);
void mr_host_report_add_service(struct mr_host_report *h, const char *unit);
void mr_host_report_add_planned(struct mr_host_report *h, const char *unit);
void mr_host_report_add_fact(struct mr_host_report *h, const char *key, const char *value);
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

#endif
