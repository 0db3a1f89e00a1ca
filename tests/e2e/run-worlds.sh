#!/bin/bash
# End to end, one host tree per libvirt listener world (tests/lib/hosttree.sh),
# the binary under --root: check finds the listener's drift, apply makes it
# right the way that world needs (socket units enabled offline with the
# symlinks systemctl makes, --listen in the options file the unit reads, a
# port drop-in, virtproxyd for modular daemons), check is then green, a
# second apply touches nothing. A tree whose world cannot be told fails the
# listener item instead of passing it.
set -u
. "$(dirname "$0")/../lib/e2e.sh" worlds e2e "$@"
expect_link() { # NAME LINK TARGET
	if [ "$(readlink "$2" 2>/dev/null)" = "$3" ]; then ok "$1"; else not_ok "$1" "$(ls -l "$(dirname "$2")" 2>&1)"; fi
}

# new_host WORLD NAME: the e2e host's conf files plus the world's layer.
new_host() {
	local root=$WORK/$2
	cp -a "$DATA/host" "$root"
	hosttree "$1" "$root"
	echo "$root"
}

# nova_libvirt ROOT [LINE]: ROOT's nova.conf, LINE in its [libvirt] (none:
# no nova.conf, nova's default qemu+tcp://HOST/system)
nova_libvirt() {
	mkdir -p "$1/etc/nova"
	if [ -n "${2-}" ]; then printf '[libvirt]\n%s\n' "$2" > "$1/etc/nova/nova.conf"
	else rm -f "$1/etc/nova/nova.conf"; fi
}

# tls_files ROOT: libvirt's TLS files where it looks for them, the
# server's and the client's (their bytes are not read)
tls_files() {
	mkdir -p "$1/etc/pki/CA" "$1/etc/pki/libvirt/private"
	for f in CA/cacert.pem libvirt/servercert.pem libvirt/private/serverkey.pem \
		libvirt/clientcert.pem libvirt/private/clientkey.pem; do
		echo pem > "$1/etc/pki/$f"
	done
}

cp "$DATA/profile.ini" profile.ini
sed 's/^tcp_port = 16509/tcp_port = 16510/' profile.ini > port.ini
{ cat profile.ini; printf '\n[libvirtd]\nlistener = legacy\n'; } > forced.ini

# --- Debian 12: socket-activated libvirtd ---
root=$(new_host debian12-socket d12)
out=$(mr facts --local --root "$root" 2>&1)
expect_grep "debian12: facts tell the socket world" 'libvirt\.listener +socket \(libvirtd\.socket is enabled' "$out"
expect_grep "debian12: facts read libvirt's version from dpkg" 'libvirt\.version +9\.0\.0' "$out"
converge debian12 "$root" profile.ini
expect_grep "debian12: the listener is its socket" 'libvirtd\.listener +drift +.disabled. -> .enabled.  \(unit libvirtd-tcp\.socket' "$CHECK_OUT"
expect_link "debian12: libvirtd-tcp.socket enabled offline" \
	"$root/etc/systemd/system/sockets.target.wants/libvirtd-tcp.socket" /lib/systemd/system/libvirtd-tcp.socket
conf=$(cat "$root/etc/libvirt/libvirtd.conf")
expect_grep "debian12: auth_tcp written" '^auth_tcp = "none"$' "$conf"
expect_no_grep "debian12: listen_tcp not written (socket activation ignores it)" '^listen_tcp' "$conf"
expect_no_grep "debian12: no --listen (libvirtd would refuse to start)" 'listen' "$(grep -v '^#' "$root/etc/default/libvirtd")"
[ ! -e "$root/etc/systemd/system/libvirtd-tcp.socket.d" ] && ok "debian12: no drop-in for the default port" \
	|| not_ok "debian12: no drop-in for the default port"
[ ! -e "$root/etc/systemd/system/libvirtd-tls.socket" ] && ok "debian12: tls socket left disabled" || not_ok "debian12: tls socket"
# json: the drop-in that may stay absent is not "created" (it never is at
# 16509); a port that needs it is
fcreated() { # JSON PATH -> changed/created of that file
	printf '%s' "$1" | python3 -c 'import json,sys
for h in json.load(sys.stdin)["hosts"]:
    for f in h["files"]:
        if f["path"] == sys.argv[1]: print("changed=%s created=%s" % (f["changed"], f["created"]))' "$2"
}
pd=/etc/systemd/system/libvirtd-tcp.socket.d/migready-port.conf
out=$(mr check --local --root "$root" -p profile.ini -f json 2>/dev/null)
expect_fixed "debian12: json: no drop-in created at the default port" "changed=False created=False" "$(fcreated "$out" $pd)"
out=$(mr check --local --root "$root" -p port.ini -f json 2>/dev/null)
expect_fixed "debian12: json: the drop-in for 16510 would be created" "changed=True created=True" "$(fcreated "$out" $pd)"

# a drop-in of the TCP socket that lets only the loopback connect
# (IPAddressDeny=any, IPAddressAllow=localhost) fails the listener; one
# that allows a network too is not checked, naming its line
hd=$root/etc/systemd/system/libvirtd-tcp.socket.d
mkdir -p "$hd"
printf '[Socket]\nIPAddressDeny=any\nIPAddressAllow=localhost\n' > "$hd/hardening.conf"
chk "$root" profile.ini
expect_grep "debian12: IPAddressDeny=any in a socket drop-in fails the listener" \
	'libvirtd\.listener +failed +libvirtd-tcp\.socket would accept connections from the loopback alone: other hosts are refused \(/etc/systemd/system/libvirtd-tcp\.socket\.d/hardening\.conf:2 IPAddressDeny=any' "$out"
printf '[Socket]\nIPAddressDeny=any\nIPAddressAllow=localhost 10.0.0.0/8\n' > "$hd/hardening.conf"
chk "$root" profile.ini
expect_grep "debian12: ... a network allowed too: not checked" \
	'not checked \(1\): libvirtd\.listener \(/etc/systemd/system/libvirtd-tcp\.socket\.d/hardening\.conf:2 IPAddressDeny=any\)' "$out"
expect_no_grep "debian12: ... not failed" 'libvirtd\.listener +failed' "$out"
rm -r "$hd"

# security_driver may be a list: [ "none" ] is "none" to libvirt; a
# second driver is not
qc=$root/etc/libvirt/qemu.conf
cp "$qc" "$WORK/qemu.conf.keep"
sed -i 's/^security_driver = .*/security_driver = [ "none" ]/' "$qc"
chk "$root" profile.ini
expect_status "debian12: security_driver = [ \"none\" ] is none" 0 "$st" "$out"
sed -i 's/^security_driver = .*/security_driver = [ "selinux", "none" ]/' "$qc"
chk "$root" profile.ini
expect_grep "debian12: ... two drivers are drift" "qemu\.security_driver +drift +'\[ \"selinux\", \"none\" \]' -> 'none'" "$out"
cp "$WORK/qemu.conf.keep" "$qc"
# libvirt reads user = "+64060" as uid 64060: nova's on this host, as its
# passwd says; group "+0" is root's, not nova's
printf 'root:x:0:0:root:/root:/bin/bash\nnova:x:64060:64060::/var/lib/nova:/bin/sh\n' > "$root/etc/passwd"
printf 'root:x:0:\nnova:x:64060:\n' > "$root/etc/group"
sed -i 's/^user = .*/user = "+64060"/; s/^group = .*/group = "+64060"/' "$qc"
chk "$root" profile.ini
expect_status "debian12: user and group \"+64060\" are nova's" 0 "$st" "$out"
sed -i 's/^user = .*/user = "64060"/' "$qc"
chk "$root" profile.ini
expect_status "debian12: ... so is \"64060\", no user having that name" 0 "$st" "$out"
sed -i 's/^group = .*/group = "+0"/' "$qc"
chk "$root" profile.ini
expect_grep "debian12: ... \"+0\" is not" "qemu\.group +drift +'\+0' -> 'nova'" "$out"
# a user or group the host lacks: libvirt's QEMU driver would not start
printf '[qemu]\nuser = cinder\ngroup = nova\n' > ids.ini
chk "$root" ids.ini
expect_grep "debian12: a qemu user the host lacks fails" "qemu\.user +failed +this host has no user 'cinder': libvirt's QEMU driver would not start" "$out"
expect_no_grep "debian12: ... the group it has does not" "qemu\.group +failed" "$out"
printf 'cinder:x:997:997::/var/lib/cinder:/bin/sh\n' >> "$root/etc/passwd"
chk "$root" ids.ini
expect_no_grep "debian12: ... once it has it, no failure" "qemu\.user +failed" "$out"
rm "$root/etc/passwd" "$root/etc/group"
chk "$root" ids.ini
expect_no_grep "debian12: ... no passwd to read: not judged" "qemu\.user +failed" "$out"
cp "$WORK/qemu.conf.keep" "$qc"
# a driver whose module the host has not enabled (no /etc/selinux/config:
# no SELinux): libvirt refuses it and libvirtd would not start, so apply
# fails the item and leaves qemu.conf's line as it was
[ ! -e "$root/etc/selinux/config" ] || not_ok "debian12: the tree has no SELinux config"
printf '[qemu]\nsecurity_driver = selinux\n' > selinux.ini
out=$(mr apply --local --root "$root" -p selinux.ini 2>&1); st=$?
expect_status "debian12: apply security_driver = selinux without SELinux fails" 4 "$st" "$out"
expect_grep "debian12: ... the item names the host's state and libvirtd" \
	"qemu\.security_driver +failed +security_driver = selinux, but this host does not enable SELinux .*: libvirt refuses it, and libvirtd would not start; not written" "$out"
expect_fixed "debian12: ... qemu.conf's security_driver line unchanged" 'security_driver = "none"' \
	"$(grep '^security_driver' "$qc")"
chk "$root" selinux.ini
expect_grep "debian12: ... check still fails it" "qemu\.security_driver +failed" "$out"
cp "$WORK/qemu.conf.keep" "$qc"
# the host's own security_driver, where the profile does not set it: the
# same refusal, named at its line, with what to do (apply leaves it)
printf '[qemu]\nmigration_port_min = 49152\n' > nodriver.ini
sed -i 's/^security_driver = .*/security_driver = "selinux"/' "$qc"
sl=$(grep -n '^security_driver' "$qc" | cut -d: -f1)
chk "$root" nodriver.ini
expect_grep "debian12: the host's security_driver = \"selinux\" without SELinux fails" \
	"qemu\.security_driver +failed +/etc/libvirt/qemu\.conf:$sl sets security_driver = \"selinux\", but this host does not enable SELinux .*libvirtd would not start; the profile does not manage it: set \[qemu\] security_driver" "$out"
sed -i 's/^security_driver = .*/security_driver = [ "selinux", "none" ]/' "$qc"
chk "$root" nodriver.ini
expect_grep "debian12: ... in a list too" "qemu\.security_driver +failed +/etc/libvirt/qemu\.conf:$sl sets" "$out"
sed -i 's/^security_driver = .*/security_driver = "none"/' "$qc"
chk "$root" nodriver.ini
expect_no_grep "debian12: ... \"none\": no failure" "qemu\.security_driver" "$out"
sed -i '/^security_driver = /d' "$qc"
chk "$root" nodriver.ini
expect_no_grep "debian12: ... absent (the default): no failure" "qemu\.security_driver" "$out"
cp "$WORK/qemu.conf.keep" "$qc"

# -l is --listen to libvirtd, even in a cluster: socket activation refuses it.
sed -i 's/^#*LIBVIRTD_ARGS=.*/LIBVIRTD_ARGS="-dl"/' "$root/etc/default/libvirtd"
chk "$root" profile.ini
expect_status "debian12: -dl in LIBVIRTD_ARGS is drift" 2 "$st" "$out"
expect_grep "debian12: -dl is the listen flag's drift" "libvirtd\.listen_flag +drift +'-dl' -> 'without --listen'" "$out"
out=$(mr apply --local --root "$root" -p profile.ini 2>&1); expect_status "debian12: apply removes -l" 2 $? "$out"
expect_grep "debian12: the l leaves the cluster, -d stays" '^LIBVIRTD_ARGS="-d"$' "$(cat "$root/etc/default/libvirtd")"

# A port other than 16509: a drop-in that resets ListenStream first. Its
# directory has a default ACL granting all (a new file there takes the
# ACL's bits, not the umask's): the commit gives the new file the plan's
# mode, 0644, all the same (staged files are 0600 until the commit).
dropdir=$root/etc/systemd/system/libvirtd-tcp.socket.d
mkdir -p "$dropdir" && setfacl -d -m u::rw,g::rw,o::rw "$dropdir" || not_ok "setfacl -d on the drop-in's directory"
# nova-compute connects to the port of its live_migration_uri, 16509
# without one: a listener on another is no migration
chk "$root" port.ini
expect_status "debian12: tcp_port 16510 while nova connects to 16509 fails check" 6 "$st" "$out"
expect_grep "debian12: ... the failure names nova's default" \
	"libvirtd\.listen_port +failed +nova-compute connects to port 16509 \(live_migration_scheme is not set: nova's default, tcp; no port in the URI: libvirt's default\), but libvirt listens on 16510" "$out"
