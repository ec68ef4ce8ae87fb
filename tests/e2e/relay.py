#!/usr/bin/env python3
"""A userspace TCP relay that impairs the network between two processes, for end-to-end tests
on a kernel without `tc netem` (../shared/design/TOOLCHAIN.md). Python standard library only.

Each Relay listens on one port and forwards every connection to one target. Per direction
("up" = client -> target, "down" = target -> client) it can add:

  delay_ms, jitter_ms   every chunk is released at now + delay ± jitter (uniform), but never
                        before the chunk ahead of it: TCP is a byte stream, so jitter shows up
                        as variable latency, never as reordering.
  loss                  probability per forwarded chunk of a loss event. TCP never loses
                        bytes; what a lost segment costs the application is a stall until the
                        retransmission (Linux: RTO >= 200 ms), during which everything behind
                        it waits (head-of-line blocking). So a loss event holds the chunk, and
                        with it the rest of the stream, for loss_penalty_ms (default 200). A
                        "chunk" is what one read returned (<= 64 KiB): for the small messages of
                        consensus traffic that is about one segment, so loss=0.01 approximates
                        1 % packet loss; for bulk transfer it understates the rate of stalls.
  partition             "hold": a black hole. Nothing is forwarded in that direction and the
                        relay stops reading, so the sender's socket buffers and then its send
                        queues fill, exactly as when a link silently drops everything;
                        connections survive until an endpoint gives up (its keepalive or
                        silence timeout), and flow resumes on heal().
                        "cut": every current connection is closed (both directions) and new
                        ones are accepted and closed at once until heal(): a partition that
                        resets connections (a firewall that rejects, a rebooted middlebox).

Memory is bounded: each direction buffers at most buffer_max bytes, then stops reading.
Randomness comes from a seeded random.Random, so a run with the same seed and the same
traffic makes the same decisions.

Use in-process (the e2e harness):
    relay = Relay(target_port=26656, seed=7).start()     # runs its own asyncio thread
    relay.set_link("both", delay_ms=50, jitter_ms=10, loss=0.01)
    relay.partition("both", mode="hold"); relay.heal(); relay.cut()
    relay.port ... relay.stop()
or as a process with a JSON-lines control port:
    relay.py --target 127.0.0.1:26656 --listen 127.0.0.1:0 --control 127.0.0.1:0
    (prints {"port": P, "control_port": C}; send lines like
     {"cmd": "set", "direction": "up", "delay_ms": 50} / {"cmd": "partition", "mode": "hold"} /
     {"cmd": "heal"} / {"cmd": "cut"} / {"cmd": "stats"}; each gets one JSON line back)
or, for a whole `telcod testnet` layout (every p2p link through a relay of its own):
    relay.py --testnet NET_DIR --delay-ms 50 --jitter-ms 5 --loss 0.01
Self-test: relay.py --self-test
"""
import argparse
import asyncio
import collections
import json
import os
import random
import sys
import threading
import time

DIRECTIONS = ("up", "down")
READ_BYTES = 64 * 1024
BUFFER_MAX = 4 * 1024 * 1024
LOSS_PENALTY_MS = 200


class Link:
    """Impairment settings of one direction (read by the pumps on every chunk)."""

    def __init__(self):
        self.delay_ms = 0.0
        self.jitter_ms = 0.0
        self.loss = 0.0
        self.loss_penalty_ms = float(LOSS_PENALTY_MS)
        self.hold = False
        self.bytes = 0
        self.loss_events = 0

    def as_dict(self):
        return {"delay_ms": self.delay_ms, "jitter_ms": self.jitter_ms, "loss": self.loss,
                "loss_penalty_ms": self.loss_penalty_ms, "hold": self.hold, "bytes": self.bytes,
                "loss_events": self.loss_events}


