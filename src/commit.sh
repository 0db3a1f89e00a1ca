# The commit script: run by /bin/sh on the host (locally or over SSH) with
# its data as positional arguments, never spliced into its text. One run
# commits a host's whole apply as one transaction:
# 1. every staged file checked: the target must still be what was read
# (SHA-256), not a symbolic link, and inside the root; any mismatch
# and nothing is written (exit 3);
# 2. backups copied, MANIFEST and restart-pending moved into place (a
# failure: nothing written, exit 4);
# 3. each temporary file renamed over its target, the original kept as a
# hard link beside it; if one rename fails, every file already renamed
# gets its original inode back, byte for byte (exit 5; 6 if even that
# failed);
# 4. each target hashed again (verify), directories synced;
# 5. the actions run in order, each only if the files it needs verified;
# restart-pending is rewritten with the units still owed a restart.
# Hang-ups and interrupts are ignored from the start, so a dropped
# connection cannot stop it half-way. Arguments:
# LOCKED ROOT NFILES {TARGET TMP OLD NEW BACKUP}... MANIFEST_TMP MANIFEST
# PENDING_TMP PENDING NACTIONS {UNIT NNEEDS NEED... ARGC ARG...}...
# OLD is the SHA-256 of what was read, '-' for a file that must still be
# absent; BACKUP, the manifest and pending pairs and UNIT may be '-'.
# LOCKED is 1 when the host's lock is held: no other run can be staging,
# so every leftover temporary file of a target is a dead run's.
# Fault points for the fault tests (tests/integration/run-faults.sh):
# MIGREADY_FAULT=rename:K fails the K-th rename; POINT:pause writes the
# script's pid to $MIGREADY_FAULT_DIR/migready-fault.POINT and waits while
# that file exists (2 minutes at most); POINT:exit ends the script there,
# with no reply. POINT: start, before-rename, after-rename, before-restart.
# Output: one line per event, "file K ok|conflict|failed|restored MSG",
# "commit ok|aborted|rolledback", "action K STATUS", "out K LINE", "done".
trap '' HUP PIPE INT TERM
LC_ALL=C; export LC_ALL; umask 077
fault() {
  case ${MIGREADY_FAULT-} in
  "$1:exit") exit 9;;
  "$1:pause")
    f=${MIGREADY_FAULT_DIR:-/tmp}/migready-fault.$1; echo $$ > "$f"; w=0
    while [ -e "$f" ] && [ $w -lt 1200 ]; do sleep 0.1; w=$((w+1)); done;;
  esac
}
locked=$1; shift
root=$1; nf=$2
if [ -n "$root" ]; then root=$(cd -P -- "$root" 2>/dev/null && pwd -P) || root=/nonexistent/; fi
sha() {
  if command -v sha256sum >/dev/null 2>&1; then h=$(sha256sum < "$1") || return 1
  else h=$(shasum -a 256 < "$1") || return 1; fi
  h=${h%%[!0-9a-f]*}
}
# Temporary names are the controller's own (no newline in them).
tmps=
cleanup() {
  printf '%s' "$tmps" | while IFS= read -r x; do rm -f -- "$x" "$x.orig"; done
  [ "$mt" = - ] || rm -f -- "$mt"; [ "$pt" = - ] || rm -f -- "$pt"
  [ "$mp" = - ] || rmdir -- "${mp%/*}" 2>/dev/null
}
i=$((nf*5+3))
eval "mt=\${$i} mp=\${$((i+1))} pt=\${$((i+2))} pp=\${$((i+3))} na=\${$((i+4))}"
ai=$((i+5))
fault start
# 1. every file still as it was read
bad=0; k=0
while [ $k -lt $nf ]; do
  eval "t=\${$((k*5+3))} n=\${$((k*5+4))} o=\${$((k*5+5))}"
  tmps="$tmps$n
