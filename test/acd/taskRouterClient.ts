import twilio from 'twilio';

/** Posts a callback as TaskRouter does: form-encoded, signed by the twilio library over the URL called. */
export async function postTaskRouterCallback(botUrl: string, authToken: string, params: Record<string, string>): Promise<number> {
  const url = `${botUrl}/api/acd/twilio/taskrouter`;
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(authToken, url, params) },
    body: new URLSearchParams(params).toString(),
  });
  await response.text();
  return response.status;
}
