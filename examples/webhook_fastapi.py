"""Receive Leonardo's webhook events in a FastAPI app.

    LEONARDO_WEBHOOK_KEY=<callback key> python examples/webhook_fastapi.py   # port 8000, or $PORT

The route checks the callback key, answers 204 at once and hands the event to a queue; a worker
thread does the slow part (here it prints the images; yours might download them with the SDK,
which blocks, and so belongs off the event loop), so Leonardo never waits on it. Wrong keys and
bodies that are not an event get the status ``parse_event`` names (401, 413 or 400). Try it
offline with the local server:
``leonardo serve --webhook-url http://127.0.0.1:8000/leonardo/webhook --webhook-key <key>``
(docs/webhooks.md).
"""

from __future__ import annotations

import os
import queue
import threading

from fastapi import FastAPI, Request, Response

from leonardoaisdk import errors
from leonardoaisdk.webhooks import MAX_EVENT_BYTES, WebhookEvent, parse_event


def create_app(callback_key: str, events: queue.Queue[WebhookEvent]) -> FastAPI:
    app = FastAPI()

    @app.post("/leonardo/webhook", status_code=204)
    async def leonardo_webhook(request: Request) -> Response:
        # Read no more than parse_event accepts, so a huge body is refused, not held.
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_EVENT_BYTES:
                break
        try:
            event = parse_event(body, request.headers, callback_key=callback_key)
        except errors.WebhookError as exc:
            return Response(str(exc), status_code=exc.http_status, media_type="text/plain")
        try:
            events.put_nowait(event)  # never blocks the event loop
        except queue.Full:  # the worker is far behind: ask to be sent it again later
            return Response("busy", status_code=503, media_type="text/plain")
        return Response(status_code=204)

    return app


def handle_events(events: queue.Queue[WebhookEvent]) -> None:
    """Where your work goes. Leonardo's retry policy is not published, so an event may come
    twice: key your work on the generation id."""
    while True:
        event = events.get()
        generation = event.generation
        if generation is None:
            continue
        for image in generation.images or []:
            print(f"generation {generation.id} ({event.type}): {image.url}", flush=True)
        if not generation.images:
            print(f"generation {generation.id} ({event.type}): {generation.status}", flush=True)


if __name__ == "__main__":
    import uvicorn

    events: queue.Queue[WebhookEvent] = queue.Queue(maxsize=1000)
    threading.Thread(target=handle_events, args=(events,), daemon=True).start()
    app = create_app(os.environ["LEONARDO_WEBHOOK_KEY"], events)
    uvicorn.run(app, host="127.0.0.1", port=int(os.environ.get("PORT", "8000")))
