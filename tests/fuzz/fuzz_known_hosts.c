/* Fuzz target: known_hosts matching (mr_known_hosts_check and _types) and
 * its base64, on the text of a file.
 *
 * Input: a first line "HOST PORT BASE64-KEY-BLOB", the key that host:port
 * presents (when it does not parse, compute1:22 presents a fixed ed25519
 * key), then the known_hosts text. The key type is read from the blob, as
 * the SSH transport does.
 *
 * Promises checked: the deciding line exists and holds an entry; a
 * mismatch gives a fingerprint; a matched key's type is among the types
 * recorded; base64 decodes what it encodes; and trust on first use works:
 * when a key is unknown, the text with the very line mr_known_hosts_add
 * would append then matches it (else every run would record it again). */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "known_hosts.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static const unsigned char default_blob[] = {
	0, 0, 0, 11, 's', 's', 'h', '-', 'e', 'd', '2', '5', '5', '1', '9', 0, 0, 0, 32,
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
	17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
};

/* A host as an inventory lets it through: a name or an address. */
static int plain_host(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr(".-_:", *s))
			return 0;
	return 1;
}

static void check_b64(const unsigned char *data, size_t len)
{
	for (int pad = 0; pad < 2; pad++) {
		char *enc = mr_known_hosts_b64_encode(data, len, pad);
		unsigned char *dec = NULL;
		size_t dec_len = 0;
		if (mr_known_hosts_b64_decode(enc, strlen(enc), &dec, &dec_len) < 0 ||
		    dec_len != len || memcmp(dec, data, len) != 0)
			mr_fuzz_fail("base64 of %zu bytes does not decode back", len);
		free(dec);
		free(enc);
	}
}

static unsigned count_lines(const char *text, size_t len)
{
	unsigned n = 0;
	for (size_t i = 0; i < len; i++)
		n += text[i] == '\n';
	return n + (len && text[len - 1] != '\n');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	const char *nl = memchr(in, '\n', size);
	size_t first = nl ? (size_t)(nl - in) : size;
	const char *text = nl ? nl + 1 : in + size;
	size_t len = size - (size_t)(text - in);

	char host[256] = "compute1", b64[1024] = "";
	unsigned port = 22;
	const unsigned char *blob = default_blob;
	size_t blob_len = sizeof(default_blob);
	unsigned char *decoded = NULL;
	char *query = mr_xstrndup(in, first);
	if (sscanf(query, "%255s %u %1023s", host, &port, b64) == 3 && plain_host(host) &&
	    port <= 65535 && mr_known_hosts_b64_decode(b64, strlen(b64), &decoded, &blob_len) == 0) {
		blob = decoded;
	} else {
		snprintf(host, sizeof(host), "compute1");
		port = 22;
		blob_len = sizeof(default_blob);
	}
	free(query);
	check_b64(blob, blob_len);
	char type[64];
	if (mr_known_hosts_blob_type(blob, blob_len, type, sizeof(type)) < 0)
		goto out;

	struct mr_known_hosts_result res;
	enum mr_known_hosts_status st =
		mr_known_hosts_check(text, len, host, port, type, blob, blob_len, &res);
	if (st != res.status)
		mr_fuzz_fail("status %d returned, %d in the result", st, res.status);
	if ((st == MR_KNOWN_HOSTS_UNKNOWN) != (res.line == 0) || res.line > count_lines(text, len))
		mr_fuzz_fail("status %d decided by line %u of %u", st, res.line,
		             count_lines(text, len));
	if (st == MR_KNOWN_HOSTS_MISMATCH &&
	    (strncmp(res.stored_fp, "SHA256:", 7) != 0 || strlen(res.stored_fp) != 50))
		mr_fuzz_fail("mismatch with fingerprint '%s'", res.stored_fp);
	char *types = mr_known_hosts_types(text, len, host, port);
	if (st == MR_KNOWN_HOSTS_MATCH || st == MR_KNOWN_HOSTS_MISMATCH) {
		int found = 0;
		for (char *p = types; p && *p && !found;) {
			size_t n = strcspn(p, ",");
			found = n == strlen(type) && memcmp(p, type, n) == 0;
			p += n + (p[n] == ',');
		}
		if (!found)
			mr_fuzz_fail("'%s' decides status %d but is not in types '%s'", type, st,
			             types ? types : "");
	}
	free(types);

	if (st == MR_KNOWN_HOSTS_UNKNOWN) {
		/* What mr_known_hosts_add appends, without the file. */
		char *name = mr_known_hosts_name(host, port);
		char *key = mr_known_hosts_b64_encode(blob, blob_len, 1);
		char *after = mr_xasprintf("%.*s%s%s %s %s\n", (int)len, text,
		                           len && text[len - 1] != '\n' ? "\n" : "", name, type, key);
		struct mr_known_hosts_result again;
		if (memchr(text, '\0', len) == NULL &&
		    mr_known_hosts_check(after, strlen(after), host, port, type, blob, blob_len,
		                         &again) != MR_KNOWN_HOSTS_MATCH)
			mr_fuzz_fail("the line recorded for an unknown key does not match it "
			             "(status %d, line %u)", again.status, again.line);
		free(after);
		free(key);
		free(name);
	}
out:
	free(decoded);
	return 0;
}
