#include "UntrustedJson.h"

#include <sstream>

namespace ks {

namespace {

/// Thrown from the parser callback; carries nothing, the caller knows the limit.
struct TooDeep
{
};

/// "[json.exception.parse_error.101] parse error at line 5, column 22: syntax error while parsing
/// value - invalid literal; last read: 'I'" -> "syntax error while parsing value - invalid literal
/// (line 5, column 22)": the position kept, the raw bytes read (which may be anything) dropped.
std::string parseReason(const nlohmann::json::exception& e)
{
    std::string s = jsonReason(e);
    std::string position;
    if (s.rfind("parse error at ", 0) == 0) {
        const size_t colon = s.find(": ");
        if (colon != std::string::npos) {
            position = s.substr(15, colon - 15);
            s = s.substr(colon + 2);
        }
    } else if (s.rfind("parse error: ", 0) == 0) {
        s = s.substr(13);
    }
    if (const size_t last = s.find("; last read:"); last != std::string::npos)
        s = s.substr(0, last);
    if (s.size() > 200)
        s = s.substr(0, 200) + "...";
    return position.empty() ? s : s + " (" + position + ")";
}

} // namespace

nlohmann::json parseUntrustedJson(const std::string& text, const std::string& what, const std::string& hint,
                                  Error::Kind kind)
{
    using nlohmann::json;
    const json::parser_callback_t bound = [](int depth, json::parse_event_t event, json&) {
        if ((event == json::parse_event_t::object_start || event == json::parse_event_t::array_start) &&
            depth >= kMaxJsonDepth)
            throw TooDeep{};
        return true;
    };
    try {
        return json::parse(text, bound);
    } catch (const TooDeep&) {
        throw Error(what + " is not valid JSON for us: values nested more than " + std::to_string(kMaxJsonDepth) +
                        " levels deep",
                    hint, kind);
    } catch (const json::exception& e) {
        throw Error(what + " is not valid JSON: " + parseReason(e), hint, kind);
    }
}

std::string jsonReason(const std::exception& e)
{
    std::string s = e.what();
    if (s.rfind("[json.exception.", 0) == 0) {
        const size_t close = s.find("] ");
        if (close != std::string::npos)
            s = s.substr(close + 2);
    }
    return s;
}

std::string describeJson(const nlohmann::json& v)
{
    std::ostringstream out;
    switch (v.type()) {
    case nlohmann::json::value_t::null: return "null";
    case nlohmann::json::value_t::boolean: return v.get<bool>() ? "true" : "false";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_float:
        out << "the number " << v.get<double>();
        return out.str();
    case nlohmann::json::value_t::string: return "a string";
    case nlohmann::json::value_t::array: return "an array of " + std::to_string(v.size()) + " values";
    case nlohmann::json::value_t::object: return "an object";
    default: return std::string("a ") + v.type_name();
    }
}

} // namespace ks
