// `exec_in_pods` accepts its command as one string, split like Python's shlex.split (POSIX rules).
import { ActivityFailed } from "./activity-failed.ts";

export function splitCommand(command: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quote: "'" | '"' | undefined;
  for (let index = 0; index < command.length; index++) {
    const char = command.charAt(index);
    if (quote === "'") {
      if (char === "'") quote = undefined;
      else word += char;
    } else if (quote === '"') {
      if (char === '"') quote = undefined;
      else if (char === "\\" && ["\\", '"', "$", "`", "\n"].includes(command.charAt(index + 1)))
        word += command.charAt(++index);
      else word += char;
    } else if (char === "'" || char === '"') {
      quote = char;
      inWord = true;
    } else if (char === "\\") {
      word += command.charAt(++index);
      inWord = true;
    } else if (/\s/.test(char)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += char;
      inWord = true;
    }
  }
  if (quote) throw new ActivityFailed(`argument "cmd" has an unclosed ${quote} quote: ${command}`);
  if (inWord) words.push(word);
  return words;
}
