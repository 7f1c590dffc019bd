// Ids for the messages a node emits, in the form Node-RED gives them (16 hex digits). Node-RED's
// own generator builds each id from eight strings; a node emitting one message per event makes
// thousands a second, so ids are cut from a pool of random bytes refilled when used up.
import { randomFillSync } from "node:crypto";

const ID_BYTES = 8;
const pool = Buffer.alloc(ID_BYTES * 512);
let offset = pool.length;

export function newMessageId(): string {
  if (offset === pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const id = pool.toString("hex", offset, offset + ID_BYTES);
  offset += ID_BYTES;
  return id;
}
