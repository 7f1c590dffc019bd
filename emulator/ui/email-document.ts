// An email's html as the mailbox view shows it: inline images (`cid:` references to attachments with
// a contentId) become data: URLs, since the document may load nothing from anywhere. The html is
// otherwise left as sent; the UI server serves it with a policy that forbids scripts and remote loads.
import type { EmailRecord } from "../state/types";

/** Raster images a browser may show; anything else is never rendered inline. */
export const inlineImageTypes = new Set(["image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp"]);

export function emailDocument(email: EmailRecord): string {
  const inline = new Map<string, string>();
  for (const attachment of email.attachments) {
    const type = attachment.contentType.toLowerCase();
    if (attachment.contentId === undefined || !inlineImageTypes.has(type)) continue;
    // Base64 has no quote or angle bracket, so the data URL cannot leave the attribute it replaces.
    if (!/^[A-Za-z0-9+/=\s]*$/.test(attachment.contentInBase64)) continue;
    inline.set(attachment.contentId.toLowerCase(), `data:${type};base64,${attachment.contentInBase64.replace(/\s+/g, "")}`);
  }
  const html = email.content.html ?? "";
  if (inline.size === 0) return html;
  return html.replace(/cid:([^"'\s)>]+)/gi, (reference, id: string) => inline.get(id.toLowerCase()) ?? reference);
}
