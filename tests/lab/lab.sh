#!/bin/bash
# A lab of real OpenSSH hosts for migready's integration tests and
# benchmarks. Needs root (sshd switches to the lab user); exits 77 (the
# "skip" of meson and automake) when the machine cannot host the lab.
#
#   lab.sh up DIR N         one sshd on 127.0.0.1:PORT (a free port) serving N
#                           simulated hosts, each a tree DIR/hosts/hostK that
#                           the inventory gives as the host's root; with
#                           MR_LAB_NAMES=1 (bench/fleet) the names
#                           host1..hostN resolve to 127.0.0.1 on the hosts
#                           (the sshd runs in a mount namespace whose
#                           /etc/hosts, DIR/etc-hosts, lists them), as a
#                           cluster's names resolve on its nodes; without,
#                           the sshd sees every mount made later (a test's
#                           file system under DIR)
#   lab.sh netns-up DIR N   N hosts, each a network namespace with its own
#                           sshd on 10.199.0.(10+K):22 and its own /etc (an
#                           overlay), reached from a client namespace: the
#                           tool runs there with no root prefix, as in
#                           production
#   lab.sh down DIR         stops whichever lab DIR holds (also after a
#                           partial "up"); keeps DIR's files
#   lab.sh netns-down DIR   same as down
#   lab.sh exec DIR CMD...  runs CMD where the lab's hosts are reachable
#                           (inside the client namespace for a netns lab)
#
# DIR must be reachable by the lab user (a directory under /tmp is fine);
# "up" creates it. Files written to DIR:
#   env            shell assignments: LAB_MODE (local|netns), LAB_DIR,
#                  LAB_USER, LAB_HOSTS, LAB_ADDRESS (local) and PORT,
#                  LAB_IDENTITY, LAB_KNOWN_HOSTS, LAB_INVENTORY, LAB_LOGS
#                  (the sshd logs, one per sshd), LAB_NETNS (netns: the
#                  client namespace), LAB_EXEC (a command prefix to reach
#                  the hosts: empty, or "ip netns exec NAME")
#   inventory.ini  migready's inventory of the lab's hosts host1..hostN
#   known_hosts    the host keys, as OpenSSH writes them
#   id_ed25519     the user key the inventory names (also id_ecdsa, and
#                  id_rsa for tests of libssh2's RSA limitation; all three
#                  are authorized)
#   sshd.log       LogLevel VERBOSE: one "Connection from" line per
#                  connection (netns: netns/hostK/sshd.log)
#   hosts/hostK/   (local) the host trees, copies of tests/lab/node
#   netns/hostK/   (netns) upper/ is the overlay's upper layer over the
#                  host's /etc: upper/libvirt/qemu.conf is the host's
#                  /etc/libvirt/qemu.conf; state/ is its /var/lib/migready;
#                  bin/systemctl is the stand-in systemctl (tests/lab/systemctl)
#                  first on the PATH of its sessions: units/UNIT holds a
#                  unit's state ("enabled active"), systemctl.log every
#                  call made on the host (one line each, the arguments),
#                  systemctl.fail the calls to fail on demand ("start UNIT")
# netns hosts have a /run of their own (a tmpfs) holding /run/systemd/system,
# so the facts probe sees a running systemd there, and only there.
set -eu

LAB_USER=${MR_LAB_USER:-mrlab}
SSHD=${MR_LAB_SSHD:-/usr/sbin/sshd}
HERE=$(cd "$(dirname "$0")" && pwd)
NODE=$HERE/node
NET=10.199.0

die() { echo "lab.sh: $*" >&2; exit 1; }
skip() { echo "lab.sh: SKIP: $*" >&2; exit 77; }

usage() {
	sed -n '2,/^set -eu/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2
	exit 2
}

need_root() {
	[ "$(id -u)" = 0 ] || skip "needs root (sshd must switch to the lab user '$LAB_USER')"
	[ -x "$SSHD" ] || skip "no sshd at $SSHD (install openssh-server)"
	command -v ssh-keygen >/dev/null || skip "no ssh-keygen (install openssh-client)"
}

