# The facts probe: run by /bin/sh on the host (locally or over SSH, the
# same text) with its data as positional arguments, never spliced into it.
#   $1 root: "" for the running system, else a tree (an image, a chroot)
#   $2 the instances directory (for what is mounted there)
#   $3 '-' for no lock, else seconds to wait for the host's lock
#   $4 who takes the lock and since when ("migready run ID on HOST since
#      TIME"), stored for a loser
#   $5 an account to report besides nova and the qemu users, whose key
#      login sshd's configuration is read for ([ssh] user), or ""
#   $6 nova's options ("SECTION/KEY" apart by spaces) whose values in its
#      other configuration files are reported, or ""
#   $7 a carriage return (sh cannot spell one without a process); when
#      absent, printf makes it
#   $8 the login shell the profile gives that account ([ssh] shell), or ""
#   $9 "USER GROUP" more names to look up ([qemu] user and group; "-" for
#      none), or ""
# Prints "key=value" lines, then the held mark; with the lock taken (flock
# on a file under /var/lib/migready), the serving mark instead, and it
# goes on holding the lock and serving commands (see the end).
# Whatever cannot be found is left out: facts.c reads it as unknown.
LC_ALL=C; export LC_ALL
r=$1; inst=$2; lockarg=$3; xuser=$5; novakeys=${6-}; pshell=${8-}; qids=${9-}
# names only (the controller checked them; a word getent would read as an
# option is none)
qu=${qids%% *}; qg=${qids#* }; [ "$qg" != "$qids" ] || qg=
case $qu in -* | *[!A-Za-z0-9._-]*) qu= ;; esac
case $qg in -* | *[!A-Za-z0-9._-]*) qg= ;; esac
say() { printf '%s=%s\n' "$1" "$2"; }
mark() { printf '%s\n' '--migready-held--'; }
if [ -n "$r" ] && [ ! -d "$r" ]; then say error "root $r is not a directory on the host"; mark; exit 1; fi
# an empty directory (an image's mount point, the image not mounted) is
# no host: nothing is read from it, nor written into it
if [ -n "$r" ] && [ ! -d "$r/etc" ]; then say error "root $r has no etc directory: not the root of a host (an image not mounted?)"; mark; exit 1; fi
if [ "$3" != - ]; then
	umask 077
	d="$r/var/lib/migready"
	# The lock's directory is entered, one component at a time, and is the
	# probe's working directory from then on (the serving shell's too):
	# the lock, its holder and a request's input are named relative to it.
	# In a tree, it must be inside the tree: a link there (the root of a
	# container whose tree this is may put one) must not lead them out.
	rp=/
	if [ -n "$r" ]; then cd -P -- "$r" 2>/dev/null && rp=$PWD || { say lock "error cannot enter $r"; mark; exit 1; }; fi
	cd -P -- "$rp" || exit 1
	for c in var lib migready; do
		[ -d "./$c" ] || mkdir -- "./$c" 2>/dev/null || [ -d "./$c" ] || {
			# why, asked again (a process on this path only)
			e=$(mkdir -- "./$c" 2>&1); say lock "error cannot create $d: ${e##*: }"; mark; exit 1; }
		cd -P -- "./$c" 2>/dev/null || { say lock "error cannot enter $d"; mark; exit 1; }
	done
	case $PWD/ in "${rp%/}/"*) ;; *) say lock "error a symbolic link leads $d out of the root"; mark; exit 1;; esac
	# its files, which root writes: a link or another kind of file at one
	# of their names (in a tree, whoever owns it may put one) would have
	# root write, or quote, what it leads to
	for c in lock lock.holder input; do
		if [ -L "./$c" ] || { [ -e "./$c" ] && [ ! -f "./$c" ]; }; then
			say lock "error $d/$c is a symbolic link or not a regular file: not opened"; mark; exit 1
		fi
	done
	if ! command -v flock >/dev/null 2>&1; then say lock 'error no flock(1) on the host (util-linux)'; mark; exit 1; fi
	# command: a failed exec redirection would end sh at once
	{ command exec 9>>./lock; } 2>/dev/null || { say lock "error cannot open $d/lock for writing (as $(id -un 2>/dev/null || id -u))"; mark; exit 1; }
	# A second at a time, saying so on stderr: the controller times out a
	# silent host (--timeout), not the wait it asked for (--lock-wait).
	left=$3
	until flock -w "$(( left < 1 ? 0 : 1 ))" 9; do
		left=$((left - 1))
		[ "$left" -ge 0 ] && printf 'waiting for the lock (%s s left)\n' "$left" >&2 && continue
		say lock busy
		# the run the holder file names, if the shell that wrote it still
		# has the lock open: one left by a run that has ended would name
		# that run for whatever else (an operator's flock) holds it now.
		# Not confirmed (no pid: another version; no /proc): said so.
		hl=; hp=; hk=lock.holder
		{ IFS= read -r hl; IFS= read -r hp; } 2>/dev/null <./lock.holder
		case $hp in '' | *[!0-9]*) hk=lock.holder_unconfirmed ;; *) [ "$(readlink "/proc/$hp/fd/9" 2>/dev/null)" = "$PWD/lock" ] || hk=lock.holder_unconfirmed ;; esac
		say "$hk" "$(printf '%.300s' "$hl")"
		mark; exit 75
	done
	# who holds it, and the shell that does (the lock is its descriptor 9)
	printf '%s\n%s\n' "$4" "$$" > ./lock.holder
	say lock held
fi
say probe 1
if [ -z "$r" ]; then say mode live; else say mode tree; fi
# the commit runs in perl where the host has it (src/commit.pl), else in sh
[ ! -x /usr/bin/perl ] || say commit.perl /usr/bin/perl

# intree PATH: in rf, the path PATH is on the host: in a tree, each of
# its components' links followed inside the tree (an absolute one from the
# tree's root, as the host the tree is would read it; a process each,
# links only); status 1 for a loop. What the probe reads or lists goes
# through it, or the controller's files would stand in for the host's.
intree() {
	rf=$1
	[ -n "$r" ] || return 0
	p=${1#"$r"}; cur=; hops=0
	while :; do
		while case $p in /*) ;; *) false ;; esac; do p=${p#/}; done
		[ -n "$p" ] || break
		c=${p%%/*}; case $p in */*) p=${p#*/} ;; *) p= ;; esac
		case $c in .) continue ;; ..) cur=${cur%/*}; continue ;; esac
		if [ -L "$r$cur/$c" ]; then
			hops=$((hops + 1)); [ $hops -le 40 ] || return 1
			t=$(readlink -- "$r$cur/$c") || return 1
			case $t in /*) cur= ;; esac
			p=$t/$p
		else
			cur=$cur/$c
		fi
	done
	rf=$r$cur
}
# readable PATH: intree, and status 1 unless that is a regular file that
# can be read: a file awk cannot open would end it, and every fact after.
# A file whose name a fact carries goes to awk as "fn=PATH" "$rf": named
# by PATH, read at rf.
readable() { intree "$1" && [ -f "$rf" ] && [ -r "$rf" ]; }
# fnarg PATH: in fa, the awk operand "fn=PATH" (awk reads escapes in an
# operand that assigns: a \ goes in doubled; a loop only where there is one)
fnarg() {
	fa=; t=$1
	while case $t in *\\*) ;; *) false ;; esac; do fa=$fa${t%%\\*}\\\\; t=${t#*\\}; done
	fa=fn=$fa$t
}
cr=${7-}; [ -n "$cr" ] || cr=$(printf '\r')
nl='
'
osr=
! readable "$r/etc/os-release" && ! readable "$r/usr/lib/os-release" || osr=$rf
if [ -n "$osr" ]; then
	# a last line without its newline counts; a CR (a file from Windows) goes
	while IFS='=' read -r k v || [ -n "$k" ]; do
		v=${v%"$cr"}
		v=${v#\"}; v=${v%\"}; v=${v#\'}; v=${v%\'}
		case $k in
		ID) say os.id "$v" ;;
		ID_LIKE) say os.id_like "$v" ;;
		VERSION_ID) say os.version_id "$v" ;;
		esac
	done < "$osr"
fi

if [ -z "$r" ] && [ -d /run/systemd/system ]; then
	say init systemd
elif [ -d "$r/etc/systemd/system" ] || [ -d "$r/lib/systemd/system" ] || [ -d "$r/usr/lib/systemd/system" ]; then
	say init systemd-offline
fi

# Installed packages: dpkg's database (live or in the tree), else rpm.
pkgs='libvirt-daemon-system libvirt-daemon libvirt-daemon-driver-qemu libvirt-daemon-common
nova-compute python3-nova openstack-nova-compute qemu-system-x86 qemu-kvm
multipath-tools device-mapper-multipath firewalld ufw nftables iptables
iptables-persistent iptables-services nfs-kernel-server nfs-utils nfs-common openssh-server'
# One awk reads dpkg's database, the unit files and the users and groups
# (see "Users and groups"): its operands are gathered in "$@" ("part=..."
# before each part's files).
set --
if readable "$r/var/lib/dpkg/status"; then
	set -- part=pkg "$rf"
elif command -v rpm >/dev/null 2>&1; then
	for p in $pkgs; do
		v=$(rpm ${r:+--root "$r"} -q --qf '%{VERSION}-%{RELEASE}' "$p" 2>/dev/null) && say "pkg.$p" "$v"
	done
fi

# The directories of unit files, in the order systemd reads them, its
# generators' output too (systemd.unit(5); Ubuntu's sshd-socket-generator
# writes ssh.socket's listeners there). Only those the host has: every
# unit is looked up in each.
udirs=
for dir in /etc/systemd/system.control /run/systemd/system.control /run/systemd/generator.early \
	/etc/systemd/system /run/systemd/system /run/systemd/generator /usr/local/lib/systemd/system \
	/usr/lib/systemd/system /lib/systemd/system /run/systemd/generator.late; do
	[ ! -d "$r$dir" ] || udirs="$udirs $dir"
done
# unit_file UNIT: in uf, the path of UNIT's unit file as systemd finds it
# (the first directory that has the name, a mask's link included);
# status 1 if there is none
unit_file() {
	uf=
	for dir in $udirs; do
		if [ -e "$r$dir/$1" ] || [ -L "$r$dir/$1" ]; then uf=$r$dir/$1; return 0; fi
	done
	return 1
}
# unit_key KEY VAR FILE: in VAR, the value of KEY= in effect once FILE is
# read after what VAR holds (FILE's last line of KEY, blanks and tabs
# around the value off, as systemd strips them; an empty one resets it),
# read by the shell (no process)
unit_key() {
	uk=; ukf=
	while IFS= read -r l || [ -n "$l" ]; do
		l=${l%"$cr"}
		case $l in "$1"=* | "$1"[\ \	]*=*) uk=${l#*=}; uk=${uk#"${uk%%[! 	]*}"}; uk=${uk%"${uk##*[! 	]}"}; ukf=1 ;; esac
	done < "$3"
	[ -z "$ukf" ] || eval "$2=\$uk"
}

# Units: where the unit file is, whether it is enabled and (live) active.
units='libvirtd.service libvirtd.socket libvirtd-ro.socket libvirtd-admin.socket libvirtd-tcp.socket
libvirtd-tls.socket virtproxyd.service virtproxyd.socket virtproxyd-tcp.socket virtproxyd-tls.socket
virtqemud.service virtqemud.socket nova-compute.service openstack-nova-compute.service
multipathd.service firewalld.service ufw.service nftables.service netfilter-persistent.service
iptables.service nfs-server.service ssh.service sshd.service ssh.socket sshd.socket'
if [ -z "$r" ] && [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
	# One call for every unit: Id, then its states, blocks apart. Kept,
	# for what asks the running firewalld below.
	unitfacts=$(systemctl show -p Id -p LoadState -p UnitFileState -p ActiveState -- $units 2>/dev/null |
	awk -F= '
		/^Id=/ { id = $2 } /^LoadState=/ { l = $2 } /^UnitFileState=/ { f = $2 }
		/^ActiveState=/ { a = $2 }
		/^$/ { if (id != "") print "unit." id "=" (l == "not-found" ? "absent" : (f == "" ? "static" : f) " " a); id = ""; l = f = a = "" }
		END { if (id != "") print "unit." id "=" (l == "not-found" ? "absent" : (f == "" ? "static" : f) " " a) }')
	[ -z "$unitfacts" ] || printf '%s\n' "$unitfacts"
else
	# Few processes: a probe runs on every host of every run. Masked and
	# enabled are told by links (no process); the others by the awk over
	# their unit files: an [Install] section means disabled, else static.
	nu=0
	for u in $units; do
		if ! unit_file "$u"; then say "unit.$u" absent; continue; fi
		f=$uf
		e=
		if [ -L "$r/etc/systemd/system/$u" ] && [ "$(readlink "$r/etc/systemd/system/$u")" = /dev/null ]; then
			e=masked
		fi
		for w in "$r"/etc/systemd/system/*.wants/"$u" "$r"/etc/systemd/system/*.requires/"$u"; do
			if [ -z "$e" ] && { [ -e "$w" ] || [ -L "$w" ]; }; then e=enabled; fi
		done
		if [ -n "$e" ]; then say "unit.$u" "$e unknown"; continue; fi
		if ! readable "$f"; then say "unit.$u" "unknown unknown"; continue; fi
		[ $nu = 1 ] || set -- "$@" part=unit
		nu=1; fnarg "$f"; set -- "$@" "$fa" "$rf"
	done
fi

# envfiles FILE: the paths FILE's EnvironmentFile= lines name, added to
# envf, a line each (the awk tells which are in effect); no process
envf=
envfiles() {
	lc=
	while IFS= read -r l || [ -n "$l" ]; do
		# a line continued with \ (the awk joins them the same way)
		l=${l%"$cr"}
		case $l in *\\\\) ;; *\\) lc="$lc${l%\\} "; continue ;; esac
		l=$lc$l; lc=
		l=${l#"${l%%[! 	]*}"}
		case $l in EnvironmentFile*=*) ;; *) continue ;; esac
		l=${l#*=}; l=${l#"${l%%[! 	]*}"}; l=${l#-}; l=${l%"${l##*[! 	]}"}
		# the unit's specifiers (as the awk expands them)
		o=
		while case $l in *%?*) ;; *) false ;; esac; do
			o=$o${l%%\%*}; t=${l#*%}; c=${t%"${t#?}"}; l=${t#?}
			case $c in
			n) o=${o}libvirtd.service ;; N | p | P) o=${o}libvirtd ;; i | I | j | J) ;;
			E) o=$o/etc ;; S) o=$o/var/lib ;; C) o=$o/var/cache ;; L) o=$o/var/log ;;
			t) o=$o/run ;; T) o=$o/tmp ;; V) o=$o/var/tmp ;; %) o=$o% ;; *) o=$o%$c ;;
			esac
		done
		l=$o$l
		case $l in /*) ;; *) continue ;; esac
		# a pattern in the last component: the files it matches, sorted
		# (systemd globs it); the awk matches the pattern again
		case ${l##*/} in
		*[*?[]*)
			case ${l%/*} in *[*?[]*) continue ;; esac
			intree "$r${l%/*}" || continue
			for g in "$rf"/${l##*/}; do
				[ -e "$g" ] || [ -L "$g" ] || continue
				envf="$envf${l%/*}/${g##*/}
"
			done ;;
		*) envf="$envf$l
" ;;
		esac
	done < "$1"
}

