"""Device identity end to end (issue #4) against a real telcod, through the telco CLI: a
simulated device (its own key file) is registered, authenticates online (the node checks)
and offline (the CLI verifies headers and the device's state proof itself), a replayed
challenge is refused both ways, a fleet member is claimed by its path, signed readings are
anchored and one is verified; then the device is reported stolen and fails both ways."""
import json
import os

from harness import Cli, Node, check, curl


def auth_round(cli, device, offline, genesis_hash, table, extra=()):
    """Issues a challenge (node or local), lets the device answer, verifies. Returns
    (exit code, JSON answer, challenge, signature)."""
    if offline:
        c = cli.json("device", "challenge", "--device", device, "--local", "--challenges-file", table)
    else:
        c = cli.json("device", "challenge", "--device", device, "--verifier", "gnb-e2e")
    sig = cli.json("device", "simulate", "answer", "--device", device, "--challenge", c["challenge"])["signature"]
    return verify(cli, c["challenge"], sig, offline, genesis_hash, table, extra) + (c["challenge"], sig)


def verify(cli, challenge, sig, offline, genesis_hash, table, extra=()):
    args = ["--json", "device", "authenticate", "--challenge", challenge, "--signature", sig, *extra]
    if offline:
        args += ["--offline", "--genesis-hash", genesis_hash, "--challenges-file", table]
    out = cli.run(*args, check_ok=False)
    try:
        return out.returncode, json.loads(out.stdout)
    except ValueError:
        raise AssertionError(f"authenticate printed no JSON: {out.stdout!r} {out.stderr!r}")


