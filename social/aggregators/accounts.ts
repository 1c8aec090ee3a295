/**
 * The accounts a tenant reaches through aggregators, route by route in failover order. A route
 * that cannot be listed (a refused key, the service down) is reported, not fatal: the others
 * still count.
 */
import type { AggregatorAccount } from './aggregator.js';
import type { AggregatorRoute } from './routes.js';

export interface RoutedAccount {
  readonly route: AggregatorRoute;
  readonly account: AggregatorAccount;
}

export interface RoutedAccounts {
  readonly accounts: readonly RoutedAccount[];
  /** One line per route that could not be listed, in words. */
  readonly problems: readonly string[];
}

export const routeName = (route: AggregatorRoute): string =>
  `${route.client.displayName} (${route.source === 'tenant' ? 'this workspace’s key' : 'Herald’s key'})`;

export async function routedAccounts(routes: readonly AggregatorRoute[]): Promise<RoutedAccounts> {
  type Listed =
    | { readonly route: AggregatorRoute; readonly accounts: readonly AggregatorAccount[] }
    | { readonly route: AggregatorRoute; readonly error: string };
  const listed = await Promise.all(
    routes.map(async (route): Promise<Listed> => {
      try {
        return { route, accounts: await route.client.listAccounts() };
      } catch (err) {
        return { route, error: route.client.classifyError(err).message };
      }
    }),
  );
  return {
    accounts: listed.flatMap((entry) =>
      'accounts' in entry ? entry.accounts.map((account) => ({ route: entry.route, account })) : [],
    ),
    problems: listed.flatMap((entry) =>
      'error' in entry ? [`${routeName(entry.route)}: ${entry.error}`] : [],
    ),
  };
}
