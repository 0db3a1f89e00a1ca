#!/bin/bash
# src/commit.pl run directly, as the controller runs it (its arguments,
# the contents on standard input), on cases the plan-level suites cannot
# make: a target named *.orig keeps its backup, an action runs a program
# written in the same run, actions ignore a hang-up, a default ACL's
# entries do not stay on a rewritten file, backups are not written through
# a link out of the root, a target that is a link is a conflict (exit 3),
# extended attributes go with the file as cp --preserve=xattr carries them
# (not those /etc/xattr.conf skips), and a file system without them, or
# without flistxattr, commits all the same. Rules both engines share (a
# long name's leftovers; where no hard link can be made, the original is
# kept as a copy with its ACL and extended attributes, and a failed
# commit puts it back whole) run src/commit.sh too.
#   run-commit-pl.sh SRCDIR
set -u
SRC=$1
. "$SRC/tests/lib/expect.sh"
PERL=/usr/bin/perl
[ -x "$PERL" ] || skip "no $PERL"
W=$(mktemp -d /tmp/migready-commit-pl.XXXXXX)
trap 'rm -rf "$W"' EXIT

# cpl INPUT ARG...: the commit's output in $out, its status in $st
cpl() {
	local input=$1
	shift
	out=$(printf '%s' "$input" | "$PERL" "$SRC/src/commit.pl" "$@" 2>&1)
	st=$?
}

# A backup whose name ends in .orig, like the rollback links, stays.
mkdir -p "$W/t1/etc"
printf 'old\n' >"$W/t1/etc/x.orig"
cpl "old
new
m
" 0 '' 1 "$W/t1/etc/x.orig" "$W/t1/etc/.x.orig.migready-aaaaaa" 4 4 "$W/t1/bk/r1/etc/x.orig" 644:-:- \
	"$W/t1/bk/r1/.MANIFEST.migready-bbbbbb" "$W/t1/bk/r1/MANIFEST" 2 - - 0 0
expect_status "a target named *.orig" 0 "$st" "$out"
expect_grep "committed" '^commit ok$' "$out"
[ "$(cat "$W/t1/etc/x.orig")" = new ] && ok "*.orig: written" || not_ok "*.orig: written"
[ "$(cat "$W/t1/bk/r1/etc/x.orig" 2>/dev/null)" = old ] && ok "*.orig: its backup kept" \
	|| not_ok "*.orig: its backup kept" "$(ls -laR "$W/t1/bk")"
[ -z "$(ls -A "$W/t1/etc" | grep migready)" ] && ok "*.orig: no temporary file left" \
	|| not_ok "*.orig: no temporary file left" "$(ls -a "$W/t1/etc")"

# A MANIFEST of this run already there (the machine in the inventory
# twice): refused, nothing written, the first's MANIFEST kept.
mkdir -p "$W/tw/etc" "$W/tw/bk/r1"
printf 'old\n' >"$W/tw/etc/f"
printf 'first\n' >"$W/tw/bk/r1/MANIFEST"
cpl "old
new
m
" 0 '' 1 "$W/tw/etc/f" "$W/tw/etc/.f.migready-tttttt" 4 4 "$W/tw/bk/r1/etc/f" 644:-:- \
	"$W/tw/bk/r1/.MANIFEST.migready-uuuuuu" "$W/tw/bk/r1/MANIFEST" 2 - - 0 0
expect_status "a MANIFEST of the run already there" 4 "$st" "$out"
expect_grep "... says why" "MANIFEST is there already: this machine is in the inventory twice" "$out"
[ "$(cat "$W/tw/bk/r1/MANIFEST")" = first ] && ok "... the first's MANIFEST kept" || not_ok "... the first's MANIFEST kept"
[ "$(cat "$W/tw/etc/f")" = old ] && ok "... the file not written" || not_ok "... the file not written"
[ -z "$(find "$W/tw" -name '*.migready-*')" ] && ok "... no staged file left" \
	|| not_ok "... no staged file left" "$(ls -aR "$W/tw")"

