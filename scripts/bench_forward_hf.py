#!/usr/bin/env python3
"""Hugging Face transformers' side of bench/bench_forward.cpp: the same random
Llama config, dtype and thread count; prints one JSON line with prefill and
decode tokens/s. Run by bench_forward (or by hand):

    python3 scripts/bench_forward_hf.py --hidden 768 --intermediate 2048 --layers 12 \
        --heads 12 --kv-heads 4 --vocab 8192 --batch 4 --prompt 256 --decode 64 --threads 2
"""
import argparse
import json
import time

import torch
import transformers


def main():
    p = argparse.ArgumentParser()
    for name, default in [("hidden", 768), ("intermediate", 2048), ("layers", 12), ("heads", 12),
                          ("kv-heads", 4), ("vocab", 8192), ("batch", 4), ("prompt", 256), ("decode", 64),
                          ("threads", 2), ("repeats", 3)]:
        p.add_argument("--" + name, type=int, default=default)
    p.add_argument("--dtype", default="float32", choices=["float32", "bfloat16"])
    a = p.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    dtype = torch.float32 if a.dtype == "float32" else torch.bfloat16
    config = transformers.LlamaConfig(vocab_size=a.vocab, hidden_size=a.hidden, intermediate_size=a.intermediate,
                                      num_hidden_layers=a.layers, num_attention_heads=a.heads,
                                      num_key_value_heads=a.kv_heads, max_position_embeddings=4096,
                                      tie_word_embeddings=True)
    model = transformers.LlamaForCausalLM(config).to(dtype).eval()

    ids = torch.randint(0, a.vocab, (a.batch, a.prompt))
    with torch.inference_mode():
        model(input_ids=ids[:, :16])  # warm-up
        best_prefill, best_prefill_cpu = float("inf"), float("inf")
        for _ in range(a.repeats):
            t0, c0 = time.perf_counter(), time.process_time()
            model(input_ids=ids, use_cache=False)
            best_prefill = min(best_prefill, time.perf_counter() - t0)
            best_prefill_cpu = min(best_prefill_cpu, time.process_time() - c0)

        # Decode: batch 1, a 32-token prompt, then one token at a time through the cache.
        best_decode, best_decode_cpu = float("inf"), float("inf")
        for _ in range(a.repeats):
            cache = transformers.DynamicCache(config=config)
            out = model(input_ids=ids[:1, :32], past_key_values=cache, use_cache=True)
            nxt = out.logits[:, -1].argmax(-1, keepdim=True)
            t0, c0 = time.perf_counter(), time.process_time()
            for _ in range(a.decode):
                out = model(input_ids=nxt, past_key_values=out.past_key_values, use_cache=True)
                nxt = out.logits[:, -1].argmax(-1, keepdim=True)
            best_decode = min(best_decode, time.perf_counter() - t0)
            best_decode_cpu = min(best_decode_cpu, time.process_time() - c0)

    print(json.dumps({"prefill_tokens_per_s": a.batch * a.prompt / best_prefill,
                      "decode_tokens_per_s": a.decode / best_decode,
                      "prefill_tokens_per_cpu_s": a.batch * a.prompt / best_prefill_cpu,
                      "decode_tokens_per_cpu_s": a.decode / best_decode_cpu,
                      "torch": torch.__version__, "transformers": transformers.__version__,
                      "attn_implementation": model.config._attn_implementation,
                      "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
