#pragma once
/// \file UntrustedJson.h
/// JSON text from outside the process (a COCO file, a bundle manifest, a preset, a feature list)
/// parsed with bounds, and nlohmann's exception texts turned into words a user can read.

#include "common/Error.h"

#include <nlohmann/json.hpp>

#include <string>

namespace ks {

/// Deepest nesting of arrays and objects accepted. Our own files nest at most 6 deep; nlohmann's
/// dump(), comparison and copy recurse, so a value nested 100000 deep would overflow the stack.
inline constexpr int kMaxJsonDepth = 64;

/// Parses `text`; a syntax error, a number out of range or nesting deeper than kMaxJsonDepth
/// throws ks::Error("<what> is not valid JSON: <reason> (line L, column C)", hint, kind).
/// Reentrant; holds no state.
nlohmann::json parseUntrustedJson(const std::string& text, const std::string& what, const std::string& hint,
                                  Error::Kind kind = Error::Kind::InvalidInput);

/// nlohmann's message without its "[json.exception.type_error.302] " prefix, e.g.
/// "type must be number, but is array"; other exceptions' what() unchanged.
std::string jsonReason(const std::exception& e);

/// A short description of a JSON value for an error message: "the number 3", "a string",
/// "an array of 4 values" — never the value itself, which may be huge or deeply nested.
std::string describeJson(const nlohmann::json& v);

} // namespace ks