# One file by two paths (a link to its directory): the second entry is
# refused before anything is written, the first's kept original intact.
mkdir -p "$W/s2/etc/sysctl.d" && ln -s sysctl.d "$W/s2/etc/alt"
printf 'old\n' >"$W/s2/etc/sysctl.d/a.conf"
cpl "old
new
old
new2
" 0 '' 2 "$W/s2/etc/sysctl.d/a.conf" "$W/s2/etc/sysctl.d/.a.conf.migready-s2aaaa" 4 4 - 644:-:- \
	"$W/s2/etc/alt/a.conf" "$W/s2/etc/alt/.a.conf.migready-s2bbbb" 4 5 - 644:-:- - - 0 - - 0 0
expect_status "one file by two paths (a conflict: nothing written)" 3 "$st" "$out"
expect_grep "... the second refused, naming the first" "^file 1 [a-z]+ is the same file as $W/s2/etc/sysctl.d/a.conf \(a link on the way\); not written" "$out"
[ "$(cat "$W/s2/etc/sysctl.d/a.conf")" = old ] && ok "... nothing written" || not_ok "... nothing written" "$out"
[ -z "$(find "$W/s2" -name '*.migready-*')" ] && ok "... nothing left beside it" || not_ok "... nothing left beside it" "$(ls -a "$W/s2/etc/sysctl.d")"
# ... the shell's commit says the same
sha() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }
printf 'new\n' >"$W/s2/etc/sysctl.d/.a.conf.migready-s2cccc"
printf 'new2\n' >"$W/s2/etc/alt/.a.conf.migready-s2dddd"
out=$(sh "$SRC/src/commit.sh" 0 1 '' 2 "$W/s2/etc/sysctl.d/a.conf" "$W/s2/etc/sysctl.d/.a.conf.migready-s2cccc" \
	"$(sha $'old\n')" "$(sha $'new\n')" - 644:-:- "$W/s2/etc/alt/a.conf" "$W/s2/etc/alt/.a.conf.migready-s2dddd" \
	"$(sha $'old\n')" "$(sha $'new2\n')" - 644:-:- - - - - 0 2>&1); st=$?
expect_status "sh: one file by two paths" 3 "$st" "$out"
expect_grep "sh: ... the second refused, naming the first" "^file 1 [a-z]+ is the same file as $W/s2/etc/sysctl.d/a.conf \(a link on the way\); not written" "$out"
[ "$(cat "$W/s2/etc/sysctl.d/a.conf")" = old ] && ok "sh: ... nothing written" || not_ok "sh: ... nothing written" "$out"
[ -z "$(find "$W/s2" -name '*.migready-*')" ] && ok "sh: ... nothing left beside it" || not_ok "sh: ... nothing left beside it" "$(ls -a "$W/s2/etc/sysctl.d")"

# A file created by a commit killed between its link into place and the
# removal of its temporary name has two links: that name is no other
# name of the file; the next commit removes it and goes on.
mkdir -p "$W/kl/etc"
printf 'made\n' >"$W/kl/etc/b.conf" && ln "$W/kl/etc/b.conf" "$W/kl/etc/.b.conf.migready-Ab3dE9"
cpl "made
new
" 0 '' 1 "$W/kl/etc/b.conf" "$W/kl/etc/.b.conf.migready-klaaaa" 5 4 - 644:-:- - - 0 - - 0 0
expect_status "a target linked to a dead commit's temporary name" 0 "$st" "$out"
[ "$(cat "$W/kl/etc/b.conf")" = new ] && [ ! -e "$W/kl/etc/.b.conf.migready-Ab3dE9" ] \
	&& ok "... written, that name gone" || not_ok "... written, that name gone" "$out $(ls -a "$W/kl/etc")"

# An action runs the program the run wrote: no descriptor of it is open.
mkdir -p "$W/t2"
cpl "#!/bin/sh
exit 0
" 0 '' 1 "$W/t2/hook" "$W/t2/.hook.migready-cccccc" - 17 - 755:-:- - - 0 - - 0 \
	1 - 1 0 1 "$W/t2/hook"
expect_grep "the action ran the file written (no Text file busy)" '^action 0 0$' "$out"

# Actions keep hang-ups ignored, as the commit does: a dropped connection
# must not kill one half-way.
cpl "" 0 '' 0 - - 0 - - 0 1 - 0 3 sh -c 'kill -HUP $$; echo alive'
expect_grep "an action survives a hang-up" '^action 0 0$' "$out"

