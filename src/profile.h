/* Profiles: the desired state, parsed with inih, validated against the
 * schema of every section (migready.profile(5)), merged in -p order. Every
 * value keeps the file and line it came from. */
#ifndef MR_PROFILE_H
#define MR_PROFILE_H

#include <stddef.h>

#include "util.h"

struct mr_profile;

/* One key = value of a profile. section is "libvirtd", "qemu", ... or
 * "file /etc/path" for a [file PATH] section; strings are borrowed from the
 * profile that holds them. */
struct mr_setting {
	const char *section;
	const char *key;
	const char *value;
	struct mr_loc loc;
};

/* Loads and merges the profiles in order (a later file overrides an earlier
 * one's scalar keys and replaces its lists; repeated list keys within one
 * file accumulate; include = FILE is read in place, relative to the file
 * that names it). Validates everything. On any problem returns NULL and
 * appends one MR_ERR_INPUT error per problem, each naming file:line. */
struct mr_profile *mr_profile_load(const char *const *paths, size_t n, struct mr_error **err);
/* The same for paths named at from (an inventory's profile line): a file
 * that cannot be opened is an error there. */
struct mr_profile *mr_profile_load_from(const char *const *paths, size_t n,
                                        const struct mr_loc *from, struct mr_error **err);

/* An empty profile, to which mr_profile_override can add. */
struct mr_profile *mr_profile_new(void);

/* A deep copy (per-host profiles start as copies of the shared one). */
struct mr_profile *mr_profile_dup(const struct mr_profile *p);

/* Accepts NULL. */
void mr_profile_free(struct mr_profile *p);

/* Sets section.key = value as if a later profile said it (inventory
 * "set = nfs.role server"). Validated like a profile line; on error returns
 * -1 with an MR_ERR_INPUT error at loc. loc.file must outlive p. */
int mr_profile_override(struct mr_profile *p, const char *section, const char *key,
                        const char *value, struct mr_loc loc, struct mr_error **err);

/* The value of a scalar key, or NULL if the profile does not set it. For a
 * list key, its first value. Borrowed from p and valid until p changes. */
const struct mr_setting *mr_profile_get(const struct mr_profile *p, const char *section,
                                        const char *key);

/* The values of a list key in order; *n gets the count. The array is
 * borrowed from p and valid until p changes. NULL when there are none. A
 * scalar key gives an array of one. */
const struct mr_setting *const *mr_profile_get_all(const struct mr_profile *p,
                                                   const char *section, const char *key,
                                                   size_t *n);

/* The length of the Augeas path that starts a [file] "set" or "rm" value
 * (up to the first blank outside brackets and quotes). */
size_t mr_profile_aug_path_len(const char *value);

/* Sections in the order they first appeared. */
size_t mr_profile_section_count(const struct mr_profile *p);
const char *mr_profile_section_name(const struct mr_profile *p, size_t i);
int mr_profile_has_section(const struct mr_profile *p, const char *section);
/* The i-th section's first header, and the keys it sets, in order. */
struct mr_loc mr_profile_section_loc(const struct mr_profile *p, size_t i);
size_t mr_profile_key_count(const struct mr_profile *p, size_t i);
const char *mr_profile_key_name(const struct mr_profile *p, size_t i, size_t j);

/* Total settings held (lint prints it). */
size_t mr_profile_setting_count(const struct mr_profile *p);

/* Typed views of values the schema already validated. */
int mr_setting_bool(const struct mr_setting *s);      /* yes/true/1 -> 1 */
long mr_setting_long(const struct mr_setting *s);

/* A user or group name as Linux login tools accept it (letters, digits,
 * '_', '-', '.', a final '$'; at most 32 bytes). */
int mr_profile_is_user_name(const char *s);

/* Parses a boolean as profiles spell it; -1 if it is none. */
int mr_parse_bool(const char *s);

/* Checks section.key = value against the schema as mr_profile_override
 * would, without a profile and without cross-field checks (an inventory
 * validates its "set" lines with it). Returns 0, or -1 with one
 * MR_ERR_INPUT error at loc. */
int mr_profile_check_setting(const char *section, const char *key, const char *value,
                             struct mr_loc loc, struct mr_error **err);

/* 1 if section.key is a list (repeatable) key, 0 if a scalar one, -1 if
 * the schema does not know it. section may be "file /PATH". */
int mr_profile_key_is_list(const char *section, const char *key);

/* The major version of a [nova] release value: 0 for "auto", the release's
 * major version for a name (liberty = 12, zed = 26; the releases before
 * liberty count on from austin = 1), the number itself for a number; -1 if
 * the value is none of these. */
int mr_profile_nova_major(const char *release);

/* The code name of a nova major version ("zed" for 26), or NULL if the
 * schema knows no release of that number. Static. */
const char *mr_profile_nova_release_name(unsigned major);

/* The newest major version that has a name (the last the schema knows). */
unsigned mr_profile_nova_newest(void);

/* The oldest release migready writes nova.conf for: icehouse, where the
 * libvirt driver's options moved to [libvirt]. */
#define MR_NOVA_OLDEST 9

#endif