class Relay:
    def __init__(self, target_port, target_host="127.0.0.1", listen_host="127.0.0.1", listen_port=0,
                 seed=None, buffer_max=BUFFER_MAX):
        self.target = (target_host, target_port)
        self.listen = (listen_host, listen_port)
        self.links = {d: Link() for d in DIRECTIONS}
        self.random = random.Random(seed)
        self.buffer_max = buffer_max
        self.cut_mode = False
        self.port = None
        self.connections = 0
        self._writers = set()
        self._changed = None  # asyncio.Event, set on any control change
        self._loop = None
        self._thread = None
        self._server = None

    # ---- control (thread-safe: called from the test's thread) ---------------------------

    def set_link(self, direction="both", delay_ms=None, jitter_ms=None, loss=None, loss_penalty_ms=None):
        for d in self._directions(direction):
            link = self.links[d]
            if delay_ms is not None:
                link.delay_ms = float(delay_ms)
            if jitter_ms is not None:
                link.jitter_ms = float(jitter_ms)
            if loss is not None:
                if not 0.0 <= loss <= 1.0:
                    raise ValueError("loss is a probability")
                link.loss = float(loss)
            if loss_penalty_ms is not None:
                link.loss_penalty_ms = float(loss_penalty_ms)
        self._notify()
        return self

    def partition(self, direction="both", mode="hold"):
        if mode == "hold":
            for d in self._directions(direction):
                self.links[d].hold = True
        elif mode == "cut":
            self.cut_mode = True
            self.cut()
        else:
            raise ValueError("mode is 'hold' or 'cut'")
        self._notify()
        return self

    def heal(self):
        for link in self.links.values():
            link.hold = False
        self.cut_mode = False
        self._notify()
        return self

    def cut(self):
        """Closes every current connection once (new ones are accepted normally unless cut_mode)."""
        if self._loop:
            self._loop.call_soon_threadsafe(self._close_all)
        return self

    def stats(self):
        return {"port": self.port, "connections": self.connections, "cut": self.cut_mode,
                "links": {d: l.as_dict() for d, l in self.links.items()}}

    # ---- lifecycle ------------------------------------------------------------------------

    def start(self):
        """Starts the relay on its own thread and event loop; returns once it listens."""
        ready = threading.Event()
        failure = []

        def run():
            self._loop = asyncio.new_event_loop()
            asyncio.set_event_loop(self._loop)
            try:
                self._loop.run_until_complete(self._open())
            except Exception as e:  # reported to the caller of start()
                failure.append(e)
                ready.set()
                return
            ready.set()
            self._loop.run_forever()
            self._loop.run_until_complete(self._shutdown())
            self._loop.close()

        self._thread = threading.Thread(target=run, name="relay", daemon=True)
        self._thread.start()
        ready.wait()
        if failure:
            raise failure[0]
        return self

    def stop(self):
        if self._loop and self._thread:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=5)
            self._thread = None

    async def _open(self):
        self._changed = asyncio.Event()
        self._server = await asyncio.start_server(self._on_client, self.listen[0], self.listen[1])
        self.port = self._server.sockets[0].getsockname()[1]

    async def _shutdown(self):
        self._server.close()
        self._close_all()
        tasks = [t for t in asyncio.all_tasks(self._loop) if t is not asyncio.current_task()]
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    # ---- forwarding -----------------------------------------------------------------------

    def _directions(self, direction):
        if direction == "both":
            return DIRECTIONS
        if direction not in DIRECTIONS:
            raise ValueError("direction is 'up', 'down' or 'both'")
        return (direction,)

    def _notify(self):
        if self._loop and self._changed:
            self._loop.call_soon_threadsafe(self._wake)

    def _wake(self):
        self._changed.set()
        self._changed = asyncio.Event()

    async def _wait_change(self, timeout):
        try:
            await asyncio.wait_for(self._changed.wait(), timeout)
        except asyncio.TimeoutError:
            pass

    def _close_all(self):
        for w in list(self._writers):
            w.transport.abort()  # RST, like a middlebox dropping state
        self._writers.clear()

    async def _on_client(self, client_reader, client_writer):
        if self.cut_mode:
            client_writer.transport.abort()
            return
        try:
            target_reader, target_writer = await asyncio.open_connection(*self.target)
        except OSError:
            client_writer.transport.abort()
            return
        self.connections += 1
        self._writers.update((client_writer, target_writer))
        pipes = [asyncio.ensure_future(self._pipe(client_reader, target_writer, self.links["up"])),
                 asyncio.ensure_future(self._pipe(target_reader, client_writer, self.links["down"]))]
        try:
            # Either side closing ends the relayed connection (no half-close): enough for
            # peers that close both ways, as the p2p host does.
            await asyncio.wait(pipes, return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:
            pass  # the relay is stopping
        finally:
            for p in pipes:
                p.cancel()
            for w in (client_writer, target_writer):
                self._writers.discard(w)
                w.transport.abort()

    async def _pipe(self, reader, writer, link):
        """Reads chunks, stamps each with its release time, and a second task writes them in
        order when due; bounded by buffer_max bytes in flight."""
        queue = collections.deque()
        state = {"buffered": 0, "last_release": 0.0, "eof": False}
        have_data = asyncio.Event()
        room = asyncio.Event()
        room.set()

        async def read_side():
            while True:
                while link.hold:
                    await self._wait_change(0.05)
                await room.wait()
                data = await reader.read(READ_BYTES)
                if not data:
                    state["eof"] = True
                    have_data.set()
                    return
                now = time.monotonic()
                delay = link.delay_ms + self.random.uniform(-link.jitter_ms, link.jitter_ms)
                release = max(now + max(delay, 0.0) / 1000.0, state["last_release"])
                if link.loss > 0 and self.random.random() < link.loss:
                    release += link.loss_penalty_ms / 1000.0
                    link.loss_events += 1
                state["last_release"] = release
                queue.append((release, data))
                state["buffered"] += len(data)
                if state["buffered"] >= self.buffer_max:
                    room.clear()
                have_data.set()

        async def write_side():
            while True:
                if not queue:
                    if state["eof"]:
                        return
                    have_data.clear()
                    await have_data.wait()
                    continue
                release, data = queue[0]
                wait = release - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                    continue
                if link.hold:
                    await self._wait_change(0.05)
                    continue
                queue.popleft()
                state["buffered"] -= len(data)
                if state["buffered"] < self.buffer_max:
                    room.set()
                writer.write(data)
                link.bytes += len(data)
                await writer.drain()

        reading = asyncio.ensure_future(read_side())
        try:
            await write_side()
        finally:
            reading.cancel()
        if not writer.transport.is_closing() and writer.can_write_eof():
            writer.write_eof()


# ---- standalone process with a control port --------------------------------------------------

async def _control_server(relay, host, port):
    async def handle(reader, writer):
        while True:
            line = await reader.readline()
            if not line:
                break
            try:
                cmd = json.loads(line)
                name = cmd.pop("cmd")
                if name == "set":
                    relay.set_link(**cmd)
                elif name == "partition":
                    relay.partition(**cmd)
                elif name == "heal":
                    relay.heal()
                elif name == "cut":
                    relay.cut()
                elif name != "stats":
                    raise ValueError("unknown command " + name)
                reply = {"ok": True, "stats": relay.stats()}
            except (ValueError, TypeError, KeyError) as e:
                reply = {"ok": False, "error": str(e)}
            writer.write((json.dumps(reply) + "\n").encode())
            await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, host, port)
    return server.sockets[0].getsockname()[1]


