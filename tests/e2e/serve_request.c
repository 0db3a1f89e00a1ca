/* serve_request TAG [-i FILE] ARG...: prints the request that the
 * transports send a serving shell for ARG... (mr_serve_request), with
 * FILE's bytes as its input, under TAG instead of its random tag, so that
 * tests drive src/facts.sh with the requests migready itself builds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "transport.h"
#include "util.h"

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: serve_request TAG [-i FILE] ARG...\n");
		return 2;
	}
	const char *want = argv[1];
	int first = 2;
	char *input = NULL;
	size_t input_len = 0;
	if (strcmp(argv[2], "-i") == 0 && argc >= 5) {
		if (!(input = mr_file_read(argv[3], &input_len))) {
			perror(argv[3]);
			return 1;
		}
		first = 4;
	}
	char tag[MR_TAG_LEN + 1];
	size_t len;
	char *req = mr_serve_request((const char *const *)argv + first, input, input_len, tag, &len);
	char *at = strstr(req, tag); /* once, in the reply's printf */
	if (!at) {
		fprintf(stderr, "serve_request: no tag in the request\n");
		return 1;
	}
	fwrite(req, 1, (size_t)(at - req), stdout);
	fputs(want, stdout);
	size_t rest = (size_t)(at - req) + MR_TAG_LEN;
	fwrite(req + rest, 1, len - rest, stdout);
	free(req);
	free(input);
	return fclose(stdout) ? 1 : 0;
}
