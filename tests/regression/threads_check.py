#!/usr/bin/env python3
"""threads_check.py PROBE SANXIANG EXPECT_ERROR — threads per rank follow the CPUs a rank may use.

PROBE is tests/tools/threads_probe (one line per rank: the count sx_threads_init chose and the
threads that really ran in an OpenMP region); SANXIANG is the command, whose log states the choice.
Expected counts are derived from this process's own affinity mask (C CPUs; 2 on the 2-core CI
machine): 1 rank -> C, 3 ranks -> max(1, C // 3), a rank bound to one CPU -> 1, OMP_NUM_THREADS and
SX_THREADS override, and the log warns when the ranks' threads exceed the node's CPUs.
"""
import os
import re
import subprocess
import sys

probe, sanxiang, expect_error = sys.argv[1:4]
# A command that starts MPI and chooses its threads, then only prints (version and help skip MPI).
starts = [sanxiang, "run", "--help"]
mask = sorted(os.sched_getaffinity(0))
C = len(mask)
failures = []


def env_with(**kv):
    env = dict(os.environ)
    for key in ("OMP_NUM_THREADS", "SX_THREADS", "OMP_PROC_BIND", "OMP_PLACES"):
        env.pop(key, None)  # the test environment sets OMP_NUM_THREADS=1; these cases start from unset
    env.update({k: str(v) for k, v in kv.items()})
    return env


def mpirun(np, *args, bind="none"):
    return ["mpirun", "--oversubscribe", "--bind-to", bind, "-np", str(np), *args]


def run(cmd, env):
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    return p


def probe_ranks(what, cmd, env, nranks):
    p = run(cmd, env)
    rows = {}
    for line in p.stdout.splitlines():
        m = re.match(r"threads_probe: rank (\d+) threads (\d+) ran (\d+) mask (\d+) sharers (\d+) "
                     r"node_ranks (\d+) node_cpus (\d+) node_threads (\d+)", line)
        if m:
            v = list(map(int, m.groups()))
            rows[v[0]] = dict(zip(("threads", "ran", "mask", "sharers", "node_ranks", "node_cpus", "node_threads"), v[1:]))
    if p.returncode != 0 or len(rows) != nranks:
        failures.append(f"{what}: exit {p.returncode}, {len(rows)} of {nranks} ranks reported\n{p.stdout}{p.stderr}")
        return None
    for r, row in rows.items():
        if row["ran"] != row["threads"]:
            failures.append(f"{what}: rank {r} chose {row['threads']} threads but {row['ran']} ran")
    print(f"{what}: " + "; ".join(f"rank {r}: {row}" for r, row in sorted(rows.items())))
    return rows


def expect_threads(what, rows, want, mask_cpus=None):
    if rows is None:
        return
    for r, row in rows.items():
        if row["threads"] != want:
            failures.append(f"{what}: rank {r} has {row['threads']} threads, expected {want}")
        if mask_cpus is not None and row["mask"] != mask_cpus:
            failures.append(f"{what}: rank {r} sees {row['mask']} CPUs in its mask, expected {mask_cpus}")


def log_of(what, cmd, env):
    p = run(cmd, env)
    if p.returncode != 0:
        failures.append(f"{what}: exit {p.returncode}\n{p.stderr}")
    print(f"--- {what}:\n{p.stderr}", end="")
    return p.stderr


def expect_log(what, stderr, info, warn_count, warn_text=None):
    if stderr is None:
        return
    infos = [l for l in stderr.splitlines() if " INFO " in l and "threads:" in l]
    if len(infos) != 1 or info not in infos[0]:
        failures.append(f"{what}: expected one INFO line with '{info}', got {infos}")
    warns = [l for l in stderr.splitlines() if " WARN " in l and "threads:" in l]
    if len(warns) != warn_count or (warn_text and warns and warn_text not in warns[0]):
        failures.append(f"{what}: expected {warn_count} WARN line(s) on threads{' with ' + repr(warn_text) if warn_text else ''}, got {warns}")


def cpus(n):
    return f"{n} CPU" + ("" if n == 1 else "s")


