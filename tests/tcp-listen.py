#!/usr/bin/python3
"""Listens on 127.0.0.1 (a free port), writes the port to the file named by
argv[1], and answers every connection with "hello\n" until killed."""
import socket
import sys

server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.bind(("127.0.0.1", 0))
server.listen(16)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(server.getsockname()[1]))
import os
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
while True:
    conn, _ = server.accept()
    conn.sendall(b"hello\n")
    conn.close()
