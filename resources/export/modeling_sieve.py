# Sieve Workbench: loads a factorized export with Hugging Face transformers.
#
#   from transformers import AutoModelForCausalLM
#   model = AutoModelForCausalLM.from_pretrained(path, trust_remote_code=True)
#
# The directory holds the base model's config (model_type "sieve_factorized",
# the base type in sieve.base_model_type) and model.safetensors, in which
# every matrix listed in sieve.factorized_ranks is stored as two factors,
# <name>.B [out, r] and <name>.A [r, in] (W ~= B @ A), and every other matrix
# as <name>.weight; with sieve.factor_dtype "int8" (format version 2) the
# factors are stored in 8 bits, <name>.B_int8 [out, r] with one float32 scale
# per column in <name>.B_scale [r] and <name>.A_int8 [r, in] with one per row
# in <name>.A_scale [r], and dequantized on load (B = B_int8 * B_scale, in
# float32, then the model's dtype: what the workbench's 8-bit model
# multiplies). The model is the base architecture (llama, mistral, qwen2
# or phi3) with those matrices replaced by two smaller multiplications, so it
# is smaller and does fewer operations than the dense model. Phi-3's fused
# qkv_proj and gate_up_proj are stored unfused (q/k/v, gate/up) and computed
# part by part. Written by the workbench's exporter beside each export; the
# exporter and this file share the format version below.
import json
import os

import torch
from safetensors.torch import load_file
from torch import nn
from transformers import AutoModelForCausalLM, PretrainedConfig, PreTrainedModel
from transformers.models.auto.configuration_auto import CONFIG_MAPPING

FORMAT_VERSION = 2


class SieveFactorizedConfig(PretrainedConfig):
    model_type = "sieve_factorized"


class LowRankLinear(nn.Module):
    """y = B (A x) (+ bias): what replaced one weight matrix."""

    def __init__(self, b, a, bias=None):
        super().__init__()
        self.B = nn.Parameter(b, requires_grad=False)
        self.A = nn.Parameter(a, requires_grad=False)
        self.bias = None if bias is None else nn.Parameter(bias, requires_grad=False)
        self.in_features, self.out_features = a.shape[1], b.shape[0]

    def forward(self, x):
        return nn.functional.linear(nn.functional.linear(x, self.A), self.B, self.bias)


class Concatenated(nn.Module):
    """Phi-3's fused projections computed from their stored parts (q, k, v or
    gate, up). The parts are registered on the parent module under their own
    names (the tensors' names); this module only refers to them."""

    def __init__(self, parent, names):
        super().__init__()
        self._parent = [parent]  # a list: not registered twice
        self._names = names

    def forward(self, x):
        parent = self._parent[0]
        return torch.cat([getattr(parent, name)(x) for name in self._names], dim=-1)


def _module(root, dotted):
    *path, leaf = dotted.split(".")
    parent = root
    for part in path:
        parent = getattr(parent, part)
    return parent, leaf


class SieveFactorizedForCausalLM(PreTrainedModel):
    """Only a loader: from_pretrained returns the base architecture's model
    (LlamaForCausalLM, ...) with the factorized matrices in place."""

    config_class = SieveFactorizedConfig

    @classmethod
    def from_pretrained(cls, path, *args, config=None, torch_dtype=None, dtype=None, **kwargs):
        with open(os.path.join(path, "config.json")) as f:
            raw = json.load(f)
        sieve = raw.pop("sieve")
        if sieve.get("format_version", 0) > FORMAT_VERSION:
            raise ValueError(f"{path}: factorized format version {sieve['format_version']} is newer than "
                             f"this loader's {FORMAT_VERSION}")
        base_type = sieve["base_model_type"]
        for key in ("model_type", "architectures", "auto_map"):
            raw.pop(key, None)
        base_config = CONFIG_MAPPING[base_type](**raw)
        dtype = dtype or torch_dtype or torch.float32
        if dtype == "auto":  # the dtype the export was written in
            dtype = raw.get("dtype") or raw.get("torch_dtype") or "float32"
        if isinstance(dtype, str):
            dtype = getattr(torch, dtype)
        model = AutoModelForCausalLM.from_config(base_config, dtype=dtype)

        tensors = load_file(os.path.join(path, "model.safetensors"))
        for name in sieve["factorized_ranks"]:
            if name + ".B_int8" in tensors:
                b, b_scale = tensors.pop(name + ".B_int8"), tensors.pop(name + ".B_scale")
                a, a_scale = tensors.pop(name + ".A_int8"), tensors.pop(name + ".A_scale")
                tensors[name + ".B"] = b.float() * b_scale.float()[None, :]
                tensors[name + ".A"] = a.float() * a_scale.float()[:, None]
        tensors = {k: v.to(dtype) if v.is_floating_point() else v for k, v in tensors.items()}
        fused = {"qkv_proj": ["q_proj", "k_proj", "v_proj"], "gate_up_proj": ["gate_proj", "up_proj"]}
        replaced = set()
        for name in sieve["factorized_ranks"]:
            if name + ".B" not in tensors or name + ".A" not in tensors:
                raise ValueError(f"{path}: {name} is listed as factorized but {name}.B or {name}.A is missing")
            parent, leaf = _module(model, name)
            bias = tensors.pop(name + ".bias", None)
            setattr(parent, leaf, LowRankLinear(tensors.pop(name + ".B"), tensors.pop(name + ".A"), bias))
            replaced.add(name)
        # Phi-3: the unfused parts that stayed dense, then the fused module computed from its parts.
        for key in list(tensors):
            if not key.endswith("_proj.weight"):
                continue
            name = key[: -len(".weight")]
            parent, leaf = _module(model, name)
            if hasattr(parent, leaf):
                continue  # a module of the base architecture: loaded below
            weight = tensors.pop(key)
            linear = nn.Linear(weight.shape[1], weight.shape[0], bias=False, dtype=dtype)
            linear.weight = nn.Parameter(weight, requires_grad=False)
            setattr(parent, leaf, linear)
            replaced.add(name)
        for name in sorted(replaced):
            parent, leaf = _module(model, name)
            for fused_name, parts in fused.items():
                if leaf in parts:
                    if isinstance(getattr(parent, fused_name, None), nn.Linear):
                        setattr(parent, fused_name, Concatenated(parent, parts))

        missing, unexpected = model.load_state_dict(tensors, strict=False)
        if unexpected:
            raise ValueError(f"{path}: tensors the model has no place for: {sorted(unexpected)[:5]}")
        owned = set()
        for name in replaced:
            owned.update({name + ".B", name + ".A", name + ".bias", name + ".weight"})
        missing = [m for m in missing if m not in owned]
        if getattr(base_config, "tie_word_embeddings", False):
            model.tie_weights()
            missing = [m for m in missing if m != "lm_head.weight"]
        if missing:
            raise ValueError(f"{path}: tensors missing from model.safetensors: {sorted(missing)[:5]}")
        return model.eval()
