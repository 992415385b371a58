#pragma once
// Field-by-field comparison of SessionData for the round-trip tests. Returns
// "" when equal, else the path of the first differing field and both values.
// Doubles are compared exactly: HDF5 stores float64 bit for bit.
#include <string>

#include "core/session/session_data.h"

namespace sieve::test {

struct CompareOptions {
    bool modified = true;    // compare provenance.modified
    bool gramValues = true;  // compare Gram matrix values (else only their shapes)
};

std::string diffSessions(const SessionData& expected, const SessionData& actual,
                         const CompareOptions& options = {});
std::string diffGenerations(const std::vector<Generation>& expected, const std::vector<Generation>& actual);
std::string diffIndividual(const std::string& path, const Individual& expected, const Individual& actual);

}  // namespace sieve::test
