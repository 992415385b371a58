#!/usr/bin/env python3
"""Converts the public task data sets into Sieve task files (resources/tasks/).

    python3 scripts/make_tasks.py                     # download the raw files (pinned commits), convert
    python3 scripts/make_tasks.py --from DIR          # convert raw files already on disk (DIR/arc_easy, DIR/sst2, DIR/bbh)
    python3 scripts/make_tasks.py --check             # convert into a temporary folder, compare with resources/tasks
    python3 scripts/make_tasks.py --task sst2 --prompt chat --out /tmp/t   # another prompt form (to measure a0)

Every task is a choice task (the model's answer is the choice with the largest
log-likelihood) in two files: `<task>.jsonl` (the header line and the
evaluation examples, which the engine divides into search and held-out
examples) and `<task>.calibration.jsonl` (the calibration examples, from
another split of the data set). Examples are drawn with a fixed seed, so the
same raw files give byte-identical task files. Few-shot exemplars come from the
calibration side and never occur in an evaluation split.

Standard library only (no pip packages). Sources, licences and the prompts
chosen are in resources/tasks/README.md.
"""
import argparse
import csv
import hashlib
import io
import json
import os
import random
import sys
import tempfile
import urllib.request

SEED = 15  # issue 15: the sampling seed of every task

# Where a user's copy comes from: public repositories at the commits the shared
# data were taken from (see resources/tasks/README.md).
SOURCES = {
    "arc_easy/train.jsonl": "https://github.com/nju-websoft/GenMC/raw/eada4b0/data/arc_easy/official/train.jsonl",
    "arc_easy/test.jsonl": "https://github.com/nju-websoft/GenMC/raw/eada4b0/data/arc_easy/official/test.jsonl",
    "sst2/dev.tsv": "https://github.com/tacchinotacchi/distil-bilstm/raw/44d3abb/SST-2/dev.tsv",
    "sst2/train.tsv": "https://github.com/tacchinotacchi/distil-bilstm/raw/44d3abb/SST-2/train.tsv",
}
BBH_TASKS = ["boolean_expressions", "sports_understanding", "web_of_lies", "navigate"]
for _name in BBH_TASKS:
    SOURCES[f"bbh/{_name}.json"] = f"https://github.com/suzgunmirac/BIG-Bench-Hard/raw/9ee07bd/bbh/{_name}.json"

# SmolLM2-Instruct's chat template (the GGUF's tokenizer.chat_template) with
# its default system message, for the `chat` prompt forms.
CHAT_USER = ("<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face"
             "<|im_end|>\n<|im_start|>user\n")
CHAT_ASSISTANT = "<|im_end|>\n<|im_start|>assistant\n"


def chat(user_text):
    return CHAT_USER + user_text + CHAT_ASSISTANT


# ---- reading the raw files ---------------------------------------------------------------

def read_text(raw, name):
    with open(os.path.join(raw, name), encoding="utf-8") as f:
        return f.read()


def arc_questions(raw, split):
    """ARC lines -> (stem, [choice texts], label index); the `para` field GenMC added is ignored."""
    out = []
    for line in read_text(raw, f"arc_easy/{split}.jsonl").splitlines():
        if not line.strip():
            continue
        j = json.loads(line)
        q = j["question"]
        labels = [c["label"] for c in q["choices"]]
        out.append((q["stem"].strip(), [c["text"].strip() for c in q["choices"]], labels.index(j["answerKey"])))
    return out


