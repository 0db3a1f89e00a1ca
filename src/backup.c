/* The MANIFEST of a run's backups, and the listing and pruning of the
 * runs on a host (backups.sh, one command each). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backup.h"
#include "backups_sh.h"
#include "facts.h"
#include "transport.h"

#define MANIFEST_HEADER                                                                     \
	"# migready backup: existed|created|removed MODE UID GID SHA256-WRITTEN "           \
	"[MODE:UID:GID-LEFT] PATH; "                                                        \
	"action|owed VERB [UNIT]; unit VERB UNIT; command ARGV; rule iptables|ip6tables "   \
	"CHAIN SPEC; rule nft FAMILY TABLE CHAIN RULE; mount PATH; dir MODE UID GID "         \
	"[MODE:UID:GID-LEFT] PATH; "                                                        \
	"of RUN-ID\n"

/* The systemctl verbs of "action" lines, which a rollback repeats (start
 * and stop only in MANIFESTs from before "unit" lines). */
static const char *const verbs[] = { "daemon-reload", "stop", "start", "restart", "try-restart",
	                             "reload" };
/* The unit states a run changes and a rollback inverts, in pairs. */
static const char *const unit_verbs[] = { "enable", "disable", "mask", "unmask", "start",
	                                  "stop" };
/* The commands that put a restored file in effect again: never another. */
static const char *const *const commands[] = {
	(const char *const[]){ "exportfs", "-ra", NULL },
	(const char *const[]){ "ufw", "reload", NULL },
};
#define MAX_WORDS 32

static int path_ok(const char *p);

static const char *state_word(enum mr_backup_state s)
{
	return s == MR_BACKUP_EXISTED ? "existed" : s == MR_BACKUP_CREATED ? "created" : "removed";
}

static int known_verb(const char *v)
{
	for (size_t i = 0; i < MR_ARRAY_LEN(verbs); i++)
		if (!strcmp(v, verbs[i]))
			return 1;
	return 0;
}

const char *mr_backup_unit_undo(const char *verb)
{
	for (size_t i = 0; i < MR_ARRAY_LEN(unit_verbs); i++)
		if (!strcmp(verb, unit_verbs[i]))
			return unit_verbs[i ^ 1];
	return NULL;
}

static int known_command(const char *const *argv)
{
	for (size_t i = 0; i < MR_ARRAY_LEN(commands); i++) {
		size_t k = 0;
		while (commands[i][k] && argv[k] && !strcmp(commands[i][k], argv[k]))
			k++;
		if (!commands[i][k] && !argv[k])
			return 1;
	}
	return 0;
}

/* A word of a recorded command: what firewall rules and nft names are
 * made of; nothing a MANIFEST line could not carry back. */
static int word_ok(const char *w)
{
	size_t n = strlen(w);
	return n > 0 && n < 128 &&
	       strspn(w, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:/,+=@-") == n;
}

/* A rule line's words: "iptables|ip6tables CHAIN SPEC..." or "nft FAMILY
 * TABLE CHAIN RULE...", each a word_ok. */
static int rule_ok(const char *const *w, size_t n)
{
	size_t head = n && !strcmp(w[0], "nft") ? 4 : 2;
	if (!n || (strcmp(w[0], "iptables") && strcmp(w[0], "ip6tables") && head == 2) ||
	    n <= head || n > MAX_WORDS)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!word_ok(w[i]) || (i < head && w[i][0] == '-'))
			return 0;
	return 1;
}

static void add_entry(struct mr_manifest *m, enum mr_backup_kind kind, const char *verb,
                      const char *unit, const char *const *words, size_t n_words)
{
	m->actions = mr_xreallocarray(m->actions, m->n_actions + 1, sizeof(*m->actions));
	m->actions[m->n_actions++] = (struct mr_backup_action){
		.verb = verb ? mr_xstrdup(verb) : NULL,
		.unit = unit ? mr_xstrdup(unit) : NULL,
		.kind = kind,
		.words = words ? mr_strv_copy(words, n_words) : NULL,
	};
}

void mr_manifest_add_file(struct mr_manifest *m, enum mr_backup_state state, mode_t mode,
                          uid_t uid, gid_t gid, const char *sha, const char *path)
{
	m->files = mr_xreallocarray(m->files, m->n_files + 1, sizeof(*m->files));
	struct mr_backup_file *f = &m->files[m->n_files++];
	*f = (struct mr_backup_file){
		.state = state, .mode = mode, .uid = uid, .gid = gid, .has_sha = 1,
		.path = mr_xstrdup(path),
	};
	snprintf(f->sha, sizeof(f->sha), "%s", sha ? sha : "");
}

