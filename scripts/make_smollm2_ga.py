#!/usr/bin/env python3
"""Regenerates docs/results-smollm2-ga.md: the genetic search on a real model.

SmolLM2-135M-Instruct (its published Q4_1 GGUF: 4-bit quantized upstream,
dequantized on load; scripts/fetch-models.sh fetches it) on the real task
SST-2 (resources/tasks/; --tasks sst2,arc_easy adds ARC-Easy, about 70 minutes
more on 2 cores), eps 5 %, the default GA (population 24, 15
generations), per task:
  sieve run  the uniform `sieve` sweep, the GA with `sieve`, the sensitivity
             scan (bottlenecks) and every result scored on the held-out
             examples
  sieve ga   the GA with `weight-svd` in a second session (what the search
             does without output-aligned projections), held-out scored too
  sieve lora LoRA recovery of the GA best (sieve) and of every matrix one
             grid level past the uniform optimum (one process)
  sieve eval --apply ga  the GA best scored on the other tasks of
             make_results.GENERALISE (one process)
Under mpirun, one rank per core with one thread each, when the build has MPI
(rank 0 takes the node's cores while the others wait); else one process.
The figures are the workbench's own export (sieve-workbench --screenshots); the
reading under the tables is written from the reports by smollm2_ga_reading.py.
docs/results.md (scripts/make_results.py) has the uniform sweeps of every
method; this is the part that takes hours on a 2-core machine.

    python3 scripts/make_smollm2_ga.py --model SmolLM2-135M-Instruct.Q4_1.gguf
        [--build build] [--out DIR] [--tasks sst2[,arc_easy]] [--eps 0.05] [--reuse] [--no-figures]

--eps other than 0.05 writes docs/results-smollm2-ga-epsN.md (N in percent)
from its own sessions: the searches, the bottlenecks and the held-out scores,
without LoRA and the other tasks (those are about the 5 % results).

--reuse keeps finished sessions in --out (an interrupted search resumes, and the
minutes it ran before the interruption still count).
"""
import argparse
import json
import os
import pathlib
import shutil
import subprocess
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from smollm2_ga_reading import reading  # noqa: E402
from make_results import (GENERALISATION_HEADER, GENERALISE, HELD_OUT, HELD_OUT_BBH, LORA,  # noqa: E402
                          LORA_HEADER, ROOT, ci, export_views, generalisation_row, heatmap, held_out_of,
                          lora_recovery, report, resolution_text, result_rows, scored_elsewhere)

GA = ["--population", "24", "--generations", "15"]
DEFAULT_EPS = 0.05
FIGURES = ["ga_convergence", "pruning_heatmap", "bottlenecks", "accuracy_vs_pruning"]


def ranks_prefix(sieve):
    """mpirun, one rank per core, when the build and this machine have MPI; [] otherwise."""
    version = subprocess.run([str(sieve), "--version"], capture_output=True, text=True).stdout
    if "MPI" not in version or not shutil.which("mpirun"):
        return [], "one process"
    cores = os.cpu_count() or 1
    prefix = ["mpirun", "-np", str(cores), "--oversubscribe", "--bind-to", "none"]
    if os.geteuid() == 0:
        prefix.append("--allow-run-as-root")  # containers run as root
    return prefix, f"mpirun -np {cores}, --threads 1"


def bottlenecks(rep, top=5):
    """The `top` matrices whose pruning alone costs the most accuracy."""
    sens = next((s for s in rep.get("sensitivity", []) if s["method"] == "sieve"), None)
    if not sens:
        return "-"
    matrices = rep["model"]["matrices"]
    names = [f"{matrices[i]['layer']}.{matrices[i]['type']} (-{sens['drop'][i]:.3f})" for i in sens["ranking"][:top]]
    return f"at level {sens['level']:g}: " + ", ".join(names)