ensure_user() {
	if ! id "$LAB_USER" >/dev/null 2>&1; then
		command -v useradd >/dev/null || skip "no useradd to create '$LAB_USER'"
		# a lab starting beside this one may have made it meanwhile
		useradd -m -s /bin/sh "$LAB_USER" || id "$LAB_USER" >/dev/null 2>&1 ||
			die "cannot create user '$LAB_USER'"
	fi
	# sshd refuses a locked account ('!' in shadow) without PAM; '*' is
	# "no password" but not locked. Labs side by side: done once is enough.
	getent shadow "$LAB_USER" | cut -d: -f2 | grep -qx '\*' || usermod -p '*' "$LAB_USER"
	# privilege separation directory that the Debian package normally makes
	mkdir -p /run/sshd
	chmod 755 /run/sshd
}

# Checks that the lab user can reach DIR: sshd reads authorized_keys and the
# user's commands work in the host trees as that user.
check_reachable() {
	if ! runuser -u "$LAB_USER" -- test -x "$1"; then
		die "'$1' is not reachable by user '$LAB_USER': make every parent directory searchable (chmod o+x) or use a directory under /tmp"
	fi
}

lab_id() {
	# a short id per DIR, so that several labs can run at once
	local sum
	sum=$(printf %s "$1" | cksum | cut -d' ' -f1)
	printf '%05x' $((sum % 1048576))
}

gen_keys() {
	local d=$1
	rm -f "$d"/id_ed25519* "$d"/id_ecdsa* "$d"/id_rsa*
	ssh-keygen -q -t ed25519 -N '' -C mrlab-ed25519 -f "$d/id_ed25519"
	ssh-keygen -q -t ecdsa -b 256 -N '' -C mrlab-ecdsa -f "$d/id_ecdsa"
	ssh-keygen -q -t rsa -b 2048 -N '' -C mrlab-rsa -f "$d/id_rsa"
	cat "$d/id_ed25519.pub" "$d/id_ecdsa.pub" "$d/id_rsa.pub" > "$d/authorized_keys"
	chmod 644 "$d/authorized_keys"
}

# sshd_config CONF HOSTKEY PIDFILE LISTEN PORT AUTHKEYS
write_sshd_config() {
	cat > "$1" <<EOF
# migready lab sshd
ListenAddress $4
Port $5
HostKey $2
PidFile $3
AuthorizedKeysFile $6
# keys live under /tmp, not in a home directory with strict modes
StrictModes no
UsePAM no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin no
AllowUsers $LAB_USER
# 200 workers connecting at once, each with a few channels
MaxStartups 1000
MaxSessions 64
MaxAuthTries 10
LoginGraceTime 30
UseDNS no
PrintMotd no
X11Forwarding no
AllowTcpForwarding no
LogLevel VERBOSE
Subsystem sftp internal-sftp
EOF
}

write_env() {
	local d=$1
	shift
	{
		for kv in "$@"; do
			printf '%s=%q\n' "${kv%%=*}" "${kv#*=}"
		done
	} > "$d/env"
}

# Starts sshd with a config, under an optional command prefix; waits until
# it listens. Returns 1 if the port was taken (the caller retries).
start_sshd() {
	local conf=$1 log=$2 pidfile=$3
	shift 3
	: > "$log"
	"$@" "$SSHD" -f "$conf" -E "$log" || return 2
	local i
	for i in $(seq 1 100); do
		if grep -q "Server listening" "$log"; then
			[ -s "$pidfile" ] && return 0
		fi
		if grep -qE "Bind to port .* failed|Cannot bind any address" "$log"; then
			return 1
		fi
		sleep 0.05
	done
	return 2
}

