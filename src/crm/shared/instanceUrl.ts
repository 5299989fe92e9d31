import { z } from 'zod';

/**
 * The base URL of a CRM instance in a connector's configuration: https (http only for a local test
 * instance), no credentials, no path. `example` shows the admin what is meant.
 */
export function instanceUrlSchema(example: string, what = 'instance URL') {
  return z.string({ required_error: `is required, e.g. "${example}"` }).superRefine((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: `must be the ${what}, e.g. "${example}"` });
      return;
    }
    const local = url.hostname === '127.0.0.1' || url.hostname === 'localhost';
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) {
      ctx.addIssue({ code: 'custom', message: 'must use https (http only for a local test instance)' });
    }
    if (url.username || url.password) ctx.addIssue({ code: 'custom', message: 'must not carry credentials; name them in "auth"' });
    if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
      ctx.addIssue({ code: 'custom', message: `must be the bare ${what}, without a path, a query or a fragment` });
    }
  });
}
