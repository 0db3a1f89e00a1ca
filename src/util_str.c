#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

char **mr_strv_copy(const char *const *v, size_t n)
{
	char **c = mr_xcalloc(n + 1, sizeof(*c));
	for (size_t i = 0; i < n; i++)
		c[i] = mr_xstrdup(v[i]);
	return c;
}

char **mr_strv_dup(char *const *v)
{
	return mr_strv_copy((const char *const *)v, mr_strv_len((const char *const *)v));
}

size_t mr_strv_len(const char *const *v)
{
	size_t n = 0;
	while (v[n])
		n++;
	return n;
}

char **mr_strv_vof(va_list ap)
{
	char **v = mr_xcalloc(1, sizeof(*v));
	size_t n = 0;
	for (const char *w; (w = va_arg(ap, const char *));) {
		v = mr_xreallocarray(v, n + 2, sizeof(*v));
		v[n++] = mr_xstrdup(w);
		v[n] = NULL;
	}
	return v;
}

char **mr_strv_of(const char *first, ...)
{
	va_list ap;
	va_start(ap, first);
	char **rest = mr_strv_vof(ap);
	va_end(ap);
	size_t n = mr_strv_len((const char *const *)rest);
	char **v = mr_xreallocarray(rest, n + 2, sizeof(*v));
	memmove(v + 1, v, (n + 1) * sizeof(*v));
	v[0] = mr_xstrdup(first);
	return v;
}

void mr_strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

int mr_str_startswith(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

uint64_t mr_hash(uint64_t seed, const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = seed;
	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}

unsigned mr_str_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), w = lb + 1;
	unsigned *d = mr_xcalloc((la + 1) * w, sizeof(*d));
	for (size_t i = 0; i <= la; i++)
		d[i * w] = (unsigned)i;
	for (size_t j = 0; j <= lb; j++)
		d[j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			unsigned best = d[(i - 1) * w + j - 1] + (a[i - 1] != b[j - 1]);
			if (d[(i - 1) * w + j] + 1 < best)
				best = d[(i - 1) * w + j] + 1;
			if (d[i * w + j - 1] + 1 < best)
				best = d[i * w + j - 1] + 1;
			/* two letters swapped ("chekc") are one slip */
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[(i - 2) * w + j - 2] + 1 < best)
				best = d[(i - 2) * w + j - 2] + 1;
			d[i * w + j] = best;
		}
	}
	unsigned r = d[la * w + lb];
	free(d);
	return r;
}

const char *mr_str_suggest(const char *word, const char *const *candidates, size_t n)
{
	const char *best = NULL;
	/* A third of the word's length, at least 1 and at most 3 edits. */
	unsigned limit = (unsigned)strlen(word) / 3;
	if (limit < 1)
		limit = 1;
	if (limit > 3)
		limit = 3;
	unsigned best_d = limit + 1;
	/* the same word in other case (LISTEN_TCP) is the nearest of all */
	for (size_t i = 0; i < n; i++)
		if (!strcasecmp(word, candidates[i]))
			return candidates[i];
	for (size_t i = 0; i < n; i++) {
		unsigned d = mr_str_distance(word, candidates[i]);
		if (d < best_d) {
			best_d = d;
			best = candidates[i];
		}
	}
	return best;
}

int mr_str_has_control(const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return 1;
	}
	return 0;
}

size_t mr_utf8_seq(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	if (!n)
		return 0;
	if (u[0] < 0x80)
		return 1;
	size_t len = u[0] >= 0xc2 && u[0] <= 0xdf ? 2 : u[0] >= 0xe0 && u[0] <= 0xef ? 3
	           : u[0] >= 0xf0 && u[0] <= 0xf4 ? 4 : 0;
	if (!len || len > n)
		return 0;
	for (size_t i = 1; i < len; i++)
		if ((u[i] & 0xc0) != 0x80)
			return 0;
	/* overlong forms, UTF-16 surrogates and beyond U+10FFFF */
	if ((u[0] == 0xe0 && u[1] < 0xa0) || (u[0] == 0xed && u[1] > 0x9f) ||
	    (u[0] == 0xf0 && u[1] < 0x90) || (u[0] == 0xf4 && u[1] > 0x8f))
		return 0;
	return len;
}

long mr_str_utf8_invalid(const char *s, size_t n)
{
	for (size_t i = 0, k; i < n; i += k)
		if (!(k = mr_utf8_seq(s + i, n - i)))
			return (long)i;
	return -1;
}

