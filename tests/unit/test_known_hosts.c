/* known_hosts matching and SHA-256, without a network: tables of cases.
 * Keys, fingerprints and hashed lines below were made with OpenSSH 9.2's
 * ssh-keygen (-t ed25519/ecdsa, -lf, -H), so they pin OpenSSH's behaviour. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "known_hosts.h"
#include "util.h"
#include "util_sha256.h"

#define K1 "AAAAC3NzaC1lZDI1NTE5AAAAIJEeYdI8U9iTpaKT6CkFl+dxwXEtcc70jNlNe1XQ7k35"
#define K1_FP "SHA256:vKrvCjgJa/M7G8ZjVhqFn8gBstPBjB1TWPEnULg2zik"
#define K2 "AAAAC3NzaC1lZDI1NTE5AAAAIODo//c18G3dWXXJTs5WMEIU937hHwhZHxEhYoBh5hpZ"
#define K2_FP "SHA256:ay3wSmwfXMiGd65U/9PO0sjAHGR2yFGMj4DKkD8J1gY"
#define K3 "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBLyPHxun/CyptBNwsDuLmLvt1s8P2KiSag5Kza2137QiJQpAVIhNznrYpfuPyPELzqHIHf92+dKP1ZWIdvf3Q/A="
#define K3_FP "SHA256:ILAlBgdxBPktQrmb1772mJJTovNMp0qnXWSzY0g01Po"
/* "[127.0.0.1]:2222" -> K1 and "example.com" -> K2, hashed by ssh-keygen -H */
#define H1 "|1|k8pNzKwYihqj6R98/rn5/c+0PaE=|alClNEC3Z8NikBoHgaI/o+0K9UM="
#define H2 "|1|CVgwAIIoEGpLeSV5I5VMUkDQnoU=|Qdk9i9OJjwgmWCG/YxCQJvBmLgM="

static void test_sha256_vectors(void **state)
{
	static const struct {
		const char *in;
		const char *hex;
	} cases[] = {
		{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
		{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
		{ "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
		  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
		/* 55, 56 and 64 bytes: the padding edges */
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		  "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318" },
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		  "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a" },
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		  "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb" },
	};
	char hex[65];
	(void)state;
	for (size_t i = 0; i < MR_ARRAY_LEN(cases); i++) {
		mr_sha256_hex_of(cases[i].in, strlen(cases[i].in), hex);
		assert_string_equal(hex, cases[i].hex);
	}
}

