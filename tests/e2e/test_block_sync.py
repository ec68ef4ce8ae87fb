"""Block sync in runs (docs/CONSENSUS.md, "Block sync"): a fresh node joins a source that
holds thousands of blocks with whole-set commits (telco-sync-fill), is killed with kill -9
in the middle of a run of deferred commits, restarts from the height its store kept, and
finishes with every block and the state root equal to the source's."""
import json
import os
import subprocess
import time

from harness import check, free_port
from network import Validator

BLOCKS = 3000
TXS = 20
ACCOUNTS = 200


def _run(args, timeout=120):
    out = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
    check(out.returncode == 0, f"{os.path.basename(args[0])} {args[1]}: {out.stderr[-800:]}")
    return out


def _json(path):
    with open(path) as f:
        return json.load(f)


def test_kill9_during_block_sync_resumes_and_agrees(bins, workdir):
    bench_dir = os.path.dirname(bins.bench)
    fill = os.path.join(bench_dir, "telco-sync-fill")
    check(os.path.exists(fill), f"telco-sync-fill not built at {fill}")
    accounts = os.path.join(workdir, "accounts.json")
    _run([bins.bench, "accounts", "--count", str(ACCOUNTS), "--out", accounts])
    net = os.path.join(workdir, "net")
    _run([bins.telcod, "testnet", "--dir", net, "--validators", "4", "--chain-id", "telco-e2e-sync",
          "--accounts-file", accounts, "--api-port", str(free_port()), "--p2p-port", str(free_port()), "--no-sync",
          "--max-block-txs", str(TXS)])
    source_home = os.path.join(net, "validator-0")
    keys = []
    for i in range(4):
        keys += ["--validator-key", os.path.join(net, f"validator-{i}", "validator_key.json")]
    _run([fill, "--home", source_home, *keys, "--blocks", str(BLOCKS), "--txs-per-block", str(TXS),
          "--accounts", str(ACCOUNTS)], timeout=300 * bins.slow)

    config = _json(os.path.join(source_home, "config.json"))
    source = Validator(bins, source_home, int(config["api"]["listen"].rsplit(":", 1)[1]),
                       os.path.join(workdir, "source.log"))
    node_id = _json(os.path.join(source_home, "node_key.json"))["public_key"]
    follower_home = os.path.join(workdir, "follower")
    port = free_port()
    _run([bins.telcod, "--home", follower_home, "join", "--genesis", os.path.join(source_home, "genesis.json"),
          "--peer", f"{node_id}@{config['p2p']['listen']}", "--api-listen", f"127.0.0.1:{port}",
          "--p2p-listen", f"127.0.0.1:{free_port()}"])
    follower = Validator(bins, follower_home, port, os.path.join(workdir, "follower.log"))
    try:
        source.start()
        check(source.height() == BLOCKS, f"source at {source.height()}, expected {BLOCKS}")
        follower.start()
        # Kill it while it applies runs: well past the start, well before the end.
        deadline = time.time() + 120 * bins.slow
        seen = 0
        while seen < BLOCKS // 5 and time.time() < deadline:
            seen = follower.height()
            time.sleep(0.005)
        follower.kill9()
        log_before = len(follower.log())
        follower.start()
        resumed = follower.height()
        check(resumed >= BLOCKS // 10, f"the restarted node kept only {resumed} blocks")
        check(resumed < BLOCKS, "the kill came after the sync had finished; nothing was tested")
        deadline = time.time() + 120 * bins.slow
        while follower.height() < BLOCKS and time.time() < deadline:
            time.sleep(0.05)
        check(follower.height() == BLOCKS, f"follower at {follower.height()} of {BLOCKS} after the restart")
        after = follower.log()[log_before:]
        check("block sync:" in after, "the restarted node must sync and report progress")
        check("consensus stopped" not in follower.log(), "the follower's consensus stopped")
        # Same chain: block hashes across the range and the head's state root.
        for h in sorted({1, resumed - 1, resumed, resumed + 1, BLOCKS // 2, BLOCKS - 1, BLOCKS}):
            if h < 1:
                continue
            a, b = source.get(f"/v1/blocks/{h}"), follower.get(f"/v1/blocks/{h}")
            check(a[0] == 200 and b[0] == 200, f"block {h}: {a[0]} / {b[0]}")
            check(a[1]["hash"] == b[1]["hash"], f"block {h} differs")
        s, f = source.get("/v1/status")[1], follower.get("/v1/status")[1]
        check(s["head"] == f["head"], f"heads differ: {s['head']} / {f['head']}")
        print(f"    killed past height {seen}, resumed at {resumed}, synced {BLOCKS}")
    finally:
        follower.kill9()
        source.kill9()
