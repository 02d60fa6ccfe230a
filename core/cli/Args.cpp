#include "Args.h"

#include "common/Error.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <sstream>

namespace ks::cli {

Args::Args(const std::vector<std::string>& argv, const std::map<std::string, int>& arity)
{
    for (size_t i = 0; i < argv.size(); ++i) {
        const std::string& a = argv[i];
        if (a.rfind("--", 0) != 0 || a == "--") {
            m_positional.push_back(a);
            continue;
        }
        std::string name = a.substr(2), inlineValue;
        const auto eq = name.find('=');
        const bool hasInline = eq != std::string::npos;
        if (hasInline) {
            inlineValue = name.substr(eq + 1);
            name = name.substr(0, eq);
        }
        const auto it = arity.find(name);
        if (it == arity.end()) {
            std::string known;
            for (const auto& [k, n] : arity)
                known += (known.empty() ? "--" : ", --") + k;
            throw Error("Unknown option --" + name,
                        known.empty() ? "This command takes no options" : "Known options: " + known);
        }
        if (it->second > 0 && m_options.count(name))
            throw Error("Option --" + name + " is given more than once", "Give each option once");
        auto& vals = m_options[name];
        if (hasInline) {
            vals.push_back(inlineValue);
            continue;
        }
        for (int k = 0; k < it->second; ++k) {
            if (++i >= argv.size())
                throw Error("Option --" + name + " needs " + std::to_string(it->second) + " value(s)");
            if (argv[i].rfind("--", 0) == 0 && argv[i].size() > 2)
                throw Error("Option --" + name + " needs " + std::to_string(it->second) + " value(s), not the option "
                                + argv[i],
                            "Give --" + name + " its value (use --" + name + "=VALUE for a value that starts with --)");
            vals.push_back(argv[i]);
        }
    }
}

bool Args::has(const std::string& option) const
{
    return m_options.count(option) > 0;
}

std::string Args::value(const std::string& option, const std::string& fallback) const
{
    const auto it = m_options.find(option);
    return (it == m_options.end() || it->second.empty()) ? fallback : it->second.front();
}

std::vector<std::string> Args::values(const std::string& option) const
{
    const auto it = m_options.find(option);
    return it == m_options.end() ? std::vector<std::string>{} : it->second;
}

namespace {
std::string fmtNumber(double v)
{
    std::ostringstream s;
    s << v;
    return s.str();
}
} // namespace

double Args::number(const std::string& option, double fallback) const
{
    if (!has(option))
        return fallback;
    const std::string v = value(option);
    char* end = nullptr;
    errno = 0;
    const double d = std::strtod(v.c_str(), &end);
    if (v.empty() || *end != '\0' || std::isspace(static_cast<unsigned char>(v.front())))
        throw Error("Option --" + option + " expects a number, not '" + v + "'", "Give e.g. --" + option + " 0.5");
    if (errno == ERANGE || !std::isfinite(d))
        throw Error("Option --" + option + " expects a finite number, not '" + v + "'",
                    "Give an ordinary decimal number");
    return d;
}

double Args::number(const std::string& option, double fallback, double min, double max) const
{
    const double d = number(option, fallback);
    if (has(option) && !(d >= min && d <= max))
        throw Error("--" + option + " must be between " + fmtNumber(min) + " and " + fmtNumber(max) + ", not "
                        + value(option),
                    "Give a value in that range");
    return d;
}

int Args::integer(const std::string& option, int fallback) const
{
    return integer(option, fallback, std::numeric_limits<int>::min(), std::numeric_limits<int>::max());
}

int Args::integer(const std::string& option, int fallback, int min, int max) const
{
    if (!has(option))
        return fallback;
    const std::string v = value(option);
    char* end = nullptr;
    errno = 0;
    const long long n = std::strtoll(v.c_str(), &end, 10);
    if (v.empty() || *end != '\0' || std::isspace(static_cast<unsigned char>(v.front())))
        throw Error("Option --" + option + " expects a whole number, not '" + v + "'", "Give e.g. --" + option + " 10");
    if (errno == ERANGE || n < min || n > max)
        throw Error("--" + option + " must be between " + std::to_string(min) + " and " + std::to_string(max)
                        + ", not " + v,
                    "Give a value in that range");
    return static_cast<int>(n);
}

std::uint64_t Args::unsignedInteger(const std::string& option, std::uint64_t fallback, std::uint64_t max) const
{
    if (!has(option))
        return fallback;
    const std::string v = value(option);
    char* end = nullptr;
    errno = 0;
    const unsigned long long n = std::strtoull(v.c_str(), &end, 10);
    if (v.empty() || *end != '\0' || !std::isdigit(static_cast<unsigned char>(v.front())))
        throw Error("Option --" + option + " expects a non-negative whole number, not '" + v + "'",
                    "Give e.g. --" + option + " 1");
    if (errno == ERANGE || n > max)
        throw Error("--" + option + " must be between 0 and " + std::to_string(max) + ", not " + v,
                    "Give a value in that range");
    return n;
}

std::string Args::required(const std::string& option) const
{
    if (!has(option))
        throw Error("Missing option --" + option);
    return value(option);
}

} // namespace ks::cli
