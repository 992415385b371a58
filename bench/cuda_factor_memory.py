#!/usr/bin/env python3
"""Peak GPU memory of factoring one matrix, as the engine does it, against the planner.

The memory planner (core/plan/memory_planner.cpp, factorWorkBytes) counts the float64
working memory of factoring one [D, H] matrix, on CUDA from this probe's measurements:
torch's cuSOLVER paths copy inputs into column-major buffers and take their own
workspaces: this probe runs the same torch operations as core/projection
(sieve_closed_form.cpp + gramSquareRoot, weight_svd.cpp, input_pca.cpp) on the GPU and
prints the measured peak above the inputs (the weight in bfloat16 and its float64 Gram,
which the plan counts elsewhere) beside the planner's formula, for the matrix shapes of
Llama-3.1-8B (or --hidden/--intermediate).

    python3 bench/cuda_factor_memory.py [--device cuda:0] [--hidden 4096 --intermediate 14336]
"""
import argparse
import time

import torch

GIB = 1024.0**3
F64 = 8


def planned_work(method, D, H):
    """factorWorkBytes(..., onCpu=false) in core/plan/memory_planner.cpp (keep in step)."""
    k = min(D, H)
    svd = D * H + k * (D + H) + 5 * max(D, H) * k // 2
    if method == "sieve":
        return F64 * max(D * H + 7 * H * H // 2, 2 * D * H + H * H + svd)
    if method == "weight-svd":
        return F64 * (D * H + svd)
    if method == "input-pca":
        return F64 * (D * H + 6 * H * H)
    raise ValueError(method)


def rank_for_level(D, H, level):
    return max(1, int((1.0 - level) * D * H / (D + H)))


def gram_square_root(gram, ridge=1e-6):
    G = gram.to(torch.float64)
    C = G + G.t()
    C.mul_(0.5)
    mean_diag = C.diagonal().sum().item() / C.size(0)
    diagonal = C.diagonal().clone()
    C.diagonal().add_(ridge * mean_diag)
    L, info = torch.linalg.cholesky_ex(C)
    C.diagonal().copy_(diagonal)
    if info.item() == 0 and torch.isfinite(L).all().item():
        return L
    evals, evecs = torch.linalg.eigh(C)
    return evecs * evals.clamp_min(0.0).sqrt().unsqueeze(0)


def factor(method, W, gram, R):
    Wd = W.to(torch.float64)
    if method == "sieve":
        S = gram_square_root(gram)
        U, s, Vh = torch.linalg.svd(Wd.matmul(S), full_matrices=False)
        B = U[:, :R]
        A = B.t().matmul(Wd)
    elif method == "weight-svd":
        U, s, Vh = torch.linalg.svd(Wd, full_matrices=False)
        B = U[:, :R] * s[:R].unsqueeze(0)
        A = Vh[:R]
    else:  # input-pca
        C = gram.to(torch.float64)
        C = 0.5 * (C + C.t())
        evals, Q = torch.linalg.eigh(C)
        H = C.size(0)
        A = Q[:, H - R:].flip(1).t().contiguous()
        B = Wd.matmul(A.t())
    return B.to(W.dtype), A.to(W.dtype)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--device", default="cuda:0")
    p.add_argument("--hidden", type=int, default=4096)
    p.add_argument("--intermediate", type=int, default=14336)
    p.add_argument("--methods", default="sieve,weight-svd,input-pca")
    p.add_argument("--tokens", type=int, default=20000, help="tokens behind each random Gram")
    args = p.parse_args()
    dev = torch.device(args.device)
    Hd, I = args.hidden, args.intermediate
    shapes = [("q/o", Hd, Hd), ("gate/up", I, Hd), ("down", Hd, I)]
    print(f"# factoring memory on {torch.cuda.get_device_name(dev)}, torch {torch.__version__}; "
          f"GiB above the weight (bf16) and its Gram (f64)")
    print("| method | matrix | D x H | measured GiB | planned GiB | planned / measured | s |")
    print("|---|---|---|---:|---:|---:|---:|")
    g = torch.Generator(device=dev).manual_seed(0)
    for method in args.methods.split(","):
        for name, D, H in shapes:
            W = (torch.randn(D, H, device=dev, generator=g) * 0.02).to(torch.bfloat16)
            X = torch.randn(args.tokens, H, device=dev, generator=g, dtype=torch.float32)
            gram = X.t().matmul(X).to(torch.float64)
            del X
            torch.cuda.synchronize(dev)
            torch.cuda.empty_cache()
            base = torch.cuda.memory_allocated(dev)
            torch.cuda.reset_peak_memory_stats(dev)
            t = time.perf_counter()
            B, A = factor(method, W, gram, rank_for_level(D, H, 0.1))
            torch.cuda.synchronize(dev)
            seconds = time.perf_counter() - t
            measured = torch.cuda.max_memory_allocated(dev) - base
            planned = planned_work(method, D, H)
            print(f"| {method} | {name} | {D} x {H} | {measured / GIB:.2f} | {planned / GIB:.2f} | "
                  f"{planned / measured:.2f} | {seconds:.1f} |", flush=True)
            del W, gram, B, A


if __name__ == "__main__":
    main()
