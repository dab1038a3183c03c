"""Receive Leonardo's webhook events in a Flask app.

    LEONARDO_WEBHOOK_KEY=<callback key> python examples/webhook_flask.py   # port 8000, or $PORT

The route checks the callback key, answers 204 at once and hands the event to a queue; a worker
thread does the slow part (here it prints the images; yours might download them or notify a
user), so Leonardo never waits on it. Wrong keys and bodies that are not an event get the
status ``parse_event`` names (401, 413 or 400). Try it offline with the local server:
``leonardo serve --webhook-url http://127.0.0.1:8000/leonardo/webhook --webhook-key <key>``
(docs/webhooks.md).
"""

from __future__ import annotations

import os
import queue
import threading

from flask import Flask, Response, request

from leonardoaisdk import errors
from leonardoaisdk.webhooks import MAX_EVENT_BYTES, WebhookEvent, parse_event


def create_app(callback_key: str, events: queue.Queue[WebhookEvent]) -> Flask:
    app = Flask(__name__)
    # Werkzeug answers 413 to a larger body before reading it (parse_event would refuse it too).
    app.config["MAX_CONTENT_LENGTH"] = MAX_EVENT_BYTES

    @app.post("/leonardo/webhook")
    def leonardo_webhook() -> Response:
        try:
            event = parse_event(request.get_data(), request.headers, callback_key=callback_key)
        except errors.WebhookError as exc:
            return Response(str(exc), status=exc.http_status, mimetype="text/plain")
        try:
            events.put_nowait(event)
        except queue.Full:  # the worker is far behind: ask to be sent it again later
            return Response("busy", status=503, mimetype="text/plain")
        return Response(status=204)

    return app


def handle_events(events: queue.Queue[WebhookEvent]) -> None:
    """Where your work goes. Leonardo's retry policy is not published, so an event may come
    twice: key your work on the generation id."""
    while True:
        event = events.get()
        generation = event.generation
        if generation is None:
            continue
        urls = [image.url for image in generation.images or []]
        print(f"{event.type}: generation {generation.id} {generation.status}", *urls, flush=True)


if __name__ == "__main__":
    events: queue.Queue[WebhookEvent] = queue.Queue(maxsize=1000)
    threading.Thread(target=handle_events, args=(events,), daemon=True).start()
    app = create_app(os.environ["LEONARDO_WEBHOOK_KEY"], events)
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "8000")))
