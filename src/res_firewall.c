/* The migration's ports opened to the migration network, in the firewall
 * the host uses (backend = auto: the facts tell which; several or none is
 * a failed item, never a guess).
 *
 * iptables: the rules file (Debian's iptables-persistent rules.v4, RHEL's
 * iptables-services /etc/sysconfig/iptables) gains an ACCEPT rule per
 * allow and source, in *filter's INPUT chain before its first stop (a
 * DROP or REJECT, or a jump to a chain holding one); a rule above the
 * stop that already accepts the port (or a range or list holding it) from
 * that source (or a network holding it, or anywhere) counts, as does a
 * jump there to a chain that accepts it first (ipt_rules.h), and nothing
 * else in the file changes. The running rules
 * (facts: iptables-save, digested) get the same rules inserted with
 * iptables -I at the same place. IPv6 likewise (rules.v6 or
 * /etc/sysconfig/ip6tables, ip6tables) where the host keeps IPv6 rules.
 * Not iptables-restore of the file: that
 * flushes the whole filter table, and with it the chains that libvirt,
 * neutron's agents or docker add at run time and never save. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "firewalld_conf.h"
#include "ipt_rules.h"
#include "nft_conf.h"
#include "res.h"

#define IPTABLES_LENS "Iptables.lns"
#define RULES_DEBIAN "/etc/iptables/rules.v4"
#define RULES_RHEL "/etc/sysconfig/iptables"
#define RULES6_DEBIAN "/etc/iptables/rules.v6"
#define RULES6_RHEL "/etc/sysconfig/ip6tables"
#define NFT_CONF "/etc/nftables.conf"
#define NFT_CONF_RHEL "/etc/sysconfig/nftables.conf"

static const struct mr_conf_key firewall_keys[] = {
	{ "backend", MR_CONF_PLAN, NULL },
	{ "allow", MR_CONF_PLAN, NULL },
	{ "source", MR_CONF_PLAN, NULL },
	{ "zone", MR_CONF_PLAN, NULL },
};

enum backend { B_NONE, B_IPTABLES, B_FIREWALLD, B_UFW, B_NFTABLES };

static const char *const backend_names[] = { "none", "iptables", "firewalld", "ufw", "nftables" };

/* One rule to have: protocol, ports as iptables spells them (49152:49261)
 * and a source (NULL: any). */
struct fw_rule {
	char proto[4];
	char ports[12];
	char *source;
	const struct mr_setting *allow;
};

static int unit_on(const struct mr_facts *f, const char *unit)
{
	struct mr_unit_state u = mr_facts_unit(f, unit);
	return u.present == 1 && ((u.enabled && !strncmp(u.enabled, "enabled", 7)) ||
	                          (u.active && !strcmp(u.active, "active")));
}

static int has_file(const struct mr_facts *f, const char *path)
{
	if (!f)
		return 0;
	char *key = mr_xasprintf("file.%s", path);
	int r = mr_facts_get(f, key) != NULL;
	free(key);
	return r;
}

/* Which firewalls the host switches on (on[backend] = 1). */
static void switched_on(const struct mr_facts *f, int on[5])
{
	const char *ufw = mr_facts_get(f, "fw.ufw.enabled");
	memset(on, 0, 5 * sizeof(*on));
	on[B_FIREWALLD] = unit_on(f, "firewalld.service");
	on[B_UFW] = ufw && !strcmp(ufw, "yes");
	/* RHEL's nftables.service loads /etc/sysconfig/nftables.conf */
	on[B_NFTABLES] = unit_on(f, "nftables.service") &&
	                 (has_file(f, NFT_CONF) || has_file(f, NFT_CONF_RHEL));
	on[B_IPTABLES] = (unit_on(f, "netfilter-persistent.service") && has_file(f, RULES_DEBIAN)) ||
	                 (unit_on(f, "iptables.service") && has_file(f, RULES_RHEL));
}

/* The names of the firewalls on[] has on but skip ("a and b") into
 * names; how many. */
static size_t names_on(const int on[5], enum backend skip, struct mr_buf *names)
{
	size_t n = 0;
	for (int b = B_IPTABLES; b <= B_NFTABLES; b++)
		if (on[b] && b != (int)skip)
			mr_buf_printf(names, "%s%s", n++ ? " and " : "", backend_names[b]);
	return n;
}

/* The one firewall the host switches on; B_NONE with *why when not
 * exactly one (*several: more than one). */
static enum backend detect(const struct mr_facts *f, char **why, int *several)
{
	*why = NULL;
	*several = 0;
	if (!f) {
		*why = mr_xstrdup("no facts");
		return B_NONE;
	}
	int on[5];
	switched_on(f, on);
	struct mr_buf names;
	mr_buf_init(&names);
	size_t n = names_on(on, B_NONE, &names);
	for (int b = B_IPTABLES; n == 1 && b <= B_NFTABLES; b++)
		if (on[b]) {
			mr_buf_fini(&names);
			return (enum backend)b;
		}
	*several = n > 1;
	if (n)
		*why = mr_xasprintf("%s are all switched on", names.data);
	else
		*why = mr_xstrdup("none of firewalld, ufw, nftables.service, netfilter-persistent "
		                  "with rules.v4 or iptables.service with /etc/sysconfig/iptables is "
		                  "switched on");
	mr_buf_fini(&names);
	return B_NONE;
}

/* An address alone is the one-address network iptables-save writes. */
static char *saved_source(const char *cidr)
{
	if (strchr(cidr, '/'))
		return mr_xstrdup(cidr);
	return mr_xasprintf("%s/%d", cidr, strchr(cidr, ':') ? 128 : 32);
}

/* The rules the profile asks for: each allow from each source. Without
 * ipv6, IPv6 sources are failed items (only rules.v4 to hold them).
 * Sources are kept as the profile spells them (ufw writes them so);
 * iptables wants them as iptables-save writes them (as_saved). */
static size_t wanted_rules(struct mr_plan *plan, const struct mr_profile *profile, int ipv6,
                           int as_saved, struct fw_rule **out)
{
	size_t n_allow = 0, n_src = 0, n = 0;
	const struct mr_setting *const *allow =
		mr_profile_get_all(profile, "firewall", "allow", &n_allow);
	const struct mr_setting *const *src =
		mr_profile_get_all(profile, "firewall", "source", &n_src);
	struct fw_rule *v = mr_xcalloc(n_allow * (n_src + 1) + 1, sizeof(*v));
	int any_source = 1;
	for (size_t j = 0; j < n_src; j++) {
		if (!*src[j]->value)
			continue;
		any_source = 0;
		if (strchr(src[j]->value, ':') && !ipv6) {
			char *origin = mr_plan_origin_of(src[j]);
			mr_plan_fail(plan, "firewall.source", origin,
			             "IPv6 source '%s': no " RULES6_DEBIAN " nor " RULES6_RHEL
			             " on the host to write it to",
			             src[j]->value);
			free(origin);
		}
	}
	for (size_t i = 0; i < n_allow; i++) {
		const char *a = allow[i]->value;
		if (!*a)
			continue;
		const char *slash = strchr(a, '/');
		struct fw_rule r = { .allow = allow[i] };
		snprintf(r.proto, sizeof(r.proto), "%s", slash + 1);
		snprintf(r.ports, sizeof(r.ports), "%.*s", (int)(slash - a), a);
		char *dash = strchr(r.ports, '-');
		if (dash)
			*dash = ':';
		for (size_t j = 0; j < n_src || (any_source && j == 0); j++) {
			if (!any_source && (!*src[j]->value || (strchr(src[j]->value, ':') && !ipv6)))
				continue;
			const char *s = any_source ? NULL : src[j]->value;
			v[n] = r;
			v[n].source = !s ? NULL : as_saved ? saved_source(s) : mr_xstrdup(s);
			n++;
		}
	}
	*out = v;
	return n;
}

static void rules_free(struct fw_rule *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].source);
	free(v);
}

/* "-s SRC -p tcp -m tcp --dport PORTS -j ACCEPT", as iptables-save
 * writes it; argv (after "iptables -I INPUT N") likewise. */
static char *rule_text(const struct fw_rule *r)
{
	return mr_xasprintf("%s%s%s-p %s -m %s --dport %s -j ACCEPT", r->source ? "-s " : "",
	                    r->source ? r->source : "", r->source ? " " : "", r->proto, r->proto,
	                    r->ports);
}

#define IN_FILTER "table[.='filter']/"

/* The digest of r as ipt_rules.h compares it: "tcp 16509 10.20.0.0/24". */
static char *rule_digest(const struct fw_rule *r)
{
	return mr_xasprintf("%s %s %s", r->proto, r->ports, r->source ? r->source : "any");
}

