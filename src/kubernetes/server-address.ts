// The API server's address, checked before anything is sent: a URL with an http(s) scheme, no
// spaces, and a port fetch will connect to. Pure: returns what is wrong, in words for the user.

/** Ports the Fetch standard blocks ("bad ports"): fetch fails at once with "bad port". */
const BLOCKED_PORTS = new Set([
  1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104,
  109, 110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515,
  526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049,
  3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
]);

/** Undefined when `server` is usable; else what is wrong with it and how to write it. */
export function serverAddressProblem(server: string): string | undefined {
  if (server.trim() === "") return "is empty; write the API server's URL, e.g. https://203.0.113.10:6443";
  if (/\s/.test(server)) {
    return `contains a space ("${server}"); write the URL alone, e.g. https://203.0.113.10:6443`;
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(server)?.[1]?.toLowerCase();
  if (scheme === undefined) {
    return `has no scheme ("${server}"); write https://${server.replace(/^\/+/, "")}`;
  }
  if (scheme !== "https" && scheme !== "http") {
    return `uses the scheme "${scheme}" ("${server}"); the API server is reached over https:// (or http://)`;
  }
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    return `is not a valid URL ("${server}")`;
  }
  if (url.hostname === "") return `names no host ("${server}")`;
  if (url.port !== "" && BLOCKED_PORTS.has(Number(url.port))) {
    return `uses port ${url.port}, which HTTP clients refuse to connect to (a port reserved for another protocol in the Fetch standard); serve the API on another port (6443 is usual) or reach it through a proxy`;
  }
  return undefined;
}
