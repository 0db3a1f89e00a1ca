(*
Module: Migready_exports
  /etc/exports as exportfs reads it (exports(5)): the stock Exports lens,
  plus lines continued with a backslash, a comment after an entry and
  options with no client. exportfs reads a backslash at the
  end of a line, the line break and the blanks that follow as one blank;
  so does this lens, between the path and a client and between clients.

About: Tree shape (the stock Exports lens's, which migready's C engine
  relies on)
  - "/srv a(rw,sync) b" -> { "dir" = "/srv" { "client" = "a"
    { "option" = "rw" } { "option" = "sync" } } { "client" = "b" } }
  - "# text" -> { "#comment" = "text" }; blank lines make no node.
  - "/srv -ro,sync a b(rw)" (a word starting with "-": the line's default
    options, which every client after it takes before its own, its own
    winning) -> { "dir" = "/srv" { "defaults" = "ro,sync" }
    { "client" = "a" } { "client" = "b" { "option" = "rw" } } }
    A "defaults" node has the options as one value, "-" left out; it
    stands among the clients, where the word stands.

About: Layout handling
  The blanks and continuations between words are kept as they are, so an
  entry not edited is written back byte for byte; a new entry, or a new
  client, is written on one line with single blanks.

  - "/pub (ro)" (options with no client: the world's) -> { "dir" = "/pub"
    { "client" = "" { "option" = "ro" } } }
  - "/srv a # text" -> { "dir" = "/srv" { "client" = "a" }
    { "#comment" = "text" } }
  - "  /srv" (blanks before the path, no client: exportfs exports it to
    every host with its default options) -> { "dir" = "/srv" }

About: Default options (exportfs's getexportent)
  exportfs reads a "-" word anywhere on the line, not only first, and
  adds its options to the defaults of the clients after it; the word
  after it is a client whatever it starts with ("/srv -ro -x": a client
  "-x"). A "-" word ending the line exports the path to every host with
  those defaults, as a path alone does: "/srv a -ro" ->
  { "dir" = "/srv" { "client" = "a" } { "defaults" = "ro" } }.

About: Limitations
  A continuation inside a client's parentheses is not read; exportfs
  refuses it too ("bad option list").
*)
module Migready_exports =

(* a client does not start with "-": that word is the line's defaults *)
let client_re = /[][a-zA-Z0-9.@*?\/:][][a-zA-Z0-9.@*?\/:-]*/

(* the word after a defaults word, which exportfs takes as a client
   whatever it starts with *)
let taken_re = /[][a-zA-Z0-9.@*?\/:-]+/

(* a blank, or a backslash ending the line *)
let sep_spc = del /([ \t]|(\\\\\n))+/ " "

(* an option ends at a blank, as exportfs's word does (the stock lens
   let one run over lines up to the next ")") *)
let option = [ label "option" . store /[^,) \t\n]*/ ]

let options = Util.del_str "(" . Build.opt_list option Sep.comma . Util.del_str ")"

(* options with no name before them are the world's, as exportfs reads
   them (it warns, and exports to "*"): a client whose value is "" *)
let client_named (re:regexp) = [ label "client" . store re . options? ]
                             | [ label "client" . store // . options ]

let client = client_named client_re

(* "-ro,sync": the options of the clients after it, as one value; a
   backslash ending the line is a blank to exportfs, not the word's *)
let defaults = [ label "defaults" . Util.del_str "-" . store /[^ \t\n\\]*/ ]

(* a defaults word followed by a client, or a client *)
let item = client | defaults . sep_spc . client_named taken_re

(* a backslash in the path is its own ("\040" for a blank), unless it
   ends the line *)
let dir_re = /([^ \t\n#\\\\]|\\\\[^ \t\n])+/

(* a last line continued into a blank one: exportfs ends the entry there *)
let eol = del /([ \t]|(\\\\\n))*\n/ "\n"

(* a comment after the entry, a blank before its "#" (exportfs refuses
   one touching a client's options): it runs to the line's end, which
   ends the entry, a backslash there or not *)
let comment_eol = [ label "#comment" . del /([ \t]|(\\\\\n))+#[ \t]*/ " # "
                    . store /([^ \t\n][^\n]*)?/ . Util.del_str "\n" ]

(* blanks before the path, which exportfs skips; and a path with no
   client, which it exports to every host with its default options *)
let entry = [ Util.indent . label "dir" . store dir_re
              . ( sep_spc . Build.opt_list item sep_spc )? . ( sep_spc . defaults )?
              . ( comment_eol | eol ) ]

let lns = (Util.empty | Util.comment | entry)*
