// TLS for the sandbox: a local CA and a server certificate for 127.0.0.1, localhost and ::1, made
// at start with the `selfsigned` package (no openssl binary, nothing committed). Given a state
// directory, the pair is kept there and reused while valid, so a CA file that a client was told to
// trust stays right across restarts.

import { createPrivateKey, X509Certificate } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { generate } from "selfsigned";

export interface SandboxCertificates {
  /** PEM of the CA that clients pass as `tlsOptions.ca`. */
  ca: string;
  caKey: string;
  /** PEM of the server certificate and its key. */
  cert: string;
  key: string;
}

const FILES = { ca: "ca.pem", caKey: "ca-key.pem", cert: "server.pem", key: "server-key.pem" } as const;
const VALIDITY_DAYS = 365;
/** A persisted pair is renewed when its server certificate has less than this left. */
const RENEW_BEFORE_MS = 24 * 60 * 60 * 1000;

export async function loadOrCreateCertificates(stateDir?: string): Promise<SandboxCertificates> {
  if (stateDir !== undefined) {
    const saved = await readSaved(stateDir);
    if (saved && isUsable(saved)) return saved;
  }
  const created = await createCertificates();
  if (stateDir !== undefined) await save(stateDir, created);
  return created;
}

export async function createCertificates(): Promise<SandboxCertificates> {
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(notBeforeDate.getTime() + VALIDITY_DAYS * 24 * 60 * 60 * 1000);
  const ca = await generate([{ name: "commonName", value: "ACS Sandbox Local CA" }], {
    keyType: "ec",
    algorithm: "sha256",
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: "basicConstraints", cA: true, pathLenConstraint: 0, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true }
    ]
  });
  const server = await generate([{ name: "commonName", value: "localhost" }], {
    keyType: "ec",
    algorithm: "sha256",
    notBeforeDate,
    notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: "basicConstraints", cA: false, critical: true },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 2, value: "localhost" },
          { type: 7, ip: "127.0.0.1" },
          { type: 7, ip: "::1" }
        ]
      }
    ]
  });
  return { ca: ca.cert, caKey: ca.private, cert: server.cert, key: server.private };
}

async function readSaved(stateDir: string): Promise<SandboxCertificates | null> {
  try {
    const [ca, caKey, cert, key] = await Promise.all(
      [FILES.ca, FILES.caKey, FILES.cert, FILES.key].map((name) => readFile(join(stateDir, name), "utf8"))
    );
    return { ca, caKey, cert, key };
  } catch {
    return null;
  }
}

/** Valid for at least another day, and the server certificate really issued by the saved CA. */
function isUsable(saved: SandboxCertificates): boolean {
  try {
    const ca = new X509Certificate(saved.ca);
    const cert = new X509Certificate(saved.cert);
    const leftMs = Math.min(Date.parse(ca.validTo), Date.parse(cert.validTo)) - Date.now();
    return leftMs > RENEW_BEFORE_MS && cert.checkIssued(ca) && cert.verify(ca.publicKey) && cert.checkPrivateKey(createPrivateKey(saved.key));
  } catch {
    return false;
  }
}

async function save(stateDir: string, certificates: SandboxCertificates): Promise<void> {
  await mkdir(stateDir, { recursive: true });
  await writeFile(join(stateDir, FILES.ca), certificates.ca, { mode: 0o644 });
  await writeFile(join(stateDir, FILES.cert), certificates.cert, { mode: 0o644 });
  // Private keys readable by the owner only.
  await writeFile(join(stateDir, FILES.caKey), certificates.caKey, { mode: 0o600 });
  await writeFile(join(stateDir, FILES.key), certificates.key, { mode: 0o600 });
}

export const CERTIFICATE_FILES = FILES;
