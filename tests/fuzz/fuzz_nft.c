/* Fuzz target: /etc/nftables.conf merged with migready's rules
 * (mr_nft_conf_merge), and each of its lines read as a rule
 * (mr_nft_rule_covers).
 *
 * Input: the file's text.
 *
 * Promises checked: a refusal names a line ("N: why", N a line of the
 * input); a merge only inserts (every byte of the input kept, in order);
 * nothing missing means the text unchanged; a second merge of the result
 * finds nothing missing and changes nothing (else every apply would
 * insert the rules again). */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_fw.h"
#include "nft_conf.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

/* Whether every byte of in appears in out, in order. */
static int only_inserted(const char *in, size_t in_len, const char *out, size_t out_len)
{
	size_t i = 0;
	for (size_t o = 0; o < out_len && i < in_len; o++)
		i += out[o] == in[i];
	return i == in_len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	if (mr_fuzz_has_nul(data, size))
		return 0;
	char *found = NULL;
	char *out = mr_nft_conf_merge(text, size, MR_FUZZ_FW_WANTS, &found);
	if (!out) {
		char *end = NULL;
		unsigned long line = found ? strtoul(found, &end, 10) : 0;
		if (!found || !isdigit((unsigned char)found[0]) || strncmp(end, ": ", 2) != 0 ||
		    line < 1 || line > mr_fuzz_lines(text, size, -1))
			mr_fuzz_fail("a refusal without its line: %s", found ? found : "(null)");
		free(found);
	} else {
		size_t len = strlen(out);
		if (mr_fuzz_fw_nothing_missing(found) && (len != size || memcmp(out, text, size) != 0))
			mr_fuzz_fail("nothing missing, yet the text changed");
		if (!only_inserted(text, size, out, len))
			mr_fuzz_fail("the merge changed bytes of the input, not only inserted");
		mr_fuzz_fw_settled(mr_nft_conf_merge, out, MR_FUZZ_FW_WANTS);
		free(found);
		free(out);
	}
	mr_fuzz_fw_each_line(mr_nft_rule_covers, text, size, MR_FUZZ_FW_WANTS);
	return 0;
}
