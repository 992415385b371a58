#include "core/cluster/wire.h"

#include <cstring>
#include <stdexcept>

namespace sieve {

WireWriter& WireWriter::i64(int64_t v) {
    put(&v, sizeof v);
    return *this;
}

WireWriter& WireWriter::f64(double v) {
    put(&v, sizeof v);
    return *this;
}

WireWriter& WireWriter::text(const std::string& v) {
    i64(int64_t(v.size()));
    put(v.data(), v.size());
    return *this;
}

WireWriter& WireWriter::ints(const std::vector<int>& v) {
    i64(int64_t(v.size()));
    for (int x : v) i64(x);
    return *this;
}

void WireReader::get(void* p, size_t n) {
    if (n > in_.size() - at_)
        throw std::runtime_error(what_ + ": message ends after " + std::to_string(in_.size()) +
                                 " bytes, more expected (protocol mismatch between ranks?)");
    std::memcpy(p, in_.data() + at_, n);
    at_ += n;
}

int64_t WireReader::i64() {
    int64_t v = 0;
    get(&v, sizeof v);
    return v;
}

double WireReader::f64() {
    double v = 0;
    get(&v, sizeof v);
    return v;
}

std::string WireReader::text() {
    const int64_t n = i64();
    if (n < 0 || uint64_t(n) > in_.size() - at_)
        throw std::runtime_error(what_ + ": a text of " + std::to_string(n) +
                                 " bytes does not fit the message");
    std::string v(in_.data() + at_, size_t(n));
    at_ += size_t(n);
    return v;
}

std::vector<int> WireReader::ints() {
    const int64_t n = i64();
    if (n < 0 || uint64_t(n) > (in_.size() - at_) / sizeof(int64_t))
        throw std::runtime_error(what_ + ": " + std::to_string(n) + " integers do not fit the message");
    std::vector<int> v(static_cast<size_t>(n));
    for (int& x : v) x = int(i64());
    return v;
}

void WireReader::finish() const {
    if (at_ != in_.size())
        throw std::runtime_error(what_ + ": " + std::to_string(in_.size() - at_) +
                                 " bytes left over (protocol mismatch between ranks?)");
}

}  // namespace sieve
