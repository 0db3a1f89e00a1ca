/* The Augeas engine on migready's own lenses: edits, placement, refusals
 * and the cache. */
#include <setjmp.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <cmocka.h>

#include "aug.h"
#include "aug_priv.h"
#include "res.h"

#define LV "Migready_libvirt.lns"
#define OSLO "Migready_oslo.lns"
#define NUM MR_FMT_LIBVIRT_NUM
#define STR MR_FMT_LIBVIRT_STR

struct edit_case {
	const char *name;
	const char *lens;
	const char *input;
	struct mr_aug_op op;
	const char *expect;     /* NULL: the transform must fail */
	int changed;
	const char *old;        /* value found before, or NULL */
};

static const struct edit_case cases[] = {
	{ "new entry below its commented default", LV,
	  "# Listen for unencrypted TCP connections\n#listen_tcp = 1\n\n#listen_tls = 0\n",
	  { MR_AUG_SET, NULL, "listen_tcp", "1", NUM, "listen_tcp[ \t]*=.*", NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL },
	  "# Listen for unencrypted TCP connections\n#listen_tcp = 1\nlisten_tcp = 1\n\n#listen_tls = 0\n",
	  1, NULL },
	{ "string value below its commented default", LV,
	  "#auth_tcp = \"sasl\"\n#auth_tls = \"none\"\n",
	  { MR_AUG_SET, NULL, "auth_tcp", "none", STR, "auth_tcp[ \t]*=.*", NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL },
	  "#auth_tcp = \"sasl\"\nauth_tcp = \"none\"\n#auth_tls = \"none\"\n", 1, NULL },
	{ "existing value changed in place, spacing kept", LV,
	  "# x\nauth_tcp   =  \"sasl\"\nlisten_tcp = 0\n",
	  { MR_AUG_SET, NULL, "auth_tcp", "none", STR, "auth_tcp[ \t]*=.*", NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL },
	  "# x\nauth_tcp   =  \"none\"\nlisten_tcp = 0\n", 1, "sasl" },
	{ "already in the desired state", LV,
	  "listen_tcp = 1\n",
	  { MR_AUG_SET, NULL, "listen_tcp", "1", NUM, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL },
	  "listen_tcp = 1\n", 0, "1" },
	{ "single quotes mean the same string", LV,
	  "security_driver = 'none'\n",
	  { MR_AUG_SET, NULL, "security_driver", "none", STR, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL },
	  "security_driver = 'none'\n", 0, "none" },
	/* libvirt refuses a quoted number and a bare string: not in state. */
	{ "a quoted number is fixed", LV,
	  "listen_tcp = \"1\"\n",
	  { MR_AUG_SET, NULL, "listen_tcp", "1", NUM, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL },
	  "listen_tcp = 1\n", 1, "\"1\"" },
	{ "a bare string is fixed", LV,
	  "tcp_port = 16509\n",
	  { MR_AUG_SET, NULL, "tcp_port", "16509", STR, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL },
	  "tcp_port = \"16509\"\n", 1, "16509" },
	{ "a list becomes the desired value", LV,
	  "security_driver = [ \"selinux\", \"apparmor\" ]\nx = 1\n",
	  { MR_AUG_SET, NULL, "security_driver", "none", STR, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL },
	  "security_driver = \"none\"\nx = 1\n", 1, "[ \"selinux\", \"apparmor\" ]" },
	/* The lens keeps a lone '#' as layout only; appending must not drop it. */
	{ "a layout-only line is never dropped", LV,
	  "#",
	  { MR_AUG_SET, NULL, "listen_tcp", "1", NUM, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL }, NULL, 0, NULL },
	{ "every duplicate is set", LV,
	  "listen_tcp = 0\n# again\nlisten_tcp = 0\n",
	  { MR_AUG_SET, NULL, "listen_tcp", "1", NUM, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL },
	  "listen_tcp = 1\n# again\nlisten_tcp = 1\n", 1, "0" },
	{ "no commented default: appended at the end", LV,
	  "# nothing here\nmax_clients = 5000\n",
	  { MR_AUG_SET, NULL, "tcp_port", "16509", STR, "tcp_port[ \t]*=.*", NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL },
	  "# nothing here\nmax_clients = 5000\ntcp_port = \"16509\"\n", 1, NULL },
	/* The new entry gets its own line; the file keeps its style of ending. */
	{ "file without a final newline", LV,
	  "max_clients = 5000",
	  { MR_AUG_SET, NULL, "listen_tcp", "1", NUM, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL },
	  "max_clients = 5000\nlisten_tcp = 1", 1, NULL },
	{ "empty file", LV, "",
	  { MR_AUG_SET, NULL, "listen_tcp", "1", NUM, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL },
	  "listen_tcp = 1\n", 1, NULL },
	{ "a value with a double quote takes single quotes", LV,
	  "#user = \"root\"\n",
	  { MR_AUG_SET, NULL, "user", "a\"b", STR, "user[ \t]*=.*", NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL },
	  "#user = \"root\"\nuser = 'a\"b'\n", 1, NULL },
	{ "a value with both quotes is refused", LV,
	  "user = \"root\"\n",
	  { MR_AUG_SET, NULL, "user", "a\"b'c", STR, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL }, NULL, 0, NULL },
	{ "a value with a newline is refused, not written", LV,
	  "user = \"root\"\n",
	  { MR_AUG_SET, NULL, "user", "nova\nlisten_tcp = 1", STR, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL }, NULL, 0, NULL },
	{ "a bare value that would change the syntax is refused", LV,
	  "listen_tcp = 0\n",
	  { MR_AUG_SET, NULL, "listen_tcp", "1 # x\nauth_tcp = \"none\"", NUM, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL }, NULL, 0, NULL },
	{ "removing an entry", LV,
	  "a = 1\nlisten_tcp = 1\nb = 2\n",
	  { MR_AUG_RM, NULL, "listen_tcp", NULL, NUM, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL }, "a = 1\nb = 2\n", 1, "1" },
	{ "removing the whole tree is refused", LV,
	  "a = 1\nb = 2\n",
	  { MR_AUG_RM, NULL, ".", NULL, NUM, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL }, NULL, 0, NULL },
	{ "unparsable file", LV,
	  "listen_tcp = 1\nauth_tcp = \"sasl\nx = 1\n",
	  { MR_AUG_SET, NULL, "listen_tcp", "1", NUM, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL }, NULL, 0, NULL },
	{ "lists and unknown keys survive an edit", LV,
	  "cgroup_device_acl = [\n    \"/dev/null\", \"/dev/full\",\n    # \"/dev/kvm\",\n]\nsome_future_key = 42\n#dynamic_ownership = 1\n",
	  { MR_AUG_SET, NULL, "dynamic_ownership", "0", NUM, "dynamic_ownership[ \t]*=.*", NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL },
	  "cgroup_device_acl = [\n    \"/dev/null\", \"/dev/full\",\n    # \"/dev/kvm\",\n]\nsome_future_key = 42\n#dynamic_ownership = 1\ndynamic_ownership = 0\n",
	  1, NULL },
	{ "oslo: new key below its commented default in its section", OSLO,
	  "[DEFAULT]\n#debug = false\n\n[libvirt]\n# The CPU mode\n#cpu_mode = <None>\n\n#cpu_models =\n",
	  { MR_AUG_SET, "libvirt", "cpu_mode", "custom", MR_FMT_RAW, "cpu_mode[ \t]*=.*", NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL },
	  "[DEFAULT]\n#debug = false\n\n[libvirt]\n# The CPU mode\n#cpu_mode = <None>\ncpu_mode = custom\n\n#cpu_models =\n",
	  1, NULL },
	{ "oslo: a '#' inside a value is not a comment", OSLO,
	  "[DEFAULT]\ntransport_url = rabbit://nova:pa#ss;w@ctl:5672/\n",
	  { MR_AUG_SET, "DEFAULT", "transport_url", "rabbit://nova:pa#ss;w@ctl:5672/", MR_FMT_RAW, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL },
	  "[DEFAULT]\ntransport_url = rabbit://nova:pa#ss;w@ctl:5672/\n", 0,
	  "rabbit://nova:pa#ss;w@ctl:5672/" },
	{ "oslo: a missing section is added at the end", OSLO,
	  "[DEFAULT]\ndebug = false\n",
	  { MR_AUG_SET, "libvirt", "cpu_mode", "custom", MR_FMT_RAW, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL },
	  "[DEFAULT]\ndebug = false\n\n[libvirt]\ncpu_mode = custom\n", 1, NULL },
	/* oslo.config reads a group in any case but DEFAULT, and merges a
	 * section that appears twice */
	{ "oslo: a removal reaches [LIBVIRT]", OSLO,
	  "[libvirt]\ncpu_mode = host-model\n\n[LIBVIRT]\ncpu_models = Haswell\n",
	  { .kind = MR_AUG_RM, .section = "libvirt", .key = "cpu_models", .fmt = MR_FMT_RAW },
	  "[libvirt]\ncpu_mode = host-model\n\n[LIBVIRT]\n", 1, "Haswell" },
	{ "oslo: a removal takes every duplicate, in every spelling", OSLO,
	  "[libvirt]\ncpu_models = a\ncpu_models = b\n[LIBVIRT]\ncpu_models = c\n[libvirt]\ncpu_models = d\n",
	  { .kind = MR_AUG_RM, .section = "libvirt", .key = "cpu_models", .fmt = MR_FMT_RAW },
	  "[libvirt]\n[LIBVIRT]\n[libvirt]\n", 1, NULL },
	{ "a removal takes every duplicate", LV,
	  "listen_tcp = 0\n# again\nlisten_tcp = 1\nlisten_tcp = 0\n",
	  { .kind = MR_AUG_RM, .key = "listen_tcp", .fmt = NUM },
	  "# again\n", 1, NULL },
	{ "oslo: a value in [Libvirt] is set where it stands", OSLO,
	  "[Libvirt]\ncpu_mode = custom # site\nvirt_type = kvm\n",
	  { .kind = MR_AUG_SET, .section = "libvirt", .key = "cpu_mode", .value = "host-model",
	    .fmt = MR_FMT_RAW, .comment_re = "cpu_mode[ \t]*=.*" },
	  "[Libvirt]\ncpu_mode = host-model\nvirt_type = kvm\n", 1, "custom # site" },
	{ "oslo: a section twice takes a new key in the last", OSLO,
	  "[libvirt]\nvirt_type = kvm\n\n[DEFAULT]\nmy_ip = 1.2.3.4\n\n[libvirt]\nimages_type = rbd\n",
	  { .kind = MR_AUG_SET, .section = "libvirt", .key = "cpu_mode", .value = "host-model",
	    .fmt = MR_FMT_RAW, .comment_re = "cpu_mode[ \t]*=.*" },
	  "[libvirt]\nvirt_type = kvm\n\n[DEFAULT]\nmy_ip = 1.2.3.4\n\n[libvirt]\nimages_type = rbd\n"
	  "cpu_mode = host-model\n", 1, NULL },
	{ "oslo: [default] is a group of its own, not DEFAULT", OSLO,
	  "[default]\nmy_ip = 10.0.0.5\n",
	  { .kind = MR_AUG_RM, .section = "DEFAULT", .key = "my_ip", .fmt = MR_FMT_RAW },
	  "[default]\nmy_ip = 10.0.0.5\n", 0, NULL },
	/* The operator's note on the line survives a change of its value. */
	{ "a comment on the value's line is kept", LV,
	  "listen_tcp = 0   # disabled: ticket OPS-123\n",
	  { .kind = MR_AUG_SET, .key = "listen_tcp", .value = "1", .fmt = NUM },
	  "listen_tcp = 1   # disabled: ticket OPS-123\n", 1, "0" },
	/* Defaults: absent and wanted at the consumer's default is in state. */
	{ "absent at its default stays absent", LV,
	  "#listen_tcp = 1\n",
	  { .kind = MR_AUG_SET, .key = "listen_tcp", .value = "0", .fmt = NUM, .deflt = "0" },
	  "#listen_tcp = 1\n", 0, NULL },
	{ "absent but explicit is written", LV,
	  "#listen_tcp = 1\n",
	  { .kind = MR_AUG_SET, .key = "listen_tcp", .value = "0", .fmt = NUM, .deflt = "0",
	    .explicit_default = 1 },
	  "#listen_tcp = 1\nlisten_tcp = 0\n", 1, NULL },
	{ "absent, wanted other than the default, is written", LV,
	  "",
	  { .kind = MR_AUG_SET, .key = "listen_tcp", .value = "1", .fmt = NUM, .deflt = "0" },
	  "listen_tcp = 1\n", 1, NULL },
	{ "01 is libvirt's 1: left alone", LV,
	  "listen_tcp = 01\n",
	  { .kind = MR_AUG_SET, .key = "listen_tcp", .value = "1", .fmt = NUM },
	  "listen_tcp = 01\n", 0, "01" },
	{ "010 is not 1", LV,
	  "listen_tcp = 010\n",
	  { .kind = MR_AUG_SET, .key = "listen_tcp", .value = "1", .fmt = NUM },
	  "listen_tcp = 1\n", 1, "010" },
	{ "present at the default but spelt as libvirt refuses is fixed", LV,
	  "tcp_port = 16509\n",
	  { .kind = MR_AUG_SET, .key = "tcp_port", .value = "16509", .fmt = STR, .deflt = "16509" },
	  "tcp_port = \"16509\"\n", 1, "16509" },
	/* Words of a shell variable (/etc/default/libvirtd). */
	{ "a word added, quoting and other words kept", "Shellvars.lns",
	  "# opts\nLIBVIRTD_ARGS=\"--timeout 120\"  # keep\n",
	  { .kind = MR_AUG_TOKEN_ADD, .key = "LIBVIRTD_ARGS", .value = "--listen" },
	  "# opts\nLIBVIRTD_ARGS=\"--timeout 120 --listen\"  # keep\n", 1, "--timeout 120" },
	{ "a word already there is left alone", "Shellvars.lns",
	  "LIBVIRTD_ARGS='--listen'\n",
	  { .kind = MR_AUG_TOKEN_ADD, .key = "LIBVIRTD_ARGS", .value = "--listen" },
	  "LIBVIRTD_ARGS='--listen'\n", 0, "--listen" },
	{ "a word removed, the others kept", "Shellvars.lns",
	  "libvirtd_opts=\"-d --listen --timeout 120\"\n",
	  { .kind = MR_AUG_TOKEN_DEL, .key = "libvirtd_opts", .value = "--listen" },
	  "libvirtd_opts=\"-d --timeout 120\"\n", 1, "-d --listen --timeout 120" },
	{ "a missing variable is created for an added word", "Shellvars.lns",
	  "#LIBVIRTD_ARGS=\"--listen\"\n",
	  { .kind = MR_AUG_TOKEN_ADD, .key = "LIBVIRTD_ARGS", .value = "--listen" },
	  "#LIBVIRTD_ARGS=\"--listen\"\nLIBVIRTD_ARGS=\"--listen\"\n", 1, NULL },
	{ "... below its commented default, not at the end", "Shellvars.lns",
	  "# timeout\n#LIBVIRTD_ARGS=\"--timeout 120\"\n# listen\n#LIBVIRTD_ARGS=\"--listen\"\n"
	  "# audio\n#QEMU_AUDIO_DRV=sdl\n",
	  { .kind = MR_AUG_TOKEN_ADD, .key = "LIBVIRTD_ARGS", .value = "--listen",
	    .comment_re = "LIBVIRTD_ARGS=.*" },
	  "# timeout\n#LIBVIRTD_ARGS=\"--timeout 120\"\n# listen\n#LIBVIRTD_ARGS=\"--listen\"\n"
	  "LIBVIRTD_ARGS=\"--listen\"\n# audio\n#QEMU_AUDIO_DRV=sdl\n", 1, NULL },
	{ "a missing variable stays missing when the word must go", "Shellvars.lns",
	  "#LIBVIRTD_ARGS=\"--listen\"\n",
	  { .kind = MR_AUG_TOKEN_DEL, .key = "LIBVIRTD_ARGS", .value = "--listen" },
	  "#LIBVIRTD_ARGS=\"--listen\"\n", 0, NULL },
	/* libvirtd reads its options with getopt_long: every spelling counts */
	{ "-l is --listen: nothing to add", "Shellvars.lns",
	  "LIBVIRTD_ARGS=\"-l\"\n",
	  { .kind = MR_AUG_TOKEN_ADD, .key = "LIBVIRTD_ARGS", .value = "--listen", .opts = &mr_libvirtd_opts },
	  "LIBVIRTD_ARGS=\"-l\"\n", 0, "-l" },
	{ "--listen within a cluster (-dl): nothing to add", "Shellvars.lns",
	  "LIBVIRTD_ARGS=\"-dl\"\n",
	  { .kind = MR_AUG_TOKEN_ADD, .key = "LIBVIRTD_ARGS", .value = "--listen", .opts = &mr_libvirtd_opts },
	  "LIBVIRTD_ARGS=\"-dl\"\n", 0, "-dl" },
	{ "an unambiguous prefix (--lis) is --listen", "Shellvars.lns",
	  "LIBVIRTD_ARGS=\"--lis\"\n",
	  { .kind = MR_AUG_TOKEN_ADD, .key = "LIBVIRTD_ARGS", .value = "--listen", .opts = &mr_libvirtd_opts },
	  "LIBVIRTD_ARGS=\"--lis\"\n", 0, "--lis" },
	{ "-l as -f's argument is a file name, not --listen", "Shellvars.lns",
	  "LIBVIRTD_ARGS=\"-f -l\"\n",
	  { .kind = MR_AUG_TOKEN_ADD, .key = "LIBVIRTD_ARGS", .value = "--listen", .opts = &mr_libvirtd_opts },
	  "LIBVIRTD_ARGS=\"-f -l --listen\"\n", 1, "-f -l" },
	{ "-l as --config's argument is a file name", "Shellvars.lns",
	  "LIBVIRTD_ARGS=\"--config -l\"\n",
	  { .kind = MR_AUG_TOKEN_ADD, .key = "LIBVIRTD_ARGS", .value = "--listen", .opts = &mr_libvirtd_opts },
	  "LIBVIRTD_ARGS=\"--config -l --listen\"\n", 1, "--config -l" },
	{ "-fl: l is -f's argument", "Shellvars.lns",
	  "LIBVIRTD_ARGS=\"-fl\"\n",
	  { .kind = MR_AUG_TOKEN_DEL, .key = "LIBVIRTD_ARGS", .value = "--listen", .opts = &mr_libvirtd_opts },
	  "LIBVIRTD_ARGS=\"-fl\"\n", 0, "-fl" },
	{ "an ambiguous prefix (--v) is no option", "Shellvars.lns",
	  "LIBVIRTD_ARGS=\"--v\"\n",
	  { .kind = MR_AUG_TOKEN_DEL, .key = "LIBVIRTD_ARGS", .value = "--listen", .opts = &mr_libvirtd_opts },
	  "LIBVIRTD_ARGS=\"--v\"\n", 0, "--v" },
	{ "-l goes, and so does its variable's value", "Shellvars.lns",
	  "LIBVIRTD_ARGS=\"-l\"\n",
	  { .kind = MR_AUG_TOKEN_DEL, .key = "LIBVIRTD_ARGS", .value = "--listen", .opts = &mr_libvirtd_opts },
	  "LIBVIRTD_ARGS=\"\"\n", 1, "-l" },
	{ "the letter leaves its cluster, the rest stays", "Shellvars.lns",
	  "libvirtd_opts=\"-dl --timeout 120 -ldf /etc/l.conf\"\n",
	  { .kind = MR_AUG_TOKEN_DEL, .key = "libvirtd_opts", .value = "--listen", .opts = &mr_libvirtd_opts },
	  "libvirtd_opts=\"-d --timeout 120 -df /etc/l.conf\"\n", 1, "-dl --timeout 120 -ldf /etc/l.conf" },
	{ "every spelling goes", "Shellvars.lns",
	  "LIBVIRTD_ARGS=\"--listen -t 120 --l -v -l\"\n",
	  { .kind = MR_AUG_TOKEN_DEL, .key = "LIBVIRTD_ARGS", .value = "--listen", .opts = &mr_libvirtd_opts },
	  "LIBVIRTD_ARGS=\"-t 120 -v\"\n", 1, "--listen -t 120 --l -v -l" },
	{ "added before a '--' that ends the options", "Shellvars.lns",
	  "LIBVIRTD_ARGS=\"-d -- x\"\n",
	  { .kind = MR_AUG_TOKEN_ADD, .key = "LIBVIRTD_ARGS", .value = "--listen", .opts = &mr_libvirtd_opts },
	  "LIBVIRTD_ARGS=\"-d --listen -- x\"\n", 1, "-d -- x" },
	{ "'--' as -f's argument ends nothing", "Shellvars.lns",
	  "LIBVIRTD_ARGS=\"-f --\"\n",
	  { .kind = MR_AUG_TOKEN_ADD, .key = "LIBVIRTD_ARGS", .value = "--listen", .opts = &mr_libvirtd_opts },
	  "LIBVIRTD_ARGS=\"-f -- --listen\"\n", 1, "-f --" },
	{ "added before a lone '--'", "Shellvars.lns",
	  "LIBVIRTD_ARGS=\"--\"\n",
	  { .kind = MR_AUG_TOKEN_ADD, .key = "LIBVIRTD_ARGS", .value = "--listen", .opts = &mr_libvirtd_opts },
	  "LIBVIRTD_ARGS=\"--listen --\"\n", 1, "--" },
	/* the rewritten line names the entry (nova), not the field (shell) */
	{ "one field of a passwd entry", "Passwd.lns",
	  "root:x:0:0:root:/root:/bin/bash\nnova:x:64060:64060::/var/lib/nova:/usr/sbin/nologin\n",
	  { .kind = MR_AUG_SET, .key = "nova/shell", .value = "/bin/sh", .fmt = MR_FMT_RAW },
	  "root:x:0:0:root:/root:/bin/bash\nnova:x:64060:64060::/var/lib/nova:/bin/sh\n", 1,
	  "/usr/sbin/nologin" },
	{ "a value with an expansion is not guessed at", "Shellvars.lns",
	  "LIBVIRTD_ARGS=\"$EXTRA --timeout 120\"\n",
	  { .kind = MR_AUG_TOKEN_ADD, .key = "LIBVIRTD_ARGS", .value = "--listen" },
	  NULL, 0, NULL },
};

