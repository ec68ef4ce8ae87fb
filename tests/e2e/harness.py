"""Helpers for end-to-end tests: real telcod processes on loopback, in temp dirs, on free
ports; real clients (the telco CLI, curl, telco-bench). Python standard library only."""
import json
import http.client as http_client
import os
import random
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request


class TestFailure(AssertionError):
    pass


def check(condition, message):
    if not condition:
        raise TestFailure(message)


def _ephemeral_range():
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            low, high = (int(x) for x in f.read().split())
            return low, high
    except (OSError, ValueError):
        return 32768, 60999


def _is_free(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def free_ports(n=1):
    """A base port with n consecutive free ports, all below the kernel's ephemeral range.

    A port the kernel may hand out as a client's source port is unsafe for a server that is
    not listening yet: a readiness probe to it can connect to itself (TCP simultaneous open)
    and read its own request back as the reply, and meanwhile the server cannot bind it."""
    low, _ = _ephemeral_range()
    top = max(low, 12000) - n
    rng = random.Random()
    for _ in range(500):
        base = rng.randrange(10000, top)
        if all(_is_free(base + i) for i in range(n)):
            return base
    raise RuntimeError("no block of free ports below the ephemeral range")


def free_port():
    return free_ports(1)


class Binaries:
    def __init__(self, build, bench_build=None, sanitized=False):
        self.build = os.path.abspath(build)
        bench_root = os.path.abspath(bench_build or build)
        self.telcod = os.path.join(self.build, "apps/telcod/telcod")
        self.telco = os.path.join(self.build, "apps/telco/telco")
        self.bench = os.path.join(bench_root, "bench/telco-bench")
        self.sanitized = sanitized
        # Sanitized binaries run several times slower: stretch every timeout.
        self.slow = 4.0 if sanitized else 1.0


def http(method, url, body=None, content_type="application/json", timeout=10):
    """Returns (status, parsed JSON or raw text)."""
    data = body if isinstance(body, (bytes, type(None))) else body.encode()
    req = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            raw = r.read()
            status = r.status
    except urllib.error.HTTPError as e:
        raw = e.read()
        status = e.code
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw.decode(errors="replace")


class Node:
    """One telcod process with its own home directory and API port."""

    def __init__(self, bins, workdir, name="node", init_args=()):
        self.bins = bins
        self.home = os.path.join(workdir, name)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = None
        self.log_path = os.path.join(workdir, f"{name}.log")
        out = subprocess.run([bins.telcod, "--home", self.home, "init", "--chain-id", "telco-e2e",
                              "--api-listen", f"127.0.0.1:{self.port}", "--log-level", "info", *init_args],
                             capture_output=True, text=True, timeout=60 * bins.slow)
        check(out.returncode == 0, f"telcod init failed: {out.stderr}")
        self.demo_seed_file = os.path.join(self.home, "demo_key.seed")

    def start(self, extra=()):
        log = open(self.log_path, "a")
        self.proc = subprocess.Popen([self.bins.telcod, "--home", self.home, "start", *extra],
                                     stdout=log, stderr=subprocess.STDOUT)
        deadline = time.time() + 30 * self.bins.slow
        while time.time() < deadline:
            check(self.proc.poll() is None, f"telcod exited early with {self.proc.returncode}; see {self.log_path}")
            try:
                status, body = http("GET", self.url + "/v1/status", timeout=2)
                if status == 200:
                    return body
            except (urllib.error.URLError, http_client.HTTPException, OSError):
                pass  # not listening yet
            time.sleep(0.05)
        raise TestFailure(f"telcod did not answer on {self.url} within 30 s")

    def kill9(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=30)

    def stop(self):
        """SIGTERM and wait for a clean exit; returns the exit code."""
        if not self.proc or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else 0
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=30 * self.bins.slow)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise TestFailure("telcod did not stop within 30 s of SIGTERM")

    def get(self, path):
        return http("GET", self.url + path)

    def log(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()


class Cli:
    """The real telco CLI with its own wallet home."""

    def __init__(self, bins, workdir, node):
        self.bins = bins
        self.home = os.path.join(workdir, "wallet")
        self.node = node
        self.env = dict(os.environ, TELCO_PASSPHRASE="e2e-passphrase")

    def run(self, *args, check_ok=True, timeout=60):
        cmd = [self.bins.telco, "--home", self.home, "--node", self.node.url, *args]
        out = subprocess.run(cmd, capture_output=True, text=True, env=self.env, timeout=timeout * self.bins.slow)
        if check_ok:
            check(out.returncode == 0, f"{' '.join(args)} exited {out.returncode}: {out.stderr.strip()}")
        return out

    def json(self, *args, **kw):
        out = self.run("--json", *args, **kw)
        try:
            return json.loads(out.stdout)
        except ValueError:
            raise TestFailure(f"telco {' '.join(args)} --json printed no JSON: {out.stdout!r} {out.stderr!r}")


class Workdir:
    def __enter__(self):
        self.path = tempfile.mkdtemp(prefix="telco-e2e-")
        return self.path

    def __exit__(self, kind, *_):
        if kind is None or not os.environ.get("TELCO_E2E_KEEP"):
            shutil.rmtree(self.path, ignore_errors=True)
        else:
            print(f"    kept {self.path} for inspection")


def curl(*args, data=None):
    """Runs curl; returns (HTTP status, the body parsed as JSON or as text)."""
    cmd = ["curl", "-sS", "-o", "-", "-w", "\n%{http_code}", *args]
    out = subprocess.run(cmd, capture_output=True, input=data, timeout=30)
    text = out.stdout.decode(errors="replace")
    body, _, code = text.rpartition("\n")
    try:
        parsed = json.loads(body)
    except ValueError:
        parsed = body
    return int(code or 0), parsed