def _split(text):
    host, _, port = text.rpartition(":")
    return host.strip("[]"), int(port)


def route_testnet(homes, seed=1):
    """Rewrites the config.json of each home of a `telcod testnet` layout so that node i reaches
    each persistent peer j through a relay (i, j) of its own, and starts those relays. Both
    directions of that TCP connection pass through it, so impairing relays (i, j) and (j, i)
    impairs the link i-j. Returns {(i, j): Relay}. Run it once on a fresh layout: a second run
    would find peers on the first run's relay ports and leave them pointing there."""
    configs = []
    for home in homes:
        with open(os.path.join(home, "config.json")) as f:
            configs.append(json.load(f))
    index_of_port = {_split(c["p2p"]["listen"])[1]: j for j, c in enumerate(configs)}
    relays = {}
    for i, (home, config) in enumerate(zip(homes, configs)):
        peers = []
        for peer in config["p2p"]["persistent_peers"]:
            node_id, address = peer.split("@")
            host, port = _split(address)
            j = index_of_port.get(port)
            if j is None:  # not a node of this layout: leave it alone
                peers.append(peer)
                continue
            relay = Relay(target_port=port, target_host=host, seed=seed * 100000 + i * 100 + j).start()
            relays[(i, j)] = relay
            peers.append(f"{node_id}@127.0.0.1:{relay.port}")
        config["p2p"]["persistent_peers"] = peers
        with open(os.path.join(home, "config.json"), "w") as f:
            json.dump(config, f, indent=2)
    return relays


