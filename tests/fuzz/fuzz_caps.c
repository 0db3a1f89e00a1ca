/* Fuzz target: the XML a host's libvirt hands verify (never trusted):
 * capabilities, domain capabilities and a guest's domain XML, each parsed
 * from the same input, and the cpuset lists in it.
 *
 * Input: one XML document.
 *
 * Promises checked: a refusal is an error naming its place, a result has
 * none; a pinned guest's CPU set formats to a list that parses back to the
 * same set; and the sanitizers watch every walk of the tree. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "verify_analysis.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	mr_verify_xml_init();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *xml = mr_xstrndup((const char *)data, size);
	struct mr_error *err = NULL;
	struct mr_verify_caps caps;
	memset(&caps, 0, sizeof(caps));
	int r = mr_verify_caps_parse(xml, "host1: capabilities", &caps, &err);
	mr_fuzz_check_errors(r == 0 ? &caps : NULL, err, "capabilities");
	mr_error_free(err);
	mr_verify_caps_fini(&caps);

	err = NULL;
	struct mr_verify_domcaps dc;
	memset(&dc, 0, sizeof(dc));
	r = mr_verify_domcaps_parse(xml, "host1: domain capabilities", &dc, &err);
	mr_fuzz_check_errors(r == 0 ? &dc : NULL, err, "domain capabilities");
	mr_error_free(err);
	for (size_t i = 0; r == 0 && i < dc.n_models; i++) {
		const char *blockers = NULL;
		if (dc.models[i].name)
			(void)mr_verify_domcaps_usable(&dc, dc.models[i].name, &blockers);
	}
	mr_verify_domcaps_fini(&dc);

	free(mr_verify_caps_cpu_xml(xml));

	struct mr_verify_cpuset set, back;
	if (mr_verify_domain_pins(xml, &set) == 1) {
		char *list = mr_verify_cpuset_format(&set);
		if (mr_verify_cpuset_parse(list, &back) < 0 || memcmp(&set, &back, sizeof(set)) != 0)
			mr_fuzz_fail("the CPU set '%s' does not parse back to itself", list);
		free(list);
	}
	free(xml);
	return 0;
}