nova_libvirt "$root" 'live_migration_uri = qemu+tcp://%s:16510/system'
out=$(mr apply --local --root "$root" -p port.ini 2>&1); st=$?
expect_status "debian12: apply tcp_port 16510" 2 "$st" "$out"
dropin=$dropdir/migready-port.conf
expect_fixed "debian12: the new drop-in has the plan's mode, whatever the default ACL" 644 "$(stat -c %a "$dropin" 2>&1)"
expect_grep "debian12: drop-in resets ListenStream" '^ListenStream=$' "$(cat "$dropin" 2>&1)"
expect_grep "debian12: drop-in listens on 16510" '^ListenStream=16510$' "$(cat "$dropin" 2>&1)"
chk "$root" port.ini; expect_status "debian12: check after port change" 0 "$st" "$out"
# The drop-in's directory owner swaps the staged file for a link to a
# root-only file in the moment before a chmod by its name (a chmod that
# does so, first on the PATH): the new file's mode is given on the open
# file, by no name, so the link's target keeps its mode.
race=$(new_host debian12-socket race)
nova_libvirt "$race" 'live_migration_uri = qemu+tcp://%s:16510/system'
mkdir -p "$WORK/evil"
printf 'victim\n' > "$WORK/victim" && chmod 600 "$WORK/victim"
cat > "$WORK/evil/chmod" <<EOF
#!/bin/sh
for a do f=\$a; done
case \$f in *.migready-port.conf.migready-*) echo "\$f" >> "$WORK/evil/swapped"; rm -f -- "\$f"; ln -s "$WORK/victim" "\$f";; esac
exec $(command -v chmod) "\$@"
EOF
chmod 755 "$WORK/evil/chmod"
out=$(PATH=$WORK/evil:$PATH mr apply --local --root "$race" -p port.ini 2>&1); st=$?
expect_status "a link swapped in before a chmod: apply" 2 "$st" "$out"
expect_fixed "a link swapped in before a chmod: its target keeps its mode" 600 "$(stat -c %a "$WORK/victim")"
[ ! -e "$WORK/evil/swapped" ] && ok "a link swapped in before a chmod: no chmod by the staged name" \
	|| not_ok "a link swapped in before a chmod: a chmod by the staged name" "$(cat "$WORK/evil/swapped")"
expect_fixed "a link swapped in before a chmod: the drop-in 0644" 644 "$(stat -c %a "$race/etc/systemd/system/libvirtd-tcp.socket.d/migready-port.conf" 2>&1)"
chk "$root" profile.ini
expect_status "debian12: back to 16509, nova still on 16510: a failure" 6 "$st" "$out"
expect_grep "debian12: ... naming nova.conf's line" \
	"libvirtd\.listen_port +failed +nova-compute connects to port 16510 \(/etc/nova/nova\.conf:2 sets \[libvirt\] live_migration_uri = 'qemu\+tcp://%s:16510/system'\), but libvirt listens on 16509: live migration" "$out"
nova_libvirt "$root"
chk "$root" profile.ini
expect_status "debian12: back to 16509 is drift" 2 "$st" "$out"
expect_grep "debian12: the drop-in is the drifted item" 'libvirtd\.tcp_port +drift' "$out"

# What the socket listens on is its unit file and drop-ins, all of them:
# another drop-in read after migready's, or a unit file of /etc, wins, and
# the port is then a failure that names it, never green.
sock=$(new_host debian12-socket sock)
out=$(mr apply --local --root "$sock" -p profile.ini 2>&1); expect_status "sockets: apply" 2 $? "$out"
out=$(mr facts --local --root "$sock" 2>&1)
expect_grep "sockets: facts list the socket's ListenStream with its file and line" \
	'socket\.libvirtd-tcp\.socket\.listen +/lib/systemd/system/libvirtd-tcp\.socket 5 16509' "$out"
sdir=$sock/etc/systemd/system/libvirtd-tcp.socket.d
mkdir -p "$sdir"
printf '[Socket]\nListenStream=\nListenStream=16600\n' > "$sdir/override.conf"
chk "$sock" profile.ini
expect_status "sockets: an override.conf on 16600 fails check" 4 "$st" "$out"
expect_grep "sockets: the failure names the port, the file and its line" \
	'libvirtd\.listen_port +failed +libvirtd-tcp\.socket would listen on 16600, not 16509 alone \(ListenStream in /etc/systemd/system/libvirtd-tcp\.socket\.d/override\.conf:3\)' "$out"
nova_libvirt "$sock" 'live_migration_uri = qemu+tcp://%s:16510/system'
out=$(mr apply --local --root "$sock" -p port.ini 2>&1); st=$?
expect_status "sockets: apply of 16510 cannot win over override.conf (changed, failed)" 6 "$st" "$out"
expect_grep "sockets: migready's drop-in is read before override.conf" \
	'libvirtd\.listen_port +failed +libvirtd-tcp\.socket would listen on 16600, not 16510 alone' "$out"
expect_grep "sockets: ... its drop-in written all the same" '^ListenStream=16510$' "$(cat "$sdir/migready-port.conf" 2>&1)"
# the port, but not for the other hosts: the loopback, or no TCP at all;
# one address of the host is theirs to reach
printf '[Socket]\nListenStream=\nListenStream=127.0.0.1:16510\n' > "$sdir/override.conf"
chk "$sock" port.ini
expect_grep "sockets: on the loopback only fails check" \
	'libvirtd\.listen_port +failed +libvirtd-tcp\.socket would listen on 127\.0\.0\.1:16510, the loopback: other hosts cannot connect \(ListenStream in /etc/systemd/system/libvirtd-tcp\.socket\.d/override\.conf:3\)' "$out"
printf '[Socket]\nListenStream=\nListenStream=[::1]:16510\n' > "$sdir/override.conf"
chk "$sock" port.ini
expect_grep "sockets: ... so does [::1]" 'would listen on \[::1\]:16510, the loopback' "$out"
printf '[Socket]\nListenStream=\nListenStream=[0:0:0:0:0:0:0:1]:16510\n' > "$sdir/override.conf"
chk "$sock" port.ini
expect_grep "sockets: ... in its long form too" 'would listen on \[0:0:0:0:0:0:0:1\]:16510, the loopback' "$out"
# systemd reads a header with a CR (a file from Windows) as the header
printf '[Socket]\r\nListenStream=\r\nListenStream=127.0.0.2:16510\r\n' > "$sdir/override.conf"
chk "$sock" port.ini
expect_grep "sockets: a drop-in with CRLF lines is read" 'would listen on 127\.0\.0\.2:16510, the loopback' "$out"
printf '[Socket]\nListenStream=\nListenStream=vsock:2:16510\n' > "$sdir/override.conf"
chk "$sock" port.ini
expect_grep "sockets: ... and vsock" 'would listen on vsock:2:16510, which is not TCP: other hosts cannot connect' "$out"
printf '[Socket]\nListenStream=\nListenStream=10.0.0.5:16510\n' > "$sdir/override.conf"
chk "$sock" port.ini
expect_status "sockets: one address of the host, on the port: its exit" 0 "$st" "$out"
expect_grep "sockets: ... nova's peers connect to the host's name: not examined" \
	'not checked \(1\): libvirtd\.listener \(/etc/systemd/system/libvirtd-tcp\.socket\.d/override\.conf:3 ListenStream = 10\.0\.0\.5:16510, live_migration_inbound_addr unset' "$out"
nova_libvirt "$sock" "$(printf 'live_migration_uri = qemu+tcp://%%s:16510/system\nlive_migration_inbound_addr = 10.0.0.5')"
chk "$sock" port.ini
expect_status "sockets: ... nova's inbound address is that one: in the desired state" 0 "$st" "$out"
expect_no_grep "sockets: ... and nothing left unexamined" 'not checked' "$out"
nova_libvirt "$sock" "$(printf 'live_migration_uri = qemu+tcp://%%s:16510/system\nlive_migration_inbound_addr = 10.0.0.6')"
chk "$sock" port.ini
expect_status "sockets: ... another inbound address fails check" 4 "$st" "$out"
expect_grep "sockets: ... naming the socket's address and nova's" \
	"libvirtd\.listener +failed +libvirtd-tcp\.socket listens at 10\.0\.0\.5:16510 \(ListenStream in /etc/systemd/system/libvirtd-tcp\.socket\.d/override\.conf:3\), but nova's peers connect to this host at 10\.0\.0\.6 \(/etc/nova/nova\.conf:3 sets \[libvirt\] live_migration_inbound_addr = '10\.0\.0\.6'\)" "$out"
printf '[Socket]\nListenStream=\nListenStream=[::]:16510\n' > "$sdir/override.conf"
chk "$sock" port.ini
expect_status "sockets: ... every address ([::]) reaches it" 0 "$st" "$out"
printf '[Socket]\nListenStream=\nListenStream=10.0.0.5:16510\n' > "$sdir/override.conf"
nova_libvirt "$sock" 'live_migration_uri = qemu+tcp://%s:16510/system'
mv "$sdir/override.conf" "$sdir/10-early.conf"
chk "$sock" port.ini
expect_status "sockets: a drop-in read before migready's loses to it" 0 "$st" "$out"
rm -r "$sdir"
nova_libvirt "$sock"
# a vendor drop-in hidden by its namesake of /etc, masked or empty
mkdir -p "$sock/lib/systemd/system/libvirtd-tcp.socket.d" "$sdir"
printf '[Socket]\nListenStream=\nListenStream=16600\n' > "$sock/lib/systemd/system/libvirtd-tcp.socket.d/zz-vendor.conf"
chk "$sock" profile.ini
expect_status "sockets: a vendor drop-in on 16600 fails check" 4 "$st" "$out"
ln -s /dev/null "$sdir/zz-vendor.conf"
chk "$sock" profile.ini
expect_status "sockets: ... masked by its namesake in /etc: in the desired state" 0 "$st" "$out"
rm "$sdir/zz-vendor.conf"; : > "$sdir/zz-vendor.conf"
chk "$sock" profile.ini
expect_status "sockets: ... hidden by an empty namesake: in the desired state" 0 "$st" "$out"
rm -r "$sdir" "$sock/lib/systemd/system/libvirtd-tcp.socket.d"
sed 's/^ListenStream=.*/ListenStream=16777/' "$sock/lib/systemd/system/libvirtd-tcp.socket" > "$sock/etc/systemd/system/libvirtd-tcp.socket"
chk "$sock" profile.ini
expect_status "sockets: a unit file of /etc on 16777 fails check" 4 "$st" "$out"
expect_grep "sockets: ... naming it" 'would listen on 16777, not 16509 alone \(ListenStream in /etc/systemd/system/libvirtd-tcp\.socket:5\)' "$out"

# The TLS socket the same way: libvirt's 16514, or the profile's tls_port
# in a drop-in of its own; another port from a drop-in of the site's fails.
tls=$(new_host debian12-socket tls)
printf '[libvirtd]\nlisten_tcp = no\nlisten_tls = yes\nauth_tcp = sasl\n' > tls.ini
sed 's/^listen_tls = yes$/&\ntls_port = 16515/' tls.ini > tls-port.ini
# nova-compute on qemu+tcp://, its default, while only TLS listens
chk "$tls" tls.ini
# (no drift: without certificates the TLS socket is left as it is)
expect_status "tls: nova on tcp fails the TCP listener item" 4 "$st" "$out"
expect_grep "tls: ... saying why" \
	"libvirtd\.listener +failed +nova-compute connects to the destination's libvirt over tcp \(live_migration_scheme is not set: nova's default, tcp\), but listen_tcp = no keeps it closed: live migration cannot connect  \(tls\.ini:2\)" "$out"
nova_libvirt "$tls" 'live_migration_scheme = tls'
# no certificates: libvirtd would not start for a TLS connection, and
# this host's client could not connect to another
chk "$tls" tls.ini
expect_status "tls: no certificates fails check" 4 "$st" "$out"
expect_grep "tls: ... the server's, naming the file" \
	"libvirtd\.listener_tls +failed +libvirt's daemon would not start to answer on its TLS port: /etc/pki/CA/cacert\.pem, /etc/pki/libvirt/servercert\.pem, /etc/pki/libvirt/private/serverkey\.pem are missing \(migready does not manage certificates\); apply does not turn that listener on until they are there" "$out"
expect_no_grep "tls: ... and its socket is not planned" "libvirtd-tls\.socket" "$out"
expect_grep "tls: ... the client's, naming the file" \
	"libvirtd\.tls_client +failed +nova-compute connects to the destination's libvirt over tls \(/etc/nova/nova\.conf:2 sets \[libvirt\] live_migration_scheme = 'tls'\), as this host's client: /etc/pki/CA/cacert\.pem, /etc/pki/libvirt/clientcert\.pem, /etc/pki/libvirt/private/clientkey\.pem are missing" "$out"
tls_files "$tls"
converge "tls" "$tls" tls.ini
expect_link "tls: libvirtd-tls.socket enabled offline" \
	"$tls/etc/systemd/system/sockets.target.wants/libvirtd-tls.socket" /lib/systemd/system/libvirtd-tls.socket
tdir=$tls/etc/systemd/system/libvirtd-tls.socket.d
mkdir -p "$tdir"
printf '[Socket]\nListenStream=\nListenStream=16600\n' > "$tdir/override.conf"
chk "$tls" tls.ini
expect_status "tls: an override.conf on 16600 fails check" 4 "$st" "$out"
expect_grep "tls: the failure names the port and the file" \
	'libvirtd\.listen_tls_port +failed +libvirtd-tls\.socket would listen on 16600, not 16514 alone \(ListenStream in /etc/systemd/system/libvirtd-tls\.socket\.d/override\.conf:3\)' "$out"
