#include "fuzz_support.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <system_error>

namespace sieve::fuzz {
namespace {

struct PrivateFolder {
    std::string path;
    PrivateFolder() {
        namespace fs = std::filesystem;
        const fs::path base = fs::is_directory("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
        path = (base / ("sieve-fuzz-" + std::to_string(::getpid()))).string();
        fs::create_directories(path);
    }
    ~PrivateFolder() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
};

}  // namespace

const std::string& folder() {
    static const PrivateFolder folder;
    return folder.path;
}

std::string writeInput(const std::string& name, const uint8_t* data, size_t size) {
    const std::string path = folder() + "/" + name;
    std::FILE* file = std::fopen(path.c_str(), "wb");
    if (!file) throw std::runtime_error("cannot write " + path);  // the harness's fault, not the input's
    if (size > 0) std::fwrite(data, 1, size, file);
    std::fclose(file);
    return path;
}

std::string writeInput(const std::string& name, const std::string& bytes) {
    return writeInput(name, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
}

std::pair<std::string, std::string> splitAt(const uint8_t* data, size_t size, const std::string& separator) {
    const std::string all(reinterpret_cast<const char*>(data), size);
    const size_t at = all.find(separator);
    if (at == std::string::npos) return {all, {}};
    return {all.substr(0, at), all.substr(at + separator.size())};
}

}  // namespace sieve::fuzz