static void plan_rules_file(struct mr_plan *plan, const char *path, const struct fw_rule *r,
                            size_t n)
{
	struct mr_plan_file *f = mr_plan_file(plan, path, IPTABLES_LENS);
	for (size_t i = 0; i < n; i++) {
		/* key: the line as written here; cover: any accept that takes all
		 * of it, which ipt_rules.h weighs; either only above INPUT's first
		 * stop of its traffic (a DROP, a REJECT, or a jump or goto to a
		 * chain that leads to one however deep, RHEL's RH-Firewall-1-INPUT,
		 * or under policy DROP any goto; not a DROP of another port), where
		 * a new one goes. */
		char *from = r[i].source ? mr_xasprintf("source='%s'", r[i].source)
		                         : mr_xstrdup("count(source)=0");
		char *key = mr_xasprintf(
			IN_FILTER "append[.='INPUT'][jump='ACCEPT'][protocol='%s'][match='%s'][dport='%s']"
			"[%s][count(*)=%d][count(*/not)=0]",
			r[i].proto, r[i].proto, r[i].ports, from, r[i].source ? 5 : 4);
		char *want = rule_digest(&r[i]);
		char *text = rule_text(&r[i]);
		char *line = mr_xasprintf("-A INPUT %s", text);
		struct mr_aug_op op = {
			.kind = MR_AUG_INSERT,
			.key = key,
			.value = line,
			.fmt = MR_FMT_RAW,
			/* No stop: after INPUT's last rule, or its declaration. */
			.deflt = IN_FILTER "*[label()='chain' or (label()='append' and .='INPUT')]",
			/* an accept, or a jump or goto to a chain that accepts it */
			.cover = IN_FILTER "append[.='INPUT'][jump or goto][count(*/not)=0]",
			.cover_want = want,
			.covers = mr_ipt_node_covers,
			.stop = IN_FILTER "append[.='INPUT']",
			/* the rules, and INPUT's policy (for its gotos) */
			.stop_scope = IN_FILTER "*[label()='append' or (label()='chain' and .='INPUT')]",
			.stops = mr_ipt_node_stop_blocks,
			.refuse = IN_FILTER "insert[.='INPUT']",
			.refuse_why = "an '-I INPUT' rule, which iptables-restore puts at the top of the "
			              "chain wherever the file has it: where a new rule would stand is "
			              "not the file's order; write it as '-A INPUT' where it belongs",
		};
		mr_plan_add(f, r[i].allow, &op);
		mr_plan_note(f, text);
		free(text);
		free(line);
		free(want);
		free(key);
		free(from);
	}
}

/* "covered by '-s SRC -p PROTO --dport PORTS -j ACCEPT'" from a digest
 * line that mr_ipt_accept_covers took. */
static char *digest_rule(const char *have)
{
	char proto[32], ports[256], source[64];
	if (sscanf(have, "%31s %255s %63s", proto, ports, source) != 3)
		return mr_xasprintf("covered by '%s'", have);
	int any = !strcmp(source, "any");
	if (!strcmp(proto, "any")) /* an accept of everything from source */
		return mr_xasprintf("covered by '%s%s%s-j ACCEPT'", any ? "" : "-s ", any ? "" : source,
		                    any ? "" : " ");
	return mr_xasprintf("covered by '%s%s%s-p %s %s %s -j ACCEPT'", any ? "" : "-s ",
	                    any ? "" : source, any ? "" : " ", proto,
	                    strchr(ports, ',') ? "-m multiport --dports" : "--dport", ports);
}

/* A rule of the running chain as the facts give it, "N PROTO PORTS
 * SOURCE": its number (digits: it goes into a command) and its digest. */
struct numbered {
	char num[8];
	long at;
	const char *digest;
};

/* Every fact of key parsed: their count in *out (freed by the caller),
 * -1 if one is not such a rule. */
static ssize_t numbered_all(const struct mr_facts *facts, const char *key, struct numbered **out)
{
	const char **v = NULL;
	size_t n = mr_facts_get_all(facts, key, &v);
	*out = mr_xcalloc(n ? n : 1, sizeof(**out));
	for (size_t i = 0; i < n; i++) {
		size_t k = strspn(v[i], "0123456789");
		char proto[32], ports[256], source[64], extra;
		if (!k || k > 6 || v[i][k] != ' ' ||
		    sscanf(v[i] + k + 1, "%31s %255s %63s %c", proto, ports, source, &extra) != 3) {
			free(v);
			return -1;
		}
		snprintf((*out)[i].num, sizeof((*out)[i].num), "%.*s", (int)k, v[i]);
		(*out)[i].at = strtol((*out)[i].num, NULL, 10);
		(*out)[i].digest = v[i] + k + 1;
	}
	free(v);
	return (ssize_t)n;
}

/* The first of the running INPUT chain's jumps and gotos ("K PROTO PORTS
 * SOURCE CHAIN" facts, with no other condition) above before (0: any)
 * whose conditions take all of want and whose chain's accepts (via, of
 * the same K) take it: "covered by '... -j CHAIN'" (the caller's), or
 * NULL. */
static char *jump_cover(const struct mr_facts *facts, int v6, const struct numbered *via,
                        ssize_t n_via, long before, long found_at, const char *want)
{
	const char **j = NULL;
	size_t n = mr_facts_get_all(facts, v6 ? "fw.ip6tables.jump" : "fw.iptables.jump", &j);
	char *r = NULL;
	for (size_t i = 0; i < n && !r; i++) {
		char num[8], proto[32], ports[256], source[64], chain[64], extra;
		if (sscanf(j[i], "%7[0-9] %31s %255s %63s %63s %c", num, proto, ports, source, chain,
		           &extra) != 5)
			continue;
		long at = strtol(num, NULL, 10);
		if ((before && at >= before) || (found_at && at >= found_at))
			continue;
		char *digest = mr_xasprintf("%s %s %s", proto, ports, source);
		int accepted = 0;
		for (ssize_t v = 0; v < n_via && !accepted; v++)
			accepted = via[v].at == at && mr_ipt_accept_covers(via[v].digest, want);
		if (accepted && mr_ipt_accept_covers(digest, want)) {
			int any = !strcmp(source, "any"), all = !strcmp(proto, "any");
			r = mr_xasprintf("covered by '%s%s%s%s%s%s%s%s-j %s', whose chain accepts it "
			                 "(rule %ld of the running INPUT chain)",
			                 any ? "" : "-s ", any ? "" : source, any ? "" : " ",
			                 all ? "" : "-p ", all ? "" : proto,
			                 all ? "" : strchr(ports, ',') ? " -m multiport --dports " : " --dport ",
			                 all ? "" : ports, all ? "" : " ", chain, at);
		}
		free(digest);
	}
	free(j);
	return r;
}

/* The running INPUT chain, from the facts' digest of iptables-save: each
 * missing rule is inserted above the first stop that stops its traffic
 * (a DROP of another port does not), where an accept above it counts. */
static void plan_running(struct mr_plan *plan, const struct fw_rule *r, size_t n,
                         const char *origin, int v6)
{
	const struct mr_facts *facts = mr_plan_facts(plan);
	const char *ipt = v6 ? "ip6tables" : "iptables";
	const char *live = mr_facts_get(facts, v6 ? "fw.ip6tables.live" : "fw.iptables.live");
	struct numbered *have, *stops, *via;
	ssize_t n_have = numbered_all(facts, v6 ? "fw.ip6tables.accept" : "fw.iptables.accept", &have);
	ssize_t n_stops = numbered_all(facts, v6 ? "fw.ip6tables.stop" : "fw.iptables.stop", &stops);
	ssize_t n_via = numbered_all(facts, v6 ? "fw.ip6tables.via" : "fw.iptables.via", &via);
	if (!live || strcmp(live, "ok") != 0 || n_have < 0 || n_stops < 0 || n_via < 0) {
		mr_plan_fail(plan, "firewall.running", origin, "cannot read the running rules: %s%s%s",
		             !live ? "no " : strcmp(live, "ok") ? "" : "the probe's digest of ", ipt,
		             !live                ? "-save on the host"
		             : strcmp(live, "ok") ? "-save failed on the host"
		                                  : "-save is not one");
		free(have);
		free(stops);
		free(via);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		char *exact = rule_digest(&r[i]);
		/* the first stop of this traffic (the facts come in rule order); a
		 * jump or goto to a chain that accepts it first stops none */
		const struct numbered *stop = NULL;
		for (ssize_t k = 0; k < n_stops && !stop; k++) {
			int accepted = 0;
			for (ssize_t v = 0; v < n_via && !accepted; v++)
				accepted = via[v].at == stops[k].at && mr_ipt_accept_covers(via[v].digest, exact);
			if (!accepted && mr_ipt_stop_blocks(stops[k].digest, exact))
				stop = &stops[k];
		}
		const char *found = NULL;
		long found_at = 0;
		for (ssize_t k = 0; k < n_have && !found; k++)
			if ((!stop || have[k].at < stop->at) && mr_ipt_accept_covers(have[k].digest, exact)) {
				found = have[k].digest;
				found_at = have[k].at;
			}
		/* or a jump above, taking all of it, to a chain that accepts it */
		char *jumped = jump_cover(facts, v6, via, n_via, stop ? stop->at : 0,
		                          found ? found_at : 0, exact);
		char *text = rule_text(&r[i]);
		const char *argv[16] = { ipt, "-w", stop ? "-I" : "-A", "INPUT" };
		size_t k = 4;
		if (stop)
			argv[k++] = stop->num;
		if (r[i].source) {
			argv[k++] = "-s";
			argv[k++] = r[i].source;
		}
		const char *tail[] = { "-p", r[i].proto, "-m", r[i].proto, "--dport", r[i].ports,
			                   "-j", "ACCEPT", NULL };
		memcpy(argv + k, tail, sizeof(tail));
		/* Named as run, but for the lock option. */
		char *name = stop ? mr_xasprintf("%s -I INPUT %s %s", ipt, stop->num, text)
		                  : mr_xasprintf("%s -A INPUT %s", ipt, text);
		struct mr_plan_cmd *c = mr_plan_command(plan, name, argv);
		char *where = mr_plan_origin_of(r[i].allow);
		char *old = jumped                  ? jumped
		            : !found                ? NULL
		            : !strcmp(found, exact) ? mr_xstrdup(text)
		                                    : digest_rule(found);
		mr_plan_observed(plan, c, "firewall.running", where, old, text, !found && !jumped, 0);
		free(old);
		free(exact);
		free(where);
		free(name);
		free(text);
	}
	free(have);
	free(stops);
	free(via);
}

static void check_nft_beside(struct mr_plan *plan, const struct fw_rule *r, size_t n,
                             const char *const *mine, const char *backend);

