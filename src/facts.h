/* What a host is: one run of the facts probe (facts.sh) per host, before
 * planning, over SSH or locally, the same text; under a root prefix the
 * facts come from the tree (os-release, the dpkg database, unit files and
 * their enablement links, passwd and group). A fact the probe could not
 * find is unknown (NULL), never a guess. */
#ifndef MR_FACTS_H
#define MR_FACTS_H

#include <stddef.h>
#include <sys/types.h>

#include "util.h"

struct mr_facts;
struct mr_transport;

/* How this host runs libvirt's network listener. */
enum mr_libvirt_world {
	MR_WORLD_UNKNOWN,
	MR_WORLD_LEGACY,  /* libvirtd --listen reads listen_tcp/listen_tls */
	MR_WORLD_SOCKET,  /* monolithic libvirtd, socket-activated (libvirt >= 5.6) */
	MR_WORLD_MODULAR, /* virtqemud + virtproxyd (libvirt >= 5.6, modular daemons) */
};

/* A unit's state as the facts know it; each part NULL if unknown. */
struct mr_unit_state {
	int present;         /* -1 unknown, 0 no unit file, 1 there */
	const char *enabled; /* "enabled", "disabled", "masked", "static", ... */
	const char *active;  /* "active", "inactive", "failed", ...; NULL offline */
};

/* Parses the probe's output. Lines must be key=value with a key of
 * [a-z0-9._/@+-] and a value without control bytes, a socket.UNIT.listen
 * value of mr_listen_fact_parse's form; the held (or serving) mark ends it. Returns NULL with an MR_ERR_HOST error naming host and line
 * otherwise. */
struct mr_facts *mr_facts_parse(const char *host, const char *text, size_t len,
                                struct mr_error **err);
void mr_facts_free(struct mr_facts *f);
/* A copy of f that outlives it (NULL for NULL); the caller's. */
struct mr_facts *mr_facts_copy(const struct mr_facts *f);

/* Runs the probe on t. lock_wait_s < 0: no lock; else the host's lock is
 * taken (waiting up to that many seconds) and held by the probe until
 * t's release or close; meanwhile t's commands run in the probe's shell
 * (MR_SERVING_MARK), under the lock, with no session of their own.
 * holder names this run for a loser's message.
 * instances: the instances directory whose mount is reported, or NULL.
 * user: an account to report besides nova and the qemu users ([ssh]
 * user), whose key login sshd's configuration is read for, or NULL;
 * shell: the login shell the profile gives it ([ssh] shell), or NULL:
 * whether each is on the host is reported (shell.exec).
 * nova_keys: the options whose values in nova's other
 * configuration files are reported (mr_nova_watch_keys), or NULL.
 * ids: more user and group names to look up ("USER GROUP", either "-":
 * [qemu] user and group), or NULL; the probe says which account files
 * it read (ids.passwd, ids.group), so that a name missing is known.
 * Errors: MR_ERR_HOST ("locked by ... since ...", probe failed). */
struct mr_facts *mr_facts_gather(struct mr_transport *t, const char *instances,
                                 const char *user, const char *shell, const char *nova_keys,
                                 const char *ids, int lock_wait_s, const char *holder,
                                 struct mr_error **err);

/* The value of key (the last one for a repeated key), or NULL. Borrowed. */
const char *mr_facts_get(const struct mr_facts *f, const char *key);
/* Every value of a repeated key ("hostkey", "pending"), in order. */
size_t mr_facts_get_all(const struct mr_facts *f, const char *key, const char ***values);

/* All key=value pairs in order, for `migready facts`. */
size_t mr_facts_count(const struct mr_facts *f);
void mr_facts_pair(const struct mr_facts *f, size_t i, const char **key, const char **value);

/* 1 for a live host, 0 for a tree (image, chroot). */
int mr_facts_live(const struct mr_facts *f);
/* An account as the probe read it (user.NAME=UID:GID:HOME:SHELL,
 * group.NAME=GID): 0 and its ids where the facts know it, else -1. */
