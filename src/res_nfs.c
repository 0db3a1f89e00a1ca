/* The shared instances directory over NFS, by the host's role:
 *   server  each `export` line in /etc/exports (the clients it names, a
 *           network with a prefix or a netmask alike, get its options on
 *           the path's first line, however spelt, where they stand, spelt
 *           as they are, a network before a wider one that mountd would
 *           take first (one that holds only some of its peers: refused),
 *           and leave the path's later lines; the line's other
 *           clients and every other line untouched; one after the
 *           line's "-opts" defaults judged by what exportfs gives it,
 *           the defaults then its own, against what the profile's
 *           options alone give, and where that differs put before the
 *           line's first "-" word with the profile's options), the
 *           exported directory present, then `exportfs -ra`; an export
 *           configured but not active (exportfs -v, in the facts), or
 *           served with an option that undoes one it asks for, or after
 *           a network that mountd takes first for its peers, is drift
 *           that exportfs -ra settles;
 *   client  each `mount` line in /etc/fstab (the entry of the same mount
 *           point corrected), the mount point present (the instances
 *           directory owned by the nova user, u+rwx and o+x: other bits
 *           are the admin's), and mounted, never over
 *           a directory that holds files unless force_mount = yes; an
 *           instances directory mounted from elsewhere fails. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <strings.h>
#include <stdlib.h>
#include <string.h>

#include "res.h"

#define EXPORTS "/etc/exports"
#define NFS_SERVER "nfs-server.service"
#define FSTAB "/etc/fstab"
#define DEFAULT_INSTANCES "/var/lib/nova/instances"

static const struct mr_conf_key nfs_keys[] = {
	{ "role", MR_CONF_PLAN, NULL },
	{ "export", MR_CONF_PLAN, NULL },
	{ "mount", MR_CONF_PLAN, NULL },
	{ "force_mount", MR_CONF_PLAN, NULL },
};

/* The next blank-separated word of *p; its length, 0 at the end. */
static size_t word(const char **p)
{
	*p += strspn(*p, " \t");
	return strcspn(*p, " \t");
}

/* An Augeas predicate's literal: quoted with the quote s lacks. NULL if s
 * holds both (no profile value passes the schema so). */
static char *literal(const char *s)
{
	if (!strchr(s, '\''))
		return mr_xasprintf("'%s'", s);
	if (!strchr(s, '"'))
		return mr_xasprintf("\"%s\"", s);
	return NULL;
}

/* Whether mount point mp holds path: path itself, or a directory below
 * it (both tidy absolute paths). */
static int holds(const char *mp, const char *path)
{
	size_t n = strlen(mp);
	return !strcmp(mp, path) || !strcmp(mp, "/") ||
	       (!strncmp(mp, path, n) && path[n] == '/');
}

/* An Augeas predicate on node's value (".", "file") naming path however
 * the file spells it: each '/' one or more, a trailing '/' or none, and
 * with quoted in double quotes or not (exports(5) takes both), as the
 * kernel reads them all; NULL if path holds a character this does not
 * spell (the caller then matches the text as it is). A second spelling
 * was not found, and a line of its own was added beside it (found by a
 * review: exportfs refuses the pair, fstab's is ambiguous). */
static char *path_pred(const char *node, const char *path, int quoted)
{
	struct mr_buf re;
	mr_buf_init(&re);
	for (const char *p = path; *p; p++) {
		if (*p == '/')
			mr_buf_puts(&re, "/+");
		else if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		         (*p >= '0' && *p <= '9') || *p == '_')
			mr_buf_putc(&re, *p);
		else if (strchr(".-+@:,=%~", *p))
			mr_buf_printf(&re, "[%c]", *p);
		else {
			mr_buf_fini(&re);
			return NULL;
		}
	}
	mr_buf_puts(&re, "/*");
	/* quoted whole, or not at all: "/srv alone is another path */
	char *pred = quoted ? mr_xasprintf("%s =~ regexp('([\"]%s[\"]|%s)')", node, re.data, re.data)
	                    : mr_xasprintf("%s =~ regexp('%s')", node, re.data);
	mr_buf_fini(&re);
	return pred;
}

const char *mr_res_instances_path(const struct mr_profile *profile)
{
	const struct mr_setting *inst = mr_profile_get(profile, "nova", "instances_path");
	if (inst)
		return inst->value;
	/* a client of the shared directory mounts it where nova keeps it */
	return mr_profile_has_section(profile, "nfs") ? DEFAULT_INSTANCES : NULL;
}

/* Whether a[0..an) and b[0..bn) are one network, each with a prefix
 * length or a netmask ("10.20.0.0/24", "10.20.0.0/255.255.255.0"): the
 * same peers to exportfs. A netmask that is no prefix is no such network. */
static int same_network(const char *a, size_t an, const char *b, size_t bn)
{
	if (!memchr(a, '/', an) || !memchr(b, '/', bn))
		return 0;
	char *sa = mr_xstrndup(a, an), *sb = mr_xstrndup(b, bn);
	struct mr_cidr ca, cb;
	int same = mr_cidr_parse_mask(sa, &ca) == MR_CIDR_OK &&
	           mr_cidr_parse_mask(sb, &cb) == MR_CIDR_OK && ca.bits == cb.bits &&
	           mr_cidr_holds(&ca, &cb);
	free(sa);
	free(sb);
	return same;
}

/* A client of /etc/exports (have) is the profile's (want): one network
 * however spelt, as exportfs reads it (found by a review: a second
 * spelling was added beside the file's, and mountd serves the first), or
 * options with no client (the lens's ""), which exportfs gives "*". */
static int same_client_net(const char *have, const char *want)
{
	return (!*have && !strcmp(want, "*")) ||
	       same_network(have, strlen(have), want, strlen(want));
}

/* The kinds of client, in the order mountd tries them for a peer: the
 * first export of the path whose client holds it, by kind, then by file
 * order within a kind, gives its options (nfs-utils: client_gettype in
 * support/export/client.c, export_add in export.c, lookup_export in
 * cache.c). A bare address is a host to exportfs 2.6 (etab lists it
 * with the names, before every network), though some nfs-utils sources
 * make it a network of one. */
enum client_kind { KIND_HOST, KIND_NET, KIND_WILDCARD, KIND_NETGROUP, KIND_WORLD, KIND_GSS };

static enum client_kind client_kind(const char *c)
{
	if (!*c || !strcmp(c, "*"))
		return KIND_WORLD;
	if (!strncmp(c, "gss/", 4))
		return KIND_GSS;
	if (*c == '@')
		return KIND_NETGROUP;
	for (const char *p = c; *p; p++) {
		if (*p == '*' || *p == '?' || *p == '[')
			return KIND_WILDCARD;
		if (*p == '/')
			return KIND_NET;
		if (*p == '\\' && p[1])
			p++;
	}
	return KIND_HOST;
}

/* An IPv4 network as mountd reads it (init_subnetwork): an address, and
 * a netmask, dotted or a prefix of 1 to 32. 0 if not one. */
static int net4(const char *c, uint32_t *addr, uint32_t *mask)
{
	char buf[64];
	size_t an = strcspn(c, "/");
	struct in_addr a, m;
	if (an >= sizeof(buf))
		return 0;
	memcpy(buf, c, an);
	buf[an] = '\0';
	if (inet_pton(AF_INET, buf, &a) != 1)
		return 0;
	*addr = ntohl(a.s_addr);
	if (!c[an])
		return 0;
	const char *p = c + an + 1;
	if (strchr(p, '.')) {
		if (inet_pton(AF_INET, p, &m) != 1)
			return 0;
		*mask = ntohl(m.s_addr);
		return 1;
	}
	char *end;
	long bits = strtol(p, &end, 10);
	if (*end || bits < 1 || bits > 32)
		return 0;
	*mask = bits == 32 ? 0xffffffffu : ~(0xffffffffu >> bits);
	return 1;
}

/* The op's ahead hook: a network of the file (have) before the profile's
 * (want) is taken for the peers both hold. One that holds all of want's
 * is passed (want goes first; its other peers keep it); one that holds
 * some only would lose them to want: refused. Other kinds are not ordered
 * by place (a host before a network, whatever the lines). IPv4 with any
 * netmask, as mountd masks a peer; IPv6 by prefix. */