static struct mr_aug *new_engine(void)
{
	struct mr_error *err = NULL;
	struct mr_aug *aug = mr_aug_new(MR_LENS_DIRS, &err);
	assert_null(err);
	assert_non_null(aug);
	return aug;
}

static void test_edit_cases(void **state)
{
	(void)state;
	struct mr_aug *aug = new_engine();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct edit_case *c = &cases[i];
		struct mr_error *err = NULL;
		struct mr_aug_outcome oc;
		char *out = NULL;
		size_t out_len = 0;
		print_message("case: %s\n", c->name);
		int r = mr_aug_transform(aug, "test:/f", c->lens, c->input, strlen(c->input), &c->op,
		                         1, &oc, &out, &out_len, &err);
		if (!c->expect) {
			assert_int_equal(r, -1);
			assert_null(out);
			assert_non_null(err);
			mr_error_free(err);
			continue;
		}
		if (r != 0)
			fail_msg("%s: %s: %s", c->name, err ? err->where : "", err ? err->message : "");
		assert_string_equal(out, c->expect);
		assert_int_equal(out_len, strlen(c->expect));
		assert_int_equal(oc.changed, c->changed);
		if (c->old)
			assert_string_equal(oc.old, c->old);
		else
			assert_null(oc.old);
		mr_aug_outcomes_fini(&oc, 1);
		free(out);
	}
	mr_aug_free(aug);
}

