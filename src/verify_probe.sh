# verify's pairwise probe: run by /bin/sh on each source host (one exec),
# testing every peer at once, with its data as positional arguments:
#   $1 seconds each network test may take
#   $2 the user the migration SSH runs as ([ssh] user), or "" for none
#   $3 the instances directory, where the peers' markers are looked for
#   $4 verify_tcp.py: the TCP and name tests of every peer in one python3
#   then 9 words per peer: index, name, address, libvirt's port, a port
#   of its migration range, its SSH port ("-": the one the user's own ssh
#   configuration gives, as nova's ssh takes it), its marker's file name
#   or "-", the address its peers migrate to (live_migration_inbound_addr,
#   else the address), where the TCP tests knock, and the address the
#   migration SSH logs in to (nova's my_ip, else the address)
# Prints key=value lines (per peer K: tcp.K.listener, tcp.K.migration,
# resolve.K.name, resolve.K.address, ssh.K, marker.K), then done=1.
# A TCP test says open, refused, timeout, unreachable, "error MESSAGE" or
# "unknown WHY": nothing here ever guesses.
LC_ALL=C; export LC_ALL
D=$1 sshuser=$2 inst=$3 tcppy=$4
shift 4
say() { printf '%s=%s\n' "$1" "$2"; }
oneline() { printf '%s' "$1" | tr '\000-\037' ' ' | sed 's/ *$//' | tail -c 200; }
say probe 1
me=$(id -un 2>/dev/null)
say user "$me"

# Local sanity, as virt-host-validate checks it.
for d in kvm vhost-net net/tun; do
	if [ -c "/dev/$d" ]; then say "local.$d" yes; else say "local.$d" no; fi
done
if [ -r /sys/fs/cgroup/cgroup.controllers ]; then
	say local.cgroup "v2 $(cat /sys/fs/cgroup/cgroup.controllers)"
elif [ -r /proc/cgroups ]; then
	say local.cgroup "v1 $(awk '!/^#/ && $4 == 1 { printf "%s ", $1 }' /proc/cgroups)"
else
	say local.cgroup none
fi

# KVM's nested virtualization, with its module: where it is on, a guest
# given the host's CPU (host-model, host-passthrough) sees vmx or svm,
# which only a host where it is on too can give it
nested=none
for m in kvm_intel kvm_amd; do
	[ -r "/sys/module/$m/parameters/nested" ] || continue
	IFS= read -r v <"/sys/module/$m/parameters/nested" || v=
	case $v in
	Y | y | 1) nested="on $m" ;;
	N | n | 0) nested="off $m" ;;
	*) nested="unknown $m $(oneline "$v")" ;;
	esac
	break
done
say local.nested "$nested"

# TCP connects and names: every peer at once in one python3 (a compute
# node has it: nova is Python); else a few processes per test: bash's
# /dev/tcp (bash is essential on Debian; dash has none) or nc, bounded by
# timeout(1), and getent.
if command -v python3 >/dev/null 2>&1; then tcptool=python3
elif command -v bash >/dev/null 2>&1; then tcptool=bash
elif command -v nc >/dev/null 2>&1; then tcptool=nc
else tcptool=
fi
[ "$tcptool" = python3 ] || command -v timeout >/dev/null 2>&1 || tcptool=
say tcp.tool "${tcptool:-none}"
tcp() {
	case $tcptool in
	bash) m=$(timeout "$D" bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$1" "$2" 2>&1) ;;
	nc) m=$(timeout "$D" nc -z -v -w "$D" "$1" "$2" 2>&1) ;;
	*) echo 'unknown no bash, nc or timeout on the host'; return ;;
	esac
	s=$?
	[ "$s" = 0 ] && { echo open; return; }
	[ "$s" = 124 ] && { echo timeout; return; }
	case $m in
	*refused*) echo refused ;;
	*"timed out"*) echo timeout ;;
	*"No route"* | *nreachable* | *rohibited* | *"not permitted"*) echo unreachable ;;
	*) echo "error $(oneline "$m")" ;;
	esac
}

resolve() {
	command -v getent >/dev/null 2>&1 || { echo 'unknown no getent on the host'; return; }
	r=$(timeout "$D" getent ahosts -- "$1" 2>/dev/null)
	# "ADDRESS STREAM|DGRAM|RAW [NAME]" lines, read without a process
	set -f
	set -- $r
	set +f
	list=
	while [ $# -ge 2 ]; do
		case $2 in
		STREAM | DGRAM | RAW) case " $list " in *" $1 "*) ;; *) list="$list${list:+ }$1" ;; esac ;;
		esac
		shift
	done
	echo "${list:-none}"
}

# Migration SSH: as the user nova migrates with, its own keys, nothing
# asked, strict host keys.
if [ -z "$sshuser" ]; then sshhow='unknown no [ssh] user'
elif ! command -v ssh >/dev/null 2>&1; then sshhow='unknown no ssh client on the host'
elif [ "$me" = "$sshuser" ]; then sshhow=self
elif ! getent passwd "$sshuser" >/dev/null 2>&1; then sshhow="unknown no user $sshuser on the host"
elif [ "$(id -u)" = 0 ] && command -v runuser >/dev/null 2>&1; then sshhow=runuser
else sshhow="unknown logged in as $me: only root can act as $sshuser"
fi
say ssh.as "$sshhow"
sshto() {
	po=; [ "$2" = - ] || po=-p$2
	set -- ssh -n -o BatchMode=yes -o StrictHostKeyChecking=yes -o ConnectTimeout="$D" \
		-o LogLevel=ERROR ${po:+"$po"} -l "$sshuser" -- "$1" true
	[ "$sshhow" = runuser ] && set -- runuser -u "$sshuser" -- "$@"
	m=$(timeout $((D * 2)) "$@" 2>&1 </dev/null)
	s=$?
	case $s in
	0) echo ok ;;
	124) echo timeout ;;
	255) echo "fail $(oneline "$m")" ;;
	*) echo "shell $s" ;;
	esac
}

# One peer's tests: those that need processes of their own run in the
# background (their pids added to $batch, for the caller to wait on).
peer() {
	k=$1
	if [ "$tcptool" != python3 ]; then
		say "tcp.$k.listener" "$(tcp "$8" "$4")" &
		batch="$batch $!"
		say "tcp.$k.migration" "$(tcp "$8" "$5")" &
		batch="$batch $!"
		say "resolve.$k.name" "$(resolve "$2")" &
		batch="$batch $!"
		# an address that is a name of its own is resolved too
		case $3 in
		"$2" | *:*) ;;
		*[!0-9.]*)
			say "resolve.$k.address" "$(resolve "$3")" &
			batch="$batch $!"
			;;
		esac
	fi
	case $sshhow in
	self | runuser)
		say "ssh.$k" "$(sshto "$9" "$6")" &
		batch="$batch $!"
		;;
	esac
	if [ "$7" != - ] && [ -n "$inst" ]; then
		if [ -e "$inst/$7" ]; then say "marker.$k" seen; else say "marker.$k" absent; fi
	fi
}

[ "$tcptool" != python3 ] || python3 -c "$tcppy" "$D" "$@" &
# Peers sixteen at a time: a few hundred processes at most, and each batch
# is over within two tests' time (the controller times out a silent host).
i=0 batch=
while [ $# -ge 9 ]; do
	peer "$1" "$2" "$3" "$4" "$5" "$6" "$7" "$8" "$9"
	shift 9
	i=$((i + 1))
	if [ $((i % 16)) = 0 ] && [ -n "$batch" ]; then
		wait $batch
		batch=
	fi
done
wait
say done 1
