// ACS user access tokens: JWTs (HS256) signed with a secret the sandbox makes at start. Their claims
// follow the real tokens (skypeid, scp, csi, exp, acsScope, resourceId) so that SDKs that decode the
// payload for `exp` behave as with the service. Only the sandbox can verify them.

import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export const TOKEN_SCOPES = ["chat", "voip", "chat.join", "chat.join.limited", "voip.join"] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** Scopes that let a token call the chat API. */
const CHAT_SCOPES: readonly string[] = ["chat", "chat.join", "chat.join.limited"];

export interface TokenClaims {
  skypeid: string;
  scp: number;
  csi: string;
  exp: number;
  iat: number;
  acsScope: string;
  resourceId: string;
  resourceLocation: string;
  /**
   * Issue order within this sandbox: a revocation refuses every token issued before it, which even a
   * millisecond clock cannot tell apart from one issued in the same millisecond after it.
   */
  seq: number;
}

export interface IssuedToken {
  token: string;
  /** Real milliseconds since the epoch. */
  expiresOn: number;
}

export type TokenFailure = "malformed" | "bad-signature" | "expired" | "missing-chat-scope";

export class TokenAuthority {
  private readonly secret = randomBytes(32);
  private issued = 0;

  constructor(private readonly resourceId: string) {}

  /** The sequence number of the last token issued: a revocation now refuses it and all before it. */
  get lastIssued(): number {
    return this.issued;
  }

  /** `userId` is the full identity (`8:acs:<resource>_<guid>`). */
  issue(userId: string, scopes: readonly string[], lifetimeMs: number, nowMs = Date.now()): IssuedToken {
    const expiresOn = nowMs + lifetimeMs;
    const claims: TokenClaims = {
      skypeid: userId.replace(/^8:/, ""),
      scp: 1792,
      csi: String(Math.floor(nowMs / 1000)),
      exp: Math.floor(expiresOn / 1000),
      iat: Math.floor(nowMs / 1000),
      acsScope: scopes.join(","),
      resourceId: this.resourceId,
      resourceLocation: "unitedstates",
      seq: ++this.issued
    };
    const header = { alg: "HS256", typ: "JWT", kid: "sandbox" };
    const unsigned = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
    return { token: `${unsigned}.${this.sign(unsigned)}`, expiresOn };
  }

  /** The claims of a valid chat token, or why it is refused. */
  verifyChatToken(token: string, nowMs = Date.now()): { claims: TokenClaims; userId: string } | { failure: TokenFailure } {
    const parts = token.split(".");
    if (parts.length !== 3) return { failure: "malformed" };
    const expected = Buffer.from(this.sign(`${parts[0]}.${parts[1]}`));
    const given = Buffer.from(parts[2]);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { failure: "bad-signature" };
    let claims: TokenClaims;
    try {
      claims = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8")) as TokenClaims;
    } catch {
      return { failure: "malformed" };
    }
    if (typeof claims.exp !== "number" || claims.exp * 1000 <= nowMs) return { failure: "expired" };
    const scopes = String(claims.acsScope ?? "").split(",");
    if (!scopes.some((s) => CHAT_SCOPES.includes(s))) return { failure: "missing-chat-scope" };
    return { claims, userId: `8:${claims.skypeid}` };
  }

  private sign(unsigned: string): string {
    return createHmac("sha256", this.secret).update(unsigned).digest("base64url");
  }
}

function base64url(text: string): string {
  return Buffer.from(text, "utf8").toString("base64url");
}
