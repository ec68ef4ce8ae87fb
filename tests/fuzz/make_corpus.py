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
put("fuzz_node_config", "empty.json", "{}")
put("fuzz_node_config", "storage.json", json.dumps(
    {"storage": {"sync": False, "cache_mb": 256, "row_cache_mb": 6144, "state_cache_mb": 512, "state_versions_kept": 200},
     "snapshot": {"interval": 100, "keep": 3}, "api": {"listen": "127.0.0.1:8080", "threads": 4}}))
put("fuzz_node_config", "p2p.json", json.dumps(
    {"p2p": {"listen": "0.0.0.0:26656", "persistent_peers": ["ab@127.0.0.1:1"]},
     "consensus": {"timeout_commit_ms": 100}, "mempool": {"txs_max": 1000}}))
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

# Device payloads (fuzz_device_payloads: first byte = payload index 0..8, then the body) and
# device records (fuzz_device_records: first byte = record kind 0..5). Layouts: docs/PROTOCOL.md.
def u32(n):
    return n.to_bytes(4, "little")


def u64(n):
    return n.to_bytes(8, "little")


def text(s):
    b = s.encode()
    return u32(len(b)) + b


device_key = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")  # RFC 8032 test 1
h = lambda n: bytes([n]) * 32  # noqa: E731
a = lambda n: bytes([n]) * 20  # noqa: E731
attrs = u32(2) + text("caps") + text("nb-iot") + text("model") + text("T-100")
device_payloads = {
    "register": h(1) + device_key + a(2) + a(3) + attrs,
    "register_fleet": h(4) + u64(1000) + a(2) + a(3) + u32(0),
    "claim_fleet_member": h(5) + u64(3) + h(1) + device_key + u32(2) + h(6) + h(7),
    "rotate_key": h(1) + device_key + bytes([1]) + bytes(64),
    "transfer": h(1) + a(9),
    "report": h(1) + bytes([2]),
    "set_status": h(1) + bytes([1]),
    "revoke": h(1) + h(5),
    "anchor": h(8) + u64(3) + u32(2) + h(1) + u64(1) + u64(2) + h(2) + u64(5) + u64(5),
}
for i, (name, body) in enumerate(device_payloads.items()):
    put("fuzz_device_payloads", name, bytes([i]) + body)
device_records = {
    "device": h(1) + device_key + a(2) + a(3) + bytes([0]) + attrs + u32(1) + u32(2) + u64(7) + bytes(32) + u64(4),
    "fleet": h(4) + u64(1000) + a(2) + a(3) + u32(0) + u64(7) + u64(1_700_000_000_000),
    "stolen": bytes([2]) + u64(9) + u64(1_700_000_000_000) + a(2),
    "anchor": h(8) + a(3) + u64(3) + u64(9) + u64(1_700_000_000_000) + u32(1) + h(1) + u64(1) + u64(3),
    "history": u64(9) + u64(1_700_000_000_000) + bytes([5]) + a(2) + a(2) + device_key + u32(0),
    "challenge": text("telco/device-auth/v1") + text("telco-e2e") + text("attach") + h(3) + text("gnb-7")
    + u64(1_700_000_030_000) + h(1),
}
for i, (name, body) in enumerate(device_records.items()):
    put("fuzz_device_records", name, bytes([i]) + body)

# Snapshots (docs/STATE.md, "Snapshots"): a one-chunk manifest, a chunk of three leaves,
# and each snapshot-channel message.
import hashlib


def h(b):
    return hashlib.blake2b(b, digest_size=32).digest()


def leaf(key, value):
    return h(b"telco/smt/leaf" + h(b"telco/smt/key" + key) + h(b"telco/smt/value" + value))


snap_leaves = [(bytes([1]) + bytes([i]) * 20, u64(1000 * i) + u64(i)) for i in range(1, 4)]
snap_leaves.sort(key=lambda kv: h(b"telco/smt/key" + kv[0]))
chunk = bytes([1, 0]) + u32(len(snap_leaves)) + b"".join(u32(len(k)) + k + u32(len(v)) + v for k, v in snap_leaves)
empty = h(b"telco/smt/empty")
manifest_one = (bytes([1]) + u64(40) + leaf(*snap_leaves[0]) + u64(1) + u32(1)
                + bytes([0]) + u64(1) + u32(6 + 8 + 37) + leaf(*snap_leaves[0]))
manifest_split = bytes([1]) + u64(40) + empty + u64(0) + u32(16) + b"".join(
    bytes([1, n << 4]) + u64(0) + u32(0) + empty for n in range(16))
