#!/usr/bin/env python3
"""The transformers side of bench/bench_evaluate: the same work as our
evaluator on the same token ids and the same number of threads.

- demo: batched greedy generation (left padding), stop at "\\n" or </s>, at
  most max_new_tokens, for every prompt of the demo mixed task's evaluation split;
- stories: teacher-forced scoring (log-softmax + top-1) of every evaluation story.

The C++ bench writes the token ids to a JSON file and reads this script's
JSON answer from stdout: {"demo_examples_per_s": ..., "stories_examples_per_s": ...}.

    python3 scripts/bench_evaluate_hf.py --inputs ids.json --threads 2
"""
import argparse
import json
import pathlib
import struct
import sys
import time

import torch
from transformers import LlamaConfig, LlamaForCausalLM


def llama2c_to_hf(path):
    """A llama2.c legacy checkpoint as a transformers Llama (rotary pairs permuted to HF's halves)."""
    raw = pathlib.Path(path).read_bytes()
    dim, hidden, layers, heads, kv_heads, vocab, seq_len = struct.unpack("7i", raw[:28])
    shared = vocab > 0
    vocab = abs(vocab)
    data = torch.frombuffer(bytearray(raw[28:]), dtype=torch.float32)
    head = dim // heads
    pos = 0

    def take(*shape):
        nonlocal pos
        n = 1
        for s in shape:
            n *= s
        t = data[pos:pos + n].reshape(shape).clone()
        pos += n
        return t

    def permute(w, n_heads):
        rows = w.shape[0]
        return w.view(n_heads, rows // n_heads // 2, 2, dim).transpose(1, 2).reshape(rows, dim)

    emb = take(vocab, dim)
    att_norm = take(layers, dim)
    wq = take(layers, dim, dim)
    wk = take(layers, kv_heads * head, dim)
    wv = take(layers, kv_heads * head, dim)
    wo = take(layers, dim, dim)
    ffn_norm = take(layers, dim)
    w1 = take(layers, hidden, dim)
    w2 = take(layers, dim, hidden)
    w3 = take(layers, hidden, dim)
    final = take(dim)
    pos += seq_len * head  # freq_cis real + imag (unused)
    cls = emb if shared else take(vocab, dim)
    cfg = LlamaConfig(vocab_size=vocab, hidden_size=dim, intermediate_size=hidden, num_hidden_layers=layers,
                      num_attention_heads=heads, num_key_value_heads=kv_heads, max_position_embeddings=seq_len,
                      rms_norm_eps=1e-5, tie_word_embeddings=shared, bos_token_id=1, eos_token_id=2)
    model = LlamaForCausalLM(cfg)
    sd = {"model.embed_tokens.weight": emb, "model.norm.weight": final, "lm_head.weight": cls}
    for l in range(layers):
        p = f"model.layers.{l}."
        sd[p + "input_layernorm.weight"] = att_norm[l]
        sd[p + "post_attention_layernorm.weight"] = ffn_norm[l]
        sd[p + "self_attn.q_proj.weight"] = permute(wq[l], heads)
        sd[p + "self_attn.k_proj.weight"] = permute(wk[l], kv_heads)
        sd[p + "self_attn.v_proj.weight"] = wv[l]
        sd[p + "self_attn.o_proj.weight"] = wo[l]
        sd[p + "mlp.gate_proj.weight"] = w1[l]
        sd[p + "mlp.down_proj.weight"] = w2[l]
        sd[p + "mlp.up_proj.weight"] = w3[l]
    model.load_state_dict(sd, strict=False)
    return model.eval()


def bench_generate(model, prompts, max_new, stops, batch, pad):
    start = time.perf_counter()
    order = sorted(range(len(prompts)), key=lambda i: len(prompts[i]))
    for b in range(0, len(order), batch):
        rows = [prompts[i] for i in order[b:b + batch]]
        T = max(len(r) for r in rows)
        ids = torch.full((len(rows), T), pad, dtype=torch.long)
        mask = torch.zeros((len(rows), T), dtype=torch.long)
        for i, r in enumerate(rows):
            ids[i, T - len(r):] = torch.tensor(r)
            mask[i, T - len(r):] = 1
        with torch.no_grad():
            model.generate(input_ids=ids, attention_mask=mask, max_new_tokens=max_new, do_sample=False,
                           eos_token_id=stops, pad_token_id=pad)
    return len(prompts) / (time.perf_counter() - start)


def bench_score(model, texts, batch):
    start = time.perf_counter()
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    for b in range(0, len(order), batch):
        rows = [texts[i] for i in order[b:b + batch]]
        T = max(len(r) for r in rows)
        ids = torch.zeros((len(rows), T), dtype=torch.long)
        mask = torch.zeros((len(rows), T), dtype=torch.long)
        for i, r in enumerate(rows):
            ids[i, :len(r)] = torch.tensor(r)
            mask[i, :len(r)] = 1
        with torch.no_grad():
            logits = model(input_ids=ids, attention_mask=mask).logits[:, :-1].float()
            target = ids[:, 1:]
            logp = torch.log_softmax(logits, -1).gather(2, target[..., None])[..., 0]
            valid = mask[:, 1:].bool()
            _ = (-logp).masked_fill(~valid, 0).sum(1), (logits.argmax(-1).eq(target) & valid).sum(1)
    return len(texts) / (time.perf_counter() - start)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--inputs", required=True)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    spec = json.loads(pathlib.Path(args.inputs).read_text())
    out = {"threads": args.threads, "torch": torch.__version__}
    d = spec["demo"]
    demo = LlamaForCausalLM.from_pretrained(d["model"], torch_dtype=torch.float32).eval()
    out["demo_examples_per_s"] = max(bench_generate(demo, d["prompts"], d["max_new_tokens"], d["stop_ids"],
                                                    d["batch"], d["pad_id"]) for _ in range(args.repeats))
    s = spec["stories"]
    stories = llama2c_to_hf(s["model"])
    out["stories_examples_per_s"] = max(bench_score(stories, s["texts"], s["batch"]) for _ in range(args.repeats))
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
