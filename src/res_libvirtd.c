/* libvirt's network listener, the way each host runs libvirt:
 *   legacy   libvirtd --listen reads listen_tcp/listen_tls/tcp_port from
 *            libvirtd.conf (--listen in /etc/default or /etc/sysconfig);
 *   socket   socket-activated libvirtd (libvirt >= 5.6): libvirtd.conf's
 *            listen_* and tcp_port take no effect (still read: a value
 *            of the wrong type stops libvirtd), libvirtd-tcp.socket
 *            listens, and --listen makes libvirtd refuse to start;
 *   modular  virtproxyd-tcp.socket listens, auth in virtproxyd.conf.
 * A green listener item therefore means the port will be open. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "res.h"

static const struct mr_conf_key libvirtd_keys[] = {
	{ "listen_tls", MR_CONF_BOOL, "1" },
	{ "listen_tcp", MR_CONF_BOOL, "0" },
	{ "tcp_port", MR_CONF_STRING, "16509" }, /* libvirtd.conf spells the port as a string */
	{ "tls_port", MR_CONF_STRING, "16514" },
	{ "auth_tcp", MR_CONF_STRING, "sasl" },
	{ "listener", MR_CONF_PLAN, NULL },
};

/* Why libvirtd refuses key = value of its conf file, or NULL. */
static const char *host_refused(const char *key, const char *value)
{
	for (size_t i = 0; i < MR_ARRAY_LEN(libvirtd_keys); i++)
		if (!strcmp(libvirtd_keys[i].key, key))
			return mr_res_conf_refused(libvirtd_keys[i].type, value);
	return NULL;
}

/* With sockets, only auth_tcp of the conf file still takes effect. */
static const struct mr_conf_key socket_conf_keys[] = {
	{ "auth_tcp", MR_CONF_STRING, "sasl" },
};

#define SHELLVARS_LENS "Shellvars.lns"
#define PORT_DROPIN "migready-port.conf"

/* A listening socket's port: its profile key (port) and libvirt's
 * default (deflt), which the socket units ship with. */
static const struct mr_res_listener *const tcp_port_key = &mr_res_listeners[0];
static const struct mr_res_listener *const tls_port_key = &mr_res_listeners[1];

struct world_units {
	const char *conf;    /* the daemon's conf file */
	const char *service; /* its daemon */
	const char *tcp;     /* its sockets */
	const char *tls;
	const char *base;    /* the local socket the TCP and TLS sockets bind to */
};

static const struct world_units units_libvirtd = {
	"/etc/libvirt/libvirtd.conf",
	"libvirtd.service",
	"libvirtd-tcp.socket",
	"libvirtd-tls.socket",
	"libvirtd.socket",
};
static const struct world_units units_modular = {
	"/etc/libvirt/virtproxyd.conf",
	"virtproxyd.service",
	"virtproxyd-tcp.socket",
	"virtproxyd-tls.socket",
	"virtproxyd.socket",
};

static char *origin_or(const struct mr_setting *s, const char *fallback)
{
	return s ? mr_plan_origin_of(s) : mr_xstrdup(fallback);
}

/* The first of the listener keys the profile sets, to name the item. */
static const struct mr_setting *listener_origin(const struct mr_profile *profile)
{
	/* A listener that forces a world is why the items look as they do. */
	const struct mr_setting *forced = mr_profile_get(profile, "libvirtd", "listener");
	if (forced && strcmp(forced->value, "auto") != 0)
		return forced;
	static const char *const keys[] = { "listen_tcp", "listen_tls", "tcp_port", "tls_port",
		                            "listener" };
	for (size_t i = 0; i < MR_ARRAY_LEN(keys); i++) {
		const struct mr_setting *s = mr_profile_get(profile, "libvirtd", keys[i]);
		if (s)
			return s;
	}
	return NULL;
}

/* libvirtd's options (its getopt_long optstring "ldf:p:t:vVh"): its
 * --listen may be given as -l, in a cluster (-dl) or as a prefix (--lis). */
static const struct mr_optscan_long libvirtd_longopts[] = {
	{ "verbose", 0, 'v' }, { "daemon", 0, 'd' },   { "config", 1, 'f' },
	{ "timeout", 1, 't' }, { "pid-file", 1, 'p' }, { "version", 0, 'V' },
	{ "help", 0, 'h' },    { "listen", 0, 'l' }, /* last: virtproxyd has all but it */
};
const struct mr_optscan_spec mr_libvirtd_opts = {
	.shortopts = "ldf:p:t:vVh",
	.longopts = libvirtd_longopts,
	.n_longopts = MR_ARRAY_LEN(libvirtd_longopts),
};
/* virtproxyd's: libvirtd's without --listen */
static const struct mr_optscan_spec virtproxyd_opts = {
	.shortopts = "df:p:t:vVh",
	.longopts = libvirtd_longopts,
	.n_longopts = MR_ARRAY_LEN(libvirtd_longopts) - 1,
};

/* The options variable migready edits in the options file: the first of
 * LIBVIRTD_ARGS and libvirtd_opts (Debian before 11) that libvirtd.service's
 * ExecStart passes (the probe's libvirtd.args_var, every variable it
 * passes); LIBVIRTD_ARGS where it passes neither. *passed: whether it
 * passes that one. */
static const char *edited_var(const struct mr_facts *facts, int *passed)
{
	static const char *const known[] = { "LIBVIRTD_ARGS", "libvirtd_opts" };
	const char **v = NULL;
	size_t n = facts ? mr_facts_get_all(facts, "libvirtd.args_var", &v) : 0;
	const char *var = NULL;
	for (size_t i = 0; i < n && !var; i++)
		for (size_t k = 0; k < MR_ARRAY_LEN(known); k++)
			if (!strcmp(v[i], known[k]))
				var = known[k];
	free(v);
	if (passed)
		*passed = var != NULL;
	return var ? var : known[0];
}

/* A libvirtd.args_value fact of var ("VAR FILE VALUE": the value the last
 * options file in effect gives it) as FILE and VALUE, or 0. */
static int args_value(const struct mr_facts *facts, const char *var, struct mr_file_fact *out)
{
	const char **v = NULL;
	size_t n = mr_facts_get_all(facts, "libvirtd.args_value", &v), vl = strlen(var);
	int found = 0;
	for (size_t i = 0; i < n && !found; i++)
		found = !strncmp(v[i], var, vl) && v[i][vl] == ' ' &&
		        mr_file_fact_parse(v[i] + vl + 1, out) == 0;
	free(v);
	return found;
}

/* --listen in the daemon's options file: wanted by legacy, refused by
 * socket activation. The file is edited only where it exists. */
static void plan_listen_flag(struct mr_plan *plan, const char *defaults, int want,
                             const char *origin, struct mr_plan_unit *service)
{
	const char *var = edited_var(mr_plan_facts(plan), NULL);
	struct mr_plan_file *f = mr_plan_file(plan, defaults, SHELLVARS_LENS);
	/* a new line below the packaged '#LIBVIRTD_ARGS="--listen"' */
	char *commented = mr_xasprintf("%s=.*", var);
	struct mr_aug_op op = {
		.kind = want ? MR_AUG_TOKEN_ADD : MR_AUG_TOKEN_DEL,
		.key = var,
		.value = "--listen",
		.opts = &mr_libvirtd_opts,
		.fmt = MR_FMT_RAW,
		.comment_re = commented,
	};
	mr_plan_add_as(f, "libvirtd.listen_flag", origin, &op);
	free(commented);
	mr_plan_notify(f, service);
}

/* The text of migready's drop-in for the socket port key (tcp_port,
 * tls_port) sets to port: ListenStream emptied first (else the socket
 * listens on both ports), then port. The one home of that text: the
 * reports find its lines in it (mr_res_port_dropin_lines). */
static char *port_dropin_text(const char *key, const char *port)
{
	return mr_xasprintf("# Written by migready: the port of [libvirtd] %s\n"
	                    "[Socket]\nListenStream=\nListenStream=%s\n",
	                    key, port);
}

/* The number (from 1) of the first line of text that is line, 0 if none. */
static long text_line_of(const char *text, const char *line)
{
	size_t n = strlen(line);
	long no = 1;
	for (const char *p = text; *p; no++) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (len == n && !memcmp(p, line, n))
			return no;
		if (!nl)
			break;
		p = nl + 1;
	}
	return 0;
}

void mr_res_port_dropin_lines(const char *key, const char *port, long *reset, long *set)
{
	char *text = port_dropin_text(key, port);
	char *want = mr_xasprintf("ListenStream=%s", port);
	*reset = text_line_of(text, "ListenStream=");
	*set = text_line_of(text, want);
	free(want);
	free(text);
}

/* A socket's port other than the unit's (16509, 16514): migready's drop-in. */
static void plan_port_dropin(struct mr_plan *plan, const char *socket,
                             const struct mr_setting *port, const struct mr_res_listener *pk,
                             struct mr_plan_unit *unit)
{
	char *path = mr_xasprintf("/etc/systemd/system/%s.d/" PORT_DROPIN, socket);
	char *content = port_dropin_text(pk->port, port->value);
	char *origin = mr_plan_origin_of(port);
	char *want = mr_xasprintf("ListenStream=%s", port->value);
	char *setting = mr_xasprintf("libvirtd.%s", pk->port);
	struct mr_plan_file *f =
		mr_plan_file_owned(plan, path, content, !strcmp(port->value, pk->deflt), setting,
		                   origin, want);
	mr_plan_daemon_reload(f);
	mr_plan_notify(f, unit);
	free(setting);
	free(want);
	free(origin);
	free(content);
	free(path);
}

/* What a ListenStream value ("16509", "10.0.0.5:16509", "[::]:16509",
 * "/run/x.sock", "vsock:2:16509") offers the other hosts on port. */
enum listen_kind { LISTEN_OK, LISTEN_OTHER_PORT, LISTEN_LOOPBACK, LISTEN_NOT_TCP };

static enum listen_kind listen_kind(const char *value, const char *port)
{
	if (*value == '/' || *value == '@' || !strncmp(value, "vsock:", 6))
		return LISTEN_NOT_TCP;
	const char *colon = strrchr(value, ':');
	if (strcmp(colon ? colon + 1 : value, port) != 0)
		return LISTEN_OTHER_PORT;
	if (colon && mr_addr_is_loopback(value, (size_t)(colon - value)))
		return LISTEN_LOOPBACK;
	return LISTEN_OK;
}

/* A drop-in's path: its file name, or NULL for the unit file itself. */
static const char *dropin_name(const char *path)
{
	const char *base = strrchr(path, '/');
	if (!base || base - path < 2 || strncmp(base - 2, ".d", 2) != 0)
		return NULL;
	return base + 1;
}

/* Where a ListenStream line is: its file as the facts spell it, and its
 * line */
struct listen_at {
	const char *file;
	int len;
	long line;
};

/* "FILE:LINE" of a ListenStream line, for a message; the caller frees it */
static char *listen_where(struct listen_at at)
{
	return mr_xasprintf("%s:%ld", mr_fact_path_shown(at.file, at.len), at.line);
}

struct listen_state {
	const char *bad;  /* a value that is not port for the others, or NULL */
	enum listen_kind bad_kind;
	struct listen_at bad_at; /* its line */
	struct listen_at at;     /* the last line that counts (file NULL: none) */
	size_t n; /* values in effect */
	const char *value[8]; /* the first of them, and their lines */
	struct listen_at value_at[8];
	char *mine; /* the path of migready's drop-in, which the above may be */
};

static void listen_line(struct listen_state *st, struct listen_at at, const char *value,
                        const char *port)
{
	st->at = at;
	if (!*value) { /* an empty ListenStream= drops those before it */
		st->n = 0;
		st->bad = NULL;
		return;
	}
	if (st->n < MR_ARRAY_LEN(st->value)) {
		st->value[st->n] = value;
		st->value_at[st->n] = at;
	}
	st->n++;
	enum listen_kind kind = listen_kind(value, port);
	if (!st->bad && kind != LISTEN_OK) {
		st->bad = value;
		st->bad_kind = kind;
		st->bad_at = at;
	}
}

