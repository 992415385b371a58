#include "core/tokenizer/gguf_pre_tokenizers.h"

#include <utility>

namespace sieve::tok {
namespace {

// Taken from llama.cpp, src/llama-vocab.cpp (ggml-org/llama.cpp at commit
// 00ad355e009e83abf98f96a6ded7193b95763681): the tokenizer_pre name ->
// LLAMA_VOCAB_PRE_TYPE_* mapping in llama_vocab::impl::load, its flags
// (ignore_merges, add_bos, special_bos_id), and the regex_exprs of each type
// in llm_tokenizer_bpe's constructor. Where llama.cpp rewrote a pattern for
// its own regex engine (`(?i:'s|...)` spelled `(?:'[sS]|...)`) we keep the
// original it quotes in a comment, which is what the models' tokenizer.json
// files use; PCRE2 reads it as Oniguruma does. Non-ASCII characters of the
// character classes are written as \x{...}.

// GPT-2's ByteLevel regex, without the final `|\s+`: what that alternative
// would match is left between matches, and gaps are pieces too.
constexpr const char* kGpt2 = R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S))";
constexpr const char* kLlama3 =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
constexpr const char* kQwen2 =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
constexpr const char* kTekken =
    R"([^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
constexpr const char* kGpt4o =
    R"([^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
// BLOOM, Poro, GPT-3 Finnish, Viking: everything up to a space or one of
// ASCII / CJK / Devanagari / Arabic sentence punctuation.
constexpr const char* kBloom = R"( ?[^(\s|.,!?\x{2026}\x{3002}\x{ff0c}\x{3001}\x{964}\x{6d4}\x{60c})]+)";
// CJK ideographs, the blocks from U+0800 on, Hangul syllables (deepseek).
constexpr const char* kDeepseekCjk = R"([\x{4e00}-\x{9fa5}\x{800}-\x{4e00}\x{ac00}-\x{d7ff}]+)";
// deepseek-llm's cased letters (the LC runs its tokenizer.json lists).
constexpr const char* kDeepseekLetters =
    R"(\s?[A-Za-z\x{b5}\x{c0}-\x{d6}\x{d8}-\x{f6}\x{f8}-\x{1ba}\x{1bc}-\x{1bf}\x{1c4}-\x{293}\x{295}-\x{2af}\x{370}-\x{373}\x{376}-\x{377}\x{37b}-\x{37d}\x{37f}\x{386}\x{388}-\x{38a}\x{38c}\x{38e}-\x{3a1}\x{3a3}-\x{3f5}\x{3f7}-\x{481}\x{48a}-\x{52f}\x{531}-\x{556}\x{10a0}-\x{10c5}\x{13a0}-\x{13f5}\x{13f8}-\x{13fd}\x{1c90}-\x{1cba}\x{1cbd}-\x{1cbf}\x{1d00}-\x{1d2b}\x{1d6b}-\x{1d77}\x{1d79}-\x{1d9a}\x{1e00}-\x{1f15}\x{1f18}-\x{1f1d}\x{1f20}-\x{1f45}\x{1f48}-\x{1f4d}\x{1f50}-\x{1f57}\x{1f59}\x{1f5b}\x{1f5d}\x{1f5f}-\x{1f7d}\x{1f80}-\x{1fb4}\x{1fb6}-\x{1fbc}\x{1fbe}\x{1fc2}-\x{1fc4}\x{1fc6}-\x{1fcc}\x{1fd0}-\x{1fd3}\x{1fd6}-\x{1fdb}\x{1fe0}-\x{1fec}\x{1ff2}-\x{1ff4}\x{1ff6}-\x{1ffc}\x{2102}\x{2107}\x{210a}-\x{2113}\x{2115}\x{2119}-\x{211d}\x{2124}\x{2126}\x{2128}\x{212a}-\x{212d}\x{212f}-\x{2134}\x{2139}\x{213c}-\x{213f}\x{2145}-\x{2149}\x{214e}\x{2183}-\x{2184}\x{2c00}-\x{2c7b}\x{2c7e}-\x{2ce4}\x{2ceb}-\x{2cee}\x{2cf2}-\x{2cf3}\x{a640}-\x{a66d}\x{a680}-\x{a69b}\x{a722}-\x{a76f}\x{a771}-\x{a787}\x{a78b}-\x{a78e}\x{ab70}-\x{abbf}\x{fb00}-\x{fb06}\x{fb13}-\x{fb17}\x{ff21}-\x{ff3a}\x{ff41}-\x{ff5a}\x{10400}-\x{1044f}\x{104b0}-\x{104d3}\x{104d8}-\x{104fb}\x{10c80}-\x{10cb2}\x{10cc0}-\x{10cf2}\x{118a0}-\x{118df}\x{1e900}-\x{1e943}]+)";

