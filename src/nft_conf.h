/* nftables for [firewall]: the accept rules migready wants in the input
 * chain of /etc/nftables.conf, and a reader of nft's rules (the file's, and
 * the running ones of `nft -a list ruleset` that the facts digest). There
 * is no Augeas lens for nft's language: this is a careful line editor. It
 * understands tables, chains, their statements, strings and comments, and
 * refuses (naming the line) what it cannot see through: an include, rules
 * added outside their chain's block, an unbalanced brace, several input
 * chains with none to prefer. Every line it does not add stays byte for
 * byte. */
#ifndef MR_NFT_CONF_H
#define MR_NFT_CONF_H

#include <stddef.h>

/* One rule to have: proto ("tcp"), ports lo..hi, from source (a CIDR or
 * an address, IPv4 or IPv6; NULL: anywhere). */
struct mr_nft_want {
	const char *proto;
	long lo, hi;
	const char *source;
};

/* Ports lo..hi as nft, firewalld and iptables write them: "16509", or
 * "49152-49261" with sep '-' (iptables: ':'). out holds at least
 * MR_NFT_PORTS_SIZE bytes; returns out. */
#define MR_NFT_PORTS_SIZE 24
char *mr_nft_ports_text(char *out, long lo, long hi, char sep);

/* The port "16509" or range "49152<sep>49261" at the start of s (lo <= hi
 * <= 65535) into lo..hi: its length, 0 if there is none. What follows it
 * (s[length]) is the caller's to check. */
size_t mr_nft_parse_range(const char *s, char sep, long *lo, long *hi);

/* The rule as nft writes it: "ip saddr 10.20.0.0/24 tcp dport 16509
 * accept". The caller's. */
char *mr_nft_rule_text(const struct mr_nft_want *w);

/* Whether rule (one rule's text, as in the file or nft's listing, without
 * its "# handle N") accepts everything w asks for: a plain accept of the
 * protocol whose ports (a port, a range or an anonymous set) hold w's, or
 * of any protocol and port (no port condition), and whose source (none,
 * an address, a prefix or a set of them) holds w's; or a verdict map
 * ("tcp dport vmap { 16509 : accept }", or "vmap @NAME { ... }" with a
 * named map's elements put after it) with an element accepting that
 * covers w so, and none that may send some of it elsewhere.
 * Conditions it does not know (an interface, a named set, a variable)
 * make it no cover. */
int mr_nft_rule_covers(const char *rule, const struct mr_nft_want *w);

/* Whether rule (as above) may match some of the traffic w asks for: 0 only
 * when one of its conditions is disjoint from it (another protocol, ports
 * or source, the other IP family, a ct state without new); a condition it
 * does not know (an interface, a named set) may match. */
int mr_nft_rule_may_match(const char *rule, const struct mr_nft_want *w);

/* Whether rule's verdict map ("ct state vmap { invalid : drop }") may send
 * some of w's traffic (NULL: any new connection) to a stop: an element that may match it
 * (the rule's conditions and the element's key, as mr_nft_rule_may_match
 * weighs them) whose verdict is drop, reject, or a jump or goto to a chain
 * that drops(chain, is_goto, arg) says stops (drops NULL: any does; a goto
 * from an input chain with policy drop does whatever the chain). A named
 * map may, unless its elements follow it ("vmap @NAME { ... }"); a rule
 * without a verdict map does not. */
int mr_nft_vmap_may_stop(const char *rule, const struct mr_nft_want *w,
                         int (*drops)(const char *chain, int is_goto, const void *arg),
                         const void *arg);

/* Whether a chain of family (ip, ip6, inet...) hooked on input sees some
 * of w's traffic: ip and ip6 that of their IP family, inet both. */
int mr_nft_family_sees(const char *family, const struct mr_nft_want *w);

/* Whether prefix (a CIDR or an address) holds source (likewise), both of
 * one family. */
int mr_nft_prefix_holds(const char *prefix, const char *source);

/* text (len bytes) with an accept rule for each of want[0..n) that no rule
 * above the input chain's first stop (a drop or reject, or a jump to a
 * chain holding one) already covers, inserted right above that stop with
 * its indentation (no stop: at the chain's end). The input chain is the
 * filter chain hooked on input; of several, the one with policy drop.
 * Returns the text (the caller's; a copy when nothing is missing) and sets
 * *found to what is missing, or when nothing is, to the rules that cover
 * ("covered by 'RULE' (line 7)", "; " apart), or NULL. Refuses: NULL,
 * *found the reason after the line it blames ("12: include: ..."). */
char *mr_nft_conf_merge(const char *text, size_t len, const struct mr_nft_want *want, size_t n,
                        char **found);

#endif
