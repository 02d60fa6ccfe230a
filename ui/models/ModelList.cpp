#include "ModelList.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <nlohmann/json.hpp>

#include <algorithm>

namespace ks::ui {

bool ModelList::read(const QString& bundle, ModelInfo& info)
{
    QFile file(QDir(bundle).filePath(QStringLiteral("manifest.json")));
    if (!file.open(QIODevice::ReadOnly))
        return false;
    const QByteArray bytes = file.readAll();
    info.path = QFileInfo(bundle).absoluteFilePath();
    info.name = QFileInfo(bundle).fileName();
    info.manifestJson = QString::fromUtf8(bytes);
    info.date = QFileInfo(file).lastModified().toUTC().toString(Qt::ISODate);
    try {
        const auto m = nlohmann::json::parse(bytes.toStdString());
        if (m.contains("trained_at") && m["trained_at"].is_string())
            info.date = QString::fromStdString(m["trained_at"].get<std::string>());
        if (m.contains("feature_sets")) {
            for (const auto& s : m["feature_sets"]) {
                if (s.is_string())
                    info.featureSets << QString::fromStdString(s.get<std::string>());
                else if (s.is_object() && s.contains("name"))
                    info.featureSets << QString::fromStdString(s["name"].get<std::string>());
            }
            if (m["feature_sets"].is_object())
                for (auto it = m["feature_sets"].begin(); it != m["feature_sets"].end(); ++it)
                    info.featureSets << QString::fromStdString(it.key());
        }
        if (m.contains("split") && m["split"].is_object()) {
            const auto& s = m["split"];
            info.data = QStringLiteral("%1 train / %2 validation")
                            .arg(s.value("train", 0))
                            .arg(s.value("validation", 0));
        }
        if (m.contains("data") && m["data"].is_object() && m["data"].contains("project"))
            info.data += QStringLiteral(" from %1").arg(QString::fromStdString(m["data"]["project"].get<std::string>()));
        if (m.contains("metrics") && m["metrics"].is_object()) {
            QStringList parts;
            for (auto it = m["metrics"].begin(); it != m["metrics"].end(); ++it)
                if (it->is_object() && it->contains("mean_dice"))
                    parts << QStringLiteral("%1 mean Dice %2").arg(QString::fromStdString(it.key()))
                                 .arg((*it)["mean_dice"].get<double>(), 0, 'f', 3);
            info.metrics = parts.join(QStringLiteral(", "));
        }
        if (info.metrics.isEmpty() && m.contains("training") && m["training"].is_object())
            info.metrics = QStringLiteral("training coverage %1")
                               .arg(m["training"].value("coverage", 0.0), 0, 'f', 2);
    } catch (const std::exception& e) {
        info.data = QStringLiteral("unreadable manifest: %1").arg(QString::fromUtf8(e.what()));
    }
    return true;
}

std::vector<ModelInfo> ModelList::scan(const QString& folder)
{
    std::vector<ModelInfo> list;
    const QDir dir(folder);
    for (const QFileInfo& entry : dir.entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        if (entry.fileName().startsWith(QLatin1Char('.')))
            continue;
        ModelInfo info;
        if (read(entry.absoluteFilePath(), info))
            list.push_back(std::move(info));
    }
    std::sort(list.begin(), list.end(), [](const ModelInfo& a, const ModelInfo& b) { return a.date > b.date; });
    return list;
}

} // namespace ks::ui