def _testnet_main(args):
    """--testnet: relays for every link of a testnet layout, impaired alike, until killed."""
    homes = sorted(os.path.join(args.testnet, d) for d in os.listdir(args.testnet)
                   if os.path.isfile(os.path.join(args.testnet, d, "config.json")))
    if not homes:
        print(f"relay.py: no node homes (DIR/*/config.json) under {args.testnet}", file=sys.stderr)
        return 2
    relays = route_testnet(homes, seed=1 if args.seed is None else args.seed)
    for relay in relays.values():
        relay.set_link("both", delay_ms=args.delay_ms, jitter_ms=args.jitter_ms, loss=args.loss)
    print(json.dumps({"homes": len(homes), "relays": len(relays), "delay_ms": args.delay_ms,
                      "jitter_ms": args.jitter_ms, "loss": args.loss}), flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    for relay in relays.values():
        relay.stop()
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--target", help="host:port to forward to")
    parser.add_argument("--listen", default="127.0.0.1:0", help="host:port to listen on (port 0: any)")
    parser.add_argument("--control", default="127.0.0.1:0", help="host:port of the JSON-lines control port")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--self-test", action="store_true", help="run the self-test and exit")
    parser.add_argument("--testnet", metavar="DIR",
                        help="instead of --target: route every p2p link of the `telcod testnet` layout in DIR "
                             "through a relay of its own (rewrites each home's config.json; start the nodes after "
                             "this prints its JSON line), impaired by the options below in both directions")
    parser.add_argument("--delay-ms", type=float, default=0.0, help="with --testnet: delay per direction")
    parser.add_argument("--jitter-ms", type=float, default=0.0, help="with --testnet: jitter per direction")
    parser.add_argument("--loss", type=float, default=0.0, help="with --testnet: loss events per chunk (0..1)")
    args = parser.parse_args()
    if args.self_test:
        sys.exit(self_test())
    if args.testnet:
        if not 0.0 <= args.loss <= 1.0 or args.delay_ms < 0 or args.jitter_ms < 0:
            parser.error("--delay-ms and --jitter-ms must be >= 0, --loss within 0..1")
        sys.exit(_testnet_main(args))
    if not args.target:
        parser.error("--target is required")
    thost, tport = _split(args.target)
    lhost, lport = _split(args.listen)
    relay = Relay(tport, thost, lhost, lport, seed=args.seed).start()
    chost, cport = _split(args.control)
    control_port = asyncio.run_coroutine_threadsafe(_control_server(relay, chost, cport), relay._loop).result()
    print(json.dumps({"port": relay.port, "control_port": control_port}), flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        relay.stop()


# ---- self-test ----------------------------------------------------------------------------

def self_test():
    """Checks each impairment against an echo server through the relay."""
    import socket

    class Echo:
        def __init__(self):
            self.sock = socket.socket()
            self.sock.bind(("127.0.0.1", 0))
            self.sock.listen(16)
            self.port = self.sock.getsockname()[1]
            threading.Thread(target=self.serve, daemon=True).start()

        def serve(self):
            while True:
                try:
                    conn, _ = self.sock.accept()
                except OSError:
                    return
                threading.Thread(target=self.echo, args=(conn,), daemon=True).start()

        @staticmethod
        def echo(conn):
            with conn:
                while True:
                    try:
                        data = conn.recv(65536)
                    except OSError:
                        return
                    if not data:
                        return
                    conn.sendall(data)

    def connect(port):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return s

    def recv_exact(s, n):
        out = b""
        while len(out) < n:
            chunk = s.recv(n - len(out))
            if not chunk:
                raise ConnectionError("closed after %d of %d bytes" % (len(out), n))
            out += chunk
        return out

    def round_trip(s, payload=b"ping"):
        t = time.monotonic()
        s.sendall(payload)
        assert recv_exact(s, len(payload)) == payload
        return (time.monotonic() - t) * 1000

    def closed(s):
        try:
            return s.recv(1) == b""
        except (ConnectionResetError, socket.timeout):
            return True

    echo = Echo()
    relay = Relay(echo.port, seed=1).start()
    results = []

    def check(name, ok, detail=""):
        results.append(ok)
        print("%-44s %s %s" % (name, "ok" if ok else "FAILED", detail))

    try:
        s = connect(relay.port)
        blob = bytes(random.Random(2).getrandbits(8) for _ in range(1 << 20))
        threading.Thread(target=s.sendall, args=(blob,), daemon=True).start()
        check("1 MiB passes intact", recv_exact(s, len(blob)) == blob)
        base = round_trip(s)

        relay.set_link("both", delay_ms=50)
        rtt = round_trip(s)
        check("50 ms each way: round trip >= 100 ms", 100 <= rtt < 400, "(%.0f ms)" % rtt)

        relay.set_link("both", delay_ms=20, jitter_ms=15)
        msgs = [("%05d" % i).encode() for i in range(300)]
        for m in msgs:
            s.sendall(m)
        got = recv_exact(s, 5 * len(msgs))
        check("jitter keeps the stream in order", got == b"".join(msgs))

        relay.set_link("both", delay_ms=0, jitter_ms=0, loss=1.0, loss_penalty_ms=100)
        rtt = round_trip(s)
        check("loss stalls, never loses (penalty 100 ms)", 200 <= rtt < 600, "(%.0f ms)" % rtt)
        relay.set_link("both", loss=0.0)

        relay.partition("up", mode="hold")
        s.sendall(b"held")
        s.settimeout(0.4)
        try:
            s.recv(4)
            check("hold partition: nothing arrives", False)
        except socket.timeout:
            check("hold partition: nothing arrives", True)
        s.settimeout(5)
        relay.heal()
        check("heal delivers what was held", recv_exact(s, 4) == b"held")

        relay.partition("both", mode="cut")
        check("cut closes existing connections", closed(s))
        s2 = connect(relay.port)
        check("cut refuses new connections", closed(s2))
        relay.heal()
        s3 = connect(relay.port)
        rtt = round_trip(s3)
        check("after heal new connections work", rtt < 200 + base, "(%.0f ms)" % rtt)
        st = relay.stats()
        check("stats count bytes and loss events", st["links"]["up"]["bytes"] > len(blob) and
              st["links"]["up"]["loss_events"] >= 1)
        for x in (s, s2, s3):
            x.close()
    finally:
        relay.stop()
        echo.sock.close()
    failed = results.count(False)
    print("relay self-test: %d passed, %d failed" % (len(results) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    main()
