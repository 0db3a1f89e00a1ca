/* authorized_keys and known_hosts merging, and the controller's cluster
 * key pair. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "known_hosts.h"
#include "sshkeys.h"

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int word(const char **p, const char *end, const char **w, size_t *n)
{
	while (*p < end && is_blank(**p))
		(*p)++;
	*w = *p;
	while (*p < end && !is_blank(**p))
		(*p)++;
	*n = (size_t)(*p - *w);
	return *n > 0;
}

/* A key type as OpenSSH writes it: ssh-*, ecdsa-sha2-*, sk-*. */
static int looks_like_type(const char *s, size_t n)
{
	static const char *const heads[] = { "ssh-", "ecdsa-sha2-", "sk-ssh-", "sk-ecdsa-" };
	for (size_t i = 0; i < MR_ARRAY_LEN(heads); i++)
		if (n > strlen(heads[i]) && !strncmp(s, heads[i], strlen(heads[i])))
			return 1;
	return 0;
}

int mr_ssh_key_parse(const char *line, size_t n, struct mr_ssh_key_line *k)
{
	const char *p = line, *end = line + n, *w;
	size_t wn;
	memset(k, 0, sizeof(*k));
	while (end > p && (end[-1] == '\r' || is_blank(end[-1])))
		end--;
	if (!word(&p, end, &w, &wn) || *w == '#')
		return -1;
	if (!looks_like_type(w, wn)) {
		/* options: up to a blank outside double quotes */
		int quoted = 0;
		p = w;
		for (; p < end && (quoted || !is_blank(*p)); p++) {
			if (*p == '\\' && quoted && p + 1 < end)
				p++;
			else if (*p == '"')
				quoted = !quoted;
		}
		if (quoted)
			return -1;
		k->options = w;
		k->options_len = (size_t)(p - w);
		if (!word(&p, end, &w, &wn) || !looks_like_type(w, wn))
			return -1;
	}
	k->type = w;
	k->type_len = wn;
	if (!word(&p, end, &k->b64, &k->b64_len))
		return -1;
	while (p < end && is_blank(*p))
		p++;
	if (p < end) {
		k->comment = p;
		k->comment_len = (size_t)(end - p);
	}
	return 0;
}

static int same_key(const struct mr_ssh_key_line *a, const struct mr_ssh_key_line *b)
{
	return a->type_len == b->type_len && !memcmp(a->type, b->type, a->type_len) &&
	       a->b64_len == b->b64_len && !memcmp(a->b64, b->b64, a->b64_len);
}

/* One item of a key line's options: NAME or NAME="VALUE". */
struct key_option {
	const char *name, *value; /* value: after '=', quotes included; NULL if none */
	size_t name_len, value_len;
	const char *item; /* the whole item, for comparing two lines' */
	size_t item_len;
};

/* The next item from *p (up to end); 0 after the last. A comma inside
 * quotes belongs to the value. */
static int next_option(const char **p, const char *end, struct key_option *o)
{
	const char *s = *p;
	if (!s || s >= end)
		return 0;
	o->item = o->name = s;
	while (s < end && *s != '=' && *s != ',')
		s++;
	o->name_len = (size_t)(s - o->name);
	o->value = NULL;
	o->value_len = 0;
	if (s < end && *s == '=') {
		o->value = ++s;
		for (int quoted = 0; s < end && (quoted || *s != ','); s++) {
			if (*s == '\\' && quoted && s + 1 < end)
				s++;
			else if (*s == '"')
				quoted = !quoted;
		}
		o->value_len = (size_t)(s - o->value);
	}
	o->item_len = (size_t)(s - o->item);
	*p = s < end ? s + 1 : end;
	return 1;
}

static int option_is(const struct key_option *o, const char *name)
{
	return o->name_len == strlen(name) && !strncasecmp(o->name, name, o->name_len);
}