static int net_ahead(const char *have, const char *want, char **why)
{
	if (client_kind(have) != KIND_NET || client_kind(want) != KIND_NET)
		return 0;
	int holds, overlaps;
	uint32_t ha, hm, wa, wm;
	struct mr_cidr h, w;
	if (net4(have, &ha, &hm) && net4(want, &wa, &wm)) {
		holds = (hm & ~wm) == 0 && ((ha ^ wa) & hm) == 0;
		overlaps = ((ha ^ wa) & hm & wm) == 0;
	} else if (mr_cidr_parse_mask(have, &h) == MR_CIDR_OK &&
	           mr_cidr_parse_mask(want, &w) == MR_CIDR_OK && h.family == w.family) {
		holds = mr_cidr_holds(&h, &w);
		overlaps = holds || mr_cidr_holds(&w, &h);
	} else {
		return 0;
	}
	if (holds) {
		*why = mr_xasprintf("stands before %s and holds its peers: mountd gives them "
		                    "the first network's options",
		                    want);
		return 1;
	}
	if (overlaps) {
		*why = mr_xasprintf("stands before %s and holds some of its peers: mountd gives "
		                    "them the first network's options, and %s cannot go first "
		                    "without taking them from it",
		                    want, want);
		return -1;
	}
	return 0;
}

/* Options that undo each other (exportfs's parseopts: one flag set or
 * cleared), each pair once. */
static const char *const pairs[][2] = {
	{ "rw", "ro" },           { "sync", "async" },          { "root_squash", "no_root_squash" },
	{ "all_squash", "no_all_squash" }, { "secure", "insecure" }, { "hide", "nohide" },
	{ "subtree_check", "no_subtree_check" }, { "wdelay", "no_wdelay" },
	{ "crossmnt", "nocrossmnt" }, { "acl", "no_acl" }, { "pnfs", "no_pnfs" },
	{ "secure_locks", "insecure_locks" },
};

/* The pair option o[0..n) is one of, or NULL; *side (if not NULL) which
 * of the two it is. */
static const char *const *pair_of(const char *o, size_t n, int *side)
{
	for (size_t i = 0; i < MR_ARRAY_LEN(pairs); i++)
		for (int k = 0; k < 2; k++)
			if (n == strlen(pairs[i][k]) && !strncmp(o, pairs[i][k], n)) {
				if (side)
					*side = k;
				return pairs[i];
			}
	return NULL;
}

/* Options exportfs takes for others, and prints so (exportfs -v never
 * shows auth_nlm, mp or replicas): the option, then its name there. */
static const char *const alias[][2] = {
	{ "auth_nlm", "secure_locks" }, { "no_auth_nlm", "insecure_locks" },
	{ "mp", "mountpoint" },         { "mp=", "mountpoint=" },
	{ "replicas=", "refer=" },
};

/* Option o[0..n) by the name exportfs -v prints it: *name, *nn (up to
 * and with its "=", the value not included). */
static void opt_name(const char *o, size_t n, const char **name, size_t *nn)
{
	const char *eq = memchr(o, '=', n);
	size_t kn = eq ? (size_t)(eq - o) + 1 : n;
	*name = o;
	*nn = kn;
	for (size_t i = 0; i < MR_ARRAY_LEN(alias); i++)
		if (kn == strlen(alias[i][0]) && !strncmp(o, alias[i][0], kn)) {
			*name = alias[i][1];
			*nn = strlen(*name);
		}
}

/* The first item of the comma-separated list that is opt[0..n) (with
 * prefix, that starts with it), or NULL; *len its length. */
static const char *list_item(const char *list, const char *opt, size_t n, int prefix,
                             size_t *len)
{
	for (const char *o = list; *o; o += *len + (o[*len] == ',')) {
		*len = strcspn(o, ",");
		if ((*len == n || (prefix && *len > n)) && !strncmp(o, opt, n))
			return o;
	}
	return NULL;
}

/* An exports option as exportfs keeps it for a client: its setting (a
 * pair's first, NAME= for one with a value, else the option), and its
 * value (the pair's option, the value after "=", else ""). */
struct eff_opt {
	const char *slot, *val;
	size_t sn, vn;
};

/* Option o[0..n) as the setting it makes. */
static struct eff_opt eff_of(const char *o, size_t n)
{
	struct eff_opt x;
	const char *eq = memchr(o, '=', n);
	opt_name(o, n, &x.slot, &x.sn);
	if (eq) {
		x.sn--; /* "mountpoint=/x" sets what "mountpoint" does */
		x.val = eq + 1;
		x.vn = n - (size_t)(x.val - o);
		return x;
	}
	x.val = x.slot;
	x.vn = x.sn;
	const char *const *pair = pair_of(x.slot, x.sn, NULL);
	if (pair) {
		x.slot = pair[0];
		x.sn = strlen(x.slot);
	}
	return x;
}

/* The settings the comma-separated options of each list give, in turn,
 * the later undoing the earlier (a client's defaults, then its own):
 * added to *e (*n of them). */
static void effective(const char *const *lists, size_t n_lists, struct eff_opt **e, size_t *n)
{
	for (size_t l = 0; l < n_lists; l++) {
		for (const char *o = lists[l]; o && *o;) {
			size_t on = strcspn(o, ",");
			struct eff_opt x = eff_of(o, on);
			size_t i = 0;
			while (i < *n && ((*e)[i].sn != x.sn || strncmp((*e)[i].slot, x.slot, x.sn) != 0))
				i++;
			if (i == *n)
				*e = mr_xreallocarray(*e, ++*n, sizeof(**e));
			(*e)[i] = x;
			o += on + (o[on] == ',');
		}
	}
}

/* What exportfs gives a client before any option of the line's (its
 * exportent defaults, as etab lists a line's bare path): each
 * setting that no option or another of the pair's leaves unset. */
static const char exportent_defaults[] = "ro,sync,wdelay,hide,nocrossmnt,secure,root_squash,"
                                         "no_all_squash,no_subtree_check,secure_locks,acl,"
                                         "no_pnfs,anonuid=65534,anongid=65534";

/* The first option of list that a client's own options add to rather
 * than undo (exportfs adds its flavours, transport modes and squashed
 * ids to those before it), or NULL; *n its length. */
static const char *adding_opt(const char *list, size_t *n)
{
	static const char *const adding[] = { "sec=", "xprtsec=", "squash_uids=", "squash_gids=" };
	for (size_t i = 0; i < MR_ARRAY_LEN(adding); i++) {
		const char *o = list_item(list, adding[i], strlen(adding[i]), 1, n);
		if (o)
			return o;
	}
	return NULL;
}

/* The op's with_defaults hook. exportfs gives a client the line's
 * "-opts" defaults, then its own options (have), which undo them where
 * they conflict. It is what the profile asks only when that is what the
 * profile's options alone (want) give it, on exportfs's own defaults: a
 * default the profile does not name (all_squash, anonuid=0, fsid)
 * differs, though the client's own options do not undo it. Where
 * flavours are named (sec=, which options add to and which those after
 * them follow), only no defaults at all are the profile's. 0 otherwise:
 * the engine gives the client the profile's options where no default
 * reaches it. */
static int export_with_defaults(const char *defaults, const char *have, const char *want,
                                char **why)
{
	(void)why;
	size_t an;
	if (!have)
		return 0;
	if (adding_opt(defaults, &an) || adding_opt(have, &an) || adding_opt(want, &an))
		return !*defaults && !strcmp(have, want);
	const char *h[] = { exportent_defaults, defaults, have }, *w[] = { exportent_defaults, want };
	struct eff_opt *eh = NULL, *ew = NULL;
	size_t nh = 0, nw = 0;
	effective(h, 3, &eh, &nh);
	effective(w, 2, &ew, &nw);
	int same = nh == nw;
	for (size_t i = 0; i < nh && same; i++) {
		size_t j = 0;
		while (j < nw && (ew[j].sn != eh[i].sn || strncmp(ew[j].slot, eh[i].slot, eh[i].sn)))
			j++;
		same = j < nw && ew[j].vn == eh[i].vn && !strncmp(ew[j].val, eh[i].val, eh[i].vn);
	}
	free(eh);
	free(ew);
	return same;
}

