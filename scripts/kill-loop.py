#!/usr/bin/python3
"""SIGKILL loop: kills kvmtune at random moments while it writes, and checks that nothing is lost.

    scripts/kill-loop.py [--tries N] [--ops apply,rollback,nova-set,concurrent] [--seed S] [--at-write SECONDS]
                         [--kvmtune CMD] [--json]

For each try of each operation, kvmtune is started, SIGKILLed at a random moment spread uniformly from 0 to the
operation's normal duration (measured first by clean runs), and then the invariants are checked:

* the domain is still defined and its persistent XML (`virsh dumpxml --inactive`, canonicalised) is exactly the state
  before or the state after the operation;
* every backup file that exists is well-formed XML and is exactly one of the known states (complete, never partial),
  and the backups restore (`kvmtune rollback --to FILE --yes` of this try's newest backup gives its content back);
* nova.conf is byte-identical to the old or the new content, and any temporary file left beside it or in the backup
  directory is gone after the next start (the next `nova set --yes`, the next apply);
* the domain's lock is released: the next apply on the domain succeeds at once;
* the results store: these operations do not write it; no run may be left `running`.

Operations (N tries each; --tries 25 gives 100 in total over the four):
  apply       kvmtune apply --policy A --domain D --yes
  rollback    kvmtune rollback --domain D --yes (after an apply; restores the state before it)
  nova-set    kvmtune nova set --conf COPY libvirt.disk_cachemodes=… --yes (on a copy of a real nova.conf)
  concurrent  two kvmtune apply --yes with different policies on one domain at once; one of them is killed

Everything runs against the real libvirtd (qemu:///system) with throwaway domains named kvmtune-killloop-<uuid>
(only those are touched, and they are undefined at the end) and files in a temporary directory. Needs root.
Prints per operation: tries, kill points (where the kill landed, as seen from what was left), invariant violations.
Exit status: 0 when no invariant was violated, 1 otherwise, 2 on bad usage, 3 when the set-up failed.
"""
import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
URI = "qemu:///system"
POLICY_A = {"version": 1, "disks": {"file": {"cache": "none", "io": "native"}}}
POLICY_B = {"version": 1, "disks": {"file": {"cache": "writeback", "io": "threads"}}}
NOVA_FIXTURE = os.path.join(HERE, "tests", "KvmTune.Cli.Tests", "Fixtures", "nova", "ubuntu-nova.conf")
NOVA_SET = "libvirt.disk_cachemodes=file=none,block=none"
OPS = ["apply", "rollback", "nova-set", "concurrent"]


class SetupError(Exception):
    pass


def run(args, env=None, timeout=300, check=False):
    p = subprocess.run(args, env=env, capture_output=True, text=True, timeout=timeout)
    if check and p.returncode != 0:
        raise SetupError(f"{' '.join(args)}: exit {p.returncode}: {p.stderr.strip()}")
    return p


def canonical(xml_text):
    """The XML canonicalised (C14N 2.0, whitespace-only text stripped): equal for equal documents."""
    return ET.canonicalize(xml_text, strip_text=True)


def is_temp(name):
    return name.startswith(".") and ".kvmtune-" in name and name.endswith(".tmp")


