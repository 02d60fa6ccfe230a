#include "JsonMutator.h"

#include <nlohmann/json.hpp>

#include <vector>

namespace ks::fuzz {

namespace {

using Json = nlohmann::ordered_json;
using Ptr = Json::json_pointer;

/// Placeholders replaced in the text after dumping: values JSON cannot carry (NaN, 1e999),
/// nesting too deep to build as a tree, and duplicated keys.
const char* const kRaw = "@@KS_RAW@@";
const char* const kDupKey = "@@KS_DUP@@";

struct Mutation
{
    Json doc;
    std::string raw;        ///< text for the kRaw placeholder
    std::string dupKey;     ///< key name for the kDupKey placeholder
    std::string what;
};

void collect(const Json& j, const Ptr& at, std::vector<Ptr>& out)
{
    out.push_back(at);
    if (j.is_object())
        for (auto it = j.begin(); it != j.end(); ++it)
            collect(*it, at / it.key(), out);
    else if (j.is_array())
        for (size_t i = 0; i < j.size(); ++i)
            collect(j[i], at / i, out);
}

std::vector<Ptr> nodes(const Json& doc, bool (*keep)(const Json&, const Ptr&))
{
    std::vector<Ptr> all, out;
    collect(doc, Ptr(), all);
    for (const Ptr& p : all)
        if (keep(doc.at(p), p))
            out.push_back(p);
    return out;
}

bool anyNode(const Json&, const Ptr& p) { return !p.empty(); }
bool isNumber(const Json& j, const Ptr&) { return j.is_number(); }
bool isObject(const Json& j, const Ptr&) { return j.is_object() && !j.empty(); }
bool isArray(const Json& j, const Ptr&) { return j.is_array() && !j.empty(); }
bool isString(const Json& j, const Ptr&) { return j.is_string(); }
bool isPathLike(const Json& j, const Ptr& p)
{
    if (!j.is_string() || p.empty())
        return false;
    const std::string key = p.back();
    const std::string parent = p.parent_pointer().empty() ? "" : p.parent_pointer().back();
    return key == "file_name" || key == "gbm" || key == "feature_list" || key == "network" || key == "per_patch_gbm"
           || key == "weights" || parent == "files";
}
bool isBbox(const Json& j, const Ptr& p) { return j.is_array() && !p.empty() && p.back() == "bbox"; }

Ptr pick(Rng& r, const std::vector<Ptr>& v) { return v[r.below(v.size())]; }

void wrongType(Mutation& m, Rng& r)
{
    const auto v = nodes(m.doc, anyNode);
    if (v.empty())
        return;
    static const char* const values[] = {"\"x\"", "\"\"", "0", "-1", "1e308", "true", "null", "[]", "{}", "[1,2]",
                                         "{\"a\":1}", "\"12\"", "1.5"};
    const Ptr p = pick(r, v);
    const char* value = r.pick(values);
    m.doc[p] = Json::parse(value);
    m.what += "type " + p.to_string() + "=" + value;
}

void oddNumber(Mutation& m, Rng& r)
{
    const auto v = nodes(m.doc, isNumber);
    if (v.empty())
        return wrongType(m, r);
    static const char* const values[] = {"1e308", "-1e308", "9223372036854775807", "-9223372036854775808",
                                         "18446744073709551615", "4294967306", "2147483648", "-2147483649",
                                         "1e-320", "0", "-0.0", "-1", "NaN", "Infinity", "-Infinity", "1e999",
                                         "-1e999", "0.0001", "65536", "1e9"};
    const Ptr p = pick(r, v);
    const std::string value = r.pick(values);
    if (value == "NaN" || value == "Infinity" || value == "-Infinity" || value == "1e999" || value == "-1e999") {
        m.doc[p] = kRaw;
        m.raw = value;
    } else {
        m.doc[p] = Json::parse(value);
    }
    m.what += "number " + p.to_string() + "=" + value;
}

void negate(Mutation& m, Rng& r)
{
    const auto v = nodes(m.doc, isNumber);
    if (v.empty())
        return wrongType(m, r);
    const Ptr p = pick(r, v);
    m.doc[p] = -m.doc[p].get<double>();
    m.what += "negate " + p.to_string();
}

void missingKey(Mutation& m, Rng& r)
{
    const auto v = nodes(m.doc, isObject);
    if (v.empty())
        return;
    Json& o = m.doc[pick(r, v)];
    auto it = o.begin();
    std::advance(it, long(r.below(o.size())));
    m.what += "drop-key " + it.key();
    o.erase(it.key());
}

void pathEscape(Mutation& m, Rng& r)
{
    static const char* const paths[] = {"../../../../../../../../etc/passwd", "/etc/passwd", "/dev/zero",
                                        "/dev/urandom", "/proc/self/environ", "..", ".", "", "a/../../x.dcm",
                                        "/", "../val/001_HC.dcm", "../annotations.json", "~/x", "%2e%2e/x",
                                        "C:\\Windows\\win.ini", "name\\u0000.dcm", "LONG"};
    const auto v = nodes(m.doc, isPathLike);
    std::string value = r.pick(paths);
    if (value == "LONG")
        value = std::string(5000, 'a');
    if (v.empty() || r.chance(1, 5)) {
        // A new entry in the manifest's checksum list, or an image with such a name.
        if (m.doc.contains("files") && m.doc["files"].is_object()) {
            m.doc["files"][value] = "0000";
            m.what += "files+=" + value.substr(0, 60);
            return;
        }
        if (m.doc.contains("images") && m.doc["images"].is_array() && !m.doc["images"].empty()) {
            Json im = m.doc["images"][0];
            im["file_name"] = value;
            m.doc["images"].push_back(im);
            m.what += "images+=" + value.substr(0, 60);
            return;
        }
        if (v.empty())
            return wrongType(m, r);
    }
    const Ptr p = pick(r, v);
    if (value == "name\\u0000.dcm")
        value = std::string("name\0.dcm", 9);
    if (p.parent_pointer().back() == "files" && r.chance(1, 2)) {
        // Rename the checked file instead of its value.
        Json& files = m.doc[p.parent_pointer()];
        const Json sha = files[p.back()];
        files.erase(p.back());
        files[value] = sha;
        m.what += "files-key " + p.back() + "->" + value.substr(0, 60);
        return;
    }
    m.doc[p] = value;
    m.what += "path " + p.to_string() + "=" + value.substr(0, 60);
}

void deepNesting(Mutation& m, Rng& r)
{
    const auto v = nodes(m.doc, anyNode);
    if (v.empty())
        return;
    static const size_t depths[] = {200, 5000, 100000};
    const size_t d = r.pick(depths);
    const Ptr p = pick(r, v);
    m.doc[p] = kRaw;
    if (r.chance(1, 2))
        m.raw = std::string(d, '[') + "1" + std::string(d, ']');
    else {
        for (size_t i = 0; i < d; ++i)
            m.raw += "{\"a\":";
        m.raw += "1" + std::string(d, '}');
    }
    m.what += "nest " + p.to_string() + " depth " + std::to_string(d);
}

void duplicateKey(Mutation& m, Rng& r)
{
    const auto v = nodes(m.doc, isObject);
    if (v.empty())
        return;
    Json& o = m.doc[pick(r, v)];
    auto it = o.begin();
    std::advance(it, long(r.below(o.size())));
    m.dupKey = it.key();
    static const char* const values[] = {"null", "\"x\"", "-1", "{}", "[]"};
    o[kDupKey] = r.chance(1, 2) ? it.value() : Json::parse(r.pick(values));
    m.what += "duplicate-key " + m.dupKey;
}

void blowUpArray(Mutation& m, Rng& r)
{
    const auto v = nodes(m.doc, isArray);
    if (v.empty())
        return;
    static const size_t counts[] = {2, 100, 2000};
    const Ptr p = pick(r, v);
    Json& a = m.doc[p];
    const Json first = a[r.below(a.size())];
    const size_t n = r.pick(counts);
    for (size_t i = 0; i < n; ++i)
        a.push_back(first);
    m.what += "grow " + p.to_string() + " +" + std::to_string(n);
}

void oddBox(Mutation& m, Rng& r)
{
    const auto v = nodes(m.doc, isBbox);
    if (v.empty())
        return oddNumber(m, r);
    static const char* const boxes[] = {"[0,0,0,0]", "[1e9,1e9,1e9,1e9]", "[-5,-5,10,10]", "[10,10,0.0001,0.0001]",
                                        "[1,2,3]", "[1,2,3,4,5]", "[\"a\",1,2,3]", "[]", "[790,530,500,500]",
                                        "[0,0,1e308,1e308]", "[-1e308,0,1,1]"};
    const Ptr p = pick(r, v);
    const char* b = r.pick(boxes);
    m.doc[p] = Json::parse(b);
    m.what += "bbox " + p.to_string() + "=" + b;
}

void oddString(Mutation& m, Rng& r)
{
    const auto v = nodes(m.doc, isString);
    if (v.empty())
        return wrongType(m, r);
    static const char* const values[] = {"LONG", "\xE2\x80\xAE" "evil", "tab\tnew\nline", "\x01\x02", "\xC3\xA9t\xC3\xA9",
                                         "'; DROP TABLE rois; --", "%s%s%n"};
    const Ptr p = pick(r, v);
    std::string value = r.pick(values);
    if (value == "LONG")
        value = std::string(100000, 'k');
    m.doc[p] = value;
    m.what += "string " + p.to_string();
}

std::string replaceAll(std::string s, const std::string& from, const std::string& to)
{
    for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
        s.replace(at, from.size(), to);
    return s;
}

std::string byteBlow(std::string text, Rng& r, std::string& what)
{
    switch (r.below(4)) {
    case 0: {
        const size_t keep = r.below(text.size() + 1);
        text.resize(keep);
        what += "; truncate(" + std::to_string(keep) + ")";
        break;
    }
    case 1:
        for (int i = 0; i < 3 && !text.empty(); ++i)
            text[r.below(text.size())] ^= char(1 << r.below(8));
        what += "; bitflip(3)";
        break;
    case 2:
        if (const size_t q = text.find('"', r.below(text.size())); q != std::string::npos)
            text.insert(q + 1, "\xC3\x28\xFF");
        what += "; invalid-utf8";
        break;
    default:
        if (!text.empty())
            text.erase(r.below(text.size()), 1 + r.below(8));
        what += "; delete-bytes";
        break;
    }
    return text;
}

} // namespace

std::string JsonMutator::mutate(const std::string& seed, Rng& rng, std::string& what)
{
    if (rng.chance(1, 40)) {
        static const char* const whole[] = {"", "{}", "[]", "null", "\"x\"", "0", "{\"images\":null}",
                                            "{\"format\":\"kidneyscope-detector\",\"format_version\":1}"};
        const std::string w = rng.pick(whole);
        what = "document=" + w;
        return w;
    }
    Mutation m{Json::parse(seed), {}, {}, {}};
    using Fn = void (*)(Mutation&, Rng&);
    static const Fn table[] = {wrongType, oddNumber, oddNumber, negate, missingKey, missingKey, pathEscape,
                               pathEscape, deepNesting, duplicateKey, blowUpArray, oddBox, oddBox, oddString};
    const size_t n = rng.chance(6, 10) ? 1 : rng.chance(3, 4) ? 2 : 3;
    for (size_t i = 0; i < n; ++i) {
        if (i)
            m.what += "; ";
        rng.pick(table)(m, rng);
    }
    std::string text = m.doc.dump(rng.chance(1, 2) ? 2 : -1, ' ', false, Json::error_handler_t::replace);
    if (!m.raw.empty())
        text = replaceAll(text, std::string("\"") + kRaw + "\"", m.raw);
    if (!m.dupKey.empty())
        text = replaceAll(text, std::string("\"") + kDupKey + "\"", Json(m.dupKey).dump());
    if (rng.chance(1, 4))
        text = byteBlow(text, rng, m.what);
    what = m.what;
    return text;
}

} // namespace ks::fuzz