/* migready's drop-in for key, as plan_port_dropin writes it: ListenStream
 * emptied, then the port, at the lines of its text */
static void listen_mine(struct listen_state *st, const char *mine, const char *key,
                        const char *port)
{
	long reset, set;
	mr_res_port_dropin_lines(key, port, &reset, &set);
	listen_line(st, (struct listen_at){ mine, (int)strlen(mine), reset }, "", port);
	listen_line(st, (struct listen_at){ mine, (int)strlen(mine), set }, port, port);
}

/* Where a socket would listen once apply has written (ours = 1) or removed
 * (ours = 0) migready's drop-in setting port_key to port, or as it is
 * (ours = -1): its ListenStream lines ("PATH LINE VALUE") in systemd's
 * order (the unit file, then every drop-in by name), as the facts list
 * them. */
static void socket_listens(const struct mr_facts *facts, const char *socket,
                           const char *port_key, const char *port, int ours,
                           struct listen_state *out)
{
	char *key = mr_xasprintf("socket.%s.listen", socket);
	char *mine = mr_xasprintf("/etc/systemd/system/%s.d/" PORT_DROPIN, socket);
	const char **lines = NULL;
	size_t n = mr_facts_get_all(facts, key, &lines);
	struct listen_state st = { 0 };
	int placed = ours != 1;
	for (size_t i = 0; i < n; i++) {
		struct mr_file_fact l;
		struct listen_at at = { NULL, 0, 0 };
		if (mr_listen_fact_parse(lines[i], &l, &at.line) < 0)
			continue; /* none: mr_facts_parse refuses such a fact */
		char *path = mr_xstrndup(l.file, (size_t)l.file_len);
		const char *drop = dropin_name(path);
		int skip = ours != -1 && !strcmp(path, mine);
		int after_mine = drop && strcmp(drop, PORT_DROPIN) > 0;
		free(path);
		if (skip)
			continue;
		if (!placed && after_mine) {
			listen_mine(&st, mine, port_key, port);
			placed = 1;
		}
		at.file = l.file;
		at.len = l.file_len;
		listen_line(&st, at, l.rest, port);
	}
	if (!placed)
		listen_mine(&st, mine, port_key, port);
	free(lines);
	free(key);
	st.mine = mine;
	*out = st;
}

/* The socket's values in effect once the profile's port key (port; NULL:
 * libvirt's default, migready's drop-in gone) is applied; 0 when the
 * facts know no such socket. The caller frees st->mine. */
static int socket_as_planned(const struct mr_facts *facts, const char *socket,
                             const struct mr_setting *port, const struct mr_res_listener *pk,
                             struct listen_state *st)
{
	char *file = mr_xasprintf("socket.%s.file", socket);
	int known = facts && mr_facts_get(facts, file);
	free(file);
	if (!known)
		return 0;
	socket_listens(facts, socket, pk->port, port ? port->value : pk->deflt,
	               !port ? -1 : strcmp(port->value, pk->deflt) != 0, st);
	return 1;
}

/* NULL when the socket (its state st) listens on port alone, else why
 * not, naming the file and line. */
static char *socket_port_problem(const struct listen_state *st, const char *socket,
                                 const char *port)
{
	char *why = NULL;
	char *at = st->bad ? listen_where(st->bad_at) : st->at.file ? listen_where(st->at) : NULL;
	if (st->bad && st->bad_kind == LISTEN_LOOPBACK)
		why = mr_xasprintf("%s would listen on %s, the loopback: other hosts cannot connect "
		                   "(ListenStream in %s)",
		                   socket, st->bad, at);
	else if (st->bad && st->bad_kind == LISTEN_NOT_TCP)
		why = mr_xasprintf("%s would listen on %s, which is not TCP: other hosts cannot "
		                   "connect (ListenStream in %s)",
		                   socket, st->bad, at);
	else if (st->bad)
		why = mr_xasprintf("%s would listen on %s, not %s alone (ListenStream in %s)", socket,
		                   st->bad, port, at);
	else if (!st->n && st->at.file)
		why = mr_xasprintf("%s would listen on nothing (ListenStream emptied in %s)", socket,
		                   at);
	else if (!st->n)
		why = mr_xasprintf("%s would listen on nothing (no ListenStream in its unit file)",
		                   socket);
	free(at);
	return why;
}

/* A port as glibc's getaddrinfo reads libvirt's service string (strtoul
 * base 10: a leading 0 is still decimal): digits alone, 1 to 65535; 0
 * for anything else (a service name: not known here). */
static long port_number(const char *s, size_t n)
{
	long v = 0;
	if (!n || strspn(s, "0123456789") < n)
		return 0;
	for (size_t i = 0; i < n && v <= 65535; i++)
		v = v * 10 + (s[i] - '0');
	return v <= 65535 ? v : 0;
}

/* The port a legacy libvirtd's conf file gives key (its tcp_port or
 * tls_port): value NULL where the file does not set it (libvirt's
 * default); port 0 where the value is no port number; refused where
 * libvirtd refuses the file over it (check_host_conf fails that). */
struct host_port {
	const char *value; /* as the probe read it, quotes and all */
	long port;
	int refused;
};

static struct host_port legacy_host_port(const struct mr_facts *facts,
                                         const struct mr_res_listener *pk)
{
	struct host_port hp = { 0 };
	char *key = mr_xasprintf("libvirtd.%s", pk->port);
	hp.value = facts ? mr_facts_get(facts, key) : NULL;
	free(key);
	if (!hp.value)
		return hp;
	size_t n;
	const char *bare = mr_res_conf_unquoted(hp.value, &n);
	hp.refused = host_refused(pk->port, hp.value) != NULL;
	hp.port = port_number(bare, n);
	return hp;
}

void mr_res_listen_ports_fini(struct mr_res_listen_ports *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->from[i]);
	free(p->unknown);
	*p = (struct mr_res_listen_ports){ 0 };
}

static void ports_add(struct mr_res_listen_ports *p, long port, char *from)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->port[i] == port) {
			free(from);
			return;
		}
	p->port[p->n] = port;
	p->from[p->n++] = from;
}

/* A socket's ports once applied: those of its ListenStream values in
 * effect that the peers may reach (a loopback or non-TCP value fails
 * libvirtd.listen_port instead). */
static void socket_ports(const struct mr_facts *facts, const char *socket,
                         const struct mr_setting *port, const struct mr_res_listener *pk,
                         struct mr_res_listen_ports *out)
{
	struct listen_state st;
	if (!socket_as_planned(facts, socket, port, pk, &st)) {
		out->unknown = mr_xasprintf("the port of %s, which the facts do not show", socket);
		return;
	}
	if (st.n > MR_ARRAY_LEN(st.value))
		out->unknown = mr_xasprintf("the ports of %s: %zu ListenStream values", socket, st.n);
	for (size_t i = 0; !out->unknown && i < st.n; i++) {
		const char *v = st.value[i];
		if (listen_kind(v, "") == LISTEN_NOT_TCP)
			continue;
		const char *colon = strrchr(v, ':');
		if (colon && mr_addr_is_loopback(v, (size_t)(colon - v)))
			continue;
		const char *num = colon ? colon + 1 : v;
		/* systemd reads a leading 0 as C does (octal, 0x hex): not ours to guess */
		long p = *num == '0' ? 0 : port_number(num, strlen(num));
		const char *file = mr_fact_path_shown(st.value_at[i].file, st.value_at[i].len);
		int mine = port && !strcmp(file, st.mine);
		char *at = listen_where(st.value_at[i]);
		if (!p)
			out->unknown = mr_xasprintf("%s ListenStream=%s", at, v);
		else if (mine)
			ports_add(out, p, mr_plan_origin_of(port));
		else
			ports_add(out, p, mr_xasprintf("%s ListenStream=%s", at, v));
		free(at);
	}
	free(st.mine);
}

int mr_res_listen_ports(const struct mr_plan *plan, const struct mr_profile *profile, int tls,
                        struct mr_res_listen_ports *out)
{
	*out = (struct mr_res_listen_ports){ 0 };
	const struct mr_res_listener *pk = tls ? tls_port_key : tcp_port_key;
	const struct mr_setting *port = mr_profile_get(profile, "libvirtd", pk->port);
	const struct mr_facts *facts = mr_plan_facts(plan);
	const char *why;
	enum mr_libvirt_world w = mr_res_world(plan, profile, &why);
	if (w == MR_WORLD_SOCKET || w == MR_WORLD_MODULAR) {
		const struct world_units *u = w == MR_WORLD_MODULAR ? &units_modular : &units_libvirtd;
		socket_ports(facts, tls ? u->tls : u->tcp, port, pk, out);
	} else if (port) {
		ports_add(out, mr_setting_long(port), mr_plan_origin_of(port));
	} else if (w == MR_WORLD_LEGACY) {
		struct host_port hp = legacy_host_port(facts, pk);
		char *where = hp.value ? mr_res_conf_where(facts, "libvirtd", units_libvirtd.conf,
		                                           pk->port)
		                       : NULL;
		if (!hp.value)
			ports_add(out, strtol(pk->deflt, NULL, 10),
			          mr_xasprintf("libvirt's default %s", pk->port));
		else if (hp.port && !hp.refused)
			ports_add(out, hp.port,
			          mr_xasprintf("%s sets %s = %s", where, pk->port, hp.value));
		else if (!hp.refused)
			out->unknown = mr_xasprintf("%s %s = %s", where, pk->port, hp.value);
		free(where);
	} else {
		out->unknown = mr_xasprintf("the port of libvirt's listener: %s", why);
	}
	return out->unknown ? -1 : 0;
}

/* A listening socket listens on the profile's port and no other: a unit
 * file of /etc, or a drop-in read after migready's, can say otherwise, and
 * a green check would be a lie. */
static void check_socket_port(struct mr_plan *plan, const char *socket,
                              const struct mr_setting *on, const struct mr_setting *port,
                              const struct mr_res_listener *pk, const char *setting)
{
	struct listen_state st;
	if (!on || !mr_setting_bool(on) ||
	    !socket_as_planned(mr_plan_facts(plan), socket, port, pk, &st))
		return;
	char *why = socket_port_problem(&st, socket, port ? port->value : pk->deflt);
	free(st.mine);
	if (why) {
		char *origin = mr_plan_origin_of(port ? port : on);
		mr_plan_fail(plan, setting, origin, "%s", why);
		free(origin);
		free(why);
	}
}

/* One line of a socket's keys that limit who connects ("FILE LINE KEY=VALUE"
 * of the facts' socket.UNIT.opt) */
struct sock_opt {
	const char *file;
	int file_len;
	long line;
	const char *value;
};

/* "FILE:LINE KEY=VALUE" of a line, for a message (the caller frees it) */
static char *sock_opt_where(const struct sock_opt *o, const char *key)
{
	return mr_xasprintf("%s:%ld %s=%s", mr_fact_path_shown(o->file, o->file_len), o->line, key,
	                    o->value);
}

/* An IPAddress*= entry: all addresses (any, 0.0.0.0/0, ::/0), or the
 * loopback alone (localhost, 127.x/8 or narrower, ::1/128). */
static int ip_entry_all(const char *e, size_t n)
{
	return (n == 3 && !strncmp(e, "any", 3)) || (n == 9 && !strncmp(e, "0.0.0.0/0", 9)) ||
	       (n == 4 && !strncmp(e, "::/0", 4));
}

static int ip_entry_loopback(const char *e, size_t n)
{
	const char *slash = memchr(e, '/', n);
	size_t alen = slash ? (size_t)(slash - e) : n;
	if (!mr_addr_is_loopback(e, alen))
		return 0;
	if (!slash)
		return 1;
	long pfx = strtol(slash + 1, NULL, 10);
	return memchr(e, ':', alen) ? pfx == 128 : pfx >= 8;
}

enum { SO_DENY, SO_ALLOW, SO_FILTER, SO_V6ONLY, SO_DEVICE, SO_FDNAME, SO_SERVICE, SO_ACCEPT,
	   SO_PROTO, SO_USER, SO_GROUP, SO_MAXCONN, SO_MAXSRC, SO_N };
