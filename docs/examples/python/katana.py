"""Katana MRP webhook receiver, Python 3 standard library only.

x-sha2-signature is the hex HMAC-SHA256 of the raw body, keyed with the webhook's token.
Run: WEBHOOK_SECRET=... python3 katana.py 3000
"""
import hashlib, hmac, json, os, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SECRET = os.environ["WEBHOOK_SECRET"].encode()
seen = set()


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("content-length") or 0)
        if length > 1024 * 1024:
            self.close_connection = True
            return self.answer(413, {"error": "body too large"})
        raw = self.rfile.read(length)
        given = self.headers.get("x-sha2-signature") or ""
        expected = hmac.new(SECRET, raw, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(given.encode(), expected.encode()):
            return self.answer(401, {"error": "invalid signature"})
        event = json.loads(raw)
        if event.get("id") or event.get("action") not in seen:  # at-least-once delivery: process each id once
            seen.add(event.get("id") or event.get("action"))
        self.answer(200, {"ok": True})

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1]) if len(sys.argv) > 1 else 3000), Receiver)
print(f"listening on {server.server_address[1]}", flush=True)
server.serve_forever()
