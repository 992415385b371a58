#!/usr/bin/env python3
"""bench_mpi: the genetic search's evaluations per second on 1, 2 and 3 MPI
ranks (issue 17), side by side in one run, with the time each rank spent
idle. Every configuration runs the same `sieve ga` (same seed, population,
generations) into a fresh session; the rate is the engine's own line
"genetic search: N evaluations in T s", so model loading, the dense baseline
and the uniform sweep (rank 0 only) are not counted.

--search sensitivity times `sieve sensitivity` instead (every matrix alone
at the highest level, the variants handed out like chromosomes), from the
engine's line "sensitivity scan: N variants in T s", and checks that every
rank count gives the same accuracy for every variant (`sieve report --json`
of each session).

  python3 bench/bench_mpi.py --sieve build/app/sieve                      # demo model
  python3 bench/bench_mpi.py --sieve build/app/sieve --model M.gguf --task T.jsonl \
      --examples 80 --population 8 --generations 3
  python3 bench/bench_mpi.py --search sensitivity --ranks 1,2 --model M.gguf --task T.jsonl

--examples N runs on a cut copy of the task (its first N evaluation and N
calibration examples), so that a real model's bench takes minutes.

On a machine with C cores, ranks x threads should stay <= C for a fair
ratio; --threads sets the threads of every rank (default 1), and a row
"1 process, C threads" is the one-process run that uses every core.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

RATE = {"ga": re.compile(r"genetic search: (\d+) evaluations in ([0-9.]+) s"),
        "sensitivity": re.compile(r"sensitivity scan: (\d+) variants in ([0-9.]+) s")}
LOAD = re.compile(r"rank (\d+): (\d+) evaluations, ([0-9.]+) s busy, ([0-9.]+) s idle")
FACTORS = re.compile(r"cluster: \S+ factors \(([^)]+)\) sent to (\d+) ranks in ([0-9.]+) s")


def run(cmd, search):
    load = os.getloadavg()[0]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if p.returncode != 0:
        sys.exit("failed (%d): %s\n%s" % (p.returncode, " ".join(cmd), p.stdout[-3000:]))
    m = RATE[search].search(p.stdout)
    if not m:
        sys.exit("no '%s' line in the output of %s" % (RATE[search].pattern.split(":")[0], " ".join(cmd)))
    # The ranks' load lines of this search: they follow its rate line (the
    # uniform sweep before a GA is spread too and prints its own first).
    loads = [(int(r), int(n), float(b), float(i)) for r, n, b, i in LOAD.findall(p.stdout, m.end())]
    f = FACTORS.search(p.stdout)
    factors = "%s to %s ranks in %s s" % f.groups() if f else None
    return int(m.group(1)), float(m.group(2)), loads, (load + os.getloadavg()[0]) / 2, factors


def scan_of(sieve, session):
    """The sensitivity scan as the session stores it (every variant's accuracy)."""
    rep = subprocess.run([sieve, "report", "--session", session, "--json"], stdout=subprocess.PIPE, text=True,
                         check=True).stdout
    return json.loads(rep)["sensitivity"]


def cut_task(task, n, tmp):
    """The task's first n evaluation examples, with its first n calibration
    examples beside it (the header names the calibration file)."""
    with open(task) as f:
        lines = [line for line in f if line.strip()]
    header = json.loads(lines[0])
    split = header["task"].get("split", {})
    if "calibration" in split:
        source = os.path.join(os.path.dirname(os.path.abspath(task)), split["calibration"])
        with open(source) as f:
            calibration = [line for line in f if line.strip()]
        with open(os.path.join(tmp, "cut.calibration.jsonl"), "w") as f:
            f.writelines(calibration[:n + 1] if calibration[0].lstrip().startswith('{"task"') else calibration[:n])
        split["calibration"] = "cut.calibration.jsonl"
    path = os.path.join(tmp, "cut.jsonl")
    with open(path, "w") as f:
        f.write(json.dumps(header) + "\n")
        f.writelines(lines[1:n + 1])
    return path


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sieve", default=os.path.join(here, "..", "build", "app", "sieve"))
    ap.add_argument("--mpirun", default="mpirun")
    ap.add_argument("--model", default=os.path.join(here, "..", "resources", "demo"))
    ap.add_argument("--task", default=None, help="default: the demo's add task")
    ap.add_argument("--search", choices=["ga", "sensitivity"], default="ga")
    ap.add_argument("--ranks", default="1,2,3")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--population", type=int, default=12)
    ap.add_argument("--generations", type=int, default=4)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--examples", type=int, default=0, help="cut the task to its first N examples (0: all)")
    ap.add_argument("--calibration-tokens", type=int, default=0, help="passed to sieve ga (0: the whole split)")
    a = ap.parse_args()
    if a.examples < 0 or a.calibration_tokens < 0:
        sys.exit("--examples and --calibration-tokens take 0 (all) or a positive count")
    task = a.task or os.path.join(a.model, "tasks", "add.jsonl")
    cores = os.cpu_count() or 1
    mpirun = [a.mpirun, "--oversubscribe", "--bind-to", "none"]
    if os.geteuid() == 0:
        mpirun.append("--allow-run-as-root")

    def ga(session, threads):
        common = ["--model", a.model, "--task", task, "--session", session, "--threads", str(threads),
                  "--calibration-tokens", str(a.calibration_tokens)]
        if a.search == "sensitivity":
            return [a.sieve, "sensitivity"] + common
        return [a.sieve, "ga"] + common + ["--population", str(a.population), "--generations",
                                           str(a.generations), "--patience", "1000", "--seed", str(a.seed)]

    rows = []
    scans = []  # the scan of each rank count (--search sensitivity)
    with tempfile.TemporaryDirectory() as tmp:
        if a.examples > 0:
            task = cut_task(task, a.examples, tmp)
        for ranks in [int(r) for r in a.ranks.split(",")]:
            session = os.path.join(tmp, "r%d.h5" % ranks)
            cmd = ga(session, a.threads) if ranks == 1 else mpirun + ["-np", str(ranks)] + ga(session, a.threads)
            n, seconds, loads, load, factors = run(cmd, a.search)
            if a.search == "sensitivity":
                scans.append(scan_of(a.sieve, session))
            rows.append(("%d rank%s x %d thread%s" % (ranks, "s" if ranks > 1 else "", a.threads,
                                                    "s" if a.threads > 1 else ""), ranks, n, seconds, loads, load,
                         factors))
        if cores > a.threads:
            n, seconds, loads, load, factors = run(ga(os.path.join(tmp, "all.h5"), cores), a.search)
            rows.append(("1 process x %d threads" % cores, 1, n, seconds, loads, load, factors))

    base = rows[0][2] / rows[0][3]
    if a.search == "sensitivity":
        print("model %s, task %s, sensitivity scan, %d cores" % (a.model, task, cores))
        # The ranks' accuracies must be the single process's (the --threads 1
        # runs; a process on more threads may differ in bfloat16's last bits).
        same = all(s == scans[0] for s in scans)
        print("the %d variants' accuracies and the ranking the same on every rank count: %s" %
              (rows[0][2], "yes" if same else "NO"))
    else:
        print("model %s, task %s, population %d, generations %d, %d cores" %
              (a.model, task, a.population, a.generations, cores))
    # The load average beside each row: on a shared machine other work takes
    # cores from the ranks, and a ratio measured under load says little.
    unit = "variants" if a.search == "sensitivity" else "evaluations"
    print("%-26s %12s %10s %14s %9s %9s  %s" % ("configuration", unit, "seconds", unit + "/s",
                                                 "vs 1 rank", "load avg", "idle per rank (s)"))
    for name, ranks, n, seconds, loads, load, _ in rows:
        rate = n / seconds
        idle = ", ".join("%d: %.1f" % (r, i) for r, _, _, i in loads) if loads else "-"
        print("%-26s %12d %10.1f %14.3f %8.2fx %9.1f  %s" % (name, n, seconds, rate, rate / base, load, idle))
    # What a projection to many GPUs needs (docs/benchmarks.md): the cost of
    # one evaluation where it runs (rank 0's own lane: no messages), the same
    # seen from rank 0 for a worker (hand-out to verdict: the evaluation plus
    # its two messages), and the one-time factor broadcast.
    print()
    print("%-26s %22s %26s  %s" % ("configuration", "s/evaluation (rank 0)", "s/evaluation (workers)",
                                   "factor broadcast"))
    for name, ranks, n, seconds, loads, load, factors in rows:
        if not loads:
            continue
        own = [b / e for r, e, b, _ in loads if r == 0 and e > 0]
        workers = [(e, b) for r, e, b, _ in loads if r > 0 and e > 0]
        worker = sum(b for _, b in workers) / sum(e for e, _ in workers) if workers else float("nan")
        print("%-26s %22.3f %26.3f  %s" % (name, own[0] if own else float("nan"), worker, factors or "-"))


if __name__ == "__main__":
    main()
