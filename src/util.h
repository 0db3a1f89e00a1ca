/* Small shared pieces: allocation that aborts on OOM, a growable buffer,
 * errors that carry a location, and the log sink. */
#ifndef MR_UTIL_H
#define MR_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define MR_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define MR_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* util_xalloc.c: abort with a message on out-of-memory; never return NULL. */
void *mr_xmalloc(size_t n);
void *mr_xcalloc(size_t nmemb, size_t size);
void *mr_xreallocarray(void *p, size_t nmemb, size_t size);
char *mr_xstrdup(const char *s);
char *mr_xstrndup(const char *s, size_t n);
char *mr_xasprintf(const char *fmt, ...) MR_PRINTF(1, 2);
char *mr_xvasprintf(const char *fmt, va_list ap) MR_PRINTF(1, 0);

/* A growable byte buffer, always NUL-terminated after mr_buf_init. */
struct mr_buf {
	char *data;
	size_t len;
	size_t cap;
};
void mr_buf_init(struct mr_buf *b);
void mr_buf_fini(struct mr_buf *b);
void mr_buf_add(struct mr_buf *b, const void *data, size_t len);
void mr_buf_puts(struct mr_buf *b, const char *s);
void mr_buf_putc(struct mr_buf *b, char c);
void mr_buf_printf(struct mr_buf *b, const char *fmt, ...) MR_PRINTF(2, 3);
/* Hands the contents to the caller and leaves the buffer empty. */
char *mr_buf_steal(struct mr_buf *b, size_t *len);

/* Where a value came from. file is borrowed from whoever loaded it. */
struct mr_loc {
	const char *file;
	unsigned line;
};

/* Error kinds; main.c alone maps them to exit codes. */
enum mr_error_kind {
	MR_ERR_INPUT = 1, /* command line, profile or inventory invalid: exit 1 */
	MR_ERR_HOST,      /* a host failed (unreachable, refused, time-out): exit 4 */
	MR_ERR_PARSE,     /* a file on a host does not parse: exit 4 */
	MR_ERR_CONFLICT,  /* a file changed under us; refused to overwrite: exit 4 */
	MR_ERR_SYSTEM,    /* local I/O and the like: exit 4 */
};

/* An error, or a list of them (profile loading reports every problem).
 * "where" is the place, "file:line" or "host:path", or NULL. */
struct mr_error {
	enum mr_error_kind kind;
	char *where;
	char *message;
	struct mr_error *next;
};

/* Appends a new error to the list *err (which may be NULL). */
void mr_error_add(struct mr_error **err, enum mr_error_kind kind, const char *where,
                  const char *fmt, ...) MR_PRINTF(4, 5);
/* Same, with the place taken from loc ("file:line"; "file" if line is 0). */
void mr_error_at(struct mr_error **err, enum mr_error_kind kind, const struct mr_loc *loc,
                 const char *fmt, ...) MR_PRINTF(4, 5);
/* Frees the whole list; accepts NULL. */
void mr_error_free(struct mr_error *err);
/* "where: message", or "message"; the caller frees it. */
char *mr_error_format(const struct mr_error *err);
/* Moves every error of *src to the end of *dst. */
void mr_error_move(struct mr_error **dst, struct mr_error **src);
size_t mr_error_count(const struct mr_error *err);

/* util_log.c: the one shared sink, behind a lock; writes to stderr. */
enum mr_log_level { MR_LOG_ERROR, MR_LOG_WARN, MR_LOG_INFO, MR_LOG_DEBUG };
void mr_log_set_level(enum mr_log_level level);
enum mr_log_level mr_log_get_level(void);
void mr_log_(enum mr_log_level level, const char *file, int line, const char *fmt, ...)
	MR_PRINTF(4, 5);
#define mr_log(level, ...) mr_log_((level), __FILE__, __LINE__, __VA_ARGS__)
/* A progress line on stderr (no newline), redrawn in place and cleared
 * before any log line, so the two never mix. */
void mr_log_progress(const char *fmt, ...) MR_PRINTF(1, 2);
/* Clears the progress line for good. */
void mr_log_progress_end(void);
/* From mr_log_keep_warnings(1) on, warnings (whatever the level shown) are
 * also kept, for the JSON report; steal hands them over, "host: message". */
void mr_log_keep_warnings(int on);
char **mr_log_warnings_steal(size_t *n);

/* util_file.c: a whole file, NUL-terminated, the caller's; NULL with errno
 * set on failure. */
char *mr_file_read(const char *path, size_t *len);
/* Appends everything fd yields until end of file; -1 with errno on error. */
int mr_fd_read(int fd, struct mr_buf *b);

/* util_str.c */
/* NULL-terminated vectors of strings, each string and the vector the
 * caller's: the first n of v copied; all of v copied; v's length; the
 * words up to the NULL of the arguments; free (NULL is fine). */
