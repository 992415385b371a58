#pragma once
// Reads the float32 .npy arrays that scripts/fixtures/models.py writes with
// numpy.save (format 1.0, little-endian '<f4', C order): reference data for
// the tests, not a model format.
#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/common/torch_compat.h"

namespace sieve::test {

inline torch::Tensor readNpyFloat32(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error(path + ": cannot open");
    char magic[8];
    in.read(magic, 8);
    if (!in || std::memcmp(magic, "\x93NUMPY", 6) != 0 || magic[6] != 1)
        throw std::runtime_error(path + ": not a version 1 .npy file");
    unsigned char len[2];
    in.read(reinterpret_cast<char*>(len), 2);
    std::string header(size_t(len[0] | (len[1] << 8)), '\0');
    in.read(header.data(), std::streamsize(header.size()));
    if (header.find("'descr': '<f4'") == std::string::npos ||
        header.find("'fortran_order': False") == std::string::npos)
        throw std::runtime_error(path + ": expected little-endian float32 in C order: " + header);
    std::smatch m;
    if (!std::regex_search(header, m, std::regex("'shape': \\(([^)]*)\\)")))
        throw std::runtime_error(path + ": no shape in header");
    std::vector<int64_t> shape;
    std::stringstream dims(m[1].str());
    for (std::string d; std::getline(dims, d, ',');)
        if (d.find_first_not_of(' ') != std::string::npos) shape.push_back(std::stoll(d));
    torch::Tensor t = torch::empty(shape, torch::kFloat32);
    in.read(reinterpret_cast<char*>(t.data_ptr<float>()), std::streamsize(t.numel() * 4));
    if (!in) throw std::runtime_error(path + ": truncated data");
    return t;
}

}  // namespace sieve::test