rm "$tdir/override.conf"
chk "$tls" tls-port.ini
expect_status "tls: tls_port 16515 while nova connects to 16514 fails" 6 "$st" "$out"
expect_grep "tls: ... naming the port nova connects to" \
	"libvirtd\.listen_tls_port +failed +nova-compute connects to port 16514 \(/etc/nova/nova\.conf:2 sets \[libvirt\] live_migration_scheme = 'tls'; no port in the URI: libvirt's default\), but libvirt listens on 16515" "$out"
nova_libvirt "$tls" 'live_migration_uri = qemu+tls://%s:16515/system'
chk "$tls" tls-port.ini
expect_status "tls: tls_port 16515 is drift" 2 "$st" "$out"
expect_grep "tls: ... in the TLS socket's drop-in" 'libvirtd\.tls_port +drift .*migready-port\.conf' "$out"
converge "tls port" "$tls" tls-port.ini
expect_grep "tls: the drop-in listens on 16515" '^ListenStream=16515$' "$(cat "$tdir/migready-port.conf" 2>&1)"
[ ! -e "$tls/etc/systemd/system/libvirtd-tcp.socket.d" ] && ok "tls: no drop-in for the TCP socket" \
	|| not_ok "tls: no drop-in for the TCP socket" "$(ls -R "$tls/etc/systemd/system")"

# libvirtd.service masked: the socket is enabled, but systemd will not
# start what it activates. A failure, not green; apply leaves the mask.
msk=$(new_host debian12-socket svcmask)
out=$(mr apply --local --root "$msk" -p profile.ini 2>&1)
ln -s /dev/null "$msk/etc/systemd/system/libvirtd.service"
chk "$msk" profile.ini
expect_status "svcmask: libvirtd.service masked fails check" 4 "$st" "$out"
expect_grep "... saying the socket leads nowhere" \
	'libvirtd\.listener +failed +libvirtd\.service is masked: systemd will not start it, so its socket leads nowhere' "$out"
out=$(mr apply --local --root "$msk" -p profile.ini 2>&1)
expect_link "svcmask: ... apply leaves the mask" "$msk/etc/systemd/system/libvirtd.service" /dev/null

# the options file as systemd reads it: text after the closing quote is
# part of the value, and libvirtd refuses a non-option word
args=$(new_host debian12-socket args)
printf 'LIBVIRTD_ARGS="--timeout 120" # keep\n' >> "$args/etc/default/libvirtd"
chk "$args" profile.ini
expect_status "args: a comment after the quoted LIBVIRTD_ARGS fails check" 6 "$st" "$out"
expect_grep "... naming the file, the value and the word" \
	"libvirtd\.listener +failed +libvirtd\.service would start libvirtd with '--timeout 120# keep' \(LIBVIRTD_ARGS from /etc/default/libvirtd, text after its closing quote part of the value to systemd\): 'keep' is no option" "$out"
sed -i 's/^LIBVIRTD_ARGS=.*/LIBVIRTD_ARGS="--timeout 120"/' "$args/etc/default/libvirtd"
chk "$args" profile.ini
expect_no_grep "args: ... without it, no failure" 'libvirtd\.listener +failed' "$out"

# libvirtd.service's own lines may give --listen: an Environment= of a
# drop-in (unless the options file sets the variable: it is read after),
# or an ExecStart that says it. Socket activation refuses it.
svc=$(new_host debian12-socket svc)
sdrop=$svc/etc/systemd/system/libvirtd.service.d
mkdir -p "$sdrop"
printf '[Service]\nEnvironment="LIBVIRTD_ARGS=--timeout 120 --listen"\n' > "$sdrop/override.conf"
chk "$svc" profile.ini
expect_status "service: --listen from a drop-in's Environment= fails check" 6 "$st" "$out"
expect_grep "... naming the drop-in" \
	'libvirtd\.listen_flag +failed +libvirtd\.service would start libvirtd with --listen \(LIBVIRTD_ARGS from Environment= in /etc/systemd/system/libvirtd\.service\.d/override\.conf\), which socket activation refuses' "$out"
printf 'LIBVIRTD_ARGS="--timeout 120"\n' >> "$svc/etc/default/libvirtd"
chk "$svc" profile.ini
expect_no_grep "service: ... not when the options file sets the variable" 'libvirtd\.listen_flag +failed' "$out"
printf '[Service]\nExecStart=\nExecStart=/usr/sbin/libvirtd -l $LIBVIRTD_ARGS\n' > "$sdrop/override.conf"
chk "$svc" profile.ini
expect_grep "service: an ExecStart with -l fails check" \
	'libvirtd\.listen_flag +failed +libvirtd\.service would start libvirtd with --listen \(ExecStart in /etc/systemd/system/libvirtd\.service\.d/override\.conf\)' "$out"
printf '[Service]\nExecStart=\nExecStart=/usr/sbin/libvirtd -f /etc/libvirt/l.conf $LIBVIRTD_ARGS\n' > "$sdrop/override.conf"
chk "$svc" profile.ini
expect_no_grep "service: ... one without it does not" 'libvirtd\.listen_flag +failed' "$out"
# systemd joins a line ending in \ with the next (a comment between is
# skipped): the --listen on the third line is the ExecStart's
printf '[Service]\nExecStart=\nExecStart=/usr/sbin/libvirtd \\\n# the options\n    --listen $LIBVIRTD_ARGS\n' > "$sdrop/override.conf"
chk "$svc" profile.ini
expect_grep "service: --listen on a continued ExecStart line fails check" \
	'libvirtd\.listen_flag +failed +libvirtd\.service would start libvirtd with --listen \(ExecStart in /etc/systemd/system/libvirtd\.service\.d/override\.conf\)' "$out"
# a second ExecStart without an empty one first: systemd refuses the unit
printf '[Service]\nExecStart=/usr/sbin/libvirtd --timeout 120\n' > "$sdrop/override.conf"
chk "$svc" profile.ini
expect_status "service: two ExecStart in effect fail check" 6 "$st" "$out"
expect_grep "... saying systemd refuses it" \
	'libvirtd\.listener +failed +libvirtd\.service has 2 ExecStart= in effect \(the last in /etc/systemd/system/libvirtd\.service\.d/override\.conf, without an empty ExecStart= before it\): systemd refuses to start it' "$out"
# the options variable is the one of the ExecStart in effect, a drop-in's;
# the options file's assignment wins only where the unit reads it
sed -i '/^LIBVIRTD_ARGS=/d' "$svc/etc/default/libvirtd"
printf 'OPTS="--timeout 120"\n' >> "$svc/etc/default/libvirtd"
printf '[Service]\nExecStart=\nExecStart=/usr/sbin/libvirtd $OPTS\nEnvironment=OPTS=--listen\n' > "$sdrop/override.conf"
chk "$svc" profile.ini
expect_no_grep "service: a drop-in's own variable, set by the options file: no failure" 'libvirtd\.listen_flag +failed' "$out"
printf '[Service]\nExecStart=\nExecStart=/usr/sbin/libvirtd $OPTS\nEnvironment=OPTS=--listen\nEnvironmentFile=\n' > "$sdrop/override.conf"
chk "$svc" profile.ini
expect_grep "service: ... the options file no longer read: its --listen fails check" \
	'libvirtd\.listen_flag +failed +libvirtd\.service would start libvirtd with --listen \(OPTS from Environment= in /etc/systemd/system/libvirtd\.service\.d/override\.conf\)' "$out"
# an empty Environment= drops the assignments before it
printf '[Service]\nEnvironment=LIBVIRTD_ARGS=--listen\nEnvironment=\n' > "$sdrop/override.conf"
sed -i '/^OPTS=/d' "$svc/etc/default/libvirtd"
chk "$svc" profile.ini
expect_no_grep "service: an empty Environment= drops the --listen before it" 'libvirtd\.listen_flag +failed' "$out"
# an EnvironmentFile of the site's, read after the options file: its
# value is the one libvirtd gets, and migready does not edit it
printf '[Service]\nEnvironmentFile=-/etc/libvirt/site.env\n' > "$sdrop/override.conf"
printf '# site\nLIBVIRTD_ARGS="--timeout 120 --listen"\n' > "$svc/etc/libvirt/site.env"
chk "$svc" profile.ini
expect_grep "service: --listen from another EnvironmentFile fails check" \
	'libvirtd\.listen_flag +failed +libvirtd\.service would start libvirtd with --listen \(LIBVIRTD_ARGS from /etc/libvirt/site\.env\)' "$out"
# ... a pattern (systemd globs it), and a path with a blank
printf '[Service]\nEnvironmentFile=-/etc/libvirt/s*.e[n]v\n' > "$sdrop/override.conf"
chk "$svc" profile.ini
expect_grep "service: ... an EnvironmentFile pattern matching it: check fails" \
	'libvirtd\.listen_flag +failed +libvirtd\.service would start libvirtd with --listen \(LIBVIRTD_ARGS from /etc/libvirt/site\.env\)' "$out"
# ... a pattern in a directory, whose files the probe does not read:
# not known, so a failure, never green; reset by an empty EnvironmentFile=
printf '[Service]\nEnvironmentFile=-/etc/lib*/site.env\n' > "$sdrop/override.conf"
chk "$svc" profile.ini
expect_grep "service: ... a pattern in a directory: check fails, not green" \
	'libvirtd\.listen_flag +failed +libvirtd\.service reads EnvironmentFile=/etc/lib\*/site\.env, a wildcard in a directory, whose files migready does not read' "$out"
printf '[Service]\nEnvironmentFile=-/etc/lib*/site.env\nEnvironmentFile=\n' > "$sdrop/override.conf"
chk "$svc" profile.ini
expect_no_grep "service: ... reset by an empty EnvironmentFile=: no failure" 'libvirtd\.listen_flag +failed' "$out"
# ... a specifier (%E is /etc), a line continued with \\
printf '[Service]\nEnvironmentFile=-%%E/libvirt/site.env\n' > "$sdrop/override.conf"
chk "$svc" profile.ini
expect_grep "service: ... %E/libvirt/site.env: check fails" 'with --listen \(LIBVIRTD_ARGS from /etc/libvirt/site\.env\)' "$out"
printf '[Service]\nEnvironmentFile=\\\n   -/etc/libvirt/site.env\n' > "$sdrop/override.conf"
chk "$svc" profile.ini
expect_grep "service: ... on a continued line: check fails" 'with --listen \(LIBVIRTD_ARGS from /etc/libvirt/site\.env\)' "$out"
mv "$svc/etc/libvirt/site.env" "$svc/etc/libvirt/my site.env"
printf '[Service]\nEnvironmentFile=/etc/libvirt/my site.env\n' > "$sdrop/override.conf"
chk "$svc" profile.ini
expect_grep "service: ... a path with a blank: check fails" \
	'libvirtd\.listen_flag +failed +libvirtd\.service would start libvirtd with --listen \(LIBVIRTD_ARGS from /etc/libvirt/my site\.env\)' "$out"
mv "$svc/etc/libvirt/my site.env" "$svc/etc/libvirt/site.env"
printf 'LIBVIRTD_ARGS="--timeout 120"\n' > "$svc/etc/libvirt/site.env"
printf '[Service]\nEnvironmentFile=-/etc/libvirt/site.env\nEnvironment=LIBVIRTD_ARGS=--listen\n' > "$sdrop/override.conf"
chk "$svc" profile.ini
expect_no_grep "service: ... its value without it wins over Environment=" 'libvirtd\.listen_flag +failed' "$out"
# every variable ExecStart passes counts, not the last alone
printf '[Service]\nEnvironmentFile=\nEnvironment=LIBVIRTD_ARGS=--listen\nExecStart=\nExecStart=/usr/sbin/libvirtd $LIBVIRTD_ARGS $EXTRA\n' > "$sdrop/override.conf"
chk "$svc" profile.ini
expect_grep "service: the first of two variables gives --listen: check fails" \
	'libvirtd\.listen_flag +failed +libvirtd\.service would start libvirtd with --listen \(LIBVIRTD_ARGS from Environment=' "$out"
rm "$svc/etc/libvirt/site.env"
# [Service] in a socket's drop-in is ignored by systemd: its ListenStream=
# does not move the socket off the loopback
mkdir -p "$svc/etc/systemd/system/libvirtd-tcp.socket.d"
printf '[Socket]\nListenStream=\nListenStream=127.0.0.1:16509\n' > "$svc/etc/systemd/system/libvirtd-tcp.socket.d/a.conf"
printf '[Service]\nListenStream=\nListenStream=16509\n' > "$svc/etc/systemd/system/libvirtd-tcp.socket.d/b.conf"
chk "$svc" profile.ini
expect_grep "service: a [Service] section of a socket's drop-in counts for nothing" \
	'libvirtd-tcp\.socket would listen on 127\.0\.0\.1:16509, the loopback' "$out"