void mr_manifest_file_left(struct mr_manifest *m, mode_t mode, uid_t uid, gid_t gid)
{
	struct mr_backup_file *f = &m->files[m->n_files - 1];
	f->has_left = uid != (uid_t)-1 && gid != (gid_t)-1;
	f->left_mode = mode & 07777;
	f->left_uid = uid;
	f->left_gid = gid;
}

void mr_manifest_add_dir(struct mr_manifest *m, mode_t mode, uid_t uid, gid_t gid,
                         const char *path)
{
	add_entry(m, MR_BACKUP_DIR, NULL, path, NULL, 0);
	struct mr_backup_action *a = &m->actions[m->n_actions - 1];
	a->mode = mode & 07777;
	a->uid = uid;
	a->gid = gid;
}

void mr_manifest_dir_left(struct mr_manifest *m, mode_t mode, uid_t uid, gid_t gid)
{
	struct mr_backup_action *a = &m->actions[m->n_actions - 1];
	a->has_left = 1;
	a->left_mode = mode & 07777;
	a->left_uid = uid;
	a->left_gid = gid;
}

void mr_manifest_add_action(struct mr_manifest *m, const char *verb, const char *unit, int owed)
{
	for (size_t i = 0; i < m->n_actions; i++)
		if (m->actions[i].kind == MR_BACKUP_SERVICE && !strcmp(m->actions[i].verb, verb) &&
		    m->actions[i].owed == owed &&
		    !strcmp(m->actions[i].unit ? m->actions[i].unit : "", unit ? unit : ""))
			return; /* once each */
	add_entry(m, MR_BACKUP_SERVICE, verb, unit, NULL, 0);
	m->actions[m->n_actions - 1].owed = owed;
}

/* A rule line: the n words of w then rest's, if they make one. */
static int add_rule(struct mr_manifest *m, const char **w, size_t n, const char *const *rest)
{
	for (; *rest && n < MAX_WORDS; rest++)
		w[n++] = *rest;
	if (*rest || !rule_ok(w, n))
		return 0;
	add_entry(m, MR_BACKUP_RULE, NULL, NULL, w, n);
	return 1;
}

/* iptables -w -I CHAIN [N] SPEC... or -A CHAIN SPEC...: "iptables CHAIN
 * SPEC...", the rule as -C and -D take it. */
static int add_iptables(struct mr_manifest *m, const char *const *argv)
{
	const char *w[MAX_WORDS];
	size_t n = 0, i = 1;
	while (argv[i] && !strcmp(argv[i], "-w"))
		i++;
	if (!argv[i] || (strcmp(argv[i], "-I") && strcmp(argv[i], "-A")) || !argv[i + 1])
		return 0;
	int insert = argv[i][1] == 'I';
	w[n++] = argv[0];
	w[n++] = argv[i + 1];
	i += 2;
	if (insert && argv[i] && strspn(argv[i], "0123456789") == strlen(argv[i]))
		i++; /* the position */
	return add_rule(m, w, n, argv + i);
}

/* nft insert|add rule FAMILY TABLE CHAIN [handle N] RULE...: "nft FAMILY
 * TABLE CHAIN RULE...", the rule as nft lists it. */
static int add_nft(struct mr_manifest *m, const char *const *argv)
{
	const char *w[MAX_WORDS];
	size_t n = 0, i = 3;
	if (!argv[1] || (strcmp(argv[1], "insert") && strcmp(argv[1], "add")) || !argv[2] ||
	    strcmp(argv[2], "rule"))
		return 0;
	w[n++] = "nft";
	for (; argv[i] && i < 6; i++)
		w[n++] = argv[i];
	if (argv[i] && !strcmp(argv[i], "handle") && argv[i + 1])
		i += 2;
	return add_rule(m, w, n, argv + i);
}