/* Days from 1970-01-01 to a date of the proleptic Gregorian calendar. */
static long days_from_civil(long y, long m, long d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

enum expiry { EXPIRY_AHEAD, EXPIRY_PAST, EXPIRY_ZONE, EXPIRY_UNREADABLE };

/* An expiry-time="YYYYMMDD[HHMM[SS]]" value (quotes included) as every
 * sshd reads it: in the host's time zone, which is not known here, so
 * past only when past in every zone (UTC-12 the last), ahead only when
 * ahead in every zone (UTC+14 the first), else EXPIRY_ZONE; with a Z or
 * UTC suffix (newer OpenSSH) in UTC. Unreadable when no sshd reads a time
 * in it: sshd then refuses the whole line. */
static enum expiry expiry_of(const char *v, size_t n, time_t now)
{
	if (n < 2 || v[0] != '"' || v[n - 1] != '"')
		return EXPIRY_UNREADABLE; /* sshd wants the value quoted */
	v++;
	n -= 2;
	int utc = 0;
	if (n > 1 && (v[n - 1] == 'Z' || v[n - 1] == 'z')) {
		utc = 1;
		n--;
	} else if (n > 3 && !strncasecmp(v + n - 3, "UTC", 3)) {
		utc = 1;
		n -= 3;
	}
	if (n != 8 && n != 12 && n != 14)
		return EXPIRY_UNREADABLE;
	long f[6] = { 0, 0, 0, 0, 0, 0 }; /* year, month, day, hour, minute, second */
	static const int width[6] = { 4, 2, 2, 2, 2, 2 };
	for (size_t i = 0, at = 0; at < n; at += (size_t)width[i++])
		for (int j = 0; j < width[i]; j++) {
			if (v[at + (size_t)j] < '0' || v[at + (size_t)j] > '9')
				return EXPIRY_UNREADABLE;
			f[i] = f[i] * 10 + (v[at + (size_t)j] - '0');
		}
	/* strptime's ranges (%S allows leap seconds) */
	if (f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > 31 || f[3] > 23 || f[4] > 59 || f[5] > 61)
		return EXPIRY_UNREADABLE;
	long long at = (long long)days_from_civil(f[0], f[1], f[2]) * 86400 + f[3] * 3600 +
	               f[4] * 60 + f[5];
	if (utc)
		return (long long)now > at ? EXPIRY_PAST : EXPIRY_AHEAD;
	if ((long long)now > at + 12 * 3600)
		return EXPIRY_PAST;
	return (long long)now > at - 14 * 3600 ? EXPIRY_ZONE : EXPIRY_AHEAD;
}

/* Whether name (n bytes) is an authorized_keys option some OpenSSH knows
 * (sshd(8) AUTHORIZED_KEYS FILE FORMAT, up to 9.x, and the negations its
 * parser takes: touch-required, no-verify-required); sshd refuses a line
 * with any other. */
static int known_option(const char *name, size_t n)
{
	static const char *const known[] = {
		"agent-forwarding", "cert-authority", "command", "environment", "expiry-time",
		"from", "no-agent-forwarding", "no-port-forwarding", "no-pty", "no-touch-required",
		"no-user-rc", "no-verify-required", "no-x11-forwarding", "permitlisten", "permitopen",
		"port-forwarding", "principals", "pty", "restrict", "touch-required", "tunnel",
		"user-rc", "verify-required", "x11-forwarding",
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(known); i++)
		if (n == strlen(known[i]) && !strncasecmp(name, known[i], n))
			return 1;
	return 0;
}

/* A host:port of permitopen= ("[v6]:port" too), or [host:]port of
 * permitlisten=, as sshd checks it: a host, then a port 1-65535 or "*". */
static int permit_ok(const char *v, size_t n, int host_optional)
{
	const char *colon;
	if (n && v[0] == '[') {
		const char *close = memchr(v, ']', n);
		colon = close && close + 1 < v + n && (close[1] == ':' || close[1] == '/') ? close + 1
		                                                                          : NULL;
	} else {
		colon = NULL;
		for (const char *q = v; q < v + n && !colon; q++)
			if (*q == ':' || *q == '/')
				colon = q;
	}
	const char *port = colon ? colon + 1 : host_optional ? v : NULL;
	if (!port)
		return 0;
	size_t pn = (size_t)(v + n - port);
	if (pn == 1 && *port == '*')
		return 1;
	if (pn == 0 || pn > 5 || strspn(port, "0123456789") < pn)
		return 0;
	long num = strtol(port, NULL, 10);
	return num >= 1 && num <= 65535;
}

/* Why sshd refuses option item o for its value, or NULL: the options that
 * take one want it in double quotes, and some check what it says. */
static const char *value_refused(const struct key_option *o)
{
	static const char *const valued[] = { "command",     "environment", "from", "permitlisten",
		                               "permitopen", "principals",  "tunnel" };
	int takes = 0;
	for (size_t i = 0; i < MR_ARRAY_LEN(valued); i++)
		takes |= option_is(o, valued[i]);
	if (!takes)
		return NULL;
	if (!o->value || o->value_len < 2 || o->value[0] != '"' || o->value[o->value_len - 1] != '"')
		return "sshd wants its value in double quotes";
	const char *v = o->value + 1;
	size_t n = o->value_len - 2;
	if (option_is(o, "environment")) {
		size_t name = 0;
		while (name < n && (isalnum((unsigned char)v[name]) || v[name] == '_'))
			name++;
		if (name == n || v[name] != '=')
			return "not NAME=value (a name of letters, digits and _)";
	} else if (option_is(o, "tunnel")) {
		if (!(n == 3 && !strncasecmp(v, "any", 3)) &&
		    (n == 0 || n > 10 || strspn(v, "0123456789") < n || strtoll(v, NULL, 10) > INT_MAX - 2))
			return "no tunnel device (a number, or any)";
	} else if (option_is(o, "permitopen")) {
		if (!permit_ok(v, n, 0))
			return "not host:port (a port 1-65535 or *)";
	} else if (option_is(o, "permitlisten")) {
		if (!permit_ok(v, n, 1))
			return "not [host:]port (a port 1-65535 or *)";
	}
	return NULL;
}

/* How sshd takes a line of a key for nova's commands. */
enum line_use {
	LINE_WORKS,
	LINE_MAYBE,  /* refused from some addresses or after some time (from=,
	              * expiry-time= ahead): sshd then tries the key's next line */
	LINE_DEAD,   /* refused (expiry-time= past or unreadable, an option no
	              * sshd knows): sshd goes on to the next line */
	LINE_BLOCKS, /* taken, but no command of nova's runs (command=: a forced
	              * command instead; cert-authority: the key signs
	              * certificates and logs in as nothing itself) */
};

/* The use of line k at now; for a dead or blocking line, *why is the
 * option item to blame, and for a dead one *reason (static) says why
 * when it is neither an unknown option nor its expiry-time. */
static enum line_use line_use(const struct mr_ssh_key_line *k, time_t now,
                              struct key_option *why, const char **reason)
{
	enum line_use use = LINE_WORKS;
	const char *p = k->options, *end = p ? p + k->options_len : NULL;
	struct key_option o, principals = { 0 };
	int ca = 0, commands = 0, froms = 0;
	*reason = NULL;
	while (next_option(&p, end, &o)) {
		if (known_option(o.name, o.name_len) && (*reason = value_refused(&o))) {
			*why = o;
			return LINE_DEAD;
		}
		/* sshd refuses a second one of these */
		int *count = option_is(&o, "command") ? &commands
		             : option_is(&o, "from")  ? &froms
		                                      : NULL;
		if ((count && ++*count > 1) || (option_is(&o, "principals") && principals.name)) {
			*why = o;
			*reason = "given twice";
			return LINE_DEAD;
		}
		if (option_is(&o, "principals"))
			principals = o;
		ca |= option_is(&o, "cert-authority");
		if (option_is(&o, "command") || option_is(&o, "cert-authority")) {
			*why = o;
			use = LINE_BLOCKS;
		} else if (option_is(&o, "expiry-time")) {
			enum expiry e = expiry_of(o.value, o.value_len, now);
			if (e != EXPIRY_AHEAD && e != EXPIRY_ZONE) {
				*why = o;
				return LINE_DEAD;
			}
			if (use == LINE_WORKS)
				use = LINE_MAYBE;
		} else if (option_is(&o, "from") && use == LINE_WORKS) {
			use = LINE_MAYBE;
		} else if (!known_option(o.name, o.name_len)) {
			*why = o;
			return LINE_DEAD;
		}
	}
	if (principals.name && !ca) {
		*why = principals;
		*reason = "principals= without cert-authority, which sshd refuses for a plain key";
		return LINE_DEAD;
	}
	return use;
}

/* Whether line k carries the option item o, byte for byte (names in any
 * case). */
static int has_item(const struct mr_ssh_key_line *k, const struct key_option *o)
{
	const char *p = k->options, *end = p ? p + k->options_len : NULL;
	struct key_option mine;
	while (next_option(&p, end, &mine))
		if (mine.name_len == o->name_len && !strncasecmp(mine.name, o->name, o->name_len) &&
		    !mine.value == !o->value && mine.value_len == o->value_len &&
		    (!o->value_len || !memcmp(mine.value, o->value, o->value_len)))
			return 1;
	return 0;
}

/* "comment (SHA256:...)", or the fingerprint alone. */
static void describe(struct mr_buf *b, const struct mr_ssh_key_line *k)
{
	unsigned char *blob = NULL;
	size_t blob_len = 0;
	char fp[MR_KNOWN_HOSTS_FP_LEN] = "?";
	if (mr_known_hosts_b64_decode(k->b64, k->b64_len, &blob, &blob_len) == 0)
		mr_known_hosts_fingerprint(blob, blob_len, fp);
	free(blob);
	if (k->comment)
		mr_buf_printf(b, "%.*s (%s)", (int)k->comment_len, k->comment, fp);
	else
		mr_buf_puts(b, fp);
}

static void found_add(struct mr_buf *b, const char *what, const struct mr_ssh_key_line *k)
{
	mr_buf_printf(b, "%s%s ", b->len ? "; " : "", what);
	describe(b, k);
}

static char *found_steal(struct mr_buf *b)
{
	if (!b->len) {
		mr_buf_fini(b);
		return NULL;
	}
	return mr_buf_steal(b, NULL);
}

char *mr_ssh_key_refusal(const char *line, time_t now)
{
	struct mr_ssh_key_line k;
	struct key_option why;
	const char *reason;
	if (mr_ssh_key_parse(line, strlen(line), &k) < 0 ||
	    line_use(&k, now, &why, &reason) != LINE_DEAD)
		return NULL;
	if (reason)
		return mr_xasprintf("%.*s: %s", (int)why.item_len, why.item, reason);
	if (!option_is(&why, "expiry-time"))
		return mr_xasprintf("'%.*s' is no option sshd knows", (int)why.name_len, why.name);
	return mr_xasprintf("%.*s %s", (int)why.item_len, why.item,
	                    expiry_of(why.value, why.value_len, now) == EXPIRY_PAST
	                            ? "has passed"
	                            : "is no time sshd reads (YYYYMMDD[HHMM[SS]] in double quotes)");
}

/* The profile line of want that speaks for key k: the first of its key
 * that sshd does not refuse, else the first of its key; n_want if none. */
static size_t want_index(const struct mr_ssh_key_line *w, const int *dead, size_t n_want,
                         const struct mr_ssh_key_line *k)
{
	size_t first = n_want;
	for (size_t i = 0; i < n_want; i++) {
		if (!w[i].type || !same_key(&w[i], k))
			continue;
		if (!dead[i])
			return i;
		if (first == n_want)
			first = i;
	}
	return first;
}

char *mr_ssh_authorized_merge(const char *old, size_t len, const char *const *want,
                              size_t n_want, int exclusive, time_t now, char **found)
{
	struct mr_buf out, f;
	mr_buf_init(&out);
	mr_buf_init(&f);
	struct mr_ssh_key_line *w = mr_xcalloc(n_want + 1, sizeof(*w));
	enum line_use *want_use = mr_xcalloc(n_want + 1, sizeof(*want_use));
	int *dead = mr_xcalloc(n_want + 1, sizeof(*dead)); /* want's own line refused */
	int *have = mr_xcalloc(n_want + 1, sizeof(*have));
	int *taken = mr_xcalloc(n_want + 1, sizeof(*taken));   /* sshd stops at a line before */
	int *placed = mr_xcalloc(n_want + 1, sizeof(*placed)); /* want's line is in out */
	for (size_t i = 0; i < n_want; i++) {
		struct key_option why;
		const char *reason;
		if (mr_ssh_key_parse(want[i], strlen(want[i]), &w[i]) < 0) {
			w[i].type = NULL; /* the schema validated it; never matched */
			continue;
		}
		want_use[i] = line_use(&w[i], now, &why, &reason);
		dead[i] = want_use[i] == LINE_DEAD;
	}
	/* Where the profile's own line is there: under exclusive it is the one
	 * kept of its key, not another line of that key before it (a from=
	 * that lets nova in from one network only); a line of that key sshd
	 * refuses or restricts before it goes, and nothing is written in its
	 * place (the profile's line would be there twice). */
	int *exact_there = mr_xcalloc(n_want + 1, sizeof(*exact_there));
	const char *p = old, *end = old + len;
	for (const char *q = old; q < end;) {
		const char *nl = memchr(q, '\n', (size_t)(end - q));
		const char *le = nl ? nl : end;
		for (size_t i = 0; i < n_want; i++)
			exact_there[i] |= (size_t)(le - q) == strlen(want[i]) && !memcmp(q, want[i], (size_t)(le - q));
		q = nl ? nl + 1 : end;
	}
	for (size_t i = 0; i < n_want; i++)
		placed[i] = exact_there[i];
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		struct mr_ssh_key_line k;
		int keep = 1;
		if (mr_ssh_key_parse(p, (size_t)(le - p), &k) == 0) {
			size_t i = want_index(w, dead, n_want, &k);
			int exact = i < n_want && (size_t)(le - p) == strlen(want[i]) &&
			            !memcmp(p, want[i], (size_t)(le - p));
			if (exclusive && (i == n_want || have[i] || (exact_there[i] && !exact))) {
				keep = 0;
				found_add(&f, i == n_want ? "extra" : "repeated", &k);
			} else if (i < n_want) {
				have[i] = 1;
			}
			struct key_option why;
			const char *reason;
			enum line_use use = i < n_want ? line_use(&k, now, &why, &reason) : LINE_WORKS;
			/* A wanted key's line sshd refuses, or takes without letting
			 * nova's commands run: the profile's line instead, unless it
			 * says the same, or sshd stops at a line of that key before
			 * (the first it does not refuse); removed if the profile's
			 * line is already there (its from= may refuse: sshd goes on).
			 * A profile line sshd refuses itself fails its item
			 * (res_ssh.c): never written, nothing replaced by it. */
			int bad = use == LINE_DEAD || (use == LINE_BLOCKS && !has_item(&w[i], &why));
			int written = keep; /* this line, or the profile's in its place */
			if (keep && i < n_want && bad && !taken[i] && !dead[i]) {
				keep = 0;
				written = !placed[i];
				if (!placed[i])
					mr_buf_printf(&out, "%s\n", want[i]);
				char *what =
					use == LINE_DEAD
						? mr_xasprintf("refused (%.*s)", (int)why.item_len, why.item)
						: mr_xasprintf("restricted by %s", option_is(&why, "command")
						                                           ? "command="
						                                           : "cert-authority");
				found_add(&f, what, &k);
				free(what);
				use = want_use[i];
				bad = 0;
				placed[i] = 1;
			} else if (keep && i < n_want && (size_t)(le - p) == strlen(want[i]) &&
			           !memcmp(p, want[i], (size_t)(le - p))) {
				placed[i] = 1;
			}
			if (written && i < n_want && !bad && use != LINE_MAYBE)
				taken[i] = 1;
		}
		if (keep) {
			mr_buf_add(&out, p, (size_t)(le - p));
			mr_buf_putc(&out, '\n');
		}
		p = nl ? nl + 1 : end;
	}
	for (size_t i = 0; i < n_want; i++) {
		/* a key listed twice in want is added once */
		if (have[i] || !w[i].type || dead[i] || want_index(w, dead, n_want, &w[i]) != i)
			continue;
		mr_buf_printf(&out, "%s\n", want[i]);
		found_add(&f, "missing", &w[i]);
	}
	free(w);
	free(want_use);
	free(dead);
	free(have);
	free(exact_there);
	free(taken);
	free(placed);
	*found = found_steal(&f);
	return mr_buf_steal(&out, NULL);
}

