/** The wizard's pick lists from the first account that can discover (sandbox first, then Microsoft). */
import type { ExtensionServices } from '../services';
import { discoveryAccounts } from './accounts';
import type { WizardChoices } from './wizardChoices';

export async function wizardChoicesFor(services: ExtensionServices): Promise<WizardChoices | undefined> {
  const account = (await discoveryAccounts(services))[0];
  if (!account) {
    return undefined;
  }
  const enabled = async (): Promise<string[]> =>
    (await account.azure(AbortSignal.timeout(30_000)).subscriptions()).filter((s) => s.state === 'Enabled' || s.state === 'Warned').map((s) => s.subscriptionId);
  return {
    vaults: async () => {
      const azure = account.azure(AbortSignal.timeout(30_000));
      const lists = await Promise.all((await enabled()).map((id) => azure.keyVaults(id)));
      return lists.flat().map((v) => ({ name: v.name, vaultUrl: v.vaultUri, detail: `${v.rbacAuthorization ? 'Azure RBAC' : 'access policies'} · ${account.label}` }));
    },
    hubs: async () => {
      const azure = account.azure(AbortSignal.timeout(30_000));
      const namespaces = (await Promise.all((await enabled()).map((id) => azure.eventHubsNamespaces(id)))).flat();
      const pairs = await Promise.all(namespaces.map(async (n) => (await azure.eventHubs(n.id)).map((h) => ({ namespace: n.host, eventHubName: h.name, detail: `${n.name} · ${account.label}` }))));
      return pairs.flat();
    },
  };
}
