/** What the simulated containers have written, per pod and container, with the previous instance after a restart. */
interface LogLine {
  time: Date;
  text: string;
}

export interface LogQuery {
  timestamps: boolean;
  previous: boolean;
  sinceSeconds?: number;
  sinceTime?: string;
  tailLines?: number;
  limitBytes?: number;
}

export class PodLogs {
  private readonly current = new Map<string, LogLine[]>();
  private readonly previous = new Map<string, LogLine[]>();

  write(podKey: string, container: string, text: string, time = new Date()): void {
    const key = `${podKey}/${container}`;
    const lines = this.current.get(key) ?? [];
    lines.push({ time, text });
    this.current.set(key, lines);
  }

  /** A container restarted: its log becomes the previous log. */
  rotate(podKey: string, container: string): void {
    const key = `${podKey}/${container}`;
    this.previous.set(key, this.current.get(key) ?? []);
    this.current.set(key, []);
  }

  hasPrevious(podKey: string, container: string): boolean {
    return this.previous.has(`${podKey}/${container}`);
  }

  forget(podKey: string): void {
    for (const map of [this.current, this.previous]) {
      for (const key of map.keys()) if (key.startsWith(`${podKey}/`)) map.delete(key);
    }
  }

  read(podKey: string, container: string, query: LogQuery): string {
    const source = query.previous ? this.previous : this.current;
    let lines = source.get(`${podKey}/${container}`) ?? [];
    const since =
      query.sinceSeconds !== undefined
        ? Date.now() - query.sinceSeconds * 1000
        : query.sinceTime
          ? Date.parse(query.sinceTime)
          : undefined;
    if (since !== undefined && !Number.isNaN(since)) lines = lines.filter((l) => l.time.getTime() >= since);
    if (query.tailLines !== undefined) lines = query.tailLines <= 0 ? [] : lines.slice(-query.tailLines);
    let text = lines
      .map((l) => (query.timestamps ? `${l.time.toISOString().replace("Z", "000000Z")} ${l.text}` : l.text))
      .join("\n");
    if (text.length > 0) text += "\n";
    if (query.limitBytes !== undefined) text = text.slice(0, query.limitBytes);
    return text;
  }
}
