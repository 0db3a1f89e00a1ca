(*
Module: Migready_exports
  /etc/exports as exportfs reads it (exports(5)): the stock Exports lens,
  plus lines continued with a backslash. exportfs reads a backslash at the
  end of a line, the line break and the blanks that follow as one blank;
  so does this lens, between the path and a client and between clients.

About: Tree shape (the stock Exports lens's, which migready's C engine
  relies on)
  - "/srv a(rw,sync) b" -> { "dir" = "/srv" { "client" = "a"
    { "option" = "rw" } { "option" = "sync" } } { "client" = "b" } }
  - "# text" -> { "#comment" = "text" }; blank lines make no node.

About: Layout handling
  The blanks and continuations between words are kept as they are, so an
  entry not edited is written back byte for byte; a new entry, or a new
  client, is written on one line with single blanks.

About: Limitations (the stock lens's)
  Options without a client ("/pub (ro)"), blanks before the path, a
  continuation inside a client's parentheses and a comment after an entry
  are not read.
*)
module Migready_exports =

let client_re = /[][a-zA-Z0-9.@*?\/:-]+/

(* a blank, or a backslash ending the line *)
let sep_spc = del /([ \t]|(\\\\\n))+/ " "

(* an option ends at a blank, as exportfs's word does (the stock lens
   let one run over lines up to the next ")") *)
let option = [ label "option" . store /[^,) \t\n]*/ ]

let client = [ label "client" . store client_re .
               ( Util.del_str "(" . Build.opt_list option Sep.comma
                 . Util.del_str ")" )? ]

(* a backslash in the path is its own ("\040" for a blank), unless it
   ends the line *)
let dir_re = /([^ \t\n#\\\\]|\\\\[^ \t\n])+/

(* a last line continued into a blank one: exportfs ends the entry there *)
let eol = del /([ \t]|(\\\\\n))*\n/ "\n"

let entry = [ label "dir" . store dir_re
              . sep_spc . Build.opt_list client sep_spc . eol ]

let lns = (Util.empty | Util.comment | entry)*
