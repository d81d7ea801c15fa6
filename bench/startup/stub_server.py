#!/usr/bin/env python3
"""A minimal OpenAI-compatible server on loopback for the startup benchmark: GET /v1/models lists one model,
POST /v1/chat/completions streams a short answer at once. It appends "<kind> <epoch-ns>" to the log file for every
request it receives, so run.sh can tell how long after launch a run's first request arrived.
Usage: stub_server.py PORT LOGFILE"""
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT, LOG = int(sys.argv[1]), sys.argv[2]
MODEL = "stub-model"


def record(kind):
    with open(LOG, "a") as f:
        f.write(f"{kind} {time.time_ns()}\n")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        record("models")
        body = json.dumps({"object": "list", "data": [
            {"id": MODEL, "object": "model", "created": 0, "owned_by": "stub"}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        record("chat")
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        events = []
        for i, word in enumerate(["Paris", " is", " the", " capital."]):
            delta = {"role": "assistant", "content": word} if i == 0 else {"content": word}
            events.append({"id": "c", "object": "chat.completion.chunk", "created": 0, "model": MODEL,
                           "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": None}]})
        events.append({"id": "c", "object": "chat.completion.chunk", "created": 0, "model": MODEL,
                       "choices": [{"index": 0, "delta": {}, "logprobs": None, "finish_reason": "stop"}]})
        events.append({"id": "c", "object": "chat.completion.chunk", "created": 0, "model": MODEL, "choices": [],
                       "usage": {"prompt_tokens": 8, "completion_tokens": 4, "total_tokens": 12}})
        payload = "".join(f"data: {json.dumps(e)}\n\n" for e in events) + "data: [DONE]\n\n"
        body = payload.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