static void test_parse_error_names_line_and_column(void **state)
{
	(void)state;
	struct mr_aug *aug = new_engine();
	const char *text = "listen_tcp = 1\n\nauth_tcp = \"sasl\nx = 1\n";
	struct mr_aug_op op = { MR_AUG_SET, NULL, "listen_tcp", "1", NUM, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL };
	struct mr_aug_outcome oc;
	struct mr_error *err = NULL;
	char *out = NULL;
	size_t len;
	assert_int_equal(mr_aug_transform(aug, "h1:/etc/libvirt/libvirtd.conf", LV, text,
	                                  strlen(text), &op, 1, &oc, &out, &len, &err), -1);
	assert_non_null(err);
	assert_int_equal(err->kind, MR_ERR_PARSE);
	/* The place names the host, the path and a line of the file. */
	assert_true(strncmp(err->where, "h1:/etc/libvirt/libvirtd.conf:", 30) == 0);
	assert_non_null(strstr(err->message, "does not parse"));
	mr_error_free(err);
	mr_aug_free(aug);
}

/* What lenses stumble on is said after Augeas's message. */
static void test_parse_error_hints(void **state)
{
	(void)state;
	struct mr_aug *aug = new_engine();
	static const struct {
		const char *lens, *text, *hint;
	} hints[] = {
		{ "Exports.lns", "/srv \\\n  h(rw)\n", "a line continued with '\\'" },
		{ "Fstab.lns", "/dev/sda1 / ext4 defaults 0 1\r\n", "end in CR LF" },
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(hints); i++) {
		struct mr_aug_op op = { .kind = MR_AUG_RM, .key = "x", .fmt = MR_FMT_RAW };
		struct mr_aug_outcome oc;
		struct mr_error *err = NULL;
		char *out = NULL;
		size_t len;
		if (mr_aug_transform(aug, "h1:/etc/f", hints[i].lens, hints[i].text,
		                     strlen(hints[i].text), &op, 1, &oc, &out, &len, &err) != -1)
			fail_msg("%s: parsed", hints[i].text);
		if (!err || !strstr(err->message, hints[i].hint))
			fail_msg("%s: '%s' lacks '%s'", hints[i].text, err ? err->message : "", hints[i].hint);
		mr_error_free(err);
		mr_aug_outcomes_fini(&oc, 1);
	}
	mr_aug_free(aug);
}

