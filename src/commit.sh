# The commit script: run by /bin/sh on the host (locally or over SSH) with
# its data as positional arguments, never spliced into its text. One run
# commits a host's whole apply as one transaction:
# 1. every staged file checked, in its directory entered (enter: not by
# a link another user could have pointed anywhere) and opened once,
# read-only, in another user's directory under a watchdog (a FIFO) and
# then found at its name by lstat (not a link swapped in and out): what
# is examined and given attributes is the file opened, through
# /proc/self/fd, never a name the directory's owner could have swapped for
# a link since. The target must still be what was read (SHA-256), not a
# symbolic link, inside the root, with one link only (a rewrite would
# split hard links) and not immutable or append-only, and the new file
# must be what was sent (SHA-256: a short write stops here); the original
# is kept as a hard link beside it for a roll-back, and its mode, owner,
# ACL, extended attributes and SELinux label are copied onto the new file;
# the plan's mode and owner win where they differ (a new file: the plan's;
# staged files are at most 0600 until here); any refusal and nothing is
# written (exit 3; 4 if the original cannot be kept, its attributes not
# carried over, or a new file is short);
# then every new file synced;
# 2. MANIFEST and restart-pending moved into place (a failure: nothing
# written, exit 4); the backups are copied in step 1, from the originals
# opened (never over an existing file);
# 3. each temporary file renamed over its target; if one rename fails,
# every file already renamed gets its original inode back, byte for byte
# (exit 5; 6 if even that failed);
# 4. each target verified: the very file checked and hashed in step 1
# (its device and inode, by lstat: nothing at the name is opened, so a
# FIFO another user put there cannot block it); directories synced;
# 5. the actions run in order, each only if the files it needs verified;
# restart-pending is rewritten with the units still owed a restart.
# Hang-ups and interrupts are ignored from the start, so a dropped
# connection cannot stop it half-way. It runs on every host of a fleet:
# the processes it starts are counted (one for all files wherever a
# command takes several). Arguments:
# LOCKED SYNCED ROOT NFILES {TARGET TMP OLD NEW BACKUP ATTRS}... MANIFEST_TMP MANIFEST
# PENDING_TMP PENDING NACTIONS {UNIT NNEEDS NEED... ARGC ARG...}... [DIR...]
# OLD is the SHA-256 of what was read, '-' for a file that must still be
# absent; NEW the SHA-256 of the new content, or '-' to remove the target
# (a rollback removing a file its run created; its staged file is empty);
# BACKUP, the manifest and pending pairs and UNIT may be '-'. ATTRS is
# the plan's MODE:UID:GID as stat -c %a:%u:%g prints them; UID or GID
# '-' keeps the one the file has (a replaced file: the original's).
# A backup's directory exists (the controller makes it). DIR: each
# directory the controller made for this run (a new file's, a backup's),
# shallowest first; an abort removes them again, deepest first, where
# still empty, as commit.pl removes those it makes.
# LOCKED is 1 when the host's lock is held: no other run can be staging,
# so every leftover temporary file of a target is a dead run's. SYNCED is
# 1 when the transport fsynced every staged file itself (SFTP, local).
# Fault points for the fault tests (tests/integration/run-faults.sh):
# MIGREADY_FAULT=rename:K fails the K-th rename (rename:K:stuck, and
# every putting back of an original after it); POINT:pause writes the
# script's pid to $MIGREADY_FAULT_DIR/migready-fault.POINT and waits while
# that file exists (2 minutes at most); POINT:exit ends the script there,
# with no reply. POINT: start, open (each target, after its checks and
# before it is opened), before-rename, after-rename, before-restart.
# Output: one line per event, "file K ok|conflict|failed|restored|stranded
# MSG" (stranded: written, and neither put back as it was nor removed
# after another file failed; its MANIFEST stays, for rollback),
# "commit ok|aborted|rolledback", "action K STATUS", "out K LINE", "done".
trap '' HUP PIPE INT TERM
LC_ALL=C; export LC_ALL; umask 077
# its own pid: served, the script is a subshell, and $$ the serving shell's
self=$$; read -r self _ 2>/dev/null </proc/self/stat || self=$$
nl='
'
fault() {
  case ${MIGREADY_FAULT-} in
  "$1:exit") exit 9;;
  "$1:pause")
    f=${MIGREADY_FAULT_DIR:-/tmp}/migready-fault.$1; echo "$self" > "$f"; w=0
    while [ -e "$f" ] && [ $w -lt 1200 ]; do sleep 0.1; w=$((w+1)); done;;
  esac
}
locked=$1; synced=$2; shift 2
root=$1; nf=$2; ra=${1%/}
if [ -n "$root" ]; then
  if cd -P -- "$root" 2>/dev/null; then root=$PWD; else root=/nonexistent/; fi