# opts_of FILE VAR: in ov, the value an EnvironmentFile FILE gives VAR
# (the last line), as systemd reads it (and the awk's envval): quotes off,
# \ escaping outside single quotes, blanks after a closing quote skipped
# and what follows kept (a comment there is none), blanks at its end
# dropped; ovs=1 where it sets it; status 1 if FILE cannot be read
opts_of() {
	ov=; ovs=
	readable "$r$1" || return 1
	while IFS= read -r l || [ -n "$l" ]; do
		l=${l%"$cr"}; l=${l#"${l%%[! 	]*}"}
		case $l in "$2"=*) ov=${l#*=}; ovs=1 ;; esac
	done < "$rf"
	s=${ov#"${ov%%[! 	]*}"}; ov=; q=; pq=
	while [ -n "$s" ]; do
		c=${s%"${s#?}"}; s=${s#?}
		case $q$c in
		\" | \') if [ -z "$ov" ] || [ -n "$pq" ]; then q=$c; pq=; continue; fi ;;
		\"\" | \'\') q=; pq=1; continue ;;
		\\ | \"\\) [ -z "$s" ] || { c=${s%"${s#?}"}; s=${s#?}; } ;;
		' ' | '	') [ -z "$pq" ] || continue ;;
		esac
		pq=; ov=$ov$c
	done
	[ -n "$q" ] || ov=${ov%"${ov##*[! 	]}"}
}
# unit_env FILE VAR: appended to VAR in order, FILE's Environment= ("E
# ASSIGNMENTS") and EnvironmentFile= ("F PATH") lines; an empty one drops
# the lines of its kind before it, as systemd does
unit_env() {
	eval "ue=\$$2"
	while IFS= read -r l || [ -n "$l" ]; do
		l=${l%"$cr"}
		case $l in
		Environment=* | Environment[\ \	]*=*) k=E ;;
		EnvironmentFile=* | EnvironmentFile[\ \	]*=*) k=F ;;
		*) continue ;;
		esac
		v=${l#*=}; v=${v#"${v%%[! 	]*}"}; v=${v%"${v##*[! 	]}"}
		if [ -n "$v" ]; then ue="$ue$k $v$nl"; continue; fi
		x=$ue; ue=
		while [ -n "$x" ]; do
			y=${x%%"$nl"*}; x=${x#*"$nl"}
			case $y in "$k "*) ;; *) ue=$ue$y$nl ;; esac
		done
	done < "$1"
	eval "$2=\$ue"
}
# env_assign WORDS NAME: in ea, the value an Environment= line's words
# (blanks apart, quotes and backslashes taken off) give NAME, eas=1 where
# they set it
env_assign() {
	eas=; ea=; s=$1
	while s=${s#"${s%%[! 	]*}"}; [ -n "$s" ]; do
		t=; q=
		while [ -n "$s" ]; do
			c=${s%"${s#?}"}; s=${s#?}
			case $q$c in
			[\"\']) q=$c ;;
			\"\" | \'\') q= ;;
			*\\) [ -z "$s" ] || { t=$t${s%"${s#?}"}; s=${s#?}; } ;;
			' ' | '	') break ;;
			*) t=$t$c ;;
			esac
		done
		case $t in "$2"=*) ea=${t#*=}; eas=1 ;; esac
	done
}
# env_var LIST NAME: in ev, what a unit's environment (LIST, from
# unit_env) gives NAME: its Environment= lines, then its EnvironmentFiles
# in order, which systemd reads last; the last setting wins, unset is
# empty. evu=1 where a file that may set it cannot be read or has a
# specifier or pattern in its name, or the value holds a $ (unexpanded)
env_var() {
	ev=; evu=
	for pass in E F; do
		x=$1
		while [ -n "$x" ]; do
			y=${x%%"$nl"*}; x=${x#*"$nl"}
			case $y in "$pass "*) y=${y#??} ;; *) continue ;; esac
			if [ $pass = E ]; then env_assign "$y" "$2"; [ -z "$eas" ] || ev=$ea; continue; fi
			o=; case $y in -*) y=${y#-}; o=1 ;; esac
			case $y in /*) ;; *) evu=1; continue ;; esac
			case $y in *%* | *[*?[]*) evu=1; continue ;; esac
			if opts_of "$y" "$2"; then [ -z "$ovs" ] || ev=$ov
			elif [ -z "$o" ] || [ -e "$r$y" ] || [ -L "$r$y" ]; then evu=1; fi
		done
	done
	case $ev in *'$'*) evu=1 ;; esac
}
# exec_words EXEC ENV: in wl, the words a command line (an ExecStart)
# passes its program, a word $VAR or ${VAR} replaced by what the unit's
# environment ENV (see env_var) gives VAR; unk=1 where that is not known,
# or a word holds a $ otherwise
exec_words() {
	wl=; unk=
	set -f
	# the words after the program (none without a blank)
	case $1 in *[' 	']*) ew=${1#*[ 	]} ;; *) ew= ;; esac
	for w in $ew; do
		case $w in
		'$'[A-Za-z_]* | '${'[A-Za-z_]*'}') ;;
		*'$'*) unk=1; continue ;;
		*) wl="$wl $w"; continue ;;
		esac
		n=${w#?}; n=${n#\{}; n=${n%\}}
		case $n in *[!A-Za-z0-9_]*) unk=1; continue ;; esac
		env_var "$2" "$n"
		[ -z "$evu" ] || unk=1
		wl="$wl $ev"
	done
	set +f
}

# The listening sockets' ListenStream lines, and libvirtd.service's
# ExecStart and Environment lines (where --listen may hide), read by the
# awk below from the unit file and its drop-ins (the unit's, its
# prefix's, every unit's of its type), which systemd applies by name
# whatever their directory, a drop-in hiding its namesake in a directory
# read later. A masked unit has none, as its unit fact says.
# nova-compute's too, for the order in which it reads its files (below).
# sshd's too, for the configuration file it is given (-f), for [ssh];
# and virtproxyd's (--config), for [libvirtd].
novaunit=; novaread=; es=; novaenv=; nu=; sshunit=; sshes=; sshenv=; vpunit=; vpes=; vpenv=
if [ -n "$novakeys" ]; then
	if unit_file nova-compute.service; then novaunit=nova-compute.service
	elif unit_file openstack-nova-compute.service; then novaunit=openstack-nova-compute.service; fi
	! unit_file virtproxyd.service || vpunit=virtproxyd.service
fi
sshsock=; sshls=; sshb6=; sshdev=
if [ -n "$xuser" ]; then
	if unit_file ssh.service; then sshunit=ssh.service
	elif unit_file sshd.service; then sshunit=sshd.service; fi
	# ssh.socket, where it takes sshd's connections: where it listens
	! unit_file ssh.socket || sshsock=ssh.socket
fi
# sock_listen FILE: sshls, its ListenStream values (a line each) with
# FILE's added, an empty one clearing them, as systemd reads them
sock_listen() {
	while IFS= read -r l || [ -n "$l" ]; do
		l=${l%"$cr"}
		case $l in ListenStream=* | ListenStream[\ \	]*=*) ;; *) continue ;; esac
		v=${l#*=}; v=${v#"${v%%[! 	]*}"}; v=${v%"${v##*[! 	]}"}
		if [ -z "$v" ]; then sshls=; else sshls=$sshls$v$nl; fi
	done < "$1"
}
# unit_read UNIT FILE: the shell's readers of a unit's file or drop-in
unit_read() {
	[ "$1" != libvirtd.service ] || envfiles "$2"
	[ "$1" != "$novaunit" ] || { unit_key ExecStart es "$2"; unit_key User nu "$2"; unit_env "$2" novaenv; }
	[ "$1" != "$sshunit" ] || { unit_key ExecStart sshes "$2"; unit_env "$2" sshenv; }
	[ "$1" != "$vpunit" ] || { unit_key ExecStart vpes "$2"; unit_env "$2" vpenv; }
	[ "$1" != "$sshsock" ] || { sock_listen "$2"; unit_key BindIPv6Only sshb6 "$2"; unit_key BindToDevice sshdev "$2"; }
}
for u in libvirtd-tcp.socket libvirtd-tls.socket virtproxyd-tcp.socket virtproxyd-tls.socket \
	libvirtd.service $novaunit $sshunit $vpunit $sshsock; do
	unit_file "$u" && readable "$uf" || continue
	# (one systemd-sysv-generator made of an init script names no User=:
	# the script picks the user)
	[ "$u" != "$novaunit" ] || case $uf in "$r"/run/systemd/generator.late/*) novaread=g ;; *) novaread=1 ;; esac
	# its prefixes' drop-ins, the longest first (openstack-nova-.service.d,
	# then openstack-.service.d)
	pre=; b=${u%.*}
	while case $b in *-*) true ;; *) false ;; esac; do b=${b%-*}; pre="$pre $b-.${u##*.}.d"; done
	# sshd's and virtproxyd's lines are the shell's alone
	aw=1; [ "$u" != "$sshunit" ] && [ "$u" != "$vpunit" ] && [ "$u" != "$sshsock" ] || aw=
	fnarg "$uf"; [ -z "$aw" ] || set -- "$@" part=sock "sockunit=$u" "$fa" "$rf"
	unit_read "$u" "$rf"
	# one name space for every drop-in directory: the first directory
	# read that has a name wins, even masked (/dev/null) or empty; all
	# are then read in systemd's order, by name (dl, sorted as it grows),
	# by the shell and the awk alike
	seen=/; dl=
	for dir in $udirs; do
		for d in "$u.d" $pre "${u##*.}.d"; do
			intree "$r$dir/$d" || continue
			for g in "$rf"/*.conf; do
				[ -e "$g" ] || [ -L "$g" ] || continue
				b=${g##*/}; case $seen$b in */"$b"/* | *"$nl"*) continue ;; esac; seen=$seen$b/
				g=$r$dir/$d/$b
				[ ! "$g" -ef /dev/null ] && readable "$g" || continue
				x=; y=$dl; dl=
				while [ -n "$y" ]; do
					z=${y%%"$nl"*}; y=${y#*"$nl"}
					[ -z "$x" ] && [ "$b" \< "${z##*/}" ] && { dl=$dl$g$nl; x=1; }
					dl=$dl$z$nl
				done
				[ -n "$x" ] || dl=$dl$g$nl
			done
		done
	done
	while [ -n "$dl" ]; do
		g=${dl%%"$nl"*}; dl=${dl#*"$nl"}
		readable "$g" || continue
		[ -z "$aw" ] || { fnarg "$g"; set -- "$@" "$fa" "$rf"; }
		unit_read "$u" "$rf"
	done
done
# the user nova-compute runs as: its unit's User=, root where it names
# none, nova without a unit or with one masked or not readable (a name
# only: it goes to getent)
nudef=
if [ -z "$novaunit" ] || [ "$novaread" != 1 ]; then nu=nova; elif [ -z "$nu" ]; then nu=root; nudef=1; fi
nuw=${nu%"${nu##*[! 	]}"}
nu=${nu%%[ 	]*}
case $nu in *[!A-Za-z0-9._-]* | -*) nu=nova ;; esac
# ... for [ssh] too: nova's ssh and rsync run as it ("nova.user=NAME",
# a name or a uid, with "nova.user_default=yes" where the unit names no
# User=; unknown where User= is not one plain word, unread where the
# unit is masked or not readable, generated where it runs an init
# script, none without a unit)
if [ -n "$xuser" ] && [ -n "$novakeys" ]; then
	if [ -z "$novaunit" ]; then say nova.user none
	elif [ -z "$novaread" ]; then say nova.user unread
	elif [ "$novaread" = g ]; then say nova.user generated
	elif [ "$nuw" = "$nu" ]; then say nova.user "$nu"; [ -z "$nudef" ] || say nova.user_default yes
	else say nova.user unknown; fi
fi
# ssh.socket's listeners ("ssh.socket_listen=VALUE" each, none without),
# its BindIPv6Only= and BindToDevice=, and (live) the kernel's
# bindv6only, which a port alone or [::] follows by default (noipv6: no
# IPv6, systemd binds IPv4)
if [ -n "$sshsock" ]; then
	# a value holding a control character (a tab inside) fails the facts:
	# sent as one not known, judged not checked
	[ -n "$sshls" ] || say ssh.socket_listen none
	while [ -n "$sshls" ]; do
		v=${sshls%%"$nl"*}; sshls=${sshls#*"$nl"}
		case $v in *[[:cntrl:]]*) v='(a value holding a control character)' ;; esac
		say ssh.socket_listen "$v"
	done
	case $sshb6 in *[[:cntrl:]]*) sshb6=unknown ;; esac
	case $sshdev in *[[:cntrl:]]*) sshdev='(a value holding a control character)' ;; esac
	[ -z "$sshb6" ] || say ssh.socket_bindipv6only "$sshb6"
	[ -z "$sshdev" ] || say ssh.socket_bindtodevice "$sshdev"
	# in a tree, a generator that makes its listeners from sshd_config at
	# boot (live, its output was read above)
	if [ -n "$r" ]; then
		for g in /usr/lib/systemd/system-generators/sshd-socket-generator \
			/lib/systemd/system-generators/sshd-socket-generator; do
			if [ -e "$r$g" ] || [ -L "$r$g" ]; then say ssh.socket_generator "$g"; break; fi
		done
	fi
	if [ -z "$r" ]; then
		if [ -r /proc/sys/net/ipv6/bindv6only ]; then
			read -r v < /proc/sys/net/ipv6/bindv6only && say net.bindv6only "$v"
		elif [ ! -d /proc/sys/net/ipv6 ]; then say net.bindv6only noipv6; fi
	fi
fi

# libvirtd.conf's listen_addr (the first, as virconf reads it): where a
# legacy libvirtd --listen binds (its addresses from /etc/hosts, below);
# its listen_tcp and listen_tls, the listeners --listen opens; its
# ca_file, cert_file and key_file, where set
hn=
! readable "$r/etc/libvirt/libvirtd.conf" || { set -- "$@" part=lconf "$rf"; hn=1; }
# virtproxyd.conf's TLS files, auth_tcp, listen_* and ports, where set
# (modular daemons)
! readable "$r/etc/libvirt/virtproxyd.conf" || set -- "$@" part=pconf "$rf"
# qemu.conf's migration ports (what the firewall must open), and the
# address QEMU listens at for an incoming migration and the one it gives
# its peers, where set
! readable "$r/etc/libvirt/qemu.conf" || { set -- "$@" part=qconf "$rf"; hn=1; }
# /etc/hosts, after both: a name of listen_addr or migration_address is
# bound at every address the host resolves it to (Debian's installer
# gives the host's own name 127.0.1.1)
[ -z "$hn" ] || ! readable "$r/etc/hosts" || set -- "$@" part=hosts "$rf"

