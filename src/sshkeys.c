/* authorized_keys and known_hosts merging, and the controller's cluster
 * key pair. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
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

/* The option of a key line's options that stops nova's commands over SSH
 * (command=: a forced command runs instead; cert-authority: the key
 * signs certificates and logs in as nothing itself), or NULL. */
static const char *blocking_option(const struct mr_ssh_key_line *k)
{
	static const char *const blocking[] = { "command", "cert-authority" };
	const char *p = k->options, *end = k->options ? k->options + k->options_len : NULL;
	while (p && p < end) {
		const char *name = p;
		while (p < end && *p != '=' && *p != ',')
			p++;
		size_t n = (size_t)(p - name);
		for (size_t i = 0; i < MR_ARRAY_LEN(blocking); i++)
			if (n == strlen(blocking[i]) && !strncasecmp(name, blocking[i], n))
				return blocking[i];
		for (int quoted = 0; p < end && (quoted || *p != ','); p++) {
			if (*p == '\\' && quoted && p + 1 < end)
				p++;
			else if (*p == '"')
				quoted = !quoted;
		}
		p++;
	}
	return NULL;
}

/* Whether a key line may be refused for where or when it is used (from=,
 * expiry-time=): sshd then goes on to the next line of that key. */
static int may_refuse(const struct mr_ssh_key_line *k)
{
	for (const char *p = k->options, *end = p ? p + k->options_len : NULL; p && p < end; p++)
		if ((p == k->options || p[-1] == ',') &&
		    (!strncasecmp(p, "from=", 5) || !strncasecmp(p, "expiry-time=", 12)))
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

char *mr_ssh_authorized_merge(const char *old, size_t len, const char *const *want,
                              size_t n_want, int exclusive, char **found)
{
	struct mr_buf out, f;
	mr_buf_init(&out);
	mr_buf_init(&f);
	struct mr_ssh_key_line *w = mr_xcalloc(n_want + 1, sizeof(*w));
	int *have = mr_xcalloc(n_want + 1, sizeof(*have));
	int *usable = mr_xcalloc(n_want + 1, sizeof(*usable)); /* a line sshd would use */
	for (size_t i = 0; i < n_want; i++)
		if (mr_ssh_key_parse(want[i], strlen(want[i]), &w[i]) < 0)
			w[i].type = NULL; /* the schema validated it; never matched */
	const char *p = old, *end = old + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		struct mr_ssh_key_line k;
		int keep = 1;
		if (mr_ssh_key_parse(p, (size_t)(le - p), &k) == 0) {
			size_t i = 0;
			while (i < n_want && !(w[i].type && same_key(&w[i], &k)))
				i++;
			if (exclusive && (i == n_want || have[i])) {
				keep = 0;
				found_add(&f, i == n_want ? "extra" : "repeated", &k);
			}
			/* a wanted key nova cannot use as its options stand: the
			 * profile's line instead (unless it says the same); not
			 * after a line of that key that works, which sshd uses first */
			const char *blocks = keep && i < n_want ? blocking_option(&k) : NULL;
			if (i < n_want && !blocks && !may_refuse(&k))
				usable[i] = 1;
			if (blocks && blocks != blocking_option(&w[i]) && !usable[i]) {
				keep = 0;
				mr_buf_printf(&out, "%s\n", want[i]);
				char *what = mr_xasprintf("restricted by %s%s", blocks,
				                          strcmp(blocks, "command") ? "" : "=");
				found_add(&f, what, &k);
				free(what);
				usable[i] = 1;
			}
			if (i < n_want)
				have[i] = 1;
		}
		if (keep) {
			mr_buf_add(&out, p, (size_t)(le - p));
			mr_buf_putc(&out, '\n');
		}
		p = nl ? nl + 1 : end;
	}
	for (size_t i = 0; i < n_want; i++) {
		if (have[i] || !w[i].type)
			continue;
		/* a key listed twice in want is added once */
		size_t j = 0;
		while (j < i && !(w[j].type && same_key(&w[j], &w[i])))
			j++;
		if (j < i)
			continue;
		mr_buf_printf(&out, "%s\n", want[i]);
		found_add(&f, "missing", &w[i]);
	}
	free(w);
	free(have);
	free(usable);
	*found = found_steal(&f);
	return mr_buf_steal(&out, NULL);
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
		n_keys += peers[i].n_keys;
	struct host_key *hk = mr_xcalloc(n_keys + 1, sizeof(*hk));
	size_t *peer_of = mr_xcalloc(n_keys + 1, sizeof(*peer_of));
	size_t nk = 0;
	for (size_t i = 0; i < n_peers; i++)
		for (size_t j = 0; j < peers[i].n_keys; j++)
			if (host_key_parse(peers[i].keys[j], &hk[nk]) == 0)
				peer_of[nk++] = i;

	/* Stale: a plain line that holds another key of a peer key's type
	 * under one of that peer's names. */
	const char *p = old, *end = old + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		int stale = 0;
		for (size_t k = 0; plain_line(p, le) && !stale && k < nk; k++) {
			const struct mr_ssh_peer *peer = &peers[peer_of[k]];
			for (size_t n = 0; !stale && n < peer->n_names; n++) {
				struct mr_known_hosts_result res;
				if (mr_known_hosts_check(p, (size_t)(le - p), peer->names[n], peer->port,
				                         hk[k].type, hk[k].blob, hk[k].len, &res) ==
				    MR_KNOWN_HOSTS_MISMATCH) {
					stale = 1;
					char *name = mr_known_hosts_name(peer->names[n], peer->port);
					mr_buf_printf(&f, "%sstale %s %s %s", f.len ? "; " : "", name, hk[k].type,
					              res.stored_fp);
					free(name);
				}
			}
		}
		if (!stale) {
			mr_buf_add(&out, p, (size_t)(le - p));
			mr_buf_putc(&out, '\n');
		}
		p = nl ? nl + 1 : end;
	}
	/* Missing: each key under the names it does not yet match. */
	for (size_t k = 0; k < nk; k++) {
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
			if (mr_known_hosts_check(out.data ? out.data : "", out.len,
			                                    peer->names[n], peer->port, hk[k].type,
			                                    hk[k].blob, hk[k].len,
			                                    NULL) != MR_KNOWN_HOSTS_MATCH) {
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
	*found = found_steal(&f);
	if (!out.data)
		mr_buf_puts(&out, "");
	return mr_buf_steal(&out, NULL);
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

static int make_parent(const char *path, struct mr_error **err)
{
	char *dir = mr_xstrdup(path);
	char *slash = strrchr(dir, '/');
	int r = 0;
	if (slash && slash != dir) {
		*slash = '\0';
		struct stat st;
		if (stat(dir, &st) < 0 && mkdir(dir, 0700) < 0) {
			mr_error_add(err, MR_ERR_SYSTEM, path, "cannot create its directory: %s",
			             strerror(errno));
			r = -1;
		}
	}
	free(dir);
	return r;
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
		const char *home = getenv("HOME");
		return mr_xasprintf("%s%s", home && *home ? home : "", v + 1);
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
	*p = (struct mr_ssh_keypair){ mr_ssh_keypair_path(keypair), NULL, NULL, NULL, 0 };
	struct stat st;
	if (!generate && lstat(p->path, &st) < 0 && errno == ENOENT)
		p->absent = 1;
	else if (mr_ssh_keypair_load(p->path, generate, &p->priv, &p->pub, &err) < 0)
		p->error = mr_error_format(err);
	mr_error_free(err);
}

void mr_ssh_keypairs_fini(struct mr_ssh_keypairs *k)
{
	for (size_t i = 0; i < k->n; i++) {
		free(k->v[i].path);
		free(k->v[i].priv);
		free(k->v[i].pub);
		free(k->v[i].error);
	}
	free(k->v);
	k->v = NULL;
	k->n = 0;
}
