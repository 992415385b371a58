#include "core/tokenizer/byte_level.h"

#include "core/tokenizer/utf8.h"

namespace sieve::tok {

const std::array<char32_t, 256>& byteToChar() {
    static const std::array<char32_t, 256> table = [] {
        std::array<char32_t, 256> t{};
        char32_t next = 256;
        for (int b = 0; b < 256; ++b) {
            const bool printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
            t[b] = printable ? static_cast<char32_t>(b) : next++;
        }
        return t;
    }();
    return table;
}

std::optional<std::string> byteLevelToBytes(std::string_view token) {
    // The table's characters are all below U+0144.
    static const std::array<int, 0x144> charToByte = [] {
        std::array<int, 0x144> t{};
        t.fill(-1);
        for (int b = 0; b < 256; ++b) t[byteToChar()[b]] = b;
        return t;
    }();
    std::string bytes;
    bytes.reserve(token.size());
    for (size_t pos = 0; pos < token.size();
         pos += utf8::charLength(static_cast<unsigned char>(token[pos]))) {
        const char32_t cp = utf8::decodeAt(token, pos);
        if (cp >= charToByte.size() || charToByte[cp] < 0) return std::nullopt;
        bytes += static_cast<char>(charToByte[cp]);
    }
    return bytes;
}

std::string bytesToByteLevel(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const char c : bytes) utf8::append(out, byteToChar()[static_cast<unsigned char>(c)]);
    return out;
}

}  // namespace sieve::tok
