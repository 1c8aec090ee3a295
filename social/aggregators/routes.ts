/**
 * Which aggregators a tenant publishes through, in the spec's order: the tenant's PostForMe key,
 * the tenant's LATE key, then Herald's global PostForMe and LATE keys. Each route is a client with
 * its key; the publishing engine tries them in this order and fails over on an error that proves
 * nothing was created.
 */
import type { Aggregator } from '../../core/aggregator-keys.js';
import type { HttpClient } from '../http.js';
import type { AggregatorClient } from './aggregator.js';
import { createLateClient } from './late.js';
import { createPostForMeClient } from './postforme.js';

export interface AggregatorSettings {
  readonly postforme: { readonly apiKey: string | undefined; readonly apiUrl: string };
  readonly late: { readonly apiKey: string | undefined; readonly apiUrl: string };
}

export interface AggregatorRoute {
  readonly aggregator: Aggregator;
  /** Whose key: the tenant's own, or Herald's (from config). */
  readonly source: 'tenant' | 'global';
  readonly client: AggregatorClient;
}

export interface AggregatorRoutes {
  /** The routes of a tenant whose own keys are `tenantKeys`, in failover order. */
  forTenant(tenantKeys: Partial<Record<Aggregator, string>>): readonly AggregatorRoute[];
}

export function createAggregatorRoutes(
  settings: AggregatorSettings,
  http: HttpClient,
  options: { readonly resultDelayMs?: number } = {},
): AggregatorRoutes {
  const clientOptions = options.resultDelayMs === undefined ? {} : { resultDelayMs: options.resultDelayMs };
  const client = (aggregator: Aggregator, apiKey: string): AggregatorClient =>
    aggregator === 'postforme'
      ? createPostForMeClient({ apiKey, apiUrl: settings.postforme.apiUrl, http }, clientOptions)
      : createLateClient({ apiKey, apiUrl: settings.late.apiUrl, http }, clientOptions);
  return {
    forTenant(tenantKeys) {
      const routes: AggregatorRoute[] = [];
      for (const [source, keys] of [
        ['tenant', tenantKeys],
        ['global', { postforme: settings.postforme.apiKey, late: settings.late.apiKey }],
      ] as const) {
        for (const aggregator of ['postforme', 'late'] as const) {
          const apiKey = keys[aggregator];
          if (apiKey) routes.push({ aggregator, source, client: client(aggregator, apiKey) });
        }
      }
      return routes;
    },
  };
}
