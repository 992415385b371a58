#pragma once
// The bytes of the cluster's messages: integers and doubles in this
// machine's byte order (every rank of a run runs the same binary), each
// vector or string led by its length. A message that ends early or has bytes
// left over is a protocol error, named.
#include <cstdint>
#include <string>
#include <vector>

namespace sieve {

class WireWriter {
public:
    WireWriter& i64(int64_t v);
    WireWriter& f64(double v);
    WireWriter& text(const std::string& v);
    WireWriter& ints(const std::vector<int>& v);
    const std::string& bytes() const { return out_; }

private:
    void put(const void* p, size_t n) { out_.append(static_cast<const char*>(p), n); }
    std::string out_;
};

class WireReader {
public:
    // `what` names the message in errors ("verdict from rank 2").
    // Reads `bytes` in place: they must outlive the reader (no temporaries).
    WireReader(const std::string& bytes, std::string what) : in_(bytes), what_(std::move(what)) {}
    WireReader(std::string&&, std::string) = delete;
    int64_t i64();
    double f64();
    std::string text();
    std::vector<int> ints();
    // Throws unless every byte was read.
    void finish() const;

private:
    void get(void* p, size_t n);
    const std::string& in_;
    std::string what_;
    size_t at_ = 0;
};

}  // namespace sieve