# sshd's configuration, for the [ssh] user ($5) only: sshd_config and the
# files its Include lines name (globs, relative to /etc/ssh), in the order
# sshd reads them, each line that sets a keyword the user's key login
# depends on, as "sshd.line=FILE LINE KEYWORD ARGS" (a Match line too:
# every line after it is conditional). An Include inside an included file
# is listed, not read. The main file as "sshd.main=read" (or unreadable,
# or absent); an included file there but not readable as
# "sshd.include_unreadable=PATH". sshd_read FILE NESTED; the shell reads
# (no process but for a file name to encode).
sshd_read() {
	if ! readable "$1"; then
		if intree "$1" && [ -e "$rf" ]; then
			if [ "$2" = 0 ]; then say sshd.main unreadable; else say sshd.include_unreadable "${1#"$r"}"; fi
		elif [ "$2" = 0 ]; then say sshd.main absent; fi
		return 0
	fi
	[ "$2" != 0 ] || say sshd.main read
	sn=0; sp=${1#"$r"}
	case $sp in *[!A-Za-z0-9._/+@:,-]*) sp=$(printf '%s' "$sp" | sed 's/%/%25/g; s/ /%20/g') ;; esac
	while IFS= read -r l || [ -n "$l" ]; do
		sn=$((sn + 1)); l=${l%"$cr"}; l=${l#"${l%%[! 	]*}"}
		kw=${l%%[ 	=]*}; a=${l#"$kw"}; a=${a#"${a%%[! 	]*}"}; a=${a#=}; a=${a#"${a%%[! 	]*}"}
		# tabs part words as blanks do (sshd's argv_split), trailing ones
		# off: a tab in a fact fails the facts, the host unexamined
		a=${a%"${a##*[! 	]}"}
		while case $a in *"	"*) true ;; *) false ;; esac; do a=${a%%"	"*}" "${a#*"	"}; done
		case $kw in
		[Ii][Nn][Cc][Ll][Uu][Dd][Ee] | [Mm][Aa][Tt][Cc][Hh] | [Pp][Uu][Bb][Kk][Ee][Yy][Aa]* | \
		[Aa][Uu][Tt][Hh][Oo][Rr][Ii][Zz][Ee][Dd][Kk]* | [Aa][Uu][Tt][Hh][Ee][Nn][Tt][Ii][Cc][Aa][Tt][Ii][Oo][Nn][Mm]* | \
		[Aa][Ll][Ll][Oo][Ww][UuGg]* | [Dd][Ee][Nn][Yy][UuGg]* | [Ss][Tt][Rr][Ii][Cc][Tt][Mm]* | \
		[Ff][Oo][Rr][Cc][Ee][Cc]* | [Cc][Hh][Rr][Oo][Oo][Tt]* | [Rr][Ee][Vv][Oo][Kk]* | [Uu][Ss][Ee][Pp][Aa][Mm] | \
		[Pp][Oo][Rr][Tt] | [Ll][Ii][Ss][Tt][Ee][Nn][Aa][Dd][Dd][Rr][Ee][Ss][Ss] | [Aa][Dd][Dd][Rr][Ee][Ss][Ss][Ff][Aa][Mm][Ii][Ll][Yy])
			# another control character: the line not sent, not examined
			case $a in *[[:cntrl:]]*) printf 'sshd.unread=%s %s %s\n' "$sp" "$sn" "$kw"; continue ;; esac
			printf 'sshd.line=%s %s %s %s\n' "$sp" "$sn" "$kw" "$a" ;;
		*) continue ;;
		esac
		# AllowGroups, DenyGroups: their groups looked up with the others,
		# for their members (names only, a word wholly quoted unquoted as
		# sshd reads it: a pattern is no group, a word that getent would
		# read as an option is none, and one quoted in part may be a part;
		# ids.group_asked says which were)
		case $kw in [Aa][Ll][Ll][Oo][Ww][Gg]* | [Dd][Ee][Nn][Yy][Gg]*)
			set -f
			for gn in $a; do
				case $gn in \"*\" | \'*\') gn=${gn#?}; gn=${gn%?} ;; esac
				case $gn in '' | -* | *[!A-Za-z0-9._-]*) ;; *) sshgroups="$sshgroups $gn" ;; esac
			done
			set +f ;;
		# Match's "Group LIST": its names (commas apart, '!' negates), so
		# that whether the block takes the user can be told
		[Mm][Aa][Tt][Cc][Hh])
			set -f; mg=
			for w in $a; do
				[ -z "$mg" ] || case $w in \"*\" | \'*\') w=${w#?}; w=${w%?} ;; esac
				while [ -n "$mg" ] && [ -n "$w" ]; do
					gn=${w%%,*}
					case $gn in \"*\" | \'*\') gn=${gn#?}; gn=${gn%?} ;; esac
					gn=${gn#!}
					case $gn in '' | -* | *[!A-Za-z0-9._-]*) ;; *) sshgroups="$sshgroups $gn" ;; esac
					case $w in *,*) w=${w#*,} ;; *) w= ;; esac
				done
				case $w in [Gg][Rr][Oo][Uu][Pp]) mg=1 ;; *) mg= ;; esac
			done
			set +f
		esac
		case $kw in [Ii][Nn][Cc][Ll][Uu][Dd][Ee]) [ "$2" = 0 ] || continue ;; *) continue ;; esac
		# each pattern's files by name, read here; this file's reading
		# (its descriptor, its line count, its name) goes on after them
		n0=$sn; f0=$1; p0=$sp
		set -f; set -- $a; set +f
		for inc do
			inc=${inc#\"}; inc=${inc%\"}
			case $inc in /*) ;; *) inc=/etc/ssh/$inc ;; esac
			# a wildcard in a directory: its files not read, and said so
			case ${inc%/*} in *[*?[]*) printf 'sshd.unread=%s %s %s\n' "$p0" "$n0" "$inc"; continue ;; esac
			intree "$r${inc%/*}" || continue
			for g in "$rf"/${inc##*/}; do
				[ -f "$g" ] || continue
				case ${g##*/} in *[![:print:]]*) continue ;; esac
				sshd_read "$r${inc%/*}/${g##*/}" 1
			done
		done
		set -- "$f0" 0; sn=$n0; sp=$p0
	done < "$1"
}
# sshd_conf_arg WORDS: in cf, the file of the last -f FILE among sshd's
# WORDS as its getopt reads them (-fFILE; -Df FILE after options that take
# no argument); empty if none
# and in so, the keyword lines its -o options give ("KEYWORD=VALUE"), a
# line each; in cport, its -p ports (blanks apart; they replace every
# Port line), in cfam its last -4 or -6 (inet, inet6: before AddressFamily)
sshd_conf_arg() {
	cf=; fnext=; onext=; so=; cport=; pnext=; cfam=
	set -f
	for w in $1; do
		if [ -n "$fnext" ]; then cf=$w; fnext=; continue; fi
		if [ -n "$onext" ]; then so=$so$w$nl; onext=; continue; fi
		if [ -n "$pnext" ]; then cport="$cport $w"; pnext=; continue; fi
		case $w in --* | - | [!-]*) continue ;; esac
		o=${w#-}
		while [ -n "$o" ]; do
			c=${o%"${o#?}"}; o=${o#?}
			case $c in
			f) if [ -n "$o" ]; then cf=$o; else fnext=1; fi; break ;;
			o) if [ -n "$o" ]; then so=$so$o$nl; else onext=1; fi; break ;;
			p) if [ -n "$o" ]; then cport="$cport $o"; else pnext=1; fi; break ;;
			4) cfam=inet ;;
			6) cfam=inet6 ;;
			[DGQRTVdeiqrt]) ;;
			*) break ;; # an option taking an argument: the rest is it
			esac
		done
	done
	set +f
}
# sshd -f FILE reads FILE, not sshd_config: from its ExecStart in effect
# and its unit's environment ($SSHD_OPTS of Debian's /etc/default/ssh,
# $OPTIONS and $CRYPTO_POLICY of RHEL's files); where a value is not known
# the file is not known either (sshd.config=unknown), and none is read.
sshdconf=/etc/ssh/sshd_config
if [ -n "$sshes" ]; then
	exec_words "$sshes" "$sshenv"
	sshd_conf_arg "$wl"
	case $cf in '') ;; /*) sshdconf=$cf ;; *) sshdconf=/$cf ;; esac
	if [ -n "$unk" ]; then say sshd.config unknown; sshdconf=
	elif [ "$sshdconf" != /etc/ssh/sshd_config ]; then say sshd.config "$sshdconf"; fi
	# its -o options come before any file (sshd takes a keyword's first
	# value): as lines of "UNIT -o", line 0; its -p and -4/-6 as facts of
	# their own (where it listens)
	if [ -z "$unk" ] && [ -n "$xuser" ]; then
		set -f
		for w in $cport; do
			case $w in *[[:cntrl:]]*) w='(a control character)' ;; esac
			say sshd.cmdline_port "$w"
		done
		set +f
		[ -z "$cfam" ] || say sshd.cmdline_family "$cfam"
		while [ -n "$so" ]; do
			l=${so%%"$nl"*}; so=${so#*"$nl"}
			kw=${l%%[ 	=]*}; a=${l#"$kw"}; a=${a#"${a%%[! 	]*}"}; a=${a#=}
			case $l in *[[:cntrl:]]*) printf 'sshd.unread=%s%%20-o 0 -o\n' "$sshunit"; continue ;; esac
			[ -n "$kw" ] && printf 'sshd.line=%s%%20-o 0 %s %s\n' "$sshunit" "$kw" "$a"
		done
	fi
fi
# virtproxyd's options, for its --config (parsed by the controller as
# getopt reads them): the words of its ExecStart in effect, in its unit's
# environment ($VIRTPROXYD_ARGS of /etc/sysconfig/virtproxyd or
# /etc/default/virtproxyd, as its unit names them)
if [ -n "$vpes" ]; then
	exec_words "$vpes" "$vpenv"
	say virtproxyd.args "${wl# }"
	[ -z "$unk" ] || say virtproxyd.args_unknown yes
fi
[ -z "$xuser" ] || [ -z "$sshdconf" ] || sshd_read "$r$sshdconf" 0

# nss_local DB: whether a tree's nsswitch.conf has DB answered by its
# files alone (files, compat; systemd adds only dynamic and userdb
# accounts). Where sss, ldap or another source may answer, a name the
# files lack is unknown in a tree, not missing: only getent would tell.
# No nsswitch.conf: glibc reads the files.
nss_local() {
	readable "$r/etc/nsswitch.conf" || return 0
	nss_ok=0
	set -f
	while IFS= read -r nss_l || [ -n "$nss_l" ]; do
		case $nss_l in "$1:"*) ;; *) continue ;; esac
		for nss_s in ${nss_l#*:}; do
			case $nss_s in \#*) break ;; files | compat | systemd | \[*) ;; *) nss_ok=1 ;; esac
		done
	done < "$rf"
	set +f
	return $nss_ok
}
# The accounts: getent's lines on a live host (directories count; the
# groups sshd's AllowGroups and DenyGroups name, read above), a tree's
# passwd file; read by the awk at the end, and here by the shell for
# homes and shells. root is asked too: where NSS does not answer even
# for root (an nsswitch.conf without a source that answers), an account
# it leaves out is unknown, not missing. (With files first, as usual,
# root answers: a directory's user is then missing while its service is
# down, as it is for libvirt.)
pw=; pwf=
if [ -z "$r" ]; then
	ids=$(
		getent passwd root nova libvirt-qemu qemu ${xuser:+"$xuser"} "$nu" ${qu:+"$qu"} 2>/dev/null
		echo --
		# shellcheck disable=SC2086 # names only, checked above
		getent group root nova kvm libvirt libvirt-qemu qemu $sshgroups ${qg:+"$qg"} 2>/dev/null
	)
	pw=$ids
	x=$nl$ids$nl
	case ${x%%"$nl--$nl"*} in *"${nl}root:"*) say ids.passwd read ;; esac
	case $nl${x#*"$nl--$nl"} in *"${nl}root:"*) say ids.group read ;; esac
elif readable "$r/etc/passwd"; then pwf=$rf; ! nss_local passwd || say ids.passwd read; fi
[ -z "$r" ] || ! readable "$r/etc/group" || ! nss_local group || say ids.group read
[ -z "$sshgroups" ] || say ids.group_asked "${sshgroups# }"
# account_of NAME: a_home and a_shell of NAME's first line in passwd
# (getent's lines, up to --, or a tree's file); empty if none
account_of() {
	a_home=; a_shell=
	while IFS=: read -r n _ _ _ _ h s || [ -n "$n" ]; do
		[ "$n" != -- ] || break
		[ "$n" != "$1" ] || { a_home=$h; a_shell=$s; break; }
	done
}
passwd_of() {
	if [ -z "$r" ]; then
		account_of "$1" <<EOF_PW
$pw
EOF_PW
	elif [ -n "$pwf" ]; then account_of "$1" < "$pwf"
	else a_home=; a_shell=; fi
}
# nova's other configuration files and where oslo.config reads them: the
# options of $6 they set (no other value: passwords live there), in the
# order read. oslo.config reads first, where nova-compute is given no
# --config-file, the first nova.conf and nova-compute.conf found in
# ~/.nova/, ~/ (the home of the unit's User=, nova without a unit;
# root's where it names none), /etc/nova/ and /etc/; then, where it is
# given no --config-dir, the first nova.conf.d and nova-compute.conf.d
# found there; then the files of its --config-file and --config-dir
# arguments (a directory: its *.conf, by name), in their order. The
# last reading wins: files read before /etc/nova/nova.conf are
# nova.before, after it nova.other. A nova.conf found before
# /etc/nova/nova.conf hides it (nova.conf_first), as does a --config-file
# list without it (nova.conf_unread: what it reads instead); arguments
# not known here (a $VAR, a relative path, Debian's init script's
# defaults file setting them) are nova.args_unknown.
# oslo_first NAME: in of, the first NAME of that search that exists, or
# empty
oslo_first() {
	of=
	for d in "$nh/.nova" "$nh" /etc/nova /etc; do
		[ -n "$nh" ] || case $d in /.nova | '') continue ;; esac
		intree "$r$d/$1" && [ -e "$rf" ] && { of=$d/$1; return 0; }
	done
}
if [ -n "$novakeys" ]; then
	# the words nova-compute is given (es: its ExecStart in effect, its
	# unit file and drop-ins). Debian's and Ubuntu's init script gives
	# nova.conf and nova-compute.conf, unless its defaults files change
	# its arguments
	case $es in
	*/etc/init.d/*)
		wl=' --config-file=/etc/nova/nova.conf --config-file=/etc/nova/nova-compute.conf'; unk=
		for f in /etc/default/openstack /etc/default/nova-compute; do
			readable "$r$f" || continue
			while IFS= read -r l || [ -n "$l" ]; do
				case $l in *CONFIG_FILE* | *DAEMON_ARGS*) unk=1 ;; esac
			done < "$rf"
		done ;;
	*) exec_words "$es" "$novaenv" ;;
	esac
	# cl: the arguments naming files ("f PATH") and directories ("d
	# PATH"), one a line, in order
	cl=; ca=
	set -f
	for w in $wl; do
		if [ -n "$ca" ]; then cl="$cl$ca $w$nl"; ca=; continue; fi
		case $w in
		--config-file=*) cl="${cl}f ${w#*=}$nl" ;;
		--config-dir=*) cl="${cl}d ${w#*=}$nl" ;;
		--config-file) ca=f ;;
		--config-dir) ca=d ;;
		esac
	done
	set +f
	[ -z "$ca" ] || unk=1
	given=$cl; df=; dl=
	passwd_of "$nu"; nh=
	case $a_home in /?*) nh=${a_home%/} ;; esac
	case $nl$given in
	*"${nl}f "*) ;;
	*)
		# /etc/nova/nova.conf is where migready writes (whether read or
		# hidden, as said)
		oslo_first nova.conf
		case $of in '' | /etc/nova/nova.conf) ;; *) say nova.conf_first "$of" ;; esac
		df="f /etc/nova/nova.conf$nl"
		oslo_first nova-compute.conf; [ -z "$of" ] || df="${df}f $of$nl" ;;
	esac
	case $nl$given in
	*"${nl}d "*) ;;
	*)
		for d in nova.conf.d nova-compute.conf.d; do
			oslo_first "$d"; [ -z "$of" ] || dl="${dl}d $of$nl"
		done ;;
	esac
	cl=$df$dl$given
	# sq: the files read, in order; n: how many times nova.conf is
	sq=; n=0
	while [ -n "$cl" ]; do
		f=${cl%%"$nl"*}; cl=${cl#*"$nl"}; k=${f%% *}; f=${f#? }
		# a relative path, or one quoted (systemd takes quotes off): not known
		case $f in *[\"\'\\]* | [!/]* | '') unk=1; continue ;; esac
		if [ "$k" = f ]; then
			sq=$sq$f$nl; [ "$f" != /etc/nova/nova.conf ] || n=$((n + 1)); continue
		fi
		intree "$r$f" && [ -d "$rf" ] || continue
		for g in "$rf"/*.conf; do
			[ -e "$g" ] || continue
			g=${g##*/}; case $g in *"$nl"*) continue ;; esac
			sq=$sq$f/$g$nl; [ "$f/$g" != /etc/nova/nova.conf ] || n=$((n + 1))
		done
	done
	[ -z "$unk" ] || say nova.args_unknown yes
	if [ $n = 0 ] && [ -z "$unk" ]; then
		set -f; w=
		for f in $given; do [ "$f" = f ] || [ "$f" = d ] || w="$w $f"; done
		set +f; say nova.conf_unread "${w# }"
	fi
	set -- "$@" part=nova
	# nova.conf itself, for the spellings migready does not write
	# ([LIBVIRT]) that oslo.config reads all the same
	! readable "$r/etc/nova/nova.conf" || set -- "$@" novakey=nova.self "$rf"
	if [ $n = 0 ]; then set -- "$@" novakey=nova.other; else set -- "$@" novakey=nova.before; fi
	while [ -n "$sq" ]; do
		f=${sq%%"$nl"*}; sq=${sq#*"$nl"}
		if [ "$f" = /etc/nova/nova.conf ]; then
			n=$((n - 1)); [ $n != 0 ] || set -- "$@" novakey=nova.other; continue
		fi
		! readable "$r$f" || { fnarg "$r$f"; set -- "$@" "$fa" "$rf"; }
	done
fi

# multipathd's maps as they run (live): "NAME WWID" of each device-mapper
# map whose uuid is multipath's ("mpath-WWID"); sysfs read by the shell
if [ -z "$r" ]; then
	for d in /sys/block/dm-*/dm; do
		[ -r "$d/uuid" ] && read -r mu < "$d/uuid" 2>/dev/null || continue
		case $mu in
		mpath-?*) read -r mn < "$d/name" 2>/dev/null && say mpath.map "$mn ${mu#mpath-}" ;;
		esac
	done