# A default ACL of the directory gives the new file entries the original
# did not have: they go, as cp --preserve=xattr removes them.
if command -v setfacl >/dev/null && command -v getfacl >/dev/null; then
	mkdir -p "$W/t3"
	printf 'a\n' >"$W/t3/f"
	if setfacl -d -m u:nobody:rw "$W/t3" 2>/dev/null; then
		cpl "a
b
" 0 '' 1 "$W/t3/f" "$W/t3/.f.migready-dddddd" 2 2 - 644:-:- - - 0 - - 0 0
		expect_grep "rewritten under a default ACL" '^commit ok$' "$out"
		acl=$(getfacl -c -- "$W/t3/f" 2>/dev/null)
		expect_no_grep "no ACL entry the original lacked" 'nobody' "$acl"
	else
		skip "setfacl -d fails on $W (no ACL support)"
	fi
else
	skip "setfacl and getfacl are needed (Debian package acl)"
fi

# Under a root, a link at ROOT/var out of it: the backup and MANIFEST are
# not written there, nothing is written, and it says so.
R=$W/t4/root
mkdir -p "$R/etc" "$W/t4/out/lib/migready/backups/r1/etc"
ln -s "$W/t4/out" "$R/var"
printf 'a\n' >"$R/etc/a"
cpl "a
b
m
" 1 "$R" 1 "$R/etc/a" "$R/etc/.a.migready-eeeeee" 2 2 "$R/var/lib/migready/backups/r1/etc/a" 644:-:- \
	"$R/var/lib/migready/backups/r1/.MANIFEST.migready-ffffff" "$R/var/lib/migready/backups/r1/MANIFEST" 2 - - 0 0
expect_no_grep "a link out of the root: not committed" '^commit ok$' "$out"
expect_grep "the escape is named" 'a symbolic link leads out of the root' "$out"
[ "$(cat "$R/etc/a")" = a ] && ok "the target is unchanged" || not_ok "the target is unchanged"
[ -z "$(find "$W/t4/out" -type f)" ] && ok "nothing written outside the root" \
	|| not_ok "nothing written outside the root" "$(find "$W/t4/out")"
[ -z "$(ls -A "$R/etc" | grep migready)" ] && ok "no temporary file left in the root" \
	|| not_ok "no temporary file left in the root" "$(ls -a "$R/etc")"

# A target that is a symbolic link: a conflict, exit 3, nothing written.
mkdir -p "$W/t5"
printf 'x\n' >"$W/t5/real"
ln -s real "$W/t5/l"
cpl "x
y
" 0 '' 1 "$W/t5/l" "$W/t5/.l.migready-gggggg" 2 2 - 644:-:- - - 0 - - 0 0
expect_status "a target that is a symbolic link" 3 "$st" "$out"
expect_grep "a conflict, named" '^file 0 conflict is a symbolic link; not written$' "$out"
[ "$(cat "$W/t5/real")" = x ] && ok "the link's target untouched" || not_ok "the link's target untouched"