put("fuzz_snapshot_decode", "chunk", bytes([0]) + chunk)
put("fuzz_snapshot_decode", "manifest_one", bytes([1]) + manifest_one)
put("fuzz_snapshot_decode", "manifest_split", bytes([1]) + manifest_split)
put("fuzz_snapshot_messages", "offers_request", bytes([1]))
put("fuzz_snapshot_messages", "offers", bytes([2]) + u32(1) + u64(40) + h(manifest_one) + u32(1) + u64(1))
put("fuzz_snapshot_messages", "manifest_request", bytes([3]) + u64(40))
put("fuzz_snapshot_messages", "manifest_response", bytes([4]) + u32(len(manifest_one)) + manifest_one
    + u32(len(bytes.fromhex(vectors["block"]["header_bytes"]))) + bytes.fromhex(vectors["block"]["header_bytes"])
    + u32(len(bytes.fromhex(vectors["commit"]["commit_bytes"]))) + bytes.fromhex(vectors["commit"]["commit_bytes"]))
put("fuzz_snapshot_messages", "chunk_request", bytes([5]) + u64(40) + u32(0))
put("fuzz_snapshot_messages", "chunk_response", bytes([6]) + u64(40) + u32(0) + u32(len(chunk)) + chunk)
put("fuzz_snapshot_messages", "unavailable", bytes([7]) + u64(40) + u32(0xffffffff))
# Bulk-assignment files (fuzz_assign_file.cpp): the first byte picks the packing limits.
put("fuzz_assign_file", "three_lines", b"\x3f# header\n+14155550100,alice,sip:+14155550100@op.example\n"
    b"14155550101,alice,sip:a@op.example,tel:+14155550199\n\n14155550102,alice\n")
put("fuzz_assign_file", "unknown_subscriber", b"\x02+1415,bad,x\n")
put("fuzz_assign_file", "duplicate", b"\xff1,a\n1,a\n")
# Device POST bodies (fuzz_device_requests.cpp): a selector byte, then the JSON body.
challenge_hex = (text("telco/device-auth/v1") + text("telco-test") + text("attach") + bytes(range(32))
                 + text("gnb-7") + u64(1_700_000_030_000) + bytes([0xab] * 32)).hex()
ask = {"id_hash": "ab" * 32, "purpose": "attach", "verifier_id": "gnb-7", "ttl_ms": 20000}
answer = {"challenge": challenge_hex, "signature": "00" * 64}
member = dict(answer, member={"fleet": "cd" * 32, "index": 6, "public_key": "ef" * 32, "path": ["12" * 32] * 3})
put("fuzz_device_requests", "challenge", bytes([0]) + json.dumps(ask).encode())
put("fuzz_device_requests", "challenge_batch", bytes([1]) + json.dumps({"challenges": [ask, dict(ask, ttl_ms=1)]}).encode())
put("fuzz_device_requests", "answer", bytes([2]) + json.dumps(answer).encode())
put("fuzz_device_requests", "answer_member", bytes([2]) + json.dumps(member).encode())
put("fuzz_device_requests", "answer_batch", bytes([3]) + json.dumps({"answers": [answer, member]}).encode())
put("fuzz_device_requests", "reading", bytes([4]) + json.dumps(
    {"reading": {"id_hash": "ab" * 32, "time_ms": 5, "seq": 1, "key_version": 0, "value": "0102"},
     "signature": "00" * 64, "root": "11" * 32, "index": 0, "path": ["22" * 32]}).encode())
# Binary device batches (fuzz_device_octets.cpp): a selector byte, then the body.
challenge_bytes = bytes.fromhex(challenge_hex)
ask_bin = bytes([0xab] * 32) + text("attach") + text("gnb-7") + u64(20000)
answer_bin = u32(len(challenge_bytes)) + challenge_bytes + bytes(64) + b"\x00"
member_bin = (u32(len(challenge_bytes)) + challenge_bytes + bytes(64) + b"\x01" + bytes([0xcd] * 32) + u64(6)
              + bytes([0xef] * 32) + u32(3) + bytes([0x12] * 96))
put("fuzz_device_octets", "asks", bytes([0]) + u32(2) + ask_bin + ask_bin)
put("fuzz_device_octets", "answers", bytes([1]) + u32(2) + answer_bin + member_bin)
put("fuzz_device_octets", "challenge_list", bytes([2]) + u32(1) + u32(len(challenge_bytes)) + challenge_bytes)
put("fuzz_device_octets", "results", bytes([3]) + u64(7) + u32(3) + bytes([0, 3, 11]))
