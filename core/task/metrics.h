#pragma once
// The metrics, on plain strings and numbers, so that each can be checked by
// hand. Torch-free.
#include <cstdint>
#include <string>
#include <vector>

namespace sieve {

// Leading and trailing ASCII whitespace removed.
std::string stripped(const std::string& s);
// Cuts `text` at the first occurrence of any stop string (the stop excluded).
std::string cutAtStop(const std::string& text, const std::vector<std::string>& stops);

// 1 when the stripped prediction equals a stripped answer, else 0.
double exactMatch(const std::string& prediction, const std::vector<std::string>& answers);
// 1 when a stripped, non-empty answer occurs in the prediction, else 0.
double containsAnswer(const std::string& prediction, const std::vector<std::string>& answers);
// SQuAD's normalisation (lower case, punctuation and the articles a/an/the
// removed, whitespace collapsed), then the F1 of the bags of words; the best
// over the answers. Both empty counts as 1.
double tokenF1(const std::string& prediction, const std::vector<std::string>& answers);
std::vector<std::string> squadTokens(const std::string& text);

// Choice: the index with the largest log-likelihood (first on ties), and the
// lm-evaluation-harness acc_norm variant: log-likelihood / UTF-8 bytes of the choice.
int argmaxChoice(const std::vector<double>& logLikelihoods);
int argmaxChoiceNormalized(const std::vector<double>& logLikelihoods,
                           const std::vector<std::string>& choices);

// exp(total negative log-likelihood / tokens).
double perplexityFrom(double negativeLogLikelihood, int64_t tokens);

}  // namespace sieve
