"""A small Notify-compatible HTTP server on 127.0.0.1 that records what it is sent."""

from __future__ import annotations

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt

SERVICE_ID = "11111111-2222-3333-4444-555555555555"
SECRET = "66666666-7777-8888-9999-000000000000"
API_KEY = f"rentbook_test-{SERVICE_ID}-{SECRET}"


class FakeNotify:
    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.statuses: dict[str, str] = {}
        self.refuse: str | None = None
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def _auth(self) -> bool:
                token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                try:
                    claims = jwt.decode(token, SECRET, algorithms=["HS256"])
                except jwt.PyJWTError:
                    return False
                return claims.get("iss") == SERVICE_ID

            def _reply(self, code: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                outer.requests.append({"method": "POST", "path": self.path, "json": body})
                if not self._auth():
                    return self._reply(
                        403,
                        {
                            "errors": [{"error": "AuthError", "message": "bad token"}],
                            "status_code": 403,
                        },
                    )
                if outer.refuse:
                    return self._reply(
                        400,
                        {
                            "errors": [{"error": "BadRequestError", "message": outer.refuse}],
                            "status_code": 400,
                        },
                    )
                nid = str(uuid.uuid4())
                outer.statuses[nid] = (
                    "created" if "letter" not in self.path else "pending-virus-check"
                )
                self._reply(201, {"id": nid, "reference": body.get("reference")})

            def do_GET(self) -> None:
                outer.requests.append({"method": "GET", "path": self.path, "json": None})
                if not self._auth():
                    return self._reply(
                        403,
                        {
                            "errors": [{"error": "AuthError", "message": "bad token"}],
                            "status_code": 403,
                        },
                    )
                nid = self.path.rsplit("/", 1)[-1]
                if nid not in outer.statuses:
                    return self._reply(
                        404,
                        {
                            "errors": [{"error": "NoResultFound", "message": "No result found"}],
                            "status_code": 404,
                        },
                    )
                self._reply(200, {"id": nid, "status": outer.statuses[nid]})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeNotify:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
