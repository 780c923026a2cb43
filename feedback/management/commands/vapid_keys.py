"""Makes a VAPID key pair for web push, printed as environment variables to set."""

import base64

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.management.base import BaseCommand


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def new_vapid_keys() -> tuple[str, str]:
    """(public, private): the public key as browsers take it (an uncompressed P-256
    point), the private one as its 32 raw bytes, both base64url."""
    key = ec.generate_private_key(ec.SECP256R1())
    private = key.private_numbers().private_value.to_bytes(32, "big")
    public = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64url(public), b64url(private)


class Command(BaseCommand):
    help = "Prints a new VAPID key pair for web push as VAPID_PUBLIC_KEY / VAPID_PRIVATE_KEY."

    def handle(self, *args, **options):
        public, private = new_vapid_keys()
        self.stdout.write(f"VAPID_PUBLIC_KEY={public}\nVAPID_PRIVATE_KEY={private}")
