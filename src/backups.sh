# The backups of a host: list or prune the run directories under
# ROOT/var/lib/migready/backups, never following a symbolic link and never
# leaving the root. Arguments (data only, never spliced into this text):
#   list ROOT
#   prune ROOT KEEP_DAYS KEEP_RUNS CURRENT
# list prints "run ID" for each run directory, then "seq N" if it has a
# number, then "manifest" and its MANIFEST's lines each prefixed "m ", if
# it has one ("cut" for one over 1 MiB). prune removes the directories
# older than KEEP_DAYS days (by mtime; never the last: the newest stays)
# and all but the KEEP_RUNS newest (as rollback orders them: by number,
# then by the time in the id, its millisecond, its pid), never CURRENT
# (0: no limit); it prints "pruned ID" or "failed ID" for each. Both end
# with "done"; "error MSG" on a refusal.
LC_ALL=C; export LC_ALL
mode=$1; root=$2; b=/var/lib/migready/backups
if [ -n "$root" ]; then
  cd -P -- "$root" 2>/dev/null || { echo "error the root $root is not a directory"; exit 1; }
  root=$PWD
fi
[ -e "$root$b" ] || [ -L "$root$b" ] || { echo done; exit 0; }
cd -P -- "$root$b" 2>/dev/null || { echo "error cannot enter $b"; exit 1; }
case "$PWD/" in "${root%/}/"*) ;; *) echo "error a symbolic link leads $b out of the root"; exit 1;; esac
pat='[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]T[0-9][0-9][0-9][0-9][0-9][0-9]Z-*'
# run NAME: a run directory of ours (STAMP-PID-MS, as
# mr_backup_run_id_valid reads one: a copy named RUN-2 is none), not a link
run() {
  case ${1#*Z-} in *[!0-9-]* | -* | *- | *-*-*) return 1;; *-*) ;; *) return 1;; esac
  [ -d "./$1" ] && [ ! -L "./$1" ]
}
# seq_of ID: in s, the run's number, 0 if it has none: the line "# seq N"
# its commit added to its MANIFEST under the host's lock, in the order
# the host saw the runs (the ids hold the controllers' clocks, which may
# differ). read_seqs first: one grep for every run.
seqs=
read_seqs() {
  [ -z "$seqs" ] || return 0
  seqs='|'
  while IFS= read -r l; do
    d=${l#./}; d=${d%%/MANIFEST:*}
    case $d in $pat) run "$d" && seqs="$seqs$d ${l##* }|";; esac
  done <<EOF2
$(grep -s -H -m 1 -x '# seq [1-9][0-9]\{0,14\}' -- ./*/MANIFEST)
EOF2
}
seq_of() { s=0; case $seqs in *"|$1 "*) s=${seqs#*"|$1 "}; s=${s%%|*};; esac; }
if [ "$mode" = list ]; then
  # the MANIFESTs over 1 MiB, one find for all: "cut" instead of their
  # lines (a cut last line could read as a shorter path)
  big='|'
  for f in $(find . -mindepth 2 -maxdepth 2 -name MANIFEST -size +1048576c 2>/dev/null); do
    f=${f#./}; big="$big${f%/MANIFEST}|"
  done
  read_seqs
  for d in $pat; do
    run "$d" || continue
    echo "run $d"
    seq_of "$d"; [ "$s" = 0 ] || echo "seq $s"
    if [ -f "./$d/MANIFEST" ] && [ ! -L "./$d/MANIFEST" ]; then
      case $big in *"|$d|"*) echo cut; continue;; esac
      echo manifest
      head -c 1048576 "./$d/MANIFEST" | sed 's/^/m /'; echo
    fi
  done
  echo done; exit 0
fi
[ "$mode" = prune ] || { echo "error unknown mode $mode"; exit 1; }
days=$3; keep=$4; cur=$5; n=0; i=0
set --
for d in $pat; do run "$d" && n=$((n+1)) && { [ "$d" = "$cur" ] || set -- "$@" "./$d"; }; done
# sorted: "SEQ STAMP MS PID ID" for each run, oldest first, as
# mr_backup_run_cmp orders them: by number (none: 0, first), then by id.
# An id is STAMP-PID-MS: two runs of one second are ordered by MS, then
# PID, not by name ("-10234-" sorts before "-9867-").
sorted() {
  read_seqs
  for d in $pat; do
    run "$d" || continue
    seq_of "$d"
    r=${d#*Z-}; p=${r%%-*}; m=${r#"$p"}; m=${m#-}
    printf '%s %s %s %s %s\n' "$s" "${d%%Z-*}" "${m:-0}" "${p:-0}" "$d"
  done | sort -k1,1n -k2,2 -k3,3n -k4,4n
}
# the runs older than KEEP_DAYS but CURRENT, one find for all (an id is
# [0-9TZ-]: no blank, no glob character)
aged='|'; na=0
if [ "$days" -gt 0 ] && [ $# -gt 0 ]; then
  for d in $(find "$@" -prune -mmin +$((days*1440)) 2>/dev/null); do aged="$aged${d#./}|"; na=$((na+1)); done
fi
# Age never takes the last run: where it would take them all (a host
# that converged long ago, an apply that made no run), the newest is
# spared, the one a rollback would undo. A sort only where there are
# several.
spare=
if [ "$na" -gt 0 ] && [ "$na" = "$n" ]; then
  if [ "$n" = 1 ]; then spare=${aged#|}; spare=${spare%|}
  else newest=$(sorted | tail -n 1); spare=${newest##* }
  fi
fi
# the runs beyond the KEEP_RUNS newest (CURRENT counts, and stays): one
# sort, and only when there are too many
over='|'
if [ "$keep" -gt 0 ] && [ "$n" -gt "$keep" ]; then
  ids=$(sorted)
  while read -r _ _ _ _ d; do
    [ $i -lt $((n-keep)) ] || break
    i=$((i+1)); over="$over$d|"
  done <<EOF2
$ids
EOF2
fi
for d in $pat; do
  run "$d" || continue
  [ "$d" != "$cur" ] && [ "$d" != "$spare" ] || continue
  old=
  case $over$aged in *"|$d|"*) old=1;; esac
  [ -n "$old" ] || continue
  if rm -rf -- "./$d" 2>/dev/null; then echo "pruned $d"; else echo "failed $d"; fi
done
echo done