fi
i=$((nf*6+3))
eval "mt=\${$i} mp=\${$((i+1))} pt=\${$((i+2))} pp=\${$((i+3))} na=\${$((i+4))}"
ai=$((i+5))
fault start
# Word lists for one command over many files: add LIST WORD appends a
# reference to a copy of WORD, for eval "cmd $LIST".
wn=0
add() { wn=$((wn+1)); eval "w_$wn=\$2"; eval "$1=\$$1' \"\${w_$wn}\"'"; }
# mdl: the directories the controller made (after the actions), deepest
# first
i=$ai; a=0
while [ $a -lt $na ]; do eval "i=\$((i+2+\${$((i+1))}))"; eval "i=\$((i+1+\${$i}))"; a=$((a+1)); done
mdl=
while [ $i -le $# ]; do wn=$((wn+1)); eval "w_$wn=\${$i}"; mdl=" \"\${w_$wn}\"$mdl"; i=$((i+1)); done
rml=
rm_all() { [ -z "$rml" ] || eval "rm -f -- $rml"; rml=; }
# temp_stem NAME: in stem, what temporary files of NAME begin with: its
# first 200 bytes, as the controller cuts them (mr_temp_name)
temp_stem() { stem=$1; while [ ${#stem} -gt 200 ]; do stem=${stem%?}; done; stem=.$stem.migready-; }
# cleanup: the staged files (tmpl), and the directories the controller
# made (mdl), deepest first, if still empty
cleanup() {
  rml=$tmpl
  [ "$mt" = - ] || add rml "$mt"; [ "$pt" = - ] || add rml "$pt"
  rm_all
  cd /
  eval "set -- $mdl"
  for d do rmdir -- "$d" 2>/dev/null; done
}
abort() { [ -z "$1" ] || echo "$1"; cleanup; echo 'commit aborted'; echo done; exit $2; }
# $sha256 FILE...: sha256sum's lines, or shasum's where it is missing (a
# command, not a function: in $(...) the shell then forks once, not twice)
sha256=sha256sum
command -v sha256sum >/dev/null 2>&1 || sha256='shasum -a 256'
# ino_all LIST: DEVICE:INODE of LIST's files in h_1, h_2... by lstat (no
# file opened), one process for all (one each if that fails); h_K empty
# where a file cannot be examined.
ino_all() {
  eval "set -- $1"
  hv=$(stat -c %d:%i -- "$@" 2>/dev/null)
  hs=$?; j=0
  for x do
    j=$((j+1))
    if [ $hs = 0 ]; then l=${hv%%"$nl"*}; hv=${hv#"$l"}; hv=${hv#"$nl"}
    else l=$(stat -c %d:%i -- "$x" 2>/dev/null) || l=; fi
    case $l in *[!0-9:]* | '') l=;; esac
    eval "h_$j=\$l"
  done
}
# enter DIR: cd -P into DIR; names are then relative to the directory
# itself, so a link swapped in on the way afterwards moves nothing. Refused
# (status 1, $refusal says why) outside the root, and when the way there
# followed a symbolic link found in a directory that a user other than
# this one or root can write: that user could have pointed it anywhere
# (nova's home at /root/.ssh), or when another user owns a link followed.
# Only a path that is not its physical one costs more than the cd: a walk,
# one cd per component, one readlink per link, and one stat.
enter() {
  refusal='its directory cannot be entered'
  cd -P -- "$1/" 2>/dev/null || return 1
  if [ -n "$root" ]; then
    case "$PWD/" in "${root%/}/"*) ;; *) refusal='a symbolic link leads out of the root'; return 1;; esac
    e_base=$root; e_want=${root%/}${1#"$ra"}
  else e_base=/; e_want=$1; fi
  e_want=${e_want%/}
  [ "$PWD" != "${e_want:-/}" ] || return 0
  cd -P -- "$e_base" 2>/dev/null || return 1
  e_r=${e_want#"${e_base%/}"}; e_seen=; e_upto=; e_links=; e_hops=0
  while [ -n "$e_r" ]; do
    e_c=${e_r%%/*}; case $e_r in */*) e_r=${e_r#*/};; *) e_r=;; esac
    case $e_c in '' | .) continue;; esac
    e_p=$PWD
    add e_seen "$e_p"
    if [ "$e_c" != .. ] && [ -L "./$e_c" ]; then
      # a link: its text walked the same way, so that every link of a
      # chain, and every directory on the way to one, is examined; an
      # absolute one from /, as the kernel reads it
      e_hops=$((e_hops+1)); [ $e_hops -le 40 ] || return 1
      e_l=$(readlink -- "./$e_c") && [ -n "$e_l" ] || return 1
      e_upto=$e_seen; add e_links "${e_p%/}/$e_c"
      case $e_l in /*) cd / || return 1;; esac
      e_r=$e_l${e_r:+/$e_r}
      continue
    fi
    cd -P -- "./$e_c" 2>/dev/null || return 1
    # no link when tested, yet one followed: swapped in meanwhile
    if [ "$e_c" = .. ]; then e_x=${e_p%/*}; else e_x=${e_p%/}/$e_c; fi
    [ "$PWD" = "${e_x:-/}" ] || { refusal='a symbolic link was swapped in on the way'; return 1; }
  done
  [ -z "$root" ] || case "$PWD/" in "${root%/}/"*) ;; *) refusal='a symbolic link leads out of the root'; return 1;; esac
  [ -n "$e_upto" ] || return 0
  [ -n "$eu" ] || while read -r e_x e_a e_v _; do [ "$e_x" != Uid: ] || eu=$e_v; done 2>/dev/null < /proc/$$/status
  eval "e_v=\$(stat -c '%u %f %n' -- $e_upto $e_links 2>/dev/null)" || return 1
  while read -r e_x e_a e_p; do
    e_a=$((0x$e_a))
    if [ $((e_a & 0170000)) = $((0120000)) ]; then
      case $e_x in 0 | "$eu") continue;; esac
      refusal="it is reached through the symbolic link $e_p, which another user owns"
      return 1
    fi
    # sticky (/tmp): no one renames another's entries there
    case $e_x in 0 | "$eu") [ $((e_a & 01000)) = 0 ] && [ $((e_a & 022)) != 0 ] || continue;; esac
    refusal="it is reached through a symbolic link in $e_p, which another user can write"
    return 1
  done <<EOF2
$e_v
EOF2
}
# fd_facts FD...: s_FD ("LINKS MODE_HEX MODE:UID:GID"), i_FD
# (DEVICE:INODE) and h_FD (its SHA-256; empty if it is no regular file or
# cannot be read) of each
# descriptor's file, one stat and one hash process for all. A device or a
# FIFO is never read: it could be endless.
fd_facts() {
  fp=; for x do fp="$fp /proc/self/fd/$x"; eval "s_$x= i_$x= h_$x="; done
  hv=$(stat -L -c '%n %h %f %d:%i %a:%u:%g' -- $fp 2>/dev/null); fp=
  while read -r x l y i z; do
    x=${x##*/}; eval "s_$x=\"\$l \$y \$z\" i_$x=\$i"
    case $y in 8*) fp="$fp /proc/self/fd/$x";; esac
  done <<EOF2
$hv
EOF2
  [ -n "$fp" ] || return 0
  hv=$($sha256 -- $fp 2>/dev/null)
  while read -r l x; do
    x=${x##*/}; l=${l%%[!0-9a-f]*}; [ ${#l} = 64 ] || l=; eval "h_$x=\$l"
  done <<EOF2
$hv
EOF2
}
# open_target FD NAME: NAME on FD, read-only (never created: a link that
# another user swapped in and that leads nowhere makes no file there).
open_target() { { eval "command exec $1<\"\$2\""; } 2>/dev/null; }
# guard_start, guard_stop: around the opens in a directory another user
# owns, whose names that user can swap for a FIFO after they were tested.
# An open of a FIFO blocks; after 10 s the watchdog interrupts it (dash:
# the open fails, EINTR) or, 5 s later, where the shell restarts it
# (bash), ends the commit, which has changed no target yet (step 1 opens,
# links and copies). 2 processes, and only there.
guard=; late=
trap 'late=1' USR1
guard_start() {
  [ ! -O . ] || return 0
  late=
  # none of the files opened kept open by it, or by its sleep once orphaned
  ( exec 3<&- 4<&- 5<&- 6<&- 7<&- 8<&-; sleep 10; kill -s USR1 "$self"; sleep 5; kill -s KILL "$self" ) </dev/null >/dev/null 2>&1 &
  guard=$!
}
guard_stop() { [ -z "$guard" ] || kill -s KILL "$guard" 2>/dev/null; guard=; }
# set_attrs FD MODE:UID:GID HAVE: the file on FD gets the mode and owner
# HAVE lacks; 'file K failed' and bad=4 if it cannot
set_attrs() {
  { [ "${2#*:}" = "${3#*:}" ] || chown -- "${2#*:}" "/proc/self/fd/$1"; } &&
  { [ "${2%%:*}" = "${3%%:*}" ] || chmod -- "${2%%:*}" "/proc/self/fd/$1"; } ||
    { echo "file $k failed cannot give the new file its mode and owner"; bad=4; }
}
# 1. every file still as it was read, every new file what was staged
# (a short write on the host must not become the file), and the
# original's attributes onto the new one. Each is opened once, in its
# directory entered, on one of the descriptors 3-8 (9 holds the serving
# shell's lock; as many files at a time as they hold): what is examined,
# hashed and given attributes is the file opened, through /proc/self/fd,
# never a name that the directory's owner (nova in its ~/.ssh) could have
# made a link since (cp, chown and chmod follow links, as root).
bad=0; k=0; tmpl=; eu=
while [ $k -lt $nf ]; do
  eval "n=\${$((k*6+4))}"
  add tmpl "$n"; add tmpl "$n.orig"
  k=$((k+1))
done
[ -d /proc/self/fd ] || abort "file - failed /proc is not mounted on the host: no file can be opened safely; nothing written" 4
# One commit per run and host: a MANIFEST of this run already there is
# another entry of the inventory for this machine (two names or
# addresses), whose backups it would orphan.
[ "$mp" = - ] || { [ ! -e "$mp" ] && [ ! -L "$mp" ]; } ||
  abort "file - failed $mp is there already: this machine is in the inventory twice (two names or addresses?); nothing written" 4
k=0
while [ $k -lt $nf ]; do
  k0=$k; fd=3; fds=
  while [ $k -lt $nf ]; do
    eval "t=\${$((k*6+3))} n=\${$((k*6+4))} o=\${$((k*6+5))} w=\${$((k*6+6))}"
    x=$fd; [ "$o" = - ] || x=$((x+1)); [ "$w" = - ] || x=$((x+1))
    [ $x -le 9 ] || break
    msg=; tf=; fn=; li=; tb=./${t##*/}; nb=./${n##*/}
    if ! enter "${t%/*}"; then msg="$refusal; not written"
    elif [ ! -f "$nb" ] || [ -L "$nb" ]; then msg='the temporary file vanished'
    elif [ -L "$tb" ]; then msg='is a symbolic link; not written'
    elif [ -d "$tb" ]; then msg='is a directory'
    elif [ "$o" = - ]; then [ ! -e "$tb" ] || msg='appeared since it was read; not overwritten'
    elif [ ! -f "$tb" ]; then msg='was removed or replaced since it was read; not overwritten'
    else
      fault open; guard_start
      if open_target $fd "$tb"; then tf=$fd; fds="$fds $fd"; fd=$((fd+1))
      else msg='cannot be read to compare'; fi
    fi
    if [ -z "$msg" ] && [ "$w" != - ]; then
      [ -n "$guard" ] || guard_start
      if open_target $fd "$nb"; then fn=$fd; fds="$fds $fd"; fd=$((fd+1))
      else msg='the temporary file vanished'; fi
    fi
    if [ -n "$guard" ]; then
      guard_stop
      [ -z "$late" ] || msg='did not open within 10 s (a FIFO put at its name?); not written'
    fi
    # In another user's directory, the names (by lstat: no link followed)
    # must be the files opened (compared below): a link swapped in before
    # an open, and out again after it, led the open elsewhere.
    if [ -z "$msg" ] && [ ! -O . ]; then
      li=$(stat -c %d:%i -- ${tf:+"$tb"} ${fn:+"$nb"} 2>/dev/null) || msg='was replaced while it was opened; not written'
    fi
    eval "m_$k=\$msg tf_$k=\$tf fn_$k=\$fn li_$k=\$li"
    k=$((k+1))
  done
  [ -z "$fds" ] || fd_facts $fds
  j=$k; k=$k0
  while [ $k -lt $j ]; do
    eval "t=\${$((k*6+3))} n=\${$((k*6+4))} o=\${$((k*6+5))} w=\${$((k*6+6))} nm=\${$((k*6+8))}"
    eval "msg=\$m_$k tf=\$tf_$k fn=\$fn_$k li=\$li_$k"
    tb=./${t##*/}; nb=./${n##*/}; have=
    if [ -z "$msg" ] && [ -n "$li" ]; then
      x=; [ -z "$tf" ] || eval "x=\$i_$tf"
      [ -z "$fn" ] || eval "x=\"\$x\${x:+\$nl}\$i_$fn\""
      [ "$li" = "$x" ] || msg='was replaced while it was opened; not written'
    fi
    if [ -n "$fn" ]; then
      eval "s=\$s_$fn hw=\$h_$fn in_$k=\$i_$fn"; have=${s##* }
      # one name only: the file staged, not a link to another made since
      case $s in "1 8"*) ;; *) [ -n "$msg" ] || msg='the temporary file vanished';; esac
      if [ -z "$msg" ] && [ "$hw" != "$w" ]; then
        echo "file $k failed the new file on the host is not what was sent (a short write: is the disk full?); not written"
        bad=4; k=$((k+1)); continue
      fi
    fi
    if [ -z "$msg" ] && [ -n "$tf" ]; then
      eval "s=\$s_$tf h=\$h_$tf"; l=${s%% *}; have=${s##* }
      case ${s#* } in
      8*)
        if [ -z "$h" ]; then msg='cannot be read to compare'
        elif [ "$h" != "$o" ]; then msg='changed since it was read (another tool or admin?); not overwritten'
        fi;;
      *) msg='was removed or replaced since it was read; not overwritten';;
      esac
    fi
    # "=MODE:UID:GID": the target's as read, which it must still have (an
    # admin's chmod since wins over the run)
    case $nm in
    =*)
      nm=${nm#=}
      [ -n "$msg" ] || [ -z "$have" ] || [ "$nm" = "$have" ] ||
        msg='its mode or owner changed since it was read (another tool or admin?); not overwritten'
      eval "as_read_$k=\$nm";;
    esac
    # '-' for an id keeps the one the file has (a replaced file: the original's)
    if [ -n "$have" ]; then
      x=${nm#*:}; y=${have#*:}; nu=${x%%:*}; ng=${x#*:}
      [ "$nu" != - ] || nu=${y%%:*}; [ "$ng" != - ] || ng=${y#*:}
      nm=${nm%%:*}:$nu:$ng
    fi
    # one file reached by two paths (a link on the way): its second
    # entry would sweep the first's .orig and undo its change
    if [ -z "$msg" ] && [ -n "$tf" ]; then
      # sm_DEV_INO: the first path of that file
      eval "id=\$i_$tf"; id=sm_${id%%:*}_${id#*:}
      case $id in sm_*[!0-9_]* | sm__*) ;;
      *) eval "x=\${$id-}"; if [ -n "$x" ]; then msg="is the same file as $x (a link on the way); not written"
         else eval "$id=\$t"; fi;;
      esac
    fi
    # the original's link count, its kept link and flags: in its directory
    if [ -z "$msg" ] && [ -n "$tf" ] && ! enter "${t%/*}"; then msg="$refusal; not written"; fi
    if [ -z "$msg" ] && [ -n "$tf" ]; then
      case $l in
      '' | *[!0-9]* | 1) ;;
      *)
        # a link left by an interrupted commit of this file is no other
        # name: its kept original, or a new file linked in place whose
        # temporary name the interruption left
        temp_stem "${t##*/}"
        for x in "./$stem"??????.orig "./$stem"??????; do
          [ "$x" = "$nb.orig" ] || [ "$x" = "$nb" ] || [ ! "$x" -ef "$tb" ] || ! rm -f -- "$x" || l=$((l-1))
        done;;
      esac
      case $l in
      1) ;;
      '' | *[!0-9]*) msg='cannot be examined (stat); not written';;
      *) msg="has $l hard links: a new file would split them, the other names keeping the old content; not written";;
      esac
    fi
    if [ -z "$msg" ] && [ -n "$tf" ] && ln -- "$tb" "$nb.orig" 2>/dev/null; then
      eval "lk_$k=1"
    elif [ -z "$msg" ] && [ -n "$tf" ]; then
      # immutable and append-only files refuse new links
      fl=
      if command -v lsattr >/dev/null 2>&1; then fl=$(lsattr -d -- "$tb" 2>/dev/null) && fl=${fl%% *} || fl=; fi
      case $fl in
      *i*) msg='is immutable (chattr +i); not written';;
      *a*) msg='is append-only (chattr +a); not written';;
      # a copy of the file opened, never through a link put at the name,
      # with its ACL and label: a failed commit renames it back
      *) cp -p --preserve=xattr --remove-destination -- "/proc/self/fd/$tf" "$nb.orig" 2>/dev/null ||
           { echo "file $k failed cannot keep the original for a roll-back"; bad=4; };;
      esac
    fi
    if [ -z "$msg" ] && [ -n "$fn" ] && [ $bad = 0 ]; then
      if [ -n "$tf" ]; then
        # the ACL, extended attributes and SELinux label go with the file
        if ! e=$(cp --attributes-only --preserve=mode,ownership,xattr -- "/proc/self/fd/$tf" "/proc/self/fd/$fn" 2>&1); then
          e=${e%%"$nl"*}
          echo "file $k failed its ACL, extended attributes or SELinux label cannot be carried over to the new file and would be lost; not written${e:+ ($e)}"
          bad=4
        fi
      fi
      # a mode or owner the plan asks for (a private key's 0600) wins
      [ $bad != 0 ] || [ "$nm" = "$have" ] || set_attrs "$fn" "$nm" "$have"
    fi
    # The backup: a copy of the original opened and checked, never of what
    # its name leads to now (a link to root's secrets, whose copy a
    # rollback would give the file's owner), never over an existing file
    # (it may be the only copy of an original); removed if the run aborts.
    eval "b=\${$((k*6+7))}"
    if [ -z "$msg" ] && [ $bad = 0 ] && [ -n "$tf" ] && [ "$b" != - ]; then
      if [ -e "$b" ] || [ -L "$b" ]; then echo "file $k failed a backup is already at $b; not overwritten"; bad=4
      # (all: xattrs too, where the file system has them; not
      # diagnosed where it has not)
      elif cp --preserve=all -- "/proc/self/fd/$tf" "$b" 2>/dev/null; then add tmpl "$b"
      else echo "file $k failed cannot back it up to $b"; bad=4; fi
    fi
    [ -z "$msg" ] || { echo "file $k conflict $msg"; [ $bad = 4 ] || bad=3; }
    k=$((k+1))
  done
  for x in $fds; do eval "exec $x<&-"; done
