#!/usr/bin/env python3
"""The reference side of bench/bench_load.cpp: the gguf package dequantizes
every tensor of a GGUF file with numpy (gguf.quants.dequantize) and torch
converts it to the compute dtype, tensor by tensor, keeping the results (as a
model load would). Prints one JSON line: seconds (wall, process CPU, and the
CPU split into user and system time) of the dequantize + convert loop only (the GGUFReader's header parsing is not
counted), resident memory before it and the peak (VmHWM), and the bytes of
the tensors kept.

    python3 scripts/bench_load_gguf.py --file model.gguf --dtype bfloat16 --threads 1
"""
import argparse
import json
import resource
import time


def status_mib(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024.0
    return -1.0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--file", required=True)
    ap.add_argument("--dtype", default="float32", choices=["float32", "bfloat16", "float16"])
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()

    import gguf
    import torch

    torch.set_num_threads(a.threads)
    dtype = getattr(torch, a.dtype)
    reader = gguf.GGUFReader(a.file)  # memory-maps the file
    before = status_mib("VmRSS")
    usage = resource.getrusage(resource.RUSAGE_SELF)
    wall, cpu = time.perf_counter(), time.process_time()
    kept = {}
    for t in reader.tensors:
        values = gguf.quants.dequantize(t.data, t.tensor_type)  # float32 numpy
        if not values.flags.writeable:  # F32 tensors come back as views of the read-only mapping
            values = values.copy()
        kept[t.name] = torch.from_numpy(values).to(dtype)  # float32: shares the numpy buffer
        del values
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    after = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({
        "wall_s": wall, "cpu_s": cpu, "user_s": after.ru_utime - usage.ru_utime, "sys_s": after.ru_stime - usage.ru_stime,
        "rss_before_mib": before, "peak_rss_mib": status_mib("VmHWM"),
        "model_mib": sum(x.numel() * x.element_size() for x in kept.values()) / 2**20,
        "tensors": len(kept), "gguf": getattr(gguf, "__version__", None), "numpy": __import__("numpy").__version__,
        "torch": torch.__version__}))


if __name__ == "__main__":
    main()
