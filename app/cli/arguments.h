#pragma once
// A small declarative option parser for the CLI's subcommands: every option
// is declared with its help text, so `--help` is generated and an unknown or
// malformed option is a usage error (exit code 1) that names the option.
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace sieve::cli {

class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct OptionSpec {
    std::string name;       // without dashes: "model"
    std::string valueName;  // "DIR"; empty for a flag
    std::string help;
    std::string defaultValue;  // shown in --help; used when absent
    bool required = false;
};

class Arguments {
public:
    Arguments(std::string command, std::string summary, std::vector<OptionSpec> options);

    // Throws UsageError. Returns false when --help was given (help printed).
    bool parse(const std::vector<std::string>& args);
    std::string help() const;

    bool has(const std::string& name) const;
    bool flag(const std::string& name) const { return has(name); }
    std::string get(const std::string& name) const;  // value or declared default
    double number(const std::string& name) const;
    long long integer(const std::string& name) const;
    // The same, refused (UsageError naming the option and the range) outside [low, high].
    double number(const std::string& name, double low, double high) const;
    long long integer(const std::string& name, long long low, long long high) const;
    std::vector<std::string> list(const std::string& name) const;  // comma-separated
    std::vector<double> numbers(const std::string& name) const;

private:
    const OptionSpec& spec(const std::string& name) const;
    std::string command_, summary_;
    std::vector<OptionSpec> options_;
    std::map<std::string, std::string> values_;
};

}  // namespace sieve::cli
