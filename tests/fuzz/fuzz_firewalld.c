/* Fuzz target: a firewalld zone file merged with migready's rules
 * (mr_fwd_zone_merge), and each of its lines read as an entry of
 * firewall-cmd's listing (mr_fwd_running_covers).
 *
 * Input: the zone file's text.
 *
 * Promises checked: a refusal names a line ("N: why"); a merge only
 * inserts (every byte of the input kept in order, but for a <zone/> that
 * it opens); nothing missing means the text unchanged; a second merge of
 * the result finds nothing missing and changes nothing. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "firewalld_conf.h"
#include "fuzz_fw.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static size_t count(const char *s, size_t len, const char *what)
{
	size_t n = 0, w = strlen(what);
	for (size_t i = 0; i + w <= len; i++)
		n += !memcmp(s + i, what, w);
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	char *found = NULL;
	char *out = mr_fwd_zone_merge(text, size, MR_FUZZ_FW_WANTS, &found);
	if (!out) {
		if (!found || !isdigit((unsigned char)found[0]) || !strstr(found, ": "))
			mr_fuzz_fail("a refusal without its line: %s", found ? found : "(null)");
		free(found);
	} else {
		size_t len = strlen(out);
		if (mr_fuzz_fw_nothing_missing(found) && (len != size || memcmp(out, text, size) != 0))
			mr_fuzz_fail("nothing missing, yet the text changed");
		if (count(out, len, "</zone>") == count(text, size, "</zone>")) {
			size_t pre = 0, suf = 0;
			while (pre < size && pre < len && out[pre] == text[pre])
				pre++;
			while (suf < size - pre && suf < len - pre &&
			       out[len - 1 - suf] == text[size - 1 - suf])
				suf++;
			if (pre + suf != size)
				mr_fuzz_fail("the merge changed bytes of the input, not only inserted");
		}
		mr_fuzz_fw_settled(mr_fwd_zone_merge, out, MR_FUZZ_FW_WANTS);
		free(found);
		free(out);
	}
	mr_fuzz_fw_each_line(mr_fwd_running_covers, text, size, MR_FUZZ_FW_WANTS);
	return 0;
}
