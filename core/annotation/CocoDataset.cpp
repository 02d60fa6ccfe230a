#include "CocoDataset.h"

#include "AtomicFile.h"
#include "Utf8Text.h"

#include "common/Error.h"
#include "common/UntrustedJson.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>

namespace ks::annotation {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

/// Validation helpers: every error names the file and the JSON path ("images[3].width").
class Reader
{
public:
    explicit Reader(std::string file) : m_file(std::move(file)) {}

    [[noreturn]] void fail(const std::string& where, const std::string& what) const
    {
        throw Error("Invalid COCO file '" + m_file + "' at " + where + ": " + what,
                    "Fix or re-export the file (COCO: images, annotations, categories)",
                    Error::Kind::InvalidInput);
    }

    const json& member(const json& obj, const std::string& where, const char* key) const
    {
        const auto it = obj.find(key);
        if (it == obj.end())
            fail(where, std::string("missing \"") + key + "\"");
        return *it;
    }

    long long integer(const json& v, const std::string& where) const
    {
        if (v.is_number_integer())
            return v.get<long long>();
        if (v.is_number_float()) {
            const double d = v.get<double>();
            if (std::isfinite(d) && d == std::floor(d))
                return static_cast<long long>(d);
        }
        fail(where, "expected an integer, found " + describeJson(v));
    }

    double number(const json& v, const std::string& where) const
    {
        if (!v.is_number())
            fail(where, "expected a number, found " + describeJson(v));
        const double d = v.get<double>();
        if (!std::isfinite(d))
            fail(where, "number is not finite");
        return d;
    }

    std::string text(const json& v, const std::string& where) const
    {
        if (!v.is_string())
            fail(where, "expected a string, found " + describeJson(v));
        return v.get<std::string>();
    }

    std::string optionalText(const json& obj, const std::string& where, const char* key) const
    {
        const auto it = obj.find(key);
        if (it == obj.end() || it->is_null())
            return {};
        return text(*it, where + "." + key);
    }