rm -r "$svc/etc/systemd/system/libvirtd-tcp.socket.d"
# a profile that sets no listener key edits no options file: --listen
# there is then a failure, not the drift apply would not fix
rm -f "$sdrop/override.conf"
cp "$svc/etc/default/libvirtd" "$WORK/svc-default.keep"
printf 'LIBVIRTD_ARGS="--listen"\n' >> "$svc/etc/default/libvirtd"
printf '[libvirtd]\nauth_tcp = none\n' > auth-only.ini
chk "$svc" auth-only.ini
expect_grep "service: --listen in the options file, nothing planned to edit it: check fails" \
	'libvirtd\.listen_flag +failed +libvirtd\.service would start libvirtd with --listen \(LIBVIRTD_ARGS from /etc/default/libvirtd\)' "$out"
cp "$WORK/svc-default.keep" "$svc/etc/default/libvirtd"
# a drop-in directory that is a link: read inside the tree
mv "$sdrop" "$svc/srv-dropins"
ln -s /srv-dropins "$sdrop"
printf '[Service]\nEnvironment=LIBVIRTD_ARGS=-l\n' > "$svc/srv-dropins/override.conf"
chk "$svc" profile.ini
expect_grep "service: a linked drop-in directory is read inside the tree" \
	'libvirtd\.listen_flag +failed +libvirtd\.service would start libvirtd with --listen \(LIBVIRTD_ARGS from Environment= in /etc/systemd/system/libvirtd\.service\.d/override\.conf\)' "$out"

# A tree's links are the host's: an absolute one (netfilter-persistent's
# alias iptables.service) leads inside the tree, and one that leads
# nowhere there loses no fact read after it (the override is still found).
alias=$(new_host debian12-socket alias)
mkdir -p "$alias/lib/systemd/system"
printf '[Unit]\nDescription=netfilter persistent\n[Install]\nWantedBy=multi-user.target\n' \
	> "$alias/lib/systemd/system/netfilter-persistent.service"
ln -s /lib/systemd/system/netfilter-persistent.service "$alias/etc/systemd/system/iptables.service"
ln -s /lib/systemd/system/nowhere.service "$alias/etc/systemd/system/nfs-server.service"
mkdir -p "$alias/etc/systemd/system/libvirtd-tcp.socket.d"
printf '[Socket]\nListenStream=\nListenStream=16600\n' > "$alias/etc/systemd/system/libvirtd-tcp.socket.d/override.conf"
out=$(mr facts --local --root "$alias" 2>&1)
expect_grep "links: an absolute link is read inside the tree" 'unit\.iptables\.service +disabled' "$out"
expect_grep "links: ... one that leads nowhere there is unknown" 'unit\.nfs-server\.service +unknown' "$out"
expect_grep "links: ... and the facts after it are all there" 'socket\.libvirtd-tcp\.socket\.listen +/etc/systemd/system/libvirtd-tcp\.socket\.d/override\.conf 3 16600' "$out"
# odd names: a backslash (awk reads escapes in its operands), a control
# character (a fact is a line): the host's facts stay whole, the name shown
mv "$alias/etc/systemd/system/libvirtd-tcp.socket.d/override.conf" "$alias/etc/systemd/system/libvirtd-tcp.socket.d/o\\n$(printf '\033').conf"
out=$(mr facts --local --root "$alias" 2>&1); st=$?
expect_status "names: a drop-in named with a backslash and an ESC: facts" 0 "$st" "$out"
expect_grep "... its line whole, the ESC as %1B" 'socket\.libvirtd-tcp\.socket\.listen +/etc/systemd/system/libvirtd-tcp\.socket\.d/o\\n%1B\.conf 3 16600' "$out"
chk "$alias" profile.ini
expect_grep "links: so the override still fails check" 'libvirtd\.listen_port +failed' "$out"
expect_grep "names: ... the ESC still spelt %1B in the message" 'ListenStream in /etc/systemd/system/libvirtd-tcp\.socket\.d/o\\n%1B\.conf:3\)' "$out"
case $out in *"$(printf '\033')"*) not_ok "names: ... no ESC reaches the report" "$out" ;; *) ok "names: ... no ESC reaches the report" ;; esac

# A masked TCP socket (as a forced legacy world leaves it) is unmasked,
# then enabled; a rollback masks it again.
masked=$(new_host debian12-socket masked)
ln -s /dev/null "$masked/etc/systemd/system/libvirtd-tcp.socket"
chk "$masked" profile.ini
expect_grep "masked: check shows the mask" "libvirtd\.listener +drift +'masked' -> 'enabled'" "$out"
out=$(mr apply --local --root "$masked" -p profile.ini 2>&1); expect_status "masked: apply" 2 $? "$out"
[ ! -L "$masked/etc/systemd/system/libvirtd-tcp.socket" ] && ok "masked: the mask is gone" \
	|| not_ok "masked: still masked" "$(ls -l "$masked/etc/systemd/system")"
expect_link "masked: then enabled" "$masked/etc/systemd/system/sockets.target.wants/libvirtd-tcp.socket" \
	/lib/systemd/system/libvirtd-tcp.socket
chk "$masked" profile.ini; expect_status "masked: check after apply" 0 "$st" "$out"
out=$(mr rollback --local --root "$masked" 2>&1); expect_status "masked: rollback" 2 $? "$out"
expect_link "masked: the rollback masks it again" "$masked/etc/systemd/system/libvirtd-tcp.socket" /dev/null

# Forced legacy on a socket-capable host: sockets masked, --listen added.
root=$(new_host debian12-socket d12legacy)
converge "debian12 forced legacy" "$root" forced.ini
expect_link "forced legacy: libvirtd.socket masked" "$root/etc/systemd/system/libvirtd.socket" /dev/null
expect_link "forced legacy: libvirtd-tcp.socket masked" "$root/etc/systemd/system/libvirtd-tcp.socket" /dev/null
expect_grep "forced legacy: --listen added" '^LIBVIRTD_ARGS="--listen"$' "$(cat "$root/etc/default/libvirtd")"
expect_grep "forced legacy: listen_tcp written" '^listen_tcp = 1$' "$(cat "$root/etc/libvirt/libvirtd.conf")"

# --- Debian 10: libvirt 5.0, libvirtd --listen through libvirtd_opts ---
root=$(new_host debian10-legacy d10)
out=$(mr facts --local --root "$root" 2>&1)
expect_grep "debian10: legacy world (libvirt 5.0)" 'libvirt\.listener +legacy \(libvirt older than 5\.6' "$out"
converge debian10 "$root" profile.ini
expect_grep "debian10: --listen in libvirtd_opts" '^libvirtd_opts="--listen"$' "$(cat "$root/etc/default/libvirtd")"
conf=$(cat "$root/etc/libvirt/libvirtd.conf")
expect_grep "debian10: listen_tcp written" '^listen_tcp = 1$' "$conf"
expect_grep "debian10: listen_tls written" '^listen_tls = 0$' "$conf"
expect_no_grep "debian10: tcp_port left at its default" '^tcp_port' "$conf"
# libvirtd reads -l as --listen: a host that has it is in the desired state
sed -i 's/^libvirtd_opts=.*/libvirtd_opts="-l"/' "$root/etc/default/libvirtd"
chk "$root" profile.ini
expect_status "debian10: -l counts as --listen" 0 "$st" "$out"
# A value spelt as libvirt refuses it is drift, and says why.
sed -i 's/^listen_tcp = 1$/listen_tcp = "1"/' "$root/etc/libvirt/libvirtd.conf"
printf 'tcp_port = 16509\n' >> "$root/etc/libvirt/libvirtd.conf"
chk "$root" profile.ini
expect_status "debian10: a quoted flag and a bare port are drift" 2 "$st" "$out"
expect_grep "... the flag says why" "libvirtd\.listen_tcp +drift +'\"1\"' -> '1': libvirt reads a bare number here, and refuses a quoted one" "$out"
expect_grep "... the port says why" "libvirtd\.tcp_port +drift +'16509' -> '16509': libvirt reads a quoted string here" "$out"
out=$(mr apply --local --root "$root" -p profile.ini 2>&1); expect_status "debian10: apply respells them" 2 $? "$out"
expect_grep "... the port quoted" '^tcp_port = "16509"$' "$(cat "$root/etc/libvirt/libvirtd.conf")"
# listen_addr on the loopback: libvirtd --listen would bind there only
cp "$root/etc/libvirt/libvirtd.conf" "$WORK/libvirtd.conf.keep"
printf 'listen_addr = "127.0.0.1"\n' >> "$root/etc/libvirt/libvirtd.conf"
chk "$root" profile.ini
expect_status "debian10: listen_addr on the loopback fails check" 4 "$st" "$out"
expect_grep "... and says why" 'libvirtd\.listen_addr +failed +/etc/libvirt/libvirtd\.conf sets listen_addr = "127\.0\.0\.1": libvirtd would listen on the loopback only' "$out"
sed -i 's/^listen_addr = .*/listen_addr = "10.20.0.5"/' "$root/etc/libvirt/libvirtd.conf"
chk "$root" profile.ini
expect_status "debian10: ... an address of the host does not" 0 "$st" "$out"
printf 'listen_addr = "compute7" # its name\n' > "$root/etc/libvirt/libvirtd.conf"
printf '127.0.0.1\tlocalhost\n127.0.1.1\tcompute7.example.org compute7\n' > "$root/etc/hosts"
chk "$root" profile.ini
expect_grep "debian10: ... the host's name, which its /etc/hosts gives 127.0.1.1 (Debian's installer)" \
	'libvirtd\.listen_addr +failed +/etc/libvirt/libvirtd\.conf sets listen_addr = "compute7", which this host resolves to 127\.0\.1\.1' "$out"
printf '10.20.0.7\tcompute7\n' >> "$root/etc/hosts"
chk "$root" profile.ini
expect_no_grep "debian10: ... not when it also has an address of the host" 'libvirtd\.listen_addr +failed' "$out"
# QEMU binds migration_address where this host resolves it
cp "$root/etc/libvirt/qemu.conf" "$WORK/qemu.conf.keep"
printf 'migration_address = "compute7"\n' >> "$root/etc/libvirt/qemu.conf"
printf '127.0.0.1\tlocalhost\n127.0.1.1\tcompute7.example.org compute7\n' > "$root/etc/hosts"
chk "$root" profile.ini
expect_grep "debian10: migration_address the host's name, which its /etc/hosts gives 127.0.1.1" \
	'qemu\.migration_address +failed +/etc/libvirt/qemu\.conf sets migration_address = "compute7", which this host.s /etc/hosts gives the loopback address 127\.0\.1\.1 only' "$out"
printf '10.20.0.7\tcompute7\n' >> "$root/etc/hosts"
chk "$root" profile.ini
expect_no_grep "debian10: ... not when it also has an address of the host" 'qemu\.migration_address +failed' "$out"
expect_grep "... then not checked" 'not checked.*qemu\.migration_address' "$out"
cp "$WORK/qemu.conf.keep" "$root/etc/libvirt/qemu.conf"
rm "$root/etc/hosts"
printf 'listen_addr = "[::ffff:127.0.0.1]"\n' > "$root/etc/libvirt/libvirtd.conf"
chk "$root" profile.ini
expect_grep "debian10: ... an IPv4-mapped loopback too" 'libvirtd\.listen_addr +failed' "$out"
cp "$WORK/libvirtd.conf.keep" "$root/etc/libvirt/libvirtd.conf"
# nova-compute over TLS while the profile leaves listen_tls alone: open
# by libvirt's default once --listen, closed when libvirtd.conf says 0
l10=$(new_host debian10-legacy d10nova)
hosttree_dpkg "$l10" nova-compute 2:17.0.13-6+deb10u1
nova_libvirt "$l10" 'live_migration_scheme = tls'
tls_files "$l10"
sed '/^listen_tls/d' profile.ini > legacy-notls.ini
out=$(mr apply --local --root "$l10" -p legacy-notls.ini 2>&1)
expect_status "debian10, nova on tls: apply" 2 $? "$out"
chk "$l10" legacy-notls.ini
expect_status "debian10, nova on tls: TLS by libvirt's default, in the desired state" 0 "$st" "$out"
printf 'listen_tls = 0\n' >> "$l10/etc/libvirt/libvirtd.conf"
chk "$l10" legacy-notls.ini
expect_status "debian10, nova on tls: listen_tls = 0 in libvirtd.conf fails check" 4 "$st" "$out"
expect_grep "... and says where" \
	"libvirtd\.listener_tls +failed +nova-compute connects to the destination's libvirt over tls \(/etc/nova/nova\.conf:2 sets \[libvirt\] live_migration_scheme = 'tls'\), but the profile does not set listen_tls, and /etc/libvirt/libvirtd\.conf sets it to 0" "$out"
# libvirtd --config FILE reads FILE: libvirtd.conf's keys are not green
cp "$root/etc/default/libvirtd" "$WORK/default.keep"
sed -i 's|^libvirtd_opts=.*|libvirtd_opts="-l --config /etc/libvirt/site.conf"|' "$root/etc/default/libvirtd"
chk "$root" profile.ini
expect_status "debian10: --config in libvirtd_opts fails check" 4 "$st" "$out"
expect_grep "... each key written to libvirtd.conf, naming the file read" \
	'libvirtd\.auth_tcp +failed +libvirtd\.service starts libvirtd with --config /etc/libvirt/site\.conf \(libvirtd_opts from /etc/default/libvirtd\): libvirtd reads that file, not /etc/libvirt/libvirtd\.conf' "$out"
