import type { IncomingMessage } from "node:http";
import { parse as parseYaml } from "yaml";
import { ApiError, badRequest } from "../api-errors.ts";
import { type DeleteOptions, patchContentTypes } from "../cluster-state.ts";

type Obj = Record<string, unknown>;

export function queryNumber(query: URLSearchParams, key: string): number | undefined {
  const raw = query.get(key);
  if (raw === null || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n)) throw badRequest(`${key}: invalid value "${raw}": expected an integer`);
  return n;
}

export function queryBool(query: URLSearchParams, key: string): boolean {
  const raw = query.get(key);
  return raw === "true" || raw === "1";
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export function parseJson(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  const text = body.toString("utf8");
  try {
    return JSON.parse(text);
  } catch {
    try {
      return parseYaml(text);
    } catch (error) {
      throw badRequest(`the request body is neither JSON nor YAML: ${(error as Error).message}`);
    }
  }
}

export function decodeDeleteOptions(query: URLSearchParams, body: Buffer): DeleteOptions {
  const parsed = body.length > 0 ? (parseJson(body) as Obj) : {};
  const grace = queryNumber(query, "gracePeriodSeconds") ?? (parsed.gracePeriodSeconds as number | undefined);
  const policy = query.get("propagationPolicy") ?? (parsed.propagationPolicy as string | undefined);
  if (policy !== undefined && !["Orphan", "Background", "Foreground"].includes(policy)) {
    throw badRequest(
      `propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`,
    );
  }
  const options: DeleteOptions = {};
  if (grace !== undefined) options.gracePeriodSeconds = grace;
  if (policy !== undefined) options.propagationPolicy = policy;
  if (parsed.orphanDependents === true) options.propagationPolicy = "Orphan";
  if (parsed.preconditions) options.preconditions = parsed.preconditions as DeleteOptions["preconditions"];
  return options;
}

export function decodePatchBody(contentType: string, body: Buffer): unknown {
  const base = contentType.split(";")[0]!.trim();
  if (!patchContentTypes.includes(base)) {
    throw new ApiError(
      415,
      `the body of the request was in an unknown format - accepted media types include: ${patchContentTypes.join(", ")}`,
      "UnsupportedMediaType",
    );
  }
  if (base === "application/apply-patch+yaml") {
    try {
      return parseYaml(body.toString("utf8"));
    } catch (error) {
      throw badRequest(`error decoding YAML: ${(error as Error).message}`);
    }
  }
  return parseJson(body);
}