/* A file without its last newline (which most lenses need, and editors
 * often leave out) is read with it: unchanged, it is given back as it is;
 * edited, it gets it (found by a review: a real multipath.conf refused). */
static void test_no_final_newline(void **state)
{
	(void)state;
	struct mr_aug *aug = new_engine();
	const char *text = "/dev/sda1 / ext4 defaults 0 1\nnfs:/ /mnt nfs4 rw 0 0";
	struct mr_aug_op keep = { .kind = MR_AUG_RM, .key = "*[file = '/nowhere']",
		                  .fmt = MR_FMT_RAW };
	struct mr_aug_op drop = { .kind = MR_AUG_ENTRY, .key = "*[file = '/mnt']", .fmt = MR_FMT_RAW,
		                  .value = "nfs2:/ /mnt nfs4 rw 0 0",
		                  .children = "spec\tnfs2:/\nfile\t/mnt\nvfstype\tnfs4\nopt[1]\trw\n"
		                              "dump\t0\npassno\t0\n",
		                  .create = "#" };
	struct mr_aug_outcome oc;
	struct mr_error *err = NULL;
	char *out = NULL;
	size_t len;
	if (mr_aug_transform(aug, "h1:/etc/fstab", "Fstab.lns", text, strlen(text), &keep, 1, &oc,
	                     &out, &len, &err) != 0)
		fail_msg("%s", err ? err->message : "?");
	assert_string_equal(out, text);
	free(out);
	mr_aug_outcomes_fini(&oc, 1);
	if (mr_aug_transform(aug, "h1:/etc/fstab", "Fstab.lns", text, strlen(text), &drop, 1, &oc,
	                     &out, &len, &err) != 0)
		fail_msg("%s", err ? err->message : "?");
	assert_string_equal(out, "/dev/sda1 / ext4 defaults 0 1\nnfs2:/ /mnt nfs4 rw 0 0\n");
	free(out);
	mr_aug_outcomes_fini(&oc, 1);
	/* still refused where the newline is not what it lacks */
	const char *bad = "/dev/sda1 / ext4 defaults 0 1\n/dev/sdb1";
	assert_int_equal(mr_aug_transform(aug, "h1:/etc/fstab", "Fstab.lns", bad, strlen(bad), &keep,
	                                  1, &oc, &out, &len, &err),
	                 -1);
	assert_non_null(err);
	assert_null(strstr(err->message, "newline"));
	mr_error_free(err);
	mr_aug_outcomes_fini(&oc, 1);
	mr_aug_free(aug);
}

/* Folded comment prose must not shift the line an error names. */
static void test_parse_error_line_past_comment_prose(void **state)
{
	(void)state;
	struct mr_aug *aug = new_engine();
	struct mr_buf text;
	mr_buf_init(&text);
	for (int i = 0; i < 200; i++)
		mr_buf_printf(&text, "# prose line %d\n%s", i, i % 10 ? "" : "\n");
	mr_buf_puts(&text, "listen_tcp = 1\nauth_tcp = \"sasl\n");
	struct mr_aug_op op = { MR_AUG_SET, NULL, "listen_tcp", "1", NUM, "listen_tcp[ \t]*=.*", NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL };
	struct mr_aug_outcome oc;
	struct mr_error *err = NULL;
	char *out = NULL;
	size_t len;
	assert_int_equal(mr_aug_transform(aug, "h:/f", LV, text.data, text.len, &op, 1, &oc, &out,
	                                  &len, &err), -1);
	/* 200 prose lines, 20 blank ones, then the good line: line 222. */
	assert_string_equal(err->where, "h:/f:222:1");
	mr_error_free(err);
	mr_buf_fini(&text);
	mr_aug_free(aug);
}

/* A large file of prose, edited: the same bytes as a person would get. */
static void test_large_prose_file_edited_exactly(void **state)
{
	(void)state;
	struct mr_aug *aug = new_engine();
	struct mr_buf text, want;
	mr_buf_init(&text);
	mr_buf_init(&want);
	mr_buf_puts(&text, "[DEFAULT]\n");
	for (int s = 0; s < 3; s++) {
		if (s)
			mr_buf_printf(&text, "\n[section%d]\n", s);
		for (int i = 0; i < 2000; i++)
			mr_buf_printf(&text, "#\n# Option %d of section %d.\n#\n#opt_%d = <None>\n\n", i, s, i);
	}
	mr_buf_add(&want, text.data, text.len);
	/* Expected: the new line right below "#opt_1500 = <None>" of section1. */
	const char *anchor = strstr(strstr(want.data, "[section1]"), "#opt_1500 = <None>\n");
	size_t at = (size_t)(anchor - want.data) + strlen("#opt_1500 = <None>\n");
	struct mr_buf expect;
	mr_buf_init(&expect);
	mr_buf_add(&expect, want.data, at);
	mr_buf_puts(&expect, "opt_1500 = 7\n");
	mr_buf_add(&expect, want.data + at, want.len - at);
	struct mr_aug_op op = { MR_AUG_SET, "section1", "opt_1500", "7", MR_FMT_RAW, "opt_1500[ \t]*=.*", NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL };
	struct mr_aug_outcome oc;
	struct mr_error *err = NULL;
	char *out = NULL;
	size_t len;
	assert_int_equal(mr_aug_transform(aug, "h:/nova.conf", OSLO, text.data, text.len, &op, 1, &oc,
	                                  &out, &len, &err), 0);
	assert_int_equal(len, expect.len);
	assert_memory_equal(out, expect.data, len);
	mr_aug_outcomes_fini(&oc, 1);
	free(out);
	mr_buf_fini(&text);
	mr_buf_fini(&want);
	mr_buf_fini(&expect);
	mr_aug_free(aug);
}

static void test_unknown_lens(void **state)
{
	(void)state;
	struct mr_aug *aug = new_engine();
	struct mr_aug_op op = { MR_AUG_SET, NULL, "a", "1", MR_FMT_RAW, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL };
	struct mr_aug_outcome oc;
	struct mr_error *err = NULL;
	char *out = NULL;
	size_t len;
	assert_int_equal(mr_aug_transform(aug, "h:/f", "No_such_lens.lns", "a = 1\n", 6, &op, 1,
	                                  &oc, &out, &len, &err), -1);
	assert_non_null(err);
	mr_error_free(err);
	mr_aug_free(aug);
}

static void test_nul_byte_refused(void **state)
{
	(void)state;
	struct mr_aug *aug = new_engine();
	struct mr_aug_op op = { MR_AUG_SET, NULL, "a", "1", NUM, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL };
	struct mr_aug_outcome oc;
	struct mr_error *err = NULL;
	char *out = NULL;
	size_t len;
	assert_int_equal(mr_aug_transform(aug, "h:/f", LV, "a = 1\n\0b", 8, &op, 1, &oc, &out,
	                                  &len, &err), -1);
	assert_non_null(strstr(err->message, "NUL"));
	mr_error_free(err);
	mr_aug_free(aug);
}

/* Bytes 0x01-0x04 are Augeas's own: "a = 1 #\004" with an edit made
 * aug_text_retrieve abort the process (found by fuzz_lens_libvirt). */
static void test_reserved_bytes_refused(void **state)
{
	(void)state;
	static const char *const texts[] = {
		"a = 1 #\004\n",
		"# libvioup=\"libvirt\"\nunix_sock_rw_perms = \"0770\"#noready-fod-\xa7" "9c\xadQ\x7f"
		"\004\x1f" "futurthS.0#x\"\n",
		"# x\n#\001\n",
	};
	static const char *const at[] = { "h:/f:1:8", "h:/f:2:47", "h:/f:2:2" };
	struct mr_aug *aug = new_engine();
	struct mr_aug_op op = { .kind = MR_AUG_SET, .key = "listen_tcp", .value = "1", .fmt = NUM,
	                        .comment_re = "listen_tcp[ \t]*=.*" };
	for (size_t i = 0; i < MR_ARRAY_LEN(texts); i++) {
		struct mr_aug_outcome oc;
		struct mr_error *err = NULL;
		char *out = NULL;
		size_t len;
		assert_int_equal(mr_aug_transform(aug, "h:/f", LV, texts[i], strlen(texts[i]), &op, 1,
		                                  &oc, &out, &len, &err), -1);
		assert_null(out);
		assert_non_null(err);
		assert_string_equal(err->where, at[i]);
		assert_non_null(strstr(err->message, "which Augeas cannot handle"));
		mr_error_free(err);
	}
	mr_aug_free(aug);
}