def test_device_authenticates_online_and_offline_then_fails_when_stolen(bins, workdir):
    node = Node(bins, workdir)
    status = node.start()
    try:
        genesis_hash = status["genesis_hash"]
        cli = Cli(bins, workdir, node)
        cli.run("keys", "import", "demo", "--seed-file", node.demo_seed_file, "--kdf-cost", "test")
        device = os.path.join(workdir, "device.json")
        table = os.path.join(workdir, "challenges.json")
        made = cli.json("device", "keygen", "--identifier", "356938035643809", "--out", device)
        check(len(made["id_hash"]) == 64, f"keygen: {made}")

        reg = cli.json("--key", "demo", "device", "register", "--device", device, "--owner", "demo",
                       "--operator", "demo", "--attr", "model=T-100")
        check(reg["status"] == "finalized", f"register: {reg}")
        shown = cli.json("device", "status", "--device", device)
        check(shown["status"] == "active" and shown["attributes"] == {"model": "T-100"}, f"status: {shown}")
        again = cli.run("--json", "--key", "demo", "device", "register", "--device", device, "--owner", "demo",
                        "--operator", "demo", check_ok=False)
        check(again.returncode == 1 and json.loads(again.stdout)["result"]["name"] == "device_exists",
              f"duplicate register: {again.stdout} {again.stderr}")

        # Online: the node issued the nonce, the node verifies; a replay is refused.
        code, ok, challenge, sig = auth_round(cli, device, False, genesis_hash, table)
        check(code == 0 and ok["ok"] is True, f"online: {ok}")
        code, replay = verify(cli, challenge, sig, False, genesis_hash, table)
        check(code == 1 and replay["outcome"] == "nonce_used", f"online replay: {replay}")

        # Batches over curl: two challenges in one request, their answers (one twice) in another.
        ask = {"id_hash": made["id_hash"], "purpose": "attach", "verifier_id": "gnb-e2e"}
        code, issued = curl("-X", "POST", "-H", "Content-Type: application/json", "--data-binary",
                            json.dumps({"challenges": [ask, ask]}), node.url + "/v1/devices/challenge/batch")
        check(code == 200 and len(issued["challenges"]) == 2, f"challenge batch: {code} {issued}")
        answers = []
        for c in issued["challenges"]:
            signed = cli.json("device", "simulate", "answer", "--device", device, "--challenge", c["challenge"])
            answers.append({"challenge": c["challenge"], "signature": signed["signature"]})
        code, out = curl("-X", "POST", "-H", "Content-Type: application/json", "--data-binary",
                         json.dumps({"answers": answers + answers[:1]}), node.url + "/v1/devices/authenticate/batch")
        outcomes = [r["outcome"] for r in out["results"]] if code == 200 else out
        check(outcomes == ["ok", "ok", "nonce_used"], f"authenticate batch: {code} {out}")
        code, out = curl("-X", "POST", "-H", "Content-Type: application/json", "--data-binary",
                         json.dumps({"answers": [answers[0], {"challenge": "zz"}]}),
                         node.url + "/v1/devices/authenticate/batch")
        check(code == 400 and out["error"]["message"].startswith("answers[1]: "), f"malformed batch: {code} {out}")

        # Offline: this verifier issued the nonce and checks a light-client-verified proof.
        code, ok, challenge, sig = auth_round(cli, device, True, genesis_hash, table)
        check(code == 0 and ok["ok"] is True and ok["mode"] == "offline", f"offline: {ok}")
        code, replay = verify(cli, challenge, sig, True, genesis_hash, table)
        check(code == 1 and replay["outcome"] == "nonce_used", f"offline replay: {replay}")

        # A fleet of three: one transaction for the root; a member claimed by its path.
        members = []
        for i in range(3):
            path = os.path.join(workdir, f"member{i}.json")
            members.append(cli.json("device", "keygen", "--identifier", f"8988303000000000{i:03d}", "--out", path))
        devices_file = os.path.join(workdir, "fleet-devices.json")
        with open(devices_file, "w") as f:
            json.dump([{"id_hash": m["id_hash"], "public_key": m["public_key"]} for m in members], f)
        fleet_file = os.path.join(workdir, "fleet.json")
        fleet = cli.json("--key", "demo", "device", "register-fleet", "--devices", devices_file, "--out", fleet_file,
                         "--owner", "demo", "--operator", "demo")
        check(fleet["status"] == "finalized" and fleet["size"] == 3, f"register-fleet: {fleet}")
        # An unclaimed member authenticates offline by its path, the fleet and its mark proven.
        code, ok, _, _ = auth_round(cli, os.path.join(workdir, "member0.json"), True, genesis_hash, table,
                                    ("--fleet-file", fleet_file))
        check(code == 0 and ok["ok"] is True, f"unclaimed member offline: {ok}")
        claim = cli.json("--key", "demo", "device", "claim", "--fleet-file", fleet_file, "--id", members[2]["id_hash"])
        check(claim["status"] == "finalized", f"claim: {claim}")
        code, ok, _, _ = auth_round(cli, os.path.join(workdir, "member2.json"), False, genesis_hash, table)
        check(code == 0 and ok["ok"] is True, f"claimed member online: {ok}")
        code, refused, _, _ = auth_round(cli, os.path.join(workdir, "member2.json"), True, genesis_hash, table,
                                         ("--fleet-file", fleet_file))
        check(code == 1 and refused["outcome"] == "fleet_member_claimed", f"claimed member by path: {refused}")

        # Readings: signed by the device, anchored by the gateway (the operator), one verified.
        readings = [cli.json("device", "simulate", "reading", "--device", device, "--seq", str(s),
                             "--value", f"{20 + s:02x}00") for s in (1, 2, 3)]
        readings_file = os.path.join(workdir, "readings.json")
        with open(readings_file, "w") as f:
            json.dump(readings, f)
        batch_file = os.path.join(workdir, "batch.json")
        anchored = cli.json("--key", "demo", "device", "anchor", "--readings", readings_file, "--out", batch_file)
        check(anchored["status"] == "finalized", f"anchor: {anchored}")
        valid = cli.json("device", "verify-reading", "--batch-file", batch_file, "--index", "1")
        check(valid["ok"] is True and valid["batch"]["count"] == 3, f"verify-reading: {valid}")
        stale = cli.run("--json", "--key", "demo", "device", "anchor", "--readings", readings_file,
                        "--out", os.path.join(workdir, "batch2.json"), check_ok=False)
        check(stale.returncode == 1 and json.loads(stale.stdout)["result"]["name"] in ("anchor_exists", "reading_seq_stale"),
              f"re-anchor: {stale.stdout}")

        # Reported stolen: listed, and both modes now refuse the device.
        rep = cli.json("--key", "demo", "device", "report", "--device", device, "--as", "stolen")
        check(rep["status"] == "finalized", f"report: {rep}")
        listed = cli.json("device", "stolen", "--device", device)
        check(listed["listed"] is True and listed["status"] == "stolen", f"stolen list: {listed}")
        code, refused, _, _ = auth_round(cli, device, False, genesis_hash, table)
        check(code == 1 and refused["outcome"] == "device_stolen", f"online after report: {refused}")
        code, refused, _, _ = auth_round(cli, device, True, genesis_hash, table)
        check(code == 1 and refused["outcome"] == "device_stolen", f"offline after report: {refused}")
        history = cli.json("device", "history", "--device", device)
        check([e["event"] for e in history["entries"]] == ["reported_stolen", "registered"], f"history: {history}")
        human = cli.run("device", "stolen", "--device", device).stdout
        check("LISTED as stolen" in human, f"human stolen output: {human!r}")
    finally:
        node.stop()
