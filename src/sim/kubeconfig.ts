import { stringify } from "yaml";
import type { SimAuthMode } from "./options.ts";

export interface KubeconfigInput {
  url: string;
  caPem?: string;
  auth: SimAuthMode;
  token?: string;
  clientCertPem?: string;
  clientKeyPem?: string;
  username?: string;
  password?: string;
}

const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");

/** A kubeconfig with cluster "sim", user "sim-user" and context "sim" (current). */
export function buildKubeconfig(input: KubeconfigInput): string {
  const user: Record<string, string> = {};
  if (input.auth === "token" && input.token) user.token = input.token;
  if (input.auth === "client-cert" && input.clientCertPem && input.clientKeyPem) {
    user["client-certificate-data"] = b64(input.clientCertPem);
    user["client-key-data"] = b64(input.clientKeyPem);
  }
  if (input.auth === "basic") {
    user.username = input.username ?? "";
    user.password = input.password ?? "";
  }
  const cluster: Record<string, string> = { server: input.url };
  if (input.caPem) cluster["certificate-authority-data"] = b64(input.caPem);
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "sim", cluster }],
    users: [{ name: "sim-user", user }],
    contexts: [{ name: "sim", context: { cluster: "sim", user: "sim-user", namespace: "default" } }],
    "current-context": "sim",
    preferences: {},
  });
}
