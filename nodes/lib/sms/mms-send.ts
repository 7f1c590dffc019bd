// MMS sending: one request per 100 recipients through the sender's queue, each through the
// resource's MMS client (connection/mms-client.ts).
import type { AcsClients } from "../connection/clients";
import type { MmsRequest } from "../connection/mms-client";
import { sendBatched, type RecipientOutcome, type SendContext } from "./send";

/** Sends an MMS (one request per 100 recipients) through the sender's queue, results in input order. */
export function sendMms(clients: AcsClients, mms: MmsRequest, context: SendContext): Promise<RecipientOutcome[]> {
  const client = clients.mms();
  return sendBatched({
    ...context,
    recipients: mms.to,
    operation: "send MMS",
    send: (batch, signal) => client.send({ ...mms, to: batch }, signal),
  });
}
