#!/usr/bin/env python3
"""End-to-end tests of real telcod processes with real clients. Prints one line per test
and a closing 'e2e: N passed, M failed' line; exits non-zero on any failure."""
import argparse
import sys
import time
import traceback

import harness
import test_api
import test_block_sync
import test_cli
import test_consensus
import test_crash
import test_device
import test_device_binary
import test_light
import test_naming
import test_snapshot
import test_validator_change


TESTS = [
    test_cli.test_wallet_send_and_lookups,
    test_api.test_curl_submit_and_queries,
    test_api.test_bad_input_is_refused_and_harmless,
    test_api.test_config_errors_are_clear,
    test_crash.test_clean_restart_keeps_chain,
    test_crash.test_kill9_mid_load_loses_nothing,
    test_consensus.test_four_validators_survive_kill9_of_each_in_turn,
    test_consensus.test_stopped_validator_catches_up_by_block_sync,
    test_consensus.test_truncated_wal_tail_recovers,
    test_block_sync.test_kill9_during_block_sync_resumes_and_agrees,
    test_consensus.test_delayed_lossy_links_and_a_healed_partition,
    test_validator_change.test_a_joined_node_becomes_a_validator_and_a_genesis_validator_leaves,
    test_light.test_verify_account_and_refuse_tampering,
    test_light.test_verify_long_chain_shows_progress,
    test_naming.test_naming_over_dns_and_cli,
    test_naming.test_bulk_assign_survives_a_node_kill9,
    test_device.test_device_authenticates_online_and_offline_then_fails_when_stolen,
    test_device_binary.test_binary_device_batches_with_urllib_and_curl,
    test_snapshot.test_fresh_node_fast_syncs_from_a_snapshot_over_p2p,
]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--build", default="build", help="build directory holding telcod and telco")
    parser.add_argument("--bench-build", help="build directory holding telco-bench (default: --build)")
    parser.add_argument("--sanitized", action="store_true", help="binaries are ASan/UBSan builds: longer timeouts")
    parser.add_argument("-k", help="run only tests whose name contains this")
    args = parser.parse_args()
    bins = harness.Binaries(args.build, args.bench_build, args.sanitized)
    passed = failed = 0
    for test in TESTS:
        if args.k and args.k not in test.__name__:
            continue
        started = time.time()
        try:
            with harness.Workdir() as workdir:
                test(bins, workdir)
            passed += 1
            print(f"PASS {test.__name__} ({time.time() - started:.1f} s)", flush=True)
        except Exception as e:  # noqa: BLE001 - report every failure, keep going
            failed += 1
            print(f"FAIL {test.__name__} ({time.time() - started:.1f} s): {e}", flush=True)
            if not isinstance(e, harness.TestFailure):
                traceback.print_exc()
    print(f"e2e: {passed} passed, {failed} failed", flush=True)
    sys.exit(1 if failed or passed == 0 else 0)


if __name__ == "__main__":
    main()
