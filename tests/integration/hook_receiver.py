#!/usr/bin/env python3
"""A webhook receiver for docket-hook's tests: a real HTTP server on 127.0.0.1.

It binds a free port and prints it on stdout, verifies each request's Standard Webhooks
signature (https://www.standardwebhooks.com) with the secret it is given, answers --status
to the first --fail requests and 204 to the rest (401 to a request whose signature is
wrong), and appends one JSON line per request to --record before it answers.
"""
import argparse
import base64
import hashlib
import hmac
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def verify(key, msg_id, timestamp, body, header):
    """True when one v1 signature in header signs id.timestamp.body with key."""
    signed = msg_id.encode() + b"." + timestamp.encode() + b"." + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    for entry in header.split(" "):
        version, _, sig = entry.partition(",")
        if version == "v1" and hmac.compare_digest(sig, expected):
            return True
    return False


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--secret", required=True, help="whsec_ and base64")
    parser.add_argument("--record", required=True, help="file to append a JSON line to per request")
    parser.add_argument("--fail", type=int, default=0, help="answer --status to this many requests first")
    parser.add_argument("--status", type=int, default=500)
    args = parser.parse_args()
    key = base64.b64decode(args.secret[len("whsec_"):])
    lock = threading.Lock()
    seen = [0]

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, so docket-hook's handle reuse is exercised

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            msg_id = self.headers.get("webhook-id", "")
            timestamp = self.headers.get("webhook-timestamp", "")
            signature = self.headers.get("webhook-signature", "")
            fresh = timestamp.isdigit() and abs(time.time() - int(timestamp)) < 300
            verified = fresh and verify(key, msg_id, timestamp, body, signature)
            with lock:
                seen[0] += 1
                n = seen[0]
                status = 401 if not verified else args.status if n <= args.fail else 204
                record = {
                    "n": n,
                    "path": self.path,
                    "id": msg_id,
                    "timestamp": timestamp,
                    "signature": signature,
                    "content_type": self.headers.get("Content-Type", ""),
                    "verified": verified,
                    "status": status,
                    "body": body.decode("utf-8", "replace"),
                }
                with open(args.record, "a", encoding="utf-8") as f:
                    f.write(json.dumps(record) + "\n")
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, fmt, *a):
            sys.stderr.write("hook_receiver: " + fmt % a + "\n")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
