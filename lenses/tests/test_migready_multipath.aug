(*
Module: Test_migready_multipath
  Tests for Migready_multipath, multipath.conf with "defaults{".
  Run with: augparse -I lenses lenses/tests/test_migready_multipath.aug
*)
module Test_migready_multipath =

let lns = Migready_multipath.lns

(* The stock lens's tree *)
test lns get "# header\ndefaults {\n\tuser_friendly_names no\n}\n" =
  { "#comment" = "header" }
  { "defaults" { "user_friendly_names" = "no" } }

(* A keyword touching its brace, at every depth *)
test lns get "defaults{\n  user_friendly_names yes\n}\nmultipaths{\n  multipath{\n    wwid 3600a0b8\n    alias \"data1\"\n  }\n}\n" =
  { "defaults" { "user_friendly_names" = "yes" } }
  { "multipaths" { "multipath" { "wwid" = "3600a0b8" } { "alias" = "data1" } } }

test lns get "blacklist{\n  device{\n    vendor \"X\"\n  }\n}\ndevices\t{\n  device{\n    vendor DGC\n  }\n}\n" =
  { "blacklist" { "device" { "vendor" = "X" } } }
  { "devices" { "device" { "vendor" = "DGC" } } }

(* What multipathd would not read either *)
test lns get "defaults{ user_friendly_names no }\n" = *
test lns get "defaults{\n" = *

(* A value changed: the layout stays byte for byte *)
test lns put "defaults{\n    user_friendly_names yes\n}\nmultipaths{\n    multipath{\n        wwid 3600a0b8\n    }\n}\n"
  after set "defaults/user_friendly_names" "no" =
  "defaults{\n    user_friendly_names no\n}\nmultipaths{\n    multipath{\n        wwid 3600a0b8\n    }\n}\n"

(* A new section: "name {" *)
test lns put "multipaths{\n}\n" after set "defaults/user_friendly_names" "no" =
  "multipaths{\n}\ndefaults {\nuser_friendly_names no\n}\n"
