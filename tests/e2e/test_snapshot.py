"""Fast sync from state snapshots (docs/STATE.md, "Snapshots"), with real telcod processes:
four validators export a snapshot every 30 heights while transfers go through; three of
them serve a corrupted chunk; a fresh node started with --fast-sync takes the snapshot over
p2p, reports each corrupt chunk as its sender's fault and fetches it elsewhere, restores
the state verified against the header's commit, then block-syncs and follows the head with
the same balances as the validators, without ever holding the blocks below the snapshot.
Then the offline path: a stopped node's `telcod snapshot export`, restored into another
fresh home with `telcod snapshot restore`, which also catches up and follows."""
import os
import shutil
import subprocess
import time

from harness import Cli, check, free_port
from network import Network, Validator

INTERVAL = 30


def _configure(net):
    for node in net.nodes:
        config = node.config()
        config["snapshot"] = {"interval": INTERVAL, "keep": 2}
        config["consensus"]["timeout_commit_ms"] = 600  # a slower chain: the snapshot stays the newest
        node.write_config(config)


def _node_ids(net):
    """p2p port -> node id, from the validators' peer lists (each lists the others)."""
    ids = {}
    for node in net.nodes:
        for peer in node.config()["p2p"]["persistent_peers"]:
            node_id, address = peer.split("@")
            ids[int(address.rsplit(":", 1)[1])] = node_id
    return ids


def _fresh_home(bins, net, workdir, name, fast_sync):
    """A follower of the network's chain: its own keys, the network's genesis, every validator
    as a persistent peer."""
    home = os.path.join(workdir, name)
    port = free_port()
    out = subprocess.run([bins.telcod, "--home", home, "init", "--chain-id", "telco-e2e", "--api-listen",
                          f"127.0.0.1:{port}", "--log-level", "info"], capture_output=True, text=True, timeout=60)
    check(out.returncode == 0, f"telcod init: {out.stderr}")
    shutil.copy(os.path.join(net.nodes[0].home, "genesis.json"), os.path.join(home, "genesis.json"))
    node = Validator(bins, home, port, os.path.join(workdir, f"{name}.log"))
    config = node.config()
    config["p2p"]["listen"] = f"127.0.0.1:{free_port()}"
    config["p2p"]["persistent_peers"] = [f"{i}@127.0.0.1:{p}" for p, i in sorted(_node_ids(net).items())]
    config["state_sync"] = {"enabled": fast_sync, "discovery_ms": 10000}
    node.write_config(config)
    return node


def _wait_snapshot(net, height, timeout=120):
    deadline = time.time() + timeout * net.bins.slow
    paths = [os.path.join(n.home, "data", "snapshots", str(height), "manifest.bin") for n in net.nodes]
    while time.time() < deadline:
        if all(os.path.exists(p) for p in paths):
            return
        time.sleep(0.1)
    raise AssertionError(f"not every validator exported the snapshot at {height}")


def _balances(node, addresses):
    out = {}
    for a in addresses:
        code, acct = node.get(f"/v1/accounts/{a}")
        check(code == 200, f"account {a}: {acct}")
        out[a] = acct["balance"]
    return out


def _same_head_balances(net, follower, addresses, timeout=60):
    """Waits until the follower has the validators' head and both show the same balances."""
    deadline = time.time() + timeout * net.bins.slow
    last = None
    while time.time() < deadline:
        head = net.nodes[0].height()
        if follower.height() >= head > 0:
            mine, theirs = _balances(follower, addresses), _balances(net.nodes[0], addresses)
            code_a, a = follower.get(f"/v1/blocks/{head}")
            code_b, b = net.nodes[0].get(f"/v1/blocks/{head}")
            if mine == theirs and code_a == code_b == 200 and a["hash"] == b["hash"]:
                return mine
            last = (mine, theirs)
        time.sleep(0.2)
    raise AssertionError(f"follower did not converge on the validators' head and balances: {last}")


