"""The stdio transport on asyncio's own pipe support: no worker thread per line read or written.

The SDK's `stdio_server` reads stdin and writes stdout through `anyio.wrap_file`, so every message crosses a
worker thread twice; measured here that is about 0.35 ms of a 1.1 ms round trip. This module hands the same
SDK function line streams served by the event loop instead (`loop.connect_read_pipe` / `connect_write_pipe`),
and keeps the SDK transport's safety rule: while serving, fd 0 reads the null device and fd 1 points at stderr,
so a stray `print` or a child process cannot corrupt the wire. Both are restored on exit.

Where the loop cannot watch the descriptors (stdin a regular file or /dev/null, Windows, a non-asyncio event
loop), the SDK's own transport is used unchanged.
"""

from __future__ import annotations

import asyncio
import logging
import os
import stat
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Any

from mcp.server.stdio import stdio_server

log = logging.getLogger("sales_playbook")

# One JSON-RPC message per line; a longer line is discarded and answered as a parse error. Far above any input a
# tool accepts (their own limits refuse oversized fields with a message), it only bounds the read buffer.
MAX_LINE_BYTES = 64 * 1024 * 1024


class _LineReader:
    """Async iterator over the lines of a pipe, decoded as UTF-8 (undecodable bytes replaced, as the SDK does)."""

    def __init__(self, reader: asyncio.StreamReader) -> None:
        self._reader = reader

    def __aiter__(self) -> _LineReader:
        return self

    async def __anext__(self) -> str:
        try:
            line = await self._reader.readline()
        except ValueError:  # longer than MAX_LINE_BYTES: the reader dropped it
            log.warning("stdio: discarded a message longer than %d bytes", MAX_LINE_BYTES)
            return "\n"  # not JSON: the SDK answers it as a parse error and goes on
        if not line:
            raise StopAsyncIteration
        return line.decode("utf-8", errors="replace")


class _LineWriter:
    """`write` + `flush` as the SDK's stdout writer calls them, on an asyncio write-pipe transport."""

    def __init__(self, writer: asyncio.StreamWriter) -> None:
        self._writer = writer

    async def write(self, text: str) -> None:
        self._writer.write(text.encode("utf-8"))

    async def flush(self) -> None:
        await self._writer.drain()  # waits only while the client is not reading (the pipe is full)


def _divert(fd: int, flags: int, to: int | None) -> tuple[int, int]:
    """Duplicate `fd` for the transport and point `fd` itself at `to` (or the null device). Returns
    (private duplicate, saved original) so the original can be restored."""
    private = os.dup(fd)
    saved = os.dup(fd)
    target = to if to is not None else os.open(os.devnull, flags)
    try:
        os.dup2(target, fd)
    finally:
        if to is None:
            os.close(target)
    return private, saved


def _restore(fd: int, saved: int) -> None:
    """Point `fd` back at what it was, in blocking mode again (the event loop made the shared pipe non-blocking)."""
    with suppress(OSError):
        os.set_blocking(saved, True)
    with suppress(OSError):
        os.dup2(saved, fd)
    with suppress(OSError):
        os.close(saved)


@asynccontextmanager
async def loop_stdio_server() -> AsyncIterator[tuple[Any, Any]]:
    """The SDK's `stdio_server` streams, served from the event loop (or the SDK's transport where it cannot)."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        loop = None
    if loop is None or sys.platform == "win32" or not _pipe_like(0) or not _pipe_like(1):
        async with stdio_server() as streams:
            yield streams
        return
    stdin_fd, saved_stdin = _divert(0, os.O_RDONLY, None)
    stdout_fd, saved_stdout = _divert(1, os.O_WRONLY, 2)
    transports: list[asyncio.BaseTransport] = []
    try:
        try:
            streams = await _connect(loop, stdin_fd, stdout_fd, transports)
        except (OSError, ValueError) as exc:  # the descriptors passed _pipe_like but the loop still refused them
            log.debug("stdio: event-loop pipes unavailable (%s); using the SDK transport", exc)
            streams = None
        if streams is None:
            for transport in transports:
                transport.close()
            transports.clear()
            _restore(1, saved_stdout)
            _restore(0, saved_stdin)
            saved_stdin = saved_stdout = -1
            async with stdio_server() as sdk_streams:
                yield sdk_streams
            return
        async with stdio_server(*streams) as served:
            yield served
    finally:
        for transport in transports:
            transport.close()
        if saved_stdout >= 0:
            _restore(1, saved_stdout)
        if saved_stdin >= 0:
            _restore(0, saved_stdin)


async def _connect(
    loop: asyncio.AbstractEventLoop, stdin_fd: int, stdout_fd: int, transports: list[asyncio.BaseTransport]
) -> tuple[Any, Any]:
    """Line reader and writer on the private descriptors; every transport opened is appended to `transports`."""
    reader = asyncio.StreamReader(limit=MAX_LINE_BYTES, loop=loop)
    try:
        read_transport, _ = await loop.connect_read_pipe(
            lambda: asyncio.StreamReaderProtocol(reader, loop=loop), os.fdopen(stdin_fd, "rb", buffering=0)
        )
    except BaseException:
        with suppress(OSError):
            os.close(stdout_fd)
        raise
    transports.append(read_transport)
    write_transport, write_protocol = await loop.connect_write_pipe(
        lambda: asyncio.streams.FlowControlMixin(loop=loop), os.fdopen(stdout_fd, "wb", buffering=0)
    )
    transports.append(write_transport)
    writer = asyncio.StreamWriter(write_transport, write_protocol, None, loop)
    return _LineReader(reader), _LineWriter(writer)


def _pipe_like(fd: int) -> bool:
    """True when the event loop can watch `fd`: a pipe, a socket or a terminal. Not a regular file, nor another
    character device: epoll refuses /dev/null with EPERM, inside a loop callback, where it cannot fall back."""
    try:
        mode = os.fstat(fd).st_mode
    except OSError:
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode) or (stat.S_ISCHR(mode) and os.isatty(fd))
