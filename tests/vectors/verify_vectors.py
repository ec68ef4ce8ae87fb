#!/usr/bin/env python3
"""An independent implementation of docs/PROTOCOL.md, written from the document rather than
the C++ code, that recomputes every value in protocol_vectors.json from its inputs.
It shows the specification is complete enough to implement, and cross-checks the C++
reference. Uses only the standard library, plus `cryptography` (if installed) for Ed25519.

    python3 tests/vectors/verify_vectors.py [protocol_vectors.json]
Exit status 0 when every vector matches."""
import hashlib
import json
import pathlib
import struct
import sys

try:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
    from cryptography.hazmat.primitives import serialization
except ImportError:  # signatures are then checked only by the C++ test
    Ed25519PrivateKey = None

failures = []


def check(what, expected, actual):
    if expected != actual:
        failures.append(f"{what}: vector has {expected!r}, spec gives {actual!r}")


# ---------------------------------------------------------------- primitives and encoding

def H(data):
    return hashlib.blake2b(data, digest_size=32).digest()


def u8(v): return struct.pack("<B", v)
def u16(v): return struct.pack("<H", v)
def u32(v): return struct.pack("<I", v)
def u64(v): return struct.pack("<Q", v)
def bstr(b): return u32(len(b)) + b
def sstr(s): return bstr(s.encode())
def boolean(v): return b"\x01" if v else b"\x00"


# ---------------------------------------------------------------- bech32m (BIP-350)

CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
BECH32M = 0x2BC830A3


def polymod(values):
    gen = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            if (top >> i) & 1:
                chk ^= gen[i]
    return chk


def hrp_expand(hrp):
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def regroup(data, frm, to, pad):
    acc = bits = 0
    out = []
    for v in data:
        acc = (acc << frm) | v
        bits += frm
        while bits >= to:
            bits -= to
            out.append((acc >> bits) & ((1 << to) - 1))
    if pad and bits:
        out.append((acc << (to - bits)) & ((1 << to) - 1))
    elif not pad and (bits >= frm or (acc << (to - bits)) & ((1 << to) - 1)):
        return None
    return out


def bech32m_encode(hrp, data):
    five = regroup(data, 8, 5, True)
    mod = polymod(hrp_expand(hrp) + five + [0] * 6) ^ BECH32M
    return hrp + "1" + "".join(CHARSET[v] for v in five) + "".join(CHARSET[(mod >> 5 * (5 - i)) & 31] for i in range(6))


def address_bytes(text):
    s = text.lower()
    assert text in (s, text.upper()) and len(s) <= 90
    sep = s.rindex("1")
    hrp, data = s[:sep], [CHARSET.index(c) for c in s[sep + 1:]]
    assert hrp == "tc" and polymod(hrp_expand(hrp) + data) == BECH32M
    out = bytes(regroup(data[:-6], 5, 8, False))
    assert len(out) == 20
    return out


def address_of(public_key):
    return H(b"telco/address/v1" + public_key)[:20]


# ---------------------------------------------------------------- structures

def tx_unsigned(f):
    return (u8(f["version"]) + sstr(f["chain_id"]) + bytes.fromhex(f["sender"]) + u64(int(f["nonce"]))
            + u64(int(f["fee"])) + u16(f["payload_type"]) + bstr(bytes.fromhex(f["payload_body"])))


def merkle_root(items):
    if not items:
        return H(b"")
    if len(items) == 1:
        return H(b"\x00" + items[0])
    k = 1
    while k * 2 < len(items):
        k *= 2
    return H(b"\x01" + merkle_root(items[:k]) + merkle_root(items[k:]))


# State tree (docs/STATE.md): the logical binary sparse Merkle tree over key paths, computed
# straight from its recursive definition, with no 16-ary nodes, versions or storage.
def smt_path(key): return H(b"telco/smt/key" + key)
def smt_value(value): return H(b"telco/smt/value" + value)
def smt_leaf(path, vh): return H(b"telco/smt/leaf" + path + vh)
def smt_node(left, right): return H(b"telco/smt/node" + left + right)
SMT_EMPTY = H(b"telco/smt/empty")


