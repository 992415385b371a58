#include "core/tokenizer/tokenizer.h"

#include <filesystem>
#include <fstream>

#include "core/common/error.h"
#include "core/tokenizer/loaders.h"
#include "core/types/input_file.h"

namespace sieve {

std::unique_ptr<Tokenizer> Tokenizer::load(const std::string& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
        const fs::path json = fs::path(path) / "tokenizer.json";
        if (fs::exists(json)) return tok::loadTokenizerJson(json.string());
        const fs::path bin = fs::path(path) / "tokenizer.bin";
        if (fs::exists(bin)) return tok::loadLlama2cTokenizer(bin.string());
        throw InputError(path + ": directory has no tokenizer.json or tokenizer.bin");
    }
    // Before the first read: a FIFO would block it, /dev/zero never end it.
    checkInputFile(path, "tokenizer", kMaxTokenizerBytes);
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path + ": cannot open");
    char head[64] = {};
    in.read(head, sizeof(head));
    const auto got = static_cast<size_t>(in.gcount());
    if (got >= 4 && std::string(head, 4) == "GGUF") return tok::loadGgufTokenizer(path);
    size_t first = 0;
    while (first < got &&
           (head[first] == ' ' || head[first] == '\n' || head[first] == '\r' || head[first] == '\t'))
        ++first;
    if (first < got && head[first] == '{') return tok::loadTokenizerJson(path);
    // Anything else must parse as a llama2.c tokenizer.bin (it has no magic).
    return tok::loadLlama2cTokenizer(path);
}

}  // namespace sieve