/* iptables' own chains as iptables-nft keeps them (ufw's too) */
static const char *const ipt_nft_chains[] = { "ip filter INPUT ", "ip6 filter INPUT ", NULL };

/* The rules of one family: a source of it, or any source. The rules are
 * r's (shallow copies). */
static size_t of_family(const struct fw_rule *r, size_t n, int v6, struct fw_rule *out)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (!r[i].source || !!strchr(r[i].source, ':') == v6)
			out[k++] = r[i];
	return k;
}

static void plan_iptables(struct mr_plan *plan, const struct mr_profile *profile,
                          const char *origin)
{
	const struct mr_facts *facts = mr_plan_facts(plan);
	const char *path6 = has_file(facts, RULES6_DEBIAN) ? RULES6_DEBIAN
	                    : has_file(facts, RULES6_RHEL) ? RULES6_RHEL
	                                                   : NULL;
	struct fw_rule *r = NULL;
	size_t n = wanted_rules(plan, profile, path6 != NULL, 1, &r);
	struct fw_rule *fam = mr_xcalloc(n + 1, sizeof(*fam));
	const char *path = has_file(facts, RULES_DEBIAN) ? RULES_DEBIAN
	                   : has_file(facts, RULES_RHEL) ? RULES_RHEL
	                                                 : NULL;
	size_t n4 = of_family(r, n, 0, fam);
	if (!n)
		goto out;
	if (!path)
		mr_plan_fail(plan, "firewall.allow", origin,
		             "no " RULES_DEBIAN " nor " RULES_RHEL " on the host: no saved rules to "
		             "add to (save the running ones there first)");
	else if (n4)
		plan_rules_file(plan, path, fam, n4);
	if (n4 && facts && mr_facts_live(facts))
		plan_running(plan, fam, n4, origin, 0);
	/* IPv6: where the host keeps saved ip6tables rules */
	size_t n6 = path6 ? of_family(r, n, 1, fam) : 0;
	if (n6)
		plan_rules_file(plan, path6, fam, n6);
	if (n6 && facts && mr_facts_live(facts))
		plan_running(plan, fam, n6, origin, 1);
	check_nft_beside(plan, r, n, ipt_nft_chains, "iptables");
out:
	free(fam);
	rules_free(r, n);
}

/* ufw's own files, as ufw itself writes a rule (ufw --dry-run allow from
 * SRC to any port P proto tcp): its "### tuple ###" comment, which ufw
 * status and ufw's next rewrite read, then the rule; IPv4 in user.rules,
 * IPv6 in user6.rules, both for any source; then ufw reload. */
#define UFW_RULES "/etc/ufw/user.rules"
#define UFW_RULES6 "/etc/ufw/user6.rules"

static void plan_ufw_rule(struct mr_plan *plan, const struct fw_rule *r, int v6,
                          struct mr_plan_cmd *reload)
{
	const char *chain = v6 ? "ufw6-user-input" : "ufw-user-input";
	const char *all = v6 ? "::/0" : "0.0.0.0/0";
	int range = strchr(r->ports, ':') != NULL;
	struct mr_plan_file *f = mr_plan_file(plan, v6 ? UFW_RULES6 : UFW_RULES, IPTABLES_LENS);
	char *from = r->source ? mr_xasprintf(" -s %s", r->source) : mr_xstrdup("");
	char *rule = mr_xasprintf("-A %s -p %s %s%s %s%s -j ACCEPT", chain, r->proto,
	                          range ? "-m multiport --dports" : "--dport", "", r->ports, from);
	char *text = mr_xasprintf("### tuple ### allow %s %s %s any %s in\n%s\n", r->proto, r->ports,
	                          all, r->source ? r->source : all, rule);
	/* key: the line as ufw writes it; cover: any accept that takes all of
	 * it (ipt_rules.h); either only above the chain's first rule that may
	 * drop or reject some of its traffic (ufw deny, limit), where a new
	 * one goes, with its tuple, as ufw insert writes it. */
	char *key = mr_xasprintf("table[.='filter']/append[.='%s'][jump='ACCEPT'][protocol='%s']"
	                         "[%s='%s'][%s%s%s][count(*)=%d][count(*/not)=0]",
	                         chain, r->proto, range ? "dports" : "dport", r->ports,
	                         r->source ? "source='" : "count(source)=0",
	                         r->source ? r->source : "", r->source ? "'" : "",
	                         3 + range + !!r->source);
	char *cover = mr_xasprintf(IN_FILTER "append[.='%s'][jump='ACCEPT'][count(*/not)=0]", chain);
	char *stop = mr_xasprintf(IN_FILTER "append[.='%s']", chain);
	char *want = rule_digest(r);
	char *before = mr_xstrdup("table[.='filter']/#comment[.='## END RULES ###']");
	char *after = mr_xasprintf("table[.='filter']/*[(label()='#comment' and .='## RULES ###') or "
	                           "(label()='append' and .='%s')]",
	                           chain);
	struct mr_aug_op op = {
		.kind = MR_AUG_INSERT,
		.key = key,
		.value = text,
		.fmt = MR_FMT_RAW,
		.comment_re = before,
		.deflt = after,
		.cover = cover,
		.cover_want = want,
		.covers = mr_ipt_node_covers,
		.stop = stop,
		.stop_scope = IN_FILTER "append",
		.stop_comment = "### tuple ###",
		.stops = mr_ipt_node_stop_blocks,
	};
	mr_plan_add(f, r->allow, &op);
	mr_plan_note(f, rule);
	mr_plan_notify_command(f, reload);
	free(want);
	free(stop);
	free(cover);
	free(after);
	free(before);
	free(key);
	free(text);
	free(rule);
	free(from);
}

/* ufw's running user chains, from the facts' digest of iptables-save and
 * ip6tables-save (their accepts and stops, in order): one item, settled by
 * ufw reload (which loads the files). With no_v6 ufw loads no user6.rules,
 * so its IPv6 chains are not read: no reload would fill them. */
static void plan_ufw_running(struct mr_plan *plan, const struct fw_rule *r, size_t n, int no_v6,
                             const char *origin, struct mr_plan_cmd *reload)
{
	const struct mr_facts *facts = mr_plan_facts(plan);
	struct mr_buf missing;
	mr_buf_init(&missing);
	for (int v6 = 0; v6 <= !no_v6; v6++) {
		const char *live = mr_facts_get(facts, v6 ? "fw.ip6tables.live" : "fw.iptables.live");
		const char **have = NULL;
		size_t n_have = mr_facts_get_all(facts, v6 ? "fw.ip6tables.ufw" : "fw.iptables.ufw",
		                                 &have);
		for (size_t i = 0; i < n; i++) {
			if (r[i].source && !!strchr(r[i].source, ':') != v6)
				continue;
			if (!live || strcmp(live, "ok") != 0) {
				free(have);
				mr_buf_fini(&missing);
				mr_plan_fail(plan, "firewall.running", origin,
				             "cannot read the running rules: %s", v6 ? "no ip6tables-save"
				                                                     : "no iptables-save");
				return;
			}
			/* in the chain's order: an accept above any rule that may
			 * drop or reject some of its traffic */
			char *want = rule_digest(&r[i]);
			int found = 0;
			for (size_t k = 0; k < n_have && !found; k++) {
				if (!strncmp(have[k], "stop ", 5)) {
					if (mr_ipt_stop_blocks(have[k] + 5, want))
						break;
					continue;
				}
				found = mr_ipt_accept_covers(have[k], want);
			}
			free(want);
			if (!found)
				mr_buf_printf(&missing, "%s%s %s from %s", missing.len ? "; " : "missing: ",
				              r[i].proto, r[i].ports,
				              r[i].source ? r[i].source : v6 ? "::/0" : "0.0.0.0/0");
		}
		free(have);
	}
	mr_plan_observed(plan, reload, "firewall.running", origin,
	                 missing.len ? missing.data : "the rules loaded", "the rules loaded",
	                 missing.len > 0, 0);
	mr_buf_fini(&missing);
}

static void plan_ufw(struct mr_plan *plan, const struct mr_profile *profile, const char *origin)
{
	struct fw_rule *r = NULL;
	size_t n = wanted_rules(plan, profile, 1, 0, &r);
	static const char *const argv[] = { "ufw", "reload", NULL };
	struct mr_plan_cmd *reload = n ? mr_plan_command(plan, "ufw reload", argv) : NULL;
	/* Unless /etc/default/ufw says IPV6=yes (its init script takes yes or
	 * YES only), ufw never loads user6.rules and drops IPv6 in INPUT: a
	 * rule there would open nothing, and stay drift. Unknown (no file
	 * read): both, as ufw ships. */
	const struct mr_facts *facts = mr_plan_facts(plan);
	const char *ipv6 = facts ? mr_facts_get(facts, "fw.ufw.ipv6") : NULL;
	int no_v6 = ipv6 && strcmp(ipv6, "yes") != 0 && strcmp(ipv6, "YES") != 0;
	for (size_t i = 0; i < n; i++) {
		int v6 = r[i].source && strchr(r[i].source, ':');
		if (v6 && no_v6) {
			char *says = strcmp(ipv6, "unset") ? mr_xasprintf("says IPV6=%s", ipv6)
			                                   : mr_xstrdup("sets no IPV6");
			mr_plan_fail(plan, "firewall.source", origin,
			             "IPv6 source '%s': ufw's /etc/default/ufw %s, so ufw never loads "
			             "user6.rules and drops IPv6; set IPV6=yes there",
			             r[i].source, says);
			free(says);
			continue;
		}
		if (!r[i].source || !v6)
			plan_ufw_rule(plan, &r[i], 0, reload);
		if ((!r[i].source && !no_v6) || v6)
			plan_ufw_rule(plan, &r[i], 1, reload);
	}
	if (n && mr_plan_facts(plan) && mr_facts_live(mr_plan_facts(plan)))
		plan_ufw_running(plan, r, n, no_v6, origin, reload);
	check_nft_beside(plan, r, n, ipt_nft_chains, "ufw");
	rules_free(r, n);
}

