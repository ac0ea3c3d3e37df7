"""HTTPS on the restaurant's network (run.sh's HTTPS=1): a certificate authority of this install and
a server certificate for the machine's names and addresses, made with trustme (on the cryptography
library), kept in instance/tls/ (private keys 0600). Tablets trust the authority once (README); the
server certificate is made anew when a name is missing or it nears its end.

`flask --app app tls-certificate HOST` prints the certificate and key files for gunicorn's
--certfile and --keyfile.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import os
import shutil
import socket
import subprocess
from pathlib import Path

import click
import trustme
from cryptography import x509
from flask import Flask, abort, current_app, send_file
from flask.cli import with_appcontext

from .auth.access import public
from .keys import write_private

FOLDER = "tls"
VALID_DAYS = 800  # iOS refuses a certificate from an installed authority valid for more than 825 days
RENEW_DAYS = 30


def machine_names(host: str = "") -> list[str]:
    """localhost, the machine's host names and addresses, HOST when it is one address, and the
    names in HOSTDESK_TLS_NAMES (comma-separated: a name the tablets use that the machine does not know)."""
    names = {"localhost", "127.0.0.1", "::1", socket.gethostname(), socket.getfqdn()}
    if host and not _unspecified(host.strip("[]")):
        names.add(host.strip("[]"))
    with contextlib.suppress(OSError):
        names |= {info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None)}
    hostname = shutil.which("hostname")
    if hostname:  # Linux: every address of the machine; a fixed command, no input
        listed = subprocess.run([hostname, "-I"], capture_output=True, text=True, check=False).stdout  # noqa: S603
        names |= set(listed.split())
    names |= {name.strip() for name in os.environ.get("HOSTDESK_TLS_NAMES", "").split(",") if name.strip()}
    return sorted(name.split("%")[0] for name in names if name)


def _unspecified(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_unspecified
    except ValueError:
        return False


def _covered(certificate: x509.Certificate) -> set[str]:
    names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return {str(value) for value in names.get_values_for_type(x509.DNSName)} | {
        str(value) for value in names.get_values_for_type(x509.IPAddress)}


def _normal(name: str) -> str:
    try:
        return str(ipaddress.ip_address(name))
    except ValueError:
        return name.lower()


def _replace_private(path: Path, data: bytes) -> None:
    """Write a new version of `path`, 0600 from the start, and put it in place at once."""
    new = path.with_name(path.name + ".new")
    new.unlink(missing_ok=True)
    write_private(new, data.decode())
    os.replace(new, path)


def ensure_certificates(instance: Path, names: list[str]) -> tuple[Path, Path]:
    folder = instance / FOLDER
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    ca_cert, ca_key = folder / "hostdesk-ca.crt", folder / "hostdesk-ca.key"
    if ca_cert.exists() and ca_key.exists():
        ca = trustme.CA.from_pem(ca_cert.read_bytes(), ca_key.read_bytes())
    else:
        ca = trustme.CA(organization_name="Hostdesk",
                        organization_unit_name=f"Hostdesk on {socket.gethostname()}"[:64])
        _replace_private(ca_key, ca.private_key_pem.bytes())
        _replace_private(ca_cert, ca.cert_pem.bytes())
    server_cert, server_key = folder / "server.crt", folder / "server.key"
    now = dt.datetime.now(dt.timezone.utc)
    wanted = {_normal(name) for name in names}
    if server_cert.exists() and server_key.exists():
        current = x509.load_pem_x509_certificate(server_cert.read_bytes())
        fresh = current.not_valid_after_utc - now > dt.timedelta(days=RENEW_DAYS)
        if fresh and wanted <= {_normal(name) for name in _covered(current)}:
            return server_cert, server_key
    leaf = ca.issue_cert(*names, common_name=socket.gethostname()[:64], organization_name="Hostdesk",
                         not_before=now - dt.timedelta(hours=1), not_after=now + dt.timedelta(days=VALID_DAYS))
    _replace_private(server_key, leaf.private_key_pem.bytes())
    _replace_private(server_cert, b"".join(pem.bytes() for pem in leaf.cert_chain_pems))
    return server_cert, server_key


@click.command("tls-certificate", hidden=True)
@with_appcontext
@click.argument("host", default="")
def tls_certificate_command(host: str) -> None:
    """Make (or keep) the authority and the server certificate; print the certificate and key paths."""
    certificate, key = ensure_certificates(Path(current_app.instance_path), machine_names(host))
    click.echo(f"{certificate} {key}")


@public
def authority_certificate():
    """The authority's certificate (public), for a tablet to install and trust (README)."""
    path = Path(current_app.instance_path) / FOLDER / "hostdesk-ca.crt"
    if not path.exists():
        abort(404)
    return send_file(path, mimetype="application/x-x509-ca-cert", as_attachment=True,
                     download_name="hostdesk-ca.crt", max_age=0)


def register_tls(app: Flask) -> None:
    app.cli.add_command(tls_certificate_command)
    app.add_url_rule("/hostdesk-ca.crt", "tls.authority_certificate", authority_certificate)
