#include "ProjectTypes.h"

#include "common/Error.h"

#include <algorithm>

namespace ks::annotation {

std::string statusName(Status s)
{
    switch (s) {
    case Status::Draft: return "draft";
    case Status::Submitted: return "submitted";
    case Status::Approved: return "approved";
    case Status::Rejected: return "rejected";
    }
    return "draft";
}

Status statusFromName(const std::string& name)
{
    for (Status s : {Status::Draft, Status::Submitted, Status::Approved, Status::Rejected})
        if (statusName(s) == name)
            return s;
    throw Error("Unknown annotation status '" + name + "'",
                "Use one of: draft, submitted, approved, rejected");
}

std::string sourceName(Source s)
{
    switch (s) {
    case Source::Manual: return "manual";
    case Source::Imported: return "imported";
    case Source::FromModel: return "from-model";
    }
    return "manual";
}

Source sourceFromName(const std::string& name)
{
    for (Source s : {Source::Manual, Source::Imported, Source::FromModel})
        if (sourceName(s) == name)
            return s;
    throw Error("Unknown annotation source '" + name + "'", "Use one of: manual, imported, from-model");
}

std::string modelAuthor(const std::string& modelName)
{
    if (isModelAuthor(modelName))
        return modelName;
    return std::string(kModelAuthorPrefix) + (modelName.empty() ? std::string("unnamed") : modelName);
}

bool isModelAuthor(const std::string& author) { return author.rfind(kModelAuthorPrefix, 0) == 0; }

std::string kidneySizeWarning(const Annotation& a)
{
    if (a.label.find("kidney") == std::string::npos || !a.lengthMm || !a.widthMm)
        return {};
    auto check = [](const char* what, double v, const double (&range)[2]) -> std::string {
        const auto mm = [](double x) { return std::to_string(static_cast<long long>(x + 0.5)); };
        if (v < range[0])
            return std::string(what) + " " + mm(v) + " mm is below the adult range (" + mm(range[0]) + "–" +
                   mm(range[1]) + " mm)";
        if (v > range[1])
            return std::string(what) + " " + mm(v) + " mm is above the adult range (" + mm(range[0]) + "–" +
                   mm(range[1]) + " mm)";
        return {};
    };
    // The long side is the length, whichever way the box was drawn.
    const double length = std::max(*a.lengthMm, *a.widthMm);
    const double width = std::min(*a.lengthMm, *a.widthMm);
    std::string w = check("length", length, kAdultKidneyLengthMm);
    const std::string w2 = check("width", width, kAdultKidneyWidthMm);
    if (!w2.empty())
        w += (w.empty() ? "" : "; ") + w2;
    return w;
}

bool Annotation::sameContent(const Annotation& o) const
{
    return id == o.id && imageId == o.imageId && label == o.label && box == o.box && rotated == o.rotated &&
           author == o.author && status == o.status && reviewer == o.reviewer &&
           reviewComment == o.reviewComment && source == o.source;
}

} // namespace ks::annotation
