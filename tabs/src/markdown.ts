/**
 * The Markdown that Adaptive Cards text may carry in Teams, turned into HTML for the renderer: **bold**,
 * _italic_, [links](https://…), bullet and numbered lists, paragraphs and line breaks, and backslash
 * escapes (the cards escape CRM data with them, so a customer's `*` stays a `*`). Everything else is text:
 * the input is HTML-escaped first, so nothing from a card can inject markup.
 */
export function markdownToHtml(source: string): string {
  const blocks = source.replace(/\r\n?/g, '\n').split(/\n{2,}/);
  return blocks
    .map((block) => block.trim() && renderBlock(block))
    .filter(Boolean)
    .join('');
}

const BULLET = /^\s*[-*+]\s+(.*)$/;
const NUMBERED = /^\s*\d{1,3}[.)]\s+(.*)$/;

function renderBlock(block: string): string {
  const lines = block.split('\n');
  if (lines.every((line) => BULLET.test(line))) return `<ul>${lines.map((l) => `<li>${inline(BULLET.exec(l)![1]!)}</li>`).join('')}</ul>`;
  if (lines.every((line) => NUMBERED.test(line))) return `<ol>${lines.map((l) => `<li>${inline(NUMBERED.exec(l)![1]!)}</li>`).join('')}</ol>`;
  return `<p>${lines.map(inline).join('<br>')}</p>`;
}

const ESCAPABLE = /\\([\\`*_{}[\]()#+\-.!~>|])/g;
const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML[c]!);
}

/** Escaped characters are set aside (as private-use placeholders) so no rule below can read them. */
function inline(text: string): string {
  const kept: string[] = [];
  const hide = (value: string) => `\uE000${kept.push(value) - 1}\uE001`;
  let out = text.replace(ESCAPABLE, (_m, c: string) => hide(escapeHtml(c)));
  out = escapeHtml(out);
  out = out.replace(/\[([^\]\n]+)\]\(((?:https?:\/\/|mailto:|tel:)[^\s)]+)\)/g, (_m, label: string, href: string) => hide(`<a href="${href}" target="_blank" rel="noopener noreferrer">${label}</a>`));
  out = out.replace(/\*\*(?=\S)([\s\S]*?\S)\*\*/g, '<strong>$1</strong>');
  out = out.replace(/(^|[^\w*])\*(?=\S)([^*]*?\S)\*(?![\w*])/g, '$1<em>$2</em>');
  out = out.replace(/(^|[^\w])_(?=\S)([^_]*?\S)_(?!\w)/g, '$1<em>$2</em>');
  // Placeholders may hold placeholders (a link's label with an escaped character): restore until none is left.
  for (let i = 0; i < 3 && out.includes('\uE000'); i++) out = out.replace(/\uE000(\d+)\uE001/g, (_m, n: string) => kept[Number(n)] ?? '');
  return out;
}
