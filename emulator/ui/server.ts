// The sandbox UI over HTTP, under /_sandbox/ui/: the static page, a snapshot of everything it shows,
// server-sent events telling the page when to read it again, and the bodies it cannot take from the
// snapshot (email html in a locked-down document, attachments, MMS images, a chat token to act as a
// participant). Every action of the page goes through the control API or the data plane itself, so
// it causes exactly the events those cause. Loopback callers only; writes from other origins refused.
import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import type { SandboxControl } from "../http/control-api";
import type { SandboxStore } from "../state/store";
import type { SandboxActivity } from "./activity";
import { emailDocument, inlineImageTypes } from "./email-document";
import { buildSnapshot } from "./snapshot";

export interface UiDeps {
  store: SandboxStore;
  control: SandboxControl;
  activity: SandboxActivity;
  /** A chat token for `userId` (what the customer's chat app would hold). */
  issueToken(userId: string): string;
  settings: () => unknown;
  namespace?: () => unknown;
}

export interface SandboxUi {
  /** Answers /_sandbox/ui/...; false (having written nothing) for any other path. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>;
  /**
   * For every /_sandbox/ request: true when it was refused (and answered) because it comes from
   * off the machine or, for a write, from a page of another origin.
   */
  refuse(req: IncomingMessage, res: ServerResponse, url: URL): boolean;
}

const UI_PREFIX = "/_sandbox/ui/";
const STATIC_DIR = join(__dirname, "static");
const HEARTBEAT_MS = 15_000;
/** Changes closer than this reach a browser as one notification. */
const COALESCE_MS = 150;

const PAGE_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** The email's own document: no scripts, nothing fetched from anywhere, sandboxed even if opened alone. */
const EMAIL_POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; frame-ancestors 'self'; sandbox";

const STATIC_FILES: Record<string, { file: string; type: string }> = {
  "": { file: "index.html", type: "text/html; charset=utf-8" },
  "app.js": { file: "app.js", type: "text/javascript; charset=utf-8" },
  "style.css": { file: "style.css", type: "text/css; charset=utf-8" },
};

export function createSandboxUi(deps: UiDeps): SandboxUi {
  const files = new Map(Object.entries(STATIC_FILES).map(([path, { file, type }]) => [path, { body: readFileSync(join(STATIC_DIR, file)), type }]));

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    if (url.pathname === "/_sandbox/ui") {
      res.writeHead(301, { location: UI_PREFIX }).end();
      return true;
    }
    if (!url.pathname.startsWith(UI_PREFIX)) return false;
    const path = url.pathname.slice(UI_PREFIX.length);
    const method = req.method ?? "GET";
    const file = files.get(path);
    if (file && method === "GET") {
      send(res, 200, file.type, file.body, { "content-security-policy": PAGE_POLICY });
      return true;
    }
    if (path === "events" && method === "GET") {
      streamChanges(deps.activity, req, res);
      return true;
    }
    if (path === "state" && method === "GET") {
      sendJson(res, 200, buildSnapshot(deps));
      return true;
    }
    if (path === "chat/token" && method === "POST") {
      const body = (await readJson(req)) as { userId?: unknown };
      if (typeof body.userId !== "string" || !deps.store.users.has(body.userId)) {
        sendJson(res, 404, { error: { code: "UserNotFound", message: `userId: ${JSON.stringify(body.userId)} is not a user of this sandbox` } });
      } else {
        sendJson(res, 200, { token: deps.issueToken(body.userId) });
      }
      return true;
    }
    const emailPart = /^email\/([^/]+)\/(html|attachments\/(\d+))$/.exec(path);
    if (emailPart && method === "GET") {
      const email = deps.store.getEmail(decodeURIComponent(emailPart[1]));
      if (!email) return notFound(res, "no such email");
      if (emailPart[2] === "html") {
        if (email.content.html === undefined) return notFound(res, "the email has no html");
        send(res, 200, "text/html; charset=utf-8", emailDocument(email), { "content-security-policy": EMAIL_POLICY });
        return true;
      }
      const attachment = email.attachments[Number(emailPart[3])];
      if (!attachment) return notFound(res, "no such attachment");
      sendAttachment(res, attachment.name, attachment.contentType, attachment.contentInBase64, url.searchParams.has("inline"));
      return true;
    }
    const mmsPart = /^mms\/([^/]+)\/(\d+)$/.exec(path);
    if (mmsPart && method === "GET") {
      const mms = deps.store.listMms().find((m) => m.messageId === decodeURIComponent(mmsPart[1]));
      const attachment = mms?.attachments[Number(mmsPart[2])];
      if (!attachment) return notFound(res, "no such MMS attachment");
      sendAttachment(res, `attachment-${mmsPart[2]}`, attachment.mimeType, attachment.content, true);
      return true;
    }
    return notFound(res, `no UI route ${url.pathname}`);
  }

  function refuse(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
    if (!isLoopback(req.socket.remoteAddress) || !isLoopbackHost(url.hostname)) {
      sendJson(res, 403, { error: { code: "Forbidden", message: "the sandbox's control API and UI answer loopback callers only" } });
      return true;
    }
    const origin = req.headers.origin;
    const writes = req.method !== "GET" && req.method !== "HEAD";
    if (writes && origin !== undefined && origin !== url.origin) {
      sendJson(res, 403, { error: { code: "Forbidden", message: `requests from ${origin} may not change the sandbox` } });
      return true;
    }
    return false;
  }

  return { handle, refuse };
}

