/* verify, the libvirt side: one read-only libvirt connection per host, in
 * parallel, gathering what verify_analysis.h checks. The only file that
 * includes libvirt.h. */
#ifndef MR_VERIFY_H
#define MR_VERIFY_H

#include "verify_analysis.h"

/* One host to examine; strings are borrowed for the call. */
struct mr_verify_target {
	const char *name;
	const char *uri;
	const char *cpu_mode;          /* the profile's [nova] cpu_mode, or NULL */
	const char *const *cpu_models; /* NULL-terminated, or NULL */
};

struct mr_verify_opts {
	unsigned jobs; /* hosts in parallel; 0: 16; never more than the hosts */
	int timeout_s; /* TCP connect and keepalive; a host taking 3x this is given up on */
};

/* The TCP port a remote libvirt URI connects to (16509 for +tcp, 16514 for
 * TLS, the port it names): 0 and *port, or -1 for URIs without one (local
 * drivers, unix sockets, ssh). */
int mr_verify_uri_tcp_port(const char *uri, unsigned *port);

/* Connects to every target (read-only, unless some target's cpu_mode is
 * custom: domain capabilities need read-write; the other kind is tried if
 * the server refuses one) and fills in: in->hosts[i] for targets[i], each
 * with its error if it could not be examined, then the baseline CPU of the
 * examined hosts through the first one's connection. Each host error names the host and the URI.
 * Returns -1 with err set only when libvirt cannot be used at all; in is
 * the caller's, released with mr_verify_input_fini. */
int mr_verify_gather(const struct mr_verify_target *targets, size_t n,
		     const struct mr_verify_opts *opts, struct mr_verify_input *in,
		     struct mr_error **err);

#endif
