#!/usr/bin/env python3
"""Checks a migready report against the shapes migready(1) documents.

  check-report.py json FILE   the JSON report (REPORTS, JSON), parsed
  check-report.py prom FILE   a Prometheus textfile, line by line against the
                              text exposition format, and the documented
                              metric names and labels

Prints what is wrong, one line each, and exits 1 if anything is."""
import json
import re
import sys

problems = []


def need(cond, what):
    if not cond:
        problems.append(what)


def typed(obj, key, types, where, nullable=False):
    need(key in obj, f"{where}: no '{key}'")
    if key in obj:
        v = obj[key]
        ok = isinstance(v, types) or (nullable and v is None)
        if isinstance(v, bool) and bool not in (types if isinstance(types, tuple) else (types,)):
            ok = False
        need(ok, f"{where}.{key}: {v!r} is not {types}")
    return obj.get(key)


HOST_STATUS = {"ok", "drift", "changed", "failed", "unchecked"}
ITEM_STATUS = {"ok", "drift", "changed", "failed", "unknown"}


def check_json(path):
    with open(path) as f:
        d = json.load(f)
    need(d.get("schema_version") == 2, f"schema_version is {d.get('schema_version')!r}, not 2")
    typed(d, "command", str, "report")
    run_id = typed(d, "run_id", str, "report")
    need(run_id is None or re.fullmatch(r"\d{8}T\d{6}Z-\d+-\d{3}", run_id), f"run_id {run_id!r}")
    started = typed(d, "started", str, "report")
    need(started is None or re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", started),
         f"started {started!r} is not RFC 3339 UTC")
    dur = typed(d, "duration_seconds", (int, float), "report")
    need(dur is None or dur >= 0, "duration_seconds < 0")
    for p in typed(d, "profiles", list, "report") or []:
        typed(p, "path", str, "profiles[]")
        sha = typed(p, "sha256", str, "profiles[]", nullable=True)
        need(sha is None or re.fullmatch(r"[0-9a-f]{64}", sha), f"sha256 {sha!r}")
    for w in typed(d, "warnings", list, "report") or []:
        need(isinstance(w, str), f"warning {w!r}")
    typed(d, "exit_status", int, "report")
    for h in typed(d, "hosts", list, "report") or []:
        where = f"host {h.get('name')}"
        typed(h, "name", str, where)
        need(h.get("status") in HOST_STATUS, f"{where}: status {h.get('status')!r}")
        reach = typed(h, "reachable", bool, where)
        typed(h, "error", str, where, nullable=True)
        summary = typed(h, "summary", dict, where) or {}
        if reach:
            for k in ("os.id", "os.version_id", "libvirt.version", "nova.version",
                      "libvirt.listener"):
                need(isinstance(summary.get(k), str), f"{where}: summary.{k}")
        else:
            need(h.get("error"), f"{where}: not reachable and no error")
        for it in typed(h, "settings", list, where) or []:
            w = f"{where} setting {it.get('setting')}"
            typed(it, "setting", str, w)
            need(it.get("status") in ITEM_STATUS, f"{w}: status {it.get('status')!r}")
            for k in ("file", "unit", "current", "desired", "default", "note"):
                typed(it, k, str, w, nullable=True)
            typed(it, "origin", str, w)
        for it in typed(h, "unchecked", list, where) or []:
            typed(it, "setting", str, where + " unchecked")
            typed(it, "origin", str, where + " unchecked")
        for f in typed(h, "files", list, where) or []:
            typed(f, "path", str, where + " file")
            typed(f, "changed", bool, where + " file")
            typed(f, "created", bool, where + " file")
            typed(f, "error", str, where + " file", nullable=True)
            typed(f, "diff", str, where + " file", nullable=True)
        for k in ("restarted", "would_restart"):
            for u in typed(h, k, list, where) or []:
                need(isinstance(u, str), f"{where}: {k} {u!r}")
        typed(h, "backup", str, where, nullable=True)
        typed(h, "seconds", (int, float), where)


NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"'
SAMPLE = re.compile(rf"({NAME})(?:\{{({LABEL}(?:,{LABEL})*)\}})? (-?[0-9.e+-]+|NaN|[+-]Inf)")
# The documented families and the labels of each.
FAMILIES = {
    "migready_host_up": {"host", "command"},
    "migready_host_reachable": {"host", "command"},
    "migready_drift_settings": {"host", "command"},
    "migready_changed_settings": {"host", "command"},
    "migready_managed_settings": {"host", "command"},
    "migready_unchecked_settings": {"host", "command"},
    "migready_setting_drift": {"host", "command", "setting"},
    "migready_setting_changed": {"host", "command", "setting"},
    "migready_setting_failed": {"host", "command", "setting"},
    "migready_setting_unchecked": {"host", "command", "setting"},
    "migready_restart_owed": {"host", "command", "unit"},
    "migready_host_duration_seconds": {"host", "command"},
    "migready_run_duration_seconds": {"command"},
    "migready_last_run_timestamp_seconds": {"command"},
    "migready_last_success_timestamp_seconds": {"command"},
}


def check_prom(path):
    typed_families = set()
    seen = set()
    with open(path) as f:
        text = f.read()
    need(text.endswith("\n"), "no final newline")
    for n, line in enumerate(text.splitlines(), 1):
        m = re.fullmatch(rf"# (HELP|TYPE) ({NAME}) (.*)", line)
        if m:
            need(m.group(2) in FAMILIES, f"line {n}: undocumented family {m.group(2)}")
            if m.group(1) == "TYPE":
                need(m.group(3) == "gauge", f"line {n}: type {m.group(3)}")
                need(m.group(2) not in typed_families, f"line {n}: {m.group(2)} typed twice")
                typed_families.add(m.group(2))
            continue
        m = SAMPLE.fullmatch(line)
        need(m, f"line {n}: not a sample: {line!r}")
        if not m:
            continue
        name = m.group(1)
        need(name in typed_families, f"line {n}: {name} before its TYPE")
        labels = dict(re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"', m.group(2) or ""))
        need(set(labels) == FAMILIES.get(name), f"line {n}: labels {sorted(labels)} of {name}")
        key = (name, tuple(sorted(labels.items())))
        need(key not in seen, f"line {n}: duplicate series")
        seen.add(key)
        float(m.group(3))


kind, path = sys.argv[1:3]
try:
    check_json(path) if kind == "json" else check_prom(path)
except (ValueError, OSError) as e:
    problems.append(f"{path}: {e}")
for p in problems:
    print(p)
sys.exit(1 if problems else 0)