done
cd /
[ $bad = 0 ] || abort '' $bad
# The run's number on the host, one more than any MANIFEST's there ("#
# seq N"), added to its own: rollback and prune order the runs by it, as
# the host saw them, not by the clocks of the controllers that named them
# (backups.sh). Under the host's lock no other run takes it meanwhile.
if [ "$mt" != - ]; then
  sq=0
  for x in $(grep -s -h -x '# seq [1-9][0-9]\{0,14\}' -- "${mp%/*/*}"/*/MANIFEST); do
    case $x in *[!0-9]*) ;; *) [ "$x" -le "$sq" ] || sq=$x;; esac
  done
  printf '# seq %s\n' $((sq+1)) >> "$mt" || abort "file - failed cannot write $mp" 4
fi
# every new file on disk before any rename makes it the file (staging by
# a command on the host leaves that to this one process), and the
# backups: once the renames are done they hold the only copy of the
# originals (sync FILE is fsync(2) since coreutils 8.24, before it syncs
# everything)
stl=; k=0
while [ $k -lt $nf ]; do
  eval "n=\${$((k*6+4))} b=\${$((k*6+7))}"
  [ "$synced" = 1 ] || add stl "$n"
  [ "$b" = - ] || [ ! -f "$b" ] || add stl "$b"
  k=$((k+1))
done
[ "$synced" = 1 ] || { [ "$mt" = - ] || add stl "$mt"; [ "$pt" = - ] || add stl "$pt"; }
[ -z "$stl" ] || eval "sync -- $stl" 2>/dev/null || sync
# 2. MANIFEST, restart-pending (the backups were made in step 1)
if [ "$pt" != - ]; then
  { [ ! -e "$pp.prev" ] || rm -f -- "$pp.prev"; } && { [ ! -f "$pp" ] || ln -- "$pp" "$pp.prev" 2>/dev/null || cp -p -- "$pp" "$pp.prev"; } &&
  mv -f -- "$pt" "$pp" || abort "file - failed cannot record the restarts owed in $pp" 4
fi
# pending_back: restart-pending as it was before step 2
pending_back() {
  [ "$pt" = - ] || if [ -f "$pp.prev" ]; then mv -f -- "$pp.prev" "$pp"; else rm -f -- "$pp"; fi
}
if [ "$mt" != - ]; then
  mv -f -- "$mt" "$mp" || { pending_back; abort "file - failed cannot write $mp" 4; }
  # the entries of the backups and the MANIFEST on disk before any target
  # is replaced (their file system's: one process)
  sync -f -- "$mp" 2>/dev/null || sync
fi
fault before-rename
# 3. the renames, all or none. Each in its directory, entered again
# (enter): names are relative to the directory itself from then on.
# changed_since_read K TARGET ORIG OLD: in why, why TARGET (a name in the
# directory entered) is no longer the file step 1 compared, or ''. Looked
# at again just before it is replaced or removed: an admin's save in the
# meantime (a rename over it, a write in place) would be lost unkept.
changed_since_read() {
  why=
  if [ -L "$2" ] || [ ! -f "$2" ]; then why='was removed or replaced since it was read'
  elif eval "[ -n \"\${lk_$1-}\" ]" && [ ! "$2" -ef "$3" ]; then why='was removed or replaced since it was read'
  elif ! h=$($sha256 <"$2" 2>/dev/null) || [ -z "$h" ]; then why='cannot be read to compare'
  elif [ "${h%% *}" != "$4" ]; then why='changed since it was read (another tool or admin?)'
  elif eval "[ -n \"\${as_read_$1-}\" ]" && { ! h=$(stat -c %a:%u:%g -- "$2" 2>/dev/null) ||
         eval "[ \"\$h\" != \"\$as_read_$1\" ]"; }; then
    why='its mode or owner changed since it was read (another tool or admin?)'
  fi
}
# indir TARGET TMP: TMP must be there.
indir() {
  enter "${1%/*}" || return 1
  [ -z "$2" ] || { [ -f "./${2##*/}" ] && [ ! -L "./${2##*/}" ]; } || { refusal='the temporary file vanished'; return 1; }
}
k=0; done_=; fail=
while [ $k -lt $nf ]; do
  eval "t=\${$((k*6+3))} n=\${$((k*6+4))} o=\${$((k*6+5))} w=\${$((k*6+6))}"
  if ! indir "$t" "$n"; then
    fail="file $k conflict $refusal; not written"; break
  fi
  orig=$n.orig; nabs=$n; t=./${t##*/}; n=./${n##*/}
  why=; [ "$o" = - ] || changed_since_read $k "$t" "$n.orig" "$o"
  if [ -n "$why" ]; then
    fail="file $k conflict $why; not overwritten"; [ "$w" != - ] || fail="file $k conflict $why; not removed"
  elif [ "$w" = - ]; then
    # the original stays linked at $orig until the end, like a replaced one
    if rm -f -- "$t" 2>/dev/null; then add rml "$orig"; add rml "$nabs"
    else fail="file $k failed cannot remove the file"; fi
  elif [ "$o" = - ]; then
    if ln -- "$n" "$t" 2>/dev/null; then rm -f -- "$n"
    elif [ -e "$t" ] || [ -L "$t" ]; then fail="file $k conflict appeared since it was read; not overwritten"
    else fail="file $k failed cannot create the file"; fi
  elif [ "${MIGREADY_FAULT-}" = "rename:$k" ] || [ "${MIGREADY_FAULT-}" = "rename:$k:stuck" ]; then
    fail="file $k failed cannot rename the new file into place (fault injected)"
  elif ! e=$(mv -fT -- "$n" "$t" 2>&1); then fail="file $k failed cannot rename the new file into place: ${e##*: }"
  else add rml "$orig"
  fi
  [ -z "$fail" ] || break
  done_="$done_ $k"; k=$((k+1))
done
if [ -n "$fail" ]; then
  echo "$fail"; st=5; rml=
  for k in $done_; do
    eval "t=\${$((k*6+3))} n=\${$((k*6+4))} o=\${$((k*6+5))}"
    if ! indir "$t" ""; then echo "file $k stranded cannot put the original back: $refusal; it is kept at $n.orig"; st=6; continue; fi
    if [ "$o" = - ]; then rm -f -- "./${t##*/}" && echo "file $k restored" || { echo "file $k stranded cannot remove the new file again"; st=6; }
    else
      case ${MIGREADY_FAULT-} in rename:*:stuck) false;; *) mv -fT -- "./${n##*/}.orig" "./${t##*/}";; esac &&
        echo "file $k restored" || { echo "file $k stranded cannot put the original back; it is kept at $n.orig"; st=6; }
    fi
  done
  cd /
  # 6: a file stays written, its original kept at .orig and in the
  # backup, whose MANIFEST rollback needs (the files put back are
  # already as the backup holds them)
  [ "$mp" = - ] || [ $st = 6 ] || rm -f -- "$mp"
  pending_back
  [ $st = 6 ] || cleanup
  echo 'commit rolledback'; echo done; exit $st
