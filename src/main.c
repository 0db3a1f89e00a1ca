/* migready: the command line. Maps error kinds to exit codes (here only). */
#include <arpa/inet.h>
#include <fnmatch.h>
#include <getopt.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "aug.h"
#include "backup.h"
#include "commit.h"
#include "config.h"
#include "fleet.h"
#include "inventory.h"
#include "nova.h"
#include "plan.h"
#include "profile.h"
#include "report.h"
#include "res.h"
#include "rollback.h"
#include "transport.h"
#include "util_sha256.h"
#include "verify.h"
#include "verify_ssh.h"

#define EXIT_INVALID 1
/* libvirt's cpu_map, as Debian and RHEL install it. */
#define MR_CPU_MAP_DIR "/usr/share/libvirt/cpu_map"
#define EXIT_HOST_FAILED 4
/* Added to DESIGN.md's codes, outside its 2|4 bits: the run's report could
 * not be written (-o), and another run holds the inventory's lock. */
#define EXIT_REPORT_FAILED 8
#define EXIT_LOCKED 9

enum command { CMD_CHECK, CMD_DIFF, CMD_APPLY, CMD_LINT, CMD_FACTS, CMD_VERIFY, CMD_SHOW,
	       CMD_ROLLBACK };

static const char *const command_names[] = { "check", "diff", "apply", "lint", "facts",
	                                     "verify", "show", "rollback" };

/* migready COMMAND --help, migready help COMMAND: what it does and the
 * options that matter to it (the global ones are in --help). */
static const char *const command_help[] = {
	[CMD_CHECK] = "usage: migready [OPTIONS] check\n"
	              "\n"
	              "Read each host's managed files and units and report every setting that\n"
	              "differs from the profile, with the profile line that asked for it, and what\n"
	              "apply would restart. Changes nothing.\n"
	              "\n"
	              "Options that matter: -p, -i or -l, -H, --root, -j, -f text|json|prom, -o,\n"
	              "--splay, --lock-wait, --syslog, --timeout, --max-file-size, -q, -v.\n"
	              "Exit status: 0 in the desired state, 2 drift, 4 a host failed (or nothing of\n"
	              "it could be examined), 6 both; 1 invalid input, 8 the report not written, 9\n"
	              "another run holds the lock.\n",
	[CMD_DIFF] = "usage: migready [OPTIONS] diff\n"
	             "\n"
	             "Like check, and print a unified diff of every file that apply would change:\n"
	             "exactly the bytes it would write.\n"
	             "\n"
	             "Options that matter: those of check.\n"
	             "Exit status: those of check.\n",
	[CMD_APPLY] = "usage: migready [OPTIONS] apply\n"
	              "\n"
	              "Reconcile each host: take its lock, write every changed file atomically (all\n"
	              "or none, originals backed up under /var/lib/migready/backups/RUN-ID), change\n"
	              "units, restart what the new files need, and verify.\n"
	              "\n"
	              "Options that matter: those of check, and --no-restart, --explicit.\n"
	              "Exit status: 0 nothing to change, 2 changes made (or drift left: a restart\n"
	              "owed under --no-restart), 4 a host failed, 6 both; 1 invalid input, 8 the\n"
	              "report not written, 9 another run holds the lock.\n",
	[CMD_LINT] = "usage: migready [OPTIONS] lint\n"
	             "\n"
	             "Validate the profiles and the inventory without contacting any host.\n"
	             "\n"
	             "Options that matter: -p, -i, -H, -q.\n"
	             "Exit status: 0 valid, 1 invalid.\n",
	[CMD_FACTS] = "usage: migready [OPTIONS] facts\n"
	              "\n"
	              "Print what the probe finds on each host: OS, libvirt and its listener world,\n"
	              "nova, users, mounts. Needs no profile.\n"
	              "\n"
	              "Options that matter: -i or -l, -H, --root, -j, -f text|json, -o, --timeout.\n"
	              "Exit status: 0 every host probed, 4 some host failed; 1 invalid input, 8 the\n"
	              "report not written.\n",
	[CMD_VERIFY] = "usage: migready [OPTIONS] verify\n"
	               "\n"
	               "Which host can live-migrate to which: libvirt checks of every host and of\n"
	               "every ordered pair of hosts.\n"
	               "\n"
	               "Options that matter: -p, -i or -l, -H, -j, -f text|json, -o, --timeout.\n"
	               "Exit status: 0 every pair can migrate, 2 some pair cannot, 4 some host could\n"
	               "not be examined, 6 both; 1 invalid input, 8 the report not written.\n",
	[CMD_SHOW] = "usage: migready [OPTIONS] show\n"
	             "\n"
	             "Print each host's desired state as merged from its profiles, includes and\n"
	             "inventory overrides, with the file and line every value comes from. Contacts\n"
	             "no host.\n"
	             "\n"
	             "Options that matter: -p, -i or -l, -H, -f text|json, -o.\n"
	             "Exit status: 0; 1 if the profiles or the inventory are invalid, 8 if the report\n"
	             "could not be written.\n",
	[CMD_ROLLBACK] = "usage: migready [OPTIONS] rollback [--force] [RUN-ID]\n"
	                 "       migready [OPTIONS] rollback --list\n"
	                 "\n"
	                 "Undo a run on each host: take its lock, put back the files that run changed\n"
	                 "from its backups (byte for byte, with owner and mode; a file it created is\n"
	                 "removed), all or none, then repeat its service actions (restart, reload).\n"
	                 "RUN-ID defaults to each host's latest run. A file changed since that run is\n"
	                 "refused with its diff, and nothing is written on that host, unless --force.\n"
	                 "A rollback keeps backups of its own: rolling it back redoes the run.\n"
	                 "--list shows the runs each host keeps. Needs no profile.\n"
	                 "\n"
	                 "Options that matter: -i or -l, -H, --root, -j, -f text|json, -o,\n"
	                 "--no-restart, --lock-wait, --timeout, -v (diffs of every file).\n"
	                 "Exit status: 0 nothing to undo, 2 files restored, 4 a host failed, refused or\n"
	                 "keeps no backups, 6 both; 1 invalid input, 8 the report not written, 9\n"
	                 "another run holds the lock.\n",
};

struct cli {
	enum command command;
	const char **profiles;
	size_t n_profiles;
	const char *inventory;
	const char **host_globs;
	size_t n_host_globs;
	int local;
	const char *root;
	unsigned jobs;
	enum mr_format format;
	const char *output;
	int no_restart;
	int quiet;
	int verbose;
	int color; /* -1 auto */
	int timeout_s;
	int lock_wait_s;
	int explicit_defaults;
	size_t max_file;
	int splay_s;
	int syslog;
	const char *rollback_run; /* rollback RUN-ID */
	int list;                 /* rollback --list */
	int force;                /* rollback --force */
};

