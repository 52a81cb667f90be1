/** A tiny shell for `exec`: enough commands for chaos experiments to probe and poke a simulated container. */
export interface CommandContext {
  podName: string;
  namespace: string;
  container: string;
  env: Record<string, string>;
  /** Kills the container's main process; the kubelet restarts the container. */
  killMainProcess(): void;
}

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
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

function ok(stdout = ""): CommandResult {
  return { exitCode: 0, stdout, stderr: "" };
}

function runScript(script: string, ctx: CommandContext, depth: number): CommandResult {
  const out: CommandResult = { exitCode: 0, stdout: "", stderr: "" };
  for (const part of splitScript(script)) {
    if (part.op === "&&" && out.exitCode !== 0) continue;
    if (part.op === "||" && out.exitCode === 0) continue;
    const words = shellSplit(part.text.trim());
    if (words[0] === "exit") {
      out.exitCode = words[1] === undefined ? out.exitCode : Number(words[1]) & 0xff;
      return out;
    }
    const result = runCommand(words, ctx, depth + 1);
    out.stdout += result.stdout;
    out.stderr += result.stderr;
    out.exitCode = result.exitCode;
  }
  return out;
}

export function runCommand(argv: string[], ctx: CommandContext, depth = 0): CommandResult {
  const [command, ...args] = argv;
  if (!command || depth > 8) return { exitCode: 0, stdout: "", stderr: "" };
  const name = command.split("/").pop()!;
  switch (name) {
    case "sh":
    case "bash":
    case "ash": {
      if (args[0] === "-c" && args[1] !== undefined) return runScript(args[1], ctx, depth);
      return {
        exitCode: 2,
        stdout: "",
        stderr: `${name}: only -c 'script' is supported by the simulated shell\n`,
      };
    }
    case "echo": {
      const noNewline = args[0] === "-n";
      const text = (noNewline ? args.slice(1) : args).join(" ");
      return ok(noNewline ? text : `${text}\n`);
    }
    case "true":
      return ok();
    case "false":
      return { exitCode: 1, stdout: "", stderr: "" };
    case "exit":
      return { exitCode: Number(args[0] ?? 0) & 0xff, stdout: "", stderr: "" };
    case "hostname":
      return ok(`${ctx.podName}\n`);
    case "pwd":
      return ok("/\n");
    case "whoami":
      return ok("root\n");
    case "env":
    case "printenv": {
      if (name === "printenv" && args[0]) {
        const value = ctx.env[args[0]];
        return value === undefined ? { exitCode: 1, stdout: "", stderr: "" } : ok(`${value}\n`);
      }
      return ok(
        Object.entries(ctx.env)
          .map(([k, v]) => `${k}=${v}\n`)
          .join(""),
      );
    }
    case "cat": {
      const table = files(ctx);
      let stdout = "";
      for (const file of args) {
        const content = table[file];
        if (content === undefined)
          return { exitCode: 1, stdout, stderr: `cat: ${file}: No such file or directory\n` };
        stdout += content;
      }
      return ok(stdout);
    }
    case "sleep":
      return ok();
    case "kill": {
      const pids = args.filter((a) => !a.startsWith("-"));
      if (pids.includes("1")) {
        ctx.killMainProcess();
        return ok();
      }
      return { exitCode: 1, stdout: "", stderr: `sh: kill: (${pids[0] ?? ""}) - No such process\n` };
    }
    default:
      return {
        exitCode: 127,
        stdout: "",
        stderr: `OCI runtime exec failed: exec failed: unable to start container process: exec: "${command}": executable file not found in $PATH: unknown\n`,
      };
  }
}
