#pragma once
// Decoders: token strings -> text, step by step, as Hugging Face `tokenizers`
// (src/decoders/*.rs, decode_chain) does; the steps' outputs are concatenated.
// Without any step, tokens are joined with spaces (HF without a decoder).
#include <memory>
#include <string>
#include <vector>

#include "core/tokenizer/pre_tokenizers.h"

namespace sieve::tok {

class DecoderStep {
public:
    virtual ~DecoderStep() = default;
    virtual void apply(std::vector<std::string>& tokens) const = 0;
    // The component as tokenizer.json names it, with its options.
    virtual std::string describe() const = 0;
};

class Decoder {
public:
    void add(std::unique_ptr<DecoderStep> step) { steps_.push_back(std::move(step)); }
    bool empty() const { return steps_.empty(); }
    std::string decode(std::vector<std::string> tokens) const;
    // "none (tokens joined by spaces)", the one step, or "Sequence[a, b, ...]".
    std::string describe() const;

private:
    std::vector<std::unique_ptr<DecoderStep>> steps_;
};

// Throws FormatError(source) when a regex pattern does not compile.
std::unique_ptr<DecoderStep> replaceDecoder(const std::string& pattern, bool isRegex, std::string content,
                                            const std::string& source);
std::unique_ptr<DecoderStep> byteFallbackDecoder();
std::unique_ptr<DecoderStep> fuseDecoder();
std::unique_ptr<DecoderStep> stripDecoder(std::string content, int start, int stop);
std::unique_ptr<DecoderStep> byteLevelDecoder();
// Unless `prepend` is never, the replacement characters of the first token are dropped.
std::unique_ptr<DecoderStep> metaspaceDecoder(std::string replacement, MetaspacePrepend prepend);
std::unique_ptr<DecoderStep> wordPieceDecoder(std::string prefix, bool cleanup);
std::unique_ptr<DecoderStep> bpeDecoder(std::string suffix);
std::unique_ptr<DecoderStep> ctcDecoder(std::string padToken, std::string wordDelimiter, bool cleanup);

// "<0xAB>" -> 0xAB, as HF's ByteFallback decoder and llama2.c read them.
bool parseByteToken(const std::string& token, unsigned char* byte);

}  // namespace sieve::tok
