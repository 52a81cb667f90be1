// A small stand-in for GitHub's REST API on 127.0.0.1: issue comments, commit → pull requests and
// /user, with every request recorded. GITHUB_API_URL points at it.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body?: Record<string, unknown>;
  authorization?: string;
}

export interface FakeComment {
  id: number;
  issue: number;
  body: string;
  login: string;
}

export interface FakePullRequest {
  number: number;
  state: string;
  head: { sha: string };
  merged_at?: string | null;
  merge_commit_sha?: string | null;
}

export interface FakeGitHubOptions {
  /** Login for GET /user; undefined answers 403 as GitHub does for installation tokens. */
  userLogin?: string;
  /** Login new comments are authored by (the token's identity). */
  commenter?: string;
  /** 403 on comment writes (fork PRs, no `pull-requests: write`). */
  forbidWrites?: boolean;
  /** GET /commits/{sha}/pulls answers. */
  pullsByCommit?: Record<string, FakePullRequest[]>;
}

export interface FakeGitHub {
  url: string;
  requests: RecordedRequest[];
  comments: FakeComment[];
  options: FakeGitHubOptions;
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  if (chunks.length === 0) return undefined;
  return JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
}

export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const requests: RecordedRequest[] = [];
  const comments: FakeComment[] = [];
  let nextId = 1000;
  let base = "";

  const send = (response: ServerResponse, status: number, data: unknown) => {
    response.writeHead(status, { "content-type": "application/json; charset=utf-8" });
    response.end(JSON.stringify(data));
  };
  const forbidden = (response: ServerResponse) =>
    send(response, 403, {
      message: "Resource not accessible by integration",
      documentation_url: "https://docs.github.com/rest",
      status: "403",
    });
  const view = (comment: FakeComment) => ({
    id: comment.id,
    body: comment.body,
    html_url: `https://github.test/acme/shop/pull/${comment.issue}#issuecomment-${comment.id}`,
    user: { login: comment.login, type: comment.login.endsWith("[bot]") ? "Bot" : "User" },
  });

  const server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? "/", base);
      const body = await readBody(request);
      requests.push({
        method: request.method ?? "GET",
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        body,
        authorization: request.headers.authorization,
      });
      const method = request.method;
      if (method === "GET" && url.pathname === "/user") {
        if (options.userLogin === undefined) return forbidden(response);
        return send(response, 200, { login: options.userLogin });
      }
      const commentsMatch = /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/.exec(url.pathname);
      if (commentsMatch) {
        const issue = Number(commentsMatch[1]);
        if (method === "GET") {
          const perPage = Number(url.searchParams.get("per_page") ?? 30);
          const page = Number(url.searchParams.get("page") ?? 1);
          const all = comments.filter((comment) => comment.issue === issue);
          return send(response, 200, all.slice((page - 1) * perPage, page * perPage).map(view));
        }
        if (method === "POST") {
          if (options.forbidWrites) return forbidden(response);
          const comment = {
            id: nextId++,
            issue,
            body: String(body?.body),
            login: options.commenter ?? "github-actions[bot]",
          };
          comments.push(comment);
          return send(response, 201, view(comment));
        }
      }
      const commentMatch = /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/.exec(url.pathname);
      if (commentMatch && method === "PATCH") {
        if (options.forbidWrites) return forbidden(response);
        const comment = comments.find((candidate) => candidate.id === Number(commentMatch[1]));
        if (!comment) return send(response, 404, { message: "Not Found" });
        comment.body = String(body?.body);
        return send(response, 200, view(comment));
      }
      const pullsMatch = /^\/repos\/[^/]+\/[^/]+\/commits\/([^/]+)\/pulls$/.exec(url.pathname);
      if (pullsMatch && method === "GET") {
        return send(response, 200, options.pullsByCommit?.[pullsMatch[1] ?? ""] ?? []);
      }
      send(response, 404, { message: `Not Found: ${method} ${url.pathname}` });
    })().catch((error: unknown) => send(response, 500, { message: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    requests,
    comments,
    options,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
