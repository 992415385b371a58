#!/usr/bin/env python3
"""The transformers side of bench/bench_ga: the same chromosomes, scored the
plain way. Each chromosome replaces every pruned matrix's dense weight by the
rank-r product B_r (A_r x) of the factors our engine computed, then every
question is scored with one forward per choice (prompt + choice, batch 1) and
the choice with the largest summed log-likelihood is the answer.

The C++ bench writes the inputs (token ids, factors, ranks per chromosome) and
reads this script's JSON from stdout:
  {"accuracy": [per chromosome], "cpu_seconds": [per chromosome], "threads": N}

    python3 scripts/bench_ga_hf.py --inputs ga.json --factors factors.safetensors --threads 1 \
        [--dtype float32|bfloat16]

--dtype: the compute dtype, the one our side ran in (weights and factors are
cast to it, as our engine holds them).
"""
import argparse
import json
import sys
import time

import torch
from safetensors.torch import load_file
from transformers import AutoModelForCausalLM


class LowRank(torch.nn.Module):
    """y = B_r (A_r x) (+ bias): the factorized map in place of a Linear."""

    def __init__(self, B, A, bias):
        super().__init__()
        self.B, self.A, self.bias = B, A, bias

    def forward(self, x):
        y = torch.nn.functional.linear(torch.nn.functional.linear(x, self.A), self.B)
        return y if self.bias is None else y + self.bias


def module_of(model, name):
    """model.layers.3.self_attn.q_proj -> (parent module, attribute)."""
    parts = name.split(".")
    parent = model
    for p in parts[:-1]:
        parent = getattr(parent, p)
    return parent, parts[-1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--inputs", required=True)
    ap.add_argument("--factors", required=True)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--dtype", choices=["float32", "bfloat16", "float16"], default="float32")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    spec = json.load(open(args.inputs))
    model = AutoModelForCausalLM.from_pretrained(
        spec["model_dir"], gguf_file=spec["gguf_file"], torch_dtype=getattr(torch, args.dtype))
    model.eval()
    factors = {k: v.to(getattr(torch, args.dtype)) for k, v in load_file(args.factors).items()}
    dense = {}
    for name in spec["matrices"]:
        parent, attr = module_of(model, name)
        dense[name] = getattr(parent, attr)

    accuracies, seconds = [], []
    with torch.inference_mode():
        for ranks in spec["chromosomes"]:
            for name, r in zip(spec["matrices"], ranks):
                parent, attr = module_of(model, name)
                if r == 0:
                    setattr(parent, attr, dense[name])
                else:
                    lin = dense[name]
                    setattr(parent, attr, LowRank(factors[name + ".B"][:, :r], factors[name + ".A"][:r], lin.bias))
            start = time.process_time()
            correct = 0
            for q in spec["questions"]:
                prompt = q["prompt"]
                scores = []
                for cont in q["continuations"]:
                    ids = torch.tensor([prompt + cont])
                    logp = torch.log_softmax(model(ids).logits[0].float(), -1)
                    total = 0.0
                    for j, tok in enumerate(cont):
                        total += logp[len(prompt) + j - 1, tok].item()
                    scores.append(total)
                best = max(range(len(scores)), key=lambda k: (scores[k], -k))
                correct += int(best == q["label"])
            seconds.append(time.process_time() - start)
            accuracies.append(correct / len(spec["questions"]))
    json.dump({"accuracy": accuracies, "cpu_seconds": seconds, "threads": args.threads}, sys.stdout)


if __name__ == "__main__":
    main()