/* How many bytes at s (n at most) go out as they are: a character, or 0
 * for a byte shown as \xNN (a C0 or C1 control but the tab, DEL, or no
 * valid UTF-8: a terminal may read any of them as part of an escape). */
static size_t shown_as_is(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	if ((u[0] < 0x20 && u[0] != '\t') || u[0] == 0x7f)
		return 0;
	if (u[0] == 0xc2 && n > 1 && u[1] < 0xa0)
		return 0;
	return mr_utf8_seq(s, n);
}

int mr_str_shown_as_is(const char *s, size_t n)
{
	for (size_t i = 0, k; i < n; i += k)
		if (!(k = shown_as_is(s + i, n - i)))
			return 0;
	return 1;
}

void mr_buf_put_shown(struct mr_buf *b, const char *s, size_t n)
{
	for (size_t i = 0, k; i < n; i += k ? k : 1) {
		k = shown_as_is(s + i, n - i);
		if (k)
			mr_buf_add(b, s + i, k);
		else
			mr_buf_printf(b, "\\x%02x", (unsigned char)s[i]);
	}
}

void mr_path_tidy(char *path)
{
	char *out = path;
	for (const char *p = path; *p; p++)
		if (*p != '/' || out == path || out[-1] != '/')
			*out++ = *p;
	if (out > path + 1 && out[-1] == '/')
		out--;
	*out = '\0';
}

int mr_str_has_word(const char *list, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = list; p && *p;) {
		size_t len = strcspn(p, " ");
		if (len == n && !strncmp(p, word, n))
			return 1;
		p += len;
		p += strspn(p, " ");
	}
	return 0;
}

void mr_sh_quote(struct mr_buf *b, const char *word)
{
	mr_buf_putc(b, '\'');
	for (; *word; word++) {
		if (*word == '\'')
			mr_buf_puts(b, "'\\''");
		else
			mr_buf_putc(b, *word);
	}
	mr_buf_putc(b, '\'');
}

char *mr_argv_display(const char *const *argv)
{
	struct mr_buf b;
	mr_buf_init(&b);
	size_t i = 0;
	if (argv[0] && argv[1] && argv[2] && argv[3] && !strcmp(argv[1], "-c") &&
	    (!strcmp(argv[0], "/bin/sh") || !strcmp(argv[0], "sh")))
		i = 3;
	for (; argv[i]; i++) {
		if (!strcmp(argv[i], "--no-ask-password") || !strcmp(argv[i], "--"))
			continue;
		if (b.len)
			mr_buf_putc(&b, ' ');
		/* a word a shell would split or expand is shown quoted, so that
		 * the command can be pasted (a firewalld rich rule) */
		if (*argv[i] && strspn(argv[i], "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
						"0123456789_@%+=:,./-") == strlen(argv[i]))
			mr_buf_puts(&b, argv[i]);
		else
			mr_sh_quote(&b, argv[i]);
	}
	return mr_buf_steal(&b, NULL);
}

/* addr[0..n) without brackets and zone, NUL-terminated in buf; 0 if it
 * cannot be an address (too long) */
static int addr_bare(const char *addr, size_t n, char buf[INET6_ADDRSTRLEN + 1])
{
	if (n >= 2 && addr[0] == '[' && addr[n - 1] == ']') {
		addr++;
		n -= 2;
	}
	const char *zone = memchr(addr, '%', n);
	if (zone)
		n = (size_t)(zone - addr);
	if (n > INET6_ADDRSTRLEN)
		return 0;
	memcpy(buf, addr, n);
	buf[n] = '\0';
	return 1;
}

int mr_addr_parse(const char *addr, size_t n, unsigned char out[16])
{
	char buf[INET6_ADDRSTRLEN + 1];
	if (!addr_bare(addr, n, buf))
		return 0;
	/* inet_aton reads what getaddrinfo does: 127.1, 0x7f000001 */
	struct in_addr a4;
	if (inet_aton(buf, &a4)) {
		static const unsigned char mapped[12] = { [10] = 0xff, [11] = 0xff };
		memcpy(out, mapped, 12);
		memcpy(out + 12, &a4.s_addr, 4);
		return 1;
	}
	return inet_pton(AF_INET6, buf, out) == 1;
}

