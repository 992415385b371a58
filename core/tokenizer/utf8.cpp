#include "core/tokenizer/utf8.h"

#include "core/common/error.h"

namespace sieve::utf8 {
namespace {

// Length of the well-formed sequence at text[pos], or 0 when it is ill-formed.
// With `maximalSubpart`, the length of the maximal ill-formed prefix instead
// (at least 1), per Unicode 3.9 "U+FFFD substitution of maximal subparts".
size_t scan(std::string_view text, size_t pos, size_t* invalidLength) {
    const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char lead = byte(pos);
    if (lead < 0x80) return 1;
    size_t need = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // the valid range of the second byte
    if (lead >= 0xC2 && lead <= 0xDF) {
        need = 1;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        need = 2;
        if (lead == 0xE0) lo = 0xA0;
        if (lead == 0xED) hi = 0x9F;  // no surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        need = 3;
        if (lead == 0xF0) lo = 0x90;
        if (lead == 0xF4) hi = 0x8F;
    } else {
        *invalidLength = 1;
        return 0;
    }
    for (size_t k = 1; k <= need; ++k) {
        const size_t i = pos + k;
        const unsigned char min = k == 1 ? lo : 0x80, max = k == 1 ? hi : 0xBF;
        if (i >= text.size() || byte(i) < min || byte(i) > max) {
            *invalidLength = k;
            return 0;
        }
    }
    return need + 1;
}

}  // namespace

void validate(std::string_view text) {
    size_t pos = 0;
    while (pos < text.size()) {
        if (static_cast<unsigned char>(text[pos]) < 0x80) {
            ++pos;
            continue;
        }
        size_t bad = 0;
        const size_t n = scan(text, pos, &bad);
        if (n == 0)
            throw InputError("text is not valid UTF-8: ill-formed byte sequence at byte offset " +
                             std::to_string(pos));
        pos += n;
    }
}

char32_t decodeAt(std::string_view text, size_t pos) {
    const auto b = [&](size_t i) { return static_cast<char32_t>(static_cast<unsigned char>(text[pos + i])); };
    const unsigned char lead = static_cast<unsigned char>(text[pos]);
    if (lead < 0x80) return lead;
    if (lead < 0xE0) return ((b(0) & 0x1F) << 6) | (b(1) & 0x3F);
    if (lead < 0xF0) return ((b(0) & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F);
    return ((b(0) & 0x07) << 18) | ((b(1) & 0x3F) << 12) | ((b(2) & 0x3F) << 6) | (b(3) & 0x3F);
}

void append(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

std::string lossy(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size());
    size_t pos = 0;
    while (pos < bytes.size()) {
        size_t bad = 0;
        const size_t n = scan(bytes, pos, &bad);
        if (n > 0) {
            out.append(bytes.substr(pos, n));
            pos += n;
        } else {
            out += "\xEF\xBF\xBD";  // U+FFFD
            pos += bad;
        }
    }
    return out;
}

bool isWhitespace(char32_t cp) {
    return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F ||
           cp == 0x3000;
}

}  // namespace sieve::utf8