const struct mr_aug_op mr_res_nfs_export = {
	.kind = MR_AUG_ENTRY, .fmt = MR_FMT_RAW, .create = "dir", .keep_others = 1,
	.same = same_client_net, .bare = "client\t*", .ahead = net_ahead,
	.defaults = "defaults", .with_defaults = export_with_defaults,
};

/* "PATH CLIENT(OPT,OPT) CLIENT" as the exports lens's tree: dir = PATH,
 * client = CLIENT, client/option = OPT. */
static void plan_export(struct mr_plan *plan, struct mr_plan_file *f,
                        const struct mr_setting *s, char **path_out)
{
	const char *p = s->value;
	size_t n = word(&p);
	char *path = mr_xstrndup(p, n);
	struct mr_buf kids;
	mr_buf_init(&kids);
	mr_buf_printf(&kids, ".\t%s\n", path);
	unsigned client = 0;
	for (p += n; (n = word(&p)); p += n) {
		const char *open = memchr(p, '(', n);
		size_t hn = open ? (size_t)(open - p) : n;
		mr_buf_printf(&kids, "client[%u]\t%.*s\n", ++client, (int)hn, p);
		unsigned opt = 0;
		for (const char *o = open ? open + 1 : NULL; o && o < p + n - 1;) {
			size_t on = strcspn(o, ",)");
			if (on)
				mr_buf_printf(&kids, "client[%u]/option[%u]\t%.*s\n", client, ++opt,
				              (int)on, o);
			o += on + 1;
		}
	}
	char *lit = literal(path);
	char *origin = mr_plan_origin_of(s);
	if (!lit) {
		mr_plan_fail(plan, "nfs.export", origin, "'%s' cannot be named in an Augeas path",
		             path);
	} else {
		char *pred = path_pred(".", path, 1);
		char *key = mr_xasprintf("dir[. = %s%s%s]", lit, pred ? " or " : "", pred ? pred : "");
		free(pred);
		struct mr_aug_op op = mr_res_nfs_export;
		op.key = key;
		op.value = s->value;
		op.children = kids.data;
		mr_plan_add_as(f, "nfs.export", origin, &op);
		free(key);
	}
	free(origin);
	free(lit);
	mr_buf_fini(&kids);
	*path_out = path;
}

/* Whether exportfs -v's client (sn bytes) is the export's (on bytes):
 * the same, the same network spelt otherwise, or the host name the export
 * gives with the domain that exportfs, which shows each host by its
 * canonical name, added ("compute9" served as "compute9.example.com";
 * found by a review: drift every run, and exportfs -ra for nothing). */
static int same_client(const char *served, size_t sn, const char *ours, size_t on)
{
	if ((sn == on && !strncmp(served, ours, on)) || same_network(served, sn, ours, on))
		return 1;
	if (sn <= on + 1 || served[on] != '.' || strncasecmp(served, ours, on) != 0)
		return 0;
	/* a host name alone: not an address, a network, a pattern or a
	 * netgroup, which exportfs shows as given */
	for (size_t i = 0; i < on; i++)
		if (strchr("./:*?@[", ours[i]))
			return 0;
	return ours[0] < '0' || ours[0] > '9';
}

/* "PATH CLIENT[ OPTS]" (an nfs.active or nfs.active_opts fact) for path
 * and client: what follows the client ("" or " OPTS"), or NULL. */
static const char *served_as(const char *fact, const char *path, size_t pn, const char *client,
                             size_t cn)
{
	if (strncmp(fact, path, pn) != 0 || fact[pn] != ' ')
		return NULL;
	const char *c = fact + pn + 1;
	size_t sn = strcspn(c, " ");
	return same_client(c, sn, client, cn) ? c + sn : NULL;
}

/* The options the kernel serves (path, client) with, as exportfs -v
 * lists them ("rw,sync,..."), or NULL: not served, or not known. */
static const char *served_opts(const struct mr_facts *facts, const char *path, size_t pn,
                               const char *client, size_t cn, int *served)
{
	const char **v = NULL;
	size_t n = mr_facts_get_all(facts, "nfs.active", &v);
	*served = 0;
	for (size_t i = 0; i < n && !*served; i++) {
		const char *rest = served_as(v[i], path, pn, client, cn);
		*served = rest && !*rest;
	}
	free(v);
	n = mr_facts_get_all(facts, "nfs.active_opts", &v);
	const char *opts = NULL;
	for (size_t i = 0; i < n && !opts; i++) {
		const char *rest = served_as(v[i], path, pn, client, cn);
		if (rest && *rest == ' ')
			opts = rest + 1;
	}
	free(v);
	return opts;
}

/* Whether each ':'-separated item of a[0..an) is in b[0..bn). */
static int flavours_within(const char *a, size_t an, const char *b, size_t bn)
{
	for (size_t i = 0; i < an;) {
		size_t l = 0;
		while (i + l < an && a[i + l] != ':')
			l++;
		int found = 0;
		for (size_t j = 0; j < bn && !found;) {
			size_t m = 0;
			while (j + m < bn && b[j + m] != ':')
				m++;
			found = m == l && !strncmp(a + i, b + j, l);
			j += m + 1;
		}
		if (!found)
			return 0;
		i += l + 1;
	}
	return 1;
}

/* The option of served that undoes wanted option w[0..n): its other half
 * (ro for rw, root_squash for no_root_squash, ...), or the same name
 * with another value (anonuid=0 for anonuid=64060; fsid, anonuid and
 * anongid only); NULL if none. */
static const char *undoing_opt(const char *served, const char *w, size_t n, size_t *un)
{
	if (!memchr(w, '=', n))
		opt_name(w, n, &w, &n); /* no_auth_nlm: served as insecure_locks */
	int side;
	const char *const *pair = pair_of(w, n, &side);
	if (pair)
		return list_item(served, pair[!side], strlen(pair[!side]), 0, un);
	/* the security flavours: each wanted one served, by any of the
	 * export's sec= groups (a list may be shown in another order, and
	 * options per flavour as groups of their own) */
	if (n > 4 && !strncmp(w, "sec=", 4)) {
		const char *first = list_item(served, "sec=", 4, 1, un);
		if (!first)
			return NULL;
		size_t first_n = *un;
		struct mr_buf all;
		mr_buf_init(&all);
		for (const char *o = served; *o; o += *un + (o[*un] == ',')) {
			*un = strcspn(o, ",");
			if (*un > 4 && !strncmp(o, "sec=", 4))
				mr_buf_printf(&all, "%s%.*s", all.len ? ":" : "", (int)(*un - 4), o + 4);
		}
		int within = flavours_within(w + 4, n - 4, all.data ? all.data : "", all.len);
		mr_buf_fini(&all);
		*un = first_n;
		return within ? NULL : first;
	}
	/* a scalar value shown another: fsid (root is 0), anonuid, anongid */
	static const char *const scalars[] = { "fsid=", "anonuid=", "anongid=" };
	for (size_t i = 0; i < MR_ARRAY_LEN(scalars); i++) {
		size_t kn = strlen(scalars[i]);
		if (n < kn || strncmp(w, scalars[i], kn) != 0)
			continue;
		const char *v = w + kn;
		size_t vn = n - kn;
		if (vn == 4 && !strncmp(v, "root", 4)) { /* exportfs -v shows fsid=root as fsid=0 */
			v = "0";
			vn = 1;
		}
		const char *o = list_item(served, scalars[i], kn, 1, un);
		return o && (*un - kn != vn || strncmp(o + kn, v, vn) != 0) ? o : NULL;
	}
	return NULL;
}

/* The client exportfs -v lists for path before client (cn bytes) that
 * mountd takes first for its peers (a network holding some of them, by
 * net_ahead), as the fact spells it, or NULL. exportfs -v lists etab's
 * order, which mountd follows; a stale one (the file edited, exportfs -ra
 * not run) serves the peers another entry's options. */