static void test_sha256_million_a_incremental(void **state)
{
	struct mr_sha256 c;
	unsigned char d[MR_SHA256_LEN];
	char hex[65], chunk[1000];
	(void)state;
	memset(chunk, 'a', sizeof(chunk));
	mr_sha256_init(&c);
	/* odd chunk sizes exercise the partial-block path */
	size_t left = 1000000;
	for (size_t n = 1; left; n = n % 997 + 1) {
		size_t k = n < left ? n : left;
		mr_sha256_update(&c, chunk, k);
		left -= k;
	}
	mr_sha256_final(&c, d);
	mr_sha256_hex(d, hex);
	assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void test_base64(void **state)
{
	static const struct {
		const char *raw, *pad, *nopad;
	} cases[] = {
		{ "", "", "" },
		{ "f", "Zg==", "Zg" },
		{ "fo", "Zm8=", "Zm8" },
		{ "foo", "Zm9v", "Zm9v" },
		{ "foob", "Zm9vYg==", "Zm9vYg" },
		{ "fooba", "Zm9vYmE=", "Zm9vYmE" },
		{ "foobar", "Zm9vYmFy", "Zm9vYmFy" },
	};
	(void)state;
	for (size_t i = 0; i < MR_ARRAY_LEN(cases); i++) {
		const char *raw = cases[i].raw;
		char *e = mr_known_hosts_b64_encode((const unsigned char *)raw, strlen(raw), 1);
		assert_string_equal(e, cases[i].pad);
		free(e);
		e = mr_known_hosts_b64_encode((const unsigned char *)raw, strlen(raw), 0);
		assert_string_equal(e, cases[i].nopad);
		free(e);
		unsigned char *d;
		size_t dl;
		assert_int_equal(mr_known_hosts_b64_decode(cases[i].pad, strlen(cases[i].pad), &d, &dl), 0);
		assert_int_equal(dl, strlen(raw));
		assert_memory_equal(d, raw, dl);
		free(d);
	}
	unsigned char *d;
	size_t dl;
	assert_int_equal(mr_known_hosts_b64_decode("Zm9v!", 5, &d, &dl), -1);
	assert_null(d);
	assert_int_equal(mr_known_hosts_b64_decode("Z", 1, &d, &dl), -1);
}

/* Decodes a base64 key into a blob for the checks. */
static unsigned char *blob_of(const char *b64, size_t *len)
{
	unsigned char *b;
	assert_int_equal(mr_known_hosts_b64_decode(b64, strlen(b64), &b, len), 0);
	return b;
}

static void test_fingerprints_and_types(void **state)
{
	static const struct {
		const char *key, *fp, *type;
	} cases[] = {
		{ K1, K1_FP, "ssh-ed25519" },
		{ K2, K2_FP, "ssh-ed25519" },
		{ K3, K3_FP, "ecdsa-sha2-nistp256" },
	};
	(void)state;
	for (size_t i = 0; i < MR_ARRAY_LEN(cases); i++) {
		size_t len;
		unsigned char *b = blob_of(cases[i].key, &len);
		char fp[MR_KNOWN_HOSTS_FP_LEN], type[64];
		mr_known_hosts_fingerprint(b, len, fp);
		assert_string_equal(fp, cases[i].fp);
		assert_int_equal(mr_known_hosts_blob_type(b, len, type, sizeof(type)), 0);
		assert_string_equal(type, cases[i].type);
		assert_int_equal(mr_known_hosts_blob_type(b, 3, type, sizeof(type)), -1);
		assert_int_equal(mr_known_hosts_blob_type(b, len, type, 5), -1);
		free(b);
	}
}

/* A blob whose type name holds a blank would be recorded as a line that
 * never matches (found by fuzz_known_hosts): refused like a malformed
 * blob. */
static void test_blob_type_names(void **state)
{
	static const struct {
		const char *name;
		int ok;
	} cases[] = {
		{ "ssh-ed25519", 1 },
		{ "sk-ssh-ed25519@openssh.com", 1 },
		{ "ssh @@@@@@@", 0 },
		{ "ssh\trsa", 0 },
		{ "ssh,rsa", 0 },
		{ "ssh-rsa\x7f", 0 },
		{ "ssh-\xc3\xa9", 0 },
	};
	(void)state;
	for (size_t i = 0; i < MR_ARRAY_LEN(cases); i++) {
		size_t n = strlen(cases[i].name);
		unsigned char blob[64] = { 0, 0, 0, (unsigned char)n };
		char type[64];
		memcpy(blob + 4, cases[i].name, n);
		assert_int_equal(mr_known_hosts_blob_type(blob, n + 4, type, sizeof(type)),
		                 cases[i].ok ? 0 : -1);
	}
	/* The fuzzer's input: "ssh @@@@@@@" as presented by compute1. */
	size_t len;
	unsigned char *b = blob_of("AAAAC3NzaCBAQEBAQEBAQEB", &len);
	char type[64];
	assert_int_equal(mr_known_hosts_blob_type(b, len, type, sizeof(type)), -1);
	free(b);
}

static void test_names(void **state)
{
	(void)state;
	static const struct {
		const char *host;
		unsigned port;
		const char *name;
	} cases[] = {
		{ "compute1", 22, "compute1" },
		{ "compute1", 0, "compute1" },
		{ "10.0.0.1", 2222, "[10.0.0.1]:2222" },
		{ "::1", 2200, "[::1]:2200" },
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(cases); i++) {
		char *n = mr_known_hosts_name(cases[i].host, cases[i].port);
		assert_string_equal(n, cases[i].name);
		free(n);
	}
}

static const struct {
	const char *what;
	const char *text;
	const char *host;
	unsigned port;
	const char *key;  /* base64 of the presented key */
	enum mr_known_hosts_status want;
	unsigned line;
	const char *stored_fp; /* for a mismatch */
} check_cases[] = {
	{ "plain match", "compute1 ssh-ed25519 " K1 "\n", "compute1", 22, K1,
	  MR_KNOWN_HOSTS_MATCH, 1, NULL },
	{ "plain, no trailing newline, comment", "compute1 ssh-ed25519 " K1 " root@x", "compute1", 22,
	  K1, MR_KNOWN_HOSTS_MATCH, 1, NULL },
	{ "CRLF and blanks", "\r\n  # comment\r\n\tcompute1\tssh-ed25519\t" K1 "\r\n", "compute1", 22,
	  K1, MR_KNOWN_HOSTS_MATCH, 3, NULL },
	{ "case-insensitive", "Compute1.Example.COM ssh-ed25519 " K1 "\n", "compute1.example.com", 22,
	  K1, MR_KNOWN_HOSTS_MATCH, 1, NULL },
	{ "comma list", "a,compute1,10.0.0.1 ssh-ed25519 " K1 "\n", "10.0.0.1", 22, K1,
	  MR_KNOWN_HOSTS_MATCH, 1, NULL },
	{ "other host", "compute2 ssh-ed25519 " K1 "\n", "compute1", 22, K1,
	  MR_KNOWN_HOSTS_UNKNOWN, 0, NULL },
	{ "prefix is not a match", "compute ssh-ed25519 " K1 "\n", "compute1", 22, K1,
	  MR_KNOWN_HOSTS_UNKNOWN, 0, NULL },
	{ "mismatch", "# x\ncompute1 ssh-ed25519 " K2 "\n", "compute1", 22, K1,
	  MR_KNOWN_HOSTS_MISMATCH, 2, K2_FP },
	{ "one of two keys matches", "compute1 ssh-ed25519 " K2 "\ncompute1 ssh-ed25519 " K1 "\n",
	  "compute1", 22, K1, MR_KNOWN_HOSTS_MATCH, 2, NULL },
	{ "other type only: unknown", "compute1 ecdsa-sha2-nistp256 " K3 "\n", "compute1", 22, K1,
	  MR_KNOWN_HOSTS_UNKNOWN, 0, NULL },
	{ "port: bracket form", "[127.0.0.1]:2222 ssh-ed25519 " K1 "\n", "127.0.0.1", 2222, K1,
	  MR_KNOWN_HOSTS_MATCH, 1, NULL },
	{ "port: plain name does not cover 2222", "127.0.0.1 ssh-ed25519 " K1 "\n", "127.0.0.1",
	  2222, K1, MR_KNOWN_HOSTS_UNKNOWN, 0, NULL },
	{ "port: other port", "[127.0.0.1]:2200 ssh-ed25519 " K1 "\n", "127.0.0.1", 2222, K1,
	  MR_KNOWN_HOSTS_UNKNOWN, 0, NULL },
	{ "port 22 is the plain name", "[127.0.0.1]:22 ssh-ed25519 " K2 "\n127.0.0.1 ssh-ed25519 " K1
	  "\n", "127.0.0.1", 22, K1, MR_KNOWN_HOSTS_MATCH, 2, NULL },
	{ "hashed with port", H1 " ssh-ed25519 " K1 "\n", "127.0.0.1", 2222, K1,
	  MR_KNOWN_HOSTS_MATCH, 1, NULL },
	{ "hashed, wrong port", H1 " ssh-ed25519 " K1 "\n", "127.0.0.1", 22, K1,
	  MR_KNOWN_HOSTS_UNKNOWN, 0, NULL },
	{ "hashed, name lowercased", H2 " ssh-ed25519 " K2 "\n", "Example.Com", 22, K2,
	  MR_KNOWN_HOSTS_MATCH, 1, NULL },
	{ "hashed mismatch", H2 " ssh-ed25519 " K2 "\n", "example.com", 22, K1,
	  MR_KNOWN_HOSTS_MISMATCH, 1, K2_FP },
	{ "broken hash skipped", "|1|xx|yy ssh-ed25519 " K1 "\n", "example.com", 22, K1,
	  MR_KNOWN_HOSTS_UNKNOWN, 0, NULL },
	{ "wildcards", "*.example.com ssh-ed25519 " K1 "\n", "c1.example.com", 22, K1,
	  MR_KNOWN_HOSTS_MATCH, 1, NULL },
	{ "wildcard ?", "compute? ssh-ed25519 " K1 "\n", "compute7", 22, K1,
	  MR_KNOWN_HOSTS_MATCH, 1, NULL },
	{ "wildcard ? is one character", "compute? ssh-ed25519 " K1 "\n", "compute17", 22, K1,
	  MR_KNOWN_HOSTS_UNKNOWN, 0, NULL },
	{ "negation wins", "*.example.com,!bad.example.com ssh-ed25519 " K1 "\n", "bad.example.com",
	  22, K1, MR_KNOWN_HOSTS_UNKNOWN, 0, NULL },
	{ "negation alone matches nothing", "!bad ssh-ed25519 " K1 "\n", "good", 22, K1,
	  MR_KNOWN_HOSTS_UNKNOWN, 0, NULL },
	{ "revoked", "compute1 ssh-ed25519 " K1 "\n@revoked * ssh-ed25519 " K1 "\n", "compute1", 22,
	  K1, MR_KNOWN_HOSTS_REVOKED, 2, NULL },
	{ "revoked other key is harmless", "@revoked * ssh-ed25519 " K2 "\ncompute1 ssh-ed25519 " K1
	  "\n", "compute1", 22, K1, MR_KNOWN_HOSTS_MATCH, 2, NULL },
	{ "cert-authority ignored", "@cert-authority *.example.com ssh-ed25519 " K1 "\n",
	  "c1.example.com", 22, K1, MR_KNOWN_HOSTS_UNKNOWN, 0, NULL },
	{ "unknown marker skipped", "@foo compute1 ssh-ed25519 " K1 "\n", "compute1", 22, K1,
	  MR_KNOWN_HOSTS_UNKNOWN, 0, NULL },
	{ "type field disagrees with blob: skipped", "compute1 ssh-rsa " K1 "\n", "compute1", 22, K1,
	  MR_KNOWN_HOSTS_UNKNOWN, 0, NULL },
	{ "malformed lines skipped", "compute1\ncompute1 ssh-ed25519\ncompute1 ssh-ed25519 !!!\n"
	  "compute1 ssh-ed25519 " K1 "\n", "compute1", 22, K1, MR_KNOWN_HOSTS_MATCH, 4, NULL },
	{ "empty file", "", "compute1", 22, K1, MR_KNOWN_HOSTS_UNKNOWN, 0, NULL },
};

static void test_check_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < MR_ARRAY_LEN(check_cases); i++) {
		size_t len;
		unsigned char *b = blob_of(check_cases[i].key, &len);
		char type[64];
		struct mr_known_hosts_result r;
		assert_int_equal(mr_known_hosts_blob_type(b, len, type, sizeof(type)), 0);
		enum mr_known_hosts_status s =
			mr_known_hosts_check(check_cases[i].text, strlen(check_cases[i].text),
			                     check_cases[i].host, check_cases[i].port, type, b, len, &r);
		if (s != check_cases[i].want || r.line != check_cases[i].line)
			fail_msg("case '%s': status %d line %u, want %d line %u", check_cases[i].what,
			         (int)s, r.line, (int)check_cases[i].want, check_cases[i].line);
		assert_int_equal(r.status, s);
		if (check_cases[i].stored_fp)
			assert_string_equal(r.stored_fp, check_cases[i].stored_fp);
		free(b);
	}
}

