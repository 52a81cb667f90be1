// The API server unreachable for a while: its port refuses connections (the listener is closed and
// reopened on the same port), or accepts them and resets each at once. Open connections are cut.
import type { Server } from "node:http";
import type { Socket } from "node:net";

export type OutageMode = "refuse" | "reset";

export interface SimOutage {
  /** How long the server stays unreachable. */
  ms: number;
  /** "refuse" (default): connection refused; "reset": connections accepted, then reset. */
  mode?: OutageMode;
}

export class Outages {
  private readonly server: Server;
  private readonly port: () => number;
  private timer: NodeJS.Timeout | undefined;
  private finish: (() => void) | undefined;
  private closed = false;

  constructor(server: Server, port: () => number) {
    this.server = server;
    this.port = port;
  }

  get active(): boolean {
    return this.finish !== undefined;
  }

  /** Starts an outage; resolves once the server answers again. One outage at a time. */
  start(outage: SimOutage): Promise<void> {
    if (this.closed) return Promise.reject(new Error("sim cluster: closed"));
    if (this.active) return Promise.reject(new Error("sim cluster: an outage is already under way"));
    const mode = outage.mode ?? "refuse";
    const resetEach = (socket: Socket) => socket.resetAndDestroy();
    if (mode === "reset") this.server.on("connection", resetEach);
    else this.server.close();
    this.server.closeAllConnections();
    return new Promise<void>((resolve, reject) => {
      this.finish = () => {
        this.finish = undefined;
        this.timer = undefined;
        if (mode === "reset") {
          this.server.off("connection", resetEach);
          resolve();
          return;
        }
        if (this.closed) return resolve();
        this.server.once("error", reject);
        this.server.listen(this.port(), "127.0.0.1", () => {
          this.server.off("error", reject);
          resolve();
        });
      };
      this.timer = setTimeout(() => this.finish?.(), outage.ms);
    });
  }

  /** Ends any outage at once (the server is being closed). */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.finish?.();
  }
}
