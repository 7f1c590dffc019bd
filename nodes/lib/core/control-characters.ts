// Control characters in text that leaves the node: in a mail header (subject, display names, header
// values, attachment names and types) a CR or LF starts a new header, so such text is refused; in a
// log line they forge or hide lines, so logged text has them replaced.

// C0 controls except TAB, DEL, and the Unicode line and paragraph separators.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000A-\u001F\u007F\u2028\u2029]/;
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u0008\u000A-\u001F\u007F\u2028\u2029]/g;

/** The index of the first control character (CR, LF, NUL...), or -1. Tabs are allowed. */
export function controlCharacterAt(text: string): number {
  return text.search(CONTROL);
}

/** The text with each control character shown as its escape (`\r`, `\u0000`), for error texts and logs. */
export function escapeControlCharacters(text: string): string {
  return text.replace(CONTROLS, (char) => {
    if (char === "\r") return "\\r";
    if (char === "\n") return "\\n";
    return `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`;
  });
}