static const char *served_before(const struct mr_facts *facts, const char *path, size_t pn,
                                 const char *client, size_t cn)
{
	const char **v = NULL;
	size_t n = mr_facts_get_all(facts, "nfs.active", &v);
	char *ours = mr_xstrndup(client, cn);
	const char *first = NULL;
	for (size_t i = 0; i < n && !first; i++) {
		if (strncmp(v[i], path, pn) != 0 || v[i][pn] != ' ')
			continue;
		const char *c = v[i] + pn + 1;
		if (same_client(c, strlen(c), client, cn))
			break;
		char *why = NULL;
		if (net_ahead(c, ours, &why) != 0)
			first = c;
		free(why);
	}
	free(ours);
	free(v);
	return first;
}

/* Each client of each export that the kernel does not serve, or serves
 * with an option that undoes one the export asks for (another export of
 * the path, in /etc/exports.d, may be the one served), one phrase. */
static void inactive_exports(const struct mr_facts *facts, const struct mr_setting *const *ex,
                             size_t n_ex, struct mr_buf *off, struct mr_buf *other)
{
	for (size_t i = 0; i < n_ex; i++) {
		const char *p = ex[i]->value;
		size_t pn = word(&p);
		const char *path = p;
		size_t path_n = strcspn(path, " \t");
		for (const char *c = p + pn; (pn = word(&c)); c += pn) {
			size_t cn = strcspn(c, "( \t");
			int served;
			const char *opts = served_opts(facts, path, path_n, c, cn, &served);
			if (!served) {
				mr_buf_printf(off, "%s%.*s %.*s", off->len ? ", " : "", (int)path_n, path,
				              (int)cn, c);
				continue;
			}
			const char *first = served_before(facts, path, path_n, c, cn);
			if (first)
				mr_buf_printf(other, "%s%.*s %.*s after %s, which mountd takes first",
				              other->len ? ", " : "", (int)path_n, path, (int)cn, c, first);
			if (!opts || c[cn] != '(')
				continue;
			const char *w = c + cn + 1, *end = c + pn - (c[pn - 1] == ')');
			while (w < end) {
				size_t wn = strcspn(w, ",)");
				if (wn > (size_t)(end - w))
					wn = (size_t)(end - w);
				size_t un = 0;
				const char *u = undoing_opt(opts, w, wn, &un);
				if (u)
					mr_buf_printf(other, "%s%.*s %.*s %.*s, not %.*s", other->len ? ", " : "",
					              (int)path_n, path, (int)cn, c, (int)un, u, (int)wn, w);
				w += wn + 1;
			}
		}
	}
}

/* The clients a path is served to beyond the export's own (another line,
 * an /etc/exports.d file): one of a kind mountd tries before one of the
 * export's (a host inside its network), or of the same kind but a network
 * (two wildcards, two netgroups), may take some of its peers, which is not
 * examined, and said, path and client. A network beside the export's is
 * judged where it is read (served_before); a client of a kind tried after
 * all the export's (the world beside a network) never takes them. */
static void other_clients(struct mr_plan *plan, const struct mr_setting *const *ex,
                          size_t n_ex, const char *origin)
{
	const struct mr_facts *facts = mr_plan_facts(plan);
	const char **active = NULL;
	size_t n = mr_facts_get_all(facts, "nfs.active", &active);
	for (size_t k = 0; k < n; k++) {
		const char *sp = strchr(active[k], ' ');
		if (!sp)
			continue;
		size_t an = (size_t)(sp - active[k]);
		int ours_path = 0, ours_client = 0;
		enum client_kind last_kind = KIND_HOST;
		unsigned kinds = 0;
		for (size_t i = 0; i < n_ex && !ours_client; i++) {
			const char *p = ex[i]->value;
			size_t pn = word(&p);
			if (pn != an || strncmp(p, active[k], an) != 0)
				continue;
			ours_path = 1;
			for (const char *c = p + pn; (pn = word(&c)) && !ours_client; c += pn) {
				size_t cn = strcspn(c, "( \t");
				ours_client = same_client(sp + 1, strlen(sp + 1), c, cn);
				char *name = mr_xstrndup(c, cn);
				enum client_kind kind = client_kind(name);
				free(name);
				kinds |= 1u << kind;
				if (kind > last_kind)
					last_kind = kind;
			}
		}
		enum client_kind other = client_kind(sp + 1);
		if (ours_path && !ours_client &&
		    (other < last_kind || (other != KIND_NET && (kinds & (1u << other))))) {
			mr_plan_uncheckedf(plan, "nfs.other_client",
			                   "%s, served also to %s", origin, active[k]);
		}
	}
	free(active);
}

static void plan_server(struct mr_plan *plan, const struct mr_profile *profile)
{
	const struct mr_facts *facts = mr_plan_facts(plan);
	size_t n = 0;
	const struct mr_setting *const *ex = mr_profile_get_all(profile, "nfs", "export", &n);
	if (!n)
		return;
	struct mr_plan_file *f = mr_plan_file(plan, EXPORTS, "Migready_exports.lns");
	for (size_t i = 0; i < n; i++) {
		char *path = NULL;
		plan_export(plan, f, ex[i], &path);
		char *origin = mr_plan_origin_of(ex[i]);
		/* exportfs refuses a directory that is not there; its mode is
		 * the admin's (clients give the instances directory theirs) */
		mr_plan_dir_at_least(plan, path, 0, (uid_t)-1, (gid_t)-1, "nfs.export_dir", origin);
		free(origin);
		free(path);
	}
	static const char *const argv[] = { "exportfs", "-ra", NULL };
	struct mr_plan_cmd *c = mr_plan_command(plan, "exportfs -ra", argv);
	mr_plan_notify_command(f, c);
	/* the server serves them only while it runs */
	char *origin = mr_plan_origin_of(ex[0]);
	mr_plan_unit_want(mr_plan_unit(plan, NFS_SERVER), MR_ENABLE_YES, 1, "nfs.server", origin);
	if (!facts || !mr_facts_live(facts)) {
		/* a tree serves nothing: what a running host would is not seen */
		mr_plan_unchecked(plan, "nfs.active", origin);
		free(origin);
		return;
	}
	if (!mr_facts_get(facts, "nfs.exportfs")) {
		mr_plan_fail(plan, "nfs.active", origin,
		             "cannot tell which exports are active: exportfs -v did not run "
		             "(is the NFS server installed?)");
	} else {
		struct mr_buf off, other;
		mr_buf_init(&off);
		mr_buf_init(&other);
		inactive_exports(facts, ex, n, &off, &other);
		other_clients(plan, ex, n, origin);
		if (off.len || other.len) {
			char *old = mr_xasprintf("%s%s%s%s%s", off.len ? "not active: " : "",
			                         off.len ? off.data : "", off.len && other.len ? "; " : "",
			                         other.len ? "served otherwise: " : "",
			                         other.len ? other.data : "");
			mr_plan_observed(plan, c, "nfs.active", origin, old, "active", 1, 0);
			free(old);
		}
		mr_buf_fini(&off);
		mr_buf_fini(&other);
	}
	free(origin);
}

/* A mount line's fields (at most six) in f[] (borrowed from value,
 * lengths in fn[]); their number. */
static size_t fstab_fields(const char *value, const char **f, size_t *fn)
{
	size_t nf = 0;
	const char *p = value;
	for (size_t w; nf < 6 && (w = word(&p)); p += w) {
		f[nf] = p;
		fn[nf++] = w;
	}
	return nf;
}

/* "SPEC MOUNTPOINT TYPE OPTS [DUMP [PASS]]" as the Fstab lens's tree. The
 * fields are returned in f[] (borrowed from s, lengths in fn[]). */
