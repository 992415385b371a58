#include "core/session/content_hash.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <memory>
#include <thread>

#include "core/common/error.h"
#include "core/session/sha256.h"

namespace sieve {
namespace {

struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
};

}  // namespace

FileDigest hashFile(const std::string& path) {
    std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
    if (!file) throw InputError("cannot open '" + path + "' to hash it: " + std::strerror(errno));
    constexpr size_t kBlock = size_t(4) << 20;
    std::vector<char> block(kBlock);
    Sha256 hash;
    FileDigest digest;
    digest.path = path;
    for (;;) {
        const size_t n = std::fread(block.data(), 1, kBlock, file.get());
        if (n > 0) {
            hash.update(block.data(), n);
            digest.size += int64_t(n);
        }
        if (n < kBlock) {
            if (std::ferror(file.get())) throw InputError("error reading '" + path + "' while hashing it");
            break;
        }
    }
    digest.sha256 = hash.finishHex();
    return digest;
}

ContentHash hashFiles(const std::vector<std::string>& paths) {
    if (paths.empty()) throw InputError("no files to hash");
    ContentHash result;
    result.files.resize(paths.size());
    std::vector<std::exception_ptr> errors(paths.size());
    std::atomic<size_t> next{0};
    auto worker = [&] {
        for (size_t i = next++; i < paths.size(); i = next++) {
            try {
                result.files[i] = hashFile(paths[i]);
            } catch (...) {
                errors[i] = std::current_exception();
            }
        }
    };
    const size_t threads = std::min<size_t>(paths.size(), std::max(1u, std::thread::hardware_concurrency()));
    std::vector<std::thread> pool;
    for (size_t t = 1; t < threads; ++t) pool.emplace_back(worker);
    worker();
    for (auto& t : pool) t.join();
    for (const auto& e : errors)
        if (e) std::rethrow_exception(e);

    std::vector<std::string> lines;
    for (const auto& f : result.files)
        lines.push_back(f.sha256 + "  " + std::filesystem::path(f.path).filename().string() + "\n");
    std::sort(lines.begin(), lines.end(), [](const std::string& a, const std::string& b) {
        return a.substr(66) < b.substr(66);  // by file name (after "<64 hex>  ")
    });
    Sha256 manifest;
    for (const auto& line : lines) manifest.update(line.data(), line.size());
    result.combined = "sha256:" + manifest.finishHex();
    return result;
}

}  // namespace sieve
