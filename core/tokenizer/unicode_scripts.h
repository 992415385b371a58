#pragma once
// The Unicode script of a code point (Scripts.txt "sc" property), read from
// PCRE2's Unicode tables, for the UnicodeScripts pre-tokenizer.
#include <cstdint>

namespace sieve::tok {

// An id per script, stable within one process; -1 for Unknown (unassigned to
// PCRE2, which knows Unicode 14). Common and Inherited are scripts of their own.
int scriptOf(char32_t cp);
// Ids of the scripts the UnicodeScripts pre-tokenizer treats specially.
int hanScript();
int hiraganaScript();
int katakanaScript();

}  // namespace sieve::tok
