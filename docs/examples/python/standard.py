"""Standard Webhooks receiver, Python 3 standard library only.

webhook-signature: space-separated "v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<raw body>">", the
key being the base64 after whsec_ (padding optional); svix-* headers are the same scheme.
Run: WEBHOOK_SECRET=whsec_... python3 standard.py 3000
"""
import base64, hashlib, hmac, json, os, sys, time
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
        h = lambda name: self.headers.get("webhook-" + name) or self.headers.get("svix-" + name) or ""
        msg_id, t = h("id"), h("timestamp")
        if not msg_id or not t.isdigit():
            return self.answer(401, {"error": "missing id or timestamp"})
        key = SECRET.decode().removeprefix("whsec_")
        key = base64.b64decode(key + "=" * (-len(key) % 4))
        signed = msg_id.encode() + b"." + t.encode() + b"." + raw
        expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
        versions = [s.split(",", 1) for s in h("signature").split(" ") if "," in s]
        if not any(v == "v1" and hmac.compare_digest(sig, expected) for v, sig in versions):
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
