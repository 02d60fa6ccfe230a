#include "ProjectTypes.h"

#include "common/Error.h"

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

bool Annotation::sameContent(const Annotation& o) const
{
    return id == o.id && imageId == o.imageId && label == o.label && box == o.box && rotated == o.rotated &&
           author == o.author && status == o.status && reviewer == o.reviewer &&
           reviewComment == o.reviewComment && source == o.source;
}

} // namespace ks::annotation