# A name longer than 200 bytes: its temporary files carry its first 200
# (the controller keeps them within NAME_MAX, cutting bytes, a character
# in two if need be), and so do the patterns that find a dead run's
# leftovers, in both engines, perl also where PERL_UNICODE has it decode
# its arguments: the temporary file and the original's link an
# interrupted commit left are removed, the link not counted as a second
# name of the file.
ascii=$(printf 'c%.0s' $(seq 1 230))
utf8=a$(printf '\303\251%.0s' $(seq 1 115))
for name in ascii utf8; do
	long=${!name}
	stem=.$(printf '%s' "$long" | head -c 200).migready-
	for engine in perl perl-CA sh; do
		D=$W/long-$name-$engine
		mkdir -p "$D"
		printf 'old\n' >"$D/$long"
		printf 'dead\n' >"$D/${stem}zzzzzz"
		ln "$D/$long" "$D/${stem}yyyyyy.orig"
		case $engine in
		perl*)
			# PERL_UNICODE empty would mean -CSDL: unset, or SA
			uni=(-u PERL_UNICODE)
			[ $engine = perl ] || uni=(PERL_UNICODE=SA)
			out=$(printf 'old\nnew\n' | env "${uni[@]}" "$PERL" "$SRC/src/commit.pl" \
				1 '' 1 "$D/$long" "$D/${stem}xxxxxx" 4 4 - 644:-:- - - 0 - - 0 0 2>&1)
			st=$? ;;
		sh)
			printf 'new\n' >"$D/${stem}xxxxxx"
			old=$(printf 'old\n' | sha256sum | cut -d' ' -f1)
			new=$(printf 'new\n' | sha256sum | cut -d' ' -f1)
			out=$(sh "$SRC/src/commit.sh" 1 1 '' 1 "$D/$long" "$D/${stem}xxxxxx" "$old" "$new" - \
				644:-:- - - - - 0 2>&1)
			st=$? ;;
		esac
		what="a name of ${#long} characters, $name ($engine)"
		expect_status "$what" 0 "$st" "$out"
		[ "$(cat "$D/$long")" = new ] && ok "$what: written" || not_ok "$what: written"
		left=$(ls -A "$D" | grep -c migready)
		[ "$left" = 0 ] && ok "$what: a dead run's leftovers removed" \
			|| not_ok "$what: a dead run's leftovers removed" "$(ls -A "$D")"
	done
done

# Extended attributes go with the file, as cp --preserve=xattr carries
# them: the original's user.* one (a NUL in its value: copied by length)
# onto the new file and the backup; trusted.SGI_ACL_FILE, which
# /etc/xattr.conf says to skip (XFS's own ACL), onto neither.
command -v setfattr >/dev/null && command -v getfattr >/dev/null ||
	skip "setfattr and getfattr are needed (Debian package attr)"
# xattrs FILE: every extended attribute of FILE, values in hex
xattrs() { getfattr --absolute-names -d -m - -e hex -- "$1" 2>&1; }
mkdir -p "$W/t6/etc"
printf 'a\n' >"$W/t6/etc/f"
setfattr -n user.migready.t -v 0x610062 "$W/t6/etc/f" 2>/dev/null &&
	setfattr -n trusted.SGI_ACL_FILE -v 0x01 "$W/t6/etc/f" 2>/dev/null ||
	skip "setfattr fails on $W (no user.* or trusted.* attributes: not root?)"
cpl "a
b
m
" 0 '' 1 "$W/t6/etc/f" "$W/t6/etc/.f.migready-hhhhhh" 2 2 "$W/t6/bk/r1/etc/f" 644:-:- \
	"$W/t6/bk/r1/.MANIFEST.migready-iiiiii" "$W/t6/bk/r1/MANIFEST" 2 - - 0 0
expect_status "a file with extended attributes" 0 "$st" "$out"
[ "$(cat "$W/t6/etc/f")" = b ] && ok "xattrs: written" || not_ok "xattrs: written"
xa=$(xattrs "$W/t6/etc/f")
expect_fixed "xattrs: the user.* one on the new file, its value whole" 'user.migready.t=0x610062' "$xa"
expect_no_fixed "xattrs: the one xattr.conf skips not on the new file" 'trusted.SGI_ACL_FILE' "$xa"
xa=$(xattrs "$W/t6/bk/r1/etc/f")
expect_fixed "xattrs: the user.* one on the backup" 'user.migready.t=0x610062' "$xa"
expect_no_fixed "xattrs: the one xattr.conf skips not on the backup" 'trusted.SGI_ACL_FILE' "$xa"

# The skip list is the host's /etc/xattr.conf, as libattr reads it for
# cp: a name the host adds there (a pattern, here bound over the file in
# a mount namespace) is not carried either.
X=$W/t6b
mkdir -p "$X"
printf 'a\n' >"$X/f"
setfattr -n user.migready.t -v 0x31 "$X/f"
setfattr -n user.migready.skipme -v 0x32 "$X/f"
printf '# a host of its own\nuser.migready.skip*\tskip\t# ours\n%s\n' \
	'system.posix_acl_access permissions' >"$X/xattr.conf"