static void usage(FILE *out)
{
	fputs("usage: migready [OPTIONS] COMMAND\n"
	      "\n"
	      "Make KVM/OpenStack compute hosts ready for live migration, and keep them so.\n"
	      "Applies [libvirtd], [qemu], [nova], [nfs], [ssh], [multipath], [file PATH] and\n"
	      "[firewall] (iptables, ufw, nftables, firewalld).\n"
	      "\n"
	      "Commands:\n"
	      "  check     report drift (and what apply would restart); change nothing\n"
	      "  diff      check, with unified diffs of every file that would change\n"
	      "  apply     lock each host, write its files all or none, change units, verify\n"
	      "  lint      validate profile and inventory without contacting any host\n"
	      "  facts     print what the probe found on each host (no profile needed)\n"
	      "  verify    which host can live-migrate to which: libvirt and SSH checks\n"
	      "  show      print each host's merged desired state and where each value comes from\n"
	      "  rollback  undo a run (default: each host's latest) from its backups; --list\n"
	      "  help CMD  print the help of a command (also: migready CMD --help)\n"
	      "\n"
	      "Options:\n"
	      "  -p, --profile FILE     desired state (repeatable; later ones override earlier)\n"
	      "  -i, --inventory FILE   SSH hosts (migready/Ansible INI, YAML, JSON; - stdin)\n"
	      "  -H, --host NAME        only these hosts (repeatable; shell globs)\n"
	      "  -l, --local            this machine, no SSH\n"
	      "      --root DIR         prefix managed paths with DIR (images, chroots, tests;\n"
	      "                         absolute with -i: a path on each host); no restarts\n"
	      "  -j, --jobs N           hosts in parallel (default: one per host, at most 16)\n"
	      "  -f, --format FMT       text | json | prom (default: text)\n"
	      "  -o, --output FILE      write the report there (atomically) instead of stdout\n"
	      "      --no-restart       apply, rollback: write files (apply: set unit\n"
	      "                         enablement), start nothing\n"
	      "      --list             rollback: list the runs each host keeps\n"
	      "      --force            rollback: restore files changed since the run too\n"
	      "      --explicit         write [libvirtd]/[qemu] settings even at their default\n"
	      "      --lock-wait SECONDS  wait this long for the run's and each host's lock\n"
	      "                         (default: 30)\n"
	      "      --splay SECONDS    check, diff, apply: first wait a random time up to this\n"
	      "      --syslog           log a one-line summary of the run to syslog (the journal)\n"
	      "      --max-file-size MIB  a host file larger than this fails (default: 4)\n"
	      "  -q, --quiet            print only problems and the summary\n"
	      "  -v, --verbose          also list settings already in the desired state\n"
	      "      --color WHEN       auto | always | never (default: auto)\n"
	      "      --timeout SECONDS  SSH connect time-out and an operation's longest silence\n"
	      "                         (default: 10)\n"
	      "      --version          print the version and exit\n"
	      "  -h, --help             print this help and exit\n"
	      "\n"
	      "Exit status: 0 in the desired state; 2 drift found or changes made; 4 failures\n"
	      "on some host; 6 both; 1 invalid command line, profile or inventory; 8 the\n"
	      "report could not be written; 9 another run holds the lock.\n"
	      "See migready(1), migready.profile(5), migready.inventory(5).\n",
	      out);
}

static int bad_usage(const char *fmt, ...) MR_PRINTF(1, 2);

static int bad_usage(const char *fmt, ...)
{
	va_list ap;
	fputs("migready: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'migready --help'.\n", stderr);
	return -1;
}

