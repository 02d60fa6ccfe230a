#pragma once
/// \file Args.h
/// Minimal command-line parsing for kidneyscope-cli subcommands. Qt-free.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ks::cli {

/// Parsed arguments of one subcommand. Options are declared with their arity (0 = flag,
/// 1 = one value, n = n values); anything else starting with "--" is an error that names the
/// known options, and an option with values given twice is an error (no silent "first wins").
/// The typed accessors refuse text that is not exactly a number and values outside their range.
/// Throws ks::Error on bad input.
class Args
{
public:
    Args(const std::vector<std::string>& argv, const std::map<std::string, int>& arity);

    bool has(const std::string& option) const;
    /// The (first) value of an option, or `fallback` when absent.
    std::string value(const std::string& option, const std::string& fallback = {}) const;
    /// All values of an n-ary option (empty when absent).
    std::vector<std::string> values(const std::string& option) const;
    /// A finite decimal number. \throws ks::Error naming the option for text that is not a whole
    /// number ("1e400", "nan", "inf", "2x" and "" are refused).
    double number(const std::string& option, double fallback) const;
    /// number() within [min, max]: "--lr must be between 1e-08 and 10, not -1".
    double number(const std::string& option, double fallback, double min, double max) const;
    /// A base-10 integer that fits an int. \throws ks::Error naming the option for text that is
    /// not one, and for values outside int's range (no wrap-around: "4294967306" is refused).
    int integer(const std::string& option, int fallback) const;
    /// integer() within [min, max]: "--candidates must be between 10 and 100000, not 4294967306"
    /// (the message quotes the text as given, also when it does not fit an int).
    int integer(const std::string& option, int fallback, int min, int max) const;
    /// A non-negative integer of up to 64 bits (seeds). \throws ks::Error like integer().
    std::uint64_t unsignedInteger(const std::string& option, std::uint64_t fallback,
                                  std::uint64_t max = UINT64_MAX) const;
    /// Throws ks::Error naming the option when it is absent.
    std::string required(const std::string& option) const;

    const std::vector<std::string>& positional() const { return m_positional; }

private:
    std::map<std::string, std::vector<std::string>> m_options;
    std::vector<std::string> m_positional;
};

} // namespace ks::cli
