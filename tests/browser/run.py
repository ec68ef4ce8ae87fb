#!/usr/bin/env python3
"""Browser tests of the block explorer against a real devnet.

This script owns the processes: it installs the npm packages (`npm ci`), starts a real
telcod with the e2e harness (tests/e2e/harness.py), funds keys with the real telco CLI, and
runs explorer.test.mjs (playwright-core driving Debian's chromium). The browser script asks
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


class Devnet:
    """One real node and a wallet with a funded demo key and a fresh key 'alice'."""

    def __init__(self, bins, workdir):
        self.node = harness.Node(bins, workdir, name="validator-0")
        self.node.start()
        self.cli = harness.Cli(bins, workdir, self.node)
        self.cli.run("keys", "import", "demo", "--seed-file", self.node.demo_seed_file, "--kdf-cost", "test")
        self.cli.run("keys", "new", "alice", "--kdf-cost", "test")
        self.addresses = {k: self.cli.run("--key", k, "address").stdout.strip() for k in ("demo", "alice")}

    def handle(self, request):
        cmd = request.get("cmd")
        if cmd == "addresses":
            return self.addresses
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
    npm_ci()

    if args.mode == "bench":
        env = dict(base_env(args.url, args.artifacts), EXPLORER_MODE="bench")
        result = run_browser_script(env, None, 600)
        print(json.dumps(result), flush=True)
        sys.exit(0 if result.get("failed", 1) == 0 else 1)

    passed = failed = 0
    try:
        check_vendored_uplot()
        passed += 1
        print("PASS vendored_uplot_matches_npm", flush=True)
    except harness.TestFailure as e:
        failed += 1
        print(f"FAIL vendored_uplot_matches_npm: {e}", flush=True)

    bins = harness.Binaries(args.build, sanitized=args.sanitized)
    with harness.Workdir() as workdir:
        devnet = Devnet(bins, workdir)
        try:
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
