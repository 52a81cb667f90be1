// A tiny HTTP proxy on 127.0.0.1 for tests: tunnels CONNECT requests and forwards absolute-URL
// requests, counting each, so a test can tell whether a client went through it.
import { createServer, request, type Server } from "node:http";
import { type AddressInfo, connect } from "node:net";

export interface CountingProxy {
  url: string;
  tunnels: number;
  forwarded: number;
  close(): Promise<void>;
}

export async function startCountingProxy(): Promise<CountingProxy> {
  const counts = { tunnels: 0, forwarded: 0 };
  const server: Server = createServer((req, res) => {
    counts.forwarded++;
    const upstream = request(
      new URL(req.url ?? "/"),
      { method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  const sockets = new Set<import("node:net").Socket>();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("connect", (req, socket, head) => {
    counts.tunnels++;
    const [host = "", port = ""] = (req.url ?? "").split(/:(?=\d+$)/);
    const upstream = connect(Number(port), host.replace(/^\[|\]$/g, ""), () => {
      sockets.add(upstream);
      socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on("error", () => socket.destroy());
    socket.on("error", () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get tunnels() {
      return counts.tunnels;
    },
    get forwarded() {
      return counts.forwarded;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
