(*
Module: Test_migready_exports
  Tests for Migready_exports, /etc/exports with continued lines.
  Run with: augparse -I lenses lenses/tests/test_migready_exports.aug
*)
module Test_migready_exports =

let lns = Migready_exports.lns

(* The stock lens's shape *)
test lns get "# exports\n\n/srv a(rw,sync) b\n" =
  { "#comment" = "exports" }
  { }
  { "dir" = "/srv" { "client" = "a" { "option" = "rw" } { "option" = "sync" } }
    { "client" = "b" } }

(* A backslash ending a line joins it to the next, blanks and all *)
test lns get "/srv/x \\\n   10.0.0.0/24(rw)\n" =
  { "dir" = "/srv/x" { "client" = "10.0.0.0/24" { "option" = "rw" } } }

test lns get "/srv/x\\\n\t10.0.0.0/24(rw) \\\n  \\\n  h1 h2(ro)\n" =
  { "dir" = "/srv/x" { "client" = "10.0.0.0/24" { "option" = "rw" } }
    { "client" = "h1" } { "client" = "h2" { "option" = "ro" } } }

(* The last client continued into a blank line: the entry ends there *)
test lns get "/srv a(rw) \\\n\n/b c\n" =
  { "dir" = "/srv" { "client" = "a" { "option" = "rw" } } }
  { "dir" = "/b" { "client" = "c" } }
test lns put "/srv a(rw) \\\n\n" after set "dir/client" "b" = "/srv b(rw) \\\n\n"

(* A backslash inside the path is the path's (an octal escape) *)
test lns get "/srv/my\\040dir h(rw)\n" =
  { "dir" = "/srv/my\\040dir" { "client" = "h" { "option" = "rw" } } }

(* What exportfs would not read either: a line ending in a lone
   continuation, a client's options over two lines, continued or not
   ("bad option list"), a comment touching them *)
test lns get "/srv \\\n" = *
test lns get "/srv h(rw,\n  sync)\n" = *
test lns get "/srv h(rw,\\\n  sync)\n" = *
test lns get "/srv h(rw, \\\n sync)\n" = *
test lns get "/srv h(rw, sync)\n" = *
test lns get "/srv h(rw)# nova\n" = *

(* Options with no client: the world's, as exportfs reads them (it warns
   and exports to "*"), anywhere on the line *)
test lns get "/srv (ro)\n" =
  { "dir" = "/srv" { "client" = "" { "option" = "ro" } } }
test lns get "/srv a (rw) b(ro)\n" =
  { "dir" = "/srv" { "client" = "a" } { "client" = "" { "option" = "rw" } }
    { "client" = "b" { "option" = "ro" } } }
test lns put "/srv  (ro,sync)\n" after set "dir/client/option[1]" "rw" =
  "/srv  (rw,sync)\n"

(* A comment after the entry: a blank before it; it ends the entry, a
   backslash at its end or not *)
test lns get "/srv a(rw) # nova\n" =
  { "dir" = "/srv" { "client" = "a" { "option" = "rw" } } { "#comment" = "nova" } }
test lns get "/srv \\\n  a(rw)\t#nova (x) # y \\\n/b c\n" =
  { "dir" = "/srv" { "client" = "a" { "option" = "rw" } } { "#comment" = "nova (x) # y \\" } }
  { "dir" = "/b" { "client" = "c" } }
test lns get "/srv a(rw) #\n" =
  { "dir" = "/srv" { "client" = "a" { "option" = "rw" } } { "#comment" = "" } }
test lns put "/srv a(rw)   #  nova  \n" after set "dir/client/option" "ro" =
  "/srv a(ro)   #  nova  \n"
(* a client added before the comment: the comment stays where it was *)
test lns put "/srv a(rw)\t# nova\n" after
  insa "client" "dir/client";
  set "dir/client[2]" "b" =
  "/srv a(rw) b\t# nova\n"

(* Not edited: written back byte for byte *)
test lns put "/srv/x \\\n   10.0.0.0/24(rw) \\\n   h(ro)\n/y z\n" after
  set "dir[2]/client" "w" =
  "/srv/x \\\n   10.0.0.0/24(rw) \\\n   h(ro)\n/y w\n"

(* An option changed on a continued line: the layout stays *)
test lns put "/srv/x \\\n   10.0.0.0/24(rw)\n" after
  set "dir/client/option" "ro" =
  "/srv/x \\\n   10.0.0.0/24(ro)\n"

(* A new client, a new entry: on one line *)
test lns put "/srv/x \\\n   a(rw)\n" after
  set "dir/client[2]" "b";
  set "dir/client[2]/option" "rw";
  set "dir[2]" "/new";
  set "dir[2]/client" "10.20.0.0/255.255.255.0";
  set "dir[2]/client/option[1]" "rw";
  set "dir[2]/client/option[2]" "no_root_squash" =
  "/srv/x \\\n   a(rw) b(rw)\n/new 10.20.0.0/255.255.255.0(rw,no_root_squash)\n"

(* Blanks before the path, which exportfs skips; kept as they are *)
test lns get "  /srv 10.0.0.0/24(rw)\n\t/b c\n" =
  { "dir" = "/srv" { "client" = "10.0.0.0/24" { "option" = "rw" } } }
  { "dir" = "/b" { "client" = "c" } }
test lns put "  /srv a(rw)\n" after set "dir/client" "b" = "  /srv b(rw)\n"

(* A path with no client (exportfs exports it to every host, with its
   default options, and warns), alone or before a comment; a client
   added goes after the path, before the comment *)
test lns get "/srv\n/b  \t\n/c # site's\n" =
  { "dir" = "/srv" } { "dir" = "/b" } { "dir" = "/c" { "#comment" = "site's" } }
test lns put "/srv # site's\n" after
  insb "client" "dir/#comment" ; set "dir/client" "a" = "/srv a # site's\n"

(* Default options: a word starting with "-" is the line's defaults, which
   the clients after it take (exports(5)); "-ro,sync" is read whole *)
test lns get "/srv -ro\n" =
  { "dir" = "/srv" { "defaults" = "ro" } }
test lns get "/srv -ro,sync a b(rw)\n" =
  { "dir" = "/srv" { "defaults" = "ro,sync" } { "client" = "a" }
    { "client" = "b" { "option" = "rw" } } }
test lns get "/srv \\\n  -ro,no_root_squash \\\n  10.0.0.0/24(rw) # nova\n" =
  { "dir" = "/srv" { "defaults" = "ro,no_root_squash" }
    { "client" = "10.0.0.0/24" { "option" = "rw" } } { "#comment" = "nova" } }
test lns get "/srv -\n" = { "dir" = "/srv" { "defaults" = "" } }

(* exportfs reads a "-" word after a client too: the clients after it
   take it, on top of the earlier ones; one ending the line exports the
   path to every host with the defaults *)
test lns get "/srv a(rw) -async b -ro\n" =
  { "dir" = "/srv" { "client" = "a" { "option" = "rw" } } { "defaults" = "async" }
    { "client" = "b" } { "defaults" = "ro" } }
(* the word after a defaults word is a client to exportfs, "-" or not *)
test lns get "/srv -ro -sync a\n" =
  { "dir" = "/srv" { "defaults" = "ro" } { "client" = "-sync" } { "client" = "a" } }
test lns get "/srv -ro (rw)\n" =
  { "dir" = "/srv" { "defaults" = "ro" } { "client" = "" { "option" = "rw" } } }
test lns get "/srv a -sync -ro\n" =
  { "dir" = "/srv" { "client" = "a" } { "defaults" = "sync" } { "client" = "-ro" } }
(* a continuation is a blank to exportfs, not the word's *)
test lns get "/srv -ro\\\n a\n" =
  { "dir" = "/srv" { "defaults" = "ro" } { "client" = "a" } }

(* Not edited: written back byte for byte; a client's option edited
   after the defaults, and one added before the last "-" word *)
test lns put "/srv  -ro,sync\ta \\\n  b(rw)\n" after
  set "dir/client[1]" "a" = "/srv  -ro,sync\ta \\\n  b(rw)\n"
test lns put "/srv -ro,sync a b(ro)\n" after
  set "dir/client[2]/option" "rw" = "/srv -ro,sync a b(rw)\n"
test lns put "/srv a -ro\n" after
  insa "client" "dir/client";
  set "dir/client[2]" "b";
  set "dir/client[2]/option" "rw" = "/srv a b(rw) -ro\n"
test lns put "/srv -ro\n" after
  insb "client" "dir/defaults";
  set "dir/client" "b" = "/srv b -ro\n"
