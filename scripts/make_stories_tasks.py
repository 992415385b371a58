#!/usr/bin/env python3
"""Writes the stories260K tasks in resources/stories260k/ from the TinyStories
validation sample (../shared/data/tinystories-valid-sample.txt).

Stories are separated by lines holding exactly `<|endoftext|>`; each story's
text is kept verbatim without its final newline. Both tasks hold the same
stories with the same split (seed 260, half calibration, half evaluation),
so calibrating on one and evaluating the other is consistent.

    python3 scripts/make_stories_tasks.py
"""
import hashlib
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
SOURCE = ROOT.parent / "shared" / "data" / "tinystories-valid-sample.txt"
OUT = ROOT / "resources" / "stories260k"
EXPECTED_SHA256 = "932d541c41731c72c8f4f0c322b813a3ebc18975f0653541648b45b065bf9140"


def stories(text):
    out, current = [], []
    for line in text.split("\n"):
        if line == "<|endoftext|>":
            out.append("\n".join(current))
            current = []
        else:
            current.append(line)
    return [s for s in out if s.strip()]


def main():
    raw = SOURCE.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != EXPECTED_SHA256:
        raise SystemExit(f"{SOURCE}: sha256 {digest} differs from the documented {EXPECTED_SHA256}")
    texts = stories(raw.decode("utf-8"))
    OUT.mkdir(parents=True, exist_ok=True)
    split = {"seed": 260, "calibration_fraction": 0.5}
    for name, metric in [("stories-next-token", "next_token_accuracy"), ("stories-perplexity", "perplexity")]:
        header = {"task": {"name": name, "kind": "perplexity", "metric": metric, "split": split}}
        with open(OUT / f"{name}.jsonl", "w", encoding="utf-8", newline="\n") as f:
            f.write(json.dumps(header, ensure_ascii=False) + "\n")
            for t in texts:
                f.write(json.dumps({"text": t}, ensure_ascii=False) + "\n")
    print(f"{len(texts)} stories -> {OUT}")


if __name__ == "__main__":
    main()
