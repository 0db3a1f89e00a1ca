#include <stdlib.h>
#include <string.h>

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
	if (!inside) {
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
