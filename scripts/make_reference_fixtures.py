#!/usr/bin/env python3
"""Builds the reference fixtures that the C++ tests compare against.

Runs on a developer machine with `pip install torch transformers tokenizers
safetensors numpy gguf` (never in CI: CI only compares). Each part lives in
scripts/fixtures/<part>.py and writes under tests/fixtures/<part>/.

    python3 scripts/make_reference_fixtures.py            # every part
    python3 scripts/make_reference_fixtures.py models     # one part
"""
import importlib
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
PARTS = ["models", "checkpoints", "tokenizers", "tokenizer_pipelines", "demo", "export", "gguf_quants", "int8", "lora", "lora_phi3", "gguf_export"]


def main(argv):
    wanted = argv[1:] or PARTS
    for part in wanted:
        if part not in PARTS:
            sys.exit(f"unknown part '{part}' (expected one of {', '.join(PARTS)})")
        try:
            module = importlib.import_module(f"fixtures.{part}")
        except ModuleNotFoundError as e:
            if e.name == f"fixtures.{part}":
                print(f"[{part}] not written yet, skipped")
                continue
            raise
        print(f"[{part}] building fixtures")
        module.build(ROOT / "tests" / "fixtures" / part, ROOT.parent / "shared")


if __name__ == "__main__":
    main(sys.argv)
