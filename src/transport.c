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

int mr_transport_write(struct mr_transport *t, const char *path, const char *data, size_t len,
                       const struct mr_write_opts *opts, struct mr_error **err)
{
	return t->ops->write_file(t, path, data, len, opts, err);
}
