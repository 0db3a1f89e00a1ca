/* Shared by the firewall fuzz targets (firewalld zones, nftables.conf):
 * both merge the same wanted rules into a file's text and read lines as
 * rules. Header-only, as fuzz.h. */
#ifndef MR_FUZZ_FW_H
#define MR_FUZZ_FW_H

#include "fuzz.h"
#include "nft_conf.h"

/* The rules both targets merge: any source, an IPv4 network, an IPv6
 * network, a range and a single port, tcp and udp. */
static const struct mr_nft_want mr_fuzz_fw_wants[] = {
	{ "tcp", 16509, 16509, NULL },
	{ "tcp", 49152, 49261, "10.20.0.0/24" },
	{ "tcp", 49152, 49261, "fd00:20::/64" },
	{ "udp", 53, 53, "fd00:20::/64" },
};

/* want and n, for a merge's or a helper's arguments */
#define MR_FUZZ_FW_WANTS mr_fuzz_fw_wants, MR_ARRAY_LEN(mr_fuzz_fw_wants)

typedef char *mr_fuzz_fw_merge(const char *text, size_t len, const struct mr_nft_want *want,
                               size_t n, char **found);
typedef int mr_fuzz_fw_covers(const char *line, const struct mr_nft_want *w);

/* Whether a merge's words say only what covers the wants (nothing
 * missing): NULL, or "covered by ...". */
static inline int mr_fuzz_fw_nothing_missing(const char *found)
{
	return !found || !strncmp(found, "covered by ", 11);
}

/* A merge of the merged text out changes nothing and finds nothing
 * missing: else every apply would insert the rules again. */
static inline void mr_fuzz_fw_settled(mr_fuzz_fw_merge *merge, const char *out,
                                      const struct mr_nft_want *want, size_t n)
{
	char *again_found = NULL;
	char *again = merge(out, strlen(out), want, n, &again_found);
	if (!again || !mr_fuzz_fw_nothing_missing(again_found) || strcmp(again, out) != 0)
		mr_fuzz_fail("a second merge is not a no-op: %s",
		             again_found ? again_found : again ? "text changed" : "refused");
	free(again);
	free(again_found);
}

/* Each line of text read as a rule against each wanted one (for the
 * sanitizers: no answer is checked). */
static inline void mr_fuzz_fw_each_line(mr_fuzz_fw_covers *covers, const char *text, size_t size,
                                        const struct mr_nft_want *want, size_t n)
{
	char *copy = mr_xstrndup(text, size);
	for (char *save = NULL, *line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		for (size_t i = 0; i < n; i++)
			(void)covers(line, &want[i]);
	free(copy);
}

#endif
