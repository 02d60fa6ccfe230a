#include "Error.h"

namespace ks {

namespace {
std::string joined(const std::string& message, const std::string& hint)
{
    return hint.empty() ? message : message + ". " + hint;
}
} // namespace

Error::Error(const std::string& message, const std::string& hint, Kind kind)
    : std::runtime_error(joined(message, hint)), m_message(message), m_hint(hint), m_kind(kind)
{
}

std::string Error::fullText() const
{
    return joined(m_message, m_hint);
}

Cancelled::Cancelled() : Error("Cancelled by the user", {}, Kind::Cancelled) {}

} // namespace ks
