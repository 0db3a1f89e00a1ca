/* Internals of the inventory module for its tests and fuzz targets: parsing
 * a text already in memory, in a format that is detected or forced. */
#ifndef MR_INVENTORY_PRIV_H
#define MR_INVENTORY_PRIV_H

#include <stddef.h>

#include "inventory.h"

/* The formats an inventory can be in. A new format adds a value here, a
 * case in mr_inventory_parse, and one line in tests/fuzz/meson.build for
 * its fuzz target. */
enum mr_inventory_format {
	MR_INVENTORY_AUTO,    /* detected from the content, as mr_inventory_load does */
	MR_INVENTORY_NATIVE,  /* migready's INI (migready.inventory(5)) */
	MR_INVENTORY_ANSIBLE, /* an Ansible INI inventory */
	MR_INVENTORY_YAML,    /* an Ansible YAML inventory */
	MR_INVENTORY_JSON,    /* ansible-inventory --list JSON */
};

/* The format mr_inventory_load would read text (len bytes) as, for a
 * file named path. */
enum mr_inventory_format mr_inventory_detect(const char *path, const char *text, size_t len);

/* Parses text (len bytes, NUL-terminated) as an inventory in format fmt;
 * path names it in messages and is what relative paths are resolved
 * against, as in mr_inventory_load. Same results and errors. */
struct mr_inventory *mr_inventory_parse(const char *path, const char *text, size_t len,
                                        enum mr_inventory_format fmt, struct mr_error **err);

#endif
