/* The nova user's migration keys as text: authorized_keys merged with the
 * keys a profile wants (what is there and its options kept, unless the
 * list must be exact), known_hosts composed from the peers' verified host
 * keys, and the cluster key pair kept on the controller. Pure logic on a
 * file's text, tested without a host; res_ssh.c plans with it. */
#ifndef MR_SSHKEYS_H
#define MR_SSHKEYS_H

#include <stddef.h>
#include <time.h>

#include "profile.h"
#include "util.h"

/* A key line's parts: [options] type base64 [comment]; pointers into the
 * line, with lengths. */
struct mr_ssh_key_line {
	const char *options; /* NULL if none */
	size_t options_len;
	const char *type;
	size_t type_len;
	const char *b64;
	size_t b64_len;
	const char *comment; /* NULL if none; up to the end of the line */
	size_t comment_len;
};

/* Parses one authorized_keys or public key line (n bytes, no newline).
 * Returns 0 for a key line, -1 for anything else (blank, comment,
 * malformed). */
int mr_ssh_key_parse(const char *line, size_t n, struct mr_ssh_key_line *k);

/* authorized_keys text with every key of want (lines as the profile gives
 * them, options allowed) present: a key counts as present when its type and
 * data match, whatever its options and comment, and its line is kept as it
 * is; unless sshd would refuse it at now (an expiry-time= passed or
 * unreadable) or take it without running nova's commands (command=,
 * cert-authority), and no line of that key that works comes before it:
 * then want's line replaces it, unless that says the same (a forced
 * command of the profile's own) or is refused itself
 * (mr_ssh_key_refusal: such a line is never written). Other lines (keys,
 * comments, blanks) are kept byte for byte, unless exclusive: then keys
 * not in want (and repeats) go, comments stay. *found (the caller's, NULL
 * when nothing differs) says which keys are missing, extra or replaced,
 * each by comment and fingerprint. Returns the new text, the caller's. */
char *mr_ssh_authorized_merge(const char *old, size_t len, const char *const *want,
                              size_t n_want, int exclusive, time_t now, char **found);

/* Where sshd takes key (a line as the profile gives it) in text
 * (authorized_keys) only on lines with from=: whether it lets the peers
 * in depends on the address they connect from, which is not known here.
 * "LINE from=\"...\"[, LINE ...] (comment (SHA256:...))", or NULL (a line
 * sshd takes from anywhere comes first, or none has from=). The caller's. */
char *mr_ssh_authorized_doubts(const char *text, size_t len, const char *key, time_t now);

/* Why sshd refuses the key line at now whoever connects ("expiry-time=...
 * has passed"), or NULL. The caller's. */
char *mr_ssh_key_refusal(const char *line, time_t now);

/* One peer in known_hosts: every name it may be reached by, the SSH port,
 * and its host keys ("type base64"). */
struct mr_ssh_peer {
	const char *const *names;
	size_t n_names;
	unsigned port;            /* 0 or 22: plain names; else [name]:port */
	const char *const *keys;
	size_t n_keys;
	/* the peer's other host keys ("type base64", from its facts): not
	 * written, but a line holding another key of their type is stale too */
	const char *const *known;
	size_t n_known;
};

/* known_hosts text in which every peer's keys match under every one of its
 * names: a peer's plain names on a line that holds another key of the same
 * type are stale and go, the line with them when it names no one else (a
 * hashed line, which names one host, goes whole; wildcard lines are kept:
 * they never stop a matching line from being trusted); missing names get
 * one line per key. Everything else is kept byte for byte. *found as above: stale entries and missing names.
 * Returns the new text, the caller's; NULL when a peer's key is @revoked
 * there (ssh refuses it whatever is added), *found then "LINE: why". */
char *mr_ssh_known_hosts_merge(const char *old, size_t len, const struct mr_ssh_peer *peers,
                               size_t n_peers, char **found);

/* A key line of the files ssh reads beside the user's known_hosts
 * (/etc/ssh/ssh_known_hosts, ssh_known_hosts2, ~/.ssh/known_hosts2):
 * ssh looks a host up in all of them at once. */
