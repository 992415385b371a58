"""The reading of a SmolLM2 GA page (scripts/make_smollm2_ga.py), written from the sessions' reports.

Every number in it is read from the reports (`sieve report --json`), and each
sentence that judges a number chooses its verdict from it (a McNemar p below
0.05 is a difference the held-out examples show; a dense score whose interval
holds the chance rate says nothing). A regenerated page therefore cannot keep
an earlier run's numbers. What is not measured here is marked as such.
"""
import textwrap

from make_results import held_out_of

# Task stem -> (name, what one example is, the chance accuracy of a guess).
TASKS = {"sst2": ("SST-2", "sentences", 0.5), "arc_easy": ("ARC-Easy", "questions", 0.25)}
ALPHA = 0.05


def name(stem):
    if stem.startswith("bbh_"):
        return "BIG-Bench Hard " + stem[len("bbh_"):]
    return TASKS.get(stem, (stem, "examples", None))[0]


def noun(stem):
    return TASKS.get(stem, (stem, "examples", None))[1]


def chance(stem):
    """The accuracy of a guess: 0.5 for SST-2 and BIG-Bench Hard's two-answer tasks, 0.25 for ARC-Easy."""
    if stem.startswith("bbh_"):
        return 0.5
    return TASKS.get(stem, (stem, "examples", None))[2]


def pct(fraction):
    return f"{100 * fraction:.1f} %"


def listing(parts):
    """'a', 'a and b', 'a, b and c'."""
    parts = list(parts)
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def paired_text(h):
    return f"{h['mcnemar']['lost']} lost / {h['mcnemar']['gained']} gained, McNemar p = {h['mcnemar']['p']:.2g}"


def verdict(h):
    """What a paired test on the held-out examples says of pruned against dense."""
    if h["mcnemar"]["p"] >= ALPHA:
        return "no difference the held-out examples can show"
    return "a loss the held-out examples show" if h["pruned"] < h["dense"] else "a gain the held-out examples show"


def uniform_sieve(rep):
    return next(u for u in rep["uniform"] if u["method"] == "sieve")


def last_rise(rep):
    """The generation in which the best fitness last rose, counted from 0 as the workbench's figures count
    them; 0 when it never did."""
    gens = rep["ga"]["generations"]
    last = 0
    for i in range(1, len(gens)):
        if gens[i]["best_fitness"] > gens[i - 1]["best_fitness"] + 1e-12:
            last = i
    return last


def search_against_uniform(eps, tasks):
    parts, rises, none_uniform = [], [], False
    for stem, r1, _ in tasks:
        ga, uniform = r1["ga"]["best"], uniform_sieve(r1)
        text = (f"on {name(stem)} {pct(ga['removed_fraction'])}" + (" of the prunable parameters" if not parts else "")
                + f" ({pct(ga['removed_fraction_of_all'])} of all)")
        if uniform["best_removed_fraction"] > 0:
            text += f" against the uniform optimum's {pct(uniform['best_removed_fraction'])}"
        else:
            text += " where no uniform level stays within eps"
            none_uniform = True
        parts.append(text)
        n, rise = len(r1["ga"]["generations"]), last_rise(r1)
        rises.append(f"{rise} of 0-{n - 1} on {name(stem)}" + (" (still rising at the end)" if rise == n - 1 else ""))
    beats = all(r1["ga"]["best"]["removed_fraction"] > uniform_sieve(r1)["best_removed_fraction"]
                for _, r1, _ in tasks)
    head = ("The search removes what a uniform level cannot" if beats
            else "The search does not beat the uniform level everywhere")
    first = pct(tasks[0][1]["level_grid"][1])
    return (f"**{head}** (eps {100 * eps:g} %): {listing(parts)}" +
            (f" (the first grid level, {first} of every matrix, already costs more)" if none_uniform else "") +
            f". The best fitness last rose in generation {listing(rises)}.")


def held_out_bests(eps, tasks):
    parts = []
    for stem, r1, _ in tasks:
        h = held_out_of(r1, "ga")
        if h and "mcnemar" in h:
            parts.append(f"{name(stem)} {h['pruned']:.3f} against the dense {h['dense']:.3f} ({h['examples']} "
                         f"{noun(stem)}, {paired_text(h)}): {verdict(h)}")
    text = "**Held out, the GA bests** (examples no search saw): " + "; ".join(parts) + "."
    coarse = [(stem, r1["baseline"]["eps_resolution"]) for stem, r1, _ in tasks
              if r1["baseline"].get("eps_resolution") and not r1["baseline"]["eps_resolution"]["resolvable"]]
    if coarse:
        resolved = listing(f"{pct(res['smallest_resolvable_eps'])} ({name(stem)})" for stem, res in coarse)
        text += (f" The search examples resolve {resolved}, not {100 * eps:g} %: the search chooses among "
                 "chromosomes whose differences are partly noise, so its accuracy on them is selected and the "
                 "held-out scores are the ones to read.")
    return text