char *mr_ssh_authorized_doubts(const char *text, size_t len, const char *key, time_t now)
{
	struct mr_ssh_key_line w;
	if (mr_ssh_key_parse(key, strlen(key), &w) < 0)
		return NULL;
	struct mr_buf doubt;
	mr_buf_init(&doubt);
	const char *p = text, *end = text + len;
	for (long line = 1; p < end; line++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		struct mr_ssh_key_line k;
		if (mr_ssh_key_parse(p, (size_t)((nl ? nl : end) - p), &k) == 0 && same_key(&w, &k)) {
			struct key_option why, o;
			const char *reason;
			enum line_use use = line_use(&k, now, &why, &reason);
			int from = 0;
			const char *q = k.options, *qe = q ? q + k.options_len : NULL;
			/* refused from some addresses, or already expired where
			 * the host's time zone is one of some */
			while (use == LINE_MAYBE && next_option(&q, qe, &o))
				if (option_is(&o, "from") ||
				    (option_is(&o, "expiry-time") &&
				     expiry_of(o.value, o.value_len, now) == EXPIRY_ZONE)) {
					from = 1;
					mr_buf_printf(&doubt, "%s%ld %.*s%s", doubt.len ? ", " : "", line,
					              (int)o.item_len, o.item,
					              option_is(&o, "from") ? ""
					                                    : " (passed in some time zones)");
				}
			/* the first line sshd takes now from any address settles it */
			if (use != LINE_DEAD && !from) {
				mr_buf_fini(&doubt);
				return NULL;
			}
		}
		p = nl ? nl + 1 : end;
	}
	if (doubt.len) {
		mr_buf_puts(&doubt, " (");
		describe(&doubt, &w);
		mr_buf_putc(&doubt, ')');
	}
	return found_steal(&doubt);
}

/* ---- known_hosts ---- */

