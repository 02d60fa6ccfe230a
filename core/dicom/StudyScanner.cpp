#include "StudyScanner.h"

#include "DicomDirReader.h"
#include "CharacterSet.h"
#include "DicomHeader.h"
#include "InputFile.h"

#include "common/Error.h"

#include <algorithm>
#include <filesystem>

namespace ks::dicom {

namespace fs = std::filesystem;

int StudyTree::instanceCount() const
{
    int n = 0;
    for (const auto& p : patients)
        for (const auto& s : p.studies)
            for (const auto& se : s.series)
                n += int(se.instances.size());
    return n;
}

StudyTree StudyScanner::scan(const std::string& path, Progress& progress)
{
    const detail::FileType type = detail::fileType(path);
    if (type == detail::FileType::Missing)
        throw Error("Not found: " + path, "Check the path", Error::Kind::Io);
    if (type != detail::FileType::Regular && type != detail::FileType::Directory)
        throw Error(path + " is " + detail::describe(type) + ", not a file or folder; KidneyScope does not read from it",
                    "Give a DICOM or image file, a folder or a DICOMDIR");
    std::error_code ec;
    StudyTree tree;
    std::vector<HeaderRecord> records;
    if (type == detail::FileType::Regular) {
        if (DicomDirReader::isDicomDir(path)) {
            records = DicomDirReader::read(path, tree.problems, progress);
        } else {
            HeaderRecord rec;
            std::string problem;
            switch (readHeader(path, rec, problem)) {
            case HeaderStatus::Ok: records.push_back(std::move(rec)); break;
            case HeaderStatus::NotDicom: ++tree.skippedFiles; break;
            case HeaderStatus::Damaged: tree.problems.push_back(detail::sanitizeUtf8(path) + ": " + problem); break;
            case HeaderStatus::Directory: break;
            }
        }
        groupRecords(records, tree);
        progress.step(1.0, "Scanned " + path);
        return tree;
    }

    std::vector<fs::path> files;
    progress.step(0.0, "Listing " + path);
    fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec), end;
    if (ec)
        throw Error("Cannot read the folder " + path + ": " + ec.message(), "Check that you may read it",
                    Error::Kind::Io);
    const fs::path root = fs::canonical(path, ec);
    if (ec)
        throw Error("Cannot read the folder " + path + ": " + ec.message(), "Check that you may read it",
                    Error::Kind::Io);
    for (; it != end; it.increment(ec)) {
        if (ec)
            break;
        if (it->is_symlink(ec)) {
            // Links are followed only to files inside the scanned folder.
            const fs::path target = fs::canonical(it->path(), ec);
            const fs::path rel = ec ? fs::path() : target.lexically_relative(root);
            if (ec || rel.empty() || *rel.begin() == ".." || rel.is_absolute()) {
                if (!ec)
                    tree.problems.push_back(detail::sanitizeUtf8(it->path().string()) + ": a link to "
                                            + detail::sanitizeUtf8(target.string())
                                            + ", outside the scanned folder; not read");
                ec.clear();
                continue;
            }
        }
        // A KidneyScope project's database, journal and backups are never opened here: closing
        // any descriptor of them would drop the SQLite locks of a store open in this process.
        if (detail::isProjectDatabaseName(it->path().string())) {
            ++tree.skippedFiles;
            continue;
        }
        if (it->is_regular_file(ec))
            files.push_back(it->path());
        else if (!it->is_directory(ec))
            ++tree.skippedFiles; // FIFOs, devices, sockets: never opened
        if (files.size() % 1000 == 0)
            progress.step(0.0, "Listing " + path + " (" + std::to_string(files.size()) + " files)");
    }
    std::sort(files.begin(), files.end());
    for (size_t i = 0; i < files.size(); ++i) {
        if (i % 8 == 0)
            progress.step(double(i) / double(files.size()),
                          "Reading headers " + std::to_string(i + 1) + "/" + std::to_string(files.size()));
        HeaderRecord rec;
        std::string problem;
        switch (readHeader(files[i].string(), rec, problem)) {
        case HeaderStatus::Ok: records.push_back(std::move(rec)); break;
        case HeaderStatus::NotDicom: ++tree.skippedFiles; break;
        case HeaderStatus::Damaged:
            tree.problems.push_back(detail::sanitizeUtf8(files[i].string()) + ": " + problem);
            break;
        case HeaderStatus::Directory: ++tree.skippedFiles; break; // its files are found by the scan itself
        }
    }
    groupRecords(records, tree);
    progress.step(1.0, "Scanned " + std::to_string(files.size()) + " files");
    return tree;
}

} // namespace ks::dicom
