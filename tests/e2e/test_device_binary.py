"""The binary (application/octet-stream) device batches against a real telcod: challenges for
two registered devices asked for in one canonical body, answered by the devices (telco device
simulate), authenticated in one canonical body with a corrupted signature and a replay among
them; a truncated body, an oversized one and an octet-stream body to a single route are
refused as JSON errors; and one request sent by curl from a file. Layout: docs/api.md
"Binary device batches"."""
import json
import os
import struct
import subprocess
import urllib.error
import urllib.request

from harness import Cli, Node, check, http

OCTETS = "application/octet-stream"
AUTH_TAG = b"telco/device-auth/v1"


def post_octets(url, body, timeout=10):
    """Returns (status, Content-Type, raw body)."""
    req = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": OCTETS})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read()


def error_of(status, content_type, raw):
    check(content_type.startswith("application/json"), f"{status}: an error must be JSON, got {content_type}")
    try:
        return json.loads(raw)["error"]
    except (ValueError, KeyError):
        raise AssertionError(f"{status}: no JSON error in {raw!r}")


def lp(b):
    return struct.pack("<I", len(b)) + b


def asks_body(asks):
    """list<ask>; ask = fixed[32] id_hash | string purpose | string verifier_id | u64 ttl_ms."""
    out = struct.pack("<I", len(asks))
    for id_hash, purpose, verifier, ttl_ms in asks:
        out += bytes.fromhex(id_hash) + lp(purpose.encode()) + lp(verifier.encode()) + struct.pack("<Q", ttl_ms)
    return out


def answers_body(answers):
    """list<answer>; answer = bytes challenge | fixed[64] signature | u8 member (0 here)."""
    out = struct.pack("<I", len(answers))
    for challenge, signature in answers:
        out += lp(challenge) + signature + b"\x00"
    return out


class Reader:
    def __init__(self, data):
        self.data, self.at = data, 0

    def take(self, n):
        check(self.at + n <= len(self.data), f"answer ends early at byte {self.at}: {self.data.hex()}")
        self.at += n
        return self.data[self.at - n:self.at]

    def u32(self):
        return struct.unpack("<I", self.take(4))[0]

    def u64(self):
        return struct.unpack("<Q", self.take(8))[0]

    def bytes(self):
        return self.take(self.u32())

    def end(self):
        check(self.at == len(self.data), f"{len(self.data) - self.at} bytes after the end: {self.data.hex()}")


def decode_challenges(raw):
    r = Reader(raw)
    out = [r.bytes() for _ in range(r.u32())]
    r.end()
    return out


def decode_results(raw):
    r = Reader(raw)
    height = r.u64()
    outcomes = list(r.take(r.u32()))
    r.end()
    return height, outcomes


def challenge_fields(c):
    """The challenge bytes (docs/PROTOCOL.md): tag, chain, purpose, nonce, verifier, expiry, device."""
    r = Reader(c)
    tag, chain, purpose = r.bytes(), r.bytes().decode(), r.bytes().decode()
    nonce, verifier, expires_ms, id_hash = r.take(32), r.bytes().decode(), r.u64(), r.take(32).hex()
    r.end()
    check(tag == AUTH_TAG, f"challenge tag {tag!r}")
    return {"chain_id": chain, "purpose": purpose, "nonce": nonce.hex(), "verifier_id": verifier,
            "expires_ms": expires_ms, "id_hash": id_hash}


