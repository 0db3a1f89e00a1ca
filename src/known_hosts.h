/* OpenSSH known_hosts files, read and appended to with OpenSSH's semantics
 * (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"): plain and wildcard patterns, comma
 * lists, negation with '!', hashed names (|1|salt|hmac), "[host]:port" for a
 * port other than 22, and the @revoked marker. @cert-authority lines are
 * skipped: libssh2 1.10 cannot verify host certificates, so a host known only
 * through a CA is "unknown". The matching is pure logic on a file's text, so
 * it is tested without a network; transport_ssh.c feeds it the key libssh2
 * received. No libssh2 here. */
#ifndef MR_KNOWN_HOSTS_H
#define MR_KNOWN_HOSTS_H

#include <stddef.h>

#include "util.h"

enum mr_known_hosts_status {
	MR_KNOWN_HOSTS_MATCH,    /* an entry for the host holds this very key */
	MR_KNOWN_HOSTS_MISMATCH, /* entries for the host hold another key of this type */
	MR_KNOWN_HOSTS_UNKNOWN,  /* no entry for the host with a key of this type */
	MR_KNOWN_HOSTS_REVOKED,  /* an @revoked entry for the host holds this key */
};

/* "SHA256:" + 43 base64 characters + NUL, with room to spare. */
#define MR_KNOWN_HOSTS_FP_LEN 64

struct mr_known_hosts_result {
	enum mr_known_hosts_status status;
	unsigned line;       /* line of the deciding entry (1-based), 0 if none */
	/* MISMATCH: fingerprint of the first stored key of this type. */
	char stored_fp[MR_KNOWN_HOSTS_FP_LEN];
	int other_types;     /* UNKNOWN: the host has keys of other types */
};

/* The name a host is looked up and recorded under: "host" for port 22 (or
 * 0), "[host]:port" otherwise. The caller frees it. */
char *mr_known_hosts_name(const char *host, unsigned port);

/* Checks the key (its type name, e.g. "ssh-ed25519", and its SSH wire blob)
 * that host:port presented against the text of a known_hosts file (len
 * bytes, need not be NUL-terminated). Host names compare case-insensitively.
 * Malformed lines are skipped, as OpenSSH does. Precedence: revoked, then
 * match, then mismatch, then unknown. res may be NULL. */
enum mr_known_hosts_status mr_known_hosts_check(const char *text, size_t len, const char *host,
                                                unsigned port, const char *key_type,
                                                const unsigned char *blob, size_t blob_len,
                                                struct mr_known_hosts_result *res);

/* The key types recorded (not revoked) for host:port, comma-separated in file
 * order without repeats ("ssh-ed25519,ecdsa-sha2-nistp256"), to prefer them
 * in the key exchange as OpenSSH does; NULL if none. The caller frees it. */
char *mr_known_hosts_types(const char *text, size_t len, const char *host, unsigned port);

/* OpenSSH's fingerprint of a key blob: "SHA256:" and the unpadded base64 of
 * its SHA-256, into out. */
void mr_known_hosts_fingerprint(const unsigned char *blob, size_t len,
                                char out[MR_KNOWN_HOSTS_FP_LEN]);
/* Same, from a digest already computed (32 bytes). */
void mr_known_hosts_fingerprint_digest(const unsigned char *digest,
                                       char out[MR_KNOWN_HOSTS_FP_LEN]);

/* The type name at the head of an SSH key blob, into out (NUL-terminated);
 * -1 if the blob is malformed, the name does not fit, or it is not an SSH
 * algorithm name (printable ASCII, no blank, no comma). */
int mr_known_hosts_blob_type(const unsigned char *blob, size_t len, char *out, size_t out_size);

/* Base64 (RFC 4648). decode: -1 on a malformed input; *out is the caller's.
 * encode: with or without '=' padding; the caller frees the result. */
int mr_known_hosts_b64_decode(const char *s, size_t n, unsigned char **out, size_t *out_len);
char *mr_known_hosts_b64_encode(const unsigned char *data, size_t len, int pad);

/* Reads a known_hosts file whole. An absent file reads as empty (*text is
 * "", not an error); other failures are MR_ERR_SYSTEM naming path. *text is
 * the caller's. */
int mr_known_hosts_load(const char *path, char **text, size_t *len, struct mr_error **err);

/* Trust on first use: under an exclusive lock on path (flock(2); the file is
 * created 0600 if absent), checks the key again and, if still unknown,
 * appends "NAME TYPE BASE64" with one O_APPEND write, so that workers and
 * concurrent runs appending at once neither interleave nor duplicate lines.
 * *status tells what the re-check found (MATCH if another worker recorded
 * the same key meanwhile; MISMATCH or REVOKED mean nothing was written and
 * the key must be refused). Returns -1 (MR_ERR_SYSTEM) on I/O failure. */
int mr_known_hosts_add(const char *path, const char *host, unsigned port, const char *key_type,
                       const unsigned char *blob, size_t blob_len,
                       enum mr_known_hosts_status *status, struct mr_error **err);

#endif
