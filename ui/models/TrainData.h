#pragma once
/// \file TrainData.h
/// Annotated frames for training and evaluation from a project: every registered frame with a
/// ROI that passes the filter (status, author; never from-model ROIs), read from its file.
#include "annotation/ProjectTypes.h"
#include "common/Progress.h"
#include "detect/AnnotatedFrame.h"

#include <optional>
#include <string>
#include <vector>

namespace ks::ui {

/// Which ROIs count as ground truth. Value type.
struct TrainDataFilter
{
    std::optional<annotation::Status> status; ///< any when empty
    std::string author;                       ///< any when empty
    std::string label = "kidney";             ///< any when empty
};

/// Stateless; thread-safe (opens its own store).
class TrainData
{
public:
    /// \throws ks::Error when the project cannot be opened, a file cannot be read, or no frame
    ///         has a matching ROI; ks::Cancelled
    static std::vector<detect::AnnotatedFrame> fromProject(const std::string& projectFolder,
                                                           const TrainDataFilter& filter,
                                                           Progress& progress = NullProgress::instance());
    /// Number of frames with a matching ROI (no file is read).
    static int count(const std::string& projectFolder, const TrainDataFilter& filter);
};

} // namespace ks::ui