int mr_manifest_add_argv(struct mr_manifest *m, const char *const *argv, int owed)
{
	if (!argv[0])
		return 0;
	if (!strcmp(argv[0], "iptables") || !strcmp(argv[0], "ip6tables"))
		return add_iptables(m, argv);
	if (!strcmp(argv[0], "nft"))
		return add_nft(m, argv);
	if (!strcmp(argv[0], "mount") && argv[1] && !strcmp(argv[1], "--") && argv[2] &&
	    !argv[3] && path_ok(argv[2])) {
		add_entry(m, MR_BACKUP_MOUNT, NULL, argv[2], NULL, 0);
		return 1;
	}
	if (known_command(argv)) {
		size_t n = 0;
		while (argv[n])
			n++;
		add_entry(m, MR_BACKUP_COMMAND, NULL, NULL, argv, n);
		return 1;
	}
	if (strcmp(argv[0], "systemctl") != 0)
		return 0;
	const char *verb = NULL, *unit = NULL;
	for (size_t i = 1; argv[i]; i++) {
		if (argv[i][0] == '-')
			continue; /* --no-ask-password, -- */
		if (!verb)
			verb = argv[i];
		else if (!unit)
			unit = argv[i];
		else
			return 0;
	}
	if (verb && unit && mr_backup_unit_undo(verb) && mr_unit_name_valid(unit)) {
		add_entry(m, MR_BACKUP_UNIT, verb, unit, NULL, 0);
		return 1;
	}
	if (!verb || !known_verb(verb) || (!unit) != !strcmp(verb, "daemon-reload") ||
	    (unit && !mr_unit_name_valid(unit)))
		return 0;
	mr_manifest_add_action(m, verb, unit, owed);
	return 1;
}

void mr_manifest_free(struct mr_manifest *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n_files; i++)
		free(m->files[i].path);
	for (size_t i = 0; i < m->n_actions; i++) {
		free(m->actions[i].verb);
		free(m->actions[i].unit);
		mr_strv_free(m->actions[i].words);
	}
	free(m->files);
	free(m->actions);
	free(m->rollback_of);
	free(m);
}

char *mr_manifest_format(const struct mr_manifest *m)
{
	struct mr_buf b;
	mr_buf_init(&b);
	mr_buf_puts(&b, MANIFEST_HEADER);
	if (m->rollback_of)
		mr_buf_printf(&b, "of %s\n", m->rollback_of);
	for (size_t i = 0; i < m->n_files; i++) {
		const struct mr_backup_file *f = &m->files[i];
		mr_buf_printf(&b, "%s %04o %u %u %s ", state_word(f->state), (unsigned)f->mode,
		              (unsigned)f->uid, (unsigned)f->gid, f->sha[0] ? f->sha : "-");
		if (f->has_left)
			mr_buf_printf(&b, "%04o:%u:%u ", (unsigned)f->left_mode,
			              (unsigned)f->left_uid, (unsigned)f->left_gid);
		mr_buf_printf(&b, "%s\n", f->path);
	}
	for (size_t i = 0; i < m->n_actions; i++) {
		const struct mr_backup_action *a = &m->actions[i];
		/* the listing's text, keyed where it has no keyword of its own */
		const char *key = a->kind == MR_BACKUP_SERVICE && !a->owed ? "action "
		                  : a->kind == MR_BACKUP_UNIT              ? "unit "
		                  : a->kind == MR_BACKUP_COMMAND           ? "command "
		                                                           : "";
		char *text = mr_backup_action_text(a);
		mr_buf_printf(&b, "%s%s\n", key, text);
		free(text);
	}
	return mr_buf_steal(&b, NULL);
}

char *mr_backup_action_text(const struct mr_backup_action *a)
{
	struct mr_buf b;
	mr_buf_init(&b);
	switch (a->kind) {
	case MR_BACKUP_SERVICE:
	case MR_BACKUP_UNIT:
		mr_buf_printf(&b, "%s%s%s%s", a->owed ? "owed " : "", a->verb, a->unit ? " " : "",
		              a->unit ? a->unit : "");
		break;
	case MR_BACKUP_MOUNT:
		mr_buf_printf(&b, "mount %s", a->unit);
		break;
	case MR_BACKUP_DIR:
		mr_buf_printf(&b, "dir %04o %u %u ", (unsigned)a->mode, (unsigned)a->uid,
		              (unsigned)a->gid);
		if (a->has_left)
			mr_buf_printf(&b, "%04o:%u:%u ", (unsigned)a->left_mode, (unsigned)a->left_uid,
			              (unsigned)a->left_gid);
		mr_buf_puts(&b, a->unit);
		break;
	case MR_BACKUP_COMMAND:
	case MR_BACKUP_RULE:
		mr_buf_puts(&b, a->kind == MR_BACKUP_RULE ? "rule" : "");
		for (char **w = a->words; *w; w++)
			mr_buf_printf(&b, "%s%s", b.len ? " " : "", *w);
		break;
	}
	return mr_buf_steal(&b, NULL);
}

