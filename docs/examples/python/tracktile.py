"""Tracktile webhook receiver, Python 3 standard library only.

X-Tracktile-Signature: t=<unix s>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">; refuse timestamps
more than 5 minutes off in either direction.
Run: WEBHOOK_SECRET=... python3 tracktile.py 3000
"""
import hashlib, hmac, json, os, sys, time
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
        fields = dict(p.split("=", 1) for p in (self.headers.get("x-tracktile-signature") or "").split(",") if "=" in p)
        t = fields.get("t", "")
        if not t.isdigit():
            return self.answer(401, {"error": "no timestamp"})
        expected = hmac.new(SECRET, t.encode() + b"." + raw, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(fields.get("v1", "").encode(), expected.encode()):
            return self.answer(401, {"error": "invalid signature"})
        if abs(time.time() - int(t)) > 300:  # 5 minutes either way
            return self.answer(401, {"error": "timestamp out of tolerance"})
        event = json.loads(raw)
        if event.get("id") not in seen:  # at-least-once delivery: process each id once
            seen.add(event.get("id"))
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
