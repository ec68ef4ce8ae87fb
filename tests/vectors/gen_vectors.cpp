// Prints the protocol test vectors (tests/vectors/protocol_vectors.h) as JSON on stdout, or
// writes them to the path given as the only argument. The checked-in protocol_vectors.json
// is this program's output; vectors_test fails if the code and the file ever disagree.
#include <cstdio>
#include <fstream>
#include <iostream>

#include "protocol_vectors.h"

int main(int argc, char** argv) {
  if (argc > 2) {
    std::cerr << "usage: gen_vectors [OUTPUT.json]\n";
    return 2;
  }
  const std::string text = telco::vectors::compute_protocol_vectors().dump(2) + "\n";
  if (argc == 1) {
    std::cout << text;
    return std::cout ? 0 : 1;
  }
  std::ofstream out(argv[1], std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    std::cerr << "gen_vectors: cannot write " << argv[1] << "\n";
    return 1;
  }
  return 0;
}
