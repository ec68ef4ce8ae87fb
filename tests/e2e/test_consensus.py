"""Four real telcod validators deciding blocks by Tendermint over authenticated p2p on
loopback: transfers under load while each validator in turn is killed with kill -9 and
restarted; a validator stopped for longer catches up by block sync; a validator whose WAL
lost its tail recovers; delayed, lossy links through the relay; a 2|2 partition makes no
progress and no fork, and progress resumes when it heals. After every scenario all nodes
agree on every block and balances plus burned fees equal the genesis supply."""
import os
import subprocess
import time

from harness import Cli, check
from network import Network


def _bench_accounts(bins, workdir, n):
    check(os.path.exists(bins.bench), f"telco-bench not built at {bins.bench}")
    path = os.path.join(workdir, "accounts.json")
    out = subprocess.run([bins.bench, "accounts", "--count", str(n), "--balance", "1000000000", "--out", path],
                         capture_output=True, text=True, timeout=60)
    check(out.returncode == 0, f"telco-bench accounts: {out.stderr}")
    return path


def _load(bins, node, accounts, txs, rate):
    return subprocess.Popen([bins.bench, "run", "--node", node.url, "--accounts", str(accounts), "--txs", str(txs),
                             "--rate", str(rate), "--duration-max", "120", "--verify-seconds", "0.2"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)


def _settle(net, timeout=30):
    """Waits until every running node reports the same head, then returns it."""
    deadline = time.time() + timeout * net.bins.slow
    while time.time() < deadline:
        heights = [n.height() for n in net.nodes]
        if min(heights) >= 1 and len(set(heights)) == 1:
            return heights[0]
        time.sleep(0.1)
    # Heads move every few hundred ms: agreement up to the lowest head is what matters.
    return min(n.height() for n in net.nodes)


def test_four_validators_survive_kill9_of_each_in_turn(bins, workdir):
    accounts = _bench_accounts(bins, workdir, 100)
    net = Network(bins, workdir, accounts_file=accounts)
    try:
        net.start()
        load = _load(bins, net.nodes[0], 100, 6000, 300)
        try:
            for i in range(1, 4):
                victim = net.nodes[i]
                victim.kill9()
                before = max(net.heights())
                # The other three hold more than 2/3 of the power: the chain goes on.
                net.wait_height(before + 3, nodes=net.running(), timeout=15)
                victim.start()
                net.wait_height(max(net.heights()), nodes=[victim], timeout=30)
        finally:
            out, _ = load.communicate(timeout=180 * bins.slow)
        check(load.returncode == 0, f"load run failed: {out[-500:]}")
        head = _settle(net)
        net.check_agreement(head)
        net.check_supply()
        for node in net.nodes:
            check("consensus stopped" not in node.log(), f"{node.home}: consensus stopped")
    finally:
        net.stop()


def test_stopped_validator_catches_up_by_block_sync(bins, workdir):
    net = Network(bins, workdir)
    try:
        net.start()
        cli = Cli(bins, workdir, net.nodes[1])
        cli.run("keys", "import", "demo", "--seed-file", net.demo_seed_file)
        cli.run("keys", "new", "bob")
        late = net.nodes[3]
        check(late.stop() == 0, "SIGTERM must exit 0")
        bob = cli.run("--key", "bob", "address").stdout.strip()
        cli.run("--key", "demo", "send", "--to", bob, "--amount", "2")
        target = max(net.heights()) + 20
        net.wait_height(target, nodes=net.nodes[:3], timeout=60)
        late.start()
        net.wait_height(target, nodes=[late], timeout=30)
        check("block sync" in late.log(), "the late validator must report block sync progress")
        code, acct = late.get(f"/v1/accounts/{bob}")
        check(code == 200 and acct["balance"] == "2000000", f"synced state is wrong: {acct}")
        # A light client trusting only the genesis file verifies Bob's balance from the node
        # that caught up: every header through commits of more than 2/3 of the 4 validators.
        genesis = os.path.join(late.home, "genesis.json")
        verified = Cli(bins, workdir, late).json("verify", "account", bob, "--genesis", genesis)
        check(verified["verified"] is True and verified["balance"] == "2000000", f"telco verify: {verified}")
        head = _settle(net)
        net.check_agreement(head)
    finally:
        net.stop()


def test_truncated_wal_tail_recovers(bins, workdir):
    net = Network(bins, workdir)
    try:
        net.start()
        victim = net.nodes[2]
        victim.kill9()
        wal = os.path.join(victim.home, "data", "consensus", "wal")
        size = os.path.getsize(wal)
        check(size > 8, f"the WAL should hold the current height's records: {size} bytes")
        with open(wal, "r+b") as f:
            f.truncate(size - 5)  # a torn last record, as after a crash in the middle of a write
        victim.start()
        net.wait_height(max(net.heights()) + 3, timeout=30)
        check("cut a torn or corrupt tail" in victim.log(), "recovery must report the cut tail")
        head = _settle(net)
        net.check_agreement(head)
    finally:
        net.stop()


def test_delayed_lossy_links_and_a_healed_partition(bins, workdir):
    net = Network(bins, workdir, relays=True, seed=int(time.time()))
    try:
        net.start()
        for a in range(4):
            for b in range(a + 1, 4):
                net.link(a, b, delay_ms=50, jitter_ms=10, loss=0.01)
        cli = Cli(bins, workdir, net.nodes[0])
        cli.run("keys", "import", "demo", "--seed-file", net.demo_seed_file)
        cli.run("keys", "new", "carol")
        carol = cli.run("--key", "carol", "address").stdout.strip()
        for _ in range(3):
            sent = cli.json("--key", "demo", "send", "--to", carol, "--amount", "1")
            check(sent.get("status") == "finalized", f"transfer over delayed links: {sent}")
        # 2|2: neither side holds more than 2/3 of the power.
        net.partition([0, 1], [2, 3])
        time.sleep(1.5)  # a decision in flight when the links went down may still land
        frozen = net.heights()
        time.sleep(4)
        check(net.heights() == frozen, f"progress during a 2|2 partition: {frozen} -> {net.heights()}")
        net.heal()
        net.wait_height(max(frozen) + 3, timeout=30)
        head = _settle(net)
        net.check_agreement(head)
        net.check_supply()
    finally:
        net.stop()
