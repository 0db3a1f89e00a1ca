#!/bin/bash
# become (sudo) against real sshd hosts in network namespaces
# (tests/lab/lab.sh): the lab user logs in, and the real sudo -n runs every
# command and file operation as root.
#   host1  the lab user may sudo without a password (NOPASSWD): check and
#          apply read root's 0600 qemu.conf, which the lab user cannot, and
#          write it with its owner and mode kept
#   host2  sudo asks for a password: that host fails, alone, saying so
#   host3  as host1, reached through an Ansible inventory (ansible_become)
# and on host1: become with --root (an image), become_user other than root
# (its own file written as it, a root-owned one refused), rollback through
# sudo: files, the unit the run enabled and
# started stopped and disabled, exportfs -ra again, the iptables rule the
# run inserted removed (an operator's stays), a mount left mounted.
# Exits 77 (skip) where the machine cannot host the lab (not root, no netns,
# no sudo), except under CI (CI set and not empty), where it fails.
set -u
MIGREADY=$(realpath "${1:?usage: run-become.sh MIGREADY LAB_SH SOURCE_DIR}")
LAB=${2:?}
SRC=${3:?}
. "$SRC/tests/lib/expect.sh"
PROFILE=$SRC/tests/data/e2e/profile.ini
DIR=$(mktemp -d /tmp/migready-become.XXXXXX)
chmod 755 "$DIR"
cleanup() {
	bash "$LAB" down "$DIR" >/dev/null 2>&1
	rm -rf "$DIR"
}
trap cleanup EXIT

connections() { cat $LAB_LOGS 2>/dev/null | grep -c 'Accepted publickey' || true; }

[ "$(id -u)" = 0 ] || skip "the lab needs root"
[ -u /usr/bin/sudo ] || skip "no sudo (sh scripts/deps.sh test installs it)"
bash "$LAB" netns-up "$DIR" 3 >"$DIR/up.log" 2>&1; st=$?
if [ "$st" = 77 ]; then cat "$DIR/up.log"; skip "the lab cannot run here"; fi
[ "$st" = 0 ] || { cat "$DIR/up.log"; echo "lab did not start"; exit 1; }
. "$DIR/env"
mr() { $LAB_EXEC "$MIGREADY" --color never "$@"; }
# HOST CMD...: CMD as root in the host's own mount namespace (its /etc), so
# that changes go through its overlay; onnet: and in its network namespace
on() { local h=$1; shift; nsenter -t "$(cat "$DIR/netns/$h/sshd.pid")" -m -- "$@"; }
onnet() { local h=$1; shift; nsenter -t "$(cat "$DIR/netns/$h/sshd.pid")" -m -n -- "$@"; }

# sudo on every host: host2's asks for a password. sudo's secure_path keeps
# the lab's stand-in systemctl first, as the sessions' PATH does.
for k in 1 2 3; do
	rule="NOPASSWD: ALL"
	[ "$k" = 2 ] && rule="ALL"
	on "host$k" sh -c "umask 077; printf '%s\n' 'Defaults:$LAB_USER secure_path=\"$DIR/netns/host$k/bin:/usr/sbin:/usr/bin:/sbin:/bin\"' '$LAB_USER ALL=(ALL) $rule' >/etc/sudoers.d/mrlab-become && chmod 0440 /etc/sudoers.d/mrlab-become && visudo -cq" \
		|| { echo "cannot set up sudo on host$k"; exit 1; }
	# root's own files, as on a real host
	on "host$k" sh -c 'chown root:root /etc/libvirt/qemu.conf /etc/libvirt/libvirtd.conf && chmod 0600 /etc/libvirt/qemu.conf && chmod 0640 /etc/libvirt/libvirtd.conf' \
		|| { echo "cannot chown the host files"; exit 1; }
done
before=$(on host1 sha256sum /etc/libvirt/qemu.conf)
on host1 runuser -u "$LAB_USER" -- cat /etc/libvirt/qemu.conf >/dev/null 2>&1 \
	&& not_ok "the lab user cannot read root's 0600 qemu.conf" || ok "the lab user cannot read root's 0600 qemu.conf"

# Without become: a permission failure.
out=$(mr check -i "$LAB_INVENTORY" -p "$PROFILE" -H host1 2>&1); expect_status "check as the lab user" 6 $? "$out"
expect_grep "check as the lab user: qemu.conf cannot be read" 'qemu.conf.*permission denied' "$out"