    const json& array(const json& v, const std::string& where) const
    {
        if (!v.is_array())
            fail(where, "expected an array");
        return v;
    }

private:
    std::string m_file;
};

std::string at(const char* list, size_t i) { return std::string(list) + "[" + std::to_string(i) + "]"; }

bool isInside(const fs::path& path, const fs::path& folder)
{
    auto p = path.begin();
    for (auto f = folder.begin(); f != folder.end(); ++f, ++p) {
        if (f->empty())
            continue;   // a trailing separator of the folder
        if (p == path.end() || *p != *f)
            return false;
    }
    return true;
}

/// The absolute path of an image entry, which must stay inside `root` (the JSON's folder or
/// the given images folder) also after resolving symlinks, and must be a regular file when it
/// exists: a COCO file from elsewhere may not make us read /etc/shadow, a FIFO or a device.
std::string confined(const Reader& r, const std::string& where, const std::string& fileName, const fs::path& root)
{
    const fs::path p(fileName);
    const fs::path lexical = (p.is_absolute() ? p : root / p).lexically_normal();
    std::error_code ec;
    const fs::path realRoot = fs::weakly_canonical(root, ec);
    const fs::path real = fs::weakly_canonical(lexical, ec);
    if (ec || !isInside(lexical, root.lexically_normal()) || !isInside(real, realRoot))
        r.fail(where, "'" + fileName + "' points outside the image folder '" + root.string() +
                          "' (file names must be relative to it, without '..' or links that leave it)");
    const fs::file_status st = fs::status(real, ec);
    if (fs::exists(st) && !fs::is_regular_file(st))
        r.fail(where, "'" + fileName + "' is not a regular file (a folder, FIFO, socket or device)");
    return lexical.string();
}

CocoImage readImage(const Reader& r, const json& j, const std::string& where, const fs::path& root)
{
    if (!j.is_object())
        r.fail(where, "expected an object");
    CocoImage im;
    im.id = r.integer(r.member(j, where, "id"), where + ".id");
    im.fileName = r.text(r.member(j, where, "file_name"), where + ".file_name");
    if (im.fileName.empty())
        r.fail(where + ".file_name", "empty file name");
    im.path = confined(r, where + ".file_name", im.fileName, root);
    if (j.contains("width"))
        im.width = static_cast<int>(r.integer(j["width"], where + ".width"));
    if (j.contains("height"))
        im.height = static_cast<int>(r.integer(j["height"], where + ".height"));
    if (im.width < 0 || im.height < 0)
        r.fail(where, "negative image size");
    for (const char* key : {"pixel_spacing_mm", "pixel_spacing_y_mm"}) {
        const auto it = j.find(key);
        if (it == j.end() || it->is_null())
            continue;
        const double s = r.number(*it, where + "." + key);
        if (s <= 0)
            r.fail(where + "." + key, "pixel spacing must be > 0 mm");
        (std::string(key) == "pixel_spacing_mm" ? im.pixelSpacingMm : im.pixelSpacingYMm) = s;
    }
    im.patientId = r.optionalText(j, where, "patient_id");
    im.patientName = r.optionalText(j, where, "patient_name");
    im.patientBirthDate = r.optionalText(j, where, "patient_birth_date");
    im.sopInstanceUid = r.optionalText(j, where, "sop_instance_uid");
    if (j.contains("frame")) {
        im.frame = static_cast<int>(r.integer(j["frame"], where + ".frame"));
        if (im.frame < 0)
            r.fail(where + ".frame", "frame index must be >= 0");
    }
    return im;
}

CocoAnnotation readAnnotation(const Reader& r, const json& j, const std::string& where,
                              const std::set<long long>& imageIds,
                              const std::map<long long, std::string>& categories)
{
    if (!j.is_object())
        r.fail(where, "expected an object");
    CocoAnnotation a;
    a.id = r.integer(r.member(j, where, "id"), where + ".id");
    a.imageId = r.integer(r.member(j, where, "image_id"), where + ".image_id");
    if (!imageIds.count(a.imageId))
        r.fail(where + ".image_id", "no image with id " + std::to_string(a.imageId));
    const long long cat = r.integer(r.member(j, where, "category_id"), where + ".category_id");
    const auto c = categories.find(cat);
    if (c == categories.end())
        r.fail(where + ".category_id", "no category with id " + std::to_string(cat));
    a.category = c->second;
    const json& bbox = r.array(r.member(j, where, "bbox"), where + ".bbox");
    if (bbox.size() != 4)
        r.fail(where + ".bbox", "expected [x, y, width, height], found " + std::to_string(bbox.size()) + " values");
    const std::string b = where + ".bbox";
    a.box = Box{r.number(bbox[0], b + "[0]"), r.number(bbox[1], b + "[1]"),
                r.number(bbox[2], b + "[2]"), r.number(bbox[3], b + "[3]")};
    if (a.box.width <= 0 || a.box.height <= 0)
        r.fail(b, "width and height must be > 0");
    if (const auto it = j.find("ks_rotated_box"); it != j.end() && !it->is_null()) {
        const std::string w = where + ".ks_rotated_box";
        if (!it->is_object())
            r.fail(w, "expected an object {cx, cy, length, width, angle_deg}");
        RotatedBox rb;
        rb.centerX = r.number(r.member(*it, w, "cx"), w + ".cx");
        rb.centerY = r.number(r.member(*it, w, "cy"), w + ".cy");
        rb.length = r.number(r.member(*it, w, "length"), w + ".length");
        rb.width = r.number(r.member(*it, w, "width"), w + ".width");
        rb.angleDeg = r.number(r.member(*it, w, "angle_deg"), w + ".angle_deg");
        if (rb.length <= 0 || rb.width <= 0)
            r.fail(w, "length and width must be > 0");
        a.rotated = rb;
    }
    a.author = r.optionalText(j, where, "author");
    a.status = r.optionalText(j, where, "status");
    a.source = r.optionalText(j, where, "source");
    return a;
}

} // namespace

CocoDataset CocoDataset::load(const std::string& jsonPath, const std::string& imageRoot)
{
    const std::string file = fs::absolute(jsonPath).lexically_normal().string();
    const std::string text = readWholeFile(file);
    const json doc = parseUntrustedJson(text, "The COCO file '" + file + "'",
                                        "Check that the file is complete and is a COCO JSON export");
    const Reader r(file);
    if (!doc.is_object())
        r.fail("$", "expected a JSON object with \"images\", \"annotations\" and \"categories\"");

    CocoDataset ds;
    ds.jsonPath = file;
    const fs::path root = (imageRoot.empty() ? fs::path(file).parent_path() : fs::absolute(imageRoot)).lexically_normal();

    std::map<long long, std::string> categories;
    if (const auto it = doc.find("categories"); it != doc.end()) {
        const json& cats = r.array(*it, "categories");
        for (size_t i = 0; i < cats.size(); ++i) {
            const std::string w = at("categories", i);
            if (!cats[i].is_object())
                r.fail(w, "expected an object");
            const long long id = r.integer(r.member(cats[i], w, "id"), w + ".id");
            const std::string name = r.text(r.member(cats[i], w, "name"), w + ".name");
            if (name.empty())
                r.fail(w + ".name", "empty category name");
            if (!categories.emplace(id, name).second)
                r.fail(w + ".id", "duplicate category id " + std::to_string(id));
        }
    }
    for (const auto& [id, name] : categories)
        if (std::find(ds.categories.begin(), ds.categories.end(), name) == ds.categories.end())
            ds.categories.push_back(name);

    std::set<long long> imageIds;
    const json& images = r.array(r.member(doc, "$", "images"), "images");
    ds.images.reserve(images.size());
    for (size_t i = 0; i < images.size(); ++i) {
        ds.images.push_back(readImage(r, images[i], at("images", i), root));
        if (!imageIds.insert(ds.images.back().id).second)
            r.fail(at("images", i) + ".id", "duplicate image id " + std::to_string(ds.images.back().id));
    }

    std::set<long long> annotationIds;
    if (const auto it = doc.find("annotations"); it != doc.end()) {
        const json& anns = r.array(*it, "annotations");
        ds.annotations.reserve(anns.size());
        for (size_t i = 0; i < anns.size(); ++i) {
            ds.annotations.push_back(readAnnotation(r, anns[i], at("annotations", i), imageIds, categories));
            if (!annotationIds.insert(ds.annotations.back().id).second)
                r.fail(at("annotations", i) + ".id",
                       "duplicate annotation id " + std::to_string(ds.annotations.back().id));
        }
    }
    return ds;
}