# own_xattr_conf CMD...: CMD with $X/xattr.conf bound over the host's
# shellcheck disable=SC2016 # expanded by that sh
own_xattr_conf() {
	unshare -m sh -c 'mount --bind "$1" /etc/xattr.conf && shift && exec "$@"' - "$X/xattr.conf" "$@"
}
# own_conf_kept WHAT STATUS: the commit exited 0; $X/f keeps the name
# the host's xattr.conf does not skip, not the one it skips by pattern
own_conf_kept() {
	expect_status "xattrs: the host's own xattr.conf, $1" 0 "$2" "$out"
	local xa
	xa=$(xattrs "$X/f")
	expect_fixed "xattrs: ... $1: a name it does not skip carried" 'user.migready.t=0x31' "$xa"
	expect_no_fixed "xattrs: ... $1: a name it skips by pattern not carried" 'user.migready.skipme' "$xa"
}
out=$(printf 'a\nb\n' | own_xattr_conf "$PERL" "$SRC/src/commit.pl" 0 '' 1 "$X/f" \
	"$X/.f.migready-pppppp" 2 2 - 644:-:- - - 0 - - 0 0 2>&1)
own_conf_kept perl $?
# ... as the shell's commit (cp) does
printf 'b\n' >"$X/f"
setfattr -n user.migready.skipme -v 0x32 "$X/f"
printf 'c\n' >"$X/.f.migready-rrrrrr"
old=$(printf 'b\n' | sha256sum | cut -d' ' -f1)
new=$(printf 'c\n' | sha256sum | cut -d' ' -f1)
out=$(own_xattr_conf sh "$SRC/src/commit.sh" 0 1 '' 1 "$X/f" "$X/.f.migready-rrrrrr" "$old" "$new" \
	- 644:-:- - - - - 0 2>&1)
own_conf_kept "the shell's commit" $?

# One the new file has and the original has not goes too (a default ACL's
# entries, above, are one kind): set on the staged file while the commit
# waits at its fault point "start", before any attribute is carried over.
T=$W/t7
mkdir -p "$T/faults"
printf 'a\n' >"$T/f"
setfattr -n user.migready.keep -v 0x31 "$T/f"
(printf 'a\nb\n' | MIGREADY_FAULT=start:pause MIGREADY_FAULT_DIR=$T/faults timeout -s KILL 30 \
	"$PERL" "$SRC/src/commit.pl" 0 '' 1 "$T/f" "$T/.f.migready-jjjjjj" 2 2 - 644:-:- - - 0 - - 0 0 \
	>"$T/out" 2>&1; echo $? >"$T/st") &
for _ in $(seq 1 200); do [ -s "$T/faults/migready-fault.start" ] && break; sleep 0.05; done
setfattr -n user.migready.stray -v 0x31 "$T/.f.migready-jjjjjj" 2>/dev/null &&
	ok "xattrs: one set on the staged file while paused" ||
	not_ok "xattrs: one set on the staged file while paused" "$(ls -a "$T" "$T/faults"; cat "$T/out")"
rm -f "$T/faults/migready-fault.start"
wait $!
out=$(cat "$T/out")
expect_status "xattrs: a staged file with one the original lacks" 0 "$(cat "$T/st")" "$out"
xa=$(xattrs "$T/f")
expect_no_fixed "xattrs: the staged file's own one removed" 'user.migready.stray' "$xa"
expect_fixed "xattrs: the original's kept" 'user.migready.keep=0x31' "$xa"

# A file system without extended attributes: a ramfs (flistxattr lists
# none there; fgetxattr, fsetxattr, fremovexattr fail with EOPNOTSUPP),
# mounted in a mount namespace of the commit's own. The backup of a file
# with a user.* one goes there: setting it fails with EOPNOTSUPP, the
# backup is made without it and the commit goes on (cp -a takes an
# attribute the destination cannot hold for no error); a file on the
# ramfs itself is rewritten too. The ramfs is copied out for the checks.
R=$W/t8
mkdir -p "$R/etc" "$R/nox" "$R/seen"
printf 'a\n' >"$R/etc/f"
setfattr -n user.migready.t -v 0x31 "$R/etc/f"
# shellcheck disable=SC2016 # sh code, expanded there
unshare -m /bin/sh -c 'mount -t ramfs ramfs "$1"' - "$R/nox" 2>/dev/null ||
	skip "a ramfs cannot be mounted in a mount namespace of its own (unshare -m; not root?)"
