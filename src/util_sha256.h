/* SHA-256 (FIPS 180-4), small and self-contained: host key fingerprints
 * (OpenSSH "SHA256:..." form) and the conflict check of a remote write. */
#ifndef MR_UTIL_SHA256_H
#define MR_UTIL_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define MR_SHA256_LEN 32

/* Incremental state; init it, feed it, read the digest once. Storage is the
 * caller's (on the stack is fine); nothing to free. */
struct mr_sha256 {
	uint32_t h[8];
	uint64_t total; /* bytes fed so far */
	unsigned char block[64];
	size_t fill;    /* bytes waiting in block */
};

void mr_sha256_init(struct mr_sha256 *c);
void mr_sha256_update(struct mr_sha256 *c, const void *data, size_t len);
/* Writes the 32-byte digest to out; c must be initialised again before reuse. */
void mr_sha256_final(struct mr_sha256 *c, unsigned char out[MR_SHA256_LEN]);

/* One shot: the digest of data. */
void mr_sha256(const void *data, size_t len, unsigned char out[MR_SHA256_LEN]);

/* The digest as 64 lowercase hex digits and a NUL, as sha256sum prints it. */
void mr_sha256_hex(const unsigned char digest[MR_SHA256_LEN], char out[2 * MR_SHA256_LEN + 1]);

/* Both in one: the digest of data (NULL with len 0: empty) in hex, as
 * sha256sum prints it. */
void mr_sha256_hex_of(const void *data, size_t len, char out[2 * MR_SHA256_LEN + 1]);

#endif
