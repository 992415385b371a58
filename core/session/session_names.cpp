#include "core/session/session_names.h"

#include "core/session/hdf5_io.h"

namespace sieve::session {

namespace {
constexpr InputSite kSites[] = {InputSite::AttentionIn, InputSite::AttentionOut, InputSite::MlpIn,
                                InputSite::MlpHidden};
}

const char* inputSiteName(InputSite site) {
    switch (site) {
        case InputSite::AttentionIn:
            return "attention_in";
        case InputSite::AttentionOut:
            return "attention_out";
        case InputSite::MlpIn:
            return "mlp_in";
        case InputSite::MlpHidden:
            return "mlp_hidden";
    }
    return "?";
}

InputSite parseInputSite(const std::string& name, const std::string& where) {
    for (InputSite site : kSites)
        if (name == inputSiteName(site)) return site;
    throw h5::LayoutError(where + ": unknown input site '" + name + "'");
}

MatrixType parseMatrixType(const std::string& name, const std::string& where) {
    for (int t = 0; t < kMatrixTypeCount; ++t)
        if (name == matrixTypeName(MatrixType(t))) return MatrixType(t);
    throw h5::LayoutError(where + ": unknown matrix type '" + name + "'");
}

}  // namespace sieve::session
