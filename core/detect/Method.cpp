#include "Method.h"

#include "common/Error.h"

#include <algorithm>
#include <cctype>
#include <sstream>

namespace ks::detect {

std::string methodName(Method m)
{
    switch (m) {
    case Method::Haar: return "haar";
    case Method::NA: return "na";
    case Method::PA: return "pa";
    case Method::FA: return "fa";
    case Method::Hybrid: return "hybrid";
    }
    return "?";
}

std::string methodTitle(Method m, const std::string& b)
{
    switch (m) {
    case Method::Haar: return "Haar";
    case Method::NA: return b + "_NA";
    case Method::PA: return b + "_PA";
    case Method::FA: return b + "_FA";
    case Method::Hybrid: return "Haar + " + b + "_FA";
    }
    return "?";
}

Method parseMethod(const std::string& name)
{
    std::string n = name;
    std::transform(n.begin(), n.end(), n.begin(), [](unsigned char c) { return std::tolower(c); });
    for (Method m : {Method::Haar, Method::NA, Method::PA, Method::FA, Method::Hybrid})
        if (methodName(m) == n)
            return m;
    throw Error("Unknown detection method '" + name + "'", "Use haar, na, pa, fa or hybrid");
}

std::vector<Method> parseMethods(const std::string& list)
{
    std::vector<Method> out;
    std::stringstream ss(list);
    std::string item;
    while (std::getline(ss, item, ','))
        if (!item.empty()) {
            const Method m = parseMethod(item);
            if (std::find(out.begin(), out.end(), m) == out.end())
                out.push_back(m);
        }
    if (out.empty())
        throw Error("No detection method given", "E.g. --methods haar,na,pa,fa,hybrid");
    return out;
}

std::vector<std::string> featureSetsOf(Method m)
{
    switch (m) {
    case Method::Haar: return {"haar"};
    case Method::NA: return {"na"};
    case Method::PA: return {"pa"};
    case Method::FA: return {"fa"};
    case Method::Hybrid: return {"haar", "fa"};
    }
    return {};
}

bool needsCnn(Method m)
{
    return m != Method::Haar;
}

} // namespace ks::detect
