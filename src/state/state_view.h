// Read access to application state: a flat key-value space where each module owns the keys
// starting with its one-byte prefix (state/prefixes.h). Implementations: the committed
// store (storage/), and WriteSet, which layers a block's pending writes over another view.
#pragma once

#include <optional>

#include "util/bytes.h"

namespace telco::state {

class StateView {
 public:
  virtual ~StateView() = default;
  virtual std::optional<Bytes> get(ByteView key) const = 0;
};

}  // namespace telco::state
