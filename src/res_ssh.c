/* [ssh]: the nova user's migration keys. nova runs commands on the
 * destination over SSH to migrate and resize, as its own user, so each host
 * gets the cluster key pair in ~nova/.ssh, its public key (and the
 * profile's extras) in authorized_keys, every peer's verified host key
 * under every name it may be reached by in known_hosts (never
 * StrictHostKeyChecking=no), modes 700/600 owned by nova, and a login
 * shell that can run commands. The home and ids come from the facts
 * (user.NAME = uid:gid:home:shell). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <sys/socket.h>

#include "fleet.h"
#include "res.h"
#include "sshkeys.h"

static const struct mr_conf_key ssh_keys[] = {
	{ "user", MR_CONF_PLAN, NULL },
	{ "shell", MR_CONF_PLAN, NULL },
	{ "keypair", MR_CONF_PLAN, NULL },
	{ "replace_key", MR_CONF_PLAN, NULL },
	{ "authorized_key", MR_CONF_PLAN, NULL },
	{ "known_hosts", MR_CONF_PLAN, NULL },
	{ "exclusive", MR_CONF_PLAN, NULL },
};

struct account {
	uid_t uid;
	gid_t gid;
	char *home;
	char *shell;
};

/* "uid:gid:home:shell" as facts.sh prints it; -1 if it is not that. */
static int account_parse(const char *v, struct account *a)
{
	char *end;
	unsigned long uid = strtoul(v, &end, 10);
	if (end == v || *end != ':')
		return -1;
	const char *g = end + 1;
	unsigned long gid = strtoul(g, &end, 10);
	if (end == g || *end != ':')
		return -1;
	const char *home = end + 1;
	const char *colon = strchr(home, ':');
	if (!colon || home[0] != '/' || colon - home < 2)
		return -1;
	a->uid = (uid_t)uid;
	a->gid = (gid_t)gid;
	a->home = mr_xstrndup(home, (size_t)(colon - home));
	/* an empty shell field: sshd (and login) run /bin/sh */
	a->shell = mr_xstrdup(colon[1] ? colon + 1 : "/bin/sh");
	return 0;
}

static char *origin_or(const struct mr_setting *s, const char *fallback)
{
	return s ? mr_plan_origin_of(s) : mr_xstrdup(fallback);
}

/* ---- authorized_keys ---- */

struct authorized {
	char **want;
	size_t n;
	int exclusive;
	time_t now; /* when planned: what sshd refuses depends on it */
	int cluster; /* want[0] is the cluster key, the one the peers log in with */
};

static char *authorized_merge(const void *data, const char *old, size_t len, char **found)
{
	const struct authorized *a = data;
	return mr_ssh_authorized_merge(old, len, (const char *const *)a->want, a->n, a->exclusive,
	                               a->now, found);
}

static char *authorized_doubts(const void *data, const char *text, size_t len)
{
	const struct authorized *a = data;
	/* the other keys are the operator's, for other logins */
	if (!a->cluster)
		return NULL;
	return mr_ssh_authorized_doubts(text, len, a->want[0], a->now);
}

static void authorized_free(void *data)
{
	struct authorized *a = data;
	for (size_t i = 0; i < a->n; i++)
		free(a->want[i]);
	free(a->want);
	free(a);
}

/* ---- known_hosts ---- */

struct peers {
	struct mr_ssh_peer *v;
	size_t n;
	/* the key lines of the files ssh reads beside known_hosts */
	struct mr_ssh_known_line *other;
	size_t n_other;
};

static char *known_hosts_doubts(const void *data, const char *text, size_t len)
{
	const struct peers *p = data;
	return mr_ssh_known_hosts_doubts(text, len, p->v, p->n, p->other, p->n_other);
}

static char *known_hosts_merge(const void *data, const char *old, size_t len, char **found)
{
	const struct peers *p = data;
	return mr_ssh_known_hosts_merge(old, len, p->v, p->n, found);
}

static void peers_free(void *data)
{
	struct peers *p = data;
	for (size_t i = 0; i < p->n; i++) {
		for (size_t k = 0; k < p->v[i].n_names; k++)
			free((char *)p->v[i].names[k]);
		for (size_t k = 0; k < p->v[i].n_keys; k++)
			free((char *)p->v[i].keys[k]);
		for (size_t k = 0; k < p->v[i].n_known; k++)
			free((char *)p->v[i].known[k]);
		free((void *)p->v[i].names);
		free((void *)p->v[i].keys);
		free((void *)p->v[i].known);
	}
	free(p->v);
	for (size_t i = 0; i < p->n_other; i++) {
		free((char *)p->other[i].file);
		free((char *)p->other[i].text);
	}
	free(p->other);
	free(p);
}

/* The names nova's ssh may reach a host by: its inventory name, its
 * address, its own hostname, its nova's my_ip (a resize or a cold
 * migration), and, for a live migration over ssh, its nova's
 * live_migration_inbound_addr and host (the name peers migrate to when
 * that is unset; nova's default is the hostname). */
enum { N_CAND = 6 };
static const char *const cand_what[N_CAND] = { "inventory name",
	                                           "address",
	                                           "host name",
	                                           "nova's my_ip",
	                                           "nova's live_migration_inbound_addr",
	                                           "nova's host" };

/* Where my_ip is not set, nova takes the source address of its route to
 * 192.0.2.0 (oslo.utils' guess), which the host's probe read on a live
 * host; where it could not, the host goes in unset. A value of nova's
 * that interpolates another ($my_ip) goes in interp, unread. */
static void candidates(const struct mr_res_ctx *ctx, const struct mr_fleet_host *h,
                       char *cand[N_CAND], struct mr_buf *unset, struct mr_buf *interp)
{
	cand[0] = h->name ? mr_xstrdup(h->name) : NULL;
	cand[1] = h->address ? mr_xstrdup(h->address) : NULL;
	cand[2] = h->hostname ? mr_xstrdup(h->hostname) : NULL;
	cand[3] = cand[4] = cand[5] = NULL;
	if (mr_res_nova_option(h->facts, ctx->profile, "DEFAULT", "my_ip", 1, &cand[3]) && !cand[3]) {
		const char *src = mr_facts_get(h->facts, "net.route_src");
		if (src && *src)
			cand[3] = mr_xstrdup(src);
		else if (unset)
			mr_buf_printf(unset, "%s%s", unset->len ? ", " : "", h->name);
	}
	mr_res_nova_option(h->facts, ctx->profile, "libvirt", "live_migration_inbound_addr", 1,
	                   &cand[4]);
	mr_res_nova_option(h->facts, ctx->profile, "DEFAULT", "host", 1, &cand[5]);
	for (size_t k = 3; k < N_CAND; k++) {
		if (!cand[k] || !strchr(cand[k], '$'))
			continue;
		if (interp)
			mr_buf_printf(interp, "%s%s of %s ('%s')", interp->len ? ", " : "", cand_what[k],
			              h->name, cand[k]);
		free(cand[k]);
		cand[k] = NULL;
	}
}

/* A name that another host of the fleet may be reached by as well
 * (images that all call themselves the same): it cannot say which key is
 * right, so it is left out for both, else each apply would undo the
 * other's line. */
static int claimed_by_other(char *const (*cands)[N_CAND], size_t n, size_t self,
                            const char *name)
{
	for (size_t j = 0; j < n; j++)
		for (size_t k = 0; j != self && k < N_CAND; k++)
			if (cands[j][k] && !strcasecmp(cands[j][k], name))
				return 1;
	return 0;
}

/* Every peer of the fleet (this host too: nova resizes onto itself over
 * SSH) under every name of candidates(); where one is not known, said
 * not checked, the peers named. */
static struct peers *peers_of(struct mr_plan *plan, const struct mr_res_ctx *ctx,
                              const char *origin)
{
	const struct mr_fleet_facts *ff = ctx->fleet;
	struct peers *p = mr_xcalloc(1, sizeof(*p));
	struct mr_buf unset, interp, other_port;
	mr_buf_init(&unset);
	mr_buf_init(&interp);
	mr_buf_init(&other_port);
	char *(*cands)[N_CAND] = mr_xcalloc(ff->n + 1, sizeof(*cands));
	for (size_t i = 0; i < ff->n; i++)
		candidates(ctx, &ff->hosts[i], cands[i], ff->hosts[i].n_host_keys ? &unset : NULL,
		           ff->hosts[i].n_host_keys ? &interp : NULL);
	p->v = mr_xcalloc(ff->n + 1, sizeof(*p->v));
	for (size_t i = 0; i < ff->n; i++) {
		const struct mr_fleet_host *h = &ff->hosts[i];
		if (!h->n_host_keys && !h->address) {
			/* this machine (--local): its keys are its files' */
			mr_plan_fail(plan, "ssh.known_hosts", origin,
			             "no host key of '%s': its /etc/ssh has no ssh_host_*_key.pub "
			             "(sshd has no key to serve); it is left out",
			             h->name);
			continue;
		}
		if (!h->n_host_keys) {
			mr_plan_fail(plan, "ssh.known_hosts", origin,
			             "no verified host key of peer '%s' (it failed, or its connection "
			             "is not checked: host_key_check = off); it is left out",
			             h->name);
			continue;
		}
		struct mr_ssh_peer *peer = &p->v[p->n++];
		char **names = mr_xcalloc(N_CAND, sizeof(*names));
		const char *const *cand = (const char *const *)cands[i];
		for (size_t k = 0; k < N_CAND; k++) {
			/* a plain name or address only: known_hosts reads '*', '?',
			 * '!' and ',' as patterns and lists, so a my_ip of '*' would
			 * trust this key for every host */
			if (cand[k] && (!*cand[k] || cand[k][strspn(cand[k], "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			                                                   "abcdefghijklmnopqrstuvwxyz"
			                                                   "0123456789.-_:")])) {
				mr_plan_fail(plan, "ssh.known_hosts", origin,
				             "the %s of '%s' is '%s', not a host name or address: not "
				             "written to known_hosts (a pattern there would trust its key "
				             "for other hosts)",
				             cand_what[k], h->name, cand[k]);
				continue;
			}
			int again = 0;
			for (size_t j = 0; cand[k] && j < peer->n_names; j++)
				again |= !strcasecmp(names[j], cand[k]);
			if (cand[k] && !again && strcmp(cand[k], "localhost") != 0 &&
			    !claimed_by_other(cands, ff->n, i, cand[k]))
				names[peer->n_names++] = mr_xstrdup(cand[k]);
		}
		if (!peer->n_names) {
			/* only "localhost" (every host's own) or names another
			 * peer holds: no line of it would ever be looked up */
			mr_plan_fail(plan, "ssh.known_hosts", origin,
			             "no name by which nova's ssh reaches '%s' is known (no address, "
			             "host name or my_ip of its own); it is left out",
			             h->name);
			free(names);
			p->n--;
			continue;
		}
		char **keys = mr_xcalloc(h->n_host_keys, sizeof(*keys));
		for (size_t k = 0; k < h->n_host_keys; k++)
			keys[k] = mr_xstrdup(h->host_keys[k]);
		/* its other host keys, as its probe read them over the verified
		 * connection: a line of their type holding another key is stale */
		const char **known = NULL;
		size_t n_known = h->facts ? mr_facts_get_all(h->facts, "hostkey", &known) : 0;
		char **kc = mr_xcalloc(n_known + 1, sizeof(*kc));
		for (size_t k = 0; k < n_known; k++)
			kc[k] = mr_xstrdup(known[k]);
		free(known);
		peer->known = (const char *const *)kc;
		peer->n_known = n_known;
		peer->names = (const char *const *)names;
		peer->keys = (const char *const *)keys;
		peer->n_keys = h->n_host_keys;
		peer->port = h->port;
		if (h->port && h->port != 22)
			mr_buf_printf(&other_port, "%s%s port %u", other_port.len ? ", " : "", h->name,
			              h->port);
	}
	if (other_port.len) {
		/* nova's ssh connects to port 22 unless its configuration says
		 * otherwise (a Port line there is said not checked) */
		mr_plan_uncheckedf(plan, "ssh.known_hosts_port",
		                   "migready reached sshd on %s: whether it listens on "
		                   "port 22 too, where nova's ssh connects, is not known "
		                   "here",
		                   other_port.data);
	}
	mr_buf_fini(&other_port);
	if (unset.len) {
		mr_plan_uncheckedf(plan, "ssh.known_hosts_my_ip",
		                   "my_ip not set in nova on %s: the address nova's ssh "
		                   "connects to there is not known here",
		                   unset.data);
	}
	mr_buf_fini(&unset);
	if (interp.len) {
		mr_plan_uncheckedf(plan, "ssh.known_hosts_names",
		                   "%s: a value made of another, not read here", interp.data);
	}
	mr_buf_fini(&interp);
	for (size_t i = 0; i < ff->n; i++)
		for (size_t k = 0; k < N_CAND; k++)
			free(cands[i][k]);
	free(cands);
	return p;
}

