import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer } from "ws";
import type { ApiError } from "../api-errors.ts";
import { type CommandContext, runCommand } from "../command-interpreter.ts";

const supportedProtocols = ["v5.channel.k8s.io", "v4.channel.k8s.io"];

export interface ExecRequest {
  command: string[];
  stdout: boolean;
  stderr: boolean;
  context: CommandContext;
}

/** Exit status on the error channel (3), the way the kubelet reports it. */
function statusMessage(command: string[], exitCode: number): string {
  if (exitCode === 0) return JSON.stringify({ metadata: {}, status: "Success" });
  return JSON.stringify({
    metadata: {},
    status: "Failure",
    message: `command terminated with non-zero exit code: error executing command [${command.join(" ")}], exit code ${exitCode}`,
    reason: "NonZeroExitCode",
    details: { causes: [{ reason: "ExitCode", message: String(exitCode) }] },
  });
}

function frame(channel: number, text: string): Buffer {
  return Buffer.concat([Buffer.from([channel]), Buffer.from(text, "utf8")]);
}

/** Serves `pods/exec` over WebSocket with the channel.k8s.io subprotocols. */
export class ExecServer {
  private readonly wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) => supportedProtocols.find((p) => protocols.has(p)) ?? false,
  });

  hasSupportedProtocol(req: IncomingMessage): boolean {
    const offered = String(req.headers["sec-websocket-protocol"] ?? "")
      .split(",")
      .map((p) => p.trim());
    return supportedProtocols.some((p) => offered.includes(p));
  }

  run(req: IncomingMessage, socket: Duplex, head: Buffer, exec: ExecRequest, onClose: () => void): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on("close", onClose);
      const result = runCommand(exec.command, exec.context);
      if (exec.stdout && result.stdout) ws.send(frame(1, result.stdout));
      if (exec.stderr && result.stderr) ws.send(frame(2, result.stderr));
      ws.send(frame(3, statusMessage(exec.command, result.exitCode)));
      ws.close(1000);
    });
  }

  /** Refuses an upgrade with a Status body, as the API server does before switching protocols. */
  static refuse(socket: Duplex, error: ApiError): void {
    const body = JSON.stringify(error.toStatus());
    const reason =
      error.code === 404
        ? "Not Found"
        : error.code === 401
          ? "Unauthorized"
          : error.code === 403
            ? "Forbidden"
            : "Bad Request";
    socket.end(
      `HTTP/1.1 ${error.code} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }

  close(): void {
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
  }
}