# shellcheck disable=SC2016
out=$(printf 'a\nb\nc\nd\nm\n' | unshare -m /bin/sh -c '
	r=$1; shift
	mount -t ramfs ramfs "$r/nox" && mkdir "$r/nox/etc" && printf "c\n" >"$r/nox/etc/g" || exit 90
	# the premise: no user.* attribute there
	setfattr -n user.migready.t -v 0x31 "$r/nox/etc/g" 2>/dev/null && echo "ramfs: has xattrs"
	"$@"; st=$?
	cp -a "$r/nox/." "$r/seen/"
	exit $st' - "$R" "$PERL" "$SRC/src/commit.pl" 0 '' 2 \
	"$R/etc/f" "$R/etc/.f.migready-kkkkkk" 2 2 "$R/nox/bk/r1/etc/f" 644:-:- \
	"$R/nox/etc/g" "$R/nox/etc/.g.migready-llllll" 2 2 "$R/nox/bk/r1/nox/etc/g" 644:-:- \
	"$R/nox/bk/r1/.MANIFEST.migready-mmmmmm" "$R/nox/bk/r1/MANIFEST" 2 - - 0 0 2>&1)
st=$?
expect_no_fixed "no xattrs: the ramfs has none (else this tests nothing)" 'ramfs: has xattrs' "$out"
expect_status "no xattrs where the backups go" 0 "$st" "$out"
expect_grep "no xattrs: committed" '^commit ok$' "$out"
[ "$(cat "$R/etc/f")" = b ] && [ "$(cat "$R/seen/etc/g" 2>/dev/null)" = d ] && ok "no xattrs: both written" \
	|| not_ok "no xattrs: both written" "$(cat "$R/etc/f"; ls -laR "$R/seen")"
[ "$(cat "$R/seen/bk/r1/etc/f" 2>/dev/null)" = a ] && [ "$(cat "$R/seen/bk/r1/nox/etc/g" 2>/dev/null)" = c ] \
	&& ok "no xattrs: both backed up" || not_ok "no xattrs: both backed up" "$(ls -laR "$R/seen")"
expect_fixed "no xattrs: the new file on ext4 keeps its user.* one" 'user.migready.t=0x31' "$(xattrs "$R/etc/f")"

# Where flistxattr itself fails with EOPNOTSUPP (a FUSE file system that
# answers no xattr request), which no file system mountable here does: a
# seccomp filter fails every *xattr syscall so, in the commit's process
# and those it runs (the branch the ramfs above does not reach).
case $(uname -m) in
# AUDIT_ARCH, prctl, setxattr..fremovexattr; link, linkat; flistxattr
x86_64) arch=(0xc000003e 157) xattr_nrs=188-199 link_nrs=86-86,265-265 flistxattr=196 ;;
aarch64) arch=(0xc00000b7 167) xattr_nrs=5-16 link_nrs=37-37 flistxattr=13 ;;
riscv64) arch=(0xc00000f3 167) xattr_nrs=5-16 link_nrs=37-37 flistxattr=13 ;;
*) skip "no seccomp numbers for $(uname -m) here" ;;
esac
# failing ARCH PRCTL LO-HI[,LO-HI]... CMD...: CMD with the syscalls in
# those ranges failing with EOPNOTSUPP (95)
# shellcheck disable=SC2016 # perl code
failing='my ($arch, $prctl) = map { /^0x/ ? hex : $_ } splice @ARGV, 0, 2;
my @r = map { [split /-/] } split /,/, shift @ARGV;
my $allow = 3 + 2 * @r;
my @i = ([0x20, 0, 0, 4], [0x15, 0, $allow - 2, $arch], [0x20, 0, 0, 0]);
for my $k (0 .. $#r) {
	my $j = 3 + 2 * $k;
	push @i, [0x35, 0, 1, $r[$k][0]], [0x25, 0, $allow + 1 - ($j + 2), $r[$k][1]];
}
push @i, [6, 0, 0, 0x7fff0000], [6, 0, 0, 0x50000 | 95];
my $f = join "", map { pack "SCCL", @$_ } @i;
my $p = pack "S x6 p", scalar @i, $f;
syscall($prctl, 38, 1, 0, 0, 0) == 0 && syscall($prctl, 22, 2, $p) == 0 or die "seccomp: $!\n";
exec { $ARGV[0] } @ARGV or die "$ARGV[0]: $!\n";'
sc=("${arch[@]}" "$xattr_nrs")
sl=("${arch[@]}" "$link_nrs")
mkdir -p "$W/t9"
printf 'a\n' >"$W/t9/f"
# the premise: the filter takes
# shellcheck disable=SC2016
"$PERL" -e "$failing" "${sc[@]}" "$PERL" -e 'my $l = "\0" x 64; syscall('"$flistxattr"', 0, $l, 64); exit($! == 95 ? 0 : 1)' \
	&& ok "no flistxattr: the filter takes" || not_ok "no flistxattr: the filter takes"