fi
cd /
fault after-rename
# 4. verify, sync
k=0; refs=; syncl=; dirs=; unverified='|'
while [ $k -lt $nf ]; do
  eval "t=\${$((k*6+3))} n=\${$((k*6+4))} w=\${$((k*6+6))}"
  [ "$w" = - ] || add refs "$t"
  # each directory once
  case $dirs in *"$nl${t%/*}/$nl"*) ;; *) dirs="$dirs$nl${t%/*}/$nl"; add syncl "${t%/*}/";; esac
  # leftovers of interrupted runs: any under the host's lock, else a day old
  temp_stem "${t##*/}"
  for x in "${t%/*}/$stem"??????*; do
    case $x in "$n" | "$n.orig") continue;; esac
    [ -f "$x" ] && [ ! -L "$x" ] || continue
    [ "$locked" = 1 ] || [ -n "$(find "$x" -prune -mtime +0 2>/dev/null)" ] && add rml "$x"
  done
  k=$((k+1))
done
[ -z "$syncl" ] || eval "sync -- $syncl" 2>/dev/null || :
[ -z "$refs" ] || ino_all "$refs"
k=0; j=0
while [ $k -lt $nf ]; do
  eval "t=\${$((k*6+3))} w=\${$((k*6+6))}"
  if [ "$w" = - ]; then
    if [ -e "$t" ] || [ -L "$t" ]; then echo "file $k failed verify: still there"; unverified="$unverified$k|"
    else echo "file $k ok"; fi
    k=$((k+1)); continue
  fi
  j=$((j+1)); eval "h=\$h_$j w=\$in_$k"
  if [ -n "$h" ] && [ "$h" = "$w" ]; then echo "file $k ok"
  else echo "file $k failed verify: not what was written"; unverified="$unverified$k|"; fi
  k=$((k+1))
