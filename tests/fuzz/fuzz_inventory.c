/* Fuzz target: one inventory format, forced (MR_FUZZ_FORMAT, from
 * meson.build), through the parser mr_inventory_load uses after detection.
 *
 * Promises checked: an inventory or errors, never both nor neither; every
 * error names its place; every host is usable as the transport takes it
 * (a name, an address, a port in range, a user name, absolute paths,
 * NULL-terminated lists, overrides the profile schema accepts); when the
 * input is detected as this very format, mr_inventory_load's path gives the
 * same hosts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "inventory_priv.h"
#include "profile.h"

#ifndef MR_FUZZ_FORMAT
#error "MR_FUZZ_FORMAT: the MR_INVENTORY_* value this target forces"
#endif

static char *path;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	const char *dir = mr_fuzz_tmpdir();
	path = mr_xasprintf("%s/inventory.ini", dir);
	setenv("HOME", dir, 1);
	mr_log_set_level(MR_LOG_ERROR);
	return 0;
}

static void check_path(const struct mr_host *h, const char *what, const char *p)
{
	if (p && p[0] != '/')
		mr_fuzz_fail("host '%s': %s '%s' is not absolute", h->name, what, p);
}

static void check_host(const struct mr_host *h)
{
	if (!h->name || !*h->name || !h->address || !*h->address || !h->user || !h->known_hosts)
		mr_fuzz_fail("a host without a name, address, user or known_hosts");
	if (h->port < 1 || h->port > 65535)
		mr_fuzz_fail("host '%s': port %u", h->name, h->port);
	if (!mr_profile_is_user_name(h->user))
		mr_fuzz_fail("host '%s': user '%s'", h->name, h->user);
	if (mr_str_has_control(h->name) || mr_str_has_control(h->address))
		mr_fuzz_fail("host '%s': a control character in its name or address", h->name);
	check_path(h, "identity", h->identity);
	check_path(h, "known_hosts", h->known_hosts);
	check_path(h, "root", h->root);
	if (!h->profiles || !h->groups)
		mr_fuzz_fail("host '%s': no profile or group list", h->name);
	for (size_t i = 0; h->profiles[i]; i++)
		check_path(h, "profile", h->profiles[i]);
	for (size_t i = 0; h->groups[i]; i++)
		if (!*h->groups[i])
			mr_fuzz_fail("host '%s': an empty group name", h->name);
	for (size_t i = 0; i < h->n_overrides; i++) {
		const struct mr_override *o = &h->overrides[i];
		struct mr_error *err = NULL;
		if (mr_profile_check_setting(o->section, o->key, o->value, o->loc, &err) < 0)
			mr_fuzz_fail("host '%s': override %s.%s = '%s' kept, yet refused", h->name,
			             o->section, o->key, o->value);
		mr_error_free(err);
	}
}

static int same_hosts(const struct mr_inventory *a, const struct mr_inventory *b)
{
	if (mr_inventory_count(a) != mr_inventory_count(b))
		return 0;
	for (size_t i = 0; i < mr_inventory_count(a); i++) {
		const struct mr_host *x = mr_inventory_host(a, i), *y = mr_inventory_host(b, i);
		if (strcmp(x->name, y->name) || strcmp(x->address, y->address) || x->port != y->port ||
		    strcmp(x->user, y->user))
			return 0;
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Parsers get a NUL-terminated text, as mr_ini_read_file makes it. */
	char *text = mr_xmalloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';

	struct mr_error *err = NULL;
	struct mr_inventory *inv = mr_inventory_parse(path, text, size, MR_FUZZ_FORMAT, &err);
	mr_fuzz_check_errors(inv, err, "inventory");
	for (size_t i = 0; i < mr_inventory_count(inv); i++)
		check_host(mr_inventory_host(inv, i));

	if (mr_inventory_detect(path, text, size) == MR_FUZZ_FORMAT) {
		struct mr_error *err2 = NULL;
		mr_fuzz_write(path, data, size);
		struct mr_inventory *loaded = mr_inventory_load(path, &err2);
		if (!inv != !loaded || (inv && !same_hosts(inv, loaded)))
			mr_fuzz_fail("detected as this format, yet loaded differently");
		mr_inventory_free(loaded);
		mr_error_free(err2);
	}
	mr_inventory_free(inv);
	mr_error_free(err);
	free(text);
	return 0;
}
