"""The light client end to end: `telco verify account` against a real telcod proves the
balance the API reports, and refuses, with the right reason, what a tampering proxy
between it and the node alters (a proof, a header, a signature, a value)."""
import hashlib
import http.server
import json
import os
import threading
import time
import urllib.request

from harness import Cli, Node, check


def flip_hex(text, index):
    """Flips one hex digit of `text` at `index` (negative counts from the end)."""
    i = index % len(text)
    c = "1" if text[i] != "1" else "2"
    return text[:i] + c + text[i + 1:]


class TamperingProxy:
    """An HTTP proxy in front of a node that rewrites one kind of JSON answer on command.
    `mode` picks what it alters; None passes everything through unchanged."""

    def __init__(self, upstream):
        self.upstream = upstream
        self.mode = None
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *_):
                pass

            def do_GET(self):
                try:
                    with urllib.request.urlopen(proxy.upstream + self.path, timeout=10) as r:
                        status, body = r.status, r.read()
                except urllib.error.HTTPError as e:
                    status, body = e.code, e.read()
                body = proxy.rewrite(self.path, body)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def rewrite(self, path, body):
        mode = self.mode
        if mode is None:
            return body
        j = json.loads(body)
        if path.startswith("/v1/headers?") and j.get("headers"):
            last = j["headers"][-1]
            if mode == "header_bytes":  # alter the header, keep the claimed hash
                last["header_hex"] = flip_hex(last["header_hex"], -1)
            elif mode == "header_rehashed":  # alter the header and claim its new hash
                last["header_hex"] = flip_hex(last["header_hex"], -1)
                last["hash"] = hashlib.blake2b(bytes.fromhex(last["header_hex"]), digest_size=32).hexdigest()
            elif mode == "signature":  # alter the last byte of the last commit signature
                last["commit_hex"] = flip_hex(last["commit_hex"], -1)
            elif mode == "unsigned":  # drop every signature: a commit with no power
                commit = bytes.fromhex(last["commit_hex"])
                last["commit_hex"] = (commit[:44] + bytes(4)).hex()  # height, round, hash, count 0
        elif path.split("?")[0].endswith("/proof"):
            if mode == "proof":  # a sibling hash, the proof's last byte
                j["proof"] = flip_hex(j["proof"], -1)
            elif mode == "value":  # claim a larger balance
                j["value"] = flip_hex(j["value"], 14)
        return json.dumps(j).encode()