/* ---- the plan ---- */

/* id_ed25519, id_ecdsa, id_rsa: the name OpenSSH's client tries. */
static const char *identity_name(const char *pub)
{
	if (mr_str_startswith(pub, "ssh-rsa "))
		return "id_rsa";
	if (mr_str_startswith(pub, "ecdsa-"))
		return "id_ecdsa";
	return "id_ed25519";
}

static int shell_refuses(const char *shell)
{
	const char *base = strrchr(shell, '/');
	base = base ? base + 1 : shell;
	return !*shell || !strcmp(base, "nologin") || !strcmp(base, "false");
}

/* What the probe found of shell (shell.exec): 1 there and executable, 0
 * missing or not executable (sshd cannot start it), -1 not looked for (a
 * tree without its directory holds no programs). */
static int shell_exec(const struct mr_facts *facts, const char *shell)
{
	char *yes = mr_xasprintf("%s yes", shell), *no = mr_xasprintf("%s no", shell);
	int r = !facts                                 ? -1
	        : mr_facts_has(facts, "shell.exec", yes) ? 1
	        : mr_facts_has(facts, "shell.exec", no)  ? 0
	                                                 : -1;
	free(yes);
	free(no);
	return r;
}

static int shell_missing(const struct mr_facts *facts, const char *shell)
{
	return shell_exec(facts, shell) == 0;
}

static void plan_shell(struct mr_plan *plan, const struct mr_profile *profile,
                       const char *user, const struct account *a)
{
	const struct mr_facts *facts = mr_plan_facts(plan);
	const struct mr_setting *s = mr_profile_get(profile, "ssh", "shell");
	char *origin = origin_or(s, "[ssh]");
	if (s && shell_refuses(s->value)) {
		/* set, then judged by its own rule: green with nova locked out */
		mr_plan_fail(plan, "ssh.shell", origin,
		             "shell = %s refuses every command: nova could not run its migration "
		             "commands over SSH; give a shell that runs them (/bin/sh, /bin/bash)",
		             s->value);
		free(origin);
		return;
	}
	int missing = !shell_refuses(a->shell) && shell_missing(facts, a->shell);
	int broken = shell_refuses(a->shell) || missing;
	/* the shell nova's logins will run, as the plan leaves it */
	const char *runs = s && broken ? s->value : a->shell;
	if (!shell_refuses(runs) && shell_exec(facts, runs) < 0) {
		mr_plan_uncheckedf(plan, "ssh.shell_exec",
		                   "%s: whether %s is on this host (the probe found no "
		                   "directory of it)",
		                   origin, runs);
	}
	if (!s) {
		if (broken)
			mr_plan_fail(plan, "ssh.shell", origin,
			             "%s's login shell is '%s'%s: nova cannot run commands over SSH to "
			             "migrate; set shell",
			             user, a->shell,
			             missing ? ", which is not on this host (or not executable)" : "");
		free(origin);
		return;
	}
	/* a working shell of the operator's choice is left alone */
	const char *want = broken ? s->value : a->shell;
	if (broken && shell_missing(facts, s->value)) {
		if (!strcmp(a->shell, s->value))
			mr_plan_fail(plan, "ssh.shell", origin,
			             "%s's login shell '%s' is not on this host (or not executable): "
			             "nova cannot run commands over SSH to migrate; install it, or set "
			             "shell to one that is there",
			             user, a->shell);
		else
			mr_plan_fail(plan, "ssh.shell", origin,
			             "'%s' is not on this host (or not executable): nova could not log "
			             "in with it; %s's login shell '%s'%s is left as it is",
			             s->value, user, a->shell, missing ? ", not there either," : "");
		free(origin);
		return;
	}
	if (facts && !mr_facts_live(facts)) {
		/* An image has no running account database to ask: its passwd
		 * file is edited, that one field, with the file's guarantees. */
		char *key = mr_xasprintf("%s/shell", user);
		struct mr_aug_op op = { .kind = MR_AUG_SET, .key = key, .value = want,
			                    .fmt = MR_FMT_RAW };
		mr_plan_add_as(mr_plan_file(plan, "/etc/passwd", "Passwd.lns"), "ssh.shell", origin,
		               &op);
		free(key);
	} else {
		/* usermod on a live host: it also knows shadow, nscd and locks */
		const char *argv[] = { "usermod", "-s", s->value, "--", user, NULL };
		char *name = mr_xasprintf("usermod -s %s %s", s->value, user);
		mr_plan_observed(plan, mr_plan_command(plan, name, argv), "ssh.shell", origin,
		                 a->shell, want, strcmp(a->shell, want) != 0, 1);
		free(name);
	}
	free(origin);
}

/* The cluster's private key, and the keys already at its path on a host
 * that the profile lets apply replace (replace_key): another key there
 * may be what nova (or a tool beside it) logs in to other machines with. */
struct key_swap {
	const char *priv, *fp; /* the pair's, which outlives the plan */
	const struct mr_setting *const *replace;
	size_t n_replace;
};

static void *key_swap_new(const struct mr_profile *profile, const struct mr_ssh_keypair *pair)
{
	struct key_swap *ks = mr_xcalloc(1, sizeof(*ks));
	ks->priv = pair->priv;
	ks->fp = pair->fp;
	ks->replace = mr_profile_get_all(profile, "ssh", "replace_key", &ks->n_replace);
	return ks;
}

static void key_swap_free(void *data)
{
	free(data);
}

/* The private key file: the cluster's, unless the host holds another key
 * there that the profile does not name (the same key in another format
 * counts as the same). */
static char *private_key_merge(const void *data, const char *old, size_t len, char **found)
{
	const struct key_swap *ks = data;
	*found = NULL;
	if (!len || (len == strlen(ks->priv) && !memcmp(old, ks->priv, len)))
		return mr_xstrdup(ks->priv);
	char *text = mr_xstrndup(old, len);
	char *fp = mr_ssh_private_key_fingerprint(text);
	free(text);
	int named = fp && ks->fp && !strcmp(fp, ks->fp);
	for (size_t i = 0; i < ks->n_replace && !named; i++)
		named = !strcmp(ks->replace[i]->value, "any") ||
		        (fp && !strcmp(ks->replace[i]->value, fp));
	if (!named) {
		*found = fp ? mr_xasprintf("1: holds another key (%s), which nova may log in to other "
		                           "machines with: not replaced; [ssh] replace_key = %s "
		                           "lets apply replace it",
		                           fp, fp)
		            : mr_xstrdup("1: holds a private key whose public half cannot be read (a "
		                         "passphrase?): not replaced; [ssh] replace_key = any lets "
		                         "apply replace it");
		free(fp);
		return NULL;
	}
	*found = fp && ks->fp && !strcmp(fp, ks->fp)
	                 ? mr_xstrdup("the same key in another format")
	                 : mr_xasprintf("another key (%s)", fp ? fp : "not readable");
	free(fp);
	return mr_xstrdup(ks->priv);
}

static void plan_keys(struct mr_plan *plan, const struct mr_res_ctx *ctx, const char *dir,
                      const struct account *a)
{
	const struct mr_profile *profile = ctx->profile;
	const struct mr_setting *kp = mr_profile_get(profile, "ssh", "keypair");
	const struct mr_ssh_keypair *pair = kp ? mr_ssh_keypairs_find(ctx->keypairs, kp) : NULL;
	char *kp_origin = origin_or(kp, "[ssh]");
	struct authorized *au = mr_xcalloc(1, sizeof(*au));
	size_t n_extra = 0;
	const struct mr_setting *const *extra =
		mr_profile_get_all(profile, "ssh", "authorized_key", &n_extra);
	au->want = mr_xcalloc(n_extra + 2, sizeof(*au->want));

	if (kp && pair && pair->absent) {
		/* check and diff: apply generates it on this machine */
		mr_plan_observed(plan, NULL, "ssh.keypair", kp_origin, "absent on this machine",
		                 "generated by apply", 1, 0);
	} else if (kp && (!pair || !pair->priv)) {
		mr_plan_fail(plan, "ssh.keypair", kp_origin, "%s",
		             pair && pair->error ? pair->error : "the cluster key pair was not loaded");
	} else if (pair) {
		char *path = mr_xasprintf("%s/%s", dir, identity_name(pair->pub));
		struct mr_plan_file *f =
			mr_plan_file_merged(plan, path, private_key_merge, key_swap_new(profile, pair),
			                    key_swap_free, "ssh.keypair", kp_origin,
			                    "the cluster's private key");
		mr_plan_file_attrs(f, 0600, a->uid, a->gid);
		mr_plan_file_secret(f);
		char *pub_path = mr_xasprintf("%s.pub", path);
		char *pub = mr_xasprintf("%s\n", pair->pub);
		f = mr_plan_file_owned(plan, pub_path, pub, 0, "ssh.keypair", kp_origin,
		                       "the cluster's public key");
		mr_plan_file_attrs(f, 0644, a->uid, a->gid);
		au->want[au->n++] = mr_xstrdup(pair->pub);
		au->cluster = 1;
		free(pub);
		free(pub_path);
		free(path);
	}
	au->now = time(NULL);
	for (size_t i = 0; i < n_extra; i++) {
		au->want[au->n++] = mr_xstrdup(extra[i]->value);
		char *why = mr_ssh_key_refusal(extra[i]->value, au->now);
		if (why) {
			char *origin = mr_plan_origin_of(extra[i]);
			mr_plan_fail(plan, "ssh.authorized_key", origin,
			             "sshd refuses this line: %s; nova could not log in with it", why);
			free(origin);
			free(why);
		}
	}
	const struct mr_setting *ex = mr_profile_get(profile, "ssh", "exclusive");
	au->exclusive = ex && mr_setting_bool(ex);
	if (!au->n && !au->exclusive) {
		authorized_free(au);
	} else {
		const struct mr_setting *where = ex ? ex : n_extra ? extra[0] : kp;
		char *origin = origin_or(where, "[ssh]");
		char *path = mr_xasprintf("%s/authorized_keys", dir);
		int cluster = pair && pair->priv;
		char *more = n_extra ? mr_xasprintf("%zu listed key%s", n_extra, n_extra == 1 ? "" : "s")
		                     : NULL;
		char *want = mr_xasprintf("%s%s%s%s", cluster ? "the cluster key" : "",
		                          cluster && more ? " and " : "", more ? more : "",
		                          au->exclusive ? (au->n ? ", no other" : "no key")
		                                        : ", others kept");
		free(more);
		struct mr_plan_file *f =
			mr_plan_file_merged(plan, path, authorized_merge, au, authorized_free,
			                    "ssh.authorized_key", origin, want);
		mr_plan_file_attrs(f, 0600, a->uid, a->gid);
		mr_plan_file_doubts(f, authorized_merge, authorized_doubts, "ssh.authorized_key_from");
		free(want);
		free(path);
		free(origin);
	}
	free(kp_origin);
}

