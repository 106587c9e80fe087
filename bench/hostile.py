#!/usr/bin/env python3
"""Hostile clients against a running OComms server on loopback, bounded in count and time.

  bench/hostile.py slow-headers URL [--connections 3000] [--seconds 60]
      Opens N connections that each send one header byte every 3 s, and reports how many the
      server still holds after the given time (and the server's RSS with --pid).
  bench/hostile.py markdown URL [--posts 4]
      Posts N worst-case 40,000-character messages (40,000 '>') at once while timing /healthz
      every 50 ms; reports the posts' latency and the slowest /healthz.

Only loopback targets are accepted. Standard library only.
"""

import argparse
import asyncio
import json
import time
import urllib.parse
import urllib.request


def loopback(url):
    host = urllib.parse.urlsplit(url).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit(f"refusing non-loopback target {host}")
    return url.rstrip("/")


def rss_kib(pid):
    if not pid:
        return None
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return None


async def slow_headers(base, connections, seconds, pid):
    parts = urllib.parse.urlsplit(base)
    port = parts.port or 80
    open_streams = []
    for _ in range(connections):
        try:
            reader, writer = await asyncio.open_connection(parts.hostname, port)
            writer.write(b"GET /healthz HTTP/1.1\r\n")
            await writer.drain()
            open_streams.append((reader, writer))
        except OSError:
            break
    print(f"opened {len(open_streams)} connections; rss {rss_kib(pid)} KiB")
    alive = list(open_streams)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and alive:
        await asyncio.sleep(3)
        still = []
        for reader, writer in alive:
            try:
                writer.write(b"x")
                await asyncio.wait_for(writer.drain(), 1)
                if reader.at_eof():
                    raise ConnectionError
                still.append((reader, writer))
            except (OSError, ConnectionError, asyncio.TimeoutError):
                writer.close()
        alive = still
        print(f"t+{seconds - (deadline - time.monotonic()):.0f}s: {len(alive)} still open; rss {rss_kib(pid)} KiB")
    for _, writer in alive:
        writer.close()
    return {"opened": len(open_streams), "open_at_end": len(alive), "rss_kib": rss_kib(pid)}


def call(base, method, path, body=None, token=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", f"Bearer {token}")
    with urllib.request.urlopen(req, timeout=60) as resp:
        return json.loads(resp.read() or b"null")


async def markdown(base, posts):
    email = f"hostile{time.time_ns()}@example.com"
    me = call(base, "POST", "/api/v1/auth/signup", {"email": email, "password": "a long password", "name": "H"})
    token = me["token"]
    wid = call(base, "POST", "/api/v1/workspaces", {"name": "Hostile"}, token)["workspace"]["id"]
    channels = call(base, "GET", f"/api/v1/workspaces/{wid}/channels", None, token)["channels"]
    cid = channels[0]["id"]
    content = ">" * 40000
    stop = False
    healthz = []

    async def probe():
        while not stop:
            started = time.monotonic()
            await asyncio.to_thread(call, base, "GET", "/healthz")
            healthz.append(time.monotonic() - started)
            await asyncio.sleep(0.05)

    async def post():
        started = time.monotonic()
        message = await asyncio.to_thread(
            call, base, "POST", f"/api/v1/channels/{cid}/messages", {"content": content}, token
        )
        return time.monotonic() - started, len(message["message"]["html"])

    prober = asyncio.create_task(probe())
    await asyncio.sleep(0.2)
    results = await asyncio.gather(*(post() for _ in range(posts)))
    await asyncio.sleep(0.2)
    stop = True
    await prober
    return {
        "posts": posts,
        "post_seconds_max": round(max(r[0] for r in results), 4),
        "html_bytes": results[0][1],
        "healthz_seconds_max": round(max(healthz), 4),
        "healthz_probes": len(healthz),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenario", choices=["slow-headers", "markdown"])
    parser.add_argument("url")
    parser.add_argument("--connections", type=int, default=3000)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--posts", type=int, default=4)
    parser.add_argument("--pid", type=int, help="the server's pid, for its RSS")
    args = parser.parse_args()
    base = loopback(args.url)
    if args.scenario == "slow-headers":
        result = asyncio.run(slow_headers(base, min(args.connections, 10000), min(args.seconds, 300), args.pid))
    else:
        result = asyncio.run(markdown(base, min(args.posts, 32)))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
