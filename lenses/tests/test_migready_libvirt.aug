(*
Module: Test_migready_libvirt
  Tests for Migready_libvirt, the generic libvirt *.conf lens.
  Run with: augparse -I lenses lenses/tests/test_migready_libvirt.aug
*)
module Test_migready_libvirt =

let lns = Migready_libvirt.lns

(************************************************************************
 * Group: Comments and blank lines
 ************************************************************************)

(* The value of a comment is the text after "#" and the blanks after it;
   blank lines and lone "#" lines make no node *)
test lns get "# Master libvirt daemon configuration file
#

#listen_tcp = 1
   #	indented, with a tab  \t
\t
" =
  { "#comment" = "Master libvirt daemon configuration file" }
  { "#comment" = "listen_tcp = 1" }
  { "#comment" = "indented, with a tab" }

(* Blank lines and empty comments before the first node are one hidden
   node (no label: no path matches it) *)
test lns get "\n#\n  # \n\na = 1\n" = { } { "a" = "1" }
(* So is a file of nothing else; it round-trips and keeps its lines when
   entries are added *)
test lns get "\n#\n  # \n\n" = { }
test lns put "\n#\n  # \n\n" after rm "x" = "\n#\n  # \n\n"
test lns put "\n\n" after set "a" "1" = "\n\na = 1\n"
test lns put "" after rm "x" = ""

(************************************************************************
 * Group: Scalar values
 ************************************************************************)

(* Values keep their quotes; any key name parses *)
test lns get "listen_tls = 0
listen_tcp=1
tcp_port = \"16509\"
auth_tcp =\t'none'
max_queued = -1
min_workers = +5
some_key_from_libvirt_12 = \"x\"
_private = 1
" =
  { "listen_tls" = "0" }
  { "listen_tcp" = "1" }
  { "tcp_port" = "\"16509\"" }
  { "auth_tcp" = "'none'" }
  { "max_queued" = "-1" }
  { "min_workers" = "+5" }
  { "some_key_from_libvirt_12" = "\"x\"" }
  { "_private" = "1" }

(* Indented entries; empty strings; a "#" inside a string is no comment *)
test lns get "  user = \"qemu\"\ngroup = \"\"\nvnc_password = \"a#b\"\n" =
  { "user" = "\"qemu\"" }
  { "group" = "\"\"" }
  { "vnc_password" = "\"a#b\"" }

(* A backslash-escaped double quote inside a string *)
test lns get "log_filters = \"1:qemu \\\"x\\\" 3:remote\"\n" =
  { "log_filters" = "\"1:qemu \\\"x\\\" 3:remote\"" }

(* A triple-quoted string may span lines *)
test lns get "text = \"\"\"one\ntwo \"quoted\" \"\"\"\nnext = 1\n" =
  { "text" = "\"\"\"one\ntwo \"quoted\" \"\"\"" }
  { "next" = "1" }

(* A comment after a value is a child of the entry; a bare "#" is kept *)
test lns get "listen_tcp = 1   # enabled for migration\nlisten_tls = 0 #\nx = 2#tight\n" =
  { "listen_tcp" = "1"
    { "#comment" = "enabled for migration" } }
  { "listen_tls" = "0" }
  { "x" = "2"
    { "#comment" = "tight" } }

(************************************************************************
 * Group: Lists
 ************************************************************************)

test lns get "cgroup_controllers = [ \"cpu\", \"devices\" ]\nnamespaces = []\n" =
  { "cgroup_controllers"
    { "1" = "\"cpu\"" }
    { "2" = "\"devices\"" } }
  { "namespaces" }

(* Over many lines, with comments, blank lines and a trailing comma *)
test lns get "cgroup_device_acl = [
    \"/dev/null\", \"/dev/full\",
    # the input devices of the passed-through mouse
    \"/dev/input/event5\",

#    \"/dev/userfaultfd\",
    \"/dev/rtc\",\"/dev/hpet\",
]
" =
  { "cgroup_device_acl"
    { "1" = "\"/dev/null\"" }
    { "2" = "\"/dev/full\"" }
    { "#comment" = "the input devices of the passed-through mouse" }
    { "3" = "\"/dev/input/event5\"" }
    { "#comment" = "\"/dev/userfaultfd\"," }
    { "4" = "\"/dev/rtc\"" }
    { "5" = "\"/dev/hpet\"" } }

(* The closing bracket alone on the next line; a comment before the first
   item and after the last; numbers as items *)
test lns get "nvram = [ \"/a.fd:/b.fd\"\n]\nl = [ # first\n 1, 2 # last\n]\n" =
  { "nvram"
    { "1" = "\"/a.fd:/b.fd\"" } }
  { "l"
    { "#comment" = "first" }
    { "1" = "1" }
    { "2" = "2" }
    { "#comment" = "last" } }

(* A lone "#" in a list is like a blank line *)
test lns get "l = [\n  #\n  \"a\",\n#\n]\n" = { "l" { "1" = "\"a\"" } }

