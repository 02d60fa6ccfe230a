// kidneyscope-cli: parse, dispatch, exit. Everything else lives in ks_cli.
#include "cli/Command.h"

#include <iostream>

int main(int argc, char** argv)
{
    return ks::cli::runCli(argc, argv, std::cout, std::cerr);
}
