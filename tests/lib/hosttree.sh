# Sourced by tests: builds the systemd and packaging layer of a host tree
# for one libvirt listener world, the way the distribution leaves it after
# installing its packages (unit files with [Install], enablement links as
# absolute symlinks, dpkg status or none, os-release, the options file),
# and openssh-server's unit, enabled.
#   hosttree WORLD DIR
# WORLD: debian12-socket  Debian 12, libvirt 9.0, socket-activated libvirtd
#        debian10-legacy  Debian 10, libvirt 5.0, libvirtd --listen via libvirtd_opts
#        centos7-legacy   CentOS 7, libvirt 4.5, /etc/sysconfig/libvirtd, no sockets
#        rhel9-modular    RHEL 9, virtqemud + virtproxyd, libvirtd installed but off
# The libvirt conf files themselves come from the caller's tree.

hosttree_unit() { # DIR/UNITDIR NAME WANTEDBY [BODY]
	mkdir -p "$1"
	{
		printf '[Unit]\nDescription=%s (test tree)\n\n' "$2"
		case $2 in
		*.socket) printf '[Socket]\n%s\n\n' "${4:-ListenStream=/run/libvirt/${2%.socket}-sock}" ;;
		*) printf '[Service]\nType=notify\n%s\n\n' "${4:-ExecStart=/usr/sbin/${2%.service}}" ;;
		esac
		[ -z "$3" ] || printf '[Install]\nWantedBy=%s\n' "$3"
	} > "$1/$2"
}

hosttree_enable() { # DIR UNITDIR_ABS NAME TARGET
	mkdir -p "$1/etc/systemd/system/$4.wants"
	ln -sfn "$2/$3" "$1/etc/systemd/system/$4.wants/$3"
}