out=$(printf 'a\nb\nm\n' | "$PERL" -e "$failing" "${sc[@]}" "$PERL" "$SRC/src/commit.pl" 0 '' 1 \
	"$W/t9/f" "$W/t9/.f.migready-nnnnnn" 2 2 "$W/t9/bk/r1/f" 644:-:- \
	"$W/t9/bk/r1/.MANIFEST.migready-oooooo" "$W/t9/bk/r1/MANIFEST" 2 - - 0 0 2>&1)
st=$?
expect_status "no flistxattr" 0 "$st" "$out"
expect_grep "no flistxattr: committed" '^commit ok$' "$out"
[ "$(cat "$W/t9/f")" = b ] && ok "no flistxattr: written" || not_ok "no flistxattr: written"
[ "$(cat "$W/t9/bk/r1/f" 2>/dev/null)" = a ] && ok "no flistxattr: backed up" \
	|| not_ok "no flistxattr: backed up" "$(ls -laR "$W/t9")"

# Where a hard link cannot be made (a file system without them), the
# original is kept as a copy: it must carry the ACL, the extended
# attributes and the mode, since a failed commit renames it back. The
# same filter fails link (linkat where there is no link syscall), so both
# files take that path; the second file's rename fails (fault injected),
# and the first, already renamed, is put back from its copy.
L=$W/t10
mkdir -p "$L/etc"
# shellcheck disable=SC2016
"$PERL" -e "$failing" "${sl[@]}" "$PERL" -e 'open my $f, ">", $ARGV[0]; exit(link($ARGV[0], "$ARGV[0].l") ? 1 : 0)' \
	"$L/premise" && ok "no hard links: the filter takes (perl)" || not_ok "no hard links: the filter takes (perl)"
"$PERL" -e "$failing" "${sl[@]}" ln -- "$L/premise" "$L/premise.ln" 2>/dev/null &&
	not_ok "no hard links: the filter takes (ln)" || ok "no hard links: the filter takes (ln)"
for n in f g; do
	printf 'old %s\n' "$n" >"$L/etc/$n"
	chmod 0640 "$L/etc/$n"
	setfacl -m u:nobody:r "$L/etc/$n" && setfattr -n user.migready.t -v 0x31 "$L/etc/$n" ||
		not_ok "no hard links: an ACL and an xattr set on $n"
done
# attrs FILE: its mode, ACL and extended attributes, as they compare
attrs() { stat -c '%a %s' -- "$1"; getfacl -c -- "$1" 2>&1; getfattr --absolute-names -d -m - -e hex -- "$1" 2>&1 | sed 1d; }
before_f=$(attrs "$L/etc/f")
before_g=$(attrs "$L/etc/g")
# nolink FAULT: the commit of both files under the filter
nolink() {
	out=$(printf 'old f\nnew f\nold g\nnew g\nm\n' | MIGREADY_FAULT=$1 "$PERL" -e "$failing" "${sl[@]}" \
		"$PERL" "$SRC/src/commit.pl" 0 '' 2 \
		"$L/etc/f" "$L/etc/.f.migready-qqqqqq" 6 6 - 640:-:- \
		"$L/etc/g" "$L/etc/.g.migready-ssssss" 6 6 - 640:-:- - - 0 - - 0 0 2>&1)
	st=$?
}
nolink rename:1
expect_status "no hard links: the second rename fails" 5 "$st" "$out"
expect_grep "no hard links: the first file put back" '^file 0 restored$' "$out"
expect_no_grep "no hard links: no original lost" 'kept at' "$out"
[ "$(cat "$L/etc/f")" = "old f" ] && [ "$(cat "$L/etc/g")" = "old g" ] && ok "no hard links: both as they were" \
	|| not_ok "no hard links: both as they were" "$(head "$L/etc/f" "$L/etc/g")"
