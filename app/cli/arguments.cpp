#include "app/cli/arguments.h"

#include <sstream>

namespace sieve::cli {

Arguments::Arguments(std::string command, std::string summary, std::vector<OptionSpec> options)
    : command_(std::move(command)), summary_(std::move(summary)), options_(std::move(options)) {
    options_.push_back({"help", "", "show this help and exit", "", false});
}

const OptionSpec& Arguments::spec(const std::string& name) const {
    for (const auto& o : options_)
        if (o.name == name) return o;
    throw UsageError("sieve " + command_ + ": unknown option --" + name + " (see sieve " + command_ +
                     " --help)");
}

bool Arguments::parse(const std::vector<std::string>& args) {
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg.rfind("--", 0) != 0)
            throw UsageError("sieve " + command_ + ": unexpected argument '" + arg + "'");
        std::string name = arg.substr(2), value;
        const auto eq = name.find('=');
        const bool inlineValue = eq != std::string::npos;
        if (inlineValue) {
            value = name.substr(eq + 1);
            name = name.substr(0, eq);
        }
        const OptionSpec& o = spec(name);
        if (o.name == "help") {
            return false;
        }
        if (o.valueName.empty()) {
            if (inlineValue) throw UsageError("sieve " + command_ + ": --" + name + " takes no value");
            values_[name] = "1";
            continue;
        }
        if (!inlineValue) {
            if (i + 1 >= args.size())
                throw UsageError("sieve " + command_ + ": --" + name + " needs a value " + o.valueName);
            value = args[++i];
        }
        values_[name] = value;
    }
    for (const auto& o : options_)
        if (o.required && !values_.count(o.name))
            throw UsageError("sieve " + command_ + ": --" + o.name + " " + o.valueName + " is required");
    return true;
}

std::string Arguments::help() const {
    std::ostringstream out;
    out << "usage: sieve " << command_ << " [options]\n\n" << summary_ << "\n\noptions:\n";
    for (const auto& o : options_) {
        std::string left = "  --" + o.name + (o.valueName.empty() ? "" : " " + o.valueName);
        out << left;
        out << std::string(left.size() < 28 ? 28 - left.size() : 1, ' ') << o.help;
        if (o.required) out << " (required)";
        if (!o.defaultValue.empty()) out << " [default: " << o.defaultValue << "]";
        out << "\n";
    }
    return out.str();
}

bool Arguments::has(const std::string& name) const {
    spec(name);
    return values_.count(name) > 0;
}

std::string Arguments::get(const std::string& name) const {
    const OptionSpec& o = spec(name);
    auto it = values_.find(name);
    return it != values_.end() ? it->second : o.defaultValue;
}

double Arguments::number(const std::string& name) const {
    const std::string v = get(name);
    try {
        size_t used = 0;
        const double d = std::stod(v, &used);
        if (used != v.size()) throw std::invalid_argument(v);
        return d;
    } catch (const std::exception&) {
        throw UsageError("sieve " + command_ + ": --" + name + " expects a number, got '" + v + "'");
    }
}

long long Arguments::integer(const std::string& name) const {
    const std::string v = get(name);
    try {
        size_t used = 0;
        const long long n = std::stoll(v, &used);
        if (used != v.size()) throw std::invalid_argument(v);
        return n;
    } catch (const std::exception&) {
        throw UsageError("sieve " + command_ + ": --" + name + " expects an integer, got '" + v + "'");
    }
}

double Arguments::number(const std::string& name, double low, double high) const {
    const double d = number(name);
    if (!(d >= low && d <= high)) {
        std::ostringstream s;
        s << "sieve " << command_ << ": --" << name << " " << get(name) << " is outside [" << low << ", "
          << high << "]";
        throw UsageError(s.str());
    }
    return d;
}

long long Arguments::integer(const std::string& name, long long low, long long high) const {
    const std::string v = get(name);
    const auto outside = [&] {
        return UsageError("sieve " + command_ + ": --" + name + " " + v + " is outside [" +
                          std::to_string(low) + ", " + std::to_string(high) + "]");
    };
    long long n = 0;
    try {
        n = integer(name);
    } catch (const UsageError&) {
        // Digits that overflow a long long are out of range, not malformed.
        if (!v.empty() && v.find_first_not_of("+-0123456789") == std::string::npos) throw outside();
        throw;
    }
    if (n < low || n > high) throw outside();
    return n;
}

std::vector<std::string> Arguments::list(const std::string& name) const {
    std::vector<std::string> out;
    std::stringstream in(get(name));
    std::string item;
    while (std::getline(in, item, ','))
        if (!item.empty()) out.push_back(item);
    return out;
}

std::vector<double> Arguments::numbers(const std::string& name) const {
    std::vector<double> out;
    for (const auto& item : list(name)) {
        try {
            size_t used = 0;
            out.push_back(std::stod(item, &used));
            if (used != item.size()) throw std::invalid_argument(item);
        } catch (const std::exception&) {
            throw UsageError("sieve " + command_ + ": --" + name +
                             " expects numbers separated by commas, got '" + item + "'");
        }
    }
    return out;
}

}  // namespace sieve::cli
