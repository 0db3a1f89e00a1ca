#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "util.h"

int mr_fd_read(int fd, struct mr_buf *b)
{
	char chunk[65536];
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		mr_buf_add(b, chunk, (size_t)n);
	}
}

char *mr_file_read(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	struct mr_buf b;
	mr_buf_init(&b);
	int r = mr_fd_read(fd, &b);
	int saved = errno;
	close(fd);
	if (r < 0) {
		mr_buf_fini(&b);
		errno = saved;
		return NULL;
	}
	return mr_buf_steal(&b, len);
}
