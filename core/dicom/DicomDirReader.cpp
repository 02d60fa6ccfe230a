#include "DicomDirReader.h"

#include "CharacterSet.h"
#include "DcmtkSupport.h"
#include "DeflateCheck.h"
#include "InputFile.h"
#include "ObjectKind.h"

#include <dcmtk/dcmdata/dcdirrec.h>

#include <filesystem>
#include <map>
#include <set>

namespace ks::dicom {

namespace fs = std::filesystem;
using detail::getInt;
using detail::getString;

namespace {

/// True when `path` (canonical) lies inside the folder `root` (canonical).
bool inside(const fs::path& path, const fs::path& root)
{
    const fs::path rel = path.lexically_relative(root);
    return !rel.empty() && *rel.begin() != ".." && !rel.is_absolute();
}

/// Resolves a ReferencedFileID relative to the DICOMDIR's folder `base` (canonical), matching each
/// component case-insensitively when the exact name does not exist. The result is confined to
/// `base`: a component that is empty, "." or "..", or holds a '/' (an absolute path), and a file
/// that resolves through symbolic links to outside `base`, give an empty path and `why`.
/// A missing file gives its (unresolved) path and no `why`.
fs::path resolveFileId(const fs::path& base, DcmItem& record, std::string& why)
{
    fs::path p = base;
    DcmElement* e = nullptr;
    if (record.findAndGetElement(DCM_ReferencedFileID, e).bad() || e == nullptr)
        return {};
    std::string shown;
    std::vector<std::string> parts;
    for (unsigned long i = 0; i < e->getVM(); ++i) {
        OFString part;
        e->getOFString(part, i);
        std::string name = part.c_str();
        while (!name.empty() && name.back() == ' ')
            name.pop_back();
        shown += (i ? "\\" : "") + detail::sanitizeUtf8(name);
        parts.push_back(name);
    }
    for (const std::string& name : parts)
        if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos
            || name.find('\0') != std::string::npos) {
            why = "the referenced file '" + shown + "' points outside the DICOMDIR's folder (component '"
                  + detail::sanitizeUtf8(name) + "'); it was not read";
            return {};
        }
    for (const std::string& name : parts) {
        fs::path next = p / name;
        std::error_code ec;
        if (!fs::exists(next, ec) && fs::is_directory(p, ec)) {
            for (const auto& entry : fs::directory_iterator(p, ec)) {
                const std::string candidate = entry.path().filename().string();
                if (candidate.size() == name.size()
                    && std::equal(candidate.begin(), candidate.end(), name.begin(), [](char a, char b) {
                           return std::tolower((unsigned char)a) == std::tolower((unsigned char)b);
                       })) {
                    next = entry.path();
                    break;
                }
            }
        }
        p = next;
    }
    std::error_code ec;
    const fs::path real = fs::canonical(p, ec);
    if (ec)
        return p; // missing: reported as such
    if (!inside(real, base)) {
        why = "the referenced file '" + shown + "' is a link to " + detail::sanitizeUtf8(real.string())
              + ", outside the DICOMDIR's folder; it was not read";
        return {};
    }
    return real;
}

struct Context
{
    std::string patientId, patientName;
    std::string studyUid, studyDescription, studyDate;
    std::string seriesUid, seriesDescription, modality;
    int seriesNumber = 0;
    bool havePatient = false, haveStudy = false, haveSeries = false;
};

struct Walker
{
    fs::path base;
    std::string dirPath;
    std::vector<HeaderRecord>& out;
    std::vector<std::string>& problems;
    std::map<Uint32, DcmDirectoryRecord*> byOffset;
    std::set<DcmDirectoryRecord*> visited;

    /// Applies one record to the context; returns true if it is a leaf (an instance) and emits it.
    void apply(DcmDirectoryRecord& r, Context& ctx)
    {
        const std::string type = getString(r, DCM_DirectoryRecordType);
        if (type == "PATIENT") {
            ctx = Context{};
            ctx.patientId = getString(r, DCM_PatientID);
            ctx.patientName = getString(r, DCM_PatientName);
            ctx.havePatient = true;
        } else if (type == "STUDY") {
            ctx.studyUid = getString(r, DCM_StudyInstanceUID);
            ctx.studyDescription = getString(r, DCM_StudyDescription);
            ctx.studyDate = getString(r, DCM_StudyDate);
            ctx.haveStudy = true;
            ctx.haveSeries = false;
        } else if (type == "SERIES") {
            ctx.seriesUid = getString(r, DCM_SeriesInstanceUID);
            ctx.seriesDescription = getString(r, DCM_SeriesDescription);
            ctx.modality = getString(r, DCM_Modality);
            ctx.seriesNumber = int(getInt(r, DCM_SeriesNumber).value_or(0));
            ctx.haveSeries = true;
        } else if (r.tagExists(DCM_ReferencedFileID)) {
            emit(r, type, ctx);
        } else if (!type.empty() && type != "PRIVATE") {
            // An unknown record type in the patient's place: keep its identifiers if it has them.
            if (r.tagExists(DCM_PatientID) && !ctx.havePatient) {
                ctx.patientId = getString(r, DCM_PatientID);
                ctx.patientName = getString(r, DCM_PatientName);
            }
            problems.push_back(dirPath + ": directory record of unknown type '" + type
                               + "' read as a container of the records below it");
        }
    }