cp "$WORK/default.keep" "$root/etc/default/libvirtd"
# --listen in the options file reaches libvirtd only through a unit that
# reads the file and passes the variable
ldrop=$root/etc/systemd/system/libvirtd.service.d
mkdir -p "$ldrop"
printf '[Service]\nEnvironmentFile=\n' > "$ldrop/override.conf"
chk "$root" profile.ini
expect_status "debian10: a unit that reads no options file fails check" 4 "$st" "$out"
expect_grep "... saying --listen would not reach libvirtd" \
	'libvirtd\.listen_flag +failed +libvirtd\.service reads no EnvironmentFile=/etc/default/libvirtd: --listen there would not reach libvirtd' "$out"
printf '[Service]\nExecStart=\nExecStart=/usr/sbin/libvirtd\n' > "$ldrop/override.conf"
chk "$root" profile.ini
expect_grep "debian10: an ExecStart without the variable fails check" \
	"libvirtd\.listen_flag +failed +libvirtd\.service's ExecStart \(in /etc/systemd/system/libvirtd\.service\.d/override\.conf\) passes neither LIBVIRTD_ARGS nor libvirtd_opts: --listen in /etc/default/libvirtd would not reach libvirtd" "$out"
printf '[Service]\nExecStart=\nExecStart=/usr/sbin/libvirtd --listen\n' > "$ldrop/override.conf"
chk "$root" profile.ini
expect_no_grep "debian10: ... one that says --listen itself does not" 'libvirtd\.listen_flag +failed' "$out"
# one it passes that migready does not edit
printf '[Service]\nExecStart=\nExecStart=/usr/sbin/libvirtd $OPTS\n' > "$ldrop/override.conf"
chk "$root" profile.ini
expect_grep "debian10: ... or only a variable migready does not edit" \
	"passes neither LIBVIRTD_ARGS nor libvirtd_opts \(only variables migready does not edit\)" "$out"
# ExecStart's ":" prefix: no variable is expanded
printf '[Service]\nExecStart=\nExecStart=:/usr/sbin/libvirtd $libvirtd_opts\n' > "$ldrop/override.conf"
chk "$root" profile.ini
expect_grep "debian10: ... or a : prefix, which expands none" "passes neither LIBVIRTD_ARGS nor libvirtd_opts:" "$out"
# a backslash and then a blank ends the line: the next is no part of it
printf '[Service]\nExecStart=\nExecStart=/usr/sbin/libvirtd \\ \n  --listen\n' > "$ldrop/override.conf"
chk "$root" profile.ini
expect_grep "debian10: ... a \\\\ before a blank continues nothing" "passes neither LIBVIRTD_ARGS nor libvirtd_opts:" "$out"
# EnvironmentFile=- alone is no reset (systemd ignores it); %N is libvirtd
printf '[Service]\nEnvironmentFile=-\n' > "$ldrop/override.conf"
chk "$root" profile.ini
expect_status "debian10: EnvironmentFile=- resets nothing" 0 "$st" "$out"
printf '[Service]\nEnvironmentFile=\nEnvironmentFile=-/etc/default/%%N\n' > "$ldrop/override.conf"
chk "$root" profile.ini
expect_status "debian10: EnvironmentFile=/etc/default/%N is the options file" 0 "$st" "$out"
# an export line is one systemd ignores
sed -i 's/^libvirtd_opts=/export libvirtd_opts=/' "$root/etc/default/libvirtd"
rm "$ldrop/override.conf"
chk "$root" profile.ini
expect_grep "debian10: an export line fails check" \
	"libvirtd\.listen_flag +failed +/etc/default/libvirtd sets libvirtd_opts on an export line, which systemd's EnvironmentFile= ignores" "$out"
sed -i 's/^export libvirtd_opts=/libvirtd_opts=/' "$root/etc/default/libvirtd"
# a later EnvironmentFile gives the variable another value
printf '[Service]\nEnvironmentFile=-/etc/libvirt/site.env\n' > "$ldrop/override.conf"
printf 'libvirtd_opts="--timeout 120"\n' > "$root/etc/libvirt/site.env"
chk "$root" profile.ini
expect_grep "debian10: a later EnvironmentFile without --listen fails check" \
	"/etc/libvirt/site\.env sets libvirtd_opts again, read after /etc/default/libvirtd: libvirtd gets '--timeout 120', without --listen" "$out"
rm "$root/etc/libvirt/site.env" "$ldrop/override.conf"
# the options file as systemd reads it: a comment after the closing quote
# is part of the value; a comment line ending in \ swallows the next
sed -i 's/^libvirtd_opts=.*/libvirtd_opts="--listen" # for live migration/' "$root/etc/default/libvirtd"
chk "$root" profile.ini
expect_grep "debian10: a comment after the quoted value fails check" \
	"libvirtd\.listen_flag +failed +/etc/default/libvirtd: text after the closing quote of libvirtd_opts is part of its value to systemd \(a comment there is none\): libvirtd gets '--listen# for live migration'" "$out"
sed -i 's/^libvirtd_opts=.*/libvirtd_opts="--listen"/' "$root/etc/default/libvirtd"
printf '[Service]\nEnvironmentFile=-/etc/libvirt/site.env\n' > "$ldrop/override.conf"
printf '# the site \\\nlibvirtd_opts="--timeout 120"\n' > "$root/etc/libvirt/site.env"
chk "$root" profile.ini
expect_status "debian10: ... an assignment after a comment ending in \\\\ is no assignment" 0 "$st" "$out"
printf 'libvirtd_opts = --timeout 120 \\\n  --listen\n' > "$root/etc/libvirt/site.env"
chk "$root" profile.ini
expect_status "debian10: ... KEY = value continued with --listen on the next line" 0 "$st" "$out"
printf 'libvirtd_opts = --timeout 120\n' > "$root/etc/libvirt/site.env"
chk "$root" profile.ini
expect_grep "debian10: ... KEY = value without it fails check" "site\.env sets libvirtd_opts again" "$out"
rm "$root/etc/libvirt/site.env"
# ${VAR} is one argument: a value of two words is one libvirtd refuses;
# $VAR within a word expands nothing
printf '[Service]\nExecStart=\nExecStart=/usr/sbin/libvirtd ${libvirtd_opts}\n' > "$ldrop/override.conf"
chk "$root" profile.ini
expect_status "debian10: \${libvirtd_opts} with --listen alone: in the desired state" 0 "$st" "$out"
sed -i 's/^libvirtd_opts=.*/libvirtd_opts="--timeout 120 --listen"/' "$root/etc/default/libvirtd"
chk "$root" profile.ini
expect_grep "debian10: ... with two words: check fails" \
	'libvirtd\.listen_flag +failed +libvirtd\.service passes \$\{libvirtd_opts\} as one argument' "$out"
sed -i 's/^libvirtd_opts=.*/libvirtd_opts="--listen"/' "$root/etc/default/libvirtd"
printf '[Service]\nExecStart=\nExecStart=/usr/sbin/libvirtd --timeout=120$libvirtd_opts\n' > "$ldrop/override.conf"
chk "$root" profile.ini
expect_grep "debian10: \$libvirtd_opts within a word passes no variable" "passes neither LIBVIRTD_ARGS nor libvirtd_opts:" "$out"
rm -r "$ldrop"
# tls_port: in libvirtd.conf, quoted, where the legacy daemon reads it
sed "s/^listen_tls = no$/listen_tls = yes\ntls_port = 16515/" profile.ini > legacy-tls.ini
tls_files "$root"
chk "$root" legacy-tls.ini
expect_grep "debian10: tls_port is drift" "libvirtd\.tls_port +drift +absent \(default 16514\) -> '16515'" "$out"
out=$(mr apply --local --root "$root" -p legacy-tls.ini 2>&1); expect_status "debian10: apply tls_port" 2 $? "$out"
expect_grep "debian10: tls_port written quoted" '^tls_port = "16515"$' "$(cat "$root/etc/libvirt/libvirtd.conf")"

# --- CentOS 7: /etc/sysconfig, no socket units, no dpkg ---
root=$(new_host centos7-legacy c7)
converge centos7 "$root" profile.ini
sysconfig=$(cat "$root/etc/sysconfig/libvirtd")
expect_grep "centos7: --listen in /etc/sysconfig/libvirtd" '^LIBVIRTD_ARGS="--listen"$' "$sysconfig"
expect_grep "centos7: the commented example is kept" '^#LIBVIRTD_ARGS="--listen"$' "$sysconfig"
[ ! -e "$root/etc/default" ] && ok "centos7: no /etc/default created" || not_ok "centos7: no /etc/default created"

# --- SASL: libvirt's default auth_tcp wants credentials of the migrating
# libvirtd (root's, peer to peer); without auth.conf, no migration ---
sasl=$(new_host debian12-socket sasl)
sed '/^auth_tcp/d' profile.ini > sasl.ini
chk "$sasl" sasl.ini
expect_status "sasl: no credentials fails check" 6 "$st" "$out"
expect_grep "sasl: ... naming what it looked for" \
	"libvirtd\.auth_tcp +failed +nova-compute connects to the destination's libvirt over tcp \(live_migration_scheme is not set: nova's default, tcp\), and auth_tcp = sasl \(libvirt's default\) wants SASL credentials of the migrating libvirtd: neither /etc/libvirt/auth\.conf nor /root/\.config/libvirt/auth\.conf is on this host" "$out"
mkdir -p "$sasl/root/.config/libvirt" && printf '[credentials-migration]\nauthname=nova\n' > "$sasl/root/.config/libvirt/auth.conf"
printf '[auth-libvirt-default]\ncredentials=migration\n[credentials-migration]\nauthname=nova\npassword=s3cret-1\n' > "$sasl/etc/libvirt/auth.conf"
chk "$sasl" sasl.ini
expect_grep "sasl: root's auth.conf is the one read, /etc's ignored" \
	"libvirtd\.auth_tcp +failed +.*wants the migrating libvirtd's SASL credentials from /root/\.config/libvirt/auth\.conf, but no \[auth-libvirt-default\] group names credentials: it cannot log in to its peers" "$out"
printf '# root'"'"'s\n[auth-libvirt-default]\r\n  credentials = migration\n\n[credentials-migration]\nauthname=nova\npassword = s3cret-2\n' > "$sasl/root/.config/libvirt/auth.conf"
chk "$sasl" sasl.ini
expect_no_grep "sasl: ... root's auth.conf gives them" 'libvirtd\.auth_tcp +failed' "$out"
expect_grep "sasl: ... the peers' users are not examined, and said" \
	"not checked \(1\): libvirtd\.sasl_credentials \(/root/\.config/libvirt/auth\.conf: the peers' SASL users and passwords\)" "$out"
out=$(mr facts --local --root "$sasl" 2>&1)
expect_grep "sasl: facts say a password is set" 'libvirt\.auth_key +credentials-migration password set' "$out"
expect_no_grep "sasl: ... never what it is" 's3cret' "$out"
# libvirt's own /etc/sasl2/libvirt.conf offers Kerberos alone: auth.conf
# gives nothing to it; its keytab must be there, its tickets are not seen
mkdir -p "$sasl/etc/sasl2"
printf '# libvirt.conf as shipped
mech_list: gssapi
#keytab: /etc/libvirt/krb5.tab
' > "$sasl/etc/sasl2/libvirt.conf"
chk "$sasl" sasl.ini
expect_grep "sasl: Kerberos without its keytab fails" \
	"libvirtd\.auth_tcp +failed +.*asks for Kerberos \(/etc/sasl2/libvirt\.conf mech_list: gssapi\), but the keytab /etc/krb5\.keytab is not on this host" "$out"
printf 'mech_list: gssapi\nkeytab:  /etc/libvirt/krb5.tab \n' > "$sasl/etc/sasl2/libvirt.conf"
: > "$sasl/etc/libvirt/krb5.tab"
chk "$sasl" sasl.ini
expect_no_grep "sasl: ... with the keytab it names" 'libvirtd\.auth_tcp +failed' "$out"
expect_grep "sasl: ... Kerberos is not examined further" \
	'not checked \(1\): libvirtd\.sasl_kerberos \(/etc/sasl2/libvirt\.conf mech_list: gssapi\)' "$out"

# --- the daemon's conf file as libvirt types it, in every world: a value
# it refuses stops the daemon (a green listener would be a lie), and so
# does a quoted port of qemu.conf for the QEMU driver; auth_tcp = polkit
# fails every TCP login ---
cf=$sasl/etc/libvirt/libvirtd.conf
printf 'listen_tcp = "1"\nauth_tcp = "polkit"\n' >> "$cf"
n=$(wc -l < "$cf")
printf 'migration_port_max = "49261"\n' >> "$sasl/etc/libvirt/qemu.conf"
q=$(wc -l < "$sasl/etc/libvirt/qemu.conf")
sed '/^migration_port_max/d' sasl.ini > types.ini
chk "$sasl" types.ini
expect_status "types: values libvirt refuses fail check" 6 "$st" "$out"
expect_grep "types: a quoted listen_tcp, ignored by the sockets but read, fails at its line" \
	"libvirtd\.listen_tcp +failed +/etc/libvirt/libvirtd\.conf:$((n - 1)) sets listen_tcp = \"1\", not a bare 0 or 1, the only booleans libvirt reads: libvirtd refuses its configuration and does not start" "$out"
expect_grep "types: auth_tcp = polkit fails at its line" \
	"libvirtd\.auth_tcp +failed +/etc/libvirt/libvirtd\.conf:$n sets auth_tcp = \"polkit\": polkit cannot identify a client over TCP" "$out"