static size_t plan_fstab(struct mr_plan *plan, struct mr_plan_file *file,
                         const struct mr_setting *s, const char **f, size_t *fn)
{
	static const char *const labels[] = { "spec", "file", "vfstype", NULL, "dump", "passno" };
	size_t nf = fstab_fields(s->value, f, fn);
	struct mr_buf kids;
	mr_buf_init(&kids);
	for (size_t i = 0; i < nf; i++) {
		if (labels[i]) {
			mr_buf_printf(&kids, "%s\t%.*s\n", labels[i], (int)fn[i], f[i]);
			continue;
		}
		unsigned k = 0;
		for (const char *o = f[i]; o < f[i] + fn[i];) {
			size_t on = strcspn(o, ", \t");
			const char *eq = memchr(o, '=', on);
			mr_buf_printf(&kids, "opt[%u]\t%.*s\n", ++k, (int)(eq ? eq - o : (long)on), o);
			if (eq)
				mr_buf_printf(&kids, "opt[%u]/value\t%.*s\n", k, (int)(o + on - eq - 1),
				              eq + 1);
			o += on + 1;
		}
	}
	char *mp = mr_xstrndup(f[1], fn[1]);
	char *lit = literal(mp);
	char *origin = mr_plan_origin_of(s);
	if (!lit) {
		mr_plan_fail(plan, "nfs.mount", origin, "'%s' cannot be named in an Augeas path", mp);
	} else {
		char *pred = path_pred("file", mp, 0);
		char *key = mr_xasprintf("*[file = %s%s%s]", lit, pred ? " or " : "", pred ? pred : "");
		free(pred);
		struct mr_aug_op op = { .kind = MR_AUG_ENTRY, .key = key, .value = s->value,
			                    .fmt = MR_FMT_RAW, .children = kids.data, .create = "#" };
		mr_plan_add_as(file, "nfs.mount", origin, &op);
		free(key);
	}
	free(origin);
	free(lit);
	free(mp);
	mr_buf_fini(&kids);
	return nf;
}

/* Options of an NFS line the kernel shows in mountinfo's super options
 * as the first of a pair when set, the second (its default) never
 * (nfs_show_mount_options in fs/nfs/super.c; sync from the VFS). */
static const char *const shown_pairs[][2] = {
	{ "nolock", "lock" },         { "noac", "ac" },
	{ "nocto", "cto" },           { "noacl", "acl" },
	{ "nordirplus", "rdirplus" }, { "nosharecache", "sharecache" },
	{ "noresvport", "resvport" }, { "sync", "async" },
};

/* The mount's own flags, mountinfo's sixth field: each shown when set. */
static const char *const mount_flags[] = { "nosuid", "nodev", "noexec", "noatime", "nodiratime",
	                                       "relatime", "nosymfollow" };

/* Whether the options opts[0..on) hold the word w. */
static int opts_have(const char *opts, size_t on, const char *w)
{
	for (const char *o = opts; o < opts + on;) {
		size_t n = strcspn(o, ",");
		if (n > (size_t)(opts + on - o))
			n = (size_t)(opts + on - o);
		if (n == strlen(w) && !strncmp(o, w, n))
			return 1;
		o += n + 1;
	}
	return 0;
}

/* Options no file system sees: mount(8)'s, mount.nfs's, systemd's. */
static int helper_opt(const char *o, size_t n)
{
	static const char *const words[] = { "defaults", "auto", "noauto", "user", "nouser",
		                                 "users", "owner", "group", "nofail", "_netdev",
		                                 "bg", "fg", "rw", "ro", "sloppy" };
	for (size_t i = 0; i < MR_ARRAY_LEN(words); i++)
		if (n == strlen(words[i]) && !strncmp(o, words[i], n))
			return 1;
	return (n > 2 && !strncmp(o, "x-", 2)) || (n >= 6 && !strncmp(o, "retry=", 6)) ||
	       (n >= 8 && !strncmp(o, "comment=", 8));
}

static int digits(const char *s, size_t n)
{
	return n && strspn(s, "0123456789") >= n;
}

static int is_word(const char *o, size_t n, const char *w)
{
	return n == strlen(w) && !strncmp(o, w, n);
}

/* An NFS version "4.2", "4", "3" as major and minor (-1: none given). */
static int nfs_vers(const char *v, size_t n, long *major, long *minor)
{
	char buf[16], *end;
	if (!n || n >= sizeof(buf))
		return -1;
	memcpy(buf, v, n);
	buf[n] = '\0';
	*major = strtol(buf, &end, 10);
	*minor = -1;
	if (end == buf)
		return -1;
	if (*end == '.') {
		const char *m = end + 1;
		*minor = strtol(m, &end, 10);
		if (end == m)
			return -1;
	}
	return *end ? -1 : 0;
}

struct opt_cmp {
	struct mr_buf have, want, unseen, same;
};

static void cmp_differ(struct opt_cmp *c, const char *have, size_t hn, const char *want,
                       size_t wn)
{
	mr_buf_printf(&c->have, "%s%.*s", c->have.len ? "," : "", (int)hn, have);
	mr_buf_printf(&c->want, "%s%.*s", c->want.len ? "," : "", (int)wn, want);
}

static void cmp_same(struct opt_cmp *c, const char *o, size_t n)
{
	mr_buf_printf(&c->same, "%s%.*s", c->same.len ? "," : "", (int)n, o);
}

static void cmp_unseen(struct opt_cmp *c, const char *o, size_t n, const char *why)
{
	mr_buf_printf(&c->unseen, "%s%.*s%s", c->unseen.len ? ", " : "", (int)n, o, why);
}

/* The NFS version the line asks (vers=, nfsvers=, v4.1, the type nfs4,
 * minorversion=) against the kernel's vers= (and minorversion=): a
 * version without its minor is any of it, as mount.nfs negotiates. */
static void cmp_vers(struct opt_cmp *c, const char *sup, const char *wv, size_t wvn,
                     const char *wminor, size_t wmn)
{
	long wmaj, wmin, kmaj, kmin;
	size_t kn = 0, mn = 0;
	const char *kv = list_item(sup, "vers=", 5, 1, &kn);
	const char *km = list_item(sup, "minorversion=", 13, 1, &mn);
	char *want = wmn ? mr_xasprintf("vers=%.*s,minorversion=%.*s", (int)wvn, wv, (int)wmn, wminor)
	                 : mr_xasprintf("vers=%.*s", (int)wvn, wv);
	if (nfs_vers(wv, wvn, &wmaj, &wmin) < 0) {
		cmp_unseen(c, want, strlen(want), " (a version not understood)");
		free(want);
		return;
	}
	if (wmn) {
		char *e, *m = mr_xstrndup(wminor, wmn);
		wmin = strtol(m, &e, 10);
		if (*e || e == m)
			wmin = -2;
		free(m);
	}
	if (!kv || nfs_vers(kv + 5, kn - 5, &kmaj, &kmin) < 0) {
		cmp_unseen(c, want, strlen(want), " (the kernel shows no version)");
		free(want);
		return;
	}
	if (km && kmin < 0) {
		char *e, *m = mr_xstrndup(km + 13, mn - 13);
		kmin = strtol(m, &e, 10);
		if (*e || e == m)
			kmin = -1;
		free(m);
	}
	if (kmaj != wmaj || (wmin >= 0 && kmin >= 0 && kmin != wmin))
		cmp_differ(c, kv, kn, want, strlen(want));
	else if (wmin != -1 && kmin < 0)
		cmp_unseen(c, want, strlen(want), " (the kernel shows no minor version)");
	else
		cmp_same(c, want, strlen(want));
	free(want);
}

/* The live mount of the instances directory against its line's options
 * (opts, on bytes; type, tn bytes): each the line sets that the kernel
 * shows (mountinfo's super options, sup; the mount's own flags, own) is
 * compared, one it does not show is not examined, and so is a setting
 * that matters (soft, nolock...) the line leaves to the defaults, which
 * nfsmount.conf may change. A difference takes effect at the next mount
 * only: apply never remounts the share under running guests. */
