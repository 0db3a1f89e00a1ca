/* known_hosts matching with OpenSSH's rules (hostfile.c and match.c are the
 * reference for behaviour; this is an independent implementation).
 *
 * Why not libssh2's knownhost API: in 1.10 it needs a live session, rejects
 * lines with markers (so one @revoked line makes the whole file unreadable),
 * knows neither '!' negation nor wildcards, and cannot tell "unknown" from
 * "another key of the same type" in the way OpenSSH's strict checking does.
 * Hashed names need HMAC-SHA1, hence the small SHA-1 below. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "known_hosts.h"
#include "util_sha256.h"

/* ---- SHA-1 and HMAC-SHA1, for hashed host names only ---- */

struct sha1 {
	uint32_t h[5];
	uint64_t total;
	unsigned char block[64];
	size_t fill;
};

static uint32_t rol(uint32_t x, unsigned n)
{
	return (x << n) | (x >> (32 - n));
}

static void sha1_compress(uint32_t h[5], const unsigned char p[64])
{
	uint32_t w[80];
	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
	for (int i = 16; i < 80; i++)
		w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
	for (int i = 0; i < 80; i++) {
		uint32_t f, kk;
		if (i < 20) {
			f = (b & c) | (~b & d);
			kk = 0x5a827999;
		} else if (i < 40) {
			f = b ^ c ^ d;
			kk = 0x6ed9eba1;
		} else if (i < 60) {
			f = (b & c) | (b & d) | (c & d);
			kk = 0x8f1bbcdc;
		} else {
			f = b ^ c ^ d;
			kk = 0xca62c1d6;
		}
		uint32_t t = rol(a, 5) + f + e + kk + w[i];
		e = d;
		d = c;
		c = rol(b, 30);
		b = a;
		a = t;
	}
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
}

static void sha1_init(struct sha1 *c)
{
	c->h[0] = 0x67452301;
	c->h[1] = 0xefcdab89;
	c->h[2] = 0x98badcfe;
	c->h[3] = 0x10325476;
	c->h[4] = 0xc3d2e1f0;
	c->total = 0;
	c->fill = 0;
}

static void sha1_update(struct sha1 *c, const void *data, size_t len)
{
	const unsigned char *p = data;
	c->total += len;
	while (len) {
		size_t n = 64 - c->fill < len ? 64 - c->fill : len;
		memcpy(c->block + c->fill, p, n);
		c->fill += n;
		p += n;
		len -= n;
		if (c->fill == 64) {
			sha1_compress(c->h, c->block);
			c->fill = 0;
		}
	}
}

static void sha1_final(struct sha1 *c, unsigned char out[20])
{
	uint64_t bits = c->total * 8;
	unsigned char pad[72] = { 0x80 };
	size_t n = c->fill < 56 ? 56 - c->fill : 120 - c->fill;
	sha1_update(c, pad, n);
	for (int i = 0; i < 8; i++)
		pad[i] = (unsigned char)(bits >> (56 - 8 * i));
	sha1_update(c, pad, 8);
	for (int i = 0; i < 5; i++) {
		out[4 * i] = (unsigned char)(c->h[i] >> 24);
		out[4 * i + 1] = (unsigned char)(c->h[i] >> 16);
		out[4 * i + 2] = (unsigned char)(c->h[i] >> 8);
		out[4 * i + 3] = (unsigned char)c->h[i];
	}
}

static void hmac_sha1(const unsigned char *key, size_t key_len, const void *msg, size_t msg_len,
                      unsigned char out[20])
{
	unsigned char k0[64] = { 0 }, pad[64], inner[20];
	struct sha1 c;
	if (key_len > 64) {
		sha1_init(&c);
		sha1_update(&c, key, key_len);
		sha1_final(&c, k0);
	} else {
		memcpy(k0, key, key_len);
	}
	for (int i = 0; i < 64; i++)
		pad[i] = k0[i] ^ 0x36;
	sha1_init(&c);
	sha1_update(&c, pad, 64);
	sha1_update(&c, msg, msg_len);
	sha1_final(&c, inner);
	for (int i = 0; i < 64; i++)
		pad[i] = k0[i] ^ 0x5c;
	sha1_init(&c);
	sha1_update(&c, pad, 64);
	sha1_update(&c, inner, sizeof(inner));
	sha1_final(&c, out);
}

