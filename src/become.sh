# The SSH transport's file operations as commands: all of them under
# become (run through sudo -n -u USER), and under a root prefix the ones
# that create (mkdir, stage: SFTP cannot resolve a path without following
# links, a shell can enter a directory and check where it is). Run by
# /bin/sh on the host, one operation per run, its data as positional
# arguments (never spliced into this text). A failure prints
# "error MESSAGE" as its last line and exits 1. ROOT is the root prefix
# or '': with one, every directory is entered (cd -P) and checked to be
# inside ROOT before anything is made in it, relative to it, so a link
# swapped in on the way after the controller's check leads nowhere.
# Operations:
#   stat PATH            "absent", or lstat as "MODE UID GID SIZE MTIME"
#                        (MODE in hex, with the file type bits)
#   read CAP PATH        "absent", or the lstat line; for a symbolic link,
#                        then the stat line of its target, or "dangling";
#                        then for a regular file of at most CAP bytes,
#                        "data" and its first CAP+1 bytes
#   realpath PATH        the canonical path; nothing for an absent one
#   mkdir MODE ROOT PATH creates the missing directories, each with MODE
#                        (PATH: the path under ROOT, if any); "made DIR",
#                        the first it made, if any
#   stage ROOT PATH NAME [DATA]
#                        standard input (or DATA) into a new file NAME
#                        (".NAME.migready-XXXXXX", the controller's
#                        random pick) beside PATH, mode 0600, owned by
#                        the become user; prints its path. The commit
#                        script checks its hash, fsyncs it before any
#                        rename and gives it its owner and mode, on the
#                        file it opened. With DATA (sent when this runs
#                        in the serving shell, where an argument has no
#                        size limit) the shell writes it (printf): no
#                        process.
#   unstage TMP          removes a staged file
# Fault point for the fault tests (as src/commit.sh's): with
# MIGREADY_FAULT=stage:pause, stage writes its pid to
# $MIGREADY_FAULT_DIR/migready-fault.stage before it enters the directory
# and waits while that file exists (2 minutes at most).
LC_ALL=C; export LC_ALL; umask 077
fail() { printf 'error %s\n' "$*"; exit 1; }
fault() {
  [ "${MIGREADY_FAULT-}" = "$1:pause" ] || return 0
  # its own pid: served, the script is a subshell, and $$ the serving shell's
  me=$$; read -r me _ 2>/dev/null </proc/self/stat || me=$$
  f=${MIGREADY_FAULT_DIR:-/tmp}/migready-fault.$1; echo "$me" > "$f"; w=0
  while [ -e "$f" ] && [ $w -lt 1200 ]; do sleep 0.1; w=$((w+1)); done
}
escaped='a symbolic link leads out of the root; not written'
# root ROOT: enters ROOT, its physical path in $r
root() { cd -P -- "$1" 2>/dev/null || fail "root '$1' does not exist on the host"; r=$PWD; }
# inside: the directory entered is under $r
inside() { case "$PWD/" in "${r%/}/"*) ;; *) fail "$escaped";; esac; }
# the reason of a command's message ("mkdir: cannot ...: Permission denied")
why() { printf '%s' "${1##*: }"; }
st() { stat -c '%f %u %g %s %Y' "$@"; }
op=$1; shift
case $op in
stat)
  if [ -e "$1" ] || [ -L "$1" ]; then e=$(st -- "$1" 2>&1) || fail "lstat: $(why "$e")"; echo "$e"
  else echo absent; fi ;;
read)
  cap=$1 p=$2
  [ -e "$p" ] || [ -L "$p" ] || { echo absent; exit 0; }
  e=$(st -- "$p" 2>&1) || fail "lstat: $(why "$e")"; echo "$e"
  if [ -L "$p" ]; then
    e=$(st -L -- "$p" 2>/dev/null) || { echo dangling; exit 0; }; echo "$e"
  fi
  [ -f "$p" ] || exit 0
  set -- $e
  [ "$4" -le "$cap" ] || exit 0
  [ -r "$p" ] || fail "open: permission denied"
  echo data
  head -c $((cap + 1)) -- "$p" || fail "read failed" ;;
