#!/usr/bin/env python3
"""Writes the stories260K tasks in resources/stories260k/ from a 176-story
sample of the TinyStories validation split (Eldan & Li 2023, CDLA-Sharing-1.0):
characters [364, 127629) of `data/TinyStories-valid.txt` in the public GitHub
repository skyimple/assignment1-basics at commit b227cc6 (downloaded, about
19 MB), checked against the sample's sha256.

Stories are separated by lines holding exactly `<|endoftext|>`; each story's
text is kept verbatim without its final newline. Both tasks hold the same
stories with the same split (seed 260, half calibration, half evaluation),
so calibrating on one and evaluating the other is consistent.

    python3 scripts/make_stories_tasks.py               # downloads, converts
    python3 scripts/make_stories_tasks.py --from FILE   # the whole validation file, or the sample
    python3 scripts/make_stories_tasks.py --check       # converts again, compares byte for byte
"""
import argparse
import hashlib
import json
import pathlib
import sys
import tempfile
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent
SOURCE_URL = ("https://github.com/skyimple/assignment1-basics/raw/b227cc6d81aff6bbe2abe1140e3956e68513a201/"
              "data/TinyStories-valid.txt")
# The sample: whole stories only (the file starts and the range ends mid-story).
SAMPLE_RANGE = (364, 127629)
OUT = ROOT / "resources" / "stories260k"
EXPECTED_SHA256 = "932d541c41731c72c8f4f0c322b813a3ebc18975f0653541648b45b065bf9140"
NAMES = ["stories-next-token", "stories-perplexity"]


def stories(text):
    out, current = [], []
    for line in text.split("\n"):
        if line == "<|endoftext|>":
            out.append("\n".join(current))
            current = []
        else:
            current.append(line)
    return [s for s in out if s.strip()]


def sample_of(raw, where):
    """The sample's bytes: `raw` itself when it is the sample, else its range of the whole file."""
    if hashlib.sha256(raw).hexdigest() != EXPECTED_SHA256:
        raw = raw[SAMPLE_RANGE[0]:SAMPLE_RANGE[1]]  # ASCII: characters are bytes
    digest = hashlib.sha256(raw).hexdigest()
    if digest != EXPECTED_SHA256:
        raise SystemExit(f"{where}: neither the sample nor the validation file it is taken from "
                         f"(sha256 of characters {SAMPLE_RANGE[0]}..{SAMPLE_RANGE[1]}: {digest}, "
                         f"expected {EXPECTED_SHA256})")
    return raw


def write_tasks(texts, out):
    out.mkdir(parents=True, exist_ok=True)
    split = {"seed": 260, "calibration_fraction": 0.5}
    for name, metric in zip(NAMES, ["next_token_accuracy", "perplexity"]):
        header = {"task": {"name": name, "kind": "perplexity", "metric": metric, "split": split}}
        with open(out / f"{name}.jsonl", "w", encoding="utf-8", newline="\n") as f:
            f.write(json.dumps(header, ensure_ascii=False) + "\n")
            for t in texts:
                f.write(json.dumps({"text": t}, ensure_ascii=False) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--from", dest="source", help="TinyStories-valid.txt or the sample (default: download)")
    parser.add_argument("--out", default=str(OUT))
    parser.add_argument("--check", action="store_true",
                        help="convert into a temporary folder and compare with --out byte for byte")
    args = parser.parse_args()
    if args.source:
        try:
            raw, where = pathlib.Path(args.source).read_bytes(), args.source
        except OSError as e:
            raise SystemExit(f"{args.source}: cannot read it ({e.strerror})")
    else:
        print(f"downloading {SOURCE_URL}", file=sys.stderr)
        with urllib.request.urlopen(SOURCE_URL, timeout=120) as response:
            raw, where = response.read(), SOURCE_URL
    texts = stories(sample_of(raw, where).decode("utf-8"))
    with tempfile.TemporaryDirectory() as scratch:
        out = pathlib.Path(scratch) if args.check else pathlib.Path(args.out)
        write_tasks(texts, out)
        if not args.check:
            print(f"{len(texts)} stories -> {out}")
            return 0
        differ = [n for n in NAMES
                  if (out / f"{n}.jsonl").read_bytes() != (pathlib.Path(args.out) / f"{n}.jsonl").read_bytes()]
        for n in NAMES:
            print(f"{'differs' if n in differ else 'same   '}  {n}.jsonl")
        return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
