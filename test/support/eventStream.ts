/** Reads a server-sent event stream (the tab's /api/tab/events): its events of one name (card) as they come, and whether the server ended it. */
export async function openEvents(url: string, headers: Record<string, string>, event = 'card') {
  const controller = new AbortController();
  const response = await fetch(url, { headers, signal: controller.signal });
  const events: any[] = [];
  let ended = false;
  const reading = (async () => {
    if (!response.body) return;
    const decoder = new TextDecoder();
    let buffer = '';
    const reader = response.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split('\n').find((l) => l.startsWith('data: '));
          if (block.split('\n').includes(`event: ${event}`) && data) events.push(JSON.parse(data.slice(6)));
        }
      }
      ended = true;
    } catch {
      // Aborted by the test.
    }
  })();
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    events,
    ended: () => ended,
    async close() {
      controller.abort();
      await reading;
    },
  };
}
