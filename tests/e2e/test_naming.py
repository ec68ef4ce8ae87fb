"""Naming end to end: names registered and numbers ported with the real telco CLI, then
resolved by the real dig (bind9-dnsutils) from telcod's DNS server, over UDP and TCP, and
through a real recursive resolver (unbound) forwarding the zones to it, and compared with the
HTTP API."""
import json
import os
import shutil
import subprocess
import time

from harness import Cli, Node, check, free_port, http

NUMBER = "415551234"
ENUM_OWNER = "4.3.2.1.5.5.5.1.4.e164.arpa"


def dig(port, *args):
    check(shutil.which("dig"), "dig is missing: scripts/install-deps.sh installs bind9-dnsutils")
    out = subprocess.run(["dig", "@127.0.0.1", "-p", str(port), "+time=2", "+tries=2", *args],
                         capture_output=True, text=True, timeout=30)
    return out.stdout


def short(port, *args):
    return [line.strip() for line in dig(port, "+short", *args).splitlines() if line.strip()]


def wait_for(predicate, what, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def start_unbound(workdir, authoritative_port):
    """unbound as a site's recursive resolver would run it: e164.arpa and .tel stub-forwarded
    to telcod's server, no DNSSEC validation (our zones are unsigned). Returns (process, port)."""
    check(shutil.which("unbound"), "unbound is missing: scripts/install-deps.sh installs it")
    port = free_port()
    conf = os.path.join(workdir, "unbound.conf")
    with open(conf, "w") as f:
        f.write(f"""server:
  interface: 127.0.0.1
  port: {port}
  do-daemonize: no
  use-syslog: no
  logfile: ""
  username: ""
  chroot: ""
  directory: "{workdir}"
  pidfile: ""
  num-threads: 1
  module-config: "iterator"
  do-not-query-localhost: no
  access-control: 127.0.0.0/8 allow
stub-zone:
  name: "e164.arpa"
  stub-addr: 127.0.0.1@{authoritative_port}
stub-zone:
  name: "tel"
  stub-addr: 127.0.0.1@{authoritative_port}
""")
    log = open(os.path.join(workdir, "unbound.log"), "w")
    proc = subprocess.Popen(["unbound", "-d", "-c", conf], stdout=log, stderr=subprocess.STDOUT)
    wait_for(lambda: proc.poll() is not None or "status: " in dig(port, "+time=1", "+tries=1", "tel", "SOA"),
             "unbound to answer", timeout=20)
    check(proc.poll() is None, f"unbound exited: {open(os.path.join(workdir, 'unbound.log')).read()}")
    return proc, port


def test_naming_over_dns_and_cli(bins, workdir):
    node = Node(bins, workdir)
    cli = Cli(bins, workdir, node)
    cli.run("keys", "import", "demo", "--seed-file", node.demo_seed_file, "--kdf-cost", "test")
    for k in ("opa", "opb", "sub"):
        cli.run("keys", "new", k, "--kdf-cost", "test")
    demo = cli.run("--key", "demo", "address").stdout.strip()
    # A numbering authority and a short donor deadline: edited into the genesis before the
    # first start, as an operator of a new chain would.
    genesis_path = os.path.join(node.home, "genesis.json")
    with open(genesis_path) as f:
        genesis = json.load(f)
    genesis["naming"] = {"top_level_labels": ["tel"], "numbering_authority": demo, "port_deadline_blocks": 3,
                         "reveal_window_blocks": 100}
    with open(genesis_path, "w") as f:
        json.dump(genesis, f)
    dns_port = free_port()
    node.start(["--dns-listen", f"127.0.0.1:{dns_port}", "--empty-blocks", "--block-interval-ms", "200"])
    try:
        for k in ("opa", "opb", "sub"):
            cli.run("--key", "demo", "send", "--to", k, "--amount", "10")

        # Names: commit and reveal in one command, then records.
        reg = cli.json("--key", "demo", "name", "register", "alice.tel")
        check(reg["status"] == "finalized" and reg["height"] > reg["commit"]["height"], f"register: {reg}")
        cli.run("--key", "demo", "name", "set-records", "alice.tel", "--a", "192.0.2.10", "--aaaa", "2001:db8::10",
                "--txt", "hello telco", "--sip", "sip:alice@example.net", "--ttl", "120")
        check(short(dns_port, "alice.tel", "A") == ["192.0.2.10"], f"A: {dig(dns_port, 'alice.tel', 'A')}")
        check(short(dns_port, "alice.tel", "AAAA") == ["2001:db8::10"], "AAAA")
        check(short(dns_port, "alice.tel", "TXT") == ['"hello telco"'], "TXT")
        naptr = short(dns_port, "alice.tel", "NAPTR")
        check(naptr == ['100 10 "u" "E2U+sip" "!^.*$!sip:alice@example.net!" .'], f"NAPTR: {naptr}")
        check(short(dns_port, "+tcp", "ALICE.tel", "A") == ["192.0.2.10"], "A over TCP, any case")
        full = dig(dns_port, "alice.tel", "A")
        check("flags: qr aa rd" in full and "status: NOERROR" in full, f"AA bit: {full}")
        # The API tells the same story, with a proof link.
        status, api = http("GET", node.url + "/v1/names/alice.tel")
        check(status == 200 and api["status"] == "active" and api["owner"] == demo, f"API name: {api}")
        check({"type": "A", "value": "192.0.2.10"} in api["records"], f"API records: {api['records']}")
        status, proof = http("GET", node.url + api["proof"])
        check(status == 200 and proof.get("value"), f"proof link: {status} {proof}")
        lookup = cli.run("name", "lookup", "Alice.TEL").stdout
        check("owner: " + demo in lookup, f"name lookup: {lookup}")
        cli.run("--key", "demo", "name", "reverse", "alice.tel")
        check(cli.json("name", "lookup", "--address", demo)["name"] == "alice.tel", "reverse lookup")
        check(len(cli.json("name", "history", "alice.tel")["entries"]) == 2, "name history")

        # Negative answers.
        nx = dig(dns_port, "nobody.tel", "A")
        check("status: NXDOMAIN" in nx and "SOA" in nx and " aa" in nx, f"NXDOMAIN: {nx}")
        nodata = dig(dns_port, "alice.tel", "MX")
        check("status: NOERROR" in nodata and "ANSWER: 0" in nodata and "SOA" in nodata, f"NODATA: {nodata}")
        refused = dig(dns_port, "example.com", "A")
        check("status: REFUSED" in refused, f"REFUSED: {refused}")

        # Too large for 512 bytes: TC over UDP without EDNS, the full answer over TCP.
        cli.run("--key", "demo", "name", "register", "big.tel")
        texts = []
        for i in range(8):
            texts += ["--txt", chr(ord("a") + i) * 200]
        cli.run("--key", "demo", "name", "set-records", "big.tel", *texts)
        udp = dig(dns_port, "+noedns", "+ignore", "big.tel", "TXT")
        check("flags: qr aa tc rd" in udp and "ANSWER: 0" in udp, f"truncated UDP: {udp}")
        tcp = dig(dns_port, "+tcp", "big.tel", "TXT")
        check("ANSWER: 8" in tcp and " tc" not in tcp.split("flags:")[1].split(";")[0], f"TCP: {tcp}")
        retried = dig(dns_port, "+noedns", "big.tel", "TXT")  # dig retries over TCP on TC
        check("ANSWER: 8" in retried, f"dig's TCP retry: {retried}")

        # Numbers: ENUM under e164.arpa, then a port between operators.
        cli.run("--key", "demo", "number", "allocate", "41555", "--length", "9", "--holder", "opa")
        cli.run("--key", "demo", "number", "allocate", "41556", "--length", "9", "--holder", "opb")
        cli.run("--key", "opa", "number", "assign", "+" + NUMBER, "--subscriber", "sub",
                "--uri", f"sip:+{NUMBER}@a.example")
        enum = short(dns_port, ENUM_OWNER, "NAPTR")
        check(enum == [f'10 100 "u" "E2U+sip" "!^.*$!sip:+{NUMBER}@a.example!" .'], f"ENUM: {enum}")

        # Through a recursive resolver: unbound forwards the zones to telcod and relays the
        # same answers (without AA: it is not the authority), negative answers included.
        unbound, resolver = start_unbound(workdir, dns_port)
        try:
            check(short(resolver, ENUM_OWNER, "NAPTR") == enum, f"ENUM via unbound: {dig(resolver, ENUM_OWNER, 'NAPTR')}")
            check(short(resolver, "alice.tel", "A") == ["192.0.2.10"], f"A via unbound: {dig(resolver, 'alice.tel', 'A')}")
            check(short(resolver, "alice.tel", "TXT") == ['"hello telco"'], "TXT via unbound")
            # (unbound rotates the order of an RRset's records: compare them as sets)
            check(sorted(short(resolver, "big.tel", "TXT")) == sorted(short(dns_port, "+tcp", "big.tel", "TXT")),
                  f"a truncated answer reaches unbound's client whole: {dig(resolver, 'big.tel', 'TXT')}")
            via = dig(resolver, "nobody.tel", "A")
            check("status: NXDOMAIN" in via and " aa" not in via.split("flags:")[1].split(";")[0],
                  f"NXDOMAIN via unbound: {via}")
            check("status: NXDOMAIN" in dig(resolver, "9.9.9.9.5.5.5.1.4.e164.arpa", "NAPTR"),
                  "an unassigned number via unbound")
        finally:
            unbound.terminate()
            unbound.wait(timeout=10)
        number = cli.json("number", "lookup", NUMBER)
        check(number["serving_operator"] == cli.run("--key", "opa", "address").stdout.strip(), f"number: {number}")
        req = cli.json("--key", "opb", "number", "port-request", NUMBER, "--donor", "opa",
                       "--uri", f"sip:+{NUMBER}@b.example")
        port_height = req["payload"]["port_height"]
        cli.run("--key", "sub", "number", "port-approve", NUMBER)
        check(short(dns_port, ENUM_OWNER, "NAPTR")[0].find("a.example") > 0, "still the donor before the port height")
        wait_for(lambda: http("GET", node.url + "/v1/status")[1]["head"]["height"] >= port_height, "the port height")
        enum = wait_for(lambda: [r for r in short(dns_port, ENUM_OWNER, "NAPTR") if "b.example" in r],
                        "the NAPTR to move", timeout=10)
        check(len(enum) == 1, f"ENUM after the port: {enum}")
        events = [e["event"] for e in cli.json("number", "history", NUMBER)["entries"]]
        check("ported" in events and "port_approved" in events, f"number history: {events}")
        block = cli.json("number", "block", NUMBER)
        check(block["prefix"] == "41555", f"block: {block}")
        check("status: NXDOMAIN" in dig(dns_port, "9.9.9.9.5.5.5.1.4.e164.arpa", "NAPTR"), "unassigned number")

        # Refusals through the CLI: a taken name, a port reject by a non-donor.
        taken = cli.run("--key", "opa", "name", "register", "alice.tel", check_ok=False)
        check(taken.returncode == 1 and "name_taken" in taken.stderr, f"taken name: {taken.stderr}")
        for cmd in (("name",), ("number",), ("name", "register"), ("number", "port-request")):
            check("Usage" in cli.run(*cmd, "--help").stdout, f"--help of {cmd}")
    finally:
        node.stop()


def test_bulk_assign_survives_a_node_kill9(bins, workdir):
    """`telco number assign --file` while its node is killed with kill -9 and restarted: the
    command retries its requests, sends again what the node's lost mempool held, and ends
    with every number assigned once."""
    node = Node(bins, workdir, name="bulk")
    cli = Cli(bins, workdir, node)
    cli.run("keys", "import", "demo", "--seed-file", node.demo_seed_file, "--kdf-cost", "test")
    demo = cli.run("--key", "demo", "address").stdout.strip()
    genesis_path = os.path.join(node.home, "genesis.json")
    with open(genesis_path) as f:
        genesis = json.load(f)
    genesis["naming"] = {"top_level_labels": ["tel"], "numbering_authority": demo}
    with open(genesis_path, "w") as f:
        json.dump(genesis, f)
    node.start()
    bulk = None
    try:
        cli.run("--key", "demo", "number", "allocate", "4177", "--length", "10", "--holder", "demo")
        count = 60_000
        path = os.path.join(workdir, "numbers.csv")
        with open(path, "w") as f:
            for i in range(count):
                f.write(f"+4177{i:06d},{demo},sip:+4177{i:06d}@op.example\n")
        bulk = subprocess.Popen([bins.telco, "--node", node.url, "--home", cli.home, "--key", "demo", "--json",
                                 "number", "assign", "--file", path],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=cli.env)
        # Kill the node once the first numbers are final and more are on their way.
        deadline = time.time() + 60 * bins.slow
        while time.time() < deadline:
            code, first = http("GET", node.url + "/v1/numbers/4177000000")
            if code == 200 and first.get("assigned"):
                break
            time.sleep(0.02)
        check(bulk.poll() is None, "the import finished before the kill; nothing was tested")
        node.kill9()
        time.sleep(1.0)
        node.start()
        out, err = bulk.communicate(timeout=300 * bins.slow)
        check(bulk.returncode == 0, f"bulk assign after the restart: exit {bulk.returncode}: {err[-1500:]}")
        check("retry" in err or "sending them again" in err, f"the command did not notice the restart: {err[-800:]}")
        result = json.loads(out)
        check(result["assigned"] == count and not result["failures"], f"bulk result: {str(result)[:600]}")
        for i in (0, count // 2, count - 1):
            looked = cli.json("number", "lookup", f"4177{i:06d}")
            check(looked.get("subscriber") == demo, f"number {i}: {looked}")
    finally:
        if bulk and bulk.poll() is None:
            bulk.kill()
        node.kill9()