struct host_key {
	char type[64];
	unsigned char *blob;
	size_t len;
	const char *line; /* "type base64" */
};

static int host_key_parse(const char *line, struct host_key *hk)
{
	const char *p = line, *end = line + strlen(line), *t, *b;
	size_t tn, bn;
	hk->blob = NULL;
	hk->line = line;
	if (!word(&p, end, &t, &tn) || !word(&p, end, &b, &bn) || tn >= sizeof(hk->type))
		return -1;
	if (mr_known_hosts_b64_decode(b, bn, &hk->blob, &hk->len) < 0)
		return -1;
	if (mr_known_hosts_blob_type(hk->blob, hk->len, hk->type, sizeof(hk->type)) < 0 ||
	    strlen(hk->type) != tn || memcmp(hk->type, t, tn)) {
		free(hk->blob);
		hk->blob = NULL;
		return -1;
	}
	return 0;
}

/* Lines migready may judge: a plain list of names, no marker, no hash, no
 * pattern. */
/* A line whose one name is hashed (|1|SALT|HASH, as HashKnownHosts
 * writes it): it names one host, found by hashing a name the same way. */
static int hashed_line(const char *p, const char *end)
{
	while (p < end && is_blank(*p))
		p++;
	return end - p > 3 && !strncmp(p, "|1|", 3);
}

static int plain_line(const char *p, const char *end)
{
	while (p < end && is_blank(*p))
		p++;
	if (p == end || *p == '#' || *p == '@' || *p == '|')
		return 0;
	for (; p < end && !is_blank(*p); p++)
		if (*p == '*' || *p == '?' || *p == '!')
			return 0;
	return 1;
}

char *mr_ssh_known_hosts_merge(const char *old, size_t len, const struct mr_ssh_peer *peers,
                               size_t n_peers, char **found)
{
	struct mr_buf out, f;
	mr_buf_init(&out);
	mr_buf_init(&f);
	size_t n_keys = 0;
	for (size_t i = 0; i < n_peers; i++)
		n_keys += peers[i].n_keys + peers[i].n_known;
	struct host_key *hk = mr_xcalloc(n_keys + 1, sizeof(*hk));
	size_t *peer_of = mr_xcalloc(n_keys + 1, sizeof(*peer_of));
	size_t nk = 0, n_written;
	for (size_t i = 0; i < n_peers; i++)
		for (size_t j = 0; j < peers[i].n_keys; j++)
			if (host_key_parse(peers[i].keys[j], &hk[nk]) == 0)
				peer_of[nk++] = i;
	n_written = nk;
	/* the peers' other keys, for staleness only: a type written wins */
	for (size_t i = 0; i < n_peers; i++)
		for (size_t j = 0; j < peers[i].n_known; j++) {
			if (host_key_parse(peers[i].known[j], &hk[nk]) < 0)
				continue;
			int written = 0;
			for (size_t k = 0; k < n_written; k++)
				written |= peer_of[k] == i && !strcmp(hk[k].type, hk[nk].type);
			if (written) {
				free(hk[nk].blob);
				hk[nk].blob = NULL;
			} else {
				peer_of[nk++] = i;
			}
		}

	/* Stale: a name of a plain line that holds another key of a peer key's
	 * type under one of that peer's names. Only those names go: the line
	 * stays for the others it lists (another host's entry), and goes when
	 * none is left. A hashed line names one host: it goes whole, as
	 * ssh-keygen -R removes it (found by a review: a hashed line from
	 * before a reinstall, of a type ssh then asks the peer for, refused
	 * it while check was green). */
	const char *p = old, *end = old + len;
	struct mr_buf one, kept;
	mr_buf_init(&one);
	mr_buf_init(&kept);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *names = p, *names_end;
		while (names < le && is_blank(*names))
			names++;
		for (names_end = names; names_end < le && !is_blank(*names_end); names_end++)
			;
		int dropped = 0;
		kept.len = 0;
		int editable = plain_line(p, le) || hashed_line(p, le);
		for (const char *t = names; editable && t < names_end;) {
			const char *te = memchr(t, ',', (size_t)(names_end - t));
			if (!te)
				te = names_end;
			/* the line with this one name */
			one.len = 0;
			mr_buf_add(&one, t, (size_t)(te - t));
			mr_buf_add(&one, names_end, (size_t)(le - names_end));
			int stale = 0;
			for (size_t k = 0; !stale && k < nk; k++) {
				const struct mr_ssh_peer *peer = &peers[peer_of[k]];
				for (size_t n = 0; !stale && n < peer->n_names; n++) {
					struct mr_known_hosts_result res;
					if (mr_known_hosts_check(one.data, one.len, peer->names[n], peer->port,
					                         hk[k].type, hk[k].blob, hk[k].len, &res) ==
					    MR_KNOWN_HOSTS_MISMATCH) {
						stale = 1;
						char *name = mr_known_hosts_name(peer->names[n], peer->port);
						mr_buf_printf(&f, "%sstale %s %s %s", f.len ? "; " : "", name,
						              hk[k].type, res.stored_fp);
						free(name);
					}
				}
			}
			if (stale) {
				dropped = 1;
			} else {
				if (kept.len)
					mr_buf_putc(&kept, ',');
				mr_buf_add(&kept, t, (size_t)(te - t));
			}
			t = te < names_end ? te + 1 : te;
		}
		if (!dropped) {
			mr_buf_add(&out, p, (size_t)(le - p));
			mr_buf_putc(&out, '\n');
		} else if (kept.len) {
			mr_buf_add(&out, p, (size_t)(names - p));
			mr_buf_add(&out, kept.data, kept.len);
			mr_buf_add(&out, names_end, (size_t)(le - names_end));
			mr_buf_putc(&out, '\n');
		}
		p = nl ? nl + 1 : end;
	}
	mr_buf_fini(&one);
	mr_buf_fini(&kept);
	/* Missing: each key written under the names it does not yet match. A
	 * key @revoked here under a name is refused by ssh whatever is added:
	 * the file fails, saying where. */
	char *revoked = NULL;
	for (size_t k = 0; k < n_written && !revoked; k++) {
		const struct mr_ssh_peer *peer = &peers[peer_of[k]];
		struct mr_buf names;
		mr_buf_init(&names);
		for (size_t n = 0; n < peer->n_names; n++) {
			size_t m = 0;
			while (m < n && strcasecmp(peer->names[m], peer->names[n]) != 0)
				m++;
			if (m < n) /* a name given twice (the address is the name) */
				continue;
			char *name = mr_known_hosts_name(peer->names[n], peer->port);
			struct mr_known_hosts_result res;
			enum mr_known_hosts_status st =
				mr_known_hosts_check(out.data ? out.data : "", out.len, peer->names[n],
				                     peer->port, hk[k].type, hk[k].blob, hk[k].len, &res);
			if (st == MR_KNOWN_HOSTS_REVOKED && !revoked) {
				revoked = mr_xasprintf("%u: the %s key of %s is @revoked there, and ssh refuses "
				                       "it whatever else is listed; remove that line if the "
				                       "key is to be trusted again",
				                       res.line, hk[k].type, name);
			} else if (st != MR_KNOWN_HOSTS_MATCH) {
				mr_buf_printf(&names, "%s%s", names.len ? "," : "", name);
				mr_buf_printf(&f, "%smissing %s %s", f.len ? "; " : "", name, hk[k].type);
			}
			free(name);
		}
		if (names.len)
			mr_buf_printf(&out, "%s %s\n", names.data, hk[k].line);
		mr_buf_fini(&names);
	}
	for (size_t k = 0; k < nk; k++)
		free(hk[k].blob);
	free(hk);
	free(peer_of);
	if (revoked) {
		mr_buf_fini(&f);
		mr_buf_fini(&out);
		*found = revoked;
		return NULL;
	}
	*found = found_steal(&f);
	if (!out.data)
		mr_buf_puts(&out, "");
	return mr_buf_steal(&out, NULL);
}

