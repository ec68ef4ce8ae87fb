#!/usr/bin/env python3
"""Browser tests of the block explorer against a real devnet.

This script owns the processes: it installs the npm packages (`npm ci`), starts a real
telcod with the e2e harness (tests/e2e/harness.py), funds keys with the real telco CLI, makes
module records with it (a ported number, devices, a name: Devnet.module_records), and runs
explorer.test.mjs (playwright-core driving Debian's chromium). The browser script asks
for process actions it cannot do itself -- send a transfer, kill the node, start it again --
by printing `@@control {json}` lines; this script does them and answers with one JSON line
on the browser script's stdin.

Modes:
  test   (default) the whole suite on a fresh devnet; prints `browser: N passed, M failed`
  bench  first render of the home page against an existing node home (--home), e.g. the
         1M-block store of scripts/bench-explorer.sh; prints one JSON line
"""
import argparse
import json
import os
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
import harness  # noqa: E402

CHROMIUM = "/usr/bin/chromium"


def npm_ci():
    """Installs exactly the locked packages (playwright-core, uplot) into tests/browser."""
    out = subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=HERE,
                         capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        raise harness.TestFailure(f"npm ci failed: {out.stderr.strip()[-2000:]}")


# The devnet's naming section: the demo key is the numbering authority, and a port may be
# scheduled 2 blocks after its request, so a whole port fits in the set-up.
NAMING = {"top_level_labels": ["tel"], "port_deadline_blocks": 2}
# Keys of the module set-up, funded in the genesis (no transfers to wait for): two operators
# and a subscriber.
MODULE_KEYS = ("opa", "opb", "sub")
NUMBER = "415551234"
IMEI = "356938035643809"


