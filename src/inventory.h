/* Inventories: which hosts, and how to reach them. migready's own INI
 * format (migready.inventory(5)) or an Ansible INI inventory. */
#ifndef MR_INVENTORY_H
#define MR_INVENTORY_H

#include <stddef.h>

#include "transport.h"
#include "util.h"


/* A profile override from a [group] or [host] "set = section.key value". */
struct mr_override {
	char *section;
	char *key;
	char *value;
	struct mr_loc loc;
};

/* One host with everything inherited from [defaults] and its groups resolved.
 * Paths (identity, known_hosts, profiles) are already expanded (~) and made
 * absolute relative to the inventory file. */
struct mr_host {
	char *name;
	char *address;    /* defaults to name */
	unsigned port;    /* default 22 */
	char *user;       /* default "root" */
	char *identity;   /* may be NULL: ssh-agent, then ~/.ssh/id_ed25519, id_ecdsa, id_rsa */
	char *known_hosts;/* default ~/.ssh/known_hosts */
	char *root;       /* like --root for this host, or NULL */
	char *libvirt_uri;/* libvirt_uri, or NULL: see mr_host_libvirt_uri */
	enum mr_host_key_check host_key_check;
	int become;       /* become = sudo (ansible_become): commands and files via sudo -n */
	char *become_user;/* as whom with become; default "root" */
	char **profiles;  /* profile paths for this host, NULL-terminated; may be empty */
	struct mr_loc profiles_loc; /* the line that names them; line 0: none */
	char **groups;    /* NULL-terminated */
	struct mr_override *overrides; /* groups' first (in group order), then the host's */
	size_t n_overrides;
	struct mr_loc loc;
};

struct mr_inventory;

/* Parses path; detects the Ansible format. On problems returns NULL with one
 * MR_ERR_INPUT error per problem, each naming file:line. */
struct mr_inventory *mr_inventory_load(const char *path, struct mr_error **err);

/* Accepts NULL. */
void mr_inventory_free(struct mr_inventory *inv);

/* Hosts in inventory order (first appearance). Borrowed from inv. */
size_t mr_inventory_count(const struct mr_inventory *inv);
const struct mr_host *mr_inventory_host(const struct mr_inventory *inv, size_t i);

/* The URI verify connects to: the host's libvirt_uri, or
 * qemu+tcp://ADDRESS[:PORT]/system (port 0 or 16509: none written). The
 * caller frees it. */
char *mr_host_libvirt_uri(const struct mr_host *h, unsigned port);

/* The inventory's own file name, for messages. */
const char *mr_inventory_path(const struct mr_inventory *inv);

/* Refuses two hosts that are one machine and one root: the same address
 * (IP literals compared in canonical form, names without case; nothing
 * resolved), the same port, and the same root, which is cli_root (--root,
 * overriding every host's) when not NULL, else the host's own, else "/".
 * Only the hosts for which selected(name, user) is true count; NULL
 * selects all. Returns 0, or -1 with one MR_ERR_INPUT error per repeated
 * host, at its line, naming the first host it repeats and where. */
int mr_inventory_check_distinct(const struct mr_inventory *inv, const char *cli_root,
                                int (*selected)(const char *name, const void *user),
                                const void *user, struct mr_error **err);

#endif