expect_grep "types: a quoted migration_port_max the profile leaves fails at its line" \
	"qemu\.migration_port_max +failed +/etc/libvirt/qemu\.conf:$q sets migration_port_max = \"49261\", not a bare number" "$out"

# --- RHEL 9: modular daemons ---
root=$(new_host rhel9-modular r9)
converge rhel9 "$root" profile.ini
expect_grep "rhel9: the listener is virtproxyd's socket" 'unit virtproxyd-tcp\.socket' "$CHECK_OUT"
expect_link "rhel9: virtproxyd-tcp.socket enabled offline" \
	"$root/etc/systemd/system/sockets.target.wants/virtproxyd-tcp.socket" /usr/lib/systemd/system/virtproxyd-tcp.socket
expect_grep "rhel9: auth_tcp in virtproxyd.conf" '^auth_tcp = "none"$' "$(cat "$root/etc/libvirt/virtproxyd.conf")"
cmp -s "$root/etc/libvirt/libvirtd.conf" "$DATA/host/etc/libvirt/libvirtd.conf" \
	&& ok "rhel9: libvirtd.conf untouched" || not_ok "rhel9: libvirtd.conf untouched"
# TLS files that virtproxyd.conf names elsewhere: not examined, and said
printf 'cert_file = "/etc/pki/virt/server.pem"\n' >> "$root/etc/libvirt/virtproxyd.conf"
tls_files "$root"
sed 's/^listen_tls = no$/listen_tls = yes/' profile.ini > modular-tls.ini
out=$(mr check --local --root "$root" -p modular-tls.ini 2>&1)
expect_grep "rhel9: virtproxyd.conf's own cert_file is not checked, and said" \
	'not checked \(1\): libvirtd\.tls_files \(/etc/libvirt/virtproxyd\.conf cert_file = "/etc/pki/virt/server\.pem"\)' "$out"
expect_no_grep "rhel9: ... the files at their defaults are there" 'libvirtd\.listener_tls +failed' "$out"
# virtproxyd given --config reads that file: auth_tcp written to
# virtproxyd.conf would not count
[ -e "$root/usr/lib/systemd/system/virtproxyd.service" ] ||
	not_ok "rhel9: the tree has virtproxyd.service" "$(ls "$root/usr/lib/systemd/system")"
mkdir -p "$root/etc/sysconfig"
printf 'VIRTPROXYD_ARGS="--timeout 120 --config /etc/libvirt/site-proxy.conf"\n' > "$root/etc/sysconfig/virtproxyd"
printf '[Service]\nEnvironmentFile=-/etc/sysconfig/virtproxyd\nExecStart=\nExecStart=/usr/sbin/virtproxyd $VIRTPROXYD_ARGS\n' \
	> "$WORK/vp.conf"
mkdir -p "$root/etc/systemd/system/virtproxyd.service.d" && cp "$WORK/vp.conf" "$root/etc/systemd/system/virtproxyd.service.d/args.conf"
chk "$root" profile.ini
expect_grep "rhel9: virtproxyd --config fails auth_tcp" \
	"libvirtd\.auth_tcp +failed +virtproxyd\.service starts virtproxyd with --config /etc/libvirt/site-proxy\.conf \(its ExecStart, with VIRTPROXYD_ARGS\): virtproxyd reads that file, not /etc/libvirt/virtproxyd\.conf, where auth_tcp is written" "$out"
rm -r "$root/etc/systemd/system/virtproxyd.service.d" "$root/etc/sysconfig/virtproxyd"
# an argv virtproxyd's option parsing refuses: it exits at once
printf 'VIRTPROXYD_ARGS="--timeout 120 --foo"\n' > "$root/etc/sysconfig/virtproxyd"
mkdir -p "$root/etc/systemd/system/virtproxyd.service.d" && cp "$WORK/vp.conf" "$root/etc/systemd/system/virtproxyd.service.d/args.conf"
chk "$root" profile.ini
expect_grep "rhel9: an option virtproxyd does not know fails check" \
	"libvirtd\.listener +failed +virtproxyd\.service would start virtproxyd with '--timeout 120 --foo' \(its ExecStart, with VIRTPROXYD_ARGS\): virtproxyd has no option '--foo', and virtproxyd exits at once" "$out"
# ... text after the closing quote, which systemd keeps in the value
printf 'VIRTPROXYD_ARGS="--timeout 120" # keep\n' > "$root/etc/sysconfig/virtproxyd"
chk "$root" profile.ini
expect_grep "rhel9: a comment after the quoted VIRTPROXYD_ARGS fails check" \
	"libvirtd\.listener +failed +virtproxyd\.service would start virtproxyd with '--timeout 120# keep' \(its ExecStart, with VIRTPROXYD_ARGS\): 'keep' is no option" "$out"
rm -r "$root/etc/systemd/system/virtproxyd.service.d" "$root/etc/sysconfig/virtproxyd"
# virtproxyd reads tcp_port as libvirtd does, a string: a bare number
# stops it, though its socket decides the port
vc=$root/etc/libvirt/virtproxyd.conf
printf 'tcp_port = 16509\n' >> "$vc"
chk "$root" profile.ini
expect_grep "rhel9: a bare tcp_port in virtproxyd.conf fails at its line" \
	"libvirtd\.tcp_port +failed +/etc/libvirt/virtproxyd\.conf:$(wc -l < "$vc") sets tcp_port = 16509, not a quoted string, the only strings libvirt reads: virtproxyd refuses its configuration and does not start" "$out"
sed -i '$d' "$vc"

# --- a tree whose world cannot be told: never green ---
cp -a "$DATA/host" "$WORK/bare"
chk "$WORK/bare" profile.ini
expect_status "no units: check" 6 "$st" "$out"
expect_grep "no units: the listener item fails and says why" 'libvirtd\.listener +failed +cannot tell how this host runs libvirt' "$out"

# --- defaults: absent and equal to libvirt's default is in state ---
root=$(new_host debian12-socket defaults)
printf '[qemu]\nmigration_port_min = 49152\ndynamic_ownership = yes\n' > defaults.ini
chk "$root" defaults.ini
expect_status "defaults: a fresh host raises no drift" 0 "$st" "$out"
out=$(mr check --local --root "$root" -p defaults.ini --explicit 2>&1); st=$?
expect_status "defaults: --explicit wants them written" 2 "$st" "$out"
expect_grep "defaults: shown as the default" "qemu\.migration_port_min +drift +absent \(default 49152\) -> '49152'" "$out"
printf '[qemu]\nexplicit = yes\nmigration_port_min = 49152\n' > explicit.ini
chk "$root" explicit.ini
expect_status "defaults: explicit = yes in the section" 2 "$st" "$out"

# --- coverage: what is not examined says so, also under -q ---
# (an [nfs] line without a role: no resource can tell this host's share)
printf '[qemu]\ndynamic_ownership = no\n[nfs]\nexport = /srv/nova 10.0.0.0/24(rw)\n' > partial.ini
out=$(mr check -q --local --root "$root" -p partial.ini 2>/dev/null)
expect_grep "coverage: unchecked sections listed under -q" 'not checked \(1\): nfs\.export \(partial\.ini:4\)' "$out"
printf '[nfs]\nexport = /srv/nova 10.0.0.0/24(rw)\n' > none.ini
out=$(mr check --local --root "$root" -p none.ini 2>/dev/null); st=$?
expect_status "coverage: nothing checked is no exit 0 (not known to be right)" 4 "$st" "$out"
expect_grep "coverage: nothing checked is not 'in the desired state'" 'localhost: nothing checked' "$out"
expect_grep "coverage: ... nor counted so" '^1 host: 0 in the desired state, 0 drifted, 0 failed, 1 with nothing checked$' "$out"
out=$(mr check --local --root "$root" -p none.ini -f json 2>/dev/null | tr -d '\n ')
expect_grep "coverage: ... nor 'ok' in JSON" '"name":"localhost","status":"unchecked"' "$out"
: > empty.ini
out=$(mr check --local --root "$root" -p empty.ini 2>&1); expect_status "coverage: an empty profile is refused" 1 $? "$out"
expect_fixed "... naming it" "migready: empty.ini: no section: a profile that sets nothing checks nothing (an empty or truncated file?)" "$out"
out=$(mr check --local --root "$root" -p none.ini 2>&1 >/dev/null)
expect_grep "coverage: check warns of the line on stderr" \
	'none\.ini:2: nfs\.export is not checked on 1 host: \[nfs\] has no role' "$out"
out=$(mr -p none.ini lint 2>&1 >/dev/null)
expect_grep "coverage: so does lint" 'none\.ini:2: nfs\.export is not checked on a host whose inventory sets no nfs\.role' "$out"
out=$(mr check --local --root "$root" -p partial.ini -f json 2>/dev/null)
expect_grep "coverage: json lists unchecked settings" '"setting": ?"nfs\.export"' "$out"
out=$(mr check --local --root "$root" -p partial.ini -f prom 2>/dev/null)
expect_grep "coverage: prom counts unchecked settings" '^migready_unchecked_settings\{host="localhost",command="check"\} 1$' "$out"

# --- nova.conf, written for the release the host runs ---
# The options each file ends with, as oslo.config reads them (configparser
# without interpolation; comments only at the start of a line).
nova_opt() { # FILE SECTION KEY -> value, or <absent>
	python3 - "$@" <<'PY'
import configparser, sys
c = configparser.RawConfigParser(strict=False, default_section="__none__",
                                 comment_prefixes=("#", ";"), inline_comment_prefixes=None)
c.optionxform = str
c.read(sys.argv[1])
print(c.get(sys.argv[2], sys.argv[3]) if c.has_option(sys.argv[2], sys.argv[3]) else "<absent>")
PY
}
root=$(new_host debian12-socket nova26)
mkdir -p "$root/etc/nova"
cp "$SRC/tests/data/nova/mitaka.conf" "$root/etc/nova/nova.conf"
converge "nova on zed (from the facts)" "$root" "$SRC/tests/data/nova/guide.ini"
conf=$root/etc/nova/nova.conf
[ "$(nova_opt "$conf" libvirt live_migration_flag)" = "<absent>" ] \
	&& ok "zed: the stale live_migration_flag is removed" || not_ok "zed: live_migration_flag removed" "$(cat "$conf")"
[ "$(nova_opt "$conf" libvirt live_migration_tunnelled)" = true ] \
	&& ok "zed: VIR_MIGRATE_TUNNELLED becomes live_migration_tunnelled" || not_ok "zed: live_migration_tunnelled" "$(cat "$conf")"
[ "$(nova_opt "$conf" libvirt cpu_models)" = kvm64 ] && ok "zed: cpu_model becomes cpu_models" \
	|| not_ok "zed: cpu_models" "$(cat "$conf")"
[ "$(nova_opt "$conf" libvirt live_migration_scheme)" = tcp ] && ok "zed: the URI becomes live_migration_scheme" \
	|| not_ok "zed: live_migration_scheme" "$(cat "$conf")"
[ "$(nova_opt "$conf" vnc server_listen)" = 0.0.0.0 ] && ok "zed: vncserver_listen becomes [vnc] server_listen" \
	|| not_ok "zed: [vnc] server_listen" "$(cat "$conf")"
expect_grep "zed: the commented example stays" '^#live_migration_flag=VIR_MIGRATE_UNDEFINE_SOURCE' "$(cat "$conf")"
# nova 26's vnc.py reads the old VNC names no more (Rocky's still did):
# a stale line, removed
[ "$(nova_opt "$conf" DEFAULT vncserver_proxyclient_address)" = "<absent>" ] \
	&& ok "zed: the old VNC name nova no longer reads is removed" \
	|| not_ok "zed: [DEFAULT] vncserver_proxyclient_address removed" "$(cat "$conf")"
expect_no_grep "zed: ... not reported as a doubt" 'not checked .*vncserver_proxyclient_address' "$CHECK_OUT"
expect_grep "zed: the translation is shown with its profile line" \
	'nova\.libvirt\.live_migration_tunnelled +drift .*guide\.ini:4' "$CHECK_OUT"
# spelt otherwise, read the same by oslo.config (True for true, one
# pair of quotes dropped): in the desired state, nothing rewritten
sed -i 's/^live_migration_tunnelled = true$/live_migration_tunnelled = True/; s/^cpu_models = kvm64$/cpu_models = "kvm64"/' "$conf"
grep -qx 'live_migration_tunnelled = True' "$conf" && grep -qx 'cpu_models = "kvm64"' "$conf" \
	|| not_ok "zed: the file respelt" "$(cat "$conf")"
out=$(mr check --local --root "$root" -p "$SRC/tests/data/nova/guide.ini" 2>&1); st=$?
expect_status "zed: True and a quoted value read as oslo reads them: in the desired state" 0 "$st" "$out"

# nova-compute started without --config-file (RHEL's unit; this tree has
# none) reads nova-compute.conf, then nova.conf.d and nova-compute.conf.d,
# after nova.conf: an option set there wins, so a different value is a
# failure that names the file, and passwords in those files never reach
# the facts.
printf '[libvirt]\nvirt_type = kvm\ncpu_mode = host-passthrough\n' > "$root/etc/nova/nova-compute.conf"
chk "$root" "$SRC/tests/data/nova/guide.ini"
expect_status "nova-compute.conf overrides cpu_mode: check fails" 4 "$st" "$out"
expect_grep "... naming the file and both values" \
	"nova\.libvirt\.cpu_mode +failed +/etc/nova/nova-compute\.conf sets \[libvirt\] cpu_mode = 'host-passthrough', read after /etc/nova/nova\.conf: nova-compute uses that, not 'custom'" "$out"
