#!/usr/bin/env python3
"""Writes the seed corpora under tests/fuzz/corpus/<target>/ from the protocol vectors
(tests/vectors/protocol_vectors.json), so the seeds are valid inputs of the current protocol.
Run from anywhere; rerun after the vectors change. The output is checked in."""
import json
import pathlib
import struct

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
# DNS queries (fuzz_dns_query.cpp): built here from RFC 1035's layout, not from the vectors.


def dns_name(n):
    return b"".join(bytes([len(label)]) + label.encode() for label in n.split(".") if label) + b"\0"


def dns_query(n, qtype, edns=None, opcode=0):
    header = struct.pack(">HHHHHH", 0x1234, (opcode << 11) | 0x0100, 1, 0, 0, 1 if edns else 0)
    body = dns_name(n) + struct.pack(">HH", qtype, 1)
    if edns:
        body += b"\0" + struct.pack(">HHIH", 41, edns, 0, 0)
    return header + body


for seed_name, seed in {
        "a_alice": dns_query("alice.tel", 1), "aaaa_alice": dns_query("alice.tel", 28),
        "txt_edns": dns_query("alice.tel", 16, 4096), "srv": dns_query("_sip._udp.alice.tel", 33),
        "naptr_enum": dns_query("5.4.3.2.1.5.5.5.1.4.e164.arpa", 35), "soa_apex": dns_query("tel", 6),
        "nxdomain": dns_query("bob.tel", 1), "refused": dns_query("example.com", 1),
        "notify": dns_query("tel", 6, opcode=4), "any": dns_query("alice.tel", 255, 1232),
        "pointer_loop": struct.pack(">HHHHHH", 1, 0x0100, 1, 0, 0, 0) + b"\xc0\x0c\x00\x01\x00\x01"}.items():
    put("fuzz_dns_query", seed_name, seed)