static void check_live_opts(struct mr_plan *plan, const char *type, size_t tn, const char *opts,
                            size_t on, const char *mp, const char *origin)
{
	const struct mr_facts *facts = mr_plan_facts(plan);
	const char *sup = mr_facts_get(facts, "mount.instances_super");
	const char *own = mr_facts_get(facts, "mount.instances_opts");
	if (!sup || !own) {
		mr_plan_uncheckedf(plan, "nfs.mount_options",
		                   "%s: the options %s is mounted with (the probe did not "
		                   "read them)",
		                   origin, mp);
		return;
	}
	int nfs = tn >= 3 && !strncmp(type, "nfs", 3);
	struct opt_cmp c;
	mr_buf_init(&c.have);
	mr_buf_init(&c.want);
	mr_buf_init(&c.unseen);
	mr_buf_init(&c.same);
	const char *wv = NULL, *wminor = NULL, *wproto = NULL, *whard = NULL;
	size_t wvn = 0, wmn = 0, wpn = 0, whn = 0;
	int pair_set[MR_ARRAY_LEN(shown_pairs)];
	for (size_t i = 0; i < MR_ARRAY_LEN(shown_pairs); i++)
		pair_set[i] = -1;
	if (nfs && tn == 4 && type[3] == '4') {
		wv = "4";
		wvn = 1;
	}
	size_t len;
	/* the version and transport the kernel shows: what it keeps of
	 * local_lock and timeo depends on them */
	size_t svn = 0, spn = 0;
	const char *sv = list_item(sup, "vers=", 5, 1, &svn);
	const char *sp = list_item(sup, "proto=", 6, 1, &spn);
	int sv4 = sv && svn > 5 && sv[5] == '4';
	/* strictatime clears relatime and noatime (path_mount) but is never
	 * shown; with either in the line too, what mount passes is not known */
	int atime_too = opts_have(opts, on, "relatime") || opts_have(opts, on, "noatime");
	int strict = opts_have(opts, on, "strictatime");
	for (const char *o = opts; o < opts + on;) {
		size_t n = strcspn(o, ",");
		if (n > (size_t)(opts + on - o))
			n = (size_t)(opts + on - o);
		const char *eq = memchr(o, '=', n);
		size_t kn = eq ? (size_t)(eq - o) + 1 : n;
		size_t pi = 0;
		while (pi < MR_ARRAY_LEN(shown_pairs) && !is_word(o, n, shown_pairs[pi][0]) &&
		       !is_word(o, n, shown_pairs[pi][1]))
			pi++;
		size_t fi = 0;
		while (fi < MR_ARRAY_LEN(mount_flags) && !is_word(o, n, mount_flags[fi]))
			fi++;
		if (!n || helper_opt(o, n)) {
			;
		} else if (is_word(o, n, "strictatime") || (strict && (is_word(o, n, "relatime") ||
		                                                      is_word(o, n, "noatime")))) {
			const char *ka = list_item(own, "relatime", 8, 0, &len) ? "relatime"
			                 : list_item(own, "noatime", 7, 0, &len) ? "noatime"
			                                                         : NULL;
			if (atime_too && strict)
				cmp_unseen(&c, o, n, " (strictatime and an atime option both in the line)");
			else if (ka)
				cmp_differ(&c, ka, strlen(ka), o, n);
			else
				cmp_same(&c, o, n);
		} else if (nfs && (is_word(o, kn, "vers=") || is_word(o, kn, "nfsvers="))) {
			wv = eq + 1;
			wvn = n - kn;
		} else if (nfs && n >= 2 && o[0] == 'v' && o[1] >= '2' && o[1] <= '4') {
			wv = o + 1; /* v3, v4.1 */
			wvn = n - 1;
		} else if (nfs && is_word(o, kn, "minorversion=")) {
			wminor = eq + 1;
			wmn = n - kn;
		} else if (nfs && is_word(o, kn, "proto=")) {
			wproto = eq + 1;
			wpn = n - kn;
		} else if (nfs && (is_word(o, n, "tcp") || is_word(o, n, "udp") || is_word(o, n, "rdma"))) {
			wproto = o;
			wpn = n;
		} else if (nfs && (is_word(o, n, "hard") || is_word(o, n, "soft") ||
		                   is_word(o, n, "softerr"))) {
			whard = o;
			whn = n;
		} else if (pi < MR_ARRAY_LEN(shown_pairs)) {
			pair_set[pi] = is_word(o, n, shown_pairs[pi][0]) ? 0 : 1;
		} else if (is_word(o, n, "suid") || is_word(o, n, "dev") || is_word(o, n, "exec")) {
			char *no = mr_xasprintf("no%.*s", (int)n, o);
			if (list_item(own, no, n + 2, 0, &len))
				cmp_differ(&c, no, n + 2, o, n);
			else
				cmp_same(&c, o, n);
			free(no);
		} else if (fi < MR_ARRAY_LEN(mount_flags)) {
			if (list_item(own, o, n, 0, &len))
				cmp_same(&c, o, n);
			else {
				char *no = mr_xasprintf("(no %.*s)", (int)n, o);
				cmp_differ(&c, no, strlen(no), o, n);
				free(no);
			}
		} else if (nfs && eq && is_word(o, kn, "sec=")) {
			/* a list: the kernel shows the flavour it took */
			const char *ks = list_item(sup, "sec=", 4, 1, &len);
			int in = 0;
			for (const char *f = eq + 1; ks && f < o + n;) {
				size_t fn = strcspn(f, ":,");
				if (fn > (size_t)(o + n - f))
					fn = (size_t)(o + n - f);
				in |= fn == len - 4 && !strncmp(f, ks + 4, fn);
				f += fn + 1;
			}
			if (!ks)
				cmp_unseen(&c, o, n, " (not shown by the kernel)");
			else if (in)
				cmp_same(&c, o, n);
			else
				cmp_differ(&c, ks, len, o, n);
		} else if (nfs && eq && is_word(o, n, "retrans=0")) {
			/* the default taken, or the mount refused: kernels differ */
			cmp_unseen(&c, o, n, " (0: kernels differ on it)");
		} else if (nfs && eq && is_word(o, kn, "local_lock=") && sv4) {
			/* the kernel drops it for NFSv4 (nfs_fs_context_validate)
			 * and shows none: a new mount would not change that */
			cmp_unseen(&c, o, n, " (NFSv4: the kernel takes no local_lock)");
		} else if (nfs && eq && is_word(o, kn, "timeo=") && digits(o + kn, n - kn) &&
		           n - kn < 10) {
			/* shown clamped to the transport's maximum, 60 s over UDP,
			 * 600 s otherwise (nfs_init_timeout_values) */
			long want = strtol(o + kn, NULL, 10), max = -1;
			const char *k = list_item(sup, "timeo=", 6, 1, &len);
			if (sp && spn > 6)
				max = !strncmp(sp + 6, "udp", 3) ? 600
				      : !strncmp(sp + 6, "tcp", 3) || !strncmp(sp + 6, "rdma", 4) ? 6000
				                                                                 : -1;
			if (want == 0)
				cmp_unseen(&c, o, n, " (0: kernels differ on it)");
			else if (!k || max < 0 || !digits(k + 6, len - 6))
				cmp_unseen(&c, o, n, " (not shown by the kernel, or its transport)");
			else if (strtol(k + 6, NULL, 10) == (want > max ? max : want))
				cmp_same(&c, o, n);
			else
				cmp_differ(&c, k, len, o, n);
		} else if (eq) {
			const char *k = list_item(sup, o, kn, 1, &len);
			if (!k)
				cmp_unseen(&c, o, n, " (not shown by the kernel)");
			else if (len == n && !strncmp(k, o, n))
				cmp_same(&c, o, n);
			else if (is_word(o, kn, "rsize=") || is_word(o, kn, "wsize="))
				cmp_unseen(&c, o, n, " (the server may lower it)");
			else if ((digits(o + kn, n - kn) && digits(k + kn, len - kn)) ||
			         is_word(o, kn, "local_lock="))
				cmp_differ(&c, k, len, o, n);
			else /* another spelling of one value (lookupcache=positive is pos) */
				cmp_unseen(&c, o, n, " (shown otherwise: not compared)");
		} else if (list_item(sup, o, n, 0, &len) || list_item(own, o, n, 0, &len)) {
			cmp_same(&c, o, n);
		} else {
			cmp_unseen(&c, o, n, " (not shown by the kernel)");
		}
		o += n + 1;
	}
	if (wv)
		cmp_vers(&c, sup, wv, wvn, wminor, wmn);
	if (wproto) {
		/* the kernel shows the transport's netid: tcp6 for tcp over IPv6 */
		const char *kp = list_item(sup, "proto=", 6, 1, &len);
		char *want = mr_xasprintf("proto=%.*s", (int)wpn, wproto);
		size_t kpn = kp ? len - 6 : 0;
		if (!kp)
			cmp_unseen(&c, want, strlen(want), " (not shown by the kernel)");
		else if ((kpn == wpn || (kpn == wpn + 1 && kp[6 + wpn] == '6')) &&
		         !strncmp(kp + 6, wproto, wpn))
			cmp_same(&c, want, strlen(want));
		else
			cmp_differ(&c, kp, len, want, strlen(want));
		free(want);
	} else {
		/* mount.nfs's default is tcp; nfsmount.conf may say another */
		const char *kp = list_item(sup, "proto=", 6, 1, &len);
		if (kp && !(len - 6 >= 3 && !strncmp(kp + 6, "tcp", 3)))
			cmp_unseen(&c, kp, len,
			           " (mounted so; the line leaves it to nfsmount.conf and the defaults)");
	}
	if (nfs) {
		static const char *const hs[] = { "hard", "softerr", "soft" };
		const char *kh = NULL;
		for (size_t i = 0; i < MR_ARRAY_LEN(hs) && !kh; i++)
			kh = list_item(sup, hs[i], strlen(hs[i]), 0, &len) ? hs[i] : NULL;
		if (whard && !kh)
			cmp_unseen(&c, whard, whn, " (not shown by the kernel)");
		else if (whard && !is_word(whard, whn, kh))
			cmp_differ(&c, kh, strlen(kh), whard, whn);
		else if (whard)
			cmp_same(&c, whard, whn);
		else if (kh && strcmp(kh, "hard") != 0)
			cmp_unseen(&c, kh, strlen(kh),
			           " (mounted so; the line leaves it to nfsmount.conf and the defaults)");
	}
	/* NFSv4 has no NLM, NFSACL nor READDIRPLUS: whether the kernel shows
	 * nolock, noacl or nordirplus for it is not known here */
	size_t kvn = 0;
	const char *kv = list_item(sup, "vers=", 5, 1, &kvn);
	int v4 = kv && kvn > 5 && kv[5] == '4';
	for (size_t i = 0; i < MR_ARRAY_LEN(shown_pairs); i++) {
		const char *on_w = shown_pairs[i][0];
		int shown = list_item(sup, on_w, strlen(on_w), 0, &len) != NULL;
		if (pair_set[i] < 0) {
			if (shown && nfs)
				cmp_unseen(&c, on_w, strlen(on_w),
				           " (mounted so; the line leaves it to nfsmount.conf and the "
				           "defaults)");
			continue;
		}
		const char *w = shown_pairs[i][pair_set[i]];
		if (shown == !pair_set[i])
			cmp_same(&c, w, strlen(w));
		else if (!shown && v4 && strcmp(on_w, "sync") != 0)
			cmp_unseen(&c, w, strlen(w), " (not shown by the kernel for NFSv4)");
		else
			cmp_differ(&c, shown ? on_w : shown_pairs[i][1], strlen(shown_pairs[i][!shown]),
			           w, strlen(w));
	}
	if (c.have.len || c.want.len)
		mr_plan_fail(plan, "nfs.mount_options", origin,
		             "%s is mounted with %s, not %s as the line asks: that takes effect only "
		             "when it is mounted again (apply does not unmount or remount it under "
		             "running guests)",
		             mp, c.have.data, c.want.data);
	if (c.unseen.len) {
		mr_plan_uncheckedf(plan, "nfs.mount_options",
		                   "%s: %s's options %s", origin, mp, c.unseen.data);
	}
	if (!c.have.len && !c.want.len && !c.unseen.len && c.same.len)
		mr_plan_passed(plan, "nfs.mount_options", origin, c.same.data,
		               "the options %s is mounted with (mountinfo)", mp);
	mr_buf_fini(&c.have);
	mr_buf_fini(&c.want);
	mr_buf_fini(&c.unseen);
	mr_buf_fini(&c.same);
}