mkdir -p "$root/etc/nova/nova.conf.d"
printf '[LIBVIRT]\ncpu_mode: custom\n[database]\nconnection = mysql://nova:s3cret@db/nova\n' > "$root/etc/nova/nova.conf.d/50-site.conf"
chk "$root" "$SRC/tests/data/nova/guide.ini"
expect_status "a nova.conf.d file read later sets it back: in the desired state" 0 "$st" "$out"
out=$(mr facts --local --root "$root" -p "$SRC/tests/data/nova/guide.ini" 2>&1)
expect_grep "facts list the option with its file" 'nova\.other +/etc/nova/nova\.conf\.d/50-site\.conf libvirt/cpu_mode custom' "$out"
expect_no_grep "... and nothing else of it" 's3cret' "$out"
printf '[libvirt]\ncpu_mode = host-model\n' > "$root/etc/nova/nova.conf.d/60 site.conf"
chk "$root" "$SRC/tests/data/nova/guide.ini"
expect_grep "a later conf.d file with a blank in its name: check fails, naming it as it is" \
	"nova\.libvirt\.cpu_mode +failed +/etc/nova/nova\.conf\.d/60 site\.conf sets \[libvirt\] cpu_mode = 'host-model'" "$out"
rm "$root/etc/nova/nova.conf.d/60 site.conf"
# An older name of the option, still read by this release (cpu_model on
# zed, where the profile's cpu_model is written as cpu_models), counts.
printf '[libvirt]\ncpu_model = qemu64\n' > "$root/etc/nova/nova-compute.conf"
chk "$root" "$SRC/tests/data/nova/guide.ini"
expect_status "an alias in nova-compute.conf: check fails" 4 "$st" "$out"
expect_grep "... naming the alias" "nova\.libvirt\.cpu_models +failed +/etc/nova/nova-compute\.conf sets \[libvirt\] cpu_model = 'qemu64', read after /etc/nova/nova\.conf: nova-compute uses that, not 'kvm64'" "$out"
# oslo.config takes one pair of quotes off a value
printf '[libvirt]\ncpu_models = "kvm64"\n' > "$root/etc/nova/nova-compute.conf"
chk "$root" "$SRC/tests/data/nova/guide.ini"
expect_status "a quoted value that is the one wanted: in the desired state" 0 "$st" "$out"
# A value continued on indented lines is one value, its lines joined (not
# its first line alone); a blank line ends it.
printf '[libvirt]\ncpu_models = kvm64\n    qemu64\n\n    \n' > "$root/etc/nova/nova-compute.conf"
chk "$root" "$SRC/tests/data/nova/guide.ini"
expect_status "a value continued on the next line: check fails" 4 "$st" "$out"
expect_grep "... with the value nova reads" "nova\.libvirt\.cpu_models +failed +/etc/nova/nova-compute\.conf sets \[libvirt\] cpu_models = 'kvm64\\\\nqemu64'" "$out"
# [default] in lower case is a group of its own to oslo.config, not DEFAULT
printf '[default]\ninstances_path = /srv/elsewhere\n[ libvirt ]\ncpu_models = qemu64\n' > "$root/etc/nova/nova-compute.conf"
chk "$root" "$SRC/tests/data/nova/guide.ini"
expect_status "[default] and [ libvirt ] are other groups: in the desired state" 0 "$st" "$out"
rm -r "$root/etc/nova/nova-compute.conf" "$root/etc/nova/nova.conf.d"
# An option the profile has removed (cpu_models beside cpu_mode =
# host-model) set again in a file read after nova.conf: nova-compute uses
# it, so check fails, naming the file (each line once, not per alias).
printf '[nova]\nrelease = zed\ncpu_mode = host-model\n' > "$WORK/host-model.ini"
printf '[libvirt]\ncpu_models = Haswell-noTSX\n' > "$root/etc/nova/nova-compute.conf"
cp "$conf" "$WORK/nova.conf.before-host-model"
mr apply --local --root "$root" -p "$WORK/host-model.ini" >/dev/null 2>&1
chk "$root" "$WORK/host-model.ini"
expect_status "a removed option set in nova-compute.conf: check fails" 4 "$st" "$out"
expect_grep "... naming the file and the value nova reads" \
	"nova\.libvirt\.cpu_models +failed +/etc/nova/nova-compute\.conf sets \[libvirt\] cpu_models = 'Haswell-noTSX', read after /etc/nova/nova\.conf: nova-compute uses that, where the profile has it removed" "$out"
[ "$(printf '%s\n' "$out" | grep -c "cpu_models = 'Haswell-noTSX'")" = 1 ] && ok "... once" \
	|| not_ok "... once" "$out"
rm "$root/etc/nova/nova-compute.conf"
chk "$root" "$WORK/host-model.ini"
expect_status "... gone again: in the desired state" 0 "$st" "$out"
cp "$WORK/nova.conf.before-host-model" "$conf"
# nova.conf's own [LIBVIRT] is oslo.config's [libvirt] (it normalises
# group names): apply sets cpu_mode there too.
# An option's name it matches as written: cpu-mode or CPU_MODE is no
# cpu_mode, whatever its value.
cp "$conf" "$WORK/nova.conf.keep"
printf '\n[libvirt]\ncpu-mode = host-passthrough\nCPU_MODE = host-model\n' >> "$conf"
chk "$root" "$SRC/tests/data/nova/guide.ini"
expect_status "nova.conf: cpu-mode and CPU_MODE are other options: in the desired state" 0 "$st" "$out"
printf '\n[LIBVIRT]\ncpu_mode = host-passthrough\n' >> "$conf"
chk "$root" "$SRC/tests/data/nova/guide.ini"
expect_status "nova.conf: a later [LIBVIRT] cpu_mode is drift" 2 "$st" "$out"
expect_grep "... its value shown" \
	"nova\.libvirt\.cpu_mode +drift +'host-passthrough' -> 'custom'" "$out"
out=$(mr apply --local --root "$root" -p "$SRC/tests/data/nova/guide.ini" 2>&1); expect_status "... apply" 2 $? "$out"
[ "$(nova_opt "$conf" LIBVIRT cpu_mode)" = custom ] && ok "... set where it stands" \
	|| not_ok "... set where it stands" "$(cat "$conf")"
chk "$root" "$SRC/tests/data/nova/guide.ini"
expect_status "... then in the desired state" 0 "$st" "$out"
cp "$WORK/nova.conf.keep" "$conf"
# Debian's unit starts nova-compute through its init script, which gives
# --config-file: then nova.conf.d is read before nova.conf. nova.conf wins
# where it states the option; one left out at nova's default is then
# written out (live_migration_bandwidth = 0, which guide.ini wants).
mkdir -p "$root/lib/systemd/system" "$root/etc/nova/nova.conf.d"
printf '[Service]\nExecStart=/etc/init.d/nova-compute systemd-start\n' > "$root/lib/systemd/system/nova-compute.service"
printf '[libvirt]\ncpu_mode = host-passthrough\nlive_migration_bandwidth = 100\n' > "$root/etc/nova/nova.conf.d/50-site.conf"
sed -i '/^live_migration_bandwidth/d' "$conf"
out=$(mr facts --local --root "$root" -p "$SRC/tests/data/nova/guide.ini" 2>&1)
expect_grep "debian's nova: nova.conf.d is read before nova.conf" 'nova\.before +/etc/nova/nova\.conf\.d/50-site\.conf libvirt/cpu_mode host-passthrough' "$out"
chk "$root" "$SRC/tests/data/nova/guide.ini"
expect_status "... an option nova.conf states is not its failure, one at its default is drift" 2 "$st" "$out"
expect_no_grep "... cpu_mode" 'cpu_mode' "$out"
expect_grep "... the default written out, and why" \
	"nova\.libvirt\.live_migration_bandwidth +drift +absent \(default 0\) -> '0': written out: /etc/nova/nova\.conf\.d/50-site\.conf, read before /etc/nova/nova\.conf, sets '100'" "$out"
out=$(mr apply --local --root "$root" -p "$SRC/tests/data/nova/guide.ini" 2>&1); expect_status "... apply" 2 $? "$out"
[ "$(nova_opt "$conf" libvirt live_migration_bandwidth)" = 0 ] && ok "... nova.conf states it" \
	|| not_ok "... nova.conf states it" "$(cat "$conf")"
chk "$root" "$SRC/tests/data/nova/guide.ini"
expect_status "... then in the desired state" 0 "$st" "$out"
# A drop-in whose ExecStart runs nova-compute without --config-file: its
# ExecStart is the one in effect, and nova.conf.d is read after nova.conf
mkdir -p "$root/etc/systemd/system/nova-compute.service.d"
printf '[Service]\nExecStart=\nExecStart = /usr/bin/nova-compute\n' > "$root/etc/systemd/system/nova-compute.service.d/override.conf"
out=$(mr facts --local --root "$root" -p "$SRC/tests/data/nova/guide.ini" 2>&1)
expect_grep "a drop-in's ExecStart without --config-file: nova.conf.d read after nova.conf" \
	'nova\.other +/etc/nova/nova\.conf\.d/50-site\.conf libvirt/cpu_mode host-passthrough' "$out"
chk "$root" "$SRC/tests/data/nova/guide.ini"
expect_status "... so it wins, and fails check" 4 "$st" "$out"
expect_grep "... naming the file" \
	"nova\.libvirt\.cpu_mode +failed +/etc/nova/nova\.conf\.d/50-site\.conf sets \[libvirt\] cpu_mode = 'host-passthrough', read after /etc/nova/nova\.conf" "$out"
rm -r "$root/etc/systemd/system/nova-compute.service.d"
rm -r "$root/lib/systemd/system/nova-compute.service"
# RHEL's unit runs nova-compute without --config-file (nova.conf.d read
# after nova.conf), unless a drop-in says otherwise, also one of a prefix
# of its name (openstack-nova-.service.d), which systemd reads for it
mkdir -p "$root/usr/lib/systemd/system" "$root/etc/systemd/system/openstack-nova-.service.d"
printf '[Service]\nUser=nova\nExecStart=/usr/bin/nova-compute\n' > "$root/usr/lib/systemd/system/openstack-nova-compute.service"
out=$(mr facts --local --root "$root" -p "$SRC/tests/data/nova/guide.ini" 2>&1)
expect_grep "rhel's nova: nova.conf.d read after nova.conf" \
	'nova\.other +/etc/nova/nova\.conf\.d/50-site\.conf libvirt/cpu_mode host-passthrough' "$out"
printf '[Service]\nExecStart=\nExecStart=/usr/bin/nova-compute --config-file /etc/nova/nova.conf\n' \
	> "$root/etc/systemd/system/openstack-nova-.service.d/10-config.conf"
out=$(mr facts --local --root "$root" -p "$SRC/tests/data/nova/guide.ini" 2>&1)
expect_grep "... a drop-in of its name's prefix gives --config-file: read before" \
	'nova\.before +/etc/nova/nova\.conf\.d/50-site\.conf libvirt/cpu_mode host-passthrough' "$out"
rm -r "$root/etc/systemd/system/openstack-nova-.service.d"
# Without --config-file, oslo.config reads the first nova.conf it finds:
# one in nova's home hides /etc/nova/nova.conf, and nothing is written
pwkeep=; [ ! -e "$root/etc/passwd" ] || { cp "$root/etc/passwd" "$WORK/passwd.keep"; pwkeep=1; }
printf 'nova:x:64060:64060::/var/lib/nova:/bin/sh\n' >> "$root/etc/passwd"
mkdir -p "$root/var/lib/nova/.nova" && printf '[DEFAULT]\n' > "$root/var/lib/nova/.nova/nova.conf"
before=$(tree_sum "$root")
out=$(mr apply --local --root "$root" -p "$SRC/tests/data/nova/guide.ini" 2>&1); st=$?
expect_grep "nova's home's nova.conf hides /etc/nova/nova.conf" \
	"nova\.conf +failed +nova-compute reads /var/lib/nova/\.nova/nova\.conf, not /etc/nova/nova\.conf: started without --config-file, it takes the first nova\.conf oslo\.config finds in ~/\.nova/, ~/ \(its user's home\), /etc/nova/ and /etc/; nothing written" "$out"