def projections(tasks):
    parts = []
    for stem, r1, r2 in tasks:
        sieve, svd = r1["ga"]["best"]["removed_fraction"], r2["ga"]["best"]["removed_fraction"]
        ratio = f"{sieve / svd:.1f} times as much" if svd > 0 else "where weight SVD finds nothing"
        text = f"{name(stem)} {pct(svd)} against {pct(sieve)} with LLM-Sieve ({ratio})"
        h = held_out_of(r2, "ga")
        if h and "mcnemar" in h:
            text += f"; its best scores {h['pruned']:.3f} held out against {h['dense']:.3f} ({paired_text(h)})"
        parts.append(text)
    return ("**Output-aligned projections against weight SVD under the same search**: with weight SVD (the same "
            "rank cut without data) the GA finds " + "; on ".join(parts) + ".")


def bottlenecks(tasks, top=2):
    parts, leaders, level = [], [], None
    for stem, r1, _ in tasks:
        sens = next((s for s in r1.get("sensitivity", []) if s["method"] == "sieve"), None)
        if not sens:
            continue
        level = sens["level"]
        matrices, grid, genes = r1["model"]["matrices"], r1["level_grid"], r1["ga"]["best"]["genes"]
        worst = sens["ranking"][:top]
        leaders.append({f"{matrices[i]['layer']}.{matrices[i]['type']}" for i in worst})
        named = listing(f"layer {matrices[i]['layer']}'s {matrices[i]['type']} (-{sens['drop'][i]:.3f}; "
                        + ("kept whole by the GA best" if grid[genes[i]] == 0 else
                           f"the GA best prunes it {pct(grid[genes[i]])}") + ")" for i in worst)
        mean = sum(grid[g] for g in genes) / len(genes)
        allowed = r1["baseline"].get("eps_resolution", {}).get("allowed_drop")
        over = "" if allowed is None else (
            f", and {sum(d > allowed for d in sens['drop'])} of the {len(matrices)} matrices alone lose more than "
            f"eps allows ({allowed:.3f})")
        parts.append(f"on {name(stem)} {named}; the GA best prunes its matrices {pct(mean)} on average{over}")
    if not parts:
        return None
    same = len(leaders) > 1 and all(s == leaders[0] for s in leaders)
    head = (f"The bottlenecks are the same on {'both' if len(leaders) == 2 else 'every'} task"
            f"{'s' if len(leaders) == 2 else ''}" if same else "The bottlenecks")
    return (f"**{head}**: each matrix alone at level {level:g}, the largest "
            "accuracy drops are " + "; ".join(parts) + ".")


def lora(tasks):
    parts, shifted = [], False
    for stem, r1, _ in tasks:
        r = next((r for r in r1.get("lora", []) if r["source"] == "ga"), None)
        h = held_out_of(r1, "ga")
        if not r or not r["held_out_examples"] or not h:
            continue
        text = (f"{name(stem)}'s GA best goes from {r['held_out_before']:.3f} to {r['held_out_after']:.3f} held "
                f"out (the dense model: {h['dense']:.3f})")
        shift = round(abs(r["held_out_before"] - h["pruned"]) * h["examples"])
        if shift:
            text += (f"; LoRA's \"before\" differs from the search's held-out score by {shift} "
                     f"{noun(stem) if shift > 1 else noun(stem)[:-1]}")
            shifted = True
        parts.append(text)
    if not parts:
        return None
    # No paired test compares a LoRA result with the dense model: the numbers are given, not judged.
    text = ("**LoRA on the GA bests** (fine-tuning on the task's calibration split: it also adapts the model to the "
            "task, so this is pruning plus fine-tuning, not recovery alone): " + "; ".join(parts) + ".")
    if shifted:
        text += (" A \"before\" can differ from the search's score because LoRA runs on both cores and each "
                 "search rank on one, and bfloat16 sums differ in their last bits with the thread count "
                 "(docs/benchmarks.md, MPI).")
    return text


def dense_at_chance(stem, e):
    """Whether the dense model's interval on a task holds the accuracy of a guess there."""
    lo, hi = e.get("dense_interval", (e["dense"], e["dense"]))
    return chance(stem) is not None and lo <= chance(stem) <= hi


def elsewhere(general):
    parts, specific = [], True
    # The rows that can say something first; a task the dense model guesses at comes last.
    for source, other, e in sorted(general, key=lambda g: dense_at_chance(g[1], g[2])):
        if "mcnemar" not in e:
            continue
        at_chance = dense_at_chance(other, e)
        text = (f"{name(source)}'s GA best scores {e['pruned']:.3f} on {name(other)} against the dense "
                f"{e['dense']:.3f} ({paired_text(e)})")
        if at_chance:
            text += f", but the dense model is at chance there ({chance(other):g}), so this says nothing"
        else:
            specific &= e["mcnemar"]["p"] < ALPHA and e["pruned"] < e["dense"]
        parts.append(text)
    if not parts:
        return None
    head = ("What one search removed, another task needed" if specific else "The GA bests on other tasks")
    tail = ". The pruned models are task-specific, as the paper intends." if specific else "."
    return f"**{head}**: " + "; ".join(parts) + tail


