# A directory's mode and owner, set by apply (plan.c) and put back by a
# rollback (rollback.c), changed as the working directory, never through
# a name: the directory holding it may be another user's (nova's home
# holds ~/.ssh, nova's instances), who could put a symbolic link at its
# name that root's chown would follow (to /etc/sudoers.d). Arguments
# (data only, never spliced into this text):
#   ROOT  "" for the running system, else a tree (an image): the path is
#         walked inside it, and nothing outside it is ever changed
#   MAKE  1: a missing directory is made (apply); 0: exit 3 (a rollback:
#         nothing to put back)
#   MODE UID GID PATH  UID or GID '-' to leave it; PATH from the host's /
# The way there is walked a component at a time from the root, the kernel
# asked after each step where the shell is: a link on it is read (never
# entered) and its text walked the same way, only where root (or this
# user) owns both it and the directory holding it, and no one else can
# write there; an absolute one from the root, as the host would. Exit 0: done; 3:
# not there (MAKE 0); any other: not done, the output says why.
LC_ALL=C; export LC_ALL
root=$1 make=$2 mode=$3 uid=$4 gid=$5 p=$6
case $p in /*) ;; *) echo "$p: not an absolute path"; exit 1;; esac
d=${p%/*} b=${p##*/}
case $b in '' | . | ..) echo "$p: no directory name at its end"; exit 1;; esac
cd -P -- "${root:-/}" || { echo "cannot enter the root $root"; exit 1; }
# where the kernel says the shell is: the root, the way, the directory
top=$(readlink /proc/self/cwd) || { echo "$p: /proc/self/cwd cannot be read"; exit 1; }
me=
gone() { echo "$p: no longer there: nothing put back"; exit 3; }
exp=$top
rest=${d#/}
hops=0
# where the shell must be after each cd: a name swapped for a link since
# it was tested is caught before anything is made or followed past it
at() { [ "$(readlink /proc/self/cwd)" = "$exp" ] || { echo "$p: a symbolic link was swapped in on the way: not changed"; exit 1; }; }
while [ -n "$rest" ]; do
  c=${rest%%/*}; case $rest in */*) rest=${rest#*/};; *) rest=;; esac
  case $c in '' | .) continue;; esac
  if [ "$c" = .. ]; then
    # never above the root
    [ "$exp" = "$top" ] || { cd -P .. || exit 1; exp=${exp%/*}; exp=${exp:-/}; at; }
    continue
  fi
  if [ -L "./$c" ]; then
    # a link is read, not entered: its text is walked the same way (an
    # absolute one from the root), so every link and directory on the way
    # is examined. stat: the directory's owner and mode, the link's owner
    hops=$((hops + 1)); [ $hops -le 40 ] || { echo "$p: too many symbolic links on the way"; exit 1; }
    [ -n "$me" ] || me=$(id -u)
    set -- $(stat -c '%u %a' -- . 2>/dev/null) $(stat -c '%u' -- "./$c" 2>/dev/null)
    case $1:$3 in 0:0 | 0:"$me" | "$me":0 | "$me":"$me") ;; *) set -- x 2;; esac
    case $2 in *[2367]? | *[2367]) echo "$p: reached through the symbolic link ${exp%/}/$c, which another user could have made: not changed"; exit 1;; esac
    t=$(readlink -- "./$c") && [ -n "$t" ] || { echo "$p: cannot read the link ${exp%/}/$c"; exit 1; }
    case $t in /*) cd -P -- "$top" || exit 1; exp=$top; at;; esac
    rest=${t#/}${rest:+/$rest}
    continue
  fi
  if [ ! -d "./$c" ]; then
    [ "$make" = 1 ] || gone
    mkdir -- "./$c" || exit 1
  fi
  cd -P -- "./$c" 2>/dev/null || { echo "$p: cannot enter ${exp%/}/$c"; exit 1; }
  exp=${exp%/}/$c
  at
done
here=$exp
if [ -L "./$b" ]; then echo "$p is a symbolic link: not changed"; exit 1; fi
if [ ! -d "./$b" ]; then
  [ "$make" = 1 ] || gone
  mkdir -- "./$b" || exit 1
fi
cd -P -- "./$b" 2>/dev/null || { echo "$p: cannot enter it"; exit 1; }
[ "$(readlink /proc/self/cwd)" = "${here%/}/$b" ] ||
  { echo "$p became a symbolic link while it was being changed: not changed"; exit 1; }
own=
[ "$uid" = - ] || own=$uid
[ "$gid" = - ] || own=$own:$gid
[ -z "$own" ] || chown -- "$own" . || exit 1
exec chmod -- "$mode" .
