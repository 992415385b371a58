#!/usr/bin/env python3
"""bench_lora: LoRA training steps per second, ours against peft +
transformers on the same pruned model, batch and sequence length, measured
side by side in one run (issue 16; target: ours >= 1.0x on the CPU).

Exports one pruned model twice with the CLI (`--format dense`: B A multiplied
back, what a transformers user has; `--format factorized`: B and A kept, what
`sieve lora` trains on), then times one AdamW step with adapters on every
projection (rank --rank, no dropout, every token but the first labelled),
best CPU time of --steps after a warm-up, one thread each:

- ours on the factorized model (bench_lora, as `sieve lora` runs);
- ours on the dense export;
- peft + transformers on the dense export (LoraConfig as ours).

  cmake --build build --target sieve bench_lora
  python3 bench/bench_lora.py                                   # demo model, add, level 0.5
  python3 bench/bench_lora.py --model M.gguf --task resources/tasks/sst2.jsonl --level 0.3 \\
      --calibration-tokens 4000 --batch 4 --tokens 128

Needs torch, transformers and peft (pip); reads nothing from ../shared.
"""
import argparse
import json
import os
import subprocess
import tempfile
import time

import torch
from peft import LoraConfig, get_peft_model
from transformers import AutoModelForCausalLM

from bench_export import export  # the same pruned model, exported the same way

TARGETS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]


def ours(a, model_dir):
    out = subprocess.run([a.bench, "--model", model_dir, "--batch", str(a.batch), "--tokens", str(a.tokens),
                          "--rank", str(a.rank), "--steps", str(a.steps), "--threads", "1"],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def peft_step_seconds(a, model_dir):
    torch.set_num_threads(1)
    base = AutoModelForCausalLM.from_pretrained(model_dir, torch_dtype=torch.float32)
    model = get_peft_model(base, LoraConfig(r=a.rank, lora_alpha=2 * a.rank, target_modules=TARGETS,
                                            lora_dropout=0.0, bias="none", task_type="CAUSAL_LM"))
    model.train()
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-3,
                                  weight_decay=0.0)
    generator = torch.Generator().manual_seed(0)
    ids = torch.randint(base.config.vocab_size, (a.batch, a.tokens), generator=generator)
    labels = ids.clone()
    labels[:, 0] = -100

    def step():
        optimizer.zero_grad()
        model(input_ids=ids, labels=labels).loss.backward()
        optimizer.step()

    step()  # warm-up
    best = float("inf")
    for _ in range(a.steps):
        start = time.process_time()
        step()
        best = min(best, time.process_time() - start)
    return best


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sieve", default=os.path.join(here, "..", "build", "app", "sieve"))
    ap.add_argument("--bench", default=os.path.join(here, "..", "build", "bench", "bench_lora"))
    ap.add_argument("--model", default=os.path.join(here, "..", "resources", "demo"))
    ap.add_argument("--task", default=None, help="default: the demo's add task")
    ap.add_argument("--method", default="sieve")
    ap.add_argument("--level", type=float, default=0.5)
    ap.add_argument("--calibration-tokens", type=int, default=0)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--tokens", type=int, default=64)
    ap.add_argument("--rank", type=int, default=8)
    ap.add_argument("--steps", type=int, default=5)
    a = ap.parse_args()
    a.int8 = False  # float factors (bench_export's export reads it)
    a.task = a.task or os.path.join(a.model, "tasks", "add.jsonl")
    with tempfile.TemporaryDirectory() as tmp:
        dense, factorized = os.path.join(tmp, "dense"), os.path.join(tmp, "factorized")
        export(a, "dense", dense)
        export(a, "factorized", factorized)
        ours_factorized = ours(a, factorized)
        ours_dense = ours(a, dense)
        reference = peft_step_seconds(a, dense)
    print(f"LoRA step, batch {a.batch} x {a.tokens} tokens, rank {a.rank}, adapters on every projection, "
          f"one thread, CPU seconds per step (best of {a.steps}); model {a.model} at level {a.level} ({a.method})")
    rows = [("ours, factorized (sieve lora)", ours_factorized["cpu_seconds_per_step"]),
            ("ours, dense export", ours_dense["cpu_seconds_per_step"]),
            ("peft + transformers, dense export", reference)]
    for name, seconds in rows:
        print(f"  {name:36s} {seconds:8.4f} s/step  {1 / seconds:8.2f} steps/s  "
              f"ours vs peft {reference / seconds:5.2f}x")
    print(f"  factorized matrices: {ours_factorized['factorized_matrices']}, "
          f"adapter parameters: {ours_factorized['adapter_params']}")


if __name__ == "__main__":
    main()