static int is_sha(const char *s, size_t n)
{
	if (n != 64)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!strchr("0123456789abcdef", s[i]))
			return 0;
	return 1;
}

/* An absolute path, no "." or ".." part, no control byte. */
static int path_ok(const char *p)
{
	if (p[0] != '/' || mr_str_has_control(p))
		return 0;
	for (const char *s = p; s; s = strchr(s + 1, '/')) {
		const char *part = s + 1;
		size_t n = strcspn(part, "/");
		if ((n == 1 && part[0] == '.') || (n == 2 && !strncmp(part, "..", 2)))
			return 0;
	}
	return 1;
}

/* "MODE UID GID " at s (octal, decimal, decimal, each followed by one
 * blank), or with sep "MODE:UID:GID " (the mode and owner a run left a
 * file with): strtoul with its overflow seen (sscanf's is undefined), the
 * ids below (uid_t)-1 and (gid_t)-1, which chown reads as "leave it".
 * The length read, or 0 (a path, which starts with '/', among others). */
static size_t mode_uid_gid_sep(const char *s, char sep, unsigned long v[3])
{
	const char *p = s;
	for (int k = 0; k < 3; k++) {
		char *end;
		if (!(*p >= '0' && *p <= '9'))
			return 0;
		errno = 0;
		v[k] = strtoul(p, &end, k ? 10 : 8);
		if (errno || *end != (k < 2 ? sep : ' '))
			return 0;
		p = end + 1;
	}
	if (v[0] > 07777 || v[1] >= (unsigned long)(uid_t)-1 || v[2] >= (unsigned long)(gid_t)-1)
		return 0;
	return (size_t)(p - s);
}

static size_t mode_uid_gid(const char *s, unsigned long *mode, unsigned long *uid,
                           unsigned long *gid)
{
	unsigned long v[3] = { 0 };
	size_t n = mode_uid_gid_sep(s, ' ', v);
	*mode = v[0];
	*uid = v[1];
	*gid = v[2];
	return n;
}