/* ---- base64 ---- */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *mr_known_hosts_b64_encode(const unsigned char *data, size_t len, int pad)
{
	char *out = mr_xmalloc(4 * (len / 3 + 1) + 1), *o = out;
	size_t i = 0;
	for (; i + 2 < len; i += 3) {
		uint32_t v = (uint32_t)data[i] << 16 | (uint32_t)data[i + 1] << 8 | data[i + 2];
		*o++ = b64[v >> 18];
		*o++ = b64[(v >> 12) & 63];
		*o++ = b64[(v >> 6) & 63];
		*o++ = b64[v & 63];
	}
	if (i < len) {
		uint32_t v = (uint32_t)data[i] << 16 | (i + 1 < len ? (uint32_t)data[i + 1] << 8 : 0);
		*o++ = b64[v >> 18];
		*o++ = b64[(v >> 12) & 63];
		if (i + 1 < len)
			*o++ = b64[(v >> 6) & 63];
		else if (pad)
			*o++ = '=';
		if (pad)
			*o++ = '=';
	}
	*o = '\0';
	return out;
}

static int b64_value(char c)
{
	const char *p = c ? strchr(b64, c) : NULL;
	return p ? (int)(p - b64) : -1;
}

int mr_known_hosts_b64_decode(const char *s, size_t n, unsigned char **out, size_t *out_len)
{
	*out = NULL;
	while (n && s[n - 1] == '=')
		n--;
	if (n % 4 == 1)
		return -1;
	unsigned char *buf = mr_xmalloc(n / 4 * 3 + 3), *o = buf;
	uint32_t acc = 0;
	unsigned bits = 0;
	for (size_t i = 0; i < n; i++) {
		int v = b64_value(s[i]);
		if (v < 0) {
			free(buf);
			return -1;
		}
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			*o++ = (unsigned char)(acc >> bits);
		}
	}
	*out = buf;
	*out_len = (size_t)(o - buf);
	return 0;
}

/* ---- fingerprints and blobs ---- */

void mr_known_hosts_fingerprint_digest(const unsigned char *digest, char out[MR_KNOWN_HOSTS_FP_LEN])
{
	char *b = mr_known_hosts_b64_encode(digest, MR_SHA256_LEN, 0);
	snprintf(out, MR_KNOWN_HOSTS_FP_LEN, "SHA256:%s", b);
	free(b);
}

void mr_known_hosts_fingerprint(const unsigned char *blob, size_t len, char out[MR_KNOWN_HOSTS_FP_LEN])
{
	unsigned char d[MR_SHA256_LEN];
	mr_sha256(blob, len, d);
	mr_known_hosts_fingerprint_digest(d, out);
}

int mr_known_hosts_blob_type(const unsigned char *blob, size_t len, char *out, size_t out_size)
{
	if (len < 4)
		return -1;
	size_t n = (size_t)blob[0] << 24 | (size_t)blob[1] << 16 | (size_t)blob[2] << 8 | blob[3];
	if (n == 0 || n > len - 4 || n >= out_size)
		return -1;
	memcpy(out, blob + 4, n);
	out[n] = '\0';
	/* An SSH algorithm name is printable ASCII without blanks or commas
	 * (RFC 4251, section 6). Anything else could not be written as one
	 * field of a known_hosts line: recorded, it would never match again. */
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)out[i];
		if (c <= ' ' || c >= 0x7f || c == ',')
			return -1;
	}
	return 0;
}

char *mr_known_hosts_name(const char *host, unsigned port)
{
	if (port == 0 || port == 22)
		return mr_xstrdup(host);
	return mr_xasprintf("[%s]:%u", host, port);
}

/* ---- host patterns ---- */

/* OpenSSH's match_pattern: '*' any run, '?' any one character; both sides
 * already lowercase. */
static int wild_match(const char *s, const char *se, const char *p, const char *pe)
{
	for (;;) {
		if (p == pe)
			return s == se;
		if (*p == '*') {
			while (p < pe && *p == '*')
				p++;
			if (p == pe)
				return 1;
			for (; s <= se; s++)
				if (wild_match(s, se, p, pe))
					return 1;
			return 0;
		}
		if (s == se)
			return 0;
		if (*p != '?' && *p != *s)
			return 0;
		s++;
		p++;
	}
}

/* Matches a hashed field "|1|salt|hmac" against name. */
static int hashed_match(const char *f, size_t n, const char *name)
{
	const char *salt = f + 3, *end = f + n;
	const char *bar = memchr(salt, '|', (size_t)(end - salt));
	unsigned char *s = NULL, *h = NULL, mac[20];
	size_t sl, hl;
	int r = 0;
	if (!bar)
		return 0;
	if (mr_known_hosts_b64_decode(salt, (size_t)(bar - salt), &s, &sl) < 0 || sl != 20)
		goto out;
	if (mr_known_hosts_b64_decode(bar + 1, (size_t)(end - bar - 1), &h, &hl) < 0 || hl != 20)
		goto out;
	hmac_sha1(s, sl, name, strlen(name), mac);
	r = memcmp(mac, h, 20) == 0;
out:
	free(s);
	free(h);
	return r;
}

/* 1 if the host field f (n bytes) names name (lowercase), 0 if not; a
 * negated pattern that matches wins over positive ones, as in OpenSSH. */
