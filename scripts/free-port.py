#!/usr/bin/env python3
"""Prints a free loopback TCP port below the kernel's ephemeral range (see free_ports in
tests/e2e/harness.py for why a port from inside that range is unsafe for a server that is
about to start)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "e2e"))
from harness import free_ports  # noqa: E402

print(free_ports(int(sys.argv[1]) if len(sys.argv) > 1 else 1))