static void test_cache_serves_identical_requests(void **state)
{
	(void)state;
	struct mr_aug *aug = new_engine();
	const char *text = "#listen_tcp = 1\n";
	struct mr_aug_op op = { MR_AUG_SET, NULL, "listen_tcp", "1", NUM, "listen_tcp[ \t]*=.*", NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL };
	unsigned long parses, hits;
	for (int i = 0; i < 3; i++) {
		struct mr_aug_outcome oc;
		struct mr_error *err = NULL;
		char *out = NULL;
		size_t len;
		assert_int_equal(mr_aug_transform(aug, "h:/f", LV, text, strlen(text), &op, 1, &oc,
		                                  &out, &len, &err), 0);
		assert_string_equal(out, "#listen_tcp = 1\nlisten_tcp = 1\n");
		assert_int_equal(oc.changed, 1);
		mr_aug_outcomes_fini(&oc, 1);
		free(out);
	}
	mr_aug_stats(aug, &parses, &hits);
	assert_int_equal(parses, 1);
	assert_int_equal(hits, 2);
	/* A different value is a different request. */
	op.value = "0";
	struct mr_aug_outcome oc;
	struct mr_error *err = NULL;
	char *out = NULL;
	size_t len;
	assert_int_equal(mr_aug_transform(aug, "h:/f", LV, text, strlen(text), &op, 1, &oc, &out,
	                                  &len, &err), 0);
	assert_string_equal(out, "#listen_tcp = 1\nlisten_tcp = 0\n");
	mr_aug_outcomes_fini(&oc, 1);
	free(out);
	mr_aug_stats(aug, &parses, &hits);
	assert_int_equal(parses, 2);
	mr_aug_free(aug);
}

static void test_several_ops_in_order(void **state)
{
	(void)state;
	struct mr_aug *aug = new_engine();
	const char *text = "#listen_tls = 0\n#listen_tcp = 1\n#tcp_port = \"16509\"\n";
	struct mr_aug_op ops[] = {
		{ MR_AUG_SET, NULL, "listen_tls", "0", NUM, "listen_tls[ \t]*=.*", NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL },
		{ MR_AUG_SET, NULL, "listen_tcp", "1", NUM, "listen_tcp[ \t]*=.*", NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL },
		{ MR_AUG_SET, NULL, "tcp_port", "16509", STR, "tcp_port[ \t]*=.*", NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL },
	};
	struct mr_aug_outcome oc[3];
	struct mr_error *err = NULL;
	char *out = NULL;
	size_t len;
	assert_int_equal(mr_aug_transform(aug, "h:/f", LV, text, strlen(text), ops, 3, oc, &out,
	                                  &len, &err), 0);
	assert_string_equal(out, "#listen_tls = 0\nlisten_tls = 0\n#listen_tcp = 1\nlisten_tcp = 1\n"
	                         "#tcp_port = \"16509\"\ntcp_port = \"16509\"\n");
	for (int i = 0; i < 3; i++)
		assert_int_equal(oc[i].changed, 1);
	mr_aug_outcomes_fini(oc, 3);
	free(out);
	mr_aug_free(aug);
}

/* Inserts, on iptables-save files: the line lands above the first node
 * `before` matches, else below the last `after` matches; a node matching
 * key means nothing to do; no place, or a line that does not read back as
 * key, fails. The text is spliced, so later lines keep their spelling. */
#define IPT "Iptables.lns"
#define RULES                                                                             \
	"*filter\n:INPUT DROP [0:0]\n-A INPUT -i lo -j ACCEPT\n"                              \
	"-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT \n-A INPUT -j REJECT\n"                   \
	"-A FORWARD --in-interface eth1 -j ACCEPT\nCOMMIT\n"
#define BEFORE "table/append[.='INPUT'][jump='REJECT']"
#define AFTER "table/*[label()='chain' or (label()='append' and .='INPUT')]"
#define LINE16509 "-A INPUT -p tcp -m tcp --dport 16509 -j ACCEPT"
#define KEY16509 "table/append[.='INPUT'][dport='16509']"

struct insert_case {
	const char *name;
	const char *input;
	struct mr_aug_op ops[2];
	size_t nops;
	const char *expect; /* NULL: fails, with this in the message */
	const char *error;
};

static const struct insert_case insert_cases[] = {
	{ "above the stop, the other lines as they were", RULES,
	  { { MR_AUG_INSERT, NULL, KEY16509, LINE16509, MR_FMT_RAW, BEFORE, AFTER, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL } }, 1,
	  "*filter\n:INPUT DROP [0:0]\n-A INPUT -i lo -j ACCEPT\n"
	  "-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT \n" LINE16509 "\n-A INPUT -j REJECT\n"
	  "-A FORWARD --in-interface eth1 -j ACCEPT\nCOMMIT\n", NULL },
	{ "two for one place, in their order", RULES,
	  { { MR_AUG_INSERT, NULL, KEY16509, LINE16509, MR_FMT_RAW, BEFORE, AFTER, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL },
	    { MR_AUG_INSERT, NULL, "table/append[dport='49152:49261']",
	      "-A INPUT -p tcp -m tcp --dport 49152:49261 -j ACCEPT", MR_FMT_RAW, BEFORE, AFTER,
	      0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL } }, 2,
	  "*filter\n:INPUT DROP [0:0]\n-A INPUT -i lo -j ACCEPT\n"
	  "-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT \n" LINE16509 "\n"
	  "-A INPUT -p tcp -m tcp --dport 49152:49261 -j ACCEPT\n-A INPUT -j REJECT\n"
	  "-A FORWARD --in-interface eth1 -j ACCEPT\nCOMMIT\n", NULL },
	{ "already there: nothing to do", RULES,
	  { { MR_AUG_INSERT, NULL, "table/append[dport='22']", "-A INPUT -p tcp --dport 22 -j ACCEPT",
	      MR_FMT_RAW, BEFORE, AFTER, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL } }, 1, RULES, NULL },
	{ "no stop: below the chain's last rule",
	  "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -i lo -j ACCEPT\n-A FORWARD -j ACCEPT\nCOMMIT\n",
	  { { MR_AUG_INSERT, NULL, KEY16509, LINE16509, MR_FMT_RAW, BEFORE, AFTER, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL } }, 1,
	  "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -i lo -j ACCEPT\n" LINE16509 "\n"
	  "-A FORWARD -j ACCEPT\nCOMMIT\n", NULL },
	{ "no rule at all: below the chain's declaration",
	  "*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n",
	  { { MR_AUG_INSERT, NULL, KEY16509, LINE16509, MR_FMT_RAW, BEFORE, AFTER, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL } }, 1,
	  "*filter\n:INPUT ACCEPT [0:0]\n" LINE16509 "\nCOMMIT\n", NULL },
	{ "no place at all", "*nat\n:PREROUTING ACCEPT [0:0]\nCOMMIT\n",
	  { { MR_AUG_INSERT, NULL, KEY16509, LINE16509, MR_FMT_RAW, "table[.='filter']/append",
	      "table[.='filter']/chain", 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL } }, 1, NULL, "nowhere to add" },
	{ "a line that is not what key wants", RULES,
	  { { MR_AUG_INSERT, NULL, KEY16509, "-A INPUT -p tcp --dport 16510 -j ACCEPT", MR_FMT_RAW,
	      BEFORE, AFTER, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL } }, 1, NULL, "would not read back as wanted" },
	{ "a line the lens refuses", RULES,
	  { { MR_AUG_INSERT, NULL, KEY16509, "not a rule", MR_FMT_RAW, BEFORE, AFTER,
	      0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL } }, 1, NULL, "would not parse again" },
	/* a node the op refuses (iptables-restore puts -I at the top,
	 * wherever the file has it): the file fails, naming its line */
	{ "a refused node: the file fails with its line",
	  "*filter\n:INPUT DROP [0:0]\n-A INPUT -i lo -j ACCEPT\n"
	  "-I INPUT -s 10.20.0.0/16 -p tcp -m tcp --dport 16509 -j DROP\nCOMMIT\n",
	  { { MR_AUG_INSERT, NULL, KEY16509, LINE16509, MR_FMT_RAW, BEFORE, AFTER, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0,
	      "table[.='filter']/insert[.='INPUT']", "an -I INPUT rule", NULL, NULL, 0, NULL, NULL, NULL } }, 1, NULL,
	  "an -I INPUT rule; not written" },
	{ "inserts do not mix with other edits", RULES,
	  { { MR_AUG_INSERT, NULL, KEY16509, LINE16509, MR_FMT_RAW, BEFORE, AFTER, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL },
	    { MR_AUG_RM, NULL, "table/append[1]", NULL, MR_FMT_RAW, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL } }, 2, NULL,
	  "mixed" },
};