static void test_other_types_flag(void **state)
{
	const char *text = "compute1 ecdsa-sha2-nistp256 " K3 "\n";
	size_t len;
	unsigned char *b = blob_of(K1, &len);
	struct mr_known_hosts_result r;
	(void)state;
	mr_known_hosts_check(text, strlen(text), "compute1", 22, "ssh-ed25519", b, len, &r);
	assert_int_equal(r.status, MR_KNOWN_HOSTS_UNKNOWN);
	assert_true(r.other_types);
	mr_known_hosts_check(text, strlen(text), "compute2", 22, "ssh-ed25519", b, len, &r);
	assert_false(r.other_types);
	free(b);
}

static void test_types(void **state)
{
	const char *text = "compute1 ecdsa-sha2-nistp256 " K3 "\n"
	                   "@revoked compute1 ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAAQC=\n"
	                   "compute1,compute2 ssh-ed25519 " K1 "\n"
	                   "compute1 ssh-ed25519 " K2 "\n"
	                   "[compute1]:2222 ssh-ed25519 " K2 "\n";
	(void)state;
	char *t = mr_known_hosts_types(text, strlen(text), "compute1", 22);
	assert_string_equal(t, "ecdsa-sha2-nistp256,ssh-ed25519");
	free(t);
	t = mr_known_hosts_types(text, strlen(text), "compute2", 22);
	assert_string_equal(t, "ssh-ed25519");
	free(t);
	assert_null(mr_known_hosts_types(text, strlen(text), "compute3", 22));
}

