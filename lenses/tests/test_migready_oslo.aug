(*
Module: Test_migready_oslo
  Tests for Migready_oslo, the oslo.config INI lens (nova.conf).
  Run with: augparse -I lenses lenses/tests/test_migready_oslo.aug
*)
module Test_migready_oslo =

let lns = Migready_oslo.lns

(************************************************************************
 * Group: Comments, blank lines, sections
 ************************************************************************)

test lns get "# nova.conf written by hand
;  old-style comment

[DEFAULT]
#
# From nova.conf
#

#my_ip = <host_ipv4>
my_ip = 10.0.0.11
[libvirt]   \n;live_migration_uri = <None>\n" =
  { "#comment" = "nova.conf written by hand" }
  { "#comment" = "old-style comment" }
  { "DEFAULT"
    { "#comment" = "From nova.conf" }
    { "#comment" = "my_ip = <host_ipv4>" }
    { "my_ip" = "10.0.0.11" } }
  { "libvirt"
    { "#comment" = "live_migration_uri = <None>" } }

(* Blank lines before the first line are a hidden node *)
test lns get "\n\n[DEFAULT]\n" = { } { "DEFAULT" }

(* A file of blank lines and empty comments round-trips *)
test lns get "\n#\n;\n" = { }
test lns put "\n#\n  \n" after rm "x" = "\n#\n  \n"
test lns put "" after rm "x" = ""

(* Trailing blanks in a comment are kept, outside the value *)
test lns put "[A]\n# note  \t\n" after set "A/#comment" "note" = "[A]\n# note  \t\n"

(************************************************************************
 * Group: Entries
 ************************************************************************)

(* "=" or ":", with or without blanks; the value is stripped *)
test lns get "[DEFAULT]
compute_driver=libvirt.LibvirtDriver
state_path : /var/lib/nova
instances_path =   /var/lib/nova/instances   \t
password = root \n" =
  { "DEFAULT"
    { "compute_driver" = "libvirt.LibvirtDriver" }
    { "state_path" = "/var/lib/nova" }
    { "instances_path" = "/var/lib/nova/instances" }
    { "password" = "root" } }

(* The first "=" or ":" splits key and value; keys may hold blanks, dots,
   dashes and brackets *)
test lns get "[x]\n]odd = 1\n" = { "x" { "]odd" = "1" } }
test lns get "[api]\nvendordata_dynamic_targets = a@http://x:80/?q=1\nurl: http://h:5000/v3\nmy key.with-dots[0] = x = y\n" =
  { "api"
    { "vendordata_dynamic_targets" = "a@http://x:80/?q=1" }
    { "url" = "http://h:5000/v3" }
    { "my key.with-dots[0]" = "x = y" } }

(* "#" and ";" inside a value are part of it *)
test lns get "[DEFAULT]\ntransport_url = rabbit://nova:p#ss;w0rd@ctl:5672/ # not a comment\n" =
  { "DEFAULT"
    { "transport_url" = "rabbit://nova:p#ss;w0rd@ctl:5672/ # not a comment" } }

(* An empty value: a node without value; quotes are kept *)
test lns get "[libvirt]\ncpu_models =\nvirt_type=  \nimages_type = \"\"\n" =
  { "libvirt"
    { "cpu_models" }
    { "virt_type" }
    { "images_type" = "\"\"" } }

(* Repeated keys (multi-valued options) and repeated sections *)
test lns get "[DEFAULT]\ndhcpbridge_flagfile = /a\ndhcpbridge_flagfile = /b\n[pci]\nalias = {\"name\": \"a\"}\n[DEFAULT]\ndebug = true\n" =
  { "DEFAULT"
    { "dhcpbridge_flagfile" = "/a" }
    { "dhcpbridge_flagfile" = "/b" } }
  { "pci"
    { "alias" = "{\"name\": \"a\"}" } }
  { "DEFAULT"
    { "debug" = "true" } }

(************************************************************************
 * Group: Continuation lines
 ************************************************************************)

(* A line starting with blanks continues the value above, even when it
   starts with "#"; the value keeps line breaks and indentation *)
test lns get "[filter]
enabled_filters = ComputeFilter,
    ImagePropertiesFilter,   \n\t# not a comment
next = 1
" =
  { "filter"
    { "enabled_filters" = "ComputeFilter,\n    ImagePropertiesFilter,   \n\t# not a comment" }
    { "next" = "1" } }

(* A value may start on the next line *)
test lns get "[A]\nkey =\n   first\n   second\n" =
  { "A" { "key" = "\n   first\n   second" } }

