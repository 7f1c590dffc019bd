// How send and event nodes reach their acs-config node.
import type { Node, NodeAPI } from "node-red";
import type { AcsResource } from "../connection/resource";
import type { AcsConfigCredentials } from "../connection/settings";
import { AcsError } from "../core/errors";

export interface AcsConfigNode extends Node<AcsConfigCredentials> {
  resource: AcsResource;
  /** The context store for records and waits (acs-config's contextStore); undefined: the runtime's default. */
  contextStore?: string;
}

/**
 * The ACS resource of the acs-config node `id`; throws a clear error when none is selected, or the
 * one selected is not deployed (deleted, disabled, or it failed to start).
 */
export function configuredResource(RED: NodeAPI, id: string | undefined): AcsResource {
  if (!id) throw new AcsError("acs-config.errors.noConfig");
  const node = RED.nodes.getNode(id) as AcsConfigNode | null;
  if (!node?.resource) throw new AcsError("acs-config.errors.unknownConfig");
  return node.resource;
}
