"""Crash safety: a clean restart keeps the chain; kill -9 in the middle of load loses no
transaction a client saw finalized, and supply accounting still balances."""
import json
import os
import subprocess
import threading
import time

from harness import Node, check, http


def test_clean_restart_keeps_chain(bins, workdir):
    node = Node(bins, workdir, init_args=("--empty-blocks", "--block-interval-ms", "50"))
    node.start()
    time.sleep(0.5 * bins.slow)
    check(node.stop() == 0, "SIGTERM must exit 0")
    check("stopped cleanly" in node.log(), "clean stop must be logged")
    head = None
    node.start()
    _, st = node.get("/v1/status")
    head = st["head"]["height"]
    check(head >= 2, f"empty blocks should have been produced: head {head}")
    _, block = node.get(f"/v1/blocks/{head}")
    check(block["height"] == head, "head block readable after restart")
    node.stop()


def _watch_blocks(node, seen, stop):
    """What a client observes as finalized: every tx of every block the API returns."""
    next_height = 1
    while not stop.is_set():
        try:
            status, st = http("GET", node.url + "/v1/status", timeout=2)
            head = st["head"]["height"] if status == 200 else 0
            while next_height <= head:
                code, block = http("GET", f"{node.url}/v1/blocks/{next_height}", timeout=5)
                if code != 200:
                    break
                for t in block["txs"]:
                    seen[t["hash"]] = (block["height"], block["hash"])
                next_height += 1
        except Exception:  # noqa: BLE001 - the node is being killed under us
            pass
        time.sleep(0.02)


def test_kill9_mid_load_loses_nothing(bins, workdir):
    check(os.path.exists(bins.bench), f"telco-bench not built at {bins.bench}")
    accounts = os.path.join(workdir, "accounts.json")
    n_accounts = 200
    out = subprocess.run([bins.bench, "accounts", "--count", str(n_accounts), "--balance", "1000000000",
                          "--out", accounts], capture_output=True, text=True, timeout=60)
    check(out.returncode == 0, f"telco-bench accounts: {out.stderr}")
    node = Node(bins, workdir, init_args=("--accounts-file", accounts, "--max-pending-per-sender", "100000"))
    with open(os.path.join(node.home, "genesis.json")) as f:
        genesis = json.load(f)
    supply = sum(int(a["balance"]) for a in genesis["accounts"])
    node.start()
    seen, stop = {}, threading.Event()
    watcher = threading.Thread(target=_watch_blocks, args=(node, seen, stop))
    watcher.start()
    load = subprocess.Popen([bins.bench, "run", "--node", node.url, "--accounts", str(n_accounts),
                             "--txs", "40000", "--duration-max", "60", "--verify-seconds", "0.5"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60 * bins.slow
        while len(seen) < 2000 and time.time() < deadline:
            time.sleep(0.05)
        check(len(seen) >= 2000, f"load did not get going: {len(seen)} txs finalized")
        node.kill9()
    finally:
        stop.set()
        watcher.join()
        load.kill()
        load.wait()
    acknowledged = dict(seen)

    node.start()
    _, st = node.get("/v1/status")
    head = st["head"]["height"]
    check(head >= max(h for h, _ in acknowledged.values()), "restarted below an acknowledged height")
    # Every acknowledged-finalized transaction is still there, in the same block.
    for tx_hash, (height, block_hash) in acknowledged.items():
        code, t = node.get(f"/v1/txs/{tx_hash}")
        check(code == 200 and t["status"] == "finalized", f"lost {tx_hash} after kill -9: {t}")
        check(t["height"] == height and t["block_hash"] == block_hash, f"{tx_hash} moved blocks")
    # Audit: balances of every account that ever held tokens + fees burned = genesis supply.
    burned, addresses, count = 0, {a["address"] for a in genesis["accounts"]}, 0
    for h in range(1, head + 1):
        code, block = node.get(f"/v1/blocks/{h}")
        check(code == 200, f"block {h} missing after restart")
        check(block["header"]["prev_hash"] != "", "header must link to its parent")
        for t in block["txs"]:
            burned += int(t["result"]["fee_charged"])
            addresses.add(t["payload"]["to"])
            count += 1
    total = 0
    for a in addresses:
        code, acct = node.get(f"/v1/accounts/{a}")
        total += int(acct["balance"])
    check(total + burned == supply, f"supply mismatch: balances {total} + burned {burned} != genesis {supply}")
    check(count >= len(acknowledged), "fewer txs on chain than acknowledged")
    node.stop()
