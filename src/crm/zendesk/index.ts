import type { ConnectorDeps } from '../connectorDeps.js';
import type { CrmConnector } from '../port.js';
import { ZendeskCredentials } from './auth.js';
import { ZendeskCatalog } from './catalog.js';
import { zendeskBaseUrl, type ZendeskConnectorConfig } from './config.js';
import { ZendeskReader } from './reader.js';
import { ZendeskSearch } from './search.js';
import { ZendeskTextSearch } from './textSearch.js';
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
    retry: config.retry,
  });
  const now = () => deps.clock().getTime();
  const catalog = new ZendeskCatalog(api, 5 * 60_000, now);
  const fields = {
    userPhoneFields: config.userPhoneFields,
    organizationPhoneFields: config.organizationPhoneFields,
    userEmailFields: config.userEmailFields,
  };
  const reader = new ZendeskReader(api, { ...fields, ttlMs: 60_000, now, customStatuses: (signal) => catalog.customStatuses(signal) });
  const search = new ZendeskSearch(api, catalog, reader, {
    defaultRegion: deps.defaultRegion,
    userPhoneFields: config.userPhoneFields,
    organizationPhoneFields: config.organizationPhoneFields,
    userEmailFields: config.userEmailFields,
    pageSize: config.pageSize,
    maxScan: config.maxScan,
  });
  const timeline = new ZendeskTimeline(api, reader, { tag: config.timelineTag, logger });
  const textSearch = new ZendeskTextSearch(api, search, reader);
  return new ZendeskConnector({
    api,
    catalog,
    search,
    textSearch,
    reader,
    timeline,
    publicFirstComment: config.publicFirstComment,
    fieldOptions: fields,
  });
}
