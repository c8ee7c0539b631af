"""A fake Telegram Bot API server on 127.0.0.1 for driving the real worker in tests.

It answers the methods the worker uses (getMe, deleteWebhook, getUpdates — blocking until its
timeout like Telegram —, sendMessage, sendPhoto, sendDocument, editMessageText,
answerCallbackQuery, getFile and the file download), 400 for any other method and 401 for a
wrong token. It keeps the chat as Telegram would (messages with their keyboards) and records
every call, so a test can press a button only if the bot really showed it.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BOT_ID = 777000111
BOT_USERNAME = "purchase_test_bot"
JSON_PARAMS = {
    "chat_id",
    "message_id",
    "offset",
    "limit",
    "timeout",
    "allowed_updates",
    "reply_markup",
    "show_alert",
    "link_preview_options",
    "drop_pending_updates",
    "entities",
    "caption_entities",
}


@dataclass
class Call:
    """One request the worker made."""

    method: str
    params: dict
    files: dict = field(default_factory=dict)  # field name -> (filename, bytes)

    @property
    def chat_id(self):
        return self.params.get("chat_id")

    @property
    def text(self) -> str:
        return self.params.get("text") or self.params.get("caption") or ""

    def buttons(self) -> list[tuple[str, str]]:
        markup = self.params.get("reply_markup") or {}
        return [
            (b["text"], b.get("callback_data", ""))
            for row in markup.get("inline_keyboard", [])
            for b in row
        ]


@dataclass
class User:
    """A Telegram user of the fake."""

    id: int
    first_name: str = "Anna"
    username: str | None = "anna"
    language_code: str | None = "en"

    def as_dict(self) -> dict:
        data = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.username:
            data["username"] = self.username
        if self.language_code:
            data["language_code"] = self.language_code
        return data


class FakeBotAPI:
    """The server and the chat state behind it; ``start()`` before use, ``stop()`` after."""

    def __init__(self, token: str):
        self.token = token
        self.calls: list[Call] = []
        self.updates: list[dict] = []
        self.messages: dict[int, dict[int, dict]] = {}  # chat id -> message id -> message
        self.files: dict[str, tuple[str, bytes]] = {}  # file_id -> (file_path, bytes)
        self.failures: dict[tuple[str, int | None], tuple[int, str]] = {}
        self.get_me_status = 200
        self.getupdates_offsets: list[int | None] = []
        self._history: dict[int, dict] = {}
        self._ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._cond = threading.Condition()
        self._stopping = False
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # server
    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeBotAPI:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format, *args):
                return

            def do_GET(self):
                fake._serve_file(self)

            def do_POST(self):
                fake._serve_api(self)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    @staticmethod
    def _reply(handler, status: int, payload) -> None:
        body = json.dumps(payload).encode()
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)
        except OSError:  # the worker gave up on a long poll (it was stopping)
            pass

    def _serve_file(self, handler) -> None:
        prefix = f"/file/bot{self.token}/"
        path = urllib.parse.unquote(handler.path)  # PTB quotes the token's colon
        if not path.startswith(prefix):
            self._reply(handler, 404, {"ok": False, "error_code": 404, "description": "Not Found"})
            return
        path = path[len(prefix) :]
        for file_path, data in self.files.values():
            if file_path == path:
                handler.send_response(200)
                handler.send_header("Content-Type", "application/octet-stream")
                handler.send_header("Content-Length", str(len(data)))
                handler.end_headers()
                handler.wfile.write(data)
                return
        self._reply(handler, 404, {"ok": False, "error_code": 404, "description": "Not Found"})

    def _serve_api(self, handler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length)
        prefix = f"/bot{self.token}/"
        if not handler.path.startswith(prefix):
            self._reply(
                handler, 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
            )
            return
        method = handler.path[len(prefix) :].split("?")[0]
        params, files = self._parse(handler.headers.get("Content-Type", ""), body)
        call = Call(method, params, files)
        if method != "getUpdates":
            with self._cond:
                self.calls.append(call)
                self._cond.notify_all()
        status, payload = self._answer(call)
        self._reply(handler, status, payload)

    @staticmethod
    def _parse(content_type: str, body: bytes) -> tuple[dict, dict]:
        raw: dict = {}
        files: dict = {}
        if content_type.startswith("application/json"):
            raw = json.loads(body or b"{}")
            return raw, files
        if content_type.startswith("multipart/form-data"):
            message = BytesParser(policy=HTTP).parsebytes(
                b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
            )
            for part in message.iter_parts():
                name = part.get_param("name", header="content-disposition")
                filename = part.get_filename()
                payload = part.get_payload(decode=True) or b""
                if filename:
                    files[name] = (filename, payload)
                else:
                    raw[name] = payload.decode()
        else:
            raw = {k: v[0] for k, v in urllib.parse.parse_qs(body.decode()).items()}
        params = {}
        for key, value in raw.items():
            if key in JSON_PARAMS and isinstance(value, str):
                try:
                    value = json.loads(value)
                except ValueError:
                    pass
            params[key] = value
        for key, (_filename, _data) in files.items():
            params.setdefault(key, f"attach://{key}")
        return params, files

    # Bot API methods
    def _bot_user(self) -> dict:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "Purchase assistant",
            "username": BOT_USERNAME,
        }

    def _message(self, chat_id: int, **content) -> dict:
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
            "from": self._bot_user(),
            **content,
        }
        with self._cond:
            self.messages.setdefault(chat_id, {})[message["message_id"]] = message
        return message

    def _answer(self, call: Call) -> tuple[int, dict]:
        method, params = call.method, call.params
        failure = self.failures.get((method, params.get("chat_id"))) or self.failures.get(
            (method, None)
        )
        if failure:
            code, description = failure
            return code, {"ok": False, "error_code": code, "description": description}

        def ok(result):
            return 200, {"ok": True, "result": result}

        markup = params.get("reply_markup")
        extra = {"reply_markup": markup} if markup else {}
        if method == "getMe":
            if self.get_me_status != 200:
                return self.get_me_status, {
                    "ok": False,
                    "error_code": self.get_me_status,
                    "description": "Unauthorized",
                }
            return ok(self._bot_user())
        if method in ("deleteWebhook", "answerCallbackQuery"):
            return ok(True)
        if method == "getUpdates":
            return ok(self._get_updates(params))
        if method == "sendMessage":
            return ok(self._message(int(params["chat_id"]), text=params["text"], **extra))
        if method == "sendPhoto":
            caption = {"caption": params["caption"]} if params.get("caption") else {}
            photo = [
                {
                    "file_id": f"photo{next(self._ids)}",
                    "file_unique_id": "p",
                    "width": 880,
                    "height": 495,
                }
            ]
            return ok(self._message(int(params["chat_id"]), photo=photo, **caption, **extra))
        if method == "sendDocument":
            filename, data = call.files.get("document", ("document", b""))
            document = {
                "file_id": f"doc{next(self._ids)}",
                "file_unique_id": "d",
                "file_name": filename,
                "file_size": len(data),
            }
            caption = {"caption": params["caption"]} if params.get("caption") else {}
            return ok(self._message(int(params["chat_id"]), document=document, **caption, **extra))
        if method == "editMessageText":
            chat_id, message_id = int(params["chat_id"]), int(params["message_id"])
            with self._cond:
                message = self.messages.get(chat_id, {}).get(message_id)
                if message is None or "text" not in message:
                    return 400, {
                        "ok": False,
                        "error_code": 400,
                        "description": "Bad Request: message can't be edited",
                    }
                message["text"] = params["text"]
                message.pop("reply_markup", None)
                message.update(extra)
                return ok(dict(message))
        if method == "getFile":
            file_id = params["file_id"]
            if file_id not in self.files:
                return 400, {
                    "ok": False,
                    "error_code": 400,
                    "description": "Bad Request: invalid file_id",
                }
            path, data = self.files[file_id]
            return ok(
                {
                    "file_id": file_id,
                    "file_unique_id": file_id,
                    "file_size": len(data),
                    "file_path": path,
                }
            )
        return 400, {"ok": False, "error_code": 400, "description": "Bad Request: method not found"}

    def _get_updates(self, params: dict) -> list[dict]:
        offset = params.get("offset")
        timeout = float(params.get("timeout") or 0)
        limit = int(params.get("limit") or 100)
        deadline = time.monotonic() + timeout
        with self._cond:
            self.getupdates_offsets.append(offset)
            if offset is not None:
                # Telegram forgets confirmed updates
                self.updates = [
                    u for u in self.updates if u["update_id"] >= offset or u.get("_force")
                ]
            while True:
                ready = [u for u in self.updates if offset is None or u["update_id"] >= offset]
                ready += [u for u in self.updates if u.get("_force") and u not in ready]
                if ready or self._stopping:
                    break
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
            result = []
            for update in ready[:limit]:
                if update.pop("_force", False):
                    self.updates.remove(update)
                result.append({k: v for k, v in update.items() if not k.startswith("_")})
            return result

    # what a test does as a Telegram user
    def _push(self, update: dict) -> int:
        with self._cond:
            update["update_id"] = next(self._ids)
            self._history[update["update_id"]] = json.loads(json.dumps(update))
            self.updates.append(update)
            self._cond.notify_all()
        return update["update_id"]

    def _user_message(self, user: User, chat: dict | None = None, **content) -> dict:
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat or {"id": user.id, "type": "private", "first_name": user.first_name},
            "from": user.as_dict(),
            **content,
        }

    def send_text(self, user: User, text: str, chat: dict | None = None) -> int:
        """The user types ``text``; a leading /command gets its bot_command entity."""
        content: dict = {"text": text}
        if text.startswith("/"):
            length = len(text.split()[0])
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return self._push({"message": self._user_message(user, chat, **content)})

    def send_voice(self, user: User, audio: bytes, duration: int = 2) -> int:
        file_id = f"voice{next(self._ids)}"
        self.files[file_id] = (f"voice/{file_id}.oga", audio)
        voice = {
            "file_id": file_id,
            "file_unique_id": file_id,
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": len(audio),
        }
        return self._push({"message": self._user_message(user, voice=voice)})

    def send_sticker(self, user: User) -> int:
        sticker = {
            "file_id": "sticker1",
            "file_unique_id": "s1",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
        return self._push({"message": self._user_message(user, sticker=sticker)})

    def find_button(self, chat_id: int, label: str | None = None, data: str | None = None):
        """The newest bot message in the chat showing such a button: (message, data)."""
        with self._cond:
            messages = sorted(
                self.messages.get(chat_id, {}).values(), key=lambda m: -m["message_id"]
            )
        for message in messages:
            for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
                for button in row:
                    if (label is not None and label in button["text"]) or (
                        data is not None and button.get("callback_data") == data
                    ):
                        return message, button["callback_data"]
        shown = [
            b["text"]
            for m in messages[:3]
            for row in (m.get("reply_markup") or {}).get("inline_keyboard", [])
            for b in row
        ]
        raise AssertionError(f"no button {label or data!r} in the chat; latest buttons: {shown}")

    def press(self, user: User, label: str | None = None, data: str | None = None) -> int:
        """The user presses a button the bot showed (found by label text or callback data)."""
        message, callback_data = self.find_button(user.id, label, data)
        return self.press_data(user, callback_data, message)

    def press_data(self, user: User, callback_data: str, message: dict | None = None) -> int:
        """A callback query with any data: what a tampering client could send."""
        if message is None:
            message = self._message(user.id, text="…")
        query = {
            "id": str(next(self._ids)),
            "from": user.as_dict(),
            "chat_instance": "ci",
            "data": callback_data,
            "message": {k: v for k, v in message.items() if k != "reply_markup"}
            | ({"reply_markup": message["reply_markup"]} if message.get("reply_markup") else {}),
        }
        return self._push({"callback_query": query})

    def redeliver(self, update_id: int, force: bool = False) -> None:
        """Telegram delivers an update again (``force``: even if it was confirmed)."""
        original = self.delivered_update(update_id)
        with self._cond:
            copy = json.loads(json.dumps(original))
            if force:
                copy["_force"] = True
            self.updates.append(copy)
            self._cond.notify_all()

    def delivered_update(self, update_id: int) -> dict:
        return self._history[update_id]

    # observing what the bot did
    def wait_for(self, predicate, timeout: float = 10.0, what: str = "condition"):
        """Wait until ``predicate(calls)`` is truthy; return its value."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                value = predicate(list(self.calls))
                if value:
                    return value
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    summary = [(c.method, c.text[:60]) for c in self.calls[-8:]]
                    raise AssertionError(f"timed out waiting for {what}; last calls: {summary}")
                self._cond.wait(remaining)

    def last(self, chat_id: int, methods=("sendMessage", "editMessageText")) -> Call:
        """The last text the bot showed in the chat, sent anew or edited in place."""
        calls = [c for c in self.sent(chat_id) if c.method in methods]
        if not calls:
            raise AssertionError(f"the bot showed nothing in chat {chat_id}")
        return calls[-1]

    def sent(self, chat_id: int | None = None, method: str | None = None) -> list[Call]:
        with self._cond:
            return [
                c
                for c in self.calls
                if (method is None or c.method == method)
                and (chat_id is None or c.chat_id == chat_id)
            ]