static const char *const sock_opt_keys[SO_N] = {
	"IPAddressDeny", "IPAddressAllow", "IPIngressFilterPath", "BindIPv6Only", "BindToDevice",
	"FileDescriptorName", "Service", "Accept", "SocketProtocol", "SocketUser", "SocketGroup",
	"MaxConnections", "MaxConnectionsPerSource",
};

/* A listening socket's keys that limit who connects (IPAddressDeny=any,
 * BindIPv6Only=ipv6-only, BindToDevice=lo) or leave its descriptor to no
 * daemon (another FileDescriptorName= or Service=: libvirt finds none and
 * will not start) fail its listener; one whose effect on the peers the
 * facts cannot tell is not checked, with its line. In effect: the last
 * line of a key in systemd's order, an empty one resetting (lists too). */
static void check_socket_opts(struct mr_plan *plan, const char *socket, const char *service,
                              const struct mr_setting *on, const struct mr_setting *port,
                              const struct mr_res_listener *pk, const char *setting)
{
	const struct mr_facts *facts = mr_plan_facts(plan);
	if (!facts || !on || !mr_setting_bool(on))
		return;
	char *key = mr_xasprintf("socket.%s.file", socket);
	int known = mr_facts_get(facts, key) != NULL;
	free(key);
	if (!known) /* no unit file read: its lines are judged elsewhere */
		return;
	key = mr_xasprintf("socket.%s.opt", socket);
	const char **lines = NULL;
	size_t n = mr_facts_get_all(facts, key, &lines);
	free(key);
	struct sock_opt last[SO_N] = { 0 };
	int deny_all = 0, allow_wide = 0;
	for (size_t i = 0; i < n; i++) {
		struct mr_file_fact f;
		char *end;
		if (mr_file_fact_parse(lines[i], &f) < 0)
			continue;
		struct sock_opt o = { f.file, f.file_len, strtol(f.rest, &end, 10), NULL };
		const char *kv = end + (*end == ' ');
		const char *eq = strchr(kv, '=');
		if (!eq)
			continue;
		o.value = eq + 1;
		size_t k = 0;
		while (k < SO_N && (strlen(sock_opt_keys[k]) != (size_t)(eq - kv) ||
		                    strncmp(kv, sock_opt_keys[k], (size_t)(eq - kv)) != 0))
			k++;
		if (k == SO_N)
			continue;
		/* an empty Service= is refused (the line is ignored) */
		if (k == SO_SERVICE && !*o.value)
			continue;
		int reset = !*o.value;
		if (k == SO_DENY || k == SO_ALLOW) {
			int *flag = k == SO_DENY ? &deny_all : &allow_wide;
			if (reset)
				*flag = 0;
			for (const char *p = o.value; *p;) {
				size_t len = strcspn(p, " \t");
				if (len && (k == SO_DENY ? ip_entry_all(p, len) : !ip_entry_loopback(p, len)))
					*flag = 1;
				p += len;
				p += strspn(p, " \t");
			}
		}
		last[k] = reset ? (struct sock_opt){ 0 } : o;
	}
	free(lines);
	char *dflt = mr_xasprintf("%.*s.service", (int)(strrchr(socket, '.') - socket), socket);
	const struct sock_opt *svc = &last[SO_SERVICE];
	const char *svc_now = svc->value ? svc->value : dflt;
	char *origin = mr_plan_origin_of(on);
	if (last[SO_DENY].value && deny_all && !allow_wide) {
		char *w = sock_opt_where(&last[SO_DENY], "IPAddressDeny");
		mr_plan_fail(plan, setting, origin,
		             "%s would accept connections from the loopback alone: other hosts "
		             "are refused (%s%s)",
		             socket, w,
		             last[SO_ALLOW].value ? ", IPAddressAllow= lists only loopback" : "");
		free(w);
	} else if (last[SO_DENY].value || last[SO_ALLOW].value) {
		/* the peers' addresses may or may not be among those allowed */
		int k = last[SO_DENY].value ? SO_DENY : SO_ALLOW;
		char *w = sock_opt_where(&last[k], sock_opt_keys[k]);
		mr_plan_unchecked(plan, setting, w);
		free(w);
	}
	const struct sock_opt *v6 = &last[SO_V6ONLY], *dev = &last[SO_DEVICE];
	/* BindIPv6Only= touches no IPv4 address ListenStream names */
	struct listen_state st;
	int v6_listens = 0;
	if (v6->value && socket_as_planned(facts, socket, port, pk, &st)) {
		for (size_t i = 0; i < st.n && i < MR_ARRAY_LEN(st.value); i++)
			v6_listens |= !strchr(st.value[i], '.') || st.value[i][0] == '[';
		v6_listens |= st.n > MR_ARRAY_LEN(st.value);
		free(st.mine);
	}
	if (v6->value && !v6_listens) {
		/* nothing to judge */
	} else if (v6->value && !strcmp(v6->value, "ipv6-only")) {
		char *w = sock_opt_where(v6, "BindIPv6Only");
		mr_plan_fail(plan, setting, origin,
		             "%s would accept IPv6 alone: peers connecting over IPv4 are refused (%s)",
		             socket, w);
		free(w);
	} else if (v6->value && strcmp(v6->value, "default") != 0 && strcmp(v6->value, "both") != 0) {
		char *w = sock_opt_where(v6, "BindIPv6Only");
		mr_plan_unchecked(plan, setting, w);
		free(w);
	}
	if (dev->value) {
		char *w = sock_opt_where(dev, "BindToDevice");
		if (!strcmp(dev->value, "lo"))
			mr_plan_fail(plan, setting, origin,
			             "%s would accept connections on the loopback device alone: other "
			             "hosts cannot connect (%s)",
			             socket, w);
		else
			mr_plan_unchecked(plan, setting, w);
		free(w);
	}
	if (last[SO_FDNAME].value && strcmp(last[SO_FDNAME].value, socket) != 0) {
		char *w = sock_opt_where(&last[SO_FDNAME], "FileDescriptorName");
		mr_plan_fail(plan, setting, origin,
		             "%s would pass its socket named other than %s: %s finds no listener "
		             "there and will not start (%s)",
		             socket, socket, service, w);
		free(w);
	}
	if (strcmp(svc_now, service) != 0) {
		char *w = svc->value ? sock_opt_where(svc, "Service")
		                     : mr_xasprintf("no Service= in its unit file");
		mr_plan_fail(plan, setting, origin,
		             "%s would hand its connections to %s, not %s: no daemon takes them (%s)",
		             socket, svc_now, service, w);
		free(w);
	}
	static const char *const falses[] = { "no", "false", "0", "off" };
	int accept_off = !last[SO_ACCEPT].value;
	for (size_t i = 0; !accept_off && i < MR_ARRAY_LEN(falses); i++)
		accept_off = !strcasecmp(last[SO_ACCEPT].value, falses[i]);
	/* the rest: what they leave the peers the facts do not tell */
	for (size_t k = SO_FILTER; k < SO_N; k++) {
		if (!last[k].value || k == SO_V6ONLY || k == SO_DEVICE || k == SO_FDNAME ||
		    k == SO_SERVICE || (k == SO_ACCEPT && accept_off))
			continue;
		char *w = sock_opt_where(&last[k], sock_opt_keys[k]);
		mr_plan_unchecked(plan, setting, w);
		free(w);
	}
	free(origin);
	free(dflt);
}

/* A listening socket on or off as the profile's listen_* says; its daemon
 * is stopped while it starts. */
static void want_socket(struct mr_plan *plan, const char *socket, const struct mr_setting *on,
                        const char *setting, struct mr_plan_unit *service)
{
	if (!on)
		return;
	char *origin = mr_plan_origin_of(on);
	struct mr_plan_unit *u = mr_plan_unit(plan, socket);
	int yes = mr_setting_bool(on);
	mr_plan_unit_want(u, yes ? MR_ENABLE_YES : MR_ENABLE_NO, yes, setting, origin);
	mr_plan_unit_stop_first(u, service);
	free(origin);
}

/* The profile's listen_tcp if on, else its listen_tls if on, else NULL:
 * the setting a listener's socket units answer to. */
static const struct mr_setting *listener_on(const struct mr_setting *tcp,
                                            const struct mr_setting *tls)
{
	return tcp && mr_setting_bool(tcp) ? tcp : tls && mr_setting_bool(tls) ? tls : NULL;
}

/* A masked service: its sockets accept nothing, systemd will not start
 * what they would activate. Not unmasked here (someone masked it). */
static void check_service_not_masked(struct mr_plan *plan, const char *service,
                                     const struct mr_setting *tcp, const struct mr_setting *tls)
{
	const struct mr_facts *facts = mr_plan_facts(plan);
	const struct mr_setting *on = listener_on(tcp, tls);
	if (!facts || !on)
		return;
	if (!mr_unit_state_masked(mr_facts_unit(facts, service)))
		return;
	char *origin = mr_plan_origin_of(on);
	mr_plan_fail(plan, on == tcp ? "libvirtd.listener" : "libvirtd.listener_tls", origin,
	             "%s is masked: systemd will not start it, so its socket leads nowhere; "
	             "unmask it (systemctl unmask %s)",
	             service, service);
	free(origin);
}

static int server_tls_missing(const struct mr_facts *facts, const struct world_units *units);
/* The TCP and TLS sockets bind to the daemon's local socket (BindsTo=):
 * with it masked (as the legacy world leaves it, migready's own
 * listener = legacy included) systemd starts neither. Unmasked, enabled
 * and started with the listener, as the packages ship it. The -ro and
 * -admin sockets are no such need: a mask there (hardening) stays. */
static void unmask_base_sockets(struct mr_plan *plan, const struct world_units *w,
                                const struct mr_setting *tcp, const struct mr_setting *tls,
                                struct mr_plan_unit *service)
{
	const struct mr_facts *facts = mr_plan_facts(plan);
	const struct mr_setting *on = listener_on(tcp, tls);
	if (!facts || !on)
		return;
	if (!mr_unit_state_masked(mr_facts_unit(facts, w->base)))
		return;
	char *origin = mr_plan_origin_of(on);
	struct mr_plan_unit *u = mr_plan_unit(plan, w->base);
	mr_plan_unit_want(u, MR_ENABLE_YES, 1,
	                  on == tcp ? "libvirtd.listener" : "libvirtd.listener_tls", origin);
	mr_plan_unit_stop_first(u, service);
	free(origin);
}


/* The other world's TCP and TLS sockets enabled or running beside this
 * one's: both bind the port at boot, and which daemon answers (with its
 * own auth and conf) depends on which wins. */
static void check_other_listeners(struct mr_plan *plan, const struct world_units *w,
                                  const struct mr_setting *tcp, const struct mr_setting *tls)
{
	const struct mr_facts *facts = mr_plan_facts(plan);
	const struct mr_setting *on = listener_on(tcp, tls);
	if (!facts || !on)
		return;
	const struct world_units *other = w == &units_modular ? &units_libvirtd : &units_modular;
	const char *const sockets[] = { other->tcp, other->tls };
	for (size_t i = 0; i < MR_ARRAY_LEN(sockets); i++) {
		struct mr_unit_state st = mr_facts_unit(facts, sockets[i]);
		if (!mr_unit_state_on(st) || mr_unit_state_masked(st))
			continue;
		char *origin = mr_plan_origin_of(on);
		mr_plan_fail(plan, on == tcp ? "libvirtd.listener" : "libvirtd.listener_tls", origin,
		             "%s is %s too, beside %s: both listen on libvirt's port, and which "
		             "daemon answers depends on the boot; disable and stop it",
		             sockets[i], st.enabled ? st.enabled : "on", w->service);
		free(origin);
	}
}

