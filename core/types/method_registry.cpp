#include "core/types/method_registry.h"

#include <algorithm>

#include "core/common/error.h"
#include "core/common/translatable.h"

namespace sieve {

// Labels and descriptions are marked for lupdate (which reads SIEVE_TR
// literally: no macro of our own around it) and translated by the widgets in
// the context "sieve::MethodRegistry".

const std::vector<MethodInfo>& methodRegistry() {
    // name, label, description, factorization, needs calibration, structured,
    // uniform only, evaluation, colour, marker
    static const std::vector<MethodInfo> methods = {
        {"sieve", SIEVE_TR("sieve::MethodRegistry", "LLM-Sieve"),
         SIEVE_TR("sieve::MethodRegistry", "Output-aligned closed form (the LLM-Sieve projection)"), "sieve",
         true, true, false, MethodEvaluation::Projected, "#0072B2", "circle"},
        {"sieve-sequential", SIEVE_TR("sieve::MethodRegistry", "LLM-Sieve (sequential)"),
         SIEVE_TR("sieve::MethodRegistry",
                  "LLM-Sieve with each block calibrated on the already pruned blocks before it (uniform "
                  "sweep only; one calibration pass per block and level)"),
         "sieve", false, true, true, MethodEvaluation::Sequential, "#000000", "cross-square"},
        {"weight-svd", SIEVE_TR("sieve::MethodRegistry", "Weight SVD"),
         SIEVE_TR("sieve::MethodRegistry", "Truncated SVD of the weights alone (ignores the task data)"),
         "weight-svd", false, true, false, MethodEvaluation::Projected, "#E69F00", "triangle"},
        {"input-pca", SIEVE_TR("sieve::MethodRegistry", "Input PCA"),
         SIEVE_TR("sieve::MethodRegistry", "Top principal directions of the matrix inputs (SliceGPT-style)"),
         "input-pca", true, true, false, MethodEvaluation::Projected, "#009E73", "diamond"},
        {"wanda", SIEVE_TR("sieve::MethodRegistry", "Wanda"),
         SIEVE_TR("sieve::MethodRegistry",
                  "Wanda: magnitude × input-norm unstructured pruning, as a baseline"),
         "wanda", true, false, false, MethodEvaluation::Projected, "#CC79A7", "inverted-triangle"},
    };
    return methods;
}

const MethodInfo* findMethod(const std::string& name) {
    const auto& all = methodRegistry();
    const auto it = std::find_if(all.begin(), all.end(), [&](const MethodInfo& m) { return m.name == name; });
    return it == all.end() ? nullptr : &*it;
}

const MethodInfo& requireMethod(const std::string& name) {
    if (const MethodInfo* m = findMethod(name)) return *m;
    throw InputError("unknown projection method '" + name + "' (known: " + methodNameList() + ")");
}

std::vector<std::string> methodNames() {
    std::vector<std::string> names;
    for (const MethodInfo& m : methodRegistry()) names.push_back(m.name);
    return names;
}

std::string methodNameList() {
    std::string text;
    for (const MethodInfo& m : methodRegistry()) text += (text.empty() ? "" : ", ") + m.name;
    return text;
}

std::string defaultSearchMethod(const std::vector<std::string>& methods) {
    for (const MethodInfo& m : methodRegistry())
        if (!m.uniformOnly && std::find(methods.begin(), methods.end(), m.name) != methods.end())
            return m.name;
    return "sieve";
}

}  // namespace sieve
