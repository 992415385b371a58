#pragma once
// Errors the core reports to its callers. Every message names what was wrong
// and where (file, key, line, shape) so the GUI and the CLI can show it as is.
#include <stdexcept>
#include <string>

namespace sieve {

// Bad input from the user: a file, a key, a value, a shape. The CLI exits 2.
class InputError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A file that exists but cannot be read as what it claims to be.
class FormatError : public InputError {
public:
    FormatError(const std::string& file, const std::string& cause)
        : InputError(file + ": " + cause), file_(file) {}
    const std::string& file() const { return file_; }

private:
    std::string file_;
};

// The disk refused a write that the input did not cause: no space left, a
// quota, a file size limit. The message names the file system's folder and
// how many bytes were needed. Not an InputError: the CLI exits 4.
class StorageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Thrown from inside a job when its cancel token fires; jobs undo their
// changes to the model before letting it escape. The CLI exits 3.
class Cancelled : public std::runtime_error {
public:
    Cancelled() : std::runtime_error("cancelled") {}
};

}  // namespace sieve
