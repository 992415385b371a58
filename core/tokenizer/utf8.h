#pragma once
// UTF-8 helpers shared by every tokenizer: validation of input text, one-code-
// point steps, and the lossy conversion decoders use for partial byte tokens.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace sieve::utf8 {

// Throws InputError naming the byte offset of the first ill-formed sequence.
// Every tokenizer takes UTF-8 text: the reference (Hugging Face `tokenizers`)
// only accepts Python `str` / Rust `&str`, which cannot hold invalid UTF-8, so
// we reject it with a clear error rather than guess an interpretation.
void validate(std::string_view text);

// Length in bytes of the code point starting at text[pos] (valid UTF-8 assumed).
inline size_t charLength(unsigned char lead) {
    if (lead < 0x80) return 1;
    if (lead < 0xE0) return 2;
    if (lead < 0xF0) return 3;
    return 4;
}

// The code point at text[pos] (valid UTF-8 assumed).
char32_t decodeAt(std::string_view text, size_t pos);

void append(std::string& out, char32_t cp);

// Bytes to a valid UTF-8 string, each maximal ill-formed subpart replaced by one
// U+FFFD, exactly as Rust's String::from_utf8_lossy (what HF decoders use).
std::string lossy(std::string_view bytes);

// Unicode White_Space, as Rust's char::is_whitespace.
bool isWhitespace(char32_t cp);

}  // namespace sieve::utf8