static void plan_sockets(struct mr_plan *plan, const struct mr_profile *profile,
                         const struct world_units *w, int explicit_defaults)
{
	const struct mr_setting *tcp = mr_profile_get(profile, "libvirtd", "listen_tcp");
	const struct mr_setting *tls = mr_profile_get(profile, "libvirtd", "listen_tls");
	const struct mr_setting *port = mr_profile_get(profile, "libvirtd", "tcp_port");
	const struct mr_setting *tls_port = mr_profile_get(profile, "libvirtd", "tls_port");
	struct mr_plan_unit *service = mr_plan_unit(plan, w->service);
	mr_res_plan_conf(plan, profile, "libvirtd", w->conf, service, socket_conf_keys,
	                 MR_ARRAY_LEN(socket_conf_keys), explicit_defaults);
	/* first: the TCP and TLS sockets start only once these may */
	unmask_base_sockets(plan, w, tcp, tls, service);
	want_socket(plan, w->tcp, tcp, "libvirtd.listener", service);
	/* a TLS socket without the server's files: the daemon would not start
	 * (its failure says so, in check_connections) */
	if (!(tls && mr_setting_bool(tls) && server_tls_missing(mr_plan_facts(plan), w)))
		want_socket(plan, w->tls, tls, "libvirtd.listener_tls", service);
	check_service_not_masked(plan, w->service, tcp, tls);
	if (port) {
		struct mr_plan_unit *u = mr_plan_unit(plan, w->tcp);
		mr_plan_unit_stop_first(u, service);
		plan_port_dropin(plan, w->tcp, port, tcp_port_key, u);
	}
	if (tls_port) {
		struct mr_plan_unit *u = mr_plan_unit(plan, w->tls);
		mr_plan_unit_stop_first(u, service);
		plan_port_dropin(plan, w->tls, tls_port, tls_port_key, u);
	}
	check_other_listeners(plan, w, tcp, tls);
	check_socket_port(plan, w->tcp, tcp, port, tcp_port_key, "libvirtd.listen_port");
	check_socket_port(plan, w->tls, tls, tls_port, tls_port_key, "libvirtd.listen_tls_port");
	check_socket_opts(plan, w->tcp, w->service, tcp, port, tcp_port_key, "libvirtd.listener");
	check_socket_opts(plan, w->tls, w->service, tls, tls_port, tls_port_key,
	                  "libvirtd.listener_tls");
}

/* The next word of a systemd value (ExecStart=, Environment=): blanks
 * apart, quotes ("..." or '...', anywhere in a word) taken off, into out
 * (cap bytes, cut there). NULL at the end. */
static const char *unit_word(const char *p, char *out, size_t cap)
{
	size_t n = 0;
	char quote = 0;
	p += strspn(p, " \t");
	if (!*p)
		return NULL;
	for (; *p && (quote || (*p != ' ' && *p != '\t')); p++) {
		if (!quote && (*p == '"' || *p == '\''))
			quote = *p;
		else if (quote && *p == quote)
			quote = 0;
		else if (n + 1 < cap)
			out[n++] = *p;
	}
	out[n] = '\0';
	return p;
}

/* Whether libvirtd's words (blanks apart; those with a '$' left out: an
 * expansion, read where it is set) give --listen, in any spelling. */
static int words_listen(const char *words)
{
	struct mr_optscan scan = { .spec = &mr_libvirtd_opts };
	char w[256], keep[257];
	size_t kl;
	for (const char *p = words; (p = unit_word(p, w, sizeof(w)));)
		if (!strchr(w, '$') && mr_optscan_word(&scan, "listen", w, strlen(w), keep, &kl))
			return 1;
	return 0;
}

/* libvirtd.service's ExecStart in effect, as the probe lists its lines
 * ("FILE VALUE", unit file then drop-ins by name): an empty one resets
 * the list. n: how many are in effect; systemd refuses more than one for
 * libvirtd's Type=notify. */
struct service_exec {
	struct mr_file_fact last; /* rest: the command, empty after a reset */
	size_t n;
};

static struct service_exec service_exec(const struct mr_facts *facts)
{
	struct service_exec ex = { 0 };
	const char **lines = NULL;
	size_t n = facts ? mr_facts_get_all(facts, "service.libvirtd.service.exec", &lines) : 0;
	for (size_t i = 0; i < n; i++) {
		if (mr_file_fact_parse(lines[i], &ex.last) == 0)
			ex.n = *ex.last.rest ? ex.n + 1 : 0;
	}
	free(lines);
	return ex;
}

/* Whether the ExecStart in effect passes --listen itself: the words after
 * its program (its prefixes -@+!:| before it; with @, the next word is
 * the program's argv[0], no option). */
static const char *exec_args(const struct service_exec *ex)
{
	char prog[256];
	if (!ex->n)
		return NULL;
	const char *p = ex->last.rest;
	size_t pre = strspn(p, "-@+!:|");
	const char *args = unit_word(p, prog, sizeof(prog));
	if (args && memchr(p, '@', pre))
		args = unit_word(args, prog, sizeof(prog));
	return args;
}

static int exec_listens(const struct service_exec *ex)
{
	const char *args = exec_args(ex);
	return args && words_listen(args);
}

/* Two ExecStart in effect (a drop-in that adds one without an empty
 * ExecStart= first): systemd refuses to load libvirtd.service, in every
 * world, and no listener of libvirtd's starts. */
static void check_service_exec(struct mr_plan *plan, const struct service_exec *ex,
                               const char *origin)
{
	if (ex->n > 1)
		mr_plan_fail(plan, "libvirtd.listener", origin,
		             "libvirtd.service has %zu ExecStart= in effect (the last in %s, "
		             "without an empty ExecStart= before it): systemd refuses to start it",
		             ex->n, mr_fact_path_shown(ex->last.file, ex->last.file_len));
}

/* An EnvironmentFile= of libvirtd.service whose pattern has a wildcard in
 * a directory: the probe does not read its files, so what the variables
 * the ExecStart passes hold there (--listen or not) is not known. */
static void check_envfiles_read(struct mr_plan *plan, const char *origin)
{
	const struct mr_facts *facts = mr_plan_facts(plan);
	const char **unread = NULL;
	size_t n = facts && mr_facts_get(facts, "libvirtd.args_var")
	                   ? mr_facts_get_all(facts, "libvirtd.envfile_unread", &unread)
	                   : 0;
	for (size_t i = 0; i < n; i++)
		mr_plan_fail(plan, "libvirtd.listen_flag", origin,
		             "libvirtd.service reads EnvironmentFile=%s, a wildcard in a directory, "
		             "whose files migready does not read: whether libvirtd gets --listen "
		             "is not known",
		             mr_fact_path_shown(unread[i], strlen(unread[i])));
	free(unread);
}

/* The value libvirtd.service gives var, a variable its ExecStart in
 * effect passes: the last options file in effect that sets it (systemd
 * reads those after Environment=), else its Environment= lines' (an empty
 * one drops those before it); NULL if none sets it. *from: where;
 * *from_env: 1 when from Environment=. The caller's. */
static char *var_value(const struct mr_facts *facts, const char *var, struct mr_file_fact *from,
                       int *from_env)
{
	struct mr_file_fact l;
	*from_env = 0;
	if (args_value(facts, var, &l)) {
		*from = l;
		return mr_xstrdup(l.rest);
	}
	const char **lines = NULL;
	size_t n = mr_facts_get_all(facts, "service.libvirtd.service.env", &lines);
	size_t vl = strlen(var);
	char w[4096];
	char *value = NULL;
	for (size_t i = 0; i < n; i++) {
		if (mr_file_fact_parse(lines[i], &l) < 0)
			continue;
		if (!*l.rest) {
			free(value);
			value = NULL;
		}
		for (const char *p = l.rest; (p = unit_word(p, w, sizeof(w)));) {
			if (strncmp(w, var, vl) != 0 || w[vl] != '=')
				continue;
			free(value);
			value = mr_xstrdup(w + vl + 1);
			*from = l;
			*from_env = 1;
		}
	}
	free(lines);
	return value;
}

/* Whether a fact key ("VAR FILE" values) names var in file. */
static int var_in_file(const struct mr_facts *facts, const char *key, const char *var,
                       const char *file)
{
	char *v = mr_xasprintf("%s %s", var, file);
	int has = mr_facts_has(facts, key, v);
	free(v);
	return has;
}

/* Whether libvirt takes --timeout's argument: virStrToLong_i with an end
 * pointer (a leading number, what follows it ignored), at least 0 and
 * few enough seconds to count in milliseconds. */
static int timeout_ok(const char *arg, size_t len)
{
	char buf[32], *end;
	snprintf(buf, sizeof(buf), "%.*s", (int)len, arg);
	errno = 0;
	long v = strtol(buf, &end, 10);
	return end != buf && !errno && v >= 0 && v <= INT_MAX / 1000;
}

/* getopt_long over a daemon's argv (libvirtd's or virtproxyd's parsing:
 * it exits on an option it does not know, a word that is no option, an
 * option without its argument, a --timeout it cannot read), a value at a
 * time: the first word refused, why, and the value and its origin. */
struct argv_check {
	const char *daemon;
	struct mr_optscan scan, timeout;
	char *why, *where;
	char *pending; /* where the last option wanting an argument was */
	char last[256];
};

static void argv_check_init(struct argv_check *c, const char *daemon,
                            const struct mr_optscan_spec *spec)
{
	*c = (struct argv_check){ .daemon = daemon };
	c->scan.spec = c->timeout.spec = spec;
}

/* The next word of argv: why the daemon refuses it, once. */
static void argv_word(struct argv_check *c, const char *w)
{
	size_t len = strlen(w), al;
	const char *arg;
	enum mr_optscan_verdict v = mr_optscan_check(&c->scan, w, len);
	int t = mr_optscan_arg(&c->timeout, "timeout", w, len, &arg, &al);
	snprintf(c->last, sizeof(c->last), "%s", w);
	/* an expansion neither systemd nor the probe made: not judged */
	if (c->why || strchr(w, '$'))
		return;
	if (v == MR_OPTSCAN_OPERAND)
		c->why = mr_xasprintf("'%s' is no option (%s: \"unexpected, non-option, command "
		                      "line arguments\")",
		                      w, c->daemon);
	else if (v == MR_OPTSCAN_UNKNOWN)
		c->why = mr_xasprintf("%s has no option '%s'", c->daemon, w);
	else if (t && !timeout_ok(arg, al))
		c->why = mr_xasprintf("--timeout takes a number of seconds, not '%.*s' (%s: "
		                      "\"Invalid value for timeout\")",
		                      (int)al, arg, c->daemon);
}

/* The words of value (blanks apart; one word: the value whole, as
 * ${VAR} passes it), from: where it is set. */
static void argv_words(struct argv_check *c, const char *value, int one_word, const char *from)
{
	if (c->why)
		return;
	char w[256];
	if (one_word)
		argv_word(c, value);
	for (const char *p = value; !one_word && (p = unit_word(p, w, sizeof(w)));)
		argv_word(c, w);
	free(c->pending);
	c->pending = NULL;
	if (c->why || c->scan.arg_next)
		*(c->why ? &c->where : &c->pending) = mr_xasprintf("'%s' (%s)", value, from);
}

/* After the last value: an option still wanting its argument is refused
 * too. 1 when the daemon refuses its argv, and the failure's text. */
static int argv_refused(struct argv_check *c)
{
	if (!c->why && c->pending && !strchr(c->last, '$')) {
		c->why = mr_xasprintf("'%s' wants an argument, and none follows", c->last);
		c->where = c->pending;
		c->pending = NULL;
	}
	free(c->pending);
	c->pending = NULL;
	return c->why != NULL;
}

static void argv_fail(struct mr_plan *plan, struct argv_check *c, const char *unit,
                      const char *origin)
{
	if (argv_refused(c))
		mr_plan_fail(plan, "libvirtd.listener", origin,
		             "%s would start %s with %s: %s, and %s exits at once", unit, c->daemon,
		             c->where, c->why, c->daemon);
	free(c->why);
	free(c->where);
}

/* libvirtd's argv, in every world: the words after the program of the
 * ExecStart in effect, each $VAR and ${VAR} it passes expanded as the
 * facts give them. Not told where an EnvironmentFile is not read
 * (check_envfiles_read says so). */
