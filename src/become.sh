# The SSH transport's file operations under become: run through
# sudo -n -u USER by /bin/sh on the host, one operation per run, its data
# as positional arguments (never spliced into this text). A failure prints
# "error MESSAGE" as its last line and exits 1. Operations:
#   stat PATH            "absent", or lstat as "MODE UID GID SIZE MTIME"
#                        (MODE in hex, with the file type bits)
#   read CAP PATH        "absent", or the lstat line; for a symbolic link,
#                        then the stat line of its target, or "dangling";
#                        then for a regular file of at most CAP bytes,
#                        "data" and its first CAP+1 bytes
#   realpath PATH        the canonical path; nothing for an absent one
#   mkdir MODE PATH      creates the missing directories, each with MODE
#   stage MODE UID GID PATH
#                        standard input into a new ".NAME.migready-XXXXXX"
#                        beside PATH, owner UID:GID ('-' keeps the become
#                        user's) then MODE, fsync'd; prints its path
#   unstage TMP          removes a staged file
LC_ALL=C; export LC_ALL; umask 077
fail() { printf 'error %s\n' "$*"; exit 1; }
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
  m=$1
  mk() {
    [ -d "$1" ] && return 0
    if [ -e "$1" ] || [ -L "$1" ]; then fail "'$1' is not a directory"; fi
    [ -z "${1%/*}" ] || mk "${1%/*}"
    if e=$(mkdir -- "$1" 2>&1); then chmod -- "$m" "$1" || fail "chmod '$1' failed"
    elif [ ! -d "$1" ]; then fail "cannot create directory '$1': $(why "$e")"; fi
  }
  mk "$2" ;;
stage)
  m=$1 u=$2 g=$3 p=$4
  n=${p##*/}
  t=$(mktemp -- "${p%/*}/.$n.migready-XXXXXX" 2>&1) ||
    fail "cannot create a temporary file in the directory: $(why "$t")"
  cat > "$t" || { rm -f -- "$t"; fail "write failed"; }
  o=; [ "$u" = - ] || o=$u; [ "$g" = - ] || o="$o:$g"
  # owner first: chown may clear set-id bits that chmod then sets
  if [ -n "$o" ] && ! e=$(chown -- "$o" "$t" 2>&1); then
    rm -f -- "$t"; fail "cannot give the new file the owner of the old one: $(why "$e")"
  fi
  chmod -- "$m" "$t" || { rm -f -- "$t"; fail "chmod failed"; }
  # sync FILE is fsync(2) since coreutils 8.24; before, all of it
  sync -- "$t" 2>/dev/null || sync
  printf '%s\n' "$t" ;;
unstage)
  rm -f -- "$1" ;;
*) fail "unknown operation '$op'" ;;
esac