/* What the other files say of name (host) and a key (type, blob): MATCH
 * if a line holds it, else MISMATCH (*at the first line with another key
 * of the type, *res its result) or UNKNOWN. */
static enum mr_known_hosts_status other_check(const struct mr_ssh_known_line *other,
                                              size_t n_other, const char *host, unsigned port,
                                              const char *type, const unsigned char *blob,
                                              size_t len, size_t *at,
                                              struct mr_known_hosts_result *res)
{
	enum mr_known_hosts_status st = MR_KNOWN_HOSTS_UNKNOWN;
	for (size_t i = 0; i < n_other; i++) {
		struct mr_known_hosts_result one;
		enum mr_known_hosts_status r = mr_known_hosts_check(
			other[i].text, strlen(other[i].text), host, port, type, blob, len, &one);
		if (r == MR_KNOWN_HOSTS_MATCH)
			return r;
		if (r == MR_KNOWN_HOSTS_MISMATCH && st != r) {
			st = r;
			*at = i;
			*res = one;
		}
	}
	return st;
}

static int type_listed(const char *list, const char *type)
{
	size_t tl = strlen(type);
	for (const char *p = list; p && *p;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		if (n == tl && !memcmp(p, type, n))
			return 1;
		p = comma ? comma + 1 : NULL;
	}
	return 0;
}

/* A key of type no written key of the peer has, for a name of it, where
 * the peer's host keys were not read: whether it is the peer's own (then
 * ssh takes it) or a stale one (ssh refuses the host if its sshd serves
 * that type) cannot be told here. */
static void unjudged_types(struct mr_buf *d, const char *text, size_t len,
                           const struct mr_ssh_peer *peer,
                           const struct mr_ssh_known_line *other, size_t n_other)
{
	struct mr_buf seen, written;
	mr_buf_init(&seen);
	mr_buf_init(&written);
	for (size_t j = 0; j < peer->n_keys; j++) {
		struct host_key hk;
		if (host_key_parse(peer->keys[j], &hk) < 0)
			continue;
		mr_buf_printf(&written, "%s%s", written.len ? "," : "", hk.type);
		free(hk.blob);
	}
	for (size_t n = 0; n < peer->n_names; n++) {
		for (size_t i = 0; i <= n_other; i++) {
			const char *t = i < n_other ? other[i].text : text;
			size_t tl = i < n_other ? strlen(t) : len;
			char *types = mr_known_hosts_types(t, tl, peer->names[n], peer->port);
			for (char *p = types, *next; p && *p; p = next) {
				next = p + strcspn(p, ",");
				if (*next)
					*next++ = '\0';
				if (type_listed(written.data, p) || type_listed(seen.data, p))
					continue;
				mr_buf_printf(&seen, "%s%s", seen.len ? "," : "", p);
				/* no key is that of an entry: its first line of the type */
				struct mr_known_hosts_result res;
				mr_known_hosts_check(t, tl, peer->names[n], peer->port, p,
				                     (const unsigned char *)"", 0, &res);
				char *name = mr_known_hosts_name(peer->names[n], peer->port);
				if (i < n_other)
					mr_buf_printf(d, "%s%s:%u", d->len ? "\n" : "", other[i].file,
					              other[i].line);
				else
					mr_buf_printf(d, "%s%u", d->len ? "\n" : "", res.line);
				mr_buf_printf(d, " holds a %s key for %s (%s), not judged: the host keys "
				              "of %s were not read; ssh refuses %s if its sshd serves "
				              "another key of that type",
				              p, name, res.stored_fp, name, name);
				free(name);
			}
			free(types);
		}
	}
	mr_buf_fini(&seen);
	mr_buf_fini(&written);
}

char *mr_ssh_known_hosts_doubts(const char *text, size_t len, const struct mr_ssh_peer *peers,
                                size_t n_peers, const struct mr_ssh_known_line *other,
                                size_t n_other)
{
	struct mr_buf d;
	mr_buf_init(&d);
	for (size_t i = 0; i < n_peers; i++) {
		const struct mr_ssh_peer *peer = &peers[i];
		size_t nk = peer->n_keys + peer->n_known;
		for (size_t j = 0; j < nk; j++) {
			struct host_key hk;
			const char *line = j < peer->n_keys ? peer->keys[j] : peer->known[j - peer->n_keys];
			if (host_key_parse(line, &hk) < 0)
				continue;
			/* a type written wins, as in the merge: a key file of it
			 * that sshd does not serve is no doubt */
			int written = 0;
			for (size_t w = 0; j >= peer->n_keys && w < peer->n_keys; w++) {
				struct host_key wk;
				if (host_key_parse(peer->keys[w], &wk) < 0)
					continue;
				written |= !strcmp(wk.type, hk.type);
				free(wk.blob);
			}
			for (size_t n = 0; !written && n < peer->n_names; n++) {
				/* ssh looks the host up in all the files at once: a
				 * line of its own key in any of them is enough */
				struct mr_known_hosts_result res, ores;
				size_t at = 0;
				enum mr_known_hosts_status st =
					mr_known_hosts_check(text, len, peer->names[n], peer->port, hk.type,
					                     hk.blob, hk.len, &res);
				if (st == MR_KNOWN_HOSTS_MATCH)
					continue;
				enum mr_known_hosts_status ost =
					other_check(other, n_other, peer->names[n], peer->port, hk.type,
					            hk.blob, hk.len, &at, &ores);
				if (ost == MR_KNOWN_HOSTS_MATCH ||
				    (st != MR_KNOWN_HOSTS_MISMATCH && ost != MR_KNOWN_HOSTS_MISMATCH))
					continue;
				char *name = mr_known_hosts_name(peer->names[n], peer->port);
				if (st == MR_KNOWN_HOSTS_MISMATCH)
					mr_buf_printf(&d, "%s%u holds another %s key for %s (%s), and none holds "
					              "its own: ssh refuses %s if its sshd serves that type",
					              d.len ? "\n" : "", res.line, hk.type, name, res.stored_fp,
					              name);
				else
					/* not migready's file: removed by hand */
					mr_buf_printf(&d, "%s%s:%u holds another %s key for %s (%s), and no "
					              "file holds its own: ssh refuses %s if it takes that "
					              "type from its sshd; remove or correct that line",
					              d.len ? "\n" : "", other[at].file, other[at].line, hk.type,
					              name, ores.stored_fp, name);
				free(name);
				break; /* one line per key is enough */
			}
			free(hk.blob);
		}
		if (!peer->n_known)
			unjudged_types(&d, text, len, peer, other, n_other);
	}
	return found_steal(&d);
}

