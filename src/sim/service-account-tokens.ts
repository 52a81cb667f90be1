// Service-account tokens the simulated API server issues (TokenRequest, `kubectl create token`) and
// accepts until they expire: bound tokens as a real cluster's are, so clients meet the 401 a token
// that outlived its `expirationTimestamp` gets, and the RBAC of the account they name.

export interface TokenUser {
  username: string;
  groups: string[];
}

interface Issued {
  user: TokenUser;
  /** Epoch milliseconds after which the token is rejected. */
  expiresAt: number;
}

export interface IssuedToken {
  token: string;
  /** RFC 3339, as TokenRequest's `status.expirationTimestamp` says it. */
  expirationTimestamp: string;
}

const base64url = (value: object): string => Buffer.from(JSON.stringify(value)).toString("base64url");

export class ServiceAccountTokens {
  private readonly issued = new Map<string, Issued>();
  private readonly now: () => number;
  private readonly randomHex: (length: number) => string;

  constructor(randomHex: (length: number) => string, now: () => number = Date.now) {
    this.randomHex = randomHex;
    this.now = now;
  }

  /** A JWT-shaped token for the account, valid for `expirationSeconds` (fractions allowed for tests). */
  issue(namespace: string, serviceAccount: string, expirationSeconds: number): IssuedToken {
    const issuedAt = this.now();
    const expiresAt = issuedAt + expirationSeconds * 1000;
    const username = `system:serviceaccount:${namespace}:${serviceAccount}`;
    const claims = {
      iss: "https://kubernetes.default.svc.cluster.local",
      sub: username,
      aud: ["https://kubernetes.default.svc.cluster.local"],
      iat: Math.floor(issuedAt / 1000),
      exp: Math.ceil(expiresAt / 1000),
      "kubernetes.io": { namespace, serviceaccount: { name: serviceAccount } },
    };
    const token = `${base64url({ alg: "RS256", kid: "sim" })}.${base64url(claims)}.${this.randomHex(43)}`;
    this.issued.set(token, {
      user: {
        username,
        groups: ["system:serviceaccounts", `system:serviceaccounts:${namespace}`, "system:authenticated"],
      },
      expiresAt,
    });
    return { token, expirationTimestamp: new Date(expiresAt).toISOString() };
  }

  /** The account a live token names; undefined for an unknown or expired token. */
  userOf(token: string): TokenUser | undefined {
    const issued = this.issued.get(token);
    if (!issued || this.now() >= issued.expiresAt) return undefined;
    return issued.user;
  }
}
