(*
Module: Migready_multipath
  multipath.conf as multipathd reads it: the stock Multipath lens, whose
  settings and tree this reuses, but a section's keyword may touch its
  brace ("defaults{"), which multipathd takes and the stock lens refuses.

About: Layout handling
  What is not edited is written back byte for byte; a new section is
  written "name {", as the stock lens writes it.
*)
module Migready_multipath =

(* blanks, or none, between a section's keyword and its brace *)
let ws = del /[ \t]*/ " "

let section (n:regexp) (b:lens) =
  [ Multipath.ikey n . ws . Multipath.obr . (b|Util.empty|Util.comment)* . Multipath.cbr ]

let device =
  let setting = Multipath.qstr /vendor|product|product_blacklist|hardware_handler|alias_prefix/
              | Multipath.default_setting in
  section "device" setting

let defaults = section "defaults" Multipath.default_setting

let blacklist =
  let setting = Multipath.qstr /devnode|wwid|property/ | device in
  section /blacklist(_exceptions)?/ setting

let multipath =
  let setting = Multipath.kv "wwid" (Rx.word|"*")
              | Multipath.qstr "alias"
              | Multipath.common_setting in
  section "multipath" setting

let multipaths = section "multipaths" multipath

let devices = section "devices" device

let lns = (Util.comment|Util.empty|defaults|blacklist|devices|multipaths)*
