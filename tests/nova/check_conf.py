#!/usr/bin/env python3
"""check_conf.py NOVA_APPLY DATA_DIR LENS_DIR

nova.conf files written by migready for a nova release (tests/nova/nova_apply,
the nova module and the engine), judged the way nova reads them: Python's
configparser set up like oslo.config's parser ([DEFAULT] an ordinary
section, keys as written, '#' and ';' comments only at the start of a line,
indented lines continue a value). For each case: the options the release
must read (None: absent), the deprecated ones migready warns of, every
other option kept with its value, every comment line kept in order, and a
second run that changes nothing.

With MR_NOVA_VALIDATOR_PYTHON set to a python3 that imports Debian 12's
nova (26) and oslo.config, each result for zed is also given to
oslo-config-validator, which must find no option nova 26 does not know
(and must find the stale ones in the mitaka-era input). python3-nova pulls
in systemd, udev and open-iscsi, so do not install it on a controller;
unpack it instead (about 34 MB, the validator then runs offline in ~9 s):
  cd DIR && apt-get download $(apt-get install -s python3-nova |
      awk '/^Inst python3/ {print $2}') && for d in *.deb; do dpkg -x $d root; done
  MR_NOVA_VALIDATOR_PYTHON=/usr/bin/python3 \
      PYTHONPATH=DIR/root/usr/lib/python3/dist-packages meson test -C build nova-conf
"""
import configparser
import os
import subprocess
import sys

ABSENT = None
# Absent, or written as this: nova's default for an absent option.
class Default(str):
    pass

# What the old guide's profile (guide.ini) ends as, release by release.
GUIDE_MITAKA = {
    "DEFAULT": {"instances_path": "/var/lib/nova/instances",
                "max_concurrent_live_migrations": Default("1"),
                "vncserver_listen": ABSENT},
    "libvirt": {"live_migration_flag": "VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, "
                                       "VIR_MIGRATE_LIVE, VIR_MIGRATE_TUNNELLED",
                "cpu_mode": "custom", "cpu_model": "kvm64", "cpu_models": ABSENT,
                "live_migration_bandwidth": Default("0"),
                "live_migration_uri": "qemu+tcp://%s/system",
                "live_migration_scheme": ABSENT,
                # Mitaka reads it beside the flags: it must agree with them.
                "live_migration_tunnelled": "true"},
    "vnc": {"vncserver_listen": "0.0.0.0", "server_listen": ABSENT},
}
GUIDE_ZED = {
    "DEFAULT": {"instances_path": "/var/lib/nova/instances",
                "max_concurrent_live_migrations": Default("1"),
                "vncserver_listen": ABSENT, "vncserver_proxyclient_address": ABSENT},
    "libvirt": {"live_migration_flag": ABSENT, "block_migration_flag": ABSENT,
                "live_migration_tunnelled": "true",
                "live_migration_permit_auto_converge": Default("false"),
                "live_migration_permit_post_copy": Default("false"),
                "cpu_mode": "custom", "cpu_models": "kvm64", "cpu_model": ABSENT,
                "live_migration_bandwidth": Default("0"),
                "live_migration_scheme": "tcp", "live_migration_uri": ABSENT},
    "vnc": {"server_listen": "0.0.0.0", "vncserver_listen": ABSENT},
}
MODERN_ZED = {
    "libvirt": {"live_migration_flag": ABSENT, "block_migration_flag": ABSENT,
                "live_migration_tunnelled": ABSENT,
                "live_migration_permit_auto_converge": "true",
                "live_migration_permit_post_copy": Default("false"),
                "cpu_mode": "host-passthrough", "cpu_models": ABSENT, "cpu_model": ABSENT,
                "live_migration_completion_timeout": Default("800")},
}
MODERN_TRAIN = {
    "libvirt": {"live_migration_flag": ABSENT, "block_migration_flag": ABSENT,
                "live_migration_tunnelled": Default("false"),
                "live_migration_permit_auto_converge": "true",
                "live_migration_permit_post_copy": Default("false"),
                "cpu_mode": "host-passthrough", "cpu_models": ABSENT, "cpu_model": ABSENT,
                "live_migration_completion_timeout": Default("800")},
    # Train still reads the [DEFAULT] VNC names: they stay.
    "DEFAULT": {"vncserver_listen": "0.0.0.0"},
}

# (file, profile, release, expected options, options warned deprecated)
CASES = [
    ("mitaka.conf", "guide.ini", "mitaka", GUIDE_MITAKA, {"libvirt/live_migration_flag"}),
    ("mitaka.conf", "guide.ini", "zed", GUIDE_ZED, {"libvirt/live_migration_tunnelled"}),
    ("zed.conf", "guide.ini", "zed", GUIDE_ZED, {"libvirt/live_migration_tunnelled"}),
    ("zed.conf", "guide.ini", "26", GUIDE_ZED, {"libvirt/live_migration_tunnelled"}),
    ("zed.conf", "modern.ini", "zed", MODERN_ZED, set()),
    ("mitaka.conf", "modern.ini", "train", MODERN_TRAIN, set()),
]