class Loop:
    def __init__(self, args):
        self.args = args
        self.rng = random.Random(args.seed)
        self.kvmtune = args.kvmtune
        self.tmp = tempfile.mkdtemp(prefix="kvmtune-killloop-")
        os.chmod(self.tmp, 0o755)  # libvirt's QEMU user must reach the images
        self.data = os.path.join(self.tmp, "data")
        os.mkdir(self.data, 0o700)
        self.env = dict(os.environ, XDG_DATA_HOME=self.data, NO_COLOR="1", COLUMNS="200", LC_ALL="C")
        self.env.pop("LIBVIRT_DEFAULT_URI", None)
        self.domains = []
        self.stats = {op: {"tries": 0, "kill_points": {}, "violations": 0, "messages": []} for op in args.ops}
        self.durations = {}

    # --- kvmtune and libvirt -------------------------------------------------------------------------------------
    def kt(self, *args, timeout=300):
        return run(self.kvmtune + list(args), env=self.env, timeout=timeout)

    def spawn(self, *args):
        return subprocess.Popen(self.kvmtune + list(args), env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, start_new_session=True)

    def policy(self, name, content):
        path = os.path.join(self.tmp, f"policy-{name}.json")
        with open(path, "w") as f:
            json.dump(content, f)
        return path

    def define(self, label):
        name = f"kvmtune-killloop-{uuid.uuid4().hex}"
        images = os.path.join(self.tmp, name)
        os.mkdir(images, 0o755)
        disks = []
        for dev, fmt in (("vda", "qcow2"), ("vdb", "raw")):
            image = os.path.join(images, f"{dev}.{fmt}")
            run(["qemu-img", "create", "-q", "-f", fmt, image, "64M"], check=True)
            disks.append(f"<disk type='file' device='disk'><driver name='qemu' type='{fmt}'/>"
                         f"<source file='{image}'/><target dev='{dev}' bus='virtio'/></disk>")
        xml = (f"<domain type='qemu'><name>{name}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>"
               f"<os><type arch='x86_64'>hvm</type></os><devices>{''.join(disks)}</devices></domain>")
        path = os.path.join(self.tmp, f"{name}.xml")
        with open(path, "w") as f:
            f.write(xml)
        run(["virsh", "-q", "-c", URI, "define", path], check=True)
        self.domains.append(name)
        uuid_text = run(["virsh", "-q", "-c", URI, "domuuid", name], check=True).stdout.strip()
        return name, uuid_text

    def dumpxml(self, name):
        p = run(["virsh", "-q", "-c", URI, "dumpxml", "--inactive", name])
        return p.stdout if p.returncode == 0 else None

    def redefine(self, name, xml):
        path = os.path.join(self.tmp, "redefine.xml")
        with open(path, "w") as f:
            f.write(xml)
        run(["virsh", "-q", "-c", URI, "define", path], check=True)

    def backups_dir(self, uuid_text):
        return os.path.join(self.data, "kvmtune", "backups", "libvirt", "qemu%3A%2F%2F%2Fsystem", uuid_text)

    def backups(self, uuid_text):
        d = self.backups_dir(uuid_text)
        return sorted(os.listdir(d)) if os.path.isdir(d) else []

    # --- one killed run ------------------------------------------------------------------------------------------
    def kill_after(self, proc, delay, watch=()):
        """Kills proc (its whole session) after delay seconds unless it exits first. True when it was killed.

        With --at-write, the delay counts from the first sign of the write instead: a new entry in one of the `watch`
        directories (a backup, a temporary file), seen by polling every millisecond."""
        if self.args.at_write and watch:
            before = {d: set(os.listdir(d)) if os.path.isdir(d) else set() for d in watch}
            deadline = time.monotonic() + 300
            while proc.poll() is None and time.monotonic() < deadline:
                if any(os.path.isdir(d) and set(os.listdir(d)) - before[d] for d in watch):
                    break
                time.sleep(0.001)
        try:
            proc.wait(timeout=delay)
            proc.communicate()
            return False
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            return True

    def delay(self, op):
        """Uniform over the normal duration, or with --at-write over the first AT_WRITE seconds after the write starts."""
        return self.rng.uniform(0, self.args.at_write or self.durations[op])

    def measure(self, op, once):
        """The normal duration of an operation: the mean of two clean runs."""
        times = []
        for _ in range(2):
            start = time.monotonic()
            once()
            times.append(time.monotonic() - start)
        self.durations[op] = sum(times) / len(times)

    def violation(self, op, message):
        s = self.stats[op]
        s["violations"] += 1
        s["messages"].append(f"try {s['tries']}: {message}")
        print(f"  VIOLATION {op} try {s['tries']}: {message}", file=sys.stderr, flush=True)

    def point(self, op, name):
        points = self.stats[op]["kill_points"]
        points[name] = points.get(name, 0) + 1

    def check_backups(self, op, uuid_text, known):
        """Every complete backup is well-formed and one of the known states; returns the temporary files left."""
        temps = []
        for b in self.backups(uuid_text):
            path = os.path.join(self.backups_dir(uuid_text), b)
            if is_temp(b):
                temps.append(b)
                continue
            with open(path, encoding="utf-8") as f:
                text = f.read()
            try:
                c = canonical(text)
            except ET.ParseError as e:
                self.violation(op, f"backup {b} does not parse: {e}")
                continue
            if c not in known:
                self.violation(op, f"backup {b} is none of the known states ({len(text)} bytes)")
        return temps

    def check_store(self, op):
        db = os.path.join(self.data, "kvmtune", "kvmtune.db")
        if not os.path.exists(db):
            return
        p = self.kt("history", "--format", "json")
        if p.returncode != 0:
            self.violation(op, f"history fails after the kill: {p.stderr.strip()}")
        elif '"status": "running"' in p.stdout or '"status":"running"' in p.stdout:
            self.violation(op, "a run is left running in the results store")

    def next_apply(self, op, name, policy, expected, what):
        """The next start on the domain: an apply that must succeed at once (lock released) and give `expected`."""
        start = time.monotonic()
        p = self.kt("apply", "--policy", policy, "--domain", name, "--yes", timeout=200)
        if p.returncode != 0:
            self.violation(op, f"{what}: the next apply fails (exit {p.returncode}): {p.stderr.strip()[:300]}")
        elif time.monotonic() - start > max(30.0, 5 * self.durations.get("apply", 5.0)):
            self.violation(op, f"{what}: the next apply waited {time.monotonic() - start:.0f} s (lock not released?)")
        xml = self.dumpxml(name)
        if xml is None or canonical(xml) != expected:
            self.violation(op, f"{what}: after the next apply the domain is not in the applied state")

    # --- operations ----------------------------------------------------------------------------------------------
    def setup_domain(self, label):
        name, uid = self.define(label)
        s0 = self.dumpxml(name)
        return name, uid, s0

    def state_after(self, name, s0, policy):
        """The state a clean apply of policy gives from s0 (then s0 is defined again)."""
        self.redefine(name, s0)
        p = self.kt("apply", "--policy", policy, "--domain", name, "--yes")
        if p.returncode != 0:
            raise SetupError(f"clean apply: exit {p.returncode}: {p.stderr.strip()}")
        after = self.dumpxml(name)
        self.redefine(name, s0)
        return after

    def op_apply(self, tries):
        op = "apply"
        pa = self.policy("a", POLICY_A)
        name, uid, s0 = self.setup_domain(op)
        sa = self.state_after(name, s0, pa)
        c0, ca = canonical(s0), canonical(sa)
        self.measure(op, lambda: (self.redefine(name, s0), self.kt("apply", "--policy", pa, "--domain", name, "--yes")))
        for _ in range(tries):
            self.stats[op]["tries"] += 1
            self.redefine(name, s0)
            before = set(self.backups(uid))
            delay = self.delay(op)
            proc = self.spawn("apply", "--policy", pa, "--domain", name, "--yes")
            killed = self.kill_after(proc, delay, [self.backups_dir(uid)])
            xml = self.dumpxml(name)
            if xml is None:
                self.violation(op, "the domain is no longer defined")
                self.redefine(name, s0)
                continue
            state = canonical(xml)
            if state not in (c0, ca):
                self.violation(op, "the definition is neither the state before nor the state after")
            temps = self.check_backups(op, uid, {c0, ca})
            new = [b for b in set(self.backups(uid)) - before if not is_temp(b)]
            if not killed:
                self.point(op, "finished before the kill")
                if proc.returncode != 0 or state != ca:
                    self.violation(op, f"a clean run ended with exit {proc.returncode}")
            else:
                self.point(op, "killed: " + ("temporary backup file left" if temps else
                                              "before the backup" if not new and state == c0 else
                                              "after the backup, before defineXML" if state == c0 else
                                              "after defineXML"))
            # The newest backup of this try restores (rollback --to, a real restore), giving its content back.
            if new:
                newest = os.path.join(self.backups_dir(uid), sorted(new)[-1])
                with open(newest, encoding="utf-8") as f:
                    content = canonical(f.read())
                if state == content:
                    self.redefine(name, sa)  # so that the restore has something to do
                p = self.kt("rollback", "--domain", name, "--to", newest, "--yes")
                got = self.dumpxml(name)
                if p.returncode != 0 or got is None or canonical(got) != content:
                    self.violation(op, f"backup {os.path.basename(newest)} does not restore (exit {p.returncode})")
            self.check_store(op)
            # The next start: from the state before, an apply succeeds at once and removes leftovers.
            self.redefine(name, s0)
            self.next_apply(op, name, pa, ca, "after the kill")
            if [b for b in self.backups(uid) if is_temp(b)]:
                self.violation(op, "a temporary backup file is still there after the next apply")

    def op_rollback(self, tries):
        op = "rollback"
        pa = self.policy("a", POLICY_A)
        name, uid, s0 = self.setup_domain(op)
        self.redefine(name, s0)
        p = self.kt("apply", "--policy", pa, "--domain", name, "--yes")
        if p.returncode != 0:
            raise SetupError(f"apply before rollback: {p.stderr.strip()}")
        sa = self.dumpxml(name)
        c0, ca = canonical(s0), canonical(sa)
        self.measure(op, lambda: (self.redefine(name, sa), self.kt("rollback", "--domain", name, "--yes")))
        for _ in range(tries):
            self.stats[op]["tries"] += 1
            self.redefine(name, sa)
            before = set(self.backups(uid))
            delay = self.delay(op)
            proc = self.spawn("rollback", "--domain", name, "--yes")
            killed = self.kill_after(proc, delay, [self.backups_dir(uid)])
            xml = self.dumpxml(name)
            if xml is None:
                self.violation(op, "the domain is no longer defined")
                self.redefine(name, sa)
                continue
            state = canonical(xml)
            if state not in (c0, ca):
                self.violation(op, "the definition is neither the state before nor the state after")
            temps = self.check_backups(op, uid, {c0, ca})
            new = [b for b in set(self.backups(uid)) - before if not is_temp(b)]
            if not killed:
                self.point(op, "finished before the kill")
                if proc.returncode != 0 or state != c0:
                    self.violation(op, f"a clean rollback ended with exit {proc.returncode}")
            else:
                self.point(op, "killed: " + ("temporary backup file left" if temps else
                                              "before the safety copy" if not new and state == ca else
                                              "after the safety copy, before defineXML" if state == ca else
                                              "after defineXML"))
            self.check_store(op)
            # The next start: a rollback from the applied state must restore the state before the apply (never one of
            # its own safety copies), at once.
            self.redefine(name, sa)
            p = self.kt("rollback", "--domain", name, "--yes", timeout=200)
            got = self.dumpxml(name)
            if p.returncode != 0 or got is None or canonical(got) != c0:
                self.violation(op, f"the next rollback does not restore the state before the apply (exit {p.returncode})")
            if [b for b in self.backups(uid) if is_temp(b)]:
                self.violation(op, "a temporary backup file is still there after the next rollback")
            # and the lock is free for an apply.
            self.next_apply(op, name, pa, ca, "after the kill")

    def op_nova_set(self, tries):
        op = "nova-set"
        conf_dir = os.path.join(self.tmp, "nova")
        os.mkdir(conf_dir)
        conf = os.path.join(conf_dir, "nova.conf")
        with open(NOVA_FIXTURE, "rb") as f:
            old = f.read()
        backup_dir = os.path.join(self.data, "kvmtune", "backups")

        def reset():
            with open(conf, "wb") as f:
                f.write(old)

        reset()
        p = self.kt("nova", "set", "--conf", conf, NOVA_SET, "--yes")
        if p.returncode != 0:
            raise SetupError(f"clean nova set: {p.stderr.strip()}")
        with open(conf, "rb") as f:
            new = f.read()
        if new == old:
            raise SetupError("nova set changed nothing")
        self.measure(op, lambda: (reset(), self.kt("nova", "set", "--conf", conf, NOVA_SET, "--yes")))
        for _ in range(tries):
            self.stats[op]["tries"] += 1
            reset()
            backups_before = set(os.listdir(backup_dir)) if os.path.isdir(backup_dir) else set()
            delay = self.delay(op)
            proc = self.spawn("nova", "set", "--conf", conf, NOVA_SET, "--yes")
            killed = self.kill_after(proc, delay, [backup_dir, conf_dir])
            with open(conf, "rb") as f:
                now = f.read()
            if now not in (old, new):
                self.violation(op, f"nova.conf is neither the old nor the new content ({len(now)} bytes)")
            beside = [n for n in os.listdir(conf_dir) if n != "nova.conf"]
            if any(not is_temp(n) for n in beside):
                self.violation(op, f"unexpected files beside nova.conf: {beside}")
            listing = set(os.listdir(backup_dir)) if os.path.isdir(backup_dir) else set()
            temp_backups = [n for n in listing if is_temp(n)]
            new_backups = [n for n in listing - backups_before if not is_temp(n)]
            for b in new_backups:
                with open(os.path.join(backup_dir, b), "rb") as f:
                    if f.read() != old:
                        self.violation(op, f"backup {b} is not the old content")
            if not killed:
                self.point(op, "finished before the kill")
                if proc.returncode != 0 or now != new:
                    self.violation(op, f"a clean run ended with exit {proc.returncode}")
            else:
                self.point(op, "killed: " + ("temporary backup file left" if temp_backups else
                                              "temporary file left beside nova.conf" if beside else
                                              "before the backup" if not new_backups else
                                              "after the backup, before the rename" if now == old else
                                              "after the rename"))
            self.check_store(op)
            # The next start: nova set --yes (whatever nova.conf holds now) ends with the new content and no leftovers.
            p = self.kt("nova", "set", "--conf", conf, NOVA_SET, "--yes")
            with open(conf, "rb") as f:
                final = f.read()
            if p.returncode != 0 or final != new:
                self.violation(op, f"the next nova set fails (exit {p.returncode}): {p.stderr.strip()[:300]}")
            left = [n for n in os.listdir(conf_dir) if n != "nova.conf"]
            if left:
                self.violation(op, f"still beside nova.conf after the next start: {left}")
            if now == old:
                # it wrote, so it took a backup: the backup directory is clean too
                if [n for n in os.listdir(backup_dir) if is_temp(n)]:
                    self.violation(op, "a temporary backup file is still there after the next nova set")

    def op_concurrent(self, tries):
        op = "concurrent"
        pa, pb = self.policy("a", POLICY_A), self.policy("b", POLICY_B)
        name, uid, s0 = self.setup_domain(op)
        sa, sb = self.state_after(name, s0, pa), self.state_after(name, s0, pb)
        c0, ca, cb = canonical(s0), canonical(sa), canonical(sb)

        def pair():
            self.redefine(name, s0)
            procs = [self.spawn("apply", "--policy", p, "--domain", name, "--yes") for p in (pa, pb)]
            for p in procs:
                p.communicate()

        self.measure(op, pair)
        for _ in range(tries):
            self.stats[op]["tries"] += 1
            self.redefine(name, s0)
            before = set(self.backups(uid))
            victim = self.rng.randrange(2)
            policies, states = (pa, pb), (ca, cb)
            procs = [self.spawn("apply", "--policy", p, "--domain", name, "--yes") for p in policies]
            survivor = procs[1 - victim]
            delay = self.delay(op)
            killed = self.kill_after(procs[victim], delay, [self.backups_dir(uid)])
            survivor_running_at_kill = survivor.poll() is None
            err = ""
            try:
                _, err = survivor.communicate(timeout=200)
            except subprocess.TimeoutExpired:
                os.killpg(survivor.pid, signal.SIGKILL)
                survivor.communicate()
                self.violation(op, "the surviving apply did not finish in 200 s (lock not released?)")
            xml = self.dumpxml(name)
            if xml is None:
                self.violation(op, "the domain is no longer defined")
                self.redefine(name, s0)
                continue
            state = canonical(xml)
            mine, theirs = states[1 - victim], states[victim]
            new = [b for b in set(self.backups(uid)) - before if not is_temp(b)]
            contents = []
            for b in new:
                with open(os.path.join(self.backups_dir(uid), b), encoding="utf-8") as f:
                    contents.append(canonical(f.read()))
            temps = self.check_backups(op, uid, {c0, ca, cb})
            if survivor.returncode != 0:
                self.violation(op, f"the surviving apply failed (exit {survivor.returncode}): {err.strip()[:300]}")
            # The survivor reported "written and verified": its state must be in place, unless the killed apply wrote
            # after it (then the killed one backed up the survivor's state first, or the kill came after the survivor ended).
            if state == mine:
                pass
            elif state == theirs and (mine in contents or not survivor_running_at_kill):
                pass
            else:
                self.violation(op, "the surviving apply's change is lost" if state in (c0, theirs) else
                               "the definition is none of the known states")
            if not killed:
                self.point(op, "both finished before the kill")
            else:
                self.point(op, "killed: " + ("temporary backup file left" if temps else
                                              "before its backup" if len(new) <= 1 and state == mine else
                                              "after its backup" if state == mine else
                                              "after its defineXML"))
            self.check_store(op)
            self.redefine(name, s0)
            self.next_apply(op, name, pa, ca, "after the kill")

    # --- driver --------------------------------------------------------------------------------------------------
    def cleanup(self):
        for name in self.domains:
            run(["virsh", "-q", "-c", URI, "undefine", name])
        shutil.rmtree(self.tmp, ignore_errors=True)

    def report(self, started, load_before, load_after):
        result = {
            "seed": self.args.seed,
            "tries_per_operation": self.args.tries,
            "at_write_seconds": self.args.at_write,
            "seconds": round(time.monotonic() - started, 1),
            "load_before": load_before,
            "load_after": load_after,
            "normal_duration_seconds": {k: round(v, 2) for k, v in self.durations.items()},
            "operations": {op: {"tries": s["tries"], "kill_points": dict(sorted(s["kill_points"].items())),
                                "violations": s["violations"], "messages": s["messages"]} for op, s in self.stats.items()},
        }
        if self.args.json:
            print(json.dumps(result, indent=2))
            return result
        mode = f"killed within {self.args.at_write} s of the write's start" if self.args.at_write else "killed uniformly over the normal duration"
        print(f"seed {self.args.seed}; {mode}; {result['seconds']} s; load before: {load_before}; after: {load_after}")
        print(f"{'operation':<12} {'tries':>5} {'normal s':>9} {'violations':>10}  kill points")
        for op, s in self.stats.items():
            points = ", ".join(f"{k}: {v}" for k, v in sorted(s["kill_points"].items()))
            print(f"{op:<12} {s['tries']:>5} {self.durations.get(op, 0):>9.2f} {s['violations']:>10}  {points}")
            for m in s["messages"]:
                print(f"    {m}")
        total = sum(s["tries"] for s in self.stats.values())
        print(f"{'total':<12} {total:>5} {'':>9} {sum(s['violations'] for s in self.stats.values()):>10}")
        return result


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tries", type=int, default=25, help="tries per operation (default 25: 100 over the four)")
    parser.add_argument("--ops", default=",".join(OPS), help="operations, comma-separated: " + ", ".join(OPS))
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: random, printed)")
    parser.add_argument("--kvmtune", default=None, help="the command that runs kvmtune (default: this clone's ./kvmtune, built)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--at-write", type=float, default=0, metavar="SECONDS",
                        help="kill within SECONDS after the first sign of the write (a new backup or temporary file) "
                             "instead of over the whole run: aims at the windows a uniform kill rarely hits")
    args = parser.parse_args()
    args.ops = [o for o in args.ops.split(",") if o]
    if any(o not in OPS for o in args.ops) or args.tries < 1:
        parser.error(f"--ops takes {', '.join(OPS)}; --tries at least 1")
    if os.geteuid() != 0:
        print("kill-loop.py: run as root (it defines libvirt domains in qemu:///system)", file=sys.stderr)
        return 2
    if args.seed is None:
        args.seed = random.SystemRandom().randrange(1 << 31)
    if args.kvmtune is None:
        wrapper = os.path.join(HERE, "kvmtune")
        run([wrapper, "--version"], check=True, timeout=900)  # builds it when the sources changed
        args.kvmtune = ["dotnet", os.path.join(HERE, ".kvmtune-build", "kvmtune.dll")]
    else:
        args.kvmtune = args.kvmtune.split()
    loop = Loop(args)
    started, load_before = time.monotonic(), loadavg()
    try:
        for op in args.ops:
            print(f"{op}: {args.tries} tries", file=sys.stderr, flush=True)
            getattr(loop, "op_" + op.replace("-", "_"))(args.tries)
    except SetupError as e:
        print(f"kill-loop.py: set-up failed: {e}", file=sys.stderr)
        loop.cleanup()
        return 3
    finally:
        load_after = loadavg()
    loop.cleanup()
    result = loop.report(started, load_before, load_after)
    return 1 if any(s["violations"] for s in result["operations"].values()) else 0


if __name__ == "__main__":
    sys.exit(main())