enum mr_cidr_status mr_cidr_parse(const char *s, struct mr_cidr *out)
{
	char buf[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	if (n == 0 || n >= sizeof(buf))
		return MR_CIDR_BAD_ADDR;
	memcpy(buf, s, n);
	buf[n] = '\0';
	memset(out, 0, sizeof(*out));
	out->family = strchr(buf, ':') ? AF_INET6 : AF_INET;
	out->max = out->family == AF_INET6 ? 128 : 32;
	if (inet_pton(out->family, buf, out->addr) != 1)
		return MR_CIDR_BAD_ADDR;
	out->bits = out->max;
	if (!slash)
		return MR_CIDR_OK;
	size_t digits = strspn(slash + 1, "0123456789");
	if (!digits || slash[1 + digits] || digits > 3)
		return MR_CIDR_BAD_PREFIX;
	out->bits = atoi(slash + 1);
	return out->bits <= out->max ? MR_CIDR_OK : MR_CIDR_BAD_PREFIX;
}

enum mr_cidr_status mr_cidr_parse_mask(const char *s, struct mr_cidr *out)
{
	const char *slash = strchr(s, '/');
	if (!slash || !strchr(slash + 1, '.'))
		return mr_cidr_parse(s, out);
	char *addr = mr_xstrndup(s, (size_t)(slash - s));
	enum mr_cidr_status st = mr_cidr_parse(addr, out);
	free(addr);
	if (st != MR_CIDR_OK)
		return st;
	unsigned char m[4];
	if (out->family != AF_INET || inet_pton(AF_INET, slash + 1, m) != 1)
		return MR_CIDR_BAD_PREFIX;
	uint32_t zeros = ~((uint32_t)m[0] << 24 | (uint32_t)m[1] << 16 | (uint32_t)m[2] << 8 | m[3]);
	if (zeros & (zeros + 1)) /* a one after a zero */
		return MR_CIDR_BAD_MASK;
	out->bits = 32;
	while (zeros) {
		out->bits--;
		zeros >>= 1;
	}
	return MR_CIDR_OK;
}

int mr_cidr_holds(const struct mr_cidr *net, const struct mr_cidr *c)
{
	if (net->family != c->family || c->bits < net->bits)
		return 0;
	for (int i = 0; i < net->bits; i++)
		if (((net->addr[i / 8] >> (7 - i % 8)) & 1) != ((c->addr[i / 8] >> (7 - i % 8)) & 1))
			return 0;
	return 1;
}

char *mr_cidr_format(const struct mr_cidr *c)
{
	char text[INET6_ADDRSTRLEN];
	if (!inet_ntop(c->family, c->addr, text, sizeof(text)))
		return mr_xstrdup("?");
	return c->bits == c->max ? mr_xstrdup(text) : mr_xasprintf("%s/%d", text, c->bits);
}

int mr_addr_is_loopback(const char *addr, size_t n)
{
	char buf[INET6_ADDRSTRLEN + 1];
	unsigned char b[16];
	if (!addr_bare(addr, n, buf))
		return 0;
	static const char *const names[] = { "localhost", "localhost.localdomain", "localhost4",
		                                     "localhost4.localdomain4", "localhost6",
		                                     "localhost6.localdomain6", "ip6-localhost",
		                                     "ip6-loopback" };
	for (size_t i = 0; i < MR_ARRAY_LEN(names); i++)
		if (!strcasecmp(buf, names[i]))
			return 1;
	if (!mr_addr_parse(addr, n, b))
		return 0;
	static const unsigned char loop6[16] = { [15] = 1 };
	static const unsigned char mapped[12] = { [10] = 0xff, [11] = 0xff };
	return !memcmp(b, loop6, 16) || (!memcmp(b, mapped, 12) && b[12] == 127);
}

int mr_addr_is_any(const char *addr, size_t n)
{
	unsigned char b[16];
	static const unsigned char any6[16] = { 0 };
	static const unsigned char any4[16] = { [10] = 0xff, [11] = 0xff };
	return mr_addr_parse(addr, n, b) && (!memcmp(b, any6, 16) || !memcmp(b, any4, 16));
}

int mr_str_wild(const char *pat, const char *s)
{
	/* the last '*' and where the text stood then: backtrack to it */
	const char *star = NULL, *mark = NULL;
	while (*s) {
		if (*pat == '*') {
			star = pat++;
			mark = s;
		} else if (*pat == '?' || *pat == *s) {
			pat++;
			s++;
		} else if (star) {
			pat = star + 1;
			s = ++mark;
		} else {
			return 0;
		}
	}
	while (*pat == '*')
		pat++;
	return *pat == '\0';
}
