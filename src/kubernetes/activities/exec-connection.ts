// Exec over WebSocket whose refused upgrades say why. The API server answers a refused exec (RBAC
// 403, a container that is not running, a wrong container name: 400) with a plain HTTP response
// and a Status body before any switch of protocols; the client's own handler turns that into a
// bare "Unexpected server response: 403". Here the response is read and the failure is the
// ApiException every other call raises, so it is explained the same way.
import type { Exec, KubeConfig } from "@kubernetes/client-node";
import type WebSocket from "ws";
import { type ClientNode, clientNode } from "../cluster-client.ts";

type WebSocketClass = typeof WebSocket;

const withRefusalBody =
  (WebSocket: WebSocketClass, { ApiException }: ClientNode) =>
  (uri: string, protocols: string[], options: WebSocket.ClientOptions): WebSocket => {
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
  };

export async function execClient(kc: KubeConfig): Promise<Exec> {
  const [client, { WebSocketHandler }, { default: WebSocket }] = await Promise.all([
    clientNode(),
    import("@kubernetes/client-node/dist/web-socket-handler.js"),
    import("ws"),
  ]);
  return new client.Exec(kc, new WebSocketHandler(kc, withRefusalBody(WebSocket, client)));
}

/** The error a failed exec connection rejects with: the client hands over ws's ErrorEvent. */
export function execFailure(error: unknown): unknown {
  const wrapped = (error as { error?: unknown } | null)?.error;
  return wrapped instanceof Error ? wrapped : error;
}