[ "$(attrs "$L/etc/f")" = "$before_f" ] && ok "no hard links: the first's mode, ACL and xattr put back" \
	|| not_ok "no hard links: the first's mode, ACL and xattr put back" "$(attrs "$L/etc/f")"
[ "$(attrs "$L/etc/g")" = "$before_g" ] && ok "no hard links: the second untouched" \
	|| not_ok "no hard links: the second untouched" "$(attrs "$L/etc/g")"
[ -z "$(ls -A "$L/etc" | grep migready)" ] && ok "no hard links: no copy or temporary file left" \
	|| not_ok "no hard links: no copy or temporary file left" "$(ls -A "$L/etc")"
nolink ''
expect_status "no hard links: committed" 0 "$st" "$out"
[ "$(cat "$L/etc/f")" = "new f" ] && [ "$(cat "$L/etc/g")" = "new g" ] && ok "no hard links: both written" \
	|| not_ok "no hard links: both written" "$(head "$L/etc/f" "$L/etc/g")"
[ "$(attrs "$L/etc/f")" = "$before_f" ] &&
	ok "no hard links: the new file has the ACL and xattr" \
	|| not_ok "no hard links: the new file has the ACL and xattr" "$(attrs "$L/etc/f")"
[ -z "$(ls -A "$L/etc" | grep migready)" ] && ok "no hard links: the copies removed" \
	|| not_ok "no hard links: the copies removed" "$(ls -A "$L/etc")"
# ... and the shell's commit (its copy is cp's), the new files staged as
# the controller stages them for it
shnolink() {
	printf 'new f\n' >"$L/etc/.f.migready-tttttt"
	printf 'new g\n' >"$L/etc/.g.migready-uuuuuu"
	chmod 0600 "$L/etc/.f.migready-tttttt" "$L/etc/.g.migready-uuuuuu"
	out=$(MIGREADY_FAULT=$1 "$PERL" -e "$failing" "${sl[@]}" sh "$SRC/src/commit.sh" 0 1 '' 2 \
		"$L/etc/f" "$L/etc/.f.migready-tttttt" "$(sha256sum <"$L/etc/f" | cut -d' ' -f1)" \
		"$(printf 'new f\n' | sha256sum | cut -d' ' -f1)" - 640:-:- \
		"$L/etc/g" "$L/etc/.g.migready-uuuuuu" "$(sha256sum <"$L/etc/g" | cut -d' ' -f1)" \
		"$(printf 'new g\n' | sha256sum | cut -d' ' -f1)" - 640:-:- - - - - 0 2>&1)
	st=$?
}
for n in f g; do
	printf 'old %s\n' "$n" >"$L/etc/$n"
	setfacl -m u:nobody:r "$L/etc/$n" && setfattr -n user.migready.t -v 0x31 "$L/etc/$n"
done
before_f=$(attrs "$L/etc/f")
shnolink rename:1
expect_status "no hard links, the shell's commit: the second rename fails" 5 "$st" "$out"
[ "$(cat "$L/etc/f")" = "old f" ] && [ "$(attrs "$L/etc/f")" = "$before_f" ] &&
	ok "no hard links, the shell's commit: the first put back whole" \
	|| not_ok "no hard links, the shell's commit: the first put back whole" "$(cat "$L/etc/f"; attrs "$L/etc/f")"
rm -f "$L/etc/.f.migready-tttttt" "$L/etc/.g.migready-uuuuuu"
[ -z "$(ls -A "$L/etc" | grep migready)" ] && ok "no hard links, the shell's commit: no copy left" \
	|| not_ok "no hard links, the shell's commit: no copy left" "$(ls -A "$L/etc")"

summary