static void test_insert_cases(void **state)
{
	(void)state;
	struct mr_aug *aug = new_engine();
	for (size_t i = 0; i < sizeof(insert_cases) / sizeof(insert_cases[0]); i++) {
		const struct insert_case *c = &insert_cases[i];
		struct mr_error *err = NULL;
		struct mr_aug_outcome oc[2];
		char *out = NULL;
		size_t len = 0;
		print_message("case: %s\n", c->name);
		int r = mr_aug_transform(aug, "test:/rules.v4", IPT, c->input, strlen(c->input), c->ops,
		                         c->nops, oc, &out, &len, &err);
		if (!c->expect) {
			assert_int_equal(r, -1);
			assert_null(out);
			assert_non_null(err);
			if (!strstr(err->message, c->error))
				fail_msg("%s: '%s' lacks '%s'", c->name, err->message, c->error);
			if (strstr(c->error, "-I INPUT") && strcmp(err->where, "test:/rules.v4:4") != 0)
				fail_msg("%s: blamed '%s', not line 4", c->name, err->where);
			mr_error_free(err);
			continue;
		}
		if (r != 0)
			fail_msg("%s: %s", c->name, err ? err->message : "");
		assert_string_equal(out, c->expect);
		int changed = strcmp(c->expect, c->input) != 0;
		for (size_t k = 0; k < c->nops; k++) {
			assert_int_equal(oc[k].changed, changed);
			assert_int_equal(oc[k].present, !changed);
		}
		mr_aug_outcomes_fini(oc, c->nops);
		free(out);
	}
	mr_aug_free(aug);
}

/* The fleet's workers share one engine: many threads, distinct and equal
 * contents, each must get exactly its own result. */
struct worker_arg {
	struct mr_aug *aug;
	int id;
	int failures;
};

static void *transform_worker(void *data)
{
	struct worker_arg *w = data;
	for (int round = 0; round < 50; round++) {
		/* Half the workers share contents, so the cache is exercised too. */
		int variant = (w->id % 2) ? w->id : 0;
		char text[128], want[192], value[16];
		snprintf(text, sizeof(text), "# host %d\n#listen_tcp = 1\nmax_clients = %d\n", variant,
		         variant);
		snprintf(value, sizeof(value), "%d", round % 3);
		snprintf(want, sizeof(want), "# host %d\n#listen_tcp = 1\nlisten_tcp = %s\nmax_clients = %d\n",
		         variant, value, variant);
		struct mr_aug_op op = { MR_AUG_SET, NULL, "listen_tcp", value, NUM, "listen_tcp[ \t]*=.*", NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL };
		struct mr_aug_outcome oc;
		struct mr_error *err = NULL;
		char *out = NULL;
		size_t len;
		if (mr_aug_transform(w->aug, "h:/f", LV, text, strlen(text), &op, 1, &oc, &out, &len,
		                     &err) < 0 || strcmp(out, want) != 0)
			w->failures++;
		mr_error_free(err);
		mr_aug_outcomes_fini(&oc, 1);
		free(out);
	}
	return NULL;
}

static void test_shared_by_threads(void **state)
{
	(void)state;
	struct mr_aug *aug = new_engine();
	pthread_t tids[8];
	struct worker_arg args[8];
	for (int i = 0; i < 8; i++) {
		args[i] = (struct worker_arg){ aug, i, 0 };
		assert_int_equal(pthread_create(&tids[i], NULL, transform_worker, &args[i]), 0);
	}
	for (int i = 0; i < 8; i++) {
		pthread_join(tids[i], NULL);
		assert_int_equal(args[i].failures, 0);
	}
	unsigned long parses, hits;
	mr_aug_stats(aug, &parses, &hits);
	assert_int_equal(parses + hits, 8 * 50);
	/* 4 distinct odd-worker contents + 1 shared, 3 values each; the same
	 * request parsed at most once per handle (two at once both miss). */
	assert_true(parses <= 15 * 2);
	mr_aug_free(aug);
}

/* One slow parse holds up only its own handle (issue 11, item 7): while a
 * large file parses, a small one given meanwhile is done. Asserted on the
 * order of completion, not on times. */
struct slow_parse {
	struct mr_aug *aug;
	const char *text;
	atomic_int done;
	int rc;
};

static void *slow_parse_worker(void *data)
{
	struct slow_parse *s = data;
	struct mr_aug_op op = { MR_AUG_SET, NULL, "listen_tcp", "1", NUM, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL };
	struct mr_aug_outcome oc;
	struct mr_error *err = NULL;
	char *out = NULL;
	size_t len;
	s->rc = mr_aug_transform(s->aug, "big:/f", LV, s->text, strlen(s->text), &op, 1, &oc, &out,
	                         &len, &err);
	atomic_store(&s->done, 1);
	mr_error_free(err);
	mr_aug_outcomes_fini(&oc, 1);
	free(out);
	return NULL;
}

static void test_slow_parse_holds_only_its_handle(void **state)
{
	(void)state;
	struct mr_aug *aug = new_engine();
	/* a second handle after 10 ms of the large parse's CPU time, not a
	 * second: that parse then need not last long */
	mr_aug_set_slow_parse_ms(aug, 10);
	/* 10,000 active keys: Augeas takes far longer over them than a new
	 * handle and a small file take, also on a fast machine (2,000 took
	 * about 60 ms on one, less than that) */
	size_t cap = 10000 * 32, n = 0;
	char *big = malloc(cap);
	assert_non_null(big);
	for (int i = 0; i < 10000; i++)
		n += (size_t)snprintf(big + n, cap - n, "key_%08d = %d\n", i, i);
	unsigned long before, parses, hits;
	mr_aug_stats(aug, &before, &hits);
	struct slow_parse slow = { aug, big, 0, -1 };
	pthread_t tid;
	assert_int_equal(pthread_create(&tid, NULL, slow_parse_worker, &slow), 0);
	/* until the large file holds a handle */
	do {
		nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
		mr_aug_stats(aug, &parses, &hits);
	} while (parses == before);

	const char *small = "#listen_tcp = 1\n";
	struct mr_aug_op op = { MR_AUG_SET, NULL, "listen_tcp", "1", NUM, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL };
	struct mr_aug_outcome oc;
	struct mr_error *err = NULL;
	char *out = NULL;
	size_t len;
	assert_int_equal(mr_aug_transform(aug, "small:/f", LV, small, strlen(small), &op, 1, &oc,
	                                  &out, &len, &err),
	                 0);
	assert_string_equal(out, "#listen_tcp = 1\nlisten_tcp = 1\n");
	if (atomic_load(&slow.done))
		fail_msg("the small file waited for the large one's parse");
	pthread_join(tid, NULL);
	assert_int_equal(slow.rc, 0);
	mr_aug_outcomes_fini(&oc, 1);
	free(out);
	free(big);
	mr_aug_free(aug);
}

/* Retrieve returning shrunken text (issue 11's fault matrix): a lens that
 * drops a line leaving no trace in the tree passes the tree comparison, so
 * the byte-level guard must refuse the text, naming the line, even right
 * next to the managed line it rewrote; a text that only rewrote the
 * managed line (a list over several lines too) passes. */