def convergence(rep):
    """Best removed fraction (%) after generation 1, the middle one and the last."""
    gens = rep["ga"]["generations"]
    picks = sorted({0, len(gens) // 2, len(gens) - 1})
    return " / ".join(f"{100 * gens[i]['best_fitness']:.1f} (g{gens[i]['index']})" for i in picks)


def figures_of(workbench, session, stem):
    """The session's views as PNGs in docs/results/ (the workbench's own figure export)."""
    targets = {view: ROOT / "docs" / "results" / f"smollm2-{stem}-{view}.png" for view in FIGURES}
    export_views(workbench, session, targets)
    return [t.relative_to(ROOT / "docs") for t in targets.values()]


def other_page(out, stems, sieve, default_eps):
    """(eps, page, stem -> the two reports) of the other page (5 % for 1 %, 1 % for 5 %) when all its sessions are
    in `out` and finished; else None."""
    eps, suffix = (0.01, "-eps1") if default_eps else (DEFAULT_EPS, "")
    reports = {}
    for stem in stems:
        pair = [out / f"smollm2-ga-{stem}{suffix}-{m}.h5" for m in ("sieve", "weight-svd")]
        if not all(p.exists() for p in pair):
            return None
        reports[stem] = tuple(report(sieve, p) for p in pair)
        if not all(r.get("ga", {}).get("complete") and held_out_of(r, "ga") for r in reports[stem]):
            return None
    return eps, f"results-smollm2-ga{suffix}.md", reports


def run_counted(cmd, minutes, key, minutes_file):
    """Runs cmd (as make_results.run), adding its wall minutes to minutes[key] in minutes_file every 30 s, not
    only at the end: a search cut short (the machine went away) and resumed with --reuse
    still counts the time it ran before."""
    print("+", " ".join(map(str, cmd)), flush=True)
    before, started = minutes.get(key, 0), time.time()
    with subprocess.Popen(list(map(str, cmd)), stdout=subprocess.DEVNULL) as process:
        while True:
            try:
                process.wait(timeout=30)
                break
            except subprocess.TimeoutExpired:
                pass
            finally:
                minutes[key] = before + (time.time() - started) / 60
                minutes_file.write_text(json.dumps(minutes, indent=1))
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, cmd)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", required=True, help="SmolLM2-135M-Instruct.Q4_1.gguf (scripts/fetch-models.sh)")
    ap.add_argument("--build", default="build")
    ap.add_argument("--out", default=str(ROOT / "build" / "results-smollm2-ga"))
    ap.add_argument("--tasks", default="sst2", help="comma-separated stems of resources/tasks/*.jsonl")
    ap.add_argument("--eps", type=float, default=DEFAULT_EPS, help="accepted accuracy loss (default 0.05)")
    ap.add_argument("--reuse", action="store_true", help="keep finished sessions in --out")
    ap.add_argument("--no-figures", action="store_true")
    args = ap.parse_args()
    if not 0 < args.eps < 1:
        ap.error(f"--eps: {args.eps} is not in (0, 1)")
    EPS = args.eps
    default_eps = abs(EPS - DEFAULT_EPS) < 1e-12
    # Sessions and the page of another eps sit beside the 5 % ones, never over them.
    suffix = "" if default_eps else f"-eps{100 * EPS:g}"
    page = ROOT / "docs" / f"results-smollm2-ga{suffix}.md"
    sieve = ROOT / args.build / "app" / "sieve"
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    prefix, how = ranks_prefix(sieve)
    threads = ["--threads", "1"] if prefix else []
    minutes_file = out / f"minutes{suffix}.json"
    minutes = json.loads(minutes_file.read_text()) if args.reuse and minutes_file.exists() else {}

    stems = args.tasks.split(",")
    for stem in stems:
        if not (ROOT / "resources" / "tasks" / f"{stem}.jsonl").is_file():
            ap.error(f"--tasks: no task file resources/tasks/{stem}.jsonl")
    if not pathlib.Path(args.model).exists():
        ap.error(f"--model: {args.model}: no such file (scripts/fetch-models.sh fetches it)")
    sessions = {stem: (out / f"smollm2-ga-{stem}{suffix}-sieve.h5", out / f"smollm2-ga-{stem}{suffix}-weight-svd.h5")
                for stem in stems}
    if not args.reuse:
        for pair in sessions.values():
            for s in pair:
                s.unlink(missing_ok=True)
    # Every task's `sieve` session before any weight-svd one: the paper's method first.
    for which, cmd in ((0, ["run", "--methods", "sieve", "--method", "sieve"]), (1, ["ga", "--method", "weight-svd"])):
        for stem in stems:
            session = sessions[stem][which]
            rep = report(sieve, session) if session.exists() else {}
            if rep.get("ga", {}).get("complete") and held_out_of(rep, "ga") and (which == 1 or rep.get("sensitivity")):
                continue
            task = ROOT / "resources" / "tasks" / f"{stem}.jsonl"
            run_counted([*prefix, sieve, *cmd, "--model", args.model, "--task", task, "--eps", EPS, "--held-out",
                         HELD_OUT.get(stem, HELD_OUT_BBH), "--quiet", *GA, *threads, "--session", session],
                        minutes, session.stem, minutes_file)

    summary, detail, maps, figures, speed, lora_rows, reports = [], [], [], [], [], [], []
    for stem in stems:
        s1, s2 = sessions[stem]
        task = ROOT / "resources" / "tasks" / f"{stem}.jsonl"
        base = ["--model", args.model, "--task", task, "--eps", EPS, "--held-out",
                HELD_OUT.get(stem, HELD_OUT_BBH), "--quiet"]
        started = time.time()
        rows = lora_recovery(sieve, s1, f"SmolLM2-135M-Instruct/{stem}", base) if default_eps else []
        if time.time() - started > 30:  # it ran (not only read from the session)
            minutes[f"{s1.stem}-lora"] = minutes.get(f"{s1.stem}-lora", 0) + (time.time() - started) / 60
            minutes_file.write_text(json.dumps(minutes, indent=1))
        lora_rows += rows
        r1, r2 = report(sieve, s1), report(sieve, s2)
        reports.append((stem, r1, r2))
        name = f"SmolLM2-135M-Instruct/{stem}"
        b = r1["baseline"]
        uniform = next(u for u in r1["uniform"] if u["method"] == "sieve")
        share = r1["model"]["prunable_params"] / r1["model"]["total_params"]
        resolves = resolution_text(b.get("eps_resolution"))
        summary.append(f"| {name} | {ci(b['a0'], b.get('interval'))} ({b['examples']}) | {resolves} | "
                       f"{100 * uniform['best_removed_fraction']:.1f} | {100 * r1['ga']['best']['removed_fraction']:.1f} | "
                       f"{100 * r2['ga']['best']['removed_fraction']:.1f} | {100 * share:.1f} % | "
                       f"{minutes.get(s1.stem, 0):.0f} + {minutes.get(s2.stem, 0):.0f} |")
        detail += result_rows(name, EPS, r1, "GA sieve")
        detail += [r for r in result_rows(name, EPS, r2, "GA weight-svd") if "| GA weight-svd |" in r]
        for method, rep in (("sieve", r1), ("weight-svd", r2)):
            speed.append(f"| {name} | {method} | {len(rep['ga']['generations'])} | {convergence(rep)} | "
                         f"{'patience' if rep['ga'].get('stopped_early') else 'all generations'} |")
        maps.append((name, heatmap(r1), bottlenecks(r1)))
        if not args.no_figures:
            figures.append((name, figures_of(ROOT / args.build / "app" / "sieve-workbench", s1, stem + suffix)))

    # What the search keeps on other tasks: the GA best (sieve) scored on each one's evaluation split.
    general, general_entries = [], []
    for source, other in GENERALISE:
        if source in stems and default_eps:
            other_file = ROOT / "resources" / "tasks" / f"{other}.jsonl"
            started = time.time()
            e = scored_elsewhere(sieve, sessions[source][0], "ga", other_file)
            if time.time() - started > 30:  # it ran
                minutes["generalisation"] = minutes.get("generalisation", 0) + (time.time() - started) / 60
                minutes_file.write_text(json.dumps(minutes, indent=1))
            general.append(generalisation_row("SmolLM2-135M-Instruct", source, "ga", other, e))
            general_entries.append((source, other, e))

    total = sum(minutes.values())  # the searches, LoRA and the generalisation scores
    shown = ["--model", pathlib.Path(args.model).name] + (["--tasks", args.tasks] if args.tasks != "sst2" else [])
    shown += [] if default_eps else ["--eps", f"{EPS:g}"]
    title = "# Results: the genetic search on SmolLM2-135M-Instruct" + ("" if default_eps else f", eps {100 * EPS:g} %")
    lines = [title, "",
             f"Regenerated by `python3 scripts/make_smollm2_ga.py {' '.join(shown)}` (GA: {' '.join(GA)}, "
             f"eps {100 * EPS:g} %, {how}); the sessions took {total:.0f} min in all on this machine "
             f"({os.cpu_count()} cores). The model is read from its published GGUF, whose weights are 4-bit "
             "quantized upstream (Q4_1) and dequantized on load. The uniform sweeps of every method, the "
             "8-bit factors and LoRA are in [results.md](results.md); `bash scripts/make_all_results.sh` "
             "regenerates every results page in one command." +
             ("" if default_eps else " LoRA recovery and the scores on other tasks are those of the eps 5 % "
              "results, in [results-smollm2-ga.md](results-smollm2-ga.md)."), "",
             "## How much the search removes", "",
             "Percent of the **prunable** parameters removed while accuracy on the search examples stays "
             ">= (1 - eps) a0; a0 with its Wilson 95 % interval on n search examples; `resolves`: the smallest "
             "eps those examples tell from noise. Minutes: the `sieve run` session (uniform sweep, GA, "
             "sensitivity, held-out) + the `sieve ga` session with weight-svd.", "",
             "| task | a0 [95 %] (n) | resolves | uniform sieve | GA sieve | GA weight-svd | prunable share of all "
             "| minutes |", "|---|---|---|---|---|---|---|---|", *summary, "",
             "## Every result on the held-out examples", "",
             "Removed of the prunable / of all parameters, accuracy on the search examples, then the dense and "
             "the pruned model on the same held-out examples (never searched on), the examples the pruned model "
             "lost / gained, and the exact McNemar test (a small p: the pruned model differs).", "",
             "| task | eps | result | removed % prunable / all | search accuracy | held-out dense -> pruned | "
             "lost/gained | McNemar p |", "|---|---|---|---|---|---|---|---|", *detail, "",
             "## Convergence", "",
             "Best fitness (percent of the prunable parameters removed by the best feasible chromosome) after "
             "the first, the middle and the last generation (gN: generation N, counted from 0 as in the "
             "workbench's figures).", "",
             "| task | method | generations | best after | stopped |", "|---|---|---|---|---|", *speed]
    if lora_rows:
        lines += ["", "## LoRA recovery of the GA best", "",
                  f"`sieve lora` ({' '.join(LORA)}): adapters on every projection trained on the calibration "
                  "split, the pruned weights frozen, as in results.md; the GA best (sieve) and every matrix at the "
                  "first grid level past the uniform optimum. This is fine-tuning on task data: it can lift the "
                  "pruned model above the dense one.", "",
                  *LORA_HEADER, *lora_rows]
    if general:
        lines += ["", "## What the search keeps on other tasks", "",
                  "`sieve eval --session S --apply ga --task OTHER`: the dense model and the GA best (sieve) on "
                  "the other task's whole evaluation split; a small McNemar p: the pruning changed it.", "",
                  *GENERALISATION_HEADER, *general]
    for name, table, worst in maps:
        lines += ["", f"## {name}: the GA best (sieve), percent pruned per matrix", "",
                  f"Bottlenecks (single-matrix sensitivity, accuracy drop): {worst}.", "", table]
        for fig_name, pngs in figures:
            if fig_name == name:
                lines += [""] + [f"![{p.stem}]({p})" for p in pngs]
    lines += ["", reading(EPS, reports, general_entries, other_page(out, stems, sieve, default_eps),
                          {stem: minutes.get(sessions[stem][0].stem, 0) for stem in stems}), ""]
    page.write_text("\n".join(lines))
    print("wrote " + str(page.relative_to(ROOT)))


if __name__ == "__main__":
    main()
