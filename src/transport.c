#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "transport.h"

void mr_transport_close(struct mr_transport *t)
{
	if (t)
		t->ops->close(t);
}

char *mr_transport_path(const struct mr_transport *t, const char *path)
{
	if (!t->root || !*t->root)
		return mr_xstrdup(path);
	size_t n = strlen(t->root);
	while (n > 1 && t->root[n - 1] == '/')
		n--;
	return mr_xasprintf("%.*s%s%s", (int)n, t->root, path[0] == '/' ? "" : "/", path);
}

int mr_transport_read(struct mr_transport *t, const char *path, char **data, size_t *len,
                      struct mr_stat *st, struct mr_error **err)
{
	return t->ops->read_file(t, path, data, len, st, err);
}

size_t mr_transport_max_file(const struct mr_transport *t)
{
	return t->max_file ? t->max_file : MR_FILE_MAX_DEFAULT;
}

int mr_transport_run(struct mr_transport *t, const char *const *argv, char **out,
                     size_t *out_len, int *status, struct mr_error **err)
{
	return t->ops->run(t, argv, NULL, 0, out, out_len, status, err);
}

char *mr_transport_contained(const struct mr_transport *t, const char *canon_root,
                             const char *path, int follow_last,
                             char *(*resolve)(void *ctx, const char *p), void *ctx,
                             struct mr_error **err)
{
	char *full = mr_transport_path(t, path);
	char *probe = mr_xstrdup(full), *resolved = NULL;
	char *slash = strrchr(probe, '/');
	if (!follow_last && slash && slash != probe)
		*slash = '\0';
	while (!(resolved = resolve(ctx, probe))) {
		slash = strrchr(probe, '/');
		if (!slash || slash == probe)
			break;
		*slash = '\0';
	}
	size_t n = strlen(canon_root);
	int inside = resolved && strncmp(resolved, canon_root, n) == 0 &&
	             (resolved[n] == '\0' || resolved[n] == '/' || strcmp(canon_root, "/") == 0);
	if (!resolved && t->broken) {
		/* no answer is no link out of the root */
		char *where = mr_xasprintf("%s:%s", t->host, path);
		mr_error_add(err, MR_ERR_HOST, where,
		             "the connection was lost (or the host fell silent, --timeout) while the "
		             "path was resolved; nothing read");
		free(where);
		free(full);
		full = NULL;
	} else if (!inside) {
		char *where = mr_xasprintf("%s:%s", t->host, path);
		mr_error_add(err, MR_ERR_CONFLICT, where,
		             "a symbolic link leads out of the root '%s'%s%s; refused", canon_root,
		             resolved ? " to " : "", resolved ? resolved : "");
		free(where);
		free(full);
		full = NULL;
	}
	free(resolved);
	free(probe);
	return full;
}

/* Whether out (len bytes) ends with the line mark. */
static int ends_with_line(const char *out, size_t len, const char *mark)
{
	size_t m = strlen(mark);
	return len > m && out[len - 1] == '\n' && !memcmp(out + len - 1 - m, mark, m) &&
	       (len == m + 1 || out[len - m - 2] == '\n');
}

int mr_held_mark_done(const struct mr_buf *out, void *serving)
{
	*(int *)serving = ends_with_line(out->data, out->len, MR_SERVING_MARK);
	return *(int *)serving || ends_with_line(out->data, out->len, MR_HELD_MARK);
}

int mr_serve_reply_done(const struct mr_buf *out, void *reply)
{
	struct mr_serve_reply *r = reply;
	return mr_serve_reply_end(out->data, out->len, r->tag, &r->status, &r->body);
}

int mr_serve_finish(const struct mr_transport *t, int rc, const char *what, const char *where,
                    size_t out_max, const struct mr_serve_reply *r, struct mr_buf *o,
                    const struct mr_buf *e, int *status, struct mr_error **err)
{
	if (rc == 0)
		mr_error_add(err, MR_ERR_HOST, where, "%s: the held command ended before it answered",
		             what);
	else if (rc == 1 && r->body > out_max)
		mr_error_add(err, MR_ERR_HOST, where, "%s: more than %zu MiB of output; stopped", what,
		             out_max >> 20);
	if (rc != 1 || r->body > out_max)
		return -1;
	o->len = r->body;
	o->data[o->len] = '\0';
	*status = r->status;
	mr_transport_log_stderr(t, what, *status, e);
	return 0;
}

void mr_transport_log_stderr(const struct mr_transport *t, const char *what, int status,
                             const struct mr_buf *e)
{
	if (e->len)
		mr_log(status ? MR_LOG_INFO : MR_LOG_DEBUG, "%s: %s (exit %d): %.*s", t->host, what,
		       status, (int)(e->len > 2000 ? 2000 : e->len), e->data);
}

/* input as a printf format, single-quoted: every byte itself but '%',
 * '\\' and NUL, which a shell variable cannot hold */
static void add_printf_format(struct mr_buf *b, const char *input, size_t len)
{
	mr_buf_add(b, "'", 1);
	for (size_t i = 0; i < len; i++) {
		switch (input[i]) {
		case '\0': mr_buf_add(b, "\\000", 4); break;
		case '\\': mr_buf_add(b, "\\\\", 2); break;
		case '%': mr_buf_add(b, "%%", 2); break;
		case '\'': mr_buf_add(b, "'\\''", 4); break;
		default: mr_buf_add(b, input + i, 1);
		}
	}
	mr_buf_add(b, "'", 1);
}