/* One line (NUL-terminated, no newline); -1 with *why on a bad one. */
static int parse_line(struct mr_manifest *m, const char *l, const char **why)
{
	char word[16] = "";
	unsigned long mode, uid, gid;
	if (sscanf(l, "%15s", word) != 1)
		return 0;
	if (!strcmp(word, "action") || !strcmp(word, "owed")) {
		char verb[32] = "", unit[256] = "", extra[2] = "";
		int n = sscanf(l + strlen(word), " %31s %255s %1s", verb, unit, extra);
		if (n < 1 || n > 2 || !known_verb(verb)) {
			*why = "unknown service action";
			return -1;
		}
		if ((n == 1) != !strcmp(verb, "daemon-reload") ||
		    (n == 2 && !mr_unit_name_valid(unit))) {
			*why = "not a systemd unit name";
			return -1;
		}
		mr_manifest_add_action(m, verb, n == 2 ? unit : NULL, word[0] == 'o');
		return 0;
	}
	if (!strcmp(word, "unit")) {
		char verb[16] = "", unit[256] = "", extra[2] = "";
		if (sscanf(l, "unit %15s %255s %1s", verb, unit, extra) != 2 ||
		    !mr_backup_unit_undo(verb)) {
			*why = "expected unit enable|disable|mask|unmask|start|stop UNIT";
			return -1;
		}
		if (!mr_unit_name_valid(unit)) {
			*why = "not a systemd unit name";
			return -1;
		}
		add_entry(m, MR_BACKUP_UNIT, verb, unit, NULL, 0);
		return 0;
	}
	if (!strcmp(word, "mount")) {
		if (strncmp(l, "mount ", 6) || !path_ok(l + 6)) {
			*why = "expected mount PATH";
			return -1;
		}
		add_entry(m, MR_BACKUP_MOUNT, NULL, l + 6, NULL, 0);
		return 0;
	}
	if (!strcmp(word, "dir")) {
		unsigned long dmode, duid, dgid;
		size_t at = strncmp(l, "dir ", 4) ? 0 : mode_uid_gid(l + 4, &dmode, &duid, &dgid);
		unsigned long left[3];
		size_t left_len = at ? mode_uid_gid_sep(l + 4 + at, ':', left) : 0;
		if (!at || !path_ok(l + 4 + at + left_len)) {
			*why = "expected dir MODE UID GID [MODE:UID:GID-LEFT] PATH";
			return -1;
		}
		mr_manifest_add_dir(m, (mode_t)dmode, (uid_t)duid, (gid_t)dgid, l + 4 + at + left_len);
		if (left_len)
			mr_manifest_dir_left(m, (mode_t)left[0], (uid_t)left[1], (gid_t)left[2]);
		return 0;
	}
	if (!strcmp(word, "command") || !strcmp(word, "rule")) {
		const char *w[MAX_WORDS + 1];
		size_t n = 0;
		char *copy = mr_xstrdup(l + strlen(word));
		for (char *save = NULL, *t = strtok_r(copy, " ", &save); t;
		     t = strtok_r(NULL, " ", &save))
			if (n < MAX_WORDS + 1)
				w[n++] = t;
		int ok = n <= MAX_WORDS;
		if (ok) {
			w[n] = NULL;
			ok = word[0] == 'r' ? rule_ok(w, n) : known_command(w);
		}
		if (ok)
			add_entry(m, word[0] == 'r' ? MR_BACKUP_RULE : MR_BACKUP_COMMAND, NULL, NULL, w, n);
		free(copy);
		if (!ok) {
			*why = word[0] == 'r' ? "expected rule iptables|ip6tables CHAIN SPEC or rule nft "
			                        "FAMILY TABLE CHAIN RULE"
			                      : "not a command migready runs again (exportfs -ra, ufw reload)";
			return -1;
		}
		return 0;
	}
	if (!strcmp(word, "of")) {
		char id[64] = "";
		if (sscanf(l, "of %63s", id) != 1 || !mr_backup_run_id_valid(id)) {
			*why = "not a run id";
			return -1;
		}
		free(m->rollback_of);
		m->rollback_of = mr_xstrdup(id);
		return 0;
	}
	enum mr_backup_state st;
	if (!strcmp(word, "existed"))
		st = MR_BACKUP_EXISTED;
	else if (!strcmp(word, "created"))
		st = MR_BACKUP_CREATED;
	else if (!strcmp(word, "removed"))
		st = MR_BACKUP_REMOVED;
	else {
		*why = "expected existed, created, removed, action, owed, unit, command, rule, mount "
		       "or of";
		return -1;
	}
	/* the word, one blank, the fields: a line that stops at its word has
	 * nothing past its NUL to read */
	size_t wl = strlen(word);
	size_t used = l[wl] == ' ' ? mode_uid_gid(l + wl + 1, &mode, &uid, &gid) : 0;
	if (!used) {
		*why = "expected MODE UID GID";
		return -1;
	}
	const char *rest = l + wl + 1 + used;
	const char *sha = NULL;
	size_t sha_len = 0;
	if (rest[0] != '/') { /* the current format: a SHA-256 (or '-') first */
		sha_len = strcspn(rest, " ");
		sha = rest;
		if (!(sha_len == 1 && sha[0] == '-') && !is_sha(sha, sha_len)) {
			*why = "expected a SHA-256 or '-'";
			return -1;
		}
		rest += sha_len;
		if (*rest == ' ')
			rest++;
	}
	unsigned long left[3];
	size_t left_len = sha ? mode_uid_gid_sep(rest, ':', left) : 0;
	rest += left_len;
	if (!path_ok(rest)) {
		*why = "expected an absolute path";
		return -1;
	}
	char hex[65] = "";
	if (sha && sha_len == 64)
		memcpy(hex, sha, 64);
	if ((st == MR_BACKUP_REMOVED) != (sha && !hex[0]) && sha) {
		*why = st == MR_BACKUP_REMOVED ? "a removed file has no SHA-256 ('-')"
		                               : "a file written has a SHA-256";
		return -1;
	}
	mr_manifest_add_file(m, st, (mode_t)mode, (uid_t)uid, (gid_t)gid, hex, rest);
	if (left_len)
		mr_manifest_file_left(m, (mode_t)left[0], (uid_t)left[1], (gid_t)left[2]);
	m->files[m->n_files - 1].has_sha = sha != NULL;
	m->has_sha &= sha != NULL;
	return 0;
}

