#!/usr/bin/env python3
"""Runs every example and DIAGNOSTICS sample of the man pages and the README
and compares what the page shows with what the binary prints.

  run-examples.py MIGREADY SOURCE_DIR PKGDATADIR PAGE...

PAGE is a generated man page (the build's, with its prefix) or README.md.
Markers, invisible in the rendered page:

  .\\" run ID [status=N,...] [setup=NAME] [needs=TOOL] [map=FROM:TO]...
      before a .Bd -literal display; in the README, a fenced block opened
      with "```console run ID [options]". Each line starting with "$ " is a
      command (a line ending in a backslash continues it); the lines below
      it, up to the next command, are its output, compared exactly (after
      the normalisations below). A command without output lines shown has
      its output not compared. status= gives each command's exit status in
      order (default 0); it is always compared.
  .\\" diag ID [status=N] [setup=NAME] [needs=TOOL]: COMMAND
      before the .It Li "MESSAGE" of a DIAGNOSTICS entry: COMMAND must exit
      N and print (stdout and stderr together) a line that is MESSAGE, where
      each <word> stands for any text (runs of blanks compare as one).
  .\" file ID NAME [options][: COMMAND]
      before a .Bd -literal display of a file (a profile, an inventory):
      the display is written to NAME in the directory of every later sample
      of the page; with COMMAND, COMMAND is run there at once and must exit
      with status= (default 0).

Every display of an EXAMPLES section and every entry of a DIAGNOSTICS
section must carry a marker. Commands run with bash in a fresh copy of a
prepared directory (setup_workspace) with the build's migready first in
PATH; PKGDATADIR/profiles is that directory's profiles/. Output is compared
after replacing run IDs with RUN-ID and the directory's path with WORK; a
"..." in a shown line stands for any text. A sample whose tool (needs=) is
missing is skipped, and under CI=true fails.
"""
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

MIGREADY, SRC, PKGDATADIR = sys.argv[1:4]
PAGES = sys.argv[4:]
MIGREADY = os.path.abspath(MIGREADY)
CI = os.environ.get("CI") == "true"
RUN_ID = re.compile(r"\d{8}T\d{6}Z-\d+-\d{3}")

passed = failed = skipped = 0
file_ids = []


def ok(name):
    global passed
    passed += 1
    print(f"ok - {name}")


def not_ok(name, detail=""):
    global failed
    failed += 1
    print(f"not ok - {name}")
    for line in detail.splitlines():
        print(f"#   {line}")


def skip(name, why):
    global skipped
    if CI:
        not_ok(f"{name}: cannot run under CI: {why}")
    else:
        skipped += 1
        print(f"ok - {name} # SKIP {why}")


def sh(cmd, cwd, env=None):
    return subprocess.run(["bash", "-c", cmd], cwd=cwd, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, errors="replace")


# --- the prepared directory ------------------------------------------------

def hosttree(world, dest):
    """The bundled host's configuration files, with WORLD's systemd and
    packaging layer (tests/lib/hosttree.sh), or none."""
    for d in ("etc/libvirt", "etc/nova"):
        shutil.copytree(os.path.join(SRC, "examples", "host", d), os.path.join(dest, d))
    if world:
        r = sh(f'. "{SRC}/tests/lib/hosttree.sh" && hosttree {world} {shlex.quote(dest)}', ".")
        if r.returncode:
            raise RuntimeError(r.stdout)
        # a compute node: nova's package made its user ([nfs] gives it the
        # instances directory)
        for name, line in (("passwd", "nova:x:64060:64060::/var/lib/nova:/bin/sh\n"),
                           ("group", "nova:x:64060:\n")):
            with open(os.path.join(dest, "etc", name), "a") as f:
                f.write(line)


INVENTORY = """\
[defaults]
user = root
profile = profiles/shared-nfs-tcp.ini

[group compute]
hosts = compute1 compute2

[host compute1]
address = 10.20.0.11
[host compute2]
address = 10.20.0.12
[host nfs1]
address = 10.20.0.5
profile = examples/nfs-server.ini
"""

# Hosts that refuse connections at once: 127.0.0.1, port 1.
UNREACHABLE = """\
[defaults]
port = 1
profile = profiles/base-libvirt.ini
[host compute1]
address = 127.0.0.1
"""

SITE = """\
; site.ini: the base profile, with QEMU run as nova on shared storage
include = profiles/base-libvirt.ini

[qemu]
user = nova
group = nova
dynamic_ownership = no
"""