hosttree_dpkg() { # DIR PACKAGE VERSION...
	local d=$1
	shift
	mkdir -p "$d/var/lib/dpkg"
	while [ $# -ge 2 ]; do
		printf 'Package: %s\nStatus: install ok installed\nArchitecture: amd64\nVersion: %s\n\n' \
			"$1" "$2" >> "$d/var/lib/dpkg/status"
		shift 2
	done
}

hosttree_os() { # DIR ID VERSION_ID ID_LIKE
	mkdir -p "$1/usr/lib" "$1/etc"
	{
		printf 'NAME="%s"\nID=%s\nVERSION_ID="%s"\n' "$2" "$2" "$3"
		[ -z "${4:-}" ] || printf 'ID_LIKE="%s"\n' "$4"
	} > "$1/usr/lib/os-release"
	ln -sfn ../usr/lib/os-release "$1/etc/os-release"
}

hosttree_libvirtd_units() { # DIR UNITDIR VAR
	local d=$1 u=$2 var=$3
	hosttree_unit "$d$u" libvirtd.service multi-user.target \
		"EnvironmentFile=-/etc/default/libvirtd
ExecStart=/usr/sbin/libvirtd \$$var"
}

hosttree() {
	local world=$1 d=$2 u
	mkdir -p "$d/etc/systemd/system"
	case $world in
	debian12-socket)
		u=/lib/systemd/system
		hosttree_os "$d" debian 12
		hosttree_dpkg "$d" libvirt-daemon-system 9.0.0-4+deb12u2 nova-compute 2:26.2.2-1~deb12u5
		hosttree_libvirtd_units "$d" $u LIBVIRTD_ARGS
		hosttree_unit "$d$u" libvirtd.socket sockets.target
		hosttree_unit "$d$u" libvirtd-ro.socket sockets.target
		hosttree_unit "$d$u" libvirtd-admin.socket sockets.target
		# libvirt's TCP/TLS units name their daemon: systemd's default,
		# NAME.service, does not exist
		hosttree_unit "$d$u" libvirtd-tcp.socket sockets.target $'ListenStream=16509\nService=libvirtd.service'
		hosttree_unit "$d$u" libvirtd-tls.socket sockets.target $'ListenStream=16514\nService=libvirtd.service'
		for s in libvirtd.socket libvirtd-ro.socket libvirtd-admin.socket; do
			hosttree_enable "$d" $u $s sockets.target
		done
		hosttree_enable "$d" $u libvirtd.service multi-user.target
		mkdir -p "$d/etc/default"
		printf '# Customizations for the libvirtd.service systemd unit\n#LIBVIRTD_ARGS="--timeout 120"\n' \
			> "$d/etc/default/libvirtd"
		;;
	debian10-legacy)
		u=/lib/systemd/system
		hosttree_os "$d" debian 10
		hosttree_dpkg "$d" libvirt-daemon-system 5.0.0-4+deb10u1
		hosttree_libvirtd_units "$d" $u libvirtd_opts
		hosttree_enable "$d" $u libvirtd.service multi-user.target
		mkdir -p "$d/etc/default"
		printf '# options passed to libvirtd, add "-l" to listen on tcp\nlibvirtd_opts=""\n' \
			> "$d/etc/default/libvirtd"
		;;
	centos7-legacy)
		u=/usr/lib/systemd/system
		hosttree_os "$d" centos 7 "rhel fedora"
		hosttree_libvirtd_units "$d" $u LIBVIRTD_ARGS
		sed -i 's|/etc/default/libvirtd|/etc/sysconfig/libvirtd|' "$d$u/libvirtd.service"
		hosttree_enable "$d" $u libvirtd.service multi-user.target
		mkdir -p "$d/etc/sysconfig"
		printf '# Listen for TCP/IP connections\n# NB. must setup TLS/SSL keys prior to using this\n#LIBVIRTD_ARGS="--listen"\n' \
			> "$d/etc/sysconfig/libvirtd"
		;;
	rhel9-modular)
		u=/usr/lib/systemd/system
		hosttree_os "$d" rhel 9.4 fedora
		hosttree_libvirtd_units "$d" $u LIBVIRTD_ARGS
		hosttree_unit "$d$u" libvirtd.socket sockets.target
		for m in virtqemud virtproxyd; do
			hosttree_unit "$d$u" $m.service multi-user.target
			hosttree_unit "$d$u" $m.socket sockets.target
			hosttree_enable "$d" $u $m.socket sockets.target
		done
		hosttree_unit "$d$u" virtproxyd-tcp.socket sockets.target $'ListenStream=16509\nService=virtproxyd.service'
		hosttree_unit "$d$u" virtproxyd-tls.socket sockets.target $'ListenStream=16514\nService=virtproxyd.service'
		hosttree_enable "$d" $u virtqemud.service multi-user.target
		mkdir -p "$d/etc/libvirt"
		printf '# Master virtproxyd configuration file\n#auth_tcp = "sasl"\n' \
			> "$d/etc/libvirt/virtproxyd.conf"
		;;
	*)
		echo "hosttree: unknown world '$world'" >&2
		return 1
		;;
	esac
	# openssh-server's unit, enabled: ssh.service on Debian, sshd.service
	# on the RHEL family
	local sshd=sshd.service
	case $world in debian*) sshd=ssh.service ;; esac
	hosttree_unit "$d$u" $sshd multi-user.target 'ExecStart=/usr/sbin/sshd -D $OPTIONS'
	hosttree_enable "$d" $u $sshd multi-user.target
	# and its configuration, as both families ship it (sshd does not start
	# without it); a tree's own is kept
	mkdir -p "$d/etc/ssh"
	[ -e "$d/etc/ssh/sshd_config" ] ||
		printf 'Include /etc/ssh/sshd_config.d/*.conf\nKbdInteractiveAuthentication no\nUsePAM yes\n' \
			> "$d/etc/ssh/sshd_config"
	hosttree_kvm "$world" "$d"
}

# hosttree_kvm WORLD DIR: /dev/kvm as systemd's udev rule makes it (0660
# root:kvm on Debian, 0666 on the RHEL family), and on Debian the accounts
# of a prepared compute node, nova in kvm (QEMU runs as nova in the tests'
# profiles); a tree's own account files are kept
hosttree_kvm() {
	local rules=/usr/lib/udev/rules.d mode=0666
	case $1 in
	debian10*) rules=/lib/udev/rules.d mode=0660 ;;
	debian*) mode=0660 ;;
	esac
	mkdir -p "$2$rules"
	printf 'KERNEL=="kvm", GROUP="kvm", MODE="%s", OPTIONS+="static_node=kvm"\n' $mode \
		> "$2$rules/50-udev-default.rules"
	case $1 in debian*) ;; *) return 0 ;; esac
	[ -e "$2/etc/passwd" ] || printf '%s\n' 'root:x:0:0:root:/root:/bin/bash' \
		'libvirt-qemu:x:64055:103:Libvirt Qemu,,,:/var/lib/libvirt:/usr/sbin/nologin' \
		'nova:x:64060:64060::/var/lib/nova:/bin/sh' > "$2/etc/passwd"
	[ -e "$2/etc/group" ] || printf '%s\n' 'root:x:0:' 'kvm:x:103:nova' 'libvirt:x:108:nova' \
		'libvirt-qemu:x:64055:libvirt-qemu' 'nova:x:64060:' > "$2/etc/group"
}