def test_binary_device_batches_with_urllib_and_curl(bins, workdir):
    node = Node(bins, workdir)
    node.start()
    try:
        cli = Cli(bins, workdir, node)
        cli.run("keys", "import", "demo", "--seed-file", node.demo_seed_file, "--kdf-cost", "test")
        devices, ids = [], []
        for i, identifier in enumerate(("356938035643809", "356938035643817")):
            path = os.path.join(workdir, f"device{i}.json")
            made = cli.json("device", "keygen", "--identifier", identifier, "--out", path)
            reg = cli.json("--key", "demo", "device", "register", "--device", path, "--owner", "demo",
                           "--operator", "demo")
            check(reg["status"] == "finalized", f"register {i}: {reg}")
            devices.append(path)
            ids.append(made["id_hash"])

        # Challenges: one canonical body for both devices, the answer in the same form.
        asks = [(ids[0], "attach", "gnb-e2e", 30000), (ids[1], "login", "amf-e2e", 60000)]
        status, ctype, raw = post_octets(node.url + "/v1/devices/challenge/batch", asks_body(asks))
        check(status == 200, f"challenge batch: {status} {raw[:300]!r}")
        check(ctype == OCTETS, f"challenge batch answered as {ctype!r}")
        challenges = decode_challenges(raw)
        check(len(challenges) == 2, f"{len(challenges)} challenges for 2 asks")
        for c, (id_hash, purpose, verifier, _) in zip(challenges, asks):
            f = challenge_fields(c)
            check(f["chain_id"] == "telco-e2e" and f["id_hash"] == id_hash and f["purpose"] == purpose
                  and f["verifier_id"] == verifier, f"challenge does not match its ask: {f}")
        check(challenge_fields(challenges[0])["nonce"] != challenge_fields(challenges[1])["nonce"], "nonce reused")

        sigs = []
        for c, device in zip(challenges, devices):
            signed = cli.json("device", "simulate", "answer", "--device", device, "--challenge", c.hex())
            sigs.append(bytes.fromhex(signed["signature"]))
        bad = bytes([sigs[1][0] ^ 0x01]) + sigs[1][1:]
        body = answers_body([(challenges[0], sigs[0]), (challenges[1], bad), (challenges[0], sigs[0])])

        # A truncated body is a JSON 400 naming the entry, and consumes nothing.
        status, ctype, raw = post_octets(node.url + "/v1/devices/authenticate/batch", body[:-1])
        err = error_of(status, ctype, raw)
        check(status == 400 and err["code"] == "bad_request" and err["message"].startswith("answers["),
              f"truncated: {status} {err}")
        status, ctype, raw = post_octets(node.url + "/v1/devices/authenticate/batch", b"\x00" * (1024 * 1024 + 1))
        err = error_of(status, ctype, raw)
        check(status == 413 and err["code"] == "body_too_large", f"over 1 MiB: {status} {err}")

        # Good, corrupted signature, the good one replayed.
        status, ctype, raw = post_octets(node.url + "/v1/devices/authenticate/batch", body)
        check(status == 200 and ctype == OCTETS, f"authenticate batch: {status} {ctype} {raw[:300]!r}")
        height, outcomes = decode_results(raw)
        check(outcomes == [0, 3, 11], f"outcomes {outcomes}, want [0 ok, 3 bad_signature, 11 nonce_used]")
        check(0 < height < 2**63, f"height {height}")

        # curl from a file: the wrong signature left device 1's challenge open.
        body_file = os.path.join(workdir, "answers.bin")
        answer_file = os.path.join(workdir, "results.bin")
        with open(body_file, "wb") as f:
            f.write(answers_body([(challenges[1], sigs[1])]))
        out = subprocess.run(["curl", "-sS", "-o", answer_file, "-w", "%{http_code} %{content_type}",
                              "-H", f"Content-Type: {OCTETS}", "--data-binary", f"@{body_file}",
                              node.url + "/v1/devices/authenticate/batch"],
                             capture_output=True, text=True, timeout=30)
        check(out.returncode == 0 and out.stdout == f"200 {OCTETS}", f"curl: {out.stdout!r} {out.stderr!r}")
        with open(answer_file, "rb") as f:
            later, outcomes = decode_results(f.read())
        check(outcomes == [0] and later >= height, f"curl outcome {outcomes} at {later}")

        # The single routes take JSON only.
        for route in ("/v1/devices/challenge", "/v1/devices/authenticate"):
            status, ctype, raw = post_octets(node.url + route, asks_body(asks[:1]))
            err = error_of(status, ctype, raw)
            check(status == 415 and err["code"] == "unsupported_media_type", f"{route}: {status} {err}")
        status, plain = http("POST", node.url + "/v1/devices/challenge",
                             json.dumps({"id_hash": ids[0], "purpose": "attach", "verifier_id": "gnb-e2e"}))
        check(status == 200 and "challenge" in plain, f"JSON single challenge still works: {status} {plain}")
        status, spec = http("GET", node.url + "/openapi.yaml")
        check(status == 200 and 'device batches"' in spec and "application/octet-stream" in spec,
              "the served openapi.yaml must describe the binary batches")
    finally:
        node.stop()