struct mr_ssh_known_line {
	const char *file; /* as shown */
	unsigned line;
	const char *text; /* "HOSTS TYPE BASE64" */
};

/* What a merged known_hosts (text), with the other files' lines (other),
 * still holds against a peer, for one of its names: a line with another
 * key of a type of the peer's, where no line of any of them holds the
 * peer's own key of that type (ssh finds the host changed if its sshd
 * serves that type); where the peer's host keys were not read (n_known
 * 0), a line of any type but those written, whose key cannot be judged.
 * One "LINE WHY" line each, for the merged file, or "FILE:LINE WHY" (FILE
 * absolute) for another; NULL if none. The caller's. */
char *mr_ssh_known_hosts_doubts(const char *text, size_t len, const struct mr_ssh_peer *peers,
                                size_t n_peers, const struct mr_ssh_known_line *other,
                                size_t n_other);

/* The peers' keys that one known_hosts line (text, NUL-terminated)
 * revokes, "the TYPE key of NAME" each, "; " apart, or NULL. For ssh's
 * other files (/etc/ssh/ssh_known_hosts, ~/.ssh/known_hosts2), whose
 * @revoked lines refuse a key whatever the user's file holds. The
 * caller's. */
char *mr_ssh_known_hosts_revoked(const char *text, const struct mr_ssh_peer *peers,
                                 size_t n_peers);

/* The cluster key pair at path (the private key) and path.pub, read from
 * the controller. With generate, an absent pair is created first by
 * ssh-keygen (ed25519, no passphrase; its directory made 0700 if
 * missing). The private key must be a regular file of mode 0600 (or
 * stricter) owned by this user, else it is refused. *priv and *pub (one
 * line, no newline) are the caller's; on failure NULL, with an error
 * naming path (MR_ERR_INPUT if absent and not generated). The private key
 * is never logged. */
int mr_ssh_keypair_load(const char *path, int generate, char **priv, char **pub,
                        struct mr_error **err);

/* OpenSSH's fingerprint ("SHA256:...") of the key pair whose private key
 * is priv (its text), or NULL where its public half cannot be read (a
 * PEM key with a passphrase, a format not known). The caller's. */
char *mr_ssh_private_key_fingerprint(const char *priv);

/* The cluster key pairs of a run, loaded once per path before any host
 * is planned (plans do no I/O). */
struct mr_ssh_keypair {
	char *path;  /* resolved */
	char *priv;  /* NULL if it could not be loaded */
	char *pub;
	char *fp;    /* OpenSSH's fingerprint of priv, NULL if not read */
	char *error; /* why not, for the report */
	int absent;  /* not there, and not generated (check, diff) */
};

struct mr_ssh_keypairs {
	struct mr_ssh_keypair *v;
	size_t n;
};

/* The keypair setting's path: relative to the directory of the file that
 * set it (like include), "~/" from $HOME. The caller's. */
char *mr_ssh_keypair_path(const struct mr_setting *s);
/* Loads the pair keypair names, unless already loaded (generate: see
 * mr_ssh_keypair_load). */
void mr_ssh_keypairs_add(struct mr_ssh_keypairs *k, const struct mr_setting *keypair,
                         int generate);
/* The pair keypair names, or NULL if it was not added. Borrowed. */
const struct mr_ssh_keypair *mr_ssh_keypairs_find(const struct mr_ssh_keypairs *k,
                                                  const struct mr_setting *keypair);
void mr_ssh_keypairs_fini(struct mr_ssh_keypairs *k);

/* Whether sshd, given PubkeyAcceptedAlgorithms (or PubkeyAcceptedKeyTypes)
 * value, takes a key of type ("ssh-ed25519", "ssh-rsa"...): the list
 * (patterns with '*' and '?', '!' excluding) replaces sshd's default, or
 * with a leading '+' or '^' adds to it, with '-' takes from it. The
 * default is OpenSSH 8.8's and later: no ssh-rsa (SHA-1) nor ssh-dss
 * signature; an RSA key is taken under any of its signatures. */
int mr_ssh_sshd_takes_key(const char *value, const char *type);

#endif
