#include "modules/registry.h"

#include <array>

#include "modules/bank/transfer.h"

namespace telco::modules {
namespace {

const bank::TransferHandler kBankTransfer;

constexpr std::array<const PayloadHandler*, 1> kHandlers = {
    &kBankTransfer,
};

}  // namespace

const PayloadHandler* find_handler(std::uint16_t type) {
  for (const PayloadHandler* h : kHandlers) {
    if (h->type() == type) return h;
  }
  return nullptr;
}

const PayloadHandler* find_handler(std::string_view name) {
  for (const PayloadHandler* h : kHandlers) {
    if (h->name() == name) return h;
  }
  return nullptr;
}

std::span<const PayloadHandler* const> all_handlers() { return kHandlers; }

}  // namespace telco::modules
