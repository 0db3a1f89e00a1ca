(*
Module: Migready_libvirt
  The libvirt configuration file format (libvirtd.conf, qemu.conf,
  virtproxyd.conf, virtqemud.conf, virtlogd.conf, ...), as read by
  libvirt's src/util/virconf.c.

  Unlike libvirt's own lenses, which list every known key, this lens is
  generic: any key matching [A-Za-z_][A-Za-z0-9_]* parses, so a file written
  for a newer libvirt never makes migready fail.

About: Tree shape (migready's C engine relies on exactly this)
  - "# text" (a full-line comment, possibly indented)
       -> { "#comment" = "text" }
    The value is the text after "#" and the blanks that follow it, without
    trailing blanks.  "#listen_tcp = 1" -> { "#comment" = "listen_tcp = 1" }.
    A line holding only "#" (and blanks) makes no node, like a blank line;
    both round-trip.
  - "key = value" -> { "key" = "value" }, the value being the raw text as
    written: 1, -1, "none" or 'none' (quotes included; the C code quotes
    and unquotes).  A trailing "# note" on the same line becomes a child
    { "#comment" = "note" }.
  - "key = [ "a", "b" ]", on one line or many:
       -> { "key" { "1" = ""a"" } { "2" = ""b"" } }
    The node has no value; items (strings or numbers) are numbered from 1
    (seq) and keep their quotes; comments between items are "#comment"
    children.  "[]" gives a node with no children.  A comment after the
    closing "]" is kept in the text but makes no node.
  - Blank lines make no node, except those before the first node, and a
    file of nothing but blank lines: they make one hidden node (no label,
    so no path matches it), kept so that they round-trip.

About: Layout handling
  Every node owns the line break (and any blank lines) that come BEFORE it,
  not the one after it; the file's final line break, if any, is owned by no
  node.  Hence a file without a final newline round-trips, and an entry
  appended to it still starts on a line of its own:
    "a = 1" + set "b" "2" -> "a = 1\nb = 2"
  New nodes are written as "key = value", "# text" and "key = [ "a", "b" ]".
  A line that moves to or from the very first place (a node inserted before
  it, or the node before it removed) is rewritten in that default layout.

About: Differences from virconf.c
  Accepted here, refused by libvirt: comments inside lists; keys starting
  with "_"; a backslash-escaped quote \" inside "..." (so "a\" is taken
  as unterminated, where libvirt reads the string a\).
  Refused here, accepted by libvirt: ";" as a statement separator
  ("a = 1; b = 2"); CR-LF line ends.
  Both refuse unquoted words as values ("listen_tcp = yes").

About: License
  GPL-2.0-or-later, like migready.
*)
module Migready_libvirt =

(************************************************************************
 * Group: Line structure
 ************************************************************************)

(* A line that carries nothing: blanks, maybe a lone "#" *)
let blank_line = /[ \t]*(#[ \t]*)?/

(* View: blank_prefix
   Blank lines before the first node: a hidden node (no label), so that
   they survive when nodes are added to a file that had none *)
let blank_prefix = [ del (blank_line . "\n")+ "\n" ]

(* View: blank_file
   A file with nothing but blank lines: one hidden node, as an empty tree
   would be written back as an empty file *)
let blank_file =
  [ del ((blank_line . "\n")+ . blank_line | /[ \t]+|[ \t]*#[ \t]*/) "\n" ]

(* View: lead_first
   What comes before the first node: its indentation *)
let lead_first = del /[ \t]*/ ""

(* View: lead
   What comes before every other node: its line break, blank lines,
   indentation *)
let lead = del ("\n" . (blank_line . "\n")* . /[ \t]*/) "\n"

(* View: final
   The file's last line break and trailing blank lines *)
let final = del ("\n" . blank_line)* "\n"

(************************************************************************
 * Group: Comments
 ************************************************************************)

let comment_text = /[^ \t\n]([^\n]*[^ \t\n])?/

(* View: comment_body
   "# text" without its line break *)
let comment_body =
  label "#comment" . del /#[ \t]*/ "# " . store comment_text
  . del /[ \t]*/ ""

(* View: comment_inline
   "# note" after a value *)
let comment_inline =
  [ label "#comment" . del /[ \t]*#[ \t]*/ " # " . store comment_text ]

(************************************************************************
 * Group: Values
 ************************************************************************)

let number = /[-+]?[0-9]+/
let dquoted = /"([^"\\\n]|\\\\[^\n])*"/
let squoted = /'[^'\n]*'/
let tquoted = /"""([^"]|"[^"]|""[^"])*"""/
let scalar = number | dquoted | squoted | tquoted

(* Blanks, line breaks and lone "#" lines inside a list *)
let lsp = /([ \t\n]|#[ \t]*\n)*/

(* View: list_comment
   A comment inside a list; COMMA says whether a "," comes before it *)
let list_comment (comma:regexp) (dflt:string) =
  [ label "#comment" . del (lsp . comma . lsp . /#[ \t]*/) dflt
    . store comment_text . del /[ \t]*\n/ "\n" ]

(* View: list_item *)
let list_item (comma:regexp) (dflt:string) =
  [ seq "item" . del (lsp . comma . lsp) dflt . store scalar ]

(* View: list
   "[" items "]".  After an item, the "," that separates it from the next
   item is owned by whatever comes next: the next item, or the first comment
   after it.  So appending an item after the last one adds a "," before it,
   whatever the last item looked like. *)
let list =
  let comma = lsp . "," in
  let plain_comment = list_comment // " # " in
  let comma_comment = list_comment comma ", # " in
  let first_item = list_item // " " in
  let plain_item = list_item // " " in
  let comma_item = list_item comma ", " in
  let trailing = list_comment (comma?) ", # " . plain_comment*
               | del (comma?) "" in
  let items = plain_comment*
            . first_item
            . ( comma_item | comma_comment . plain_comment* . plain_item )*
            . trailing
            . del lsp " " in
  let no_items = plain_comment* . del lsp "" in
  counter "item" . Util.del_str "[" . (items | no_items) . Util.del_str "]"

(************************************************************************
 * Group: Entries
 ************************************************************************)

let key_re = /[A-Za-z_][A-Za-z0-9_]*/

(* View: node_of
   The three kinds of node, each after HEAD (<lead_first> or <lead>) *)
let node_of (head:lens) =
  let assign = key key_re . del /[ \t]*=[ \t]*/ " = " in
  let scalar_entry = assign . store scalar
                   . ( comment_inline . del /[ \t]*/ ""
                     | del /[ \t]*(#[ \t]*)?/ "" ) in
  let list_entry = assign . list . del /[ \t]*(#[^\n]*)?/ "" in
    [ head . comment_body ]
  | [ head . scalar_entry ]
  | [ head . list_entry ]

(************************************************************************
 * Group: The file
 ************************************************************************)

(* View: lns *)
let lns = blank_prefix? . node_of lead_first . (node_of lead)* . final
        | blank_file?