static void check_service_argv(struct mr_plan *plan, const struct service_exec *ex,
                               const char *origin)
{
	const struct mr_facts *facts = mr_plan_facts(plan);
	const char *args = exec_args(ex);
	if (!args || mr_facts_get(facts, "libvirtd.envfile_unread"))
		return;
	struct argv_check c;
	argv_check_init(&c, "libvirtd", &mr_libvirtd_opts);
	char *in_exec =
		mr_xasprintf("ExecStart in %s", mr_fact_path_shown(ex->last.file, ex->last.file_len));
	char w[256];
	for (const char *p = args; (p = unit_word(p, w, sizeof(w)));) {
		size_t len = strlen(w);
		int braced = len > 3 && !strncmp(w, "${", 2) && w[len - 1] == '}';
		char *name = braced ? mr_xstrndup(w + 2, len - 3) : mr_xstrdup(w + (*w == '$'));
		if (*w != '$' || !mr_facts_has(facts, "libvirtd.args_var", name)) {
			argv_words(&c, w, 1, in_exec);
			free(name);
			continue;
		}
		struct mr_file_fact from;
		int env;
		char *value = var_value(facts, name, &from, &env);
		if (value) {
			char *file = mr_xstrndup(from.file, (size_t)from.file_len);
			int trailer = !env && var_in_file(facts, "libvirtd.args_trailer", name, file);
			char *where = mr_xasprintf(
				"%s from %s%s%s", name, env ? "Environment= in " : "",
				mr_fact_path_shown(from.file, from.file_len),
				trailer ? ", text after its closing quote part of the value to systemd" : "");
			argv_words(&c, value, braced, where);
			free(where);
			free(file);
		}
		free(value);
		free(name);
	}
	argv_fail(plan, &c, "libvirtd.service", origin);
	free(in_exec);
}

/* One variable the ExecStart in effect passes, in the socket world: its
 * value, the options file and variable migready edits aside where it does
 * (edits: plan_listen_flag takes --listen out of it). */
static void check_var_listen(struct mr_plan *plan, const char *var, int edits,
                             const char *origin)
{
	const struct mr_facts *facts = mr_plan_facts(plan);
	struct mr_file_fact from;
	int env;
	char *value = var_value(facts, var, &from, &env);
	int mine = !env && edits && mr_file_fact_is(&from, mr_facts_libvirtd_defaults(facts)) &&
	           !strcmp(var, edited_var(facts, NULL));
	if (value && !mine && words_listen(value))
		mr_plan_fail(plan, "libvirtd.listen_flag", origin,
		             "libvirtd.service would start libvirtd with --listen (%s from %s%s), "
		             "which socket activation refuses: remove it there",
		             var, env ? "Environment= in " : "",
		             mr_fact_path_shown(from.file, from.file_len));
	free(value);
}

/* libvirtd.service's own lines may give --listen too, which socket
 * activation refuses: its ExecStart in effect, or a variable it passes. */
static void check_service_listen(struct mr_plan *plan, const struct service_exec *ex,
                                 int edits, const char *origin)
{
	const struct mr_facts *facts = mr_plan_facts(plan);
	if (exec_listens(ex))
		mr_plan_fail(plan, "libvirtd.listen_flag", origin,
		             "libvirtd.service would start libvirtd with --listen (ExecStart in %s), "
		             "which socket activation refuses: remove it there",
		             mr_fact_path_shown(ex->last.file, ex->last.file_len));
	const char **vars = NULL;
	size_t n = facts ? mr_facts_get_all(facts, "libvirtd.args_var", &vars) : 0;
	for (size_t i = 0; i < n; i++)
		check_var_listen(plan, vars[i], edits, origin);
	free(vars);
}

/* Whether words are empty or --listen alone (in a spelling libvirtd reads). */
static int single_listen_word(const char *words)
{
	char w[256];
	const char *p = unit_word(words, w, sizeof(w));
	return !p || (!unit_word(p, w, sizeof(w)) && words_listen(words));
}

/* The file libvirtd's words (blanks apart) give --config (-f) in any
 * spelling, the last one (libvirtd reads that), into out (cap bytes, an
 * expansion left as written); 0 if none does. */
static int words_config(const char *words, char *out, size_t cap)
{
	struct mr_optscan scan = { .spec = &mr_libvirtd_opts };
	char w[256];
	const char *arg;
	size_t al;
	int found = 0;
	for (const char *p = words; (p = unit_word(p, w, sizeof(w)));) {
		if (mr_optscan_arg(&scan, "config", w, strlen(w), &arg, &al)) {
			snprintf(out, cap, "%.*s", (int)al, arg);
			found = 1;
		}
	}
	return found;
}

/* The daemon of units started with --config file reads file: unless that
 * is its conf file, each key of table the profile sets fails, never green
 * (the plan writes it where it is not read); how says where --config is. */
static void fail_conf_elsewhere(struct mr_plan *plan, const struct mr_profile *profile,
                                const struct mr_conf_key *table, size_t n,
                                const struct world_units *units, const char *file,
                                const char *how)
{
	if (!strcmp(file, units->conf))
		return;
	int dn = (int)(strlen(units->service) - strlen(".service"));
	for (size_t i = 0; i < n; i++) {
		const struct mr_setting *s = mr_profile_get(profile, "libvirtd", table[i].key);
		if (!s || table[i].type == MR_CONF_PLAN)
			continue;
		char *origin = mr_plan_origin_of(s);
		char *setting = mr_xasprintf("libvirtd.%s", table[i].key);
		mr_plan_fail(plan, setting, origin,
		             "%s starts %.*s with --config %s (%s): %.*s reads that file, not %s, "
		             "where %s is written",
		             units->service, dn, units->service, file, how, dn, units->service,
		             units->conf, table[i].key);
		free(setting);
		free(origin);
	}
}

/* libvirtd started with --config FILE reads FILE, not libvirtd.conf, where
 * the plan writes table's keys: each the profile sets fails, never green.
 * Found in the ExecStart in effect, or a variable it passes. */
static void check_config_flag(struct mr_plan *plan, const struct mr_profile *profile,
                              const struct service_exec *ex, const struct mr_conf_key *table,
                              size_t n)
{
	const struct mr_facts *facts = mr_plan_facts(plan);
	char file[256];
	char *where = NULL;
	const char *args = exec_args(ex);
	if (args && words_config(args, file, sizeof(file)))
		where = mr_xasprintf("ExecStart in %s",
		                     mr_fact_path_shown(ex->last.file, ex->last.file_len));
	const char **vars = NULL;
	size_t nv = facts ? mr_facts_get_all(facts, "libvirtd.args_var", &vars) : 0;
	for (size_t i = 0; i < nv && !where; i++) {
		struct mr_file_fact from;
		int env;
		char *value = var_value(facts, vars[i], &from, &env);
		if (value && words_config(value, file, sizeof(file)))
			where = mr_xasprintf("%s from %s%s", vars[i], env ? "Environment= in " : "",
			                     mr_fact_path_shown(from.file, from.file_len));
		free(value);
	}
	free(vars);
	if (where)
		fail_conf_elsewhere(plan, profile, table, n, &units_libvirtd, file, where);
	free(where);
}

/* virtproxyd (libvirtd's options) started with --config FILE: the same.
 * The probe gives the words of its ExecStart in effect with
 * $VIRTPROXYD_ARGS as its options file sets it; with another variable
 * there, the file is not known, and that is said. */
static void check_proxy_config(struct mr_plan *plan, const struct mr_profile *profile)
{
	const struct mr_facts *facts = mr_plan_facts(plan);
	const char *args = facts ? mr_facts_get(facts, "virtproxyd.args") : NULL;
	char file[256];
	if (args && words_config(args, file, sizeof(file)))
		fail_conf_elsewhere(plan, profile, socket_conf_keys, MR_ARRAY_LEN(socket_conf_keys),
		                    &units_modular, file, "its ExecStart, with VIRTPROXYD_ARGS");
	else if (facts && mr_facts_get(facts, "virtproxyd.args_unknown"))
		mr_plan_unchecked(plan, "libvirtd.virtproxyd_config",
		                  "the options virtproxyd.service starts virtproxyd with");
	/* virtproxyd has no --listen (libvirt dropped it there): it refuses
	 * the option and exits, whatever its sockets say; so it does any
	 * other word its option parsing refuses */
	char *origin = origin_or(listener_origin(profile), "");
	if (args && words_listen(args)) {
		mr_plan_fail(plan, "libvirtd.listen_flag", origin,
		             "virtproxyd.service starts virtproxyd with '%s': virtproxyd has no "
		             "--listen, refuses it and does not start; remove it from VIRTPROXYD_ARGS",
		             args);
	} else if (args && !mr_facts_get(facts, "virtproxyd.args_unknown")) {
		struct argv_check c;
		argv_check_init(&c, "virtproxyd", &virtproxyd_opts);
		argv_words(&c, args, 0, "its ExecStart, with VIRTPROXYD_ARGS");
		argv_fail(plan, &c, "virtproxyd.service", origin);
	}
	free(origin);
}

/* Legacy: --listen in the options file reaches libvirtd only if the
 * unit reads that file (EnvironmentFile=) and its ExecStart passes the
 * variable, unless that ExecStart says --listen itself. */
static void check_service_reads(struct mr_plan *plan, const struct service_exec *ex,
                                const char *defaults, const char *origin)
{
	const struct mr_facts *facts = mr_plan_facts(plan);
	if (!facts || !mr_facts_get(facts, "service.libvirtd.service.file") || exec_listens(ex))
		return;
	int passed;
	const char *var = edited_var(facts, &passed);
	struct mr_file_fact later;
	if (!ex->n)
		mr_plan_fail(plan, "libvirtd.listen_flag", origin,
		             "libvirtd.service has no ExecStart= in effect: libvirtd would not start");
	else if (!passed)
		mr_plan_fail(plan, "libvirtd.listen_flag", origin,
		             "libvirtd.service's ExecStart (in %s) passes neither LIBVIRTD_ARGS nor "
		             "libvirtd_opts%s: --listen in %s would not reach libvirtd",
		             mr_fact_path_shown(ex->last.file, ex->last.file_len),
		             mr_facts_get(facts, "libvirtd.args_var") ? " (only variables migready "
		                                                          "does not edit)"
		                                                        : "",
		             defaults);
	else if (!mr_facts_has(facts, "libvirtd.envfile", defaults))
		mr_plan_fail(plan, "libvirtd.listen_flag", origin,
		             "libvirtd.service reads no EnvironmentFile=%s: --listen there would not "
		             "reach libvirtd",
		             defaults);
	else if (args_value(facts, var, &later) && !mr_file_fact_is(&later, defaults) &&
	         !words_listen(later.rest))
		mr_plan_fail(plan, "libvirtd.listen_flag", origin,
		             "%s sets %s again, read after %s: libvirtd gets '%s', without --listen",
		             mr_fact_path_shown(later.file, later.file_len), var, defaults, later.rest);
	else if (args_value(facts, var, &later) && mr_file_fact_is(&later, defaults) &&
	         var_in_file(facts, "libvirtd.args_trailer", var, defaults))
		mr_plan_fail(plan, "libvirtd.listen_flag", origin,
		             "%s: text after the closing quote of %s is part of its value to systemd "
		             "(a comment there is none): libvirtd gets '%s'",
		             defaults, var, later.rest);
	else if (mr_facts_has(facts, "libvirtd.args_braced", var) && args_value(facts, var, &later) &&
	         !single_listen_word(later.rest))
		mr_plan_fail(plan, "libvirtd.listen_flag", origin,
		             "libvirtd.service passes ${%s} as one argument: with %s and --listen in "
		             "it, libvirtd gets one word it refuses; pass $%s, or leave --listen alone "
		             "there",
		             var, later.rest, var);
	else if (var_in_file(facts, "libvirtd.args_export", var, defaults))
		mr_plan_fail(plan, "libvirtd.listen_flag", origin,
		             "%s sets %s on an export line, which systemd's EnvironmentFile= "
		             "ignores: write it as %s=...",
		             defaults, var, var);
}