free_port() {
	local p i
	for i in $(seq 1 50); do
		p=$((20000 + RANDOM % 40000))
		if [ -z "$(ss -Htan "sport = :$p" 2>/dev/null)" ]; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

# Kills a daemon from its pid file if it is the sshd of that config, and
# everything it forked (per-connection children), children first.
kill_sshd() {
	local pidfile=$1 conf=$2 pid
	[ -s "$pidfile" ] || return 0
	pid=$(cat "$pidfile")
	if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -qF -- "$conf"; then
		kill_tree "$pid"
	fi
	rm -f "$pidfile"
}

# Ends a process and its descendants, and waits until they are gone (so
# that DIR can be removed right after), SIGKILL after 2 seconds.
kill_tree() {
	local pids p i
	pids=$(tree_pids "$1")
	kill $pids 2>/dev/null || true
	for i in $(seq 1 40); do
		for p in $pids; do
			[ -d "/proc/$p" ] && break
			p=
		done
		[ -z "$p" ] && return 0
		sleep 0.05
	done
	kill -9 $pids 2>/dev/null || true
}

tree_pids() {
	local child
	for child in $(pgrep -P "$1" 2>/dev/null || true); do
		tree_pids "$child"
	done
	echo "$1"
}

copy_node() {
	# copy_node DEST: the compute node tree, owned by the lab user
	mkdir -p "$1"
	cp -R "$NODE/." "$1/"
	chown -R "$LAB_USER:" "$1"
}

cmd_up() {
	local d=$1 n=$2
	need_root
	ensure_user
	mkdir -p "$d"
	d=$(cd "$d" && pwd)
	chmod 755 "$d"
	check_reachable "$d"
	[ ! -e "$d/env" ] || die "'$d' holds a lab already: run 'lab.sh down $d' first"
	trap 'echo "lab.sh: up failed, cleaning up" >&2; cmd_down "$d" >/dev/null 2>&1 || true' EXIT

	rm -f "$d/ssh_host_ed25519_key" "$d/ssh_host_ed25519_key.pub"
	ssh-keygen -q -t ed25519 -N '' -C mrlab-host -f "$d/ssh_host_ed25519_key"
	gen_keys "$d"
	rm -rf "$d/hosts"
	local k
	for k in $(seq 1 "$n"); do
		copy_node "$d/hosts/host$k"
	done
	chmod 755 "$d/hosts"

	# The hosts' names in the sessions' /etc/hosts: a name lookup (verify
	# tests every peer's) is answered there, not by the machine's DNS
	# server, whose rate limit a fleet's burst of lookups meets. The
	# namespace is private: a mount made later outside is not seen in it.
	local names=()
	if [ "${MR_LAB_NAMES:-0}" = 1 ]; then
		{
			cat /etc/hosts
			printf '127.0.0.1'
			for k in $(seq 1 "$n"); do printf ' host%s' "$k"; done
			echo
		} > "$d/etc-hosts"
		names=(unshare -m --propagation private sh -c 'mount --bind "$0" /etc/hosts && exec "$@"' "$d/etc-hosts")
		"${names[@]}" true || die "cannot give the lab's sshd its own /etc/hosts (unshare -m, mount --bind)"
	fi

	local port try r
	for try in 1 2 3 4 5; do
		port=$(free_port) || die "no free port found"
		write_sshd_config "$d/sshd_config" "$d/ssh_host_ed25519_key" "$d/sshd.pid" 127.0.0.1 \
			"$port" "$d/authorized_keys"
		"$SSHD" -t -f "$d/sshd_config" || die "sshd refuses the generated config"
		r=0
		start_sshd "$d/sshd_config" "$d/sshd.log" "$d/sshd.pid" ${names[@]+"${names[@]}"} || r=$?
		[ "$r" = 0 ] && break
		kill_sshd "$d/sshd.pid" "$d/sshd_config"
		[ "$r" = 1 ] || { cat "$d/sshd.log" >&2; die "sshd did not start"; }
	done
	[ "$r" = 0 ] || die "sshd could not bind a port"

	echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$d/ssh_host_ed25519_key.pub")" > "$d/known_hosts"
	{
		echo "; migready lab: $n hosts behind one sshd on 127.0.0.1:$port"
		echo "[defaults]"
		echo "user = $LAB_USER"
		echo "port = $port"
		echo "identity = $d/id_ed25519"
		echo "known_hosts = $d/known_hosts"
		for k in $(seq 1 "$n"); do
			echo
			echo "[host host$k]"
			echo "address = 127.0.0.1"
			echo "root = $d/hosts/host$k"
		done
	} > "$d/inventory.ini"
	write_env "$d" LAB_MODE=local LAB_DIR="$d" LAB_USER="$LAB_USER" LAB_HOSTS="$n" \
		LAB_ADDRESS=127.0.0.1 PORT="$port" LAB_IDENTITY="$d/id_ed25519" \
		LAB_KNOWN_HOSTS="$d/known_hosts" LAB_INVENTORY="$d/inventory.ini" \
		LAB_LOGS="$d/sshd.log" LAB_EXEC=
	trap - EXIT
	echo "lab up: $n hosts on 127.0.0.1:$port ($d/env)"
}

# The stand-in systemctl's initial state of each unit of the node: what its
# enablement symlinks say (in a *.wants or *.requires directory: enabled, a
# link to /dev/null: masked, else disabled, or static without [Install]),
# active if enabled, as after a boot.
init_units() {
	local h=$1 sd=$1/upper/systemd/system f u en ac w
	rm -rf "$h/units"
	mkdir -p "$h/units"
	for f in "$sd"/*.service "$sd"/*.socket; do
		[ -e "$f" ] || [ -L "$f" ] || continue
		u=${f##*/}
		en=
		[ -L "$f" ] && [ "$(readlink "$f")" = /dev/null ] && en=masked
		for w in "$sd"/*.wants/"$u" "$sd"/*.requires/"$u"; do
			if [ -z "$en" ] && { [ -e "$w" ] || [ -L "$w" ]; }; then en=enabled; fi
		done
		if [ -z "$en" ]; then
			if grep -q '^\[Install\]' "$f"; then en=disabled; else en=static; fi
		fi
		ac=inactive
		[ "$en" != enabled ] || ac=active
		echo "$en $ac" > "$h/units/$u"
	done
	chown -R "$LAB_USER:" "$h/units"
}

netns_names() {
	# sets C (client namespace) and P (host namespace prefix) for DIR
	local id
	id=$(lab_id "$1")
	C=mrlab-$id-c
	P=mrlab-$id-h
}

# Mounts the host's private /etc inside its mount namespace and runs sshd:
# an overlay over the real /etc (upper layer: the node tree), or a copy of
# /etc when overlayfs is not available.
netns_host_start() {
	local d=$1 k=$2 h=$d/netns/host$2 mnt
	if [ -d "$h/etc" ]; then
		mnt="mount --bind '$h/etc' /etc"
	else
		mnt="mount -t overlay mrlab-etc -o 'lowerdir=/etc,upperdir=$h/upper,workdir=$h/work' /etc"
	fi
	# The mount point exists on the real machine (empty); the host's own
	# state directory is mounted on it inside the namespace only.
	mkdir -p /var/lib/migready
	mnt="$mnt && mount --bind '$h/state' /var/lib/migready"
	# A /run of its own, where systemd seems to run (/run/systemd/system,
	# which the facts probe looks for) and sshd finds its privilege
	# separation directory. Never on the real machine: its own tools
	# would believe that systemd runs.
	mnt="$mnt && mount -t tmpfs -o mode=755,size=16m mrlab-run /run"
	mnt="$mnt && mkdir -p /run/sshd /run/systemd/system && chmod 755 /run/sshd"
	# ip netns exec gives the command its own mount namespace; sshd and
	# every session it forks live on in it.
	start_sshd "$h/sshd_config" "$h/sshd.log" "$h/sshd.pid" \
		ip netns exec "$P$k" sh -c "$mnt && exec \"\$@\"" sh
}

cmd_netns_up() {
	local d=$1 n=$2
	need_root
	ip netns add mrlab-probe-$$ 2>/dev/null || skip "cannot create network namespaces here"
	ip netns del mrlab-probe-$$
	[ "$n" -ge 1 ] && [ "$n" -le 240 ] || die "netns labs hold 1 to 240 hosts"
	ensure_user
	mkdir -p "$d"
	d=$(cd "$d" && pwd)
	chmod 755 "$d"
	check_reachable "$d"
	[ ! -e "$d/env" ] || die "'$d' holds a lab already: run 'lab.sh down $d' first"
	netns_names "$d"
	# env first: down finds the namespaces through it after a partial up
	write_env "$d" LAB_MODE=netns LAB_DIR="$d" LAB_USER="$LAB_USER" LAB_HOSTS="$n" \
		PORT=22 LAB_IDENTITY="$d/id_ed25519" LAB_KNOWN_HOSTS="$d/known_hosts" \
		LAB_INVENTORY="$d/inventory.ini" LAB_NETNS="$C" LAB_NETNS_PREFIX="$P" \
		LAB_NET="$NET" LAB_EXEC="ip netns exec $C" LAB_LOGS="$d/netns/host*/sshd.log"
	trap 'echo "lab.sh: netns-up failed, cleaning up" >&2; cmd_down "$d" >/dev/null 2>&1 || true' EXIT

	gen_keys "$d"
	ip netns add "$C"
	ip -n "$C" link set lo up
	ip -n "$C" link add br0 type bridge
	ip -n "$C" addr add "$NET.1/24" dev br0
	ip -n "$C" link set br0 up

	local overlay=1 k h
	: > "$d/known_hosts"
	rm -rf "$d/netns"
	mkdir -p "$d/netns"
	for k in $(seq 1 "$n"); do
		h=$d/netns/host$k
		mkdir -p "$h/upper" "$h/work"
		copy_node "$h/node"
		cp -a "$h/node/etc/." "$h/upper/"
		# nova's my_ip: this host's own address, where its peers' nova
		# ssh reaches it (the node tree names one address for all)
		sed -i "s/^my_ip = .*/my_ip = $NET.$((10 + k))/" "$h/upper/nova/nova.conf"
		rm -rf "$h/node"
		# a Debian compute node has nova's and libvirt-qemu's accounts (its
		# packages make them): the machine's accounts (the lab user's
		# among them), and those where the machine lacks them; nova is in
		# kvm (an install step of OpenStack's), for the profiles running
		# QEMU as nova to open the machine's /dev/kvm
		{
			cat /etc/passwd
			grep -q '^nova:' /etc/passwd || echo 'nova:x:64060:64060::/var/lib/nova:/usr/sbin/nologin'
			# (its primary group kvm, as Debian makes it)
			grep -q '^libvirt-qemu:' /etc/passwd ||
				echo "libvirt-qemu:x:64055:$(awk -F: '$1 == "kvm" { g = $3 } END { print g ? g : 64055 }' /etc/group)::/var/lib/libvirt:/usr/sbin/nologin"
		} > "$h/upper/passwd"
		{
			awk -F: -v OFS=: '$1 == "kvm" && ("," $4 ",") !~ /,nova,/ {
				$4 = $4 == "" ? "nova" : $4 ",nova" } { print }' /etc/group
			grep -q '^nova:' /etc/group || echo 'nova:x:64060:'
			grep -q '^libvirt-qemu:' /etc/group || echo 'libvirt-qemu:x:64055:'
		} > "$h/upper/group"
		# The host's /var/lib/migready (backups), the lab user's: in
		# production migready logs in as root.
		mkdir -p "$h/state"
		chown "$LAB_USER:" "$h/state"
		# upper/ is the host's /etc itself: root's, as everywhere
		chown root:root "$h/upper"
		chmod 755 "$h/upper"
		if [ "$k" = 1 ] && ! unshare -m sh -c \
			"mount -t overlay mrlab-probe -o 'lowerdir=/etc,upperdir=$h/upper,workdir=$h/work' /etc" \
			2>/dev/null; then
			overlay=0
		fi
		if [ "$overlay" = 0 ]; then
			# no overlayfs: a private copy of /etc with the node files on top
			mkdir -p "$h/etc"
			cp -a /etc/. "$h/etc/"
			cp -a "$h/upper/." "$h/etc/"
		fi
		ssh-keygen -q -t ed25519 -N '' -C "mrlab-host$k" -f "$h/ssh_host_ed25519_key"
		write_sshd_config "$h/sshd_config" "$h/ssh_host_ed25519_key" "$h/sshd.pid" \
			"$NET.$((10 + k))" 22 "$d/authorized_keys"
		# No systemd runs here: a stand-in systemctl (tests/lab/systemctl),
		# first on the PATH of every session, keeps the units' states in
		# units/ and records its calls, so restarts can be counted.
		mkdir -p "$h/bin"
		cp "$HERE/systemctl" "$h/bin/systemctl"
		chmod 755 "$h/bin/systemctl"
		init_units "$h"
		: > "$h/systemctl.log"
		chown "$LAB_USER:" "$h/systemctl.log"
		echo "SetEnv PATH=$h/bin:/usr/local/bin:/usr/bin:/bin" >> "$h/sshd_config"

		ip netns add "$P$k"
		ip -n "$P$k" link set lo up
		ip -n "$C" link add "v$k" type veth peer name eth0 netns "$P$k"
		ip -n "$C" link set "v$k" master br0 up
		ip -n "$P$k" addr add "$NET.$((10 + k))/24" dev eth0
		ip -n "$P$k" link set eth0 up
		"$SSHD" -t -f "$h/sshd_config" || die "sshd refuses the generated config"
		netns_host_start "$d" "$k" || { cat "$h/sshd.log" >&2; die "sshd of host$k did not start"; }

		# odd hosts recorded plainly, even ones hashed (ssh-keygen -H),
		# so that both forms are used as in real known_hosts files
		local line
		line="$NET.$((10 + k)) $(cut -d' ' -f1,2 "$h/ssh_host_ed25519_key.pub")"
		if [ $((k % 2)) = 0 ]; then
			echo "$line" > "$h/kh"
			ssh-keygen -q -H -f "$h/kh" >/dev/null 2>&1
			line=$(cat "$h/kh")
			rm -f "$h/kh" "$h/kh.old"
		fi
		echo "$line" >> "$d/known_hosts"
	done
	{
		echo "; migready lab: $n hosts in network namespaces, reached from namespace $C"
		echo "[defaults]"
		echo "user = $LAB_USER"
		echo "port = 22"
		echo "identity = $d/id_ed25519"
		echo "known_hosts = $d/known_hosts"
		for k in $(seq 1 "$n"); do
			echo
			echo "[host host$k]"
			echo "address = $NET.$((10 + k))"
		done
	} > "$d/inventory.ini"
	# reachable?
	for k in $(seq 1 "$n"); do
		local ok=0 i
		for i in $(seq 1 50); do
			if ip netns exec "$C" bash -c "exec 3<>/dev/tcp/$NET.$((10 + k))/22" 2>/dev/null; then
				ok=1
				break
			fi
			sleep 0.1
		done
		[ "$ok" = 1 ] || die "host$k ($NET.$((10 + k))) does not answer on port 22"
	done
	trap - EXIT
	echo "lab up: $n hosts in network namespaces, run tools with: ip netns exec $C ... ($d/env)"
}

