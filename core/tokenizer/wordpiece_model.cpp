#include "core/tokenizer/wordpiece_model.h"

#include "core/common/error.h"
#include "core/tokenizer/utf8.h"

namespace sieve::tok {

WordPieceModel::WordPieceModel(std::vector<std::string> pieces, std::optional<int32_t> unkId,
                               std::string unkToken, std::string prefix, size_t maxInputChars,
                               std::string source)
    : pieces_(std::move(pieces)),
      unkId_(unkId),
      unkToken_(std::move(unkToken)),
      prefix_(std::move(prefix)),
      maxInputChars_(maxInputChars),
      source_(std::move(source)) {
    pieceToId_.build(pieces_);
}

void WordPieceModel::encodeWord(std::string_view word, std::vector<int32_t>& out) const {
    const auto unknown = [&] {
        if (!unkId_)
            throw InputError(source_ + ": WordPiece unk_token '" + unkToken_ + "' is not in the vocabulary");
        out.push_back(*unkId_);
    };
    size_t chars = 0;
    for (size_t pos = 0; pos < word.size(); pos += utf8::charLength(static_cast<unsigned char>(word[pos])))
        ++chars;
    if (chars > maxInputChars_) return unknown();
    const size_t first = out.size();
    thread_local std::string candidate;
    for (size_t start = 0; start < word.size();) {
        // The longest piece from `start`, shortening one character at a time.
        int32_t found = -1;
        size_t end = word.size();
        while (end > start) {
            candidate.assign(start > 0 ? prefix_ : std::string());
            candidate.append(word.substr(start, end - start));
            found = pieceToId_.find(candidate);
            if (found >= 0) break;
            do --end;
            while (end > start && (static_cast<unsigned char>(word[end]) & 0xC0) == 0x80);
        }
        if (found < 0) {
            out.resize(first);
            return unknown();
        }
        out.push_back(found);
        start = end;
    }
}

std::string WordPieceModel::describe() const {
    size_t count = 0;
    for (const auto& p : pieces_) count += !p.empty();
    return "WordPiece (" + std::to_string(count) + " pieces, continuing_subword_prefix \"" + prefix_ +
           "\", max_input_chars_per_word " + std::to_string(maxInputChars_) + ", unk \"" + unkToken_ + "\")";
}

}  // namespace sieve::tok
