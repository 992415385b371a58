#include "core/tokenizer/added_tokens.h"

#include <algorithm>

#include "core/tokenizer/utf8.h"

namespace sieve::tok {

AddedTokenMatcher::AddedTokenMatcher(const std::vector<AddedToken>& tokens) : nodes_(1) {
    for (const AddedToken& token : tokens) {
        if (token.content.empty() || !token.matchInText) continue;
        int32_t node = 0;
        for (const char ch : token.content) {
            const auto byte = static_cast<unsigned char>(ch);
            int32_t next = child(node, byte);
            if (next < 0) {
                next = static_cast<int32_t>(nodes_.size());
                nodes_.emplace_back();
                auto& kids = nodes_[node].children;
                kids.insert(std::lower_bound(kids.begin(), kids.end(), std::make_pair(byte, int32_t{-1})),
                            {byte, next});
            }
            node = next;
        }
        // The same content twice: HF keeps the first registration.
        if (nodes_[node].tokenId < 0) {
            nodes_[node].tokenId = token.id;
            nodes_[node].lstrip = token.lstrip;
            nodes_[node].rstrip = token.rstrip;
        }
        firstByte_[static_cast<unsigned char>(token.content[0])] = true;
    }
}

int32_t AddedTokenMatcher::child(int32_t node, unsigned char byte) const {
    const auto& kids = nodes_[node].children;
    const auto it = std::lower_bound(kids.begin(), kids.end(), std::make_pair(byte, int32_t{-1}));
    return it != kids.end() && it->first == byte ? it->second : -1;
}

void AddedTokenMatcher::split(std::string_view text, std::vector<Segment>& out) const {
    size_t textStart = 0;
    for (size_t pos = 0; pos < text.size(); ++pos) {
        if (!firstByte_[static_cast<unsigned char>(text[pos])]) continue;
        // The longest added token starting here.
        int32_t node = 0, matchId = -1, matchNode = -1;
        size_t matchEnd = 0;
        for (size_t i = pos; i < text.size(); ++i) {
            node = child(node, static_cast<unsigned char>(text[i]));
            if (node < 0) break;
            if (nodes_[node].tokenId >= 0) {
                matchId = nodes_[node].tokenId;
                matchNode = node;
                matchEnd = i + 1;
            }
        }
        if (matchId < 0) continue;
        // lstrip / rstrip: the token swallows adjacent whitespace (on the left
        // never past the previous token), as HF's AddedVocabulary does.
        size_t matchStart = pos;
        if (nodes_[matchNode].lstrip) {
            while (matchStart > textStart) {
                size_t prev = matchStart - 1;
                while (prev > textStart && (static_cast<unsigned char>(text[prev]) & 0xC0) == 0x80) --prev;
                if (!utf8::isWhitespace(utf8::decodeAt(text, prev))) break;
                matchStart = prev;
            }
        }
        if (nodes_[matchNode].rstrip) {
            while (matchEnd < text.size() && utf8::isWhitespace(utf8::decodeAt(text, matchEnd)))
                matchEnd += utf8::charLength(static_cast<unsigned char>(text[matchEnd]));
        }
        if (matchStart > textStart) out.push_back({text.substr(textStart, matchStart - textStart), -1});
        out.push_back({text.substr(matchStart, matchEnd - matchStart), matchId});
        textStart = matchEnd;
        pos = matchEnd - 1;
    }
    if (text.size() > textStart) out.push_back({text.substr(textStart), -1});
}

}  // namespace sieve::tok
