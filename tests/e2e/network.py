"""A local network of real telcod validators for end-to-end tests: `telcod testnet` lays out
the homes, each node runs as its own process on loopback ports, and optionally every p2p link
runs through a userspace relay (relay.py) that delays, drops or partitions it."""
import json
import os
import subprocess
import time

from harness import Node, check, free_ports, http
from relay import route_testnet


class Validator(Node):
    """A Node whose home was made by `telcod testnet` (no init of its own)."""

    def __init__(self, bins, home, port, log_path):  # noqa: super().__init__ would run init
        self.bins = bins
        self.home = home
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.proc = None
        self.log_path = log_path

    def height(self):
        try:
            code, st = http("GET", self.url + "/v1/status", timeout=2)
            return st["head"]["height"] if code == 200 else -1
        except Exception:  # noqa: BLE001 - a stopped node
            return -1

    def config(self):
        with open(os.path.join(self.home, "config.json")) as f:
            return json.load(f)

    def write_config(self, config):
        with open(os.path.join(self.home, "config.json"), "w") as f:
            json.dump(config, f, indent=2)


class Network:
    def __init__(self, bins, workdir, n=4, accounts_file=None, relays=False, seed=1):
        self.bins = bins
        self.dir = os.path.join(workdir, "net")
        api_base, p2p_base = free_ports(n), free_ports(n)
        args = [bins.telcod, "testnet", "--dir", self.dir, "--validators", str(n), "--chain-id", "telco-e2e",
                "--api-port", str(api_base), "--p2p-port", str(p2p_base), "--no-sync",
                "--max-pending-per-sender", "100000"]
        if accounts_file:
            args += ["--accounts-file", accounts_file]
        out = subprocess.run(args, capture_output=True, text=True, timeout=60 * bins.slow)
        check(out.returncode == 0, f"telcod testnet failed: {out.stderr}")
        self.nodes = [Validator(bins, os.path.join(self.dir, f"validator-{i}"), api_base + i,
                                os.path.join(workdir, f"validator-{i}.log")) for i in range(n)]
        self.demo_seed_file = os.path.join(self.dir, "demo_key.seed")
        with open(os.path.join(self.nodes[0].home, "genesis.json")) as f:
            self.genesis = json.load(f)
        self.relays = {}
        if relays:
            self.relays = route_testnet([n.home for n in self.nodes], seed)

    def start(self):
        for node in self.nodes:
            node.start()
        self.wait_height(2, timeout=30)

    def stop(self):
        for node in self.nodes:
            try:
                node.stop()
            except Exception:  # noqa: BLE001 - already dead
                node.kill9()
        for relay in self.relays.values():
            relay.stop()

    def running(self):
        return [n for n in self.nodes if n.proc and n.proc.poll() is None]

    def heights(self):
        return [n.height() for n in self.nodes]

    def wait_height(self, height, nodes=None, timeout=30):
        nodes = nodes or self.running()
        deadline = time.time() + timeout * self.bins.slow
        while time.time() < deadline:
            if all(n.height() >= height for n in nodes):
                return
            time.sleep(0.05)
        raise AssertionError(f"nodes did not reach height {height} within {timeout} s: {self.heights()}")

    def link(self, a, b, **settings):
        for key in ((a, b), (b, a)):
            if key in self.relays:
                self.relays[key].set_link("both", **settings)

    def partition(self, group_a, group_b, mode="hold"):
        for a in group_a:
            for b in group_b:
                for key in ((a, b), (b, a)):
                    if key in self.relays:
                        self.relays[key].partition("both", mode=mode)

    def heal(self):
        for relay in self.relays.values():
            relay.heal()

    def check_agreement(self, upto):
        """Every node holds the same block hash at every height 1..upto (no fork), and each
        block carries a commit with more than 2/3 of the voting power."""
        validators = len(self.genesis["validators"])
        for h in range(1, upto + 1):
            hashes = set()
            for node in self.nodes:
                code, block = node.get(f"/v1/blocks/{h}")
                check(code == 200, f"{node.home}: block {h} missing: {block}")
                hashes.add(block["hash"])
            check(len(hashes) == 1, f"fork at height {h}: {hashes}")
            if h == upto:
                signers = len(block["commit"]["signatures"])
                check(3 * signers > 2 * validators, f"block {h} commit has {signers} of {validators} signers")

    def check_supply(self, node=None):
        """Balances of every account ever touched + burned fees = genesis supply."""
        node = node or self.nodes[0]
        supply = sum(int(a["balance"]) for a in self.genesis["accounts"])
        head = node.height()
        burned, addresses = 0, {a["address"] for a in self.genesis["accounts"]}
        for h in range(1, head + 1):
            code, block = node.get(f"/v1/blocks/{h}")
            check(code == 200, f"block {h} missing")
            for t in block["txs"]:
                burned += int(t["result"]["fee_charged"])
                if "to" in t["payload"]:
                    addresses.add(t["payload"]["to"])
        total = 0
        for a in addresses:
            _, acct = node.get(f"/v1/accounts/{a}")
            total += int(acct["balance"])
        check(total + burned == supply, f"supply mismatch: {total} + burned {burned} != genesis {supply}")
        return head