/* The instances directory mounted, from what fstab names, or a failure
 * saying what is mounted there instead. */
static void plan_mounted(struct mr_plan *plan, const char *mp, const char *spec, size_t sn,
                         const char *type, size_t tn, const char *opts, size_t on, int force,
                         const char *origin)
{
	const struct mr_facts *facts = mr_plan_facts(plan);
	const char *now = facts && mr_facts_live(facts) ? mr_facts_get(facts, "mount.instances")
	                                                 : NULL;
	const char *hidden = now ? mr_facts_get(facts, "mount.instances_hidden") : NULL;
	if (now && strcmp(now, "none") != 0 && hidden) {
		/* the path reaches another file system than the mount listed at
		 * it: one mounted later over a directory above covers it */
		mr_plan_uncheckedf(plan, "nfs.mounted",
		                   "%s: what %s reaches (a mount at %s covers '%s' there)",
		                   origin, mp, hidden, now);
		return;
	}
	if (now && strcmp(now, "none") != 0) {
		/* "SOURCE TYPE" from /proc/self/mountinfo; nfs and nfs4 both are NFS */
		size_t now_sn = strcspn(now, " ");
		const char *now_type = now[now_sn] ? now + now_sn + 1 : "";
		if (!strcmp(now_type, "autofs")) {
			/* an automount point: the file system is mounted there on
			 * first access (systemd.mount(5), x-systemd.automount), and
			 * entering it in the probe did not; never unmounted */
			char *list = mr_xstrndup(opts, on);
			size_t len;
			int ours = list_item(list, "x-systemd.automount", 19, 0, &len) != NULL;
			free(list);
			mr_plan_uncheckedf(plan, "nfs.mounted",
			                   "%s: what %s mounts on demand (%s, automount point "
			                   "'%s'; not mounted now)",
			                   origin, mp,
			                   ours ? "x-systemd.automount" : "not the line's", now);
			return;
		}
		int same_fs = !strncmp(now_type, "nfs", 3) && !strncmp(type, "nfs", 3)
		                  ? 1
		                  : strlen(now_type) == tn && !strncmp(now_type, type, tn);
		if (now_sn != sn || strncmp(now, spec, sn) != 0 || !same_fs) {
			mr_plan_fail(plan, "nfs.mounted", origin,
			             "%s is mounted from '%s', not from '%.*s' as fstab says; "
			             "unmount it first",
			             mp, now, (int)sn, spec);
			return;
		}
		/* the share itself, writable: a directory of it bound there is
		 * not shared with the peers, and nova writes its instances */
		const char *root = mr_facts_get(facts, "mount.instances_root");
		const char *own = mr_facts_get(facts, "mount.instances_opts");
		size_t len;
		if (root) {
			mr_plan_fail(plan, "nfs.mounted", origin,
			             "%s is a bind mount of the directory %s of '%.*s', not the share "
			             "itself: the hosts do not share their instances; unmount it",
			             mp, root, (int)sn, spec);
			return;
		}
		if (own && list_item(own, "ro", 2, 0, &len)) {
			mr_plan_fail(plan, "nfs.mounted", origin,
			             "%s is mounted read-only (%s): nova-compute cannot write instances "
			             "there; remount it read-write",
			             mp, own);
			return;
		}
		check_live_opts(plan, type, tn, opts, on, mp, origin);
	}
	mr_plan_mount(plan, mp, force, "nfs.mounted", origin);
}

/* What mounts the instances directory besides fstab's line: a mount unit
 * of its name in /etc or /run, which systemd takes instead (masked, no
 * mount at all), fails; an autofs map that names it or a directory above
 * it is not examined. */
static void check_mounted_by(struct mr_plan *plan, const char *mp, const char *origin)
{
	const struct mr_facts *facts = mr_plan_facts(plan);
	const char *unit = facts ? mr_facts_get(facts, "mount.unit") : NULL;
	if (unit) {
		size_t n = strcspn(unit, " ");
		if (!strcmp(unit + n, " masked"))
			mr_plan_fail(plan, "nfs.mount", origin,
			             "%.*s masks the mount of %s: systemd mounts it neither so nor from "
			             "/etc/fstab",
			             (int)n, unit, mp);
		else
			mr_plan_fail(plan, "nfs.mount", origin,
			             "%s defines the mount of %s: systemd mounts it with that unit, not "
			             "with the line of /etc/fstab",
			             unit, mp);
	}
	mr_plan_unchecked_each(plan, "mount.autofs", "nfs.autofs", "autofs: ", "");
	/* a drop-in may change what fstab's line mounts, and how: not read */
	mr_plan_unchecked_each(plan, "mount.dropin", "nfs.mount_dropin", "",
	                       ": a drop-in of the mount unit, not read");
}

/* The instances share's fstab options: nova writes there, and the host
 * must come up with it mounted. */
