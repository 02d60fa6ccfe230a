#pragma once
/// \file Progress.h
/// How long core work reports progress and learns of a cancel (after ITK-SNAP's
/// AbstractProgressDelegate). The caller owns the Progress; core only calls report().

#include <string>

namespace ks {

/// Implemented by the caller (CLI progress bar, UI worker bridge, tests).
/// report() may be called from any thread that runs core work; implementations must be
/// thread-safe if they hand the same object to several threads.
class Progress
{
public:
    virtual ~Progress() = default;

    /// \param fraction overall completion in [0, 1], non-decreasing within one operation
    /// \param message  short description of the current stage ("Decoding frame 3/10")
    /// \return false when the user cancelled; the core code then stops and throws ks::Cancelled
    virtual bool report(double fraction, const std::string& message) = 0;

    /// Calls report() and throws ks::Cancelled if it returned false.
    void step(double fraction, const std::string& message);
};

/// Never cancels, reports nowhere. Use when the caller does not care.
class NullProgress : public Progress
{
public:
    bool report(double, const std::string&) override { return true; }
    /// A shared instance (stateless, thread-safe).
    static NullProgress& instance();
};

/// Maps [0, 1] of a sub-task onto [begin, end] of a parent, so that stages can be nested:
/// `SubProgress features(progress, 0.2, 0.7);` then pass `features` down.
class SubProgress : public Progress
{
public:
    SubProgress(Progress& parent, double begin, double end);
    bool report(double fraction, const std::string& message) override;

private:
    Progress& m_parent;
    double m_begin;
    double m_end;
};

} // namespace ks
