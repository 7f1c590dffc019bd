import assert from "node:assert/strict";
import type { Node, NodeAPI, NodeStatus } from "node-red";
import { EventStatus } from "../../../nodes/lib/events/status";

function fakeNode(): { node: Node; shown: NodeStatus[] } {
  const shown: NodeStatus[] = [];
  return { node: { status: (status: NodeStatus) => shown.push(status) } as unknown as Node, shown };
}

const RED = { _: (key: string) => key } as unknown as NodeAPI;

describe("EventStatus", () => {
  it("shows the count and the last type at once, then at most once a second, ending on the latest", async () => {
    let now = 10_000;
    const { node, shown } = fakeNode();
    const status = new EventStatus(RED, node, () => now);
    status.eventsReceived(1, "SMSReceived");
    assert.equal(shown.length, 1);
    assert.equal(shown[0].text, "1 events, last: SMSReceived");
    now += 10;
    status.eventsReceived(2, "SMSDeliveryReportReceived");
    status.eventsReceived(1, "EmailDeliveryReportReceived");
    assert.equal(shown.length, 1, "held back within the second");
    now += 990;
    await new Promise((resolve) => setTimeout(resolve, 1050));
    assert.equal(shown.length, 2);
    assert.equal(shown[1].text, "4 events, last: EmailDeliveryReportReceived");
    status.close();
  });

  it("shows a validated subscription only until events arrive", () => {
    const { node, shown } = fakeNode();
    const status = new EventStatus(RED, node);
    status.validated("EventGrid");
    status.eventsReceived(1, "SMSReceived");
    status.validated("CloudEvents");
    assert.deepEqual(shown.map((entry) => entry.shape), ["ring", "dot"]);
    status.close();
  });
});
