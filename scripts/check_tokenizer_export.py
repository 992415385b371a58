#!/usr/bin/env python3
"""check_tokenizer_export: does transformers read the tokenizer that an export
of a GGUF model writes (tokenizer.json + tokenizer_config.json, built from the
GGUF's vocabulary) as transformers' own GGUF reader reads the source?

Encodes texts (the tokenizer fixtures' texts and the prompts of a task file)
with AutoTokenizer.from_pretrained(EXPORT) and with
AutoTokenizer.from_pretrained(dir, gguf_file=GGUF), with and without special
tokens, decodes both, compares the chat templates, and prints every text on
which they differ, with the pieces where they part.

  build/app/sieve export --model M.gguf --task T.jsonl --format dense --level 0.2 --out EXPORT
  python3 scripts/check_tokenizer_export.py --export EXPORT --gguf M.gguf [--task T.jsonl]

transformers' GGUF reader is an independent reading, not the model's own
tokenizer.json, and it simplifies some llama.cpp pre-tokenizers; so for each
difference the script also shows the ids of --pre-tokenizer-json (a
tokenizer.json "pre_tokenizer" object, e.g. the one the model publishes) with
the exported vocabulary and merges, when given. Needs transformers, tokenizers
and gguf (pip); reads nothing from ../shared.
"""
import argparse
import json
import os
import sys

from tokenizers import Tokenizer
from transformers import AutoTokenizer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixtures.tokenizers import TEXTS  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--export", required=True, help="directory written by `sieve export` (dense or factorized)")
    ap.add_argument("--gguf", required=True, help="the GGUF model it was exported from")
    ap.add_argument("--task", help="a task file: its prompts are encoded too")
    ap.add_argument("--pre-tokenizer-json", help="JSON file with a tokenizer.json pre_tokenizer to compare with")
    args = ap.parse_args()

    ours = AutoTokenizer.from_pretrained(args.export)
    ref = AutoTokenizer.from_pretrained(os.path.dirname(os.path.abspath(args.gguf)),
                                        gguf_file=os.path.basename(args.gguf))
    published = None
    if args.pre_tokenizer_json:
        j = json.load(open(os.path.join(args.export, "tokenizer.json"), encoding="utf-8"))
        j["pre_tokenizer"] = json.load(open(args.pre_tokenizer_json, encoding="utf-8"))
        published = Tokenizer.from_str(json.dumps(j))
    texts = [t for _, t in TEXTS if t]
    if args.task:
        lines = [json.loads(l) for l in open(args.task, encoding="utf-8") if l.strip()][1:]
        texts += [l["prompt"] for l in lines if "prompt" in l][:500]
    differ = 0
    for text in texts:
        for special in (True, False):
            a = ref(text, add_special_tokens=special).input_ids
            b = ours(text, add_special_tokens=special).input_ids
            same_decode = ref.decode(a, skip_special_tokens=special) == ours.decode(b, skip_special_tokens=special)
            if a == b and same_decode:
                continue
            differ += 1
            cut = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
            print(f"differ ({'with' if special else 'without'} special tokens): {text[:60]!r}")
            print(f"  transformers (GGUF): {ref.convert_ids_to_tokens(a[cut:cut + 6])}")
            print(f"  export:              {ours.convert_ids_to_tokens(b[cut:cut + 6])}")
            if published is not None:
                p = published.encode(text, add_special_tokens=special).ids
                print(f"  published pre-tokenizer: {'= export' if p == b else '= GGUF' if p == a else 'neither'}")
    messages = [{"role": "user", "content": "What is the capital of France?"}]
    chat = [t.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
            if t.chat_template else None for t in (ref, ours)]
    print(f"{len(texts)} texts x 2, {differ} encodings differ; chat template "
          f"{'the same' if chat[0] == chat[1] else 'DIFFERS'}; bos {ours.bos_token!r} / {ref.bos_token!r}, "
          f"eos {ours.eos_token!r} / {ref.eos_token!r} (export / GGUF)")
    return 1 if differ or chat[0] != chat[1] else 0


if __name__ == "__main__":
    sys.exit(main())
