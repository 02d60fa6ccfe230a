#pragma once
/// \file ModelList.h
/// Trained bundles found in a folder (a project's models/ folder), with what their manifests
/// say: date, data, methods (feature sets) and metrics. Reads only manifest.json files.
#include <QString>
#include <QStringList>

#include <vector>

namespace ks::ui {

/// One bundle. Value type.
struct ModelInfo
{
    QString path;        ///< the bundle folder (absolute)
    QString name;        ///< its folder name
    QString date;        ///< manifest "trained_at", else the folder's modification time (UTC, ISO 8601)
    QString data;        ///< "N train / M validation" and the project, when recorded
    QStringList featureSets; ///< "haar", "fa", ...
    QString metrics;     ///< "haar mean Dice 0.91, ..." when recorded
    QString manifestJson;
};

/// Stateless; thread-safe.
class ModelList
{
public:
    /// Bundles (sub-folders with a manifest.json) of `folder`, newest first. Folders whose
    /// name starts with "." (unfinished training) are skipped; an unreadable manifest is
    /// listed with its error in `data`.
    static std::vector<ModelInfo> scan(const QString& folder);
    /// Reads one bundle's manifest. \return false when `bundle` has no manifest.json
    static bool read(const QString& bundle, ModelInfo& info);
};

} // namespace ks::ui
