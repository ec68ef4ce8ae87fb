"""The HTTP API driven with curl: submission in every accepted form, queries, and bad input."""
import json
import os
import subprocess

from harness import Cli, Node, check, curl, http


def signed_tx_hex(cli, to, amount="0.25"):
    """A transfer signed by the real CLI without submitting it."""
    out = cli.json("--key", "demo", "send", "--to", to, "--amount", amount, "--dry-run")
    check("tx_hex" in out, f"send --dry-run gave no tx_hex: {out}")
    return out


def test_curl_submit_and_queries(bins, workdir):
    node = Node(bins, workdir)
    node.start()
    try:
        cli = Cli(bins, workdir, node)
        cli.run("keys", "import", "demo", "--seed-file", node.demo_seed_file, "--kdf-cost", "test")
        cli.run("keys", "new", "bob", "--kdf-cost", "test")
        bob = cli.run("--key", "bob", "address").stdout.strip()

        dry = signed_tx_hex(cli, bob)
        code, body = curl("-X", "POST", "-H", "Content-Type: application/json", "--data-binary",
                          json.dumps({"tx": dry["tx_hex"]}), node.url + "/v1/txs")
        check(code == 200 and body["accepted"] == 1, f"curl submit: {code} {body}")
        tx_hash = body["results"][0]["hash"]
        check(tx_hash == dry["hash"], "the node and the CLI disagree on the tx hash")

        code, body = curl("-X", "POST", "-H", "Content-Type: application/json", "--data-binary",
                          json.dumps({"tx": dry["tx_hex"]}), node.url + "/v1/txs")
        check(code == 200 and body["rejected"] == 1, f"resubmission must be rejected: {body}")
        check(body["results"][0]["name"] in ("duplicate", "nonce_too_low"), f"wrong code: {body}")

        status = None
        for _ in range(200):
            code, status = curl(node.url + f"/v1/txs/{tx_hash}")
            if code == 200 and status.get("status") == "finalized":
                break
            subprocess.run(["sleep", "0.05"])
        check(status and status.get("status") == "finalized", f"not finalized: {status}")
        check(status["result"]["name"] == "ok", f"result: {status}")

        code, block = curl(node.url + f"/v1/blocks/{status['height']}")
        check(code == 200 and block["hash"] == status["block_hash"], f"block lookup: {block}")
        check(any(t["hash"] == tx_hash for t in block["txs"]), "tx missing from its block")
        check(len(block["commit"]["signatures"]) == 1, "commit must carry the validator signature")
        code, by_hash = curl(node.url + f"/v1/blocks/{block['hash']}")
        check(code == 200 and by_hash["height"] == block["height"], "block by hash")

        code, acct = curl(node.url + f"/v1/accounts/{bob}")
        check(code == 200 and acct["balance"] == "250000", f"bob balance: {acct}")
        code, hist = curl(node.url + f"/v1/accounts/{bob}/txs")
        check(code == 200 and hist["txs"][0]["hash"] == tx_hash, f"history: {hist}")
        code, vals = curl(node.url + "/v1/validators")
        check(code == 200 and len(vals["validators"]) == 1, f"validators: {vals}")
        code, spec = curl(node.url + "/openapi.yaml")
        check(code == 200 and "openapi:" in str(spec), "openapi.yaml must be served")
    finally:
        node.stop()


def test_bad_input_is_refused_and_harmless(bins, workdir):
    node = Node(bins, workdir)
    node.start()
    try:
        before = node.get("/v1/status")[1]["head"]["height"]
        post = lambda body, ctype="application/json": curl(  # noqa: E731
            "-X", "POST", "-H", f"Content-Type: {ctype}", "--data-binary", "@-", node.url + "/v1/txs", data=body)
        # Bodies that cannot be parsed at all: HTTP 400 with an error object.
        for body in (b"{not json", b'{"txs": []}', b'{"tx": "00", "extra": 1}', b'{"tx": 5}', b"[]", b""):
            code, resp = post(body)
            check(code == 400 and isinstance(resp, dict) and "error" in resp, f"{body!r}: {code} {resp}")
        # Parsable bodies whose transaction is bad: 200, rejected in results with a stable code.
        for body, name in ((b'{"tx": "zz"}', "malformed_encoding"), (b'{"tx": "00"}', "malformed_encoding"),
                           (b'{"tx": "AAEC", "encoding": "base64"}', "malformed_encoding")):
            code, resp = post(body)
            check(code == 200 and resp["rejected"] == 1, f"{body!r}: {code} {resp}")
            check(resp["results"][0]["name"] == name, f"{body!r}: {resp}")
        code, resp = post(b"\x00\x01\x02", "application/octet-stream")
        check(code == 400 and "error" in resp, f"octet garbage: {code} {resp}")
        code, resp = post(b"x", "text/plain")
        check(code == 415, f"wrong content type: {code}")
        code, resp = post(b"0" * (9 << 20))
        check(code == 413, f"oversized body: {code}")
        code, resp = curl(node.url + "/v1/nope")
        check(code == 404 and "error" in resp, f"unknown path: {code}")
        code, resp = curl("-X", "DELETE", node.url + "/v1/status")
        check(code == 405, f"wrong method: {code}")
        code, resp = curl(node.url + "/v1/accounts/tc1notanaddress")
        check(code == 400, f"bad address: {code}")
        code, resp = curl(node.url + "/v1/txs/" + "ab" * 32)
        check(code == 404, f"unknown tx: {code}")
        code, resp = curl(node.url + "/v1/blocks/999999")
        check(code == 404, f"missing block: {code}")
        # The node is still healthy and nothing was committed.
        code, st = curl(node.url + "/v1/status")
        check(code == 200 and st["head"]["height"] == before, "bad input must not change the chain")
        check(node.proc.poll() is None, "telcod must survive bad input")
    finally:
        node.stop()


def test_config_errors_are_clear(bins, workdir):
    node = Node(bins, workdir)
    cfg = os.path.join(node.home, "config.json")
    with open(cfg) as f:
        good = f.read()
    with open(cfg, "w") as f:
        f.write(good.replace('"api"', '"apii"', 1))
    out = subprocess.run([bins.telcod, "--home", node.home, "start"], capture_output=True, text=True,
                         timeout=30 * bins.slow)
    check(out.returncode != 0, "unknown config field must stop the node")
    check("unknown field 'config.apii'" in out.stderr, f"message should name the field: {out.stderr}")
    with open(cfg, "w") as f:
        f.write(good)
    out = subprocess.run([bins.telcod, "--home", node.home, "start", "--api-listen", "nonsense"],
                         capture_output=True, text=True, timeout=30 * bins.slow)
    check(out.returncode != 0 and "HOST:PORT" in out.stderr, f"bad flag: {out.stderr}")
    out = subprocess.run([bins.telcod, "--home", os.path.join(workdir, "nowhere"), "start"],
                         capture_output=True, text=True, timeout=30 * bins.slow)
    check(out.returncode != 0 and "telcod init" in out.stderr, f"missing home: {out.stderr}")