function streamChanges(activity: SandboxActivity, req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", "x-content-type-options": "nosniff" });
  res.write("retry: 2000\n\n");
  let sequence = 0;
  let pending: NodeJS.Timeout | undefined;
  const onChange = () => {
    pending ??= setTimeout(() => {
      pending = undefined;
      res.write(`event: change\ndata: ${++sequence}\n\n`);
    }, COALESCE_MS);
  };
  const heartbeat = setInterval(() => res.write(": heartbeat\n\n"), HEARTBEAT_MS);
  heartbeat.unref();
  activity.on("change", onChange);
  const stop = () => {
    activity.off("change", onChange);
    clearInterval(heartbeat);
    if (pending) clearTimeout(pending);
  };
  req.on("close", stop);
  res.on("close", stop);
}

function sendAttachment(res: ServerResponse, name: string, contentType: string, base64: string, inline: boolean): void {
  const type = contentType.toLowerCase();
  // Only plain raster images are shown; anything else (html, svg, scripts) can only be downloaded.
  const shown = inline && inlineImageTypes.has(type);
  const filename = name.replace(/[^\w.-]+/g, "_") || "attachment";
  send(res, 200, shown ? type : "application/octet-stream", Buffer.from(base64, "base64"), {
    "content-disposition": `${shown ? "inline" : "attachment"}; filename="${filename}"`,
    "content-security-policy": "default-src 'none'; sandbox",
  });
}

function notFound(res: ServerResponse, message: string): true {
  sendJson(res, 404, { error: { code: "NotFound", message } });
  return true;
}

function send(res: ServerResponse, status: number, type: string, body: Buffer | string, headers: Record<string, string> = {}): void {
  res
    .writeHead(status, {
      "content-type": type,
      "content-length": Buffer.byteLength(body),
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
      ...headers,
    })
    .end(body);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, "application/json; charset=utf-8", JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) return {};
    chunks.push(chunk as Buffer);
  }
  try {
    const value: unknown = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
    return typeof value === "object" && value !== null ? value : {};
  } catch {
    return {};
  }
}

function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  return address === "::1" || /^(::ffff:)?127\./.test(address);
}

/** A Host of another name that resolves here (DNS rebinding) is refused too. */
function isLoopbackHost(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}