/* ssh reads /etc/ssh/ssh_known_hosts and ~/.ssh/known_hosts2 too: a
 * peer's key @revoked there is refused whatever known_hosts holds (the
 * probe's ssh.revoked facts, "FILE LINE TEXT"). */
static void revoked_elsewhere(struct mr_plan *plan, const struct peers *p, const char *origin)
{
	const struct mr_facts *facts = mr_plan_facts(plan);
	const char **lines = NULL;
	size_t n = facts ? mr_facts_get_all(facts, "ssh.revoked", &lines) : 0;
	for (size_t i = 0; i < n; i++) {
		struct mr_file_fact at;
		const char *text;
		if (mr_file_fact_parse(lines[i], &at) < 0 || !(text = strchr(at.rest, ' ')))
			continue;
		char *keys = mr_ssh_known_hosts_revoked(text + 1, p->v, p->n);
		if (keys)
			mr_plan_fail(plan, "ssh.known_hosts", origin,
			             "%s:%.*s revokes %s: nova's ssh refuses it whatever its "
			             "known_hosts holds; remove that line if the key is to be trusted "
			             "again",
			             mr_fact_path_shown(at.file, at.file_len), (int)(text - at.rest),
			             at.rest, keys);
		free(keys);
	}
	free(lines);
}

/* ssh looks a host up in /etc/ssh/ssh_known_hosts, ssh_known_hosts2 and
 * ~/.ssh/known_hosts2 too, beside known_hosts: their key lines (the
 * probe's ssh.known_other facts, "FILE LINE HOSTS TYPE KEY") are judged
 * with the merged file's. A file with more lines than the probe sends is
 * said not checked. */
static void other_known_hosts(struct mr_plan *plan, struct peers *p)
{
	const struct mr_facts *facts = mr_plan_facts(plan);
	const char **lines = NULL;
	size_t n = facts ? mr_facts_get_all(facts, "ssh.known_other", &lines) : 0;
	p->other = mr_xcalloc(n + 1, sizeof(*p->other));
	for (size_t i = 0; i < n; i++) {
		struct mr_file_fact at;
		char *end;
		if (mr_file_fact_parse(lines[i], &at) < 0)
			continue;
		unsigned long line = strtoul(at.rest, &end, 10);
		if (end == at.rest || *end != ' ')
			continue;
		struct mr_ssh_known_line *o = &p->other[p->n_other++];
		o->file = mr_xstrdup(mr_fact_path_shown(at.file, at.file_len));
		o->line = (unsigned)line;
		o->text = mr_xstrdup(end + 1);
	}
	free(lines);
	lines = NULL;
	n = facts ? mr_facts_get_all(facts, "ssh.known_other_cut", &lines) : 0;
	for (size_t i = 0; i < n; i++) {
		mr_plan_uncheckedf(plan, "ssh.known_hosts_other",
		                   "%s: more key lines than the probe reads; the peers' "
		                   "entries there are not examined",
		                   mr_fact_path_shown(lines[i], (int)strlen(lines[i])));
	}
	free(lines);
}

static void plan_known_hosts(struct mr_plan *plan, const struct mr_res_ctx *ctx,
                             const char *dir, const struct account *a)
{
	const struct mr_setting *kh = mr_profile_get(ctx->profile, "ssh", "known_hosts");
	if (kh && !strcmp(kh->value, "off"))
		return;
	char *origin = origin_or(kh, "[ssh]");
	if (!ctx->fleet) {
		mr_plan_fail(plan, "ssh.known_hosts", origin,
		             "the peers' host keys are unknown (this run did not gather the fleet)");
		free(origin);
		return;
	}
	struct peers *p = peers_of(plan, ctx, origin);
	if (!p->n) {
		/* every peer failed, saying why: nothing to write */
		peers_free(p);
		free(origin);
		return;
	}
	revoked_elsewhere(plan, p, origin);
	other_known_hosts(plan, p);
	char *path = mr_xasprintf("%s/known_hosts", dir);
	char *want = mr_xasprintf("%zu peer%s, every name", p->n, p->n == 1 ? "" : "s");
	struct mr_plan_file *f = mr_plan_file_merged(plan, path, known_hosts_merge, p, peers_free,
	                                             "ssh.known_hosts", origin, want);
	mr_plan_file_doubts(f, known_hosts_merge, known_hosts_doubts, "ssh.known_hosts_other");
	mr_plan_file_attrs(f, 0644, a->uid, a->gid);
	free(want);
	free(path);
	free(origin);
}

/* One sshd.line fact: "FILE LINE KEYWORD ARGS". */
struct sshd_line {
	struct mr_file_fact at; /* rest: "LINE KEYWORD ARGS" */
	long line;
	const char *kw;
	int kw_len;
	char *args; /* the words as sshd reads them, one blank apart */
	int blank_in_word; /* a word of sshd's holds a blank: args splits it */
};

/* ARGS as sshd (8.7 and later) splits them: blanks apart, "..." and '...'
 * quoting, \\, \", \' and (unquoted) "\ " escapes, and a word starting
 * with '#' ends the line: 'DenyUsers "nova"' names nova, 'AllowUsers admin
 * # nova' does not. A blank inside a word ("domain users") comes out as a
 * separator, and *blank_in_word says so: such a line's names are not the
 * words of args. */
static char *sshd_args(const char *raw, int *blank_in_word)
{
	struct mr_buf b;
	mr_buf_init(&b);
	const char *p = raw;
	for (;;) {
		p += strspn(p, " \t");
		if (!*p || *p == '#')
			break;
		if (b.len)
			mr_buf_putc(&b, ' ');
		char quote = 0;
		for (; *p && (quote || (*p != ' ' && *p != '\t')); p++) {
			if (*p == '\\' && (p[1] == '\\' || p[1] == '"' || p[1] == '\'' ||
			                    (!quote && p[1] == ' '))) {
				*blank_in_word |= p[1] == ' ';
				mr_buf_putc(&b, *++p);
			} else if (quote ? *p == quote : (*p == '"' || *p == '\'')) {
				quote = quote ? 0 : *p;
			} else {
				*blank_in_word |= quote && (*p == ' ' || *p == '\t');
				mr_buf_putc(&b, quote && *p == '\t' ? ' ' : *p);
			}
		}
	}
	return mr_buf_steal(&b, NULL);
}

/* 0 with l set (l->args the caller's), -1 for a fact not of that form */
static int sshd_line_parse(const char *v, struct sshd_line *l)
{
	char *end;
	if (mr_file_fact_parse(v, &l->at) < 0)
		return -1;
	l->line = strtol(l->at.rest, &end, 10);
	if (end == l->at.rest || *end != ' ')
		return -1;
	l->kw = end + 1;
	const char *sp = strchr(l->kw, ' ');
	l->kw_len = sp ? (int)(sp - l->kw) : (int)strlen(l->kw);
	l->blank_in_word = 0;
	l->args = sshd_args(sp ? sp + 1 : "", &l->blank_in_word);
	return 0;
}

static int kw_is(const struct sshd_line *l, const char *kw)
{
	return (size_t)l->kw_len == strlen(kw) && !strncasecmp(l->kw, kw, (size_t)l->kw_len);
}

/* "FILE:LINE" of l ("UNIT -o" for sshd's command line, line 0), the
 * caller's. */
static char *sshd_where(const struct sshd_line *l)
{
	const char *file = mr_fact_path_shown(l->at.file, l->at.file_len);
	return l->line ? mr_xasprintf("%s:%ld", file, l->line) : mr_xstrdup(file);
}

/* Whether a pattern of AllowUsers or DenyUsers ("USER" or "USER@HOST",
 * '*' and '?' wildcards) names user; *host: it also names a host. */
static int user_pattern(const char *pat, size_t n, const char *user, int *host)
{
	char *p = mr_xstrndup(pat, n);
	char *at = strchr(p, '@');
	*host = at != NULL;
	if (at)
		*at = '\0';
	int match = mr_str_wild(p, user);
	free(p);
	return match;
}

/* How an Allow/Deny list of patterns (blanks apart) takes user: 1 named,
 * -1 named only with a host (it depends on who connects), 0 not named. */
static int users_name(const char *args, const char *user)
{
	int found = 0;
	for (const char *p = args; *p;) {
		size_t n = strcspn(p, " \t");
		int host = 0;
		if (n && user_pattern(p, n, user, &host))
			found = !host ? 1 : found ? found : -1;
		p += n;
		p += strspn(p, " \t");
	}
	return found;
}

/* Whether one of AuthorizedKeysFile's files (tokens %h %u %U %%, relative
 * to the home) is home/.ssh/authorized_keys, where the plan writes. */
static int reads_authorized_keys(const char *args, const char *user, const struct account *a)
{
	char *want = mr_xasprintf("%s/.ssh/authorized_keys", a->home);
	int reads = 0;
	for (const char *p = args; *p && !reads;) {
		size_t n = strcspn(p, " \t");
		struct mr_buf b;
		mr_buf_init(&b);
		if (p[0] != '/' && p[0] != '%')
			mr_buf_printf(&b, "%s/", a->home);
		for (size_t i = 0; i < n; i++) {
			if (p[i] != '%' || i + 1 == n) {
				mr_buf_putc(&b, p[i]);
				continue;
			}
			char t = p[++i];
			if (t == 'h')
				mr_buf_puts(&b, a->home);
			else if (t == 'u')
				mr_buf_puts(&b, user);
			else if (t == 'U')
				mr_buf_printf(&b, "%lu", (unsigned long)a->uid);
			else
				mr_buf_putc(&b, t);
		}
		char *path = mr_buf_steal(&b, NULL);
		/* %h/x is absolute once expanded, x relative to the home */
		reads = path && !strcmp(path, want);
		free(path);
		p += n;
		p += strspn(p, " \t");
	}
	free(want);
	return reads;
}

/* Whether AuthenticationMethods lets a key alone in: "any", or a list
 * that is publickey once and nothing else. sshd takes no key twice in a
 * login (auth2-pubkey.c: "previously used"), so "publickey,publickey"
 * wants two, and the cluster has one. A line sshd refuses ("any" among
 * other lists, an empty method) lets no one in either. */
