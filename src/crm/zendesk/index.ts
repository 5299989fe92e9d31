import type { ConnectorDeps } from '../connectorDeps.js';
import type { CrmConnector } from '../port.js';
import { ZendeskCredentials } from './auth.js';
import { ZendeskCatalog } from './catalog.js';
import { zendeskBaseUrl, type ZendeskConnectorConfig } from './config.js';
import { ZendeskSearch } from './search.js';
import { ZendeskTimeline } from './timeline.js';
import { ZendeskApi } from './zendeskApi.js';
import { ZendeskConnector } from './zendeskConnector.js';

export { zendeskConnectorSchema, type ZendeskConnectorConfig } from './config.js';

/**
 * The connector of a Zendesk Support configuration. Secrets are resolved now (a missing one stops the
 * start, naming the variable); nothing is sent to Zendesk until a workflow runs.
 */
export function createZendeskConnector(config: ZendeskConnectorConfig, configurationId: string, deps: ConnectorDeps): CrmConnector {
  const logger = deps.logger.child({ crm: 'zendesk', configurationId });
  const credentials = new ZendeskCredentials(config.auth, deps, configurationId);
  const api = new ZendeskApi({
    baseUrl: zendeskBaseUrl(config),
    credentials,
    logger,
    maxRetries: config.maxRetries,
    maxRetryWaitMs: config.maxRetryWaitMs,
  });
  const catalog = new ZendeskCatalog(api, 5 * 60_000, () => deps.clock().getTime());
  const search = new ZendeskSearch(api, catalog, {
    defaultRegion: deps.defaultRegion,
    userPhoneFields: config.userPhoneFields,
    organizationPhoneFields: config.organizationPhoneFields,
    userEmailFields: config.userEmailFields,
    pageSize: config.pageSize,
    maxScan: config.maxScan,
  });
  const timeline = new ZendeskTimeline(api, { tag: config.timelineTag, logger });
  return new ZendeskConnector({ api, catalog, search, timeline, publicFirstComment: config.publicFirstComment });
}
