// docs/openapi.yaml, embedded in the binary at build time (src/api/embed_file.cmake), so a
// node serves /openapi.yaml without knowing where its source tree is.
#pragma once

#include <string_view>

namespace telco::api {

std::string_view embedded_openapi_yaml();

}  // namespace telco::api