(* Writing a value over several lines *)
test lns put "[A]\nkey = a\n" after set "A/key" "a,\n  b" = "[A]\nkey = a,\n  b\n"

(************************************************************************
 * Group: Files without a final newline
 ************************************************************************)

test lns get "[libvirt]\nvirt_type = kvm" =
  { "libvirt" { "virt_type" = "kvm" } }

test lns get "[libvirt]" = { "libvirt" }

(* Appended entries and sections start on a line of their own *)
test lns put "[libvirt]\nvirt_type = kvm" after set "libvirt/cpu_mode" "custom" =
  "[libvirt]\nvirt_type = kvm\ncpu_mode = custom"
test lns put "[libvirt]" after set "libvirt/cpu_mode" "custom" =
  "[libvirt]\ncpu_mode = custom"
test lns put "[DEFAULT]\n#debug = false" after set "workarounds/foo" "x" =
  "[DEFAULT]\n#debug = false\n\n[workarounds]\nfoo = x"

(************************************************************************
 * Group: Changing the tree
 ************************************************************************)

(* New entries, new sections *)
test lns put "" after set "workarounds/foo" "x" = "[workarounds]\nfoo = x\n"
test lns put "[libvirt]\nvirt_type = kvm\n" after set "libvirt/cpu_mode" "custom" =
  "[libvirt]\nvirt_type = kvm\ncpu_mode = custom\n"
test lns put "[DEFAULT]\ndebug = true\n" after set "workarounds/foo" "x" =
  "[DEFAULT]\ndebug = true\n\n[workarounds]\nfoo = x\n"
test lns put "# header\n" after set "DEFAULT/debug" "true" =
  "# header\n\n[DEFAULT]\ndebug = true\n"
test lns put "\n\n" after set "DEFAULT/debug" "true" =
  "\n\n[DEFAULT]\ndebug = true\n"

(* A new entry right after its commented default, before the next
   section *)
test lns put "[libvirt]
#
# CPU mode.
#  (string value)
#cpu_mode = <None>

#cpu_models =

[neutron]
" after insa "cpu_mode" "libvirt/#comment[3]" ; set "libvirt/cpu_mode" "custom" =
"[libvirt]
#
# CPU mode.
#  (string value)
#cpu_mode = <None>
cpu_mode = custom

#cpu_models =

[neutron]
"

(* Appending to a section that is followed by another *)
test lns put "[A]\na = 1\n\n[B]\nb = 2\n" after set "A/c" "3" =
  "[A]\na = 1\nc = 3\n\n[B]\nb = 2\n"

(* Changing values keeps the layout *)
test lns put "[A]\nkey   :   old   \n" after set "A/key" "new" = "[A]\nkey   :   new   \n"
test lns put "[A]\nkey =\n" after set "A/key" "v" = "[A]\nkey = v\n"
test lns put "[A]\nkey = v\n" after clear "A/key" = "[A]\nkey =\n"

(* Removing *)
test lns put "[A]\na = 1\n\nb = 2\n[B]\nc = 3\n" after rm "A/b" = "[A]\na = 1\n[B]\nc = 3\n"
test lns put "[A]\na = 1\n\n[B]\nc = 3\n" after rm "B" = "[A]\na = 1\n"

(* A section that becomes the first one keeps its entries as they were *)
test lns put "[A]\na=1\n[B]\nb=2\n" after rm "A" = "[B]\nb=2\n"
test lns put "[A]\na=1\n" after insb "B" "A" ; set "B/x" "1" = "[B]\nx = 1\n\n[A]\na=1\n"

(* A value cannot start or end with blanks, nor hold a line that does not
   start with one *)
test lns put "[A]\n" after set "A/a" " x" = *
test lns put "[A]\n" after set "A/a" "x\ny" = *

(************************************************************************
 * Group: Malformed input must not parse (oslo.config refuses it too)
 ************************************************************************)

(* Assignment before the first section *)
test lns get "debug = true\n[DEFAULT]\n" = *
(* The Essex flag-file format *)
test lns get "--verbose\n--state_path=/var/lib/nova\n" = *
(* No "=" or ":" *)
test lns get "[DEFAULT]\nverbose\n" = *
(* Empty key *)
test lns get "[DEFAULT]\n= x\n" = *
(* Continuation after a blank line, a comment or a section header *)
test lns get "[A]\na = 1\n\n  b\n" = *
test lns get "[A]\na = 1\n   \n  b\n" = *
test lns get "[A]\n# c\n  b\n" = *
test lns get "[A]\n  b = 1\n" = *
(* Bad section headers *)
test lns get "[]\n" = *
test lns get "[A] # comment\n" = *
test lns get "[A\n" = *
test lns get "  [A]\n" = *