static void test_shrunken_retrieve_refused(void **state)
{
	(void)state;
	static const char apart[] = "# keep me\nmax_clients = 5\n\nlisten_tcp = 0\n";
	static const char next[] = "# keep me\nmax_clients = 5\nlisten_tcp = 0\n";
	static const char list[] = "listen_tcp = [\n  \"a\",\n  \"b\" ]\nmax_clients = 5\n";
	static const struct {
		const char *name, *before, *after;
		const char *lost; /* NULL: accepted */
	} shrunk[] = {
		{ "managed line rewritten", apart, "# keep me\nmax_clients = 5\n\nlisten_tcp = 1\n", NULL },
		{ "comment dropped", apart, "max_clients = 5\n\nlisten_tcp = 1\n", "# keep me" },
		{ "unmanaged entry dropped", apart, "# keep me\n\nlisten_tcp = 1\n", "max_clients = 5" },
		{ "lost next to the rewritten line", next, "# keep me\nlisten_tcp = 1\n", "max_clients = 5" },
		{ "lost next to the removed line", next, "# keep me\n", "max_clients = 5" },
		{ "comment lost above the rewritten line", next, "max_clients = 5\nlisten_tcp = 1\n",
		  "# keep me" },
		{ "list over lines rewritten", list, "listen_tcp = [ \"a\" ]\nmax_clients = 5\n", NULL },
		{ "lost after the list", list, "listen_tcp = [ \"a\" ]\n", "max_clients = 5" },
		{ "value continued on an indented line", "listen_tcp = a,\n    b\nmax_clients = 5\n",
		  "listen_tcp = 1\nmax_clients = 5\n", NULL },
		{ "indented entry lost after the value", "listen_tcp = a\n  max_clients = 5\n",
		  "listen_tcp = 1\n", "max_clients = 5" },
		{ "last line gains its newline", "listen_tcp = 0\na = 1", "listen_tcp = 1\na = 1\n", NULL },
		/* an entry continued with '\\' (exports(5)): its later lines are
		 * its own, the first one staying or not; another entry's are not */
		{ "later line of a continued entry rewritten", "listen_tcp \\\n  0 \\\n  x\nb\n",
		  "listen_tcp \\\n  1 \\\n  x\nb\n", NULL },
		{ "two later lines rewritten apart", "listen_tcp \\\n  0 \\\n  x \\\n  y\nb\n",
		  "listen_tcp \\\n  1 \\\n  x \\\n  y z\nb\n", NULL },
		{ "later line of another continued entry lost", "other \\\n  0 \\\n  x\nlisten_tcp = 0\n",
		  "other \\\n  x\nlisten_tcp = 1\n", "  0 \\" },
	};
	struct mr_aug_op op = { MR_AUG_SET, NULL, "listen_tcp", "1", NUM, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL };
	for (size_t i = 0; i < sizeof(shrunk) / sizeof(shrunk[0]); i++) {
		struct mr_error *err = NULL;
		int r = mr_aug_only_managed_lines_go("h:/f", shrunk[i].before, strlen(shrunk[i].before),
		                                     shrunk[i].after, strlen(shrunk[i].after), &op, 1,
		                                     &err);
		if (!shrunk[i].lost) {
			if (r != 0)
				fail_msg("%s: refused: %s", shrunk[i].name, err ? err->message : "");
			continue;
		}
		if (r == 0 || !err || !strstr(err->message, shrunk[i].lost) ||
		    !strstr(err->message, "not written"))
			fail_msg("%s: not refused as it should: %s", shrunk[i].name,
			         err ? err->message : "no error");
		mr_error_free(err);
	}
}

/* oslo.config reads every line of a multi-valued option (MultiStrOpt):
 * setting such a key would rewrite each value to one and lose the rest.
 * Equal lines, and libvirt's files (virConf reads the first), are set. */
static void test_oslo_multi_valued_key_refused(void **state)
{
	(void)state;
	struct mr_aug *aug = new_engine();
	const char *two = "[pci]\ndevice_spec = { \"a\": 1 }\ndevice_spec = { \"b\": 2 }\n";
	struct mr_aug_op op = { .kind = MR_AUG_SET, .section = "pci", .key = "device_spec",
		                .value = "{ \"b\": 2 }", .fmt = MR_FMT_RAW };
	struct mr_aug_outcome oc;
	struct mr_error *err = NULL;
	char *out = NULL;
	size_t len;
	assert_int_equal(mr_aug_transform(aug, "h1:/etc/nova/nova.conf", OSLO, two, strlen(two),
	                                  &op, 1, &oc, &out, &len, &err), -1);
	assert_null(out);
	assert_non_null(err);
	assert_string_equal(err->where, "h1:/etc/nova/nova.conf");
	assert_string_equal(err->message, "device_spec is set 2 times in [pci] (a multi-valued "
	                                  "option?): not rewritten");
	mr_error_free(err);
	err = NULL;

	const char *same = "[pci]\ndevice_spec = x\ndevice_spec = x\n";
	op.value = "y";
	assert_int_equal(mr_aug_transform(aug, "h1:/etc/nova/nova.conf", OSLO, same, strlen(same),
	                                  &op, 1, &oc, &out, &len, &err), 0);
	assert_string_equal(out, "[pci]\ndevice_spec = y\ndevice_spec = y\n");
	mr_aug_outcomes_fini(&oc, 1);
	free(out);

	/* an option nova declares single-valued: the lines before the last
	 * are dead copies, in one spelling of the group or another */
	const char *dead = "[libvirt]\ncpu_mode = custom\n[LIBVIRT]\ncpu_mode = host-model\n";
	struct mr_aug_op sop = { .kind = MR_AUG_SET, .section = "libvirt", .key = "cpu_mode",
		                 .value = "host-passthrough", .fmt = MR_FMT_RAW, .single_valued = 1 };
	assert_int_equal(mr_aug_transform(aug, "h1:/etc/nova/nova.conf", OSLO, dead, strlen(dead),
	                                  &sop, 1, &oc, &out, &len, &err), 0);
	assert_string_equal(out, "[libvirt]\ncpu_mode = host-passthrough\n[LIBVIRT]\n"
	                         "cpu_mode = host-passthrough\n");
	mr_aug_outcomes_fini(&oc, 1);
	free(out);
	sop.single_valued = 0;
	assert_int_equal(mr_aug_transform(aug, "h1:/etc/nova/nova.conf", OSLO, dead, strlen(dead),
	                                  &sop, 1, &oc, &out, &len, &err), -1);
	mr_error_free(err);
	err = NULL;

	const char *lv = "listen_tcp = 0\nlisten_tcp = 1\n";
	struct mr_aug_op lop = { .kind = MR_AUG_SET, .key = "listen_tcp", .value = "1",
		                 .fmt = NUM };
	assert_int_equal(mr_aug_transform(aug, "h1:/etc/libvirt/libvirtd.conf", LV, lv,
	                                  strlen(lv), &lop, 1, &oc, &out, &len, &err), 0);
	assert_string_equal(out, "listen_tcp = 1\nlisten_tcp = 1\n");
	mr_aug_outcomes_fini(&oc, 1);
	free(out);
	mr_aug_free(aug);
}

static int same_case(const char *have, const char *want)
{
	return !strcasecmp(have, want);
}

/* ENTRY with keep_others: a child that op's same reads as a wanted one is
 * that one, edited where it stands and spelt as it is; each such child
 * (twice, when the entry holds it twice) takes the wanted children; a
 * comment that ended the entry ends it still, a child added or not. */
static void test_entry_same_child(void **state)
{
	(void)state;
	struct mr_error *err = NULL;
	struct mr_aug *aug = mr_aug_new(MR_LENS_DIRS, &err);
	assert_non_null(aug);
	static const struct {
		const char *text, *children, *want;
	} spelt[] = {
		{ "/srv b(ro) A(ro)  # note\n", ".\t/srv\nclient[1]\ta\nclient[1]/option[1]\trw\n",
		  "/srv b(ro) A(rw)  # note\n" },
		{ "/srv A(ro) a(ro)\n", ".\t/srv\nclient[1]\ta\nclient[1]/option[1]\trw\n",
		  "/srv A(rw) a(rw)\n" },
		{ "/srv b(ro)\t# note\n", ".\t/srv\nclient[1]\ta\nclient[1]/option[1]\trw\n",
		  "/srv b(ro) a(rw)\t# note\n" },
		{ "/srv b(ro)\n/srv A(ro) c\n", ".\t/srv\nclient[1]\ta\nclient[1]/option[1]\trw\n",
		  "/srv b(ro) a(rw)\n/srv c\n" },
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(spelt); i++) {
		struct mr_aug_op op = { .kind = MR_AUG_ENTRY, .key = "dir[. = '/srv']",
			                .fmt = MR_FMT_RAW, .value = "/srv a(rw)",
			                .children = spelt[i].children, .create = "dir",
			                .keep_others = 1, .same = same_case };
		struct mr_aug_outcome oc;
		char *out = NULL;
		size_t len;
		const char *t = spelt[i].text;
		if (mr_aug_transform(aug, "h1:/etc/exports", "Migready_exports.lns", t, strlen(t), &op,
		                     1, &oc, &out, &len, &err) != 0)
			fail_msg("%s", err ? err->message : "?");
		assert_string_equal(out, spelt[i].want);
		assert_true(oc.changed);
		mr_aug_outcomes_fini(&oc, 1);
		free(out);
		/* and then it holds */
		t = spelt[i].want;
		if (mr_aug_transform(aug, "h1:/etc/exports", "Migready_exports.lns", t, strlen(t), &op,
		                     1, &oc, &out, &len, &err) != 0)
			fail_msg("%s", err ? err->message : "?");
		assert_string_equal(out, t);
		assert_false(oc.changed);
		mr_aug_outcomes_fini(&oc, 1);
		free(out);
	}
	mr_aug_free(aug);
}

/* ENTRY with keep_others and bare: an entry with no child but comments
 * (an exports path exported to every host) gets that child written out
 * before the added ones, or given the wanted children when it is one;
 * without bare, the added ones alone (the cache tells the two apart). */
