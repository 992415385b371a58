#pragma once
// Text <-> token ids, identical to the model's own tokenizer. Torch-free.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sieve {

class Tokenizer {
public:
    virtual ~Tokenizer() = default;

    // tokenizer.json (HF), a llama2.c tokenizer .bin, or a .gguf's embedded
    // vocabulary, chosen by content. A model directory finds its tokenizer.json.
    // Throws FormatError naming the file and the cause (e.g. "model type
    // WordPiece is not supported").
    static std::unique_ptr<Tokenizer> load(const std::string& path);

    // addSpecial: prepend BOS / apply the post-processor as HF's
    // `add_special_tokens=True` does.
    virtual std::vector<int64_t> encode(const std::string& text, bool addSpecial = true) const = 0;
    virtual std::string decode(const std::vector<int64_t>& ids, bool skipSpecial = true) const = 0;

    virtual int64_t vocabSize() const = 0;
    virtual std::optional<int64_t> bosId() const = 0;
    virtual std::optional<int64_t> eosId() const = 0;
    // The id of an exact vocabulary entry (or added token), if present.
    virtual std::optional<int64_t> tokenId(const std::string& piece) const = 0;
};

}  // namespace sieve
