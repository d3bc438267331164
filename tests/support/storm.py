"""Sending many API requests at once to a real server, from threads, as racing devices would."""

import http.client
import json
import threading
from concurrent.futures import ThreadPoolExecutor


def post(base_url: str, path: str, token: str, body: dict) -> tuple[int, dict]:
    host, port = base_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    try:
        connection.request("POST", f"/api/v1{path}", body=json.dumps(body), headers=headers)
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        connection.close()


def storm(base_url: str, requests: list[tuple[str, str, dict]]) -> list[tuple[int, dict]]:
    """Send every (token, path, body) at once, as near as threads allow; the answers in order."""
    start = threading.Event()

    def send(request):
        token, path, body = request
        start.wait(timeout=30)
        return post(base_url, path, token, body)

    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        futures = [pool.submit(send, request) for request in requests]
        start.set()
        return [future.result() for future in futures]
