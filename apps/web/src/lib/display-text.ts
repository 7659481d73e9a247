// Embeddings and overrides (U+202A–U+202E), isolates (U+2066–U+2069) and the marks LRM, RLM and
// ALM. In a name, their one effect that matters is a spoof: "invoice\u202Efdp.exe" shows as
// "invoiceexe.pdf", and an override left open reverses the text after the name ("Ada joined").
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/g;

/**
 * A name someone else chose (a person's, a contact's, a group's, a file's, a place's) as it may
 * be shown: without bidirectional controls. Rendered inside <bdi> (the `Name` component), the
 * name's own direction still comes from its letters, without leaking into the text around it.
 */
export function displayText(text: string): string {
  return text.replace(BIDI_CONTROLS, "");
}
