#!/usr/bin/env python3
"""Writes the seed corpora under tests/fuzz/corpus/<target>/ from the protocol vectors
(tests/vectors/protocol_vectors.json), so the seeds are valid inputs of the current protocol.
Run from anywhere; rerun after the vectors change. The output is checked in."""
import json
import pathlib

here = pathlib.Path(__file__).resolve().parent
vectors = json.loads((here.parent / "vectors" / "protocol_vectors.json").read_text())
corpus = here / "corpus"


def put(target, name, data):
    d = corpus / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data if isinstance(data, bytes) else data.encode())


for tx in vectors["transactions"]:
    put("fuzz_tx_decode", tx["name"], bytes.fromhex(tx["tx_bytes"]))
put("fuzz_block_decode", "header", bytes.fromhex(vectors["block"]["header_bytes"]))
put("fuzz_block_decode", "block", bytes.fromhex(vectors["block"]["block_bytes"]))
put("fuzz_block_decode", "commit", bytes.fromhex(vectors["commit"]["commit_bytes"]))
for i, r in enumerate(vectors["receipts"]):
    put("fuzz_block_decode", f"receipt_{i}", bytes.fromhex(r["bytes"]))
put("fuzz_genesis_json", "genesis.json", vectors["genesis"]["json"])
put("fuzz_genesis_json", "minimal.json",
    json.dumps({"chain_id": "c", "genesis_time_ms": 0,
                "validators": [{"public_key": vectors["keys"][2]["public_key"], "power": 1}]}))
for k in vectors["keys"]:
    put("fuzz_bech32", "address_" + k["name"], k["address"])
put("fuzz_bech32", "address_upper", vectors["keys"][0]["address"].upper())
for i, s in enumerate(["a1lqfn3a", "abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx",
                       "split1checkupstagehandshakeupstreamerranterredcaperredlc445v", "?1v759aa"]):
    put("fuzz_bech32", f"bip350_{i}", s)
put("fuzz_payload", "transfer_memo", bytes.fromhex(vectors["bank_transfer_payload"]["body"]))
tx = next(t for t in vectors["transactions"] if t["name"] == "transfer_fails")
put("fuzz_payload", "transfer_no_memo", bytes.fromhex(tx["fields"]["payload_body"]))
# State proofs: one selector byte (key and claim, see fuzz_smt_proof.cpp) and a vector proof.
for i, p in enumerate(vectors["state"]["proofs"]):
    put("fuzz_smt_proof", f"vector_proof_{i}", bytes([i * 64 + i]) + bytes.fromhex(p["proof"]))
