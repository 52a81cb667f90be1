// The CLI's stderr as a terminal: colour where it is one, and a live status line (a pause counting
// down) that is rewritten in place. Pure decisions (colourEnabled, paintLine) apart from the one
// stateful writer (StatusLine); the stream's TTY-ness and the environment are passed in.

/** Where the CLI writes raw text: whether it is a terminal, and the write without a newline. */
export interface TerminalStream {
  isTTY: boolean;
  write: (text: string) => void;
}

/**
 * Colour when the stream is a terminal; `NO_COLOR` (any non-empty value, no-color.org) turns it off,
 * `FORCE_COLOR` turns it on (off for `0` or `false`) even off a terminal. NO_COLOR wins.
 */
export function colourEnabled(isTTY: boolean, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== "0" && force.toLowerCase() !== "false";
  return isTTY;
}

const SGR = { red: 31, green: 32, yellow: 33, dim: 2, bold: 1 } as const;
export type Style = keyof typeof SGR;

export const paint = (style: Style, text: string): string => `\u001b[${SGR[style]}m${text}\u001b[0m`;

const VERDICT_STYLE: Record<string, Style> = {
  passed: "green",
  deviated: "red",
  failed: "red",
  invalid: "red",
  skipped: "yellow",
};

/** A line of progress, verdicts or problems, with its marks and verdict words coloured. */
export function paintLine(line: string): string {
  return line
    .replace(/^(error:|warning:|WARNING)/, (word) => paint(word === "error:" ? "red" : "yellow", word))
    .replace(/^(passed|deviated|failed|invalid|skipped)\b/, (word) =>
      paint(VERDICT_STYLE[word] ?? "bold", word),
    )
    .replaceAll("✓", paint("green", "✓"))
    .replaceAll("✗", paint("red", "✗"))
    .replaceAll("■", paint("yellow", "■"))
    .replaceAll("tolerance NOT met", paint("red", "tolerance NOT met"));
}

const CLEAR = "\r\u001b[2K";

/** One line kept at the bottom of a terminal and rewritten in place; other lines print above it. */
export class StatusLine {
  private shown = false;
  private readonly stream: TerminalStream;
  constructor(stream: TerminalStream) {
    this.stream = stream;
  }

  show(text: string): void {
    this.stream.write(`${CLEAR}${text}`);
    this.shown = true;
  }

  clear(): void {
    if (!this.shown) return;
    this.stream.write(CLEAR);
    this.shown = false;
  }
}

export interface Ticker {
  every: (ms: number, tick: () => void) => () => void;
}

export const realTicker: Ticker = {
  every(ms, tick) {
    const timer = setInterval(tick, ms);
    timer.unref();
    return () => clearInterval(timer);
  },
};

/**
 * "pausing 8 s…" counting down once a second on the status line, until `stop` (or the next line).
 * Counts wall-clock time: the run's own clock sleeps the pause itself.
 */
export function countdown(status: StatusLine, seconds: number, label: string, ticker: Ticker): () => void {
  let left = Math.ceil(seconds);
  const render = () => status.show(`pausing ${left} s… (${label})`);
  render();
  const cancel = ticker.every(1000, () => {
    left = Math.max(0, left - 1);
    render();
  });
  return () => {
    cancel();
    status.clear();
  };
}
