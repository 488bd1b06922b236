"""Free local ports for servers a test starts in another process."""

from __future__ import annotations

import random
import socket
from pathlib import Path


def free_ports(count: int) -> int:
    """The first of `count` consecutive ports free now, below the kernel's ephemeral range: a port
    in it can be taken meanwhile as the local end of any outgoing connection (the demo makes many)."""
    try:
        low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        low = 32768
    for _ in range(100):
        base = random.randint(10000, max(10001, low - count - 1))
        try:
            for port in range(base, base + count):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
    raise RuntimeError("no free port range")
