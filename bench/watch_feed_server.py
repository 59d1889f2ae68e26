"""Loopback feed servers for the fetch-cycle benchmark (``bench/watch_cycle_bench.py``).

One asyncio process plays every site of a plan: one listening socket on 127.0.0.1 per host
(the fetcher's host key is ``host:port``, so each port is a site of its own), robots.txt per
host, and feeds with their latency (fast, slow, hanging), errors, validators (ETag and/or
Last-Modified, or none: conditional requests answered 304 when nothing changed) and gzip.
Feeds never change during a run.

A control port answers ``GET /stats`` (requests by kind, the most requests ever in flight at
once on one host, hanging connections held) and ``POST /unhang`` (hanging feeds answer
normally from then on). The process prints one JSON line ``{"ports": […], "control": port}``
when it listens, and serves until it is terminated.

Run by the benchmark only: ``python bench/watch_feed_server.py PLAN.json``.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import signal
import sys
from collections import Counter
from email.utils import formatdate
from xml.sax.saxutils import escape

HEAD_LIMIT = 64 * 1024
PARAGRAPH = (
    "Le muséum ouvre une nouvelle galerie consacrée aux collections d'histoire naturelle, "
    "avec des ateliers de médiation scientifique pour les scolaires et les familles. "
)


def feed_body(feed: dict) -> bytes:
    items = []
    for number in range(feed["items"]):
        guid = f"{feed['path']}#{number}"
        link = (
            feed["shared_links"][number]
            if number < len(feed["shared_links"])
            else (f"https://site{feed['host']}.example.org/articles/{feed['id']}-{number}")
        )
        items.append(
            f"<item><guid isPermaLink='false'>{escape(guid)}</guid><link>{escape(link)}</link>"
            f"<title>Actualité {feed['id']}-{number} : nouvelle exposition au muséum</title>"
            f"<description>{escape(PARAGRAPH * (1 + number % 4))}</description>"
            f"<pubDate>{formatdate(1_796_000_000 - number * 3600 - feed['id'] * 60, usegmt=True)}"
            "</pubDate></item>"
        )
    return (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
        f"<title>Site {feed['host']} — flux {feed['id']}</title>"
        f"<link>https://site{feed['host']}.example.org/</link><language>fr</language>"
        + "".join(items)
        + "</channel></rss>"
    ).encode()


ROBOTS = {
    "allow": b"User-agent: *\nDisallow: /admin/\nDisallow: /recherche?\n",
    "crawl_delay": b"User-agent: *\nCrawl-delay: 1\nDisallow: /admin/\n",
}


class Sites:
    def __init__(self, plan: dict):
        self.plan = plan
        self.feeds = {(feed["host"], feed["path"]): feed for feed in plan["feeds"]}
        self.bodies: dict[tuple, tuple[bytes, bytes]] = {}
        self.stats = Counter()
        self.in_flight = Counter()
        self.peak_in_flight = 0
        self.hanging_now = 0
        self.unhung = False
        self.last_modified = formatdate(1_796_000_000, usegmt=True)

    def body(self, feed) -> tuple[bytes, bytes]:
        key = (feed["host"], feed["path"])
        if key not in self.bodies:
            raw = feed_body(feed)
            self.bodies[key] = (raw, gzip.compress(raw, 6))
        return self.bodies[key]

    async def serve(self, host: int, reader, writer) -> None:
        self.in_flight[host] += 1
        self.peak_in_flight = max(self.peak_in_flight, self.in_flight[host])
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 60)
            lines = head[:HEAD_LIMIT].decode("latin-1").split("\r\n")
            method, path, _version = lines[0].split(" ", 2)
            headers = {}
            for line in lines[1:]:
                if ":" in line:
                    name, value = line.split(":", 1)
                    headers[name.strip().lower()] = value.strip()
            await self.answer(host, method, path, headers, reader, writer)
        except (
            TimeoutError,
            asyncio.IncompleteReadError,
            asyncio.LimitOverrunError,
            ConnectionError,
            ValueError,
        ):
            pass
        finally:
            self.in_flight[host] -= 1
            writer.close()

    async def answer(self, host, method, path, headers, reader, writer) -> None:
        if path == "/robots.txt":
            self.stats["robots"] += 1
            kind = self.plan["robots"][host]
            if kind in ROBOTS:
                return self.write(writer, 200, {"Content-Type": "text/plain"}, ROBOTS[kind])
            return self.write(writer, 404, {"Content-Type": "text/plain"}, b"not found")
        feed = self.feeds.get((host, path))
        if feed is None:
            self.stats["unknown"] += 1
            return self.write(writer, 404, {}, b"not found")
        behaviour = feed["behaviour"]
        if behaviour == "hang" and not self.unhung:
            self.stats["hang"] += 1
            self.hanging_now += 1
            try:
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n")
                await writer.drain()
                # Nothing more is sent; the client gives up at its deadline and hangs up,
                # which ends this read (so the site counts as free again from then on).
                await asyncio.wait_for(reader.read(1), 3600)
            except (TimeoutError, ConnectionError):
                pass
            finally:
                self.hanging_now -= 1
            return None
        if feed["delay"] and await self.client_left(reader, feed["delay"]):
            self.stats["client_left"] += 1
            return None
        if behaviour in ("404", "500"):
            self.stats[f"status_{behaviour}"] += 1
            return self.write(writer, int(behaviour), {"Content-Type": "text/html"}, b"erreur")
        etag = f'"{feed["id"]}-v1"' if feed["validators"] in ("both", "etag") else None
        modified = self.last_modified if feed["validators"] in ("both", "lm") else None
        response_headers = {"Content-Type": "application/rss+xml; charset=utf-8"}
        if etag:
            response_headers["ETag"] = etag
        if modified:
            response_headers["Last-Modified"] = modified
        if (etag and headers.get("if-none-match") == etag) or (
            modified and not etag and headers.get("if-modified-since") == modified
        ):
            self.stats["not_modified"] += 1
            return self.write(
                writer, 304, {k: v for k, v in response_headers.items() if k != "Content-Type"}, b""
            )
        raw, packed = self.body(feed)
        body = raw
        if feed["gzip"] and "gzip" in headers.get("accept-encoding", ""):
            response_headers["Content-Encoding"] = "gzip"
            body = packed
        self.stats["content"] += 1
        self.stats["content_bytes"] += len(body)
        return self.write(writer, 200, response_headers, body)

    @staticmethod
    async def client_left(reader, seconds: float) -> bool:
        """Wait ``seconds`` before answering; True when the client hung up meanwhile (its
        deadline passed), so the site is free again as soon as the client left."""
        try:
            await asyncio.wait_for(reader.read(1), seconds)
        except TimeoutError:
            return False
        except ConnectionError:
            return True
        return True

    @staticmethod
    def write(writer, status, headers, body) -> None:
        reason = {200: "OK", 304: "Not Modified", 404: "Not Found", 500: "Internal Server Error"}
        lines = [f"HTTP/1.1 {status} {reason.get(status, 'Status')}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        if status != 304:
            lines.append(f"Content-Length: {len(body)}")
        lines.append("Connection: close")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)

    async def control(self, reader, writer) -> None:
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
            request = head.decode("latin-1").split("\r\n", 1)[0]
            if request.startswith("POST /unhang"):
                self.unhung = True
            elif request.startswith("POST /reset"):
                self.stats.clear()
                self.peak_in_flight = max(self.in_flight.values(), default=0)
            payload = json.dumps(
                {
                    **self.stats,
                    "peak_in_flight_per_host": self.peak_in_flight,
                    "hanging_now": self.hanging_now,
                }
            ).encode()
            self.write(writer, 200, {"Content-Type": "application/json"}, payload)
        finally:
            writer.close()


async def main(plan_path: str) -> None:
    with open(plan_path, encoding="utf-8") as handle:
        plan = json.load(handle)
    sites = Sites(plan)
    servers = []
    ports = []
    for host in range(plan["hosts"]):
        server = await asyncio.start_server(
            lambda r, w, host=host: sites.serve(host, r, w), "127.0.0.1", 0, backlog=64
        )
        servers.append(server)
        ports.append(server.sockets[0].getsockname()[1])
    control = await asyncio.start_server(sites.control, "127.0.0.1", 0)
    print(json.dumps({"ports": ports, "control": control.sockets[0].getsockname()[1]}), flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
    for server in [*servers, control]:
        server.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