static void check_instances_opts(struct mr_plan *plan, const char *opts, size_t n,
                                 const char *mp, const char *origin)
{
	char *list = mr_xstrndup(opts, n);
	size_t len;
	if (list_item(list, "ro", 2, 0, &len))
		mr_plan_fail(plan, "nfs.mount", origin,
		             "'ro' mounts %s read-only: nova-compute cannot write its instances there",
		             mp);
	if (list_item(list, "noauto", 6, 0, &len))
		mr_plan_fail(plan, "nfs.mount", origin,
		             "'noauto' leaves %s unmounted at boot: nova-compute would start on the "
		             "empty local directory",
		             mp);
	free(list);
}

static void plan_client(struct mr_plan *plan, const struct mr_profile *profile)
{
	const struct mr_facts *facts = mr_plan_facts(plan);
	size_t n = 0;
	const struct mr_setting *const *mo = mr_profile_get_all(profile, "nfs", "mount", &n);
	if (!n)
		return;
	const struct mr_setting *force = mr_profile_get(profile, "nfs", "force_mount");
	const char *inst = mr_res_instances_path(profile);
	/* nova's own instances_path, where the profile leaves it to the host */
	char *because = NULL;
	char *nova_inst = mr_profile_get(profile, "nova", "instances_path")
	                      ? NULL
	                      : mr_res_nova_instances(plan, profile, &because);
	struct mr_plan_file *file = mr_plan_file(plan, FSTAB, "Fstab.lns");
	/* systemd mounts by the units it generated from fstab: an edited line
	 * reaches them after a daemon-reload (run on a live host only) */
	if (facts && mr_facts_has_systemd(facts))
		mr_plan_daemon_reload(file);
	if (!nova_inst && because) {
		/* nova's instances_path names a value the probe does not know */
		char *origin = mr_plan_origin_of(mo[0]);
		mr_plan_uncheckedf(plan, "nfs.nova_instances",
		                   "%s: whether nova-compute keeps its instances on the "
		                   "share (%s)",
		                   origin, because);
		free(origin);
	}
	/* a line at nova.conf's instances directory, where the probe did
	 * not look (it looks at the profile's, else nova's default) */
	int mounts_nova = 0;
	for (size_t i = 0; i < n && nova_inst; i++) {
		const char *f[6];
		size_t fn[6];
		if (fstab_fields(mo[i]->value, f, fn) >= 2) {
			char *mp = mr_xstrndup(f[1], fn[1]);
			mounts_nova |= holds(mp, nova_inst);
			free(mp);
		}
	}
	const struct mr_setting *ip = mr_profile_get(profile, "nova", "instances_path");
	int mounts_instances = 0;
	for (size_t i = 0; i < n; i++) {
		const char *f[6];
		size_t fn[6];
		plan_fstab(plan, file, mo[i], f, fn);
		char *mp = mr_xstrndup(f[1], fn[1]);
		char *origin = mr_plan_origin_of(mo[i]);
		int probed = inst && !strcmp(mp, inst);
		int at_nova = !probed && nova_inst && !strcmp(mp, nova_inst);
		int is_instances = probed || at_nova;
		/* mounted above the instances directory (/var/lib/nova): they
		 * are on the share too (found by a review: failed); the
		 * directory nova uses, not the default where nova.conf names
		 * another (found by a review of that: green) */
		const char *real = ip ? ip->value : nova_inst ? nova_inst : inst;
		int above = !is_instances && real && holds(mp, real);
		uid_t uid = (uid_t)-1;
		gid_t gid = (gid_t)-1;
		if (is_instances && mr_facts_user_ids(facts, "nova", &uid, &gid) < 0)
			mr_plan_fail(plan, "nfs.instances_dir", origin,
			             "no nova user on this host: %s cannot be given to it", mp);
		else
			/* the instances directory: nova's, and QEMU's user must
			 * pass through it (o+x); another mount point need only
			 * be there */
			mr_plan_dir_at_least(plan, mp, is_instances ? 0701 : 0, uid, gid,
			                     is_instances ? "nfs.instances_dir" : "nfs.mount_point",
			                     origin);
		if (probed) {
			plan_mounted(plan, mp, f[0], fn[0], f[2], fn[2], f[3], fn[3],
			             force && mr_setting_bool(force), origin);
			check_mounted_by(plan, mp, origin);
			check_instances_opts(plan, f[3], fn[3], mp, origin);
		} else if (at_nova) {
			/* its options are judged; what is mounted there, not seen */
			check_instances_opts(plan, f[3], fn[3], mp, origin);
			mr_plan_uncheckedf(plan, "nfs.mounted",
			                   "%s: whether %s, nova.conf's instances_path, is "
			                   "mounted (set [nova] instances_path = %s to have it "
			                   "examined and mounted)",
			                   origin, mp, mp);
		} else {
			/* the probe looks at what is mounted at the instances
			 * directory only: another mount point is not examined, and
			 * not mounted (a mount there may already stand); one above
			 * it holds the instances: its options are judged */
			if (above)
				check_instances_opts(plan, f[3], fn[3], mp, origin);
			mr_plan_uncheckedf(plan, "nfs.mounted",
			                   "%s: whether %s is mounted", origin, mp);
		}
		if (probed && nova_inst && strcmp(nova_inst, mp) != 0 && !mounts_nova)
			mr_plan_fail(plan, "nfs.mount", origin,
			             "nova-compute keeps its instances in %s (%s), not in %s where the "
			             "share is mounted; set [nova] instances_path",
			             nova_inst, because ? because : "nova's default", mp);
		mounts_instances |= is_instances || above;
		free(origin);
		free(mp);
	}
	/* [nova] instances_path elsewhere: nova keeps its instances on the
	 * local disk, and the share is no shared storage to it */
	if (!ip && nova_inst && !mounts_instances) {
		char *origin = mr_plan_origin_of(mo[0]);
		mr_plan_fail(plan, "nfs.mount", origin,
		             "no mount line mounts the share at %s, where nova-compute keeps its "
		             "instances (%s); set [nova] instances_path",
		             nova_inst, because ? because : "nova's default");
		free(origin);
	}
	if (ip && !mounts_instances) {
		char *origin = mr_plan_origin_of(mo[0]), *at = mr_plan_origin_of(ip);
		mr_plan_fail(plan, "nfs.mount", origin,
		             "no mount line mounts the share at %s, where [nova] instances_path "
		             "(%s) keeps the instances",
		             ip->value, at);
		free(at);
		free(origin);
	}
	free(nova_inst);
	free(because);
}

void mr_res_nfs_roleless(const struct mr_profile *profile,
                         void (*fn)(void *ctx, const char *what, const struct mr_setting *s),
                         void *ctx)
{
	if (mr_profile_get(profile, "nfs", "role"))
		return;
	static const char *const keys[][2] = { { "export", "nfs.export" }, { "mount", "nfs.mount" } };
	for (size_t k = 0; k < MR_ARRAY_LEN(keys); k++) {
		const struct mr_setting *s = mr_profile_get(profile, "nfs", keys[k][0]);
		if (s)
			fn(ctx, keys[k][1], s);
	}
}

static void unchecked_line(void *plan, const char *what, const struct mr_setting *s)
{
	char *origin = mr_plan_origin_of(s);
	mr_plan_unchecked(plan, what, origin);
	free(origin);
}

static int nfs_plan(struct mr_plan *plan, const struct mr_res_ctx *ctx, struct mr_error **err)
{
	(void)err;
	const struct mr_setting *role = mr_profile_get(ctx->profile, "nfs", "role");
	if (!role) {
		/* no role (from the profile or the inventory's group) */
		mr_res_nfs_roleless(ctx->profile, unchecked_line, plan);
		return 0;
	}
	int server = !strcmp(role->value, "server") || !strcmp(role->value, "both");
	int client = !strcmp(role->value, "client") || !strcmp(role->value, "both");
	if (server)
		plan_server(plan, ctx->profile);
	if (client)
		plan_client(plan, ctx->profile);
	return 0;
}

const struct mr_res_ops mr_res_nfs = {
	.name = "nfs",
	.plan = nfs_plan,
	.keys = nfs_keys,
	.n_keys = MR_ARRAY_LEN(nfs_keys),
};