/* libvirtd.conf's listen_tcp or listen_tls as the probe read it: 1 on,
 * 0 off, dflt where the file does not set it; *conf the file's text. */
static int conf_flag_on(const struct mr_facts *facts, const char *key, int dflt,
                        const char **conf)
{
	char *fact = mr_xasprintf("libvirtd.%s", key);
	*conf = facts ? mr_facts_get(facts, fact) : NULL;
	free(fact);
	if (!*conf)
		return dflt;
	int value = mr_parse_bool(*conf);
	return value == 1 || (value < 0 && strtol(*conf, NULL, 10) != 0);
}

static void check_tls_files(struct mr_plan *plan, const char *item, const char *origin,
                            int server, const struct world_units *units, const char *why);

static void plan_legacy(struct mr_plan *plan, const struct mr_profile *profile,
                        int explicit_defaults)
{
	const struct mr_facts *facts = mr_plan_facts(plan);
	struct mr_plan_unit *service = mr_plan_unit(plan, "libvirtd.service");
	mr_res_plan_conf(plan, profile, "libvirtd", units_libvirtd.conf, service, libvirtd_keys,
	                 MR_ARRAY_LEN(libvirtd_keys), explicit_defaults);
	const struct mr_setting *tcp = mr_profile_get(profile, "libvirtd", "listen_tcp");
	const struct mr_setting *tls = mr_profile_get(profile, "libvirtd", "listen_tls");
	const struct mr_setting *named = listener_origin(profile);
	if (!tcp && !tls)
		return;
	char *origin = origin_or(named, "");
	int listen = (tcp && mr_setting_bool(tcp)) || (tls && mr_setting_bool(tls));
	const char *defaults = facts ? mr_facts_libvirtd_defaults(facts) : NULL;
	/* --listen opens TLS too where listen_tls is on: without the server's
	 * files libvirtd would not start, so --listen is not added (the
	 * listener's failure below says so) */
	const char *tls_conf = NULL;
	int tls_after = tls ? mr_setting_bool(tls) : conf_flag_on(facts, "listen_tls", 1, &tls_conf);
	int held_back = listen && tls_after && server_tls_missing(facts, &units_libvirtd);
	if (!defaults)
		mr_plan_fail(plan, "libvirtd.listen_flag", origin,
		             "cannot tell where this host keeps libvirtd's options "
		             "(/etc/default/libvirtd or /etc/sysconfig/libvirtd)");
	else if (!held_back)
		plan_listen_flag(plan, defaults, listen, origin, service);
	struct service_exec ex = service_exec(facts);
	check_service_exec(plan, &ex, origin);
	check_service_argv(plan, &ex, origin);
	check_config_flag(plan, profile, &ex, libvirtd_keys, MR_ARRAY_LEN(libvirtd_keys));
	if (listen)
		check_envfiles_read(plan, origin);
	if (listen && defaults)
		check_service_reads(plan, &ex, defaults, origin);
	/* libvirtd --listen binds listen_addr: the loopback is no listener for
	 * the other hosts (virconf reads the first, as the probe does) */
	const char *addr = facts ? mr_facts_get(facts, "libvirtd.listen_addr") : NULL;
	size_t an = 0;
	const char *bare = addr ? mr_res_conf_unquoted(addr, &an) : NULL;
	/* a name: libvirtd binds every address the host resolves it to */
	const char *ip = mr_res_name_loopback(facts, "libvirtd.listen_addr_ip");
	if (listen && addr && mr_addr_is_loopback(bare, an))
		mr_plan_fail(plan, "libvirtd.listen_addr", origin,
		             "%s sets listen_addr = %s: libvirtd would listen on the loopback "
		             "only, and other hosts cannot connect",
		             units_libvirtd.conf, addr);
	else if (listen && addr && ip)
		mr_plan_fail(plan, "libvirtd.listen_addr", origin,
		             "%s sets listen_addr = %s, which this host resolves to %s (its /etc/hosts "
		             "or DNS): libvirtd would listen on the loopback only, and other hosts "
		             "cannot connect",
		             units_libvirtd.conf, addr, ip);
	if (listen) {
		mr_plan_unit_want(service, MR_ENABLE_YES, 1, "libvirtd.listener", origin);
		/* With --listen, libvirtd refuses to start if it is socket-activated:
		 * its sockets must stay off (masked, as libvirt documents). */
		static const char *const sockets[] = { "libvirtd.socket", "libvirtd-ro.socket",
			                                   "libvirtd-admin.socket", "libvirtd-tcp.socket",
			                                   "libvirtd-tls.socket" };
		for (size_t i = 0; facts && i < MR_ARRAY_LEN(sockets); i++) {
			if (mr_facts_unit(facts, sockets[i]).present != 1)
				continue;
			struct mr_plan_unit *u = mr_plan_unit(plan, sockets[i]);
			mr_plan_unit_want(u, MR_ENABLE_MASK, 0, "libvirtd.listener", origin);
		}
	}
	/* --listen opens the TLS port too unless listen_tls is off (libvirt's
	 * default is on), and libvirtd does not start without the server's
	 * TLS files: a profile that asks for TCP only must say listen_tls = 0
	 * (where it sets listen_tls, check_connections looks at the files) */
	if (listen && !tls && tls_after) {
		char *why = mr_xasprintf("libvirtd --listen also listens on TLS (listen_tls is %s%s; "
		                         "set listen_tls = 0 for TCP only), and would not start",
		                         tls_conf ? tls_conf : "1, libvirt's default",
		                         tls_conf ? " in /etc/libvirt/libvirtd.conf" : "");
		check_tls_files(plan, "libvirtd.listener_tls", origin, 1, &units_libvirtd, why);
		free(why);
	}
	free(origin);
}

/* Why the listener a transport needs stays closed once the plan is
 * applied, or NULL: the profile turns it off; or it leaves it alone and
 * the host has it off (a socket neither enabled nor active; legacy:
 * libvirtd.conf's value, or libvirt's default, or no --listen at all). */
static char *listener_closed(const struct mr_plan *plan, const struct mr_profile *profile,
                             enum mr_libvirt_world w, const struct world_units *units, int tls)
{
	const struct mr_facts *facts = mr_plan_facts(plan);
	const char *key = tls ? "listen_tls" : "listen_tcp";
	const struct mr_setting *on = mr_profile_get(profile, "libvirtd", key);
	if (on) {
		if (mr_setting_bool(on))
			return NULL;
		return mr_xasprintf("%s = %s keeps it closed", key, on->value);
	}
	if (w != MR_WORLD_LEGACY) {
		const char *socket = tls ? units->tls : units->tcp;
		if (facts && mr_unit_state_on(mr_facts_unit(facts, socket)))
			return NULL;
		return mr_xasprintf("the profile does not set %s, and %s is neither enabled nor "
		                    "active on this host",
		                    key, socket);
	}
	const struct mr_setting *other =
		mr_profile_get(profile, "libvirtd", tls ? "listen_tcp" : "listen_tls");
	if (!other || !mr_setting_bool(other))
		return mr_xasprintf("the profile does not set %s, and with %s = %s libvirtd runs "
		                    "without --listen",
		                    key, tls ? "listen_tcp" : "listen_tls", other ? other->value : "");
	const char *conf;
	if (conf_flag_on(facts, key, tls, &conf)) /* libvirt's defaults: tls 1, tcp 0 */
		return NULL;
	return conf ? mr_xasprintf("the profile does not set %s, and %s sets it to %s", key,
	                           units_libvirtd.conf, conf)
	            : mr_xasprintf("the profile does not set %s, and libvirt's default is 0", key);
}

/* libvirt's TLS files: a TLS listener's daemon does not start without
 * the server's, a TLS client does not connect without its own. Where the
 * daemon's conf file names other files (ca_file, cert_file, key_file
 * of libvirtd.conf, or virtproxyd.conf with modular daemons), or the
 * probe says nothing of one, they are not examined, and that is said;
 * all three found, the item passes. */
static const struct {
	const char *key, *server, *client;
} tls_files[] = {
	{ "ca_file", "/etc/pki/CA/cacert.pem", "/etc/pki/CA/cacert.pem" },
	{ "cert_file", "/etc/pki/libvirt/servercert.pem", "/etc/pki/libvirt/clientcert.pem" },
	{ "key_file", "/etc/pki/libvirt/private/serverkey.pem",
	  "/etc/pki/libvirt/private/clientkey.pem" },
};

enum tls_file_state { TLS_ELSEWHERE, TLS_ABSENT, TLS_PRESENT, TLS_UNKNOWN };

/* File i of tls_files, the server's or the client's: *path it, or where
 * the daemon's conf names another (ca_file... = *path, not examined). */
static enum tls_file_state tls_file(const struct mr_facts *facts, const struct world_units *units,
                                    int server, size_t i, const char **path)
{
	char *conf_key = mr_xasprintf("%s.%s", units == &units_modular ? "virtproxyd" : "libvirtd",
	                              tls_files[i].key);
	const char *other = server ? mr_facts_get(facts, conf_key) : NULL;
	free(conf_key);
	if (other) {
		*path = other;
		return TLS_ELSEWHERE;
	}
	*path = server ? tls_files[i].server : tls_files[i].client;
	int st = mr_facts_file_state(facts, "tls.file", *path);
	return st == 0 ? TLS_ABSENT : st == 1 ? TLS_PRESENT : TLS_UNKNOWN;
}

/* Whether the probe found a file of the server's missing: its daemon
 * would not start with a TLS listener, so apply does not turn one on. */
static int server_tls_missing(const struct mr_facts *facts, const struct world_units *units)
{
	const char *path;
	for (size_t i = 0; facts && i < MR_ARRAY_LEN(tls_files); i++)
		if (tls_file(facts, units, 1, i, &path) == TLS_ABSENT)
			return 1;
	return 0;
}

static void check_tls_files(struct mr_plan *plan, const char *item, const char *origin,
                            int server, const struct world_units *units, const char *why)
{
	const struct mr_facts *facts = mr_plan_facts(plan);
	struct mr_buf missing, present;
	mr_buf_init(&missing);
	mr_buf_init(&present);
	size_t n_missing = 0, n_present = 0;
	for (size_t i = 0; facts && i < MR_ARRAY_LEN(tls_files); i++) {
		const char *path;
		enum tls_file_state st = tls_file(facts, units, server, i, &path);
		if (st == TLS_ELSEWHERE) {
			mr_plan_uncheckedf(plan, "libvirtd.tls_files",
			                   "%s %s = %s", units->conf, tls_files[i].key, path);
		} else if (st == TLS_ABSENT) {
			mr_buf_printf(&missing, "%s%s", n_missing++ ? ", " : "", path);
		} else if (st == TLS_PRESENT) {
			mr_buf_printf(&present, "%s%s", n_present++ ? ", " : "", path);
		} else {
			mr_plan_unchecked(plan, "libvirtd.tls_files", path);
		}
	}
	if (n_missing)
		mr_plan_fail(plan, item, origin, "%s: %s %s missing (migready does not manage "
		             "certificates)%s", why, missing.data, n_missing > 1 ? "are" : "is",
		             server ? "; apply does not turn that listener on until they are there" : "");
	else if (n_present == MR_ARRAY_LEN(tls_files)) {
		mr_plan_passed(plan, item, origin, server ? "the server's TLS files" : "the client's TLS files",
		               "%s are on the host", present.data);
		/* libvirtd refuses to start on a file that is no certificate, a
		 * key of another pair or an expired one: said, never green */
		mr_plan_uncheckedf(plan, "libvirtd.tls_contents",
		                   "%s: whether libvirt loads them (certificates, their key "
		                   "pair, CA chain, expiry, the peers' names)",
		                   present.data);
	}
	mr_buf_fini(&missing);
	mr_buf_fini(&present);
}

/* auth_tcp = sasl (libvirt's default) asks a TCP client for SASL
 * credentials: with peer-to-peer migration (nova's) the migrating
 * libvirtd, root's, is that client, and libvirt finds them in auth.conf.
 * The value: the profile's, else the daemon's conf file's, else sasl. */
