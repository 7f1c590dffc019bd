// The one place the broker talks HTTP: a request to a webhook with a timeout, an abort signal
// and an optional CA, answering the status, headers and (size-capped) body.
import * as http from "node:http";
import * as https from "node:https";

export interface WebhookRequest {
  method: "POST" | "OPTIONS" | "GET";
  url: URL;
  headers: Record<string, string>;
  body?: string;
  ca?: string | Buffer | (string | Buffer)[];
  timeoutMs: number;
  signal: AbortSignal;
}

export interface WebhookResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const maxResponseBytes = 64 * 1024;
const loopbackHosts = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

/** Throws when the URL is not one the sandbox delivers to: https anywhere, http only on loopback. */
export function checkWebhookUrl(endpoint: string): URL {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Error(`endpoint: "${endpoint}" is not a URL`);
  }
  if (url.protocol === "https:") return url;
  if (url.protocol === "http:" && loopbackHosts.has(url.hostname)) return url;
  throw new Error(`endpoint: "${endpoint}" must be https, or http on a loopback host (127.0.0.1)`);
}

export class WebhookClient {
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  private readonly httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 16 });

  send(request: WebhookRequest): Promise<WebhookResponse> {
    return new Promise((resolve, reject) => {
      const secure = request.url.protocol === "https:";
      const headers: Record<string, string | number> = { ...request.headers };
      if (request.body !== undefined) headers["content-length"] = Buffer.byteLength(request.body);
      const options: https.RequestOptions = {
        method: request.method,
        headers,
        signal: request.signal,
        timeout: request.timeoutMs,
        agent: secure ? this.httpsAgent : this.httpAgent,
      };
      if (secure && request.ca !== undefined) options.ca = request.ca;
      const req = (secure ? https : http).request(request.url, options, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size <= maxResponseBytes) chunks.push(chunk);
        });
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }),
        );
        res.on("error", reject);
      });
      // The socket timeout covers a silent endpoint; the overall timer covers a slow trickle.
      const overall = setTimeout(() => req.destroy(new Error(`no answer within ${request.timeoutMs} ms`)), request.timeoutMs);
      req.on("timeout", () => req.destroy(new Error(`no answer within ${request.timeoutMs} ms`)));
      req.on("error", reject);
      req.on("close", () => clearTimeout(overall));
      req.end(request.body);
    });
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