static int key_alone_enough(const char *args)
{
	if (!strcmp(args, "any"))
		return 1;
	int enough = 0;
	for (const char *p = args; *p;) {
		size_t n = strcspn(p, " \t");
		char *list = mr_xstrndup(p, n);
		if (!strcmp(list, "any") || list[0] == ',' || list[n - 1] == ',' ||
		    strstr(list, ",,")) {
			free(list);
			return 0;
		}
		enough |= !strcmp(list, "publickey");
		free(list);
		p += n;
		p += strspn(p, " \t");
	}
	return enough;
}

#define GROUP_NAME_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-"

/* Whether the probe looked name up (facts.sh, sshgroups, which it lists
 * in ids.group_asked): the group database was read and name is one it
 * asked for, as it read the line. Of any other, the facts cannot say
 * whether it holds the user. */
static int group_looked_up(const struct mr_facts *facts, const char *name, size_t n)
{
	const char *read = mr_facts_get(facts, "ids.group");
	const char *asked = mr_facts_get(facts, "ids.group_asked");
	if (!read || strcmp(read, "read") != 0 || !asked || !n || name[0] == '-' ||
	    strspn(name, GROUP_NAME_CHARS) < n)
		return 0;
	char *one = mr_xstrndup(name, n);
	int in = mr_str_has_word(asked, one);
	free(one);
	return in;
}

/* How an AllowGroups or DenyGroups list (blanks apart) takes user: 1 a
 * group of its is named, -1 only a pattern or a name not looked up may
 * name one, 0 none is. */
static int groups_name(const struct mr_facts *facts, const char *args, const char *user,
                       gid_t gid)
{
	int found = 0;
	for (const char *p = args; *p && found != 1;) {
		size_t n = strcspn(p, " \t");
		if (n && (strcspn(p, "*?!") < n || !group_looked_up(facts, p, n)))
			found = -1;
		else if (n && mr_facts_in_group(facts, p, n, user, gid))
			found = 1;
		p += n;
		p += strspn(p, " \t");
	}
	return found;
}

/* AllowUsers, AllowGroups, DenyUsers and DenyGroups as one pass of sshd
 * has them: the lines of a pass add up, and the per-connection pass's
 * replace the first pass's, keyword by keyword. */
enum sshd_list_kw { LIST_ALLOW_USERS, LIST_ALLOW_GROUPS, LIST_DENY_USERS, LIST_DENY_GROUPS, LIST_N };

struct sshd_list {
	int present;
	int named;   /* 1 a line names the user, -1 only a pattern may, 0 none */
	char *where; /* Allow: the first line; Deny: the one that names it */
	char *args;  /* Deny: that line's words */
};

static void sshd_list_add(struct sshd_list *l, int allow, int named, const char *where,
                          const char *args)
{
	l->present = 1;
	if (allow) {
		if (named == 1 || (named == -1 && l->named == 0))
			l->named = named;
		if (!l->where)
			l->where = mr_xstrdup(where);
		return;
	}
	if (named == 0 || l->named == 1 || (named == -1 && l->named == -1))
		return;
	free(l->where);
	free(l->args);
	l->named = named;
	l->where = mr_xstrdup(where);
	l->args = mr_xstrdup(args);
}

/* The lists in effect: the per-connection pass's where it has the
 * keyword, else the first pass's; maybe[k]: a Match that depends on the
 * connection sets keyword k as well. */
static void judge_lists(struct mr_plan *plan, struct sshd_list lists[2][LIST_N],
                        const int *maybe, const char *user, const char *origin)
{
	for (int k = 0; k < LIST_N; k++) {
		const struct sshd_list *l = lists[1][k].present ? &lists[1][k] : &lists[0][k];
		/* a Match on the connection sets it too: no verdict (that
		 * line is said not checked) */
		if (maybe[k])
			continue;
		int of_users = k == LIST_ALLOW_USERS || k == LIST_DENY_USERS;
		if (l->present && l->named == -1)
			mr_plan_unchecked(plan, of_users ? "ssh.sshd_users" : "ssh.sshd_groups", l->where);
		else if (l->present && k == LIST_ALLOW_USERS && l->named == 0)
			mr_plan_fail(plan, "ssh.sshd", origin,
			             "%s sets AllowUsers without %s: sshd refuses %s", l->where, user,
			             user);
		else if (l->present && k == LIST_ALLOW_GROUPS && l->named == 0)
			mr_plan_fail(plan, "ssh.sshd", origin,
			             "%s sets AllowGroups without a group of %s's: sshd refuses %s",
			             l->where, user, user);
		else if (l->present && k == LIST_DENY_USERS && l->named == 1)
			mr_plan_fail(plan, "ssh.sshd", origin, "%s sets DenyUsers %s: sshd refuses %s",
			             l->where, l->args, user);
		else if (l->present && k == LIST_DENY_GROUPS && l->named == 1)
			mr_plan_fail(plan, "ssh.sshd", origin,
			             "%s sets DenyGroups %s: sshd refuses %s, a member", l->where, l->args,
			             user);
	}
	for (int m = 0; m < 2; m++)
		for (int k = 0; k < LIST_N; k++) {
			free(lists[m][k].where);
			free(lists[m][k].args);
		}
}

/* Whom the lines after a Match line are for. */
enum sshd_scope {
	SCOPE_GLOBAL,  /* before any Match: sshd's first pass */
	SCOPE_USER,    /* a Match that takes the user whoever connects ("all"
	                * included): sshd's per-connection pass, which overrides */
	SCOPE_NOT,     /* a Match that never takes the user */
	SCOPE_UNKNOWN, /* depends on who connects, or not understood */
};

/* Whether a pattern-list of Match ("a,b*,!c", '*' '?' wildcards) takes
 * name, as sshd's match_pattern_list: a negated pattern that matches
 * refuses, else any plain one that matches takes. */
static int match_list_takes(const char *list, const char *name)
{
	int taken = 0;
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, ",");
		int neg = *p == '!';
		char *pat = mr_xstrndup(p + neg, n - (size_t)neg);
		int hit = mr_str_wild(pat, name);
		free(pat);
		if (hit && neg)
			return 0;
		taken |= hit;
		p += n + (p[n] == ',');
	}
	return taken;
}

/* Match Group LIST for user: SCOPE_USER or SCOPE_NOT where each entry is
 * a group name the probe looked up (as sshd's ga_match_pattern_list: a
 * group of the user's named negated refuses), SCOPE_UNKNOWN for a pattern
 * (the user's groups are not all listed). */
static enum sshd_scope match_groups(const struct mr_facts *facts, const char *list,
                                    const char *user, gid_t gid)
{
	int taken = 0;
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, ",");
		size_t neg = *p == '!';
		if (!group_looked_up(facts, p + neg, n - neg))
			return SCOPE_UNKNOWN;
		if (mr_facts_in_group(facts, p + neg, n - neg, user, gid)) {
			if (neg)
				return SCOPE_NOT;
			taken = 1;
		}
		p += n + (p[n] == ',');
	}
	return taken ? SCOPE_USER : SCOPE_NOT;
}

/* The scope of the lines after "Match ARGS" (the words one blank apart)
 * for user. Every criterion must hold: one that never does for the user
 * (User, Group, Invalid-User) rules the block out whatever the others
 * say; Host, Address, LocalAddress, LocalPort and RDomain depend on the
 * connection. A line sshd would refuse is not understood. */