/* nftables: the nftables.conf nftables.service loads (nft_conf_path),
 * edited by nft_conf (no Augeas lens reads nft's language), and the
 * running input chain, from the facts' digest of nft -a list ruleset: a
 * missing rule is inserted before the stop's handle
 * (nft insert rule ... handle N), or appended. Not nft -f of the file:
 * Debian's starts with "flush ruleset", which would drop the tables that
 * libvirt, docker or fail2ban add at run time and never save. */
struct nft_wants {
	struct mr_nft_want *v;
	size_t n;
};

static void nft_wants_free(void *data)
{
	struct nft_wants *w = data;
	for (size_t i = 0; i < w->n; i++) {
		free((char *)w->v[i].proto);
		free((char *)w->v[i].source);
	}
	free(w->v);
	free(w);
}

static char *nft_merge(const void *data, const char *old, size_t len, char **found)
{
	const struct nft_wants *w = data;
	return mr_nft_conf_merge(old, len, w->v, w->n, found);
}

/* A source as nft lists it: an address in its canonical text (IPv6
 * compressed, lower case), no /32 or /128. The rule migready records for a
 * rollback is found again in nft's listing by its text. */
static char *nft_source(const char *src)
{
	struct mr_cidr c;
	/* the profile's schema checked it */
	return mr_cidr_parse(src, &c) == MR_CIDR_OK ? mr_cidr_format(&c) : mr_xstrdup(src);
}

static struct nft_wants *nft_wants_of(const struct fw_rule *r, size_t n)
{
	struct nft_wants *w = mr_xcalloc(1, sizeof(*w));
	w->v = mr_xcalloc(n + 1, sizeof(*w->v));
	w->n = n;
	for (size_t i = 0; i < n; i++) {
		w->v[i].proto = mr_xstrdup(r[i].proto);
		/* the profile's schema checked the ports */
		mr_nft_parse_range(r[i].ports, ':', &w->v[i].lo, &w->v[i].hi);
		w->v[i].source = r[i].source ? nft_source(r[i].source) : NULL;
	}
	return w;
}

/* A name from the host that goes into nft's command line (which nft
 * parses as its own language): plain words only. */
static int nft_name_ok(const char *s, const char *extra)
{
	size_t n = 0;
	for (; s[n]; n++)
		if (!isalnum((unsigned char)s[n]) && s[n] != '_' && s[n] != '-' && !strchr(extra, s[n]))
			return 0;
	return n > 0 && n < 64;
}

/* The running input chain: "FAMILY TABLE CHAIN POLICY STOP" of the facts,
 * the one hooked on input or, of several, the one with policy drop. */
static int nft_running_chain(const struct mr_facts *facts, char w[5][64], char **why)
{
	const char **in = NULL;
	size_t n = mr_facts_get_all(facts, "fw.nft.input", &in), n_drop = 0;
	int pick = -1;
	for (size_t i = 0; i < n; i++) {
		char f[5][64];
		if (sscanf(in[i], "%63s %63s %63s %63s %63s", f[0], f[1], f[2], f[3], f[4]) != 5)
			continue;
		if (n == 1 || !strcmp(f[3], "drop")) {
			n_drop += !strcmp(f[3], "drop");
			pick = (int)i;
			memcpy(w, f, sizeof(f));
		}
	}
	free(in);
	if (n == 0)
		*why = mr_xstrdup("no filter chain is hooked on input");
	else if (pick < 0 || (n > 1 && n_drop != 1))
		*why = mr_xasprintf("%zu filter chains are hooked on input and %s has policy drop", n,
		                    n_drop ? "more than one" : "none");
	else if (!nft_name_ok(w[0], "") || !nft_name_ok(w[1], ".") || !nft_name_ok(w[2], ".") ||
	         (strcmp(w[4], "none") && strspn(w[4], "0123456789") != strlen(w[4])))
		*why = mr_xstrdup("the probe's digest of the ruleset is not one");
	else
		return 0;
	return -1;
}

/* A running input chain, as the verdict maps of its rules are weighed:
 * its "FAMILY TABLE CHAIN " (the first two words name its table), its
 * policy, and the facts. */
struct nft_chain_ref {
	const char *prefix;
	int policy_drop;
	const struct mr_facts *facts;
};

/* Whether the running chain "FAMILY TABLE NAME" of the input chain's
 * table (arg) holds a stop, or a goto to it (is_goto) from the input
 * chain stops, as it does under policy drop. The probe lists only the
 * chains a verdict map of an input chain goes to (the only ones asked
 * about); a chain it does not list holds none. */
static int nft_chain_drops(const char *chain, int is_goto, const void *arg)
{
	const struct nft_chain_ref *ref = arg;
	if (is_goto && ref->policy_drop)
		return 1;
	const char *table_end = strchr(ref->prefix, ' ');
	table_end = table_end ? strchr(table_end + 1, ' ') : NULL;
	if (!table_end)
		return 1;
	char *key = mr_xasprintf("%.*s %s", (int)(table_end - ref->prefix), ref->prefix, chain);
	const char **d = NULL;
	size_t n = mr_facts_get_all(ref->facts, "fw.nft.drops", &d);
	int drops = 0;
	for (size_t i = 0; i < n && !drops; i++)
		drops = !strcmp(d[i], key);
	free(d);
	free(key);
	return drops;
}

/* Whether a running rule (no verdict map) jumps or goes to a chain of the
 * input chain's table whose accepts (the facts' fw.nft.accepts, those
 * above any rule that may end it otherwise) take all of w: it stops none
 * of w's traffic then. */
static int nft_target_accepts(const struct nft_chain_ref *chain, const char *rule,
                              const struct mr_nft_want *w)
{
	const char *table_end = strchr(chain->prefix, ' ');
	table_end = table_end ? strchr(table_end + 1, ' ') : NULL;
	if (!table_end || strstr(rule, "vmap"))
		return 0;
	char *words = mr_xstrdup(rule), *target = NULL;
	for (char *save = NULL, *t = strtok_r(words, " ", &save); t && !target;
	     t = strtok_r(NULL, " ", &save))
		if (!strcmp(t, "jump") || !strcmp(t, "goto"))
			target = strtok_r(NULL, " ", &save);
	char *key = target ? mr_xasprintf("%.*s %s ", (int)(table_end - chain->prefix),
	                                  chain->prefix, target)
	                   : NULL;
	free(words);
	const char **acc = NULL;
	size_t n = key ? mr_facts_get_all(chain->facts, "fw.nft.accepts", &acc) : 0;
	int r = 0;
	for (size_t i = 0; i < n && !r; i++)
		r = !strncmp(acc[i], key, strlen(key)) && mr_nft_rule_covers(acc[i] + strlen(key), w);
	free(acc);
	free(key);
	return r;
}

/* Whether a running rule of the chain may stop some of w's traffic by its
 * verdict map. */
static int nft_vmap_stops(const struct nft_chain_ref *chain, const char *rule,
                          const struct mr_nft_want *w)
{
	return strstr(rule, "vmap") && mr_nft_vmap_may_stop(rule, w, nft_chain_drops, chain);
}

/* The handle (digits) of the chain's verdict-map rule, from the facts'
 * "FAMILY TABLE CHAIN HANDLE RULE" lines, into handle; "" if none. */
static void nft_vmap_handle(const char **vmaps, size_t n, const char *prefix, const char *rule,
                            char handle[16])
{
	size_t pl = strlen(prefix);
	handle[0] = '\0';
	for (size_t i = 0; i < n && !handle[0]; i++) {
		if (strncmp(vmaps[i], prefix, pl) != 0)
			continue;
		const char *h = vmaps[i] + pl;
		size_t hl = strspn(h, "0123456789");
		if (hl && hl < 16 && h[hl] == ' ' && !strcmp(h + hl + 1, rule))
			snprintf(handle, 16, "%.*s", (int)hl, h);
	}
}

/* The chain's rules from its first stop on (the facts' "PREFIX STOP
 * RULE", STOP 1 for a drop, a reject or a jump to one), in order, up to one
 * that may stop w's traffic (*blocker, else NULL; not a jump or goto to a
 * chain that accepts it first): the first accept that covers w, or NULL. */
static const char *nft_cover_after(const struct nft_chain_ref *chain, const char **after,
                                   size_t n_after, const struct mr_nft_want *w,
                                   const char **blocker)
{
	const char *prefix = chain->prefix;
	size_t pl = strlen(prefix);
	*blocker = NULL;
	for (size_t k = 0; k < n_after; k++) {
		const char *a = after[k];
		if (strncmp(a, prefix, pl) != 0 || (a[pl] != '0' && a[pl] != '1') || a[pl + 1] != ' ')
			continue;
		const char *rule = a + pl + 2;
		if ((a[pl] == '1' && mr_nft_rule_may_match(rule, w) &&
		     !nft_target_accepts(chain, rule, w)) ||
		    nft_vmap_stops(chain, rule, w)) {
			*blocker = rule;
			return NULL;
		}
		if (a[pl] == '0' && mr_nft_rule_covers(rule, w))
			return rule;
	}
	return NULL;
}

/* Every chain hooked on input sees the packet (an accept ends only its
 * own chain; a drop ends all): in one other than the chains the plan's
 * backend fills (mine: prefixes "FAMILY TABLE CHAIN " or "FAMILY TABLE ",
 * NULL-terminated), a wanted rule's traffic must meet an
 * accept that covers it before any drop that may match it, or the end of
 * the chain with policy accept. Else that rule fails, naming the chain:
 * migready edits one chain. after: the facts' "KEY STOP RULE" lines. */
