#include "DicomTags.h"

#include "CharacterSet.h"
#include "DcmtkSupport.h"
#include "DeflateCheck.h"
#include "DicomTagsDcmtk.h"
#include "InputFile.h"

#include <cstdio>
#include <filesystem>

namespace ks::dicom {

namespace detail {

namespace {
std::string tagText(const DcmTag& tag)
{
    char buf[16];
    std::snprintf(buf, sizeof buf, "(%04X,%04X)", tag.getGTag(), tag.getETag());
    return buf;
}

bool isBinaryVr(DcmEVR vr)
{
    switch (vr) {
    case EVR_OB: case EVR_OW: case EVR_OF: case EVR_OD: case EVR_OL: case EVR_OV: case EVR_UN:
    case EVR_ox: case EVR_px: case EVR_pixelSQ: case EVR_pixelItem:
        return true;
    default:
        return false;
    }
}
} // namespace

void appendTags(DcmItem& item, int depth, size_t maxValueChars, std::vector<TagEntry>& out)
{
    for (unsigned long i = 0; i < item.card(); ++i) {
        DcmElement* e = item.getElement(i);
        if (e == nullptr)
            continue;
        DcmTag tag = e->getTag();
        TagEntry row;
        row.tag = tagText(tag);
        row.name = sanitizeUtf8(tag.getTagName());
        row.vr = DcmVR(e->ident()).getVRName();
        row.depth = depth;
        if (e->ident() == EVR_SQ) {
            auto* sq = static_cast<DcmSequenceOfItems*>(e);
            row.value = std::to_string(sq->card()) + (sq->card() == 1 ? " item" : " items");
            out.push_back(row);
            for (unsigned long k = 0; k < sq->card(); ++k) {
                TagEntry itemRow;
                itemRow.tag = "(FFFE,E000)";
                itemRow.name = "Item #" + std::to_string(k + 1);
                itemRow.depth = depth + 1;
                out.push_back(itemRow);
                if (DcmItem* child = sq->getItem(k))
                    appendTags(*child, depth + 2, maxValueChars, out);
            }
            continue;
        }
        if (e->getTag() == DCM_PixelData || isBinaryVr(e->ident())) {
            if (e->getLength() == DCM_UndefinedLength)
                row.value = "(encapsulated)";
            else
                row.value = std::to_string(e->getLength()) + " bytes";
        } else {
            OFString value;
            if (e->getOFStringArray(value).good())
                row.value = sanitizeUtf8(std::string_view(value.c_str(), value.length()));
            if (row.value.size() > maxValueChars)
                row.value = utf8Prefix(row.value, maxValueChars) + "...";
        }
        out.push_back(std::move(row));
    }
}

} // namespace detail

std::vector<TagEntry> DicomTags::read(const std::string& path, size_t maxValueChars)
{
    try {
        return readUnguarded(path, maxValueChars);
    } catch (...) {
        detail::rethrowAsError(std::filesystem::path(path).filename().string());
    }
}

std::vector<TagEntry> DicomTags::readUnguarded(const std::string& path, size_t maxValueChars)
{
    detail::requireRegularFile(path);
    detail::checkInflatedSize(path, std::filesystem::path(path).filename().string(), detail::inflatedSizeLimit());
    DcmFileFormat file;
    detail::check(file.loadFile(path.c_str(), EXS_Unknown, EGL_noChange, 4096, ERM_autoDetect),
                  "Cannot read " + path + " as DICOM", "The file is damaged or not a DICOM file");
    detail::convertToUtf8(*file.getDataset());
    std::vector<TagEntry> rows;
    if (DcmMetaInfo* meta = file.getMetaInfo())
        detail::appendTags(*meta, 0, maxValueChars, rows);
    detail::appendTags(*file.getDataset(), 0, maxValueChars, rows);
    return rows;
}

} // namespace ks::dicom