def bit(path, i): return (path[i // 8] >> (7 - i % 8)) & 1


def smt_root(state, depth=0):
    """state: list of (path, value hash) all sharing the first `depth` bits."""
    if not state:
        return SMT_EMPTY
    if len(state) == 1:
        return smt_leaf(*state[0])
    return smt_node(smt_root([e for e in state if not bit(e[0], depth)], depth + 1),
                    smt_root([e for e in state if bit(e[0], depth)], depth + 1))


def apply_writes(state, writes):
    for w in writes:
        if w["value"] is None:
            state.pop(bytes.fromhex(w["key"]), None)
        else:
            state[bytes.fromhex(w["key"])] = bytes.fromhex(w["value"])
    return smt_root([(smt_path(k), smt_value(v)) for k, v in state.items()])


def smt_verify(root, key, value, proof):
    """The proof format of docs/STATE.md; returns None if it verifies, else a reason."""
    terminal, pos = proof[0], 1
    if terminal == 2:
        other, other_vh, pos = proof[1:33], proof[33:65], 65
    depth = struct.unpack("<H", proof[pos:pos + 2])[0]
    pos += 2
    nbytes = (depth + 7) // 8
    bitmap, pos = proof[pos:pos + nbytes], pos + nbytes
    sent = [bool((bitmap[i // 8] >> (7 - i % 8)) & 1) for i in range(depth)]
    sibs = [proof[pos + 32 * k:pos + 32 * k + 32] for k in range(sum(sent))]
    if pos + 32 * len(sibs) != len(proof):
        return "length"
    if depth and not sent[depth - 1]:
        return "non-canonical"
    path = smt_path(key)
    if terminal == 1:
        if value is None:
            return "proves presence"
        h = smt_leaf(path, smt_value(value))
    elif terminal == 2:
        if value is not None or other == path or any(bit(other, i) != bit(path, i) for i in range(depth)):
            return "other leaf"
        h = smt_leaf(other, other_vh)
    elif terminal == 0:
        if value is not None:
            return "proves absence"
        h = SMT_EMPTY
    else:
        return "terminal"
    for d in range(depth, 0, -1):
        sib = sibs.pop() if sent[d - 1] else SMT_EMPTY
        h = smt_node(sib, h) if bit(path, d - 1) else smt_node(h, sib)
    return None if h == root else "root mismatch"


def json_u64(v):
    return int(v)


def genesis_hashes(text):
    g = json.loads(text)
    p = g.get("params", {})
    vals = g["validators"]
    vh = H(sstr("telco/validators/v1") + u32(len(vals))
           + b"".join(bytes.fromhex(v["public_key"]) + u64(json_u64(v["power"])) for v in vals))
    body = (sstr("telco/genesis/v1") + sstr(g["chain_id"]) + u64(json_u64(g["genesis_time_ms"]))
            + u64(json_u64(p.get("min_fee", 1000))) + u32(json_u64(p.get("max_tx_bytes", 4096)))
            + u32(json_u64(p.get("max_block_txs", 10000))) + u32(json_u64(p.get("max_block_bytes", 4194304)))
            + u32(json_u64(p.get("max_pending_per_sender", 1000))) + u32(len(vals)))
    for v in vals:
        body += sstr(v.get("name", "")) + bytes.fromhex(v["public_key"]) + u64(json_u64(v["power"]))
    accounts = g.get("accounts", [])
    body += u32(len(accounts))
    for a in accounts:
        body += address_bytes(a["address"]) + u64(json_u64(a["balance"]))
    return H(body), vh


def header_bytes(f):
    return (u16(f["version"]) + sstr(f["chain_id"]) + u64(int(f["height"])) + u64(int(f["time_ms"]))
            + bytes.fromhex(f["prev_hash"]) + bytes.fromhex(f["last_commit_hash"]) + bytes.fromhex(f["tx_root"]) + u32(f["tx_count"])
            + bytes.fromhex(f["receipts_root"]) + bytes.fromhex(f["state_root"])
            + bytes.fromhex(f["validators_hash"]) + address_bytes(f["proposer"])
            + bytes.fromhex(f["evidence_root"]))


def format_amount(units):
    whole, frac = divmod(units, 1_000_000)
    return str(whole) if frac == 0 else f"{whole}.{frac:06d}".rstrip("0")


# ---------------------------------------------------------------- checks

def main():
    path = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).with_name("protocol_vectors.json"))
    v = json.loads(path.read_text())

    for h in v["blake2b_256"]:
        check("blake2b " + repr(h["input_utf8"]), h["hash"], H(h["input_utf8"].encode()).hex())

    keys = {}
    for k in v["keys"]:
        pk = bytes.fromhex(k["public_key"])
        keys[k["name"]] = k
        if Ed25519PrivateKey:
            derived = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(k["seed"])).public_key().public_bytes(
                serialization.Encoding.Raw, serialization.PublicFormat.Raw)
            check(f"key {k['name']} public key", pk, derived)
        check(f"key {k['name']} address bytes", k["address_bytes"], address_of(pk).hex())
        check(f"key {k['name']} address", k["address"], bech32m_encode("tc", address_of(pk)))
        check(f"key {k['name']} address parse", k["address_bytes"], address_bytes(k["address"].upper()).hex())

    p = v["bank_transfer_payload"]
    memo = p["memo_utf8"].encode()
    check("bank payload", p["body"], (address_bytes(p["to"]) + u64(int(p["amount"])) + bstr(memo)).hex())

    txs = {}
    for t in v["transactions"]:
        f = t["fields"]
        unsigned = tx_unsigned(f)
        signing = sstr("telco/tx/v1") + unsigned
        full = unsigned + bytes.fromhex(t["signature"])
        check(t["name"] + " signing bytes", t["signing_bytes"], signing.hex())
        check(t["name"] + " tx bytes", t["tx_bytes"], full.hex())
        check(t["name"] + " tx hash", t["tx_hash"], H(full).hex())
        check(t["name"] + " sender address", t["sender_address"], bech32m_encode("tc", address_of(bytes.fromhex(f["sender"]))))
        if Ed25519PrivateKey:
            seed = next(k["seed"] for k in v["keys"] if k["public_key"] == f["sender"])
            sig = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(seed)).sign(signing)
            check(t["name"] + " signature", t["signature"], sig.hex())
        txs[t["name"]] = full

    leaves = []
    for r in v["receipts"]:
        enc = u16(r["code"]) + u64(int(r["fee_charged"]))
        check("receipt bytes", r["bytes"], enc.hex())
        check("receipt leaf", r["leaf_hash"], H(enc).hex())
        leaves.append(H(enc))

    for m in v["merkle"]:
        check(f"merkle n={m['n']}", m["root"], merkle_root([H(bytes([i])) for i in range(m["n"])]).hex())

    s = v["state"]
    state = {}
    check("state genesis root", s["genesis_root"], apply_writes(state, s["genesis_writes"]).hex())
    snapshots = {0: dict(state)}
    check("state block 1 root", s["block1_root"], apply_writes(state, s["block1_writes"]).hex())
    snapshots[1] = dict(state)
    roots = {0: s["genesis_root"], 1: s["block1_root"]}
    for p in s["proofs"]:
        check(f"state proof root v{p['version']}", roots[p["version"]], p["root"])
        value = None if p["value"] is None else bytes.fromhex(p["value"])
        check(f"state proof value v{p['version']}", snapshots[p["version"]].get(bytes.fromhex(p["key"])), value)
        check(f"state proof v{p['version']} {p['key'][:8]}", None,
              smt_verify(bytes.fromhex(p["root"]), bytes.fromhex(p["key"]), value, bytes.fromhex(p["proof"])))

    gh, vh = genesis_hashes(v["genesis"]["json"])
    check("genesis hash", v["genesis"]["genesis_hash"], gh.hex())
    check("validators hash", v["genesis"]["validators_hash"], vh.hex())

    b = v["block"]
    f = b["header_fields"]
    block_txs = [txs[name] for name in b["transactions"]]
    check("header tx_root", f["tx_root"], merkle_root([H(t) for t in block_txs]).hex())
    check("header tx_count", f["tx_count"], len(block_txs))
    check("header receipts_root", f["receipts_root"], merkle_root(leaves).hex())
    check("header state_root", f["state_root"], s["block1_root"])
    check("header validators_hash", f["validators_hash"], vh.hex())
    check("header evidence_root", f["evidence_root"], bytes(32).hex())  # no evidence: zero
    # Height 1 carries the empty commit: height 0, round 0, zero block hash, no signatures.
    empty_commit = u64(0) + u32(0) + bytes(32) + u32(0)
    check("block last commit", b["last_commit_bytes"], empty_commit.hex())
    check("header last_commit_hash", f["last_commit_hash"], H(empty_commit).hex())
    hb = header_bytes(f)
    check("header bytes", b["header_bytes"], hb.hex())
    check("block hash", b["block_hash"], H(hb).hex())
    check("block bytes", b["block_bytes"], (hb + u32(len(block_txs)) + b"".join(block_txs) + empty_commit + u32(0)).hex())

    c = v["commit"]
    block_hash = bytes.fromhex(c["block_hash"])
    check("commit block hash", c["block_hash"], b["block_hash"])
    chain_id = f["chain_id"]
    sigs = b""
    for vote in c["votes"]:
        vb = (sstr("telco/vote/v1") + sstr(chain_id) + u8(c["vote_type"]) + u64(int(c["height"])) + u32(c["round"])
              + block_hash + u64(int(vote["time_ms"])))
        check(f"vote bytes {vote['validator']}", vote["vote_bytes"], vb.hex())
        pk = bytes.fromhex(keys[vote["validator"]]["public_key"])
        if Ed25519PrivateKey:
            Ed25519PublicKey.from_public_bytes(pk).verify(bytes.fromhex(vote["signature"]), vb)
        sigs += pk + u64(int(vote["time_ms"])) + bytes.fromhex(vote["signature"])
    enc = u64(int(c["height"])) + u32(c["round"]) + block_hash + u32(len(c["votes"])) + sigs
    check("commit bytes", c["commit_bytes"], enc.hex())

    for a in v["amounts"]:
        check("amount " + a["units"], a["text"], format_amount(int(a["units"])))

    if failures:
        print("\n".join(failures))
        print(f"{len(failures)} vector(s) disagree with the specification")
        return 1
    note = "" if Ed25519PrivateKey else " (Ed25519 not checked: python3-cryptography missing)"
    print(f"all protocol vectors match the independent implementation{note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
