"""A local stand-in for a browser's push service, on 127.0.0.1.

It does what a real one must before a phone gets anything: checks the VAPID
Authorization header (an ES256 JWT signed by the key it names, for this origin, not
expired) and, as the phone would, decrypts the aes128gcm payload with the phone's
private key. It answers 201 for a good message and 404 for an endpoint it forgot.
"""

import base64
import json
import os
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Phone:
    """A browser's side of a subscription: its keys, and where the service reaches it."""

    endpoint: str
    private_key: ec.EllipticCurvePrivateKey
    auth: bytes

    @property
    def subscription(self) -> dict:
        public = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {
            "endpoint": self.endpoint,
            "keys": {"p256dh": b64url(public), "auth": b64url(self.auth)},
        }


@dataclass
class FakePushService:
    vapid_public_key: str
    origin: str = ""
    phones: dict = field(default_factory=dict)
    received: list = field(default_factory=list)  # (phone id, decrypted message dict)
    refused: list = field(default_factory=list)  # (phone id, why)
    gone: set = field(default_factory=set)

    def new_phone(self) -> Phone:
        phone_id = b64url(os.urandom(9))
        phone = Phone(
            endpoint=f"{self.origin}/push/{phone_id}",
            private_key=ec.generate_private_key(ec.SECP256R1()),
            auth=os.urandom(16),
        )
        self.phones[phone_id] = phone
        return phone

    def check_vapid(self, header: str) -> str | None:
        """Why the Authorization header is refused, or None when it is good."""
        if not header.lower().startswith("vapid "):
            return "not vapid"
        parts = dict(p.split("=", 1) for p in header[6:].split(","))
        if parts.get("k") != self.vapid_public_key:
            return "another key"
        token = parts.get("t", "")
        head, claims, signature = token.split(".")
        raw = unb64url(signature)
        der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
        key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(parts["k"]))
        try:
            key.verify(der, f"{head}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))
        except Exception:
            return "bad signature"
        if json.loads(unb64url(head)).get("alg") != "ES256":
            return "not ES256"
        claims = json.loads(unb64url(claims))
        if claims.get("aud") != self.origin:
            return "another audience"
        if not claims.get("sub", "").startswith(("mailto:", "https:")):
            return "no subject"
        if not time.time() < claims.get("exp", 0) <= time.time() + 24 * 3600:
            return "expired"
        return None

    def handle(self, path: str, headers, body: bytes) -> int:
        phone_id = path.rsplit("/", 1)[-1]
        phone = self.phones.get(phone_id)
        if phone is None or phone_id in self.gone:
            return 404
        why = self.check_vapid(headers.get("Authorization", ""))
        if why is None and headers.get("Content-Encoding") != "aes128gcm":
            why = "not aes128gcm"
        if why:
            self.refused.append((phone_id, why))
            return 401
        plain = http_ece.decrypt(
            body, private_key=phone.private_key, auth_secret=phone.auth, version="aes128gcm"
        )
        self.received.append((phone_id, json.loads(plain)))
        return 201


def start(vapid_public_key: str):
    service = FakePushService(vapid_public_key=vapid_public_key)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(service.handle(self.path, self.headers, body))
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    service.origin = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return service, server
