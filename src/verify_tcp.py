# verify's TCP and name tests, every peer at once in one process: run by
# verify_probe.sh with python3, which every compute node has (nova is
# Python); the probe falls back to one process per test without it.
#   argv[1] seconds each test may take
#   then 9 words per peer (as verify_probe.sh's): index, name, address,
#   libvirt's port, a port of its migration range, SSH port, marker, the
#   address the TCP tests knock at (where its peers migrate to), and the
#   address the migration SSH logs in to
# Prints tcp.K.listener, tcp.K.migration (open, refused, timeout,
# unreachable, "error MESSAGE"), resolve.K.name and, for an address that
# is a name, resolve.K.address (addresses, "none", or "unknown WHY").
import errno
import os
import queue
import resource
import selectors
import socket
import sys
import threading
import time

D = float(sys.argv[1])
peers = [sys.argv[i:i + 9] for i in range(2, len(sys.argv) - 8, 9)]
start = time.monotonic()
lines = []


def say(key, value):
    lines.append("%s=%s" % (key, value))


def is_ip(s):
    for fam in (socket.AF_INET, socket.AF_INET6):
        try:
            socket.inet_pton(fam, s)
            return True
        except OSError:
            pass
    return False


# Name resolution, as getent ahosts: every address of the name, in the
# resolver's order, each once. A few threads, all names within 2 D.
names = []
for p in peers:
    names.append(p[1])
    if p[2] != p[1] and not is_ip(p[2]):
        names.append(p[2])
    if not is_ip(p[7]):
        names.append(p[7])
resolved = {}
todo = queue.Queue()
for n in set(names):
    todo.put(n)


def resolver():
    while True:
        try:
            n = todo.get_nowait()
        except queue.Empty:
            return
        try:
            addrs = []
            for ai in socket.getaddrinfo(n, None, 0, socket.SOCK_STREAM):
                if ai[4][0] not in addrs:
                    addrs.append(ai[4][0])
            resolved[n] = " ".join(addrs) or "none"
        except socket.gaierror as e:
            gone = (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME))
            resolved[n] = "none" if e.errno in gone else "unknown %s" % e.strerror


threads = [threading.Thread(target=resolver, daemon=True)
           for _ in range(min(64, len(set(names))))]
for t in threads:
    t.start()

# TCP connects, all at once (as many as there are file descriptors for),
# each given D seconds; the kernel's answer read from the socket.
try:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = hard if hard != resource.RLIM_INFINITY and hard < 8192 else 8192
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
        soft = want
except (ValueError, OSError):
    pass
window = max(16, soft - 64)
UNREACHABLE = (errno.EHOSTUNREACH, errno.ENETUNREACH, errno.EACCES, errno.EPERM)


def word(err):
    if err == 0:
        return "open"
    if err == errno.ECONNREFUSED:
        return "refused"
    if err == errno.ETIMEDOUT:
        return "timeout"
    if err in UNREACHABLE:
        return "unreachable"
    return "error %s" % os.strerror(err)


def target(p):
    # an address that is a name: its first address, as a client would
    if is_ip(p[7]):
        return p[7]
    for t in threads:
        t.join(max(0, start + 2 * D - time.monotonic()))
    r = resolved.get(p[7], "unknown no answer within %g s" % (2 * D))
    return r.split()[0] if r != "none" and not r.startswith("unknown") else None


tests = []
for p in peers:
    tests.append(("tcp.%s.listener" % p[0], p, p[3]))
    tests.append(("tcp.%s.migration" % p[0], p, p[4]))
sel = selectors.DefaultSelector()
pending = {}
while tests or pending:
    while tests and len(pending) < window:
        key, p, port = tests.pop(0)
        addr = target(p)
        if addr is None:
            say(key, "error cannot resolve %s" % p[7])
            continue
        try:
            ai = socket.getaddrinfo(addr, int(port), 0, socket.SOCK_STREAM, 0,
                                    socket.AI_NUMERICHOST)[0]
            s = socket.socket(ai[0], ai[1], ai[2])
        except (OSError, ValueError) as e:
            say(key, "error %s" % e)
            continue
        s.setblocking(False)
        err = s.connect_ex(ai[4])
        if err not in (errno.EINPROGRESS, 0):
            say(key, word(err))
            s.close()
            continue
        pending[s] = (key, time.monotonic() + D)
        sel.register(s, selectors.EVENT_WRITE)
    if not pending:
        continue
    first = min(d for _, d in pending.values())
    for k, _ in sel.select(max(0, first - time.monotonic())):
        s = k.fileobj
        say(pending.pop(s)[0], word(s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)))
        sel.unregister(s)
        s.close()
    now = time.monotonic()
    for s, (key, deadline) in list(pending.items()):
        if deadline <= now:
            say(key, "timeout")
            del pending[s]
            sel.unregister(s)
            s.close()

for t in threads:
    t.join(max(0, start + 2 * D - time.monotonic()))
late = "unknown no answer within %g s" % (2 * D)
for p in peers:
    say("resolve.%s.name" % p[0], resolved.get(p[1], late))
    if p[2] != p[1] and not is_ip(p[2]):
        say("resolve.%s.address" % p[0], resolved.get(p[2], late))
# a line per write: the shell's lines go to the same pipe meanwhile
for line in lines:
    os.write(1, (line + "\n").encode())