cmd_down() {
	local d=$1 k
	[ -d "$d" ] || return 0
	d=$(cd "$d" && pwd)
	if [ -f "$d/sshd.pid" ] || [ -f "$d/sshd_config" ]; then
		kill_sshd "$d/sshd.pid" "$d/sshd_config"
	fi
	netns_names "$d"
	if [ -d "$d/netns" ]; then
		for h in "$d"/netns/host*; do
			[ -d "$h" ] || continue
			kill_sshd "$h/sshd.pid" "$h/sshd_config"
		done
	fi
	# whatever still runs in our namespaces (sessions), then the namespaces;
	# the client namespace takes the bridge and veth ends with it
	local ns
	for ns in $(ip netns list 2>/dev/null | awk '{print $1}'); do
		case $ns in
		"$C" | "$P"[0-9]*)
			ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
			ip netns del "$ns" 2>/dev/null || true
			;;
		esac
	done
	rm -f "$d/env"
	echo "lab down: $d"
}

cmd_exec() {
	local d=$1
	shift
	[ -f "$d/env" ] || die "no lab in '$d'"
	# shellcheck disable=SC1091
	. "$d/env"
	if [ -n "${LAB_NETNS:-}" ]; then
		exec ip netns exec "$LAB_NETNS" "$@"
	fi
	exec "$@"
}

[ $# -ge 2 ] || usage
cmd=$1
dir=$2
shift 2
case $cmd in
up | netns-up)
	[ $# = 1 ] && [ "$1" -ge 1 ] 2>/dev/null || usage
	if [ "$cmd" = up ]; then cmd_up "$dir" "$1"; else cmd_netns_up "$dir" "$1"; fi
	;;
down | netns-down) cmd_down "$dir" ;;
exec) [ $# -ge 1 ] || usage; cmd_exec "$dir" "$@" ;;
*) usage ;;
esac
