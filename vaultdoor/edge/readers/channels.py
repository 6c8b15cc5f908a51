"""Byte links between the edge's OSDP control panel and its readers.

libosdp asks a channel for non-blocking `read`, `write` and `flush`. Three links are provided:
a serial line (an RS-485 adapter, `/dev/ttyUSB0`), any already-open file descriptor (one end of a
pty pair, for tests and bench set-ups), and an in-memory pair, for tests that put a real libosdp
PeripheralDevice in the same process.
"""

from __future__ import annotations

import contextlib
import errno
import os
import termios
import threading
import tty

from osdp import Channel  # type: ignore[import-untyped]

from .base import ReaderError

__all__ = ["FdChannel", "MemoryLink", "SerialChannel", "memory_link", "pty_link"]

# The baud rates OSDP readers use (OSDP allows 9600 to 230400; 9600 is the factory default).
_BAUD = {
    9600: termios.B9600,
    19200: termios.B19200,
    38400: termios.B38400,
    57600: termios.B57600,
    115200: termios.B115200,
    230400: termios.B230400,
}


class FdChannel(Channel):  # type: ignore[misc]  # libosdp ships no type hints
    """A libosdp channel over a non-blocking file descriptor (a tty or one end of a pty)."""

    def __init__(self, fd: int, *, owns_fd: bool = True) -> None:
        super().__init__()
        os.set_blocking(fd, False)
        self.fd = fd
        self._owns_fd = owns_fd

    def read(self, max_bytes: int) -> bytes:
        try:
            return os.read(self.fd, max_bytes)
        except BlockingIOError:
            return b""
        except OSError as exc:
            # EIO: the other end of a pty closed. The control panel then sees a silent reader
            # and reports it offline, which is what a cut cable looks like too.
            if exc.errno in (errno.EIO, errno.EBADF):
                return b""
            raise

    def write(self, buf: bytes) -> int:
        try:
            return os.write(self.fd, buf)
        except BlockingIOError:
            return 0
        except OSError as exc:
            if exc.errno in (errno.EIO, errno.EBADF):
                return len(buf)  # the line is dead: the bytes are lost, as on a cut wire
            raise

    def flush(self) -> None:
        with contextlib.suppress(termios.error, OSError):
            termios.tcflush(self.fd, termios.TCIFLUSH)

    def close(self) -> None:
        if self._owns_fd and self.fd >= 0:
            os.close(self.fd)
        self.fd = -1


class SerialChannel(FdChannel):
    """A libosdp channel on a serial device (RS-485 adapter), raw 8N1 at `baud`."""

    def __init__(self, device: str, baud: int = 9600) -> None:
        if baud not in _BAUD:
            raise ReaderError(
                f"baud rate {baud} is not one OSDP uses; choose one of {sorted(_BAUD)}"
            )
        try:
            fd = os.open(device, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
        except OSError as exc:
            raise ReaderError(f"cannot open serial device {device}: {exc.strerror}") from exc
        try:
            tty.setraw(fd)
            attrs = termios.tcgetattr(fd)
            attrs[4] = attrs[5] = _BAUD[baud]  # ispeed, ospeed
            attrs[2] |= termios.CLOCAL | termios.CREAD
            termios.tcsetattr(fd, termios.TCSANOW, attrs)
        except termios.error as exc:
            os.close(fd)
            raise ReaderError(f"{device} is not a serial device: {exc}") from exc
        super().__init__(fd)
        self.device = device


def pty_link() -> tuple[FdChannel, FdChannel]:
    """Two channels joined by a pseudo-terminal pair, both raw: (control panel, reader)."""
    controller, peripheral = os.openpty()
    for fd in (controller, peripheral):
        tty.setraw(fd)
    return FdChannel(controller), FdChannel(peripheral)


class _Pipe:
    """One direction of an in-memory link."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.lock = threading.Lock()
        self.connected = True


class MemoryLink(Channel):  # type: ignore[misc]
    """One end of an in-memory byte link; `cut()` makes the line silent, `mend()` restores it."""

    def __init__(self, rx: _Pipe, tx: _Pipe) -> None:
        super().__init__()
        self._rx = rx
        self._tx = tx

    def read(self, max_bytes: int) -> bytes:
        with self._rx.lock:
            data = bytes(self._rx.buffer[:max_bytes])
            del self._rx.buffer[:max_bytes]
        return data

    def write(self, buf: bytes) -> int:
        with self._tx.lock:
            if self._tx.connected:
                self._tx.buffer.extend(buf)
        return len(buf)

    def flush(self) -> None:
        with self._rx.lock:
            self._rx.buffer.clear()

    def cut(self) -> None:
        """Drop everything sent either way from now on, like a cut cable."""
        for pipe in (self._rx, self._tx):
            with pipe.lock:
                pipe.connected = False
                pipe.buffer.clear()

    def mend(self) -> None:
        """Reconnect the cable."""
        for pipe in (self._rx, self._tx):
            with pipe.lock:
                pipe.buffer.clear()
                pipe.connected = True


def memory_link() -> tuple[MemoryLink, MemoryLink]:
    """An in-memory link: (control panel end, reader end)."""
    down, up = _Pipe(), _Pipe()
    return MemoryLink(rx=up, tx=down), MemoryLink(rx=down, tx=up)
