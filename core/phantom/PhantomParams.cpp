#include "PhantomParams.h"

#include "common/Error.h"

namespace ks::phantom {

PhantomParams PhantomParams::fromPreset(const std::string& name)
{
    PhantomParams p;
    p.preset = name;
    if (name == "easy") {
        p.speckleStrength = 0.45;
        p.contrast = 1.35;
        p.distractorRate = 0.35;
        p.cutProbability = 0.04;
        p.tgcErrorDb = 1.0;
        p.noiseDb = -74;
    } else if (name == "standard") {
        // the defaults
    } else if (name == "hard") {
        p.speckleStrength = 0.9;
        p.contrast = 0.7;
        p.distractorRate = 1.7;
        p.cutProbability = 0.22;
        p.tgcErrorDb = 4.0;
        p.noiseDb = -62;
    } else {
        throw Error("Unknown phantom preset '" + name + "'", "Use easy, standard or hard");
    }
    return p;
}

std::vector<std::string> PhantomParams::presetNames()
{
    return {"easy", "standard", "hard"};
}

} // namespace ks::phantom
