import { generate } from "selfsigned";

export interface SimCertificates {
  caPem: string;
  serverCertPem: string;
  serverKeyPem: string;
  clientCertPem: string;
  clientKeyPem: string;
}

export const clientCommonName = "sim-user";

let cached: Promise<SimCertificates> | undefined;

async function create(): Promise<SimCertificates> {
  const ca = await generate([{ name: "commonName", value: "sim-cluster-ca" }], {
    keyType: "ec",
    algorithm: "sha256",
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const signer = { key: ca.private, cert: ca.cert };
  const server = await generate([{ name: "commonName", value: "sim-apiserver" }], {
    keyType: "ec",
    algorithm: "sha256",
    ca: signer,
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 2, value: "localhost" },
          { type: 7, ip: "127.0.0.1" },
        ],
      },
    ],
  });
  const client = await generate(
    [
      { name: "commonName", value: clientCommonName },
      { name: "organizationName", value: "system:masters" },
    ],
    {
      keyType: "ec",
      algorithm: "sha256",
      ca: signer,
      extensions: [
        { name: "basicConstraints", cA: false },
        { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
        { name: "extKeyUsage", clientAuth: true },
      ],
    },
  );
  return {
    caPem: ca.cert,
    serverCertPem: server.cert,
    serverKeyPem: server.private,
    clientCertPem: client.cert,
    clientKeyPem: client.private,
  };
}

/** A CA, a server certificate for 127.0.0.1 and a client certificate, made once per process. */
export function simCertificates(): Promise<SimCertificates> {
  cached ??= create();
  return cached;
}