fi
# Whether multipath.conf is there, and whether multipathd.service runs
# only where it is (the RHEL family's ConditionPathExists=: there a
# missing file is multipath switched off): yes, no, or unknown (no unit
# file that can be read, masked, a drop-in resetting the conditions,
# whose order among the others is not read here)
if intree "$r/etc/multipath.conf" && { [ -e "$rf" ] || [ -L "$rf" ]; }; then say multipath.conf present
else say multipath.conf absent; fi
# mp_cond FILE DROPIN: in mpc, what FILE's conditions leave (an empty
# one resets them all: in a drop-in, mpu=1, unknown)
mp_cond() {
	while IFS= read -r l || [ -n "$l" ]; do
		l=${l%"$cr"}; l=${l#"${l%%[! 	]*}"}
		case $l in Condition*=* | Assert*=*) ;; *) continue ;; esac
		v=${l#*=}; v=${v#"${v%%[! 	]*}"}
		case $v in
		'') if [ "$2" = 1 ]; then mpu=1; else mpc=no; fi ;;
		*/etc/multipath.conf*) mpc=yes ;;
		esac
	done < "$1"
}
mpc=unknown
if unit_file multipathd.service && readable "$uf"; then
	mpc=no; mpu=
	mp_cond "$rf" 0
	for d in $udirs; do
		for g in "$r$d"/multipathd.service.d/*.conf; do
			if readable "$g"; then mp_cond "$rf" 1; elif [ -e "$g" ] || [ -L "$g" ]; then mpu=1; fi
		done
	done
	[ -z "$mpu" ] || mpc=unknown
fi
say multipath.unit_cond "$mpc"
# multipathd's configuration: multipath.conf, then the files of its
# config_dir (/etc/multipath/conf.d unless multipath.conf names another,
# or none with ""), by name; what each says of user_friendly_names, and
# in which section (defaults, devices' device, overrides), for the awk
# below (part=mpath).
set -- "$@" part=mpath
mpdir=/etc/multipath/conf.d
if readable "$r/etc/multipath.conf"; then
	fnarg "$r/etc/multipath.conf"; set -- "$@" "$fa" "$rf"
	while IFS= read -r l || [ -n "$l" ]; do
		l=${l%"$cr"}; l=${l#"${l%%[! 	]*}"}
		case $l in config_dir[\ \	]*) ;; *) continue ;; esac
		l=${l#config_dir}; l=${l#"${l%%[! 	]*}"}
		case $l in \"*) l=${l#\"}; l=${l%%\"*} ;; *) l=${l%%[ 	#!]*} ;; esac
		mpdir=$l
	done < "$rf"
fi
case $mpdir in /*) ;; *) mpdir= ;; esac
if [ -n "$mpdir" ] && intree "$r$mpdir"; then
	for f in "$rf"/*.conf; do
		f=$r$mpdir/${f##*/}; ! readable "$f" || { fnarg "$f"; set -- "$@" "$fa" "$rf"; }
	done
fi

# The options files libvirtd.service may read (Debian's, the RHEL
# family's, any its EnvironmentFile= lines name), for the variables they
# assign (part=opts).
set -- "$@" part=opts
seen='
'
oifs=$IFS; IFS='
'
for f in /etc/default/libvirtd /etc/sysconfig/libvirtd $envf; do
	case $seen in *"
$f
"*) continue ;; esac
	seen="$seen$f
"
	! readable "$r$f" || { fnarg "$r$f"; set -- "$@" "$fa" "$rf"; }
done
IFS=$oifs

for f in /etc/default/libvirtd /etc/sysconfig/libvirtd /etc/libvirt/virtproxyd.conf \
	/etc/iptables/rules.v4 /etc/sysconfig/iptables /etc/nftables.conf /etc/ufw/ufw.conf \
	/etc/iptables/rules.v6 /etc/sysconfig/ip6tables /etc/sysconfig/nftables.conf; do
	! readable "$r$f" || say "file.$f" present
done
# libvirt's TLS files where libvirt looks for them by default, the
# server's and the client's, as "tls.file=PATH present" (or absent: a key
# file is root's alone, whether it is there, not whether this user may
# read it)
# file_fact KEY PATH: "KEY=PATH present" or "KEY=PATH absent"
file_fact() { if intree "$r$2" && [ -f "$rf" ]; then say "$1" "$2 present"; else say "$1" "$2 absent"; fi; }
for f in /etc/pki/CA/cacert.pem /etc/pki/libvirt/servercert.pem \
	/etc/pki/libvirt/private/serverkey.pem /etc/pki/libvirt/clientcert.pem \
	/etc/pki/libvirt/private/clientkey.pem; do
	file_fact tls.file "$f"
done
# QEMU's own TLS files in their default directory (native TLS migration),
# the same way, as qemu.tls_file
for f in ca-cert.pem server-cert.pem server-key.pem client-cert.pem client-key.pem; do
	file_fact qemu.tls_file "/etc/pki/qemu/$f"
done
# The security modules: libvirt refuses a security_driver whose module is
# not enabled, and its QEMU driver does not start; SELinux labels ~/.ssh
# too (sshd refuses keys under a wrong label). SELinux: "selinux=1"
# enforcing, 0 permissive, disabled; live, enabled with selinuxfs mounted
# and /etc/selinux/config there (libselinux's is_selinux_enabled); in a
# tree, the config's first SELINUX= line, disabled without the file
if [ -z "$r" ]; then
	if [ -r /sys/fs/selinux/enforce ] && [ -e /etc/selinux/config ]; then
		read -r se < /sys/fs/selinux/enforce 2>/dev/null && say selinux "$se"
	else say selinux disabled; fi
elif readable "$r/etc/selinux/config"; then
	while IFS= read -r l || [ -n "$l" ]; do
		case $l in
		SELINUX=enforcing*) say selinux 1; break ;;
		SELINUX=permissive*) say selinux 0; break ;;
		SELINUX=disabled*) say selinux disabled; break ;;
		esac
	done < "$rf"
elif intree "$r/etc/selinux/config" && [ ! -e "$rf" ]; then say selinux disabled; fi
# AppArmor: the kernel's switch, "apparmor=Y" or N (live only: a tree
# does not tell), and the template libvirt makes QEMU's profiles of,
# without which it turns its AppArmor driver off; so it does unless its
# daemon runs confined: the kernel's list of profiles names the daemon's
# path or libvirtd (apparmor.profile: those lines, "NAME (MODE)"); in a
# tree, the daemons' profile files apparmor loads at boot, each "FILE
# present", "disabled" (disable/), "complain" (force-complain/) or "absent"
if [ -z "$r" ]; then
	if [ -r /sys/module/apparmor/parameters/enabled ]; then
		read -r aa < /sys/module/apparmor/parameters/enabled 2>/dev/null && say apparmor "$aa"
	elif [ -d /sys/module ] && [ ! -e /sys/module/apparmor ]; then say apparmor N; fi
	{
		say apparmor.profiles read
		while IFS= read -r l || [ -n "$l" ]; do
			case $l in *libvirtd\ \(* | *virtqemud\ \(*) say apparmor.profile "$l" ;; esac
		done
	} 2>/dev/null < /sys/kernel/security/apparmor/profiles
else
	for f in usr.sbin.libvirtd usr.sbin.virtqemud; do
		s=absent
		if intree "$r/etc/apparmor.d/$f" && [ -f "$rf" ]; then
			s=present
			if intree "$r/etc/apparmor.d/disable/$f" && [ -e "$rf" ]; then s=disabled
			elif intree "$r/etc/apparmor.d/force-complain/$f" && [ -e "$rf" ]; then s=complain; fi
		fi
		say apparmor.file "/etc/apparmor.d/$f $s"
	done
fi
file_fact apparmor.template /etc/apparmor.d/libvirt/TEMPLATE.qemu
# /dev/kvm, which QEMU opens as qemu.conf's user with that user's groups,
# asked only where the profile names a user other than root: live,
# "kvm.dev=MODE GID UID" (octal), or absent; in a tree, the udev rules that
# make it (part=udev, each directory in udev's order of precedence)
if [ -n "$qu" ] && [ "$qu" != root ]; then
	if [ -z "$r" ]; then
		if [ -e /dev/kvm ]; then
			x=$(stat -Lc '%a %g %u' /dev/kvm 2>/dev/null) && say kvm.dev "$x"
		else say kvm.dev absent; fi
	else
		# a name is read from the first directory that has it, as udev
		# does: an empty file or a link to /dev/null there masks it; a
		# file there that cannot be read leaves the rules not known
		set -- "$@" part=udev; us=/; ku=
		for d in /etc /run /usr/local/lib /usr/lib /lib; do
			for f in "$r$d"/udev/rules.d/*.rules; do
				[ -e "$f" ] || [ -L "$f" ] || continue
				case $us in */"${f##*/}"/*) continue ;; esac
				us=$us${f##*/}/
				if ! readable "$f"; then
					[ ! -f "$rf" ] || ku=${ku:-${f#"$r"}}
					continue
				fi
				fnarg "$f"; set -- "$@" "$fa" "$rf"
			done
		done
		[ -z "$ku" ] || set -- "$@" "kvmunread=$ku"
	fi
fi
# the SASL credentials of libvirt's clients run by root, the migrating
# libvirtd among them (peer to peer): the first auth.conf of root's config
# directory and /etc/libvirt, its groups' credentials, authname and
# username ("libvirt.auth_key=GROUP KEY VALUE"); of a password only that
# it is set, never its value
for f in /root/.config/libvirt/auth.conf /etc/libvirt/auth.conf; do
	intree "$r$f" && [ -f "$rf" ] || continue
	say libvirt.auth_conf "$f"
	if ! readable "$r$f"; then say libvirt.auth_unread yes; break; fi
	g=
	while IFS= read -r l || [ -n "$l" ]; do
		l=${l%"$cr"}; l=${l#"${l%%[! 	]*}"}
		case $l in
		\[*\]*) g=${l#?}; g=${g%%]*}; continue ;;
		'#'* | '') continue ;;
		esac
		case $g in auth-libvirt-* | credentials-*) ;; *) continue ;; esac
		k=${l%%=*}; k=${k%"${k##*[! 	]}"}; v=${l#*=}; v=${v#"${v%%[! 	]*}"}
		case $k in
		credentials | authname | username) say libvirt.auth_key "$g $k $v" ;;
		password) say libvirt.auth_key "$g password set" ;;
		esac
	done < "$rf"
	break