done
[ "$pt" = - ] || [ ! -e "$pp.prev" ] || add rml "$pp.prev"
# the originals' links go now: an end before the actions leaves none
rm_all
echo 'commit ok'
fault before-restart
# 5. actions
i=$ai; a=0; okunits='|'
while [ $a -lt $na ]; do
  eval "u=\${$i} nn=\${$((i+1))}"; i=$((i+2)); skip=
  while [ $nn -gt 0 ]; do
    eval "x=\${$i}"; case $unverified in *"|$x|"*) skip=1;; esac; i=$((i+1)); nn=$((nn-1))
  done
  eval "c=\${$i}"; i=$((i+1)); cmd=; j=0
  while [ $j -lt $c ]; do cmd="$cmd \"\${$((i+j))}\""; j=$((j+1)); done
  i=$((i+c))
  if [ -n "$skip" ]; then echo "action $a skipped"
  else
    # only the last 4 KiB of its output kept (a flood must not fill the
    # controller's memory), then its status on a line of its own
    o=$({ eval "$cmd" </dev/null 2>&1; printf '\n%s' $?; } | tail -c 4096)
    st=${o##*"$nl"}; o=${o%"$nl"*}
    echo "action $a $st"
    [ $st = 0 ] || [ -z "$o" ] || printf '%s\n' "$o" | head -n 3 | cut -c 1-300 | sed "s/^/out $a /"
    [ $st != 0 ] || [ "$u" = - ] || okunits="$okunits$u|"
  fi
  a=$((a+1))
done
if [ "$pp" != - ] && [ -f "$pp" ]; then
  left=
  while IFS= read -r u; do case $okunits in *"|$u|"*) ;; *) left="$left$u
";; esac; done < "$pp"
  if [ -n "$left" ]; then printf '%s' "$left" > "$pp.new" && mv -f -- "$pp.new" "$pp"; else add rml "$pp"; fi
fi
rm_all
echo done