struct mr_manifest *mr_manifest_parse(const char *text, size_t len, const char *where,
                                      struct mr_error **err)
{
	struct mr_manifest *m = mr_xcalloc(1, sizeof(*m));
	m->has_sha = 1;
	unsigned line = 0;
	for (size_t at = 0; at < len;) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t n = nl ? (size_t)(nl - (text + at)) : len - at;
		char *l = mr_xstrndup(text + at, n);
		const char *why = NULL;
		line++;
		if (strlen(l) != n)
			why = "holds a NUL byte";
		else if (l[0] != '#' && parse_line(m, l, &why) == 0)
			why = NULL;
		free(l);
		if (why) {
			char *w = mr_xasprintf("%s:%u", where, line);
			mr_error_add(err, MR_ERR_HOST, w, "%s", why);
			free(w);
			mr_manifest_free(m);
			return NULL;
		}
		at += n + 1;
	}
	return m;
}

int mr_backup_run_id_valid(const char *id)
{
	/* 20261202T033902Z-PID-MS */
	static const char shape[] = "dddddddd" "T" "dddddd" "Z-";
	size_t i;
	for (i = 0; shape[i]; i++) {
		char c = id[i];
		if (shape[i] == 'd' ? !(c >= '0' && c <= '9') : c != shape[i])
			return 0;
	}
	size_t digits = 0, dashes = 0;
	for (; id[i]; i++) {
		if (id[i] == '-') {
			if (!digits)
				return 0;
			dashes++;
			digits = 0;
		} else if (id[i] >= '0' && id[i] <= '9' && digits < 12) {
			digits++;
		} else {
			return 0;
		}
	}
	return dashes == 1 && digits > 0;
}

int mr_backup_run_id_cmp(const char *a, const char *b)
{
	/* the stamp: 16 characters, then "-PID-MS" */
	int c = strncmp(a, b, 16);
	if (c)
		return c;
	unsigned long long pa = strtoull(a + 17, NULL, 10), pb = strtoull(b + 17, NULL, 10);
	const char *ma = strchr(a + 17, '-'), *mb = strchr(b + 17, '-');
	unsigned long long msa = ma ? strtoull(ma + 1, NULL, 10) : 0;
	unsigned long long msb = mb ? strtoull(mb + 1, NULL, 10) : 0;
	if (msa != msb)
		return msa < msb ? -1 : 1;
	return pa < pb ? -1 : pa > pb;
}

int mr_backup_run_cmp(const struct mr_backup_run *a, const struct mr_backup_run *b)
{
	if (a->seq != b->seq)
		return a->seq < b->seq ? -1 : 1;
	return mr_backup_run_id_cmp(a->id, b->id);
}

static int run_cmp(const void *a, const void *b)
{
	return mr_backup_run_cmp(a, b);
}

char *mr_backup_run_time(const char *id)
{
	if (!mr_backup_run_id_valid(id))
		return NULL;
	return mr_xasprintf("%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ", id, id + 4, id + 6, id + 9, id + 11,
	                    id + 13);
}

void mr_backup_runs_free(struct mr_backup_run *runs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(runs[i].id);
		mr_manifest_free(runs[i].manifest);
		free(runs[i].error);
	}
	free(runs);
}

/* backups.sh MODE ROOT ARGS...: its output, or NULL with err. */
static char *run_script(struct mr_transport *t, const char *const *args, size_t n_args,
                        struct mr_error **err)
{
	const char *argv[12] = { "/bin/sh", "-c", MR_BACKUPS_SH, "migready-backups" };
	size_t k = 4;
	for (size_t i = 0; i < n_args && k < MR_ARRAY_LEN(argv) - 1; i++)
		argv[k++] = args[i];
	argv[k] = NULL;
	char *out = NULL;
	size_t len = 0;
	int status = -1;
	if (t->ops->run(t, argv, NULL, 0, &out, &len, &status, err) < 0)
		return NULL;
	const char *e = out ? strstr(out, "error ") : NULL;
	if (e && (e == out || e[-1] == '\n')) {
		size_t n = strcspn(e + 6, "\n");
		mr_error_add(err, MR_ERR_HOST, t->host, "%.*s", (int)n, e + 6);
		free(out);
		return NULL;
	}
	if (status != 0 || !out || !strstr(out, "done\n")) {
		mr_error_add(err, MR_ERR_HOST, t->host, "%s: the backups could not be examined (exit %d)",
		             MR_BACKUP_ROOT, status);
		free(out);
		return NULL;
	}
	return out;
}