(* A list holding only comments *)
test lns get "l = [\n  # \"x\"\n]\n" =
  { "l" { "#comment" = "\"x\"" } }

(* A comment after the closing bracket is kept, but makes no node *)
test lns put "l = [ \"a\" ] # note\n" after set "l/2" "\"b\"" =
  "l = [ \"a\", \"b\" ] # note\n"

(* Appending to a list adds the separating comma, with or without a
   trailing comma or a comment after the last item *)
test lns put "l = [\n  \"a\",\n  \"b\"\n]\n" after set "l/3" "\"c\"" =
  "l = [\n  \"a\",\n  \"b\", \"c\"\n]\n"
test lns put "l = [\n  \"a\",\n]\n" after set "l/2" "\"b\"" =
  "l = [\n  \"a\", \"b\",\n]\n"
test lns put "l = [ \"a\" # c\n]\n" after set "l/2" "\"b\"" =
  "l = [ \"a\", # c\n \"b\"]\n"
test lns put "l = []\n" after set "l/1" "\"a\"" = "l = [ \"a\" ]\n"

(* Removing items keeps the list valid *)
test lns put "l = [ \"a\", \"b\", \"c\" ]\n" after rm "l/2" = "l = [ \"a\", \"c\" ]\n"
test lns put "l = [ \"a\", \"b\" ]\n" after rm "l/1" = "l = [ \"b\" ]\n"

(* A new list *)
test lns put "" after set "acl/1" "\"/dev/null\"" ; set "acl/2" "\"/dev/kvm\"" =
  "acl = [ \"/dev/null\", \"/dev/kvm\" ]\n"

(************************************************************************
 * Group: Files without a final newline
 ************************************************************************)

test lns get "# c\nlisten_tcp = 1" =
  { "#comment" = "c" }
  { "listen_tcp" = "1" }

test lns get "l = [ \"a\" ]  " = { "l" { "1" = "\"a\"" } }

(* An appended entry starts on a line of its own *)
test lns put "listen_tcp = 1" after set "listen_tls" "0" =
  "listen_tcp = 1\nlisten_tls = 0"
test lns put "# last comment" after set "listen_tls" "0" =
  "# last comment\nlisten_tls = 0"

(************************************************************************
 * Group: Changing the tree
 ************************************************************************)

(* A new entry in an empty file, and at the end of a file *)
test lns put "" after set "listen_tcp" "1" = "listen_tcp = 1\n"
test lns put "a = 1\n\n" after set "listen_tcp" "1" = "a = 1\nlisten_tcp = 1\n\n"

(* A new entry right after its commented default *)
test lns put "# Listen for unencrypted TCP connections
#listen_tcp = 1

# Override the port
#tcp_port = \"16509\"
" after insa "listen_tcp" "#comment[2]" ; set "listen_tcp" "1" =
"# Listen for unencrypted TCP connections
#listen_tcp = 1
listen_tcp = 1

# Override the port
#tcp_port = \"16509\"
"

(* A new comment, and a new entry before the first line *)
test lns put "a = 1\n" after insb "#comment" "a" ; set "#comment" "set by migready" =
  "# set by migready\na = 1\n"

(* Changing a value keeps the layout and the trailing comment *)
test lns put "  auth_tcp   =  \"sasl\"   # was sasl\n" after set "auth_tcp" "\"none\"" =
  "  auth_tcp   =  \"none\"   # was sasl\n"

(* Removing an entry takes its line with it *)
test lns put "a = 1\nb = 2\n\nc = 3\n" after rm "b" = "a = 1\n\nc = 3\n"
test lns put "a = 1\n\nb = 2\nc = 3\n" after rm "b" = "a = 1\nc = 3\n"

(* A line that becomes the first one is rewritten in the default layout;
   its value and trailing comment stay *)
test lns put "a = 1\n\n  b=2 # x\n" after rm "a" = "b = 2 # x\n"
test lns put "a = 1\n" after insb "z" "a" ; set "z" "0" = "z = 0\na = 1\n"

(* An unquoted word is not a libvirt value, nor is a line break *)
test lns put "" after set "a" "yes" = *
test lns put "" after set "a" "\"x\ny\"" = *

(************************************************************************
 * Group: Malformed input must not parse
 ************************************************************************)

test lns get "a = \"unterminated\n" = *
test lns get "a = 'unterminated\n" = *
test lns get "a = \"\"\"unterminated\n" = *
test lns get "a = \"x\"\"\n" = *
test lns get "a = [ \"x\", \"y\"\n" = *
test lns get "a = [ \"x\" \"y\" ]\n" = *
test lns get "a = [ \"x\",, \"y\" ]\n" = *
test lns get "a = yes\n" = *
test lns get "a =\n" = *
test lns get "a\n" = *
test lns get "1a = 1\n" = *
test lns get "a = 1; b = 2\n" = *
test lns get "a = 1 b\n" = *
test lns get "a = [ [ \"x\" ] ]\n" = *