    void emit(DcmDirectoryRecord& r, const std::string& type, const Context& ctx)
    {
        HeaderRecord rec;
        std::string refused;
        const fs::path file = resolveFileId(base, r, refused);
        if (!refused.empty()) {
            problems.push_back(dirPath + ": " + refused);
            return;
        }
        if (!file.empty() && detail::isProjectDatabaseName(file.string())) {
            problems.push_back(dirPath + ": refers to " + file.string() + ", " +
                               detail::describe(detail::FileType::ProjectDatabase) + "; not read, not listed");
            return;
        }
        std::string problem;
        std::error_code ec;
        if (!file.empty() && fs::is_regular_file(file, ec)) {
            const HeaderStatus status = readHeader(file.string(), rec, problem);
            if (status != HeaderStatus::Ok) {
                rec = HeaderRecord{};
                problems.push_back(file.string() + ": referenced by the DICOMDIR but "
                                   + (problem.empty() ? std::string("not a DICOM instance") : problem));
            }
        } else {
            problems.push_back(dirPath + ": referenced file " + (file.empty() ? std::string("(none)") : file.string())
                               + " does not exist");
        }
        InstanceInfo& in = rec.instance;
        if (in.path.empty())
            in.path = file.empty() ? std::string() : fs::absolute(file).lexically_normal().string();
        auto prefer = [](std::string& target, const std::string& fromRecord) {
            if (!fromRecord.empty())
                target = fromRecord;
        };
        prefer(in.sopInstanceUid, getString(r, DCM_ReferencedSOPInstanceUIDInFile));
        prefer(in.sopClassUid, getString(r, DCM_ReferencedSOPClassUIDInFile));
        if (in.transferSyntaxName.empty()) {
            const std::string ts = getString(r, DCM_ReferencedTransferSyntaxUIDInFile);
            in.transferSyntaxName = ts.empty() ? std::string() : detail::transferSyntaxName(ts);
        }
        if (in.objectKind.empty()) {
            const ObjectKind kind = classifySopClass(in.sopClassUid, type == "IMAGE");
            in.objectKind = kind.kind;
            in.hasImage = false; // the file is missing: nothing to open
        }
        if (in.instanceNumber == 0)
            in.instanceNumber = int(getInt(r, DCM_InstanceNumber).value_or(0));
        if (ctx.havePatient || !ctx.patientId.empty()) {
            rec.patientId = ctx.patientId;
            rec.patientName = ctx.patientName;
        }
        if (ctx.haveStudy) {
            rec.studyInstanceUid = ctx.studyUid;
            prefer(rec.studyDescription, ctx.studyDescription);
            prefer(rec.studyDate, ctx.studyDate);
        }
        if (ctx.haveSeries) {
            rec.seriesInstanceUid = ctx.seriesUid;
            prefer(rec.seriesDescription, ctx.seriesDescription);
            prefer(in.modality, ctx.modality);
            if (ctx.seriesNumber != 0)
                rec.seriesNumber = ctx.seriesNumber;
        }
        out.push_back(std::move(rec));
    }

    /// Walks a chain of sibling records starting at `offset`, descending into lower levels.
    void walk(Uint32 offset, const Context& parent, int depth)
    {
        while (offset != 0 && depth < 16) {
            auto it = byOffset.find(offset);
            if (it == byOffset.end() || !visited.insert(it->second).second)
                return;
            DcmDirectoryRecord& r = *it->second;
            Context ctx = parent;
            apply(r, ctx);
            if (auto lower = getInt(r, DCM_OffsetOfReferencedLowerLevelDirectoryEntity); lower && *lower > 0)
                walk(Uint32(*lower), ctx, depth + 1);
            offset = Uint32(getInt(r, DCM_OffsetOfTheNextDirectoryRecord).value_or(0));
        }
    }
};

} // namespace

