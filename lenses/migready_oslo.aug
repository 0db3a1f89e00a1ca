(*
Module: Migready_oslo
  nova.conf and the other INI files of OpenStack services, as read by
  oslo.config's iniparser (oslo_config/iniparser.py):
  - "[name]" starts a section; the name is everything between the brackets;
  - "key = value" or "key: value" (split at the first "=" or ":");
  - a line that starts with "#" or ";" is a comment; "#" or ";" anywhere
    else, e.g. in a password inside transport_url, is part of the value;
  - a line that starts with blanks continues the value above it;
  - a key may repeat (multi-valued options), and so may a section.
  What oslo.config refuses, this lens refuses too: an assignment before the
  first section, a line without "=" or ":", an indented line that follows a
  blank line, a comment or a section header, "[]".

About: Tree shape (migready's C engine relies on exactly this)
  - "# text" or "; text" -> { "#comment" = "text" }, the value being the
    text after "#" or ";" and the blanks that follow, without trailing
    blanks.  "#live_migration_uri = <None>" gives
    { "#comment" = "live_migration_uri = <None>" }.  A line holding only
    "#" or ";" (and blanks) makes no node, like a blank line; both
    round-trip.
  - comments before the first section are top-level "#comment" nodes.
  - "[libvirt]" -> { "libvirt" ... }, no value; its comments and entries are
    its children.
  - "key = value" -> { "key" = "value" }, the value stripped of the blanks
    around it.  Continuation lines belong to the value, verbatim: the line
    break and the leading blanks of each continuation line are in it.
    "key =" gives { "key" } (no value); to write an empty value, set the
    node's value to NULL.
      [DEFAULT]
      # Example
      my_ip = 10.0.0.1
      -> { "DEFAULT" { "#comment" = "Example" } { "my_ip" = "10.0.0.1" } }
  - Blank lines make no node, except those before the first node, and a
    file of nothing but blank lines: they make one hidden node (no label,
    so no path matches it), kept so that they round-trip.

About: Layout handling
  Every node owns the line break (and any blank lines) that come BEFORE it,
  not the one after it; the file's final line break, if any, is owned by no
  node.  Hence a file without a final newline round-trips, and an entry
  appended to it still starts on a line of its own.  New nodes are written
  as "key = value" and "# text"; a new section as "[name]", after a blank
  line unless it is the first thing in the file.  A line that moves to or
  from the very first place of the file is rewritten in that default layout.
  A value set by the C engine must not start or end with blanks, and each
  of its line breaks must be followed by blanks (a continuation line); a
  value that breaks these rules is refused when the tree is written.

About: Differences from oslo.config
  - CR-LF line ends are not accepted (oslo.config strips the CR).
  - Keys containing "/", section names containing "]" or "/" or starting
    with "#" are not accepted (they cannot be Augeas labels).

About: Speed
  Augeas parses by matching regular expressions with sub-match registers,
  which glibc does at roughly 1,000 instructions per byte; the text of
  every node is matched once per level of nesting plus once for the whole
  file.  Debian's full sample nova.conf (350 KB) therefore takes about as
  long as with the stock IniFile lenses (0.1 to 0.2 s), and even a lens
  with one flat node per line needs a third of that.  Load only this
  module (AUG_NO_MODL_AUTOLOAD): compiling every lens costs 0.4 to 0.6 s.

About: License
  GPL-2.0-or-later, like migready.
*)
module Migready_oslo =

(************************************************************************
 * Group: Line structure
 ************************************************************************)

(* A line that carries nothing: blanks, or a lone "#" or ";" *)
let blank_line = /[ \t]*|[#;][ \t]*/

(* View: blank_prefix
   Blank lines before the first node: a hidden node (no label), so that
   they survive when nodes are added to a file that had none *)
let blank_prefix = [ del (blank_line . "\n")+ "\n" ]

(* View: blank_file
   A file with nothing but blank lines: one hidden node, as an empty tree
   would be written back as an empty file *)
let blank_file =
  [ del ((blank_line . "\n")+ . blank_line | /[ \t]+|[#;][ \t]*/) "\n" ]

(* View: lead_first
   Nothing comes before the first node *)
let lead_first = del // ""

(* View: lead
   What comes before every other node: its line break and blank lines *)
let lead = del ("\n" . (blank_line . "\n")*) "\n"

(* View: lead_section
   Same as <lead>; a new section gets a blank line before it *)
let lead_section = del ("\n" . (blank_line . "\n")*) "\n\n"

(* View: final
   The file's last line break and trailing blank lines *)
let final = del ("\n" . blank_line)* "\n"

(* The text of one line, without the blanks around it *)
let line_text = /[^ \t\n]([^\n]*[^ \t\n])?/

(************************************************************************
 * Group: Comments and entries
 ************************************************************************)

(* View: comment
   A comment after HEAD (<lead_first> or <lead>) *)
let comment (head:lens) =
  [ head . label "#comment" . del /[#;][ \t]*/ "# " . store line_text
    . del /[ \t]*/ "" ]

let key_re = /[^ \t\n#;=:\/[]([^\n=:\/]*[^ \t\n=:\/])?/

(* A continuation line, with the end of the line before it *)
let continuation = /[ \t]*\n[ \t]+/ . line_text

(* A value starts on the key's line, or on the next line when the key's
   line has nothing after "=" *)
let value_re = (line_text | /\n[ \t]+/ . line_text) . continuation*

(* View: entry
   An entry after HEAD *)
let entry (head:lens) =
  [ head . key key_re . del /[ \t]*[=:]/ " ="
    . ( del /[ \t]*/ " " . store value_re )?
    . del /[ \t]*/ "" ]

(************************************************************************
 * Group: Sections and the file
 ************************************************************************)

let section_re = /[^]#\n\/][^]\n\/]*/

(* View: section *)
let section (head:lens) =
  [ head . Util.del_str "[" . key section_re . Util.del_str "]"
    . del /[ \t]*/ ""
    . ( comment lead | entry lead )* ]

(* View: lns *)
let lns =
  let sections = (section lead_section)* in
    blank_prefix?
    . ( comment lead_first . (comment lead)* . sections
      | section lead_first . sections )
    . final
  | blank_file?
