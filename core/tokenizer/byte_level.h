#pragma once
// GPT-2's byte <-> printable character table (ByteLevel pre-tokenizer and
// decoder): byte-level vocabularies spell each byte as one visible character.
#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace sieve::tok {

// Character (code point) that stands for each byte.
const std::array<char32_t, 256>& byteToChar();

// A byte-level token ("Ġworld") as the raw bytes it stands for (" world");
// nullopt if a character is not in the table (HF then keeps such a token as is).
std::optional<std::string> byteLevelToBytes(std::string_view token);

// Raw bytes spelled in byte-level characters.
std::string bytesToByteLevel(std::string_view bytes);

}  // namespace sieve::tok