char *mr_ssh_known_hosts_revoked(const char *text, const struct mr_ssh_peer *peers,
                                 size_t n_peers)
{
	struct mr_buf d;
	mr_buf_init(&d);
	for (size_t i = 0; i < n_peers; i++) {
		const struct mr_ssh_peer *peer = &peers[i];
		for (size_t j = 0; j < peer->n_keys; j++) {
			struct host_key hk;
			if (host_key_parse(peer->keys[j], &hk) < 0)
				continue;
			for (size_t n = 0; n < peer->n_names; n++) {
				if (mr_known_hosts_check(text, strlen(text), peer->names[n], peer->port,
				                         hk.type, hk.blob, hk.len,
				                         NULL) != MR_KNOWN_HOSTS_REVOKED)
					continue;
				char *name = mr_known_hosts_name(peer->names[n], peer->port);
				mr_buf_printf(&d, "%sthe %s key of %s", d.len ? "; " : "", hk.type, name);
				free(name);
				break; /* the key is refused: one name says it */
			}
			free(hk.blob);
		}
	}
	return found_steal(&d);
}

/* ---- the controller's key pair ---- */

/* ssh-keygen, argv, no shell; its output (a fingerprint and art, never
 * the key) is dropped, its first error line kept for the message. */
static int keygen(const char *path, struct mr_error **err)
{
	const char *const argv[] = { "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C",
		                         "migready-nova-migration", "-f", path, NULL };
	int fds[2];
	if (pipe(fds) < 0) {
		mr_error_add(err, MR_ERR_SYSTEM, path, "cannot run ssh-keygen: %s", strerror(errno));
		return -1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		mr_error_add(err, MR_ERR_SYSTEM, path, "cannot run ssh-keygen: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDWR);
		dup2(devnull, 0);
		dup2(devnull, 1);
		dup2(fds[1], 2);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(fds[1]);
	struct mr_buf b;
	mr_buf_init(&b);
	mr_fd_read(fds[0], &b);
	close(fds[0]);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	int r = 0;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		const char *msg = b.data ? b.data : "";
		size_t n = strcspn(msg, "\n");
		mr_error_add(err, MR_ERR_SYSTEM, path, "ssh-keygen failed (status %d)%s%.*s",
		             WIFEXITED(status) ? WEXITSTATUS(status) : -1, n ? ": " : "", (int)n, msg);
		r = -1;
	}
	mr_buf_fini(&b);
	return r;
}

/* The key's directory, made 0700 where missing, and any missing directory
 * above it 0755 (as mkdir -p): a fresh controller has no /etc/migready. */
static int make_parent(const char *path, struct mr_error **err)
{
	char *dir = mr_xstrdup(path);
	char *last = strrchr(dir, '/');
	int r = 0;
	if (last && last != dir) {
		/* "keys//id", "keys/./id": the key's directory is keys */
		while (last > dir && (last[-1] == '/' || (last[-1] == '.' && last - 1 > dir && last[-2] == '/')))
			last -= last[-1] == '/' ? 1 : 2;
		*last = '\0';
		for (char *p = dir + 1; r == 0 && last > dir; p++) {
			if (*p != '/' && *p != '\0')
				continue;
			char saved = *p;
			*p = '\0';
			if (mkdir(dir, saved ? 0755 : 0700) < 0 && errno != EEXIST) {
				mr_error_add(err, MR_ERR_SYSTEM, path, "cannot create directory '%s': %s",
				             dir, strerror(errno));
				r = -1;
			}
			*p = saved;
			if (!saved)
				break;
		}
	}
	free(dir);
	return r;
}

/* The base64 body of the PEM block "-----BEGIN label-----" in text,
 * decoded, or NULL: absent, malformed, or with RFC 1421 headers
 * ("Proc-Type: 4,ENCRYPTED", "DEK-Info: ..."), which only an encrypted
 * key has. */
static unsigned char *pem_body(const char *text, const char *label, size_t *n)
{
	char *begin = mr_xasprintf("-----BEGIN %s-----", label);
	const char *b = strstr(text, begin);
	size_t skip = strlen(begin);
	free(begin);
	if (!b)
		return NULL;
	b += skip;
	const char *end = strstr(b, "-----END");
	size_t len = end ? (size_t)(end - b) : strlen(b);
	if (memchr(b, ':', len))
		return NULL;
	char *body = mr_xstrndup(b, len), *o = body;
	for (const char *p = body; *p; p++)
		if (!strchr(" \t\r\n", *p))
			*o++ = *p;
	*o = '\0';
	unsigned char *raw = NULL;
	if (mr_known_hosts_b64_decode(body, strlen(body), &raw, n) < 0)
		raw = NULL;
	free(body);
	return raw;
}

/* The decoded body of a private key in OpenSSH's format ("openssh-key-v1"
 * and what follows), or NULL for another format (PEM, PKCS#8). */
static unsigned char *openssh_body(const char *priv, size_t *n)
{
	static const char magic[] = "openssh-key-v1";
	unsigned char *raw = pem_body(priv, "OPENSSH PRIVATE KEY", n);
	if (raw && (*n < sizeof(magic) || memcmp(raw, magic, sizeof(magic)) != 0)) {
		free(raw);
		raw = NULL;
	}
	return raw;
}

/* A DER element: its tag and contents. */
struct der {
	unsigned tag;
	const unsigned char *p;
	size_t n;
};

enum {
	DER_INTEGER = 0x02,
	DER_BIT_STRING = 0x03,
	DER_OCTET_STRING = 0x04,
	DER_OID = 0x06,
	DER_SEQUENCE = 0x30,
	DER_EC_CURVE = 0xa0,  /* ECPrivateKey's [0] */
	DER_EC_PUBLIC = 0xa1, /* and its [1] */
};

/* The element at *at in buf (n bytes), stepping past it; -1 if malformed
 * (an indefinite or over-long length, a length past the end). */
static int der_next(const unsigned char *buf, size_t n, size_t *at, struct der *e)
{
	if (*at + 2 > n)
		return -1;
	e->tag = buf[(*at)++];
	size_t len = buf[(*at)++];
	if (len & 0x80) {
		size_t bytes = len & 0x7f;
		if (bytes == 0 || bytes > 4 || *at + bytes > n)
			return -1;
		len = 0;
		while (bytes--)
			len = len << 8 | buf[(*at)++];
	}
	if (len > n - *at)
		return -1;
	e->p = buf + *at;
	e->n = len;
	*at += len;
	return 0;
}

/* The element index (from 0) of a SEQUENCE's contents, if it has tag; -1
 * otherwise. */
static int der_item(const struct der *seq, size_t index, unsigned tag, struct der *e)
{
	size_t at = 0;
	for (size_t i = 0; i <= index; i++)
		if (der_next(seq->p, seq->n, &at, e) < 0)
			return -1;
	return e->tag == tag ? 0 : -1;
}

static void blob_string(struct mr_buf *b, const void *s, size_t n)
{
	unsigned char len[4] = { (unsigned char)(n >> 24), (unsigned char)(n >> 16),
		                     (unsigned char)(n >> 8), (unsigned char)n };
	mr_buf_add(b, len, 4);
	mr_buf_add(b, s, n);
}

/* PKCS#1 RSAPrivateKey (version, n, e, ...) as the SSH public blob
 * "ssh-rsa", e, n. A DER INTEGER's contents are an SSH mpint's bytes
 * (both minimal two's complement, big-endian). */
static int rsa_public_blob(const struct der *key, struct mr_buf *b)
{
	struct der modulus, exponent;
	if (der_item(key, 1, DER_INTEGER, &modulus) < 0 ||
	    der_item(key, 2, DER_INTEGER, &exponent) < 0)
		return -1;
	blob_string(b, "ssh-rsa", 7);
	blob_string(b, exponent.p, exponent.n);
	blob_string(b, modulus.p, modulus.n);
	return 0;
}

/* The SSH name of the curve whose OID (contents) is oid, or NULL. */
static const char *ec_curve(const struct der *oid)
{
	static const struct {
		const char *name;
		unsigned char oid[8];
		size_t n;
	} curves[] = {
		{ "nistp256", { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07 }, 8 },
		{ "nistp384", { 0x2b, 0x81, 0x04, 0x00, 0x22 }, 5 },
		{ "nistp521", { 0x2b, 0x81, 0x04, 0x00, 0x23 }, 5 },
	};
	for (size_t i = 0; i < sizeof(curves) / sizeof(curves[0]); i++)
		if (oid && oid->n == curves[i].n && !memcmp(oid->p, curves[i].oid, oid->n))
			return curves[i].name;
	return NULL;
}

/* SEC 1 ECPrivateKey (version, key, [0] curve, [1] public point) as the
 * SSH public blob "ecdsa-sha2-CURVE", CURVE, point; curve (the PKCS#8
 * wrapper's) when the key leaves [0] out. -1 without a point. */
static int ec_public_blob(const struct der *key, const struct der *curve, struct mr_buf *b)
{
	struct der e, oid = { 0 }, point = { 0 };
	size_t at = 0;
	while (der_next(key->p, key->n, &at, &e) == 0) {
		struct der inner;
		size_t in = 0;
		if (e.tag == DER_EC_CURVE && der_next(e.p, e.n, &in, &inner) == 0 &&
		    inner.tag == DER_OID)
			oid = inner;
		else if (e.tag == DER_EC_PUBLIC && der_next(e.p, e.n, &in, &inner) == 0 &&
		         inner.tag == DER_BIT_STRING && inner.n > 1 && inner.p[0] == 0)
			point = (struct der){ DER_BIT_STRING, inner.p + 1, inner.n - 1 };
	}
	const char *name = ec_curve(oid.p ? &oid : curve);
	if (!name || !point.p)
		return -1;
	char *type = mr_xasprintf("ecdsa-sha2-%s", name);
	blob_string(b, type, strlen(type));
	blob_string(b, name, strlen(name));
	blob_string(b, point.p, point.n);
	free(type);
	return 0;
}

static int ec_key_blob(const struct der *key, struct mr_buf *b)
{
	return ec_public_blob(key, NULL, b);
}

/* PKCS#8 PrivateKeyInfo (version, algorithm, key): the RSA or EC key it
 * wraps as an SSH public blob. Ed25519's holds no public key. */
static int pkcs8_public_blob(const struct der *info, struct mr_buf *b)
{
	static const unsigned char rsa[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01 };
	static const unsigned char ec[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01 };
	struct der alg, alg_oid, params, wrapped, key;
	size_t at = 0;
	if (der_item(info, 1, DER_SEQUENCE, &alg) < 0 || der_item(&alg, 0, DER_OID, &alg_oid) < 0 ||
	    der_item(info, 2, DER_OCTET_STRING, &wrapped) < 0 ||
	    der_next(wrapped.p, wrapped.n, &at, &key) < 0 || key.tag != DER_SEQUENCE)
		return -1;
	if (alg_oid.n == sizeof(rsa) && !memcmp(alg_oid.p, rsa, sizeof(rsa)))
		return rsa_public_blob(&key, b);
	if (alg_oid.n == sizeof(ec) && !memcmp(alg_oid.p, ec, sizeof(ec)))
		return ec_public_blob(&key, der_item(&alg, 1, DER_OID, &params) == 0 ? &params : NULL,
		                      b);
	return -1;
}

/* The SSH public blob of an unencrypted PEM or PKCS#8 private key (RSA or
 * ECDSA: what ssh-keygen -m PEM or -m PKCS8 writes), into b; -1 where it
 * cannot be told. */
static int pem_public_blob(const char *priv, struct mr_buf *b)
{
	static const struct {
		const char *label;
		int (*blob)(const struct der *, struct mr_buf *);
	} kinds[] = {
		{ "RSA PRIVATE KEY", rsa_public_blob },
		{ "EC PRIVATE KEY", ec_key_blob },
		{ "PRIVATE KEY", pkcs8_public_blob },
	};
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		size_t n = 0, at = 0;
		unsigned char *raw = pem_body(priv, kinds[i].label, &n);
		if (!raw)
			continue;
		struct der top;
		int r = -1;
		if (der_next(raw, n, &at, &top) == 0 && top.tag == DER_SEQUENCE)
			r = kinds[i].blob(&top, b);
		free(raw);
		return r;
	}
	return -1;
}

