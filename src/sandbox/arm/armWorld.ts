/**
 * The Azure Resource Manager side of the demo world: the subscriptions the sandbox tenant has,
 * who may read them (Azure RBAC at subscription scope), and the resources discovery lists —
 * the sandbox's own vault and Event Hubs namespace with its hub. Other route files (Data Factory,
 * #10) keep their resources beside these.
 */
import { randomUUID } from 'node:crypto';
import type { World } from '../world';

/** Built-in roles that matter to discovery: Reader and above may read resources (every read action). */
export type ArmRole = 'Reader' | 'Contributor' | 'Owner';

export interface ArmSubscription {
  readonly subscriptionId: string;
  displayName: string;
  /** Subscription state (subscriptions 2022-12-01 SubscriptionState): Enabled, Warned, PastDue, Disabled, Deleted. */
  state: 'Enabled' | 'Warned' | 'PastDue' | 'Disabled' | 'Deleted';
  /** Role assignments at subscription scope, by the token's appid (service principals) or oid (users). */
  readonly roles: Map<string, ArmRole>;
}

export const DEMO_SUBSCRIPTION_NAME = 'Contoso Streaming (sandbox)';

export class ArmWorld {
  readonly subscriptions: ArmSubscription[] = [];
  /** The Event Hubs namespace's name (its real host would be `{name}.servicebus.windows.net`). */
  readonly namespaceName: string;
  /** Page size of list operations. ARM's own varies by provider; small here so clients must follow nextLink. */
  pageSize = 2;

  constructor(readonly world: World) {
    this.namespaceName = `eseh-sandbox-${world.subscriptionId.slice(0, 8)}`;
    const demo: ArmSubscription = { subscriptionId: world.subscriptionId, displayName: DEMO_SUBSCRIPTION_NAME, state: 'Enabled', roles: new Map() };
    // The vault reader principal stands in for the user who discovers (as in the Fabric world).
    demo.roles.set(world.readerClientId, 'Reader');
    const other: ArmSubscription = { subscriptionId: randomUUID(), displayName: 'Contoso Dev/Test', state: 'Enabled', roles: new Map([[world.readerClientId, 'Reader']]) };
    const disabled: ArmSubscription = { subscriptionId: randomUUID(), displayName: 'Contoso Legacy', state: 'Disabled', roles: new Map([[world.readerClientId, 'Reader']]) };
    this.subscriptions.push(demo, other, disabled);
  }

  subscription(id: string): ArmSubscription | undefined {
    const lower = id.toLowerCase();
    return this.subscriptions.find((s) => s.subscriptionId === lower);
  }

  roleOf(subscription: ArmSubscription, principal: { appid: string; oid: string }): ArmRole | undefined {
    return subscription.roles.get(principal.appid.toLowerCase()) ?? subscription.roles.get(principal.oid.toLowerCase());
  }

  setRole(subscriptionId: string, principalId: string, role: ArmRole | undefined): void {
    const sub = this.subscription(subscriptionId);
    if (!sub) {
      throw new Error(`No subscription ${subscriptionId} in the sandbox.`);
    }
    if (role) {
      sub.roles.set(principalId.toLowerCase(), role);
    } else {
      sub.roles.delete(principalId.toLowerCase());
    }
  }
}