static int parse_uint(const char *s, long min, long max, long *out)
{
	char *end = NULL;
	long v = strtol(s, &end, 10);
	if (!*s || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int parse_cli(int argc, char **argv, struct cli *cli)
{
	enum { OPT_ROOT = 256, OPT_NO_RESTART, OPT_COLOR, OPT_TIMEOUT, OPT_VERSION, OPT_EXPLICIT,
	       OPT_LOCK_WAIT, OPT_MAX_FILE, OPT_SPLAY, OPT_SYSLOG, OPT_LIST, OPT_FORCE };
	static const struct option longopts[] = {
		{ "profile", required_argument, NULL, 'p' },
		{ "inventory", required_argument, NULL, 'i' },
		{ "host", required_argument, NULL, 'H' },
		{ "local", no_argument, NULL, 'l' },
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "jobs", required_argument, NULL, 'j' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "no-restart", no_argument, NULL, OPT_NO_RESTART },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "color", required_argument, NULL, OPT_COLOR },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "explicit", no_argument, NULL, OPT_EXPLICIT },
		{ "lock-wait", required_argument, NULL, OPT_LOCK_WAIT },
		{ "max-file-size", required_argument, NULL, OPT_MAX_FILE },
		{ "splay", required_argument, NULL, OPT_SPLAY },
		{ "syslog", no_argument, NULL, OPT_SYSLOG },
		{ "list", no_argument, NULL, OPT_LIST },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	long v;
	int c, help = 0;
	cli->color = -1;
	cli->timeout_s = 10;
	cli->lock_wait_s = 30;
	/* getopt's own messages begin with argv[0]: every message begins
	 * "migready:", whatever path ran it */
	argv[0] = (char *)"migready";
	while ((c = getopt_long(argc, argv, "p:i:H:lj:f:o:qvh", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			cli->profiles = mr_xreallocarray(cli->profiles, cli->n_profiles + 1,
			                                 sizeof(*cli->profiles));
			cli->profiles[cli->n_profiles++] = optarg;
			break;
		case 'i':
			cli->inventory = optarg;
			break;
		case 'H':
			cli->host_globs = mr_xreallocarray(cli->host_globs, cli->n_host_globs + 1,
			                                   sizeof(*cli->host_globs));
			cli->host_globs[cli->n_host_globs++] = optarg;
			break;
		case 'l':
			cli->local = 1;
			break;
		case OPT_ROOT:
			cli->root = optarg;
			break;
		case 'j':
			if (parse_uint(optarg, 1, 1024, &v) < 0)
				return bad_usage("--jobs: expected a number from 1 to 1024, got '%s'", optarg);
			cli->jobs = (unsigned)v;
			break;
		case 'f':
			if (!strcmp(optarg, "text"))
				cli->format = MR_FORMAT_TEXT;
			else if (!strcmp(optarg, "json"))
				cli->format = MR_FORMAT_JSON;
			else if (!strcmp(optarg, "prom"))
				cli->format = MR_FORMAT_PROM;
			else
				return bad_usage("--format: expected text, json or prom, got '%s'", optarg);
			break;
		case 'o':
			cli->output = optarg;
			break;
		case OPT_NO_RESTART:
			cli->no_restart = 1;
			break;
		case 'q':
			cli->quiet = 1;
			break;
		case 'v':
			cli->verbose++;
			break;
		case OPT_COLOR:
			if (!strcmp(optarg, "auto"))
				cli->color = -1;
			else if (!strcmp(optarg, "always"))
				cli->color = 1;
			else if (!strcmp(optarg, "never"))
				cli->color = 0;
			else
				return bad_usage("--color: expected auto, always or never, got '%s'", optarg);
			break;
		case OPT_TIMEOUT:
			if (parse_uint(optarg, 1, 3600, &v) < 0)
				return bad_usage("--timeout: expected seconds from 1 to 3600, got '%s'",
				                 optarg);
			cli->timeout_s = (int)v;
			break;
		case OPT_EXPLICIT:
			cli->explicit_defaults = 1;
			break;
		case OPT_LOCK_WAIT:
			if (parse_uint(optarg, 0, 86400, &v) < 0)
				return bad_usage("--lock-wait: expected seconds from 0 to 86400, got '%s'",
				                 optarg);
			cli->lock_wait_s = (int)v;
			break;
		case OPT_MAX_FILE:
			if (parse_uint(optarg, 1, 1024, &v) < 0)
				return bad_usage("--max-file-size: expected MiB from 1 to 1024, got '%s'",
				                 optarg);
			cli->max_file = (size_t)v << 20;
			break;
		case OPT_SPLAY:
			if (parse_uint(optarg, 0, 3600, &v) < 0)
				return bad_usage("--splay: expected seconds from 0 to 3600, got '%s'", optarg);
			cli->splay_s = (int)v;
			break;
		case OPT_SYSLOG:
			cli->syslog = 1;
			break;
		case OPT_LIST:
			cli->list = 1;
			break;
		case OPT_FORCE:
			cli->force = 1;
			break;
		case OPT_VERSION:
			printf("migready %s\n", MR_VERSION);
			exit(0);
		case 'h':
			help = 1;
			break;
		default:
			fputs("Try 'migready --help'.\n", stderr);
			return -1;
		}
	}
	const char *name = optind < argc ? argv[optind] : NULL;
	if (name && !strcmp(name, "help")) {
		help = 1;
		name = ++optind < argc ? argv[optind] : NULL;
	}
	/* "help" alone, and "help help": the general help */
	if (help && (!name || !strcmp(name, "help"))) {
		usage(stdout);
		exit(0);
	}
	if (!name)
		return bad_usage("%s", "no command given");
	size_t i;
	for (i = 0; i < MR_ARRAY_LEN(command_names); i++)
		if (!strcmp(name, command_names[i]))
			break;
	if (i == MR_ARRAY_LEN(command_names)) {
		const char *best = mr_str_suggest(name, command_names, MR_ARRAY_LEN(command_names));
		if (best)
			return bad_usage("unknown command '%s'; did you mean '%s'?", name, best);
		return bad_usage("unknown command '%s'", name);
	}
	cli->command = (enum command)i;
	if (help) {
		fputs(command_help[i], stdout);
		exit(0);
	}
	if (cli->command == CMD_ROLLBACK && optind + 1 < argc && !cli->list) {
		cli->rollback_run = argv[++optind];
		if (!mr_backup_run_id_valid(cli->rollback_run))
			return bad_usage("rollback: '%s' is not a run id (like 20261202T033902Z-4242-123; "
			                 "see rollback --list)", cli->rollback_run);
	}
	if (optind + 1 < argc)
		return bad_usage("unexpected argument '%s'", argv[optind + 1]);
	if ((cli->list || cli->force) && cli->command != CMD_ROLLBACK)
		return bad_usage("%s: only rollback takes it", cli->list ? "--list" : "--force");
	if (cli->list && cli->force)
		return bad_usage("%s", "rollback: --list and --force exclude each other");
	/* metrics of settings in the desired state: check, diff and apply
	 * have them; the other commands' reports are of something else
	 * (lint writes no report: -f and -o do not apply to it) */
	if (cli->format == MR_FORMAT_PROM && cli->command != CMD_CHECK &&
	    cli->command != CMD_DIFF && cli->command != CMD_APPLY && cli->command != CMD_LINT)
		return bad_usage("%s: --format is text or json", command_names[cli->command]);
	/* verify asks running hosts (libvirt, the network, SSH): files read
	 * from a tree beside the live machine's libvirt would mix two hosts */
	if (cli->command == CMD_VERIFY && cli->root)
		return bad_usage("%s", "verify: --root: verify examines running hosts; a tree under "
		                       "a root has no libvirt or network of its own");
	if (cli->local && cli->inventory)
		return bad_usage("%s", "--local and --inventory exclude each other");
	if (!cli->local && !cli->inventory && cli->command != CMD_LINT && cli->command != CMD_SHOW)
		return bad_usage("%s", "no hosts: give --local or --inventory FILE");
	if (cli->root) {
		struct stat sb;
		if (!*cli->root)
			return bad_usage("%s", "--root: empty directory name");
		/* With an inventory, --root names a path on each host: the facts
		 * probe checks it there. */
		if (cli->local && (stat(cli->root, &sb) < 0 || !S_ISDIR(sb.st_mode)))
			return bad_usage("--root: '%s' is not a directory", cli->root);
		if (!cli->local && cli->root[0] != '/')
			return bad_usage("--root: '%s' is relative; with an inventory it names a path "
			                 "on each host", cli->root);
	}
	if (cli->local && cli->n_host_globs)
		return bad_usage("%s", "--host selects inventory hosts; it has no meaning with --local");
	return 0;
}

static void print_errors(struct mr_error *err)
{
	for (struct mr_error *e = err; e; e = e->next) {
		char *msg = mr_error_format(e);
		fprintf(stderr, "migready: %s\n", msg);
		free(msg);
	}
}

static int host_selected(const struct cli *cli, const char *name)
{
	if (!cli->n_host_globs)
		return 1;
	for (size_t i = 0; i < cli->n_host_globs; i++)
		if (fnmatch(cli->host_globs[i], name, 0) == 0)
			return 1;
	return 0;
}

static int selected_name(const char *name, const void *cli)
{
	return host_selected(cli, name);
}

/* Profiles named by a host's inventory entry are loaded once per distinct
 * list, not once per host. */
struct profile_cache {
	char ***keys;
	struct mr_profile **profiles;
	size_t n;
};

static int same_list(char **a, char **b)
{
	for (; *a && *b; a++, b++)
		if (strcmp(*a, *b) != 0)
			return 0;
	return !*a && !*b;
}

static const struct mr_profile *cached_profile(struct profile_cache *pc, char **paths,
                                               const struct mr_loc *from, struct mr_error **err)
{
	for (size_t i = 0; i < pc->n; i++)
		if (same_list(pc->keys[i], paths))
			return pc->profiles[i];
	size_t n = 0;
	while (paths[n])
		n++;
	struct mr_profile *p = mr_profile_load_from((const char *const *)paths, n, from, err);
	if (!p)
		return NULL;
	pc->keys = mr_xreallocarray(pc->keys, pc->n + 1, sizeof(*pc->keys));
	pc->profiles = mr_xreallocarray(pc->profiles, pc->n + 1, sizeof(*pc->profiles));
	pc->keys[pc->n] = paths;
	pc->profiles[pc->n++] = p;
	return p;
}

static void profile_cache_fini(struct profile_cache *pc)
{
	for (size_t i = 0; i < pc->n; i++)
		mr_profile_free(pc->profiles[i]);
	free(pc->keys);
	free(pc->profiles);
}

/* Everything decided before any host is contacted. */
struct run {
	struct mr_profile *cli_profile;
	struct mr_profile *empty; /* facts needs no profile */
	struct mr_inventory *inventory;
	struct profile_cache cache;
	struct mr_target *targets;
	struct mr_profile **owned; /* per-host profiles with overrides */
	size_t n;
};

static void run_fini(struct run *r)
{
	for (size_t i = 0; i < r->n; i++)
		mr_profile_free(r->owned[i]);
	free(r->owned);
	free(r->targets);
	profile_cache_fini(&r->cache);
	mr_profile_free(r->cli_profile);
	mr_profile_free(r->empty);
	mr_inventory_free(r->inventory);
}

static int add_target(struct run *r, const char *name, const struct mr_host *host,
                      const char *root, const struct mr_profile *profile,
                      struct mr_profile *owned)
{
	r->targets = mr_xreallocarray(r->targets, r->n + 1, sizeof(*r->targets));
	r->owned = mr_xreallocarray(r->owned, r->n + 1, sizeof(*r->owned));
	r->targets[r->n] = (struct mr_target){ name, host, root, owned ? owned : profile };
	r->owned[r->n++] = owned;
	return 0;
}

/* A host's effective profile: -p if given, else the inventory's, then the
 * inventory's set overrides (group ones first, then the host's). */
static int host_profile(struct run *r, const struct mr_host *h, struct mr_error **err)
{
	const struct mr_profile *base = r->cli_profile;
	if (!base && r->empty && (!h->profiles || !h->profiles[0]))
		base = r->empty;
	if (!base) {
		if (!h->profiles || !h->profiles[0]) {
			mr_error_at(err, MR_ERR_INPUT, &h->loc,
			            "host '%s' has no profile: give -p or 'profile =' in the inventory",
			            h->name);
			return -1;
		}
		base = cached_profile(&r->cache, h->profiles,
		                      h->profiles_loc.line ? &h->profiles_loc : NULL, err);
		if (!base)
			return -1;
	}
	struct mr_profile *owned = NULL;
	if (h->n_overrides) {
		owned = mr_profile_dup(base);
		for (size_t i = 0; i < h->n_overrides; i++) {
			const struct mr_override *o = &h->overrides[i];
			if (mr_profile_override(owned, o->section, o->key, o->value, o->loc, err) < 0) {
				mr_profile_free(owned);
				return -1;
			}
		}
	}
	return add_target(r, h->name, h, h->root, base, owned);
}

/* RFC 1918, loopback, link-local, CGNAT, and IPv6 ULA/link-local/loopback. */
static int address_is_private(const char *addr)
{
	unsigned char b[16];
	if (inet_pton(AF_INET, addr, b) == 1)
		return b[0] == 10 || b[0] == 127 || (b[0] == 172 && (b[1] & 0xf0) == 16) ||
		       (b[0] == 192 && b[1] == 168) || (b[0] == 169 && b[1] == 254) ||
		       (b[0] == 100 && (b[1] & 0xc0) == 64);
	if (inet_pton(AF_INET6, addr, b) == 1)
		return (b[0] & 0xfe) == 0xfc || (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) ||
		       !memcmp(b, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\1", 16);
	return -1; /* a name: not resolved here, no DNS before the run */
}

/* auth_tcp = none lets anyone who reaches the port drive libvirt. */
static void warn_unauthenticated(const struct mr_target *tg)
{
	const struct mr_setting *auth = mr_profile_get(tg->profile, "libvirtd", "auth_tcp");
	const struct mr_setting *listen = mr_profile_get(tg->profile, "libvirtd", "listen_tcp");
	if (!tg->host || !auth || strcmp(auth->value, "none") != 0 ||
	    (listen && !mr_setting_bool(listen)))
		return;
	if (address_is_private(tg->host->address) == 0)
		mr_log(MR_LOG_WARN,
		       "%s: auth_tcp = none (%s:%u) on public address %s: anyone who reaches TCP "
		       "16509 controls libvirt; keep migration traffic on a private network",
		       tg->name, auth->loc.file, auth->loc.line, tg->host->address);
}

static int prepare(const struct cli *cli, struct run *r, struct mr_error **err)
{
	if (cli->n_profiles) {
		r->cli_profile = mr_profile_load(cli->profiles, cli->n_profiles, err);
		if (!r->cli_profile)
			return -1;
	} else if (cli->command == CMD_FACTS || cli->command == CMD_ROLLBACK) {
		r->empty = mr_profile_new();
	}
	if (cli->inventory) {
		r->inventory = mr_inventory_load(cli->inventory, err);
		if (!r->inventory)
			return -1;
		int ok = mr_inventory_check_distinct(r->inventory, cli->root, selected_name, cli,
		                                     err) == 0;
		for (size_t i = 0; i < mr_inventory_count(r->inventory); i++) {
			const struct mr_host *h = mr_inventory_host(r->inventory, i);
			if (host_selected(cli, h->name) && host_profile(r, h, err) < 0)
				ok = 0;
		}
		if (!ok)
			return -1;
		/* each --host must match: a typo would leave a host out silently
		 * (a cron check of fewer hosts, exiting 0) */
		for (size_t g = 0; g < cli->n_host_globs; g++) {
			size_t hits = 0;
			for (size_t i = 0; i < mr_inventory_count(r->inventory); i++)
				hits += fnmatch(cli->host_globs[g], mr_inventory_host(r->inventory, i)->name,
				                0) == 0;
			if (!hits)
				mr_error_add(err, MR_ERR_INPUT, cli->inventory, "no host matches --host %s",
				             cli->host_globs[g]);
			ok &= hits > 0;
		}
		if (!ok)
			return -1;
		for (size_t i = 0; i < r->n; i++) {
			if (cli->root)
				r->targets[i].root = cli->root;
			warn_unauthenticated(&r->targets[i]);
		}
		return 0;
	}
	if (!r->cli_profile && !r->empty) {
		mr_error_add(err, MR_ERR_INPUT, NULL, "no profile: give -p FILE");
		return -1;
	}
	if (cli->local)
		add_target(r, "localhost", NULL, cli->root,
		           r->cli_profile ? r->cli_profile : r->empty, NULL);
	return 0;
}

/* The [nfs] lines left unexamined for want of a role, each once, with
 * the number of hosts. */
struct roleless {
	struct roleless_line {
		const struct mr_setting *s;
		const char *what;
		size_t hosts;
	} *v;
	size_t n;
};

static void count_roleless(void *ctx, const char *what, const struct mr_setting *s)
{
	struct roleless *rl = ctx;
	for (size_t i = 0; i < rl->n; i++) {
		const struct mr_setting *t = rl->v[i].s;
		/* a host's own profile (set overrides) holds copies of the lines */
		if (t == s || (t->loc.line == s->loc.line && t->loc.file && s->loc.file &&
		               !strcmp(t->loc.file, s->loc.file))) {
			rl->v[i].hosts++;
			return;
		}
	}
	rl->v = mr_xreallocarray(rl->v, rl->n + 1, sizeof(*rl->v));
	rl->v[rl->n++] = (struct roleless_line){ s, what, 1 };
}

static void warn_unapplied(const struct run *r)
{
	if (r->cli_profile)
		mr_res_warn_unapplied(r->cli_profile);
	for (size_t i = 0; i < r->cache.n; i++)
		mr_res_warn_unapplied(r->cache.profiles[i]);
	struct roleless rl = { 0 };
	for (size_t i = 0; i < r->n; i++)
		mr_res_nfs_roleless(r->targets[i].profile, count_roleless, &rl);
	if (!r->n && r->cli_profile)
		mr_res_nfs_roleless(r->cli_profile, count_roleless, &rl);
	for (size_t i = 0; i < rl.n; i++) {
		const struct roleless_line *l = &rl.v[i];
		char *where = mr_plan_origin_of(l->s);
		if (r->n)
			mr_log(MR_LOG_WARN,
			       "%s: %s is not checked on %zu host%s: [nfs] has no role "
			       "(server, client or both)",
			       where, l->what, l->hosts, l->hosts == 1 ? "" : "s");
		else
			mr_log(MR_LOG_WARN, "%s: %s is not checked on a host whose inventory sets no nfs.role",
			       where, l->what);
		free(where);
	}
	free(rl.v);
}

static struct mr_cpu_map *load_cpu_map(const struct run *r, int always);

static void print_profile_counts(const char *what, const struct mr_profile *p)
{
	size_t settings = mr_profile_setting_count(p), sections = mr_profile_section_count(p);
	printf("%s: %zu setting%s in %zu section%s\n", what, settings, settings == 1 ? "" : "s",
	       sections, sections == 1 ? "" : "s");
}

/* cpu_model's names: the CPU map is on this machine (cpus; NULL: not
 * checked), so a typo is the profile's error, found before any host is
 * contacted, not each host's failure. -1 with the errors printed. */
static int lint_cpu_models(const struct run *r, const struct mr_cpu_map *cpus)
{
	struct mr_error *err = NULL;
	if (r->cli_profile)
		mr_nova_lint_cpu_models(r->cli_profile, cpus, &err);
	for (size_t i = 0; i < r->cache.n; i++)
		mr_nova_lint_cpu_models(r->cache.profiles[i], cpus, &err);
	if (!err)
		return 0;
	print_errors(err);
	mr_error_free(err);
	return -1;
}

static int lint(const struct cli *cli, const struct run *r)
{
	struct mr_cpu_map *cpus = load_cpu_map(r, 0);
	int bad = lint_cpu_models(r, cpus) < 0;
	mr_cpu_map_free(cpus);
	if (bad)
		return EXIT_INVALID;
	if (cli->quiet)
		return 0;
	if (r->cli_profile)
		print_profile_counts("profile", r->cli_profile);
	for (size_t i = 0; i < r->cache.n; i++) {
		char *what = mr_xasprintf("profile %s", r->cache.keys[i][0]);
		print_profile_counts(what, r->cache.profiles[i]);
		free(what);
	}
	if (r->inventory)
		printf("inventory %s: %zu host%s\n", mr_inventory_path(r->inventory), r->n,
		       r->n == 1 ? "" : "s");
	printf("valid\n");
	return 0;
}

/* libvirt's CPU models on the controller, for [nova] cpu_model; only when
 * some profile names one, or always (verify compares host-model CPUs by
 * them). Without them the names are not checked (said once). */
static struct mr_cpu_map *load_cpu_map(const struct run *r, int always)
{
	int wanted = always || (r->cli_profile && mr_profile_get(r->cli_profile, "nova", "cpu_model"));
	for (size_t i = 0; i < r->cache.n && !wanted; i++)
		wanted = mr_profile_get(r->cache.profiles[i], "nova", "cpu_model") != NULL;
	if (!wanted)
		return NULL;
	struct mr_error *err = NULL;
	struct mr_cpu_map *m = mr_cpu_map_load(MR_CPU_MAP_DIR, "x86", &err);
	if (!m) {
		char *msg = mr_error_format(err);
		mr_log(MR_LOG_WARN, "%s: CPU model names are not checked%s", msg,
		       always ? ", nor host-model CPUs compared" : "");
		free(msg);
		mr_error_free(err);
	}
	return m;
}

static char *make_run_id(void)
{
	char stamp[32];
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	return mr_xasprintf("%s-%ld-%03ld", stamp, (long)getpid(), ts.tv_nsec / 1000000);
}

/* -o's path made absolute; the caller frees it. */
static char *output_abs(const char *path)
{
	if (path[0] == '/')
		return mr_xstrdup(path);
	char *cwd = getcwd(NULL, 0);
	char *abs = mr_xasprintf("%s/%s", cwd ? cwd : ".", path);
	free(cwd);
	return abs;
}

/* -o's directory, which must exist (a typo in a cron job's path is an
 * error, not a new directory): 0, or -1 said on stderr. Checked before
 * any host is contacted, and again when the report is written. */
static int output_dir_ok(const char *path)
{
	char *abs = output_abs(path);
	char *dir = mr_xstrndup(abs, (size_t)(strrchr(abs, '/') - abs));
	struct stat st;
	const char *bad = NULL;
	const char *at = dir;
	if (*dir && stat(dir, &st) < 0)
		bad = errno == ENOENT ? "no such directory for the report" : strerror(errno);
	else if (*dir && !S_ISDIR(st.st_mode))
		bad = "not a directory";
	/* what would fail only once the hosts were handled: the report's name
	 * taken by something else than a file, or a directory it cannot be
	 * written in (the report is made beside it, then renamed) */
	else if (lstat(abs, &st) == 0 && !S_ISREG(st.st_mode)) {
		at = abs;
		bad = S_ISDIR(st.st_mode)   ? "is a directory"
		      : S_ISLNK(st.st_mode) ? "is a symbolic link"
		                            : "not a regular file";
	} else if (access(*dir ? dir : "/", W_OK | X_OK) < 0)
		bad = strerror(errno);
	if (bad)
		fprintf(stderr, "migready: %s: %s\n", at, bad);
	free(dir);
	free(abs);
	return bad ? -1 : 0;
}

/* -o: rendered in memory, then written atomically beside its target. */
static int write_output(const char *path, const char *data, size_t len)
{
	if (output_dir_ok(path) < 0)
		return -1;
	struct mr_error *err = NULL;
	struct mr_transport *t = mr_transport_local_new(NULL, &err);
	/* the report the last run wrote is read before it is replaced:
	 * whatever its size (a fleet's JSON runs to megabytes), not the
	 * cap of a host's files */
	if (t)
		t->max_file = SIZE_MAX;
	struct mr_write_opts wo = { .mode = 0644, .uid = (uid_t)-1, .gid = (gid_t)-1 };
	int r = 0;
	char *abs = output_abs(path);
	if (mr_commit_write(t, abs, data, len, &wo, &err) < 0) {
		/* a file of the controller: named as given, with no host */
		for (struct mr_error *e = err; e; e = e->next)
			fprintf(stderr, "migready: %s: %s\n", path, e->message);
		r = -1;
	}
	mr_error_free(err);
	mr_transport_close(t);
	free(abs);
	return r;
}

/* --color, else colour on a terminal that does not refuse it */
static int want_color(const struct cli *cli)
{
	if (cli->color >= 0)
		return cli->color;
	return !cli->output && isatty(STDOUT_FILENO) && !(getenv("NO_COLOR") && *getenv("NO_COLOR")) &&
	       !(getenv("TERM") && !strcmp(getenv("TERM"), "dumb"));
}

/* A report rendered straight to standard output (a fleet's verify report
 * runs to megabytes: no copy of it in memory), or whole into -o's file,
 * which is replaced only by a complete report. */
static int emit(const struct cli *cli, int (*render)(const void *what, FILE *out),
                const void *what)
{
	if (!cli->output) {
		int r = render(what, stdout);
		return fflush(stdout) == 0 && !ferror(stdout) ? r : -1;
	}
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	if (!mem)
		return -1;
	int r = render(what, mem);
	if (fclose(mem) != 0)
		r = -1;
	if (r == 0)
		r = write_output(cli->output, buf, len);
	free(buf);
	return r;
}

struct report_render {
	const struct mr_report *rep;
	struct mr_render_opts ro;
};

static int render_report(const void *what, FILE *out)
{
	const struct report_render *rr = what;
	return mr_report_write(rr->rep, &rr->ro, out);
}

static int report(const struct cli *cli, const struct mr_report *rep)
{
	struct report_render rr = {
		.rep = rep,
		.ro = {
			.format = cli->format,
			.verbose = cli->verbose,
			.quiet = cli->quiet,
			.show_diffs = cli->command == CMD_DIFF ||
			              ((cli->command == CMD_APPLY || cli->command == CMD_ROLLBACK) &&
			               cli->verbose),
			.color = want_color(cli),
		},
	};
	return emit(cli, render_report, &rr);
}

struct verify_render {
	const struct mr_verify_result *res;
	enum mr_verify_format format;
	int color, quiet;
};

static int render_verify(const void *what, FILE *out)
{
	const struct verify_render *vr = what;
	return mr_verify_report_write(vr->res, vr->format, vr->color, vr->quiet, out);
}

/* show: a host's merged desired state, every value with its origin
 * (profile file:line, an include's, or the inventory's set line). */
static void show_profile(struct mr_host_report *h, const char *name, const struct mr_profile *p)
{
	h->name = mr_xstrdup(name);
	for (size_t i = 0; i < mr_profile_section_count(p); i++) {
		const char *section = mr_profile_section_name(p, i);
		for (size_t j = 0; j < mr_profile_key_count(p, i); j++) {
			size_t n = 0;
			const struct mr_setting *const *v =
				mr_profile_get_all(p, section, mr_profile_key_name(p, i, j), &n);
			for (size_t k = 0; k < n; k++) {
				char *origin = mr_plan_origin_of(v[k]);
				mr_host_report_add_shown(h, section, v[k]->key, v[k]->value, origin);
				free(origin);
			}
		}
	}
}

static int show(const struct cli *cli, const struct run *r)
{
	struct mr_report rep = { 0 };
	int only_profile = !r->n && r->cli_profile;
	int status = 0;
	mr_report_init(&rep, "show", only_profile ? 1 : r->n);
	if (only_profile)
		show_profile(&rep.hosts[0], "profile", r->cli_profile);
	for (size_t i = 0; i < r->n; i++)
		show_profile(&rep.hosts[i], r->targets[i].name, r->targets[i].profile);
	if (report(cli, &rep) < 0) {
		fprintf(stderr, "migready: cannot write the report%s%s\n", cli->output ? " to " : "",
		        cli->output ? cli->output : "");
		status = EXIT_REPORT_FAILED;
	}
	mr_report_fini(&rep);
	return status;
}

/* The profiles a run read (-p, or each inventory list), with the SHA-256
 * of their bytes; a pipe already read gives none. */
static void report_profiles(const struct cli *cli, const struct run *r, struct mr_report *rep)
{
	const char *const *paths = cli->profiles;
	size_t n = cli->n_profiles;
	for (size_t c = 0; c <= r->cache.n; c++) {
		for (size_t i = 0; i < n; i++) {
			int seen = 0;
			for (size_t k = 0; k < rep->n_profiles && !seen; k++)
				seen = !strcmp(rep->profiles[k].path, paths[i]);
			struct stat sb;
			size_t len = 0;
			char *data = seen || strcmp(paths[i], "-") == 0 || stat(paths[i], &sb) < 0 ||
			                     !S_ISREG(sb.st_mode)
			                     ? NULL
			                     : mr_file_read(paths[i], &len);
			char hex[2 * MR_SHA256_LEN + 1];
			if (data)
				mr_sha256_hex_of(data, len, hex);
			if (!seen)
				mr_report_add_profile(rep, paths[i], data ? hex : NULL);
			free(data);
		}
		if (c == r->cache.n)
			break;
		paths = (const char *const *)r->cache.keys[c];
		for (n = 0; paths[n]; n++)
			;
	}
}

/* One run at a time per inventory (or per --local root): a flock on a file
 * named after the inventory's real path, so that a cron run never
 * overlaps the previous one. Its directory depends on the user alone
 * (MIGREADY_RUN_DIR aside, which nothing sets by chance): not on
 * XDG_RUNTIME_DIR, which an SSH login sets and cron or sudo do not, so
 * that root's cron run and root's run from a login take one lock. The holder removes
 * the file when done (release_run_lock), so a taker whose locked file is
 * no longer the one at the path takes the new one instead. Returns the
 * locked descriptor and *held its path, -1 when there is nothing to lock
 * (a pipe), or -2 after saying who holds it. */
static int take_run_lock(const struct cli *cli, const char *run_id, char **held)
{
	char real[PATH_MAX];
	const char *what = cli->inventory ? cli->inventory : cli->root ? cli->root : "/";
	if (!strcmp(what, "-") || !realpath(what, real))
		return -1;
	char *key = cli->inventory ? mr_xstrdup(real) : mr_xasprintf("local:%s", real);
	const char *own = getenv("MIGREADY_RUN_DIR");
	struct stat sb;
	char *dir = own && *own ? mr_xstrdup(own)
	            : geteuid() == 0 ? mr_xstrdup("/run/migready")
	                             : mr_xasprintf("/tmp/migready-%ld", (long)geteuid());
	char hex[2 * MR_SHA256_LEN + 1];
	mr_sha256_hex_of(key, strlen(key), hex);
	hex[16] = '\0';
	char *path = mr_xasprintf("%s/run-%s.lock", dir, hex);
	int fd = -1;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		mr_log(MR_LOG_WARN, "%s: %s; runs of %s are not locked", dir, strerror(errno), what);
		goto out;
	}
	/* Not a directory someone else made for us in /tmp. */
	if (lstat(dir, &sb) < 0 || !S_ISDIR(sb.st_mode) || sb.st_uid != geteuid()) {
		mr_log(MR_LOG_WARN, "%s: not a directory of this user; runs of %s are not locked",
		       dir, what);
		goto out;
	}
	struct timespec t0, now;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		if (fd < 0)
			fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd < 0) {
			mr_log(MR_LOG_WARN, "%s: %s; runs of %s are not locked", path, strerror(errno),
			       what);
			goto out;
		}
		if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
			/* still the file at the path, not one its last holder removed */
			struct stat at, mine;
			if (fstat(fd, &mine) == 0 && stat(path, &at) == 0 && at.st_dev == mine.st_dev &&
			    at.st_ino == mine.st_ino)
				break;
			close(fd);
			fd = -1;
			continue;
		}
		int why = errno;
		if (why == EINTR)
			continue;
		if (why != EWOULDBLOCK) {
			/* no lock to be had here (ENOLCK): not another run's */
			mr_log(MR_LOG_WARN, "%s: cannot lock it: %s; runs of %s are not locked", path,
			       strerror(why), what);
			close(fd);
			fd = -1;
			goto out;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		double waited = (double)(now.tv_sec - t0.tv_sec) + (now.tv_nsec - t0.tv_nsec) / 1e9;
		if (waited >= cli->lock_wait_s) {
			char holder[256] = "";
			ssize_t n = pread(fd, holder, sizeof(holder) - 1, 0);
			holder[n > 0 ? n : 0] = '\0';
			holder[strcspn(holder, "\n")] = '\0';
			fprintf(stderr, "migready: %s: another run holds its lock (%s, %s); gave up after "
			        "%d s (--lock-wait)\n", what, *holder ? holder : "holder unknown", path,
			        cli->lock_wait_s);
			close(fd);
			fd = -2;
			goto out;
		}
		nanosleep(&(struct timespec){ 0, 100000000 }, NULL);
	}
	char *holder = mr_xasprintf("migready %s (pid %ld)\n", run_id, (long)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, holder, strlen(holder), 0) < 0)
		mr_log(MR_LOG_DEBUG, "%s: %s", path, strerror(errno));
	free(holder);
	*held = path;
	path = NULL;