/* The string at *at in body (n bytes), stepping past it: its length, or
 * (size_t)-1 past the end. */
static size_t body_string(const unsigned char *body, size_t n, size_t *at, const unsigned char **s)
{
	if (*at + 4 > n)
		return (size_t)-1;
	const unsigned char *c = body + *at;
	size_t len = (size_t)c[0] << 24 | (size_t)c[1] << 16 | (size_t)c[2] << 8 | c[3];
	if (len > n - *at - 4)
		return (size_t)-1;
	*s = c + 4;
	*at += 4 + len;
	return len;
}

/* The public key blob a private key holds: OpenSSH's format keeps it in
 * the clear (encrypted or not); PEM and PKCS#8 keys, unencrypted, give it
 * from their numbers. *encrypted: protected by a passphrase. -1 if it
 * cannot be read (an encrypted PEM, a format not known). */
static int private_blob(const char *priv, struct mr_buf *b, int *encrypted)
{
	size_t n = 0;
	unsigned char *body = openssh_body(priv, &n);
	*encrypted = 0;
	if (!body) {
		*encrypted = strstr(priv, "ENCRYPTED") != NULL;
		return *encrypted ? -1 : pem_public_blob(priv, b);
	}
	/* "openssh-key-v1\0", cipher, kdf, its options, the number of keys,
	 * the first public key */
	int r = -1;
	size_t at = sizeof("openssh-key-v1");
	const unsigned char *cipher = NULL, *skip, *pub = NULL;
	size_t cl = body_string(body, n, &at, &cipher);
	*encrypted = cl != 4 || memcmp(cipher, "none", 4) != 0;
	if (cl != (size_t)-1 && body_string(body, n, &at, &skip) != (size_t)-1 &&
	    body_string(body, n, &at, &skip) != (size_t)-1 && (at += 4) <= n) {
		size_t pl = body_string(body, n, &at, &pub);
		if (pl != (size_t)-1) {
			mr_buf_add(b, pub, pl);
			r = 0;
		}
	}
	free(body);
	return r;
}

/* Why nova's unattended ssh could not log in with this private key (of
 * the public key's type), or NULL: a passphrase (OpenSSH's format names
 * its cipher; PEM and PKCS#8 say ENCRYPTED), a DSA key (refused by
 * OpenSSH since 7.0), a FIDO key (its token wanted at each login), a
 * public key (blob, n bytes) that is not its own (a .pub of another pair
 * would be authorized everywhere and open nothing). */
static const char *key_unusable(const char *priv, const char *type, size_t type_len,
                                const unsigned char *blob, size_t blob_len)
{
	if (type_len == 7 && !strncmp(type, "ssh-dss", 7))
		return "a DSA key, which OpenSSH refuses since 7.0 (sshd and ssh alike)";
	if (type_len > 3 && !strncmp(type, "sk-", 3))
		return "a security-key (FIDO) key, which wants its token at each login: nova's "
		       "unattended ssh cannot give it";
	struct mr_buf own;
	mr_buf_init(&own);
	int encrypted;
	int read = private_blob(priv, &own, &encrypted) == 0;
	int differs = read && blob && (own.len != blob_len || memcmp(own.data, blob, blob_len) != 0);
	mr_buf_fini(&own);
	if (encrypted)
		return "protected by a passphrase, which nova's unattended ssh cannot give";
	return differs ? "not the private half of the public key beside it (the .pub of another "
	                 "key pair?): nova's ssh would offer one key and its peers trust another"
	               : NULL; /* unreadable: ssh will say */
}

