/** A tiny shell for `exec`: enough commands for chaos experiments to probe and poke a simulated container. */
export interface CommandContext {
  podName: string;
  namespace: string;
  container: string;
  env: Record<string, string>;
  /** Kills the container's main process; the kubelet restarts the container. */
  killMainProcess(): void;
  /** Waits like `sleep` in the container; rejects when the exec session ends first. */
  sleep(ms: number): Promise<void>;
}

/** Where a command writes, as it runs: an exec session streams each write to its client. */
export interface CommandOutput {
  write(stream: "stdout" | "stderr", text: string): void;
}

/** Longest `sleep` the simulated shell honours, so a forgotten session cannot hold the cluster for long. */
export const MAX_SLEEP_SECONDS = 60;

const SLEEP_UNITS: Record<string, number> = { "": 1, s: 1, m: 60, h: 3600, d: 86400 };

/**
 * `sleep` operands as coreutils reads them (`5`, `0.5`, `2m`; several are added up): the seconds,
 * or the message sleep prints when an operand is not a duration.
 */
export function sleepSeconds(operands: string[]): number | string {
  if (operands.length === 0) return "sleep: missing operand\n";
  let total = 0;
  for (const operand of operands) {
    const match = /^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$/.exec(operand);
    if (!match) return `sleep: invalid time interval '${operand}'\n`;
    total += Number(match[1]) * SLEEP_UNITS[match[2]!]!;
  }
  return total;
}

/** Splits a command line the way sh does for plain words and quotes (no expansions). */
export function shellSplit(line: string): string[] {
  const words: string[] = [];
  let current = "";
  let quote: "'" | '"' | undefined;
  let has = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (ch === "\\" && quote === '"' && i + 1 < line.length) current += line[++i];
      else current += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      has = true;
    } else if (ch === "\\" && i + 1 < line.length) {
      current += line[++i];
      has = true;
    } else if (/\s/.test(ch)) {
      if (has || current.length > 0) words.push(current);
      current = "";
      has = false;
    } else {
      current += ch;
    }
  }
  if (has || current.length > 0) words.push(current);
  return words;
}

/** Splits a script on `;`, `&&` and `||` outside quotes. */
function splitScript(script: string): Array<{ text: string; op: ";" | "&&" | "||" }> {
  const parts: Array<{ text: string; op: ";" | "&&" | "||" }> = [];
  let current = "";
  let quote: string | undefined;
  let op: ";" | "&&" | "||" = ";";
  for (let i = 0; i < script.length; i++) {
    const ch = script[i]!;
    if (quote) {
      if (ch === quote) quote = undefined;
      current += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      current += ch;
    } else if (ch === ";" || ch === "\n") {
      parts.push({ text: current, op });
      current = "";
      op = ";";
    } else if ((ch === "&" || ch === "|") && script[i + 1] === ch) {
      parts.push({ text: current, op });
      current = "";
      op = ch === "&" ? "&&" : "||";
      i++;
    } else {
      current += ch;
    }
  }
  parts.push({ text: current, op });
  return parts.filter((p) => p.text.trim().length > 0);
}

function files(ctx: CommandContext): Record<string, string> {
  return {
    "/etc/hostname": `${ctx.podName}\n`,
    "/etc/os-release": 'NAME="Simulated Linux"\nID=sim\nVERSION_ID="1.0"\n',
    "/etc/resolv.conf": `search ${ctx.namespace}.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n`,
    "/proc/1/cmdline": `${ctx.container}\n`,
  };
}

async function runScript(
  script: string,
  ctx: CommandContext,
  out: CommandOutput,
  depth: number,
): Promise<number> {
  let exitCode = 0;
  for (const part of splitScript(script)) {
    if (part.op === "&&" && exitCode !== 0) continue;
    if (part.op === "||" && exitCode === 0) continue;
    const words = shellSplit(part.text.trim());
    if (words[0] === "exit") return words[1] === undefined ? exitCode : Number(words[1]) & 0xff;
    exitCode = await runCommand(words, ctx, out, depth + 1);
  }
  return exitCode;
}

/** Runs one command line, writing its output to `out` as it goes; resolves to its exit code. */
export async function runCommand(
  argv: string[],
  ctx: CommandContext,
  out: CommandOutput,
  depth = 0,
): Promise<number> {
  const [command, ...args] = argv;
  if (!command || depth > 8) return 0;
  const name = command.split("/").pop()!;
  const stdout = (text: string, exitCode = 0) => {
    if (text) out.write("stdout", text);
    return exitCode;
  };
  const stderr = (text: string, exitCode: number) => {
    if (text) out.write("stderr", text);
    return exitCode;
  };
  switch (name) {
    case "sh":
    case "bash":
    case "ash": {
      if (args[0] === "-c" && args[1] !== undefined) return runScript(args[1], ctx, out, depth);
      return stderr(`${name}: only -c 'script' is supported by the simulated shell\n`, 2);
    }
    case "echo": {
      const noNewline = args[0] === "-n";
      const text = (noNewline ? args.slice(1) : args).join(" ");
      return stdout(noNewline ? text : `${text}\n`);
    }
    case "true":
      return 0;
    case "false":
      return 1;
    case "exit":
      return Number(args[0] ?? 0) & 0xff;
    case "hostname":
      return stdout(`${ctx.podName}\n`);
    case "pwd":
      return stdout("/\n");
    case "whoami":
      return stdout("root\n");
    case "env":
    case "printenv": {
      if (name === "printenv" && args[0]) {
        const value = ctx.env[args[0]];
        return value === undefined ? 1 : stdout(`${value}\n`);
      }
      return stdout(
        Object.entries(ctx.env)
          .map(([k, v]) => `${k}=${v}\n`)
          .join(""),
      );
    }
    case "cat": {
      const table = files(ctx);
      for (const file of args) {
        const content = table[file];
        if (content === undefined) return stderr(`cat: ${file}: No such file or directory\n`, 1);
        stdout(content);
      }
      return 0;
    }
    case "sleep": {
      const seconds = sleepSeconds(args);
      if (typeof seconds === "string") return stderr(seconds, 1);
      await ctx.sleep(Math.min(seconds, MAX_SLEEP_SECONDS) * 1000);
      return 0;
    }
    case "kill": {
      const pids = args.filter((a) => !a.startsWith("-"));
      if (pids.includes("1")) {
        ctx.killMainProcess();
        return 0;
      }
      return stderr(`sh: kill: (${pids[0] ?? ""}) - No such process\n`, 1);
    }
    default:
      return stderr(
        `OCI runtime exec failed: exec failed: unable to start container process: exec: "${command}": executable file not found in $PATH: unknown\n`,
        127,
      );
  }
}
