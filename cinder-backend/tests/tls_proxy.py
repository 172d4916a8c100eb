"""A TLS-terminating TCP relay for the TLS tests (the gateway serves plain
HTTP): ``tls_proxy.py CERT KEY TARGET_PORT`` listens on a free loopback port,
prints it, and relays each TLS connection to 127.0.0.1:TARGET_PORT. Runs in
its own process (no eventlet) until killed."""

import socket
import ssl
import sys
import threading


def pump(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def serve(conn, ctx, target):
    try:
        tls = ctx.wrap_socket(conn, server_side=True)
    except (ssl.SSLError, OSError):
        conn.close()
        return
    up = socket.create_connection(('127.0.0.1', target))
    threading.Thread(target=pump, args=(up, tls), daemon=True).start()
    pump(tls, up)


def main():
    cert, key, target = sys.argv[1], sys.argv[2], int(sys.argv[3])
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    listener = socket.socket()
    listener.bind(('127.0.0.1', 0))
    listener.listen(16)
    print(listener.getsockname()[1], flush=True)
    for _ in range(1000):   # bounded: a test makes a handful of connections
        conn, _addr = listener.accept()
        threading.Thread(target=serve, args=(conn, ctx, target),
                         daemon=True).start()


if __name__ == '__main__':
    main()
