#include "core/session/file_checksum.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <vector>

#include "core/common/error.h"
#include "core/session/sha256.h"

namespace sieve {
namespace {

constexpr const char* kMagic = "SIEVE-SESSION-USERBLOCK 1\n";

struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

File openOrThrow(const std::string& path, const char* mode) {
    File file(std::fopen(path.c_str(), mode));
    if (!file) throw InputError("cannot open '" + path + "': " + std::strerror(errno));
    return file;
}

std::string hashAfterUserBlock(std::FILE* file, const std::string& path) {
    if (std::fseek(file, long(kSessionUserBlockBytes), SEEK_SET) != 0)
        throw InputError("cannot seek in '" + path + "'");
    Sha256 hash;
    std::vector<char> block(size_t(4) << 20);
    for (;;) {
        const size_t n = std::fread(block.data(), 1, block.size(), file);
        hash.update(block.data(), n);
        if (n < block.size()) {
            if (std::ferror(file)) throw InputError("error reading '" + path + "'");
            break;
        }
    }
    return hash.finishHex();
}

std::string userBlock(const std::string& digest) {
    std::string block = std::string(kMagic) + "sha256 " + digest + "\n";
    block.resize(kSessionUserBlockBytes, '\0');
    return block;
}

void writeUserBlock(const std::string& path, const std::string& digest) {
    File file = openOrThrow(path, "r+b");
    const std::string block = userBlock(digest);
    if (std::fwrite(block.data(), 1, block.size(), file.get()) != block.size() ||
        std::fflush(file.get()) != 0)
        throw InputError("cannot write the checksum of '" + path + "': " + std::strerror(errno));
}

ChecksumState stateOf(const std::string& block, size_t blockBytes,
                      const std::function<std::string()>& digest) {
    const std::string magic = kMagic;
    if (blockBytes < kSessionUserBlockBytes || block.compare(0, magic.size(), magic) != 0)
        return ChecksumState::Absent;
    const std::string prefix = "sha256 ";
    if (block.compare(magic.size(), prefix.size(), prefix) != 0) return ChecksumState::Absent;
    const size_t start = magic.size() + prefix.size();
    if (block.compare(start, 5, "none\n") == 0) return ChecksumState::Unsealed;
    return digest() == block.substr(start, 64) ? ChecksumState::Valid : ChecksumState::Mismatch;
}

}  // namespace

void sealSessionImage(std::string& bytes) {
    if (bytes.size() < kSessionUserBlockBytes) throw InputError("session image smaller than its user block");
    Sha256 hash;
    hash.update(bytes.data() + kSessionUserBlockBytes, bytes.size() - kSessionUserBlockBytes);
    bytes.replace(0, kSessionUserBlockBytes, userBlock(hash.finishHex()));
}

ChecksumState verifySessionImage(const std::string& bytes) {
    return stateOf(
        bytes.substr(0, std::min<size_t>(bytes.size(), kSessionUserBlockBytes)), bytes.size(), [&] {
            Sha256 hash;
            hash.update(bytes.data() + kSessionUserBlockBytes, bytes.size() - kSessionUserBlockBytes);
            return hash.finishHex();
        });
}

void sealSessionChecksum(const std::string& path) {
    std::string digest;
    {
        File file = openOrThrow(path, "rb");
        digest = hashAfterUserBlock(file.get(), path);
    }
    writeUserBlock(path, digest);
}

ChecksumState verifySessionChecksum(const std::string& path) {
    File file = openOrThrow(path, "rb");
    std::string block(kSessionUserBlockBytes, '\0');
    const size_t n = std::fread(block.data(), 1, block.size(), file.get());
    return stateOf(block, n, [&] { return hashAfterUserBlock(file.get(), path); });
}

}  // namespace sieve
