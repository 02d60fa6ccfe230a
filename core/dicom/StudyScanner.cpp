#include "StudyScanner.h"

#include "DicomDirReader.h"
#include "DicomHeader.h"

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
    std::error_code ec;
    if (!fs::exists(path, ec))
        throw Error("Not found: " + path, "Check the path", Error::Kind::Io);
    StudyTree tree;
    std::vector<HeaderRecord> records;
    if (!fs::is_directory(path, ec)) {
        if (DicomDirReader::isDicomDir(path)) {
            records = DicomDirReader::read(path, tree.problems, progress);
        } else {
            HeaderRecord rec;
            std::string problem;
            switch (readHeader(path, rec, problem)) {
            case HeaderStatus::Ok: records.push_back(std::move(rec)); break;
            case HeaderStatus::NotDicom: ++tree.skippedFiles; break;
            case HeaderStatus::Damaged: tree.problems.push_back(path + ": " + problem); break;
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
    for (; it != end; it.increment(ec)) {
        if (ec)
            break;
        if (it->is_regular_file(ec))
            files.push_back(it->path());
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
        case HeaderStatus::Damaged: tree.problems.push_back(files[i].string() + ": " + problem); break;
        case HeaderStatus::Directory: ++tree.skippedFiles; break; // its files are found by the scan itself
        }
    }
    groupRecords(records, tree);
    progress.step(1.0, "Scanned " + std::to_string(files.size()) + " files");
    return tree;
}

} // namespace ks::dicom