class Devnet:
    """One real node and a wallet with a funded demo key and a fresh key 'alice'; and, made in
    the background while the browser installs, a device, a name and a ported number."""

    def __init__(self, bins, workdir):
        self.workdir = workdir
        self.node = harness.Node(bins, workdir, name="validator-0")
        self.cli = harness.Cli(bins, workdir, self.node)
        self.cli.run("keys", "import", "demo", "--seed-file", self.node.demo_seed_file, "--kdf-cost", "test")
        for key in ("alice",) + MODULE_KEYS:
            self.cli.run("keys", "new", key, "--kdf-cost", "test")
        self.addresses = {k: self.cli.run("--key", k, "address").stdout.strip()
                          for k in ("demo", "alice") + MODULE_KEYS}
        self.edit_genesis()
        self.node.start()
        self.modules = None
        self.modules_error = None
        self.modules_thread = threading.Thread(target=self.set_up_modules, daemon=True)
        self.modules_thread.start()

    def edit_genesis(self):
        """Before the first start, as the operator of a new chain would: naming parameters and
        balances for the module keys."""
        path = os.path.join(self.node.home, "genesis.json")
        with open(path) as f:
            genesis = json.load(f)
        genesis["naming"] = dict(NAMING, numbering_authority=self.addresses["demo"])
        genesis["accounts"] += [{"address": self.addresses[k], "balance": "100000000"} for k in MODULE_KEYS]
        with open(path, "w") as f:
            json.dump(genesis, f)

    def set_up_modules(self):
        try:
            started = time.time()
            self.modules = self.module_records()
            self.modules["setup_s"] = round(time.time() - started, 1)
        except Exception as e:  # noqa: BLE001 - reported to the browser test that asks for it
            self.modules_error = str(e)

    def module_records(self):
        """With the real telco CLI, each transaction followed to finality: a number assigned
        and ported between operators, a device registered, anchoring readings and rotated, a
        fleet member claimed, a name registered with records and a reverse record."""
        cli, w = self.cli, self.workdir
        cli.run("--key", "demo", "number", "allocate", "41555", "--length", "9", "--holder", "opa")
        cli.run("--key", "demo", "number", "allocate", "41556", "--length", "9", "--holder", "opb")
        cli.run("--key", "opa", "number", "assign", "+" + NUMBER, "--subscriber", "sub",
                "--uri", f"sip:+{NUMBER}@a.example")
        port = cli.json("--key", "opb", "number", "port-request", NUMBER, "--donor", "opa",
                        "--uri", f"sip:+{NUMBER}@b.example")
        cli.run("--key", "sub", "number", "port-approve", NUMBER)

        device, rotated = os.path.join(w, "device.json"), os.path.join(w, "device-rotated.json")
        made = cli.json("device", "keygen", "--identifier", IMEI, "--out", device)
        cli.json("device", "keygen", "--identifier", IMEI, "--out", rotated)
        cli.run("--key", "opa", "device", "register", "--device", device, "--owner", "sub", "--operator", "opa",
                "--attr", "model=T-100", "--attr", "kind=sensor")
        readings = [cli.json("device", "simulate", "reading", "--device", device, "--seq", str(seq),
                             "--value", f"{20 + seq:02x}00") for seq in (1, 2)]
        readings_file = os.path.join(w, "readings.json")
        with open(readings_file, "w") as f:
            json.dump(readings, f)
        cli.run("--key", "opa", "device", "anchor", "--readings", readings_file, "--out", os.path.join(w, "batch.json"))
        cli.run("--key", "sub", "device", "rotate", "--device", device, "--new-device", rotated)

        member = cli.json("device", "keygen", "--identifier", "89883030000000000001", "--out", os.path.join(w, "member.json"))
        members_file, fleet_file = os.path.join(w, "members.json"), os.path.join(w, "fleet.json")
        with open(members_file, "w") as f:
            json.dump([{"id_hash": member["id_hash"], "public_key": member["public_key"]}], f)
        cli.run("--key", "opa", "device", "register-fleet", "--devices", members_file, "--out", fleet_file,
                "--owner", "sub", "--operator", "opa")
        cli.run("--key", "opa", "device", "claim", "--id", member["id_hash"], "--fleet-file", fleet_file)

        cli.run("--key", "demo", "name", "register", "alice.tel")
        cli.run("--key", "demo", "name", "set-records", "alice.tel", "--a", "192.0.2.10",
                "--sip", "sip:alice@example.net", "--device", made["id_hash"])
        cli.run("--key", "demo", "name", "reverse", "alice.tel")
        port_height = port["payload"]["port_height"]
        harness.check(self.node.get("/v1/status")[1]["head"]["height"] >= port_height,
                      f"the port height {port_height} has not passed")
        return {"device": made["id_hash"], "member": member["id_hash"], "name": "alice.tel", "number": NUMBER,
                "port_height": port_height}

    def handle(self, request):
        cmd = request.get("cmd")
        if cmd == "addresses":
            return self.addresses
        if cmd == "modules":
            self.modules_thread.join(timeout=300)
            if self.modules is None:
                raise harness.TestFailure(f"module set-up failed: {self.modules_error or 'timed out'}")
            return self.modules
        if cmd == "verify":
            # The command a view shows, run as written with the real CLI (its --node must be
            # this node; the wallet home is the harness's).
            args = request["command"].split()
            harness.check(args[0] == "telco" and args[1] == "verify", f"not a telco verify command: {args}")
            node_at = args.index("--node")
            harness.check(args[node_at + 1] == self.node.url, f"the command names another node: {args}")
            out = self.cli.run(*(args[1:node_at] + args[node_at + 2:]), check_ok=False)
            return {"rc": out.returncode, "stdout": out.stdout, "stderr": out.stderr}
        if cmd == "send":
            # Wall-clock time before the CLI starts: the latency the browser reports from it
            # is an upper bound (it includes the CLI's start, key unlock and signing).
            started_ms = int(time.time() * 1000)
            sent = self.cli.json("--key", request.get("from", "demo"), "send", "--to",
                                 self.addresses.get(request["to"], request["to"]), "--amount",
                                 request.get("amount", "1"), "--no-wait")
            return {"hash": sent["hash"], "cli_started_ms": started_ms}
        if cmd == "kill":
            self.node.kill9()
            return {}
        if cmd == "start":
            self.node.start()
            return {}
        raise harness.TestFailure(f"unknown control command {request!r}")

    def stop(self):
        self.modules_thread.join(timeout=300)
        self.node.stop()


