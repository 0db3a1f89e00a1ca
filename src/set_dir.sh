# A directory's mode and owner, set by apply (plan.c) and put back by a
# rollback (rollback.c). Made if missing (its parents as install -d makes
# them), then entered, and changed as the working directory, never through
# a name: the directory holding it may be another user's (nova's home
# holds ~/.ssh, nova's instances), who could put a symbolic link at its
# name that root's chown would follow (to /etc/sudoers.d). Arguments
# (data only, never spliced into this text): MODE UID GID PATH, UID or GID
# '-' to leave it. Exit 0: done; any other: not done, the output says why.
LC_ALL=C; export LC_ALL
mode=$1 uid=$2 gid=$3 p=$4
case $p in /*) ;; *) echo "$p: not an absolute path"; exit 1;; esac
d=${p%/*} b=${p##*/}
case $b in '' | . | ..) echo "$p: no directory name at its end"; exit 1;; esac
[ -d "${d:-/}" ] || mkdir -p -- "$d" || exit 1
cd -P -- "${d:-/}" || exit 1
# where the kernel says the shell is: the parent, then the directory
here=$(readlink /proc/self/cwd) || { echo "$p: /proc/self/cwd cannot be read"; exit 1; }
if [ -L "$b" ]; then echo "$p is a symbolic link: not changed"; exit 1; fi
[ -d "$b" ] || mkdir -- "$b" || exit 1
cd -P -- "$b" 2>/dev/null || { echo "$p: cannot enter it"; exit 1; }
[ "$(readlink /proc/self/cwd)" = "${here%/}/$b" ] ||
  { echo "$p became a symbolic link while it was being changed: not changed"; exit 1; }
own=
[ "$uid" = - ] || own=$uid
[ "$gid" = - ] || own=$own:$gid
[ -z "$own" ] || chown -- "$own" . || exit 1
exec chmod -- "$mode" .
