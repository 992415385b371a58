#pragma once
// Streaming SHA-256 (FIPS 180-4). Used for the content hash of model weights
// and task files, so that a user can check the value with `sha256sum` and
// compare it with the digests a model hub lists.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace sieve {

class Sha256 {
public:
    Sha256();
    void update(const void* data, size_t size);
    // Finishes the digest; the object must not be updated afterwards.
    std::array<uint8_t, 32> finish();
    // finish() as 64 lowercase hex digits.
    std::string finishHex();

    // x86 SHA extensions (SHA-NI) are used when the CPU has them, ~4x faster
    // than the portable code. Tests switch them off to check both paths.
    static bool hardwareAvailable();
    static void setHardwareEnabled(bool enabled);

private:
    void compress(const uint8_t* blocks, size_t count);
    void compressPortable(const uint8_t* block);

    std::array<uint32_t, 8> state_;
    std::array<uint8_t, 64> buffer_{};
    size_t buffered_ = 0;
    uint64_t totalBytes_ = 0;
};

std::string sha256Hex(const void* data, size_t size);

}  // namespace sieve