# With become = sudo.
sed 's/^\[defaults\]$/&\nbecome = sudo/' "$LAB_INVENTORY" >"$DIR/become.ini"
out=$(mr check -i "$DIR/become.ini" -p "$PROFILE" -H host1 2>&1); expect_status "check through sudo" 2 $? "$out"
expect_grep "check through sudo: qemu.conf read" "^  qemu.security_driver +drift .*/etc/libvirt/qemu.conf" "$out"

c0=$(connections)
out=$(mr apply -i "$DIR/become.ini" -p "$PROFILE" -H host1 -H host2 2>&1); expect_status "apply through sudo, one host asking for a password" 6 $? "$out"
c1=$(connections)
[ $((c1 - c0)) = 2 ] && ok "one SSH connection per host" || not_ok "one SSH connection per host: $((c1 - c0)) for 2"
expect_grep "host2 fails, saying sudo wants a password" "host2: become: sudo asks '$LAB_USER' for a password; migready needs passwordless sudo \(NOPASSWD\)" "$out"
expect_grep "host1 changed" '^host1: .*changed' "$out"
st=$(on host1 stat -c '%U:%G %a' /etc/libvirt/qemu.conf)
[ "$st" = "root:root 600" ] && ok "qemu.conf keeps owner root and mode 0600" || not_ok "qemu.conf keeps owner root and mode 0600" "$st"
st=$(on host1 stat -c '%U:%G %a' /etc/libvirt/libvirtd.conf)
[ "$st" = "root:root 640" ] && ok "libvirtd.conf keeps owner root and mode 0640" || not_ok "libvirtd.conf keeps owner and mode" "$st"
on host1 grep -q '^security_driver = "none"$' /etc/libvirt/qemu.conf && ok "qemu.conf written" \
	|| not_ok "qemu.conf written" "$(on host1 cat /etc/libvirt/qemu.conf | grep security_driver)"
n=$(on host1 sh -c 'ls -A /etc/libvirt | grep -c migready' || true)
[ "$n" = 0 ] && ok "no temporary file left beside the targets" || not_ok "temporary files left" "$(on host1 ls -A /etc/libvirt)"
backup=$(on host1 find /var/lib/migready/backups -name qemu.conf -type f | head -n 1)
sum=$(on host1 sha256sum "$backup" 2>/dev/null)
[ -n "$backup" ] && [ "${sum%% *}" = "${before%% *}" ] && ok "the original is backed up byte for byte" \
	|| not_ok "the original is backed up byte for byte" "$backup"
[ "$(on host1 stat -c '%U %a' "$backup")" = "root 600" ] && ok "the backup is root's, mode 0600" \
	|| not_ok "the backup is root's, mode 0600" "$(on host1 stat -c '%U %a' "$backup")"
grep -q -- '--no-ask-password enable -- libvirtd-tcp.socket' "$DIR/netns/host1/systemctl.log" \
	&& ok "units changed through sudo (the stand-in systemctl)" || not_ok "units changed through sudo" "$(cat "$DIR/netns/host1/systemctl.log")"
[ "$(on host2 stat -c '%U:%G %a' /etc/libvirt/qemu.conf)" = "root:root 600" ] && ! grep -qv '^show ' "$DIR/netns/host2/systemctl.log" \
	&& ok "nothing changed on host2" || not_ok "nothing changed on host2" "$(cat "$DIR/netns/host2/systemctl.log")"
out=$(mr check -i "$DIR/become.ini" -p "$PROFILE" -H host1 2>&1); expect_status "check after apply" 0 $? "$out"
# the host's lock, held through sudo, was let go at the end of the run
out=$(mr apply -i "$DIR/become.ini" -p "$PROFILE" -H host1 --lock-wait 5 2>&1); expect_status "apply again (the lock was released)" 0 $? "$out"

# rollback through sudo, on one connection: an edit since the run refuses
# the host with its diff and writes nothing; --force puts root's 0600
# original back byte for byte and repeats the run's service actions.
out=$(mr rollback --list -i "$DIR/become.ini" -H host1 2>&1); expect_status "rollback --list through sudo" 0 $? "$out"
expect_grep "--list: the apply's run, its files and actions" \
	'^  [0-9]{8}T[0-9]{6}Z-[0-9]+-[0-9]{3}  .*  2 files  actions: .*start libvirtd-tcp.socket' "$out"