def sst2_sentences(raw, name):
    rows = csv.reader(io.StringIO(read_text(raw, name)), delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(rows)
    if header[:2] != ["sentence", "label"]:
        sys.exit(f"make_tasks.py: {name}: expected the header 'sentence<TAB>label', got {header}")
    return [(r[0].strip(), int(r[1])) for r in rows if r]


def bbh_examples(raw, name):
    return [(e["input"], e["target"]) for e in json.loads(read_text(raw, f"bbh/{name}.json"))["examples"]]


# ---- prompt forms -------------------------------------------------------------------------
# Each form maps a raw example to (prompt, choices, label) and may give a
# few-shot prefix built from exemplars. The chosen form of each task is
# DEFAULT_PROMPT; the others exist to measure a0 against it.

def arc_form(form, stem, choices):
    if form in ("qa", "qa-3shot"):
        return f"Question: {stem}\nAnswer:", [" " + c for c in choices]
    if form == "chat":
        return chat(stem), choices
    if form == "letters":
        letters = "ABCDE"
        listed = "\n".join(f"{letters[i]}. {c}" for i, c in enumerate(choices))
        return f"Question: {stem}\n{listed}\nAnswer:", [" " + letters[i] for i in range(len(choices))]
    raise KeyError(form)


SST2_CHOICES = [" negative", " positive"]


def sst2_form(form, sentence):
    if form in ("review", "review-4shot"):
        return f"Review: {sentence}\nSentiment:", SST2_CHOICES
    if form == "question":  # lm-evaluation-harness's sst2 prompt
        return f"{sentence}\nQuestion: Is this sentence positive or negative?\nAnswer:", SST2_CHOICES
    if form == "chat":
        return chat(f"Is the sentiment of this review positive or negative?\n{sentence}") + "Sentiment:", \
            SST2_CHOICES
    raise KeyError(form)


def bbh_choices(name, examples):
    targets = sorted({t for _, t in examples})
    if len(targets) != 2:
        sys.exit(f"make_tasks.py: bbh/{name}: expected two answers, found {targets}")
    return targets


def bbh_form(form, text, targets):
    if form in ("qa", "qa-3shot"):
        return f"Q: {text}\nA:", [" " + t for t in targets]
    if form == "chat":
        return chat(text), targets
    raise KeyError(form)


PROMPTS = {
    "arc_easy": ["qa", "qa-3shot", "chat", "letters"],
    "sst2": ["review", "review-4shot", "question", "chat"],
    **{f"bbh_{n}": ["qa", "qa-3shot", "chat"] for n in BBH_TASKS},
}
# Chosen on SmolLM2-135M-Instruct (measured: resources/tasks/README.md): the
# zero-shot forms score as well as the few-shot ones (SST-2 better: 0.80
# against 0.67) at a third to a fifth of the tokens, and every GA fitness
# evaluation pays for the prompt's length.
DEFAULT_PROMPT = {
    "arc_easy": "qa",
    "sst2": "review",
    **{f"bbh_{n}": "qa" for n in BBH_TASKS},
}
# Metric: acc (the choice with the largest log-likelihood) everywhere; on
# ARC-Easy acc_norm (per byte of the choice) scored 0.53 against acc's 0.57.
METRIC = {}

# Split sizes. Evaluation examples are divided by the engine (--held-out):
# with --held-out 0.75 ARC-Easy gives 200 search and 600 held-out examples.
ARC_CALIBRATION, ARC_EVALUATION = 512, 800
SST2_CALIBRATION = 512
BBH_SHOTS, BBH_EVALUATION = 3, 200


def shot_text(prompt, choices, label):
    return prompt + choices[label] + "\n\n"


# ---- building the tasks --------------------------------------------------------------------

def build_arc(raw, form):
    rng = random.Random(SEED)
    train = arc_questions(raw, "train")
    test = arc_questions(raw, "test")
    calibration = rng.sample(train, ARC_CALIBRATION + 3)
    shots, calibration = calibration[:3], calibration[3:]
    evaluation = rng.sample(test, ARC_EVALUATION)
    few_shot = ""
    if form.endswith("3shot"):
        for stem, choices, label in shots:
            prompt, cs = arc_form(form, stem, choices)
            few_shot += shot_text(prompt, cs, label)
    convert = lambda rows: [dict(zip(("prompt", "choices"), arc_form(form, s, c)), label=l) for s, c, l in rows]
    return few_shot, convert(calibration), convert(evaluation)


def build_sst2(raw, form, fetched):
    rng = random.Random(SEED)
    # The shared copy holds a 4,000-sentence sample of the train split; a
    # download reads the whole split, so the calibration draw differs there.
    pool = sst2_sentences(raw, "sst2/train.tsv" if fetched else "sst2/train-sample.tsv")
    dev = sst2_sentences(raw, "sst2/dev.tsv")
    drawn = rng.sample(pool, SST2_CALIBRATION + 64)
    # Four exemplars, two of each label, alternating, from the draw's tail;
    # whole sentences (six words or more), not the phrase fragments the train split also holds.
    whole = [x for x in drawn[SST2_CALIBRATION:] if len(x[0].split()) >= 6]
    positives = [x for x in whole if x[1] == 1][:2]
    negatives = [x for x in whole if x[1] == 0][:2]
    shots = [negatives[0], positives[0], negatives[1], positives[1]]
    few_shot = ""
    if form.endswith("4shot"):
        for sentence, label in shots:
            prompt, cs = sst2_form(form, sentence)
            few_shot += shot_text(prompt, cs, label)
    convert = lambda rows: [dict(zip(("prompt", "choices"), sst2_form(form, s)), label=l) for s, l in rows]
    return few_shot, convert(drawn[:SST2_CALIBRATION]), convert(dev)


def build_bbh(raw, name, form):
    rng = random.Random(f"{SEED}-{name}")
    # Distinct questions only: sports_understanding holds two twice (same
    # answer), which would otherwise land in two splits.
    examples = list(dict.fromkeys(bbh_examples(raw, name)))
    targets = bbh_choices(name, examples)
    order = list(range(len(examples)))
    rng.shuffle(order)
    rows = [examples[i] for i in order]
    evaluation = rows[:BBH_EVALUATION]
    rest = rows[BBH_EVALUATION:]
    # Exemplars from the rest, alternating between the two answers.
    by_answer = [[r for r in rest if r[1] == t] for t in targets]
    shots = [by_answer[i % 2][i // 2] for i in range(BBH_SHOTS)]
    calibration = [r for r in rest if r not in shots]
    few_shot = ""
    if form.endswith("3shot"):
        for text, target in shots:
            prompt, cs = bbh_form(form, text, targets)
            few_shot += shot_text(prompt, cs, targets.index(target))
    convert = lambda rs: [dict(zip(("prompt", "choices"), bbh_form(form, t, targets)), label=targets.index(y))
                          for t, y in rs]
    return few_shot, convert(calibration), convert(evaluation)


def write_task(out, name, metric, few_shot, calibration, evaluation):
    calibration_file = f"{name}.calibration.jsonl"
    task = {"name": name, "kind": "choice", "metric": metric}
    if few_shot:
        task["few_shot"] = few_shot
    task["split"] = {"calibration": calibration_file}
    dump = lambda obj: json.dumps(obj, ensure_ascii=False) + "\n"
    with open(os.path.join(out, f"{name}.jsonl"), "w", encoding="utf-8", newline="\n") as f:
        f.write(dump({"task": task}))
        for e in evaluation:
            f.write(dump(e))
    with open(os.path.join(out, calibration_file), "w", encoding="utf-8", newline="\n") as f:
        for e in calibration:
            f.write(dump(e))
    return [f"{name}.jsonl", calibration_file]


def convert(raw, out, tasks, prompt, fetched, sample=0, metric=None):
    os.makedirs(out, exist_ok=True)
    written = []
    for name in tasks:
        form = prompt or DEFAULT_PROMPT[name]
        if form not in PROMPTS[name]:
            sys.exit(f"make_tasks.py: {name} has no prompt form '{form}' (forms: {', '.join(PROMPTS[name])})")
        if name == "arc_easy":
            parts = build_arc(raw, form)
        elif name == "sst2":
            parts = build_sst2(raw, form, fetched)
        else:
            parts = build_bbh(raw, name[len("bbh_"):], form)
        task_metric = metric or METRIC.get(name, "acc")
        if sample:
            parts = (parts[0], parts[1], parts[2][:sample])
        written += write_task(out, name, task_metric, *parts)
        print(f"{name} ({form}, {task_metric}): {len(parts[2])} evaluation, {len(parts[1])} calibration examples",
              file=sys.stderr)
    return written


def download(folder):
    for name, url in SOURCES.items():
        target = os.path.join(folder, name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        print(f"downloading {url}", file=sys.stderr)
        with urllib.request.urlopen(url, timeout=60) as response, open(target, "wb") as f:
            f.write(response.read())


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--from", dest="raw", help="folder with arc_easy/, sst2/, bbh/ as published "
                        "(default: download them)")
    parser.add_argument("--out", default=os.path.join(here, "..", "resources", "tasks"))
    parser.add_argument("--task", action="append", choices=sorted(PROMPTS), help="only this task (repeatable)")
    parser.add_argument("--prompt", help="another prompt form than the chosen one (with --task)")
    parser.add_argument("--sample", type=int, default=0,
                        help="keep only the first N evaluation examples (to measure prompt forms quickly)")
    parser.add_argument("--metric", choices=["acc", "acc_norm"], help="another metric than the chosen one")
    parser.add_argument("--check", action="store_true",
                        help="convert into a temporary folder and compare with --out byte for byte")
    args = parser.parse_args()
    tasks = args.task or list(PROMPTS)
    if args.prompt and not args.task:
        parser.error("--prompt needs --task")

    with tempfile.TemporaryDirectory() as scratch:
        raw = args.raw
        if not raw:
            raw = os.path.join(scratch, "raw")
            download(raw)
        out = os.path.join(scratch, "out") if args.check else args.out
        written = convert(raw, out, tasks, args.prompt, fetched=not args.raw, sample=args.sample, metric=args.metric)
        if args.check:
            differ = [n for n in written
                      if not os.path.exists(os.path.join(args.out, n))
                      or sha256(os.path.join(out, n)) != sha256(os.path.join(args.out, n))]
            for n in written:
                print(f"{'differs' if n in differ else 'same   '}  {n}")
            return 1 if differ else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
