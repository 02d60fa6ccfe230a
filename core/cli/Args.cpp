#include "Args.h"

#include "common/Error.h"

#include <cstdlib>

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
        auto& vals = m_options[name];
        if (hasInline) {
            vals.push_back(inlineValue);
            continue;
        }
        for (int k = 0; k < it->second; ++k) {
            if (++i >= argv.size())
                throw Error("Option --" + name + " needs " + std::to_string(it->second) + " value(s)");
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

double Args::number(const std::string& option, double fallback) const
{
    if (!has(option))
        return fallback;
    const std::string v = value(option);
    char* end = nullptr;
    const double d = std::strtod(v.c_str(), &end);
    if (v.empty() || *end != '\0')
        throw Error("Option --" + option + " expects a number, not '" + v + "'");
    return d;
}

int Args::integer(const std::string& option, int fallback) const
{
    if (!has(option))
        return fallback;
    const std::string v = value(option);
    char* end = nullptr;
    const long n = std::strtol(v.c_str(), &end, 10);
    if (v.empty() || *end != '\0')
        throw Error("Option --" + option + " expects a whole number, not '" + v + "'");
    return static_cast<int>(n);
}

std::string Args::required(const std::string& option) const
{
    if (!has(option))
        throw Error("Missing option --" + option);
    return value(option);
}

} // namespace ks::cli
