// The one way to include ldns from C++. ldns/common.h defines `bool`, `true` and `false`
// as macros unless <stdbool.h> came first (it checks __bool_true_false_are_defined), which
// breaks C++ code included after it; g++'s <stdbool.h> sets that guard and nothing else.
#pragma once

// clang-format off
#include <stdbool.h>
#include <ldns/ldns.h>
// clang-format on