on host1 sh -c 'echo "max_clients = 7" >> /etc/libvirt/libvirtd.conf'
edited=$(on host1 sha256sum /etc/libvirt/libvirtd.conf /etc/libvirt/qemu.conf)
: > "$DIR/netns/host1/systemctl.log"
c0=$(connections)
out=$(mr rollback -i "$DIR/become.ini" -H host1 2>&1); expect_status "rollback after an outside edit" 4 $? "$out"
c1=$(connections)
[ $((c1 - c0)) = 1 ] && ok "rollback: one SSH connection" || not_ok "rollback: one SSH connection: $((c1 - c0))"
expect_grep "the refusal names the edited file" 'failed +/etc/libvirt/libvirtd.conf: changed after run' "$out"
expect_grep "... and shows the edit" '^-max_clients = 7$' "$out"
[ "$(on host1 sha256sum /etc/libvirt/libvirtd.conf /etc/libvirt/qemu.conf)" = "$edited" ] \
	&& ! grep -qv '^show ' "$DIR/netns/host1/systemctl.log" && ok "a refused rollback writes and restarts nothing" \
	|| not_ok "a refused rollback writes and restarts nothing" "$(cat "$DIR/netns/host1/systemctl.log")"
out=$(mr rollback --force -i "$DIR/become.ini" -H host1 2>&1); expect_status "rollback --force through sudo" 2 $? "$out"
[ "$(on host1 sha256sum /etc/libvirt/qemu.conf)" = "$before" ] && ok "rollback: root's qemu.conf back byte for byte" \
	|| not_ok "rollback: root's qemu.conf back byte for byte" "$out"
st=$(on host1 stat -c '%U:%G %a' /etc/libvirt/qemu.conf)
[ "$st" = "root:root 600" ] && ok "rollback: owner root and mode 0600" || not_ok "rollback: owner root and mode 0600" "$st"
# the apply enabled and started libvirtd-tcp.socket: the rollback stops and
# disables it, the last step as the apply's first
grep -q -- '--no-ask-password stop -- libvirtd-tcp.socket' "$DIR/netns/host1/systemctl.log" &&
	tail -n 1 "$DIR/netns/host1/systemctl.log" | grep -q -- '--no-ask-password disable -- libvirtd-tcp.socket' \
	&& [ "$(cat "$DIR/netns/host1/units/libvirtd-tcp.socket")" = "disabled inactive" ] \
	&& ok "rollback stops and disables the socket the run enabled and started" \
	|| not_ok "rollback stops and disables the socket the run enabled and started" "$(cat "$DIR/netns/host1/systemctl.log")"