int mr_facts_user_ids(const struct mr_facts *f, const char *name, uid_t *uid, gid_t *gid);
int mr_facts_group_gid(const struct mr_facts *f, const char *name, gid_t *gid);
/* Whether user, whose primary group is gid, is in the group the facts
 * list as group.NAME (name, n bytes): its gid, or its members where the
 * probe read them (group.NAME.members). */
int mr_facts_in_group(const struct mr_facts *f, const char *name, size_t n, const char *user,
                      gid_t gid);
/* systemd runs on the host and can be asked (live), or unit files can be
 * read (tree). */
int mr_facts_has_systemd(const struct mr_facts *f);

struct mr_unit_state mr_facts_unit(const struct mr_facts *f, const char *unit);
/* Whether the unit is there and masked (for good or at runtime). */
int mr_unit_state_masked(struct mr_unit_state s);
/* Whether the unit is there and enabled (in any way) or active. */
int mr_unit_state_on(struct mr_unit_state s);

/* "9.0.0" from the installed libvirt daemon package, or NULL. The
 * caller's. */
char *mr_facts_libvirt_version(const struct mr_facts *f);
/* Major.minor as one number (9.0 -> 9000), -1 if unknown. */
long mr_facts_libvirt_num(const struct mr_facts *f);
/* nova's package version ("26.2.2"), or NULL; the caller's. */
char *mr_facts_nova_version(const struct mr_facts *f);

/* The listener world and, for the report, why (borrowed static text or
 * NULL). */
enum mr_libvirt_world mr_facts_libvirt_world(const struct mr_facts *f, const char **why);
const char *mr_libvirt_world_name(enum mr_libvirt_world w);

/* One line of a file as the probe gives it, "FILE REST" (unit files'
 * lines, nova's and multipath's options): the file (file_len bytes of
 * it) and the rest. Returns -1 for a value without a blank. */
struct mr_file_fact {
	const char *file;
	int file_len;
	const char *rest;
};
int mr_file_fact_parse(const char *value, struct mr_file_fact *out);
/* A socket's ListenStream line as the probe gives it (socket.UNIT.listen):
 * "FILE LINE VALUE", VALUE empty for a reset; *line its number, out->rest
 * the value. Returns -1 for any other form (mr_facts_parse refuses it). */
int mr_listen_fact_parse(const char *value, struct mr_file_fact *out, long *line);
/* A file name of a fact (s, len bytes), for a message: the probe sends a
 * blank as %20 and '%' as %25, which come back; a control character stays
 * spelt %XX (no terminal escape reaches a report). The text lives in a
 * buffer of the calling thread's, valid until its fourth call after; a
 * name longer than a path can be is cut. */
const char *mr_fact_path_shown(const char *s, int len);
/* Whether its file is path (NULL: no). */
int mr_file_fact_is(const struct mr_file_fact *f, const char *path);

/* Whether one of key's values is value. */
int mr_facts_has(const struct mr_facts *f, const char *key, const char *value);
/* What the probe says of a file it looks for, as key's "PATH present" or
 * "PATH absent" (tls.file, qemu.tls_file, apparmor.template), the last it
 * says: 1 present, 0 absent, -1 nothing said of it. */
int mr_facts_file_state(const struct mr_facts *f, const char *key, const char *path);

/* The libvirtd options file this host uses: the one libvirtd.service
 * reads, else by family, Debian's (/etc/default) or the RHEL family's
 * (/etc/sysconfig); NULL if unknown. */
const char *mr_facts_libvirtd_defaults(const struct mr_facts *f);

/* Whether the host's os-release names the RHEL family (RHEL, Fedora and
 * their rebuilds): 1, Debian's: 0, neither or unknown: -1. */
int mr_facts_rhel_family(const struct mr_facts *f);

/* A systemd unit name: [A-Za-z0-9:_.@-]+ with a known suffix, at most 255
 * bytes. Values read back from a host pass this before any use. */
int mr_unit_name_valid(const char *name);

#endif
