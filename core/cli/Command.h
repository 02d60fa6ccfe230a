#pragma once
/// \file Command.h
/// One kidneyscope-cli subcommand. Each command lives in its own <Name>Command.cpp and is listed
/// in CommandTable.cpp.

#include <iosfwd>
#include <string>
#include <vector>

namespace ks::cli {

/// Where a command writes: `out` for results (text or JSON), `err` for progress and messages.
struct Io
{
    std::ostream& out;
    std::ostream& err;
};

/// A subcommand's entry point: receives the words after its name. Returns the process exit code
/// (0 success, 1 failure the user can fix, 2 bad usage, 130 cancelled). May throw ks::Error;
/// runCli() turns it into a message and exit code 1.
using CommandFunction = int (*)(const std::vector<std::string>& args, Io io);

struct Command
{
    const char* name;      ///< "info"
    const char* synopsis;  ///< "info PATH [--json]"
    const char* summary;   ///< one line for the help list
    CommandFunction run;
};

/// All commands, in help order.
const std::vector<Command>& commandTable();

/// The whole CLI: dispatches argv[1] to a command, prints help, converts exceptions.
int runCli(int argc, char** argv, std::ostream& out, std::ostream& err);

// Entry points, one per <Name>Command.cpp.
int infoCommand(const std::vector<std::string>& args, Io io);
int benchIoCommand(const std::vector<std::string>& args, Io io);
int phantomCommand(const std::vector<std::string>& args, Io io);
int annotationsCommand(const std::vector<std::string>& args, Io io);
int trainCommand(const std::vector<std::string>& args, Io io);
int detectCommand(const std::vector<std::string>& args, Io io);
int evaluateCommand(const std::vector<std::string>& args, Io io);
int experimentCommand(const std::vector<std::string>& args, Io io);
int benchDetectCommand(const std::vector<std::string>& args, Io io);
int benchCandidatesCommand(const std::vector<std::string>& args, Io io);
int benchHybridCommand(const std::vector<std::string>& args, Io io);
int reportCommand(const std::vector<std::string>& args, Io io);

} // namespace ks::cli
