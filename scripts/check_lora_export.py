#!/usr/bin/env python3
"""check_lora_export: does a pruned model recovered with `sieve lora`, as
exported (the dense pruned model + its adapters in PEFT's format), score in
transformers + peft what the engine measured?

Runs `sieve lora --levels L --out DIR` on a choice task, loads DIR with
transformers and DIR/adapter with peft, scores the task's held-out examples
(the last --held-out share of the evaluation split, as the engine keeps them)
by summed log-likelihood of each choice, without and with the adapters, and
prints both beside the engine's held-out scores before and after LoRA, with
how many examples the two disagree on.

  cmake --build build --target sieve
  python3 scripts/check_lora_export.py --model M.gguf --task resources/tasks/bbh_boolean_expressions.jsonl \\
      --level 0.3 --lora-steps 30

The tokenizer is the export's own (tokenizer.json, written from a GGUF
source's vocabulary too: docs/tokenizers.md); an export without one falls
back to transformers' GGUF reader (`gguf_file`, needs the gguf package).
Needs torch, transformers and peft (pip); reads nothing from ../shared.
"""
import argparse
import json
import os
import subprocess
import tempfile

import torch
from peft import PeftModel
from transformers import AutoModelForCausalLM, AutoTokenizer


def read_examples(task_path):
    lines = [json.loads(l) for l in open(task_path, encoding="utf-8") if l.strip()]
    header = lines[0]["task"]
    if header.get("kind") != "choice" or "calibration" not in header.get("split", {}):
        raise SystemExit(f"{task_path}: this check reads choice tasks with an explicit calibration file")
    return header, lines[1:]


def choice_accuracy(model, tok, header, examples):
    prefix = header.get("few_shot_prefix", "")
    correct = []
    with torch.no_grad():
        for ex in examples:
            context = prefix + ex["prompt"]
            head = tok(context).input_ids
            scores = []
            for choice in ex["choices"]:
                whole = tok(context + choice).input_ids
                cont = whole[len(head):] if whole[:len(head)] == head else tok(choice, add_special_tokens=False).input_ids
                ids = torch.tensor([head + cont])
                logp = torch.log_softmax(model(input_ids=ids).logits[0].float(), -1)
                scores.append(sum(logp[len(head) - 1 + i, t].item() for i, t in enumerate(cont)))
            correct.append(int(max(range(len(scores)), key=scores.__getitem__) == ex["label"]))
    return correct


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sieve", default=os.path.join(here, "..", "build", "app", "sieve"))
    ap.add_argument("--model", required=True)
    ap.add_argument("--task", required=True)
    ap.add_argument("--method", default="sieve")
    ap.add_argument("--level", type=float, default=0.3)
    ap.add_argument("--held-out", type=float, default=0.5)
    ap.add_argument("--lora-steps", type=int, default=30)
    ap.add_argument("--lora-rank", type=int, default=8)
    ap.add_argument("--lora-lr", type=float, default=1e-3)
    ap.add_argument("--calibration-tokens", type=int, default=0)
    # transformers computes in float32 below; the engine must too (on a CPU
    # with AVX-512 BF16 its `auto` is bfloat16, and rounding then flips a few
    # answers: 2 of 100 on SmolLM2, 2026-12-03).
    ap.add_argument("--dtype", default="f32")
    a = ap.parse_args()
    header, examples = read_examples(a.task)
    held = examples[len(examples) - int(len(examples) * a.held_out + 1e-9):]
    with tempfile.TemporaryDirectory() as tmp:
        session, out = os.path.join(tmp, "s.h5"), os.path.join(tmp, "export")
        subprocess.run([a.sieve, "lora", "--model", a.model, "--task", a.task, "--methods", a.method, "--levels",
                        str(a.level), "--held-out", str(a.held_out), "--lora-steps", str(a.lora_steps),
                        "--lora-rank", str(a.lora_rank), "--lora-lr", str(a.lora_lr), "--calibration-tokens",
                        str(a.calibration_tokens), "--dtype", a.dtype, "--session", session, "--out", out, "--quiet"], check=True)
        report = json.loads(subprocess.run([a.sieve, "report", "--session", session, "--json"], check=True,
                                           capture_output=True, text=True).stdout)
        run = report["lora"][0]
        if os.path.exists(os.path.join(out, "tokenizer.json")):
            tok = AutoTokenizer.from_pretrained(out)
        else:
            tok = AutoTokenizer.from_pretrained(os.path.dirname(os.path.abspath(a.model)),
                                                gguf_file=os.path.basename(a.model))
        base = AutoModelForCausalLM.from_pretrained(out, torch_dtype=torch.float32).eval()
        before = choice_accuracy(base, tok, header, held)
        adapted = PeftModel.from_pretrained(base, os.path.join(out, "adapter")).eval()
        after = choice_accuracy(adapted, tok, header, held)
    n = len(held)
    print(f"{a.task}, {a.method} at level {a.level} ({100 * run['removed_fraction']:.1f} % of the prunable "
          f"parameters removed), LoRA rank {a.lora_rank}, {a.lora_steps} steps; {n} held-out examples")
    print(f"  engine (sieve lora):            before {run['held_out_before']:.4f}  after {run['held_out_after']:.4f}"
          f"  ({run['held_out_examples']} examples)")
    print(f"  transformers + peft (export):   before {sum(before) / n:.4f}  after {sum(after) / n:.4f}")
    print(f"  examples the two disagree on:   before {abs(round(run['held_out_before'] * n) - sum(before))} (at least)"
          f", after {abs(round(run['held_out_after'] * n) - sum(after))} (at least)")


if __name__ == "__main__":
    main()