def eps_resolution(eps, tasks):
    parts = [f"{pct(r1['baseline']['eps_resolution']['smallest_resolvable_eps'])} on {name(stem)} (eps "
             f"{100 * eps:g} % lets a0 drop by {r1['baseline']['eps_resolution']['allowed_examples']:.1f} "
             f"{noun(stem)})" for stem, r1, _ in tasks if r1["baseline"].get("eps_resolution")]
    if not parts or all(r1["baseline"]["eps_resolution"]["resolvable"] for _, r1, _ in tasks):
        return None
    return (f"**eps {100 * eps:g} % is below what these search examples resolve**: " + "; ".join(parts) +
            ". Which chromosome is feasible is decided by a handful of examples.")


def against_other_eps(eps, other_eps, other_page, tasks, others):
    parts, drift = [], []
    for stem, r1, _ in tasks:
        if stem not in others:
            continue
        o1 = others[stem][0]
        h, oh = held_out_of(r1, "ga"), held_out_of(o1, "ga")
        if not h or not oh:
            continue
        parts.append(f"{name(stem)} {pct(o1['ga']['best']['removed_fraction'])} removed at eps {100 * other_eps:g} % "
                     f"(held out {oh['pruned']:.3f}, p = {oh['mcnemar']['p']:.2g}) against "
                     f"{pct(r1['ga']['best']['removed_fraction'])} here ({h['pruned']:.3f}, p = "
                     f"{h['mcnemar']['p']:.2g})")
        a0 = round(abs(r1["baseline"]["a0"] - o1["baseline"]["a0"]) * r1["baseline"]["examples"])
        dense = round(abs(h["dense"] - oh["dense"]) * h["examples"])
        if a0 or dense:
            drift.append(f"{name(stem)}: {a0} search and {dense} held-out {noun(stem)}")
    if not parts:
        return None
    text = (f"**Against eps {100 * other_eps:g} %** ([{other_page}]({other_page}), the same tasks and engine): "
            + "; ".join(parts) + ".")
    if drift:
        text += (" The dense scores of the two pages' sessions differ (" + "; ".join(drift) + "): bfloat16 sums "
                 "differ in their last bits with the thread count and the batching, which can flip near-tied "
                 "answers.")
    else:
        text += " Both pages' sessions score the dense model identically."
    return text


def against_paper(eps, tasks):
    removed = [r1["ga"]["best"]["removed_fraction"] for _, r1, _ in tasks]
    span = pct(min(removed)) if len(removed) == 1 else f"{100 * min(removed):.1f}-{pct(max(removed))}"
    return (f"**Against the paper's 20-75 % at 1-5 % loss**: the GA removes {span} of the prunable parameters at "
            f"eps {100 * eps:g} % here. SmolLM2-135M is 30-500 times smaller than the paper's models (3.8-70B) "
            "and published 4-bit quantized; a small general model has less to give up for one task.")


def reading(eps, tasks, general=(), other=None, minutes=None):
    """The page's reading. tasks: (stem, report of the `sieve run` session, report of the weight-svd GA session);
    general: (searched stem, other stem, `sieve eval --apply ga` entry); other: (its eps, its page, stem -> its
    two reports) of the other eps's page, when its sessions exist; minutes: stem -> minutes of its sieve
    session."""
    bullets = [eps_resolution(eps, tasks), search_against_uniform(eps, tasks), held_out_bests(eps, tasks),
               projections(tasks), bottlenecks(tasks), lora(tasks), elsewhere(general)]
    if other:
        bullets.append(against_other_eps(eps, other[0], other[1], tasks, other[2]))
    bullets.append(against_paper(eps, tasks))
    if minutes:
        bullets.append("The `sieve run` sessions took " + listing(
            f"{minutes[stem]:.0f} min ({name(stem)})" for stem, _, _ in tasks if stem in minutes) +
            " of wall time on 2 cores (which other work on the machine, builds and tests, can lengthen).")
    bullets.append("**Not run**: the GA on the BIG-Bench Hard tasks (SmolLM2 is at chance on "
                   "boolean_expressions, results.md: a search there would fit noise).")
    lines = ["## Reading the tables", "",
             "Written by scripts/smollm2_ga_reading.py from the sessions' reports: every number below is the "
             "run's, and each verdict follows from it."]
    for b in filter(None, bullets):
        # "15.2 %" stays on one line: the space before % is held while wrapping.
        text = textwrap.fill(b.replace(" %", "\0%"), 78, initial_indent="- ", subsequent_indent="  ",
                             break_on_hyphens=False)
        lines += ["", text.replace("\0%", " %")]
    return "\n".join(lines)