static void finish_run(struct mr_backup_run *r, struct mr_buf *text, int has_manifest,
                       const char *host)
{
	if (!has_manifest) {
		mr_buf_fini(text);
		return;
	}
	char *where = mr_xasprintf("%s:%s/%s/MANIFEST", host, MR_BACKUP_ROOT, r->id);
	if (has_manifest < 0) {
		/* a cut last line could read as a shorter path */
		r->error = mr_xasprintf("%s: larger than 1 MiB; not read", where);
		free(where);
		mr_buf_fini(text);
		return;
	}
	struct mr_error *e = NULL;
	r->manifest = mr_manifest_parse(text->data, text->len, where, &e);
	if (!r->manifest)
		r->error = mr_error_format(e);
	mr_error_free(e);
	free(where);
	mr_buf_fini(text);
}

int mr_backup_list(struct mr_transport *t, struct mr_backup_run **runs, size_t *n,
                   struct mr_error **err)
{
	*runs = NULL;
	*n = 0;
	const char *args[] = { "list", t->root ? t->root : "" };
	char *out = run_script(t, args, MR_ARRAY_LEN(args), err);
	if (!out)
		return -1;
	struct mr_backup_run *v = NULL;
	size_t nv = 0;
	struct mr_buf text;
	/* in_run: the lines are a valid run's; a directory with another name
	 * (RUN-2, a copy) is no run, and its MANIFEST is nobody's */
	int has_manifest = 0, in_run = 0;
	mr_buf_init(&text);
	for (char *line = out, *nl; line && *line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (!strncmp(line, "run ", 4)) {
			if (nv && in_run) {
				finish_run(&v[nv - 1], &text, has_manifest, t->host);
				mr_buf_init(&text);
			}
			has_manifest = 0;
			in_run = mr_backup_run_id_valid(line + 4);
			if (!in_run)
				continue;
			v = mr_xreallocarray(v, nv + 1, sizeof(*v));
			v[nv++] = (struct mr_backup_run){ .id = mr_xstrdup(line + 4) };
		} else if (in_run && !strncmp(line, "seq ", 4)) {
			/* read apart from the MANIFEST: a run whose MANIFEST cannot
			 * be read keeps its place (rollback refuses it, never an
			 * older one in its stead) */
			char *end;
			errno = 0;
			unsigned long long s = strtoull(line + 4, &end, 10);
			if (!errno && !*end && line[4] >= '0' && line[4] <= '9')
				v[nv - 1].seq = s;
		} else if (in_run && !strncmp(line, "m ", 2)) {
			mr_buf_puts(&text, line + 2);
			mr_buf_putc(&text, '\n');
			has_manifest = 1;
		} else if (in_run && !strcmp(line, "manifest")) {
			has_manifest = 1; /* an empty one */
		} else if (in_run && !strcmp(line, "cut")) {
			has_manifest = -1;
		}
	}
	if (nv && in_run)
		finish_run(&v[nv - 1], &text, has_manifest, t->host);
	else
		mr_buf_fini(&text);
	free(out);
	if (nv > 1)
		qsort(v, nv, sizeof(*v), run_cmp);
	*runs = v;
	*n = nv;
	return 0;
}

int mr_backup_prune(struct mr_transport *t, long keep_days, long keep_runs, const char *current,
                    struct mr_error **err)
{
	char days[24], keep[24];
	snprintf(days, sizeof(days), "%ld", keep_days);
	snprintf(keep, sizeof(keep), "%ld", keep_runs);
	const char *args[] = { "prune", t->root ? t->root : "", days, keep, current };
	char *out = run_script(t, args, MR_ARRAY_LEN(args), err);
	if (!out)
		return -1;
	int pruned = 0, failed = 0;
	for (const char *l = out; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		pruned += !strncmp(l, "pruned ", 7);
		if (!strncmp(l, "failed ", 7) && !failed++)
			mr_error_add(err, MR_ERR_HOST, t->host, "%s/%.*s: cannot be pruned", MR_BACKUP_ROOT,
			             (int)strcspn(l + 7, "\n"), l + 7);
	}
	free(out);
	return failed ? -1 : pruned;
}
