#pragma once
/// \file Args.h
/// Minimal command-line parsing for kidneyscope-cli subcommands. Qt-free.

#include <map>
#include <string>
#include <vector>

namespace ks::cli {

/// Parsed arguments of one subcommand. Options are declared with their arity (0 = flag,
/// 1 = one value, n = n values); anything else starting with "--" is an error that names the
/// known options. Throws ks::Error on bad input.
class Args
{
public:
    Args(const std::vector<std::string>& argv, const std::map<std::string, int>& arity);

    bool has(const std::string& option) const;
    /// The (first) value of an option, or `fallback` when absent.
    std::string value(const std::string& option, const std::string& fallback = {}) const;
    /// All values of an n-ary option (empty when absent).
    std::vector<std::string> values(const std::string& option) const;
    double number(const std::string& option, double fallback) const;
    int integer(const std::string& option, int fallback) const;
    /// Throws ks::Error naming the option when it is absent.
    std::string required(const std::string& option) const;

    const std::vector<std::string>& positional() const { return m_positional; }

private:
    std::map<std::string, std::vector<std::string>> m_options;
    std::vector<std::string> m_positional;
};

} // namespace ks::cli