# Default rule, OMP_NUM_THREADS unset.
expect_threads("1 rank, no mpirun", probe_ranks("1 rank, no mpirun", [probe], env_with(), 1), C, C)
expect_threads("1 rank, mpirun", probe_ranks("1 rank, mpirun", mpirun(1, probe), env_with(), 1), C, C)
rows = probe_ranks("3 ranks", mpirun(3, probe), env_with(), 3)
expect_threads("3 ranks", rows, max(1, C // 3), C)
if rows and sum(r["threads"] for r in rows.values()) > max(C, 3):
    failures.append(f"3 ranks: {sum(r['threads'] for r in rows.values())} threads on {C} CPUs")
expect_log("3 ranks, log", log_of("3 ranks, log", mpirun(3, *starts), env_with()),
           f"threads: {max(1, C // 3)} per rank (3 ranks on this node, {cpus(C)} in the affinity mask)",
           1 if max(1, C // 3) > 1 and 3 * max(1, C // 3) > C else 0)
# libgomp pins the initial thread to one place when OMP_PROC_BIND is set; the mask is still all C CPUs.
expect_threads("1 rank, OMP_PROC_BIND=close", probe_ranks("1 rank, OMP_PROC_BIND=close", [probe],
               env_with(OMP_PROC_BIND="close"), 1), C, C)
if C >= 2:
    # One hardware thread per rank (mpirun --bind-to core/hwthread): 1 thread each.
    expect_threads("2 ranks bound", probe_ranks("2 ranks bound", mpirun(2, probe, bind="hwthread"), env_with(), 2), 1, 1)

# One CPU in the mask (taskset -c): 1 thread, at 1 rank and at 3.
one = ["taskset", "-c", str(mask[0])]
expect_threads("taskset, no mpirun", probe_ranks("taskset, no mpirun", one + [probe], env_with(), 1), 1, 1)
expect_threads("taskset, 1 rank", probe_ranks("taskset, 1 rank", one + mpirun(1, probe), env_with(), 1), 1, 1)
expect_threads("taskset, 3 ranks", probe_ranks("taskset, 3 ranks", one + mpirun(3, probe), env_with(), 3), 1, 1)
expect_log("taskset, 3 ranks, log", log_of("taskset, 3 ranks, log", one + mpirun(3, *starts), env_with()),
           "threads: 1 per rank (3 ranks on this node, 1 CPU in the affinity mask)", 0)

# OMP_NUM_THREADS overrides; 3 ranks x 2 threads exceed 2 CPUs: one warning (from the node's first rank).
expect_threads("OMP_NUM_THREADS=2, 1 rank", probe_ranks("OMP_NUM_THREADS=2, 1 rank", [probe],
               env_with(OMP_NUM_THREADS=2), 1), 2)
expect_threads("OMP_NUM_THREADS=2, 3 ranks", probe_ranks("OMP_NUM_THREADS=2, 3 ranks", mpirun(3, probe),
               env_with(OMP_NUM_THREADS=2), 3), 2)
expect_log("OMP_NUM_THREADS=2, 3 ranks, log",
           log_of("OMP_NUM_THREADS=2, 3 ranks, log", mpirun(3, *starts), env_with(OMP_NUM_THREADS=2)),
           f"threads: 2 per rank, from OMP_NUM_THREADS (3 ranks on this node, {cpus(C)} in the affinity mask)",
           1 if 6 > C else 0, f"3 ranks on this node run 6 threads in all on {cpus(C)}")
expect_threads("OMP_NUM_THREADS=3,1 (nested list)", probe_ranks("OMP_NUM_THREADS=3,1 (nested list)", [probe],
               env_with(OMP_NUM_THREADS="3,1"), 1), 3)

# An explicit request (SX_THREADS; later --threads) overrides OMP_NUM_THREADS.
expect_threads("request 3", probe_ranks("request 3", mpirun(2, probe, "3"), env_with(OMP_NUM_THREADS=1), 2), 3)
expect_log("SX_THREADS=3, log", log_of("SX_THREADS=3, log", mpirun(2, *starts),
                                       env_with(SX_THREADS=3, OMP_NUM_THREADS=1)),
           f"threads: 3 per rank, from SX_THREADS (2 ranks on this node, {cpus(C)} in the affinity mask)",
           1 if 6 > C else 0)

# Bad values: one error line naming the variable, exit status 2, on every rank.
for name, value, np in (("SX_THREADS", "abc", 1), ("SX_THREADS", "0", 3), ("OMP_NUM_THREADS", "-2", 2),
                        ("SX_THREADS", "99999", 2)):
    p = run([expect_error, str(np), "2", f"{name}='{value}' is not a thread count", "--", *starts],
            env_with(**{name: value}))
    print(p.stdout, end="")
    if p.returncode != 0:
        failures.append(f"{name}={value} at {np} ranks: error contract broken\n{p.stdout}")

if failures:
    print("\nFAILED:\n" + "\n".join(failures))
    sys.exit(1)
print(f"threads per rank: all cases passed ({C} CPUs in this test's mask)")
