/* Internals of the profile module shared by profile.c, profile_schema.c and
 * the unit tests: the schema table and the value checkers. */
#ifndef MR_PROFILE_PRIV_H
#define MR_PROFILE_PRIV_H

#include <stddef.h>

/* What a value must look like. */
enum mr_ptype {
	MR_PT_BOOL,          /* yes/no, true/false, 1/0, on/off (any case) */
	MR_PT_ENUM,          /* one of words */
	MR_PT_INT,           /* decimal within [min, max] */
	MR_PT_PORT,          /* 1-65535 */
	MR_PT_PORT_PROTO,    /* PORT[-PORT]/tcp|udp */
	MR_PT_ABS_PATH,      /* absolute, no blanks */
	MR_PT_PATH,          /* relative to the profile file, or ~/, or absolute */
	MR_PT_NAME,          /* user or group name */
	MR_PT_CIDR,          /* IPv4 or IPv6 address or network */
	MR_PT_NOVA_SET,      /* SECTION/KEY VALUE of nova.conf */
	MR_PT_NFS_EXPORT,    /* PATH CLIENT(OPTS) [CLIENT(OPTS)...] */
	MR_PT_MOUNT,         /* SPEC MOUNTPOINT TYPE OPTIONS [DUMP [PASS]] */
	MR_PT_SSH_KEY,       /* [OPTIONS] TYPE BASE64 [COMMENT] */
	MR_PT_MIGRATE_FLAGS, /* VIR_MIGRATE_A, VIR_MIGRATE_B */
	MR_PT_NOVA_RELEASE,  /* auto, a release name or a major version */
	MR_PT_CPU_MODELS,    /* Model[,Model...] */
	MR_PT_LENS,          /* Name or Module.lens */
	MR_PT_AUG_SET,       /* AUGPATH VALUE */
	MR_PT_AUG_PATH,      /* AUGPATH, relative to the file */
	MR_PT_FW_ZONE,       /* a firewalld zone name */
	MR_PT_KEY_FP,        /* SHA256:BASE64 (ssh-keygen -l), or any */
};

#define MR_SK_LIST 1u   /* repeatable: the values form a list */
#define MR_SK_QUOTED 2u /* written inside a libvirt "string", which has no escapes */

/* The longest value a profile may hold, in bytes. */
#define MR_VALUE_MAX (64u * 1024u)

struct mr_schema_key {
	const char *section; /* "file" stands for every [file PATH] */
	const char *key;
	enum mr_ptype type;
	unsigned flags;
	const char *const *words; /* MR_PT_ENUM: NULL-terminated */
	long min, max;            /* MR_PT_INT */
};

/* The schema: every key of every section, in DESIGN.md's order. */
extern const struct mr_schema_key mr_schema[];
extern const size_t mr_schema_len;

/* The section names of the schema, "file" included, in order. */
const char *const *mr_schema_sections(size_t *n);

/* The schema class of a section name: the name itself for a known section,
 * "file" for "file PATH", NULL for an unknown one. Borrowed from the
 * schema. */
const char *mr_schema_class(const char *section);

/* Checks a section name as written in a header (blanks already collapsed).
 * Returns 0, or -1 with *msg (the caller's) describing the problem:
 * "unknown section [x]; did you mean [y]?", "[file] needs an absolute
 * path: [file /etc/NAME]", ... */
int mr_schema_check_section(const char *section, char **msg);

const struct mr_schema_key *mr_schema_find(const char *section, const char *key);

/* The message for an unknown key of a known section (with a suggestion when
 * a key is close). The caller frees it. */
char *mr_schema_unknown_key(const char *section, const char *key);

/* Checks value against k. file is the file that names the value (relative
 * paths are resolved against it). Every value must be valid UTF-8, at most
 * MR_VALUE_MAX bytes, without control characters (tab aside); an
 * MR_SK_QUOTED one without '"'. On success returns 0 and, when the stored
 * value differs from the written one (a resolved path, an integer in
 * canonical decimal: "016509" is stored as "16509"), sets *norm to the
 * caller's copy, else NULL. On failure returns -1 and sets *msg (the
 * caller's) to "expected ..., got '...'" without the key's name. */
int mr_schema_check(const struct mr_schema_key *k, const char *value, const char *file,
                    char **norm, char **msg);

/* For cross-checks: a nova.conf "SECTION/KEY" of a set value, normalised
 * (lower case, '-' as '_'), in buf of size n. */
void mr_schema_nova_option(const char *value, char *buf, size_t n);

#endif
