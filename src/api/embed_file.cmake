# cmake -DINPUT=<file> -DOUTPUT=<file.cpp> -DFUNCTION=<name> -P embed_file.cmake
# Writes a C++ file whose function telco::api::<name>() returns INPUT's bytes. Run at build
# time (add_custom_command), so editing INPUT rebuilds without reconfiguring.
file(READ "${INPUT}" hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," chars "${hex}")
string(LENGTH "${hex}" hex_len)
math(EXPR size "${hex_len} / 2")
file(WRITE "${OUTPUT}.tmp"
  "// Generated from ${INPUT} by embed_file.cmake. Do not edit.\n"
  "#include <string_view>\n"
  "namespace telco::api {\n"
  "namespace { constexpr char kData[] = {${chars} '\\0'}; }\n"
  "std::string_view ${FUNCTION}() { return {kData, ${size}}; }\n"
  "}  // namespace telco::api\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
