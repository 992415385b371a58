// Format detection: a directory is a Hugging Face model, a file starting with
// the GGUF magic (or named .gguf) is GGUF, anything else is tried as llama.c,
// whose reader validates the header against the file size.
#include "core/model/checkpoint.h"

#include <filesystem>
#include <fstream>

#include "core/common/error.h"

namespace sieve {
namespace fs = std::filesystem;

void Checkpoint::readDeferred() {
    for (auto it = deferred.begin(); it != deferred.end(); it = deferred.erase(it))
        tensors[it->first] = it->second.read(torch::kFloat32, torch::kCPU);
}

Checkpoint readCheckpoint(const std::string& path) {
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (ec || !fs::exists(status)) throw FormatError(path, "does not exist");
    if (fs::is_directory(status)) {
        if (!fs::exists(fs::path(path) / "config.json"))
            throw FormatError(path, "directory without config.json (not a Hugging Face model)");
        return readHfCheckpoint(path);
    }
    if (!fs::is_regular_file(status)) throw FormatError(path, "not a regular file or directory");
    char magic[4] = {0, 0, 0, 0};
    std::ifstream in(path, std::ios::binary);
    if (!in) throw FormatError(path, "cannot open");
    in.read(magic, 4);
    const bool ggufMagic = in.gcount() == 4 && std::string(magic, 4) == "GGUF";
    if (ggufMagic || fs::path(path).extension() == ".gguf") return readGgufCheckpoint(path);
    return readLlama2cCheckpoint(path);
}

ModelConfig readCheckpointConfig(const std::string& path) {
    std::error_code ec;
    const fs::path p(path);
    if (fs::is_directory(p, ec)) {
        if (!fs::exists(p / "config.json", ec))
            throw FormatError(path, "directory without config.json (not a Hugging Face model)");
        return ModelConfig::fromHfFile((p / "config.json").string());
    }
    if (p.filename() == "config.json") return ModelConfig::fromHfFile(path);
    // GGUF defers every tensor (only the header is read); llama2.c files are small.
    return readCheckpoint(path).config;
}

}  // namespace sieve
