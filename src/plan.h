/* A host's plan: which files to edit with which operations, and why. The
 * resources (res_*.c) fill it without any I/O; mr_plan_run then reads each
 * file once through the transport, transforms it through the engine, and
 * (apply) writes, backs up, restarts services and verifies. */
#ifndef MR_PLAN_H
#define MR_PLAN_H

#include <stddef.h>

#include "aug.h"
#include "profile.h"
#include "util.h"

struct mr_plan;
struct mr_plan_file;
struct mr_transport;
struct mr_host_report;

enum mr_mode {
	MR_MODE_CHECK,
	MR_MODE_DIFF,
	MR_MODE_APPLY,
};

struct mr_run_opts {
	enum mr_mode mode;
	int no_restart;
	const char *run_id; /* names the backup directory */
};

struct mr_plan *mr_plan_new(void);
void mr_plan_free(struct mr_plan *plan);

/* The file at path (on the host, before any root prefix), edited with lens.
 * service: the systemd unit to restart when the file changes, or NULL.
 * Asking twice for one path returns the same file. Borrowed from plan. */
struct mr_plan_file *mr_plan_file(struct mr_plan *plan, const char *path, const char *lens,
                                  const char *service);

/* Adds an operation. origin names the setting for the report
 * ("libvirtd.listen_tcp" and its profile line). Strings are copied. */
void mr_plan_add(struct mr_plan_file *f, const struct mr_setting *origin,
                 const struct mr_aug_op *op);

size_t mr_plan_file_count(const struct mr_plan *plan);
/* For tests: the i-th file's path and its operations. */
const char *mr_plan_file_path(const struct mr_plan *plan, size_t i);
size_t mr_plan_op_count(const struct mr_plan *plan, size_t i);
const struct mr_aug_op *mr_plan_op(const struct mr_plan *plan, size_t i, size_t j);

/* Executes the plan on a host and fills rep. Failures of one file are
 * recorded in rep and do not stop the other files; returns -1 only if the
 * host as a whole failed (err set). */
int mr_plan_run(struct mr_plan *plan, struct mr_transport *t, struct mr_aug *aug,
                const struct mr_run_opts *opts, struct mr_host_report *rep,
                struct mr_error **err);

#endif