bool DicomDirReader::isDicomDir(const std::string& path)
{
    detail::ensureCodecsRegistered();
    if (detail::fileType(path) != detail::FileType::Regular)
        return false; // never open a FIFO or device
    DcmFileFormat file;
    try {
        if (file.loadFileUntilTag(path.c_str(), EXS_Unknown, EGL_noChange, 256, ERM_autoDetect,
                                  DCM_DirectoryRecordSequence).bad())
            return false;
    } catch (const std::exception&) {
        return false; // DCMTK threw on malformed data: not a DICOMDIR we can read
    }
    DcmMetaInfo* meta = file.getMetaInfo();
    if (meta && getString(*meta, DCM_MediaStorageSOPClassUID) == UID_MediaStorageDirectoryStorage)
        return true;
    return file.getDataset()->tagExists(DCM_FileSetID)
           || file.getDataset()->tagExists(DCM_OffsetOfTheFirstDirectoryRecordOfTheRootDirectoryEntity);
}

std::vector<HeaderRecord> DicomDirReader::read(const std::string& path, std::vector<std::string>& problems,
                                               Progress& progress)
{
    try {
        return readUnguarded(path, problems, progress);
    } catch (...) {
        detail::rethrowAsError("The DICOMDIR " + path);
    }
}

std::vector<HeaderRecord> DicomDirReader::readUnguarded(const std::string& path, std::vector<std::string>& problems,
                                                        Progress& progress)
{
    detail::ensureCodecsRegistered();
    DcmFileFormat file;
    detail::requireRegularFile(path);
    detail::checkInflatedSize(path, path, detail::inflatedSizeLimit());
    detail::check(file.loadFile(path.c_str(), EXS_Unknown, EGL_noChange, DCM_MaxReadLength, ERM_autoDetect),
                  "Cannot read the DICOMDIR " + path, "The DICOMDIR is damaged; open its folder instead");
    DcmDataset& ds = *file.getDataset();
    detail::convertToUtf8(ds);
    std::vector<HeaderRecord> out;
    DcmSequenceOfItems* seq = nullptr;
    if (ds.findAndGetSequence(DCM_DirectoryRecordSequence, seq).bad() || seq == nullptr || seq->card() == 0)
        return out; // an empty file set

    std::error_code ec;
    const fs::path base = fs::canonical(fs::absolute(path).parent_path(), ec);
    if (ec)
        throw Error("Cannot resolve the folder of the DICOMDIR " + path + ": " + ec.message(),
                    "Check that you may read the folder", Error::Kind::Io);
    Walker w{base, path, out, problems, {}, {}};
    std::vector<DcmDirectoryRecord*> records;
    for (unsigned long i = 0; i < seq->card(); ++i) {
        auto* rec = dynamic_cast<DcmDirectoryRecord*>(seq->getItem(i));
        if (rec == nullptr)
            continue;
        records.push_back(rec);
        w.byOffset[rec->getFileOffset()] = rec;
    }
    progress.step(0.1, "Reading the DICOMDIR");
    // Start from the root record; if the root offset is broken (it points into a lower level, or
    // nowhere), start from the records no other record points to, in file order.
    std::set<Uint32> referenced;
    for (DcmDirectoryRecord* r : records) {
        if (auto next = getInt(*r, DCM_OffsetOfTheNextDirectoryRecord); next && *next > 0)
            referenced.insert(Uint32(*next));
        if (auto lower = getInt(*r, DCM_OffsetOfReferencedLowerLevelDirectoryEntity); lower && *lower > 0)
            referenced.insert(Uint32(*lower));
    }
    const auto root = getInt(ds, DCM_OffsetOfTheFirstDirectoryRecordOfTheRootDirectoryEntity);
    const bool rootValid = root && *root > 0 && w.byOffset.count(Uint32(*root)) && !referenced.count(Uint32(*root));
    if (rootValid)
        w.walk(Uint32(*root), Context{}, 0);
    else if (root && *root > 0)
        problems.push_back(path + ": the root record offset does not point to a top-level record; "
                           "the hierarchy was rebuilt from the other record offsets");
    for (DcmDirectoryRecord* r : records)
        if (!w.visited.count(r) && !referenced.count(r->getFileOffset()))
            w.walk(r->getFileOffset(), Context{}, 0);
    // Records the offsets do not reach at all: take them in file order.
    size_t unreached = 0;
    Context ctx;
    for (size_t i = 0; i < records.size(); ++i) {
        if (w.visited.count(records[i]))
            continue;
        ++unreached;
        progress.step(0.1 + 0.9 * double(i) / double(records.size()), "Reading the DICOMDIR");
        w.apply(*records[i], ctx);
    }
    if (unreached > 0 && root && *root > 0)
        problems.push_back(path + ": " + std::to_string(unreached)
                           + " directory record(s) not reachable through the record offsets were read in file order");
    return out;
}

} // namespace ks::dicom
