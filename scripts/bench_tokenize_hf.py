#!/usr/bin/env python3
"""Hugging Face `tokenizers` side of bench/bench_tokenize.cpp.

Encodes one text file with one tokenizer.json on a single thread and prints one
JSON line (with --lines, each line is encoded as its own text, as prompts
are): CPU seconds (best of --repeat runs), wall seconds, token count and an
FNV-1a hash of the ids, so the C++ bench can check it produced the same ids.

    python3 scripts/bench_tokenize_hf.py --tokenizer ../shared/tokenizers/qwen3/tokenizer.json --text t.txt
"""
import argparse
import json
import os
import time

# Single thread: set before tokenizers is imported (it reads them at start-up).
os.environ["RAYON_NUM_THREADS"] = "1"
os.environ["TOKENIZERS_PARALLELISM"] = "false"

from tokenizers import Tokenizer  # noqa: E402


def fnv1a(ids):
    h = 0xCBF29CE484222325
    for i in ids:
        h = ((h ^ i) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tokenizer", required=True)
    ap.add_argument("--text", required=True)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--lines", action="store_true", help="encode each line as its own text (encode_batch)")
    args = ap.parse_args()
    tok = Tokenizer.from_file(args.tokenizer)
    with open(args.text, encoding="utf-8") as f:
        text = f.read()
    best_cpu = best_wall = float("inf")
    ids = []
    for _ in range(args.repeat):
        c0, w0 = time.process_time(), time.perf_counter()
        if args.lines:
            ids = [i for e in tok.encode_batch(text.split("\n"), add_special_tokens=False) for i in e.ids]
        else:
            ids = tok.encode(text, add_special_tokens=False).ids
        best_cpu = min(best_cpu, time.process_time() - c0)
        best_wall = min(best_wall, time.perf_counter() - w0)
    print(json.dumps({"cpu_s": best_cpu, "wall_s": best_wall, "n_tokens": len(ids), "ids_hash": str(fnv1a(ids))}))


if __name__ == "__main__":
    main()