def test_verify_account_and_refuse_tampering(bins, workdir):
    node = Node(bins, workdir)
    status = node.start()
    proxy = TamperingProxy(node.url)
    try:
        genesis_hash = status["genesis_hash"]
        cli = Cli(bins, workdir, node)
        cli.run("keys", "import", "demo", "--seed-file", node.demo_seed_file, "--kdf-cost", "test")
        cli.run("keys", "new", "bob", "--kdf-cost", "test")
        bob = cli.run("--key", "bob", "address").stdout.strip()
        sent = cli.json("--key", "demo", "send", "--to", bob, "--amount", "2.25")
        check(sent.get("status") == "finalized", f"send: {sent}")
        # A few more blocks so the light client walks more than one header.
        for _ in range(3):
            cli.json("--key", "demo", "send", "--to", bob, "--amount", "0.25")

        code, api_account = node.get("/v1/accounts/" + bob)
        check(code == 200, f"account: {api_account}")
        verified = cli.json("verify", "account", bob, "--genesis-hash", genesis_hash)
        check(verified["verified"] is True, f"verify: {verified}")
        check(verified["balance"] == api_account["balance"] == "3000000",
              f"verified balance {verified['balance']} vs API {api_account['balance']}")
        check(verified["nonce"] == 0 and verified["exists"] is True, f"verify: {verified}")
        check(verified["trust"]["mode"] == "genesis_hash", f"trust: {verified['trust']}")
        check(verified["headers_verified"] == verified["height"] >= 4, f"headers: {verified}")

        # The proof endpoint answers what the CLI verified, and the API refuses bad asks.
        code, proof = node.get(f"/v1/accounts/{bob}/proof")
        check(code == 200 and proof["account"]["balance"] == "3000000", f"account proof: {proof}")
        code, err = node.get("/v1/state/proof?key=zz")
        check(code == 400 and err["error"]["code"] == "bad_request", f"bad key: {err}")
        code, err = node.get("/v1/state/proof?key=01&height=999999")
        check(code == 404 and "above the head" in err["error"]["message"], f"future height: {err}")
        code, hdr = node.get("/v1/headers/1")
        check(code == 200 and hdr["commit"]["height"] == 1 and hdr["header"]["height"] == 1, f"header: {hdr}")
        code, changes = node.get("/v1/validators/changes?from=0&to=1")
        check(code == 200 and changes["changes"] == [] and len(changes["validators"]["validators"]) == 1,
              f"changes: {changes}")

        # Human output, trust on first use said plainly, and the genesis file as anchor.
        human = cli.run("verify", "account", bob)
        check("Verified account" in human.stdout and "3 TEL" in human.stdout, f"human: {human.stdout}")
        check("trust on first use" in human.stderr, f"first-use warning: {human.stderr}")
        from_file = cli.json("verify", "account", bob, "--genesis", os.path.join(node.home, "genesis.json"))
        check(from_file["trust"]["mode"] == "genesis_file" and from_file["balance"] == "3000000", f"{from_file}")
        absent = cli.json("verify", "state", "01" + "00" * 20, "--genesis-hash", genesis_hash)
        check(absent["exists"] is False and absent["value"] is None, f"absent key: {absent}")
        at1 = cli.json("verify", "account", bob, "--height", "1", "--genesis-hash", genesis_hash)
        check(at1["height"] == 1, f"--height 1: {at1}")

        # Starting from a trusted header instead of the genesis.
        code, hdr2 = node.get("/v1/headers/2")
        later = cli.json("verify", "account", bob, "--trusted-height", "2", "--trusted-hash", hdr2["hash"])
        check(later["balance"] == "3000000" and later["trust"]["mode"] == "trusted_header", f"trusted header: {later}")
        check(later["headers_verified"] == later["height"] - 2, f"trusted header: {later}")
        out = cli.run("--json", "verify", "account", bob, "--trusted-height", "2", "--trusted-hash",
                      flip_hex(hdr2["hash"], 5), check_ok=False)
        check(out.returncode == 1 and json.loads(out.stdout)["error"]["code"] == "header_hash_mismatch",
              f"wrong trusted hash: {out.stdout} {out.stderr}")

        wrong = flip_hex(genesis_hash, 0)
        out = cli.run("--json", "verify", "account", bob, "--genesis-hash", wrong, check_ok=False)
        check(out.returncode == 1 and json.loads(out.stdout)["error"]["code"] == "genesis_mismatch",
              f"wrong genesis hash: {out.returncode} {out.stdout} {out.stderr}")

        via_proxy = Cli(bins, workdir, node)
        via_proxy.node = type("Upstream", (), {"url": proxy.url})()
        ok = via_proxy.json("verify", "account", bob, "--genesis-hash", genesis_hash)
        check(ok["balance"] == "3000000", f"untampered proxy: {ok}")
        expected = {
            "proof": "proof_root_mismatch",
            "value": "proof_root_mismatch",
            "header_bytes": "header_hash_mismatch",
            "header_rehashed": "commit_wrong_block",
            "signature": "forged_signature",
            "unsigned": "insufficient_power",
        }
        for mode, reason in expected.items():
            proxy.mode = mode
            out = via_proxy.run("--json", "verify", "account", bob, "--genesis-hash", genesis_hash, check_ok=False)
            check(out.returncode == 1, f"{mode}: exit {out.returncode}, {out.stdout} {out.stderr}")
            error = json.loads(out.stdout)["error"]
            check(error["code"] == reason, f"{mode}: expected {reason}, got {error}")
            check("verification failed" in out.stderr, f"{mode}: stderr {out.stderr}")
        proxy.mode = None
    finally:
        proxy.close()
        node.stop()


def test_verify_long_chain_shows_progress(bins, workdir):
    """Past 500 headers `telco verify` pages through /v1/headers and reports progress on
    stderr; the verified account matches the API's at the same height."""
    node = Node(bins, workdir)
    node.start(("--empty-blocks", "--block-interval-ms", "10", "--no-sync"))
    try:
        deadline = time.time() + 120 * bins.slow
        height = 0
        while height < 530 and time.time() < deadline:
            time.sleep(0.5)
            height = node.get("/v1/status")[1]["head"]["height"]
        check(height >= 530, f"only {height} blocks after 120 s")
        cli = Cli(bins, workdir, node)
        cli.run("keys", "import", "demo", "--seed-file", node.demo_seed_file, "--kdf-cost", "test")
        demo = cli.run("--key", "demo", "address").stdout.strip()
        started = time.time()
        out = cli.run("--json", "verify", "account", demo, "--height", "510", timeout=120)
        took = time.time() - started
        verified = json.loads(out.stdout)
        check(verified["height"] == 510 and verified["headers_verified"] == 510, f"verify: {verified}")
        check("verified 510/510 headers" in out.stderr, f"progress on stderr: {out.stderr!r}")
        code, proof = node.get(f"/v1/accounts/{demo}/proof?height=510")
        check(code == 200 and proof["account"]["balance"] == verified["balance"], f"{proof} vs {verified}")
        print(f"    verified 510 headers and a proof in {took:.2f} s")
    finally:
        node.stop()
