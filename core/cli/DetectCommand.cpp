#include "Command.h"

#include "common/Error.h"

namespace ks::cli {

// Placeholder until the owning area implements it.
int detectCommand(const std::vector<std::string>&, Io)
{
    throw Error("This command is not available in this build yet");
}

} // namespace ks::cli
