#include "core/tokenizer/added_tokens.h"

#include <algorithm>

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
        if (nodes_[node].tokenId < 0) nodes_[node].tokenId = token.id;
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
        int32_t node = 0, matchId = -1;
        size_t matchEnd = 0;
        for (size_t i = pos; i < text.size(); ++i) {
            node = child(node, static_cast<unsigned char>(text[i]));
            if (node < 0) break;
            if (nodes_[node].tokenId >= 0) {
                matchId = nodes_[node].tokenId;
                matchEnd = i + 1;
            }
        }
        if (matchId < 0) continue;
        if (pos > textStart) out.push_back({text.substr(textStart, pos - textStart), -1});
        out.push_back({text.substr(pos, matchEnd - pos), matchId});
        textStart = matchEnd;
        pos = matchEnd - 1;
    }
    if (text.size() > textStart) out.push_back({text.substr(textStart), -1});
}

}  // namespace sieve::tok