static int host_field_match(const char *f, size_t n, const char *name)
{
	if (n > 3 && memcmp(f, "|1|", 3) == 0)
		return hashed_match(f, n, name);
	char *pat = mr_xstrndup(f, n);
	for (char *c = pat; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	int positive = 0, negative = 0;
	const char *se = name + strlen(name);
	for (char *p = pat; p && *p;) {
		char *comma = strchr(p, ',');
		char *pe = comma ? comma : p + strlen(p);
		int neg = *p == '!';
		if (wild_match(name, se, p + neg, pe)) {
			if (neg)
				negative = 1;
			else
				positive = 1;
		}
		p = comma ? comma + 1 : NULL;
	}
	free(pat);
	return positive && !negative;
}

/* ---- lines ---- */

enum marker { MARK_NONE, MARK_REVOKED, MARK_CA };

struct entry {
	enum marker marker;
	const char *hosts;
	size_t hosts_len;
	char type[64];
	unsigned char *blob; /* owned */
	size_t blob_len;
};

static const char *skip_ws(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

static const char *field_end(const char *p, const char *e)
{
	while (p < e && *p != ' ' && *p != '\t')
		p++;
	return p;
}

/* Parses one line (without its newline); 0 and a filled e for a key line,
 * -1 for a comment, blank or malformed line. */
static int parse_line(const char *p, const char *end, struct entry *e)
{
	memset(e, 0, sizeof(*e));
	while (end > p && (end[-1] == '\r' || end[-1] == ' ' || end[-1] == '\t'))
		end--;
	p = skip_ws(p, end);
	if (p == end || *p == '#')
		return -1;
	if (*p == '@') {
		const char *m = p;
		p = field_end(p, end);
		if ((size_t)(p - m) == 8 && memcmp(m, "@revoked", 8) == 0)
			e->marker = MARK_REVOKED;
		else if ((size_t)(p - m) == 15 && memcmp(m, "@cert-authority", 15) == 0)
			e->marker = MARK_CA;
		else
			return -1;
		p = skip_ws(p, end);
	}
	e->hosts = p;
	p = field_end(p, end);
	e->hosts_len = (size_t)(p - e->hosts);
	p = skip_ws(p, end);
	const char *t = p;
	p = field_end(p, end);
	if (e->hosts_len == 0 || p == t || (size_t)(p - t) >= sizeof(e->type))
		return -1;
	memcpy(e->type, t, (size_t)(p - t));
	e->type[p - t] = '\0';
	p = skip_ws(p, end);
	const char *k = p;
	p = field_end(p, end);
	if (p == k || mr_known_hosts_b64_decode(k, (size_t)(p - k), &e->blob, &e->blob_len) < 0)
		return -1;
	/* The blob must say what the type field says (OpenSSH sshkey_read). */
	char bt[64];
	if (mr_known_hosts_blob_type(e->blob, e->blob_len, bt, sizeof(bt)) < 0 ||
	    strcmp(bt, e->type) != 0) {
		free(e->blob);
		e->blob = NULL;
		return -1;
	}
	return 0;
}

static char *lookup_name(const char *host, unsigned port)
{
	char *name = mr_known_hosts_name(host, port);
	for (char *c = name; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	return name;
}

/* Calls fn for each key line of text that names host:port. */
static void for_each_entry(const char *text, size_t len, const char *host, unsigned port,
                           void (*fn)(const struct entry *, unsigned, void *), void *data)
{
	char *name = lookup_name(host, port);
	const char *p = text, *end = text + len;
	unsigned line = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		struct entry e;
		line++;
		if (parse_line(p, le, &e) == 0) {
			if (host_field_match(e.hosts, e.hosts_len, name))
				fn(&e, line, data);
			free(e.blob);
		}
		p = nl ? nl + 1 : end;
	}
	free(name);
}

struct check {
	const char *type;
	const unsigned char *blob;
	size_t blob_len;
	unsigned revoked, match, mismatch; /* lines, 0 if none */
	unsigned char mismatch_digest[MR_SHA256_LEN];
	int other_types;
};

static void check_entry(const struct entry *e, unsigned line, void *data)
{
	struct check *c = data;
	int same_type = strcmp(e->type, c->type) == 0;
	int same_key = same_type && e->blob_len == c->blob_len &&
	               memcmp(e->blob, c->blob, c->blob_len) == 0;
	switch (e->marker) {
	case MARK_REVOKED:
		if (same_key && !c->revoked)
			c->revoked = line;
		break;
	case MARK_CA:
		break; /* host certificates are not supported by libssh2 1.10 */
	case MARK_NONE:
		if (same_key) {
			if (!c->match)
				c->match = line;
		} else if (same_type) {
			if (!c->mismatch) {
				c->mismatch = line;
				mr_sha256(e->blob, e->blob_len, c->mismatch_digest);
			}
		} else {
			c->other_types = 1;
		}
		break;
	}
}

enum mr_known_hosts_status mr_known_hosts_check(const char *text, size_t len, const char *host,
                                                unsigned port, const char *key_type,
                                                const unsigned char *blob, size_t blob_len,
                                                struct mr_known_hosts_result *res)
{
	struct check c = { .type = key_type, .blob = blob, .blob_len = blob_len };
	struct mr_known_hosts_result r = { .status = MR_KNOWN_HOSTS_UNKNOWN };
	for_each_entry(text, len, host, port, check_entry, &c);
	if (c.revoked) {
		r.status = MR_KNOWN_HOSTS_REVOKED;
		r.line = c.revoked;
	} else if (c.match) {
		r.status = MR_KNOWN_HOSTS_MATCH;
		r.line = c.match;
	} else if (c.mismatch) {
		r.status = MR_KNOWN_HOSTS_MISMATCH;
		r.line = c.mismatch;
		mr_known_hosts_fingerprint_digest(c.mismatch_digest, r.stored_fp);
	} else {
		r.other_types = c.other_types;
	}
	if (res)
		*res = r;
	return r.status;
}

static void types_entry(const struct entry *e, unsigned line, void *data)
{
	struct mr_buf *b = data;
	if (e->marker != MARK_NONE)
		return;
	/* Look for the type as a whole item of the list so far. */
	size_t tl = strlen(e->type);
	for (const char *p = b->data; p && *p;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		if (n == tl && memcmp(p, e->type, n) == 0)
			return;
		p = comma ? comma + 1 : NULL;
	}
	if (b->len)
		mr_buf_putc(b, ',');
	mr_buf_puts(b, e->type);
}

char *mr_known_hosts_types(const char *text, size_t len, const char *host, unsigned port)
{
	struct mr_buf b;
	mr_buf_init(&b);
	for_each_entry(text, len, host, port, types_entry, &b);
	if (!b.len) {
		mr_buf_fini(&b);
		return NULL;
	}
	return mr_buf_steal(&b, NULL);
}

/* ---- the file ---- */

/* Reads all of fd from offset 0 into a NUL-terminated buffer (writes go
 * to the end anyway: the file is opened O_APPEND for them). */
static int read_fd(int fd, char **text, size_t *len)
{
	struct mr_buf b;
	mr_buf_init(&b);
	if (lseek(fd, 0, SEEK_SET) < 0 || mr_fd_read(fd, &b) < 0) {
		int saved = errno;
		mr_buf_fini(&b);
		errno = saved;
		return -1;
	}
	*text = mr_buf_steal(&b, len);
	return 0;
}

int mr_known_hosts_load(const char *path, char **text, size_t *len, struct mr_error **err)
{
	*text = NULL;
	*len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		*text = mr_xstrdup("");
		return 0;
	}
	if (fd < 0 || read_fd(fd, text, len) < 0) {
		mr_error_add(err, MR_ERR_SYSTEM, path, "cannot read known_hosts: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int mr_known_hosts_add(const char *path, const char *host, unsigned port, const char *key_type,
                       const unsigned char *blob, size_t blob_len,
                       enum mr_known_hosts_status *status, struct mr_error **err)
{
	char *text = NULL, *name = NULL, *key = NULL, *line = NULL;
	size_t len = 0;
	int r = -1;
	int fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		mr_error_add(err, MR_ERR_SYSTEM, path, "cannot open known_hosts: %s", strerror(errno));
		return -1;
	}
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			mr_error_add(err, MR_ERR_SYSTEM, path, "cannot lock known_hosts: %s",
			             strerror(errno));
			goto out;
		}
	}
	if (read_fd(fd, &text, &len) < 0) {
		mr_error_add(err, MR_ERR_SYSTEM, path, "cannot read known_hosts: %s", strerror(errno));
		goto out;
	}
	*status = mr_known_hosts_check(text, len, host, port, key_type, blob, blob_len, NULL);
	if (*status == MR_KNOWN_HOSTS_UNKNOWN) {
		name = mr_known_hosts_name(host, port);
		key = mr_known_hosts_b64_encode(blob, blob_len, 1);
		/* A last line without its newline would glue onto ours. */
		line = mr_xasprintf("%s%s %s %s\n", len && text[len - 1] != '\n' ? "\n" : "", name,
		                    key_type, key);
		if (write_all(fd, line, strlen(line)) < 0 || fsync(fd) < 0) {
			mr_error_add(err, MR_ERR_SYSTEM, path, "cannot append to known_hosts: %s",
			             strerror(errno));
			goto out;
		}
	}
	r = 0;
out:
	close(fd); /* releases the lock */
	free(text);
	free(name);
	free(key);
	free(line);
	return r;
}
