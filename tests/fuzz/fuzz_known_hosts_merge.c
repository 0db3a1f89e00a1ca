/* Fuzz target: known_hosts composed for nova (mr_ssh_known_hosts_merge) on
 * the text of the file a host has, for two fixed peers.
 *
 * Input: the known_hosts text.
 *
 * Promises checked: after the merge, every peer's key is trusted under
 * every one of its names, as the SSH transport's own matcher judges it
 * (or revoked, by a @revoked line of the file, which is kept); merging the
 * result again changes and finds nothing; comment lines are all kept. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "known_hosts.h"
#include "sshkeys.h"

#define K1 "AAAAC3NzaC1lZDI1NTE5AAAAIM05D5RUfBBaKw8OGS8kPORBfN8us6qjbnrb+x4h6/RN"
#define K2 "AAAAC3NzaC1lZDI1NTE5AAAAIFQDYJDf8j34czi1Xy863c87H3n4WQjOZnRVHVDtldcU"
#define E1                                                                              \
	"AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBMUI0YK+v8JS0GmIBCsGYYKlcysVX+B8" \
	"DsUHHBqH09XWJ6z96Z+3nUXLe6faBD4vlnywnSGCjyzJkQYl6k4zyjU="

static const char *const n1[] = { "compute1", "10.20.0.11", "compute1.example.org" };
static const char *const n2[] = { "compute2", "10.20.0.12", "fd00:20::12" };
static const char *const k1[] = { "ssh-ed25519 " K1 };
static const char *const k2[] = { "ssh-ed25519 " K2 };
/* compute1's other host key (its facts): lines of that type holding
 * another key are stale */
static const char *const kn1[] = { "ecdsa-sha2-nistp256 " E1, "ssh-ed25519 " K1 };
static const struct mr_ssh_peer peers[] = {
	{ n1, 3, 22, k1, 1, kn1, 2 },
	{ n2, 3, 2222, k2, 1, NULL, 0 },
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static void trusted(const char *text, const char *name, unsigned port, const char *b64)
{
	unsigned char *blob = NULL;
	size_t len = 0;
	if (mr_known_hosts_b64_decode(b64, strlen(b64), &blob, &len) < 0)
		abort();
	enum mr_known_hosts_status st =
		mr_known_hosts_check(text, strlen(text), name, port, "ssh-ed25519", blob, len, NULL);
	if (st != MR_KNOWN_HOSTS_MATCH && st != MR_KNOWN_HOSTS_REVOKED)
		mr_fuzz_fail("after the merge, %s:%u's key has status %d", name, port, st);
	free(blob);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	if (mr_fuzz_has_nul(data, size))
		return 0;
	char *found = NULL;
	char *out = mr_ssh_known_hosts_merge(text, size, peers, MR_ARRAY_LEN(peers), &found);
	if (!out) { /* a peer's key @revoked: refused, saying the line */
		if (!found || !strstr(found, "@revoked"))
			mr_fuzz_fail("refused without the reason: %s", found ? found : "(none)");
		free(found);
		return 0;
	}
	for (size_t p = 0; p < MR_ARRAY_LEN(peers); p++)
		for (size_t n = 0; n < peers[p].n_names; n++)
			trusted(out, peers[p].names[n], peers[p].port, p ? K2 : K1);
	char *again_found = NULL;
	char *again = mr_ssh_known_hosts_merge(out, strlen(out), peers, MR_ARRAY_LEN(peers),
	                                       &again_found);
	if (strcmp(again, out) != 0 || again_found)
		mr_fuzz_fail("a second merge is not a no-op: %s", again_found ? again_found : "text");
	if (mr_fuzz_lines(out, strlen(out), '#') < mr_fuzz_lines(text, size, '#'))
		mr_fuzz_fail("a comment line went");
	/* the input's lines as those of ssh's other files: each doubt names
	 * the merged file's line or another file's */
	char *copy = mr_xstrndup(text, size);
	struct mr_ssh_known_line other[16];
	size_t n_other = 0;
	for (char *l = copy, *next; l && n_other < MR_ARRAY_LEN(other); l = next) {
		next = strchr(l, '\n');
		if (next)
			*next++ = '\0';
		other[n_other] = (struct mr_ssh_known_line){ "/etc/ssh/ssh_known_hosts",
			                                         (unsigned)n_other + 1, l };
		n_other++;
	}
	char *doubts = mr_ssh_known_hosts_doubts(out, strlen(out), peers, MR_ARRAY_LEN(peers),
	                                         other, n_other);
	for (const char *d = doubts; d && *d;) {
		if (*d != '/' && (*d < '1' || *d > '9'))
			mr_fuzz_fail("a doubt names no line: %s", d);
		d = strchr(d, '\n');
		d = d ? d + 1 : NULL;
	}
	free(doubts);
	free(copy);
	free(again);
	free(again_found);
	free(out);
	free(found);
	return 0;
}