def run_browser_script(env, devnet, timeout_s):
    """Runs explorer.test.mjs, serving its control requests; returns its @@result object."""
    proc = subprocess.Popen(["node", os.path.join(HERE, "explorer.test.mjs")], cwd=HERE, env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
    result = None
    deadline = time.time() + timeout_s
    try:
        for line in proc.stdout:
            if time.time() > deadline:
                raise harness.TestFailure(f"browser tests took longer than {timeout_s} s")
            if line.startswith("@@control "):
                try:
                    answer = devnet.handle(json.loads(line[len("@@control "):]))
                except Exception as e:  # noqa: BLE001 - the browser script reports it as a failure
                    answer = {"error": str(e)}
                proc.stdin.write(json.dumps(answer) + "\n")
                proc.stdin.flush()
            elif line.startswith("@@result "):
                result = json.loads(line[len("@@result "):])
            else:
                print(line, end="", flush=True)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if result is None:
        raise harness.TestFailure(f"the browser script exited {proc.returncode} without a result")
    return result


def check_vendored_uplot():
    """The committed web/explorer/vendor/uplot files are the npm package's, byte for byte."""
    for name in ("uPlot.iife.min.js", "uPlot.min.css"):
        with open(os.path.join(HERE, "node_modules", "uplot", "dist", name), "rb") as a, \
             open(os.path.join(ROOT, "web", "explorer", "vendor", "uplot", name), "rb") as b:
            harness.check(a.read() == b.read(), f"web/explorer/vendor/uplot/{name} differs from the locked npm "
                                                f"package: run `npm run vendor` in tests/browser")


def base_env(url, artifacts):
    return dict(os.environ, EXPLORER_URL=url, ARTIFACTS=artifacts, CHROMIUM=CHROMIUM)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default="build", help="build directory holding telcod and telco")
    parser.add_argument("--sanitized", action="store_true", help="ASan/UBSan binaries: longer timeouts")
    parser.add_argument("--artifacts", default=os.path.join(ROOT, "build-artifacts", "browser"),
                        help="where screenshots and the figures JSON go")
    parser.add_argument("--mode", choices=("test", "bench"), default="test")
    parser.add_argument("--url", help="bench mode: the explorer URL of a running node")
    parser.add_argument("-k", help="run only tests whose name contains this")
    args = parser.parse_args()
    os.makedirs(args.artifacts, exist_ok=True)
    if not os.path.exists(CHROMIUM):
        print(f"browser: {CHROMIUM} is missing; scripts/install-deps.sh installs it")
        print("browser: 0 passed, 1 failed")
        sys.exit(1)
    if args.mode == "bench":
        npm_ci()
        env = dict(base_env(args.url, args.artifacts), EXPLORER_MODE="bench")
        result = run_browser_script(env, None, 600)
        print(json.dumps(result), flush=True)
        sys.exit(0 if result.get("failed", 1) == 0 else 1)

    passed = failed = 0
    bins = harness.Binaries(args.build, sanitized=args.sanitized)
    with harness.Workdir() as workdir:
        # The node starts and the module set-up runs while npm installs; the browser tests
        # start once both are done, so no test races the set-up's transactions.
        devnet = Devnet(bins, workdir)
        try:
            npm_ci()
            try:
                check_vendored_uplot()
                passed += 1
                print("PASS vendored_uplot_matches_npm", flush=True)
            except harness.TestFailure as e:
                failed += 1
                print(f"FAIL vendored_uplot_matches_npm: {e}", flush=True)
            devnet.modules_thread.join(timeout=300 * bins.slow)
            if devnet.modules:
                print(f"    module set-up with the CLI: {devnet.modules['setup_s']} s", flush=True)
            env = base_env(devnet.node.url, args.artifacts)
            env["EXPLORER_SLOW"] = str(bins.slow)
            if args.k:
                env["EXPLORER_ONLY"] = args.k
            result = run_browser_script(env, devnet, 900 * bins.slow)
            passed += result["passed"]
            failed += result["failed"]
            with open(os.path.join(args.artifacts, "figures.json"), "w") as f:
                json.dump(result.get("figures", {}), f, indent=2)
            print(f"browser figures: {json.dumps(result.get('figures', {}))}", flush=True)
            print(f"browser artifacts: {args.artifacts}", flush=True)
        finally:
            devnet.stop()
    print(f"browser: {passed} passed, {failed} failed", flush=True)
    sys.exit(1 if failed or passed == 0 else 0)


if __name__ == "__main__":
    main()
