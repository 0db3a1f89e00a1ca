/* getopt_long's reading of a daemon's argv: a flag in every spelling the
 * program accepts (found and removed), and an option's argument wherever
 * getopt would take it from; libvirtd's options as the spec. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "optscan.h"
#include "res.h"
#include "util.h"

/* The argument scan gives for "config" over words (blanks apart), the
 * last one, or "-" for none. */
static void config_of(const char *words, char *out, size_t cap)
{
	struct mr_optscan scan = { .spec = &mr_libvirtd_opts };
	snprintf(out, cap, "-");
	for (const char *p = words; *p;) {
		size_t n = strcspn(p, " ");
		const char *arg;
		size_t al;
		if (mr_optscan_arg(&scan, "config", p, n, &arg, &al))
			snprintf(out, cap, "%.*s", (int)al, arg);
		p += n + strspn(p + n, " ");
	}
}

static void test_arg(void **state)
{
	(void)state;
	static const struct {
		const char *words, *want;
	} cases[] = {
		{ "--config /etc/a.conf", "/etc/a.conf" },
		{ "--config=/etc/a.conf", "/etc/a.conf" },
		{ "--conf /etc/a.conf", "/etc/a.conf" }, /* a prefix of one option only */
		{ "-f /etc/a.conf", "/etc/a.conf" },
		{ "-f/etc/a.conf", "/etc/a.conf" },
		{ "-df /etc/a.conf", "/etc/a.conf" },    /* in a cluster, the next word */
		{ "-ldf/etc/a.conf", "/etc/a.conf" },    /* in a cluster, the rest */
		{ "-f a -f b", "b" },                     /* the last wins */
		{ "--timeout 120 --listen", "-" },
		{ "--pid-file -f", "-" },                 /* -f is --pid-file's argument */
		{ "-p -f", "-" },
		{ "-t 5 -f c", "c" },
		{ "-- -f a", "-" },                       /* operands after -- */
		{ "-fl", "l" },                           /* -f takes the rest of the word */
		{ "--config", "-" },                      /* no argument follows */
		{ "--co x", "x" },                        /* a prefix of config alone */
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(cases); i++) {
		char got[64];
		config_of(cases[i].words, got, sizeof(got));
		const char *want = cases[i].want;
		if (strcmp(got, want) != 0)
			fail_msg("'%s': got '%s', want '%s'", cases[i].words, got, want);
	}
}

/* mr_optscan_word finds --listen in every spelling and says what is left
 * of the word. */
static void test_word(void **state)
{
	(void)state;
	static const struct {
		const char *words;
		int hits;
		const char *kept; /* the words left, blanks apart */
	} cases[] = {
		{ "--listen", 1, "" },
		{ "-l", 1, "" },
		{ "-dl", 1, "-d" },
		{ "--lis --timeout 120", 1, "--timeout 120" },
		{ "-f -l", 0, "-f -l" },      /* -l is -f's argument */
		{ "-fl", 0, "-fl" },          /* so is the rest of the word */
		{ "-- -l", 0, "-- -l" },
		{ "-d --verbose", 0, "-d --verbose" },
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(cases); i++) {
		struct mr_optscan scan = { .spec = &mr_libvirtd_opts };
		char keep[64], kept[256] = "";
		size_t kl;
		int hits = 0;
		for (const char *p = cases[i].words; *p;) {
			size_t n = strcspn(p, " ");
			hits += mr_optscan_word(&scan, "listen", p, n, keep, &kl);
			if (kl)
				snprintf(kept + strlen(kept), sizeof(kept) - strlen(kept), "%s%s",
				         *kept ? " " : "", keep);
			p += n + strspn(p + n, " ");
		}
		if (hits != cases[i].hits || strcmp(kept, cases[i].kept) != 0)
			fail_msg("'%s': %d hits, kept '%s'", cases[i].words, hits, kept);
	}
}

/* mr_optscan_check tells each word as getopt_long takes it: the first
 * word refused (O operand, U unknown), or '-'; W when an option still
 * wants its argument at the end. */
static void test_check(void **state)
{
	(void)state;
	static const struct {
		const char *words, *want;
	} cases[] = {
		{ "--timeout 120 -v", "-" },
		{ "--timeout 120# keep", "O" }, /* keep */
		{ "--timeout 120 --foo", "U" },
		{ "--verbose=1", "U" },         /* no argument taken */
		{ "--l", "-" },                 /* a prefix of listen alone */
		{ "-dx", "U" },
		{ "-fx -p y", "-" },
		{ "-- -v", "O" },               /* after --, operands */
		{ "--", "-" },
		{ "-p", "W" },
		{ "-", "O" },
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(cases); i++) {
		struct mr_optscan scan = { .spec = &mr_libvirtd_opts };
		enum mr_optscan_verdict v = MR_OPTSCAN_OK;
		for (const char *p = cases[i].words; *p && v == MR_OPTSCAN_OK;) {
			size_t n = strcspn(p, " ");
			v = mr_optscan_check(&scan, p, n);
			p += n + strspn(p + n, " ");
		}
		const char *got = v == MR_OPTSCAN_OPERAND   ? "O"
		                  : v == MR_OPTSCAN_UNKNOWN ? "U"
		                  : scan.arg_next           ? "W"
		                                            : "-";
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("'%s': got %s, want %s", cases[i].words, got, cases[i].want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arg),
		cmocka_unit_test(test_word),
		cmocka_unit_test(test_check),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