/* The last value auth.conf's group gives key (see the probe), or NULL;
 * *hosts counts the groups of one peer ([auth-libvirt-HOST]) seen. */
static const char *auth_conf_value(const char **lines, size_t n, const char *group,
                                   const char *key, size_t *hosts)
{
	const char *value = NULL;
	size_t gn = strlen(group), kn = strlen(key);
	for (size_t i = 0; i < n; i++) {
		const char *l = lines[i];
		if (hosts && !strncmp(l, "auth-libvirt-", 13) && strncmp(l, "auth-libvirt-default ", 21))
			(*hosts)++;
		if (!strncmp(l, group, gn) && l[gn] == ' ' && !strncmp(l + gn + 1, key, kn) &&
		    l[gn + 1 + kn] == ' ')
			value = l + gn + 2 + kn;
	}
	return value;
}

/* SASL's password mechanisms: the migrating libvirtd (a client, peer to
 * peer) takes its authname and password from auth.conf, from the
 * credentials its [auth-libvirt-default] group names (or a peer's own
 * group, whose names are not known here). The peers' SASL database is
 * not read. */
static void check_sasl_credentials(struct mr_plan *plan, const struct mr_facts *facts,
                                   const char *origin, const char *why)
{
	const char *file = mr_facts_get(facts, "libvirt.auth_conf");
	if (mr_facts_get(facts, "libvirt.auth_unread")) {
		mr_plan_uncheckedf(plan, "libvirtd.sasl_credentials", "%s cannot be read", file);
		return;
	}
	const char **lines = NULL;
	size_t n = mr_facts_get_all(facts, "libvirt.auth_key", &lines), hosts = 0;
	const char *cred = auth_conf_value(lines, n, "auth-libvirt-default", "credentials", &hosts);
	char *problem = NULL;
	if (!cred && !hosts)
		problem = mr_xstrdup("no [auth-libvirt-default] group names credentials");
	if (cred) {
		char *group = mr_xasprintf("credentials-%s", cred);
		int named = 0;
		for (size_t i = 0; i < n && !named; i++)
			named = !strncmp(lines[i], group, strlen(group)) && lines[i][strlen(group)] == ' ';
		const char *authname = auth_conf_value(lines, n, group, "authname", NULL);
		const char *password = auth_conf_value(lines, n, group, "password", NULL);
		if (!named)
			problem = mr_xasprintf("[auth-libvirt-default] names credentials '%s', and there is "
			                       "no [%s] group",
			                       cred, group);
		else if (!authname || !*authname || !password)
			problem = mr_xasprintf("[%s] gives no %s%s%s", group,
			                       !authname || !*authname ? "authname" : "",
			                       (!authname || !*authname) && !password ? " and no " : "",
			                       !password ? "password" : "");
		free(group);
	}
	if (problem)
		mr_plan_fail(plan, "libvirtd.auth_tcp", origin,
		             "%s, and auth_tcp = sasl wants the migrating libvirtd's SASL credentials "
		             "from %s, but %s: it cannot log in to its peers",
		             why, file, problem);
	else {
		mr_plan_uncheckedf(plan, "libvirtd.sasl_credentials",
		                   "%s: the peers' SASL users and passwords%s", file,
		                   hosts ? ", and the credentials of a peer's own group" : "");
	}
	free(problem);
	free(lines);
}

static void check_sasl_client(struct mr_plan *plan, const struct mr_profile *profile,
                              const struct world_units *units, const char *why)
{
	const struct mr_facts *facts = mr_plan_facts(plan);
	const struct mr_setting *auth = mr_profile_get(profile, "libvirtd", "auth_tcp");
	const char *value = auth ? auth->value
	                         : mr_facts_get(facts, units == &units_modular ? "virtproxyd.auth_tcp"
	                                                                       : "libvirtd.auth_tcp");
	size_t n = 4;
	const char *plain = value ? mr_res_conf_unquoted(value, &n) : "sasl";
	if (n != 4 || strncmp(plain, "sasl", 4) != 0)
		return; /* none; the host's other values fail in check_host_conf */
	/* GSSAPI (Kerberos, libvirt's shipped mech_list) takes a keytab and
	 * tickets; auth.conf serves the other mechanisms */
	const char *mechs = mr_facts_get(facts, "libvirt.sasl_mechs");
	int gssapi = 0, others = 0, creds = mr_facts_get(facts, "libvirt.auth_conf") != NULL;
	for (const char *m = mechs; m && *m;) {
		m += strspn(m, " \t,");
		size_t mn = strcspn(m, " \t,");
		if (mn == 6 && !strncasecmp(m, "gssapi", 6))
			gssapi = 1;
		else if (mn)
			others = 1;
		m += mn;
	}
	const char *keytab = mr_facts_get(facts, "libvirt.sasl_keytab");
	size_t kn = keytab ? strcspn(keytab, " ") : 0;
	int kerberos = gssapi && (!others || !creds);
	if (kerberos && !(keytab && !strcmp(keytab + kn, " absent"))) {
		/* tickets and keytab entries are not examined */
		mr_plan_uncheckedf(plan, "libvirtd.sasl_kerberos",
		                   "/etc/sasl2/libvirt.conf mech_list:%s", mechs);
		return;
	}
	char *origin = auth ? mr_plan_origin_of(auth) : origin_or(listener_origin(profile), "");
	if (!kerberos && creds) {
		check_sasl_credentials(plan, facts, origin, why);
		free(origin);
		return;
	}
	const char *source = auth ? "the profile's" : value ? units->conf : "libvirt's default";
	if (kerberos)
		mr_plan_fail(plan, "libvirtd.auth_tcp", origin,
		             "%s, and auth_tcp = sasl (%s) asks for Kerberos "
		             "(/etc/sasl2/libvirt.conf mech_list:%s), but the keytab %.*s is not on "
		             "this host: its libvirt accepts no Kerberos login",
		             why, source, mechs, (int)kn, keytab);
	else
		mr_plan_fail(plan, "libvirtd.auth_tcp", origin,
		             "%s, and auth_tcp = sasl (%s) wants SASL credentials of the migrating "
		             "libvirtd: neither /etc/libvirt/auth.conf nor "
		             "/root/.config/libvirt/auth.conf is on this host",
		             why, source);
	free(origin);
}

/* Whether libvirtd bound to listen_addr bare[0..an) listens at inbound:
 * 1, or 0 (*shown: the first address this host gives that name, or NULL),
 * or -1 where a name makes it unknown here (the inbound address one, or
 * listen_addr one that /etc/hosts does not give). */
static int binds_inbound(const struct mr_facts *facts, const char *bare, size_t an,
                         const char *inbound, const char **shown)
{
	unsigned char want[16], have[16];
	size_t in_n = strlen(inbound);
	*shown = NULL;
	if (!mr_addr_parse(inbound, in_n, want))
		return an == in_n && !strncasecmp(bare, inbound, an) ? 1 : -1;
	if (mr_addr_parse(bare, an, have))
		return !memcmp(want, have, 16);
	const char **ips = NULL;
	size_t n = mr_facts_get_all(facts, "libvirtd.listen_addr_ip", &ips);
	int bound = 0;
	for (size_t i = 0; i < n && !bound; i++)
		bound = mr_addr_parse(ips[i], strlen(ips[i]), have) && !memcmp(want, have, 16);
	*shown = n ? ips[0] : NULL;
	free(ips);
	return bound ? 1 : n ? 0 : -1;
}

/* Whether a socket with st's values in effect listens at inbound, as
 * binds_inbound answers (*shown: a value that binds another address). */
static int socket_binds_inbound(const struct listen_state *st, const char *inbound,
                                const char **shown)
{
	unsigned char want[16], have[16];
	int known = inbound && mr_addr_parse(inbound, strlen(inbound), want);
	*shown = NULL;
	if (st->n > MR_ARRAY_LEN(st->value))
		return -1;
	for (size_t i = 0; i < st->n; i++) {
		const char *v = st->value[i];
		const char *colon = strrchr(v, ':');
		if (!colon)
			return 1; /* the port alone: every address */
		size_t an = (size_t)(colon - v);
		if (mr_addr_is_any(v, an))
			return 1;
		if (!mr_addr_parse(v, an, have))
			known = 0;
		else if (known && !memcmp(want, have, 16))
			return 1;
		if (!*shown)
			*shown = v;
	}
	return known ? 0 : -1;
}

static void report_inbound_unknown(struct mr_plan *plan, const char *item, const char *bound,
                                   const char *inbound)
{
	char *where = inbound ? mr_xasprintf("%s, live_migration_inbound_addr = %s", bound, inbound)
	                      : mr_xasprintf("%s, live_migration_inbound_addr unset (the peers "
	                                     "connect to this host's name)",
	                                     bound);
	mr_plan_unchecked(plan, item, where);
	free(where);
}

/* A socket world: the socket nova's transport reaches binds addresses of
 * its ListenStream lines only (systemd takes no names there). */
static void check_inbound_socket(struct mr_plan *plan, const struct mr_profile *profile,
                                 const struct world_units *units,
                                 const struct mr_nova_migration *m, const char *origin)
{
	const struct mr_facts *facts = mr_plan_facts(plan);
	int tls = !strcmp(m->transport, "tls");
	const char *socket = tls ? units->tls : units->tcp;
	const struct mr_res_listener *pk = tls ? tls_port_key : tcp_port_key;
	const struct mr_setting *port = mr_profile_get(profile, "libvirtd", pk->port);
	struct listen_state st;
	if (!socket_as_planned(facts, socket, port, pk, &st))
		return;
	if (st.bad || !st.n) {
		free(st.mine);
		return; /* failed as libvirtd.listen_port */
	}
	const char *shown;
	int binds = socket_binds_inbound(&st, m->inbound, &shown);
	const char *item = tls ? "libvirtd.listener_tls" : "libvirtd.listener";
	char *from = listen_where(st.value_at[0]);
	if (binds == 0)
		mr_plan_fail(plan, item, origin,
		             "%s listens at %s (ListenStream in %s)%s, but nova's peers connect to "
		             "this host at %s (%s): live migration to this host cannot connect",
		             socket, shown, from, st.n > 1 ? " and other addresses" : "", m->inbound,
		             m->inbound_because);
	if (binds < 0) {
		char *bound = mr_xasprintf("%s ListenStream = %s", from, shown);
		report_inbound_unknown(plan, item, bound, m->inbound);
		free(bound);
	}
	free(from);
	free(st.mine);
}

/* A legacy libvirtd binds listen_addr only, which must be that address. */
static void check_inbound_legacy(struct mr_plan *plan, const struct mr_nova_migration *m,
                                 const char *origin)
{
	const struct mr_facts *facts = mr_plan_facts(plan);
	const char *addr = facts ? mr_facts_get(facts, "libvirtd.listen_addr") : NULL;
	if (!addr)
		return;
	size_t an = 0;
	const char *bare = mr_res_conf_unquoted(addr, &an);
	if (mr_addr_is_any(bare, an) || mr_addr_is_loopback(bare, an))
		return; /* every address; the loopback fails libvirtd.listen_addr */
	const char *shown = NULL;
	int binds = m->inbound ? binds_inbound(facts, bare, an, m->inbound, &shown) : -1;
	if (binds == 0)
		mr_plan_fail(plan, "libvirtd.listen_addr", origin,
		             "%s sets listen_addr = %s%s%s%s: libvirtd listens there only, but nova's "
		             "peers connect to this host at %s (%s): live migration to this host "
		             "cannot connect",
		             units_libvirtd.conf, addr, shown ? " (" : "", shown ? shown : "",
		             shown ? " here)" : "", m->inbound, m->inbound_because);
	else if (binds > 0)
		mr_plan_passed(plan, "libvirtd.listen_addr", origin, addr,
		               "nova's peers connect to this host at %s (%s), where libvirtd listens",
		               m->inbound, m->inbound_because);
	if (binds < 0) {
		/* a name on either side: what the peers resolve it to is not known here */
		char *bound = mr_xasprintf("%s listen_addr = %s", units_libvirtd.conf, addr);
		report_inbound_unknown(plan, "libvirtd.listen_addr", bound, m->inbound);
		free(bound);
	}
}