realpath)
  readlink -e -- "$1" || : ;;
mkdir)
  m=$1 made=
  if [ -n "$2" ]; then
    # each directory entered and checked before anything is made in it
    root "$2"; rel=$3; at=
    case /$rel/ in */../*) fail "'..' in '$rel'";; esac
    set -f; IFS=/; set -- $rel; unset IFS; set +f
    while [ $# -gt 0 ]; do
      c=$1; shift
      case $c in '' | .) continue;; esac
      at=$at/$c
      if [ ! -d "./$c" ]; then
        if [ -e "./$c" ] || [ -L "./$c" ]; then fail "'$at' is not a directory"; fi
        case $m in
        07[0-7][0-7])
          # the rest is new too: one mkdir -p makes it all, each with MODE
          # through the umask (MODE has u=rwx, as -p's parents get); the
          # walk below still enters and checks each
          new=./$c
          for x do case $x in '' | .) ;; *) new=$new/$x;; esac; done
          x=${m#0}; y=${x#?}
          umask "0$((7 - ${x%??}))$((7 - ${y%?}))$((7 - ${x#??}))"
          e=$(mkdir -p -- "$new" 2>&1) && made=${made:-$at} || [ -d "$new" ] ||
            fail "cannot create directory '$at': $(why "$e")";;
        *)
          # -m: the mode as given, not reduced by the umask; no chmod after
          e=$(mkdir -m "$m" -- "./$c" 2>&1) && made=${made:-$at} || [ -d "./$c" ] ||
            fail "cannot create directory '$at': $(why "$e")";;
        esac
      fi
      cd -P -- "./$c" 2>/dev/null || fail "cannot enter '$at'"
      inside
    done
    [ -z "$made" ] || printf 'made %s\n' "$made"
    exit 0
  fi
  mk() {
    [ -d "$1" ] && return 0
    if [ -e "$1" ] || [ -L "$1" ]; then fail "'$1' is not a directory"; fi
    [ -z "${1%/*}" ] || mk "${1%/*}"
    e=$(mkdir -m "$m" -- "$1" 2>&1) && made=${made:-$1} || [ -d "$1" ] ||
      fail "cannot create directory '$1': $(why "$e")"
  }
  mk "$3"
  [ -z "$made" ] || printf 'made %s\n' "$made" ;;
stage)
  p=$2 t=./$3
  case $3 in */*) fail "'$3' is not a temporary file's name";; .*.migready-*) ;; *) fail "'$3' is not a temporary file's name";; esac
  fault stage
  [ -z "$1" ] || root "$1"
  # the file is made in the directory entered, whatever its path becomes
  cd -P -- "${p%/*}/" 2>/dev/null ||
    fail "cannot create a temporary file in the directory: no such directory"
  [ -z "$1" ] || inside
  # Made with O_EXCL (noclobber: no file, and no link, may be at the name)
  # on a descriptor that stays open: given its mode and written through it,
  # never by a name that the directory's owner (nova in its ~/.ssh) could
  # have swapped since for a link, or a hard link to another file.
  set -C
  if ! { command exec 3>"$t"; } 2>/dev/null; then
    e=$( : 2>&1 >"$t" ); fail "cannot create a temporary file in the directory: $(why "$e")"
  fi
  set +C
  # 0600 whatever a default ACL of the directory grants (it overrides the
  # umask): another user could write the file before the commit hashed it
  e=$(chmod 600 /proc/self/fd/3 2>&1) || { rm -f -- "$t"; fail "chmod: $(why "$e")"; }
  if [ $# -ge 4 ]; then printf %s "$4" >&3; else cat >&3; fi || { rm -f -- "$t"; fail "write failed"; }
  exec 3>&-
  # not synced here: the commit syncs every staged file in one process
  # before its renames, and gives it its owner and mode
  printf '%s\n' "${p%/*}/${t#./}" ;;
unstage)
  rm -f -- "$1" ;;
*) fail "unknown operation '$op'" ;;
esac