out:
	free(path);
	free(dir);
	free(key);
	return fd;
}

/* Removed while still locked: a run waiting on this file finds it gone
 * and takes the next one (take_run_lock), and none are left behind. */
static void release_run_lock(int fd, char *path)
{
	if (fd >= 0 && path)
		unlink(path);
	if (fd >= 0)
		close(fd);
	free(path);
}

/* --splay: a random wait, so that the cron runs of many controllers (or
 * of every host in pull mode) do not start in the same second. */
static void splay(int max_s)
{
	uint32_t r = 0;
	if (max_s <= 0)
		return;
	if (getrandom(&r, sizeof(r), 0) != sizeof(r))
		r = (uint32_t)getpid() * 2654435761u;
	long ms = (long)(r % ((uint32_t)max_s * 1000 + 1));
	mr_log(MR_LOG_INFO, "splay: waiting %ld.%03ld s", ms / 1000, ms % 1000);
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* migready_last_success_timestamp_seconds of the textfile this run
 * replaces: kept when this run fails, so an alert can tell how long. */
static double previous_success(const char *path, const char *command)
{
	char *old = mr_file_read(path, NULL);
	double t = 0;
	if (!old)
		return 0;
	char *needle = mr_xasprintf("\nmigready_last_success_timestamp_seconds{command=\"%s\"} ",
	                            command);
	const char *at = strstr(old, needle);
	if (at)
		t = strtod(at + strlen(needle), NULL);
	free(needle);
	free(old);
	return t;
}

static double wall_clock(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct ssh_side {
	const struct run *r;
	const unsigned *ports;
	struct mr_verify_ssh_opts opts;
	struct mr_verify_ssh_host *hosts;
};

static void *ssh_side_main(void *arg)
{
	struct ssh_side *s = arg;
	mr_verify_ssh_gather(s->r->targets, s->ports, s->r->n, &s->opts, &s->hosts);
	return NULL;
}

/* libvirt's TCP port on a host: its URI's, else the profile's tcp_port. */
static unsigned listener_port(const struct mr_target *tg, const char *uri)
{
	unsigned port;
	const struct mr_setting *p = mr_profile_get(tg->profile, "libvirtd", "tcp_port");
	if (mr_verify_uri_tcp_port(uri, &port) == 0)
		return port;
	return p ? (unsigned)mr_setting_long(p) : 16509;
}

/* verify examines running hosts: an inventory host under a root (a
 * tree, an image) has no libvirt or network of its own. -1, said. */
static int verify_no_roots(const struct run *r)
{
	int bad = 0;
	for (size_t i = 0; i < r->n; i++) {
		const struct mr_target *tg = &r->targets[i];
		if (!tg->root || !tg->host)
			continue;
		fprintf(stderr, "migready: %s:%u: verify: host '%s' has root = %s: verify examines "
		        "running hosts; a tree under a root has no libvirt or network of its own\n",
		        tg->host->loc.file, tg->host->loc.line, tg->name, tg->root);
		bad = 1;
	}
	return bad ? -1 : 0;
}

/* verify: the libvirt checks of every host and ordered pair, and the SSH
 * side's (verify_ssh.h), both gathered at once. */
static int verify(const struct cli *cli, const struct run *r)
{
	struct ssh_side side = { .r = r };
	struct mr_aug *aug = NULL;
	struct mr_cpu_map *cpus = NULL;
	char *run_id = NULL;
	unsigned *ports = mr_xcalloc(r->n ? r->n : 1, sizeof(*ports));
	pthread_t ssh_thread;
	int ssh_running = 0;
	struct mr_verify_target *t = mr_xcalloc(r->n ? r->n : 1, sizeof(*t));
	char **uris = mr_xcalloc(r->n ? r->n : 1, sizeof(*uris));
	char ***models = mr_xcalloc(r->n ? r->n : 1, sizeof(*models));
	struct mr_verify_input in = { 0 };
	struct mr_verify_result *res = NULL;
	struct mr_error *err = NULL;
	int status = EXIT_HOST_FAILED;
	for (size_t i = 0; i < r->n; i++) {
		const struct mr_target *tg = &r->targets[i];
		const struct mr_setting *mode = mr_profile_get(tg->profile, "nova", "cpu_mode");
		size_t nm = 0, k = 0;
		const struct mr_setting *const *ms =
			mr_profile_get_all(tg->profile, "nova", "cpu_model", &nm);
		/* cpu_model values are lists: "Haswell-noTSX, Broadwell" */
		for (size_t m = 0; m < nm; m++) {
			size_t nw = 0;
			char **words = mr_nova_split_list(ms[m]->value, &nw);
			models[i] = mr_xreallocarray(models[i], k + nw + 1, sizeof(char *));
			for (size_t w = 0; w < nw; w++)
				models[i][k++] = words[w];
			models[i][k] = NULL;
			free(words);
		}
		/* no URI in the inventory: libvirt where the profile has it listen */
		const struct mr_setting *port = mr_profile_get(tg->profile, "libvirtd", "tcp_port");
		uris[i] = tg->host ? mr_host_libvirt_uri(tg->host,
		                                         port ? (unsigned)mr_setting_long(port) : 0)
		                   : mr_xstrdup("qemu:///system");
		t[i] = (struct mr_verify_target){ tg->name, uris[i], mode ? mode->value : NULL,
		                                  (const char *const *)models[i] };
	}
	struct mr_verify_opts vo = { .jobs = cli->jobs, .timeout_s = cli->timeout_s };
	struct timespec t0, t1, t2;
	if (mr_transport_ssh_global_init(&err) < 0)
		goto failed;
	aug = mr_aug_new(mr_aug_default_lens_dirs(), &err);
	if (!aug)
		goto failed;
	cpus = load_cpu_map(r, 1);
	if (lint_cpu_models(r, cpus) < 0) {
		status = EXIT_INVALID;
		goto out;
	}
	run_id = make_run_id();
	for (size_t i = 0; i < r->n; i++)
		ports[i] = listener_port(&r->targets[i], uris[i]);
	side.ports = ports;
	side.opts = (struct mr_verify_ssh_opts){ cli->jobs, cli->timeout_s, aug, cpus, run_id };
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* the SSH side beside libvirt's: each waits on the network */
	ssh_running = pthread_create(&ssh_thread, NULL, ssh_side_main, &side) == 0;
	if (!ssh_running)
		ssh_side_main(&side);
	int gathered = mr_verify_gather(t, r->n, &vo, &in, &err);
	if (ssh_running)
		pthread_join(ssh_thread, NULL);
	ssh_running = 0;
	if (gathered < 0)
		goto failed;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	in.local = cli->local;
	in.cpus = cpus;
	if (side.hosts)
		mr_verify_ssh_cpu_config(side.hosts, r->n, &in);
	res = mr_verify_analyze(&in);
	mr_verify_ssh_join(res, side.hosts, r->n);
	clock_gettime(CLOCK_MONOTONIC, &t2);
	mr_log(MR_LOG_INFO, "verify: %zu hosts read in %.2f s, analysed in %.2f s", r->n,
	       (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9,
	       (double)(t2.tv_sec - t1.tv_sec) + (t2.tv_nsec - t1.tv_nsec) / 1e9);
	struct verify_render vr = {
		.res = res,
		.format = cli->format == MR_FORMAT_JSON ? MR_VERIFY_JSON : MR_VERIFY_TEXT,
		.color = want_color(cli),
		.quiet = cli->quiet,
	};
	if (emit(cli, render_verify, &vr) < 0) {
		fprintf(stderr, "migready: cannot write the report%s%s\n", cli->output ? " to " : "",
		        cli->output ? cli->output : "");
		status = EXIT_REPORT_FAILED;
		goto out;
	}
	status = mr_verify_exit_status(res);
	goto out;
failed:
	print_errors(err);
out:
	mr_verify_ssh_hosts_free(side.hosts, r->n);
	mr_aug_free(aug);
	mr_cpu_map_free(cpus);
	free(run_id);
	free(ports);
	for (size_t i = 0; i < r->n; i++) {
		free(uris[i]);
		for (size_t k = 0; models[i] && models[i][k]; k++)
			free(models[i][k]);
		free(models[i]);
	}
	free(uris);
	free(models);
	free(t);
	mr_verify_result_free(res);
	mr_verify_input_fini(&in);
	mr_error_free(err);
	return status;
}

/* A fleet that gathers facts first (known_hosts = cluster) holds every
 * host's connection until its second phase: 1,024 descriptors, the usual
 * soft limit, would fail the hosts past it. The hard limit is ours. */
static void raise_file_limit(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int main(int argc, char **argv)
{
	struct cli cli = { 0 };
	struct run run = { 0 };
	struct mr_error *err = NULL;
	struct mr_aug *aug = NULL;
	struct mr_cpu_map *cpus = NULL;
	struct mr_report rep = { 0 };
	char *run_id = NULL;
	int status = EXIT_INVALID, lock_fd = -1;
	char *lock_path = NULL;
	double started = wall_clock();

	mr_log_keep_warnings(1);
	raise_file_limit();
	if (parse_cli(argc, argv, &cli) < 0)
		goto out;
	if (cli.verbose > 1)
		mr_log_set_level(MR_LOG_DEBUG);
	else if (cli.verbose)
		mr_log_set_level(MR_LOG_INFO);
	else if (cli.quiet)
		mr_log_set_level(MR_LOG_ERROR);
	if (prepare(&cli, &run, &err) < 0) {
		print_errors(err);
		goto out;
	}
	warn_unapplied(&run);
	if (cli.output && cli.command != CMD_LINT && output_dir_ok(cli.output) < 0) {
		fprintf(stderr, "migready: cannot write the report to %s; no host contacted\n",
		        cli.output);
		status = EXIT_REPORT_FAILED;
		goto out;
	}
	if (cli.command == CMD_LINT) {
		status = lint(&cli, &run);
		goto out;
	}
	if (cli.command == CMD_SHOW) {
		status = show(&cli, &run);
		goto out;
	}
	if (cli.command == CMD_VERIFY) {
		status = verify_no_roots(&run) < 0 ? EXIT_INVALID : verify(&cli, &run);
		goto out;
	}
	cpus = load_cpu_map(&run, 0);
	if ((cli.command == CMD_CHECK || cli.command == CMD_DIFF || cli.command == CMD_APPLY) &&
	    lint_cpu_models(&run, cpus) < 0) {
		status = EXIT_INVALID;
		goto out;
	}
	run_id = make_run_id();
	if (cli.command == CMD_CHECK || cli.command == CMD_DIFF || cli.command == CMD_APPLY ||
	    (cli.command == CMD_ROLLBACK && !cli.list)) {
		splay(cli.splay_s);
		lock_fd = take_run_lock(&cli, run_id, &lock_path);
		if (lock_fd == -2) {
			status = EXIT_LOCKED;
			goto out;
		}
	}
	if (mr_transport_ssh_global_init(&err) < 0)
		goto failed;
	aug = mr_aug_new(mr_aug_default_lens_dirs(), &err);
	if (!aug)
		goto failed;
	struct mr_fleet_opts fo = {
		.jobs = cli.jobs,
		.timeout_s = cli.timeout_s,
		.lock_wait_s = cli.lock_wait_s,
		.cpus = cpus,
		.max_file = cli.max_file,
		.facts_only = cli.command == CMD_FACTS,
		.progress = !cli.quiet && isatty(STDERR_FILENO) && run.n > 1,
		.run = {
			.mode = cli.command == CMD_APPLY ? MR_MODE_APPLY
			        : cli.command == CMD_DIFF ? MR_MODE_DIFF : MR_MODE_CHECK,
			.no_restart = cli.no_restart,
			.explicit_defaults = cli.explicit_defaults,
			.run_id = run_id,
		},
	};
	struct mr_rollback_opts rb = { cli.rollback_run, run_id, cli.force, cli.no_restart,
		                       cli.list };
	if (cli.command == CMD_ROLLBACK) {
		fo.host_fn = mr_rollback_host;
		fo.host_ctx = &rb;
		fo.host_lock = !cli.list;
	}
	mr_report_init(&rep, command_names[cli.command], run.n);
	rep.run_id = mr_xstrdup(run_id);
	rep.started = started;
	rep.list_runs = cli.list;
	report_profiles(&cli, &run, &rep);
	mr_fleet_run(run.targets, run.n, &fo, aug, &rep);
	status = mr_report_exit_status(&rep);
	rep.seconds = wall_clock() - started;
	if (!(status & EXIT_HOST_FAILED))
		rep.last_success = started;
	else if (cli.output && cli.format == MR_FORMAT_PROM)
		rep.last_success = previous_success(cli.output, rep.command);
	size_t n_warnings = 0;
	char **warnings = mr_log_warnings_steal(&n_warnings);
	for (size_t i = 0; i < n_warnings; i++)
		mr_report_add_warning_steal(&rep, warnings[i]);
	free(warnings);
	if (report(&cli, &rep) < 0) {
		/* the run's outcome is not lost with its report: its summary
		 * and the status it would have had go to stderr */
		char *line = mr_report_summary(&rep);
		fprintf(stderr, "migready: cannot write the report%s%s; %s (exit status %d without "
		        "the report's failure)\n",
		        cli.output ? " to " : "", cli.output ? cli.output : "", line, status);
		free(line);
		status = EXIT_REPORT_FAILED;
	}
	if (cli.syslog) {
		char *line = mr_report_summary(&rep);
		openlog("migready", LOG_PID, LOG_USER);
		syslog(status & EXIT_HOST_FAILED || status == EXIT_REPORT_FAILED ? LOG_WARNING : LOG_INFO,
		       "%s (run %s, exit status %d)", line, run_id, status);
		closelog();
		free(line);
	}
	if (mr_log_get_level() >= MR_LOG_INFO) {
		unsigned long parses, hits;
		mr_aug_stats(aug, &parses, &hits);
		mr_log(MR_LOG_INFO, "%lu files parsed, %lu served from the parse cache", parses, hits);
	}
	goto out;
failed:
	print_errors(err);
	status = EXIT_HOST_FAILED;
out:
	release_run_lock(lock_fd, lock_path);
	mr_report_fini(&rep);
	mr_aug_free(aug);
	mr_cpu_map_free(cpus);
	mr_error_free(err);
	run_fini(&run);
	mr_transport_ssh_global_exit();
	free(run_id);
	free(cli.profiles);
	free(cli.host_globs);
	size_t n_left = 0;
	char **left = mr_log_warnings_steal(&n_left);
	for (size_t i = 0; i < n_left; i++)
		free(left[i]);
	free(left);
	return status;
}
