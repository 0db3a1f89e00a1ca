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

(* RHEL 8/9's mpathconf file: keywords the stock lens does not know *)
test lns get "defaults {\n\tuser_friendly_names yes\n\tfind_multipaths yes\n\tenable_foreign \"^$\"\n}\n\nblacklist_exceptions {\n        property \"(SCSI_IDENT_|ID_WWN)\"\n}\n" =
  { "defaults" { "user_friendly_names" = "yes" } { "find_multipaths" = "yes" }
               { "enable_foreign" = "^$" } }
  {}
  { "blacklist_exceptions" { "property" = "(SCSI_IDENT_|ID_WWN)" } }

(* any "keyword value" line: multipathd only warns about one it does not know *)
test lns get "defaults {\n find_multipaths_timeout -10\n recheck_wwid yes\n auto_resize grow_map\n max_sectors_kb 1024\n detect_pgpolicy no\n ghost_delay 0\n marginal_pathgroups fpin\n skip_kpartx yes\n some_future_keyword \"a b\"\n}\n" =
  { "defaults" { "find_multipaths_timeout" = "-10" } { "recheck_wwid" = "yes" }
               { "auto_resize" = "grow_map" } { "max_sectors_kb" = "1024" }
               { "detect_pgpolicy" = "no" } { "ghost_delay" = "0" }
               { "marginal_pathgroups" = "fpin" } { "skip_kpartx" = "yes" }
               { "some_future_keyword" = "a b" } }

(* overrides (multipath.conf(5)), with a protocol subsection *)
test lns get "overrides {\n\tuser_friendly_names no\n\tprotocol {\n\t\ttype scsi:fcp\n\t\tdev_loss_tmo 60\n\t}\n}\n" =
  { "overrides" { "user_friendly_names" = "no" }
                { "protocol" { "type" = "scsi:fcp" } { "dev_loss_tmo" = "60" } } }

(* the brace alone on the next line, which multipathd takes *)
test lns get "defaults\n{\n\tuser_friendly_names yes\n}\n" =
  { "defaults" { "user_friendly_names" = "yes" } }

(* a comment after a value or a brace *)
test lns get "defaults { # ours\n\tuser_friendly_names yes # was no\n} # end\n" =
  { "defaults" { "user_friendly_names" = "yes" } }

(* edits of these files stay lossless *)
test lns put "defaults\n{\n\tfind_multipaths yes\n\tuser_friendly_names \"yes\" # was no\n\tenable_foreign \"^$\"\n}\n"
  after set "defaults/user_friendly_names" "no" =
  "defaults\n{\n\tfind_multipaths yes\n\tuser_friendly_names \"no\" # was no\n\tenable_foreign \"^$\"\n}\n"
test lns put "overrides {\n\tno_path_retry queue\n}\n"
  after set "defaults/user_friendly_names" "no" =
  "overrides {\n\tno_path_retry queue\n}\ndefaults {\nuser_friendly_names no\n}\n"

(* protocol as a setting of blacklist and blacklist_exceptions (multipathd's
   ble_blist_protocol_handler), a comment holding a quote after a value
   (multipathd reads nothing after # or ! outside quotes), a comment
   between a block's name and its brace: all read, kept byte for byte *)
test lns get "blacklist {\n\tprotocol \"scsi:fcp\"\n\tdevice {\n\t\tvendor X\n\t}\n}\nblacklist_exceptions {\n\tprotocol nvme\n}\n" =
  { "blacklist" { "protocol" = "scsi:fcp" } { "device" { "vendor" = "X" } } }
  { "blacklist_exceptions" { "protocol" = "nvme" } }
test lns get "defaults {\n\tuser_friendly_names no # was \"yes\"\n\talias_prefix \"mp\" ! \"x\"\n}\n" =
  { "defaults" { "user_friendly_names" = "no" } { "alias_prefix" = "mp" } }
test lns get "defaults # ours\n{\n\tuser_friendly_names no\n}\ndevices\n# arrays\n\n{\n\tdevice ! one\n\t# its brace\n\t{\n\t\tvendor X\n\t}\n}\n" =
  { "defaults" { "user_friendly_names" = "no" } }
  { "devices" { "device" { "vendor" = "X" } } }
test lns put "defaults # ours \"x\"\n# here\n{\n\tuser_friendly_names yes # was \"no\"\n}\nblacklist {\n\tprotocol \"scsi:fcp\"\n}\n"
  after set "defaults/user_friendly_names" "no" =
  "defaults # ours \"x\"\n# here\n{\n\tuser_friendly_names no # was \"no\"\n}\nblacklist {\n\tprotocol \"scsi:fcp\"\n}\n"
(* a quoted value holding # or !, then a comment with quotes: the value
   is what the quotes hold; a lone quote in a comment after a value is
   refused, as it would let a quoted value be read as a bare one *)
test lns get "multipaths {\n\tmultipath {\n\t\talias \"a #b\" # c \"d\"\n\t\twwid \"x!\"\n\t}\n}\n" =
  { "multipaths" { "multipath" { "alias" = "a #b" } { "wwid" = "x!" } } }
test lns get "defaults {\n\tuser_friendly_names no # 12\" disks\n}\n" = *
