#!/usr/bin/env python3
"""An SMTP server for docket-hook's tests: Debian's aiosmtpd on 127.0.0.1.

It binds a free port and prints it on stdout, answers 451 to the first --fail messages and
250 to the rest, and appends one JSON line per message (envelope and content) to --record
before it answers. Exits 77 (skip) when aiosmtpd is not installed.
"""
import argparse
import asyncio
import json
import socket
import sys

try:
    from aiosmtpd.smtp import SMTP
except ImportError:
    print("hook_smtp: python3-aiosmtpd is not installed", file=sys.stderr)
    sys.exit(77)


class Recorder:
    def __init__(self, record, fail):
        self.record = record
        self.fail = fail
        self.seen = 0

    async def handle_DATA(self, server, session, envelope):
        self.seen += 1
        reply = "451 4.3.0 try again later" if self.seen <= self.fail else "250 2.0.0 queued"
        with open(self.record, "a", encoding="utf-8") as f:
            f.write(json.dumps({
                "n": self.seen,
                "from": envelope.mail_from,
                "to": envelope.rcpt_tos,
                "status": int(reply[:3]),
                "data": envelope.content.decode("utf-8", "replace"),
            }) + "\n")
        return reply


async def serve(args):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    recorder = Recorder(args.record, args.fail)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(recorder, hostname="localhost", decode_data=False), sock=sock)
    print(sock.getsockname()[1], flush=True)
    await server.serve_forever()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--record", required=True)
    parser.add_argument("--fail", type=int, default=0)
    asyncio.run(serve(parser.parse_args()))


if __name__ == "__main__":
    main()
