/* Fuzz target: authorized_keys merging (mr_ssh_authorized_merge), on the
 * text of a file, with the profile's lines and the time sshd would judge
 * expiry-time= at.
 *
 * Input: a first line "NOW EXCLUSIVE" (seconds since 1970, 0 or 1; when it
 * does not parse, 2026-12-05 12:00 UTC and not exclusive), then the
 * profile's lines up to a line "--", then the file's text.
 *
 * Promises checked: merging the result again changes nothing and finds
 * nothing (else every apply would write the file again); every key the
 * profile lists is in the result, unless sshd refuses its own line
 * (mr_ssh_key_refusal: then it is never written); comment lines are all
 * kept, in their order; nothing but key lines is removed. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fuzz.h"
#include "sshkeys.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

/* Whether text holds a key line with k's type and data. */
static int has_key(const char *text, const struct mr_ssh_key_line *k)
{
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		struct mr_ssh_key_line l;
		if (mr_ssh_key_parse(p, n, &l) == 0 && l.type_len == k->type_len &&
		    !memcmp(l.type, k->type, l.type_len) && l.b64_len == k->b64_len &&
		    !memcmp(l.b64, k->b64, l.b64_len))
			return 1;
		p += n + (nl != NULL);
	}
	return 0;
}

/* The lines of text (len bytes) that are not key lines, each ended by a
 * newline: what a merge keeps byte for byte. */
static char *other_lines(const char *text, size_t len)
{
	struct mr_buf b;
	mr_buf_init(&b);
	for (const char *p = text, *end = text + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		struct mr_ssh_key_line l;
		if (mr_ssh_key_parse(p, n, &l) < 0) {
			mr_buf_add(&b, p, n);
			mr_buf_putc(&b, '\n');
		}
		p += n + (nl != NULL);
	}
	return mr_buf_steal(&b, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	if (mr_fuzz_has_nul(data, size))
		return 0;
	const char *nl = memchr(in, '\n', size);
	size_t first = nl ? (size_t)(nl - in) : size;
	long long now = 1796472000;
	int exclusive = 0;
	char *head = mr_xstrndup(in, first);
	if (sscanf(head, "%lld %d", &now, &exclusive) != 2 || exclusive < 0 || exclusive > 1) {
		now = 1796472000;
		exclusive = 0;
	}
	free(head);

	/* the profile's lines, up to "--" */
	const char *p = nl ? nl + 1 : in + size, *end = in + size;
	char **want = NULL;
	size_t n_want = 0;
	while (p < end) {
		const char *e = memchr(p, '\n', (size_t)(end - p));
		size_t n = e ? (size_t)(e - p) : (size_t)(end - p);
		const char *next = p + n + (e != NULL);
		if (n == 2 && !memcmp(p, "--", 2)) {
			p = next;
			break;
		}
		struct mr_ssh_key_line k;
		if (n_want < 8 && mr_ssh_key_parse(p, n, &k) == 0 && !memchr(p, '\r', n)) {
			want = realloc(want, (n_want + 1) * sizeof(*want));
			if (!want)
				abort();
			want[n_want++] = mr_xstrndup(p, n);
		}
		p = next;
	}
	const char *text = p;
	size_t len = (size_t)(end - p);

	char *found = NULL;
	char *out = mr_ssh_authorized_merge(text, len, (const char *const *)want, n_want, exclusive,
	                                    (time_t)now, &found);
	if (!out)
		mr_fuzz_fail("no result");

	char *again_found = NULL;
	char *again = mr_ssh_authorized_merge(out, strlen(out), (const char *const *)want, n_want,
	                                      exclusive, (time_t)now, &again_found);
	if (strcmp(again, out) != 0)
		mr_fuzz_fail("a second merge changed the text");
	if (again_found)
		mr_fuzz_fail("a second merge found '%s'", again_found);

	for (size_t i = 0; i < n_want; i++) {
		struct mr_ssh_key_line k;
		char *why = mr_ssh_key_refusal(want[i], (time_t)now);
		if (mr_ssh_key_parse(want[i], strlen(want[i]), &k) == 0 && !why && !has_key(out, &k))
			mr_fuzz_fail("the listed key of '%s' is not in the result", want[i]);
		free(why);
	}

	char *kept_before = other_lines(text, len), *kept_after = other_lines(out, strlen(out));
	/* each compared with its newline: a final one missing is added */
	if (strcmp(kept_before, kept_after) != 0)
		mr_fuzz_fail("lines other than keys changed:\n%s\n---\n%s", kept_before, kept_after);

	free(kept_before);
	free(kept_after);
	free(again);
	free(again_found);
	free(out);
	free(found);
	for (size_t i = 0; i < n_want; i++)
		free(want[i]);
	free(want);
	return 0;
}
