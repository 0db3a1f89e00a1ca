(*
Module: Migready_multipath
  multipath.conf as multipathd reads it: the stock Multipath lens's tree,
  but a section's keyword may touch its brace ("defaults{") or stand on
  the line before it ("defaults\n{"), which multipathd takes and the stock
  lens refuses; any "keyword value" line is a setting (multipathd only
  warns about a keyword it does not know, and the stock lens's list lags
  behind: find_multipaths_timeout, enable_foreign...), overrides and
  protocol are sections, and a comment may end a line.

About: Layout handling
  What is not edited is written back byte for byte; a new section is
  written "name {", a new setting "keyword value", as the stock lens
  writes them.
*)
module Migready_multipath =

(* blanks, or none, between a section's keyword and its brace; or the
   brace alone on a later line, after a comment, blank or comment lines
   (multipathd skips them) *)
let ws = del /[ \t]*(([#!][^\n]*)?\n([ \t]*([#!][^\n]*)?\n)*[ \t]*)?/ " "

(* a brace may end its line with a comment (# or !) *)
let obr = del /\{[ \t]*([#!][^\n]*)?\n/ "{\n"
let cbr = del /[ \t]*\}[ \t]*([#!][^\n]*)?\n/ "}\n"

(* a value as multipathd takes it: a word, or what double quotes hold
   (quotes around a word kept as they are, as the stock lens does); what
   follows on the line it ignores (with a warning), and so is it kept here,
   unless it holds a quote, which would make the line's reading ambiguous;
   a comment (from # or !) may hold them in pairs (one alone would let
   a quoted value be read as a bare one); no setting has a section's
   keyword, but blacklist's protocol is a setting *)
let sections = /defaults|blacklist(_exceptions)?|devices?|multipaths?|overrides|protocol/

let setting_key (k:regexp) =
  let word = /[^" \t\n{}#!]+/ in
  let bare = del /"?/ "" . store word . del /"?/ "" in
  let quoted = Util.del_str "\"" . store /([^"\n]*[ \t{}#!][^"\n]*)?/ . Util.del_str "\"" in
  let line (v:lens) =
    [ Util.indent . key k . Sep.space . v
      . del /([ \t]+[^"#!\n]*)?([#!]([^"\n]*"[^"\n]*")*[^"\n]*)?\n/ "\n" ] in
  line bare | line quoted

let setting = setting_key (/[A-Za-z0-9_]+/ - sections)

let section (n:regexp) (b:lens) =
  [ Util.indent . key n . ws . obr . (b|Util.empty|Util.comment)* . cbr ]

let protocol = section "protocol" setting

let device = section "device" (setting|protocol)

let defaults = section "defaults" setting

let overrides = section "overrides" (setting|protocol)

let blacklist = section /blacklist(_exceptions)?/ (setting|setting_key "protocol"|device)

let multipath = section "multipath" setting

let multipaths = section "multipaths" multipath

let devices = section "devices" device

let lns = (Util.comment|Util.empty|defaults|blacklist|devices|multipaths|overrides)*