def test_fresh_node_fast_syncs_from_a_snapshot_over_p2p(bins, workdir):
    net = Network(bins, workdir)
    _configure(net)
    followers = []
    try:
        net.start()
        cli = Cli(bins, workdir, net.nodes[0])
        cli.run("keys", "import", "demo", "--seed-file", net.demo_seed_file)
        cli.run("keys", "new", "bob")
        cli.run("keys", "new", "carol")
        demo = cli.run("--key", "demo", "address").stdout.strip()
        bob = cli.run("--key", "bob", "address").stdout.strip()
        carol = cli.run("--key", "carol", "address").stdout.strip()
        for amount in ("3", "4.5", "1"):
            cli.run("--key", "demo", "send", "--to", bob, "--amount", amount)
        cli.run("--key", "demo", "send", "--to", carol, "--amount", "7")
        cli.run("--key", "bob", "send", "--to", carol, "--amount", "0.25")
        # The joiner is laid out first, so that it starts right after the next snapshot:
        # the one after that is INTERVAL blocks (about 18 s) away.
        joiner = _fresh_home(bins, net, workdir, "joiner", fast_sync=True)
        followers.append(joiner)
        target = (max(net.heights()) // INTERVAL + 1) * INTERVAL
        _wait_snapshot(net, target)
        check(all(f"snapshot: exported height {target}" in n.log() for n in net.nodes), "export must be logged")

        # Every validator but the one whose node id sorts last serves a corrupt chunk: the
        # joiner asks them first and must blame each, then take the chunk from the honest one.
        ids = _node_ids(net)
        honest_port = max(ids, key=lambda p: ids[p])
        corrupted = 0
        for node in net.nodes:
            if int(node.config()["p2p"]["listen"].rsplit(":", 1)[1]) == honest_port:
                continue
            chunks = os.path.join(node.home, "data", "snapshots", str(target), "chunks")
            for name in os.listdir(chunks):
                path = os.path.join(chunks, name)
                data = bytearray(open(path, "rb").read())
                data[-1] ^= 0x01
                open(path, "wb").write(bytes(data))
                corrupted += 1
        check(corrupted >= 3, f"expected chunk files to corrupt on three validators, found {corrupted}")

        joiner.start(["--fast-sync"])
        log = joiner.log()
        check(f"state sync: snapshot at height {target} verified" in log, f"no verified snapshot in the log:\n{log}")
        check("state sync: chunk " in log and "keys/s, ETA" in log, "restore progress must be shown")
        check(log.count("does not verify") >= 1, f"corrupt chunks must be reported as peer faults:\n{log}")
        check(f"state sync: restored height {target}" in log, "restore must complete")
        code, _ = joiner.get("/v1/blocks/1")
        check(code == 404, "a fast-synced node holds no block below its snapshot")

        # It follows the chain by block sync and then with everyone; new transfers reach it.
        cli.run("--key", "carol", "send", "--to", demo, "--amount", "2")
        balances = _same_head_balances(net, joiner, [demo, bob, carol])
        check(int(balances[bob]) > 8_000_000, f"bob's transfers must be in the restored state: {balances}")
        check("block sync" in joiner.log(), "the joiner must block-sync from the snapshot height")
        before = joiner.height()
        net.wait_height(before + 3, nodes=[joiner], timeout=30)

        # Offline: a stopped follower exports its state; a second fresh home restores it.
        check(joiner.stop() == 0, "SIGTERM must exit 0")
        out_dir = os.path.join(workdir, "exported")
        out = subprocess.run([bins.telcod, "--home", joiner.home, "snapshot", "export", "--out", out_dir],
                             capture_output=True, text=True, timeout=60)
        check(out.returncode == 0 and "Exported height" in out.stdout, f"snapshot export: {out.stdout} {out.stderr}")
        second = _fresh_home(bins, net, workdir, "second", fast_sync=False)
        followers.append(second)
        out = subprocess.run([bins.telcod, "--home", second.home, "snapshot", "restore", "--from", out_dir],
                             capture_output=True, text=True, timeout=60)
        check(out.returncode == 0 and "Restored height" in out.stdout, f"snapshot restore: {out.stdout} {out.stderr}")
        again = subprocess.run([bins.telcod, "--home", second.home, "snapshot", "restore", "--from", out_dir],
                               capture_output=True, text=True, timeout=60)
        check(again.returncode != 0 and "already holds a chain" in again.stderr, "a second restore must be refused")
        second.start()
        _same_head_balances(net, second, [demo, bob, carol])
        net.wait_height(net.nodes[0].height() + 2, nodes=[second], timeout=30)
        second.stop()
    finally:
        for node in followers:
            try:
                node.stop()
            except Exception:  # noqa: BLE001 - already dead
                node.kill9()
        net.stop()