def parse(text):
    cp = configparser.ConfigParser(interpolation=None, strict=False,
                                   default_section="\0none", delimiters=("=", ":"),
                                   comment_prefixes=("#", ";"),
                                   inline_comment_prefixes=None,
                                   empty_lines_in_values=False)
    cp.optionxform = str
    cp.read_string(text)
    return {s: dict(cp.items(s)) for s in cp.sections()}


def comments(text):
    return [l for l in text.splitlines() if l.lstrip()[:1] in ("#", ";")]


def run(tool, lens_dir, data, release, profile, path):
    return subprocess.run([tool, lens_dir, data + "/../cpu_map", release,
                           data + "/" + profile, path],
                          capture_output=True, text=True)


def check(tool, data, lens_dir, case, tmp):
    conf, profile, release, want, deprecated = case
    name = "%s + %s as %s" % (conf, profile, release)
    problems = []
    path = data + "/" + conf
    with open(path) as f:
        before_text = f.read()
    res = run(tool, lens_dir, data, release, profile, path)
    if res.returncode != 0:
        return ["%s: nova_apply failed:\n%s" % (name, res.stderr)]
    after_text = res.stdout
    before, after = parse(before_text), parse(after_text)

    managed, warned = set(), set()
    for line in res.stderr.splitlines():
        opt, _verb, _value, dep, _origin, _note = line.split("\t")
        managed.add(opt)
        if dep == "deprecated":
            warned.add(opt)
    for section, opts in want.items():
        for key, value in opts.items():
            managed.add(section + "/" + key)
            got = after.get(section, {}).get(key)
            if isinstance(value, Default) and got is None:
                continue
            if got != value:
                problems.append("%s: [%s] %s is %r, expected %r"
                                % (name, section, key, got, value))
    if warned != deprecated:
        problems.append("%s: deprecated warnings for %s, expected %s"
                        % (name, sorted(warned), sorted(deprecated)))
    # Whatever no setting manages reads as before; nothing is invented.
    for section, opts in before.items():
        for key, value in opts.items():
            if section + "/" + key in managed:
                continue
            if after.get(section, {}).get(key) != value:
                problems.append("%s: unmanaged [%s] %s changed" % (name, section, key))
    for section, opts in after.items():
        for key in opts:
            if section + "/" + key not in managed and key not in before.get(section, {}):
                problems.append("%s: [%s] %s appeared" % (name, section, key))
    if comments(before_text) != comments(after_text):
        problems.append("%s: comment lines differ" % name)
    # A second run finds nothing to do.
    with open(tmp, "w") as f:
        f.write(after_text)
    again = run(tool, lens_dir, data, release, profile, tmp)
    if again.returncode != 0 or again.stdout != after_text:
        problems.append("%s: a second run changed the file again" % name)
    return problems


def validate(python, path):
    """oslo-config-validator's complaints about path, as nova 26 reads it."""
    # nova.conf also holds the options of the libraries nova loads.
    namespaces = ["nova.conf", "oslo.messaging", "oslo.concurrency", "oslo.log"]
    args = [python, "-m", "oslo_config.validator", "--input-file", path]
    for n in namespaces:
        args += ["--namespace", n]
    res = subprocess.run(args, capture_output=True, text=True)
    errors = [l for l in res.stderr.splitlines() if l.startswith("ERROR")]
    if res.returncode != 0 and not errors:
        errors = ["validator exited %d: %s" % (res.returncode, res.stderr.strip()[-300:])]
    return errors


def check_validator(python, tool, data, lens_dir, tmpdir):
    # Each validator run imports all of nova (seconds of CPU): run them side
    # by side, each on its own copy of the result.
    from concurrent.futures import ThreadPoolExecutor
    jobs = [("mitaka.conf as written", data + "/mitaka.conf")]
    for i, (conf, profile, release, _want, _dep) in enumerate(CASES):
        if release not in ("zed", "26"):
            continue
        res = run(tool, lens_dir, data, release, profile, data + "/" + conf)
        path = "%s/validate-%d.conf" % (tmpdir, i)
        with open(path, "w") as f:
            f.write(res.stdout)
        jobs.append(("%s + %s as %s" % (conf, profile, release), path))
    workers = max(2, os.cpu_count() or 2)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        found = list(pool.map(lambda j: validate(python, j[1]), jobs))
    problems = []
    if not any("libvirt/live_migration_flag" in e for e in found[0]):
        problems.append("validator: the stale options of mitaka.conf went unnoticed")
    for (what, _path), errors in zip(jobs[1:], found[1:]):
        for e in errors:
            problems.append("validator: %s: %s" % (what, e))
    return problems


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    tool, data, lens_dir = sys.argv[1:]
    import tempfile
    problems = []
    with tempfile.TemporaryDirectory() as d:
        for case in CASES:
            problems += check(tool, data, lens_dir, case, d + "/nova.conf")
        python = os.environ.get("MR_NOVA_VALIDATOR_PYTHON")
        if python:
            problems += check_validator(python, tool, data, lens_dir, d)
        else:
            print("MR_NOVA_VALIDATOR_PYTHON not set: oslo-config-validator not run")
    for p in problems:
        print("FAIL " + p)
    print("%d cases, %d problems" % (len(CASES), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
