// Exec over WebSocket whose refused upgrades say why. The API server answers a refused exec (RBAC
// 403, a container that is not running, a wrong container name: 400) with a plain HTTP response
// and a Status body before any switch of protocols; the client's own handler turns that into a
// bare "Unexpected server response: 403". Here the response is read and the failure is the
// ApiException every other call raises, so it is explained the same way.
import { ApiException, Exec, type KubeConfig } from "@kubernetes/client-node";
import { WebSocketHandler } from "@kubernetes/client-node/dist/web-socket-handler.js";
import WebSocket from "ws";

function withRefusalBody(uri: string, protocols: string[], options: WebSocket.ClientOptions): WebSocket {
  const socket = new WebSocket(uri, protocols, options);
  socket.on("unexpected-response", (request, response) => {
    const chunks: Buffer[] = [];
    response.on("data", (chunk: Buffer) => chunks.push(chunk));
    response.on("end", () => {
      const code = response.statusCode ?? 0;
      const body = Buffer.concat(chunks).toString("utf8");
      const headers = Object.fromEntries(
        Object.entries(response.headers).map(([name, value]) => [name, String(value)]),
      );
      request.destroy();
      socket.emit("error", new ApiException(code, `HTTP-Code: ${code}`, body, headers));
    });
  });
  return socket;
}

export function execClient(kc: KubeConfig): Exec {
  return new Exec(kc, new WebSocketHandler(kc, withRefusalBody));
}

/** The error a failed exec connection rejects with: the client hands over ws's ErrorEvent. */
export function execFailure(error: unknown): unknown {
  const wrapped = (error as { error?: unknown } | null)?.error;
  return wrapped instanceof Error ? wrapped : error;
}