struct Entry {
    std::vector<const char*> names;
    GgufPreTokenizer pre;
};

const std::vector<Entry>& table() {
    static const std::vector<Entry> entries = {
        // LLAMA_VOCAB_PRE_TYPE_DEFAULT (also a BPE file without tokenizer.ggml.pre)
        {{"default"}, {{R"([\p{P}\$\+<=>\^~\|]+)", kGpt2, R"(\p{N}+)", "[0-9][0-9][0-9]"}}},
        // LLAMA3: ignore_merges, add_bos
        {{"llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2"},
         {{kLlama3}, true, true}},
        // DBRX, SMAUG: "same as llama3", without its flags
        {{"dbrx", "smaug-bpe"}, {{kLlama3}}},
        // CHATGLM4: the llama3 pattern; llama.cpp unsets the BOS id
        {{"chatglm-bpe", "glm4"}, {{kLlama3}, false, false, true}},
        {{"deepseek-llm"},
         {{R"([\r\n])", kDeepseekLetters,
           R"(\s?[!-/:-~\x{ff01}-\x{ff0f}\x{ff1a}-\x{ff5e}\x{2018}-\x{201f}\x{3000}-\x{3002}]+)", R"(\s+$)",
           kDeepseekCjk, R"(\p{N}+)"}}},
        {{"deepseek-coder"}, {{R"([\r\n])", R"(\s?\p{L}+)", R"(\s?\p{P}+)", kDeepseekCjk, R"(\p{N})"}}},
        {{"deepseek-v3"},
         {{R"(\p{N}{1,3})", R"([\x{4e00}-\x{9fa5}\x{3040}-\x{309f}\x{30a0}-\x{30ff}]+)",
           R"([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~][A-Za-z]+|[^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+| ?[\p{P}\p{S}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)"}}},
        {{"falcon"}, {{R"([\p{P}\$\+<=>\^~\|`]+)", kGpt2, "[0-9][0-9][0-9]"}}},
        // STARCODER, REFACT, COMMAND_R, SMOLLM, CODESHELL, EXAONE, MINERVA: digits one by one
        {{"starcoder", "refact", "command-r", "smollm", "codeshell", "exaone", "minerva-7b"},
         {{R"(\p{N})", kGpt2}}},
        // GPT2, MPT, OLMO, JAIS
        {{"gpt-2", "phi-2", "mpt", "olmo", "jais", "gigachat", "exaone4"}, {{kGpt2}}},
        // QWEN2, STABLELM2
        {{"qwen2", "deepseek-r1-qwen", "megrez", "stablelm2"}, {{kQwen2}}},
        // PORO, BLOOM, GPT3_FINNISH
        {{"poro-chat", "bloom", "gpt3-finnish"}, {{kBloom}}},
        {{"viking"}, {{kBloom, R"(\p{N})"}}},
        // TEKKEN: ignore_merges, add_bos
        {{"tekken"}, {{kTekken}, true, true}},
        // GPT4O
        {{"gpt-4o", "llama4"}, {{kGpt4o}}},
    };
    return entries;
}

}  // namespace

std::optional<GgufPreTokenizer> ggufPreTokenizer(const std::string& name) {
    for (const Entry& e : table())
        for (const char* n : e.names)
            if (name == n) return e.pre;
    return std::nullopt;
}

std::vector<std::string> ggufPreTokenizerNames() {
    std::vector<std::string> names;
    for (const Entry& e : table()) names.insert(names.end(), e.names.begin(), e.names.end());
    return names;
}

}  // namespace sieve::tok