/* nova's peers migrate to this host at its live_migration_inbound_addr
 * (at its name when unset): the loopback there is each peer's own, and a
 * listener bound to one address must be bound to that one. */
static void check_inbound(struct mr_plan *plan, const struct mr_profile *profile,
                          enum mr_libvirt_world w, const struct world_units *units,
                          const struct mr_nova_migration *m, int listener, const char *origin)
{
	if (m->inbound_unknown) {
		mr_plan_uncheckedf(plan, "libvirtd.inbound",
		                   "where nova's peers migrate to this host: %s",
		                   m->inbound_because);
		return;
	}
	if (m->inbound && mr_addr_is_loopback(m->inbound, strlen(m->inbound))) {
		mr_plan_fail(plan, "libvirtd.listener", origin,
		             "nova's peers migrate to this host at %s (%s), the loopback, each peer's "
		             "own: live migration to this host cannot connect",
		             m->inbound, m->inbound_because);
		return;
	}
	if (!listener)
		return;
	if (w == MR_WORLD_LEGACY)
		check_inbound_legacy(plan, m, origin);
	else
		check_inbound_socket(plan, profile, units, m, origin);
}

/* What a connection to this host's libvirt, or from it, needs beyond
 * the listener: a TLS listener, the server's TLS files; the listener
 * nova-compute connects to for a live migration (its live_migration_uri,
 * or live_migration_scheme) must be the one the profile opens, on the
 * port it opens (a green listener on the other transport, or port, is no
 * migration), and over TLS this host needs its client's files. */
static void check_connections(struct mr_plan *plan, const struct mr_profile *profile,
                                 enum mr_libvirt_world w, const struct world_units *units)
{
	const struct mr_setting *tls_on = mr_profile_get(profile, "libvirtd", "listen_tls");
	if (tls_on && mr_setting_bool(tls_on)) {
		char *o = mr_plan_origin_of(tls_on);
		check_tls_files(plan, "libvirtd.listener_tls", o, 1, units,
		                "libvirt's daemon would not start to answer on its TLS port");
		free(o);
	}
	int claimed = mr_profile_get(profile, "libvirtd", "listen_tcp") ||
	              mr_profile_get(profile, "libvirtd", "listen_tls");
	struct mr_nova_migration m;
	int found = mr_res_nova_migration(plan, profile, &m);
	if (found == 0)
		return;
	char *origin = origin_or(listener_origin(profile), "");
	int tcp_or_tls = found > 0 && (!strcmp(m.transport, "tls") || !strcmp(m.transport, "tcp"));
	if (found > 0 && !tcp_or_tls) {
		/* ssh, libssh2...: no listener of libvirt's, but a login of
		 * nova-compute's (root's, by default) to each peer that migready
		 * does not examine: said so, never green, whatever the profile
		 * claims of the listeners */
		mr_plan_uncheckedf(plan, "libvirtd.transport",
		                   "nova-compute connects to the destination's libvirt over %s "
		                   "(%s), a login not examined",
		                   m.transport, m.because);
	}
	if (!claimed)
		goto out; /* no listener claimed: nothing to judge it by */
	check_inbound(plan, profile, w, units, &m, tcp_or_tls, origin);
	if (found < 0) {
		mr_plan_fail(plan, "libvirtd.listener", origin,
		             "cannot tell which libvirt listener nova-compute connects to: %s",
		             m.because);
		goto out;
	}
	if (!tcp_or_tls)
		goto out;
	int tls = !strcmp(m.transport, "tls");
	/* what this host brings as the client: TLS files, SASL credentials */
	char *why = mr_xasprintf("nova-compute connects to the destination's libvirt over %s (%s)%s",
	                         m.transport, m.because, tls ? ", as this host's client" : "");
	if (tls)
		check_tls_files(plan, "libvirtd.tls_client", origin, 0, units, why);
	else
		check_sasl_client(plan, profile, units, why);
	free(why);
	const char *item = tls ? "libvirtd.listener_tls" : "libvirtd.listener";
	const struct mr_setting *on =
		mr_profile_get(profile, "libvirtd", tls ? "listen_tls" : "listen_tcp");
	char *closed = listener_closed(plan, profile, w, units, tls);
	if (closed && on) {
		free(origin);
		origin = mr_plan_origin_of(on);
	}
	if (closed)
		mr_plan_fail(plan, item, origin,
		             "nova-compute connects to the destination's libvirt over %s (%s), but "
		             "%s: live migration cannot connect",
		             m.transport, m.because, closed);
	free(closed);
	const struct mr_res_listener *pk = tls ? tls_port_key : tcp_port_key;
	const struct mr_setting *port = mr_profile_get(profile, "libvirtd", pk->port);
	/* a URI without a port: libvirt's client uses its default */
	const char *listens = port ? port->value : pk->deflt;
	const char *whose = port ? "" : ", its default";
	/* the legacy daemon listens where its file says, where the profile
	 * does not set the port (sockets listen where their units say) */
	struct host_port hp = { 0 };
	if (!port && w == MR_WORLD_LEGACY)
		hp = legacy_host_port(mr_plan_facts(plan), pk);
	if (hp.refused)
		goto out; /* failed by check_host_conf */
	char number[24];
	if (hp.value && hp.port) {
		snprintf(number, sizeof(number), "%ld", hp.port);
		listens = number;
		whose = ", as /etc/libvirt/libvirtd.conf sets it";
	}
	long connects = m.port ? m.port : strtol(pk->deflt, NULL, 10);
	if (hp.value && !hp.port) {
		char *what = mr_xasprintf("/etc/libvirt/libvirtd.conf's %s = %s", pk->port, hp.value);
		mr_plan_unchecked(plan, tls ? "libvirtd.listen_tls_port" : "libvirtd.listen_port", what);
		free(what);
	} else if (connects != strtol(listens, NULL, 10)) {
		char *port_origin = port ? mr_plan_origin_of(port) : mr_xstrdup(origin);
		mr_plan_fail(plan, tls ? "libvirtd.listen_tls_port" : "libvirtd.listen_port",
		             port_origin,
		             "nova-compute connects to port %ld (%s%s), but libvirt listens on %s%s: "
		             "live migration cannot connect",
		             connects, m.because, m.port ? "" : "; no port in the URI: libvirt's default",
		             listens, whose);
		free(port_origin);
	}
out:
	mr_nova_migration_fini(&m);
	free(origin);
}

/* The daemon reads the keys of libvirtd_keys from its conf file in every
 * world (daemonConfigLoadOptions; with sockets most take no effect) and
 * refuses the whole file, so does not start, over a value of the wrong
 * type. auth_tcp takes none, sasl and polkit only, and polkit cannot
 * tell who a TCP client is: every TCP login fails. written: the keys the
 * plan writes into that file. */
static void check_host_conf(struct mr_plan *plan, const struct mr_profile *profile,
                            const struct world_units *units, const struct mr_conf_key *written,
                            size_t n_written, const char *origin)
{
	const struct mr_facts *facts = mr_plan_facts(plan);
	const char *daemon = units == &units_modular ? "virtproxyd" : "libvirtd";
	int dn = (int)(strlen(units->service) - strlen(".service"));
	char *what = mr_xasprintf("%.*s refuses its configuration and does not start", dn,
	                          units->service);
	mr_res_check_host_conf(plan, profile, "libvirtd", daemon, units->conf, libvirtd_keys,
	                       MR_ARRAY_LEN(libvirtd_keys), written, n_written, origin, what);
	free(what);
	char *fact = mr_xasprintf("%s.auth_tcp", daemon);
	const char *v = facts ? mr_facts_get(facts, fact) : NULL;
	free(fact);
	if (!v || mr_profile_get(profile, "libvirtd", "auth_tcp") || host_refused("auth_tcp", v))
		return;
	size_t n;
	const char *plain = mr_res_conf_unquoted(v, &n);
	if (n == 4 && (!strncmp(plain, "none", 4) || !strncmp(plain, "sasl", 4)))
		return;
	char *where = mr_res_conf_where(facts, daemon, units->conf, "auth_tcp");
	if (n == 6 && !strncmp(plain, "polkit", 6))
		mr_plan_fail(plan, "libvirtd.auth_tcp", origin,
		             "%s sets auth_tcp = %s: polkit cannot identify a client over TCP, so "
		             "every TCP login, a live migration's included, fails to authenticate; "
		             "set auth_tcp = none or sasl",
		             where, v);
	else
		mr_plan_fail(plan, "libvirtd.auth_tcp", origin,
		             "%s sets auth_tcp = %s, which libvirt does not know (only none, sasl or "
		             "polkit, in lower case): %.*s refuses its configuration and does not "
		             "start",
		             where, v, dn, units->service);
	free(where);
}

static int libvirtd_plan(struct mr_plan *plan, const struct mr_res_ctx *ctx, struct mr_error **err)
{
	const struct mr_profile *profile = ctx->profile;
	int explicit_defaults = ctx->explicit_defaults;
	(void)err;
	const char *why = NULL;
	const struct mr_setting *named = listener_origin(profile);
	const struct mr_setting *auth = mr_profile_get(profile, "libvirtd", "auth_tcp");
	if (!named && !auth)
		return 0;
	enum mr_libvirt_world w = mr_res_world(plan, profile, &why);
	char *conf_origin = origin_or(named ? named : auth, "");
	switch (w) {
	case MR_WORLD_LEGACY:
		plan_legacy(plan, profile, explicit_defaults);
		check_host_conf(plan, profile, &units_libvirtd, libvirtd_keys,
		                MR_ARRAY_LEN(libvirtd_keys), conf_origin);
		check_connections(plan, profile, w, &units_libvirtd);
		break;
	case MR_WORLD_SOCKET: {
		plan_sockets(plan, profile, &units_libvirtd, explicit_defaults);
		const struct mr_facts *facts = mr_plan_facts(plan);
		const char *defaults = facts ? mr_facts_libvirtd_defaults(facts) : NULL;
		char *path = defaults ? mr_xasprintf("file.%s", defaults) : NULL;
		/* --listen would stop socket-activated libvirtd from starting. */
		char *origin = origin_or(named ? named : auth, "");
		int edits = named && path && mr_facts_get(facts, path);
		if (edits)
			plan_listen_flag(plan, defaults, 0, origin,
			                 mr_plan_unit(plan, units_libvirtd.service));
		struct service_exec ex = service_exec(facts);
		check_service_exec(plan, &ex, origin);
		check_service_argv(plan, &ex, origin);
		check_config_flag(plan, profile, &ex, socket_conf_keys, MR_ARRAY_LEN(socket_conf_keys));
		check_envfiles_read(plan, origin);
		check_service_listen(plan, &ex, edits, origin);
		free(origin);
		free(path);
		check_host_conf(plan, profile, &units_libvirtd, socket_conf_keys,
		                MR_ARRAY_LEN(socket_conf_keys), conf_origin);
		check_connections(plan, profile, w, &units_libvirtd);
		break;
	}
	case MR_WORLD_MODULAR:
		plan_sockets(plan, profile, &units_modular, explicit_defaults);
		check_proxy_config(plan, profile);
		check_host_conf(plan, profile, &units_modular, socket_conf_keys,
		                MR_ARRAY_LEN(socket_conf_keys), conf_origin);
		check_connections(plan, profile, w, &units_modular);
		break;
	case MR_WORLD_UNKNOWN: {
		char *origin = origin_or(named ? named : auth, "");
		mr_plan_fail(plan, "libvirtd.listener", origin,
		             "cannot tell how this host runs libvirt (%s); set listener = legacy, "
		             "socket or modular",
		             why ? why : "unknown");
		free(origin);
		break;
	}
	}
	free(conf_origin);
	return 0;
}

const struct mr_res_ops mr_res_libvirtd = {
	.name = "libvirtd",
	.plan = libvirtd_plan,
	.keys = libvirtd_keys,
	.n_keys = MR_ARRAY_LEN(libvirtd_keys),
};
