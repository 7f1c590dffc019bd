import assert from "node:assert/strict";
import { AzureKeyCredential } from "@azure/core-auth";
import { ClientSecretCredential } from "@azure/identity";
import { PULL_DEFAULTS, pullCredential, pullSettings } from "../../../../nodes/lib/events/pull/settings";

const BASE = { nsEndpoint: "https://ns1.westus-1.eventgrid.azure.net", nsTopic: "acs-events", nsSubscription: "node-red" };

describe("pull settings", () => {
  it("takes the defaults for empty tuning fields", () => {
    const settings = pullSettings({ ...BASE, maxEvents: "", maxWaitTime: "" });
    assert.equal(settings.endpoint, "https://ns1.westus-1.eventgrid.azure.net");
    assert.equal(settings.maxEvents, PULL_DEFAULTS.maxEvents);
    assert.equal(settings.maxWaitTimeSeconds, PULL_DEFAULTS.maxWaitTime);
    assert.equal(settings.maxInFlight, PULL_DEFAULTS.maxInFlight);
    assert.equal(settings.auth, "key");
  });

  it("accepts the bare host name the portal shows", () => {
    assert.equal(pullSettings({ ...BASE, nsEndpoint: "ns1.westus-1.eventgrid.azure.net" }).endpoint, "https://ns1.westus-1.eventgrid.azure.net");
  });

  it("refuses plain http except on this machine", () => {
    assert.throws(() => pullSettings({ ...BASE, nsEndpoint: "http://ns1.example.com" }), /nsEndpoint: "http:\/\/ns1.example.com" uses plain http/);
    assert.equal(pullSettings({ ...BASE, nsEndpoint: "http://127.0.0.1:5443" }).endpoint, "http://127.0.0.1:5443");
  });

  it("names the field and the value of a number out of range", () => {
    assert.throws(() => pullSettings({ ...BASE, maxEvents: 150 }), /maxEvents: "150" is not a whole number from 1 to 100/);
    assert.throws(() => pullSettings({ ...BASE, maxWaitTime: "5" }), /maxWaitTime: "5" is not a whole number from 10 to 120/);
    assert.throws(() => pullSettings({ ...BASE, maxInFlight: "2.5" }), /maxInFlight: "2.5" is not a whole number/);
  });

  it("refuses a release delay the namespace does not accept", () => {
    assert.throws(() => pullSettings({ ...BASE, releaseDelay: "30" }), /releaseDelay: "30" is not a delay the namespace accepts \(expected one of 0, 10, 60, 600, 3600 seconds\)/);
    assert.equal(pullSettings({ ...BASE, releaseDelay: "60" }).releaseDelaySeconds, 60);
  });

  it("names a missing or malformed topic and subscription", () => {
    assert.throws(() => pullSettings({ ...BASE, nsTopic: "" }), /nsTopic: required but empty/);
    assert.throws(() => pullSettings({ ...BASE, nsSubscription: "a b" }), /nsSubscription: "a b" is not a topic or subscription name/);
  });

  it("uses the access key, and says so when it is empty", () => {
    assert.ok(pullCredential("key", " k3y ", undefined) instanceof AzureKeyCredential);
    assert.throws(() => pullCredential("key", "", undefined), /nsKey: required but empty/);
  });

  it("uses the Entra ID identity of the connection, and only of an Entra ID connection", () => {
    const entra = new ClientSecretCredential("00000000-0000-0000-0000-000000000000", "00000000-0000-0000-0000-000000000001", "secret");
    const connection = { endpoint: "https://x/", credential: entra, allowInsecureConnection: false };
    assert.equal(pullCredential("entra", undefined, connection), entra);
    assert.throws(() => pullCredential("entra", undefined, undefined), /no connection is selected/);
    assert.throws(() => pullCredential("entra", undefined, { ...connection, credential: new AzureKeyCredential("k") }), /needs a connection in Microsoft Entra ID mode/);
  });
});
