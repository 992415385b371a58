#!/usr/bin/env python3
"""Read a Sieve Workbench session file with h5py and print its uniform curves
(with their 8-bit curves where swept), GA history and best chromosome as JSON
(an example for users, and the reader the session tests compare against).
Layout: docs/session-format.md.

    python3 scripts/read_session.py session.h5 > ga.json
"""
import json
import math
import sys

import h5py
import numpy as np


def text(value):
    """h5py returns variable-length strings as str (attributes) or bytes."""
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def plain(array):
    """numpy -> JSON-ready lists; NaN (no matrix there) -> null."""
    values = np.asarray(array).tolist()

    def clean(v):
        if isinstance(v, list):
            return [clean(x) for x in v]
        if isinstance(v, float) and math.isnan(v):
            return None
        return v

    return clean(values)


def read(path):
    with h5py.File(path, "r") as f:
        if text(f.attrs["format"]) != "sieve-session":
            raise SystemExit(f"{path}: not a Sieve session")
        out = {
            "format": text(f.attrs["format"]),
            "format_version": int(f.attrs["format_version"]),
            "level_grid": plain(f["provenance"].attrs["level_grid"]),
            "matrices": [text(n) for n in f["model/matrices/name"][()]],
        }
        if "uniform" in f:
            out["uniform"] = {}
            for method in f["uniform"].attrs["methods"]:
                g = f["uniform"][text(method)]
                curve = {"level": plain(g["level"]), "accuracy": plain(g["accuracy"]),
                         "best_level": float(g["best_level"][()])}
                if "int8" in g:  # the sweep with 8-bit factors (absent in older sessions)
                    q = g["int8"]
                    curve["int8"] = {"level": plain(q["level"]), "accuracy": plain(q["accuracy"]),
                                     "best_level": float(q["best_level"][()]), "scheme": text(q.attrs["scheme"])}
                out["uniform"][text(method)] = curve
        if "ga" not in f:
            return out
        ga = f["ga"]
        history = ga["generations"]
        # Rows past committed_generations are an interrupted append: ignore them.
        committed = int(ga.attrs["committed_generations"])
        generations = []
        for g in range(committed):
            generations.append({
                "index": int(history["generation"][g]),
                "best_fitness": float(history["best_fitness"][g]),
                "mean_fitness": float(history["mean_fitness"][g]),
                "feasible_fraction": float(history["feasible_fraction"][g]),
                "genes": plain(history["genes"][g]),          # [individual, matrix]
                "accuracy": plain(history["accuracy"][g]),    # [individual]
                "fitness": plain(history["fitness"][g]),      # [individual]
                "best_genes": plain(history["best_genes"][g]),
            })
        out["ga"] = {
            "method": text(ga.attrs["method"]),
            "complete": bool(ga.attrs["complete"]),
            "population": int(ga["settings"].attrs["population"]),
            # The state to resume from: row committed - 1, its first length bytes.
            "rng_state_bytes": int(history["rng_state_length"][committed - 1]) if committed else 0,
            "generations": generations,
        }
        if "best" in ga:
            best = ga["best"]
            out["ga"]["best"] = {
                "genes": plain(best["genes"]),
                "level": plain(best["level"]),
                "accuracy": float(best["accuracy"][()]),
                "fitness": float(best["fitness"][()]),
                "level_map": plain(best["level_map"]),        # [layer, matrix type]
                "matrix_type": [text(t) for t in best["matrix_type"][()]],
            }
        return out


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: read_session.py SESSION.h5")
    json.dump(read(sys.argv[1]), sys.stdout)
    sys.stdout.write("\n")