int mr_fault_is(const char *point, const char *action, const char *host)
{
	const char *fault = getenv("MIGREADY_FAULT");
	const char *only = getenv("MIGREADY_FAULT_HOST");
	size_t n = strlen(point);
	return fault && strncmp(fault, point, n) == 0 && fault[n] == ':' &&
	       strcmp(fault + n + 1, action) == 0 && (!host || !only || strcmp(only, host) == 0);
}

char *mr_serve_request(const char *const *argv, const char *input, size_t input_len, char *tag,
                       size_t *len)
{
	static atomic_ulong fallback;
	unsigned char r[MR_TAG_LEN / 2];
	if (getrandom(r, sizeof(r), 0) == (ssize_t)sizeof(r)) {
		for (size_t i = 0; i < sizeof(r); i++)
			snprintf(tag + 2 * i, 3, "%02x", r[i]);
	} else {
		/* The tag need only differ from the command's own output, which
		 * never sees it. */
		snprintf(tag, MR_TAG_LEN + 1, "%016llx%016llx", (unsigned long long)getpid(),
		         (unsigned long long)atomic_fetch_add(&fallback, 1));
	}
	/* A brace group: the shell runs none of it before its closing brace,
	 * so a request cut short runs nothing. The command runs in a subshell
	 * without the lock's descriptor, in / (the serving shell's own working
	 * directory is the lock's, root's only: its input is named relative to
	 * it); a script for /bin/sh -c is eval'd there with its own arguments
	 * (no sh of its own). */
	int script = argv[0] && argv[1] && argv[2] && argv[3] && strcmp(argv[0], "/bin/sh") == 0 &&
	             strcmp(argv[1], "-c") == 0;
	struct mr_buf req;
	mr_buf_init(&req);
	mr_buf_add(&req, "{ ", 2);
	if (input_len) {
		mr_buf_add(&req, "printf -- ", 10);
		add_printf_format(&req, input, input_len);
		mr_buf_printf(&req, " >\"$2/input\" || { : >\"$2/input\"; exit 1; }; ");
	}
	mr_buf_add(&req, "(cd / && ", 9);
	if (script) {
		mr_buf_add(&req, "set --", 6);
		for (size_t i = 4; argv[i]; i++) {
			mr_buf_add(&req, " ", 1);
			mr_sh_quote(&req, argv[i]);
		}
		mr_buf_add(&req, "; eval ", 7);
		mr_sh_quote(&req, argv[2]);
	} else {
		char *words = mr_sh_join(argv);
		mr_buf_add(&req, words, strlen(words));
		free(words);
	}
	/* The input is emptied before the reply: a controller gone by then
	 * kills the reply's printf (SIGPIPE), and nothing of the input may be
	 * left. The status waits in $1 meanwhile (no variable: the next
	 * command would see it). */
	if (input_len)
		mr_buf_printf(&req, ") <\"$2/input\" 9>&-; set -- \"$?\" \"$2\"; : >\"$2/input\"; "
		                    "printf '\\n%%s %%s\\n' %s \"$1\"; set -- migready-serve \"$2\"; }\n",
		              tag);
	else
		mr_buf_printf(&req, ") </dev/null 9>&-; printf '\\n%%s %%s\\n' %s \"$?\"; }\n", tag);
	return mr_buf_steal(&req, len);
}

int mr_serve_reply_end(const char *out, size_t len, const char *tag, int *status, size_t *body)
{
	/* "\nTAG STATUS\n": at most 3 digits */
	size_t t = strlen(tag);
	if (len < t + 4 || out[len - 1] != '\n')
		return 0;
	size_t d = len - 1;
	while (d > 0 && d > len - 5 && out[d - 1] >= '0' && out[d - 1] <= '9')
		d--;
	if (d == len - 1 || d < t + 2 || out[d - 1] != ' ' || memcmp(out + d - 1 - t, tag, t) ||
	    out[d - 2 - t] != '\n')
		return 0;
	*status = atoi(out + d);
	*body = d - 2 - t;
	return 1;
}

char *mr_temp_name(const char *full)
{
	static const char alnum[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	unsigned char rnd[6];
	char sfx[sizeof(rnd) + 1];
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd)) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		uint64_t v = (uint64_t)ts.tv_nsec ^ (uint64_t)getpid() << 32 ^ (uint64_t)(uintptr_t)full;
		for (size_t i = 0; i < sizeof(rnd); i++, v >>= 8)
			rnd[i] = (unsigned char)v;
	}
	for (size_t i = 0; i < sizeof(rnd); i++)
		sfx[i] = alnum[rnd[i] % (sizeof(alnum) - 1)];
	sfx[sizeof(rnd)] = '\0';
	const char *slash = strrchr(full, '/');
	const char *name = slash ? slash + 1 : full;
	/* keep the name within NAME_MAX */
	return mr_xasprintf("%.*s.%.200s.migready-%s", (int)(name - full), full, name, sfx);
}
