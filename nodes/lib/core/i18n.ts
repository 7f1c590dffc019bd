// Message text for errors and status. Node-RED's own catalogue is used when the runtime has it; the
// en-US files shipped with the package are the fallback (and the single source of the English text),
// so messages read well wherever a node runs, including under the test helper.
import { readFileSync } from "node:fs";
import { join } from "node:path";

export const PACKAGE_NAME = "@acs-flows/node-red-azure-communication";

export type MessageParams = Record<string, string | number>;
type Catalogue = Record<string, unknown>;

const localeDir = join(__dirname, "..", "..", "locales", "en-US");
const catalogues = new Map<string, Catalogue>();

function catalogue(nodeType: string): Catalogue {
  let found = catalogues.get(nodeType);
  if (!found) {
    try {
      found = JSON.parse(readFileSync(join(localeDir, `${nodeType}.json`), "utf8")) as Catalogue;
    } catch {
      found = {};
    }
    catalogues.set(nodeType, found);
  }
  return found;
}

function lookup(key: string): string | undefined {
  let value: unknown = catalogue(key.split(".")[0]);
  for (const part of key.split(".")) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Catalogue)[part];
  }
  return typeof value === "string" ? value : undefined;
}

/** Replaces Node-RED style `__name__` placeholders. */
function interpolate(text: string, params: MessageParams = {}): string {
  return text.replace(/__(\w+)__/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** The en-US text of a key such as `acs-sms.errors.emptyMessage`; the key itself when unknown. */
export function englishText(key: string, params?: MessageParams): string {
  const text = lookup(key);
  return text === undefined ? key : interpolate(text, params);
}

type RuntimeTranslate = (key: string, params?: object) => string;

/** Text from the runtime's catalogue (the user's language) when it has the key, else en-US. */
export function localText(translate: RuntimeTranslate | undefined, key: string, params?: MessageParams): string {
  if (translate) {
    const nodeType = key.split(".")[0];
    const text = translate(`${PACKAGE_NAME}/${nodeType}:${key}`, params);
    if (typeof text === "string" && text !== key && !text.endsWith(key)) return text;
  }
  return englishText(key, params);
}