def setup_workspace(work):
    """The directory every sample runs in: the source tree's profiles and
    examples, host trees of each listener world, two inventories and a
    site profile."""
    shutil.copytree(os.path.join(SRC, "profiles"), os.path.join(work, "profiles"))
    shutil.copytree(os.path.join(SRC, "examples"), os.path.join(work, "examples"), symlinks=True)
    for world, name in (("debian12-socket", "d12"), ("debian10-legacy", "d10"),
                        ("centos7-legacy", "c7"), ("rhel9-modular", "r9"), (None, "bare")):
        hosttree(world, os.path.join(work, name))
    with open(os.path.join(work, "inventory.ini"), "w") as f:
        f.write(INVENTORY)
    with open(os.path.join(work, "unreachable.ini"), "w") as f:
        f.write(UNREACHABLE)
    with open(os.path.join(work, "site.ini"), "w") as f:
        f.write(SITE)
    os.mkdir(os.path.join(work, ".bin"))
    os.mkdir(os.path.join(work, ".run"), 0o700)
    os.symlink(MIGREADY, os.path.join(work, ".bin", "migready"))


def setup(name, work):
    """Named states a sample starts from; returns a process to stop after."""
    if not name:
        return None
    if name == "applied":  # d12 converged to base-libvirt.ini
        r = sh("migready apply -q --local --root d12 -p profiles/base-libvirt.ini", work, ENV(work))
        if r.returncode not in (0, 2):
            raise RuntimeError(r.stdout)
        return None
    if name == "edited":  # applied, then libvirtd.conf edited by hand
        setup("applied", work)
        with open(os.path.join(work, "d12", "etc", "libvirt", "libvirtd.conf"), "a") as f:
            f.write("max_clients = 7\n")
        return None
    if name == "locked":  # another run holds d12's lock
        d = os.path.join(work, "d12", "var", "lib", "migready")
        os.makedirs(d, exist_ok=True)
        # held as a run's probe holds it: its shell's descriptor 9, that
        # shell's pid under the holder's name (one that is not is no run)
        p = subprocess.Popen(["sh", "-c", 'exec 9>>"$1" && flock 9 && '
                              'printf "%s\\n%s\\n" "$3" "$$" > "$2" && exec sleep 30', "sh",
                              os.path.join(d, "lock"), os.path.join(d, "lock.holder"),
                              "migready 20261123T021500Z-4242-137 (pid 4242) since 2026-11-23T02:15:00Z"])
        holder = os.path.join(d, "lock.holder")
        for _ in range(100):
            if os.path.exists(holder) and open(holder).read().count("\n") == 2:
                return p
            import time
            time.sleep(0.05)
        return p
    if name == "runlocked":  # another run of d12 holds the run lock
        import hashlib
        key = "local:" + os.path.realpath(os.path.join(work, "d12"))
        d = os.path.join(work, ".run", "migready")
        os.makedirs(d, mode=0o700, exist_ok=True)
        lock = os.path.join(d, "run-" + hashlib.sha256(key.encode()).hexdigest()[:16] + ".lock")
        with open(lock, "w") as f:
            f.write("migready 20261123T021500Z-4242-137 (pid 4242)\n")
        p = subprocess.Popen(["flock", "-o", lock, "sleep", "30"])
        for _ in range(100):
            if sh(f"flock -n {shlex.quote(lock)} true", work).returncode:
                return p
            import time
            time.sleep(0.05)
        return p
    if name == "bigfile":  # a qemu.conf of 2 MiB
        with open(os.path.join(work, "d12", "etc", "libvirt", "qemu.conf"), "a") as f:
            f.write(("#" * 69 + "\n") * 30400)
        return None
    if name == "badconf":  # a line the lens cannot read
        with open(os.path.join(work, "d12", "etc", "libvirt", "libvirtd.conf"), "a") as f:
            f.write("auth_tcp = = none\n")
        return None
    if name == "novatls":  # nova-compute connects over TLS
        with open(os.path.join(work, "d12", "etc", "nova", "nova.conf"), "a") as f:
            f.write("\n[libvirt]\nlive_migration_scheme = tls\n")
        return None
    if name == "symlink":  # qemu.conf a link to a file beside it
        d = os.path.join(work, "d12", "etc", "libvirt")
        os.rename(os.path.join(d, "qemu.conf"), os.path.join(d, "qemu.conf.real"))
        os.symlink("qemu.conf.real", os.path.join(d, "qemu.conf"))
        return None
    if name == "publickey":  # an inventory whose host has a public address
        with open(os.path.join(work, "public.ini"), "w") as f:
            f.write("[host compute9]\naddress = 203.0.113.9\nprofile = profiles/base-libvirt.ini\n")
        return None
    if name == "badprofile":
        with open(os.path.join(work, "bad.ini"), "w") as f:
            f.write("[libvirtd]\nauth_tcp = password\nlisten_tcp = maybe\n\n[qemu]\n"
                    "migration_port_min = 49300\nmigration_port_max = 49261\n\n[libvirt]\n")
        return None
    if name == "noprofile":
        with open(os.path.join(work, "noprofile.ini"), "w") as f:
            f.write("[host compute1]\naddress = 10.20.0.11\n")
        return None
    raise RuntimeError(f"unknown setup '{name}'")


