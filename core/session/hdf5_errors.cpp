#include "core/session/hdf5_errors.h"

#include <vector>

namespace sieve::h5 {
namespace {

herr_t collect(unsigned, const H5E_error2_t* error, void* data) {
    auto* messages = static_cast<std::vector<std::string>*>(data);
    if (error && error->desc && *error->desc) messages->emplace_back(error->desc);
    return 0;
}

}  // namespace

std::string describe(const H5::Exception& e) {
    std::vector<std::string> messages;
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collect, &messages);
    std::string text = e.getDetailMsg();
    if (!messages.empty()) {
        // Walking downward, the last entry is where the error started.
        text = messages.back();
        if (messages.size() > 1 && messages.front() != messages.back()) text = messages.front() + ": " + text;
    }
    return "HDF5: " + text;
}

}  // namespace sieve::h5