static void check_nft_other_chains(struct mr_plan *plan, const char *const *mine,
                                   const char **rules,
                                   size_t n_rules, const char **after, size_t n_after,
                                   const struct fw_rule *r, const struct nft_wants *w)
{
	const struct mr_facts *facts = mr_plan_facts(plan);
	const char **in = NULL;
	size_t n = mr_facts_get_all(facts, "fw.nft.input", &in);
	for (size_t c = 0; c < n; c++) {
		char f[5][64];
		if (sscanf(in[c], "%63s %63s %63s %63s %63s", f[0], f[1], f[2], f[3], f[4]) != 5)
			continue;
		char *prefix = mr_xasprintf("%s %s %s ", f[0], f[1], f[2]);
		size_t pl = strlen(prefix);
		int policy_drop = !strcmp(f[3], "drop");
		const struct nft_chain_ref chain = { prefix, policy_drop, facts };
		/* no stop and policy accept: it lets all through, unless a
		 * verdict map (never its stop in the digest) may drop */
		int vmap = 0;
		for (size_t k = 0; k < n_rules && !vmap; k++)
			vmap = !strncmp(rules[k], prefix, pl) && strstr(rules[k] + pl, "vmap");
		int skip = !policy_drop && !strcmp(f[4], "none") && !vmap;
		for (size_t m = 0; mine[m] && !skip; m++)
			skip = !strncmp(prefix, mine[m], strlen(mine[m]));
		for (size_t i = 0; i < w->n && !skip; i++) {
			if (!mr_nft_family_sees(f[0], &w->v[i]))
				continue;
			int pass = 0;
			const char *blocker = NULL;
			for (size_t k = 0; k < n_rules && !pass && !blocker; k++) {
				if (strncmp(rules[k], prefix, pl) != 0)
					continue;
				if (nft_vmap_stops(&chain, rules[k] + pl, &w->v[i]))
					blocker = rules[k] + pl;
				else
					pass = mr_nft_rule_covers(rules[k] + pl, &w->v[i]);
			}
			if (!pass && !blocker)
				pass = nft_cover_after(&chain, after, n_after, &w->v[i], &blocker) != NULL;
			if (pass || (!blocker && !policy_drop))
				continue;
			char *where = mr_plan_origin_of(r[i].allow);
			char *text = mr_nft_rule_text(&w->v[i]);
			char *how = blocker ? mr_xasprintf("'%s'", blocker) : mr_xstrdup("policy drop");
			mr_plan_fail(plan, "firewall.running", where,
			             "the chain %s %s %s, also hooked on input, drops (%s) before it "
			             "accepts '%s': a packet must pass every input chain; accept it there too",
			             f[0], f[1], f[2], how, text);
			free(how);
			free(text);
			free(where);
		}
		free(prefix);
	}
	free(in);
}

static void plan_nft_running(struct mr_plan *plan, const struct fw_rule *r,
                             const struct nft_wants *w, const char *origin)
{
	const struct mr_facts *facts = mr_plan_facts(plan);
	const char *live = mr_facts_get(facts, "fw.nft.live");
	char c[5][64];
	char *why = NULL;
	if (!live || strcmp(live, "ok") != 0 || nft_running_chain(facts, c, &why) < 0) {
		mr_plan_fail(plan, "firewall.running", origin, "cannot read the running rules: %s",
		             !live ? "no nft on the host" : strcmp(live, "ok") ? "nft list ruleset failed"
		                                                               : why);
		free(why);
		return;
	}
	const char **rules = NULL;
	size_t n_rules = mr_facts_get_all(facts, "fw.nft.rule", &rules);
	char *prefix = mr_xasprintf("%s %s %s ", c[0], c[1], c[2]);
	const char **vmaps = NULL;
	size_t n_vmaps = mr_facts_get_all(facts, "fw.nft.vmap", &vmaps);
	const char **after = NULL;
	size_t n_after = mr_facts_get_all(facts, "fw.nft.after", &after);
	const struct nft_chain_ref chain = { prefix, !strcmp(c[3], "drop"), facts };
	for (size_t i = 0; i < w->n; i++) {
		/* a rule goes above the chain's stop, or a verdict map above it
		 * that may drop the traffic, where it is found the next time */
		const char *cover = NULL, *stop = strcmp(c[4], "none") ? c[4] : NULL;
		char vmap_handle[16] = "";
		size_t pl = strlen(prefix);
		for (size_t k = 0; k < n_rules && !cover; k++) {
			if (strncmp(rules[k], prefix, pl) != 0)
				continue;
			if (nft_vmap_stops(&chain, rules[k] + pl, &w->v[i])) {
				nft_vmap_handle(vmaps, n_vmaps, prefix, rules[k] + pl, vmap_handle);
				stop = vmap_handle;
				break;
			}
			if (mr_nft_rule_covers(rules[k] + pl, &w->v[i]))
				cover = rules[k] + pl;
		}
		/* past the chain's first stop, an accept still counts until a stop
		 * that may take this traffic ('ct state invalid drop' takes no new
		 * connection): a new one still goes above the first */
		const char *blocker = NULL;
		if (!cover && !vmap_handle[0])
			cover = nft_cover_after(&chain, after, n_after, &w->v[i], &blocker);
		if (stop && !*stop) {
			char *where = mr_plan_origin_of(r[i].allow);
			mr_plan_fail(plan, "firewall.running", where,
			             "cannot read the running rules: the probe's digest of nft list "
			             "ruleset is not one");
			free(where);
			continue;
		}
		char *text = mr_nft_rule_text(&w->v[i]);
		const char *argv[32] = { "nft", stop ? "insert" : "add", "rule", c[0], c[1], c[2] };
		size_t k = 6;
		if (stop) {
			argv[k++] = "handle";
			argv[k++] = stop;
		}
		char *words = mr_xstrdup(text);
		for (char *save = NULL, *t = strtok_r(words, " ", &save); t && k < 30;
		     t = strtok_r(NULL, " ", &save))
			argv[k++] = t;
		argv[k] = NULL;
		char *name = stop ? mr_xasprintf("nft insert rule %s %s %s handle %s %s", c[0], c[1],
		                                 c[2], stop, text)
		                  : mr_xasprintf("nft add rule %s %s %s %s", c[0], c[1], c[2], text);
		struct mr_plan_cmd *cmd = mr_plan_command(plan, name, argv);
		char *where = mr_plan_origin_of(r[i].allow);
		char *old = !cover ? NULL : !strcmp(cover, text) ? mr_xstrdup(text)
		                                              : mr_xasprintf("covered by '%s'", cover);
		mr_plan_observed(plan, cmd, "firewall.running", where, old, text, !cover, 0);
		free(old);
		free(where);
		free(name);
		free(words);
		free(text);
	}
	const char *const mine[] = { prefix, NULL };
	check_nft_other_chains(plan, mine, rules, n_rules, after, n_after, r, w);
	free(vmaps);
	free(after);
	free(prefix);
	free(rules);
}

/* Another backend's rules are not all that filters the peers: the running
 * nft input chains beside its own (mine, as check_nft_other_chains takes
 * them) must let r[0..n) through too. */
static void check_nft_beside(struct mr_plan *plan, const struct fw_rule *r, size_t n,
                             const char *const *mine, const char *backend)
{
	const struct mr_facts *facts = mr_plan_facts(plan);
	const char *live = facts && mr_facts_live(facts) ? mr_facts_get(facts, "fw.nft.live") : NULL;
	if (!n || !live)
		return; /* no nft on the host: no nft chains */
	if (strcmp(live, "ok") != 0) {
		mr_plan_uncheckedf(plan, "firewall.nft_chains",
		                   "the nftables input chains beside %s's (nft list ruleset "
		                   "failed on the host)",
		                   backend);
		return;
	}
	struct nft_wants *w = nft_wants_of(r, n);
	const char **rules = NULL, **after = NULL;
	size_t n_rules = mr_facts_get_all(facts, "fw.nft.rule", &rules);
	size_t n_after = mr_facts_get_all(facts, "fw.nft.after", &after);
	check_nft_other_chains(plan, mine, rules, n_rules, after, n_after, r, w);
	free(rules);
	free(after);
	nft_wants_free(w);
}

/* The nftables.conf the host's nftables.service loads at boot, which
 * apply edits and check reads (rules in the other one are gone at the
 * next boot): Debian's and Arch's unit loads /etc/nftables.conf, RHEL's
 * /etc/sysconfig/nftables.conf. The one the host has; with both, the one
 * of its family (os-release), which ships the unit (the probe does not
 * read the unit's ExecStart). NULL, with why, when that cannot be told. */
static const char *nft_conf_path(const struct mr_facts *f, const char **why)
{
	int deb = has_file(f, NFT_CONF), rhel = has_file(f, NFT_CONF_RHEL);
	int family = deb && rhel ? mr_facts_rhel_family(f) : rhel;
	*why = !deb && !rhel ? "no " NFT_CONF " nor " NFT_CONF_RHEL " on the host"
	                     : "both " NFT_CONF " and " NFT_CONF_RHEL " on the host, and its "
	                       "os-release names neither the Debian nor the RHEL family: which "
	                       "one nftables.service loads is not known";
	if (!deb && !rhel)
		return NULL;
	return family < 0 ? NULL : family ? NFT_CONF_RHEL : NFT_CONF;
}