def ENV(work):
    env = dict(os.environ)
    env["PATH"] = os.path.join(work, ".bin") + os.pathsep + env.get("PATH", "")
    env.pop("NO_COLOR", None)
    env["TERM"] = "dumb"
    env["LC_ALL"] = "C"
    # the run locks (migready(1), FILES): each sample's own
    env["MIGREADY_RUN_DIR"] = os.path.join(work, ".run", "migready")
    return env


# --- reading the pages -----------------------------------------------------

def unescape_mdoc(s):
    s = s.replace("\\e", "\x00").replace("\\&", "").replace("\\-", "-")
    s = s.replace("\\(aq", "'").replace("\\(dq", '"').replace("\\(ti", "~")
    return s.replace("\x00", "\\")


def parse_opts(words):
    opts = {"status": None, "setup": None, "needs": [], "map": []}
    for w in words:
        k, _, v = w.partition("=")
        if k == "status":
            opts["status"] = [int(x) for x in v.split(",")]
        elif k == "setup":
            opts["setup"] = v
        elif k == "needs":
            opts["needs"].append(v)
        elif k == "map":
            a, _, b = v.partition(":")
            opts["map"].append((a, b))
        else:
            raise ValueError(f"unknown option '{w}'")
    return opts


def split_block(lines):
    """Commands and the output shown below each."""
    cmds = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("$ "):
            cmd = line[2:]
            while cmd.endswith("\\") and i + 1 < len(lines):
                i += 1
                cmd = cmd + "\n" + lines[i]
            cmds.append([cmd, []])
        elif cmds:
            cmds[-1][1].append(line)
        i += 1
    return cmds


def read_man(path):
    """(kind, id, opts, payload, where) for each marked sample, and the
    unmarked ones as errors."""
    samples, errors = [], []
    with open(path) as f:
        src = f.read().split("\n")
    name = os.path.basename(path)
    section = None
    pending = None
    carry = []
    i = 0
    while i < len(src):
        line = src[i]
        if line.startswith(".Sh "):
            section = line[4:].strip()
        m = re.match(r'^\.\\" (run|diag|file) (\S+)\s*(.*)$', line)
        if m:
            pending = (m.group(1), m.group(2), m.group(3), i + 1)
            i += 1
            continue
        if line.startswith(".Bd -literal"):
            body = []
            j = i + 1
            while j < len(src) and src[j] != ".Ed":
                body.append(unescape_mdoc(src[j]))
                j += 1
            if pending and pending[0] == "run":
                opts = parse_opts(pending[2].split())
                opts["files"] = list(carry)
                samples.append(("run", f"{name}:{pending[1]}", opts,
                                split_block(body), f"{name}:{pending[3]}"))
                pending = None
            elif pending and pending[0] == "file":
                head, _, cmd = pending[2].partition(": ")
                words = head.split()
                carry.append((words[0], "\n".join(body) + "\n"))
                file_ids.append(f"{name}:{pending[1]}")
                if cmd.strip():
                    opts = parse_opts(words[1:])
                    opts["files"] = list(carry)
                    samples.append(("diag", f"{name}:{pending[1]}", opts, (cmd.strip(), None),
                                    f"{name}:{pending[3]}"))
                pending = None
            elif section == "EXAMPLES":
                errors.append(f"{name}:{i + 1}: an example without a run marker")
            i = j + 1
            continue
        if line.startswith(".It") and section == "DIAGNOSTICS":
            mm = re.match(r'^\.It Li "(.*)"$', line)
            if not (pending and pending[0] == "diag"):
                errors.append(f"{name}:{i + 1}: a diagnostic without a diag marker")
            elif not mm:
                errors.append(f"{name}:{i + 1}: a diagnostic is not .It Li \"...\"")
            else:
                head, _, cmd = pending[2].partition(": ")
                opts = parse_opts(head.split())
                opts["files"] = list(carry)
                samples.append(("diag", f"{name}:{pending[1]}", opts,
                                (cmd.strip(), unescape_mdoc(mm.group(1))),
                                f"{name}:{pending[3]}"))
            pending = None
        i += 1
    return samples, errors


def read_readme(path):
    samples, errors = [], []
    with open(path) as f:
        src = f.read().split("\n")
    i = 0
    while i < len(src):
        m = re.match(r"^```(\S*)\s*(.*)$", src[i])
        if m and src[i] != "```":
            words = m.group(2).split()
            body = []
            j = i + 1
            while j < len(src) and src[j] != "```":
                body.append(src[j])
                j += 1
            if words and words[0] == "run":
                samples.append(("run", f"README.md:{words[1]}", parse_opts(words[2:]),
                                split_block(body), f"README.md:{i + 1}"))
            elif m.group(1) == "console":
                errors.append(f"README.md:{i + 1}: a console block without run")
            i = j + 1
            continue
        i += 1
    return samples, errors