expect_grep "... and says so" '^  done +systemctl disable libvirtd-tcp.socket$' "$out"
# The same run rolled back again: every file is as before, so nothing is
# restarted or run and no backup run is kept.
runs=$(on host1 sh -c 'ls -d /var/lib/migready/backups/*/')
undone=$(printf '%s\n' "$runs" | tail -n 2 | head -n 1); undone=${undone%/}; undone=${undone##*/}
: > "$DIR/netns/host1/systemctl.log"
out=$(mr rollback -i "$DIR/become.ini" -H host1 "$undone" 2>&1); expect_status "rollback of run $undone again" 0 $? "$out"
! grep -qv '^show ' "$DIR/netns/host1/systemctl.log" && ok "... restarts and runs nothing" \
	|| not_ok "... restarts and runs nothing" "$(cat "$DIR/netns/host1/systemctl.log")"
[ "$(on host1 sh -c 'ls -d /var/lib/migready/backups/*/')" = "$runs" ] && ok "... and keeps no new backup run" \
	|| not_ok "... and keeps no new backup run" "$(on host1 sh -c 'ls -d /var/lib/migready/backups/*/')"
out=$(mr check -i "$DIR/become.ini" -p "$PROFILE" -H host1 2>&1); expect_status "check after the rollback" 2 $? "$out"
out=$(mr rollback -i "$DIR/become.ini" -H host1 2>&1); expect_status "rollback of the rollback" 2 $? "$out"
out=$(mr check -i "$DIR/become.ini" -p "$PROFILE" -H host1 2>&1); expect_status "... redoes the apply" 0 $? "$out"
[ "$(cat "$DIR/netns/host1/units/libvirtd-tcp.socket")" = "enabled active" ] \
	&& ok "... the socket enabled and started again" || not_ok "... the socket enabled and started again"
# rollback --no-restart: the files back, the restarts owed in
# restart-pending (none run), and run by the next apply.
: > "$DIR/netns/host1/systemctl.log"
out=$(mr rollback --no-restart -i "$DIR/become.ini" -H host1 2>&1); expect_status "rollback --no-restart" 2 $? "$out"
pending=$(on host1 cat /var/lib/migready/restart-pending 2>/dev/null)
grep -qE ' (try-)?restart ' "$DIR/netns/host1/systemctl.log" && not_ok "rollback --no-restart restarts nothing" "$(cat "$DIR/netns/host1/systemctl.log")" \
	|| ok "rollback --no-restart restarts nothing"
expect_grep "... and owes the restart in restart-pending" '^libvirtd\.service$' "$pending"
out=$(mr apply -i "$DIR/become.ini" -p "$PROFILE" -H host1 2>&1); expect_status "apply after rollback --no-restart" 2 $? "$out"
grep -qE ' (try-)?restart -- libvirtd\.service' "$DIR/netns/host1/systemctl.log" && [ -z "$(on host1 cat /var/lib/migready/restart-pending 2>/dev/null)" ] \
	&& ok "... runs the owed restart" || not_ok "... runs the owed restart" "$(cat "$DIR/netns/host1/systemctl.log")"

# What a run does outside files, undone by its rollback: exportfs -ra run
# again (a stand-in records its argv), the running iptables rule the run
# inserted removed while a rule the operator added by hand since stays,
# and the mount the run made left mounted, with a warning. The NFS paths
# are under the host's own /run (/var/lib is the real machine's).
for c in exportfs mount; do
	printf '#!/bin/sh\n[ "$1" = -v ] && exit 0\necho "%s $*" >> %s/commands.log\n' "$c" "$DIR/netns/host1" >"$DIR/netns/host1/bin/$c"
	chmod 755 "$DIR/netns/host1/bin/$c"
done
echo 'enabled active' >"$DIR/netns/host1/units/nova-compute.service"
# the lab's node has nova's account; its home here is the instances
on host1 sh -c 'usermod -d /run/mr-instances nova && mkdir -p /etc/iptables &&
	printf "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT\n-A INPUT -j REJECT\nCOMMIT\n" >/etc/iptables/rules.v4' \
	&& onnet host1 iptables-restore /etc/iptables/rules.v4 || { echo "cannot set up host1's firewall"; exit 1; }
cat >"$DIR/outside.ini" <<EOF
[nova]
release = zed
instances_path = /run/mr-instances
[nfs]
role = both
export = /run/mr-instances $LAB_NET.0/24(rw,sync,no_subtree_check)
mount = $LAB_NET.11:/run/mr-instances /run/mr-instances nfs4 defaults 0 0
[firewall]
backend = iptables
allow = 16509/tcp
source = $LAB_NET.0/24
EOF
rule="-A INPUT -s $LAB_NET.0/24 -p tcp -m tcp --dport 16509 -j ACCEPT"
out=$(mr apply -i "$DIR/become.ini" -p "$DIR/outside.ini" -H host1 2>&1); expect_status "apply: exports, fstab, firewall" 2 $? "$out"
onnet host1 iptables -S INPUT | grep -qxF -e "$rule" && ok "apply inserted the running rule" \
	|| not_ok "apply inserted the running rule" "$(onnet host1 iptables -S INPUT)"
# the run apply names: run ids sort by time, then pid, so the last by name
# is not the newest when two runs fall in the same second
run=$(printf '%s\n' "$out" | sed -n 's/^ *backup: //p' | tail -n 1)
manifest=$(on host1 cat "${run:-/nonexistent}/MANIFEST")
expect_grep "MANIFEST: the rule inserted" "^rule iptables INPUT -s $LAB_NET\.0/24 -p tcp -m tcp --dport 16509 -j ACCEPT\$" "$manifest"
expect_grep "MANIFEST: exportfs -ra" '^command exportfs -ra$' "$manifest"
expect_grep "MANIFEST: the mount" '^mount /run/mr-instances$' "$manifest"
onnet host1 iptables -I INPUT 1 -p tcp --dport 8080 -j ACCEPT
: >"$DIR/netns/host1/commands.log"
out=$(mr rollback -i "$DIR/become.ini" -H host1 2>&1); expect_status "rollback of exports, fstab, firewall" 2 $? "$out"
[ "$(cat "$DIR/netns/host1/commands.log")" = "exportfs -ra" ] && ok "rollback runs exportfs -ra again, and mounts nothing" \
	|| not_ok "rollback runs exportfs -ra again, and mounts nothing" "$(cat "$DIR/netns/host1/commands.log")"
rules=$(onnet host1 iptables -S INPUT)
! printf '%s\n' "$rules" | grep -qxF -e "$rule" && ok "rollback removed the rule the run inserted" \
	|| not_ok "rollback removed the rule the run inserted" "$rules"
printf '%s\n' "$rules" | grep -qxF -e '-A INPUT -p tcp -m tcp --dport 8080 -j ACCEPT' \
	&& printf '%s\n' "$rules" | grep -qxF -e '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT' \
	&& ok "the operator's rules stay" || not_ok "the operator's rules stay" "$rules"
expect_grep "the removal is reported" "^  done +iptables -D INPUT -s $LAB_NET\.0/24 -p tcp -m tcp --dport 16509 -j ACCEPT\$" "$out"
expect_grep "the mount is left, with a warning" '^migready: warning: host1: /run/mr-instances left mounted: run [0-9TZ-]+ mounted it' "$out"
expect_grep "... and in the report" '^  left +mount /run/mr-instances: left mounted' "$out"

# become with a root prefix (the inventory's root, then --root): an image under the host's own /run, root's 0600 qemu.conf read
# and written through sudo, owner and mode kept, the backup under the root.
img=/run/mr-image
on host1 sh -c "mkdir -p $img && cp -a '$SRC/tests/lab/node/.' $img/ && chown -R root:root $img && chmod 0600 $img/etc/libvirt/qemu.conf" \
	|| { echo "cannot make the image on host1"; exit 1; }
printf '[qemu]\nsecurity_driver = none\n' >"$DIR/qemu.ini"
sed "/^\[host host1\]\$/a root = $img" "$DIR/become.ini" >"$DIR/become-root.ini"
out=$(mr apply -i "$DIR/become-root.ini" -p "$DIR/qemu.ini" -H host1 2>&1); expect_status "apply through sudo under the inventory's root" 2 $? "$out"
on host1 grep -q '^security_driver = "none"$' $img/etc/libvirt/qemu.conf \
	&& ok "root: the image's qemu.conf written" || not_ok "root: the image's qemu.conf written" "$out"
st=$(on host1 stat -c '%U:%G %a' $img/etc/libvirt/qemu.conf)
[ "$st" = "root:root 600" ] && ok "root: owner root and mode 0600 kept" || not_ok "root: owner root and mode 0600 kept" "$st"
expect_grep "root: the backup printed under the root" "^  backup: $img/var/lib/migready/backups/[0-9TZ-]+\$" "$out"
out=$(mr check -i "$DIR/become.ini" -p "$DIR/qemu.ini" -H host1 --root $img 2>&1); expect_status "check through sudo under --root after apply" 0 $? "$out"


sed 's/^become = sudo$/&\nbecome_user = '"$LAB_USER"'/' "$DIR/become.ini" >"$DIR/become-user.ini"
out=$(mr check -i "$DIR/become-user.ini" -p "$PROFILE" -H host1 2>&1); expect_status "become_user without the rights to read" 4 $? "$out"
expect_grep "become_user: read as that user" 'host1:/etc/libvirt/qemu.conf: open: permission denied' "$out"

# become_user other than root writes as that user (sudo -u): its own file,
# owner and mode kept; a root-owned file it cannot write fails, naming
# the file, and nothing is written. It needs /var/lib/migready (the lock,
# the backups) as its own: until then, a clear failure.
on host1 sh -c 'useradd -r -M mrcfg && mkdir -p /etc/mr-owned && echo "net.ipv4.tcp_keepalive_time = 7200" >/etc/mr-owned/90-migration.conf &&
	chown -R mrcfg:mrcfg /etc/mr-owned && chmod 0640 /etc/mr-owned/90-migration.conf && echo "net.ipv4.tcp_keepalive_time = 7200" >/etc/sysctl.d/91-root.conf' \
	|| { echo "cannot set up mrcfg on host1"; exit 1; }
sed 's/^become = sudo$/&\nbecome_user = mrcfg/' "$DIR/become.ini" >"$DIR/become-mrcfg.ini"
printf '[file /etc/sysctl.d/91-root.conf]\nlens = Sysctl\nset = net.ipv4.tcp_keepalive_time 600\n' >"$DIR/root-file.ini"
printf '[file /etc/mr-owned/90-migration.conf]\nlens = Sysctl\nset = net.ipv4.tcp_keepalive_time 600\n' >"$DIR/user-file.ini"
out=$(mr apply -i "$DIR/become-mrcfg.ini" -p "$DIR/user-file.ini" -H host1 2>&1); expect_status "become_user: /var/lib/migready not its own" 4 $? "$out"
expect_grep "... the lock cannot be taken, saying why" "host1: cannot take the host's lock: cannot open /var/lib/migready/lock for writing \(as mrcfg\)" "$out"
on host1 chown -R mrcfg: /var/lib/migready
before_root=$(on host1 sh -c 'sha256sum /etc/sysctl.d/91-root.conf; ls -A /etc/sysctl.d')
out=$(mr apply -i "$DIR/become-mrcfg.ini" -p "$DIR/root-file.ini" -H host1 2>&1); expect_status "become_user: a root-owned file" 4 $? "$out"
expect_grep "... fails, naming the file" "host1:/etc/sysctl.d/91-root.conf: cannot create a temporary file in the directory: Permission denied" "$out"
[ "$(on host1 sh -c 'sha256sum /etc/sysctl.d/91-root.conf; ls -A /etc/sysctl.d')" = "$before_root" ] \
	&& ok "... nothing written" || not_ok "... nothing written" "$(on host1 ls -A /etc/sysctl.d)"
out=$(mr apply -i "$DIR/become-mrcfg.ini" -p "$DIR/user-file.ini" -H host1 2>&1); expect_status "become_user: its own file" 2 $? "$out"
[ "$(on host1 cat /etc/mr-owned/90-migration.conf)" = "net.ipv4.tcp_keepalive_time = 600" ] \
	&& ok "become_user: its file written" || not_ok "become_user: its file written" "$(on host1 cat /etc/mr-owned/90-migration.conf)"
st=$(on host1 stat -c '%U:%G %a' /etc/mr-owned/90-migration.conf)
[ "$st" = "mrcfg:mrcfg 640" ] && ok "become_user: owner mrcfg and mode 0640 kept" || not_ok "become_user: owner mrcfg and mode 0640 kept" "$st"

# An Ansible inventory with ansible_become reaches the same.
cat >"$DIR/ansible.ini" <<EOF
[compute]
host3 ansible_host=$LAB_NET.13 ansible_python_interpreter=/usr/bin/python3
[compute:vars]
ansible_user=$LAB_USER
ansible_become=true
ansible_become_user=root
ansible_become_method=sudo
ansible_ssh_private_key_file=$LAB_IDENTITY
migready_known_hosts=$LAB_KNOWN_HOSTS
ansible_python_interpreter=/usr/bin/python3
EOF
out=$(mr apply -v -i "$DIR/ansible.ini" -p "$PROFILE" 2>&1); expect_status "apply through an Ansible inventory" 2 $? "$out"
n=$(printf '%s\n' "$out" | grep -c "Ansible variable 'ansible_python_interpreter' is not used by migready")
[ "$n" = 1 ] && ok "-v: an unused Ansible variable listed once" || not_ok "-v: an unused Ansible variable listed once ($n)" "$out"
sum1=$(on host1 sha256sum /etc/libvirt/qemu.conf)
sum3=$(on host3 sha256sum /etc/libvirt/qemu.conf)
[ "$sum1" = "$sum3" ] && ok "Ansible: the same qemu.conf as host1" || not_ok "Ansible: the same qemu.conf as host1"
[ "$(on host3 stat -c '%U:%G %a' /etc/libvirt/qemu.conf)" = "root:root 600" ] && ok "Ansible: owner and mode kept" \
	|| not_ok "Ansible: owner and mode kept" "$(on host3 stat -c '%U:%G %a' /etc/libvirt/qemu.conf)"
out=$(mr check -i "$DIR/ansible.ini" -p "$PROFILE" 2>&1); expect_status "Ansible: check after apply" 0 $? "$out"
sed 's/^ansible_become_method=sudo$/ansible_become_method=su/' "$DIR/ansible.ini" >"$DIR/ansible-su.ini"
out=$(mr check -i "$DIR/ansible-su.ini" -p "$PROFILE" 2>&1); expect_status "Ansible: become_method su" 1 $? "$out"
expect_grep "Ansible: become_method su refused at its line" "ansible-su.ini:7: ansible_become_method: only sudo is supported" "$out"

echo "1..$((passed + failed))"
[ "$failed" = 0 ]