static void plan_nftables(struct mr_plan *plan, const struct mr_profile *profile,
                          const char *origin)
{
	const struct mr_facts *facts = mr_plan_facts(plan);
	struct fw_rule *r = NULL;
	size_t n = wanted_rules(plan, profile, 1, 0, &r);
	if (!n)
		goto out;
	/* one set of wants: the running rules are compared before the plan
	 * takes them */
	struct nft_wants *w = nft_wants_of(r, n);
	const char *why = NULL;
	const char *conf = nft_conf_path(facts, &why);
	if (!conf)
		mr_plan_fail(plan, "firewall.allow", origin, "%s", why);
	if (facts && mr_facts_live(facts))
		plan_nft_running(plan, r, w, origin);
	if (conf) {
		struct mr_buf want;
		mr_buf_init(&want);
		for (size_t i = 0; i < n; i++) {
			char *t = mr_nft_rule_text(&w->v[i]);
			mr_buf_printf(&want, "%s%s", i ? "; " : "accept rules: ", t);
			free(t);
		}
		char *where = mr_plan_origin_of(r[0].allow);
		mr_plan_file_merged(plan, conf, nft_merge, w, nft_wants_free, "firewall.allow",
		                    where, want.data);
		free(where);
		mr_buf_fini(&want);
	} else {
		nft_wants_free(w);
	}
out:
	rules_free(r, n);
}

/* firewalld: the zone's permanent configuration, /etc/firewalld/zones/
 * ZONE.xml (started from /usr/lib/firewalld/zones/ZONE.xml, which firewalld
 * reads until /etc has its own), edited by firewalld_conf. Where firewalld
 * runs, the running zone (the facts' digest of firewall-cmd
 * --list-all-zones) is compared too, and what it lacks added to it at run
 * time: no reload, which would drop the rules added at run time only.
 * ZONE: the profile's, else the host's DefaultZone, else public. */
#define FWD_ZONES "/etc/firewalld/zones/"
#define FWD_ZONES_LIB "/usr/lib/firewalld/zones/"

static char *fwd_merge(const void *data, const char *old, size_t len, char **found)
{
	const struct nft_wants *w = data;
	return mr_fwd_zone_merge(old, len, w->v, w->n, found);
}

/* A deny rule of the zone file that may take part of a wanted rule: not
 * judged (which peers it refuses is not known), said so. */
static char *fwd_doubts(const void *data, const char *text, size_t len)
{
	const struct nft_wants *w = data;
	return mr_fwd_zone_doubts(text, len, w->v, w->n);
}

/* Which zone a connection reaches: a zone bound to a source holding its
 * address, else the zone of its interface, else the default zone. A zone
 * other than the one edited that binds a source overlapping a wanted
 * rule's takes those connections: a failure. One that binds interfaces,
 * where the zone is the host's default rather than the profile's choice,
 * may take them (which interface the peers come through is not known):
 * not checked. The zone edited, neither bound nor the default, takes
 * none. A source that is no address (an ipset, a MAC address) may hold
 * the peers': not checked. running: the bindings are the running
 * firewalld's; else its zone files' (the probe's, where it does not run),
 * which lack the interfaces NetworkManager or ifcfg's ZONE= bind: what
 * they decide is not checked. */
static void check_firewalld_bindings(struct mr_plan *plan, const char *zone, int chosen,
                                     const struct fw_rule *r, size_t n, const char *origin,
                                     int running)
{
	static const char elsewhere[] = "interfaces bound outside the zone files (NetworkManager, "
	                                "ifcfg ZONE=), read from the running firewalld only";
	const struct mr_facts *facts = mr_plan_facts(plan);
	const char *item = running ? "firewall.running" : "firewall.zone";
	const char **binds = NULL;
	size_t n_binds = mr_facts_get_all(facts, "fw.firewalld.bind", &binds), zlen = strlen(zone);
	int ours = 0, ours_iface = 0;
	struct mr_buf ours_src;
	mr_buf_init(&ours_src);
	if (!running) {
		mr_plan_unchecked_each(plan, "fw.firewalld.unread", "firewall.zone",
		                       "the bindings of ", ", which cannot be read");
		if (!chosen)
			mr_plan_unchecked(plan, "firewall.zone", elsewhere);
	}
	for (size_t b = 0; b < n_binds; b++) {
		const char *sp = strchr(binds[b], ' ');
		if (!sp)
			continue;
		if ((size_t)(sp - binds[b]) == zlen && !strncmp(binds[b], zone, zlen)) {
			ours = 1;
			if (!strncmp(sp + 1, "interfaces:", 11))
				ours_iface = 1;
			else if (!strncmp(sp + 1, "sources:", 8))
				mr_buf_printf(&ours_src, "%s ", sp + 1 + 8 + strspn(sp + 1 + 8, " "));
			continue;
		}
		/* a zone whose target is ACCEPT accepts the connections it takes */
		char *target = mr_xasprintf("%.*s ACCEPT", (int)(sp - binds[b]), binds[b]);
		int accepts = mr_facts_has(facts, "fw.firewalld.target", target);
		free(target);
		if (accepts)
			continue;
		char *what = mr_xasprintf("firewalld zone %.*s (%s)", (int)(sp - binds[b]), binds[b],
		                          sp + 1);
		if (!strncmp(sp + 1, "interfaces:", 11)) {
			if (!chosen)
				mr_plan_unchecked(plan, "firewall.zone", what);
			free(what);
			continue;
		}
		/* sources: each against each wanted rule's */
		for (const char *p = sp + 1 + strlen("sources:"); *p;) {
			p += strspn(p, " ");
			size_t len = strcspn(p, " ");
			char *src = mr_xstrndup(p, len);
			int reads = mr_nft_prefix_holds(src, src);
			for (size_t i = 0; i < n && len; i++) {
				const char *want = r[i].source;
				if (want && reads && !mr_nft_prefix_holds(src, want) &&
				    !mr_nft_prefix_holds(want, src))
					continue;
				if (want && !reads) {
					mr_plan_uncheckedf(plan, "firewall.zone",
					                   "%s: whether source %s (no address) holds %s",
					                   what, src, want);
					break;
				}
				char *where = mr_plan_origin_of(r[i].allow);
				mr_plan_fail(plan, item, where,
				             "%s binds source %s: connections from %s reach that zone, not %s, "
				             "and its rules",
				             what, src, want ? want : "anywhere", zone);
				free(where);
				break;
			}
			free(src);
			p += len;
		}
		free(what);
	}
	free(binds);
	const char *deflt = mr_facts_get(facts, "fw.firewalld.zone");
	/* bound by sources alone, and not the default zone: a wanted source
	 * none of them holds reaches another zone */
	int is_default = deflt && !strcmp(deflt, zone);
	while (ours_src.len && ours_src.data[ours_src.len - 1] == ' ')
		ours_src.data[--ours_src.len] = '\0';
	for (size_t i = 0; ours && !ours_iface && !is_default && i < n; i++) {
		int held = 0, unknown = 0;
		for (const char *p = ours_src.data; p && *p && !held;) {
			p += strspn(p, " ");
			size_t len = strcspn(p, " ");
			char *src = mr_xstrndup(p, len);
			held = len && r[i].source && mr_nft_prefix_holds(src, r[i].source);
			unknown |= len && !mr_nft_prefix_holds(src, src);
			free(src);
			p += len;
		}
		if (held)
			continue;
		const char *from = r[i].source ? r[i].source : "anywhere";
		if (unknown || !running) {
			mr_plan_uncheckedf(plan, "firewall.zone",
			                   "firewalld zone %s, bound to the sources %s only: whether "
			                   "connections from %s reach it (%s)",
			                   zone, ours_src.data, from,
			                   unknown ? "a source is no address" : elsewhere);
			break;
		}
		char *where = mr_plan_origin_of(r[i].allow);
		mr_plan_fail(plan, item, where,
		             "firewalld zone %s binds the sources %s only, and no interface: "
		             "connections from %s reach another zone, not its rules",
		             zone, ours_src.data, from);
		free(where);
		break;
	}
	mr_buf_fini(&ours_src);
	if (ours || !deflt || !*deflt || !strcmp(deflt, zone))
		return;
	if (running) {
		mr_plan_fail(plan, item, origin,
		             "firewalld zone %s binds no interface nor source and is not the default "
		             "zone (%s): its rules reach no connection",
		             zone, deflt);
	} else {
		mr_plan_uncheckedf(plan, "firewall.zone",
		                   "firewalld zone %s, bound to nothing in its zone file and not "
		                   "the default zone (%s): whether connections reach it (%s)",
		                   zone, deflt, elsewhere);
	}
}

/* The running zone: one item, settled by one firewall-cmd that adds what
 * it lacks at run time (mr_fwd_add_argv); returns that command, NULL when
 * nothing is missing or the zone cannot be read. */
