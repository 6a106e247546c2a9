"""The preview's HTTP server when a browser drops a connection (a closed tab, a reload, the
page's server-sent events ending): nothing on the terminal, and the server keeps serving.

A real server on a free port and real sockets reset by the client (``SO_LINGER`` 0 sends a
TCP RST, as a browser closing a kept-alive connection does); no kernel is started.
"""

from __future__ import annotations

import json
import socket
import struct
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers.core.paths import Project
from helpers.season.preview import Preview, PreviewServer, make_handler

WAIT = 600.0  # a hang guard on a loaded machine, not a speed requirement


@pytest.fixture
def preview(workspace: Path) -> Preview:
    return Preview(Project(workspace), 2016, "klk")


@pytest.fixture
def server(preview: Preview) -> Iterator[PreviewServer]:
    running = PreviewServer(("127.0.0.1", 0), make_handler(preview))
    # Join the request threads on close, so every request has been handled before we look.
    running.daemon_threads = False
    thread = threading.Thread(target=running.serve_forever, daemon=True)
    thread.start()
    try:
        yield running
    finally:
        preview.stop_event.set()
        with preview.changed:
            preview.changed.notify_all()
        running.shutdown()
        running.server_close()
        thread.join(WAIT)


def _reset(sock: socket.socket) -> None:
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def _get(sock: socket.socket, path: str) -> bytes:
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n".encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(65536)
        assert chunk, "the server closed the connection"
        head += chunk
    headers, _, body = head.partition(b"\r\n\r\n")
    length = int(headers.lower().split(b"content-length:")[1].split(b"\r\n")[0])
    while len(body) < length:
        body += sock.recv(65536)
    return body


def test_a_reset_kept_alive_connection_prints_nothing(server, capsys):
    port = server.server_address[1]
    for _ in range(3):
        sock = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
        assert "version" in json.loads(_get(sock, "/tillstand"))
        _reset(sock)  # the server is waiting for the next request on this connection
    half = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
    half.sendall(b"GET /rapport HTTP/1.1\r\nHo")  # a tab closed mid-request
    _reset(half)
    # Still serving, to a new client.
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/tillstand", timeout=WAIT) as answer:
        assert answer.status == 200
    server.shutdown()
    server.server_close()  # joins every request thread
    captured = capsys.readouterr()
    assert captured.out + captured.err == ""


def test_a_reset_event_stream_prints_nothing(server, preview, capsys):
    port = server.server_address[1]
    sock = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
    sock.sendall(b"GET /handelser HTTP/1.1\r\nHost: x\r\n\r\n")
    received = b""
    while b"event: state" not in received:
        chunk = sock.recv(65536)
        assert chunk, "the event stream ended"
        received += chunk
    _reset(sock)
    preview.publish(version=7)  # the stream writes the new state into the reset connection
    preview.stop_event.set()
    preview.publish(version=8)
    server.shutdown()
    server.server_close()  # joins the stream's thread
    captured = capsys.readouterr()
    assert captured.out + captured.err == ""


def test_any_other_failure_is_one_swedish_line_without_traceback(server, capsys):
    try:
        raise ValueError("trasig\nrad")
    except ValueError:
        server.handle_error(None, ("127.0.0.1", 1))
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Förhandsgranskningen kunde inte svara" in err
    assert "Traceback" not in err and "trasig" in err


def test_the_start_message_says_where_the_preview_writes(workspace: Path):
    from helpers.season.preview import preview_notice

    year_end = Project(workspace)
    notice = preview_notice(year_end, 2016, "klk")
    written = year_end.report_file(2016, "klk").relative_to(workspace).as_posix()
    assert written in notice and "workbook build --year 2016`" in notice
    delar = year_end.for_period("delar")
    notice = preview_notice(delar, 2016, "klk")
    assert delar.report_file(2016, "klk").relative_to(workspace).as_posix() in notice
    assert "--period delar" in notice
