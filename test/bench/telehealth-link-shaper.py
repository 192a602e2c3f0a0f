#!/usr/bin/env python3
# The poor link of the telehealth bench (telehealth-link.ts), packet by packet: two TUN interfaces,
# one left in this namespace and one the bench moves into the viewer's own network namespace, with
# every IP packet between them passed here, where it is delayed, rate-limited and dropped at random
# as netem would (this machine's kernel has no netem). TCP between the server and the viewer sees a
# real slow, lossy path: its retransmissions and congestion control are the kernel's own.
#
# Usage: telehealth-link-shaper.py NAME_A NAME_B. Prints "ready" once both interfaces exist, then
# reads commands, one per line on stdin:
#   good                          no delay, no loss, no rate limit
#   link RATE_BPS DELAY_MS LOSS [WAY]
#                                 bits per second (0: unlimited), delay, loss 0..1; WAY `both`
#                                 (default) or `down`: A→B only, B→A left good (netem on one veth)
#   stats                         prints {"aToB": bytes, "bToA": bytes, "dropped": packets}
#   quit (or end of input)        closes both interfaces
# Python's standard library only; needs /dev/net/tun (root).
import fcntl
import heapq
import json
import os
import random
import selectors
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000
# A packet queued longer than this at the link's rate is dropped (tail drop, as a modem would).
QUEUE_LIMIT_PACKETS = 1000


def open_tun(name: str) -> int:
    fd = os.open('/dev/net/tun', os.O_RDWR | os.O_NONBLOCK)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack('16sH', name.encode(), IFF_TUN | IFF_NO_PI))
    return fd


class Direction:
    """One way of the link: a queue at a rate, then a delay; each packet lost with a chance."""

    def __init__(self, out_fd: int):
        self.out_fd = out_fd
        self.rate_bps = 0
        self.delay_s = 0.0
        self.loss = 0.0
        self.free_at = 0.0
        self.queued = 0
        self.bytes = 0

    def take(self, packet: bytes, now: float, due: list, dropped: list) -> None:
        if self.loss > 0 and random.random() < self.loss:
            dropped[0] += 1
            return
        if self.rate_bps > 0:
            if self.queued >= QUEUE_LIMIT_PACKETS:
                dropped[0] += 1
                return
            self.free_at = max(self.free_at, now) + len(packet) * 8 / self.rate_bps
            leaves = self.free_at
        else:
            leaves = now
        self.queued += 1
        heapq.heappush(due, (leaves + self.delay_s, next(SEQUENCE), self, packet))


def counter():
    n = 0
    while True:
        n += 1
        yield n


SEQUENCE = counter()


def main() -> None:
    name_a, name_b = sys.argv[1], sys.argv[2]
    fd_a, fd_b = open_tun(name_a), open_tun(name_b)
    a_to_b, b_to_a = Direction(fd_b), Direction(fd_a)
    due: list = []
    dropped = [0]
    selector = selectors.DefaultSelector()
    selector.register(fd_a, selectors.EVENT_READ, a_to_b)
    selector.register(fd_b, selectors.EVENT_READ, b_to_a)
    stdin = sys.stdin.fileno()
    os.set_blocking(stdin, False)
    selector.register(stdin, selectors.EVENT_READ, None)
    print('ready', flush=True)
    pending = b''
    while True:
        now = time.monotonic()
        while due and due[0][0] <= now:
            _, _, direction, packet = heapq.heappop(due)
            direction.queued -= 1
            try:
                os.write(direction.out_fd, packet)
                direction.bytes += len(packet)
            except OSError:
                dropped[0] += 1  # the interface is down or gone: as a lost packet
        timeout = max(0.0, due[0][0] - now) if due else 0.5
        for key, _ in selector.select(timeout):
            if key.data is None:
                chunk = os.read(stdin, 4096)
                if not chunk:
                    return
                pending += chunk
                while b'\n' in pending:
                    line, pending = pending.split(b'\n', 1)
                    words = line.decode().split()
                    if not words:
                        continue
                    if words[0] == 'quit':
                        return
                    if words[0] == 'good':
                        for d in (a_to_b, b_to_a):
                            d.rate_bps, d.delay_s, d.loss = 0, 0.0, 0.0
                    elif words[0] == 'link':
                        way = words[4] if len(words) > 4 else 'both'
                        for d in (a_to_b, b_to_a):
                            shaped = d is a_to_b or way == 'both'
                            d.rate_bps = float(words[1]) if shaped else 0
                            d.delay_s = float(words[2]) / 1000 if shaped else 0.0
                            d.loss = float(words[3]) if shaped else 0.0
                    elif words[0] == 'stats':
                        print(
                            json.dumps(
                                {'aToB': a_to_b.bytes, 'bToA': b_to_a.bytes, 'dropped': dropped[0]}
                            ),
                            flush=True,
                        )
                    print('ok', flush=True)
                continue
            direction: Direction = key.data
            while True:
                try:
                    packet = os.read(key.fd, 65536)
                except BlockingIOError:
                    break
                except OSError:
                    break
                if not packet:
                    break
                direction.take(packet, time.monotonic(), due, dropped)


if __name__ == '__main__':
    main()