done
# the SASL mechanisms libvirt's daemons offer (the first mech_list of
# Cyrus SASL's file for the application "libvirt", as written) and, for
# Kerberos, whether the keytab it names (else the system's) is there
if readable "$r/etc/sasl2/libvirt.conf"; then
	ml=; kt=/etc/krb5.keytab
	while IFS= read -r l || [ -n "$l" ]; do
		case $l in
		mech_list:*) [ -n "$ml" ] || { ml=1; say libvirt.sasl_mechs "${l#mech_list:}"; } ;;
		keytab:*)
			k=${l#keytab:}
			while case $k in [' 	']*) true ;; *) false ;; esac; do k=${k#?}; done
			k=${k%%[' 	']*}; [ -z "$k" ] || kt=$k ;;
		esac
	done < "$rf"
	if intree "$r$kt" && [ -f "$rf" ]; then say libvirt.sasl_keytab "$kt present"
	else say libvirt.sasl_keytab "$kt absent"; fi
fi

# Users and groups: getent on a live host (directories count), the files
# of a tree (read by awk itself: no other process). The awk of every part:
# packages (pkg), unit files (unit), users and groups (ids, fields by ':').
facts_awk='
	function pkg() { if (p != "" && st ~ / installed$/ && index(want, " " p " ")) print "pkg." p "=" v; p = "" }
	function unit(  n) { if (f == "") return; n = f; sub(/.*\//, "", n)
	        print "unit." n "=" (i ? "disabled" : "static") " unknown"; f = "" }
	BEGIN { gsub(/[ \t\n]+/, " ", want); want = " " want " "
	        # the keys of a socket that limit who connects or what takes it
	        sockopts = "^(IPAddress(Allow|Deny)|IPIngressFilterPath|BindIPv6Only|BindToDevice|FileDescriptorName|"
	        sockopts = sockopts "Service|Accept|SocketProtocol|SocketUser|SocketGroup|MaxConnections(PerSource)?)$"
	        for (k = 1; k < 32; k++) ctl[sprintf("%c", k)] = k; ctl[sprintf("%c", 127)] = 127
	        # the specifiers of libvirtd.service (a system unit, no instance)
	        split("n=libvirtd.service N=libvirtd p=libvirtd P=libvirtd i= I= j= J= E=/etc S=/var/lib C=/var/cache L=/var/log t=/run T=/tmp V=/var/tmp %=%", u, " ")
	        for (k in u) specs[substr(u[k], 1, 1)] = substr(u[k], 3)
	        n = split(novakeys, u, " "); for (k = 1; k <= n; k++) nk[u[k]] = 1
	        split("nova libvirt-qemu qemu", u, " "); for (k in u) wu[u[k]] = 1
	        if (xu != "") wu[xu] = 1
	        if (qu != "") wu[qu] = 1
	        split("nova kvm libvirt libvirt-qemu qemu", g, " "); for (k in g) wg[g[k]] = 1
	        if (qg != "") wg[qg] = 1
	        n = split(sg, g, " "); for (k = 1; k <= n; k++) wg[g[k]] = sgn[g[k]] = 1 }
	# a nova option is printed once its value is whole (nflush)
	function nflush() { if (npk != "") print npk npv; npk = "" }
	FNR == 1 { nflush(); if (kvk != "") kvflush() }
	part == "pkg" {
		if (/^Package: /) { p = $2; st = ""; v = "" }
		else if (/^Status: /) st = $0
		else if (/^Version: /) v = $2
		else if (/^$/) pkg()
		next }
	# a file as the host names it (fn=, before it): read through a link, the link
	function fname() { return fn != "" ? fn : FILENAME }
	part == "unit" { if (FNR == 1) { unit(); f = fname(); i = 0 }; if (/^\[Install\]/) i = 1; next }
	# that name from the root of the host, as a fact carries it: blanks, control
	# characters and % written %XX (a fact is "FILE REST", a line)
	function hname(p,   o, i, c) { p = substr(p, length(root) + 1); gsub(/%/, "%25", p); gsub(/ /, "%20", p)
		if (p !~ /[\001-\037\177]/) return p
		for (o = ""; p != ""; p = substr(p, 2)) { c = substr(p, 1, 1); o = o ((c in ctl) ? sprintf("%%%02X", ctl[c]) : c) }
		return o }
	# a unit file or drop-in as systemd reads it: a line ends at its CR LF,
	# a comment line is skipped (also inside a continued line), an odd run
	# of \ at its very end (no blank after) goes on on the next (\ read as a
	# blank), what is left of one at the end of a file counts; blanks at
	# the ends go; a section of the own type of the unit ([Socket] of a socket,
	# [Service] of a service: systemd ignores the other)
	function sline(l,   lk, lv) {
		if (l ~ /^\[/) { insock = l == (sockunit ~ /\.socket$/ ? "[Socket]" : "[Service]"); return }
		if (!insock) return
		lk = l; sub(/[ \t]*=.*$/, "", lk)
		lv = l; sub(/^[^=]*=[ \t]*/, "", lv)
		# one of sockopts: "KEY=VALUE", with its line
		if (sockunit ~ /\.socket$/ && lk ~ sockopts && l ~ /=/) {
			nl[cur]++; ls[cur, nl[cur]] = lk "=" lv; lkind[cur, nl[cur]] = "opt"
			lline[cur, nl[cur]] = sln; return }
		if (l !~ /^(ListenStream|ExecStart|Environment|EnvironmentFile)[ \t]*=/) return
		nl[cur]++; ls[cur, nl[cur]] = lv; lline[cur, nl[cur]] = sln
		lkind[cur, nl[cur]] = lk == "ListenStream" ? "listen" : lk == "ExecStart" ? "exec" : lk == "Environment" ? "env" : "envfile" }
	FNR == 1 && scont != "" { sline(scont); scont = "" }
	part == "sock" {
		if (FNR == 1) {
			insock = 0; n = fname(); sub(/.*\//, "", n)
			if (fname() !~ /\.d\/[^\/]*$/) { nsock++; sock[nsock] = sockunit; cur = sockunit SUBSEP; file[cur] = fname() }
			else { cur = sockunit SUBSEP n; file[cur] = fname(); nd[sockunit]++; drop[sockunit, nd[sockunit]] = n }
		}
		lc = $0; sub(/\r$/, "", lc)
		if (lc ~ /^[ \t]*[#;]/) next
		# sln: the line a continued line starts at
		if (scont == "") sln = FNR
		if (match(lc, /\\+$/) && RLENGTH % 2) { scont = scont substr(lc, 1, length(lc) - 1) " "; next }
		lc = scont lc; scont = ""; sub(/^[ \t]+/, "", lc); sub(/[ \t]+$/, "", lc)
		sline(lc)
		next }
	# an options file as EnvironmentFile= of systemd reads it (systemd 252,
	# Debian 12, RHEL 9): a line ending in an odd run of \ goes on on the
	# next (a comment line too: it swallows it); # or ; starts a comment
	# only at the start of a line; KEY, blanks around =; the value: blanks
	# before it skipped, double or single quotes taken off, \ escaping outside
	# single quotes, what follows a closing quote appended (etrail: a
	# comment there is no comment), blanks at its end dropped. An export
	# line names no variable (systemd ignores it).
	function envval(s,   o, i, c, q, n, pq) {
		o = ""; q = ""; pq = 0; sub(/^[ \t]+/, "", s); n = length(s)
		for (i = 1; i <= n; i++) {
			c = substr(s, i, 1)
			if (q == "" && (c == "\"" || c == "\047") && (o == "" || pq)) { q = c; continue }
			if (q != "" && c == q) { q = ""; pq = 1; continue }
			if (c == "\\" && q != "\047" && i < n) { i++; o = o substr(s, i, 1); continue }
			if (q == "" && pq && (c == " " || c == "\t")) continue
			if (pq) etrail = 1
			pq = 0; o = o c }
		if (q == "") sub(/[ \t]+$/, "", o)
		return o }
	part == "opts" {
		if (FNR == 1) { ocont = ""; oskip = 0; ofile[++nof] = substr(fname(), length(root) + 1) }
		lc = $0; sub(/\r$/, "", lc)
		if (oskip) { oskip = match(lc, /\\+$/) && RLENGTH % 2; next }
		if (ocont == "" && lc ~ /^[ \t]*[#;]/) { oskip = match(lc, /\\+$/) && RLENGTH % 2; next }
		if (match(lc, /\\+$/) && RLENGTH % 2) { ocont = ocont substr(lc, 1, length(lc) - 1); next }
		lc = ocont lc; ocont = ""; sub(/^[ \t]+/, "", lc)
		okey = substr(fname(), length(root) + 1) SUBSEP
		if (match(lc, /^export[ \t]+[A-Za-z_][A-Za-z0-9_]*[ \t]*=/)) {
			sub(/^export[ \t]+/, "", lc); k = lc; sub(/[ \t]*=.*$/, "", k); oexp[okey k] = 1 }
		else if (match(lc, /^[A-Za-z_][A-Za-z0-9_]*[ \t]*=/)) {
			k = lc; sub(/[ \t]*=.*$/, "", k); okey = okey k
			etrail = 0; oset[okey] = 1; oval[okey] = envval(substr(lc, RLENGTH + 1)); otrail[okey] = etrail }
		next }
	# virconf ends a line at \r as at \n
	part == "lconf" || part == "pconf" || part == "qconf" { sub(/\r$/, "") }
	# the lines of a list after its first (virconf reads on to its "]"):
	# joined onto the first (a file ending inside it ends it: kvflush at
	# the first line of the next file)
	kvk != "" && (part == "lconf" || part == "pconf" || part == "qconf") {
		lv = $0; sub(/^[ \t]*/, "", lv); sub(/[ \t]*(#.*)?$/, "", lv); gsub(/[ \t]+/, " ", lv)
		if (lv != "") kvv = kvv " " lv
		if (lv ~ /\]/) kvflush()
		next }
	part == "lconf" {
		if (!lad && /^[ \t]*listen_addr[ \t]*=/) {
			lv = $0; sub(/^[^=]*=[ \t]*/, "", lv); sub(/[ \t]*(#.*)?$/, "", lv)
			lad = 1; print "libvirtd.listen_addr=" lv; hwant("libvirtd.listen_addr_ip", lv) }
		# listen_tcp, listen_tls: which listeners --listen opens; ca_file,
		# cert_file, key_file: TLS files other than the defaults of libvirt;
		# auth_tcp: what a TCP client must bring; tcp_port, tls_port: where
		# --listen listens
		if (match($0, /^[ \t]*(listen_t(cp|ls)|(ca|cert|key)_file|auth_tcp|t(cp|ls)_port)[ \t]*=/)) confkv("libvirtd")
		next }
	# virtproxyd reads listen_*, t*_port too, and refuses a mistyped one
	part == "pconf" {
		if (match($0, /^[ \t]*(listen_t(cp|ls)|(ca|cert|key)_file|auth_tcp|t(cp|ls)_port)[ \t]*=/)) confkv("virtproxyd")
		next }
	part == "qconf" {
		if (match($0, /^[ \t]*(migration_(port_m(in|ax)|address|host)|(migrate|default)_tls_x509_cert_dir|security_driver)[ \t]*=/) &&
		    confkv("qemu") == "migration_address") hwant("qemu.migration_address_ip", cval)
		next }
	# a key = value line of a libvirt conf file, the first of its key (as
	# virconf reads it), as "DAEMON.KEY=VALUE", and its line (a refused
	# value is named there) as "DAEMON.line.KEY=LINE"
	# (its key returned, its value in cval; "" for a later one)
	function confkv(daemon,   ck, cv) {
		ck = $0; sub(/^[ \t]*/, "", ck); sub(/[ \t]*=.*$/, "", ck)
		cv = $0; sub(/^[^=]*=[ \t]*/, "", cv); sub(/[ \t]*(#.*)?$/, "", cv); gsub(/[ \t]+/, " ", cv)
		if (seen[daemon, ck]++) return ""
		kvd = daemon; kvk = ck; kvv = cv; kvl = FNR; cval = cv
		if (cv !~ /^\[/ || cv ~ /\]/) kvflush()
		return ck }
	function kvflush() {
		print kvd "." kvk "=" kvv "\n" kvd ".line." kvk "=" kvl; kvk = "" }
	# a conf value (one pair of quotes off) to look up in /etc/hosts, its
	# addresses reported as fact
	function hwant(fact, v) { gsub(/^["\047]|["\047]$/, "", v); if (v != "") { hfact[++nh] = fact; hname_of[nh] = v } }
	# the @revoked lines of the other known_hosts files of ssh: "FILE LINE TEXT";
	# their key lines too (ssh looks a host up in all the files at once),
	# "FILE LINE HOSTS TYPE KEY", the first 256 of each file (one past them: cut)
	part == "revoked" {
		# (a line as ssh splits it, blanks or tabs, its comment left: a
		# control character would fail the facts, the host unexamined)
		if ($0 ~ /^[ \t]*@revoked[ \t]/) {
			lc = $0; sub(/\r$/, "", lc); sub(/^[ \t]+/, "", lc)
			if (split(lc, kw, /[ \t]+/) >= 4 && (lc = kw[1] " " kw[2] " " kw[3] " " kw[4]) !~ /[\001-\037\177]/)
				print "ssh.revoked=" hname(fname()) " " FNR " " lc }
		else if ($0 !~ /^[ \t]*([#@]|\r?$)/) {
			lc = $0; sub(/\r$/, "", lc); sub(/^[ \t]+/, "", lc)
			if (split(lc, kw, /[ \t]+/) >= 3 && (lc = kw[1] " " kw[2] " " kw[3]) !~ /[\001-\037\177]/) {
				if (++nko[fname()] <= 256) print "ssh.known_other=" hname(fname()) " " FNR " " lc
				else if (!kocut[fname()]++) print "ssh.known_other_cut=" hname(fname())
			}
		}
		next }
	# /etc/hosts: the addresses of the names hwant was given
	part == "hosts" {
		if (nh && $1 !~ /^#/)
			for (j = 2; j <= NF && $j !~ /^#/; j++)
				for (k = 1; k <= nh; k++) if ($j == hname_of[k]) print hfact[k] "=" $1
		next }
	# multipath.conf as multipathd reads a line (process_stream): words, a
	# brace one alone; a comment from # or ! outside double quotes. Its
	# first word decides: a keyword opens its section where it is one
	# (its brace on the line or the next: a line of "{" is skipped;
	# overrides and protocol only with a word after it: alone, multipathd
	# drops the line, its "{" too), the rest of the line ignored;
	# "}" first closes one. user_friendly_names first is a setting in
	# defaults, overrides, device (of devices) and multipath
	function mtok(l,   j, ch, w, inw, q) {
		nw = 0; w = ""; inw = q = 0
		for (j = 1; j <= length(l); j++) {
			ch = substr(l, j, 1)
			if (q) { if (ch == "\"") q = 0; else w = w ch; continue }
			if (ch == "\"") { q = inw = 1; continue }
			if (ch == "#" || ch == "!") break
			if (ch == "{" || ch == "}" || ch == " " || ch == "\t" || ch == "\r") {
				if (inw) { mw[++nw] = w; mq[nw] = 1 }
				w = ""; inw = 0
				if (ch == "{" || ch == "}") { mw[++nw] = ch; mq[nw] = 0 }
				continue }
			w = w ch; inw = 1
		}
		if (inw) { mw[++nw] = w; mq[nw] = 1 } }
	part == "mpath" {
		if (FNR == 1) depth = 0
		mtok($0)
		if (nw == 0) next
		w = mw[1]; ms = depth ? msec[depth] : ""
		if (!mq[1]) { if (w == "}" && depth > 0) depth--; next }
		if ((depth == 0 && (w ~ /^(defaults|blacklist|blacklist_exceptions|devices|multipaths)$/ || (w == "overrides" && nw > 1))) ||
		    (w == "device" && ms ~ /^(devices|blacklist|blacklist_exceptions)$/) ||
		    (w == "multipath" && ms == "multipaths") ||
		    (w == "protocol" && nw > 1 && (ms == "overrides" || (ms == "device" && msec[1] == "devices")))) {
			msec[++depth] = w; next }
		if (w == "user_friendly_names" && nw > 1 && (ms ~ /^(defaults|overrides|multipath)$/ || (ms == "device" && msec[1] == "devices")))
			print "multipath.ufn=" hname(fname()) " " ms " " mw[2]
		next }
	part == "nova" {
		if (FNR == 1) nsec = ""
		# as oslo.config reads a line: a blank one ends a value, an indented
		# one continues it (its lines joined, shown as \n), a comment ends it
		lc = $0; sub(/[ \t\r\f\v]+$/, "", lc)
		if (lc == "") { nflush(); next }
		if (lc ~ /^[ \t]/) { if (npk != "") { sub(/^[ \t]+/, "", lc); npv = npv "\\n" lc }; next }
		nflush()
		if (lc ~ /^[#;]/) next
		# the group: all between the brackets; DEFAULT so spelt, any other
		# in lower case (oslo.config normalises groups, not options)
		if (lc ~ /^\[/) { rsec = nsec = lc ~ /\]$/ ? substr(lc, 2, length(lc) - 2) : "\001"
			if (nsec != "DEFAULT") nsec = tolower(nsec); next }
		# the name of the option as written, as oslo.config matches it
		rk = lc; sub(/[ \t]*[=:].*$/, "", rk); k = rk
		if (!((nsec "/" k) in nk)) next
		lv = lc; sub(/^[^=:]*[=:][ \t]*/, "", lv)
		# one pair of matching quotes goes, as oslo.config takes them off
		q = substr(lv, 1, 1)
		if ((q == "\"" || q == "\047") && substr(lv, length(lv)) == q) lv = substr(lv, 2, length(lv) - 2)
		# nova.conf: its line and the spelling found, "LINE [SECTION]KEY"
		if (novakey == "nova.self") npk = novakey "=" FNR " [" rsec "]" rk " " nsec "/" k " "
		else npk = novakey "=" hname(fname()) " " nsec "/" k " "
		npv = lv
		next }
	# the udev rules of /dev/kvm (one file of a name, the shell chose): a
	# line continued by a backslash joined, as udev does (comment lines
	# skipped, a blank one ends it); of the others
	# only those that may set its mode or group or jump kept
	part == "udev" {
		if (FNR == 1) { ub = fname(); sub(/.*\//, "", ub); ucont = "" }
		if ($0 ~ /^[ \t]*#/ || (ucont == "" && $0 ~ /^[ \t]*$/)) next
		lc = ucont $0
		if (lc ~ /\\$/) { ucont = substr(lc, 1, length(lc) - 1); next }
		ucont = ""
		if (lc !~ /MODE|GROUP|OWNER|GOTO|LABEL/) next
		if (!(ub in ulines)) unames[++nun] = ub
		ulines[ub] = ulines[ub] "\n" lc
		next }
	# whether a udev glob (* ? [], "|" between alternatives) matches s:
	# 1, 0, or 2 where it is not read (a backslash)
	function uglob(g, s,   o, c, a, n, i) {
		if (g ~ /\\/) return 2
		n = split(g, a, "|")
		for (i = 1; i <= n; i++) {
			for (o = "^"; a[i] != ""; a[i] = substr(a[i], 2)) {
				c = substr(a[i], 1, 1)
				if (c == "*") o = o ".*"
				else if (c == "?") o = o "."
				else if (c == "[" && match(a[i], /^\[!?\]?[^]]*\]/)) {
					c = substr(a[i], 2, RLENGTH - 2); a[i] = substr(a[i], RLENGTH)
					if (c ~ /^!/) c = "^" substr(c, 2)
					o = o "[" c "]" }
				else if (c ~ /[A-Za-z0-9_]/) o = o c
				else if (c == "^") o = o "\\^"
				else o = o "[" c "]"
			}
			if (s ~ (o "$")) return 1
		}
		return 0 }
	# the last GROUP and MODE the rules give /dev/kvm as it is added (a
	# misc device, KERNEL kvm), in the order of their file names (a :=
	# value final): "kvm.rules=MODE GROUP", "-" where none sets it; where a
	# rule that sets one (or jumps over one) may or may not apply (a
	# match on ENV, ATTR, TEST...), or is not read: "kvm.rules=? FILE"
	function kvmrules(   i, j, t, n, l, k, v, g, m, gf, mf, lab, skip, mayg, st, r, key, op, val, mm, sets, own, gt, va) {
		if (kvmunread != "") { print "kvm.rules=? " kvmunread; return }
		if (nun == 0) return
		for (i = 2; i <= nun; i++)
			for (j = i; j > 1 && unames[j - 1] > unames[j]; j--) { t = unames[j]; unames[j] = unames[j - 1]; unames[j - 1] = t }
		g = m = "-"
		for (i = 1; i <= nun; i++) {
			n = split(ulines[unames[i]], l, "\n")
			split("", lab)
			for (k = 2; k <= n; k++)
				if (match(l[k], /(^|[ \t,])LABEL[ \t]*=[ \t]*"[^"]*"/)) {
					v = substr(l[k], RSTART, RLENGTH); sub(/^[^"]*"/, "", v); lab[substr(v, 1, length(v) - 1)] = k }
			skip = mayg = ""
			for (k = 2; k <= n; k++) {
				r = l[k]; st = 1; sets = 0; own = 0; gt = ""; split("", va)
				# each KEY{ATTR} OP "VALUE", commas or blanks between
				while (1) {
					sub(/^[ \t,]+/, "", r)
					if (r == "") break
					if (!match(r, /^[A-Za-z_]+(\{[^}]*\})?[ \t]*(==|!=|\+=|-=|:=|=)[ \t]*"[^"]*"/)) { st = 3; break }
					t = substr(r, 1, RLENGTH); r = substr(r, RLENGTH + 1)
					key = t; sub(/[ \t]*[-=!+:].*/, "", key)
					op = t; sub(/^[^=!+:-]*/, "", op); sub(/[ \t]*".*/, "", op)
					val = t; sub(/^[^"]*"/, "", val); val = substr(val, 1, length(val) - 1)
					if (key == "LABEL" && skip == val) skip = ""
					if (key == "LABEL" && mayg == val) mayg = ""
					# a program or a test that may fail stops the rule
					if (key ~ /^(IMPORT|PROGRAM|TEST)/) { if (st == 1) st = 2 }
					else if (op == "==" || op == "!=") {
						if (key == "KERNEL") mm = uglob(val, "kvm")
						else if (key == "SUBSYSTEM") mm = uglob(val, "misc")
						else if (key == "ACTION") mm = uglob(val, "add")
						else if (key == "DEVPATH") mm = uglob(val, "/devices/virtual/misc/kvm")
						else mm = 2
						if (mm != 2 && op == "!=") mm = !mm
						if (mm == 0) st = 0
						else if (mm == 2 && st == 1) st = 2 }
					else if (key == "MODE" || key == "GROUP") { sets = 1; va[key] = val; va[key ":"] = op == ":=" }
					# an owner other than root: its bits are not judged here
					else if (key == "OWNER" && val != "root" && val != "0") own = 1
					else if (key == "GOTO" && lab[val] > k) gt = val
				}
				if (skip != "") continue
				if (st == 3 && (sets || r ~ /MODE|GROUP|GOTO/)) { print "kvm.rules=? " unames[i]; return }
				if (st == 0 || st == 3) continue
				if (own) { print "kvm.rules=? " unames[i]; return }
				if (mayg != "") st = 2
				if (st == 2 && ((("MODE" in va) && !mf) || (("GROUP" in va) && !gf))) { print "kvm.rules=? " unames[i]; return }
				if (sets) {
					if (!gf && ("GROUP" in va)) { g = va["GROUP"]; gf = va["GROUP:"] }
					if (!mf && ("MODE" in va)) { m = va["MODE"]; mf = va["MODE:"] }
					if (g ~ /[$%]/ || m ~ /[$%]/) { print "kvm.rules=? " unames[i]; return } }
				if (gt != "") { if (st == 1) skip = gt; else if (mayg == "") mayg = gt }
			}
		}
		if (m != "-" || g != "-") print "kvm.rules=" m " " g }
	$0 == "--" { groups = 1; next }
	!groups && ($1 in wu) && !seen["u" $1]++ { print "user." $1 "=" $3 ":" $4 ":" $6 ":" $7 }
	groups && ($1 in wg) && !seen["g" $1]++ { print "group." $1 "=" $3
		if ((($1 in sgn) || $1 == "kvm") && $4 != "") print "group." $1 ".members=" $4 }
	# "service.UNIT.exec" or "service.UNIT.env"; "socket.UNIT.listen=FILE
	# LINE VALUE", "socket.UNIT.opt=FILE LINE KEY=VALUE"
	function listens(un, k,   c, j) { c = un SUBSEP k
		for (j = 1; j <= nl[c]; j++)
			print utype(un) un "." lkind[c, j] "=" hname(file[c]) " " \
			      (lkind[c, j] ~ /^(opt|listen)$/ ? lline[c, j] " " : "") ls[c, j] }
	# libvirtd.service: the EnvironmentFiles in effect (an empty one
	# resets them; %n %N %p %% expanded; "-" only says a missing file is
	# fine), the variables its ExecStart in effect passes (none after its
	# ":" prefix, which stops expansion), and for each the value the last
	# file in effect that assigns it gives it (read after Environment=, it
	# wins), and the files in effect that name it on an export line
	# the specifiers of libvirtd.service in v expanded, left to right
	function spec(v,   o, c) {
		for (o = ""; match(v, /%./); v = substr(v, RSTART + 2)) {
			c = substr(v, RSTART + 1, 1)
			o = o substr(v, 1, RSTART - 1) ((c in specs) ? specs[c] : "%" c) }
		return o v }
	# a file name pattern as a regular expression (no / matched by * ? [])
	function globre(g,   o, c) {
		for (o = "^"; g != ""; g = substr(g, 2)) {
			c = substr(g, 1, 1)
			if (c == "*") o = o "[^/]*"
			else if (c == "?") o = o "[^/]"
			else if (c == "[") { c = substr(g, 2, 1) == "!" ? "[^" : "["; g = substr(g, c == "[^" ? 2 : 1); o = o c }
			else if (index("\\.+^$(){}|/", c)) o = o "\\" c
			else o = o c }
		return o "$" }
	function svcopts(su,   a, c, j, k, v, ex, nex, ef, w, ne, efs, pre, seen, nw, ws, braced, unread, nu, urs) {
		nex = 0; ef = SUBSEP; unread = ""
		for (a = 0; a <= nd[su]; a++) {
			c = su SUBSEP (a ? drop[su, a] : "")
			for (j = 1; j <= nl[c]; j++) {
				v = ls[c, j]
				if (lkind[c, j] == "exec") { if (v == "") nex = 0; else { nex++; ex = v } }
				else if (lkind[c, j] == "envfile") {
					if (v == "") { ef = SUBSEP; unread = ""; continue }
					sub(/^-/, "", v); v = spec(v)
					if (v !~ /^\//) continue
					if (v !~ /[*?[]/) { ef = ef v SUBSEP; continue }
					# a pattern in a directory: its files are not read
					if (v ~ /[*?[][^\/]*\//) { unread = unread v SUBSEP; continue }
					# a pattern: the options files read that it matches
					for (k = 1; k <= nof; k++) if (ofile[k] ~ globre(v)) ef = ef ofile[k] SUBSEP }
			}
		}
		ne = split(substr(ef, 2, length(ef) - 2), efs, SUBSEP); if (ef == SUBSEP) ne = 0
		for (j = 1; j <= ne; j++) print "libvirtd.envfile=" hname(root efs[j])
		nu = split(unread, urs, SUBSEP) - 1
		for (j = 1; j <= nu; j++) print "libvirtd.envfile_unread=" hname(root urs[j])
		if (!nex) return
		pre = ex; sub(/[^-@+!:|].*$/, "", pre)
		if (index(pre, ":")) return
		# a word that is $NAME alone passes its words, ${NAME} alone one
		# argument; within a word, or $$, systemd expands nothing for us
		nw = split(substr(ex, length(pre) + 1), ws, /[ \t]+/)
		for (a = 1; a <= nw; a++) {
			w = ws[a]; if (w ~ /^".*"$/) w = substr(w, 2, length(w) - 2)
			if (w !~ /^\$([A-Za-z_][A-Za-z0-9_]*|\{[A-Za-z_][A-Za-z0-9_]*\})$/) continue
			if (w ~ /^\$\{/) { w = substr(w, 3, length(w) - 3); braced[w] = 1 } else w = substr(w, 2)
			if (w in seen) continue
			seen[w] = 1; print "libvirtd.args_var=" w
			if (w in braced) print "libvirtd.args_braced=" w
			v = ""
			for (j = 1; j <= ne; j++) {
				if ((efs[j], w) in oset) v = efs[j]
				if ((efs[j], w) in oexp) print "libvirtd.args_export=" w " " hname(root efs[j])
			}
			if (v != "") print "libvirtd.args_value=" w " " hname(root v) " " oval[v, w]
			if (v != "" && otrail[v, w]) print "libvirtd.args_trailer=" w " " hname(root v)
		} }
	function utype(un) { return un ~ /\.service$/ ? "service." : "socket." }
	END { nflush(); pkg(); unit(); if (kvk != "") kvflush(); kvmrules()
		for (s = 1; s <= nsock; s++) {
			su = sock[s]; print utype(su) su ".file=" hname(file[su, ""]); listens(su, "")
			# the drop-ins came in systemd order (the shell sorted them)
			for (a = 1; a <= nd[su]; a++) listens(su, drop[su, a])
			if (su == "libvirtd.service") svcopts(su)
		} }'
# ssh's global known_hosts files and the user's second one, for their
# @revoked lines (part=revoked): a peer's key revoked there is refused
# whatever nova's known_hosts holds; and their key lines, which ssh
# reads with nova's (a_home and a_shell serve below too)
if [ -n "$xuser" ]; then
	passwd_of "$xuser"
	set -- "$@" part=revoked
	for f in /etc/ssh/ssh_known_hosts /etc/ssh/ssh_known_hosts2 ${a_home:+"${a_home%/}/.ssh/known_hosts2"}; do
		! readable "$r$f" || { fnarg "$r$f"; set -- "$@" "$fa" "$rf"; }
	done
fi
if [ -z "$r" ]; then
	printf '%s\n' "$ids" | awk -v want="$pkgs" -v xu="$xuser" -v qu="$qu" -v qg="$qg" -v root="$r" \
		-v novakeys="$novakeys" -v sg="$sshgroups" "$facts_awk" "$@" part=ids FS=: -
else
	set -- "$@" part=ids FS=:
	[ -z "$pwf" ] || set -- "$@" "$pwf"
	set -- "$@" groups=1
	! readable "$r/etc/group" || set -- "$@" "$rf"
	awk -v want="$pkgs" -v xu="$xuser" -v qu="$qu" -v qg="$qg" -v root="$r" \
		-v novakeys="$novakeys" -v sg="$sshgroups" "$facts_awk" "$@" </dev/null
fi || say error "the probe could not read the host's files (awk failed); no facts are certain"
# The [ssh] user's login shell, and the one the profile gives it: sshd
# runs it for each of nova's commands, so one that is not there (or not
# executable) refuses the login as surely as nologin.
if [ -n "$xuser" ]; then
	# (a_shell: its passwd_of above, for known_hosts2; an empty shell
	# field: sshd runs /bin/sh)
	for s in "${a_shell:-/bin/sh}" "$pshell"; do
		# a tree without the shell's directory holds no programs: unknown
		case $s in
		# (links followed inside the tree: /bin/zsh -> /bin/bash is the
		# tree's bash, not the controller's)
		/*) d=${s%/*}; intree "$r${d:-/}" && [ -d "$rf" ] || continue
			intree "$r$s" || continue
			x=no; [ ! -x "$rf" ] || [ -d "$rf" ] || x=yes; say shell.exec "$s $x" ;;
		esac
	done
	# its /etc/shadow entry: sshd refuses a locked password ('!') where
	# PAM does not handle the account (UsePAM no), and an expired account
	# either way (pam_unix's account check), which also wants a new
	# password once it is too old: "account.shadow=LOCKED EXPIRE LASTCHG
	# MAX INACT", LOCKED yes or no, the others their day numbers or -; or
	# absent (no file), unreadable, or none (no line: another source of
	# accounts)
	if readable "$r/etc/shadow"; then
		acs=none
		while IFS=: read -r n p c _ m _ i e _ || [ -n "$n" ]; do
			[ "$n" = "$xuser" ] || continue
			case $p in '!'*) acs=yes ;; *) acs=no ;; esac
			acs="$acs ${e:--} ${c:--} ${m:--} ${i:--}"
			break
		done < "$rf"
		say account.shadow "$acs"
	elif intree "$r/etc/shadow" && [ -e "$rf" ]; then say account.shadow unreadable
	else say account.shadow absent; fi
	# its ssh client's configuration: the lines of ~/.ssh/config,
	# ssh_config and ssh_config.d that bear on a key login to a peer and
	# its host key, or on the command it runs: the identity, the port,
	# the host key, the algorithms, the address family and source address,
	# the methods, Match and canonical names, a remote command, the session
	# and its input ("FILE LINE KEYWORD"), and Include lines but for
	# ssh_config.d's own (read here)
	hd=${a_home%/}
	for f in ${hd:+"$r$hd/.ssh/config"} "$r/etc/ssh/ssh_config" "$r"/etc/ssh/ssh_config.d/*.conf; do
		readable "$f" || continue
		n=0
		while IFS= read -r l || [ -n "$l" ]; do
			n=$((n + 1)); l=${l%"$cr"}; l=${l#"${l%%[! 	]*}"}; kw=${l%%[ 	=]*}
			case $kw in
			[Ss][Tt][Rr][Ii][Cc][Tt][Hh]* | [Uu][Ss][Ee][Rr][Kk][Nn]* | \
			[Gg][Ll][Oo][Bb][Aa][Ll][Kk]* | [Ii][Dd][Ee][Nn][Tt][Ii]* | [Pp][Oo][Rr][Tt] | \
			[Hh][Oo][Ss][Tt][Kk][Ee][Yy][Aa]* | [Pp][Uu][Bb][Kk][Ee][Yy]* | \
			[Kk][Nn][Oo][Ww][Nn]* | [Pp][Rr][Oo][Xx][Yy]* | [Cc][Ee][Rr][Tt][Ii][Ff]* | \
			[Uu][Ss][Ee][Rr] | [Hh][Oo][Ss][Tt][Nn][Aa][Mm][Ee] | [Bb][Aa][Tt][Cc][Hh]* | \
			[Rr][Ee][Vv][Oo][Kk]* | [Pp][Rr][Ee][Ff][Ee][Rr]* | [Kk][Ee][Xx]* | \
			[Cc][Ii][Pp][Hh][Ee][Rr]* | [Mm][Aa][Cc][Ss] | [Aa][Dd][Dd][Rr][Ee][Ss][Ss]* | \
			[Cc][Hh][Ee][Cc][Kk][Hh]* | [Mm][Aa][Tt][Cc][Hh] | [Cc][Aa][Nn][Oo][Nn]* | \
			[Rr][Ee][Mm][Oo][Tt][Ee][Cc]* | [Ss][Ee][Ss][Ss][Ii][Oo][Nn]* | [Ss][Tt][Dd][Ii][Nn]* | \
			[Ff][Oo][Rr][Kk]* | [Rr][Ee][Qq][Uu][Ii][Rr][Ee][Dd]* | [Bb][Ii][Nn][Dd]* | \
			[Rr][Ee][Qq][Uu][Ee][Ss][Tt][Tt]* | [Ee][Xx][Ii][Tt][Oo][Nn]* | \
			[Ll][Oo][Cc][Aa][Ll][Ff]* | [Rr][Ee][Mm][Oo][Tt][Ee][Ff]* | [Dd][Yy][Nn][Aa][Mm]* | \
			[Tt][Uu][Nn][Nn][Ee][Ll] | [Cc][Oo][Nn][Nn][Ee][Cc][Tt][Tt]*)
				say ssh.client "${f#"$r"} $n $kw" ;;
			[Ii][Nn][Cc][Ll][Uu][Dd][Ee])
				case $l in
				*[\ \	=]/etc/ssh/ssh_config.d/\*.conf) ;;
				*) say ssh.client "${f#"$r"} $n $kw" ;;
				esac ;;
			esac
		done < "$rf"
	done
fi

# The instances directory: what is mounted there, and whether it holds
# anything (a mount must never hide an instance's disks).
if [ -n "$inst" ]; then
	say instances "$inst"
	# the path with its links resolved, as systemd (the mount unit's name)
	# and the kernel (mountinfo) name it: in a tree, inside the tree; live,
	# as the host finds it, entering it (which mounts an automount there:
	# x-systemd.automount; a stat would not)
	ri=
	if [ -n "$r" ]; then intree "$r$inst" && ri=${rf#"$r"}
	else
		ri=$(cd -P -- "$inst" 2>/dev/null && pwd -P) || ri=
		# not there (or not entered): its directory's, the name kept
		if [ -z "$ri" ] && [ ! -L "$inst" ] && ri=$(cd -P -- "${inst%/*}/" 2>/dev/null && pwd -P); then
			ri=${ri%/}/${inst##*/}
		fi
	fi
	case $ri in /*) ;; *) ri=$inst ;; esac
	[ "$ri" = "$inst" ] || say mount.instances_real "$ri"
	# a mount unit of its name in /etc or /run, which systemd takes over
	# the unit it makes of fstab's line (masked: neither mounts); its
	# name (systemd-escape --path) for a path of letters, digits, '_',
	# '.', '-' and '/' only
	case $ri in
	/*[!A-Za-z0-9_./-]* | */ | *//* | */.*) ;;
	/?*)
		mu=${ri#/}; mn=
		while [ -n "$mu" ]; do
			case $mu in */*) mc=${mu%%/*}; mu=${mu#*/} ;; *) mc=$mu; mu= ;; esac
			while case $mc in *-*) true ;; *) false ;; esac; do
				mn=$mn${mc%%-*}'\x2d'; mc=${mc#*-}
			done
			mn=$mn$mc; [ -z "$mu" ] || mn=$mn-
		done
		for d in /etc/systemd/system /run/systemd/system; do
			[ -e "$r$d/$mn.mount" ] || [ -L "$r$d/$mn.mount" ] || continue
			if [ "$r$d/$mn.mount" -ef /dev/null ]; then say mount.unit "$d/$mn.mount masked"
			else say mount.unit "$d/$mn.mount"; fi
			break
		done
		# its drop-ins, which systemd applies to the unit it makes of
		# fstab's line too (What=, Options=)
		for d in /etc/systemd/system /run/systemd/system /usr/lib/systemd/system /lib/systemd/system; do
			# merged /usr: /lib is /usr/lib, read once
			[ "$d" != /lib/systemd/system ] || ! [ "$r/lib" -ef "$r/usr/lib" ] || continue
			for f in "$r$d/$mn.mount.d"/*.conf; do
				[ -e "$f" ] || [ -L "$f" ] || continue
				say mount.dropin "${f#"$r"}"
			done
		done ;;
	esac
	# autofs maps naming it or a directory above it (auto.master's first
	# field; a direct map's keys): autofs mounts it, not fstab
	for f in "$r/etc/auto.master" "$r"/etc/auto.master.d/*.autofs; do
		f=${f#"$r"}; readable "$r$f" || continue
		while read -r amp amap _ || [ -n "$amp" ]; do
			amap=${amap#file:}; case $amap in /*) ;; *) amap=/etc/$amap ;; esac
			case $amp in
			/-) readable "$r$amap" || continue
				while read -r dk _ || [ -n "$dk" ]; do
					[ "$dk" != "$inst" ] || say mount.autofs "$amap $dk"
				done < "$rf" ;;
			/*) case $inst/ in "${amp%/}"/*) say mount.autofs "$f $amp" ;; esac ;;
			esac
		done < "$rf"
	done
	# the mount on top there: "SOURCE TYPE", its own options (ro, rw...),
	# its root in the file system ("/" unless a bind mount of a directory
	# inside it: not the share itself) and its file system's options (an
	# NFS mount's vers, proto, hard...). Hidden when a mount listed after
	# it is over a directory above, unless the path's device is still its
	# own (a device alone is no proof: a btrfs subvolume's differs from
	# its mount's).
	if [ -z "$r" ] && [ -r /proc/self/mountinfo ]; then
		m=$(awk -v p="$ri" '{ for (j = 7; j < NF && $j != "-"; j++) continue }
			$5 == p { s = $(j + 2) " " $(j + 1); o = $6; rt = $4; so = $(j + 3); mm = $3; hid = ""; next }
			s != "" && ($5 == "/" || index(p, $5 "/") == 1) { hid = $5 }
			END { if (s == "") { print "mount.instances=none"; exit }
				print "mount.instances=" s; print "mount.instances_opts=" o
				if (rt != "/") print "mount.instances_root=" rt
				print "mount.instances_super=" so
				if (hid != "") { print "mount.instances_hidden=" hid; print "mm=" mm } }' /proc/self/mountinfo)
		# covered, unless the path is still on the mount (a stat only then:
		# its device, split as glibc splits it, against mountinfo)
		case $m in
		*"${nl}mm="*)
			mm=${m##*"${nl}mm="}; m=${m%"${nl}mm="*}
			d=$(stat -c %d -- "$ri" 2>/dev/null) || d=
			case $d in
			'' | *[!0-9]*) ;;
			*) [ "$(( ((d >> 8) & 4095) | ((d >> 32) & ~4095) )):$(( (d & 255) | ((d >> 12) & ~255) ))" != "$mm" ] ||
				m=${m%"${nl}mount.instances_hidden="*} ;;
			esac ;;
		esac
		printf '%s\n' "$m"
	fi
	# its directory as the host finds it (in a tree, links inside the tree)
	id=$r$inst
	! intree "$r${inst%/*}" || id=$rf/${inst##*/}
	if [ -L "$id" ] || { [ -e "$id" ] && [ ! -d "$id" ]; }; then say dir.instances notdir
	elif [ ! -d "$id" ]; then say dir.instances absent
	else
		e=empty
		for x in "$id"/* "$id"/.[!.]* "$id"/..?*; do
			if [ -e "$x" ] || [ -L "$x" ]; then e=nonempty; break; fi
		done
		say dir.instances "$e"
	fi
fi

set --
if intree "$r/etc/ssh"; then
	for k in "$rf"/ssh_host_*_key.pub; do readable "$r/etc/ssh/${k##*/}" && set -- "$@" "$rf"; done
fi
for k do read -r kt kb _ < "$k" && [ -n "$kb" ] && say hostkey "$kt $kb"; done

# NFS exports the kernel serves (live, where exportfs is): "PATH CLIENT"
# each, and "PATH CLIENT OPTIONS" with the options it serves them with, for
# an [nfs] server's check. A long path puts its clients on the next lines;
# <world> is the client "*". exportfs -v leaves options out (secure or
# insecure, crossmnt, acl...): the options are etab's, which lists them
# all (exportfs -v reads it), where it can be read; its world is "*", or
# no name at all (a path alone), which exportfs -v calls <world>.
if [ -z "$r" ] && command -v exportfs >/dev/null 2>&1 && v=$(exportfs -v 2>/dev/null); then
	say nfs.exportfs ok
	etab=-
	[ ! -r /var/lib/nfs/etab ] || etab=/var/lib/nfs/etab
	printf '%s\n' "$v" | awk -v etab="$etab" '
		function opts(c) { return match(c, /\(.*\)$/) ? substr(c, RSTART + 1, RLENGTH - 2) : "" }
		function name(c) { sub(/\(.*/, "", c); return c == "<world>" || c == "" ? "*" : c }
		function out(c,   o) { o = opts(c); c = name(c); print "nfs.active=" p " " c
			if (etab == "-" && o != "") print "nfs.active_opts=" p " " c " " o }
		/^[^ \t]/ { p = $1; if (NF > 1) out($2); next }
		NF && p != "" { out($1) }
		END { while (etab != "-" && (getline l < etab) > 0) {
			n = split(l, f, "\t"); if (n != 2 || (o = opts(f[2])) == "") continue
			print "nfs.active_opts=" f[1] " " name(f[2]) " " o } }'
fi

if readable "$r/var/lib/migready/restart-pending"; then
	while IFS= read -r u; do [ -n "$u" ] && say pending "$u"; done < "$rf"
fi
# The name the host calls itself (a name peers may reach it by): the
# kernel's, or a tree's /etc/hostname.
if [ -z "$r" ]; then read -r h < /proc/sys/kernel/hostname 2>/dev/null || h=$(uname -n 2>/dev/null)
elif readable "$r/etc/hostname"; then h=$(sed -n '/^[^#]/{p;q;}' "$rf" | tr -d ' \t\r')
else h=; fi
case $h in ''|*[!A-Za-z0-9.-]*|localhost|localhost.*) ;; *) say hostname "$h" ;; esac
# Where nova's my_ip may be unset (nova then takes the source address of
# a UDP socket connected to 192.0.2.0: oslo.utils get_my_ipv4), that
# address as the kernel picks it, on a live host with ip (one process,
# only then); none without such a route (nova falls back on other guesses)
case " $novakeys " in
*" DEFAULT/my_ip "*)
	if [ -z "$r" ] && command -v ip >/dev/null 2>&1; then
		# "192.0.2.0 via GW dev IF src ADDR uid 0" ("$@" holds the awk's
		# operands: parsed by the shell's patterns, not set)
		rt=$(ip -4 route get 192.0.2.0 2>/dev/null)
		case $rt in
		*" src "*) rt=${rt#* src }; rt=${rt%%[ 	
]*}
			case $rt in *[!0-9.]* | '') ;; *) say net.route_src "$rt" ;; esac ;;
		esac
	fi ;;
esac
# The firewall: ufw's switch, firewalld's default zone, the nftables
# include directory, and on a live host the running INPUT chain of
# iptables digested: its stops (a DROP or REJECT, a jump to a chain
# holding one, or under policy DROP any -g), its plain ACCEPT rules, and its
# jumps to chains that accept (with those chains' accepts), with their rule numbers, as
# "PROTO PORTS SOURCE" (and those of ufw's user chains), PORTS a port, a
# range or a multiport list ("any any SOURCE": an accept with neither,
# of everything from SOURCE). Accepts with any other condition than a NEW
# state or a comment are left out; a stop's other conditions are not
# read (its digest may say it stops more than it does, never less).
! readable "$r/etc/ufw/ufw.conf" || say fw.ufw.enabled "$(sed -n 's/^ENABLED=//p' "$rf" | tr -d '"' | tail -n 1)"
# ufw's IPV6=, the last one (its init script, which sources the file,
# loads user6.rules only for yes or YES), read by the shell (no process);
# "unset" when the file sets none
if readable "$r/etc/default/ufw"; then
	u6=unset
	while IFS= read -r l || [ -n "$l" ]; do
		case $l in IPV6=*) u6=${l#IPV6=}; u6=${u6%"$cr"}; u6=${u6#[\"\']}; u6=${u6%[\"\']} ;; esac
	done < "$rf"
	say fw.ufw.ipv6 "$u6"
fi
# firewalld's DefaultZone= and FirewallBackend= (iptables: its rules go
# into iptables' own chains), the last of each, read by the shell (no
# process)
if readable "$r/etc/firewalld/firewalld.conf"; then
	fdz=; fdb=
	while IFS= read -r l || [ -n "$l" ]; do
		l=${l%"$cr"}
		case $l in DefaultZone=*) fdz=${l#DefaultZone=} ;; FirewallBackend=*) fdb=${l#FirewallBackend=} ;; esac
	done < "$rf"
	say fw.firewalld.zone "$fdz"
	[ -z "$fdb" ] || say fw.firewalld.backend "$fdb"
fi
! intree "$r/etc/nftables.d" || [ ! -d "$rf" ] || say fw.nftables.d present
# IPv6 the same from ip6tables-save, as fw.ip6tables.*.
for ipt in iptables ip6tables; do
	[ -z "$r" ] && command -v $ipt-save >/dev/null 2>&1 || continue
	if saved=$($ipt-save -t filter 2>/dev/null); then
		printf '%s\n' "$saved" | awk -v fw="fw.$ipt" '
			# the last word of the argument at word i: iptables-save quotes
			# an argument with a space or the like whole, writing " and \
			# inside as \" and \\, so a quoted one ends at the first word
			# ending in a " no backslash escapes (a lone " when the text
			# ends in a space)
			function arg_end(w, nw, i) {
				if (w[i] !~ /^"/ || closes_quote(substr(w[i], 2))) return i
				while (i < nw && !closes_quote(w[++i])) ;
				return i
			}
			function closes_quote(x) { return match(x, /\\*"$/) && RLENGTH % 2 == 1 }
			# one rule: its jump, protocol, ports, source, and whether it
			# has any other condition; a negated one is only another
			# condition (its option skipped, and its value if it has one);
			# no word of a quoted argument (a comment, a LOG prefix) is
			# read as an option; old: a state match without NEW (it takes
			# no new connection: no stop)
			function parse(l,   w, nw, i) {
				nw = split(l, w, " ")
				jump = ""; gone = 0; p = ""; d = ""; s = "any"; other = 0; old = 0
				for (i = 3; i <= nw; i++) {
					if (w[i] == "!") { other = 1; i++; if (i < nw && w[i+1] !~ /^-/) i = arg_end(w, nw, i + 1) }
					else if (w[i] == "-j" || w[i] == "-g") { gone = w[i] == "-g"; jump = w[++i] }
					else if (w[i] == "-p") p = w[++i]
					else if (w[i] == "--dport" || w[i] == "--dports") d = w[++i]
					else if (w[i] == "-s") s = w[++i]
					else if (w[i] == "-m" && (w[i+1] == "tcp" || w[i+1] == "udp" || w[i+1] == "state" || w[i+1] == "conntrack" || w[i+1] == "multiport" || w[i+1] == "comment")) i++
					else if (w[i] == "--comment") i = arg_end(w, nw, i + 1)
					else if ((w[i] == "--state" || w[i] == "--ctstate") && w[i+1] ~ /^NEW(,|$)/) i++
					else if (w[i] == "--state" || w[i] == "--ctstate") { other = 1; i++; old = w[i] != "!" && w[i] !~ /(^|,)NEW(,|$)/ }
					else { other = 1; i = arg_end(w, nw, i) }
				}
				# an accept of everything from s too: neither protocol nor ports
				plain = jump == "ACCEPT" && !other && (p == "") == (d == "")
				if (p == "" && d == "") { p = "any"; d = "any" }
			}
			# a chain stops packets when it drops or rejects, or jumps (or
			# goes, -g) to a chain that does, however deep; and a -g from
			# INPUT with policy DROP stops whatever its chain (what that
			# does not accept meets the policy)
			$1 == ":INPUT" && $2 == "DROP" { input_drop = 1 }
			$1 == "-A" { n++; chain[n] = $2; line[n] = $0; parse($0); target[n] = jump; olds[n] = old
				if ((jump == "DROP" || jump == "REJECT") && !old) stops[$2] = 1 }
			END {
				do {
					more = 0
					for (j = 1; j <= n; j++) {
						if (chain[j] in stops || !(target[j] in stops) || olds[j]) continue
						stops[chain[j]] = 1; more = 1
					}
				} while (more)
				# ufw keeps its rules in its user chains: in order, its
				# accepts, and "stop PROTO PORTS SOURCE" (each may be any)
				# for each rule that drops or rejects
				for (j = 1; j <= n; j++) {
					if (chain[j] !~ /^ufw6?-user-input$/) continue
					parse(line[j])
					if (plain) print fw ".ufw=" p " " d " " s
					else if (!old && (jump == "DROP" || jump == "REJECT" || (jump in stops)))
						print fw ".ufw=stop " (p == "" ? "any" : p) " " (d == "" ? "any" : d) " " s
				}
				# each chain, its plain accepts above its first rule that
				# goes elsewhere than ACCEPT or LOG (past it, what the chain
				# does is not weighed), as "PROTO PORTS SOURCE" lines
				for (j = 1; j <= n; j++) {
					if (chain[j] in shut) continue
					parse(line[j])
					if (plain) acc[chain[j]] = acc[chain[j]] p " " d " " s "\n"
					else if (gone || (jump != "" && jump != "ACCEPT" && jump != "LOG")) shut[chain[j]] = 1
				}
				# INPUT, in order: its plain accepts and its stops, each
				# "K PROTO PORTS SOURCE" (K its rule number): a stop
				# stops only the traffic it matches; a stop by a jump or
				# goto, and a jump or goto to a chain with accepts, is
				# preceded by the accepts of its chain as
				# ".via=K PROTO PORTS SOURCE": what they take it stops not;
				# such a jump with no other condition is also
				# ".jump=K PROTO PORTS SOURCE CHAIN": what they take it accepts
				k = 0
				for (j = 1; j <= n; j++) {
					if (chain[j] != "INPUT") continue
					k++; parse(line[j])
					isstop = !old && (jump == "DROP" || jump == "REJECT" || (jump in stops) || (gone && input_drop))
					nv = (jump in acc) ? split(acc[jump], via, "\n") : 0
					if (isstop || nv) for (v = 1; v <= nv; v++) if (via[v] != "") print fw ".via=" k " " via[v]
					if (nv && !other && p != "" && d != "") print fw ".jump=" k " " p " " d " " s " " jump
					if (isstop) print fw ".stop=" k " " (p == "" ? "any" : p) " " (d == "" ? "any" : d) " " s
					else if (plain) print fw ".accept=" k " " p " " d " " s
				}
			}'
		say fw.$ipt.live ok
	else
		say fw.$ipt.live error
	fi
done
# nftables, on a live host (nft -a list ruleset): each filter chain hooked
# on input as "FAMILY TABLE CHAIN POLICY STOP", STOP the handle of its
# first drop or reject (or jump to a chain holding one, or with policy
# drop any goto; a verdict map's drop is not the rule's) or none; the rules above the stop as
# "FAMILY TABLE CHAIN RULE", the rule as nft lists it, without its handle
# (a "vmap @NAME" followed by the elements of that verdict map of its table),
# and those with a verdict map again as "FAMILY TABLE CHAIN HANDLE RULE"
# (its elements are weighed by the plan); the stop and the rules after it
# as "FAMILY TABLE CHAIN STOP RULE"; and each chain that a verdict map of
# those chains may go to and that holds a stop (a verdict map with a drop
# counts) as "FAMILY TABLE CHAIN": only those, as neutron's per-port
# chains can number thousands; and the accepts of each chain a rule of
# theirs jumps or goes to, as "FAMILY TABLE CHAIN RULE" (fw.nft.accepts).
if [ -z "$r" ] && command -v nft >/dev/null 2>&1; then
	if nftl=$(nft -a list ruleset 2>/dev/null); then
		printf '%s\n' "$nftl" | awk '
			# whether a verdict map may drop a new connection: an element
			# whose verdict is drop or reject, but for a ct state key
			# without new (invalid : drop)
			function vmap_drops(l,   pre, body, e, ne, i, v) {
				if (l !~ / vmap (@[^ ]+ )?\{/) return 1
				pre = l; sub(/ vmap .*/, "", pre)
				body = l; sub(/.* vmap (@[^ ]+ )?\{/, "", body); sub(/\}.*/, "", body)
				ne = split(body, e, ",")
				for (i = 1; i <= ne; i++) {
					v = e[i]; sub(/.*:/, "", v)
					if (v !~ /^ *(drop|reject)/) continue
					if (pre ~ /(^| )ct state$/ && e[i] !~ /new/) continue
					return 1
				}
				return 0
			}
			# the chains a verdict map jumps or goes to (as above, a ct
			# state key without new aside), as "FAMILY TABLE CHAIN" words
			# apart with a "|"
			function vmap_targets(l,   pre, body, e, ne, i, v, out) {
				if (l !~ / vmap (@[^ ]+ )?\{/) return ""
				pre = l; sub(/ vmap .*/, "", pre)
				body = l; sub(/.* vmap (@[^ ]+ )?\{/, "", body); sub(/\}.*/, "", body)
				ne = split(body, e, ","); out = ""
				for (i = 1; i <= ne; i++) {
					v = e[i]; sub(/.*:/, "", v); sub(/^ +/, "", v)
					if (v !~ /^(jump|goto) /) continue
					if (pre ~ /(^| )ct state$/ && e[i] !~ /new/) continue
					sub(/^(jump|goto) +/, "", v); sub(/ .*/, "", v)
					out = out "|" fam " " tab " " v
				}
				return out
			}
			/^table / { fam = $2; tab = $3; key = ""; next }
			/^\tchain / { key = fam " " tab " " $2; chains[++nch] = key; pol[key] = "accept"; next }
			# a verdict map of the table (listed before its chains): its
			# elements, joined from the lines nft wraps them over, go after
			# the "vmap @NAME" of a rule
			/^\tmap / { key = ""; mk = fam " " tab " " $2; me = ""; next }
			/^\t\}/ { mk = ""; next }
			/^\t[^\t}]/ { key = ""; mk = ""; next }
			mk != "" && (me != "" || /^\t\telements = \{/) {
				l = $0; sub(/^[\t ]+/, "", l); sub(/^elements = /, "", l)
				me = me (me == "" ? "" : " ") l
				if (me ~ /\}/) { if (mapv[mk]) mapel[mk] = me; mk = "" }
				next }
			mk != "" && /^\t\ttype(of)? .*: verdict/ { mapv[mk] = 1; next }
			key != "" && /^\t\ttype / {
				if ($2 == "filter" && $0 ~ / hook input /) base[key] = 1
				if ($0 ~ /policy drop;/) pol[key] = "drop"
				next }
			key != "" && /^\t\t[^\t]/ && / # handle [0-9]+$/ {
				line = $0; sub(/^\t\t/, "", line)
				h = line; sub(/.* # handle /, "", h); sub(/ # handle [0-9]+$/, "", line)
				if (match(line, / vmap @[^ ]+/)) {
					mn = fam " " tab " " substr(line, RSTART + 7, RLENGTH - 7)
					if (mn in mapel) line = substr(line, 1, RSTART + RLENGTH - 1) " " mapel[mn] substr(line, RSTART + RLENGTH)
				}
				n++; rk[n] = key; rt[n] = line; rh[n] = h
				top = line; gsub(/\{[^}]*\}/, "", top); gsub(/"[^"]*"/, "", top)
				if (top ~ /(^| )(drop|reject)( |$)/) { stop[n] = 1; drops[key] = 1 }
				if (top ~ /(^| )vmap( |$)/) { vm[n] = 1; vt[n] = vmap_targets(line); if (vmap_drops(line)) drops[key] = 1 }
				if (match(top, /(^| )(jump|goto) [^ ]+/)) { j = substr(top, RSTART, RLENGTH); sub(/.* /, "", j); jt[n] = fam " " tab " " j }
				# a goto from an input chain with policy drop stops: what
				# its chain does not accept meets the policy
				if (base[key] && pol[key] == "drop" && top ~ /(^| )goto [^ ]/) { stop[n] = 1; drops[key] = 1 }
			}
			END {
				# (x in drops): a test that adds no element to drops
				do { changed = 0
					for (i = 1; i <= n; i++) {
						if (!stop[i] && jt[i] != "" && (jt[i] in drops)) { stop[i] = 1; drops[rk[i]] = 1; changed = 1 }
						# a map that may jump to a chain holding a stop: its
						# chain holds one, for the jumps to it (the rule is
						# weighed element by element by the plan)
						if (vt[i] == "" || (rk[i] in drops)) continue
						nt = split(substr(vt[i], 2), tg, "|")
						for (t = 1; t <= nt; t++) if (tg[t] in drops) { drops[rk[i]] = 1; changed = 1; break }
					}
				} while (changed)
				for (c = 1; c <= nch; c++) {
					k = chains[c]; if (!base[k]) continue
					s = "none"
					for (i = 1; i <= n; i++) {
						if (rk[i] != k) continue
						# from the stop on: "KEY STOP RULE", STOP 1 for a
						# drop, a reject or a jump to one
						if (s != "none") { print "fw.nft.after=" k " " (stop[i] ? 1 : 0) " " rt[i]; continue }
						if (stop[i]) { s = rh[i]; print "fw.nft.after=" k " 1 " rt[i]; continue }
						print "fw.nft.rule=" k " " rt[i]
						if (vm[i]) print "fw.nft.vmap=" k " " rh[i] " " rt[i]
					}
					print "fw.nft.input=" k " " pol[k] " " s
				}
				for (i = 1; i <= n; i++) {
					if (!base[rk[i]] || vt[i] == "") continue
					nt = split(substr(vt[i], 2), tg, "|")
					for (t = 1; t <= nt; t++) mapped[tg[t]] = 1
				}
				for (k in drops) if (k in mapped) print "fw.nft.drops=" k
				# the accepts of each chain a rule of an input chain jumps
				# or goes to, above its first rule that may end it otherwise
				# (a stop, a jump, a map, a return), as "FAMILY TABLE CHAIN
				# RULE": that jump stops none of what they take
				for (i = 1; i <= n; i++) if (base[rk[i]] && jt[i] != "") goneto[jt[i]] = 1
				for (i = 1; i <= n; i++) {
					k = rk[i]
					if (!(k in goneto) || (k in shut)) continue
					top = rt[i]; gsub(/\{[^}]*\}/, "", top); gsub(/"[^"]*"/, "", top)
					if (stop[i] || vm[i] || jt[i] != "" || top ~ /(^| )return( |$)/) { shut[k] = 1; continue }
					if (top ~ /(^| )accept( |$)/) print "fw.nft.accepts=" k " " rt[i]
				}
			}'
		say fw.nft.live ok
	else
		say fw.nft.live error
	fi
fi
# firewalld's running zones, on a live host where systemd says
# firewalld.service is active (what the plan goes by; firewall-cmd is a
# Python start, too dear to ask a stopped firewalld on every run): each
# open port and rich rule as "ZONE 16509/tcp" or "ZONE rule ...", and
# what each zone is bound to, as "ZONE interfaces: eth1" or "ZONE sources:
# 10.0.0.0/8", and "ZONE ACCEPT" for a zone whose target accepts all,
# from one firewall-cmd --list-all-zones.
fwd_active=no
while IFS= read -r l; do
	case $l in "unit.firewalld.service="*" active") fwd_active=yes ;; esac
done <<EOF
${unitfacts:-}
EOF
if [ "$fwd_active" = yes ] && command -v firewall-cmd >/dev/null 2>&1; then
	if fwz=$(firewall-cmd --list-all-zones 2>/dev/null); then
		printf '%s\n' "$fwz" | awk '
			/^[^ \t]/ { zone = $1; rich = 0; print "fw.firewalld.running_zone=" zone; next }
			/^  target:/ { if ($2 == "ACCEPT") print "fw.firewalld.target=" zone " ACCEPT"; rich = 0; next }
			/^  ports:/ { for (i = 2; i <= NF; i++) print "fw.firewalld.accept=" zone " " $i; rich = 0; next }
			/^  (interfaces|sources):/ { rich = 0; if (NF > 1) { sub(/^  /, ""); print "fw.firewalld.bind=" zone " " $0 }; next }
			/^  rich rules:/ { rich = 1; next }
			rich && /^\t/ { sub(/^\t+/, ""); print "fw.firewalld.accept=" zone " " $0; next }
			/^  / { rich = 0 }'
		say fw.firewalld.live ok
	else
		say fw.firewalld.live error
	fi
fi
# Where firewalld does not run (a tree, or stopped), what its zone files
# bind, and target, as above: an ipset as "ipset:NAME", a source it cannot read as
# "(unread)"; a zone's file in /etc hides /usr/lib's. Read by the shell
# (a few small files: no process); one it cannot read as
# fw.firewalld.unread. Interfaces NetworkManager binds are not there.
fz_attr() { # NAME: its value in the element fze, in fzv
	case $fze in
	*[[:space:]]"$1="\"*) fzv=${fze#*[[:space:]]"$1="\"}; fzv=${fzv%%\"*} ;;
	*[[:space:]]"$1="\'*) fzv=${fze#*[[:space:]]"$1="\'}; fzv=${fzv%%\'*} ;;
	*) return 1 ;;
	esac
}
# Only where firewalld is enabled: a host that has the package but runs
# another firewall pays no read of its dozen stock zones.
fwd_on=
case $nl${unitfacts:-}$nl in *"${nl}unit.firewalld.service=enabled"*) fwd_on=1 ;; esac
for fzw in multi-user.target.wants graphical.target.wants; do
	[ -z "$r" ] || ! { [ -e "$r/etc/systemd/system/$fzw/firewalld.service" ] ||
		[ -L "$r/etc/systemd/system/$fzw/firewalld.service" ]; } || fwd_on=1
done
if [ "$fwd_active" != yes ] && [ -n "$fwd_on" ]; then
	fzs=/
	for fzd in /etc/firewalld/zones /usr/lib/firewalld/zones; do
		intree "$r$fzd" || continue
		for fzg in "$rf"/*.xml; do
			[ -e "$fzg" ] || [ -L "$fzg" ] || continue
			fzb=${fzg##*/}; fzz=${fzb%.xml}
			case $fzs in */"$fzz"/*) continue ;; esac; fzs=$fzs$fzz/
			# a name a fact cannot carry as one word: not read, said so
			case $fzz in '' | *[!A-Za-z0-9_-]*) fzz= ;; esac
			[ -n "$fzz" ] && readable "$r$fzd/$fzb" || { say fw.firewalld.unread "$fzd/$fzb"; continue; }
			fzt=
			while IFS= read -r l || [ -n "$l" ]; do fzt="$fzt $l"; done < "$rf"
			fzsrc=; fzif=; fztg=
			while case $fzt in *'<'*) ;; *) false ;; esac; do
				fzt=${fzt#*<}
				case $fzt in '!--'*) fzt=${fzt#*-->}; continue ;; esac
				fze=" ${fzt%%>*}"
				case $fze in
				# a rich rule's source binds nothing
				' rule'*/) ;;
				' rule' | ' rule'[[:space:]]*) fzt=${fzt#*'</rule'} ;;
				' source'[[:space:]/]*)
					if fz_attr address || fz_attr mac; then fzsrc="$fzsrc $fzv"
					elif fz_attr ipset; then fzsrc="$fzsrc ipset:$fzv"
					else fzsrc="$fzsrc (unread)"; fi ;;
				' interface'[[:space:]/]*)
					fz_attr name && fzif="$fzif $fzv" ;;
				' zone'[[:space:]/]*)
					! fz_attr target || fztg=$fzv ;;
				esac
			done
			[ "$fztg" != ACCEPT ] || say fw.firewalld.target "$fzz ACCEPT"
			[ -z "$fzif" ] || say fw.firewalld.bind "$fzz interfaces:$fzif"
			[ -z "$fzsrc" ] || say fw.firewalld.bind "$fzz sources:$fzsrc"
		done
	done
fi
[ "$lockarg" != - ] || { mark; exit 0; }
# Holding the lock, it serves the controller's commands (an apply's
# commit, its pruning: no session of their own) until the end of standard
# input: the controller's end, or its death, releases the lock. The
# serving shell reads its standard input as its script (a shell of its
# own: exec keeps the lock's descriptor, none of the probe's variables
# reaches a command; its arguments: migready-serve, then '.': the
# directory of the lock, its working directory). Each request is one brace group, which the shell runs only
# once it has read its closing brace, so a request cut short (the
# controller gone mid-way) runs nothing: it is a syntax error, and the
# shell ends. The group runs the command in a subshell without the lock's
# descriptor (a daemon it starts must not keep the lock), its input (if
# any) written first by printf to a file beside the lock, 0600, then
# prints "TAG STATUS" on a line of its own (see mr_serve_request in
# src/transport.c). No process reads a request: dash reads its script in
# blocks, where a loop of read and head -c cost one head per request.
# This probe came on the same input: the mark and the exec are one line,
# parsed whole before the mark lets the controller send a request, so no
# request can be read by this shell as more of its own script.
printf '%s\n' --migready-serving--; exec /bin/sh -s migready-serve .