[ "$(tree_sum "$root")" = "$before" ] && ok "... nova.conf not written" || not_ok "... nova.conf not written" "$out"
# a unit without User= runs nova-compute as root: root's home then
printf '[Service]\nExecStart=/usr/bin/nova-compute\n' > "$root/usr/lib/systemd/system/openstack-nova-compute.service"
printf 'root:x:0:0:root:/root:/bin/sh\n' >> "$root/etc/passwd"
out=$(mr facts --local --root "$root" -p "$SRC/tests/data/nova/guide.ini" 2>&1)
expect_no_grep "... not nova's home where the unit runs it as root" "nova\.conf_first" "$out"
mkdir -p "$root/root" && printf '[DEFAULT]\n' > "$root/root/nova.conf"
out=$(mr facts --local --root "$root" -p "$SRC/tests/data/nova/guide.ini" 2>&1)
expect_grep "... root's home's then" "nova\.conf_first +/root/nova\.conf" "$out"
rm -r "$root/root"
# the same search for nova-compute.conf and the conf.d directories: the
# first found of each is the one read, wherever it is
mv "$root/etc/nova/nova.conf.d" "$WORK/nova.conf.d.keep"
mkdir -p "$root/root/.nova/nova.conf.d" "$root/etc/nova/nova.conf.d"
printf '[libvirt]\ncpu_mode = host-model\n' > "$root/root/nova-compute.conf"
printf '[libvirt]\ncpu_mode = custom\n' > "$root/etc/nova/nova-compute.conf"
out=$(mr check --local --root "$root" -p "$SRC/tests/data/nova/guide.ini" 2>&1)
expect_grep "... root's nova-compute.conf is the one read" \
	"nova\.libvirt\.cpu_mode +failed +/root/nova-compute\.conf sets \[libvirt\] cpu_mode = 'host-model'" "$out"
rm "$root/root/nova-compute.conf" "$root/etc/nova/nova-compute.conf"
printf '[libvirt]\ncpu_mode = custom\n' > "$root/root/.nova/nova.conf.d/10.conf"
printf '[libvirt]\ncpu_mode = host-model\n' > "$root/etc/nova/nova.conf.d/10.conf"
out=$(mr check --local --root "$root" -p "$SRC/tests/data/nova/guide.ini" 2>&1)
expect_no_grep "... so is the home's nova.conf.d, /etc/nova's unread" "cpu_mode +failed" "$out"
rm -r "$root/root/.nova/nova.conf.d"
out=$(mr check --local --root "$root" -p "$SRC/tests/data/nova/guide.ini" 2>&1)
expect_grep "... /etc/nova's when the home has none" \
	"nova\.libvirt\.cpu_mode +failed +/etc/nova/nova\.conf\.d/10\.conf sets \[libvirt\] cpu_mode = 'host-model'" "$out"
mv "$root/etc/nova/nova.conf.d/10.conf" "$root/etc/nova/nova-compute.conf"
rmdir "$root/etc/nova/nova.conf.d"; mkdir -p "$root/etc/nova.conf.d"
mv "$root/etc/nova/nova-compute.conf" "$root/etc/nova.conf.d/10.conf"
out=$(mr check --local --root "$root" -p "$SRC/tests/data/nova/guide.ini" 2>&1)
expect_grep "... /etc's when /etc/nova has none" \
	"nova\.libvirt\.cpu_mode +failed +/etc/nova\.conf\.d/10\.conf sets \[libvirt\] cpu_mode = 'host-model'" "$out"
rm -r "$root/root" "$root/etc/nova.conf.d"
mv "$WORK/nova.conf.d.keep" "$root/etc/nova/nova.conf.d"
# /etc/nova.conf is read where /etc/nova/nova.conf is not there: writing
# that would change which file nova-compute reads
mv "$root/etc/nova/nova.conf" "$root/etc/nova.conf"
out=$(mr facts --local --root "$root" -p "$SRC/tests/data/nova/guide.ini" 2>&1)
expect_grep "... /etc/nova.conf without /etc/nova/nova.conf" "nova\.conf_first +/etc/nova\.conf" "$out"
mv "$root/etc/nova.conf" "$root/etc/nova/nova.conf"
printf '[Service]\nExecStart=/usr/bin/nova-compute --config-file /etc/nova/nova.conf\n' \
	> "$root/usr/lib/systemd/system/openstack-nova-compute.service"
out=$(mr check --local --root "$root" -p "$SRC/tests/data/nova/guide.ini" 2>&1)
expect_no_grep "... not with --config-file" "nova\.conf +failed" "$out"
# devstack's unit: --config-file names nova-cpu.conf alone, and
# oslo.config reads no other: nova.conf is not read, nothing is written
unit=$root/usr/lib/systemd/system/openstack-nova-compute.service
printf '[Service]\nExecStart=/usr/local/bin/nova-compute --config-file /etc/nova/nova-cpu.conf\n' > "$unit"
printf '[libvirt]\ncpu_mode = host-passthrough\n' > "$root/etc/nova/nova-cpu.conf"
before=$(tree_sum "$root")
out=$(mr apply --local --root "$root" -p "$SRC/tests/data/nova/guide.ini" 2>&1); st=$?
expect_status "--config-file without nova.conf: apply fails" 4 "$st" "$out"
expect_grep "... naming the file read" \
	"nova\.conf +failed +nova-compute reads /etc/nova/nova-cpu\.conf, not /etc/nova/nova\.conf: its unit's ExecStart gives it --config-file \(or --config-dir\), and oslo\.config then reads only the files named; nothing written" "$out"
[ "$(tree_sum "$root")" = "$before" ] && ok "... nova.conf not written" || not_ok "... nova.conf not written" "$out"
chk "$root" "$SRC/tests/data/nova/guide.ini"
expect_status "... check fails" 4 "$st" "$out"
# a --config-file after nova.conf: read after it, it wins
printf '[Service]\nExecStart=/usr/bin/nova-compute --config-file=/etc/nova/nova.conf --config-file=/etc/nova/nova-cpu.conf\n' > "$unit"
chk "$root" "$SRC/tests/data/nova/guide.ini"
expect_status "a --config-file after nova.conf: check fails" 4 "$st" "$out"
expect_grep "... its value wins over nova.conf's" \
	"nova\.libvirt\.cpu_mode +failed +/etc/nova/nova-cpu\.conf sets \[libvirt\] cpu_mode = 'host-passthrough', read after /etc/nova/nova\.conf: nova-compute uses that, not 'custom'" "$out"
# arguments not known here (a variable the unit does not set): not
# examined, not green
printf '[Service]\nEnvironmentFile=/etc/sysconfig/nova-x\nExecStart=/usr/bin/nova-compute --config-file $CONF\n' > "$unit"
chk "$root" "$SRC/tests/data/nova/guide.ini"
expect_grep "arguments not known: nova.conf not checked" "not checked \(1\): nova\.conf \(the files nova-compute reads" "$out"
expect_no_grep "... not in the desired state" "localhost: in the desired state" "$out"
rm "$root/etc/nova/nova-cpu.conf"
printf '[Service]\nExecStart=/usr/bin/nova-compute --config-file /etc/nova/nova.conf\n' > "$unit"
rm -r "$root/var/lib/nova/.nova" "$root/usr/lib/systemd/system/openstack-nova-compute.service"
if [ -n "$pwkeep" ]; then cp "$WORK/passwd.keep" "$root/etc/passwd"; else rm "$root/etc/passwd"; fi
rm -r "$root/etc/nova/nova.conf.d"

# The same guide on a mitaka host keeps the flags it reads.
root=$(new_host centos7-legacy nova13)
mkdir -p "$root/etc/nova"
cp "$SRC/tests/data/nova/mitaka.conf" "$root/etc/nova/nova.conf"
{ printf '[nova]\nrelease = mitaka\n'; grep -v '^\[nova\]' "$SRC/tests/data/nova/guide.ini"; } > mitaka.ini
out=$(mr apply --local --root "$root" -p mitaka.ini 2>&1); st=$?
[ "$st" = 0 ] || [ "$st" = 2 ] && ok "mitaka: apply" || not_ok "mitaka: apply (exit $st)" "$out"
conf=$root/etc/nova/nova.conf
expect_grep "mitaka: live_migration_flag kept, as mitaka reads it" 'VIR_MIGRATE_TUNNELLED' "$(nova_opt "$conf" libvirt live_migration_flag)"
[ "$(nova_opt "$conf" libvirt cpu_model)" = kvm64 ] && ok "mitaka: cpu_model in its old name" \
	|| not_ok "mitaka: cpu_model" "$(cat "$conf")"
chk "$root" mitaka.ini; expect_status "mitaka: check after apply" 0 "$st" "$out"

# Drop-ins apply by name across directories, whatever the directory: an
# earlier name in /lib comes before a later one in /etc, which /etc's
# being read first must not change
root=$(new_host debian12-socket dropins)
mkdir -p "$root/lib/systemd/system/libvirtd-tcp.socket.d" "$root/etc/systemd/system/libvirtd-tcp.socket.d"
printf '[Socket]\nListenStream=\nListenStream=127.0.0.1:16509\n' > "$root/lib/systemd/system/libvirtd-tcp.socket.d/10-a.conf"
printf '[Socket]\nListenStream=\nListenStream=16509\n' > "$root/etc/systemd/system/libvirtd-tcp.socket.d/90-b.conf"
got=$(mr facts --local --root "$root" -p profile.ini 2>&1 | sed -n 's|^ *socket\.libvirtd-tcp\.socket\.listen *||p' | sed -n 's|.*socket\.d/||p')
want=$'10-a.conf 2 \n10-a.conf 3 127.0.0.1:16509\n90-b.conf 2 \n90-b.conf 3 16509'
[ "$got" = "$want" ] && ok "drop-ins: listed by name across directories" || not_ok "drop-ins: listed by name across directories" "$got"
chk "$root" profile.ini
expect_no_grep "... so the last name's ListenStream is the one in effect, not the loopback" 'loopback' "$out"


# security_driver = apparmor: libvirt turns its AppArmor driver off (and
# libvirtd, told to use it, does not start) unless libvirtd runs under a
# profile of its own. In a tree: the profile file apparmor loads at boot.
root=$(new_host debian12-socket aa)
printf '[qemu]\nsecurity_driver = apparmor\n' > aa.ini
mkdir -p "$root/etc/apparmor.d/libvirt" "$root/etc/apparmor.d/disable"
: > "$root/etc/apparmor.d/libvirt/TEMPLATE.qemu"
: > "$root/etc/apparmor.d/usr.sbin.libvirtd"
ln -s ../usr.sbin.libvirtd "$root/etc/apparmor.d/disable/usr.sbin.libvirtd"
qc=$root/etc/libvirt/qemu.conf
out=$(mr apply --local --root "$root" -p aa.ini 2>&1); st=$?
expect_status "apparmor: apply with libvirtd's profile disabled fails" 4 "$st" "$out"
expect_grep "apparmor: ... naming the profile and libvirtd" \
	"qemu\.security_driver +failed +security_driver = apparmor, but this host's AppArmor loads no profile for libvirtd at boot \(/etc/apparmor\.d/usr\.sbin\.libvirtd is missing or disabled\).*libvirtd would not start; not written" "$out"
expect_no_grep "apparmor: ... not written to qemu.conf" '^security_driver' "$(cat "$qc")"
rm "$root/etc/apparmor.d/disable/usr.sbin.libvirtd"
chk "$root" aa.ini
expect_no_grep "apparmor: the profile enabled: not failed" 'qemu\.security_driver +failed' "$out"
expect_grep "apparmor: ... the kernel's not told: not checked" 'not checked.*qemu\.security_driver' "$out"
# Live: the kernel's list of loaded profiles, in a mount namespace whose
# securityfs, /sys/module and /etc/apparmor.d are tmpfs of our own
live_aa() { # PROFILES CMD...: CMD with the kernel enabling AppArmor, PROFILES loaded
	unshare -m --propagation private sh -c '
		set -e; p=$1; shift
		mount -t tmpfs aa /sys/kernel/security; mkdir /sys/kernel/security/apparmor
		printf "%s" "$p" > /sys/kernel/security/apparmor/profiles
		mount -t tmpfs mod /sys/module; mkdir -p /sys/module/apparmor/parameters
		echo Y > /sys/module/apparmor/parameters/enabled
		mkdir -p /etc/apparmor.d; mount -t tmpfs etc /etc/apparmor.d
		mkdir /etc/apparmor.d/libvirt; : > /etc/apparmor.d/libvirt/TEMPLATE.qemu
		set +e; exec "$@"' - "$@"
}
if live_aa '' true 2>/dev/null; then
	out=$(live_aa $'snap.lxd (enforce)\nlibvirtd//qemu_bridge_helper (enforce)\nlibvirt-1f2e (enforce)\n' \
		"$MIGREADY" --color never check --local -p aa.ini 2>&1)
	expect_grep "apparmor live: libvirtd unconfined fails" \
		"qemu\.security_driver +failed +security_driver = apparmor, but libvirtd runs under no AppArmor profile of its own \(/sys/kernel/security/apparmor/profiles names neither its path nor libvirtd\)" "$out"
	out=$(live_aa $'snap.lxd (enforce)\n/usr/sbin/libvirtd (complain)\n' "$MIGREADY" --color never facts --local 2>&1)
	expect_grep "apparmor live: facts list the daemon's profile, its mode" 'apparmor\.profile +/usr/sbin/libvirtd \(complain\)' "$out"
	expect_no_grep "apparmor live: ... and no other" 'apparmor\.profile +snap' "$out"
	out=$(live_aa $'libvirtd (enforce)\n' "$MIGREADY" --color never check --local -p aa.ini 2>&1)
	expect_no_grep "apparmor live: libvirtd confined: not failed" 'qemu\.security_driver +failed' "$out"
elif [ -n "${CI:-}" ]; then
	not_ok "apparmor live: cannot mount in a mount namespace of its own (unshare -m; not root?)"
else
	echo "# skipped: apparmor live: no mount namespace of its own (unshare -m; not root?)"
fi

summary
[ "$failed" = 0 ]