char **mr_strv_copy(const char *const *v, size_t n);
char **mr_strv_dup(char *const *v);
size_t mr_strv_len(const char *const *v);
char **mr_strv_of(const char *first, ...);
char **mr_strv_vof(va_list ap);
void mr_strv_free(char **v);
int mr_str_startswith(const char *s, const char *prefix);
/* 64-bit FNV-1a of bytes, chainable through seed (use MR_HASH_SEED first). */
#define MR_HASH_SEED UINT64_C(0xcbf29ce484222325)
uint64_t mr_hash(uint64_t seed, const void *data, size_t len);
/* Edit distance, a swap of two adjacent letters counting as one edit
 * (optimal string alignment), for "did you mean" suggestions. */
unsigned mr_str_distance(const char *a, const char *b);
/* Returns the candidate closest to word within a small distance, or NULL. */
const char *mr_str_suggest(const char *word, const char *const *candidates, size_t n);
/* Contains a byte < 0x20 (other than tab) or 0x7f. */
int mr_str_has_control(const char *s);
/* An absolute path as the kernel reads it, in place: each run of '/' one,
 * no trailing '/' (but "/"). */
void mr_path_tidy(char *path);
/* Is word one of list's space-separated words? (list may be NULL) */
int mr_str_has_word(const char *list, const char *word);
/* OpenSSH's pattern match (match_pattern): '*' any run of characters, '?'
 * any one, every other character itself; no brackets, no escapes, unlike
 * fnmatch(3). */
int mr_str_wild(const char *pat, const char *s);
/* A command as a report shows it: its words apart, one a shell would
 * split quoted, --no-ask-password and -- left out; a script run inline
 * (sh -c SCRIPT NAME ARGS...) by its NAME and ARGS. The caller's. */
char *mr_argv_display(const char *const *argv);
/* One word of argv quoted for a POSIX shell ('...' with each ' as '\''),
 * appended to b: the one home for quoting, the SSH transport's command
 * lines and the commands shown to be pasted. */
void mr_sh_quote(struct mr_buf *b, const char *word);
/* Is addr[0..n) a loopback address: 127.* in any spelling inet_aton reads
 * (127.1, 0x7f000001), ::1 in any spelling, an IPv4-mapped 127.*,
 * bracketed or with a zone (%eth0), or a name of the loopback in Debian's
 * and Red Hat's /etc/hosts (localhost, ip6-localhost, ...)? */
int mr_addr_is_loopback(const char *addr, size_t n);
/* addr[0..n) as an IP address in out (IPv4 as IPv4-mapped IPv6, in the
 * spellings above): 1, or 0 for anything else (a name). */
int mr_addr_parse(const char *addr, size_t n, unsigned char out[16]);
/* An address or network "ADDR[/BITS]", IPv4 or IPv6 as inet_pton(3)
 * reads them, BITS plain digits: its family, bytes and prefix length (the
 * family's whole length without /BITS). */
struct mr_cidr {
	int family;             /* AF_INET or AF_INET6 */
	unsigned char addr[16]; /* IPv4 in the first 4 */
	int bits, max;          /* max: 32 or 128 */
};
enum mr_cidr_status { MR_CIDR_OK, MR_CIDR_BAD_ADDR, MR_CIDR_BAD_PREFIX, MR_CIDR_BAD_MASK };
enum mr_cidr_status mr_cidr_parse(const char *s, struct mr_cidr *out);
/* The same, or an IPv4 network with a netmask, "ADDR/255.255.255.0", as
 * exports(5) takes it: bits is the mask's ones. A mask that is not ones
 * then zeros, MR_CIDR_BAD_MASK (exportfs takes it: no prefix says it). */
enum mr_cidr_status mr_cidr_parse_mask(const char *s, struct mr_cidr *out);
/* c as nft lists it: the address canonical, no /32 or /128. The caller's. */
char *mr_cidr_format(const struct mr_cidr *c);
/* Whether net holds all of c: one family, net's prefix no longer than
 * c's, and their first net->bits bits the same. */
int mr_cidr_holds(const struct mr_cidr *net, const struct mr_cidr *c);
/* Is addr[0..n) the wildcard address (0.0.0.0, ::), every address of the
 * host to a listener? */
int mr_addr_is_any(const char *addr, size_t n);
/* The length of the valid UTF-8 sequence at s (n bytes at most), or 0:
 * no overlong form, no surrogate, nothing above U+10FFFF. */
size_t mr_utf8_seq(const char *s, size_t n);
/* The offset of the first byte of s[0..n) that does not start a valid
 * UTF-8 sequence, or -1. */
long mr_str_utf8_invalid(const char *s, size_t n);
/* Text from profiles, inventories and hosts as messages and text reports
 * show it, on one line and never raw to a terminal: each control byte but
 * the tab (C0, DEL, C1) and each byte of no valid UTF-8 as \xNN. */
void mr_buf_put_shown(struct mr_buf *b, const char *s, size_t n);
/* Is s[0..n) shown as it is? */
int mr_str_shown_as_is(const char *s, size_t n);

#endif
