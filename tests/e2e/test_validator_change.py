"""Validator-set changes on a live network of real telcod processes: a fifth node joins from
the genesis file and the peers' addresses (`telcod join`), block-syncs, and becomes a
validator when the devnet's authority (the demo key) sends `telco validator update`; it then
signs commits, survives kill -9 and votes again; a genesis validator is removed and stopped
and the chain goes on with the new set; a light client trusting only the genesis file
follows the changes (`telco verify`). All nodes agree on every block and supply holds."""
import json
import os
import re
import subprocess
import time

from harness import Cli, check, free_port
from network import Network, Validator


def _signers(node, height):
    code, block = node.get(f"/v1/blocks/{height}")
    check(code == 200, f"block {height} missing on {node.home}: {block}")
    return {s["validator"] for s in block["commit"]["signatures"]}


def _wait_signed_by(nodes, key, present, timeout, slow):
    """Waits for a block whose commit does (present) or does not include `key`."""
    deadline = time.time() + timeout * slow
    while time.time() < deadline:
        head = min(n.height() for n in nodes)
        if head >= 2 and (key in _signers(nodes[0], head - 1)) == present:
            return head - 1
        time.sleep(0.2)
    raise AssertionError(f"no block {'signed' if present else 'unsigned'} by {key[:16]} within {timeout} s")


def _agree(nodes, upto):
    for h in range(1, upto + 1):
        hashes = {n.get(f"/v1/blocks/{h}")[1]["hash"] for n in nodes}
        check(len(hashes) == 1, f"fork at height {h}: {hashes}")


def test_a_joined_node_becomes_a_validator_and_a_genesis_validator_leaves(bins, workdir):
    net = Network(bins, workdir)
    newcomer = None
    try:
        net.start()
        cli = Cli(bins, workdir, net.nodes[0])
        cli.run("keys", "import", "demo", "--seed-file", net.demo_seed_file)
        cli.run("keys", "new", "bob")
        bob = cli.run("--key", "bob", "address").stdout.strip()
        cli.run("--key", "demo", "send", "--to", bob, "--amount", "3")

        # A new node from the genesis file and the four peers' addresses.
        peers = []
        for node in net.nodes:
            listen = node.config()["p2p"]["listen"]
            with open(os.path.join(node.home, "node_key.json")) as f:
                node_id = json.load(f)["public_key"]
            peers += ["--peer", f"{node_id}@{listen}"]
        home = os.path.join(workdir, "newcomer")
        api_port, p2p_port = free_port(), free_port()
        out = subprocess.run([bins.telcod, "--home", home, "join", "--genesis",
                              os.path.join(net.nodes[0].home, "genesis.json"), *peers,
                              "--api-listen", f"127.0.0.1:{api_port}", "--p2p-listen", f"127.0.0.1:{p2p_port}",
                              "--no-sync"], capture_output=True, text=True, timeout=60)
        check(out.returncode == 0, f"telcod join failed: {out.stderr}")
        match = re.search(r"validator public key: ([0-9a-f]{64})", out.stdout)
        check(match, f"telcod join printed no validator key: {out.stdout}")
        new_key = match.group(1)
        newcomer = Validator(bins, home, api_port, os.path.join(workdir, "newcomer.log"))
        newcomer.start()
        net.wait_height(max(net.heights()), nodes=[newcomer], timeout=30)
        check("following (not in the validator set)" in newcomer.log(), "the newcomer starts as a follower")

        # Only the authority may change the set.
        refused = cli.run("--key", "bob", "validator", "update", "--public-key", new_key, "--power", "10",
                          check_ok=False)
        check(refused.returncode != 0 and "not_validator_authority" in refused.stderr,
              f"a non-authority's update must fail: {refused.stderr}")

        added = cli.json("--key", "demo", "validator", "update", "--public-key", new_key, "--power", "10",
                         "--name", "newcomer")
        effective = added["effective_height"]
        everyone = net.nodes + [newcomer]
        net.wait_height(effective + 2, nodes=everyone, timeout=30)
        code, validators = net.nodes[1].get("/v1/validators")
        check(code == 200 and len(validators["validators"]) == 5, f"five validators: {validators}")
        first = _wait_signed_by(everyone, new_key, True, 30, bins.slow)
        check(first >= effective, f"the newcomer signed block {first}, before its set took effect at {effective}")
        check(new_key not in _signers(net.nodes[0], effective - 1), "the old set signed the changing block")

        # The newcomer's votes survive kill -9: it restarts with its set from the change history.
        newcomer.kill9()
        net.wait_height(max(net.heights()) + 2, nodes=net.nodes, timeout=30)
        newcomer.start()
        net.wait_height(max(net.heights()) + 1, nodes=[newcomer], timeout=30)
        _wait_signed_by(everyone, new_key, True, 30, bins.slow)

        # validator-3 leaves the set, then stops: the four remaining hold all the power.
        leaving = net.genesis["validators"][3]["public_key"]
        removed = cli.json("--key", "demo", "validator", "update", "--public-key", leaving, "--power", "0")
        stayers = net.nodes[:3] + [newcomer]
        net.wait_height(removed["effective_height"] + 1, nodes=stayers, timeout=30)
        check(net.nodes[3].stop() == 0, "SIGTERM must exit 0")
        before = max(n.height() for n in stayers)
        net.wait_height(before + 5, nodes=stayers, timeout=30)
        check(leaving not in _signers(stayers[0], before + 4), "the removed validator no longer signs")

        changes = cli.json("validator", "changes")
        check([c["height"] for c in changes["changes"]] == [effective, removed["effective_height"]],
              f"two changes listed: {changes}")

        # A light client trusting only the genesis follows both hand-overs to Bob's balance.
        light = Cli(bins, workdir, newcomer)
        verified = light.json("verify", "account", bob, "--genesis", os.path.join(net.nodes[0].home, "genesis.json"))
        # 3 TEL less the fee of Bob's refused update (failed in its block, fee charged).
        check(verified["verified"] is True and verified["balance"] == "2999000", f"telco verify: {verified}")
        check(verified["headers_verified"] >= removed["effective_height"], f"followed both changes: {verified}")

        head = min(n.height() for n in stayers)
        _agree(stayers, head)
        net.check_supply(stayers[0])
    finally:
        if newcomer:
            newcomer.kill9()
        net.stop()
