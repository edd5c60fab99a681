"""A loopback TCP proxy that breaks its connection once, part-way: the network cut mid-upload,
for the tests and bench/sending.py."""

from __future__ import annotations

import socket
import threading


class CuttingProxy:
    """Loopback TCP between the sender and the server that breaks the connection (both ways, at
    once) when `cut_at` bytes have gone towards the server, once."""

    def __init__(self, upstream_port: int, cut_at: int) -> None:
        self.upstream_port, self.cut_at = upstream_port, cut_at
        self.sent = 0
        self.cuts = 0
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.upstream_port))
            threading.Thread(target=self._pump, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, False), daemon=True).start()

    def _pump(self, source: socket.socket, dest: socket.socket, towards_server: bool) -> None:
        try:
            while data := source.recv(16384):
                if towards_server:
                    with self._lock:
                        before, self.sent = self.sent, self.sent + len(data)
                        cut = self.cuts == 0 and before < self.cut_at <= self.sent
                        if cut:
                            self.cuts += 1
                    if cut:
                        dest.sendall(data[: self.cut_at - before])
                        for end in (source, dest):
                            end.shutdown(socket.SHUT_RDWR)
                        return
                dest.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, dest):
                end.close()

    def close(self) -> None:
        self._listener.close()
