// A stand-in on 127.0.0.1 for what @actions/artifact (v2 and later) talks to when it uploads: the
// Actions results service (Twirp JSON under ACTIONS_RESULTS_URL: CreateArtifact hands out a signed
// blob URL, FinalizeArtifact returns the artifact's id) and the Azure blob storage behind that URL
// (block uploads: PUT ?comp=block per block, then PUT ?comp=blocklist). It checks what the real
// service checks (the runtime token, the backend ids from its `scp` claim, unique names, size and
// sha256) and keeps each finished artifact's zip.
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { inflateRawSync } from "node:zlib";

const SERVICE = "/twirp/github.actions.results.api.v1.ArtifactService/";
const RUN_BACKEND_ID = "c3a7f0d2-1b5e-4c8a-9f6d-2e4b8a1c7d90";
const JOB_BACKEND_ID = "5d9e2b7a-8c4f-4a1e-b3d6-7f0c2e9a4b18";

export interface UploadedArtifact {
  id: number;
  name: string;
  zip: Buffer;
}

export interface FakeResultsOptions {
  /** Answer CreateArtifact with 403, as the service does for a token without the results scope. */
  forbid?: boolean;
}

export interface FakeResultsService {
  /** ACTIONS_RESULTS_URL. */
  url: string;
  /** ACTIONS_RUNTIME_TOKEN: a JWT whose `scp` names the run's and the job's backend ids. */
  runtimeToken: string;
  artifacts: UploadedArtifact[];
  /** Twirp methods called, in order. */
  calls: string[];
  close(): Promise<void>;
}

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startFakeResultsService(options: FakeResultsOptions = {}): Promise<FakeResultsService> {
  const runtimeToken = [
    base64url({ alg: "RS256", typ: "JWT" }),
    base64url({ scp: `Actions.GenericRead:00000000 Actions.Results:${RUN_BACKEND_ID}:${JOB_BACKEND_ID}` }),
    "signature",
  ].join(".");
  const artifacts: UploadedArtifact[] = [];
  const calls: string[] = [];
  /** Artifacts created, not yet finalized: name → their blob. */
  const pending = new Map<string, { blocks: Map<string, Buffer>; blob?: Buffer }>();
  let nextId = 4711;
  let base = "";

  const json = (response: ServerResponse, status: number, body: object) => {
    response.writeHead(status, { "content-type": "application/json" });
    response.end(JSON.stringify(body));
  };
  const blobDone = (response: ServerResponse) => {
    response.writeHead(201, {
      etag: '"0x8DC0000000000"',
      "last-modified": new Date().toUTCString(),
      "x-ms-request-id": "fake",
      "x-ms-version": "2025-01-05",
      "x-ms-request-server-encrypted": "true",
    });
    response.end();
  };

  async function twirp(request: IncomingMessage, response: ServerResponse, method: string) {
    calls.push(method);
    if (request.headers.authorization !== `Bearer ${runtimeToken}`) {
      return json(response, 401, { code: "unauthenticated", msg: "bad runtime token" });
    }
    const body = JSON.parse((await readBody(request)).toString("utf8")) as Record<string, unknown>;
    if (
      body.workflow_run_backend_id !== RUN_BACKEND_ID ||
      body.workflow_job_run_backend_id !== JOB_BACKEND_ID
    ) {
      return json(response, 400, { code: "invalid_argument", msg: "backend ids do not match the token" });
    }
    const name = String(body.name);
    if (method === "CreateArtifact") {
      if (options.forbid) return json(response, 403, { code: "permission_denied", msg: "forbidden" });
      if (artifacts.some((artifact) => artifact.name === name) || pending.has(name)) {
        return json(response, 409, {
          code: "already_exists",
          msg: "an artifact with this name already exists on the workflow run",
        });
      }
      pending.set(name, { blocks: new Map() });
      return json(response, 200, {
        ok: true,
        signed_upload_url: `${base}/devstoreaccount1/actions-results/${encodeURIComponent(name)}.zip?sig=fake-signature&se=2099-01-01`,
      });
    }
    if (method === "FinalizeArtifact") {
      const upload = pending.get(name);
      if (!upload?.blob)
        return json(response, 404, { code: "not_found", msg: "no upload for this artifact" });
      const hash = `sha256:${createHash("sha256").update(upload.blob).digest("hex")}`;
      const value = (body.hash as { value?: string } | string | undefined) ?? "";
      const sent = typeof value === "string" ? value : value.value;
      if (String(body.size) !== String(upload.blob.length) || sent !== hash) {
        return json(response, 400, {
          code: "invalid_argument",
          msg: `size ${String(body.size)} or hash ${sent} do not match`,
        });
      }
      pending.delete(name);
      const artifact = { id: nextId++, name, zip: upload.blob };
      artifacts.push(artifact);
      return json(response, 200, { ok: true, artifact_id: String(artifact.id) });
    }
    return json(response, 404, { code: "bad_route", msg: method });
  }

  async function blob(request: IncomingMessage, response: ServerResponse, url: URL) {
    const name = decodeURIComponent(url.pathname.split("/").pop() ?? "").replace(/\.zip$/, "");
    const upload = pending.get(name);
    if (url.searchParams.get("sig") !== "fake-signature" || !upload) {
      response.writeHead(403).end();
      return;
    }
    const body = await readBody(request);
    const comp = url.searchParams.get("comp");
    if (comp === "block") upload.blocks.set(url.searchParams.get("blockid") ?? "", body);
    else if (comp === "blocklist") {
      const ids = [...body.toString("utf8").matchAll(/<(?:Latest|Uncommitted|Committed)>([^<]*)</g)].map(
        (match) => match[1] ?? "",
      );
      upload.blob = Buffer.concat(ids.map((id) => upload.blocks.get(id) ?? Buffer.alloc(0)));
    } else upload.blob = body;
    blobDone(response);
  }

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", base);
    const work =
      request.method === "POST" && url.pathname.startsWith(SERVICE)
        ? twirp(request, response, url.pathname.slice(SERVICE.length))
        : request.method === "PUT"
          ? blob(request, response, url)
          : Promise.resolve(json(response, 404, { msg: `${request.method} ${url.pathname}` }));
    work.catch((error: unknown) => json(response, 500, { msg: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    runtimeToken,
    artifacts,
    calls,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** The files of a zip archive, read from its central directory: name → content. */
export function unzip(zip: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error("not a zip archive: no end of central directory");
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  for (let index = 0; index < count; index++) {
    const method = zip.readUInt16LE(at + 10);
    const compressedSize = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const localHeader = zip.readUInt32LE(at + 42);
    const name = zip.toString("utf8", at + 46, at + 46 + nameLength);
    const dataStart =
      localHeader + 30 + zip.readUInt16LE(localHeader + 26) + zip.readUInt16LE(localHeader + 28);
    const data = zip.subarray(dataStart, dataStart + compressedSize);
    if (!name.endsWith("/")) files.set(name, method === 8 ? inflateRawSync(data) : Buffer.from(data));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return files;
}
