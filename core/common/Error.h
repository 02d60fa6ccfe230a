#pragma once
/// \file Error.h
/// The one exception type that leaves core. Every message says what was wrong and, where the
/// user can act, what to do (the hint). Adapters convert OFCondition, c10::Error and
/// cv::Exception into ks::Error at the library boundary.

#include <stdexcept>
#include <string>

namespace ks {

/// A failure a user can understand. Thread-safe to copy and rethrow.
class Error : public std::runtime_error
{
public:
    enum class Kind {
        InvalidInput,   ///< the input is wrong (bad argument, malformed file, empty set)
        Unsupported,    ///< valid input that we cannot handle (e.g. JPEG 2000)
        Io,             ///< the file system refused (missing file, read-only, disk full)
        Corrupt,        ///< data that should be ours is damaged or tampered with
        Cancelled,      ///< the user cancelled a long operation
        Internal        ///< a bug: should never reach a user
    };

    /// \param message what was wrong, in a user's words
    /// \param hint    what to do about it (may be empty)
    explicit Error(const std::string& message, const std::string& hint = {},
                   Kind kind = Kind::InvalidInput);

    Kind kind() const noexcept { return m_kind; }
    const std::string& message() const noexcept { return m_message; }
    const std::string& hint() const noexcept { return m_hint; }

    /// "message. hint" as one line, for a dialog, a log or the CLI.
    std::string fullText() const;

private:
    std::string m_message;
    std::string m_hint;
    Kind m_kind;
};

/// Thrown by core when a Progress returned false. Callers treat it as a clean stop, not a failure.
class Cancelled : public Error
{
public:
    Cancelled();
};

} // namespace ks
