"""A local stand-in for Twilio's Messages API: POST /2010-04-01/Accounts/<sid>/Messages.json with
basic authentication and To, From, Body; 201 with the message's sid, 401 for wrong credentials,
400 with Twilio's error 21614 for a number it calls no mobile number (INVALID below)."""
from __future__ import annotations

import base64
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

SID, TOKEN = "AC0123456789abcdef0123456789abcdef", "standin-auth-token"
INVALID = "+31612340000"


class TwilioStandIn:
    def __init__(self) -> None:
        self.messages: list[dict[str, str]] = []
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def _answer(self, status: int, payload: dict) -> None:
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:  # noqa: N802 - http.server's hook name
                match = re.fullmatch(r"/2010-04-01/Accounts/([^/]+)/Messages\.json", self.path)
                if not match:
                    return self._answer(404, {"code": 20404, "message": "The requested resource was not found",
                                              "status": 404})
                expected = "Basic " + base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()
                if match.group(1) != SID or self.headers.get("Authorization") != expected:
                    return self._answer(401, {"code": 20003, "message": "Authenticate", "status": 401})
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if form.get("To") == INVALID:
                    return self._answer(400, {"code": 21614, "status": 400,
                                              "message": f"'To' number {INVALID} is not a valid mobile number"})
                sid = f"SM{len(stand_in.messages):032x}"
                stand_in.messages.append({**form, "sid": sid})
                return self._answer(201, {"sid": sid, "status": "queued", "to": form.get("To"),
                                          "from": form.get("From"), "body": form.get("Body"),
                                          "error_code": None, "error_message": None})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> TwilioStandIn:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def settings(self) -> dict[str, str]:
        """The manager's settings that point the app at this stand-in."""
        return {"sms_provider": "twilio", "sms_account_sid": SID, "sms_auth_token": TOKEN,
                "sms_sender": "+3197010000000", "sms_api_base": self.url}
