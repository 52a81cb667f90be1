import { badRequest } from "./api-errors.ts";

export type Labels = Record<string, string>;

export type Requirement =
  | { key: string; op: "in" | "notin"; values: string[] }
  | { key: string; op: "exists" | "!exists" }
  | { key: string; op: "=" | "!="; values: [string] };

/** A parsed label selector: every requirement must hold. */
export type LabelSelector = Requirement[];

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of text) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      parts.push(current);
      current = "";
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

const keyPattern = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?\/)?[a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?$/;

function checkKey(key: string, selector: string): string {
  if (!keyPattern.test(key))
    throw badRequest(`unable to parse requirement: invalid label key "${key}" in "${selector}"`);
  return key;
}

export function parseLabelSelector(text: string | undefined): LabelSelector {
  if (!text) return [];
  const requirements: Requirement[] = [];
  for (const part of splitTopLevel(text)) {
    const setMatch = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(part);
    if (setMatch) {
      const values = setMatch[3]!
        .split(",")
        .map((v) => v.trim())
        .filter((v) => v.length > 0);
      requirements.push({ key: checkKey(setMatch[1]!, text), op: setMatch[2] as "in" | "notin", values });
      continue;
    }
    const eqMatch = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(part);
    if (eqMatch) {
      const op = eqMatch[2] === "!=" ? "!=" : "=";
      requirements.push({ key: checkKey(eqMatch[1]!, text), op, values: [eqMatch[3]!] });
      continue;
    }
    if (part.startsWith("!")) {
      requirements.push({ key: checkKey(part.slice(1).trim(), text), op: "!exists" });
      continue;
    }
    if (/^\S+$/.test(part)) {
      requirements.push({ key: checkKey(part, text), op: "exists" });
      continue;
    }
    throw badRequest(`unable to parse requirement: found '${part}', expected: in, notin, =, ==, !=, gt, lt`);
  }
  return requirements;
}

export function matchesLabels(selector: LabelSelector, labels: Labels | undefined): boolean {
  const l = labels ?? {};
  return selector.every((r) => {
    const has = Object.hasOwn(l, r.key);
    switch (r.op) {
      case "exists":
        return has;
      case "!exists":
        return !has;
      case "=":
        return has && l[r.key] === r.values[0];
      case "!=":
        return !has || l[r.key] !== r.values[0];
      case "in":
        return has && r.values.includes(l[r.key]!);
      case "notin":
        return !has || !r.values.includes(l[r.key]!);
    }
    return false;
  });
}

interface LabelSelectorObject {
  matchLabels?: Labels;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

/** A metav1.LabelSelector (matchLabels + matchExpressions) as requirements. Empty selects everything. */
export function selectorFromObject(selector: LabelSelectorObject | undefined): LabelSelector {
  if (!selector) return [];
  const requirements: Requirement[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    requirements.push({ key, op: "=", values: [value] });
  }
  for (const e of selector.matchExpressions ?? []) {
    const op = e.operator.toLowerCase();
    if (op === "in" || op === "notin") requirements.push({ key: e.key, op, values: e.values ?? [] });
    else if (op === "exists") requirements.push({ key: e.key, op: "exists" });
    else if (op === "doesnotexist") requirements.push({ key: e.key, op: "!exists" });
  }
  return requirements;
}

/** A Service-style selector map; an empty map selects nothing. */
export function selectorFromMap(map: Labels | undefined): LabelSelector | undefined {
  if (!map || Object.keys(map).length === 0) return undefined;
  return Object.entries(map).map(([key, value]) => ({ key, op: "=" as const, values: [value] as [string] }));
}

export function formatSelector(selector: LabelSelector): string {
  return selector
    .map((r) => {
      switch (r.op) {
        case "exists":
          return r.key;
        case "!exists":
          return `!${r.key}`;
        case "=":
        case "!=":
          return `${r.key}${r.op}${r.values[0]}`;
        default:
          return `${r.key} ${r.op} (${r.values.join(",")})`;
      }
    })
    .join(",");
}
