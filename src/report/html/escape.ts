// Text from programs (names of arrays, stencils, the program itself) enters the HTML report only
// through here: markup characters become entities, and so do control and invisible format
// characters (which the one code writer refuses raw), so no name can open a tag or an attribute.

const SPECIAL: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff]/gu;

/** For element text and attribute values alike. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => SPECIAL[c]!).replace(UNSAFE, (c) => `&#x${c.codePointAt(0)!.toString(16).toUpperCase()};`);
}
