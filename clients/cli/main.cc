// carereach: command-line client of the carereach server. See docs/CLI.md.
#include <iostream>
#include <string>
#include <vector>

#include "clients/cli/commands.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return carereach::cli::RunCli(args, std::cout, std::cerr);
}