# --- running ---------------------------------------------------------------

def normalise(text, work):
    text = RUN_ID.sub("RUN-ID", text)
    return text.replace(os.path.realpath(work), "WORK").replace(work, "WORK")


def matches(shown, got):
    if "..." not in shown:
        return shown == got
    pat = ".*".join(re.escape(p) for p in shown.split("..."))
    return re.fullmatch(pat, got) is not None


def prepare_cmd(cmd, opts):
    cmd = cmd.replace(PKGDATADIR + "/profiles", "profiles")
    for a, b in opts["map"]:
        cmd = cmd.replace(a, b)
    return cmd


def missing_tools(opts):
    return [t for t in opts["needs"] if shutil.which(t) is None]


def run_sample(kind, sid, opts, payload, where, template):
    miss = missing_tools(opts)
    if miss:
        skip(f"{sid} ({where})", f"needs {', '.join(miss)}")
        return
    work = tempfile.mkdtemp(prefix="migready-ex.")
    proc = None
    try:
        shutil.rmtree(work)
        shutil.copytree(template, work, symlinks=True)
        for fname, content in opts.get("files", []):
            with open(os.path.join(work, fname), "w") as f:
                f.write(prepare_cmd(content, opts))
        proc = setup(opts["setup"], work)
        env = ENV(work)
        if kind == "diag":
            cmd, message = payload
            want = (opts["status"] or [0])[0]
            r = sh(prepare_cmd(cmd, opts), work, env)
            out = normalise(r.stdout, work)
            pat = message and "^" + ".+?".join(
                re.escape(p) for p in re.split(r"<[^<>]+>",
                                               " ".join(message.split()))) + "$"
            hit = message is None or any(re.match(pat, " ".join(l.split()))
                                         for l in out.splitlines())
            if r.returncode != want:
                not_ok(f"{sid} ({where}): exits {want}, got {r.returncode}", f"$ {cmd}\n{out}")
            elif not hit:
                not_ok(f"{sid} ({where}): prints the message", f"$ {cmd}\nwanted: {message}\n{out}")
            else:
                ok(f"{sid}: {message or cmd}")
            return
        status = opts["status"] or []
        if len(status) not in (0, len(payload)):
            not_ok(f"{sid} ({where}): status= names {len(status)} of {len(payload)} commands")
            return
        for n, (cmd, shown) in enumerate(payload):
            want = status[n] if status else 0
            r = sh(prepare_cmd(cmd, opts), work, env)
            got = normalise(r.stdout, work).rstrip("\n").split("\n") if r.stdout else []
            shown = [normalise(s, work) for s in shown]
            while shown and shown[-1] == "":
                shown.pop()
            name = f"{sid} ({where}) $ {cmd.splitlines()[0]}"
            if r.returncode != want:
                not_ok(f"{name}: exits {want}, got {r.returncode}", r.stdout)
            elif shown and (len(shown) != len(got) or
                            not all(matches(s, g) for s, g in zip(shown, got))):
                diff = "\n".join(f"page: {s}\n got: {g}" for s, g in
                                 zip(shown + [""] * len(got), got + [""] * len(shown))
                                 if not matches(s, g))
                not_ok(f"{name}: prints what the page shows", diff)
            else:
                ok(name)
    except Exception as e:  # a setup that broke is the sample's failure
        not_ok(f"{sid} ({where}): {e}")
    finally:
        if proc:
            proc.kill()
            proc.wait()
        shutil.rmtree(work, ignore_errors=True)


def main():
    template = tempfile.mkdtemp(prefix="migready-examples.")
    try:
        setup_workspace(template)
        samples, errors = [], []
        for page in PAGES:
            s, e = read_readme(page) if page.endswith(".md") else read_man(page)
            if not s and not e:
                not_ok(f"{page}: no samples found")
            samples += s
            errors += e
        for e in errors:
            not_ok(e)
        ids = [s[1] for s in samples]
        for d in sorted({x for x in ids if ids.count(x) > 1}):
            not_ok(f"{d}: the id is used twice")
        only = os.environ.get("MR_EXAMPLES_ONLY")  # a regex of ids, to debug
        for s in samples:
            if not only or re.search(only, s[1]):
                run_sample(*s, template)
        n_run = sum(1 for s in samples if s[0] == "run")
        n_cmd = sum(len(s[3]) for s in samples if s[0] == "run")
        n_diag = sum(1 for s in samples if s[0] == "diag" and s[3][1] is not None)
        n_file = len(file_ids)
        print(f"# {n_run} examples ({n_cmd} commands), {n_file} example files, {n_diag} diagnostics")
    finally:
        shutil.rmtree(template, ignore_errors=True)
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
