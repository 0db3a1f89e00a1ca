# A running firewall rule that a run inserted, removed by a rollback
# (rollback.c): that rule and no other. Arguments (data only, never
# spliced into this text):
#   iptables|ip6tables CHAIN SPEC...  removed with -D and the same SPEC,
#                                     if -C finds it
#   nft FAMILY TABLE CHAIN RULE...    removed by its handle, found again by
#                                     the rule's exact text in the chain
# Two rules alike (one added by hand since): neither is removed, as which
# one the run added cannot be told. Exit 0: removed; 3: not there any
# more, nothing removed; any other: failed, the output says why.
LC_ALL=C; export LC_ALL
kind=$1; shift
case $kind in
iptables | ip6tables)
  chain=$1; shift
  "$kind" -w -C "$chain" "$@" 2>/dev/null || { echo 'not there any more: nothing removed'; exit 3; }
  n=$("$kind" -w -S "$chain" 2>/dev/null | grep -cxF -e "-A $chain $*")
  [ "${n:-0}" -le 1 ] || { echo "$n rules read '$*': none removed (which one the run added cannot be told)"; exit 4; }
  exec "$kind" -w -D "$chain" "$@";;
nft)
  fam=$1 table=$2 chain=$3; shift 3; want=$*
  list=$(nft -a list chain "$fam" "$table" "$chain" 2>&1) || { printf '%s\n' "$list"; exit 1; }
  n=0; h=
  # read without IFS= drops the indentation
  while read -r l; do
    case $l in *' # handle '*) ;; *) continue;; esac
    [ "${l% \# handle *}" = "$want" ] || continue
    n=$((n+1)); h=${l##* \# handle }
  done <<END
$list
END
  case $n in
  0) echo 'not there any more: nothing removed'; exit 3;;
  1) exec nft delete rule "$fam" "$table" "$chain" handle "$h";;
  *) echo "$n rules read '$want': none removed (which one the run added cannot be told)"; exit 4;;
  esac;;
*) echo "unknown kind of rule $kind"; exit 2;;
esac