"
  msg=
  [ -f "$n" ] && [ ! -L "$n" ] || msg='the temporary file vanished'
  if [ -z "$msg" ] && [ -n "$root" ]; then
    d=$(cd -P -- "${t%/*}/" 2>/dev/null && pwd -P) || d=
    case "$d/" in "${root%/}"/*) ;; *) msg='a symbolic link leads out of the root';; esac
  fi
  if [ -z "$msg" ]; then
    if [ -L "$t" ]; then msg='is a symbolic link; not written'
    elif [ -d "$t" ]; then msg='is a directory'
    elif [ "$o" = - ]; then [ ! -e "$t" ] || msg='appeared since it was read; not overwritten'
    elif [ ! -f "$t" ]; then msg='was removed or replaced since it was read; not overwritten'
    elif ! sha "$t"; then msg='cannot be read to compare'
    elif [ "$h" != "$o" ]; then msg='changed since it was read (another tool or admin?); not overwritten'
    fi
  fi
  [ -z "$msg" ] || { echo "file $k conflict $msg"; bad=1; }
  k=$((k+1))
done
if [ $bad = 1 ]; then cleanup; echo 'commit aborted'; echo done; exit 3; fi
# 2. backups, MANIFEST, restart-pending
k=0
while [ $k -lt $nf ]; do
  eval "t=\${$((k*5+3))} b=\${$((k*5+7))}"
  if [ "$b" != - ] && [ -e "$t" ]; then
    # a backup is never overwritten: it may be the only copy of an original
    if [ -e "$b" ] || [ -L "$b" ]; then
      echo "file $k failed a backup is already at $b; not overwritten"; cleanup; echo 'commit aborted'; echo done; exit 4
    fi
    if ! { mkdir -p -- "${b%/*}" && cp -p -- "$t" "$b"; } 2>/dev/null; then
      echo "file $k failed cannot back it up to $b"; cleanup; echo 'commit aborted'; echo done; exit 4
    fi
  fi
  k=$((k+1))
done
if [ "$pt" != - ]; then
  rm -f -- "$pp.prev"; [ ! -f "$pp" ] || cp -p -- "$pp" "$pp.prev"
  mv -f -- "$pt" "$pp" || { echo "file - failed cannot record the restarts owed in $pp"; cleanup; echo 'commit aborted'; echo done; exit 4; }
fi
if [ "$mt" != - ]; then
  mv -f -- "$mt" "$mp" || { echo "file - failed cannot write $mp"; cleanup; echo 'commit aborted'; echo done; exit 4; }
fi
fault before-rename
# 3. the renames, all or none. Each in its directory, entered once and
# checked (cd -P, pwd -P): a link swapped in since the check of step 1
# cannot move a rename out of the root, names are relative to the
# directory itself from then on. indir TARGET TMP: TMP must be there.
indir() {
  cd -P -- "${1%/*}/" 2>/dev/null || return 1
  [ -z "$root" ] || case "$(pwd -P)/" in "${root%/}"/*) ;; *) return 1;; esac
  [ -z "$2" ] || { [ -f "./${2##*/}" ] && [ ! -L "./${2##*/}" ]; }
}
k=0; done_=; fail=
while [ $k -lt $nf ]; do
  eval "t=\${$((k*5+3))} n=\${$((k*5+4))} o=\${$((k*5+5))}"
  if ! indir "$t" "$n"; then
    fail="file $k conflict a symbolic link leads out of the root; not written"; break
  fi
  t=./${t##*/}; n=./${n##*/}
  if [ "$o" = - ]; then
    if ln -- "$n" "$t" 2>/dev/null; then rm -f -- "$n"
    elif [ -e "$t" ] || [ -L "$t" ]; then fail="file $k conflict appeared since it was read; not overwritten"
    else fail="file $k failed cannot create the file"; fi
  elif [ "${MIGREADY_FAULT-}" = "rename:$k" ]; then
    fail="file $k failed cannot rename the new file into place (fault injected)"
  else
    if ! { ln -- "$t" "$n.orig" || cp -p -- "$t" "$n.orig"; } 2>/dev/null; then fail="file $k failed cannot keep the original for a roll-back"
    elif ! e=$(mv -fT -- "$n" "$t" 2>&1); then fail="file $k failed cannot rename the new file into place: ${e##*: }"; fi
  fi
  [ -z "$fail" ] || break
  done_="$done_ $k"; k=$((k+1))
done
if [ -n "$fail" ]; then
  echo "$fail"; st=5
  for k in $done_; do
    eval "t=\${$((k*5+3))} n=\${$((k*5+4))} o=\${$((k*5+5))}"
    if ! indir "$t" ""; then echo "file $k failed cannot put the original back: a symbolic link leads out of the root; it is kept at $n.orig"; st=6; continue; fi
    if [ "$o" = - ]; then rm -f -- "./${t##*/}" && echo "file $k restored" || { echo "file $k failed cannot remove the new file again"; st=6; }
    else mv -fT -- "./${n##*/}.orig" "./${t##*/}" && echo "file $k restored" || { echo "file $k failed cannot put the original back; it is kept at $n.orig"; st=6; }; fi
  done
  cd /
  [ "$mp" = - ] || rm -f -- "$mp"
  if [ "$pt" != - ]; then if [ -f "$pp.prev" ]; then mv -f -- "$pp.prev" "$pp"; else rm -f -- "$pp"; fi; fi
  [ $st = 6 ] || cleanup
  echo 'commit rolledback'; echo done; exit $st
fi
cd /
fault after-rename
# 4. verify, sync, drop the originals
k=0; unverified='|'
while [ $k -lt $nf ]; do
  eval "t=\${$((k*5+3))} n=\${$((k*5+4))} w=\${$((k*5+6))}"
  rm -f -- "$n.orig"
  sync -- "${t%/*}/" 2>/dev/null || :
  # leftovers of interrupted runs: any under the host's lock, else a day old
  for x in "${t%/*}/.${t##*/}".migready-??????*; do
    [ -f "$x" ] && [ ! -L "$x" ] || continue
    [ "$locked" = 1 ] || [ -n "$(find "$x" -prune -mtime +0 2>/dev/null)" ] && rm -f -- "$x"
  done
  if sha "$t" && [ "$h" = "$w" ]; then echo "file $k ok"
  else echo "file $k failed verify: not what was written"; unverified="$unverified$k|"; fi
  k=$((k+1))
done
[ "$pt" = - ] || rm -f -- "$pp.prev"
echo 'commit ok'
fault before-restart
# 5. actions
i=$ai; a=0; okunits='|'; errf=$(mktemp 2>/dev/null) || errf=/dev/null
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
    # only its first 4 KiB kept: a flood of output must not fill the disk
    st=$({ { eval "$cmd" </dev/null 2>&1 3>&-; echo $? >&3; } | { head -c 4096 >"$errf"; cat >/dev/null; }; } 3>&1)
    echo "action $a $st"
    [ $st = 0 ] || head -n 3 "$errf" | cut -c 1-300 | sed "s/^/out $a /"
    [ $st != 0 ] || [ "$u" = - ] || okunits="$okunits$u|"
  fi
  a=$((a+1))
done
[ "$errf" = /dev/null ] || rm -f -- "$errf"
if [ "$pp" != - ] && [ -f "$pp" ]; then
  left=
  while IFS= read -r u; do case $okunits in *"|$u|"*) ;; *) left="$left$u
";; esac; done < "$pp"
  if [ -n "$left" ]; then printf '%s' "$left" > "$pp.new" && mv -f -- "$pp.new" "$pp"; else rm -f -- "$pp"; fi
fi
echo done