static struct mr_plan_cmd *plan_firewalld_running(struct mr_plan *plan, const char *zone,
                                                  const struct nft_wants *w,
                                                  const char *origin)
{
	const struct mr_facts *facts = mr_plan_facts(plan);
	const char *live = mr_facts_get(facts, "fw.firewalld.live");
	if (!live || strcmp(live, "ok") != 0) {
		mr_plan_fail(plan, "firewall.running", origin, "cannot read the running zone: %s",
		             !live ? "firewall-cmd does not answer on the host"
		                   : "firewall-cmd --list-all-zones failed on the host");
		return NULL;
	}
	const char **have = NULL;
	size_t n_have = mr_facts_get_all(facts, "fw.firewalld.accept", &have);
	size_t zlen = strlen(zone);
	struct mr_buf missing;
	mr_buf_init(&missing);
	struct mr_nft_want *add = mr_xcalloc(w->n + 1, sizeof(*add)); /* borrowed from w */
	size_t n_add = 0;
	/* the zone's own target ACCEPT takes all that no deny rule stops */
	char *target = mr_xasprintf("%s ACCEPT", zone);
	int accepts = mr_facts_has(facts, "fw.firewalld.target", target);
	free(target);
	for (size_t i = 0; i < w->n && !accepts; i++) {
		int found = 0;
		for (size_t k = 0; k < n_have && !found; k++)
			found = !strncmp(have[k], zone, zlen) && have[k][zlen] == ' ' &&
			        mr_fwd_running_covers(have[k] + zlen + 1, &w->v[i]);
		if (!found) {
			add[n_add++] = w->v[i];
			char *t = mr_fwd_running_text(&w->v[i]);
			mr_buf_printf(&missing, "%s%s", missing.len ? "; " : "missing in the running zone: ",
			              t);
			free(t);
		}
	}
	/* a reject or drop rich rule of the zone goes before its accepts */
	for (size_t k = 0; k < n_have; k++) {
		if (strncmp(have[k], zone, zlen) != 0 || have[k][zlen] != ' ')
			continue;
		const char *rule = have[k] + zlen + 1;
		int denies = 0;
		for (size_t i = 0; i < w->n && denies != 1; i++) {
			int d = mr_fwd_running_denies(rule, &w->v[i]);
			if (d)
				denies = d;
		}
		if (denies == 1)
			mr_plan_fail(plan, "firewall.running", origin,
			             "zone %s has '%s': firewalld applies it before the zone's accepts, "
			             "so the peers are refused whatever they allow",
			             zone, rule);
		else if (denies) {
			mr_plan_uncheckedf(plan, "firewall.deny_rule", "zone %s: %s", zone, rule);
		}
	}
	free(have);
	struct mr_plan_cmd *cmd = NULL;
	char **argv = mr_fwd_add_argv(zone, add, n_add);
	if (argv) {
		char *name = mr_argv_display((const char *const *)argv);
		cmd = mr_plan_command(plan, name, (const char *const *)argv);
		free(name);
		mr_strv_free(argv);
	}
	free(add);
	char *old = accepts ? mr_xasprintf("covered by the running zone %s's target ACCEPT (live "
	                                   "ruleset)",
	                                   zone)
	                    : NULL;
	mr_plan_observed(plan, cmd, "firewall.running", origin,
	                 missing.len ? missing.data : old ? old : "the rules loaded",
	                 "the rules loaded", missing.len > 0, 0);
	free(old);
	mr_buf_fini(&missing);
	return cmd;
}

static void plan_firewalld(struct mr_plan *plan, const struct mr_profile *profile,
                           const char *origin)
{
	const struct mr_facts *facts = mr_plan_facts(plan);
	const struct mr_setting *z = mr_profile_get(profile, "firewall", "zone");
	const char *zone = z && *z->value ? z->value
	                   : facts        ? mr_facts_get(facts, "fw.firewalld.zone")
	                                  : NULL;
	if (!zone || !*zone)
		zone = "public";
	if (!mr_fwd_zone_name_ok(zone)) {
		mr_plan_fail(plan, "firewall.zone", origin,
		             "the host's DefaultZone '%s' (/etc/firewalld/firewalld.conf) is not a "
		             "zone name; set zone",
		             zone);
		return;
	}
	struct fw_rule *r = NULL;
	size_t n = wanted_rules(plan, profile, 1, 0, &r);
	if (!n)
		goto out;
	struct nft_wants *w = nft_wants_of(r, n);
	struct mr_buf want;
	mr_buf_init(&want);
	mr_buf_printf(&want, "in zone %s: ", zone);
	for (size_t i = 0; i < n; i++) {
		char *t = mr_fwd_xml_text(&w->v[i]);
		mr_buf_printf(&want, "%s%s", i ? "; " : "", t);
		free(t);
	}
	/* the running zone is compared before the plan takes w (it frees w if
	 * it has the zone file already) */
	int live = facts && mr_facts_live(facts);
	struct mr_unit_state u = live ? mr_facts_unit(facts, "firewalld.service")
	                              : (struct mr_unit_state){ -1, NULL, NULL };
	struct mr_plan_cmd *add = NULL;
	int running = 0;
	if (live && (u.present < 0 || (u.present > 0 && !u.active))) {
		mr_plan_fail(plan, "firewall.running", origin,
		             "cannot tell whether firewalld runs: systemd does not answer on the host");
	} else if (live && u.active && !strcmp(u.active, "active")) {
		running = 1;
		const char *fl = mr_facts_get(facts, "fw.firewalld.live");
		int read = fl && !strcmp(fl, "ok");
		if (read && mr_facts_get(facts, "fw.firewalld.running_zone") &&
		    !mr_facts_has(facts, "fw.firewalld.running_zone", zone)) {
			/* a zone made since firewalld started (firewall-cmd
			 * --permanent --new-zone, or the file apply writes): only
			 * a reload loads it, and its bindings */
			static const char *const argv[] = { "firewall-cmd", "--reload", NULL };
			add = mr_plan_command(plan, "firewall-cmd --reload", argv);
			char *obs = mr_xasprintf("zone %s not loaded by the running firewalld: apply "
			                         "reloads it, which drops the rules added at run time "
			                         "only",
			                         zone);
			mr_plan_observed(plan, add, "firewall.running", origin, obs, "the rules loaded",
			                 1, 0);
			free(obs);
			mr_plan_uncheckedf(plan, "firewall.zone",
			                   "what zone %s binds, read once firewalld loads it",
			                   zone);
		} else {
			add = plan_firewalld_running(plan, zone, w, origin);
			if (read)
				check_firewalld_bindings(plan, zone, z && *z->value, r, n, origin, 1);
		}
	} else if (facts) {
		/* not running: the zone files' bindings, which it will load */
		check_firewalld_bindings(plan, zone, z && *z->value, r, n, origin, 0);
	}
	char *path = mr_xasprintf(FWD_ZONES "%s.xml", zone);
	char *lib = mr_xasprintf(FWD_ZONES_LIB "%s.xml", zone);
	char *where = mr_plan_origin_of(r[0].allow);
	struct mr_plan_file *f = mr_plan_file_merged(plan, path, fwd_merge, w, nft_wants_free,
	                                             "firewall.allow", where, want.data);
	mr_plan_file_fallback(f, lib);
	/* the run-time add waits for the zone file it matches to verify */
	if (add)
		mr_plan_notify_command(f, add);
	/* where firewalld runs, its running zone's deny rules are weighed
	 * instead (plan_firewalld_running) */
	if (!running)
		mr_plan_file_doubts(f, fwd_merge, fwd_doubts, "firewall.deny_rule");
	free(where);
	free(lib);
	free(path);
	mr_buf_fini(&want);
	/* on its iptables backend (FirewallBackend=iptables) firewalld fills
	 * iptables' own chains, which iptables-nft keeps as nft tables */
	static const char *const fwd_chains[] = { "inet firewalld ", NULL };
	static const char *const fwd_ipt_chains[] = { "inet firewalld ", "ip filter INPUT ",
		                                          "ip6 filter INPUT ", NULL };
	const char *fb = facts ? mr_facts_get(facts, "fw.firewalld.backend") : NULL;
	check_nft_beside(plan, r, n, fb && !strcasecmp(fb, "iptables") ? fwd_ipt_chains : fwd_chains,
	                 "firewalld");
out:
	rules_free(r, n);
}

/* The ports of the tcp allow lines cover first..last. */
static int covered(const struct mr_setting *const *allow, size_t n, long first, long last)
{
	for (long port = first; port <= last;) {
		long reach = -1;
		for (size_t i = 0; i < n; i++) {
			const char *a = allow[i]->value;
			long lo, hi;
			size_t k = mr_nft_parse_range(a, '-', &lo, &hi);
			if (!k || strcmp(a + k, "/tcp") != 0)
				continue;
			if (lo <= port && hi >= port && hi > reach)
				reach = hi;
		}
		if (reach < 0)
			return 0;
		port = reach + 1;
	}
	return 1;
}

static int tunnelled(const struct mr_profile *profile)
{
	size_t n = 0;
	const struct mr_setting *const *flags =
		mr_profile_get_all(profile, "nova", "live_migration_flag", &n);
	for (size_t i = 0; i < n; i++)
		if (strstr(flags[i]->value, "VIR_MIGRATE_TUNNELLED"))
			return 1;
	return 0;
}

/* libvirt's listeners (mr_res_listeners) the profile turns on
 * (listen_tcp, listen_tls; a port set alone counts, as lint reads it):
 * what makes this host a migration's destination, whose ports allow must
 * open. */
static const struct mr_setting *listener_wanted(const struct mr_profile *profile, size_t i)
{
	const struct mr_res_listener *l = &mr_res_listeners[i];
	const struct mr_setting *on = mr_profile_get(profile, "libvirtd", l->on);
	const struct mr_setting *port = mr_profile_get(profile, "libvirtd", l->port);
	/* a listener turned off needs no port, whatever its port says */
	if ((on && !mr_setting_bool(on)) || (!on && !port))
		return NULL;
	return on ? on : port;
}

/* allow's values, for a message: "16509/tcp, 49152-49261/tcp" */
static char *allow_text(const struct mr_setting *const *allow, size_t n)
{
	struct mr_buf b;
	mr_buf_init(&b);
	for (size_t i = 0; i < n; i++)
		mr_buf_printf(&b, "%s%s", i ? ", " : "", allow[i]->value);
	char *t = mr_xstrdup(b.data ? b.data : "");
	mr_buf_fini(&b);
	return t;
}

/* The ports libvirt's listeners take on this host once applied (the
 * host's own where the profile does not set them: its libvirtd.conf, its
 * socket units) must be among allow's, or the peers' connections stop at
 * the firewall: failed, naming what sets the port; not known, not
 * checked. Returns whether the profile turns a listener on. */
