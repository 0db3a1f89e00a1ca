/* iptables accept rules for [firewall]: whether one the host has (in the
 * running chain, digested by the facts probe, or in a rules file, read by
 * the Iptables lens) already accepts all that a wanted rule asks for. One
 * answer for every place: rules.v4, rules.v6, /etc/sysconfig/iptables,
 * ufw's user.rules and the running chains. */
#ifndef MR_IPT_RULES_H
#define MR_IPT_RULES_H

/* Whether the accept have ("PROTO PORTS SOURCE": ports a port, a range
 * 49152:65535 or a multiport list of them, source a network or "any";
 * "any any SOURCE" an accept of everything from source) takes all of want
 * (likewise, its ports one port or range). */
int mr_ipt_accept_covers(const char *have, const char *want);

/* The Augeas node of an accept rule ("LABEL\tVALUE" lines of its
 * children, as struct mr_aug_op's covers gets them) as a digest for
 * mr_ipt_accept_covers, or NULL when it has a condition beyond protocol,
 * ports, source, a NEW state and a comment ("any any SOURCE" when it has
 * neither protocol nor ports). The caller's. */
char *mr_ipt_node_digest(const char *children);

/* mr_ipt_accept_covers of the node's digest; or, for a jump or goto to
 * a chain of scope (as mr_ipt_node_stop_blocks reads it; NULL: none), the
 * rule's own conditions taking all of want as an accept would, and that
 * chain accepting all of it before any of its rules jumps or goes
 * elsewhere than ACCEPT or LOG (a RETURN, a DROP, another chain): struct
 * mr_aug_op's covers. */
int mr_ipt_node_covers(const char *children, const char *want, const char *scope);

/* Whether the stop stop ("PROTO PORTS SOURCE" of a DROP or REJECT, or of
 * a jump to a chain holding one; each may be "any") may take some of
 * want's traffic: none of its protocol, ports and source rules it out.
 * Conditions it does not know of never rule it out. */
int mr_ipt_stop_blocks(const char *stop, const char *want);

/* Whether an Augeas node of a rule (its children, "LABEL\tVALUE" lines, a
 * negated value with a leading '!') jumps or goes to DROP or REJECT, or to
 * a chain that does however deep (scope holds the table's rules, each as
 * its chain's line, its children's lines and a blank line: struct
 * mr_aug_op's stop_scope), or goes anywhere when scope also declares the
 * rule's own chain with policy DROP (":INPUT DROP", as the node's value
 * and "policy\tDROP"; what the chain gone to does not accept meets that
 * policy), and mr_ipt_stop_blocks of its protocol, ports and source (a
 * negated one rules nothing out): struct mr_aug_op's stops of INPUT and
 * of ufw's chain. */
int mr_ipt_node_stop_blocks(const char *children, const char *want, const char *scope);

#endif
