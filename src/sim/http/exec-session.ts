import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer } from "ws";
import type { ApiError } from "../api-errors.ts";
import { type CommandContext, type CommandOutput, runCommand } from "../command-interpreter.ts";

const supportedProtocols = ["v5.channel.k8s.io", "v4.channel.k8s.io"];

export interface ExecRequest {
  command: string[];
  stdout: boolean;
  stderr: boolean;
  context: Omit<CommandContext, "sleep">;
}

class SessionEnded extends Error {
  override name = "SessionEnded";
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

  /** Sessions still running, ended when the server closes so that no `sleep` outlives it. */
  private readonly sessions = new Set<AbortController>();

  hasSupportedProtocol(req: IncomingMessage): boolean {
    const offered = String(req.headers["sec-websocket-protocol"] ?? "")
      .split(",")
      .map((p) => p.trim());
    return supportedProtocols.some((p) => offered.includes(p));
  }

  run(req: IncomingMessage, socket: Duplex, head: Buffer, exec: ExecRequest, onClose: () => void): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const ended = new AbortController();
      this.sessions.add(ended);
      ws.on("close", () => {
        ended.abort();
        this.sessions.delete(ended);
        onClose();
      });
      const open = () => !ended.signal.aborted && ws.readyState === ws.OPEN;
      const out: CommandOutput = {
        write: (stream, text) => {
          const wanted = stream === "stdout" ? exec.stdout : exec.stderr;
          if (wanted && open()) ws.send(frame(stream === "stdout" ? 1 : 2, text));
        },
      };
      const sleep = (ms: number) =>
        new Promise<void>((resolve, reject) => {
          const stop = () => {
            clearTimeout(timer);
            reject(new SessionEnded());
          };
          const timer = setTimeout(() => {
            ended.signal.removeEventListener("abort", stop);
            resolve();
          }, ms);
          if (ended.signal.aborted) stop();
          else ended.signal.addEventListener("abort", stop, { once: true });
        });
      runCommand(exec.command, { ...exec.context, sleep }, out).then(
        (exitCode) => {
          if (!open()) return;
          ws.send(frame(3, statusMessage(exec.command, exitCode)));
          ws.close(1000);
        },
        (error: unknown) => {
          // The client went away mid-command: nothing is left to tell it.
          if (error instanceof SessionEnded) return;
          if (open()) ws.close(1011, "internal error");
        },
      );
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
    for (const session of this.sessions) session.abort();
    this.sessions.clear();
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
  }
}
