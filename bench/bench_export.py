#!/usr/bin/env python3
"""bench_export: what a factorized export gains over the dense one, measured
in transformers side by side in one run (issue 16).

Exports the same pruned model twice with the CLI (`--format dense`: B A
multiplied back; `--format factorized`: B and A kept, loaded through the
modeling_sieve.py written beside them), loads both with transformers
(float32, one thread), and prints their parameters, file sizes, the largest
logit difference between them and their tokens per CPU-second on one
sequence (best of --repeats).

  python3 bench/bench_export.py --sieve build/app/sieve                   # demo model, add, level 0.5
  python3 bench/bench_export.py --model M.gguf --task resources/tasks/sst2.jsonl --level 0.3 \\
      --calibration-tokens 4000

Needs torch and transformers (pip); reads nothing from ../shared.
"""
import argparse
import os
import subprocess
import tempfile
import time

import torch
from transformers import AutoModelForCausalLM


def export(a, fmt, out):
    cmd = [a.sieve, "export", "--model", a.model, "--task", a.task, "--method", a.method, "--level",
           str(a.level), "--format", fmt, "--quiet", "--threads", "1", "--out", out,
           "--calibration-tokens", str(a.calibration_tokens)] + (["--int8"] if a.int8 else [])
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def tokens_per_cpu_second(model, ids, repeats):
    best = float("inf")
    with torch.no_grad():
        model(input_ids=ids)  # warm-up
        for _ in range(repeats):
            start = time.process_time()
            model(input_ids=ids)
            best = min(best, time.process_time() - start)
    return ids.numel() / best


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sieve", default=os.path.join(here, "..", "build", "app", "sieve"))
    ap.add_argument("--model", default=os.path.join(here, "..", "resources", "demo"))
    ap.add_argument("--task", default=None, help="default: the demo's add task")
    ap.add_argument("--method", default="sieve")
    ap.add_argument("--level", type=float, default=0.5)
    ap.add_argument("--calibration-tokens", type=int, default=0)
    ap.add_argument("--tokens", type=int, default=256, help="sequence length of the speed measurement")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--int8", action="store_true", help="the 8-bit model: factors stored in 8 bits (factorized)")
    a = ap.parse_args()
    a.task = a.task or os.path.join(a.model, "tasks", "add.jsonl")
    torch.set_num_threads(1)
    torch.manual_seed(0)

    with tempfile.TemporaryDirectory() as tmp:
        rows = []
        models = {}
        for fmt in ("dense", "factorized"):
            out = os.path.join(tmp, fmt)
            export(a, fmt, out)
            model = AutoModelForCausalLM.from_pretrained(out, trust_remote_code=fmt == "factorized",
                                                         dtype=torch.float32).eval()
            models[fmt] = model
            size = sum(os.path.getsize(os.path.join(out, f)) for f in os.listdir(out) if f.endswith(".safetensors"))
            rows.append([fmt, sum(p.numel() for p in model.parameters()), size])
        vocab = models["dense"].config.vocab_size
        context = getattr(models["dense"].config, "max_position_embeddings", a.tokens)
        ids = torch.randint(0, vocab, (1, min(a.tokens, context)))
        with torch.no_grad():
            diff = float((models["dense"](input_ids=ids).logits - models["factorized"](input_ids=ids).logits)
                         .abs().max())
        for row in rows:
            row.append(tokens_per_cpu_second(models[row[0]], ids, a.repeats))

    print("model %s, task %s, method %s, level %.2f of every matrix%s, %d tokens, 1 thread, float32" %
          (a.model, a.task, a.method, a.level, ", 8-bit factors" if a.int8 else "", ids.shape[1]))
    print("%-12s %14s %14s %16s %12s" % ("export", "parameters", "file MB", "tokens/CPU-s", "vs dense"))
    dense_rate = rows[0][3]
    for fmt, params, size, rate in rows:
        print("%-12s %14d %14.1f %16.1f %11.2fx" % (fmt, params, size / 1e6, rate, rate / dense_rate))
    print("max |logits dense - factorized| = %.2e (the same model: B (A x) against (B A) x)" % diff)


if __name__ == "__main__":
    main()
