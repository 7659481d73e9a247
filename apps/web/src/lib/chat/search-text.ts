/**
 * Message search as the reader sees it: which words the server looks for
 * (each one as the start of a word: "din tom" finds "dinner tomorrow"), and
 * where those words are in a result's text, to highlight them.
 */

// The server reads at most this many words of a search.
const MAX_WORDS = 8;

/** The words of a search, as the server takes them: runs of letters and digits, lowercased. */
export function searchWords(query: string): string[] {
  const words = query.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return [...new Set(words.slice(0, MAX_WORDS))];
}

export type TextPart = { text: string; isMatch: boolean };

function matcher(words: string[]): RegExp | null {
  if (words.length === 0) return null;
  // Longest first, so "dinner" wins over "din" where both start the same word.
  const alternatives = [...words].sort((a, b) => b.length - a.length).join("|");
  // Only letters and digits reach here: nothing to escape.
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives})`, "giu");
}

/** The text cut into parts, those that start a word with one of the search's words marked. */
export function highlightParts(text: string, query: string): TextPart[] {
  const pattern = matcher(searchWords(query));
  if (!pattern || !text) return text ? [{ text, isMatch: false }] : [];
  const parts: TextPart[] = [];
  let at = 0;
  for (const match of text.matchAll(pattern)) {
    if (match.index > at) parts.push({ text: text.slice(at, match.index), isMatch: false });
    parts.push({ text: match[0], isMatch: true });
    at = match.index + match[0].length;
  }
  if (at < text.length) parts.push({ text: text.slice(at), isMatch: false });
  return parts;
}

/**
 * A long message shortened so its first match shows near the start of a one-line
 * result ("…we could have dinner tomorrow"), cut between words.
 */
export function searchExcerpt(text: string, query: string, lead = 24): string {
  const pattern = matcher(searchWords(query));
  const first = pattern ? text.search(pattern) : -1;
  if (first <= lead) return text;
  const from = first - lead;
  const space = text.slice(from, first).search(/\s/);
  const start = space === -1 ? first : from + space + 1;
  return `…${text.slice(start)}`;
}
