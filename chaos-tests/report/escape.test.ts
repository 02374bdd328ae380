import { describe, expect, it } from 'vitest';
import { escapeHtml, jsonForScript } from './escape';

const ATTACK = '</script><img src=x onerror="window.__pwned=1">\'&\u2028';

describe('escaping user data', () => {
  it('text and attribute values keep no character that opens a tag, ends an attribute or starts an entity', () => {
    const out = escapeHtml(ATTACK);
    expect(out).not.toMatch(/[<>"']/);
    expect(out).toBe('&lt;/script&gt;&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;&#39;&amp;\u2028');
  });

  it('JSON for a script element cannot end the script or open a comment, and parses back to the same value', () => {
    const value = { detail: ATTACK, comment: '<!-- x -->', n: [1, null, 2.5] };
    const out = jsonForScript(value);
    expect(out).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(out)).toEqual(value);
  });
});