static char *slurp(const char *path)
{
	char *text;
	size_t len;
	struct mr_error *err = NULL;
	assert_int_equal(mr_known_hosts_load(path, &text, &len, &err), 0);
	assert_null(err);
	assert_int_equal(strlen(text), len);
	return text;
}

static void test_add(void **state)
{
	char dir[] = "/tmp/mr-kh-XXXXXX";
	struct mr_error *err = NULL;
	enum mr_known_hosts_status st;
	size_t l1, l2;
	(void)state;
	assert_non_null(mkdtemp(dir));
	char *path = mr_xasprintf("%s/known_hosts", dir);
	unsigned char *b1 = blob_of(K1, &l1), *b2 = blob_of(K2, &l2);

	/* absent file reads as empty */
	char *text = slurp(path);
	assert_string_equal(text, "");
	free(text);

	/* created 0600, bracket form for port 2222 */
	assert_int_equal(mr_known_hosts_add(path, "127.0.0.1", 2222, "ssh-ed25519", b1, l1, &st, &err), 0);
	assert_int_equal(st, MR_KNOWN_HOSTS_UNKNOWN);
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	text = slurp(path);
	assert_string_equal(text, "[127.0.0.1]:2222 ssh-ed25519 " K1 "\n");
	free(text);

	/* again: already there, nothing written */
	assert_int_equal(mr_known_hosts_add(path, "127.0.0.1", 2222, "ssh-ed25519", b1, l1, &st, &err), 0);
	assert_int_equal(st, MR_KNOWN_HOSTS_MATCH);
	/* another key for the same host: a mismatch, nothing written */
	assert_int_equal(mr_known_hosts_add(path, "127.0.0.1", 2222, "ssh-ed25519", b2, l2, &st, &err), 0);
	assert_int_equal(st, MR_KNOWN_HOSTS_MISMATCH);
	text = slurp(path);
	assert_string_equal(text, "[127.0.0.1]:2222 ssh-ed25519 " K1 "\n");
	free(text);

	/* a last line without newline is not glued to */
	FILE *f = fopen(path, "a");
	fputs("# no newline", f);
	fclose(f);
	assert_int_equal(mr_known_hosts_add(path, "compute1", 22, "ssh-ed25519", b2, l2, &st, &err), 0);
	assert_int_equal(st, MR_KNOWN_HOSTS_UNKNOWN);
	text = slurp(path);
	assert_string_equal(text, "[127.0.0.1]:2222 ssh-ed25519 " K1 "\n# no newline\n"
	                          "compute1 ssh-ed25519 " K2 "\n");
	assert_int_equal(mr_known_hosts_check(text, strlen(text), "compute1", 22, "ssh-ed25519", b2,
	                                      l2, NULL), MR_KNOWN_HOSTS_MATCH);
	free(text);

	/* a missing directory is an error naming the path */
	char *bad = mr_xasprintf("%s/nodir/known_hosts", dir);
	assert_int_equal(mr_known_hosts_add(bad, "h", 22, "ssh-ed25519", b1, l1, &st, &err), -1);
	assert_non_null(err);
	assert_int_equal(err->kind, MR_ERR_SYSTEM);
	assert_string_equal(err->where, bad);
	mr_error_free(err);

	unlink(path);
	rmdir(dir);
	free(bad);
	free(path);
	free(b1);
	free(b2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256_vectors),
		cmocka_unit_test(test_sha256_million_a_incremental),
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_fingerprints_and_types),
		cmocka_unit_test(test_blob_type_names),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_check_table),
		cmocka_unit_test(test_other_types_flag),
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_add),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
