/* firewalld for [firewall]: the ports migready wants open in a zone's
 * permanent configuration (/etc/firewalld/zones/ZONE.xml), and a reader of
 * the running zone as firewall-cmd lists it. Not a general XML parser: a
 * careful tokenizer of elements, attributes, comments and processing
 * instructions that refuses (naming the line) what it cannot see through:
 * no <zone>, a second one, an unbalanced or unterminated tag, a DOCTYPE.
 * Every byte it does not add stays as it was: comments, order, CRLF.
 *
 * A need is a struct mr_nft_want (nft_conf.h): protocol, ports lo..hi and
 * a source network or NULL. Without a source it is a <port/>; with one a
 * rich rule accepting that network. What covers it: a <port/> whose range
 * holds its ports, or a rich rule with nothing but a source network
 * holding its own (or none, of its family or any), a port range holding
 * its ports (or no port: all the source's traffic) and an accept; or
 * the zone's own target="ACCEPT", which accepts all it takes that no
 * deny rule stops. Services are not looked into. */
#ifndef MR_FIREWALLD_CONF_H
#define MR_FIREWALLD_CONF_H

#include <stddef.h>

#include "nft_conf.h"

/* Whether name is a firewalld zone name migready puts in a path:
 * letters, digits, '_' and '-', at most 17 (firewalld's own limit). */
int mr_fwd_zone_name_ok(const char *name);

/* The need as the zone file spells it: <port protocol="tcp" port="16509"/>
 * or <rule family="ipv4"><source address="NET"/><port .../><accept/></rule>.
 * The caller's. */
char *mr_fwd_xml_text(const struct mr_nft_want *w);

/* The need as firewall-cmd lists it: "16509/tcp" (--list-ports) or
 * 'rule family="ipv4" source address="NET" port port="16509"
 * protocol="tcp" accept' (--list-rich-rules). The caller's. */
char *mr_fwd_running_text(const struct mr_nft_want *w);

/* The firewall-cmd argv that adds want[0..n) to the running zone only,
 * not its permanent configuration, with no reload (which would drop what
 * was added at run time): "firewall-cmd --zone=ZONE" then per need
 * "--add-port=16509/tcp", or "--add-rich-rule=RULE" (mr_fwd_running_text)
 * for one with a source. firewall-cmd takes no port beside a rich rule in
 * one call; the needs of a profile are all of one kind (its source is
 * every allow's). One already running is a warning (ALREADY_ENABLED),
 * exit 0. NULL when n is 0; else the caller's (mr_strv_free). */
char **mr_fwd_add_argv(const char *zone, const struct mr_nft_want *want, size_t n);

/* Whether one entry of firewall-cmd's listing (a "PORTS/PROTO" of
 * --list-ports, or a rule of --list-rich-rules) covers w. */
int mr_fwd_running_covers(const char *entry, const struct mr_nft_want *w);

/* Whether a rich rule of firewall-cmd's listing that rejects or drops
 * stops w's traffic before the zone's accepts (firewalld applies deny
 * rules first, at a priority not above 0): 1 all of it, -1 some or
 * perhaps (a source or ports in part, a condition not read here), 0 none
 * (another rule, family, port or protocol, or a later priority). */
int mr_fwd_running_denies(const char *entry, const struct mr_nft_want *w);

/* The zone file's reject and drop rules that may stop part of a rule of
 * want[0..n) (mr_fwd_running_denies -1), firewalld applying them before
 * the accepts: "LINE WHAT" lines, for struct mr_plan_file's doubts; NULL
 * if none (or the file is not read). The caller's. */
char *mr_fwd_zone_doubts(const char *text, size_t len, const struct mr_nft_want *want, size_t n);

/* text (len bytes, a zone file) with an element for each of want[0..n)
 * that nothing in the zone covers, inserted before </zone> with the
 * indentation of the zone's children and the file's line ends. Returns
 * the text (the caller's; a copy when nothing is missing) and sets *found
 * to what is missing, or when the zone's target covers all, to that and
 * its line; else NULL. Refuses: NULL, *found the reason after the
 * line it blames ("12: <zone> is never closed"). */
char *mr_fwd_zone_merge(const char *text, size_t len, const struct mr_nft_want *want, size_t n,
                        char **found);

#endif