void CocoDataset::save(const std::string& jsonPath, bool overwrite) const
{
    const fs::path file = fs::absolute(jsonPath).lexically_normal();
    const fs::path folder = file.parent_path();

    std::vector<std::string> names = categories;
    for (const CocoAnnotation& a : annotations)
        if (std::find(names.begin(), names.end(), a.category) == names.end())
            names.push_back(a.category);

    json doc;
    doc["info"] = {{"description", "KidneyScope annotations"}};
    json cats = json::array();
    for (size_t i = 0; i < names.size(); ++i)
        cats.push_back({{"id", static_cast<long long>(i + 1)}, {"name", validUtf8(names[i])}});
    doc["categories"] = std::move(cats);

    json images = json::array();
    for (const CocoImage& im : this->images) {
        std::string name = im.fileName;
        if (!im.path.empty()) {
            const fs::path rel = fs::path(im.path).lexically_relative(folder);
            name = rel.empty() ? im.path : rel.string();
        }
        json j = {{"id", im.id}, {"file_name", validUtf8(name)}, {"width", im.width}, {"height", im.height}};
        if (im.pixelSpacingMm)
            j["pixel_spacing_mm"] = *im.pixelSpacingMm;
        if (im.pixelSpacingYMm)
            j["pixel_spacing_y_mm"] = *im.pixelSpacingYMm;
        if (im.frame != 0)
            j["frame"] = im.frame;
        if (!im.sopInstanceUid.empty())
            j["sop_instance_uid"] = validUtf8(im.sopInstanceUid);
        if (!im.patientId.empty())
            j["patient_id"] = validUtf8(im.patientId);
        if (!im.patientName.empty())
            j["patient_name"] = validUtf8(im.patientName);
        if (!im.patientBirthDate.empty())
            j["patient_birth_date"] = validUtf8(im.patientBirthDate);
        images.push_back(std::move(j));
    }
    doc["images"] = std::move(images);

    json anns = json::array();
    for (const CocoAnnotation& a : annotations) {
        const long long cat = std::find(names.begin(), names.end(), a.category) - names.begin() + 1;
        json j = {{"id", a.id}, {"image_id", a.imageId}, {"category_id", cat},
                  {"bbox", {a.box.x, a.box.y, a.box.width, a.box.height}},
                  {"area", a.box.area()}, {"iscrowd", 0}};
        if (a.rotated)
            j["ks_rotated_box"] = {{"cx", a.rotated->centerX}, {"cy", a.rotated->centerY},
                                   {"length", a.rotated->length}, {"width", a.rotated->width},
                                   {"angle_deg", a.rotated->angleDeg}};
        if (!a.author.empty())
            j["author"] = validUtf8(a.author);
        if (!a.status.empty())
            j["status"] = validUtf8(a.status);
        if (!a.source.empty())
            j["source"] = validUtf8(a.source);
        anns.push_back(std::move(j));
    }
    doc["annotations"] = std::move(anns);

    // Every text went through validUtf8 (Latin-1 bytes re-encoded); replace is a last resort.
    writeFileAtomically(file.string(), doc.dump(1, ' ', false, json::error_handler_t::replace) + "\n", overwrite);
}

std::vector<CocoAnnotation> CocoDataset::annotationsOf(long long imageId) const
{
    std::vector<CocoAnnotation> out;
    for (const CocoAnnotation& a : annotations)
        if (a.imageId == imageId)
            out.push_back(a);
    return out;
}

} // namespace ks::annotation
