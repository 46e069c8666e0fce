#!/usr/bin/env python3
"""A TCP proxy on loopback that adds a fixed delay to every HTTP request: the first bytes a client sends after
the server last answered wait LATENCY_MS before they are passed on (a request's later bytes are not delayed
again). It stands for a remote object store's round trip in front of a local one.

    latency_proxy.py LISTEN_PORT TARGET_PORT LATENCY_MS      # prints "listening" once it accepts
"""
import asyncio
import sys


async def pipe(reader, writer, state, delay, from_client):
    try:
        while data := await reader.read(1 << 16):
            if from_client:
                if state["answered"]:
                    state["answered"] = False
                    await asyncio.sleep(delay)
            else:
                state["answered"] = True
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        try:
            writer.close()
        except Exception:
            pass


async def main(listen_port, target_port, delay):
    async def handle(client_reader, client_writer):
        try:
            server_reader, server_writer = await asyncio.open_connection("127.0.0.1", target_port)
        except OSError:
            client_writer.close()
            return
        state = {"answered": True}
        await asyncio.gather(pipe(client_reader, server_writer, state, delay, True),
                             pipe(server_reader, client_writer, state, delay, False))

    server = await asyncio.start_server(handle, "127.0.0.1", listen_port)
    print("listening", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]) / 1000.0))
