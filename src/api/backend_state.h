// Committed state as the module read routes and the search box see it: the backend's store
// when it has one, else each key read through a state proof at the head. One reading path
// for device routes and search, so a backend without a store still answers both.
#pragma once

#include "api/backend.h"

namespace telco::api {

class BackendState final : public state::StateView {
 public:
  explicit BackendState(const Backend& backend) : backend_(backend) {}

  std::optional<Bytes> get(ByteView key) const override {
    if (const state::StateView* s = backend_.committed_state()) return s->get(key);
    auto p = backend_.state_proof(key, backend_.head().height);
    return p ? std::move(p->value) : std::nullopt;
  }

 private:
  const Backend& backend_;
};

}  // namespace telco::api