char *mr_ssh_private_key_fingerprint(const char *priv)
{
	struct mr_buf blob;
	mr_buf_init(&blob);
	int encrypted;
	char *fp = NULL;
	if (private_blob(priv, &blob, &encrypted) == 0) {
		fp = mr_xmalloc(MR_KNOWN_HOSTS_FP_LEN);
		mr_known_hosts_fingerprint((const unsigned char *)blob.data, blob.len, fp);
	}
	mr_buf_fini(&blob);
	return fp;
}

int mr_ssh_keypair_load(const char *path, int generate, char **priv, char **pub,
                        struct mr_error **err)
{
	char *pub_path = mr_xasprintf("%s.pub", path);
	char *key = NULL, *pk = NULL;
	size_t len = 0;
	struct stat st;
	int r = -1;
	*priv = *pub = NULL;
	if (lstat(path, &st) < 0) {
		if (errno != ENOENT) {
			mr_error_add(err, MR_ERR_SYSTEM, path, "%s", strerror(errno));
			goto out;
		}
		if (!generate) {
			mr_error_add(err, MR_ERR_INPUT, path,
			             "the cluster key pair does not exist yet (apply generates it)");
			goto out;
		}
		if (make_parent(path, err) < 0 || keygen(path, err) < 0)
			goto out;
		mr_log(MR_LOG_INFO, "%s: generated the cluster key pair", path);
		if (lstat(path, &st) < 0) {
			mr_error_add(err, MR_ERR_SYSTEM, path, "%s", strerror(errno));
			goto out;
		}
	}
	if (!S_ISREG(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 077)) {
		mr_error_add(err, MR_ERR_INPUT, path,
		             "the private key must be a regular file of mode 0600 owned by this "
		             "user (it is %04o, uid %ld); not distributed",
		             (unsigned)(st.st_mode & 07777), (long)st.st_uid);
		goto out;
	}
	key = mr_file_read(path, &len);
	if (!key) {
		mr_error_add(err, MR_ERR_SYSTEM, path, "%s", strerror(errno));
		goto out;
	}
	pk = mr_file_read(pub_path, &len);
	if (!pk) {
		mr_error_add(err, MR_ERR_INPUT, pub_path, "%s (the public half of '%s')",
		             strerror(errno), path);
		goto out;
	}
	pk[strcspn(pk, "\r\n")] = '\0';
	struct mr_ssh_key_line k;
	if (mr_ssh_key_parse(pk, strlen(pk), &k) < 0 || k.options) {
		mr_error_add(err, MR_ERR_INPUT, pub_path, "not an OpenSSH public key");
		goto out;
	}
	unsigned char *blob = NULL;
	size_t blob_len = 0;
	if (mr_known_hosts_b64_decode(k.b64, k.b64_len, &blob, &blob_len) < 0)
		blob = NULL; /* not compared: ssh-keygen -l will say */
	const char *unusable = key_unusable(key, k.type, k.type_len, blob, blob_len);
	free(blob);
	if (unusable) {
		mr_error_add(err, MR_ERR_INPUT, path, "%s; not distributed", unusable);
		goto out;
	}
	*priv = key;
	*pub = pk;
	key = pk = NULL;
	r = 0;
out:
	free(key);
	free(pk);
	free(pub_path);
	return r;
}

char *mr_ssh_keypair_path(const struct mr_setting *s)
{
	const char *v = s->value;
	if (v[0] == '/')
		return mr_xstrdup(v);
	if (v[0] == '~' && v[1] == '/') {
		/* as a shell reads it: $HOME, else the account's home (cron
		 * may leave HOME unset: '/' + the rest would be another file) */
		const char *home = getenv("HOME");
		if (!home || !*home) {
			const struct passwd *pw = getpwuid(geteuid());
			home = pw && pw->pw_dir ? pw->pw_dir : "";
		}
		return mr_xasprintf("%s%s", home, v + 1);
	}
	const char *file = s->loc.file ? s->loc.file : "";
	const char *slash = strrchr(file, '/');
	if (!slash)
		return mr_xstrdup(v);
	return mr_xasprintf("%.*s/%s", (int)(slash - file), file, v);
}

const struct mr_ssh_keypair *mr_ssh_keypairs_find(const struct mr_ssh_keypairs *k,
                                                  const struct mr_setting *keypair)
{
	char *path = mr_ssh_keypair_path(keypair);
	const struct mr_ssh_keypair *r = NULL;
	for (size_t i = 0; k && i < k->n && !r; i++)
		if (!strcmp(k->v[i].path, path))
			r = &k->v[i];
	free(path);
	return r;
}

void mr_ssh_keypairs_add(struct mr_ssh_keypairs *k, const struct mr_setting *keypair,
                         int generate)
{
	if (mr_ssh_keypairs_find(k, keypair))
		return;
	k->v = mr_xreallocarray(k->v, k->n + 1, sizeof(*k->v));
	struct mr_ssh_keypair *p = &k->v[k->n++];
	struct mr_error *err = NULL;
	*p = (struct mr_ssh_keypair){ .path = mr_ssh_keypair_path(keypair) };
	struct stat st;
	if (!generate && lstat(p->path, &st) < 0 && errno == ENOENT)
		p->absent = 1;
	else if (mr_ssh_keypair_load(p->path, generate, &p->priv, &p->pub, &err) < 0)
		p->error = mr_error_format(err);
	else
		p->fp = mr_ssh_private_key_fingerprint(p->priv);
	mr_error_free(err);
}

void mr_ssh_keypairs_fini(struct mr_ssh_keypairs *k)
{
	for (size_t i = 0; i < k->n; i++) {
		free(k->v[i].path);
		free(k->v[i].priv);
		free(k->v[i].pub);
		free(k->v[i].fp);
		free(k->v[i].error);
	}
	free(k->v);
	k->v = NULL;
	k->n = 0;
}

/* Whether OpenSSH's algorithm list (comma-separated patterns, '*' and '?',
 * a '!' one excluding) names alg. */
static int alg_listed(const char *list, const char *alg)
{
	int named = 0;
	char *copy = mr_xstrdup(list), *save = NULL;
	for (char *p = strtok_r(copy, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		int neg = *p == '!';
		if (mr_str_wild(p + neg, alg)) {
			if (neg) {
				named = 0;
				break;
			}
			named = 1;
		}
	}
	free(copy);
	return named;
}

int mr_ssh_sshd_takes_key(const char *value, const char *type)
{
	static const char *const rsa[] = { "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa", NULL };
	const char *one[] = { type, NULL };
	const char *const *algs = !strcmp(type, "ssh-rsa") ? rsa : one;
	for (size_t i = 0; algs[i]; i++) {
		int deflt = strcmp(algs[i], "ssh-rsa") != 0 && strcmp(algs[i], "ssh-dss") != 0;
		int takes = *value == '+' || *value == '^' ? deflt || alg_listed(value + 1, algs[i])
		            : *value == '-'                ? deflt && !alg_listed(value + 1, algs[i])
		                                           : alg_listed(value, algs[i]);
		if (takes)
			return 1;
	}
	return 0;
}
