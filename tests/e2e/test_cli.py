"""The wallet flow a newcomer follows in the README, with the real telco CLI."""
from harness import Cli, Node, check


def test_wallet_send_and_lookups(bins, workdir):
    node = Node(bins, workdir)
    node.start()
    try:
        cli = Cli(bins, workdir, node)
        cli.run("keys", "import", "demo", "--seed-file", node.demo_seed_file, "--kdf-cost", "test")
        cli.run("keys", "new", "alice", "--kdf-cost", "test")
        listed = cli.run("keys", "list").stdout
        check("demo" in listed and "alice" in listed, f"keys list: {listed}")
        alice = cli.run("--key", "alice", "address").stdout.strip()
        check(alice.startswith("tc1"), f"address: {alice}")

        human = cli.run("--key", "demo", "balance").stdout
        check("1000000" in human.replace(",", ""), f"demo balance (human): {human}")

        sent = cli.json("--key", "demo", "send", "--to", alice, "--amount", "1.5")
        check(sent.get("status") == "finalized", f"send did not wait for finality: {sent}")
        tx_hash = sent["hash"]
        check(sent["result"]["name"] == "ok", f"send result: {sent}")

        bal = cli.json("balance", alice)
        check(bal["balance"] == "1500000", f"alice balance: {bal}")
        tx = cli.json("tx", tx_hash)
        check(tx["status"] == "finalized" and tx["height"] >= 1, f"tx lookup: {tx}")
        block = cli.json("block", str(tx["height"]))
        check(any(t["hash"] == tx_hash for t in block["txs"]), "block lookup lacks the tx")
        acct = cli.json("account", alice)
        check(any(t["hash"] == tx_hash for t in acct.get("txs", [])), f"account history: {acct}")
        head = cli.json("head")
        check(head["height"] >= tx["height"], f"head: {head}")

        # Human output too, for each lookup.
        for args in (("tx", tx_hash), ("block", "latest"), ("account", alice), ("head",), ("status",),
                     ("validators",)):
            out = cli.run(*args)
            check(out.stdout.strip(), f"telco {' '.join(args)} printed nothing")

        # Refusals: overspend is rejected before signing or by the node, with a reason.
        over = cli.run("--key", "alice", "send", "--to", alice, "--amount", "5", check_ok=False)
        check(over.returncode == 1, f"overspend exit code {over.returncode}")
        check("cannot cover" in over.stderr, f"overspend must be refused before signing: {over.stderr}")
        bad = cli.run("--key", "demo", "send", "--to", alice[:-1] + ("q" if alice[-1] != "q" else "p"),
                      "--amount", "1", check_ok=False)
        check(bad.returncode != 0 and "address" in bad.stderr.lower(), f"mistyped address: {bad.stderr}")
        wrong = Cli(bins, workdir, node)
        wrong.env["TELCO_PASSPHRASE"] = "not-the-passphrase"
        denied = wrong.run("--key", "demo", "send", "--to", alice, "--amount", "1", check_ok=False)
        check(denied.returncode != 0 and "passphrase" in denied.stderr, f"wrong passphrase: {denied.stderr}")
        for cmd in ((), ("send",), ("keys",), ("block",)):
            h = cli.run(*cmd, "--help")
            check("Usage" in h.stdout or "usage" in h.stdout.lower(), f"--help for {cmd}")
    finally:
        node.stop()
