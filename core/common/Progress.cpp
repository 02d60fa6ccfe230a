#include "Progress.h"

#include "Error.h"

#include <algorithm>

namespace ks {

void Progress::step(double fraction, const std::string& message)
{
    if (!report(fraction, message))
        throw Cancelled();
}

NullProgress& NullProgress::instance()
{
    static NullProgress progress;
    return progress;
}

SubProgress::SubProgress(Progress& parent, double begin, double end)
    : m_parent(parent), m_begin(begin), m_end(end)
{
}

bool SubProgress::report(double fraction, const std::string& message)
{
    const double f = std::clamp(fraction, 0.0, 1.0);
    return m_parent.report(m_begin + f * (m_end - m_begin), message);
}

} // namespace ks
