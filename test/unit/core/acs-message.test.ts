import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ACS_STATUSES } from "../../../nodes/lib/core/acs-message";

/** The statuses the README lists for msg.acs.status, in its order. */
function readmeStatuses(): string[] {
  const readme = readFileSync(join(__dirname, "..", "..", "..", "..", "README.md"), "utf8").replace(/\s+/g, " ");
  const list = /The statuses: ((?:`[a-zA-Z]+`(?:, )?)+)/.exec(readme);
  assert.ok(list, "the README has no sentence starting 'The statuses:'");
  return [...list[1].matchAll(/`([a-zA-Z]+)`/g)].map((match) => match[1]);
}

describe("msg.acs contract", () => {
  it("lists in the README exactly the statuses of the type, in the same order", () => {
    assert.deepEqual(readmeStatuses(), [...ACS_STATUSES]);
  });
});