static int check_listener_ports(struct mr_plan *plan, const struct mr_profile *profile,
                                const struct mr_setting *const *allow, size_t n)
{
	int any = 0;
	for (size_t i = 0; i < MR_ARRAY_LEN(mr_res_listeners); i++) {
		const struct mr_setting *on = listener_wanted(profile, i);
		if (!on)
			continue;
		any = 1;
		const char *item = mr_res_listeners[i].tls ? "firewall.listener_tls_port"
		                                           : "firewall.listener_port";
		struct mr_res_listen_ports lp;
		if (mr_res_listen_ports(plan, profile, mr_res_listeners[i].tls, &lp) < 0)
			mr_plan_unchecked(plan, item, lp.unknown);
		char *origin = mr_plan_origin_of(allow[0]);
		for (size_t k = 0; k < lp.n; k++) {
			if (covered(allow, n, lp.port[k], lp.port[k]))
				continue;
			char *opens = allow_text(allow, n);
			mr_plan_fail(plan, item, origin,
			             "libvirt listens on %ld/tcp here (%s), but allow opens %s only: "
			             "the peers cannot connect; add %ld/tcp to allow, or set [libvirtd] "
			             "%s",
			             lp.port[k], lp.from[k], opens, lp.port[k], mr_res_listeners[i].port);
			free(opens);
		}
		free(origin);
		mr_res_listen_ports_fini(&lp);
	}
	return any;
}

/* The migration ports QEMU takes on this host, wherever they are set,
 * that allow leaves closed (tunnelled migrations need only the listener).
 * Where the profile makes the host a migration's destination (a listener
 * on), allow is what opens its ports to the peers: failed. Elsewhere
 * ([firewall] for another service), whether the firewall lets them
 * through is not examined, so that is said rather than a green firewall. */
static void check_migration_ports(struct mr_plan *plan, const struct mr_profile *profile)
{
	size_t n = 0;
	const struct mr_setting *const *allow = mr_profile_get_all(profile, "firewall", "allow", &n);
	if (!n)
		return;
	int destination = mr_plan_facts(plan) && check_listener_ports(plan, profile, allow, n);
	if (tunnelled(profile))
		return;
	char *from_lo, *from_hi, *where = NULL;
	const struct mr_facts *facts = mr_plan_facts(plan);
	long lo = mr_res_qemu_port(profile, facts, "migration_port_min", &from_lo);
	long hi = mr_res_qemu_port(profile, facts, "migration_port_max", &from_hi);
	int defaults = !strncmp(from_lo, "libvirt's", 9) && !strncmp(from_hi, "libvirt's", 9);
	char *origin = mr_plan_origin_of(allow[0]);
	if (!lo || !hi) {
		where = mr_xasprintf("QEMU's migration ports, which %s, against allow at %s",
		                     !lo ? from_lo : from_hi, origin);
	} else if (lo <= hi && !covered(allow, n, lo, hi)) {
		char range[MR_NFT_PORTS_SIZE];
		mr_nft_ports_text(range, lo, hi, '-');
		char *opens = destination ? allow_text(allow, n) : NULL;
		if (destination)
			mr_plan_fail(plan, "firewall.migration_ports", origin,
			             "QEMU takes migration ports %s/tcp here (%s%s%s), but allow opens "
			             "%s only: the peers' migration streams cannot connect; open the "
			             "range in allow, or set [qemu] migration_port_min and _max",
			             range, defaults ? "libvirt's default" : from_lo,
			             defaults ? "" : "; ", defaults ? "" : from_hi, opens);
		else
			where = mr_xasprintf("QEMU's migration ports %s/tcp (%s%s%s), not all opened "
			                     "by allow at %s",
			                     range, defaults ? "libvirt's default" : from_lo,
			                     defaults ? "" : "; ", defaults ? "" : from_hi, origin);
		free(opens);
	}
	free(origin);
	if (where)
		mr_plan_unchecked(plan, "firewall.migration_ports", where);
	free(where);
	free(from_lo);
	free(from_hi);
}

/* Whether the facts tell which firewalls the host switches on: in a tree
 * its enablement links do; on a live host only a systemd that answers.
 * If not, that is said (not examined). */
static int switched_on_known(struct mr_plan *plan)
{
	const struct mr_facts *f = mr_plan_facts(plan);
	const char *init = mr_facts_get(f, "init");
	if (!mr_facts_live(f) || (init && !strcmp(init, "systemd")))
		return 1;
	mr_plan_unchecked(plan, "firewall.backend_on", "the firewalls the host switches on");
	return 0;
}

/* The profile's backend, where the host switches on another firewall:
 * instead of this one, its rules are not what filters the peers; beside
 * it, the other's rules filter them too, and are not examined. */
static void check_backend_on(struct mr_plan *plan, enum backend which, const char *origin)
{
	const struct mr_facts *f = mr_plan_facts(plan);
	if (!switched_on_known(plan))
		return;
	int on[5];
	switched_on(f, on);
	struct mr_buf names;
	mr_buf_init(&names);
	names_on(on, which, &names);
	if (names.len && on[which])
		mr_plan_fail(plan, "firewall.backend", origin,
		             "backend = %s, but this host also switches on %s, whose rules filter the "
		             "peers too and are not examined",
		             backend_names[which], names.data);
	else if (names.len)
		mr_plan_fail(plan, "firewall.backend", origin,
		             "backend = %s, but this host switches on %s, not %s: the rules written "
		             "are not what filters the peers",
		             backend_names[which], names.data, backend_names[which]);
	else
		mr_plan_passed(plan, "firewall.backend", origin, backend_names[which],
		               on[which] ? "switched on, and no other firewall is"
		                         : "no other firewall is switched on");
	mr_buf_fini(&names);
}

static int firewall_plan(struct mr_plan *plan, const struct mr_res_ctx *ctx,
                         struct mr_error **err)
{
	(void)err;
	const struct mr_profile *profile = ctx->profile;
	if (!mr_profile_has_section(profile, "firewall"))
		return 0;
	const struct mr_setting *b = mr_profile_get(profile, "firewall", "backend");
	const struct mr_setting *a = mr_profile_get(profile, "firewall", "allow");
	if (!a || !*a->value)
		return 0;
	char *origin = mr_plan_origin_of(b ? b : a);
	enum backend which = B_NONE;
	for (int i = B_IPTABLES; b && i <= B_NFTABLES; i++)
		if (!strcmp(b->value, backend_names[i]))
			which = (enum backend)i;
	if (which != B_NONE && mr_plan_facts(plan))
		check_backend_on(plan, which, origin);
	if (which == B_NONE) {
		char *why = NULL;
		int several;
		which = detect(mr_plan_facts(plan), &why, &several);
		if (which != B_NONE && switched_on_known(plan))
			mr_plan_passed(plan, "firewall.backend", origin, backend_names[which],
			               "the one firewall this host switches on");
		/* several: each filters the peers, so setting one is no answer */
		if (which == B_NONE)
			mr_plan_fail(plan, "firewall.backend", origin,
			             "cannot tell which firewall this host uses (%s); %s", why,
			             several ? "leave one on: each one's rules filter the peers"
			                     : "set backend");
		free(why);
	}
	switch (which) {
	case B_IPTABLES:
		plan_iptables(plan, profile, origin);
		break;
	case B_UFW:
		plan_ufw(plan, profile, origin);
		break;
	case B_NFTABLES:
		plan_nftables(plan, profile, origin);
		break;
	case B_FIREWALLD:
		plan_firewalld(plan, profile, origin);
		break;
	case B_NONE:
		break;
	}
	check_migration_ports(plan, profile);
	free(origin);
	return 0;
}

static void warn_uncovered(const struct mr_setting *allow, const char *what, long first,
                           long last, const struct mr_setting *why)
{
	char range[MR_NFT_PORTS_SIZE];
	mr_nft_ports_text(range, first, last, '-');
	if (why)
		mr_log(MR_LOG_WARN, "%s:%u: firewall.allow does not open %s %s/tcp (%s:%u)",
		       allow->loc.file, allow->loc.line, what, range, why->loc.file, why->loc.line);
	else
		mr_log(MR_LOG_WARN, "%s:%u: firewall.allow does not open %s %s/tcp", allow->loc.file,
		       allow->loc.line, what, range);
}

/* allow must open the listener's port and QEMU's migration ports (libvirt's
 * default range stops at 49215, where many guides open up to 49261);
 * tunnelled migrations need only the listener. */
static void firewall_lint(const struct mr_profile *profile)
{
	size_t n = 0;
	const struct mr_setting *const *allow = mr_profile_get_all(profile, "firewall", "allow", &n);
	if (!n || !*allow[0]->value)
		return;
	for (size_t i = 0; i < MR_ARRAY_LEN(mr_res_listeners); i++) {
		const struct mr_setting *on = listener_wanted(profile, i);
		const struct mr_res_listener *l = &mr_res_listeners[i];
		const struct mr_setting *port = mr_profile_get(profile, "libvirtd", l->port);
		long p = port ? mr_setting_long(port) : strtol(l->deflt, NULL, 10);
		if (on && !covered(allow, n, p, p))
			warn_uncovered(allow[0], l->what, p, p, port ? port : on);
	}
	const struct mr_setting *lo = mr_profile_get(profile, "qemu", "migration_port_min");
	const struct mr_setting *hi = mr_profile_get(profile, "qemu", "migration_port_max");
	if ((lo || hi) && !tunnelled(profile)) {
		long first = lo ? mr_setting_long(lo) : 49152, last = hi ? mr_setting_long(hi) : 49215;
		if (first <= last && !covered(allow, n, first, last))
			warn_uncovered(allow[0], "QEMU's migration ports", first, last, hi ? hi : lo);
	}
}

const struct mr_res_ops mr_res_firewall = {
	.name = "firewall",
	.plan = firewall_plan,
	.keys = firewall_keys,
	.n_keys = MR_ARRAY_LEN(firewall_keys),
	.lint = firewall_lint,
};