static void test_entry_bare(void **state)
{
	(void)state;
	struct mr_error *err = NULL;
	struct mr_aug *aug = mr_aug_new(MR_LENS_DIRS, &err);
	assert_non_null(aug);
	static const struct {
		const char *text, *children, *bare, *want;
	} bare_cases[] = {
		{ "  /srv # note\n", ".\t/srv\nclient[1]\ta\nclient[1]/option[1]\trw\n", NULL,
		  "  /srv a(rw) # note\n" },
		{ "  /srv # note\n", ".\t/srv\nclient[1]\ta\nclient[1]/option[1]\trw\n", "client\t*",
		  "  /srv * a(rw) # note\n" },
		{ "/srv\n", ".\t/srv\nclient[1]\t*\nclient[1]/option[1]\trw\n", "client\t*",
		  "/srv *(rw)\n" },
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(bare_cases); i++) {
		struct mr_aug_op op = { .kind = MR_AUG_ENTRY, .key = "dir[. = '/srv']",
			                .fmt = MR_FMT_RAW, .value = "/srv a(rw)",
			                .children = bare_cases[i].children, .create = "dir",
			                .keep_others = 1, .bare = bare_cases[i].bare };
		struct mr_aug_outcome oc;
		char *out = NULL;
		size_t len;
		const char *t = bare_cases[i].text;
		if (mr_aug_transform(aug, "h1:/etc/exports", "Migready_exports.lns", t, strlen(t), &op,
		                     1, &oc, &out, &len, &err) != 0)
			fail_msg("%s", err ? err->message : "?");
		assert_string_equal(out, bare_cases[i].want);
		assert_true(oc.changed);
		mr_aug_outcomes_fini(&oc, 1);
		free(out);
		t = bare_cases[i].want;
		if (mr_aug_transform(aug, "h1:/etc/exports", "Migready_exports.lns", t, strlen(t), &op,
		                     1, &oc, &out, &len, &err) != 0)
			fail_msg("%s", err ? err->message : "?");
		assert_string_equal(out, t);
		assert_false(oc.changed);
		mr_aug_outcomes_fini(&oc, 1);
		free(out);
	}
	mr_aug_free(aug);
}

static int ahead_by_name(const char *have, const char *want, char **why)
{
	(void)want;
	if (!strncmp(have, "wide", 4)) {
		*why = mr_xstrdup("holds it");
		return 1;
	}
	if (!strncmp(have, "narrow", 6)) {
		*why = mr_xstrdup("is inside it");
		return -1;
	}
	return 0;
}

/* ENTRY with keep_others and ahead: a wanted child goes right before the
 * first child standing before it that the hook says is taken instead,
 * moved there or added there, spelt as it stood; the outcome's note names
 * that child's line and text. One the hook says cannot be passed fails
 * the file, naming its line: nothing returned. */
static void test_entry_ahead(void **state)
{
	(void)state;
	struct mr_error *err = NULL;
	struct mr_aug *aug = mr_aug_new(MR_LENS_DIRS, &err);
	assert_non_null(aug);
	static const struct {
		const char *text, *want, *note;
	} ahead_cases[] = {
		{ "# c\n/srv b(ro) wide(ro) A(ro)\n", "# c\n/srv b(ro) A(rw) wide(ro)\n",
		  "line 2: wide(ro) holds it" },
		{ "/srv wide(ro,sync)\n/srv b\n", "/srv a(rw) wide(ro,sync)\n/srv b\n",
		  "line 1: wide(ro,sync) holds it" },
		{ "/srv a(ro) wide(ro)\n", "/srv a(rw) wide(ro)\n", NULL },
		{ "#\n/srv narrow(ro) a(ro)\n", NULL,
		  "h1:/etc/exports:2: narrow(ro) is inside it; not written" },
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(ahead_cases); i++) {
		struct mr_aug_op op = { .kind = MR_AUG_ENTRY, .key = "dir[. = '/srv']",
			                .fmt = MR_FMT_RAW, .value = "/srv a(rw)",
			                .children = ".\t/srv\nclient[1]\ta\nclient[1]/option[1]\trw\n",
			                .create = "dir", .keep_others = 1, .same = same_case,
			                .ahead = ahead_by_name };
		struct mr_aug_outcome oc;
		char *out = NULL;
		size_t len;
		const char *t = ahead_cases[i].text;
		int rc = mr_aug_transform(aug, "h1:/etc/exports", "Migready_exports.lns", t, strlen(t),
		                          &op, 1, &oc, &out, &len, &err);
		if (!ahead_cases[i].want) {
			assert_int_not_equal(rc, 0);
			assert_null(out);
			char *msg = mr_error_format(err);
			if (!strstr(msg, ahead_cases[i].note))
				fail_msg("%s", msg);
			free(msg);
			mr_error_free(err);
			err = NULL;
			continue;
		}
		if (rc != 0)
			fail_msg("%s", err ? err->message : "?");
		assert_string_equal(out, ahead_cases[i].want);
		assert_true(oc.changed);
		if (ahead_cases[i].note)
			assert_string_equal(oc.note, ahead_cases[i].note);
		else
			assert_null(oc.note);
		mr_aug_outcomes_fini(&oc, 1);
		free(out);
		t = ahead_cases[i].want;
		if (mr_aug_transform(aug, "h1:/etc/exports", "Migready_exports.lns", t, strlen(t), &op,
		                     1, &oc, &out, &len, &err) != 0)
			fail_msg("%s", err ? err->message : "?");
		assert_string_equal(out, t);
		assert_false(oc.changed);
		assert_null(oc.note);
		mr_aug_outcomes_fini(&oc, 1);
		free(out);
	}
	mr_aug_free(aug);
}

/* ENTRY with keep_others and bare: a later entry with no child stands for
 * bare too (an exports path alone: the world's, shadowed by the first
 * line's for mountd): it goes, comment and all, when bare is a wanted
 * child; it stays when bare is no wanted child (another client's export). */
static void test_entry_bare_later(void **state)
{
	(void)state;
	struct mr_error *err = NULL;
	struct mr_aug *aug = mr_aug_new(MR_LENS_DIRS, &err);
	assert_non_null(aug);
	static const struct {
		const char *text, *children, *want;
		int changed;
	} later_cases[] = {
		{ "/srv *(rw)\n# site\n/srv   # old\n/b c\n",
		  ".\t/srv\nclient[1]\t*\nclient[1]/option[1]\trw\n", "/srv *(rw)\n# site\n/b c\n", 1 },
		{ "/srv a(ro)\n/srv\n", ".\t/srv\nclient[1]\t*\nclient[1]/option[1]\trw\n",
		  "/srv a(ro) *(rw)\n", 1 },
		{ "/srv a(rw)\n/srv\n", ".\t/srv\nclient[1]\ta\nclient[1]/option[1]\trw\n",
		  "/srv a(rw)\n/srv\n", 0 },
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(later_cases); i++) {
		struct mr_aug_op op = { .kind = MR_AUG_ENTRY, .key = "dir[. = '/srv']",
			                .fmt = MR_FMT_RAW, .value = "/srv x", .children = later_cases[i].children,
			                .create = "dir", .keep_others = 1, .bare = "client\t*" };
		struct mr_aug_outcome oc;
		char *out = NULL;
		size_t len;
		const char *t = later_cases[i].text;
		if (mr_aug_transform(aug, "h1:/etc/exports", "Migready_exports.lns", t, strlen(t), &op,
		                     1, &oc, &out, &len, &err) != 0)
			fail_msg("%s", err ? err->message : "?");
		assert_string_equal(out, later_cases[i].want);
		assert_int_equal(oc.changed, later_cases[i].changed);
		mr_aug_outcomes_fini(&oc, 1);
		free(out);
	}
	mr_aug_free(aug);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_edit_cases),
		cmocka_unit_test(test_parse_error_names_line_and_column),
		cmocka_unit_test(test_parse_error_hints),
		cmocka_unit_test(test_no_final_newline),
		cmocka_unit_test(test_parse_error_line_past_comment_prose),
		cmocka_unit_test(test_large_prose_file_edited_exactly),
		cmocka_unit_test(test_unknown_lens),
		cmocka_unit_test(test_nul_byte_refused),
		cmocka_unit_test(test_reserved_bytes_refused),
		cmocka_unit_test(test_cache_serves_identical_requests),
		cmocka_unit_test(test_several_ops_in_order),
		cmocka_unit_test(test_insert_cases),
		cmocka_unit_test(test_shared_by_threads),
		cmocka_unit_test(test_slow_parse_holds_only_its_handle),
		cmocka_unit_test(test_shrunken_retrieve_refused),
		cmocka_unit_test(test_oslo_multi_valued_key_refused),
		cmocka_unit_test(test_entry_same_child),
		cmocka_unit_test(test_entry_bare),
		cmocka_unit_test(test_entry_bare_later),
		cmocka_unit_test(test_entry_ahead),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