static enum sshd_scope match_scope(const struct mr_facts *facts, const char *args,
                                   const char *user, gid_t gid)
{
	if (!strcasecmp(args, "all"))
		return SCOPE_USER;
	static const char *const by_connection[] = { "host", "address", "localaddress",
		                                     "localport", "rdomain" };
	enum sshd_scope scope = SCOPE_USER;
	char *words = mr_xstrdup(args), *save = NULL;
	for (char *w = strtok_r(words, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		if (!strcasecmp(w, "invalid-user")) {
			scope = SCOPE_NOT; /* the user is in the password file */
			break;
		}
		char *arg = strtok_r(NULL, " ", &save);
		int known = 0;
		for (size_t i = 0; i < MR_ARRAY_LEN(by_connection); i++)
			known |= !strcasecmp(w, by_connection[i]);
		if (!arg || (!known && strcasecmp(w, "user") && strcasecmp(w, "group"))) {
			scope = SCOPE_UNKNOWN; /* sshd refuses it: no telling */
			break;
		}
		enum sshd_scope one = known                    ? SCOPE_UNKNOWN
		                      : !strcasecmp(w, "group") ? match_groups(facts, arg, user, gid)
		                      : match_list_takes(arg, user) ? SCOPE_USER
		                                                    : SCOPE_NOT;
		if (one == SCOPE_NOT)
			scope = SCOPE_NOT;
		else if (one == SCOPE_UNKNOWN && scope == SCOPE_USER)
			scope = SCOPE_UNKNOWN;
	}
	free(words);
	return scope;
}

/* A day field of account.shadow: its number, -1 for '-' (empty in
 * /etc/shadow, as getspnam gives it); -2 for what is neither. */
static long shadow_day(const char *s)
{
	if (!strcmp(s, "-"))
		return -1;
	char *end;
	long v = s[0] >= '0' && s[0] <= '9' ? strtol(s, &end, 10) : -2;
	return v >= 0 && !*end ? v : -2;
}

/* The user's /etc/shadow entry (the facts' account.shadow, "LOCKED
 * EXPIRE LASTCHG MAX INACT"): sshd refuses a locked password ('!')
 * unless PAM handles the account (use_pam: 1 UsePAM yes, 0 no, at
 * pam_where or by sshd's default; -1 sshd's options not known), and an
 * expired account either way: pam_unix from the day itself, sshd
 * without PAM (auth-shadow.c) from the day after. With PAM, pam_unix
 * also wants a new password where the last change is 0 or older than its
 * maximum age, and sshd then runs no command without a terminal
 * (session.c, do_pwchange); without PAM sshd ages only passwords it
 * checks (auth-passwd.c), never a key login. */
static void check_shadow(struct mr_plan *plan, const char *user, int use_pam,
                         const char *pam_where, const char *main_conf, const char *origin)
{
	const struct mr_facts *facts = mr_plan_facts(plan);
	const char *sh = facts ? mr_facts_get(facts, "account.shadow") : NULL;
	if (!sh || !strcmp(sh, "absent"))
		return; /* no probe, or a tree without the file: nothing to lock */
	if (!strcmp(sh, "unreadable") || !strcmp(sh, "none")) {
		mr_plan_uncheckedf(plan, "ssh.sshd_account",
		                   "%s's lock and expiry: %s", user,
		                   !strcmp(sh, "none") ? "not in /etc/shadow"
		                                       : "/etc/shadow, which the probe cannot read");
		return;
	}
	char locked[8] = "", f[4][24] = { "" };
	int got = sscanf(sh, "%7s %23s %23s %23s %23s", locked, f[0], f[1], f[2], f[3]);
	long expire = got == 5 ? shadow_day(f[0]) : -2, chg = got == 5 ? shadow_day(f[1]) : -2;
	long max = got == 5 ? shadow_day(f[2]) : -2, inact = got == 5 ? shadow_day(f[3]) : -2;
	if (expire < -1 || chg < -1 || max < -1 || inact < -1) {
		mr_plan_unchecked(plan, "ssh.sshd_account", "the probe's /etc/shadow digest");
		return;
	}
	if (!strcmp(locked, "yes") && use_pam < 0) {
		mr_plan_uncheckedf(plan, "ssh.sshd_account",
		                   "whether sshd, whose options are not known, lets %s in with "
		                   "its password locked ('!' in /etc/shadow)",
		                   user);
	} else if (!strcmp(locked, "yes") && !use_pam) {
		char *pam = pam_where ? mr_xasprintf("%s sets UsePAM no", pam_where)
		                      : mr_xasprintf("%s sets no UsePAM (sshd's default: no)", main_conf);
		mr_plan_fail(plan, "ssh.sshd", origin,
		             "%s's password is locked ('!' in /etc/shadow) and %s: sshd refuses a "
		             "locked account without PAM; set its password to '*' (usermod -p '*' %s) "
		             "or UsePAM yes",
		             user, pam, user);
		free(pam);
	}
	long today = (long)(time(NULL) / 86400);
	if (expire >= 0 && (today > expire || (today == expire && use_pam == 1))) {
		mr_plan_fail(plan, "ssh.sshd", origin,
		             "%s's account expired (day %ld in /etc/shadow): sshd refuses it; "
		             "chage -E -1 %s",
		             user, expire, user);
		return;
	}
	if (expire >= 0 && today == expire && use_pam < 0) {
		mr_plan_uncheckedf(plan, "ssh.sshd_account",
		                   "whether sshd, whose options are not known, lets %s in on "
		                   "its account's last day (%ld in /etc/shadow): pam_unix "
		                   "refuses it, sshd without PAM does not",
		                   user, expire);
	}
	if (!use_pam)
		return;
	/* pam_unix's check_shadow_expiry: 1 a new password wanted, 0 none,
	 * -1 its versions differ (older ones, Debian 12's 1.5.2: from the day
	 * after the maximum age, an empty last change taken as day -1; newer
	 * ones: from that day, an empty last change ageing nothing) */
	long passed = chg > 0 ? today - chg : 0;
	int aged = chg == 0                               ? 1
	           : chg < 0                             ? (max >= 0 && today + 1 > max ? -1 : 0)
	           : today < chg || max < 0 || passed < max ? 0
	           : passed > max                         ? 1
	                                                  : -1;
	if (aged && use_pam < 0) {
		mr_plan_uncheckedf(plan, "ssh.sshd_account",
		                   "whether sshd, whose options are not known, uses PAM, "
		                   "whose pam_unix wants a new password of %s ('%s' in "
		                   "/etc/shadow)",
		                   user, sh);
	} else if (aged < 0) {
		mr_plan_uncheckedf(plan, "ssh.sshd_account",
		                   "whether pam_unix wants a new password of %s today (last "
		                   "changed on day %ld, maximum age %ld in /etc/shadow): its "
		                   "versions differ",
		                   user, chg, max);
	} else if (aged) {
		char *why = chg == 0 ? mr_xstrdup("its last password change is 0 in /etc/shadow")
		            : inact >= 0 && passed - max >= inact
		                    ? mr_xasprintf("its password is older than its maximum age and "
		                                   "inactive period (%ld + %ld days) in /etc/shadow",
		                                   max, inact)
		                    : mr_xasprintf("its password is older than its maximum age (%ld "
		                                   "days) in /etc/shadow",
		                                   max);
		mr_plan_fail(plan, "ssh.sshd", origin,
		             "%s: %s, and %s sets UsePAM yes: pam_unix wants a new password (or "
		             "refuses the account), and sshd runs none of nova's commands, which have "
		             "no terminal; chage -d $(date +%%F) -M -1 %s",
		             user, why, pam_where ? pam_where : main_conf, user);
		free(why);
	}
}

/* The keywords whose first value wins, judged once the value in effect
 * for the user is known. */
enum sshd_first_kw {
	FIRST_FORCE,
	FIRST_CHROOT,
	FIRST_REVOKED,
	FIRST_PUBKEY,
	FIRST_ALGS,
	FIRST_KEYSFILE,
	FIRST_METHODS,
	FIRST_N
};

struct sshd_value {
	char *where, *kw, *args;
	int in_match; /* set in a Match that takes the user */
};

/* l's keyword among enum sshd_first_kw, or -1 */
static int first_kw(const struct sshd_line *l)
{
	static const char *const names[][2] = {
		[FIRST_FORCE] = { "ForceCommand", NULL },
		[FIRST_CHROOT] = { "ChrootDirectory", NULL },
		[FIRST_REVOKED] = { "RevokedKeys", NULL },
		[FIRST_PUBKEY] = { "PubkeyAuthentication", NULL },
		[FIRST_ALGS] = { "PubkeyAcceptedAlgorithms", "PubkeyAcceptedKeyTypes" },
		[FIRST_KEYSFILE] = { "AuthorizedKeysFile", NULL },
		[FIRST_METHODS] = { "AuthenticationMethods", NULL },
	};
	for (int kw = 0; kw < FIRST_N; kw++)
		for (int i = 0; i < 2 && names[kw][i]; i++)
			if (kw_is(l, names[kw][i]))
				return kw;
	return -1;
}

/* Whether the value in effect of keyword kw (v) lets user's key login
 * through; what refuses it fails the item. */
static void judge_first(struct mr_plan *plan, int kw, const struct sshd_value *v, const char *user,
                        const struct account *a, const char *key_type, const char *origin)
{
	int none = !strcasecmp(v->args, "none");
	switch (kw) {
	case FIRST_FORCE:
		if (!none)
			mr_plan_fail(plan, "ssh.sshd", origin,
			             "%s sets ForceCommand %s: sshd runs it in place of each of "
			             "nova's commands over SSH (its mkdir, rm, rsync of an "
			             "instance's files), for %s%s",
			             v->where, v->args, user, v->in_match ? "" : " as for every user");
		break;
	case FIRST_CHROOT:
		if (!none)
			mr_plan_fail(plan, "ssh.sshd", origin,
			             "%s sets ChrootDirectory %s: sshd shuts %s in there, away from "
			             "its shell and the instances directory",
			             v->where, v->args, user);
		break;
	case FIRST_REVOKED:
		/* a key revocation list (text or OpenSSH's binary KRL) that may
		 * hold the cluster key: not read */
		if (!none)
			mr_plan_unchecked(plan, "ssh.sshd_revoked", v->where);
		break;
	case FIRST_PUBKEY:
		if (mr_parse_bool(v->args) == 0)
			mr_plan_fail(plan, "ssh.sshd", origin,
			             "%s sets PubkeyAuthentication %s: sshd takes no key, and %s "
			             "cannot log in with the cluster key",
			             v->where, v->args, user);
		break;
	case FIRST_ALGS:
		if (key_type && !mr_ssh_sshd_takes_key(v->args, key_type))
			mr_plan_fail(plan, "ssh.sshd", origin,
			             "%s sets %s %s: sshd refuses the cluster key (%s), and %s "
			             "cannot log in with it",
			             v->where, v->kw, v->args, key_type, user);
		break;
	case FIRST_KEYSFILE:
		if (!reads_authorized_keys(v->args, user, a))
			mr_plan_fail(plan, "ssh.sshd", origin,
			             "%s sets AuthorizedKeysFile %s: sshd does not read "
			             "%s/.ssh/authorized_keys, where the cluster key is",
			             v->where, v->args, a->home);
		break;
	case FIRST_METHODS:
		if (!key_alone_enough(v->args))
			mr_plan_fail(plan, "ssh.sshd", origin,
			             "%s sets AuthenticationMethods %s: a key alone does not log "
			             "%s in, and nova's commands cannot ask for more",
			             v->where, v->args, user);
		break;
	}
}

/* Port, ListenAddress and AddressFamily as sshd's first pass reads them
 * (outside any Match, or in "Match all"; sshd refuses them in any
 * other): Port lines add up, as do ListenAddress lines ("ARGS\tWHERE",
 * a line each); AddressFamily's first value wins. */
struct sshd_listen {
	struct mr_buf ports, addrs;
	char *ports_where; /* the first Port line */
	char *family, *family_where;
	char *refused; /* the first such line in another Match */
};

/* A port as sshd's a2port reads it ("ssh" too: its service name): the
 * number, or -1. */
static long sshd_port(const char *s, size_t n)
{
	if (n == 3 && !strncmp(s, "ssh", 3))
		return 22;
	long v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9' || v > 65535)
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return n && v <= 65535 ? v : -1;
}

/* Whether ports (blanks apart) hold 22: 1, 0, or -1 for a word not read. */
static int ports_hold_22(const char *ports)
{
	int unknown = 0;
	for (const char *p = ports; *p;) {
		size_t n = strcspn(p, " ");
		long v = n ? sshd_port(p, n) : 0;
		if (v == 22)
			return 1;
		unknown |= v < 0;
		p += n + (p[n] == ' ');
	}
	return unknown ? -1 : 0;
}

/* The address nova's peers reach this host's sshd at for a resize or a
 * cold migration: its my_ip (nova's migration.dest_host), else the
 * source address of its route that oslo guesses; NULL where not known
 * (*why, the caller's, says why), or where nova is not on the host
 * (*why NULL). */
static char *peers_ssh_address(const struct mr_facts *facts, const struct mr_profile *profile,
                               char **why)
{
	char *ip = NULL;
	*why = NULL;
	if (!mr_res_nova_option(facts, profile, "DEFAULT", "my_ip", 1, &ip)) {
		/* nova here reading another file: my_ip not known (found by a
		 * review: the listen check skipped, green) */
		char *unread = mr_res_nova_unread(facts, profile);
		if (unread)
			*why = mr_xasprintf("nova's my_ip is not known here: %s", unread);
		free(unread);
		return NULL;
	}
	if (!ip) {
		const char *src = mr_facts_get(facts, "net.route_src");
		if (src && *src)
			return mr_xstrdup(src);
		*why = mr_xstrdup("my_ip is not set in nova, and its route's address not known here");
		return NULL;
	}
	struct mr_cidr c;
	if (mr_cidr_parse(ip, &c) != MR_CIDR_OK || c.bits != c.max) {
		*why = mr_xstrdup("nova's my_ip is no address (a value made of another?)");
		free(ip);
		return NULL;
	}
	return ip;
}

/* The first Port line of the user's ssh client configuration
 * ("FILE:LINE"; the caller's), or NULL: nova's ssh and rsync -e ssh name
 * no port, so a Port there is the one they connect to (ssh_config(5)),
 * not read here (a Host or Match may hold it). */
static char *client_port(const struct mr_facts *facts)
{
	const char **lines = NULL;
	size_t n = facts ? mr_facts_get_all(facts, "ssh.client", &lines) : 0;
	char *where = NULL;
	for (size_t i = 0; i < n && !where; i++) {
		const char *kw = strrchr(lines[i], ' ');
		const char *num = kw ? kw : lines[i];
		while (num > lines[i] && num[-1] != ' ')
			num--;
		if (kw && num > lines[i] && !strcasecmp(kw + 1, "port"))
			where = mr_xasprintf("%.*s:%.*s", (int)(num - 1 - lines[i]), lines[i],
			                     (int)(kw - num), num);
	}
	free(lines);
	return where;
}

/* Where the user's ssh client names its own port: sshd's port is not
 * judged, its addresses are. */
static void port_unchecked(struct mr_plan *plan, const char *listens, const char *cpw)
{
	mr_plan_uncheckedf(plan, "ssh.sshd_listen",
	                   "whether sshd's port (%s) is the one nova's ssh connects to: %s "
	                   "sets the ssh client's Port",
	                   listens, cpw);
}

/* ssh.socket, enabled, listens for sshd (Debian's starts one for each
 * connection, Ubuntu's hands its sockets to one sshd): it listens
 * where its ListenStream lines say (systemd.socket(5)), not sshd_config.
 * A port alone, or [::]:PORT, takes IPv4 too unless BindIPv6Only= (else
 * the kernel's bindv6only) says IPv6 only; BindToDevice= narrows it to
 * an interface, not read; a path is no network listener. */
static void judge_socket(struct mr_plan *plan, const struct mr_profile *profile,
                         const struct sshd_listen *ls, const char *origin)
{
	const struct mr_facts *facts = mr_plan_facts(plan);
	const char **vals = NULL;
	size_t n = mr_facts_get_all(facts, "ssh.socket_listen", &vals);
	const char *b6 = mr_facts_get(facts, "ssh.socket_bindipv6only");
	const char *dev = mr_facts_get(facts, "ssh.socket_bindtodevice");
	const char *sys = mr_facts_get(facts, "net.bindv6only");
	int noipv6 = sys && !strcmp(sys, "noipv6");
	/* whether a dual-stack wildcard takes IPv4: 1, 0, -1 not known */
	int dual = b6 && !strcmp(b6, "both")        ? 1
	           : b6 && !strcmp(b6, "ipv6-only") ? 0
	           : b6 && strcmp(b6, "default")    ? -1
	           : sys && !strcmp(sys, "0")       ? 1
	           : sys && !strcmp(sys, "noipv6")  ? 1
	           : sys && !strcmp(sys, "1")       ? 0
	                                            : -1;
	char *why = NULL;
	char *ip = NULL;
	struct mr_cidr me = { 0 };
	struct mr_buf shown;
	mr_buf_init(&shown);
	int listened = 0, unknown = 0, all = 0, any22 = 0;
	char *cpw = client_port(facts);
	/* in a tree, Ubuntu's generator makes the socket's listeners from
	 * sshd_config's Port and ListenAddress at boot (none without them;
	 * found by a review: the shipped port 22 judged) */
	const char *gen = mr_facts_get(facts, "ssh.socket_generator");
	if (gen && (ls->ports.len || ls->addrs.len || ls->refused)) {
		mr_plan_uncheckedf(plan, "ssh.sshd_listen",
		                   "ssh.socket's ListenStream, which %s makes from sshd_config's "
		                   "Port and ListenAddress at boot (not run here)",
		                   gen);
		goto out;
	}
	if (!n) {
		mr_plan_unchecked(plan, "ssh.sshd_listen",
		                  "ssh.socket's ListenStream (where sshd takes its connections), "
		                  "which the probe did not read");
		goto out;
	}
	ip = peers_ssh_address(facts, profile, &why);
	if (ip)
		mr_cidr_parse(ip, &me);
	for (size_t i = 0; i < n && !listened; i++) {
		const char *v = vals[i];
		if (!strcmp(v, "none") || v[0] == '/' || v[0] == '@' || !strncmp(v, "vsock:", 6))
			continue;
		mr_buf_printf(&shown, "%s%s", shown.len ? ", " : "", v);
		const char *colon = strrchr(v, ':'), *ps = colon ? colon + 1 : v;
		/* digits only: systemd takes no service name */
		long port = strcmp(ps, "ssh") ? sshd_port(ps, strlen(ps)) : -1;
		if (port != 22 && !(cpw && port > 0)) {
			unknown |= port < 0;
			continue;
		}
		any22 = 1;
		/* without IPv6 in the kernel systemd binds a port alone on IPv4
		 * and drops an IPv6 address (socket_address_parse_and_warn) */
		char *host = colon ? mr_xstrndup(v, (size_t)(colon - v))
		             : mr_xstrdup(noipv6 ? "0.0.0.0" : "[::]");
		size_t hl = strlen(host);
		if (hl > 1 && host[0] == '[' && host[hl - 1] == ']') {
			memmove(host, host + 1, hl - 2);
			host[hl - 2] = '\0';
		}
		if (noipv6 && strchr(host, ':')) {
			mr_buf_puts(&shown, " (no IPv6 here: not bound)");
			free(host);
			continue;
		}
		struct mr_cidr a;
		int is_addr = mr_cidr_parse(host, &a) == MR_CIDR_OK && a.bits == a.max;
		int any = mr_addr_is_any(host, strlen(host));
		if (!is_addr && !any) {
			unknown = 1;
		} else if (any && a.family == AF_INET6) {
			/* every IPv6 address; IPv4 as BindIPv6Only has it */
			int v4 = dual;
			if (!v4)
				mr_buf_puts(&shown, " (IPv6 only)");
			if (!ip)
				all |= v4 == 1;
			else if (me.family == AF_INET6 || v4 == 1)
				listened = 1;
			else
				unknown |= v4 < 0;
		} else if (any) {
			listened = ip && me.family == AF_INET;
		} else {
			listened = ip && a.family == me.family && !memcmp(a.addr, me.addr, sizeof(a.addr));
		}
		free(host);
	}
	if (dev && (listened || all || unknown || any22)) {
		mr_plan_uncheckedf(plan, "ssh.sshd_listen",
		                   "ssh.socket's BindToDevice=%s: whether nova's my_ip is on "
		                   "that interface",
		                   dev);
	} else if ((listened || all) && cpw) {
		char *listens = mr_xasprintf("ssh.socket's ListenStream %s", shown.data);
		port_unchecked(plan, listens, cpw);
		free(listens);
	} else if (listened || all) {
		/* it takes my_ip, port 22 (or every address, whatever my_ip is) */
	} else if (!any22 && !unknown) {
		mr_plan_fail(plan, "ssh.sshd", origin,
		             "ssh.socket, where sshd takes its connections, listens on %s: not on "
		             "port 22, where nova's peers' ssh connects to resize and cold-migrate",
		             shown.len ? shown.data : "no network address");
	} else if (!ip) {
		if (why) {
			mr_plan_uncheckedf(plan, "ssh.sshd_listen",
			                   "whether ssh.socket's ListenStream %s takes where "
			                   "nova's peers connect: %s",
			                   shown.data, why);
		}
	} else if (unknown) {
		mr_plan_uncheckedf(plan, "ssh.sshd_listen",
		                   "whether ssh.socket's ListenStream %s takes nova's my_ip "
		                   "%s, port 22",
		                   shown.data, ip);
	} else {
		mr_plan_fail(plan, "ssh.sshd", origin,
		             "ssh.socket, where sshd takes its connections, listens on %s, not on "
		             "%s%s, nova's my_ip, where its peers' ssh connects to resize and "
		             "cold-migrate",
		             shown.data, ip, cpw ? "" : " port 22");
	}
out:
	free(cpw);
	mr_buf_fini(&shown);
	free(ip);
	free(why);
	free(vals);
}

/* Where sshd listens against where nova's peers connect: my_ip, port 22
 * (nova's ssh names no port: remotefs.py, utils.ssh_execute). sshd
 * that ssh.socket takes connections for listens where that socket
 * does (judge_socket). */
static void judge_listen(struct mr_plan *plan, const struct mr_profile *profile,
                         struct sshd_listen *ls, const char *origin)
{
	const struct mr_facts *facts = mr_plan_facts(plan);
	struct mr_unit_state sock = facts ? mr_facts_unit(facts, "ssh.socket")
	                                  : (struct mr_unit_state){ -1, NULL, NULL };
	if (sock.present == 1 && sock.enabled && !strncmp(sock.enabled, "enabled", 7)) {
		judge_socket(plan, profile, ls, origin);
		return;
	}
	/* RHEL's and Fedora's sshd.socket starts sshd -i, which listens on
	 * nothing of sshd_config's: its ListenStream, not read */
	struct mr_unit_state rsock = facts ? mr_facts_unit(facts, "sshd.socket")
	                                   : (struct mr_unit_state){ -1, NULL, NULL };
	if (rsock.present == 1 && rsock.enabled && !strncmp(rsock.enabled, "enabled", 7)) {
		mr_plan_unchecked(plan, "ssh.sshd_listen",
		                  "sshd.socket's ListenStream (sshd -i started for each connection), "
		                  "which the probe does not read");
		return;
	}
	if (ls->refused) {
		mr_plan_unchecked(plan, "ssh.sshd_listen", ls->refused);
		return;
	}
	/* sshd -p replaces every Port line; -4 and -6 come before AddressFamily */
	const char **cports = NULL;
	size_t ncp = facts ? mr_facts_get_all(facts, "sshd.cmdline_port", &cports) : 0;
	struct mr_buf pb;
	mr_buf_init(&pb);
	for (size_t i = 0; i < ncp; i++)
		mr_buf_printf(&pb, "%s%s", pb.len ? " " : "", cports[i]);
	free(cports);
	const char *ports = ncp ? pb.data : ls->ports.len ? ls->ports.data : "22";
	const char *pwhere = ncp ? "sshd -p" : ls->ports.len ? ls->ports_where : "sshd's default";
	const char *cfam = facts ? mr_facts_get(facts, "sshd.cmdline_family") : NULL;
	const char *fam = cfam ? cfam : ls->family ? ls->family : "any";
	int v4 = !strcasecmp(fam, "any") || !strcasecmp(fam, "inet");
	int v6 = !strcasecmp(fam, "any") || !strcasecmp(fam, "inet6");
	int p22 = ports_hold_22(ports);
	char *why = NULL;
	char *ip = NULL;
	struct mr_cidr me = { 0 };
	/* a Port of nova's ssh client: its port not judged (found by a
	 * review: sshd's Port 2222 failed, the client's Port 2222 unread) */
	char *cpw = facts ? client_port(facts) : NULL;
	/* no ListenAddress, port 22, both families: every address of the host */
	if (!ls->addrs.len && p22 == 1 && v4 && v6 && !cpw)
		goto out;
	if (p22 < 0 || (!v4 && !v6)) {
		mr_plan_uncheckedf(plan, "ssh.sshd_listen",
		                   "sshd's Port %s, AddressFamily %s: whether it listens on "
		                   "port 22",
		                   ports, fam);
		goto out;
	}
	if (!ls->addrs.len && p22 == 0 && !cpw) {
		/* no port 22 at any address: whatever my_ip is */
		mr_plan_fail(plan, "ssh.sshd", origin,
		             "sshd listens on port %s only (%s), not 22, where nova's peers' ssh "
		             "connects to resize and cold-migrate",
		             ports, pwhere);
		goto out;
	}
	ip = facts ? peers_ssh_address(facts, profile, &why) : NULL;
	if (!ip) {
		if (why) {
			mr_plan_uncheckedf(plan, "ssh.sshd_listen",
			                   "whether sshd (%s%s%s) listens where nova's peers "
			                   "connect: %s",
			                   ls->addrs.len ? "ListenAddress" : "AddressFamily ",
			                   ls->addrs.len ? "" : fam,
			                   p22 ? "" : ", no port 22", why);
		} else if (cpw) {
			char *listens = mr_xasprintf("%s, %s", ports, pwhere);
			port_unchecked(plan, listens, cpw); /* nova not here */
			free(listens);
		}
		goto out;
	}
	mr_cidr_parse(ip, &me);
	int mine = me.family == AF_INET ? v4 : v6;
	int listened = 0, unknown = 0;
	struct mr_buf shown;
	mr_buf_init(&shown);
	if (!ls->addrs.len) {
		listened = mine && (p22 == 1 || cpw);
		mr_buf_printf(&shown, "%s, port %s (%s)", !mine ? (v4 ? "IPv4 only" : "IPv6 only")
		                                                : "every address",
		              ports, pwhere);
	}
	for (const char *p = ls->addrs.data; ls->addrs.len && *p && !listened;) {
		size_t n = strcspn(p, "\n");
		char *line = mr_xstrndup(p, n);
		/* "ADDR\tWHERE", as the reader of the lines made it */
		char *tab = strchr(line, '\t');
		const char *where = "";
		if (tab) {
			*tab = '\0';
			where = tab + 1;
		}
		char *text = mr_xstrdup(line);
		/* "ADDR", "ADDR:PORT", "[V6]:PORT", a bare V6; then "rdomain X" */
		char *sp = strchr(line, ' ');
		if (sp)
			*sp = '\0';
		char *host = line, *port = NULL, *c1 = strchr(line, ':');
		if (line[0] == '[') {
			char *close = strchr(line, ']');
			host = line + 1;
			if (close) {
				*close = '\0';
				port = close[1] == ':' ? close + 2 : NULL;
			}
		} else if (c1 && !strchr(c1 + 1, ':')) {
			*c1 = '\0';
			port = c1 + 1;
		}
		/* one without a port of its own: shown with the ports it takes
		 * (found by a review: "on 192.0.2.10, not on 192.0.2.10 port 22") */
		mr_buf_printf(&shown, "%s%s%s%s (%s)", shown.len ? ", " : "", text,
		              port ? "" : strchr(ports, ' ') ? " ports " : " port ", port ? "" : ports,
		              where);
		free(text);
		int here22 = cpw ? 1 : port ? sshd_port(port, strlen(port)) == 22 : p22 == 1;
		struct mr_cidr a;
		int is_addr = mr_cidr_parse(host, &a) == MR_CIDR_OK && a.bits == a.max;
		if (sp || (!is_addr && !mr_addr_is_any(host, strlen(host))) ||
		    (is_addr && !(a.family == AF_INET ? v4 : v6)))
			unknown = 1; /* a name, a routing domain, a family sshd refuses */
		else if (here22 && mr_addr_is_any(host, strlen(host)))
			listened = mine && (is_addr ? a.family == me.family
			                            : (strchr(host, ':') ? me.family == AF_INET6
			                                                 : me.family == AF_INET));
		else if (here22 && is_addr)
			listened = a.family == me.family && !memcmp(a.addr, me.addr, sizeof(a.addr));
		free(line);
		p += n + (p[n] == '\n');
	}
	if (!listened && unknown) {
		mr_plan_uncheckedf(plan, "ssh.sshd_listen",
		                   "whether sshd's ListenAddress %s takes nova's my_ip %s%s",
		                   shown.data, ip, cpw ? "" : ", port 22");
	} else if (!listened) {
		mr_plan_fail(plan, "ssh.sshd", origin,
		             "sshd listens on %s%s%s, not on %s%s, nova's my_ip, where its peers' ssh "
		             "connects to resize and cold-migrate",
		             shown.data, ls->family_where && !cfam ? ", AddressFamily of " : "",
		             ls->family_where && !cfam ? ls->family_where : "", ip,
		             cpw ? "" : " port 22");
	} else if (cpw) {
		port_unchecked(plan, shown.data, cpw);
	}
	mr_buf_fini(&shown);
out:
	free(cpw);
	free(ip);
	free(why);
	mr_buf_fini(&pb);
}

/* sshd's own configuration may refuse the user's key login whatever its
 * files say: sshd_config and its Includes, read as sshd reads them (the
 * first value of a keyword wins; AllowUsers and DenyUsers add up; a
 * Match that takes the user whoever connects overrides, one that never
 * does is skipped). A line after any other Match, or a pattern with a
 * host, depends on who connects: not examined, and said so. Returns whether StrictModes is on (sshd's
 * default where its file is not known). */
static int check_sshd(struct mr_plan *plan, const struct mr_profile *profile, const char *user,
                      const struct account *a, const char *key_type, const char *origin)
{
	const struct mr_facts *facts = mr_plan_facts(plan);
	/* sshd -f FILE: FILE (sshd.config), else sshd_config */
	const char *main_conf = facts ? mr_facts_get(facts, "sshd.config") : NULL;
	if (main_conf && !strcmp(main_conf, "unknown")) {
		mr_plan_unchecked(plan, "ssh.sshd_config", "the options sshd's unit starts it with");
		check_shadow(plan, user, -1, NULL, NULL, origin);
		return 1; /* sshd's default */
	}
	if (!main_conf)
		main_conf = "/etc/ssh/sshd_config";
	/* passed: the main file read, nothing failed, and nothing was left
	 * unexamined */
	size_t failed_before = mr_plan_failed_count(plan);
	size_t unchecked_before = mr_plan_unchecked_count(plan);
	const char *main_state = facts ? mr_facts_get(facts, "sshd.main") : NULL;
	int unparsed = 0;
	if (main_state && !strcmp(main_state, "absent")) {
		/* sshd exits when it cannot open its file (servconf.c's
		 * load_server_config): found by a review, the item vanished */
		mr_plan_fail(plan, "ssh.sshd", origin,
		             "%s is missing: sshd does not start without its configuration file, "
		             "and nova's peers cannot log in",
		             main_conf);
		check_shadow(plan, user, -1, NULL, NULL, origin);
		return 1;
	}
	if (main_state && !strcmp(main_state, "unreadable")) {
		mr_plan_uncheckedf(plan, "ssh.sshd_config",
		                   "%s, which the probe cannot read", main_conf);
	}
	mr_plan_unchecked_each(plan, "sshd.include_unreadable", "ssh.sshd_include", "",
	                       ", which the probe cannot read");
	const char **lines = NULL;
	size_t n = facts ? mr_facts_get_all(facts, "sshd.line", &lines) : 0;
	int strict = -1, use_pam = -1;
	char *pam_where = NULL;
	/* the first value in effect: [1] in sshd's per-connection pass (a
	 * Match that takes the user; it overrides), [0] in its first pass
	 * (outside any Match); likewise the lists */
	struct sshd_value first[2][FIRST_N];
	memset(first, 0, sizeof(first));
	struct sshd_list lists[2][LIST_N];
	memset(lists, 0, sizeof(lists));
	/* the main file's Match state: each included file starts in it, and
	 * it is the main file's again after the file (sshd: "don't let
	 * included files clobber the containing file's Match state"). A
	 * Match in a file included where no Match held never holds (sshd's
	 * SSHCFG_NEVERMATCH); where one may hold, it may only. */
	enum sshd_scope scope = SCOPE_GLOBAL, main_scope = SCOPE_GLOBAL, inc_ctx = SCOPE_GLOBAL;
	/* in a "Match all" block: active in sshd's first pass too, so the
	 * keywords of that pass alone (StrictModes, UsePAM) count there */
	int all_block = 0, main_all = 0;
	/* keywords a Match on the connection sets: may override, no verdict */
	int maybe_first[FIRST_N] = { 0 }, maybe_list[LIST_N] = { 0 };
	struct sshd_listen ls = { 0 };
	mr_buf_init(&ls.ports);
	mr_buf_init(&ls.addrs);
	struct mr_file_fact prev = { NULL, 0, NULL };
	for (size_t i = 0; i < n; i++) {
		struct sshd_line l;
		if (sshd_line_parse(lines[i], &l) < 0) {
			unparsed = 1;
			continue;
		}
		int in_main = mr_file_fact_is(&l.at, main_conf);
		if (in_main || !prev.file || prev.file_len != l.at.file_len ||
		    memcmp(prev.file, l.at.file, (size_t)l.at.file_len) != 0) {
			scope = main_scope;
			all_block = main_all;
			inc_ctx = in_main ? SCOPE_GLOBAL : main_scope;
		}
		prev = l.at;
		char *where = sshd_where(&l);
		int kw = first_kw(&l), slot = scope == SCOPE_USER;
		int list = kw_is(&l, "AllowUsers")    ? LIST_ALLOW_USERS
		           : kw_is(&l, "AllowGroups") ? LIST_ALLOW_GROUPS
		           : kw_is(&l, "DenyUsers")   ? LIST_DENY_USERS
		           : kw_is(&l, "DenyGroups")  ? LIST_DENY_GROUPS
		                                      : -1;
		if (kw_is(&l, "Match")) {
			scope = l.blank_in_word ? SCOPE_UNKNOWN
			                        : match_scope(facts, l.args, user, a->gid);
			if (inc_ctx == SCOPE_NOT || (inc_ctx == SCOPE_UNKNOWN && scope != SCOPE_NOT))
				scope = inc_ctx;
			all_block = scope == SCOPE_USER && !strcasecmp(l.args, "all");
		} else if (kw_is(&l, "Port") || kw_is(&l, "ListenAddress") ||
		           kw_is(&l, "AddressFamily")) {
			if (scope != SCOPE_GLOBAL && !all_block) {
				/* sshd refuses them in a Match but "Match all" */
				if (!ls.refused)
					ls.refused = mr_xstrdup(where);
			} else if (kw_is(&l, "Port")) {
				mr_buf_printf(&ls.ports, "%s%s", ls.ports.len ? " " : "", l.args);
				if (!ls.ports_where)
					ls.ports_where = mr_xstrdup(where);
			} else if (kw_is(&l, "ListenAddress")) {
				mr_buf_printf(&ls.addrs, "%s%s\t%s", ls.addrs.len ? "\n" : "", l.args,
				              where);
			} else if (!ls.family) {
				ls.family = mr_xstrdup(l.args);
				ls.family_where = mr_xstrdup(where);
			}
		} else if (scope == SCOPE_NOT) {
			/* never read for this user */
		} else if (kw_is(&l, "Include")) {
			/* one inside an included file: not read */
			if (!in_main)
				mr_plan_unchecked(plan, "ssh.sshd_include", where);
		} else if (scope == SCOPE_UNKNOWN) {
			mr_plan_unchecked(plan, "ssh.sshd_match", where);
			if (kw >= 0)
				maybe_first[kw] = 1;
			if (list >= 0)
				maybe_list[list] = 1;
		} else if (kw >= 0) {
			struct sshd_value *v = &first[slot][kw];
			if (!v->where) {
				v->where = mr_xstrdup(where);
				v->kw = mr_xstrndup(l.kw, (size_t)l.kw_len);
				v->args = mr_xstrdup(l.args);
				v->in_match = slot;
			}
		} else if (list >= 0) {
			int allow = list == LIST_ALLOW_USERS || list == LIST_ALLOW_GROUPS;
			int named = l.blank_in_word ? -1
			            : list == LIST_ALLOW_USERS || list == LIST_DENY_USERS
			                    ? users_name(l.args, user)
			                    : groups_name(facts, l.args, user, a->gid);
			sshd_list_add(&lists[slot][list], allow, named, where, l.args);
		} else if (slot && !all_block) {
			/* StrictModes and UsePAM, which sshd refuses in a
			 * Match that is not "all": not judged */
			mr_plan_unchecked(plan, "ssh.sshd_match", where);
		} else if (kw_is(&l, "StrictModes")) {
			if (strict < 0)
				strict = mr_parse_bool(l.args) != 0;
		} else if (kw_is(&l, "UsePAM")) {
			if (use_pam < 0) {
				use_pam = mr_parse_bool(l.args) == 1;
				pam_where = mr_xstrdup(where);
			}
		}
		if (in_main) {
			main_scope = scope;
			main_all = all_block;
		}
		free(where);
		free(l.args);
	}
	for (int kw = 0; kw < FIRST_N; kw++) {
		const struct sshd_value *v = first[1][kw].where ? &first[1][kw] : &first[0][kw];
		/* a Match on the connection may set it first: no verdict */
		if (v->where && !maybe_first[kw])
			judge_first(plan, kw, v, user, a, key_type, origin);
		for (int m = 0; m < 2; m++) {
			free(first[m][kw].where);
			free(first[m][kw].kw);
			free(first[m][kw].args);
		}
	}
	judge_lists(plan, lists, maybe_list, user, origin);
	free(lines);
	check_shadow(plan, user, use_pam == 1, pam_where, main_conf, origin);
	free(pam_where);
	/* an Include pattern whose files the probe did not read */
	const char **unread = NULL;
	n = facts ? mr_facts_get_all(facts, "sshd.unread", &unread) : 0;
	for (size_t i = 0; i < n; i++) {
		struct sshd_line l;
		if (sshd_line_parse(unread[i], &l) == 0) {
			char *where = sshd_where(&l);
			mr_plan_unchecked(plan, "ssh.sshd_include", where);
			free(where);
			free(l.args);
		}
	}
	free(unread);
	judge_listen(plan, profile, &ls, origin);
	mr_buf_fini(&ls.ports);
	mr_buf_fini(&ls.addrs);
	free(ls.ports_where);
	free(ls.family);
	free(ls.family_where);
	free(ls.refused);
	if (main_state && !strcmp(main_state, "read") && !unparsed &&
	    mr_plan_failed_count(plan) == failed_before &&
	    mr_plan_unchecked_count(plan) == unchecked_before)
		mr_plan_passed(plan, "ssh.sshd", origin, "takes the key",
		               "no line of %s or its Includes refuses %s's key login", main_conf, user);
	return strict != 0;
}

/* The type of the cluster's key ("ssh-ed25519"): the pair's, or the one
 * apply generates; NULL without a keypair. Borrowed; static storage. */
static const char *cluster_key_type(const struct mr_res_ctx *ctx)
{
	static _Thread_local char type[64];
	const struct mr_setting *kp = mr_profile_get(ctx->profile, "ssh", "keypair");
	const struct mr_ssh_keypair *pair = kp ? mr_ssh_keypairs_find(ctx->keypairs, kp) : NULL;
	if (!pair)
		return NULL;
	if (pair->absent)
		return "ssh-ed25519";
	if (!pair->pub)
		return NULL;
	snprintf(type, sizeof(type), "%.*s", (int)strcspn(pair->pub, " "), pair->pub);
	return type;
}

/* The user's ssh client reads ~/.ssh/config and ssh_config: a line there
 * on the host key, the identity, the port or the algorithms may refuse a
 * peer that migready made ready. Not examined, and said, line by line
 * ("FILE LINE KEYWORD", the file name possibly with blanks). */
static void client_config_unchecked(struct mr_plan *plan)
{
	const struct mr_facts *facts = mr_plan_facts(plan);
	const char **lines = NULL;
	size_t n = facts ? mr_facts_get_all(facts, "ssh.client", &lines) : 0;
	for (size_t i = 0; i < n; i++) {
		const char *kw = strrchr(lines[i], ' ');
		const char *num = kw ? kw : lines[i];
		while (num > lines[i] && num[-1] != ' ')
			num--;
		if (!kw || num == lines[i])
			continue;
		mr_plan_uncheckedf(plan, "ssh.client_config",
		                   "%.*s:%.*s %s", (int)(num - 1 - lines[i]), lines[i],
		                   (int)(kw - num), num, kw + 1);
	}
	free(lines);
}

/* sshd runs for the peers to log in: its unit (ssh.service, Debian's;
 * else sshd.service) enabled and started, unless ssh.socket, enabled,
 * takes its connections. Where systemd's units cannot be read,
 * nothing is said here (the world checks say so). */
static void want_sshd(struct mr_plan *plan, const char *origin)
{
	const struct mr_facts *facts = mr_plan_facts(plan);
	if (!facts || !mr_facts_get(facts, "init"))
		return;
	struct mr_unit_state sock = mr_facts_unit(facts, "ssh.socket");
	if (sock.present == 1 && sock.enabled && !strncmp(sock.enabled, "enabled", 7))
		return;
	/* RHEL's sshd.socket conflicts with sshd.service: starting that would
	 * stop it */
	sock = mr_facts_unit(facts, "sshd.socket");
	if (sock.present == 1 && sock.enabled && !strncmp(sock.enabled, "enabled", 7))
		return;
	const char *name = mr_facts_unit(facts, "ssh.service").present == 1    ? "ssh.service"
	                   : mr_facts_unit(facts, "sshd.service").present == 1 ? "sshd.service"
	                                                                        : NULL;
	if (name)
		mr_plan_unit_want(mr_plan_unit(plan, name), MR_ENABLE_YES, 1, "ssh.sshd_unit", origin);
	else if (mr_facts_unit(facts, "ssh.service").present == 0 &&
	         mr_facts_unit(facts, "sshd.service").present == 0)
		mr_plan_fail(plan, "ssh.sshd_unit", origin,
		             "no sshd on this host (neither ssh.service nor sshd.service): nova's peers "
		             "cannot log in");
}

/* nova's ssh and rsync run as nova-compute runs (its unit's User=, the
 * probe's nova.user: a name, a uid, unknown, or none without a unit):
 * keys and known_hosts of another user go unused. */
static void check_nova_user(struct mr_plan *plan, const char *user, const struct account *a,
                            const char *origin)
{
	const struct mr_facts *facts = mr_plan_facts(plan);
	const char *nu = facts ? mr_facts_get(facts, "nova.user") : NULL;
	if (!nu)
		return; /* not probed */
	if (!strcmp(nu, "none") || !strcmp(nu, "unknown") || !strcmp(nu, "unread") ||
	    !strcmp(nu, "generated")) {
		mr_plan_uncheckedf(plan, "ssh.nova_user",
		                   
			"the user nova-compute runs as, whose ssh logs in to the peers: %s",
			!strcmp(nu, "none")       ? "no nova-compute unit on this host"
			: !strcmp(nu, "unread")   ? "its unit is masked or cannot be read"
			: !strcmp(nu, "generated") ? "its unit runs an init script, which picks the user"
			                  : "its unit's User= is not one plain name");
		return;
	}
	char *end;
	unsigned long uid = strtoul(nu, &end, 10);
	int numeric = nu[0] >= '0' && nu[0] <= '9' && !*end;
	if (numeric ? a && uid == (unsigned long)a->uid : !strcmp(nu, user))
		return;
	if (numeric && !a) {
		mr_plan_uncheckedf(plan, "ssh.nova_user",
		                   "whether nova-compute's uid %s (its unit's User=) is %s's",
		                   nu, user);
		return;
	}
	/* root only where the unit was read and names no User= */
	int dflt = mr_facts_get(facts, "nova.user_default") != NULL;
	mr_plan_fail(plan, "ssh.user", origin,
	             "nova-compute runs as %s%s (%s), not %s: its ssh and rsync to the peers use "
	             "%s's keys and known_hosts, not these; set [ssh] user = %s",
	             numeric ? "uid " : "", nu,
	             dflt ? "its unit names no User=" : "its unit's User=", user,
	             numeric ? "that user" : nu, numeric ? "its name" : nu);
}

static int ssh_plan(struct mr_plan *plan, const struct mr_res_ctx *ctx, struct mr_error **err)
{
	(void)err;
	const struct mr_profile *profile = ctx->profile;
	if (!mr_profile_has_section(profile, "ssh"))
		return 0;
	const struct mr_setting *us = mr_profile_get(profile, "ssh", "user");
	const char *user = us ? us->value : "nova";
	char *origin = origin_or(us, "[ssh]");
	const struct mr_facts *facts = mr_plan_facts(plan);
	char *key = mr_xasprintf("user.%s", user);
	const char *entry = facts ? mr_facts_get(facts, key) : NULL;
	struct account a = { 0 };
	int known = entry && account_parse(entry, &a) == 0;
	check_nova_user(plan, user, known ? &a : NULL, origin);
	if (!entry) {
		mr_plan_fail(plan, "ssh.user", origin,
		             "user '%s' is not known on the host", user);
		goto out;
	}
	if (!known || !strcmp(a.home, "/")) {
		mr_plan_fail(plan, "ssh.user", origin, "user '%s' has no usable home ('%s')", user,
		             entry);
		goto out;
	}
	char *dir = mr_xasprintf("%s/.ssh", a.home);
	mr_plan_dir(plan, dir, 0700, a.uid, a.gid, "ssh.user", origin);
	plan_keys(plan, ctx, dir, &a);
	plan_known_hosts(plan, ctx, dir, &a);
	plan_shell(plan, profile, user, &a);
	want_sshd(plan, origin);
	client_config_unchecked(plan);
	/* enforcing, sshd refuses keys under a label other than ssh_home_t */
	const char *se = facts ? mr_facts_get(facts, "selinux") : NULL;
	if (se && !strcmp(se, "1")) {
		mr_plan_uncheckedf(plan, "ssh.selinux_label",
		                   "the SELinux label of %s and its files, which sshd checks",
		                   dir);
	}
	/* sshd checks the home too: ~/.ssh's own modes are the plan's */
	if (check_sshd(plan, profile, user, &a, cluster_key_type(ctx), origin))
		mr_plan_dir_secure(plan, a.home, a.uid, "ssh.home", origin);
	free(dir);
out:
	free(a.home);
	free(a.shell);
	free(key);
	free(origin);
	return 0;
}

/* replace_key only lets the keypair replace a host's key: alone it does
 * nothing. */
static void ssh_lint(const struct mr_profile *profile)
{
	size_t n = 0;
	const struct mr_setting *const *rk = mr_profile_get_all(profile, "ssh", "replace_key", &n);
	if (n && !mr_profile_get(profile, "ssh", "keypair"))
		mr_log(MR_LOG_WARN, "%s:%u: ssh.replace_key without ssh.keypair: nothing to replace "
		       "a key with", rk[0]->loc.file, rk[0]->loc.line);
}

const struct mr_res_ops mr_res_ssh = {
	.name = "ssh",
	.plan = ssh_plan,
	.keys = ssh_keys,
	.n_keys = MR_ARRAY_LEN(ssh_keys),
	.lint = ssh_lint,
};
